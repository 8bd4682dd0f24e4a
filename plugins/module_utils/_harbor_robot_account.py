# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""A Harbor robot account (harbor_robot_account), system- or project-level, and its secret.

What a robot may be granted is in _harbor_robot_permissions.py; how robots are read and listed, in
_harbor_robot_account_info.py. Facts the code relies on (Harbor v2.15.2):
- Robot secrets are returned only by POST /robots and PATCH /robots/{id}; GET never shows them.
  POST /robots ignores a secret in its body and always generates one (controller/robot CreateSec;
  goharbor/harbor#16884, #17386): a chosen secret is set by the refresh call PATCH /robots/{id}
  {"secret": "<chosen>"} right after the create, as terraform-provider-harbor does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible_collections.maestro.platform.plugins.module_utils._harbor import (
    HarborOperation,
    HarborResource,
    check_name,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_account_info import (
    find_robot,
    list_robots,
    normalize_robot,
    project_ids,
    robot_prefix,
    robot_settings,
)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_robot_permissions import (
    PERMISSION_OPTIONS,
    check_permissions,
    check_robot_secret,
)
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, ModuleFailure


class RobotAccount(HarborResource):
    result_key = 'robot_account'
    kind = 'Harbor robot account'
    # per run (reset by run()): the parent project's id, whether the robot existed, a secret to return
    _project_id = None
    existed = None
    new_secret = None
    returned_secrets = ('secret',)  # Harbor's generated secret, returned once and shown censored
    option_code = {'secret': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/harbor_robot_account.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        level=dict(type='str', default='project', choices=['system', 'project']),
        project=dict(type='str'),
        description=dict(type='str'),
        duration=dict(type='int'),
        disabled=dict(type='bool'),
        permissions=dict(type='list', elements='dict', options=PERMISSION_OPTIONS),
        secret=dict(type='str', no_log=True),
        update_secret=dict(type='str', default='on_create', choices=['on_create', 'always']),
        regenerate_secret=dict(type='bool', default=False),
        name_prefix=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs,
                         required_if=[('level', 'project', ('project',))],
                         mutually_exclusive=[('secret', 'regenerate_secret')])

    def describe(self):
        if self.params.get('level') == 'project':
            return "%s '%s' of project '%s'" % (self.kind, self.params.get('name'), self.params.get('project'))
        return "system %s '%s'" % (self.kind, self.params.get('name'))

    _settings = False  # per run: Harbor's robot settings (None when unreadable); False until read

    def settings(self):
        """Harbor's robot settings: read once per item, or once per loop (max_age) where the loop reads ahead."""
        if self._settings is False:
            load = functools.partial(robot_settings, self.client)
            self._settings = self.read_ahead.memo(('robot_settings',), load) if self.read_ahead else load()
        return self._settings

    def prefix(self):
        if self.params.get('name_prefix'):
            return self.params['name_prefix']
        return robot_prefix(self.params, self.settings())

    def default_duration(self):
        """Harbor's robot_token_duration (days). Harbor's API refuses a robot without a duration (handler
        robot.go isValidDuration: -1 or 1..MaxInt32), so the module sends the system's default itself."""
        duration = (self.settings() or {}).get('robot_token_duration')
        if not isinstance(duration, int) or duration <= 0:
            raise ModuleFailure('duration: cannot read the robot token expiry Harbor uses by default '
                                '(robot_token_duration in /configurations needs a system administrator); set '
                                'duration (days, or -1 for never) to create %s' % self.describe())
        return duration

    def full_name(self):
        prefix = self.prefix()
        if self.params['level'] == 'project':
            return '%s%s+%s' % (prefix, self.params['project'], self.params['name'])
        return prefix + self.params['name']

    def validate(self):
        check_name(self.params['name'], 'name', 'robot account name')
        level = self.params['level']
        if level == 'project':
            check_name(self.params['project'], 'project', 'project name')
        elif self.params.get('project'):
            raise ModuleFailure('project is only used with level=project; a system robot account names its '
                                'projects in permissions[].namespace')
        duration = self.params.get('duration')
        if duration is not None and duration != -1 and duration <= 0:
            raise ModuleFailure('duration must be -1 (never expires) or a positive number of days, got %s'
                                % duration)
        if self.params.get('secret') is not None:
            check_robot_secret(self.params['secret'])
        self.permissions = check_permissions(self.params)

    def project_id(self):
        if self._project_id is None:
            self._project_id = (self.parent_project() or {}).get('project_id', False)
        return self._project_id

    def read(self):
        level = self.params['level']
        if level == 'project' and self.project_id() is False:
            raw = None  # check mode, project not created yet
        else:
            raw = find_robot(self.client, self.full_name(), level, self.prefix(),
                             self.project_id() if level == 'project' else None)
        current = normalize_robot(raw, self.prefix()) if raw else None
        if self.existed is None:
            self.existed = current is not None
        return current

    def batch_scope(self):
        return ('robots', self.params['level'], self.params.get('project'), self.prefix())

    def batch_key(self):
        return self.full_name()

    def read_batch(self):
        level, project_id = self.params['level'], None
        if level == 'project':
            # Robots are listed per project id: one project listing per loop finds every project's id (a
            # listing is only used to find nothing to change; writes use the id read by name).
            ids = self.read_ahead.memo('harbor-project-ids', lambda: project_ids(self.client)) if self.read_ahead else {}
            project_id = ids.get(self.params['project']) or self.project_id()
            if not project_id:
                return None
        robots = list_robots(self.client, level, project_id, limit=READ_AHEAD_LIMIT)
        if robots is None:
            return None
        return dict((raw['name'], normalize_robot(raw, self.prefix()))
                    for raw in robots if raw.get('level') == level)

    def validate_against(self, current):
        if current is None and self.permissions is None:
            raise ModuleFailure('permissions is required to create %s' % self.describe())

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'name': self.params['name'], 'full_name': self.full_name(), 'level': self.params['level'],
            'project': self.params.get('project'), 'description': '', 'duration': None, 'disabled': False,
            'expires_at': None, 'editable': None, 'permissions': [], 'creation_time': None}
        for option in ('description', 'duration', 'disabled'):
            if self.params.get(option) is not None:
                base[option] = self.params[option]
        if self.permissions is not None:
            base['permissions'] = self.permissions
        if base['duration'] is None:
            base['duration'] = self.default_duration()
        return base

    def run(self):
        self.new_secret = None
        self.existed = None
        self._project_id = None
        self._settings = False
        result = super(RobotAccount, self).run()
        if self.existed is None:  # answered from the loop's read-ahead: nothing to change, so it is there
            self.existed = bool(result.get(self.result_key))
        if self.params['state'] == 'absent' or not self.existed:
            # a new robot already has the secret Harbor generated (or the one the task gave, set by create())
            return self._with_secret(result)
        rotate = self.params['regenerate_secret'] or (
            self.params['update_secret'] == 'always' and self.params.get('secret') is not None)
        if not rotate:
            return result
        result['changed'] = True
        if not self.check_mode:
            self._refresh_secret(result[self.result_key]['id'])
        return self._with_secret(result)

    def _refresh_secret(self, robot_id):
        """Set the chosen secret, or have Harbor generate a new one (returned once, as on create)."""
        try:
            answer = self.client.patch('/robots/%s' % robot_id, {'secret': self.params.get('secret') or ''},
                                       idempotent=self.params.get('secret') is not None)
        except ApiError as exc:
            raise ModuleFailure('Failed to refresh the secret of %s: %s' % (self.describe(), exc),
                                status=exc.status, request_id=exc.request_id)
        if self.params.get('secret') is None:
            self.new_secret = (answer or {}).get('secret')

    def _with_secret(self, result):
        if self.new_secret:
            result['secret'] = self.new_secret
        return result

    def _body(self, desired):
        return {'description': desired['description'], 'duration': desired['duration'],
                'disable': desired['disabled'], 'level': desired['level'],
                'permissions': desired['permissions']}

    def create(self, desired):
        body = self._body(desired)
        body['name'] = self.params['name']
        answer = self.client.post('/robots', body) or {}
        chosen = self.params.get('secret')
        if chosen is None:
            self.new_secret = answer.get('secret')
            return
        # Harbor generated a secret nobody will use: replace it with the chosen one (setting the same secret
        # twice is harmless, so the request may be repeated). Should that fail, the robot goes again, so that
        # no robot is left whose secret nobody knows and the next run creates it afresh.
        try:
            self.client.patch('/robots/%s' % answer['id'], {'secret': chosen}, idempotent=True)
        except ApiError as exc:
            try:
                self.client.delete('/robots/%s' % answer['id'])
                outcome = 'the robot was deleted again, so the next run creates it afresh'
            except ApiError as cleanup:
                outcome = ('deleting it again failed too (%s): delete it, or set the secret with '
                           'update_secret=always' % cleanup)
            raise ModuleFailure('Failed to set the chosen secret of %s after creating it (%s): %s'
                                % (self.describe(), outcome, exc), status=exc.status, request_id=exc.request_id)

    def update(self, current, desired):
        body = self._body(desired)
        body.update(id=current['id'], name=current['full_name'], editable=True)
        self.client.put('/robots/%s' % current['id'], body)

    def delete(self, current):
        self.client.delete('/robots/%s' % current['id'])
