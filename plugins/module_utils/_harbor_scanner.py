# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor scanner registrations (pluggable scanner adapters), through the REST API v2.0 (Harbor v2.15.2).

Facts the code relies on (src/server/v2.0/handler/scanner.go, src/controller/scanner/base_controller.go,
src/pkg/scan/dao/scanner/model.go and registration.go, src/core/main.go registerScanners, tag v2.15.2):
- Harbor's installer with Trivy enabled registers "Trivy" itself at every start (core registerScanners):
  immutable (PUT and DELETE answer 403 "... is not allowed to update/delete as it is immutable") and the
  system default. The name "Trivy" is reserved: POST or PUT with it is 400. Only the default flag of that
  registration can be managed (PATCH has no immutability check).
- POST /scanners pings the adapter first (its /api/v1/metadata; an unreachable adapter fails the create) and
  makes the first registration the default. Name and URL are unique (409 "registration name or url already
  exists"); auth is "" (none), "Basic", "Bearer" or "APIKey", and any auth needs an access_credential.
- GET never returns access_credential. PUT /scanners/{uuid} replaces every field (an omitted boolean
  becomes false); an empty access_credential keeps the stored one while the auth type still needs one.
- PATCH /scanners/{uuid} {"is_default": true} makes it the only default (404 when it is disabled);
  {"is_default": false} does nothing. A default registration cannot be disabled.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import HarborResource, list_all
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

AUTH_TYPES = {'none': '', 'basic': 'Basic', 'bearer': 'Bearer', 'api_key': 'APIKey'}
AUTH_NAMES = dict((v, k) for k, v in AUTH_TYPES.items())
INSTALLER_SCANNER = 'Trivy'  # registered by Harbor itself; the name is reserved (controller reservedNames)
SETTINGS = ('url', 'description', 'auth', 'skip_cert_verify', 'use_internal_addr', 'disabled')


def normalize_scanner(raw):
    return {
        'id': raw.get('uuid'),
        'name': raw.get('name'),
        'url': raw.get('url'),
        'description': raw.get('description') or '',
        'auth': AUTH_NAMES.get(raw.get('auth') or '', raw.get('auth')),
        'skip_cert_verify': bool(raw.get('skip_certVerify')),
        'use_internal_addr': bool(raw.get('use_internal_addr')),
        'disabled': bool(raw.get('disabled')),
        'default': bool(raw.get('is_default')),
        'adapter': raw.get('adapter'),
        'vendor': raw.get('vendor'),
        'version': raw.get('version'),
    }


def find_scanner(client, name):
    for raw in list_all(client, '/scanners', query={'q': 'name=%s' % name}):
        if raw.get('name') == name:
            return raw
    return None


class Scanner(HarborResource):
    result_key = 'scanner'
    kind = 'Harbor scanner'
    strict_strings = ('name', 'adapter_url', 'description')
    option_code = {'access_credential': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/harbor_scanner.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        adapter_url=dict(type='str'),
        description=dict(type='str'),
        auth=dict(type='str', choices=['none', 'basic', 'bearer', 'api_key']),
        access_credential=dict(type='str', no_log=True),
        update_credential=dict(type='str', default='on_create', choices=['on_create', 'always']),
        skip_cert_verify=dict(type='bool'),
        use_internal_addr=dict(type='bool'),
        disabled=dict(type='bool'),
        default=dict(type='bool'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def validate(self):
        p = self.params
        if not p['name'] or not p['name'].strip() or len(p['name']) > 128:
            raise ModuleFailure('name must be a scanner name of 1 to 128 characters, got %r' % (p['name'],))
        url = p.get('adapter_url')
        if url is not None and (not url.startswith(('http://', 'https://')) or len(url) > 512):
            raise ModuleFailure('adapter_url must be the http:// or https:// base URL of the scanner adapter (at '
                                'most 512 characters), e.g. http://trivy-adapter:8080, got %r' % (url,))
        if p.get('access_credential') is not None and p.get('auth') in (None, 'none'):
            raise ModuleFailure('access_credential needs auth (basic, bearer or api_key): Harbor sends it only '
                                'with an auth type')
        if p.get('default') and p.get('disabled'):
            raise ModuleFailure('default and disabled: Harbor cannot make a disabled scanner the default; '
                                'set disabled=false or default=false')

    def read(self):
        raw = find_scanner(self.client, self.params['name'])
        return normalize_scanner(raw) if raw else None

    def validate_against(self, current):
        if self.params['name'] == INSTALLER_SCANNER:
            self._check_installer_scanner(current)
            return
        p = self.params
        if current is None and p['state'] == 'present' and not p.get('adapter_url'):
            raise ModuleFailure('adapter_url is required to register %s' % self.describe())
        auth = p.get('auth') or (current or {}).get('auth') or 'none'
        changes_auth = current is None or auth != current['auth']
        if auth != 'none' and changes_auth and not p.get('access_credential'):
            raise ModuleFailure('access_credential is required for auth=%s on %s (Harbor refuses an auth type '
                                'without a credential)' % (auth, self.describe()))
        if current is not None and p.get('default') is False and current['default']:
            raise ModuleFailure('default=false: %s is the system default scanner; Harbor cannot unset the '
                                'default, make another scanner the default instead' % self.describe())

    def _check_installer_scanner(self, current):
        where = ("Harbor's installer registers it (harbor.yml trivy, or the chart's trivy.enabled) and Harbor "
                 "keeps it immutable")
        if current is None:
            raise ModuleFailure("name: '%s' is reserved by Harbor and there is no such registration: %s; "
                                "enable Trivy there, or register your adapter under another name"
                                % (INSTALLER_SCANNER, where))
        wanted = self._wanted_settings()
        differing = sorted('adapter_url' if k == 'url' else k
                           for k, v in wanted.items() if v is not None and v != current[k])
        if differing or self.params.get('access_credential') is not None:
            raise ModuleFailure('%s: %s cannot be changed: %s; only default can be managed'
                                % (', '.join(differing or ['access_credential']), self.describe(), where))
        if self.params.get('default') is False and current['default']:
            raise ModuleFailure('default=false: %s is the system default scanner; make another scanner the '
                                'default instead' % self.describe())

    def _wanted_settings(self):
        p = self.params
        wanted = dict((k, p.get(k)) for k in SETTINGS if k != 'url')
        url = p.get('adapter_url')
        wanted['url'] = url.strip().rstrip('/') if url is not None else None  # as lib.ValidateHTTPURL stores it
        return wanted

    def desired(self, current):
        base = dict(current) if current else {
            'id': None, 'name': self.params['name'], 'url': None, 'description': '', 'auth': 'none',
            'skip_cert_verify': False, 'use_internal_addr': False, 'disabled': False, 'default': False,
            'adapter': None, 'vendor': None, 'version': None}
        for key, value in self._wanted_settings().items():
            if value is not None:
                base[key] = value
        if self.params.get('default') is not None:
            base['default'] = self.params['default']
        if base['default'] and base['disabled']:
            raise ModuleFailure('disabled: %s is the system default scanner and Harbor cannot disable the '
                                'default; make another scanner the default first' % self.describe())
        if current is not None and self.params.get('access_credential') and self.params['update_credential'] == 'always':
            base['_credential_update'] = True  # never readable: written on every run with update_credential=always
        return base

    def _body(self, desired, credential):
        return {'name': desired['name'], 'url': desired['url'], 'description': desired['description'],
                'auth': AUTH_TYPES[desired['auth']], 'access_credential': credential or '',
                'skip_certVerify': desired['skip_cert_verify'], 'use_internal_addr': desired['use_internal_addr'],
                'disabled': desired['disabled']}

    def create(self, desired):
        self.client.post('/scanners', self._body(desired, self.params.get('access_credential')))
        if desired['default']:
            created = find_scanner(self.client, desired['name'])
            if created and not created.get('is_default'):
                self.client.patch('/scanners/%s' % created['uuid'], {'is_default': True})

    def update(self, current, desired):
        settings_change = any(desired[k] != current[k] for k in SETTINGS) or desired.get('_credential_update')
        if settings_change and self.params['name'] != INSTALLER_SCANNER:
            credential = self.params.get('access_credential') if (
                desired.get('_credential_update') or desired['auth'] != current['auth']) else ''
            self.client.put('/scanners/%s' % current['id'], self._body(desired, credential))
        if desired['default'] and not current['default']:
            self.client.patch('/scanners/%s' % current['id'], {'is_default': True})

    def absent_view(self, current):
        self._check_removable()
        return None

    def delete(self, current):
        self._check_removable()
        self.client.delete('/scanners/%s' % current['id'])

    def _check_removable(self):
        if self.params['name'] == INSTALLER_SCANNER:
            raise ModuleFailure("state=absent: %s cannot be removed: Harbor's installer registers it (harbor.yml "
                                "trivy, or the chart's trivy.enabled) and Harbor keeps it immutable; disable Trivy "
                                "there instead" % self.describe())

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_')) if obj else obj
