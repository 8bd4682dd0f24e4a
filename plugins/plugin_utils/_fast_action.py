# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the fast execution path of maestro.platform. Not a public API; it may change at any time.
"""Run a module's logic in-process on the controller.

An ordinary module costs one Python process and one module payload per loop item (~0.24 s here); these
modules only talk HTTP to an API, so when the task would run on the controller anyway (connection local)
the collection's action plugin validates the arguments with the module's own argument spec and calls the
module's logic directly, reusing one HTTP client (one kept-alive connection) across the items of a loop:
a worker process runs all items of a task's loop for one host.

Resources that a list call returns together also get a loop read-ahead (_resource.ReadAhead): once two
items in a row needed no change, the rest of the loop is answered from one listing per collection whenever
it shows nothing to change (variable `maestro_platform_read_ahead`, default true).

The ordinary module is still used when the task runs on a remote host (delegate_to, or an inventory host
with another connection), so network reachability is the user's choice, and can be forced with the
variable `maestro_platform_execution` (auto | controller | module). It is also used, whatever that variable
says, for a task the in-process path cannot honour: one with become (the module must run as that user, e.g.
dvc_remote level=user edits the become user's config).

Both paths behave the same: arguments are validated by ansible-core's public ArgumentSpecValidator (as
AnsibleModule and ActionBase.validate_argument_spec do) and reported as AnsibleModule reports them (the
first error; "Unsupported parameters for (<module>) module: ..."), retries of the HTTP transport are
reported as warnings (here while the task runs), the task's `environment:` applies to option fallbacks
and to the proxy variables, and secrets (no_log options and credentials inside URLs) are censored from the
result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
from contextlib import contextmanager

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, set_retry_reporter
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    ModuleFailure,
    ReadAhead,
    Resource,
    alias_warnings,
    secret_values,
)

EXECUTION_VAR = 'maestro_platform_execution'
READ_AHEAD_VAR = 'maestro_platform_read_ahead'
LOCAL_CONNECTIONS = frozenset(('local', 'ansible.builtin.local'))

PROXY_VARIABLES = ('http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY')

# Kept for the life of the worker process (all items of one loop): HTTP clients keyed by connection
# options and proxy settings (a client also remembers a server that did not answer, see _http), and the
# loop's read-ahead (see _resource.ReadAhead) keyed by task, host and connection options.
_CLIENTS = {}
_READ_AHEADS = {}


@contextmanager
def _environment(env):
    """The task's `environment:` applied to os.environ while options fall back to it, as a module's would."""
    saved = dict((k, os.environ.get(k)) for k in env)
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def operation_of(action):
    """The logic class of a maestro.platform module (the module's OPERATION), from a task's action name
    (maestro.platform.harbor_project, or harbor_project under `collections:`)."""
    name = action.rsplit('.', 1)[-1]
    module = importlib.import_module('ansible_collections.maestro.platform.plugins.modules.%s' % name)
    return module.OPERATION


class FastAction(ActionBase):
    """The action plugin of every maestro.platform module (plugins/action/<module>.py imports ActionModule):
    runs the module's OPERATION in-process, or the module itself."""

    _supports_check_mode = True
    _supports_async = False

    def _execution(self, task_vars):
        if self._play_context.become or self._task.become:
            return 'module'  # only a module process can run as another user
        mode = task_vars.get(EXECUTION_VAR, 'auto')
        mode = self._templar.template(mode) if isinstance(mode, str) else mode
        if mode not in ('auto', 'controller', 'module'):
            raise AnsibleError('%s must be auto, controller or module, got %r' % (EXECUTION_VAR, mode))
        if mode == 'auto':
            transport = getattr(self._connection, 'transport', None) or self._play_context.connection
            return 'controller' if transport in LOCAL_CONNECTIONS else 'module'
        return mode

    def _read_ahead_enabled(self, task_vars):
        value = task_vars.get(READ_AHEAD_VAR, True)
        value = self._templar.template(value) if isinstance(value, str) else value
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise AnsibleError('%s must be a boolean, got %r' % (READ_AHEAD_VAR, value))

    def _task_environment(self):
        env = {}
        for item in self._task.environment or []:
            item = self._templar.template(item)
            if isinstance(item, dict):
                env.update((str(k), str(v)) for k, v in item.items())
        return env

    def run(self, tmp=None, task_vars=None):
        op_cls = operation_of(self._task.action)
        result = self._run(op_cls, tmp, task_vars or {})
        # A secret the server generated (a robot's) is no option value, so no_log censoring does not know it:
        # mark the result no_log for display; the registered variable still holds it, for the play to store.
        if any(result.get(key) for key in op_cls.returned_secrets):
            result['_ansible_no_log'] = True
        return result

    def _run(self, op_cls, tmp, task_vars):
        result = super(FastAction, self).run(tmp, task_vars)
        if self._execution(task_vars) == 'module':
            result.update(self._execute_module(module_name=self._task.action, module_args=self._task.args,
                                               task_vars=task_vars))
            return result

        spec = op_cls.argument_spec()
        with _environment(self._task_environment()):
            validation = ArgumentSpecValidator(spec, **op_cls.module_kwargs).validate(dict(self._task.args))
            if validation.error_messages:
                result.update(failed=True, msg=self._validation_message(validation.errors))
                return remove_values(result, secret_values(spec, self._task.args))
            params = validation.validated_parameters
            secrets = secret_values(spec, params)
            try:
                op_cls.check_raw_types(self._task.args)
            except ModuleFailure as exc:
                result.update(failed=True, msg=exc.msg)
                return remove_values(result, secrets)
            warnings = alias_warnings(spec, self._task.args)
            outcome = self._run_operation(op_cls, params, task_vars)

        warnings.extend(outcome.pop('warnings', []))
        for warning in warnings:
            self._display.warning(remove_values(warning, secrets))
        for deprecation in outcome.pop('deprecations', []):
            self._display.deprecated(remove_values(deprecation['msg'], secrets), version=deprecation.get('version'),
                                     date=deprecation.get('date'), collection_name='maestro.platform')
        result.update(outcome)
        result['invocation'] = {'module_args': params}
        return remove_values(result, secrets)

    def _validation_message(self, errors):
        """The message AnsibleModule (and ActionBase.validate_argument_spec) gives: the first error only,
        an unsupported parameter prefixed and named after the module."""
        if isinstance(errors[0], UnsupportedError):
            return 'Unsupported parameters for (%s) module: %s' % (self._task.action, errors.msg)
        return errors.msg

    def _run_operation(self, op_cls, params, task_vars):
        """The operation's result (a failed one for an error); retries are shown as they happen."""
        check_mode = bool(self._task.check_mode)
        diff_mode = bool(self._task.diff)
        display = self._display
        secrets = secret_values(op_cls.argument_spec(), params)
        set_retry_reporter(lambda message: display.warning(remove_values(message, secrets)))
        try:
            key = op_cls.client_key(params) + tuple((name, os.environ.get(name)) for name in PROXY_VARIABLES)
            client = _CLIENTS.get(key)
            if client is None:
                client = _CLIENTS[key] = op_cls.make_client(params)
            operation = op_cls(params, client, check_mode, diff_mode)
            if isinstance(operation, Resource) and self._read_ahead_enabled(task_vars):
                ahead_key = (self._task._uuid, task_vars.get('inventory_hostname'), key)
                operation.read_ahead = _READ_AHEADS.get(ahead_key)
                if operation.read_ahead is None:
                    operation.read_ahead = _READ_AHEADS[ahead_key] = ReadAhead()
            return operation.execute()
        except ModuleFailure as exc:
            return dict(exc.extra, failed=True, msg=exc.msg)
        except ApiError as exc:
            return dict(failed=True, msg=str(exc), status=exc.status)
        finally:
            set_retry_reporter(None)


class ActionModule(FastAction):
    """What Ansible loads as plugins/action/<module>.py. One file per module because Ansible finds an action
    plugin by the module's name; a plugin_routing redirect would make ansible-lint report every task's module name
    as non-canonical, and a symlink would make antsibull-docs document the module as an alias."""
