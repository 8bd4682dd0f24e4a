# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the S3 / MinIO helpers of maestro.platform. Not a public API; it may change at any time.
"""S3 (through boto3) and MinIO's admin API (through our own HTTP transport) for the minio_* modules.

- S3 naming rules, IAM/bucket policy normalisation (policies are compared as data), quota sizes.
- A boto3 S3 client factory and one sentence per botocore ClientError.
- MinIO's admin API (/minio/admin/v3): AWS Signature Version 4 (service ``s3``) written here with the
  standard library, and the encrypted payload format of madmin-go (the same as minio-py's
  minio/crypto.py): ``salt(32) | AEAD id(1) | nonce(8) | packages``, the key derived with argon2id
  (time 1, memory 64 MiB, 4 lanes, 32 bytes) from the caller's secret key, each package at most 16 KiB of
  plain text sealed with AES-256-GCM (id 0) or ChaCha20-Poly1305 (id 1), sio-go's channel construction
  (additional data = 0x00|0x80 + tag of an empty seal under the 12-byte nonce with counter 0, counter
  1, 2, ... little endian in the nonce's last 4 bytes, 0x80 on the last package).
  argon2-cffi is required; the cipher comes from ``cryptography`` or, failing that, ``pycryptodome``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import re
import traceback

from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.maestro.platform.plugins.module_utils._http import IDEMPOTENT_METHODS, ApiError, HttpClient
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils import _size

try:
    # Only the exception classes at import time (0.1 s); boto3 itself is imported when a client is built,
    # so input errors fail fast even as an ordinary module.
    from botocore.exceptions import BotoCoreError, ClientError
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError:
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = traceback.format_exc()

    class ClientError(Exception):  # type: ignore  # noqa: N818 - placeholder so except clauses work
        pass

    class BotoCoreError(Exception):  # type: ignore  # noqa: N818
        pass

try:
    from argon2.low_level import Type as _Argon2Type, hash_secret_raw as _argon2_raw
    HAS_ARGON2 = True
except ImportError:
    HAS_ARGON2 = False

_AEAD_BACKEND = None
_AESGCM = _ChaCha = _AES = _ChaChaPyc = None
try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as _AESGCM
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as _ChaCha
    _AEAD_BACKEND = 'cryptography'
except ImportError:
    try:
        from Crypto.Cipher import AES as _AES, ChaCha20_Poly1305 as _ChaChaPyc
        _AEAD_BACKEND = 'pycryptodome'
    except ImportError:
        pass

ADMIN_PREFIX = '/minio/admin/v3'
DEFAULT_REGION = 'us-east-1'

# -- bucket names -----------------------------------------------------------------------------------
_BUCKET_CHARS = re.compile(r'^[a-z0-9][a-z0-9.-]*[a-z0-9]$')
_RESERVED_PREFIXES = ('xn--', 'sthree-', 'amzn-s3-demo-')
_RESERVED_SUFFIXES = ('-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3')


def bucket_name_problem(name):
    """Why name breaks the S3 bucket naming rules (a sentence), or None when it is valid."""
    if not isinstance(name, str) or not name:
        return 'a bucket name is required'
    if not 3 <= len(name) <= 63:
        return 'a bucket name has 3 to 63 characters, %r has %d' % (name, len(name))
    if not _BUCKET_CHARS.match(name):
        return ('a bucket name uses only lower-case letters, digits, dots and hyphens, and starts and ends '
                'with a letter or digit, got %r' % name)
    if '..' in name:
        return 'a bucket name has no two adjacent dots, got %r' % name
    try:
        ipaddress.IPv4Address(name)
        return 'a bucket name must not look like an IP address, got %r' % name
    except ValueError:
        pass
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            return 'a bucket name must not start with the reserved prefix %r, got %r' % (prefix, name)
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return 'a bucket name must not end with the reserved suffix %r, got %r' % (suffix, name)
    return None


# -- policies as data -------------------------------------------------------------------------------
_SET_KEYS = ('Action', 'NotAction', 'Resource', 'NotResource')
_POLICY_KEYS = frozenset(('Version', 'Id', 'Statement'))
_STATEMENT_KEYS = frozenset(('Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource',
                             'NotResource', 'Condition'))


def _as_sorted_list(value):
    values = value if isinstance(value, list) else [value]
    return sorted(set(str(v) for v in values))


def _normalise_principal(value):
    if value == '*':
        return {'AWS': ['*']}
    if isinstance(value, dict):
        return dict((k, _as_sorted_list(v)) for k, v in value.items())
    return value


def _normalise_statement(stmt):
    out = {}
    for key, value in stmt.items():
        if key in _SET_KEYS:
            out[key] = _as_sorted_list(value)
        elif key in ('Principal', 'NotPrincipal'):
            out[key] = _normalise_principal(value)
        elif key == 'Condition' and isinstance(value, dict):
            out[key] = dict((op, dict((k, _as_sorted_list(v)) for k, v in (conds or {}).items()))
                            for op, conds in value.items())
        elif key == 'Sid' and value in ('', None):
            continue
        else:
            out[key] = value
    return out


def normalise_policy(doc):
    """A policy document in one canonical form: key order, a single value versus a one-item list, the
    order of actions/resources/statements and duplicate statements make no difference."""
    if doc is None:
        return None
    statements = doc.get('Statement', [])
    if isinstance(statements, dict):
        statements = [statements]
    canon = {}
    for stmt in statements:
        normal = _normalise_statement(stmt)
        canon[json.dumps(normal, sort_keys=True)] = normal
    out = dict((k, v) for k, v in doc.items() if k != 'Statement' and v not in ('', None))
    out['Statement'] = [canon[k] for k in sorted(canon)]
    return out


def canonical_json(value):
    """A stable string for a JSON value (compare documents as data, not as text)."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


def shape(value):
    """What a value is, in words (Ansible hands over its own subclasses of list, dict and str)."""
    for kind, words in ((bool, 'a boolean'), (dict, 'a mapping'), ((list, tuple), 'a list'), (str, 'a string'),
                        ((int, float), 'a number')):
        if isinstance(value, kind):
            return words
    return 'a value of type %s' % type(value).__name__


def parse_policy(value, field='policy', bucket_policy=False):
    """A policy document from a dict or a JSON string, checked for shape; ModuleFailure naming field."""
    value = _policy_document(value, field)
    statements = value.get('Statement')
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise ModuleFailure('%s: Statement must be a non-empty list of statements' % field)
    for index, stmt in enumerate(statements):
        _check_statement(stmt, '%s: Statement[%d]' % (field, index), bucket_policy)
    return value


def _policy_document(value, field):
    """The document as a mapping with known top-level keys and a valid Version."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ModuleFailure('%s is not valid JSON (%s); give a policy document as a YAML mapping or a JSON '
                                'string' % (field, exc))
    if not isinstance(value, dict):
        hint = ' (the list of statements goes under Statement)' if isinstance(value, (list, tuple)) else ''
        raise ModuleFailure('%s must be a policy document: a mapping with Version and Statement, or the same as a '
                            'JSON string, got %s%s' % (field, shape(value), hint))
    unknown = sorted(set(value) - _POLICY_KEYS)
    if unknown:
        raise ModuleFailure('%s has unknown top-level key(s) %s; a policy document has Version, Id and '
                            'Statement' % (field, ', '.join(unknown)))
    version = value.get('Version')
    if version is not None and version not in ('2012-10-17', '2008-10-17'):
        raise ModuleFailure("%s: Version must be '2012-10-17', got %r" % (field, version))
    return value


def _check_statement(stmt, where, bucket_policy):
    if not isinstance(stmt, dict):
        raise ModuleFailure('%s must be a mapping, got %s' % (where, type(stmt).__name__))
    unknown = sorted(set(stmt) - _STATEMENT_KEYS)
    if unknown:
        raise ModuleFailure('%s has unknown key(s) %s' % (where, ', '.join(unknown)))
    if stmt.get('Effect') not in ('Allow', 'Deny'):
        raise ModuleFailure("%s: Effect must be 'Allow' or 'Deny', got %r" % (where, stmt.get('Effect')))
    if ('Action' in stmt) == ('NotAction' in stmt):
        raise ModuleFailure('%s needs exactly one of Action or NotAction' % where)
    if ('Resource' in stmt) == ('NotResource' in stmt):
        raise ModuleFailure('%s needs exactly one of Resource or NotResource' % where)
    _check_statement_values(stmt, where)
    if bucket_policy and 'Principal' not in stmt and 'NotPrincipal' not in stmt:
        raise ModuleFailure('%s needs a Principal: a bucket policy says whom it applies to '
                            '(for example {"AWS": ["*"]})' % where)
    if 'Condition' in stmt and not isinstance(stmt['Condition'], dict):
        raise ModuleFailure('%s: Condition must be a mapping of operator to conditions' % where)


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _check_statement_values(stmt, where):
    """Action/Resource lists hold non-empty strings; actions read 'service:action' (or '*')."""
    for key in _SET_KEYS:
        if key in stmt:
            items = _as_list(stmt[key])
            if not items or not all(isinstance(i, str) and i for i in items):
                raise ModuleFailure('%s: %s must be a non-empty string or list of strings' % (where, key))
    for key in ('Action', 'NotAction'):
        for action in _as_list(stmt.get(key)):
            if action is not None and action != '*' and ':' not in action:
                raise ModuleFailure("%s: %s %r is not 'service:action' (for example s3:GetObject)"
                                    % (where, key, action))


def canned_bucket_policy(name, bucket):
    """MinIO's anonymous-access presets (mc anonymous set none|download|upload|public) as documents."""
    bucket_arn, objects_arn = 'arn:aws:s3:::%s' % bucket, 'arn:aws:s3:::%s/*' % bucket
    anyone = {'AWS': ['*']}
    read = [
        {'Effect': 'Allow', 'Principal': anyone, 'Action': ['s3:GetBucketLocation', 's3:ListBucket'],
         'Resource': [bucket_arn]},
        {'Effect': 'Allow', 'Principal': anyone, 'Action': ['s3:GetObject'], 'Resource': [objects_arn]},
    ]
    write = [
        {'Effect': 'Allow', 'Principal': anyone,
         'Action': ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], 'Resource': [bucket_arn]},
        {'Effect': 'Allow', 'Principal': anyone,
         'Action': ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts',
                    's3:PutObject'], 'Resource': [objects_arn]},
    ]
    statements = {'private': None, 'download': read, 'upload': write, 'public': read + write}[name]
    if statements is None:
        return None
    return {'Version': '2012-10-17', 'Statement': statements}


# -- sizes ------------------------------------------------------------------------------------------
def parse_size(value, field):
    """A MinIO bucket quota in bytes: the collection's one size convention (_size.py); 0 removes the quota."""
    return _size.parse_size(value, field, zero='removes the quota')


# -- boto3 ------------------------------------------------------------------------------------------
def require_boto3():
    if not HAS_BOTO3:
        raise ModuleFailure(missing_required_lib('boto3 and botocore'), exception=BOTO3_IMPORT_ERROR)


def check_endpoint(endpoint):
    if endpoint is None:
        return None
    parts = urlsplit(endpoint)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ModuleFailure('endpoint_url must be an http:// or https:// URL such as https://minio.example.com:9000, '
                            'got %r' % endpoint)
    return endpoint.rstrip('/')


def s3_client(params):
    """A boto3 S3 client from the connection options (built once per loop by the action plugin)."""
    require_boto3()
    try:
        import boto3
        from botocore.config import Config as BotoConfig
    except ImportError:
        raise ModuleFailure(missing_required_lib('boto3'), exception=traceback.format_exc())
    endpoint = check_endpoint(params.get('endpoint_url'))
    verify = params.get('ca_path') or None
    if not params.get('validate_certs', True):
        verify = False
    session = boto3.session.Session(
        aws_access_key_id=params.get('access_key'), aws_secret_access_key=params.get('secret_key'),
        aws_session_token=params.get('session_token'), profile_name=params.get('profile'),
        region_name=params.get('region') or DEFAULT_REGION)
    config = BotoConfig(
        retries={'mode': 'standard', 'max_attempts': 5},
        s3={'addressing_style': 'path' if endpoint else 'auto'},
        signature_version='s3v4',
        connect_timeout=params.get('timeout') or 30, read_timeout=params.get('timeout') or 30,
        # S3-compatible servers do not all accept the CRC checksums botocore adds by default since 1.36.
        request_checksum_calculation='when_required', response_checksum_validation='when_required',
        user_agent_extra='maestro.platform')
    try:
        return session.client('s3', endpoint_url=endpoint, verify=verify, config=config)
    except (BotoCoreError, ValueError) as exc:
        raise ModuleFailure('Cannot build the S3 client: %s' % exc)


def error_code(exc):
    if isinstance(exc, ClientError):
        return exc.response.get('Error', {}).get('Code')
    return None


#: what the server means by the codes that say the credentials themselves are wrong (any S3 call can answer
#: them; HEAD answers carry no body, so a bare 403 may be one of these)
CREDENTIAL_ERRORS = {
    'InvalidAccessKeyId': 'the server does not know this access key; check access_key',
    'SignatureDoesNotMatch': 'the secret key does not match the access key; check secret_key',
    'InvalidToken': 'the session token is malformed or invalid; check session_token',
    'ExpiredToken': 'the session token has expired; refresh the credentials',
}


def credentials_refused(code):
    """The sentence for a credential error code, or None for other codes."""
    if code not in CREDENTIAL_ERRORS:
        return None
    return 'the server refused these credentials (%s): %s' % (code, CREDENTIAL_ERRORS[code])


#: codes of an S3 call that the server does not implement (SeaweedFS answers NotImplemented, e.g. for
#: PublicAccessBlock; others answer 501 without a code)
NOT_IMPLEMENTED = frozenset(('NotImplemented', '501'))


def client_error_message(exc, verb, what):
    """One sentence for a botocore error: 'Failed to <verb> <what>: <code>: <message>'."""
    if isinstance(exc, ClientError):
        err = exc.response.get('Error', {})
        code = err.get('Code') or exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')
        message = err.get('Message') or 'no message from the server'
        if code in CREDENTIAL_ERRORS:
            return 'Failed to %s %s: %s' % (verb, what, credentials_refused(code))
        if str(code) in NOT_IMPLEMENTED:
            return ('Failed to %s %s: this S3 server does not implement that call (%s: %s); leave the setting '
                    'out of the task for this server' % (verb, what, code, message))
        return 'Failed to %s %s: %s: %s' % (verb, what, code, message)
    if 'CERTIFICATE_VERIFY_FAILED' in str(exc) or type(exc).__name__ == 'SSLError':
        return ('Failed to %s %s: TLS certificate verification failed (%s). Give the CA bundle that signed the '
                'server certificate in ca_path (aws_ca_bundle), or set validate_certs=false only for a test '
                'server' % (verb, what, exc))
    return 'Failed to %s %s: %s' % (verb, what, exc)


# -- SigV4 (admin API) ------------------------------------------------------------------------------
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


# -- madmin payload encryption ----------------------------------------------------------------------
SALT_LEN, NONCE_LEN, TAG_LEN, PACKAGE_LEN = 32, 8, 16, 1 << 14
AEAD_AES_GCM, AEAD_CHACHA20 = 0, 1
_KEYS = {}  # (secret, salt) -> key: argon2id with 64 MiB costs ~0.1 s, so derive each key once


def require_crypto():
    if not HAS_ARGON2:
        raise ModuleFailure(missing_required_lib('argon2-cffi') + ' (MinIO admin payloads are encrypted with '
                            'an argon2id-derived key)')
    if _AEAD_BACKEND is None:
        raise ModuleFailure(missing_required_lib('cryptography or pycryptodome') + ' (AES-256-GCM for MinIO '
                            'admin payloads)')


def derive_key(secret, salt):
    cached = _KEYS.get((secret, salt))
    if cached is None:
        require_crypto()
        cached = _argon2_raw(secret=secret.encode('utf-8'), salt=salt, time_cost=1, memory_cost=65536,
                             parallelism=4, hash_len=32, type=_Argon2Type.ID, version=19)
        if len(_KEYS) > 64:
            _KEYS.clear()
        _KEYS[(secret, salt)] = cached
    return cached


class _Aead:
    def __init__(self, aead_id, key):
        self.aead_id = aead_id
        self.key = key
        if _AEAD_BACKEND == 'cryptography':
            self._impl = _AESGCM(key) if aead_id == AEAD_AES_GCM else _ChaCha(key)

    def seal(self, nonce, data, aad):
        if _AEAD_BACKEND == 'cryptography':
            return self._impl.encrypt(nonce, data, aad)
        cipher = self._new(nonce)
        cipher.update(aad)
        sealed, tag = cipher.encrypt_and_digest(data)
        return sealed + tag

    def open(self, nonce, data, aad):
        if _AEAD_BACKEND == 'cryptography':
            return self._impl.decrypt(nonce, data, aad)
        cipher = self._new(nonce)
        cipher.update(aad)
        return cipher.decrypt_and_verify(data[:-TAG_LEN], data[-TAG_LEN:])

    def _new(self, nonce):
        if self.aead_id == AEAD_AES_GCM:
            return _AES.new(self.key, _AES.MODE_GCM, nonce=nonce)
        return _ChaChaPyc.new(key=self.key, nonce=nonce)


def _channel(aead, nonce):
    """sio-go's per-stream additional data: 0x00 + the tag of an empty seal under nonce|counter 0."""
    return b'\x00' + aead.seal(nonce + b'\x00' * 4, b'', None)[-TAG_LEN:]


def encrypt_payload(data, secret, salt=None, nonce=None, aead_id=AEAD_AES_GCM):
    """Encrypt an admin request body the way madmin-go's EncryptData does."""
    require_crypto()
    salt = salt if salt is not None else _session_salt(secret)
    nonce = nonce if nonce is not None else os.urandom(NONCE_LEN)
    aead = _Aead(aead_id, derive_key(secret, salt))
    header = _channel(aead, nonce)
    chunks = [data[i:i + PACKAGE_LEN] for i in range(0, len(data), PACKAGE_LEN)] or [b'']
    out = [salt, bytes(bytearray([aead_id])), nonce]
    for seq, chunk in enumerate(chunks, 1):
        aad = (b'\x80' + header[1:]) if seq == len(chunks) else header
        out.append(aead.seal(nonce + seq.to_bytes(4, 'little'), chunk, aad))
    return b''.join(out)


_SALTS = {}


def _session_salt(secret):
    # One random salt per secret and process: the argon2id key is derived once, every message still gets
    # its own random nonce (what makes AES-GCM safe to reuse a key with).
    salt = _SALTS.get(secret)
    if salt is None:
        salt = _SALTS[secret] = os.urandom(SALT_LEN)
    return salt


class PayloadError(Exception):
    pass


def decrypt_payload(blob, secret):
    """Decrypt an admin response body encrypted with madmin-go's EncryptData."""
    require_crypto()
    head = SALT_LEN + 1 + NONCE_LEN
    if len(blob) < head + TAG_LEN:
        raise PayloadError('encrypted payload too short (%d bytes)' % len(blob))
    salt, aead_id, nonce = blob[:SALT_LEN], bytearray(blob[SALT_LEN:SALT_LEN + 1])[0], blob[SALT_LEN + 1:head]
    if aead_id not in (AEAD_AES_GCM, AEAD_CHACHA20):
        raise PayloadError('unsupported AEAD id %d in encrypted payload' % aead_id)
    aead = _Aead(aead_id, derive_key(secret, salt))
    header = _channel(aead, nonce)
    body = blob[head:]
    size = PACKAGE_LEN + TAG_LEN
    packages = [body[i:i + size] for i in range(0, len(body), size)]
    out = []
    for seq, package in enumerate(packages, 1):
        aad = (b'\x80' + header[1:]) if seq == len(packages) else header
        try:
            out.append(aead.open(nonce + seq.to_bytes(4, 'little'), package, aad))
        except Exception:  # noqa: BLE001 - InvalidTag / ValueError depending on the backend
            raise PayloadError('cannot decrypt the payload (wrong secret key or corrupted data)')
    return b''.join(out)


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
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode('utf-8')
        if encrypt and body is not None:
            body = encrypt_payload(body, secret_key)
        path = '%s%s/%s' % (self.base_path, ADMIN_PREFIX, op)
        query_string = canonical_query(query)
        headers = sigv4_headers(method, self.host, path, query_string, body, access_key, secret_key, self.region,
                                self.session_token)
        target = '%s/%s%s' % (ADMIN_PREFIX, op, ('?' + query_string) if query_string else '')
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.http.request(method, target, data=body if body is not None else None,
                                             content_type='application/octet-stream', headers=headers,
                                             expected=expected, idempotent=idempotent, binary=decrypt)
            except ApiError as exc:
                error = admin_error(exc, self.endpoint)
                if error.error_code == NOT_MINIO:
                    raise ModuleFailure(error.message, status=error.status)  # never "not found": not MinIO at all
                raise error
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
