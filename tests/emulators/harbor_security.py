# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor v2.15.2 labels, scanner registrations and the system CVE allowlist: a mixin of HarborEmulator
(tests/emulators/harbor.py; its routes are collected over the MRO). Test support, not shipped.

Every behaviour below is read from goharbor/harbor at tag v2.15.2:

Labels (src/server/v2.0/handler/label.go, src/pkg/label/model/model.go, src/pkg/label/dao/dao.go,
make/migrations/postgresql/0001_initial_schema.up.sql):
- POST /labels: level is forced to user, a global label's project_id to 0; access is checked by scope
  (global: system admin; project: RequireProjectAccess on project_id; another scope: 400 "unsupported label
  scope"). Create does NOT call Label.Valid(): name and color are not checked (a name over 128 or a color over
  16 characters is a database error, 500). (name, scope, project_id) is unique: 409 "label X already exists".
- GET /labels: scope must be g or p (400 "invalid scope: X"); p needs project_id (400 "must with project ID
  when to query project labels"); name= is a fuzzy match.
- PUT /labels/{id}: name, description and color are replaced by the body's, then Valid() (name 1-128) and
  the same uniqueness (409). Scope and project never change. Unknown id: 404 "label N not found".
- DELETE /labels/{id}: 200 (the label is also taken off every artifact).

Scanners (src/server/v2.0/handler/scanner.go, src/controller/scanner/base_controller.go,
src/pkg/scan/dao/scanner/model.go and registration.go, src/core/main.go registerScanners, src/lib/endpoint.go):
- Harbor with Trivy registers "Trivy" at start: description "The Trivy scanner adapter", URL
  config.TrivyAdapterURL() (http://trivy-adapter:8080 in the installer's compose file), use_internal_addr,
  immutable, and makes it the default. ``with_trivy = False`` on the emulator stands for an install without it.
- POST: Validate(false) (name required; URL through ValidateHTTPURL: trimmed, trailing "/" dropped, http or
  https; auth "", Basic, Bearer or APIKey, else 400 "auth type X is not supported"; any auth needs an
  access_credential, else 400 "access_credential is required for auth type X"), then the reserved name
  "Trivy" (400 'name "Trivy" is reserved, please try a different name'), then a ping of the adapter (an
  unreachable one is a plain error: 500; test helper ``unreachable_scanner_urls``), then the first
  registration becomes the default; name and URL are unique (409 "registration name or url already exists").
- GET never returns access_credential; the list takes q (name=... exact).
- PUT: 404 "scanner X not found"; an immutable registration is 403 "registration X is not allowed to update
  as it is immutable: scanner API: update"; every field is replaced by the body's (omitted booleans become
  false); an empty access_credential keeps the stored one while auth still needs one; Validate(true); a
  default registration cannot be disabled (a plain error: 500); the reserved name is 400.
- DELETE: 404; immutable 403 "... is not allowed to delete as it is immutable: scanner API: delete"; 200 with
  the deleted registration.
- PATCH {"is_default": true}: the registration (if not disabled, else 404 "registration X not found") becomes
  the only default; {"is_default": false} does nothing. No immutability check.

System CVE allowlist (src/server/v2.0/handler/sys_cve_allowlist.go, src/pkg/allowlist/manager.go and
validator.go): GET for any signed-in user (an empty list when none was set); PUT (system admin) replaces the
items and expires_at (absent: never expires); an empty or blank CVE id or a duplicate is refused (an
invalidErr without an error code: 500 "internal server error").
"""

from __future__ import annotations

import copy
import uuid

from .framework import HttpError, route
from .harbor_common import _bad, http_url

TRIVY = 'Trivy'
TRIVY_URL = 'http://trivy-adapter:8080'
SCANNER_AUTH = ('', 'Basic', 'Bearer', 'APIKey')


def _internal():
    return HttpError(500, 'internal server error')


class HarborSecurityMixin:
    """Labels, scanners and the system CVE allowlist for HarborEmulator (see the module docstring)."""

    with_trivy = True

    def reset_security(self, now):
        self.labels = {}
        self.scanners = {}
        self.unreachable_scanner_urls = set()  # adapters Harbor's ping on create cannot reach (test helper)
        self.system_allowlist = {'id': 1, 'project_id': 0, 'items': [], 'creation_time': now, 'update_time': now}
        if self.with_trivy:
            self._store_scanner({'name': TRIVY, 'description': 'The Trivy scanner adapter', 'url': TRIVY_URL,
                                 'use_internal_addr': True}, now, immutable=True, default=True)

    def label(self, name, project_id=0):
        for label in self.labels.values():
            if label['name'] == name and label['project_id'] == project_id:
                return label
        return None

    def scanner(self, name):
        for registration in self.scanners.values():
            if registration['name'] == name:
                return registration
        return None

    # --- labels -------------------------------------------------------------------------------------------
    def _label_access(self, call, scope, project_id, manage=True):
        if scope == 'g':
            if manage:
                self._require_admin(call)
            return
        if scope == 'p':
            project = self.projects.get(project_id)
            if project is None:
                raise self._absent_project(call, str(project_id))
            self._check_project_access(call, project, manage=manage)
            return
        raise _bad('unsupported label scope')

    def _label_taken(self, name, scope, project_id, but=None):
        return any(l['name'] == name and l['scope'] == scope and l['project_id'] == project_id and l['id'] != but
                   for l in self.labels.values())

    @staticmethod
    def _check_label_columns(name, color):
        if len(name) > 128 or len(color or '') > 16:  # varchar(128) / varchar(16): a database error
            raise _internal()

    @route('GET', '/labels')
    def list_labels(self, call):
        scope = call.arg('scope') or ''
        if scope not in ('g', 'p'):
            raise _bad('invalid scope: %s' % scope)
        items = [l for l in self.labels.values() if l['scope'] == scope]
        if scope == 'p':
            project_id = int(call.arg('project_id') or 0)
            if not project_id:
                raise _bad('must with project ID when to query project labels')
            self._label_access(call, 'p', project_id, manage=False)
            items = [l for l in items if l['project_id'] == project_id]
        name = call.arg('name')
        if name:
            items = [l for l in items if name in l['name']]
        for key, op_value in self._parse_q(call).items():
            if key in ('name', 'color', 'description'):
                items = [l for l in items if self._q_match(l[key], op_value)]
        page, headers = self._paginate(call, self._sort(call, [copy.deepcopy(l) for l in items], 'id'))
        return 200, page, headers

    @route('POST', '/labels', extra_statuses=(403, 404, 500))
    def create_label(self, call):
        body = call.body or {}
        scope = body.get('scope') or ''
        project_id = 0 if scope == 'g' else int(body.get('project_id') or 0)
        self._label_access(call, scope, project_id)
        name, color = body.get('name') or '', body.get('color') or ''
        self._check_label_columns(name, color)
        if self._label_taken(name, scope, project_id):
            raise HttpError(409, 'label %s already exists' % name)
        now = self._now_text()
        label_id = self._next('label')
        self.labels[label_id] = {'id': label_id, 'name': name, 'description': body.get('description') or '',
                                 'color': color, 'scope': scope, 'project_id': project_id,
                                 'creation_time': now, 'update_time': now}
        return 201, None, self._location('/labels/%d' % label_id)

    def _label(self, call, action):
        label = self.labels.get(int(call.params['label_id']))
        if label is None:
            raise HttpError(404, 'label %s not found' % call.params['label_id'])
        self._label_access(call, label['scope'], label['project_id'], manage=action != 'read')
        return label

    @route('GET', '/labels/{label_id}', extra_statuses=(403,))
    def get_label(self, call):
        return 200, copy.deepcopy(self._label(call, 'read'))

    @route('PUT', '/labels/{label_id}', extra_statuses=(403, 500))
    def update_label(self, call):
        label = self._label(call, 'update')
        body = call.body or {}
        name, color = body.get('name') or '', body.get('color') or ''
        if not name:
            raise _bad('cannot be empty')
        if len(name) > 128:
            raise _bad('max length is 128')
        self._check_label_columns(name, color)
        if self._label_taken(name, label['scope'], label['project_id'], but=label['id']):
            raise HttpError(409, 'label %s already exists' % name)
        label.update(name=name, description=body.get('description') or '', color=color,
                     update_time=self._now_text())
        return 200, None

    @route('DELETE', '/labels/{label_id}', extra_statuses=(403,))
    def delete_label(self, call):
        label = self._label(call, 'delete')
        del self.labels[label['id']]
        return 200, None

    # --- scanners -----------------------------------------------------------------------------------------
    def _store_scanner(self, body, now, immutable=False, default=False):
        registration_id = str(uuid.uuid4())
        self.scanners[registration_id] = {
            'uuid': registration_id, 'name': body['name'], 'description': body.get('description') or '',
            'url': body['url'], 'disabled': bool(body.get('disabled')), 'is_default': default,
            'auth': body.get('auth') or '', 'access_credential': body.get('access_credential') or '',
            'skip_certVerify': bool(body.get('skip_certVerify')),
            'use_internal_addr': bool(body.get('use_internal_addr')), 'immutable': immutable,
            'create_time': now, 'update_time': now}
        return self.scanners[registration_id]

    @staticmethod
    def _scanner_out(registration):
        out = {k: v for k, v in registration.items() if k not in ('access_credential', 'immutable')}
        if registration['name'] == TRIVY and registration['immutable']:
            out.update(adapter=TRIVY, vendor='Aqua Security', version='v0.69.1', health='healthy')
        return out

    @staticmethod
    def _validate_registration(registration):
        """Registration.Validate: the URL as lib.ValidateHTTPURL returns it, auth and its credential."""
        # src/pkg/scan/dao/scanner/model.go Validate (v2.15.2): the name first, then the URL, the error wrapped
        # as errors.Wrap(err, "scanner registration validate"); handler/scanner.go sends
        # BadRequestError(nil).WithMessage(err.Error())
        if not registration.get('name'):
            raise _bad('missing registration name')
        url, error = http_url(registration.get('url'))
        if error:
            raise _bad('scanner registration validate: %s' % error)
        registration['url'] = url
        auth = registration.get('auth') or ''
        if auth not in SCANNER_AUTH:
            raise _bad('auth type %s is not supported' % auth)
        if auth and not registration.get('access_credential'):
            raise _bad('access_credential is required for auth type %s' % auth)

    def _scanner_taken(self, registration, but=None):
        return any((s['name'] == registration['name'] or s['url'] == registration['url']) and s['uuid'] != but
                   for s in self.scanners.values())

    @route('GET', '/scanners')
    def list_scanners(self, call):
        self._require_admin(call)
        items = list(self.scanners.values())
        for key, op_value in self._parse_q(call).items():
            if key in ('name', 'url', 'description'):
                items = [s for s in items if self._q_match(s[key], op_value)]
        out = [self._scanner_out(s) for s in sorted(items, key=lambda s: s['create_time'])]
        page, headers = self._paginate(call, out)
        return 200, page, headers

    @route('POST', '/scanners', extra_statuses=(409,))
    def create_scanner(self, call):
        self._require_admin(call)
        body = dict(call.body or {})
        self._validate_registration(body)
        if body['name'] == TRIVY:
            raise _bad('name "%s" is reserved, please try a different name' % TRIVY)
        if body['url'] in self.unreachable_scanner_urls:
            raise _internal()  # the ping's error is wrapped without a code
        if self._scanner_taken(body):
            raise HttpError(409, 'registration name or url already exists')
        registration = self._store_scanner(body, self._now_text(), default=not self.scanners)
        return 201, None, self._location('/scanners/%s' % registration['uuid'])

    def _scanner(self, call):
        self._require_admin(call)
        registration = self.scanners.get(call.params['registration_id'])
        if registration is None:
            raise HttpError(404, 'scanner %s not found' % call.params['registration_id'])
        return registration

    @route('GET', '/scanners/{registration_id}')
    def get_scanner(self, call):
        return 200, self._scanner_out(self._scanner(call))

    @route('PUT', '/scanners/{registration_id}', extra_statuses=(400, 409))
    def update_scanner(self, call):
        registration = self._scanner(call)
        if registration['immutable']:
            raise HttpError(403, 'registration %s is not allowed to update as it is immutable: scanner API: update'
                            % registration['name'])
        body = call.body or {}
        updated = {'name': body.get('name') or '', 'url': body.get('url') or '',
                   'description': body.get('description') or '', 'auth': body.get('auth') or '',
                   'access_credential': body.get('access_credential') or '',
                   'disabled': bool(body.get('disabled')), 'skip_certVerify': bool(body.get('skip_certVerify')),
                   'use_internal_addr': bool(body.get('use_internal_addr'))}
        if not updated['access_credential'] and updated['auth']:
            updated['access_credential'] = registration['access_credential']
        self._validate_registration(updated)
        if registration['is_default'] and updated['disabled']:
            raise _internal()  # errors.Errorf("default registration %s can not be marked to deactivated")
        if updated['name'] == TRIVY:
            raise _bad('name "%s" is reserved, please try a different name' % TRIVY)
        if self._scanner_taken(updated, but=registration['uuid']):
            raise _internal()  # dao UpdateRegistration does not wrap the unique violation
        registration.update(updated, update_time=self._now_text())
        return 200, None

    @route('DELETE', '/scanners/{registration_id}')
    def delete_scanner(self, call):
        registration = self._scanner(call)
        if registration['immutable']:
            raise HttpError(403, 'registration %s is not allowed to delete as it is immutable: scanner API: delete'
                            % registration['name'])
        del self.scanners[registration['uuid']]
        return 200, self._scanner_out(registration)

    @route('PATCH', '/scanners/{registration_id}', extra_statuses=(404,))
    def set_default_scanner(self, call):
        self._require_admin(call)
        if not (call.body or {}).get('is_default'):
            return 200, None
        registration = self.scanners.get(call.params['registration_id'])
        if registration is None or registration['disabled']:
            raise HttpError(404, 'registration %s not found' % call.params['registration_id'])
        for other in self.scanners.values():
            other['is_default'] = other is registration
        return 200, None

    @route('GET', '/scanners/{registration_id}/metadata')
    def get_scanner_metadata(self, call):
        registration = self._scanner(call)
        out = self._scanner_out(registration)
        return 200, {'scanner': {'name': out.get('adapter') or registration['name'],
                                 'vendor': out.get('vendor') or '', 'version': out.get('version') or ''},
                     'capabilities': [{'type': 'vulnerability',
                                       'consumes_mime_types': ['application/vnd.oci.image.manifest.v1+json'],
                                       'produces_mime_types': [
                                           'application/vnd.security.vulnerability.report; version=1.1']}],
                     'properties': {}}

    # --- system CVE allowlist -----------------------------------------------------------------------------
    @route('GET', '/system/CVEAllowlist')
    def get_system_allowlist(self, call):
        return 200, copy.deepcopy(self.system_allowlist)

    @route('PUT', '/system/CVEAllowlist', extra_statuses=(400,))
    def put_system_allowlist(self, call):
        self._require_admin(call)
        body = call.body or {}
        items = [{'cve_id': i.get('cve_id', '')} for i in body.get('items') or []]
        seen = set()
        for item in items:
            if not item['cve_id'].strip() or item['cve_id'] in seen:
                raise _internal()  # validator.go's invalidErr carries no error code
            seen.add(item['cve_id'])
        allowlist = {'id': 1, 'project_id': 0, 'items': items,
                     'creation_time': self.system_allowlist['creation_time'], 'update_time': self._now_text()}
        if body.get('expires_at') is not None:
            allowlist['expires_at'] = body['expires_at']
        self.system_allowlist = allowlist
        return 200, None
