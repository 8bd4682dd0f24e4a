# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor v2.15.2 users, user groups, configurations and system schedules: a mixin of HarborEmulator
(tests/emulators/harbor.py; its routes are collected over the MRO). Test support, not shipped.

- users (handler/user.go: list/search/current/get/create/delete; GET /users never lists admin; on create
  the password rule is checked first, then validateUserProfile (email required and in Harbor's pattern,
  realname 1-255 without , ~ # $ %, comment at most 30), then pkg/user/dao's unique username and email
  (409 "user X or email Y already exists"); PUT /users/{id} (profile: all three fields; a taken email is
  a plain 500, dao Update does not wrap it), PUT /users/{id}/sysadmin, PUT /users/{id}/password (an admin
  needs no old password, a user changing its own does; a new password equal to the CALLER's is 400)) and
  user groups (handler/usergroup.go, controller and pkg/usergroup: unique by name and type (409), no
  name of an HTTP group (409), an LDAP DN is required and stored trimmed and lower-cased, GET lists only
  the auth mode's groups in ldap_auth/http_auth, GET by id has no id, PUT renames only, search).
- configurations (config.go): GET {key: {value, editable}} (ldap_search_password, oidc_client_secret
  never returned), PUT flat values (keys Harbor's model lacks are dropped silently: 200, nothing set),
  auth_mode not editable once users other than admin exist ("the auth mode cannot be modified as new
  users have been inserted into database").
- schedules (gc.go, purge.go, scan_all.go): GC and audit purge: POST and PUT both replace the schedule
  (Manual runs now, None removes, Hourly/Daily/Weekly/Custom need a valid 6-field cron in the body: the
  type implies none), GC workers 1-10 (a JSON number; other types ignored), purge needs parameters audit_retention_hour and include_event_types,
  job_parameters carries Harbor's own redis_url_reg and time_window. Scan all: POST of a second schedule
  412, PUT Manual 400. GET without a schedule: 200 with an empty body (all three).
"""

from __future__ import annotations

import json
import re
import secrets

from .framework import HttpError, load_spec, route
from .harbor_common import _bad, _bad_cause, _now, _quota_limit_error, cron_error, valid_secret

WRITE_ONLY_CONFIG = ('ldap_search_password', 'oidc_client_secret')
CONFIG_DEFAULTS = {
    'auth_mode': 'db_auth', 'ldap_scope': 2, 'ldap_timeout': 5, 'ldap_uid': 'cn', 'ldap_verify_cert': True,
    'ldap_group_search_scope': 2, 'ldap_group_membership_attribute': 'memberof',
    'project_creation_restriction': 'everyone', 'token_expiration': 30, 'uaa_verify_cert': True,
    'http_authproxy_verify_cert': True, 'oidc_verify_cert': True, 'robot_token_duration': 30,
    'robot_name_prefix': 'robot$', 'notification_enable': True, 'quota_per_project_enable': True,
    'storage_per_project': -1, 'session_timeout': 60,
}
# src/lib/config/metadata/type.go (v2.15.2) AuthModeType / ProjectCreationRestrictionType validate: the choices
# and the error text (sic)
CONFIG_CHOICES = {
    'auth_mode': (('db_auth', 'ldap_auth', 'uaa_auth', 'http_auth', 'oidc_auth'),
                  'invalid auth_mode, shoud be one of db_auth, ldap_auth, uaa_auth, http_auth, oidc_auth'),
    'project_creation_restriction': (('everyone', 'adminonly'),
                                     'invalid project_creation_restriction, should be adminonly or everyone'),
}
# handler/user.go validateUserProfile's e-mail pattern
ILLEGAL_USERNAME_CHARS = ',"~#%$'  # common.IllegalCharsInUsername (src/common/const.go at v2.15.2)
USER_EMAIL_RULE = re.compile(r'^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@'
                             r'((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$')


class HarborSystemMixin:
    """Users, groups, configurations and system schedules for HarborEmulator (see the module docstring)."""

    # --- users and groups ---------------------------------------------------------------------------------
    @staticmethod
    def _user_out(user):
        return {k: v for k, v in user.items() if k != 'password'}

    @route('GET', '/users')
    def list_users(self, call):
        self._require_admin(call)
        # the user manager's List leaves out the default admin (see models.WithDefaultAdmin in Harbor)
        items = [self._user_out(u) for u in self.users.values() if u['user_id'] != 1]
        for key, op_value in self._parse_q(call).items():
            if key in ('username', 'email'):
                items = [u for u in items if self._q_match(u.get(key), op_value)]
        for key in ('username', 'email'):  # undocumented query parameters, fuzzy (users.go)
            if call.arg(key):
                items = [u for u in items if call.arg(key) in (u.get(key) or '')]
        page, headers = self._paginate(call, self._sort(call, items, 'user_id'))
        return 200, page, headers

    @route('GET', '/users/current')
    def current_user(self, call):
        if not call.user.get('user_id'):
            # handler/user.go GetCurrentUserInfo (v2.15.2): PreconditionFailedError(nil).WithMessagef(...) for a
            # security context that is not a local user's (a robot's is named "robot")
            raise HttpError(412, 'get current user not available for security context: robot')
        return 200, self._user_out(call.user)

    @route('GET', '/users/search')
    def search_users(self, call):
        name = call.arg('username') or ''
        items = [{'user_id': u['user_id'], 'username': u['username']} for u in self.users.values()
                 if name in u['username']]
        page, headers = self._paginate(call, items)
        return 200, page, headers

    @route('POST', '/users')
    def create_user(self, call):
        self._require_admin(call)
        body = call.body or {}
        username = body.get('username') or ''
        # handler/user.go CreateUser (v2.15.2): requireValidSecret, then validateUserProfile(m, true)
        if not valid_secret(body.get('password')):
            raise _bad('the password or secret must be 8-128, inclusively, characters long with at least 1 '
                       'uppercase letter, 1 lowercase letter and 1 number')
        self._check_user_profile(body)
        if not 1 <= len(username) <= 255:
            raise _bad('username with illegal length')
        if any(c in username for c in ILLEGAL_USERNAME_CHARS):
            raise _bad('username contains illegal characters')
        if any(u['username'] == username or u['email'] == body['email'] for u in self.users.values()):
            # pkg/user/dao Create: the unique constraints on username and email, WrapConflictError
            raise HttpError(409, 'user %s or email %s already exists' % (username, body['email']))
        user = self.add_user(username, body['password'], email=body.get('email'), realname=body.get('realname'))
        user['comment'] = body.get('comment') or ''
        return 201, None, self._location('/users/%d' % user['user_id'])

    @staticmethod
    def _check_user_profile(body):
        """handler/user.go validateUserProfile (create and PUT /users/{id}): email required and matching
        Harbor's pattern, realname 1-255 characters without common.IllegalCharsInUsername, comment at most
        30 characters (each BadRequestError(nil).WithMessage, the message alone)."""
        email = body.get('email') or ''
        if not email:
            raise _bad("email can't be empty")
        if not USER_EMAIL_RULE.match(email):
            raise _bad('email with illegal format')
        realname = body.get('realname') or ''
        if not 1 <= len(realname) <= 255:
            raise _bad('realname with illegal length')
        if any(c in realname for c in ILLEGAL_USERNAME_CHARS):
            raise _bad('realname contains illegal characters')
        if len(body.get('comment') or '') > 30:
            raise _bad('comment with illegal length')

    def _modifiable_user(self, call):
        """handler/user.go requireModifiable (db_auth): an admin may update anyone, a user only itself; then
        the update of a missing user finds no row (pkg/user/dao Update: 404 "user with id N not found")."""
        if call.user is None:
            raise HttpError(401, 'unauthorized')
        user_id = int(call.params['user_id'])
        if not call.user.get('sysadmin_flag') and call.user.get('user_id') != user_id:
            raise HttpError(403, "User with ID %d can't be updated" % user_id)
        if user_id not in self.users:
            raise HttpError(404, 'user with id %d not found' % user_id)
        return self.users[user_id]

    @route('PUT', '/users/{user_id}')
    def update_user_profile(self, call):
        user = self._modifiable_user(call)
        body = call.body or {}
        self._check_user_profile(body)  # all three fields are written: an omitted one fails or is cleared
        if any(u['email'] == body['email'] and u is not user for u in self.users.values()):
            # pkg/user/dao Update does not wrap the unique violation: a plain error, 500
            raise HttpError(500, 'internal server error')
        user.update(email=body['email'], realname=body['realname'], comment=body.get('comment') or '',
                    update_time=_now())
        return 200, None

    @route('PUT', '/users/{user_id}/sysadmin')
    def set_user_sysadmin(self, call):
        self._require_admin(call)  # RequireSystemAccess(update, user)
        user = self.users.get(int(call.params['user_id']))
        if user is None:
            raise HttpError(404, 'user with id %s not found' % call.params['user_id'])
        user['sysadmin_flag'] = bool((call.body or {}).get('sysadmin_flag'))
        return 200, None

    @route('PUT', '/users/{user_id}/password')
    def update_user_password(self, call):
        user = self._modifiable_user(call)
        body = call.body or {}
        if call.user.get('user_id') == user['user_id'] and not secrets.compare_digest(
                user['password'], body.get('old_password') or ''):
            raise HttpError(403, 'Current password is incorrect')  # only when changing one's own password
        new = body.get('new_password')
        if not valid_secret(new):
            raise _bad('the password or secret must be 8-128, inclusively, characters long with at least 1 '
                       'uppercase letter, 1 lowercase letter and 1 number')
        # Harbor compares the new password with the CALLER's (VerifyPassword(sctx.GetUsername(), newPwd))
        if secrets.compare_digest(call.user['password'], new):
            raise _bad('New password is identical to old password')
        user['password'] = new
        return 200, None

    def _user(self, call):
        user = self.users.get(int(call.params['user_id']))
        if not call.user.get('sysadmin_flag') and (user is None or user['user_id'] != call.user.get('user_id')):
            raise self._forbidden()
        if user is None:
            raise HttpError(404, 'user %s not found' % call.params['user_id'])  # pkg/user/manager.go Get
        return user

    @route('GET', '/users/{user_id}')
    def get_user(self, call):
        return 200, self._user_out(self._user(call))

    @route('DELETE', '/users/{user_id}')
    def delete_user_api(self, call):
        self._require_admin(call)
        # handler/user.go requireDeletable (v2.15.2): oneself and user 1 are refused before the lookup
        user_id = int(call.params['user_id'])
        if user_id in (1, call.user.get('user_id')):
            raise HttpError(403, 'User with ID %d cannot be deleted' % user_id)
        user = self._user(call)  # pkg/user/manager.go Delete -> Get: NotFoundError "user %d not found"
        self.delete_user(user['username'])
        return 200, None

    @route('GET', '/usergroups')
    def list_groups(self, call):
        self._require_admin(call)
        items = list(self.groups.values())
        name = call.arg('group_name')
        if name:
            items = [g for g in items if name in g['group_name']]
        # handler/usergroup.go ListUserGroups: ldap_auth lists LDAP groups only (and filters by DN), http_auth
        # HTTP groups only; other modes list every group and ignore ldap_group_dn
        mode = self.config['auth_mode']
        if mode == 'ldap_auth':
            items = [g for g in items if g['group_type'] == 1]
            dn = call.arg('ldap_group_dn')
            if dn:
                items = [g for g in items if g.get('ldap_group_dn') == dn]
        elif mode == 'http_auth':
            items = [g for g in items if g['group_type'] == 2]
        page, headers = self._paginate(call, [dict(g) for g in items])
        return 200, page, headers

    @route('GET', '/usergroups/search')
    def search_groups(self, call):
        name = call.arg('groupname') or ''
        items = [{'id': g['id'], 'group_name': g['group_name'], 'group_type': g['group_type']}
                 for g in self.groups.values() if name in g['group_name']]
        page, headers = self._paginate(call, items)
        return 200, page, headers

    @route('POST', '/usergroups', empty_ok=True)
    def create_group(self, call):
        """handler/usergroup.go CreateUserGroup (v2.15.2): no group name is operation.NewCreateUserGroupBadRequest(),
        a 400 without a body (hence empty_ok); the group type is not checked (stored as sent, 0 when absent)."""
        self._require_admin(call)
        body = call.body or {}
        group_type = body.get('group_type') or 0
        if not body.get('group_name'):
            return 400, None
        dn = (body.get('ldap_group_dn') or '').strip().lower()  # dao Add stores utils.TrimLower(dn)
        if group_type == 1 and not dn:
            # controller Create searches the DN in LDAP first: an empty one is never found
            raise _bad('LDAP Group DN is not found: DN:%s' % (body.get('ldap_group_dn') or ''))
        for group in self.groups.values():
            if group['group_name'] == body['group_name'] and group['group_type'] == group_type:
                # pkg/usergroup/manager.go Create: ErrDupUserGroup, controller/usergroup Create: ConflictError
                raise HttpError(409, 'duplicate user group, group name:%s, group type: %s, ldap group DN: %s'
                                % (body['group_name'], group_type, body.get('ldap_group_dn') or ''))
        for group in self.groups.values():
            if group['group_name'] == body['group_name'] and group['group_type'] == 2:
                raise HttpError(409, 'duplicated user group name')  # pkg/usergroup/dao Add: ErrGroupNameDup
        group = self.add_group(body['group_name'], group_type, dn or None)
        return 201, None, self._location('/usergroups/%d' % group['id'])

    def _group(self, call):
        group = self.groups.get(int(call.params['group_id']))
        if group is None:  # handler/usergroup.go GetUserGroup, controller/usergroup Update: NotFoundError
            raise HttpError(404, 'the user group with id %s is not found' % call.params['group_id'])
        return group

    @route('GET', '/usergroups/{group_id}')
    def get_group(self, call):
        self._require_admin(call)
        # handler GetUserGroup answers name, type and DN, without the id
        return 200, {k: v for k, v in self._group(call).items() if k != 'id'}

    @route('PUT', '/usergroups/{group_id}')
    def update_group(self, call):
        self._require_admin(call)
        group = self._group(call)
        if (call.body or {}).get('group_name'):
            group['group_name'] = call.body['group_name']
        return 200, None

    @route('DELETE', '/usergroups/{group_id}')
    def delete_group(self, call):
        self._require_admin(call)
        group = self.groups.get(int(call.params['group_id']))
        if group is None:  # pkg/usergroup/dao Delete: orm Delete of no row is no error
            return 200, None
        del self.groups[group['id']]
        for mid in [k for k, m in self.members.items() if m['entity_type'] == 'g' and m['entity_id'] == group['id']]:
            del self.members[mid]
        return 200, None

    # --- configurations -----------------------------------------------------------------------------------
    def _config_types(self):
        spec = load_spec(self.spec_path, self.base_path, self.validate_spec, type(self).prepare_spec)
        schemas = spec.data['components']['schemas']
        types = {}
        for key, prop in schemas['Configurations']['properties'].items():
            types[key] = prop.get('type', 'string')
        return types

    def _config_defaults(self):
        defaults = {}
        for key, kind in self._config_types().items():
            defaults[key] = CONFIG_DEFAULTS.get(key, {'boolean': False, 'integer': 0}.get(kind, ''))
        return defaults

    def _auth_mode_editable(self):
        return all(user['user_id'] == 1 for user in self.users.values())

    @route('GET', '/configurations')
    def get_configurations(self, call):
        self._require_admin(call)
        out = {}
        for key, value in self.config.items():
            if key in WRITE_ONLY_CONFIG:
                continue
            out[key] = {'value': value, 'editable': key != 'auth_mode' or self._auth_mode_editable()}
        return 200, out

    @route('PUT', '/configurations')
    def put_configurations(self, call):
        self._require_admin(call)
        body = call.body or {}
        types = self._config_types()
        body = {k: v for k, v in body.items() if k in types}  # go-swagger drops keys its model lacks
        # src/controller/config/controller.go validateCfg (v2.15.2), in its order: the auth mode change, then
        # the CfgManager's ValidateCfg per item (src/pkg/config/manager.go: storage_per_project through
        # lib.ValidateQuotaLimit, each item through its type, wrapped as "item name <key>: <error>"), sent as
        # BadRequestError(err) ("bad request: <error>"), then verifyValueLengthCfg's "must be positive"
        if 'auth_mode' in body and body['auth_mode'] != self.config['auth_mode'] and not self._auth_mode_editable():
            raise _bad('the auth mode cannot be modified as new users have been inserted into database')
        for key, value in body.items():
            if key == 'storage_per_project':
                error = _quota_limit_error(value)
                if error:
                    raise _bad_cause(error)
            if key in CONFIG_CHOICES and value not in CONFIG_CHOICES[key][0]:
                raise _bad_cause('item name %s: %s' % (key, CONFIG_CHOICES[key][1]))
        for key in ('token_expiration', 'robot_token_duration', 'session_timeout'):
            if key in body and body[key] <= 0:
                raise _bad('the %s value must be positive' % key)
        self.config.update(body)
        return 200, None

    # --- system schedules ---------------------------------------------------------------------------------
    # Harbor's gc.go / purge.go: POST and PUT do the same ("kick"): Manual runs the job now, None deletes the
    # schedule, Hourly/Daily/Weekly/Custom replace it with the cron given in the body (no cron is derived
    # from the type), any other type of the spec's enum is accepted and does nothing. scan_all.go differs:
    # POST of a schedule when one exists is 412, PUT Manual is 400, POST None does nothing.
    _SCHEDULE_TYPES = ('Hourly', 'Daily', 'Weekly', 'Custom')

    def _cron_of(self, schedule, what):
        """utils.ValidateCronString, wrapped as errors.New(nil).WithCode(BadRequestCode).WithMessagef("invalid
        cron string for scheduled <what>: %s, error: %v") (src/server/v2.0/handler/gc.go updateSchedule,
        purge.go updateSchedule, scan_all.go createOrUpdateScanAllSchedule at v2.15.2)."""
        cron = (schedule or {}).get('cron') or ''
        error = cron_error(cron)
        if error:
            raise _bad('invalid cron string for scheduled %s: %s, error: %s' % (what, cron, error))
        return cron

    def _store_schedule(self, which, job_name, schedule, cron, parameters):
        current = self.schedules[which] or {}
        now = _now()
        self.schedules[which] = {'id': current.get('id') or self._next('schedule'), 'job_name': job_name,
                                 'schedule': {'type': schedule['type'], 'cron': cron},
                                 'parameters': parameters, 'creation_time': now, 'update_time': now}

    def _run_job(self, job_name, parameters):
        run_id = len(self.job_runs) + 1
        self.job_runs.append({'id': run_id, 'job': job_name, 'parameters': parameters, 'creation_time': _now()})
        return run_id

    def _kick_gc(self, call):
        self._require_admin(call)
        body = call.body or {}
        schedule = body.get('schedule') or {}
        parameters = dict(body.get('parameters') or {})
        # Harbor adds its own parameters; they show in job_parameters
        parameters.update({'redis_url_reg': 'redis://redis:6379/1?idle_timeout_seconds=30', 'time_window': 2})
        # gc.go kick: parameters["workers"] is read only when it is a JSON number (json.Number): a whole number
        # must be 1-10 (validateWorkers, 10 since v2.13, PR #21462), a number that is not a whole number is
        # 400 (BadRequestError "workers should be integer format"), any other type is ignored.
        # Spec quirk: the spec declares `parameters` as a map of objects; Harbor's code reads scalars
        # (workers a number, delete_untagged and dry_run booleans): the emulator follows the server.
        workers = parameters.get('workers')
        if isinstance(workers, (int, float)) and not isinstance(workers, bool):
            if isinstance(workers, float):
                # BadRequestError(cause): the client sees "bad request: <cause>" (lib/errors errors_test.go TestErrors)
                raise _bad('bad request: workers should be integer format')
            if not 0 < workers <= 10:
                raise _bad('Error: Invalid number of workers:%s. Workers must be greater than 0 and less than or '
                           'equal to 10.' % workers)
        kind = schedule.get('type')
        if kind == 'Manual':
            return self._run_job('GARBAGE_COLLECTION', parameters)
        if kind == 'None':
            self.schedules['gc'] = None
        elif kind in self._SCHEDULE_TYPES:
            self._store_schedule('gc', 'GARBAGE_COLLECTION', schedule, self._cron_of(schedule, 'gc'), parameters)
        return 0

    def _kick_purge(self, call):
        self._require_admin(call)
        body = call.body or {}
        schedule = body.get('schedule')
        parameters = dict(body.get('parameters') or {})
        # src/server/v2.0/handler/purge.go verifyCreateRequest/verifyUpdateRequest and retentionHour (v2.15.2):
        # BadRequestError(fmt.Errorf(...)), the client reads "bad request: <reason>"
        if not schedule:
            raise _bad_cause("schedule cann't be empty")
        if not parameters:
            raise _bad_cause("schedule parameter cann't be empty")
        if 'audit_retention_hour' not in parameters:
            raise _bad_cause('audit_retention_hour should provide')
        hours = parameters['audit_retention_hour']
        if isinstance(hours, (int, float)) and not isinstance(hours, bool):  # read only as a json.Number
            if isinstance(hours, float):  # json.Number.Int64 fails on "2.0" too
                raise _bad_cause('audit_retention_hour should be integer format')
            if hours > 240000:  # common.MaxAuditRetentionHour
                raise _bad_cause('audit_retention_hour should be less than 240000')
        if 'include_event_types' not in parameters:
            raise _bad_cause('include_event_types should provide')
        kind = schedule.get('type')
        if kind == 'Manual':
            return self._run_job('PURGE_AUDIT_LOG', parameters)
        if kind == 'None':
            self.schedules['purge_audit'] = None
        elif kind in self._SCHEDULE_TYPES:
            self._store_schedule('purge_audit', 'PURGE_AUDIT_LOG', schedule,
                                 self._cron_of(schedule, 'log rotation purge'),
                                 parameters)
        return 0

    def _history_out(self, which):
        current = self.schedules[which]
        if current is None:
            # Harbor's handler returns NewGetGCScheduleOK() without payload: 200 and no body
            return 200, None
        return 200, {'id': current['id'], 'job_kind': current['schedule']['cron'],
                     'job_parameters': json.dumps(current['parameters'], separators=(',', ':'), sort_keys=True),
                     'schedule': dict(current['schedule']),
                     'creation_time': current['creation_time'], 'update_time': current['update_time']}

    @route('GET', '/system/gc/schedule', empty_ok=True)
    def get_gc_schedule(self, call):
        self._require_admin(call)
        return self._history_out('gc')

    @route('POST', '/system/gc/schedule')
    def create_gc_schedule(self, call):
        run_id = self._kick_gc(call)
        return 201, None, self._location('/system/gc/%d' % run_id)

    @route('PUT', '/system/gc/schedule')
    def update_gc_schedule(self, call):
        self._kick_gc(call)
        return 200, None

    @route('GET', '/system/purgeaudit/schedule', empty_ok=True)
    def get_purge_schedule(self, call):
        self._require_admin(call)
        return self._history_out('purge_audit')

    @route('POST', '/system/purgeaudit/schedule')
    def create_purge_schedule(self, call):
        run_id = self._kick_purge(call)
        return 201, None, self._location('/system/purgeaudit/%d' % run_id)

    @route('PUT', '/system/purgeaudit/schedule')
    def update_purge_schedule(self, call):
        self._kick_purge(call)
        return 200, None

    @route('GET', '/system/scanAll/schedule', empty_ok=True)
    def get_scan_all_schedule(self, call):
        self._require_admin(call)
        current = self.schedules['scan_all']
        if current is None:
            return 200, None  # model.NewSchedule(nil).ToSwagger() is nil: 200 without a body
        return 200, {'id': current['id'], 'status': '', 'schedule': dict(current['schedule']),
                     'creation_time': current['creation_time'], 'update_time': current['update_time']}

    @route('POST', '/system/scanAll/schedule', extra_statuses=(412,))
    def create_scan_all_schedule(self, call):
        self._require_admin(call)
        schedule = (call.body or {}).get('schedule') or {}
        kind = schedule.get('type')
        if kind == 'Manual':
            self._run_job('SCAN_ALL', {})
        elif kind != 'None':
            if self.schedules['scan_all'] is not None:
                raise HttpError(412, 'fail to set schedule for scan all as always had one, please delete it '
                                     'firstly then to re-schedule')
            self._store_schedule('scan_all', 'SCAN_ALL', schedule, self._cron_of(schedule, 'scan all'), {})
        return 201, None

    @route('PUT', '/system/scanAll/schedule')
    def update_scan_all_schedule(self, call):
        self._require_admin(call)
        schedule = (call.body or {}).get('schedule') or {}
        kind = schedule.get('type')
        if kind == 'Manual':
            raise _bad('fail to update scan all schedule as wrong schedule type: %s' % kind)
        if kind == 'None':
            self.schedules['scan_all'] = None
        else:
            self._store_schedule('scan_all', 'SCAN_ALL', schedule, self._cron_of(schedule, 'scan all'), {})
        return 200, None
