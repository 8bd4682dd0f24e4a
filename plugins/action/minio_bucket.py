# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Runs maestro.platform.minio_bucket in-process on the controller (see plugin_utils/_fast_action.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket import Bucket
from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import FastAction


class ActionModule(FastAction):
    operation = Bucket
