# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The action plugin of every maestro.platform module: meta/runtime.yml routes each module's action here
(plugin_routing), and plugin_utils/_fast_action.py runs the module's logic (its OPERATION) in-process on the
controller, or ships the ordinary module (see CONTRIBUTING.md, "Execution model")."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import FastAction


class ActionModule(FastAction):
    pass
