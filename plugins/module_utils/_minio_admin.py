# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the S3 / MinIO helpers of maestro.platform. Not a public API; it may change at any time.
"""MinIO's admin API (/minio/admin/v3) through our own HTTP transport: AWS Signature Version 4 (service
``s3``) written here with the standard library, request and response bodies encrypted as _minio_crypto.py
does, and MinIO's JSON error documents read into ApiError codes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac
import json
import re

from urllib.parse import quote, urlsplit

from ansible_collections.maestro.platform.plugins.module_utils._http import IDEMPOTENT_METHODS, ApiError, HttpClient
from ansible_collections.maestro.platform.plugins.module_utils._minio_crypto import (
    PayloadError, decrypt_payload, encrypt_payload)
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import DEFAULT_REGION, check_endpoint

ADMIN_PREFIX = '/minio/admin/v3'


def _uri_encode(value, safe='-_.~'):
    return quote(value, safe=safe)


def canonical_query(query):
    pairs = []
    for key, value in (query or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            pairs.append((_uri_encode(str(key)), _uri_encode(str(item))))
    return '&'.join('%s=%s' % kv for kv in sorted(pairs))


def sigv4_headers(method, host, path, query_string, body, access_key, secret_key, region,
                  session_token=None, service='s3', now=None):
    """Headers (Host, X-Amz-Date, X-Amz-Content-Sha256, Authorization ...) signing one request."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime('%Y%m%dT%H%M%SZ')
    date = amz_date[:8]
    payload_hash = hashlib.sha256(body or b'').hexdigest()
    headers = {'host': host, 'x-amz-date': amz_date, 'x-amz-content-sha256': payload_hash}
    if session_token:
        headers['x-amz-security-token'] = session_token
    signed = sorted(headers)
    canonical_headers = ''.join('%s:%s\n' % (k, ' '.join(str(headers[k]).split())) for k in signed)
    canonical_request = '\n'.join([method, _uri_encode(path, safe='/-_.~'), query_string, canonical_headers,
                                   ';'.join(signed), payload_hash])
    scope = '%s/%s/%s/aws4_request' % (date, region, service)
    to_sign = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope,
                         hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()])
    key = ('AWS4' + secret_key).encode('utf-8')
    for part in (date, region, service, 'aws4_request'):
        key = hmac.new(key, part.encode('utf-8'), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    out = {'Host': host, 'X-Amz-Date': amz_date, 'X-Amz-Content-Sha256': payload_hash,
           'Authorization': 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s'
                            % (access_key, scope, ';'.join(signed), signature)}
    if session_token:
        out['X-Amz-Security-Token'] = session_token
    return out


# -- MinIO admin client -----------------------------------------------------------------------------
class MinioAdmin:
    """Signed, optionally encrypted calls to /minio/admin/v3 over one kept-alive HTTP connection."""

    def __init__(self, endpoint, access_key, secret_key, session_token=None, region=None, validate_certs=True,
                 ca_path=None, timeout=30):
        if not endpoint:
            raise ModuleFailure('endpoint_url is required for the MinIO admin API (users, policies, quotas); '
                                'AWS S3 has no such API')
        if not access_key or not secret_key:
            raise ModuleFailure('access_key and secret_key are required for the MinIO admin API (or set '
                                'MINIO_ACCESS_KEY/MINIO_SECRET_KEY or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)')
        self.endpoint = check_endpoint(endpoint)
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.region = region or DEFAULT_REGION
        try:
            self.http = HttpClient(self.endpoint, validate_certs=validate_certs, ca_path=ca_path, timeout=timeout,
                                   url_option='endpoint_url')
        except ApiError as exc:
            raise ModuleFailure(exc.message)
        parts = urlsplit(self.endpoint)
        default_port = 443 if parts.scheme == 'https' else 80
        self.host = parts.hostname if (parts.port or default_port) == default_port else \
            '%s:%d' % (parts.hostname, parts.port)
        self.base_path = parts.path.rstrip('/')

    def request(self, method, op, query=None, body=None, encrypt=False, decrypt=False, expected=None,
                idempotent=None, access_key=None, secret_key=None):
        """One admin call; returns the (decrypted) body bytes. Raises ApiError with MinIO's code."""
        access_key = access_key or self.access_key
        secret_key = secret_key or self.secret_key
        body, target, headers = self._signed(method, op, query, body, encrypt, access_key, secret_key)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            response = self._send(method, target, body, headers, expected, idempotent, decrypt)
            raw = response.body or b''
            if not (decrypt and raw):
                return raw
            try:
                return decrypt_payload(raw, secret_key)
            except PayloadError as exc:
                # A success whose sealed body does not open (cut by a proxy, garbled): like a garbled JSON
                # body in the transport, only a call that is safe to repeat is sent once more.
                if not idempotent or attempt >= 2:
                    raise ApiError(str(exc), status=response.status, method=method, url=target)

    def _signed(self, method, op, query, body, encrypt, access_key, secret_key):
        """The call's body (JSON-encoded, sealed when asked), target and SigV4 headers."""
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode('utf-8')
        if encrypt and body is not None:
            body = encrypt_payload(body, secret_key)
        path = '%s%s/%s' % (self.base_path, ADMIN_PREFIX, op)
        query_string = canonical_query(query)
        headers = sigv4_headers(method, self.host, path, query_string, body, access_key, secret_key, self.region,
                                self.session_token)
        target = '%s/%s%s' % (ADMIN_PREFIX, op, ('?' + query_string) if query_string else '')
        return body, target, headers

    def _send(self, method, target, body, headers, expected, idempotent, binary):
        try:
            return self.http.request(method, target, data=body, content_type='application/octet-stream',
                                     headers=headers, expected=expected, idempotent=idempotent, binary=binary)
        except ApiError as exc:
            error = admin_error(exc, self.endpoint)
            if error.error_code == NOT_MINIO:
                raise ModuleFailure(error.message, status=error.status)  # never "not found": not MinIO at all
            raise error

    def json(self, method, op, query=None, body=None, **kwargs):
        raw = self.request(method, op, query=query, body=body, **kwargs)
        if not raw:
            return None
        try:
            return json.loads(raw.decode('utf-8'))
        except ValueError:
            raise ApiError('the server answered %s %s with a body that is not JSON' % (method, op),
                           method=method, url=op)


#: error_code of an answer that did not come from MinIO's admin API (see admin_error)
NOT_MINIO = 'NotMinioAdminApi'


def admin_error(exc, endpoint='endpoint_url'):
    """ApiError carrying MinIO's own error code (the body is {"Code", "Message", ...}).

    MinIO answers every admin API error with that JSON document. A 4xx or 501 without it comes from another
    server: AWS S3, SeaweedFS and other S3 servers take /minio/admin/v3/... for a bucket named "minio" and
    answer with an S3 error in XML (a 404 NoSuchBucket would otherwise read as "no such user"). That answer
    gets error_code NOT_MINIO and one sentence saying so."""
    body = exc.body if isinstance(exc.body, dict) else {}
    code, message = body.get('Code'), body.get('Message')
    if code or message:
        text = '%s: %s' % (code, message) if code else message
        return ApiError(text, status=exc.status, method=exc.method, url=exc.url,
                        request_id=exc.request_id, body=exc.body, error_code=code)
    if exc.status is not None and (400 <= exc.status < 500 or exc.status == 501) and \
            not isinstance(exc.body, (dict, list)):
        s3_code = re.search(r'<Code>([^<]+)</Code>', exc.message or '')
        s3_message = re.search(r'<Message>([^<]*)</Message>', exc.message or '')
        if s3_code:
            detail = ': %s' % s3_message.group(1) if s3_message else ''
            answer = 'an S3 error in XML (%s %s%s)' % (exc.status, s3_code.group(1), detail)
        else:
            answer = 'HTTP %s without MinIO\'s JSON error document' % exc.status
        return ApiError('%s is not a MinIO server: it answered the MinIO admin API call %s %s with %s, as AWS S3, '
                        'SeaweedFS and other S3 servers do; users, canned policies and bucket quotas need MinIO'
                        % (endpoint, exc.method, urlsplit(exc.url or '').path, answer), status=exc.status,
                        method=exc.method, url=exc.url, request_id=exc.request_id, body=exc.body,
                        error_code=NOT_MINIO)
    return exc
