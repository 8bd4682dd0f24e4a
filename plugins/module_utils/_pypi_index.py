# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of maestro.platform.nexus_pypi_migrate. Not a public API; it may change at any time.
"""A PEP 503 simple index as nexus_pypi_migrate reads it (pypiserver, devpi, another Nexus ...), and a package
file as twine uploads it: the links of an index page, the metadata inside a wheel or sdist, the multipart form.

Only the Python standard library is used (the module may run on a managed host).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.parser
import email.policy
import hashlib
import io
import re
import tarfile
import uuid
import zipfile

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, HttpClient, split_credentials
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


HTML = {'Accept': 'text/html'}
# the package files Nexus's pypi format takes (signatures and other links of an index page are not migrated)
PACKAGE_SUFFIXES = ('.whl', '.tar.gz', '.tgz', '.tar.bz2', '.zip')
# hashes a PEP 503 link may carry (#<name>=<hex>) that the download is checked against
HASHES = ('sha256', 'md5', 'sha1', 'sha512')
# core metadata fields twine sends several times, under its own names (twine/package.py metadata_dictionary)
RENAMED = {'classifier': 'classifiers', 'project_url': 'project_urls'}


def normalize_name(name):
    """PEP 503: lower case, runs of - _ . become one -."""
    return re.sub(r'[-_.]+', '-', name).lower()


class _Links(HTMLParser):
    """The <a href> links of a simple index page, with their text."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.links = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        if tag == 'a':
            self._href = dict(attrs).get('href')
            self.links.append([self._href, ''])

    def handle_data(self, data):
        if self._href is not None and self.links:
            self.links[-1][1] += data

    def handle_endtag(self, tag):
        if tag == 'a':
            self._href = None


def page_links(text):
    parser = _Links()
    parser.feed(text)
    return [(href, label.strip()) for href, label in parser.links if href]


# -- reading a package file's metadata ---------------------------------------------------------------------
def _zip_member(data, suffix):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.count('/') == 1 and name.endswith(suffix):
                return archive.read(name)
    return None


def _tar_member(data, suffix):
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:*') as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.strip('./').count('/') == 1 and member.name.endswith(suffix):
                return archive.extractfile(member).read()
    return None


def metadata_file(filename, data):
    """(filetype, pyversion, the METADATA/PKG-INFO text) of a wheel or an sdist."""
    if filename.endswith('.whl'):
        parts = filename[:-4].split('-')
        raw = _zip_member(data, '.dist-info/METADATA')
        return 'bdist_wheel', parts[-3] if len(parts) >= 5 else 'any', raw
    if filename.endswith(('.tar.gz', '.tgz', '.tar.bz2')):
        return 'sdist', 'source', _tar_member(data, '/PKG-INFO')
    if filename.endswith('.zip'):
        return 'sdist', 'source', _zip_member(data, '/PKG-INFO')
    return None, None, None


def upload_fields(filename, data):
    """The form fields twine sends for this file: its core metadata, file type and digests."""
    try:
        filetype, pyversion, raw = metadata_file(filename, data)
    except (zipfile.BadZipfile, tarfile.TarError, EOFError, OSError) as exc:
        raise ModuleFailure('%s is not a readable package archive (%s)' % (filename, exc))
    if raw is None:
        raise ModuleFailure('%s: no METADATA (wheel) or PKG-INFO (sdist) found; only wheels and sdists '
                            '(.whl, .tar.gz, .tar.bz2, .zip) can be uploaded to Nexus' % filename)
    message = email.parser.Parser(policy=email.policy.compat32).parsestr(raw.decode('utf-8', 'replace'))
    fields = [(':action', 'file_upload'), ('protocol_version', '1'), ('filetype', filetype),
              ('pyversion', pyversion)]
    for header, value in message.items():
        key = header.lower().replace('-', '_')
        fields.append((RENAMED.get(key, key), value))
    body = message.get_payload()
    if body and body.strip() and 'Description' not in message:
        fields.append(('description', body))
    fields += [('md5_digest', hashlib.md5(data).hexdigest()), ('sha256_digest', hashlib.sha256(data).hexdigest()),
               ('blake2_256_digest', hashlib.blake2b(data, digest_size=32).hexdigest())]
    if not message.get('Name') or not message.get('Version'):
        raise ModuleFailure('%s: its metadata has no Name or Version, which Nexus requires' % filename)
    return fields


def multipart(fields, filename, data):
    """(body, content type) of a multipart/form-data upload with one file part ``content``."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (boundary, name)).encode('utf-8'))
        out.write(value.encode('utf-8') + b'\r\n')
    out.write(('--%s\r\nContent-Disposition: form-data; name="content"; filename="%s"\r\n'
               'Content-Type: application/octet-stream\r\n\r\n' % (boundary, filename)).encode('utf-8'))
    out.write(data + b'\r\n')
    out.write(('--%s--\r\n' % boundary).encode('utf-8'))
    return out.getvalue(), 'multipart/form-data; boundary=%s' % boundary


# -- the source index --------------------------------------------------------------------------------------
class SourceIndex:
    """A PEP 503 simple index read over HTTP; files on another host are fetched without credentials."""

    def __init__(self, params, transport):
        url, username, password = split_credentials(params['source_url'].strip())
        self.transport = transport
        parts = urlsplit(url)
        self.root = '%s://%s' % (parts.scheme, parts.netloc)
        self.index_url = url if url.endswith('/') else url + '/'
        self.params = params
        self.client = self._client(self.root, params.get('source_username') or username,
                                   params.get('source_password') or password)
        self.others = {}

    def _client(self, root, username=None, password=None):
        return HttpClient(root, username=username, password=password,
                          validate_certs=self.params.get('source_validate_certs', True),
                          ca_path=self.params.get('source_ca_path'), timeout=self.transport.timeout,
                          sleep=self.transport._sleep, url_option='source_url')

    def _get(self, url, binary=False):
        parts = urlsplit(url)
        root = '%s://%s' % (parts.scheme, parts.netloc)
        client = self.client
        if root != self.root:
            client = self.others.get(root) or self.others.setdefault(root, self._client(root))
        path = parts.path + ('?' + parts.query if parts.query else '')
        response = client.request('GET', path, headers=None if binary else HTML, binary=True)
        if binary:
            return response.body
        content_type = (response.header('Content-Type') or '').split(';')[0].strip().lower()
        if content_type not in ('text/html', ''):
            raise ApiError('the simple index page answered Content-Type %r instead of text/html' % content_type,
                           status=response.status, method='GET', url=url)
        return response.body.decode('utf-8', 'replace')

    def projects(self):
        return [label or href.rstrip('/').rsplit('/', 1)[-1] for href, label in page_links(self._get(self.index_url))]

    def files(self, project):
        """[{filename, url, sha256}] of one project (sha256 from the link's #sha256= when it has one)."""
        page_url = urljoin(self.index_url, normalize_name(project) + '/')
        found = []
        for href, _label in page_links(self._get(page_url)):
            url, _sep, fragment = urljoin(page_url, href).partition('#')
            algorithm, _sep, digest = fragment.partition('=')
            filename = urlsplit(url).path.rsplit('/', 1)[-1]
            if not filename.endswith(PACKAGE_SUFFIXES):
                continue
            found.append({'filename': filename, 'url': url, 'project': project,
                          'sha256': digest.lower() if algorithm == 'sha256' and digest else None,
                          'link_hash': (algorithm, digest.lower()) if algorithm in HASHES and digest else None})
        return found

    def download(self, item):
        data = self._get(item['url'], binary=True)
        if item['link_hash']:
            algorithm, expected = item['link_hash']
            digest = hashlib.new(algorithm, data).hexdigest()
            if digest != expected:
                raise ModuleFailure('%s from the source index has %s %s, but its index link says %s: the '
                                    'download is damaged or the source changed; nothing was uploaded for it'
                                    % (item['filename'], algorithm, digest, expected))
        return data


# -- the module ------------------------------------------------------------------------------------------
