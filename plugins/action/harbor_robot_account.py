# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Runs maestro.platform.harbor_robot_account in-process on the controller (see plugin_utils/_fast_action.py).

A result that carries a robot secret Harbor has just generated is marked no_log for display: Ansible's
no_log censoring only knows the values of no_log options, and a generated secret is not one of them. The
registered variable still holds the secret, so a play can store it (in a vault, a Kubernetes secret ...);
the callback output (-v, -vvv, loop item labels) shows only "changed" and a censored notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_account import RobotAccount
from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import FastAction


class ActionModule(FastAction):
    operation = RobotAccount

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if result.get('secret'):
            result['_ansible_no_log'] = True
        return result
