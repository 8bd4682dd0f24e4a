# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""A stateful Harbor v2.15.2 API emulator (test support, not shipped).

Harbor cannot run on our machines. This emulator serves the Harbor REST API v2.0 under /api/v2.0 and
checks every request and response against Harbor's own description (../shared/specs/harbor-openapi3.yaml,
converted from harbor-swagger.yaml at tag v2.15.2), through tests/emulators/framework.py.

Usage::

    with HarborEmulator(admin_password=pw, user_password=pw2) as harbor:
        harbor.url            # http://127.0.0.1:PORT/api/v2.0
        harbor.base_url       # http://127.0.0.1:PORT  (what a module's `url` option takes)
        harbor.seed_repository('team', 'app/web')        # a project with content: DELETE gives 412
        harbor.add_user('alice', pw3); harbor.add_group('devs', group_type=3); harbor.delete_user('developer')
        harbor.project('team'), harbor.robot('robot$team+ci')   # stored records, for assertions
        harbor.writes, harbor.requests, harbor.inject(...), harbor.assert_no_violations()

Users: ``admin`` (system admin, password given by the test: no default password in code) and, when
``user_password`` is given, ``developer`` (USER_NAME, not an admin: 403 on admin endpoints). Robot
accounts can authenticate with their full name and secret (as a non-admin that can read the projects
its permissions name).

Authentication (security middleware): missing or wrong credentials do not fail by themselves, Harbor
falls back to an anonymous context: GET /projects then lists public projects only, a public project
and its repositories can be read, and everything else answers 401 "unauthorized". A project that does
not exist gives 404 only to a system admin; other users get 403 and anonymous callers 401, because
RequireProjectAccess runs before the lookup (goharbor/harbor#17586, #19342, #21800).

Errors: Harbor's {"errors": [{"code", "message"}]}. A request the spec rejects gets what go-swagger
gives inside Harbor: 422 UNPROCESSABLE_ENTITY "validation failure list:\n..." (the lines are
openapi-core's wording); a JSON null counts as an absent field, as in go-swagger's binding. Explicit
messages (WithMessage) are Harbor's own wording. Where Harbor wraps the reason as the cause of
BadRequestError/ConflictError/PreconditionFailedError, the client gets "bad request: <reason>" (the
cause is marshalled too: lib/errors errors_test.go TestErrors); only errors >= 500 are reduced to
"internal server error" (lib/http SendError). Known gap: most such sites here (project create/delete,
retention create/update, immutable update, purge) still answer the generic part alone ("bad request",
"resource conflict", "precondition failed"); the GC workers and retention delete sites give the reason.

Implemented:
- projects: CRUD, HEAD ?project_name=, list with name (fuzzy), public, owner, q (k=v, k=~v, k={a b}),
  sort (default: by name, the model's sort:"default"), page/page_size, X-Total-Count and Link
  (Harbor's format: ``<url>; rel="prev" , <url>; rel="next"`` with an unescaped query); metadata
  values are strings, public defaults to "false" and only "true" or "false" are accepted for it
  (project.go checks no other metadata value on create or update); name rule
  ^[a-z0-9]+(?:[._-][a-z0-9]+)*$ (1-255); 409 duplicate; storage_limit missing or 0 (or set by a
  non-admin) means storage_per_project; proxy cache projects (registry_id, admin only, registry types
  Harbor permits) get a 7-day retention policy and retention_id, proxy_speed_kb/max_upstream_conn are
  dropped for other projects; 412 "precondition failed" deleting a project with repositories
  (_deletable gives the reason); X-Is-Resource-Name; X-Resource-Name-In-Location; metadata
  sub-resource; repositories list/get/delete (to empty a project); a fresh server holds the public
  ``library`` project, as a new Harbor does. PUT merges metadata, replaces cve_allowlist, ignores the
  top-level public and storage_limit (quota goes through /quotas), rejects a foreign retention_id.
- quotas (quota.go): list by reference/reference_id, get, PUT {"hard": {"storage": N}}, N = -1 or > 0.
- members (member.go and its controller): users by id or name, groups by id, LDAP DN or name + type
  (HTTP/OIDC groups are onboarded on first use), roles 1 projectAdmin, 2 developer, 3 guest,
  4 maintainer, 5 limitedGuest; the creator is projectAdmin; 409 "The project member specified already
  exist"; Location names the project as the request did; ?entityname= filters the page but
  X-Total-Count counts all members.
- users (handler/user.go: list/search/current/get/create/delete; GET /users never lists admin; on create
  the password rule is checked first, then validateUserProfile (email required and in Harbor's pattern,
  realname 1-255 without , ~ # $ %, comment at most 30), then pkg/user/dao's unique username and email
  (409 "user X or email Y already exists"); PUT /users/{id} (profile: all three fields; a taken email is
  a plain 500, dao Update does not wrap it), PUT /users/{id}/sysadmin, PUT /users/{id}/password (an admin
  needs no old password, a user changing its own does; a new password equal to the CALLER's is 400)) and
  user groups (handler/usergroup.go, controller and pkg/usergroup: unique by name and type (409), no
  name of an HTTP group (409), an LDAP DN is required and stored trimmed and lower-cased, GET lists only
  the auth mode's groups in ldap_auth/http_auth, GET by id has no id, PUT renames only, search).
- robots (robot.go): system and project level; stored name prefix + name (system) or prefix + project +
  "+" + name; secret only in POST (201) and PATCH {"secret": ""} (refresh); POST ignores a secret in its
  body and always generates one (controller/robot CreateSec); PATCH with a custom secret sets it and
  answers {}; secret rule 8-128 chars with upper, lower and digit; PUT cannot change name or level (400);
  duration -1 or a positive number of days (0 is 400; PUT without duration keeps it); at least one
  permission, each with at least one access, exactly one for a project robot; (resource, action) pairs
  checked against Harbor's robot permission provider (rbac/const.go); GET /robots without Level lists
  system robots (admin only),
  Level=project needs ProjectID; q name= matches the name without the prefix.
- registries (registry.go and its controller): CRUD with access_secret masked as "*****", name 1-64,
  an unknown type is a 500 (no adapter), Harbor's health check on create/update (``unhealthy_urls``:
  URLs that fail it, 400 "the registry is unhealthy"), ping, 412 when used by a replication policy or a
  proxy-cache project. Replication policies (replication.go, model.Policy.Validate): exactly one side
  local (shown as id 0 "Local"), trigger manual|scheduled (6-field cron)|event_based, dest_namespace
  rule, filters name|tag|label|resource; the request field for deletion replication is ``deletion``
  (``replicate_deletion`` is ignored on input; both are returned); a negative speed is stored as 0.
- webhook policies per project (webhook.go: targets http|slack, payload Default|CloudEvents for http only,
  Default when none is sent, a slack target with any payload format is 400 "set payload format is not
  allowed for slack"; event types from Harbor's list; the address is stored as sent);
  immutable tag rules (immutable.go: 409 on a duplicate, created enabled, PUT toggles `disabled` OR
  replaces the rule, never both).
- retention (retention.go): POST sets project metadata retention_id; a second policy for the project is
  400; identical rules 409; more than 15 rules 400; PUT needs the project's retention_id to name this
  policy (else 404); DELETE of an unknown policy is 400; DELETE clears the project's retention_id (v2.15,
  PR #22174). The emulator also checks templates, selectors and cron, which Harbor only rejects when the
  job runs.
- configurations (config.go): GET {key: {value, editable}} (ldap_search_password, oidc_client_secret
  never returned), PUT flat values (keys Harbor's model lacks are dropped silently: 200, nothing set),
  auth_mode not editable once users other than admin exist ("the auth mode cannot be modified as new
  users have been inserted into database").
- schedules (gc.go, purge.go, scan_all.go): GC and audit purge: POST and PUT both replace the schedule
  (Manual runs now, None removes, Hourly/Daily/Weekly/Custom need a valid 6-field cron in the body: the
  type implies none), GC workers 1-10 (a JSON number; other types ignored), purge needs parameters audit_retention_hour and include_event_types,
  job_parameters carries Harbor's own redis_url_reg and time_window. Scan all: POST of a second schedule
  412, PUT Manual 400. GET without a schedule: 200 with an empty body (all three).
- /ping, /health, /systeminfo without authentication.

Sources: ../shared/specs/README.md (read from Harbor's source) first; the files named above are
goharbor/harbor src/server/v2.0/handler/*.go, read for details the README does not give.

Where the spec and Harbor disagree (Harbor wins):
- the spec omits error statuses Harbor's common error handler returns on many operations (e.g. 404 on
  GET /projects/{name}, 409 on duplicate webhook or immutable rules, 422 for validation): these are
  accepted on any operation when the body has Harbor's error shape (framework generic_error_statuses);
- GET of the GC, purge and scan-all schedules without a schedule: 200 without the declared body;
- ``additionalProperties: {type: object}`` maps (rule params, schedule parameters) take any value, as
  go-swagger's map[string]interface{} does (prepare_spec): Harbor's code reads scalars there
  ({"latestPushedK": 10}, {"workers": 2, "delete_untagged": true}), not the objects the spec declares.

Labels, scanner registrations and the system CVE allowlist: tests/emulators/harbor_security.py (a mixin).

Not emulated: artifacts and tags, LDAP/OIDC logins, replication executions, preheat,
audit logs, next_scheduled_time, the CSRF cookie flow (API clients send no cookie), anonymous reads of
public projects beyond projects and repositories, group membership in permission checks.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import secrets
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, unquote_plus, urlencode, urlsplit

from .framework import Emulator, HttpError, load_spec, route
from .harbor_security import HarborSecurityMixin
from ..specs import spec_path

HARBOR_SPEC = spec_path('harbor-openapi3.yaml')

HARBOR_VERSION = 'v2.15.2-080b0220'
ADMIN_NAME = 'admin'
USER_NAME = 'developer'

NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')
REPOSITORY_NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*(/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$')
INVALID_ROLE = 'invalid role: must be a built-in project role (1-5) or an existing custom role'
ROLES = {1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest'}
SEVERITIES = ('none', 'negligible', 'low', 'medium', 'high', 'critical')
GROUP_TYPES = {1: 'LDAP', 2: 'HTTP', 3: 'OIDC'}
REGISTRY_TYPES = ('harbor', 'docker-hub', 'docker-registry', 'huawei-SWR', 'google-gcr', 'aws-ecr', 'azure-acr',
                  'ali-acr', 'jfrog-artifactory', 'quay', 'gitlab', 'dtr', 'tencent-tcr', 'github-ghcr',
                  'volcengine-cr')
CREDENTIAL_TYPES = ('basic', 'oauth', 'secret')
PROXY_CACHE_REGISTRY_TYPES = ('docker-hub', 'harbor', 'azure-acr', 'ali-acr', 'aws-ecr', 'google-gcr', 'quay',
                              'docker-registry', 'github-ghcr', 'jfrog-artifactory')
PROXY_ONLY_METADATA = ('proxy_speed_kb', 'max_upstream_conn', 'proxy_cache_filter_pattern', 'proxy_cache_filter_kind')
EVENT_TYPES = ('DELETE_ARTIFACT', 'PULL_ARTIFACT', 'PUSH_ARTIFACT', 'QUOTA_EXCEED', 'QUOTA_WARNING',
               'REPLICATION', 'SCANNING_FAILED', 'SCANNING_STOPPED', 'SCANNING_COMPLETED', 'TAG_RETENTION')
# pkg/notification/notification.go initSupportedNotifyType: target types http and slack only; payload formats
# Default and CloudEvents, for http only (handler/webhook.go validateTargets and GetSupportedEventTypes).
NOTIFY_TYPES = ('http', 'slack')
PAYLOAD_FORMATS = ('Default', 'CloudEvents')
RETENTION_TEMPLATES = {  # template -> required integer parameters
    'always': (), 'nothing': (), 'latestPushedK': ('latestPushedK',), 'latestPulledN': ('latestPulledN',),
    'nDaysSinceLastPush': ('nDaysSinceLastPush',), 'nDaysSinceLastPull': ('nDaysSinceLastPull',),
    'latestActiveK': ('latestActiveK',),
}
RETENTION_METADATA = {  # GET /retentions/metadatas, as Harbor's retention.go serves it
    'templates': [
        {'action': 'retain', 'display_text': 'the most recently pushed # artifacts', 'rule_template': 'latestPushedK',
         'params': [{'required': True, 'type': 'int', 'unit': 'COUNT'}]},
        {'action': 'retain', 'display_text': 'the most recently pulled # artifacts', 'rule_template': 'latestPulledN',
         'params': [{'required': True, 'type': 'int', 'unit': 'COUNT'}]},
        {'action': 'retain', 'display_text': 'pushed within the last # days', 'rule_template': 'nDaysSinceLastPush',
         'params': [{'required': True, 'type': 'int', 'unit': 'DAYS'}]},
        {'action': 'retain', 'display_text': 'pulled within the last # days', 'rule_template': 'nDaysSinceLastPull',
         'params': [{'required': True, 'type': 'int', 'unit': 'DAYS'}]},
        {'action': 'retain', 'display_text': 'always', 'rule_template': 'always', 'params': []},
    ],
    'scope_selectors': [{'display_text': 'Repositories', 'kind': 'doublestar',
                         'decorations': ['repoMatches', 'repoExcludes']}],
    'tag_selectors': [{'display_text': 'Tags', 'kind': 'doublestar', 'decorations': ['matches', 'excludes']}],
}
# The (resource, action) pairs a robot account may be granted: exactly rbac.GetPermissionProvider() of
# Harbor v2.15.2, src/common/rbac/const.go (PoliciesMap per scope plus NolimitProvider's additions: robot
# create/read/list/delete in both scopes, export-cve and member in the project scope, user, ldap-user,
# quota update and user-group in the system scope). handler/robot.go containsAccess compares both strings
# exactly, so "*" (resource or action) is refused like any other pair missing from the list.
_P = ('read', 'list', 'create', 'update', 'delete')
PROJECT_PERMISSIONS = {
    'log': ('list',), 'project': ('read', 'delete', 'update'), 'metadata': _P,
    'repository': ('read', 'update', 'delete', 'list', 'pull', 'push'), 'artifact': ('read', 'create', 'list', 'delete'),
    'scan': ('create', 'read', 'stop'), 'sbom': ('create', 'stop', 'read'), 'tag': ('create', 'list', 'delete'),
    'accessory': ('list',), 'artifact-addition': ('read',), 'artifact-label': ('create', 'delete'),
    'scanner': ('create', 'read'), 'preheat-policy': _P, 'immutable-tag': ('create', 'delete', 'list', 'update'),
    'notification-policy': _P, 'tag-retention': _P, 'label': _P, 'quota': ('read',),
    'robot': ('create', 'read', 'list', 'delete'), 'export-cve': ('create', 'read'), 'member': _P,
}
SYSTEM_PERMISSIONS = {
    'audit-log': ('list',), 'preheat-instance': _P, 'project': ('list', 'create'), 'replication-policy': _P,
    'replication': ('read', 'create', 'list'), 'replication-adapter': ('list',), 'registry': _P,
    'scan-all': ('read', 'update', 'stop', 'create'), 'system-volumes': ('read',),
    'garbage-collection': ('read', 'create', 'list', 'update', 'stop'),
    'purge-audit': ('read', 'create', 'list', 'update', 'stop'), 'jobservice-monitor': ('list', 'stop'),
    'scanner': _P, 'label': ('read', 'create', 'delete', 'update'), 'security-hub': ('read', 'list'),
    'catalog': ('read',), 'quota': ('read', 'list', 'update'), 'robot': ('create', 'read', 'list', 'delete'),
    'user': _P, 'ldap-user': ('create', 'list'), 'user-group': _P,
}
WRITE_ONLY_CONFIG = ('ldap_search_password', 'oidc_client_secret')
CONFIG_DEFAULTS = {
    'auth_mode': 'db_auth', 'ldap_scope': 2, 'ldap_timeout': 5, 'ldap_uid': 'cn', 'ldap_verify_cert': True,
    'ldap_group_search_scope': 2, 'ldap_group_membership_attribute': 'memberof',
    'project_creation_restriction': 'everyone', 'token_expiration': 30, 'uaa_verify_cert': True,
    'http_authproxy_verify_cert': True, 'oidc_verify_cert': True, 'robot_token_duration': 30,
    'robot_name_prefix': 'robot$', 'notification_enable': True, 'quota_per_project_enable': True,
    'storage_per_project': -1, 'session_timeout': 60,
}
CONFIG_CHOICES = {
    'auth_mode': ('db_auth', 'ldap_auth', 'uaa_auth', 'http_auth', 'oidc_auth'),
    'project_creation_restriction': ('everyone', 'adminonly'),
}
ERROR_CODES = {400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
               405: 'METHOD_NOT_ALLOWED', 409: 'CONFLICT', 412: 'PRECONDITION', 422: 'UNPROCESSABLE_ENTITY',
               429: 'TOO_MANY_REQUESTS',
               500: 'UNKNOWN', 502: 'UNKNOWN', 503: 'UNKNOWN', 504: 'UNKNOWN'}
HARBOR_ERRORS_SCHEMA = {
    'type': 'object', 'required': ['errors'],
    'properties': {'errors': {'type': 'array', 'minItems': 1, 'items': {
        'type': 'object', 'required': ['code', 'message'],
        'properties': {'code': {'type': 'string'}, 'message': {'type': 'string'}}}}},
}
_CRON_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = {4: ('JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'),
               5: ('SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT')}


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


# handler/user.go validateUserProfile's e-mail pattern
USER_EMAIL_RULE = re.compile(r'^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@'
                             r'((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$')


def _bad(message):
    return HttpError(400, message)


def proxy_cache_retention(project, days=7):
    """The retention policy Harbor creates with a proxy cache project (policy.WithNDaysSinceLastPull)."""
    return {'algorithm': 'or', 'scope': {'level': 'project', 'ref': project['project_id']},
            'trigger': {'kind': 'Schedule', 'settings': {'cron': '0 0 0 * * *'}},
            'rules': [{'disabled': False, 'action': 'retain', 'template': 'nDaysSinceLastPull',
                       'params': {'nDaysSinceLastPull': days},
                       'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**'}],
                       'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches',
                                                           'pattern': '**'}]}}]}


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def valid_cron(expression):
    """True for a 6-field cron (seconds first) as Harbor's scheduler accepts."""
    fields = (expression or '').split()
    if len(fields) != 6:
        return False
    for index, field in enumerate(fields):
        low, high = _CRON_RANGES[index]
        for part in field.split(','):
            base, sep, step = part.partition('/')
            if step and not step.isdigit():
                return False
            if base in ('*', '?'):
                continue
            for bound in base.split('-'):
                if bound.isdigit():
                    if not low <= int(bound) <= high:
                        return False
                elif bound.upper() not in _CRON_NAMES.get(index, ()):
                    return False
    return True


def valid_secret(secret):
    return (isinstance(secret, str) and 8 <= len(secret) <= 128 and any(c.isupper() for c in secret)
            and any(c.islower() for c in secret) and any(c.isdigit() for c in secret))


def _new_secret():
    while True:
        secret = ''.join(secrets.choice(string.ascii_letters + string.digits) for _char in range(32))
        if valid_secret(secret):
            return secret


# ---------------------------------------------------------------------------------------------------------
# Prometheus metrics (outside the REST API and its spec).
#
# Harbor serves its metrics through nginx's metrics port (harbor.yml metric.enabled, default 9090) at
# /metrics: without a parameter the exporter's, with ?comp=core|registry|jobservice the component's. That port
# is not part of the REST API, so the spec says nothing about it and the emulator's spec validation does not
# apply: a separate listener (start_metrics) serves it. Names, types and labels are Harbor's own, from the
# goharbor/website docs "Access Metrics" (docs/administration/metrics) and the jobservice metric package
# (src/jobservice/.../metric: harbor_jobservice_task_total{type,status}, ..._task_process_time_seconds summary
# with objectives 0.5/0.9/0.99); job types as in src/jobservice/job/known_jobs.go (IMAGE_SCAN, SCAN_ALL,
# GARBAGE_COLLECTION, ...), job statuses as in job/status.go (Success, Error, Stopped, ...).
# Values come from the emulator's state: projects, members, repositories, quotas, schedules, the jobs it ran
# (manual GC / scan-all / purge-audit) plus tasks a test records (record_task), and its own request log.
# The registry component has no traffic here (no /v2 API), so, like an idle registry, it serves none of the
# registry_http_* series.

HARBOR_COMPONENTS = ('core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy')


def _prom_labels(labels):
    if not labels:
        return ''
    return '{%s}' % ','.join('%s="%s"' % (k, str(v).replace('\\', '\\\\').replace('"', '\\"'))
                             for k, v in labels.items())


class _Exposition:
    def __init__(self):
        self.lines = []

    def family(self, name, kind, help_text, samples):
        self.lines.append('# HELP %s %s' % (name, help_text))
        self.lines.append('# TYPE %s %s' % (name, kind))
        for sample in samples:
            suffix, labels, value = sample if len(sample) == 3 else ('',) + tuple(sample)
            self.lines.append('%s%s%s %s' % (name, suffix, _prom_labels(labels), repr(float(value))))

    def text(self):
        return '\n'.join(self.lines) + '\n'


def _quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class _HarborMetricsMixin:
    """Mixed into HarborEmulator: Harbor's /metrics (exporter, core, registry, jobservice)."""

    def record_task(self, job_type, status='Success', seconds=1.0):
        """Test helper: a jobservice task of `job_type` that ended in `status` after `seconds`."""
        with self._lock:
            self.recorded_tasks.append({'type': job_type, 'status': status, 'seconds': float(seconds)})

    def _tasks(self):
        tasks = list(self.recorded_tasks)
        for run in self.job_runs:
            tasks.append({'type': run['job'], 'status': 'Success', 'seconds': 0.0})
            if run['job'] == 'SCAN_ALL':  # scan-all enqueues one IMAGE_SCAN task per artifact
                artifacts = sum(r['artifact_count'] for repos in self.repositories.values() for r in repos.values())
                tasks.extend({'type': 'IMAGE_SCAN', 'status': 'Success', 'seconds': 0.0} for _ in range(artifacts))
        return tasks

    def metrics_text(self, comp=None):
        with self._lock:
            if comp in (None, '', 'exporter'):
                return self._exporter_metrics()
            if comp == 'core':
                return self._core_metrics()
            if comp == 'jobservice':
                return self._jobservice_metrics()
            if comp == 'registry':
                return ''
        return None

    def _exporter_metrics(self):
        out = _Exposition()
        projects = sorted(self.projects.values(), key=lambda p: p['project_id'])
        public = lambda p: p['metadata'].get('public', 'false')  # noqa: E731
        out.family('harbor_project_total', 'gauge', 'Total projects number',
                   [({'public': flag}, sum(1 for p in projects if public(p) == flag)) for flag in ('true', 'false')])
        repos = lambda p: self.repositories.get(p['project_id'], {}).values()  # noqa: E731
        out.family('harbor_project_repo_total', 'gauge', 'Total project repos number',
                   [({'project_name': p['name'], 'public': public(p)}, len(list(repos(p)))) for p in projects])
        out.family('harbor_project_member_total', 'gauge', 'Total members number of a project',
                   [({'project_name': p['name']},
                     sum(1 for m in self.members.values() if m['project_id'] == p['project_id'])) for p in projects])
        quotas = [(p, self._quota_of(p['project_id'])) for p in projects]
        out.family('harbor_project_quota_usage_byte', 'gauge', 'The used resource of a project',
                   [({'project_name': p['name']}, q['used']['storage']) for p, q in quotas if q])
        out.family('harbor_project_quota_byte', 'gauge', 'The quota of a project',
                   [({'project_name': p['name']}, q['hard']['storage']) for p, q in quotas if q])
        out.family('harbor_artifact_pulled', 'gauge', 'The pull number of an artifact',
                   [({'project_name': p['name']}, sum(r['pull_count'] for r in repos(p))) for p in projects])
        out.family('harbor_project_artifact_total', 'gauge', 'The total number of artifacts',
                   [({'artifact_type': 'IMAGE', 'project_name': p['name'], 'public': public(p)},
                     sum(r['artifact_count'] for r in repos(p))) for p in projects])
        out.family('harbor_health', 'gauge', 'Running status of Harbor', [({}, 1)])
        out.family('harbor_system_info', 'gauge', 'Information of Harbor system',
                   [({'auth_mode': self.config['auth_mode'], 'harbor_version': HARBOR_VERSION,
                      'self_registration': str(bool(self.config['self_registration'])).lower()}, 1)])
        out.family('harbor_up', 'gauge', 'Running status of harbor component',
                   [({'component': c}, 1) for c in HARBOR_COMPONENTS])
        types = sorted({t['type'] for t in self._tasks()} | {'IMAGE_SCAN'})
        # Jobs run synchronously here: the queues are empty and nothing is running.
        out.family('harbor_task_queue_size', 'gauge', 'Total number of tasks',
                   [({'type': t}, 0) for t in types])
        out.family('harbor_task_queue_latency', 'gauge', 'the time last taks processed',
                   [({'type': t}, 0) for t in types])
        out.family('harbor_task_scheduled_total', 'gauge', 'total number of scheduled job',
                   [({}, sum(1 for s in self.schedules.values() if s))])
        out.family('harbor_task_concurrency', 'gauge', 'Total number of concurrency on a pool',
                   [({'pool': 'emulator', 'type': t}, 0) for t in types])
        return out.text()

    def _core_metrics(self):
        out = _Exposition()
        totals = {}
        for entry in self.log:
            route_, _params = self._match(entry.method, entry.path) if entry.path.startswith('/') else (None, None)
            operation = 'unknown'
            if route_ is not None and self.spec is not None:
                operation = (self.spec.operation(route_.template, entry.method) or {}).get('operationId') or 'unknown'
            key = (entry.method, operation)
            totals[key] = totals.get(key, 0) + 1
        out.family('harbor_core_http_request_total', 'counter', 'The total number of requests',
                   [({'method': m, 'operation': o}, n) for (m, o), n in sorted(totals.items())])
        out.family('harbor_core_http_inflight_requests', 'gauge', 'The total number of requests',
                   [({'operation': o}, 0) for o in sorted({o for _m, o in totals})])
        return out.text()

    def _jobservice_metrics(self):
        out = _Exposition()
        out.family('harbor_jobservice_info', 'gauge', 'the information of jobservice',
                   [({'node': 'emulator', 'pool': 'emulator', 'workers': 10}, 1)])
        groups = {}
        for task in self._tasks():
            groups.setdefault((task['type'], task['status']), []).append(task['seconds'])
        out.family('harbor_jobservice_task_total', 'counter', 'The number of processed tasks',
                   [({'type': t, 'status': s}, len(v)) for (t, s), v in sorted(groups.items())])
        samples = []
        for (job_type, status), values in sorted(groups.items()):
            labels = {'type': job_type, 'status': status}
            for q in (0.5, 0.9, 0.99):
                samples.append(('', dict(labels, quantile=repr(q)), _quantile(values, q)))
            samples.append(('_sum', labels, sum(values)))
            samples.append(('_count', labels, len(values)))
        out.family('harbor_jobservice_task_process_time_seconds', 'summary',
                   'The time duration of the task processing time', samples)
        return out.text()

    def start_metrics(self, host='127.0.0.1', port=0, path='/metrics'):
        """Serve /metrics on its own listener (Harbor's metrics port); returns 'host:port'."""

        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_GET(self):
                split = urlsplit(self.path)
                comp = (parse_qs(split.query).get('comp') or [None])[0]
                text = emulator.metrics_text(comp) if split.path == path else None
                data = (text if text is not None else '404 page not found\n').encode()
                self.send_response(200 if text is not None else 404)
                self.send_header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                emulator.metrics_scrapes[comp or 'exporter'] = emulator.metrics_scrapes.get(comp or 'exporter', 0) + 1

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True,
                         name='harbor-metrics').start()
        self._metrics_servers.append(server)
        return '%s:%d' % server.server_address[:2]

    def stop_metrics(self):
        for server in self._metrics_servers:
            server.shutdown()
            server.server_close()
        self._metrics_servers = []



class HarborEmulator(HarborSecurityMixin, _HarborMetricsMixin, Emulator):
    spec_path = HARBOR_SPEC
    base_path = '/api/v2.0'
    service = 'harbor'
    # The spec document itself is checked once by tests/harness/test_emulator_harbor.py (openapi-spec-validator,
    # ~1-4 s); every session that only loads it skips that check.
    validate_spec = False
    generic_error_statuses = frozenset((400, 401, 403, 404, 405, 409, 412, 422, 500))
    error_schema = HARBOR_ERRORS_SCHEMA

    def __init__(self, admin_password, user_password=None, validate=True, seed_library=True):
        if not admin_password:
            raise ValueError('HarborEmulator needs admin_password (there is no default password)')
        self._admin_password = admin_password
        self._user_password = user_password
        self._seed_library = seed_library
        self._metrics_servers = []
        super().__init__(validate=validate)

    # --- framework hooks ----------------------------------------------------------------------------------
    @staticmethod
    def prepare_spec(data):
        """Relax ``additionalProperties: {type: object}`` to any value, as Harbor's server reads it.

        go-swagger generates map[string]interface{} for these maps (retention/immutable rule params,
        schedule parameters), so Harbor accepts {"latestPushedK": 10} and {"workers": 1}, which a strict
        JSON-schema reading of the converted spec rejects.
        """
        def walk(node):
            if isinstance(node, dict):
                extra = node.get('additionalProperties')
                if isinstance(extra, dict) and extra == {'type': 'object'}:
                    node['additionalProperties'] = {}
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(data)
        return data

    def error_body(self, status, message, code=None):
        return {'errors': [{'code': code or ERROR_CODES.get(status, 'UNKNOWN'), 'message': message}]}

    def prepare_request(self, call):
        """go-swagger binds a JSON null as an absent optional field: drop nulls before validating."""
        if call.raw and call.content_type.endswith('json'):
            try:
                data = json.loads(call.raw)
            except ValueError:
                return
            call.raw = json.dumps(_drop_nulls(data)).encode('utf-8')

    def request_rejected(self, call, message):
        """go-swagger's binding/validation error, as Harbor's lib/http/error.go passes it on.

        go-swagger wraps every binding or validation failure (also an unparsable body) in a
        CompositeValidationError, code 422; Harbor turns it into {"code": "UNPROCESSABLE_ENTITY",
        "message": "validation failure list:\n..."} (seen on a real Harbor 2.x: "validation failure
        list:\npage_size in query should be less than or equal to 100"). The lines here are
        openapi-core's wording, not go-swagger's.
        """
        lines = call.problems or [message]
        return 422, self.error_body(422, 'validation failure list:\n' + '\n'.join(lines), 'UNPROCESSABLE_ENTITY')

    def unauthorized(self, call):
        return 401, self.error_body(401, 'unauthorized'), {}

    def check_credentials(self, username, password):
        for user in self.users.values():
            if user['username'] == username:
                return user if secrets.compare_digest(user['password'], password) else None
        for robot in self.robots.values():
            if robot['name'] == username and not robot['disable'] and \
                    secrets.compare_digest(robot['secret'], password):
                return {'user_id': None, 'username': robot['name'], 'sysadmin_flag': False, 'robot_id': robot['id'],
                        'system_robot': robot['level'] == 'system'}
        return None

    def reset_state(self):
        self._ids = {}
        self.users = {}
        self.groups = {}
        self.projects = {}
        self.members = {}
        self.quotas = {}
        self.repositories = {}
        self.robots = {}
        self.registries = {}
        self.replication_policies = {}
        self.webhooks = {}
        self.retentions = {}
        self.immutable_rules = {}
        self.schedules = {'gc': None, 'scan_all': None, 'purge_audit': None}
        self.job_runs = []
        self.recorded_tasks = []  # jobservice tasks a test recorded (metrics)
        self.metrics_scrapes = {}  # scrapes of /metrics per component
        self.unhealthy_urls = set()  # registry URLs Harbor's health check would fail (test helper)
        self.config = dict(self._config_defaults())
        self.reset_security(_now())
        self.add_user(ADMIN_NAME, self._admin_password, admin=True, email='admin@example.com',
                      realname='system admin')
        if self._user_password:
            self.add_user(USER_NAME, self._user_password, email='developer@example.com', realname='Developer')
        if self._seed_library:
            self._create_project('library', self.users[1], {'public': 'true'}, storage_limit=-1)

    _now_text = staticmethod(_now)

    # --- helpers for tests --------------------------------------------------------------------------------
    def add_user(self, username, password, admin=False, email=None, realname=None):
        """Create a local (db_auth) user; returns its record (including the password, for tests only)."""
        user_id = self._next('user')
        now = _now()
        self.users[user_id] = {'user_id': user_id, 'username': username, 'password': password,
                               'email': email or '%s@example.com' % username, 'realname': realname or username,
                               'comment': '', 'sysadmin_flag': bool(admin), 'admin_role_in_auth': False,
                               'creation_time': now, 'update_time': now}
        return self.users[user_id]

    def delete_user(self, username):
        for user_id, user in list(self.users.items()):
            if user['username'] == username:
                del self.users[user_id]
                for mid, member in list(self.members.items()):
                    if member['entity_type'] == 'u' and member['entity_id'] == user_id:
                        del self.members[mid]

    def add_group(self, group_name, group_type=3, ldap_group_dn=None):
        """Create a user group (1 LDAP, 2 HTTP, 3 OIDC); returns its record."""
        group_id = self._next('group')
        self.groups[group_id] = {'id': group_id, 'group_name': group_name, 'group_type': group_type}
        if ldap_group_dn:
            self.groups[group_id]['ldap_group_dn'] = ldap_group_dn
        return self.groups[group_id]

    def seed_repository(self, project_name, repository, artifact_count=1, size=0):
        """Put a repository (with artifacts) into a project, creating the project if needed."""
        project = self.project(project_name)
        if project is None:
            project = self._create_project(project_name, self.users[1], {}, storage_limit=None)
        now = _now()
        repo = {'id': self._next('repository'), 'project_id': project['project_id'],
                'name': '%s/%s' % (project_name, repository), 'artifact_count': artifact_count, 'pull_count': 0,
                'creation_time': now, 'update_time': now}
        self.repositories.setdefault(project['project_id'], {})[repository] = repo
        quota = self._quota_of(project['project_id'])
        if quota is not None:
            quota['used']['storage'] += size
        return repo

    def project(self, name):
        """The stored project record named ``name`` (None if absent)."""
        for project in self.projects.values():
            if project['name'] == name:
                return project
        return None

    def robot(self, full_name):
        for robot in self.robots.values():
            if robot['name'] == full_name:
                return robot
        return None

    # --- shared mechanics ---------------------------------------------------------------------------------
    def _next(self, kind):
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

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

    def _forbidden(self):
        return HttpError(403, 'forbidden')

    def _require_admin(self, call):
        if call.user is None:
            raise HttpError(401, 'unauthorized')
        if not call.user.get('sysadmin_flag'):
            raise self._forbidden()

    def _role(self, user, project):
        """The user's best (lowest id = most powerful, except 4 ranks above 2) role in a project, or 0."""
        ranks = {1: 0, 4: 1, 2: 2, 3: 3, 5: 4}
        if not user:
            return 0
        if user.get('robot_id'):  # a robot reads the projects its permissions name (or all, with '*')
            robot = self.robots.get(user['robot_id']) or {}
            covered = any(perm.get('kind') == 'project' and perm.get('namespace') in ('*', project['name'])
                          for perm in robot.get('permissions') or [])
            return 3 if covered else 0
        roles = [m['role_id'] for m in self.members.values()
                 if m['project_id'] == project['project_id'] and m['entity_type'] == 'u'
                 and m['entity_id'] == user.get('user_id')]
        return sorted(roles, key=ranks.get)[0] if roles else 0

    def _check_project_access(self, call, project, manage=False):
        """RequireProjectAccess: anonymous callers read public projects only (else 401), members by role."""
        user = call.user
        if user is None:
            if manage or project['metadata'].get('public') != 'true':
                raise HttpError(401, 'unauthorized')
            return
        if user.get('sysadmin_flag'):
            return
        role = self._role(user, project)
        if manage:
            if role not in (1, 4):
                raise self._forbidden()
        elif not role and project['metadata'].get('public') != 'true':
            raise self._forbidden()

    def _absent_project(self, call, name):
        """The error for a project that does not exist: 404 for a system admin, else 403 (401 anonymous)."""
        if call.user is None:
            return HttpError(401, 'unauthorized')
        if not call.user.get('sysadmin_flag'):
            return self._forbidden()
        return HttpError(404, 'project %s not found' % name)

    def _find_project(self, call, key='project_name_or_id', by_name=False, manage=False, access=True):
        value = call.params[key]
        by_name = by_name or (call.header('X-Is-Resource-Name') or '').lower() == 'true'
        project = None
        if not by_name and value.isdigit():
            project = self.projects.get(int(value))
        else:
            project = self.project(value)
        if project is None:
            # RequireProjectAccess runs first: it cannot grant anything on a project that does not exist,
            # so only a system admin reaches the 404 (goharbor/harbor#17586, #19342, #21800)
            raise self._absent_project(call, value)
        if access:
            self._check_project_access(call, project, manage=manage)
        return project

    def _paginate(self, call, items):
        """One page of ``items`` plus X-Total-Count and Link headers, as Harbor's BaseAPI.Links builds them."""
        page = max(int(call.arg('page', 1)), 1)
        size = int(call.arg('page_size', 10))
        if size <= 0:
            size = 10
        total = len(items)
        headers = {'X-Total-Count': str(total)}
        links = []
        for rel, number in (('prev', page - 1), ('next', page + 1)):
            if (rel == 'prev' and page > 1 and (page - 1) * size < total) or (rel == 'next' and page * size < total):
                query = {k: list(v) for k, v in call.query.items()}
                query['page'] = [str(number)]
                query['page_size'] = [str(size)]
                # Harbor's BaseAPI.Links: url.Values.Encode (sorted keys), then url.QueryUnescape
                encoded = unquote_plus(urlencode([(k, v) for k in sorted(query) for v in query[k]]))
                links.append('<%s?%s>; rel="%s"' % (call.full_path, encoded, rel))
        if links:
            headers['Link'] = ' , '.join(links)
        return items[(page - 1) * size:page * size], headers

    @staticmethod
    def _parse_q(call):
        """Harbor's q: k=v exact, k=~v fuzzy, k={a b} any of; returns {key: (op, value)}."""
        result = {}
        for part in (call.arg('q') or '').split(','):
            if '=' not in part:
                continue
            key, sep, value = part.partition('=')
            if value.startswith('~'):
                result[key.strip()] = ('fuzzy', value[1:])
            elif value.startswith('{') and value.endswith('}'):
                result[key.strip()] = ('any', value[1:-1].split())
            else:
                result[key.strip()] = ('exact', value)
        return result

    @staticmethod
    def _q_match(actual, op_value):
        op, value = op_value
        actual = '' if actual is None else str(actual)
        if op == 'fuzzy':
            return value in actual
        if op == 'any':
            return actual in value
        return actual == value

    @staticmethod
    def _sort(call, items, default):
        sort = call.arg('sort') or default
        for key in reversed([k.strip() for k in sort.split(',') if k.strip()]):
            reverse = key.startswith('-')
            key = key.lstrip('-')
            items.sort(key=lambda item: (item.get(key) is None, item.get(key) if item.get(key) is not None else 0),
                       reverse=reverse)
        return items

    def _location(self, path):
        return {'Location': self.base_path + path}

    # --- system -------------------------------------------------------------------------------------------
    @route('GET', '/ping', auth=False)
    def ping(self, call):
        return 200, 'Pong'

    @route('GET', '/health', auth=False)
    def health(self, call):
        components = [{'name': name, 'status': 'healthy'} for name in
                      ('core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy')]
        return 200, {'status': 'healthy', 'components': components}

    @route('GET', '/systeminfo', auth=False)
    def systeminfo(self, call):
        return 200, {'harbor_version': HARBOR_VERSION, 'auth_mode': self.config['auth_mode'],
                     'primary_auth_mode': self.config['primary_auth_mode'],
                     'project_creation_restriction': self.config['project_creation_restriction'],
                     'self_registration': self.config['self_registration'], 'has_ca_root': False,
                     'read_only': self.config['read_only'], 'notification_enable': self.config['notification_enable'],
                     'banner_message': self.config['banner_message'], 'current_time': _now(),
                     'registry_url': '127.0.0.1', 'external_url': self.base_url or '',
                     'registry_storage_provider_name': 'filesystem'}

    # --- projects -----------------------------------------------------------------------------------------
    @staticmethod
    def _validate_metadata(metadata):
        """projectMetadataAPI.validate: one key; booleans parsed like Go's ParseBool; severity normalised."""
        if len(metadata) != 1:
            raise _bad('only allow one key/value pair')
        (key, value), = metadata.items()
        if key in ('public', 'enable_content_trust', 'enable_content_trust_cosign', 'prevent_vul', 'auto_scan'):
            truth = {'1': 'true', 't': 'true', 'T': 'true', 'TRUE': 'true', 'true': 'true', 'True': 'true',
                     '0': 'false', 'f': 'false', 'F': 'false', 'FALSE': 'false', 'false': 'false', 'False': 'false'}
            if value not in truth:
                raise _bad('invalid value: %s' % value)
            return {key: truth[value]}
        if key == 'severity':
            if str(value).lower() not in SEVERITIES:
                raise _bad('invalid value: %s' % value)
            return {key: str(value).lower()}
        raise _bad('invalid key: %s' % key)

    @staticmethod
    def _clean_metadata(metadata):
        return {k: v for k, v in (metadata or {}).items() if v is not None}

    def _allowlist(self, project_id, body):
        now = _now()
        allowlist = {'id': project_id, 'project_id': project_id, 'items': [], 'creation_time': now,
                     'update_time': now}
        if body:
            allowlist['items'] = [{'cve_id': i.get('cve_id', '')} for i in body.get('items') or []]
            if body.get('expires_at') is not None:
                allowlist['expires_at'] = body['expires_at']
        return allowlist

    def _create_project(self, name, owner, metadata, storage_limit=None, registry_id=None, allowlist=None):
        project_id = self._next('project')
        now = _now()
        metadata = dict(metadata)
        metadata.setdefault('public', 'false')
        project = {'project_id': project_id, 'name': name, 'owner_id': owner['user_id'],
                   'owner_name': owner['username'], 'creation_time': now, 'update_time': now,
                   'metadata': metadata, 'registry_id': registry_id or 0,
                   'cve_allowlist': self._allowlist(project_id, allowlist)}
        self.projects[project_id] = project
        if owner.get('user_id'):
            member_id = self._next('member')
            self.members[member_id] = {'id': member_id, 'project_id': project_id, 'entity_type': 'u',
                                       'entity_id': owner['user_id'], 'role_id': 1}
        if storage_limit is None:
            storage_limit = self.config['storage_per_project']
        quota_id = self._next('quota')
        self.quotas[quota_id] = {'id': quota_id, 'project_id': project_id, 'hard': {'storage': storage_limit},
                                 'used': {'storage': 0}, 'creation_time': now, 'update_time': now}
        return project

    def _quota_of(self, project_id):
        for quota in self.quotas.values():
            if quota['project_id'] == project_id:
                return quota
        return None

    def _project_out(self, project, user):
        role = self._role(user, project)
        out = {k: project[k] for k in ('project_id', 'name', 'owner_id', 'owner_name', 'creation_time',
                                       'update_time')}
        out.update({'deleted': False, 'togglable': True, 'current_user_role_id': role,
                    'current_user_role_ids': [role] if role else [],
                    'repo_count': len(self.repositories.get(project['project_id'], {})),
                    'metadata': dict(project['metadata']), 'cve_allowlist': copy.deepcopy(project['cve_allowlist'])})
        if project['registry_id']:
            out['registry_id'] = project['registry_id']
        return out

    def _visible_projects(self, user):
        return [p for p in self.projects.values()
                if (user and user.get('sysadmin_flag')) or p['metadata'].get('public') == 'true' or self._role(user, p)]

    @route('GET', '/projects', auth='optional')
    def list_projects(self, call):
        """Anonymous callers (no or bad credentials: Harbor falls back to anonymous) see public projects."""
        items = self._visible_projects(call.user)
        name = call.arg('name')
        if name:
            items = [p for p in items if name in p['name']]
        public = call.arg('public')
        if public is not None:
            items = [p for p in items if p['metadata'].get('public') == ('true' if public.lower() == 'true' else 'false')]
        owner = call.arg('owner')
        if owner:
            items = [p for p in items if p['owner_name'] == owner]
        for key, op_value in self._parse_q(call).items():
            if key in ('name', 'owner_name', 'project_id'):
                items = [p for p in items if self._q_match(p.get(key), op_value)]
            elif key == 'public':
                items = [p for p in items if self._q_match(p['metadata'].get('public'), op_value)]
        out = self._sort(call, [self._project_out(p, call.user) for p in items], 'name')  # Name: sort:"default"
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('HEAD', '/projects', auth='optional')
    def head_project(self, call):
        name = call.arg('project_name')
        project = self.project(name)
        if project is None:
            raise self._absent_project(call, name)
        self._check_project_access(call, project)
        return 200, None

    @route('POST', '/projects')
    def create_project(self, call):
        """Harbor's CreateProject (project.go) and its validateProjectReq."""
        body = call.body or {}
        name = body.get('project_name') or ''
        if not name or len(name) > 255 or not NAME_RE.match(name):
            raise _bad('project name is not in lower case or contains illegal characters!')
        user = call.user
        is_admin = bool(user.get('sysadmin_flag'))
        if user.get('robot_id') and not user.get('system_robot'):
            raise HttpError(403, 'Only system level robot can create project')
        if self.config['project_creation_restriction'] == 'adminonly' and not is_admin:
            raise HttpError(403, 'Only system admin can create project')
        registry_id = body.get('registry_id')
        if registry_id is not None and not is_admin:
            raise HttpError(403, 'Only system admin can create proxy cache project')
        storage_limit = body.get('storage_limit')
        if self.config['quota_per_project_enable']:
            if storage_limit in (None, 0) or not is_admin:
                storage_limit = self.config['storage_per_project']
        else:
            storage_limit = None
        metadata = self._clean_metadata(body.get('metadata'))
        if 'public' not in metadata and body.get('public') is not None:
            metadata['public'] = 'true' if body['public'] else 'false'
        metadata.setdefault('public', 'false')
        if metadata['public'] not in ('true', 'false'):
            raise _bad("metadata.public should only be 'true' or 'false', but got: '%s'" % metadata['public'])
        if registry_id is None:
            for key in PROXY_ONLY_METADATA:
                metadata.pop(key, None)
        else:
            metadata.pop('enable_content_trust', None)
        if metadata.get('retention_id'):
            raise _bad('bad request')  # "the retention_id ... should be omitted", hidden behind BadRequestError(err)
        if registry_id is not None:
            if registry_id <= 0:
                raise _bad('bad request')
            registry = self.registries.get(registry_id)
            if registry is None:
                raise HttpError(500, 'internal server error')  # a plain error in Harbor: 500
            if registry['type'] not in PROXY_CACHE_REGISTRY_TYPES:
                raise _bad('bad request')
            for key in ('proxy_speed_kb', 'max_upstream_conn'):
                if key in metadata and not re.match(r'^-?\d+$', str(metadata[key])):
                    raise _bad('metadata.%s should be an int32, but got: %r' % (key, metadata[key]))
        if storage_limit is not None and storage_limit != -1 and storage_limit <= 0:
            raise _bad('bad request')
        if self.project(name) is not None:
            raise HttpError(409, 'The project named %s already exists' % name)
        metadata.pop('retention_id', None)
        owner = user if user.get('user_id') else self.users[1]  # robots: the first admin owns the project
        project = self._create_project(name, owner, metadata, storage_limit=storage_limit,
                                       registry_id=registry_id, allowlist=body.get('cve_allowlist'))
        if registry_id is not None:  # Harbor gives a proxy cache project a 7-day retention policy
            retention_id = self._next('retention')
            self.retentions[retention_id] = self._retention_record(retention_id, proxy_cache_retention(project))
            project['metadata']['retention_id'] = str(retention_id)
        in_location = (call.header('X-Resource-Name-In-Location') or '').lower() == 'true'
        return 201, None, self._location('/projects/%s' % (name if in_location else project['project_id']))

    @route('GET', '/projects/{project_name_or_id}', auth='optional')
    def get_project(self, call):
        return 200, self._project_out(self._find_project(call), call.user)

    @route('PUT', '/projects/{project_name_or_id}')
    def update_project(self, call):
        """Harbor's UpdateProject: metadata merged (top-level public and storage_limit are ignored)."""
        project = self._find_project(call, manage=True)
        body = call.body or {}
        allowlist_body = body.get('cve_allowlist')
        if allowlist_body is not None:
            given = allowlist_body.get('project_id') or 0
            if given not in (0, project['project_id']):
                raise _bad("project_id in cve_allowlist must be %d but it's %d" % (project['project_id'], given))
        metadata = self._clean_metadata(body.get('metadata'))
        if not project['registry_id']:
            for key in PROXY_ONLY_METADATA:
                metadata.pop(key, None)
        else:
            metadata.pop('enable_content_trust', None)
        if 'retention_id' in metadata and metadata['retention_id'] != project['metadata'].get('retention_id'):
            raise _bad("the retention_id in the request's payload when updating a project should be omitted, "
                       "alternatively passing the one that has already been associated to this project")
        project['metadata'].update(metadata)
        if allowlist_body is not None:
            allowlist = self._allowlist(project['project_id'], allowlist_body)
            allowlist['creation_time'] = project['cve_allowlist']['creation_time']
            project['cve_allowlist'] = allowlist
        project['update_time'] = _now()
        return 200, None

    def _deletable(self, project):
        if self.repositories.get(project['project_id']):
            return False, 'the project contains repositories, can not be deleted'
        return True, ''

    @route('GET', '/projects/{project_name_or_id}/_deletable')
    def project_deletable(self, call):
        deletable, message = self._deletable(self._find_project(call, manage=True))
        return 200, {'deletable': deletable, 'message': message}

    @route('DELETE', '/projects/{project_name_or_id}')
    def delete_project(self, call):
        project = self._find_project(call, manage=True)
        if call.user.get('sysadmin_flag') is False and self._role(call.user, project) != 1:
            raise self._forbidden()
        deletable, sep = self._deletable(project)
        if not deletable:
            # PreconditionFailedError(errors.New(reason)): the reason stays in the cause, the body says
            # "precondition failed"; GET /projects/{p}/_deletable gives the reason
            raise HttpError(412, 'precondition failed')
        project_id = project['project_id']
        del self.projects[project_id]
        self.repositories.pop(project_id, None)
        for table in (self.members, self.quotas, self.webhooks, self.immutable_rules):
            for key in [k for k, v in table.items() if v.get('project_id') == project_id]:
                del table[key]
        for key in [k for k, r in self.robots.items() if r.get('project_id') == project_id]:
            del self.robots[key]
        for key in [k for k, r in self.retentions.items() if r['scope'].get('ref') == project_id]:
            del self.retentions[key]
        return 200, None

    # --- repositories (enough to empty a project before deleting it) --------------------------------------
    def _repositories(self, call):
        project = self._find_project(call, key='project_name', by_name=True)
        return project, self.repositories.get(project['project_id'], {})

    @staticmethod
    def _repo_out(repo):
        return dict(repo)

    @route('GET', '/projects/{project_name}/repositories', auth='optional')
    def list_repositories(self, call):
        sep, repos = self._repositories(call)
        items = [self._repo_out(r) for r in repos.values()]
        for key, op_value in self._parse_q(call).items():
            if key == 'name':
                items = [r for r in items if self._q_match(r['name'], op_value)]
        page, headers = self._paginate(call, self._sort(call, items, 'id'))
        return 200, page, headers

    @route('GET', '/projects/{project_name}/repositories/{repository_name}', auth='optional')
    def get_repository(self, call):
        sep, repos = self._repositories(call)
        name = unquote(call.params['repository_name'])  # Harbor wants a/b encoded twice: a%252Fb
        if name not in repos:
            raise HttpError(404, 'repository %s/%s not found' % (call.params['project_name'], name))
        return 200, self._repo_out(repos[name])

    @route('DELETE', '/projects/{project_name}/repositories/{repository_name}')
    def delete_repository(self, call):
        project, repos = self._repositories(call)
        self._check_project_access(call, project, manage=True)
        name = unquote(call.params['repository_name'])
        if name not in repos:
            raise HttpError(404, 'repository %s/%s not found' % (call.params['project_name'], name))
        del repos[name]
        return 200, None

    # --- project metadata (project_metadata.go) -----------------------------------------------------------
    @route('GET', '/projects/{project_name_or_id}/metadatas/')
    def list_metadata(self, call):
        return 200, dict(self._find_project(call)['metadata'])

    @route('POST', '/projects/{project_name_or_id}/metadatas/')
    def add_metadata(self, call):
        project = self._find_project(call, manage=True)
        project['metadata'].update(self._validate_metadata(self._clean_metadata(call.body)))
        return 200, None

    @route('GET', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def get_metadata(self, call):
        project = self._find_project(call)
        name = call.params['meta_name']
        # Harbor answers the keys it has: {} for an absent one
        return 200, {name: project['metadata'][name]} if name in project['metadata'] else {}

    @route('PUT', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def put_metadata(self, call):
        project = self._find_project(call, manage=True)
        name = call.params['meta_name']
        project['metadata'].update(self._validate_metadata({name: (call.body or {}).get(name)}))
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/metadatas/{meta_name}')
    def delete_metadata(self, call):
        """Any key, retention_id included (the way to free a project after DELETE /retentions/{id})."""
        project = self._find_project(call, manage=True)
        project['metadata'].pop(call.params['meta_name'], None)
        return 200, None

    # --- quotas -------------------------------------------------------------------------------------------
    def _quota_out(self, quota):
        project = self.projects.get(quota['project_id'], {})
        return {'id': quota['id'], 'ref': {'id': quota['project_id'], 'name': project.get('name'),
                                           'owner_name': project.get('owner_name')},
                'hard': dict(quota['hard']), 'used': dict(quota['used']),
                'creation_time': quota['creation_time'], 'update_time': quota['update_time']}

    @route('GET', '/quotas')
    def list_quotas(self, call):
        self._require_admin(call)
        items = list(self.quotas.values())
        reference = call.arg('reference')
        if reference and reference != 'project':
            items = []
        reference_id = call.arg('reference_id')
        if reference_id:
            items = [q for q in items if str(q['project_id']) == reference_id]
        out = self._sort(call, [self._quota_out(q) for q in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    def _quota(self, call):
        self._require_admin(call)
        quota = self.quotas.get(int(call.params['id']))
        if quota is None:
            raise HttpError(404, 'quota %s not found' % call.params['id'])
        return quota

    @route('GET', '/quotas/{id}')
    def get_quota(self, call):
        return 200, self._quota_out(self._quota(call))

    @route('PUT', '/quotas/{id}')
    def update_quota(self, call):
        quota = self._quota(call)
        hard = (call.body or {}).get('hard') or {}
        if not hard:
            raise _bad('hard required in body')
        for resource, value in hard.items():
            if resource != 'storage':
                raise _bad('resource %s not support' % resource)
            if value != -1 and value <= 0:
                raise _bad('invalid value for resource %s' % resource)
        quota['hard'].update(hard)
        quota['update_time'] = _now()
        return 200, None

    # --- members ------------------------------------------------------------------------------------------
    def _member_out(self, member):
        if member['entity_type'] == 'u':
            entity = self.users.get(member['entity_id'], {})
            name = entity.get('username', '')
        else:
            name = self.groups.get(member['entity_id'], {}).get('group_name', '')
        return {'id': member['id'], 'project_id': member['project_id'], 'entity_name': name,
                'role_name': ROLES[member['role_id']], 'role_id': member['role_id'],
                'entity_id': member['entity_id'], 'entity_type': member['entity_type']}

    def _member(self, call, manage=False):
        project = self._find_project(call, manage=manage)
        member = self.members.get(int(call.params['mid']))
        if member is None or member['project_id'] != project['project_id']:
            raise HttpError(404, 'member %s not found in project %s' % (call.params['mid'], project['name']))
        return project, member

    @route('GET', '/projects/{project_name_or_id}/members')
    def list_members(self, call):
        project = self._find_project(call)
        items = [self._member_out(m) for m in self.members.values() if m['project_id'] == project['project_id']]
        sep, headers = self._paginate(call, items)
        entity = call.arg('entityname')
        if entity:  # Harbor lists with the entityname filter but counts (X-Total-Count, Link) without it
            items = [m for m in items if entity in m['entity_name']]
        page, sep = self._paginate(call, items)
        return 200, page, headers

    @route('GET', '/projects/{project_name_or_id}/members/{mid}')
    def get_member(self, call):
        return 200, self._member_out(self._member(call)[1])

    def _resolve_member_entity(self, body):
        """Harbor's member controller: user by id or name, group by id, LDAP DN or name (+type)."""
        user = body.get('member_user') or {}
        group = body.get('member_group') or {}
        if not (user.get('user_id') or user.get('username') or group.get('id') or group.get('group_name')
                or group.get('ldap_group_dn')):
            raise _bad('at least one of member_user or member_group must be provided')
        if user.get('user_id'):
            if user['user_id'] not in self.users:
                raise _bad('User %d not found' % user['user_id'])
            return 'u', user['user_id']
        if group.get('id'):
            if group['id'] not in self.groups:
                raise _bad('Group %d not found' % group['id'])
            return 'g', group['id']
        if user.get('username'):
            for candidate in self.users.values():
                if candidate['username'] == user['username']:
                    return 'u', candidate['user_id']
            # core/auth SearchAndOnBoardUser finds nobody: NotFoundError "user %s is not found"
            raise HttpError(404, 'user %s is not found' % user['username'])
        if group.get('ldap_group_dn'):
            for candidate in self.groups.values():
                if candidate['group_type'] == 1 and candidate.get('ldap_group_dn') == group['ldap_group_dn']:
                    return 'g', candidate['id']
            return 'g', self.add_group(group.get('group_name') or group['ldap_group_dn'], 1, group['ldap_group_dn'])['id']
        for candidate in self.groups.values():
            if candidate['group_name'] == group['group_name'] and candidate['group_type'] == group.get('group_type'):
                return 'g', candidate['id']
        if group.get('group_type') not in (2, 3):  # only HTTP and OIDC groups are onboarded by name
            raise HttpError(404, 'group %s not found' % group['group_name'])
        return 'g', self.add_group(group['group_name'], group['group_type'])['id']

    @route('POST', '/projects/{project_name_or_id}/members')
    def create_member(self, call):
        project = self._find_project(call, manage=True)
        body = call.body or {}
        role_id = body.get('role_id')
        entity_type, entity_id = self._resolve_member_entity(body)
        for member in self.members.values():
            if (member['project_id'], member['entity_type'], member['entity_id']) == (
                    project['project_id'], entity_type, entity_id):
                raise HttpError(409, 'The project member specified already exist')
        if role_id not in ROLES:
            raise _bad(INVALID_ROLE)
        member_id = self._next('member')
        self.members[member_id] = {'id': member_id, 'project_id': project['project_id'],
                                   'entity_type': entity_type, 'entity_id': entity_id, 'role_id': role_id}
        # Harbor's Location names the project as the request did (name or id)
        return 201, None, {'Location': '/api/v2.0/projects/%s/members/%d' % (self._project_ref(call, project),
                                                                             member_id)}

    def _project_ref(self, call, project):
        value = call.params['project_name_or_id']
        by_name = (call.header('X-Is-Resource-Name') or '').lower() == 'true' or not value.isdigit()
        return project['name'] if by_name else project['project_id']

    @route('PUT', '/projects/{project_name_or_id}/members/{mid}')
    def update_member(self, call):
        sep, member = self._member(call, manage=True)
        role_id = (call.body or {}).get('role_id')
        if role_id is None:
            raise _bad('role can not be empty')
        if role_id not in ROLES:
            raise _bad(INVALID_ROLE)
        member['role_id'] = role_id
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/members/{mid}')
    def delete_member(self, call):
        sep, member = self._member(call, manage=True)
        del self.members[member['id']]
        return 200, None

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
            raise HttpError(404, 'the current account is a robot account')
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
        if not valid_secret(body.get('password')):  # requireValidSecret comes first in users.go
            raise _bad('the password or secret must be 8-128, inclusively, characters long with at least 1 '
                       'uppercase letter, 1 lowercase letter and 1 number')
        self._check_user_profile(body)
        if not username or len(username) > 255 or re.search(r'[,~#$%"\'\s]', username):
            raise _bad('username %r is invalid' % username)
        if any(u['username'] == username or u['email'] == body['email'] for u in self.users.values()):
            # pkg/user/dao Create: the unique constraints on username and email, WrapConflictError
            raise HttpError(409, 'user %s or email %s already exists' % (username, body['email']))
        user = self.add_user(username, body['password'], email=body.get('email'), realname=body.get('realname'))
        user['comment'] = body.get('comment') or ''
        return 201, None, self._location('/users/%d' % user['user_id'])

    @staticmethod
    def _check_user_profile(body):
        """handler/user.go validateUserProfile (create and PUT /users/{id}): email required and matching
        Harbor's pattern, realname 1-255 characters without , ~ # $ %, comment at most 30 characters."""
        email = body.get('email') or ''
        if not email:
            raise _bad("email can't be empty")
        if not USER_EMAIL_RULE.match(email):
            raise _bad('email with illegal format')
        realname = body.get('realname') or ''
        if not 1 <= len(realname) <= 255:
            raise _bad('realname with illegal length')
        if any(c in realname for c in ',~#$%'):
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
            raise HttpError(404, 'user %s not found' % call.params['user_id'])
        return user

    @route('GET', '/users/{user_id}')
    def get_user(self, call):
        return 200, self._user_out(self._user(call))

    @route('DELETE', '/users/{user_id}')
    def delete_user_api(self, call):
        self._require_admin(call)
        user = self._user(call)
        if user['user_id'] == 1:
            raise _bad('the admin user cannot be deleted')
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

    @route('POST', '/usergroups')
    def create_group(self, call):
        self._require_admin(call)
        body = call.body or {}
        group_type = body.get('group_type')
        if group_type not in GROUP_TYPES:
            raise _bad('invalid group_type %s: use 1 (LDAP), 2 (HTTP) or 3 (OIDC)' % group_type)
        if not body.get('group_name'):
            raise _bad('group_name is required')
        dn = (body.get('ldap_group_dn') or '').strip().lower()  # dao Add stores utils.TrimLower(dn)
        if group_type == 1 and not dn:
            # controller Create searches the DN in LDAP first: an empty one is never found
            raise _bad('LDAP Group DN is not found: DN:%s' % (body.get('ldap_group_dn') or ''))
        for group in self.groups.values():
            if group['group_name'] == body['group_name'] and group['group_type'] == group_type:
                # pkg/usergroup manager Create: unique by name and type (controller: ConflictError)
                raise HttpError(409, 'duplicate user group, group name:%s, group type: %s, ldap group DN: %s'
                                % (body['group_name'], group_type, body.get('ldap_group_dn') or ''))
        for group in self.groups.values():
            if group['group_name'] == body['group_name'] and group['group_type'] == 2:
                raise HttpError(409, 'duplicated user group name')  # dao Add: no name of an HTTP group
        group = self.add_group(body['group_name'], group_type, dn or None)
        return 201, None, self._location('/usergroups/%d' % group['id'])

    def _group(self, call):
        group = self.groups.get(int(call.params['group_id']))
        if group is None:
            raise HttpError(404, 'group %s not found' % call.params['group_id'])
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
        group = self._group(call)
        del self.groups[group['id']]
        for mid in [k for k, m in self.members.items() if m['entity_type'] == 'g' and m['entity_id'] == group['id']]:
            del self.members[mid]
        return 200, None

    # --- robot accounts -----------------------------------------------------------------------------------
    def _robot_out(self, robot):
        keys = ('id', 'name', 'description', 'level', 'duration', 'editable', 'disable', 'expires_at',
                'permissions', 'creator_type', 'creator_ref', 'creation_time', 'update_time')
        return {k: copy.deepcopy(robot[k]) for k in keys}

    @staticmethod
    def _check_duration(duration):
        if duration != -1 and not (isinstance(duration, int) and 0 < duration < 2 ** 31 - 1):
            raise _bad('bad request error duration input: %s, duration must be either -1(Never) or a positive '
                       'integer' % duration)

    def _check_permissions(self, call, level, permissions):
        """The project of a project-level robot (validated), or None for a system robot."""
        if not permissions:
            raise _bad('bad request empty permission')
        if any(not perm.get('access') for perm in permissions):
            raise _bad('bad request empty access')
        if level == 'project':
            if len(permissions) > 1:
                raise _bad('bad request permission')
            if permissions[0].get('kind') != 'project':
                raise _bad('bad request: the permission of a project level robot must be of kind project')
        for perm in permissions:
            kind = perm.get('kind')
            allowed = {'project': PROJECT_PERMISSIONS, 'system': SYSTEM_PERMISSIONS}.get(kind)
            if allowed is None:
                raise _bad('bad request permission level: %s' % kind)
            namespace = perm.get('namespace') or ''
            if kind == 'project' and namespace != '*' and self.project(namespace) is None:
                raise self._absent_project(call, namespace)
            if kind == 'system' and namespace != '/':
                raise _bad('unknown namespace')
            for access in perm.get('access') or []:
                if access.get('action') not in allowed.get(access.get('resource'), ()):
                    raise _bad('bad request permission: %s:%s' % (access.get('resource'), access.get('action')))
                if access.get('effect') not in (None, '', 'allow', 'deny'):
                    raise _bad('bad request permission effect: %s' % access.get('effect'))
        if level == 'project':
            project = self.project(permissions[0].get('namespace'))
            if project is None:
                raise self._absent_project(call, permissions[0].get('namespace'))
            self._check_project_access(call, project, manage=True)
            return project
        self._require_admin(call)
        return None

    def _expiry(self, duration, created):
        if duration == -1:
            return -1
        return int(created.timestamp()) + duration * 86400

    @route('GET', '/robots')
    def list_robots(self, call):
        """Harbor's ListRobot: without Level only system robots (admin); Level=project needs ProjectID."""
        q = self._parse_q(call)
        level = q.get('Level', ('exact', 'system'))[1]
        if level not in ('system', 'project'):
            raise _bad('bad request error level input')
        if level == 'project':
            if 'ProjectID' not in q:
                raise _bad('must with project ID when to query project robots')
            if not str(q['ProjectID'][1]).isdigit():
                raise _bad('Project ID must be int type.')
            project = self.projects.get(int(q['ProjectID'][1]))
            if project is None:
                raise self._forbidden()
            self._check_project_access(call, project, manage=True)
            items = [r for r in self.robots.values() if r.get('project_id') == project['project_id']]
        else:
            self._require_admin(call)
            items = [r for r in self.robots.values() if not r.get('project_id')]
        if 'name' in q:  # matched against the stored name, without the robot prefix
            items = [r for r in items if self._q_match(r['name'][len(r['prefix']):], q['name'])]
        out = self._sort(call, [self._robot_out(r) for r in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('POST', '/robots')
    def create_robot(self, call):
        body = call.body or {}
        name = body.get('name') or ''
        if not name or len(name) > 255 or not NAME_RE.match(name):
            raise _bad('robot name is not in lower case or contains illegal characters')
        level = body.get('level')
        if level not in ('system', 'project'):
            raise _bad('bad request level: %s, use system or project' % level)
        duration = body.get('duration') or 0
        self._check_duration(duration)
        project = self._check_permissions(call, level, body.get('permissions') or [])
        prefix = self.config['robot_name_prefix']
        full_name = prefix + ('%s+%s' % (project['name'], name) if project else name)
        if self.robot(full_name) is not None:
            raise HttpError(409, 'robot account %s already exists' % full_name)
        # A secret in the body is ignored, valid or not: the controller always generates one (controller/robot
        # controller.go Create calls CreateSec; goharbor/harbor#16884, #17386 "by design"). A chosen secret
        # can only be set afterwards by PATCH /robots/{id} (RefreshSec).
        secret = _new_secret()
        created = datetime.datetime.now(datetime.timezone.utc)
        now = _now()
        robot_id = self._next('robot')
        robot = {'id': robot_id, 'name': full_name, 'description': body.get('description') or '', 'level': level,
                 'duration': duration, 'editable': True, 'disable': bool(body.get('disable')),
                 'expires_at': self._expiry(duration, created), 'permissions': copy.deepcopy(body.get('permissions') or []),
                 'creator_type': 'local', 'creator_ref': call.user.get('user_id') or 0, 'creation_time': now,
                 'update_time': now, 'secret': secret, 'project_id': project['project_id'] if project else None,
                 'created': created, 'prefix': prefix}
        self.robots[robot_id] = robot
        return 201, {'id': robot_id, 'name': full_name, 'secret': secret, 'creation_time': now,
                     'expires_at': robot['expires_at']}, self._location('/robots/%d' % robot_id)

    def _robot(self, call):
        robot = self.robots.get(int(call.params['robot_id']))
        if robot is None:
            raise HttpError(404, 'robot %s not found' % call.params['robot_id'])
        if robot['level'] == 'project':
            self._check_project_access(call, self.projects[robot['project_id']], manage=True)
        else:
            self._require_admin(call)
        return robot

    @route('GET', '/robots/{robot_id}')
    def get_robot(self, call):
        return 200, self._robot_out(self._robot(call))

    @route('PUT', '/robots/{robot_id}')
    def update_robot(self, call):
        robot = self._robot(call)
        body = call.body or {}
        project = self._check_permissions(call, robot['level'], body.get('permissions') or [])
        if project is not None and project['project_id'] != robot['project_id']:
            raise _bad('cannot update the project id of robot')
        if body.get('name') != robot['name'] or body.get('level') != robot['level']:
            raise _bad('cannot update the level or name of robot')
        duration = body.get('duration')
        if duration is None:  # Harbor keeps the current duration when the body has none
            duration = robot['duration']
        self._check_duration(duration)
        if duration != robot['duration']:
            robot['duration'] = duration
            robot['expires_at'] = self._expiry(duration, robot['created'])
        robot['description'] = body.get('description') or ''
        robot['disable'] = bool(body.get('disable'))
        robot['permissions'] = copy.deepcopy(body.get('permissions') or [])
        robot['update_time'] = _now()
        return 200, None

    @route('PATCH', '/robots/{robot_id}')
    def refresh_robot_secret(self, call):
        robot = self._robot(call)
        secret = (call.body or {}).get('secret')
        robot['update_time'] = _now()
        if secret:
            if not valid_secret(secret):
                raise _bad('the secret must be 8-128, inclusively, characters long with at least 1 uppercase '
                           'letter, 1 lowercase letter and 1 number')
            robot['secret'] = secret
            return 200, {}
        robot['secret'] = _new_secret()
        return 200, {'secret': robot['secret']}

    @route('DELETE', '/robots/{robot_id}')
    def delete_robot(self, call):
        robot = self._robot(call)
        del self.robots[robot['id']]
        return 200, None

    # --- registries ---------------------------------------------------------------------------------------
    @staticmethod
    def _registry_out(registry):
        out = {k: registry[k] for k in ('id', 'name', 'url', 'type', 'insecure', 'description', 'status',
                                        'creation_time', 'update_time')}
        credential = registry.get('credential')
        if credential:
            out['credential'] = {'type': credential.get('type', ''), 'access_key': credential.get('access_key', '')}
            if credential.get('access_secret'):
                out['credential']['access_secret'] = '*****'
        if registry.get('ca_certificate'):
            out['ca_certificate'] = registry['ca_certificate']
        return out

    @staticmethod
    def _check_url(url, what='url'):
        parts = urlsplit(url or '')
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise _bad('invalid %s %r: an http or https URL is required' % (what, url))

    def _registry_name_taken(self, name, but=None):
        return any(r['name'] == name and r['id'] != but for r in self.registries.values())

    @route('GET', '/registries')
    def list_registries(self, call):
        self._require_admin(call)
        items = list(self.registries.values())
        name = call.arg('name')
        if name:
            items = [r for r in items if name in r['name']]
        for key, op_value in self._parse_q(call).items():
            if key in ('name', 'type', 'url'):
                items = [r for r in items if self._q_match(r[key], op_value)]
        out = self._sort(call, [self._registry_out(r) for r in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('POST', '/registries')
    def create_registry(self, call):
        self._require_admin(call)
        body = call.body or {}
        if not body.get('name'):
            raise _bad('name cannot be empty')
        if len(body['name']) > 64:
            raise _bad('the max length of name is 64')
        self._check_url(body.get('url'))
        if body.get('type') not in REGISTRY_TYPES:
            raise HttpError(500, 'internal server error')  # "adapter factory for %s not found" is a plain error
        if body['url'].rstrip('/') in self.unhealthy_urls:
            raise _bad('the registry is unhealthy')
        credential = body.get('credential') or None
        if credential and credential.get('type') not in CREDENTIAL_TYPES:
            raise _bad('invalid credential type %r: use basic, oauth or secret' % credential.get('type'))
        if self._registry_name_taken(body['name']):
            raise HttpError(409, 'registry %s already exists' % body['name'])
        now = _now()
        registry_id = self._next('registry')
        self.registries[registry_id] = {
            'id': registry_id, 'name': body['name'], 'url': body['url'].rstrip('/'), 'type': body['type'],
            'insecure': bool(body.get('insecure')), 'description': body.get('description') or '',
            'status': 'healthy', 'credential': dict(credential) if credential else None,
            'ca_certificate': body.get('ca_certificate') or '', 'creation_time': now, 'update_time': now}
        return 201, None, self._location('/registries/%d' % registry_id)

    def _registry(self, call):
        self._require_admin(call)
        registry = self.registries.get(int(call.params['id']))
        if registry is None:
            raise HttpError(404, 'registry %s not found' % call.params['id'])
        return registry

    @route('GET', '/registries/{id}')
    def get_registry(self, call):
        return 200, self._registry_out(self._registry(call))

    @route('PUT', '/registries/{id}')
    def update_registry(self, call):
        registry = self._registry(call)
        body = call.body or {}
        if body.get('name') is not None:
            if self._registry_name_taken(body['name'], but=registry['id']):
                raise HttpError(409, 'registry %s already exists' % body['name'])
            registry['name'] = body['name']
        if body.get('url') is not None:
            self._check_url(body['url'])
            if body['url'].rstrip('/') in self.unhealthy_urls:
                raise _bad('the registry is unhealthy')
            registry['url'] = body['url'].rstrip('/')
        if body.get('name') == '':
            raise _bad('name cannot be empty')
        for key in ('description', 'insecure', 'ca_certificate'):
            if body.get(key) is not None:
                registry[key] = body[key]
        if any(body.get(k) is not None for k in ('credential_type', 'access_key', 'access_secret')):
            credential = registry.get('credential') or {'type': 'basic'}
            if body.get('credential_type') is not None:
                if body['credential_type'] not in CREDENTIAL_TYPES:
                    raise _bad('invalid credential type %r' % body['credential_type'])
                credential['type'] = body['credential_type']
            for key in ('access_key', 'access_secret'):
                if body.get(key) is not None:
                    credential[key] = body[key]
            registry['credential'] = credential
        registry['update_time'] = _now()
        return 200, None

    @route('DELETE', '/registries/{id}')
    def delete_registry(self, call):
        registry = self._registry(call)
        for policy in self.replication_policies.values():
            if registry['id'] in (policy['src_registry_id'], policy['dest_registry_id']):
                raise HttpError(412, 'the registry %d is referenced by replication policies, cannot delete it'
                                % registry['id'])
        for project in self.projects.values():
            if project['registry_id'] == registry['id']:
                raise HttpError(412, 'the registry %d is referenced by proxy cache project, cannot delete it'
                                % registry['id'])
        del self.registries[registry['id']]
        return 200, None

    @route('POST', '/registries/ping')
    def ping_registry(self, call):
        self._require_admin(call)
        body = call.body or {}
        if body.get('id') is not None:
            if body['id'] not in self.registries:
                raise HttpError(404, 'registry %s not found' % body['id'])
        else:
            self._check_url(body.get('url'))
        return 200, None

    # --- replication policies -----------------------------------------------------------------------------
    @staticmethod
    def _local_registry():
        return {'id': 0, 'name': 'Local', 'url': 'http://core:8080', 'type': 'harbor', 'insecure': True,
                'description': '', 'status': 'healthy', 'creation_time': '0001-01-01T00:00:00.000Z',
                'update_time': '0001-01-01T00:00:00.000Z'}

    def _policy_out(self, policy):
        out = {k: copy.deepcopy(v) for k, v in policy.items() if not k.endswith('_registry_id') and v is not None}
        for side in ('src', 'dest'):
            registry_id = policy['%s_registry_id' % side]
            out['%s_registry' % side] = (self._registry_out(self.registries[registry_id]) if registry_id
                                         else self._local_registry())
        out['deletion'] = policy['replicate_deletion']
        return out

    def _validate_policy(self, body, but=None):
        """Harbor's replication handler and model.Policy.Validate()."""
        if not body.get('name'):
            raise _bad('empty name')
        ids = []
        for side in ('src_registry', 'dest_registry'):
            ids.append((body.get(side) or {}).get('id') or 0)
        if bool(ids[0]) == bool(ids[1]):
            raise _bad("either src_registry or dest_registry should be empty and the other one shouldn't be empty")
        for registry_id in ids:
            if registry_id and registry_id not in self.registries:
                raise HttpError(404, 'registry %s not found' % registry_id)
        for item in body.get('filters') or []:
            if item.get('type') not in ('name', 'tag', 'label', 'resource'):
                raise _bad('invalid filter type %r' % item.get('type'))
            if item.get('decoration') not in (None, '', 'matches', 'excludes'):
                raise _bad('invalid filter decoration %r' % item.get('decoration'))
        namespace = body.get('dest_namespace') or ''
        if namespace and not REPOSITORY_NAME_RE.match(namespace):
            raise _bad('invalid destination namespace: %s' % namespace)
        trigger = body.get('trigger')
        if trigger is not None:
            kind = trigger.get('type')
            if kind == 'scheduled':
                cron = (trigger.get('trigger_settings') or {}).get('cron') or ''
                if not cron:
                    raise _bad('the cron string cannot be empty when the trigger type is scheduled')
                if not valid_cron(cron):
                    raise _bad('invalid cron string for scheduled trigger: %s' % cron)
            elif kind not in ('manual', 'event_based'):
                raise _bad('invalid trigger type')
            if kind == 'event_based' and body.get('single_active_replication'):
                raise HttpError(500, 'internal server error')  # a plain fmt.Errorf in Harbor: 500
        if any(p['name'] == body['name'] and p['id'] != but for p in self.replication_policies.values()):
            raise HttpError(409, 'policy %s already exists' % body['name'])
        return ids, trigger

    def _store_policy(self, policy_id, body, ids, trigger, created):
        now = _now()
        speed = body.get('speed') or 0
        self.replication_policies[policy_id] = {
            'id': policy_id, 'name': body['name'], 'description': body.get('description') or '',
            'src_registry_id': ids[0], 'dest_registry_id': ids[1], 'dest_namespace': body.get('dest_namespace') or '',
            'dest_namespace_replace_count': body['dest_namespace_replace_count']
            if body.get('dest_namespace_replace_count') is not None else -1,
            'trigger': None if trigger is None else {
                'type': trigger['type'],
                'trigger_settings': {'cron': (trigger.get('trigger_settings') or {}).get('cron') or ''}},
            'filters': copy.deepcopy(body.get('filters') or []),
            # Harbor binds only `deletion` (ReplicateDeletion: params.Policy.Deletion); replicate_deletion is ignored
            'replicate_deletion': bool(body.get('deletion')),
            'override': bool(body.get('override')), 'enabled': bool(body.get('enabled')),
            'speed': max(speed, 0), 'copy_by_chunk': bool(body.get('copy_by_chunk')),
            'single_active_replication': bool(body.get('single_active_replication')),
            'creation_time': created or now, 'update_time': now}

    @route('GET', '/replication/policies')
    def list_policies(self, call):
        self._require_admin(call)
        items = list(self.replication_policies.values())
        name = call.arg('name')
        if name:
            items = [p for p in items if name in p['name']]
        for key, op_value in self._parse_q(call).items():
            if key == 'name':
                items = [p for p in items if self._q_match(p['name'], op_value)]
        out = self._sort(call, [self._policy_out(p) for p in items], 'id')
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('POST', '/replication/policies')
    def create_policy(self, call):
        self._require_admin(call)
        body = call.body or {}
        ids, trigger = self._validate_policy(body)
        policy_id = self._next('replication_policy')
        self._store_policy(policy_id, body, ids, trigger, None)
        return 201, None, self._location('/replication/policies/%d' % policy_id)

    def _policy(self, call):
        self._require_admin(call)
        policy = self.replication_policies.get(int(call.params['id']))
        if policy is None:
            raise HttpError(404, 'policy %s not found' % call.params['id'])
        return policy

    @route('GET', '/replication/policies/{id}')
    def get_policy(self, call):
        return 200, self._policy_out(self._policy(call))

    @route('PUT', '/replication/policies/{id}')
    def update_policy(self, call):
        policy = self._policy(call)
        body = call.body or {}
        ids, trigger = self._validate_policy(body, but=policy['id'])
        self._store_policy(policy['id'], body, ids, trigger, policy['creation_time'])
        return 200, None

    @route('DELETE', '/replication/policies/{id}')
    def delete_policy(self, call):
        policy = self._policy(call)
        del self.replication_policies[policy['id']]
        return 200, None

    # --- webhook policies ---------------------------------------------------------------------------------
    def _validate_webhook(self, project, body, but=None):
        """Harbor's notification_policy.go: event types first, then targets; returns normalised targets."""
        name = body.get('name') or ''
        events = body.get('event_types') or []
        if not events:
            raise _bad('empty event type')
        for event in events:
            if event not in EVENT_TYPES:
                raise _bad('unsupported event type %s' % event)
        targets = copy.deepcopy(body.get('targets') or [])
        if not targets:
            raise _bad('empty notification target with policy %s' % name)
        for target in targets:
            # common/utils ParseEndpoint: an address without a scheme is read as http://...; another scheme is 400
            address = (target.get('address') or '').strip(' ').rstrip('/')
            if not address:
                raise _bad('empty URL')
            scheme = address.split('://', 1)[0] if '://' in address else 'http'
            if scheme not in ('http', 'https'):
                raise _bad('invalid scheme: %s' % scheme)
            # Harbor's "Prevent SSRF" line (target.Address = scheme://host/path) assigns to the loop's copy of
            # the target (Targets is []EventTarget, ranged by value): the address is stored as sent.
            if target.get('type') not in NOTIFY_TYPES:
                raise _bad('unsupported target type %s with policy %s' % (target.get('type'), name))
            payload_format = target.get('payload_format') or ''
            if payload_format and target['type'] == 'slack':
                raise _bad('set payload format is not allowed for slack')
            if payload_format and payload_format not in PAYLOAD_FORMATS:
                raise _bad('unsupported payload format type: %s' % payload_format)
            if target['type'] == 'http':
                target['payload_format'] = payload_format or 'Default'
            else:
                target.pop('payload_format', None)  # stored empty, and omitted (json omitempty)
        if any(w['name'] == name and w['project_id'] == project['project_id'] and w['id'] != but
               for w in self.webhooks.values()):
            raise HttpError(409, 'notification policy %s already exists' % name)
        return targets

    def _webhook(self, call, manage=False):
        project = self._find_project(call, manage=manage)
        webhook = self.webhooks.get(int(call.params['webhook_policy_id']))
        if webhook is None or webhook['project_id'] != project['project_id']:
            raise HttpError(404, 'webhook policy %s not found' % call.params['webhook_policy_id'])
        return project, webhook

    @route('GET', '/projects/{project_name_or_id}/webhook/policies')
    def list_webhooks(self, call):
        project = self._find_project(call, manage=True)
        items = [copy.deepcopy(w) for w in self.webhooks.values() if w['project_id'] == project['project_id']]
        for key, op_value in self._parse_q(call).items():
            if key == 'name':
                items = [w for w in items if self._q_match(w['name'], op_value)]
        page, headers = self._paginate(call, self._sort(call, items, 'id'))
        return 200, page, headers

    @route('POST', '/projects/{project_name_or_id}/webhook/policies')
    def create_webhook(self, call):
        project = self._find_project(call, manage=True)
        body = call.body or {}
        targets = self._validate_webhook(project, body)
        now = _now()
        webhook_id = self._next('webhook')
        self.webhooks[webhook_id] = {
            'id': webhook_id, 'name': body.get('name') or '', 'description': body.get('description') or '',
            'project_id': project['project_id'], 'targets': targets,
            'event_types': list(body['event_types']), 'creator': call.user['username'],
            'creation_time': now, 'update_time': now, 'enabled': bool(body.get('enabled'))}
        return 201, None, self._location('/projects/%d/webhook/policies/%d' % (project['project_id'], webhook_id))

    @route('GET', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
    def get_webhook(self, call):
        return 200, copy.deepcopy(self._webhook(call, manage=True)[1])

    @route('PUT', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
    def update_webhook(self, call):
        project, webhook = self._webhook(call, manage=True)
        body = call.body or {}
        targets = self._validate_webhook(project, body, but=webhook['id'])
        webhook.update({'name': body.get('name') or '', 'description': body.get('description') or '',
                        'targets': targets, 'event_types': list(body['event_types']),
                        'enabled': bool(body.get('enabled')), 'update_time': _now()})
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
    def delete_webhook(self, call):
        sep, webhook = self._webhook(call, manage=True)
        del self.webhooks[webhook['id']]
        return 200, None

    @route('GET', '/projects/{project_name_or_id}/webhook/events')
    def webhook_events(self, call):
        self._find_project(call, manage=True)
        return 200, {'event_type': list(EVENT_TYPES), 'notify_type': list(NOTIFY_TYPES),
                     'payload_formats': [{'notify_type': 'http', 'formats': list(PAYLOAD_FORMATS)}]}

    # --- retention policies -------------------------------------------------------------------------------
    # Harbor's retention.go: at most 15 rules, identical rules are 409, the project must exist (400), a
    # project with metadata retention_id already set is 400, PUT needs the project's retention_id to be this
    # policy (else 404), DELETE of an unknown policy is 400, and DELETE clears the project's retention_id
    # metadata (v2.15: DeleteRetention calls proMetaMgr.Delete(ref, "retention_id"), PR #22174; before, the
    # metadata stayed and blocked a new policy). The emulator also checks templates, selectors and cron,
    # which Harbor only rejects when the job runs.
    # Spec quirk: the spec declares rule `params` as a map of objects; Harbor's code reads scalars
    # (rule.Parameters is map[string]any; latestps.Valid/New read params["latestPushedK"] as a JSON int), so
    # {"latestPushedK": 10} is what Harbor takes: prepare_spec relaxes the map, the emulator follows the server.
    @route('GET', '/retentions/metadatas')
    def retention_metadata(self, call):
        return 200, copy.deepcopy(RETENTION_METADATA)

    def _validate_retention(self, call, body):
        rules = body.get('rules') or []
        if len(rules) > 15:
            raise _bad('bad request')  # BadRequestError(fmt.Errorf("only 15 rules are allowed at most"))
        seen = {}
        for index, rule in enumerate(rules):
            key = json.dumps({k: v for k, v in rule.items() if k != 'id'}, sort_keys=True)
            if key in seen:
                raise HttpError(409, 'resource conflict')  # ConflictError("rule %d is conflict with rule %d")
            seen[key] = index
        scope = body.get('scope') or {}
        if scope.get('level') != 'project':
            raise _bad('bad request')  # "scope %s is not support"
        project = self.projects.get(scope.get('ref'))
        if project is None:
            raise _bad('bad request')  # "invalid Project id %d"
        self._check_project_access(call, project, manage=True)
        if body.get('algorithm') not in ('or',):
            raise _bad('invalid algorithm %r: only "or" is supported' % body.get('algorithm'))
        for rule in rules:
            if rule.get('action') != 'retain':
                raise _bad('invalid rule action %r: only retain is supported' % rule.get('action'))
            template = rule.get('template')
            if template not in RETENTION_TEMPLATES:
                raise _bad('invalid rule template %r' % template)
            for param in RETENTION_TEMPLATES[template]:
                if not isinstance((rule.get('params') or {}).get(param), int):
                    raise _bad('rule template %s needs the integer parameter %s' % (template, param))
            if not rule.get('tag_selectors'):
                raise _bad('every rule needs tag_selectors')
            if not (rule.get('scope_selectors') or {}).get('repository'):
                raise _bad('every rule needs scope_selectors.repository')
            for selector in rule['tag_selectors']:
                if selector.get('decoration') not in ('matches', 'excludes'):
                    raise _bad('invalid tag selector decoration %r' % selector.get('decoration'))
            for selector in rule['scope_selectors']['repository']:
                if selector.get('decoration') not in ('repoMatches', 'repoExcludes'):
                    raise _bad('invalid repository selector decoration %r' % selector.get('decoration'))
        trigger = body.get('trigger') or {}
        if trigger.get('kind') not in ('Schedule', '', None):
            raise _bad('not support Trigger %s' % trigger.get('kind'))
        cron = (trigger.get('settings') or {}).get('cron') or ''
        if cron and not valid_cron(cron):
            raise _bad('invalid cron %r' % cron)
        return project

    @staticmethod
    def _retention_record(retention_id, body):
        trigger = body.get('trigger') or {}
        return {'id': retention_id, 'algorithm': body['algorithm'], 'rules': copy.deepcopy(body.get('rules') or []),
                'trigger': {'kind': trigger.get('kind') or 'Schedule',
                            'settings': {'cron': (trigger.get('settings') or {}).get('cron', '')}, 'references': {}},
                'scope': {'level': 'project', 'ref': body['scope']['ref']}}

    @route('POST', '/retentions')
    def create_retention(self, call):
        body = call.body or {}
        project = self._validate_retention(call, body)
        if project['metadata'].get('retention_id'):
            raise _bad('bad request')  # "project %v already has retention policy %v"
        retention_id = self._next('retention')
        self.retentions[retention_id] = self._retention_record(retention_id, body)
        project['metadata']['retention_id'] = str(retention_id)
        return 201, None, self._location('/retentions/%d' % retention_id)

    def _retention(self, call, manage=False, missing=500):
        retention = self.retentions.get(int(call.params['id']))
        if retention is None:
            # The manager's GetPolicy answers a plain fmt.Errorf("no such Retention policy with id %v") (no
            # code): GET sends it as a 500 "internal server error" (lib/http SendError hides what is >= 500);
            # DELETE wraps it in BadRequestError, whose cause the client sees (lib/errors TestErrors).
            if missing == 400:
                raise _bad('bad request: no such Retention policy with id %s' % call.params['id'])
            raise HttpError(500, 'internal server error')
        project = self.projects.get(retention['scope']['ref'])
        if project is not None:
            self._check_project_access(call, project, manage=manage)
        return retention

    @route('GET', '/retentions/{id}')
    def get_retention(self, call):
        return 200, copy.deepcopy(self._retention(call))

    @route('PUT', '/retentions/{id}')
    def update_retention(self, call):
        body = call.body or {}
        project = self._validate_retention(call, body)
        retention_id = int(call.params['id'])
        if project['metadata'].get('retention_id') != str(retention_id) or retention_id not in self.retentions:
            raise HttpError(404, 'resource not found')  # NotFoundError("the retention policy id %d does not match")
        self.retentions[retention_id] = self._retention_record(retention_id, body)
        return 200, None

    @route('DELETE', '/retentions/{id}')
    def delete_retention(self, call):
        retention = self._retention(call, manage=True, missing=400)
        del self.retentions[retention['id']]
        project = self.projects.get(retention['scope']['ref'])
        if project is not None:  # proMetaMgr.Delete(p.Scope.Reference, "retention_id"), whatever id it held
            project['metadata'].pop('retention_id', None)
        return 200, None

    # --- immutable tag rules ------------------------------------------------------------------------------
    # Harbor's immutable.go and pkg/immutable/dao: the rule body is stored as one "tag filter"; a second
    # identical one in the project is 409 "immutable rule already exists"; POST always stores disabled=false;
    # PUT needs the body id to be the path id (400), and when `disabled` differs from the stored value it
    # ONLY toggles it (the selectors of that request are ignored), otherwise it replaces the tag filter.
    _IMMUTABLE_FILTER = ('priority', 'action', 'template', 'params', 'tag_selectors', 'scope_selectors')

    def _immutable_filter(self, body):
        return {k: copy.deepcopy(body.get(k)) for k in self._IMMUTABLE_FILTER}

    def _check_immutable_duplicate(self, project, rule_filter, but=None):
        key = json.dumps(rule_filter, sort_keys=True)
        for rule in self.immutable_rules.values():
            if rule['project_id'] == project['project_id'] and rule['id'] != but and \
                    json.dumps(self._immutable_filter(rule), sort_keys=True) == key:
                raise HttpError(409, 'immutable rule already exists')

    @staticmethod
    def _immutable_out(rule):
        return {k: copy.deepcopy(v) for k, v in rule.items() if k != 'project_id' and v is not None}

    def _immutable(self, call):
        project = self._find_project(call, manage=True)
        rule = self.immutable_rules.get(int(call.params['immutable_rule_id']))
        if rule is None:
            raise HttpError(404, 'immutable rule %s not found' % call.params['immutable_rule_id'])
        if rule['project_id'] != project['project_id']:
            raise HttpError(404, 'resource not found')  # NotFoundError("project id %d does not match")
        return project, rule

    @route('GET', '/projects/{project_name_or_id}/immutabletagrules')
    def list_immutable(self, call):
        project = self._find_project(call, manage=True)
        items = [self._immutable_out(r) for r in self.immutable_rules.values() if r['project_id'] == project['project_id']]
        page, headers = self._paginate(call, self._sort(call, items, 'id'))
        return 200, page, headers

    @route('POST', '/projects/{project_name_or_id}/immutabletagrules')
    def create_immutable(self, call):
        project = self._find_project(call, manage=True)
        rule_filter = self._immutable_filter(call.body or {})
        self._check_immutable_duplicate(project, rule_filter)
        rule_id = self._next('immutable_rule')
        self.immutable_rules[rule_id] = dict(rule_filter, id=rule_id, project_id=project['project_id'],
                                             disabled=False)
        return 201, None, self._location('/projects/%s/immutabletagrules/%d' % (call.params['project_name_or_id'],
                                                                                rule_id))

    @route('PUT', '/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}')
    def update_immutable(self, call):
        body = call.body or {}
        if body.get('id') != int(call.params['immutable_rule_id']):
            raise _bad('bad request')  # "the immutable_rule_id doesn't match the id in the payload body"
        project, rule = self._immutable(call)
        if bool(body.get('disabled')) != rule['disabled']:
            rule['disabled'] = bool(body.get('disabled'))
            return 200, None
        rule_filter = self._immutable_filter(body)
        self._check_immutable_duplicate(project, rule_filter, but=rule['id'])
        rule.update(rule_filter)
        return 200, None

    @route('DELETE', '/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}')
    def delete_immutable(self, call):
        sep, rule = self._immutable(call)
        del self.immutable_rules[rule['id']]
        return 200, None

    # --- configurations -----------------------------------------------------------------------------------
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
        for key, value in body.items():
            if key in CONFIG_CHOICES and value not in CONFIG_CHOICES[key]:
                raise _bad('invalid value %r for %s: use one of %s' % (value, key, ', '.join(CONFIG_CHOICES[key])))
            if key in ('robot_token_duration', 'token_expiration', 'session_timeout') and value <= 0:
                raise _bad('%s must be greater than 0' % key)
            if key == 'storage_per_project' and value != -1 and value <= 0:
                raise _bad('storage_per_project must be -1 or greater than 0')
        if 'auth_mode' in body and body['auth_mode'] != self.config['auth_mode'] and not self._auth_mode_editable():
            raise _bad('the auth mode cannot be modified as new users have been inserted into database')
        self.config.update(body)
        return 200, None

    # --- system schedules ---------------------------------------------------------------------------------
    # Harbor's gc.go / purge.go: POST and PUT do the same ("kick"): Manual runs the job now, None deletes the
    # schedule, Hourly/Daily/Weekly/Custom replace it with the cron given in the body (no cron is derived
    # from the type), any other type of the spec's enum is accepted and does nothing. scan_all.go differs:
    # POST of a schedule when one exists is 412, PUT Manual is 400, POST None does nothing.
    _SCHEDULE_TYPES = ('Hourly', 'Daily', 'Weekly', 'Custom')

    def _cron_of(self, schedule, what):
        cron = (schedule or {}).get('cron') or ''
        if not valid_cron(cron):
            raise _bad('invalid cron string for scheduled %s: %s' % (what, cron))
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
        # BadRequestError(fmt.Errorf(...)) hides these reasons: the body says "bad request"
        if not schedule or not parameters:
            raise _bad('bad request')  # "schedule cann't be empty" / "schedule parameter cann't be empty"
        for key in ('audit_retention_hour', 'include_event_types'):
            if key not in parameters:
                raise _bad('bad request')  # "<key> should provide"
        kind = schedule.get('type')
        if kind == 'Manual':
            return self._run_job('PURGE_AUDIT_LOG', parameters)
        if kind == 'None':
            self.schedules['purge_audit'] = None
        elif kind in self._SCHEDULE_TYPES:
            if not schedule.get('cron'):
                raise _bad('empty cron string for schedule')
            self._store_schedule('purge_audit', 'PURGE_AUDIT_LOG', schedule, self._cron_of(schedule, 'purge audit'),
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

