# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Nexus's pypi format endpoints and the asset listing, as a mixin of NexusEmulator (test support).

The format endpoints live under /repository/<name>/, outside the REST API and its spec, so they are answered
before the framework's routing (as NexusEmulator does for /service/metrics); GET /service/rest/v1/assets is a
spec route and is validated like every other one.

Behaviour, read from sonatype/nexus-public (plugins/nexus-repository-pypi, datastore flavour):
- upload: POST /repository/<name>/ with a multipart form as twine sends it (PyPiHostedHandlers.postContent,
  extractPayloads): every form field becomes an attribute, exactly one file part named ``content``
  (checkState), ``:action`` must be ``file_upload`` ("Unsupported :action, found: ..."). Answer 200 with no
  body (HttpResponses.ok()). PyPiHostedFacet.savePyPiWheelPayload: ``name`` and ``version`` are required
  (checkNotNull), ``md5_digest``, when sent, must match the file (PyPiStorageUtils.validateMd5Hash:
  IllegalOperationException "Digests do not match, found: X, expected: Y", answered 400), the asset path is
  ``packages/<normalised name>/<version>/<filename>`` (createPackagePath, PyPiPathUtils.normalizeName: PEP 503,
  lower case, runs of ``-_.`` become ``-``).
- write policy (StorageTxImpl/the content store's write-policy check): DENY refuses every upload ("Repository
  is read only."); ALLOW_ONCE refuses to replace an existing asset, even with identical content ("Repository
  does not allow updating assets: <repository>", IllegalOperationException -> 400); ALLOW replaces it.
- simple index: /simple/ lists one link ``<name>/`` per component (PyPiHostedFacet.findAllLinks);
  /simple/<name>/ is 404 until a component of that (normalised) name exists, then lists
  ``../../packages/...#md5=<md5>`` with ``data-requires-python`` (buildPyPiLink: the md5 of the blob).
- files: GET /repository/<name>/packages/... serves the stored bytes (getPackage), 404 otherwise.
- GET /v1/assets?repository= (AssetsResource): pages of 10 with a continuationToken; checksum holds the blob's
  sha1, sha256 and md5; 404 "Repository not found" for an unknown repository. The spec declares no 200 body for
  this operation: the page is checked against PageAssetXO.
- access: the repository's content needs nx-repository-view-<format>-<name>-<action> (read for GET, add for
  an upload, wildcards allowed) or nx-all; without credentials, anonymous access when it is enabled, else
  401 with Nexus's BASIC challenge.

Not modelled: proxy and group pypi repositories (only hosted serves these paths here), GPG signatures
(``gpg_signature`` parts are ignored), the XML-RPC search. Whether a failed checkState/checkNotNull is
answered 400 or 500 by the real server was not verified: the emulator answers 400 (a failure either way).
"""

from __future__ import annotations

import base64
import datetime
import email.parser
import email.policy
import hashlib
import html
import re
import time

from tests.emulators.framework import HttpError, Write, route

PAGE_SIZE = 10
CONTENT_TYPES = {'.whl': 'application/zip', '.zip': 'application/zip', '.gz': 'application/x-gzip',
                 '.bz2': 'application/x-bzip2'}


def normalize_name(name):
    """PEP 503 normalisation (PyPiPathUtils.normalizeName)."""
    return re.sub(r'[-_.]+', '-', name).lower()


def _html(title, links):
    body = ''.join('    <a href="%s"%s>%s</a><br/>\n' % (html.escape(href), extra, html.escape(text))
                   for href, text, extra in links)
    return ('<html lang="en">\n  <head><title>%s</title></head>\n  <body>\n    <h1>%s</h1>\n%s  </body>\n'
            '</html>\n' % (title, title, body)).encode('utf-8')


class NexusPypiFormat:
    """Mixin: the pypi format view of hosted repositories plus GET /v1/assets (see the module docstring)."""

    def pypi_assets(self, name):
        """Test helper: {path: asset} of repository ``name`` (assets live in the repository's record, so a
        deleted repository takes them along)."""
        repo = self.repos.get(name.lower())
        return {} if repo is None else repo.setdefault('assets', {})

    def _answer(self, method, path, full_path, query_string, raw_headers, raw, request_id, fault):
        if full_path.startswith('/repository/') and (fault is None or fault.kind == 'slow'):
            if fault is not None:
                time.sleep(fault.options['seconds'])
            try:
                with self._lock:
                    return self._pypi_answer(method, full_path, raw_headers, raw)
            except HttpError as exc:
                return exc.status, {'Content-Type': 'text/plain'}, exc.message.encode('utf-8')
        return super()._answer(method, path, full_path, query_string, raw_headers, raw, request_id, fault)

    # --- access ------------------------------------------------------------------------------------------
    def _pypi_user(self, raw_headers):
        scheme, _sep, value = (raw_headers.get('Authorization') or '').partition(' ')
        if scheme.lower() == 'basic' and value:
            try:
                username, _sep, password = base64.b64decode(value.strip()).decode('utf-8').partition(':')
            except (ValueError, UnicodeDecodeError):
                username, password = '', None
            user = self.check_credentials(username, password)
            if user is not None:
                return user
        elif self.anonymous.get('enabled'):
            return self.users.get(self.anonymous.get('userId'))
        raise HttpError(401, 'Unauthorized', headers={})

    def _pypi_allowed(self, user, repo_name, action):
        privileges = self._privileges_of(user)
        if 'nx-all' in privileges:
            return True
        for privilege in privileges:
            parts = privilege.split('-', 4)  # nx repository view <format> <name-action>
            if parts[:3] != ['nx', 'repository', 'view'] or len(parts) < 5:
                continue
            fmt = parts[3]
            name, _sep, act = parts[4].rpartition('-')
            if fmt in ('*', 'pypi') and name in ('*', repo_name) and act in ('*', action):
                return True
        return False

    # --- the format view ---------------------------------------------------------------------------------
    def _pypi_answer(self, method, full_path, raw_headers, raw):
        rest = full_path[len('/repository/'):]
        repo_name, _sep, sub = rest.partition('/')
        repo = self.repos.get(repo_name.lower())
        if repo is None:
            return 404, {'Content-Type': 'text/plain'}, b'Repository not found'
        try:
            user = self._pypi_user(raw_headers)
        except HttpError:
            return 401, {'WWW-Authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"'}, b''
        if repo['format'] != 'pypi' or repo['type'] != 'hosted':
            raise HttpError(404, 'Not Found')
        action = 'add' if method == 'POST' else 'read'
        if not self._pypi_allowed(user, repo['config']['name'], action):
            return 403, {}, b''
        if method == 'POST' and sub == '':
            return self._pypi_upload(repo, full_path, raw_headers, raw, user)
        if method not in ('GET', 'HEAD'):
            return 405, {'Allow': 'GET, HEAD, POST'}, b''
        if sub == 'simple/':
            return self._pypi_root_index(repo)
        match = re.match(r'^simple/([^/]+)/$', sub)
        if match:
            return self._pypi_index(repo, match.group(1))
        asset = self.pypi_assets(repo_name).get(sub)
        if asset is None:
            raise HttpError(404, 'Not Found')
        return 200, {'Content-Type': asset['contentType']}, asset['content']

    def _pypi_root_index(self, repo):
        names = sorted({a['name'] for a in repo.setdefault('assets', {}).values()})
        return 200, {'Content-Type': 'text/html'}, _html('Simple index', [(n + '/', n, '') for n in names])

    def _pypi_index(self, repo, project):
        wanted = normalize_name(project)
        assets = [a for a in repo.setdefault('assets', {}).values() if a['normalized'] == wanted]
        if not assets:
            raise HttpError(404, 'Not Found')
        links = []
        for asset in sorted(assets, key=lambda a: a['path']):
            requires = asset['attributes'].get('requires_python', '')
            extra = ' data-requires-python="%s"' % html.escape(requires) if requires else ''
            links.append(('../../%s#md5=%s' % (asset['path'], asset['md5']), asset['filename'], extra))
        return 200, {'Content-Type': 'text/html'}, _html('Links for %s' % html.escape(project), links)

    @staticmethod
    def _pypi_form(raw_headers, raw):
        """(attributes, (filename, bytes)) of a multipart upload, as extractPayloads reads it."""
        ctype = raw_headers.get('Content-Type') or ''
        if not ctype.lower().startswith('multipart/form-data'):
            raise HttpError(400, 'Expected a multipart/form-data upload')
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b'Content-Type: ' + ctype.encode('latin-1') + b'\r\n\r\n' + raw)
        attributes, content = {}, None
        for part in message.iter_parts():
            field = part.get_param('name', header='content-disposition')
            data = part.get_payload(decode=True) or b''
            if part.get_filename() is None:
                # PyPiStorageUtils.addAttribute: a repeated field keeps its values, joined
                value = data.decode('utf-8')
                attributes[field] = attributes[field] + '\n' + value if field in attributes else value
            elif field == 'content':
                if content is not None:
                    raise HttpError(400, 'More than one content part')
                content = (part.get_filename(), data)
        if content is None:
            raise HttpError(400, 'No content part in the upload')
        return attributes, content

    def _pypi_upload(self, repo, full_path, raw_headers, raw, user):
        attributes, (filename, data) = self._pypi_form(raw_headers, raw)
        if attributes.get(':action') != 'file_upload':
            raise HttpError(400, 'Unsupported :action, found: %s' % attributes.get(':action'))
        name, version = attributes.get('name'), attributes.get('version')
        if not name or not version:
            raise HttpError(400, 'name and version are required')
        md5 = hashlib.md5(data).hexdigest()
        expected = attributes.get('md5_digest')
        if expected is not None and expected.lower() != md5:
            raise HttpError(400, 'Digests do not match, found: %s, expected: %s' % (md5, expected))
        store = repo.setdefault('assets', {})
        path = 'packages/%s/%s/%s' % (normalize_name(name), version, filename)
        policy = (repo['config'].get('storage') or {}).get('writePolicy', 'ALLOW').upper()
        if policy == 'DENY':
            raise HttpError(400, 'Repository is read only.')
        if path in store and policy == 'ALLOW_ONCE':
            raise HttpError(400, 'Repository does not allow updating assets: %s' % repo['config']['name'])
        now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + '+00:00'
        store[path] = {
            'path': path, 'filename': filename, 'name': name, 'normalized': normalize_name(name),
            'version': version, 'content': data, 'attributes': attributes, 'md5': md5,
            'sha1': hashlib.sha1(data).hexdigest(), 'sha256': hashlib.sha256(data).hexdigest(),
            'contentType': CONTENT_TYPES.get('.' + filename.rsplit('.', 1)[-1], 'application/octet-stream'),
            'uploader': user['userId'], 'created': now,
            'id': base64.urlsafe_b64encode(('%s:%s' % (repo['config']['name'], path)).encode()).decode().rstrip('='),
        }
        summary = dict((k, v) for k, v in attributes.items() if k not in ('md5_digest',))
        self.writes.append(Write('POST', full_path, {}, {'filename': filename, 'attributes': summary}, 200))
        return 200, {}, b''

    # --- REST: GET /v1/assets ----------------------------------------------------------------------------
    def _asset_xo(self, repo_name, asset):
        return {
            'id': asset['id'], 'repository': repo_name, 'format': 'pypi', 'path': asset['path'],
            'downloadUrl': '%s/repository/%s/%s' % (self.base_url, repo_name, asset['path']),
            'checksum': {'sha1': asset['sha1'], 'sha256': asset['sha256'], 'md5': asset['md5']},
            'contentType': asset['contentType'], 'lastModified': asset['created'], 'blobCreated': asset['created'],
            'uploader': asset['uploader'], 'uploaderIp': '127.0.0.1', 'fileSize': len(asset['content']),
        }

    @route('GET', '/v1/assets', extra_statuses=(200, 404))
    def list_assets(self, call):
        repo = self.repos.get((call.arg('repository') or '').lower())
        if repo is None:
            raise HttpError(404, 'Repository not found')
        name = repo['config']['name']
        assets = sorted(repo.setdefault('assets', {}).values(), key=lambda a: a['path'])
        start = int(call.arg('continuationToken') or 0) if (call.arg('continuationToken') or '0').isdigit() else 0
        page = assets[start:start + PAGE_SIZE]
        body = {'items': [self._asset_xo(name, a) for a in page]}
        if start + PAGE_SIZE < len(assets):
            body['continuationToken'] = str(start + PAGE_SIZE)
        else:
            body['continuationToken'] = None
        # The last page carries continuationToken null (Jackson writes the null field); the spec types it as
        # a string only, so the page is checked without that null.
        self._check_schema(dict((k, v) for k, v in body.items() if v is not None), 'PageAssetXO', 'GET /v1/assets')
        return 200, body
