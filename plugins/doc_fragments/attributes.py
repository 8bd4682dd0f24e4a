# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The attributes every maestro.platform module shares: it runs on the controller through the collection's action
plugin (or as an ordinary module), with check and diff mode. A module lists only the attributes that differ."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the change it would make, without making it.
    support: full
  diff_mode:
    description: Returns the object before and after the change (or the predicted change in check mode) in diff mode.
    support: full
  platform:
    description: The targets it can run against.
    support: N/A
    platforms: all
  action:
    description: Has an action plugin of the same name, which runs the module's logic in-process on the controller.
    support: full
  async:
    description: Can run with the C(async) keyword.
    support: none
  bypass_host_loop:
    description: Runs once for all hosts instead of once per host.
    support: none
"""

    # Modules that only read: nothing to predict and no diff.
    INFO = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the change it would make, without making it.
    support: full
    details: This module never changes anything.
  diff_mode:
    description: Returns the object before and after the change (or the predicted change in check mode) in diff mode.
    support: N/A
    details: This module never changes anything.
  platform:
    description: The targets it can run against.
    support: N/A
    platforms: all
  action:
    description: Has an action plugin of the same name, which runs the module's logic in-process on the controller.
    support: full
  async:
    description: Can run with the C(async) keyword.
    support: none
  bypass_host_loop:
    description: Runs once for all hosts instead of once per host.
    support: none
"""
