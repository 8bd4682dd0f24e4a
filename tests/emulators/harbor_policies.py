# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor v2.15.2 registries, replication policies, webhook policies, retention policies and immutable tag
rules: a mixin of HarborEmulator (tests/emulators/harbor.py; its routes are collected over the MRO). Test
support, not shipped.

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
  PR #22174). Like Harbor, nothing else of the rules is checked (algorithm, action, template, params and
  selectors are read when the job runs); a Schedule trigger's cron must pass ValidateCronString.

Errors: each site cites the Harbor v2.15.2 source of its status, code and message; errors built as
BadRequestError/ConflictError/NotFoundError(cause) read "<generic>: <cause>" (harbor_common._bad_cause).
"""

from __future__ import annotations

import copy
import json
import re

from .framework import HttpError, route
from .harbor_common import (_bad, _bad_cause, _conflict_cause, _not_found_cause, _now, cron_error, cron_parse_error,
                            http_url)

REPOSITORY_NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*(/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$')
REGISTRY_TYPES = ('harbor', 'docker-hub', 'docker-registry', 'huawei-SWR', 'google-gcr', 'aws-ecr', 'azure-acr',
                  'ali-acr', 'jfrog-artifactory', 'quay', 'gitlab', 'dtr', 'tencent-tcr', 'github-ghcr',
                  'volcengine-cr')
EVENT_TYPES = ('DELETE_ARTIFACT', 'PULL_ARTIFACT', 'PUSH_ARTIFACT', 'QUOTA_EXCEED', 'QUOTA_WARNING',
               'REPLICATION', 'SCANNING_FAILED', 'SCANNING_STOPPED', 'SCANNING_COMPLETED', 'TAG_RETENTION')
# pkg/notification/notification.go initSupportedNotifyType: target types http and slack only; payload formats
# Default and CloudEvents, for http only (handler/webhook.go validateTargets and GetSupportedEventTypes).
NOTIFY_TYPES = ('http', 'slack')
PAYLOAD_FORMATS = ('Default', 'CloudEvents')
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


class HarborPoliciesMixin:
    """Registries, replication, webhooks, retention and immutable rules for HarborEmulator (see the module
    docstring)."""

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
    def _check_url(url):
        """controller/registry/controller.go validate: lib.ValidateHTTPURL's error as it is (harbor_common.http_url)."""
        url, error = http_url(url)
        if error:
            raise _bad(error)
        return url

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
        url = self._check_url(body.get('url'))
        if body.get('type') not in REGISTRY_TYPES:
            raise HttpError(500, 'internal server error')  # "adapter factory for %s not found" is a plain error
        if url in self.unhealthy_urls:
            raise _bad('the registry is unhealthy')
        # Harbor stores any credential type (pkg/reg/manager.go: an empty one becomes basic); no check here
        credential = body.get('credential') or None
        if self._registry_name_taken(body['name']):
            # pkg/reg/dao/dao.go Create: orm.AsConflictError(err, "registry %s already exists")
            raise HttpError(409, 'registry %s already exists' % body['name'])
        now = _now()
        registry_id = self._next('registry')
        self.registries[registry_id] = {
            'id': registry_id, 'name': body['name'], 'url': url, 'type': body['type'],
            'insecure': bool(body.get('insecure')), 'description': body.get('description') or '',
            'status': 'healthy', 'credential': dict(credential) if credential else None,
            'ca_certificate': body.get('ca_certificate') or '', 'creation_time': now, 'update_time': now}
        return 201, None, self._location('/registries/%d' % registry_id)

    def _registry(self, call):
        self._require_admin(call)
        registry = self.registries.get(int(call.params['id']))
        if registry is None:  # pkg/reg/dao/dao.go Get: orm.AsNotFoundError(err, "registry %d not found", id)
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
            url = self._check_url(body['url'])
            if url in self.unhealthy_urls:
                raise _bad('the registry is unhealthy')
            registry['url'] = url
        if body.get('name') == '':
            raise _bad('name cannot be empty')
        for key in ('description', 'insecure', 'ca_certificate'):
            if body.get(key) is not None:
                registry[key] = body[key]
        if any(body.get(k) is not None for k in ('credential_type', 'access_key', 'access_secret')):
            credential = registry.get('credential') or {'type': 'basic'}
            if body.get('credential_type') is not None:  # stored as given (handler/registry.go UpdateRegistry)
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
        # handler/registry.go PingRegistry (v2.15.2): the stored registry (404 if absent), overridden by the body
        body = call.body or {}
        registry = {}
        if body.get('id') is not None:
            if body['id'] not in self.registries:
                raise HttpError(404, 'registry %s not found' % body['id'])
            registry = dict(self.registries[body['id']])
        if body.get('type') is not None:
            registry['type'] = body['type']
        if body.get('url') is not None:
            registry['url'] = self._check_url(body['url'])
        if not registry.get('type') or not registry.get('url'):
            raise _bad('type or url cannot be empty')
        if registry['type'] not in REGISTRY_TYPES:
            raise HttpError(500, 'internal server error')  # IsHealthy: no adapter factory, a plain error
        if registry['url'] in self.unhealthy_urls:
            raise _bad('the registry is unhealthy')
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

    @staticmethod
    def _check_replication_cron(cron):
        """src/controller/replication/model/model.go Validate (v2.15.2): a cron is required, must parse
        (CronParser().Parse), its seconds field must be "0" and its minutes field not "*"."""
        if not cron:
            raise _bad('the cron string cannot be empty when the trigger type is scheduled')
        if cron_parse_error(cron):
            raise _bad('invalid cron string for scheduled trigger: %s' % cron)
        cron_parts = cron.split(' ')
        if cron_parts[0] != '0':
            raise _bad('the 1st field (indicating Seconds of time) of the cron setting must be 0')
        if cron_parts[1] == '*':
            raise _bad('* is not allowed for the Minutes field of the cron setting of replication policy')

    @staticmethod
    def _check_filter(item):
        """src/pkg/reg/model/policy.go Filter.Validate (v2.15.2), message by message."""
        kind, value, decoration = item.get('type'), item.get('value'), item.get('decoration') or ''
        if kind in ('resource', 'name', 'tag'):
            if not isinstance(value, str):
                raise _bad("the type of filter value isn't string")
            if kind == 'resource' and value not in ('artifact', 'image'):
                raise _bad('invalid resource filter: %s' % value)
            if kind in ('name', 'resource') and decoration:
                raise _bad('only tag and label filter support decoration')
        elif kind == 'label':
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _bad("the type of label filter value isn't string slice")
        else:
            raise _bad('invalid filter type')
        if decoration and decoration not in ('matches', 'excludes'):
            raise _bad('invalid filter decoration, :%s' % decoration)

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
            self._check_filter(item)
        namespace = body.get('dest_namespace') or ''
        if namespace and not REPOSITORY_NAME_RE.match(namespace):
            raise _bad('invalid destination namespace: %s' % namespace)
        trigger = body.get('trigger')
        if trigger is not None:
            kind = trigger.get('type')
            if kind == 'scheduled':
                self._check_replication_cron((trigger.get('trigger_settings') or {}).get('cron') or '')
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
            # pkg/notification/policy/dao/dao.go Create/Update: AsConflictError("notification policy named %s ...")
            raise HttpError(409, 'notification policy named %s already exists' % name)
        return targets

    def _webhook(self, call, manage=False):
        project = self._find_project(call, manage=manage)
        webhook = self.webhooks.get(int(call.params['webhook_policy_id']))
        if webhook is None:  # pkg/notification/policy/dao/dao.go Get: AsNotFoundError("notificationPolicy %d not found")
            raise HttpError(404, 'notificationPolicy %s not found' % call.params['webhook_policy_id'])
        if webhook['project_id'] != project['project_id']:
            # handler/webhook.go requirePolicyInProject: NotFoundError(fmt.Errorf(...))
            raise _not_found_cause('project id:%d, webhook policy id: %s not found'
                                   % (project['project_id'], call.params['webhook_policy_id']))
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

    def _validate_retention(self, call, body, retention_id=None):
        """handler/retention.go CreateRetention/UpdateRetention and the controller's ValidateRetentionPolicy
        (src/pkg/retention/policy/models.go) at v2.15.2, in their order. Harbor checks nothing else of the
        rules (algorithm, action, template, params, selectors are only read when the job runs)."""
        rules = body.get('rules') or []
        if len(rules) > 15:
            raise _bad_cause('only 15 rules are allowed at most')
        seen = {}
        for index, rule in enumerate(rules):  # checkRuleConflict: the rule JSON without its id
            key = json.dumps({k: v for k, v in rule.items() if k != 'id'}, sort_keys=True)
            if key in seen:
                raise _conflict_cause('rule %d is conflict with rule %d' % (index, seen[key]))
            seen[key] = index
        scope = body.get('scope') or {}
        project = self.projects.get(scope.get('ref'))
        if project is not None:
            self._check_project_access(call, project, manage=True)  # requireAccess
        elif not call.user.get('sysadmin_flag'):
            raise self._forbidden()  # RequireProjectAccess grants nothing on a project that does not exist
        if retention_id is None:  # CreateRetention only
            if scope.get('level') != 'project':
                raise _bad_cause('scope %s is not support' % (scope.get('level') or ''))
            if project is None:
                raise _bad_cause('invalid Project id %d' % (scope.get('ref') or 0))
        elif project is None or project['metadata'].get('retention_id') != str(retention_id):
            # requirePolicyAccess: NotFoundError(errors.Errorf("the retention policy id %d does not match"))
            raise _not_found_cause('the retention policy id %d does not match' % retention_id)
        return project

    @staticmethod
    def _check_retention_trigger(body):
        """ValidateRetentionPolicy: a Schedule trigger's non-empty cron must pass utils.ValidateCronString."""
        trigger = body.get('trigger') or {}
        cron = (trigger.get('settings') or {}).get('cron') or ''
        error = cron_error(cron) if trigger.get('kind') == 'Schedule' and cron else None
        if error:
            raise _bad('invalid cron string for scheduled tag retention: %s, error: %s' % (cron, error))

    @staticmethod
    def _retention_record(retention_id, body):
        trigger = body.get('trigger') or {}
        return {'id': retention_id, 'algorithm': body.get('algorithm') or '', 'rules': copy.deepcopy(body.get('rules') or []),
                'trigger': {'kind': trigger.get('kind') or 'Schedule',
                            'settings': {'cron': (trigger.get('settings') or {}).get('cron', '')}, 'references': {}},
                'scope': {'level': 'project', 'ref': body['scope']['ref']}}

    @route('POST', '/retentions')
    def create_retention(self, call):
        body = call.body or {}
        project = self._validate_retention(call, body)
        if project['metadata'].get('retention_id'):
            raise _bad_cause('project %d already has retention policy %s' % (project['project_id'],
                                                                             project['metadata']['retention_id']))
        self._check_retention_trigger(body)  # retentionCtl.CreateRetention
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
        retention_id = int(call.params['id'])
        self._validate_retention(call, body, retention_id)
        self._check_retention_trigger(body)  # retentionCtl.UpdateRetention
        old = self.retentions.get(retention_id)
        if old is None:
            # the manager's GetPolicy: a plain fmt.Errorf("no such Retention policy with id %v"), a 500
            raise HttpError(500, 'internal server error')
        kind = (body.get('trigger') or {}).get('kind') or ''
        if kind == old['trigger']['kind'] and kind not in ('Schedule', ''):
            raise HttpError(500, 'internal server error')  # fmt.Errorf("not support Trigger %s"): no code
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
                raise HttpError(409, 'immutable rule already exists')  # pkg/immutable/dao/dao.go AsConflictError

    @staticmethod
    def _immutable_out(rule):
        return {k: copy.deepcopy(v) for k, v in rule.items() if k != 'project_id' and v is not None}

    def _immutable(self, call):
        project = self._find_project(call, manage=True)
        rule = self.immutable_rules.get(int(call.params['immutable_rule_id']))
        if rule is None:  # pkg/immutable/dao/dao.go GetImmutableRule: AsNotFoundError("immutable rule %d not found")
            raise HttpError(404, 'immutable rule %s not found' % call.params['immutable_rule_id'])
        if rule['project_id'] != project['project_id']:
            # handler/immutable.go requireRuleAccess: NotFoundError(errors.Errorf("project id %d does not match"))
            raise _not_found_cause('project id %d does not match' % project['project_id'])
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
            # handler/immutable.go UpdateImmuRule: BadRequestError(fmt.Errorf(...)), before the access check
            raise _bad_cause("the immutable_rule_id doesn't match the id in the payload body of ImmutableRule")
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
