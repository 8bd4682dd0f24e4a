# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Nexus operations endpoints of the emulator (test support, not shipped): routing rules, cleanup policies,
scheduled tasks and the outbound HTTP settings. A mixin of tests/emulators/nexus.py's NexusEmulator (routes
are collected over the MRO); every request and response is validated against Nexus 3.94's API description
like the rest of the emulator. Behaviour read from Nexus's sources (sonatype/nexus-public):

- routing rules (RoutingRulesApiResource, OrientRoutingRuleStore.validate): POST 204, PUT 204 (the name in
  the body renames), DELETE 204; GET of a missing rule 404 with the JSON string "Did not find a routing
  rule with the name '<name>'"; validation errors 400 [{id, message}]: name blank / not the name pattern /
  "None", description null, mode null, matchers empty ("At least one rule must be specified"), a blank
  matcher, a matcher that is not a regular expression ("Invalid regex: ..."), a duplicate name ("A rule
  with the same name already exists. Name must be unique."); DELETE of a rule a repository uses 400
  "Routing rule is still in use by N repositories.". The spec declares no 200 for the GETs: allowed
  explicitly, bodies checked against RoutingRuleXO.
- cleanup policies: Community serves them under /internal/cleanup-policies (CleanupPolicyResource, "@since
  3.29", INTERNAL_API_PREFIX; /v1/cleanup-policies is Pro-only and answers 404 on Community). POST 200 with
  the policy (inUseCount 0); an unknown format 400 ("specified format X is not valid."; formats are the
  repository formats plus "*"); a non-empty `repositories` 400 ("The 'repositories' field is not supported
  for format ..."); at least one criterion (the spec's description); a duplicate name 409 (spec). PUT 200
  with the policy; changing the format of a policy in use 400 ("You cannot change the format of a policy
  that is in use."). GET/PUT/DELETE of a missing policy 404. Which criteria a format accepts follows
  datadrivers/go-nexus-client's CleanupPolicy notes: release type only for maven2, npm and yum; asset
  regex not for gitlfs or "*"; retain only for docker and maven2.
- tasks: a fresh Nexus has the built-in "Cleanup service" (repository.cleanup). GET /v1/tasks is a page {items}; POST /v1/tasks 201 with the task (a generated
  id); PUT /v1/tasks/{taskId} merges the body onto the task ("PUT is a merge (the backend overlays the
  payload onto the existing config)", nexus-public's Tasks UI, useTasksApi.ts); POST .../run 204, 405 when
  the task is disabled, 404 when missing (TasksResource). A type must be one of /v1/tasks/templates; the
  schedule follows FrequencyXO: manual, once, hourly, daily, weekly (recurringDays 1-7), monthly
  (recurringDays 1-31 or 999), cron (cronExpression); every schedule but manual and cron needs startDate.
- HTTP settings (/v1/http): in the 3.94 description, but Nexus Pro only: Community's HTTP page still goes
  through the internal ExtDirect action coreui_HttpSettings (HttpSettingsComponent), and the datadrivers
  terraform provider documents nexus_http_client as a PRO feature. The emulator answers 404 unless
  ``edition`` is PRO. PUT 204 (HttpSettingsXO's limits: timeout 1-3600, retries 0-10), DELETE 204 resets;
  a proxy password is returned as Nexus's password placeholder and sending the placeholder back keeps it
  (HttpSettingsComponent's placeholder handling).

State helpers for tests: ``routing_rules``, ``cleanup_store``, ``tasks`` (id -> task), ``task_runs`` (ids
run), ``http_settings``, ``http_secret(kind)``.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import uuid

from tests.emulators.framework import HttpError, route

PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'
NAME_RE = re.compile(r'^[a-zA-Z0-9\-][a-zA-Z0-9_\-.]*$')
# the formats a cleanup policy may name: Nexus's repository formats, plus "*" (all formats)
CLEANUP_FORMATS = ('*', 'apt', 'bower', 'cocoapods', 'conan', 'conda', 'docker', 'gitlfs', 'go', 'helm',
                   'huggingface', 'maven2', 'npm', 'nuget', 'p2', 'pypi', 'r', 'raw', 'rubygems', 'yum')
RELEASE_TYPE_FORMATS = ('maven2', 'npm', 'yum')
RETAIN_FORMATS = ('docker', 'maven2')
# task type -> (name of the template, required properties). Creatable types (Sonatype's own terraform provider,
# sonatype-nexus-community/terraform-provider-sonatyperepo tasktype.go, creates these through POST /v1/tasks);
# names and required fields from nexus-public's TaskDescriptors (CompactBlobStoreTaskDescriptor: blobstoreName,
# PurgeUnusedTaskDescriptor, RebuildIndexTaskDescriptor and RebuildMaven2MetadataTaskDescriptor: repositoryName,
# PurgeApiKeysTaskDescriptor). repository.cleanup is NOT_EXPOSED (CleanupTaskDescriptor): Nexus ships one such
# task, "Cleanup service", and offers no template to create another.
TASK_TEMPLATES = {
    'blobstore.compact': ('Admin - Compact blob store', ('blobstoreName',)),
    'repository.docker.gc': ('Docker - Delete unused manifests and images', ('repositoryName',)),
    'repository.docker.upload-purge': ('Docker - Delete incomplete uploads', ()),
    'repository.maven.rebuild-metadata': ('Repair - Rebuild Maven repository metadata (maven-metadata.xml)',
                                          ('repositoryName',)),
    'repository.rebuild-index': ('Repair - Rebuild repository search', ('repositoryName',)),
    'repository.purge-unused': ('Repository - Delete unused components', ('repositoryName',)),
    'security.purge-api-keys': ('Admin - Delete orphaned API keys', ()),
}
# the task a fresh Nexus 3.94 already has (observed on a live 3.94.1: enabled, cron "0 0 1 * * ?")
BUILT_IN_TASKS = [{'name': 'Cleanup service', 'type': 'repository.cleanup', 'enabled': True, 'alertEmail': None,
                   'notificationCondition': 'FAILURE', 'properties': {},
                   'frequency': {'schedule': 'cron', 'cronExpression': '0 0 1 * * ?'}}]
SCHEDULES = ('manual', 'once', 'hourly', 'daily', 'weekly', 'monthly', 'cron')
DEFAULT_HTTP = {'userAgent': None, 'timeout': 20, 'retries': 2, 'httpProxy': None, 'httpsProxy': None,
                'nonProxyHosts': []}


def _bad(message, field='*'):
    return HttpError(400, message, code=field)


def _string(status, message):
    return status, json.dumps(message).encode('utf-8'), {'Content-Type': 'application/json'}


class NexusOpsMixin:
    """Routing rules, cleanup policies, tasks and HTTP settings (see the module docstring)."""

    def reset_state(self):
        super().reset_state()
        self.routing_rules = {}
        # the pre-seeded cleanup policy names of NexusEmulator.reset_state, as full policies
        self.cleanup_store = dict((name, {'name': name, 'format': '*', 'notes': '', 'criteriaLastDownloaded': 90})
                                  for name in sorted(self.cleanup_policies))
        self.tasks = {}
        for task in BUILT_IN_TASKS:
            task = dict(copy.deepcopy(task), id=str(uuid.uuid4()))
            self.tasks[task['id']] = task
        self.task_runs = []
        self.http_settings = copy.deepcopy(DEFAULT_HTTP)
        self.http_secrets = {}

    def http_secret(self, kind):
        return self.http_secrets.get(kind)

    # --- routing rules ----------------------------------------------------------------------------------
    def _check_rule(self, body, own=None):
        name = body.get('name')
        if not name or not name.strip():
            raise _bad('A non-empty value must be specified', 'name')
        if not NAME_RE.match(name):
            raise _bad('Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not '
                       'start with underscore or dot.', 'name')
        if name.lower() == 'none':
            raise _bad('Rule must not be named None', 'name')
        if body.get('description') is None:
            raise _bad('A non-null value must be specified', 'description')
        if body.get('mode') is None:
            raise _bad('A non-empty value must be specified', 'mode')
        matchers = body.get('matchers') or []
        if not matchers:
            raise _bad('At least one rule must be specified', 'matchers')
        for index, regex in enumerate(matchers):
            if not regex or not regex.strip():
                raise _bad('Empty matchers are not allowed', 'matchers[%d]' % index)
            try:
                re.compile(regex)
            except re.error as exc:
                raise _bad('Invalid regex: %s' % exc, 'matchers[%d]' % index)
        if name in self.routing_rules and name != own:
            raise _bad('A rule with the same name already exists. Name must be unique.', 'name')

    def _rule_users(self, name):
        return [r['config']['name'] for r in self.repos.values() if r['config'].get('routingRuleName') == name]

    @route('GET', '/v1/routing-rules', extra_statuses=(200,))
    def list_routing_rules(self, call):
        self._require_admin(call)
        body = [copy.deepcopy(r) for r in self.routing_rules.values()]
        for rule in body:
            self._check_schema(rule, 'RoutingRuleXO', 'GET /v1/routing-rules')
        return 200, body

    @route('POST', '/v1/routing-rules')
    def create_routing_rule(self, call):
        self._require_admin(call)
        self._check_rule(call.body)
        self.routing_rules[call.body['name']] = dict((k, copy.deepcopy(call.body.get(k)))
                                                     for k in ('name', 'description', 'mode', 'matchers'))
        return 204, None

    @route('GET', '/v1/routing-rules/{name}', extra_statuses=(200,))
    def get_routing_rule(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.routing_rules:  # WebApplicationMessageException with a JSON string
            return _string(404, "Did not find a routing rule with the name '%s'" % name)
        body = copy.deepcopy(self.routing_rules[name])
        self._check_schema(body, 'RoutingRuleXO', 'GET %s' % call.path)
        return 200, body

    @route('PUT', '/v1/routing-rules/{name}')
    def update_routing_rule(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.routing_rules:
            return _string(404, "Did not find a routing rule with the name '%s'" % name)
        self._check_rule(call.body, own=name)
        del self.routing_rules[name]
        self.routing_rules[call.body['name']] = dict((k, copy.deepcopy(call.body.get(k)))
                                                     for k in ('name', 'description', 'mode', 'matchers'))
        return 204, None

    @route('DELETE', '/v1/routing-rules/{name}', extra_statuses=(400,))
    def delete_routing_rule(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.routing_rules:
            return _string(404, "Did not find a routing rule with the name '%s'" % name)
        users = self._rule_users(name)
        if users:
            return _string(400, 'Routing rule is still in use by %d repositories.' % len(users))
        del self.routing_rules[name]
        return 204, None

    # --- cleanup policies (internal API) ----------------------------------------------------------------
    def _policy_xo(self, policy):
        xo = copy.deepcopy(policy)
        users = [r['config']['name'] for r in self.repos.values()
                 if policy['name'] in ((r['config'].get('cleanup') or {}).get('policyNames') or [])]
        xo['inUseCount'] = len(users)
        xo['repositories'] = sorted(users)
        return xo

    def _check_policy(self, body):
        name, fmt = body['name'], body['format']
        if not NAME_RE.match(name):
            raise _bad('Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not '
                       'start with underscore or dot.', 'name')
        if fmt not in CLEANUP_FORMATS:
            raise _bad('specified format %s is not valid.' % fmt, 'format')
        if body.get('repositories'):
            raise _bad("The 'repositories' field is not supported for format '%s'." % fmt, 'repositories')
        if all(body.get(k) is None for k in ('criteriaLastBlobUpdated', 'criteriaLastDownloaded',
                                             'criteriaAssetRegex')):
            raise _bad('At least one criteria must be specified', 'criteria')
        if body.get('criteriaReleaseType') is not None and fmt not in RELEASE_TYPE_FORMATS:
            raise _bad('criteriaReleaseType is not supported for format %s' % fmt, 'criteriaReleaseType')
        if body.get('criteriaAssetRegex') is not None and fmt in ('*', 'gitlfs'):
            raise _bad('criteriaAssetRegex is not supported for format %s' % fmt, 'criteriaAssetRegex')
        if body.get('retain') is not None and fmt not in RETAIN_FORMATS:
            raise _bad('retain is not supported for format %s' % fmt, 'retain')

    @staticmethod
    def _policy_from(body):
        keys = ('name', 'format', 'notes', 'criteriaLastBlobUpdated', 'criteriaLastDownloaded',
                'criteriaReleaseType', 'criteriaAssetRegex', 'retain', 'sortBy')
        return dict((k, body[k]) for k in keys if body.get(k) is not None)

    @route('GET', '/internal/cleanup-policies')
    def list_cleanup_policies(self, call):
        self._require_admin(call)
        fmt = call.arg('format')
        return 200, [self._policy_xo(p) for _, p in sorted(self.cleanup_store.items())
                     if not fmt or fmt == '*' or p['format'] == fmt]

    @route('POST', '/internal/cleanup-policies')
    def create_cleanup_policy(self, call):
        self._require_admin(call)
        self._check_policy(call.body)
        if call.body['name'] in self.cleanup_store:
            raise HttpError(409, 'A cleanup policy with the name %s already exists' % call.body['name'])
        self.cleanup_store[call.body['name']] = self._policy_from(call.body)
        self.cleanup_policies.add(call.body['name'])
        return 200, self._policy_xo(self.cleanup_store[call.body['name']])

    @route('GET', '/internal/cleanup-policies/{name}', extra_statuses=(404,))
    def get_cleanup_policy(self, call):
        self._require_admin(call)
        policy = self.cleanup_store.get(call.params['name'])
        if policy is None:
            raise HttpError(404, 'Cleanup policy %s not found.' % call.params['name'])
        return 200, self._policy_xo(policy)

    @route('PUT', '/internal/cleanup-policies/{name}', extra_statuses=(400, 404))
    def update_cleanup_policy(self, call):
        self._require_admin(call)
        name = call.params['name']
        policy = self.cleanup_store.get(name)
        if policy is None:
            raise HttpError(404, 'Cleanup policy %s not found.' % call.body.get('name'))
        self._check_policy(dict(call.body, name=name))
        fmt = call.body['format']
        if fmt != '*' and fmt != policy['format'] and self._policy_xo(policy)['inUseCount'] > 0:
            raise _bad('You cannot change the format of a policy that is in use.', 'format')
        # edit() sets notes, format and criteria; the name stays
        self.cleanup_store[name] = self._policy_from(dict(call.body, name=name))
        return 200, self._policy_xo(self.cleanup_store[name])

    @route('DELETE', '/internal/cleanup-policies/{name}', extra_statuses=(204, 404))
    def delete_cleanup_policy(self, call):
        self._require_admin(call)
        name = call.params['name']
        if name not in self.cleanup_store:
            raise HttpError(404, 'Cleanup policy %s not found.' % name)
        del self.cleanup_store[name]
        self.cleanup_policies.discard(name)
        return 204, None

    # --- tasks ------------------------------------------------------------------------------------------
    @staticmethod
    def _check_frequency(freq):
        schedule = freq.get('schedule')
        if schedule not in SCHEDULES:
            raise _bad('Invalid schedule type: %s' % schedule, 'frequency.schedule')
        if schedule not in ('manual', 'cron') and freq.get('startDate') is None:
            raise _bad('startDate is required for the %s schedule' % schedule, 'frequency.startDate')
        days = freq.get('recurringDays') or []
        if schedule in ('weekly', 'monthly') and not days:
            raise _bad('recurringDays is required for the %s schedule' % schedule, 'frequency.recurringDays')
        allowed = range(1, 8) if schedule == 'weekly' else list(range(1, 32)) + [999]
        if schedule in ('weekly', 'monthly') and any(day not in allowed for day in days):
            raise _bad('Invalid recurringDays for the %s schedule: %s' % (schedule, days),
                       'frequency.recurringDays')
        if schedule == 'cron' and not freq.get('cronExpression'):
            raise _bad('cronExpression is required for the cron schedule', 'frequency.cronExpression')

    def _task(self, task_id):
        task = self.tasks.get(task_id)
        if task is None:
            raise HttpError(404, 'Unable to locate task with id %s' % task_id)
        return task

    @staticmethod
    def _task_xo(task):
        freq = task['frequency']
        start = freq.get('startDate')
        xo = {'id': task['id'], 'name': task['name'], 'type': task['type'], 'message': task['name'],
              'currentState': 'WAITING', 'enabled': task['enabled'],
              'notificationCondition': task['notificationCondition'], 'properties': dict(task['properties']),
              'schedule': freq['schedule']}
        if task.get('alertEmail'):
            xo['alertEmail'] = task['alertEmail']
        if start is not None:
            xo['startDate'] = datetime.datetime.fromtimestamp(start / 1000.0, datetime.timezone.utc).isoformat()
        for key in ('recurringDays', 'cronExpression', 'timeZoneOffset'):
            if freq.get(key) is not None:
                xo[key] = copy.deepcopy(freq[key])
        return xo

    @route('GET', '/v1/tasks/templates')
    def task_templates(self, call):
        self._require_admin(call)
        return 200, [{'type': kind, 'name': name, 'enabled': True, 'notificationCondition': 'FAILURE',
                      'frequency': {'schedule': 'manual'}, 'properties': dict((p, '') for p in required)}
                     for kind, (name, required) in sorted(TASK_TEMPLATES.items())]

    @route('GET', '/v1/tasks')
    def list_tasks(self, call):
        self._require_admin(call)
        kind = call.arg('type')
        items = [self._task_xo(t) for t in self.tasks.values() if not kind or t['type'] == kind]
        return 200, {'items': items}  # no continuationToken: a single page (the spec's token is not nullable)

    @route('POST', '/v1/tasks', extra_statuses=(400,))
    def create_task(self, call):
        self._require_admin(call)
        body = call.body
        if body['type'] not in TASK_TEMPLATES:
            raise _bad('Unknown task type: %s' % body['type'], 'type')
        self._check_frequency(body['frequency'])
        properties = dict(body.get('properties') or {})
        for required in TASK_TEMPLATES[body['type']][1]:
            if not properties.get(required):
                raise _bad('%s is required for a %s task' % (required, body['type']), 'properties.' + required)
        task = {'id': str(uuid.uuid4()), 'name': body['name'], 'type': body['type'], 'enabled': body['enabled'],
                'alertEmail': body.get('alertEmail'), 'notificationCondition': body['notificationCondition'],
                'frequency': copy.deepcopy(body['frequency']), 'properties': properties}
        self.tasks[task['id']] = task
        return 201, self._task_xo(task)

    @route('GET', '/v1/tasks/{id}', extra_statuses=(200,))
    def get_task(self, call):
        self._require_admin(call)
        xo = self._task_xo(self._task(call.params['id']))
        self._check_schema(xo, 'TaskXO', 'GET %s' % call.path)
        return 200, xo

    @route('PUT', '/v1/tasks/{taskId}', extra_statuses=(204, 400, 404))
    def update_task(self, call):
        self._require_admin(call)
        task = self._task(call.params['taskId'])
        body = call.body
        if 'type' in body:
            raise _bad('The type of a task cannot be changed', 'type')
        self._check_frequency(body['frequency'])
        properties = dict(task['properties'], **(body.get('properties') or {}))  # a merge
        task.update(name=body['name'], enabled=body['enabled'], alertEmail=body.get('alertEmail'),
                    notificationCondition=body['notificationCondition'],
                    frequency=copy.deepcopy(body['frequency']), properties=properties)
        return 204, None

    @route('DELETE', '/v1/tasks/{id}', extra_statuses=(204, 404))
    def delete_task(self, call):
        self._require_admin(call)
        self._task(call.params['id'])
        del self.tasks[call.params['id']]
        return 204, None

    @route('POST', '/v1/tasks/{id}/run')
    def run_task(self, call):
        self._require_admin(call)
        task = self._task(call.params['id'])
        if not task['enabled']:
            raise HttpError(405, 'Task is disabled')
        self.task_runs.append(task['id'])
        return 204, None

    # --- outbound HTTP settings (Pro) -------------------------------------------------------------------
    def _require_pro(self):
        if self.edition != 'PRO':
            raise HttpError(404, 'Not Found')

    @route('GET', '/v1/http', extra_statuses=(404,))
    def get_http(self, call):
        self._require_admin(call)
        self._require_pro()
        body = copy.deepcopy(self.http_settings)
        for kind in ('httpProxy', 'httpsProxy'):
            auth = (body.get(kind) or {}).get('authInfo')
            if auth is not None and self.http_secrets.get(kind):
                auth['password'] = PLACEHOLDER
        return 200, body

    @route('PUT', '/v1/http', extra_statuses=(400, 404))
    def put_http(self, call):
        self._require_admin(call)
        self._require_pro()
        body = copy.deepcopy(call.body)
        if not 1 <= body['timeout'] <= 3600:
            raise _bad('must be between 1 and 3600', 'timeout')
        if not 0 <= body['retries'] <= 10:
            raise _bad('must be between 0 and 10', 'retries')
        for kind in ('httpProxy', 'httpsProxy'):
            self._store_proxy(kind, body.get(kind))
        self.http_settings = body
        return 204, None

    def _store_proxy(self, kind, proxy):
        if not proxy:
            self.http_secrets.pop(kind, None)
            return
        port = proxy.get('port') or ''
        if proxy.get('enabled') and (not proxy.get('host') or not port.isdigit() or not 1 <= int(port) <= 65535):
            raise _bad('A host and a port between 1 and 65535 are required', kind)
        auth = proxy.get('authInfo')
        password = auth.pop('password', None) if auth else None
        if password == PLACEHOLDER:
            if not self.http_secrets.get(kind):
                raise _bad('password is required', kind + '.authInfo.password')
        elif password:
            self.http_secrets[kind] = password
        else:
            self.http_secrets.pop(kind, None)
        if auth is not None:
            auth['password'] = ''

    @route('DELETE', '/v1/http', extra_statuses=(404,))
    def reset_http(self, call):
        self._require_admin(call)
        self._require_pro()
        self.http_settings = copy.deepcopy(DEFAULT_HTTP)
        self.http_secrets = {}
        return 204, None
