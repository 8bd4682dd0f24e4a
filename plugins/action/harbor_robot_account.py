# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Runs maestro.platform.harbor_robot_account in-process on the controller: plugins/plugin_utils/_fast_action.py runs the class
the module names OPERATION (Ansible finds an action plugin by the module's name, hence one file per module)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import ActionModule  # noqa: F401  pylint: disable=unused-import
