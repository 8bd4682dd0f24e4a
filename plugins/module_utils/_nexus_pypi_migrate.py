# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the logic of maestro.platform.nexus_pypi_migrate. Not a public API; it may change at any time.
"""Copy every package file of a PEP 503 simple index (pypiserver, devpi, another Nexus ...) into a Nexus
pypi-hosted repository, with its metadata, uploading only what the destination lacks.

Facts the code relies on (Nexus's source, sonatype/nexus-public plugins/nexus-repository-pypi; the emulator in
tests/emulators/nexus_pypi.py cites the classes):
- Nexus takes uploads as twine sends them: POST /repository/<name>/ with a multipart form, ``:action`` =
  ``file_upload``, the metadata fields and one file part ``content``; it stores the file at
  ``packages/<PEP 503 name>/<version>/<filename>`` and checks ``md5_digest`` against the file.
- A hosted repository with writePolicy ALLOW_ONCE refuses to replace an existing file (400), DENY refuses every
  upload: existing files are therefore never sent again, and DENY is refused before anything is read.
- GET /service/rest/v1/assets?repository= lists the stored files with their sha256 (pages with a
  continuationToken): one listing decides what is missing, so a rerun after an interruption continues where
  the last one stopped, and a finished migration uploads nothing.

Only the Python standard library is used (the module may run on a managed host).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, HttpClient, split_credentials
from ansible_collections.maestro.platform.plugins.module_utils._nexus import (
    API,
    NAME_PATTERN,
    URL_PATTERN,
    NexusOperation,
    _get_or_none,
)
from ansible_collections.maestro.platform.plugins.module_utils._nexus_repository_fields import repository_path
from ansible_collections.maestro.platform.plugins.module_utils._pypi_index import (
    HTML, SourceIndex, multipart, normalize_name, upload_fields)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Operation


class PypiMigrate(NexusOperation, Operation):
    """nexus_pypi_migrate: upload the files of a simple index that a Nexus pypi-hosted repository lacks."""

    option_code = {'source_password': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/nexus_pypi_migrate.py DOCUMENTATION, do not edit
        repository=dict(type='str', required=True),
        source_url=dict(type='str', required=True),
        source_username=dict(type='str'),
        source_password=dict(type='str', no_log=True),
        source_validate_certs=dict(type='bool', default=True),
        source_ca_path=dict(type='path'),
        projects=dict(type='list', elements='str'),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('username', 'password'), ('source_username', 'source_password')])
    strict_strings = ('repository', 'source_url')
    result_key = 'repository'

    def api_failure_message(self, exc):
        return 'migrating into Nexus repository %s failed: %s' % (self.params['repository'], exc)

    def validate(self):
        p = self.params
        if not NAME_PATTERN.match(p['repository'] or ''):
            raise ModuleFailure('repository must be the name of a Nexus pypi-hosted repository (letters, digits, '
                                '-, _ and .), got %r' % (p['repository'],))
        url = split_credentials((p['source_url'] or '').strip())[0]
        if not URL_PATTERN.match(url or ''):
            raise ModuleFailure('source_url must be the http:// or https:// URL of the source simple index, for '
                                'example http://pypi.example.com:8080/simple/, got %r' % (url,))
        for project in p.get('projects') or []:
            if not project or not project.strip():
                raise ModuleFailure('projects must hold project names, got an empty one')

    def _check_destination(self):
        name = self.params['repository']
        summary = _get_or_none(self.client, '/v1/repositories/%s' % name)
        if summary is None:
            raise ModuleFailure('repository %s does not exist on Nexus: create it first (maestro.platform.'
                                'nexus_repository with format pypi, type hosted)' % name)
        if summary.get('format') != 'pypi' or summary.get('type') != 'hosted':
            raise ModuleFailure('repository %s is a %s %s repository: packages can only be uploaded to a pypi '
                                'hosted repository' % (name, summary.get('format'), summary.get('type')))
        settings = _get_or_none(self.client, repository_path('pypi', 'hosted', name)) or {}
        policy = str((settings.get('storage') or {}).get('writePolicy', '')).lower()
        if policy == 'deny':
            raise ModuleFailure('repository %s has writePolicy deny (read-only): set write_policy allow_once on '
                                'it for the migration' % name)

    def destination_files(self):
        """{filename: sha256 or None} of the files stored in the repository (one paged listing)."""
        found, token = {}, None
        while True:
            page = self.client.get('/v1/assets', query={'repository': self.params['repository'],
                                                        'continuationToken': token}) or {}
            for asset in page.get('items') or []:
                path = (asset.get('path') or '').lstrip('/')
                if path.startswith('packages/'):
                    found[path.rsplit('/', 1)[-1]] = (asset.get('checksum') or {}).get('sha256')
            token = page.get('continuationToken')
            if not token:
                return found

    def source_files(self, source):
        wanted = set(normalize_name(p) for p in self.params.get('projects') or [])
        projects = source.projects()
        if wanted:
            missing = wanted - set(normalize_name(p) for p in projects)
            if missing:
                raise ModuleFailure('projects not found in the source index: %s' % ', '.join(sorted(missing)))
            projects = [p for p in projects if normalize_name(p) in wanted]
        files = []
        for project in projects:
            files.extend(source.files(project))
        return files

    def plan(self, files, stored):
        """(missing, present, conflicts): a file is present when the destination has its filename with the same
        sha256 (or no sha256 on one side); a different sha256 is a conflict, never overwritten."""
        missing, present, conflicts = [], [], []
        for item in files:
            if item['filename'] not in stored:
                missing.append(item)
                continue
            theirs = stored[item['filename']]
            if item['sha256'] and theirs and theirs.lower() != item['sha256']:
                conflicts.append({'filename': item['filename'], 'source_sha256': item['sha256'],
                                  'destination_sha256': theirs.lower()})
            else:
                present.append(item['filename'])
        return missing, present, conflicts

    def _upload_client(self):
        base = self.client.base_url[:-len(API)] if self.client.base_url.endswith(API) else self.client.base_url
        _url, url_username, url_password = split_credentials(self.params['url'].strip())
        return HttpClient(base, username=self.params.get('username') or url_username,
                          password=self.params.get('password') or url_password,
                          validate_certs=self.params.get('validate_certs', True), ca_path=self.params.get('ca_path'),
                          timeout=self.client.timeout, sleep=self.client._sleep, url_option='url')

    def _upload(self, uploader, source, item):
        data = source.download(item)
        body, content_type = multipart(upload_fields(item['filename'], data), item['filename'], data)
        uploader.request('POST', '/repository/%s/' % self.params['repository'], data=body,
                         content_type=content_type, headers=HTML)

    def run(self):
        self.validate()
        self._check_destination()
        source = SourceIndex(self.params, self.client)
        files = self.source_files(source)
        missing, present, conflicts = self.plan(files, self.destination_files())
        for conflict in conflicts:
            self.warn('%s differs between the source (sha256 %s) and Nexus (sha256 %s): left as it is on Nexus'
                      % (conflict['filename'], conflict['source_sha256'], conflict['destination_sha256']))
        result = {'changed': bool(missing), 'repository': self.params['repository'], 'source_files': len(files),
                  'present': sorted(present), 'conflicts': conflicts,
                  'would_upload': sorted(item['filename'] for item in missing), 'uploaded': []}
        if self.check_mode or not missing:
            return result
        uploader = self._upload_client()
        for item in missing:
            try:
                self._upload(uploader, source, item)
            except (ApiError, ModuleFailure) as exc:
                raise ModuleFailure('uploading %s to Nexus repository %s failed after %d of %d files (a rerun '
                                    'continues with the rest): %s'
                                    % (item['filename'], self.params['repository'], len(result['uploaded']),
                                       len(missing), getattr(exc, 'msg', None) or exc),
                                    uploaded=list(result['uploaded']))
            result['uploaded'].append(item['filename'])
        return result
