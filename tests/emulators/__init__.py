# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Spec-validated API emulators for services that cannot run on our machines (test support only).

framework.py is the shared machinery (routing, OpenAPI validation, faults, write log); one module per
service subclasses framework.Emulator.
"""
