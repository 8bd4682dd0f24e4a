# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the S3 / MinIO helpers of maestro.platform. Not a public API; it may change at any time.
"""S3 through boto3 for the minio_* modules, and the storage family's one error mapping.

- S3 bucket naming rules, quota sizes, a value's shape in words, canonical JSON.
- A boto3 S3 client factory and one sentence per botocore error.
- storage_call / storage_errors / storage_failure: every boto3 call and every MinIO admin API call of the
  family goes through them (amazon.aws's error-handler idea, module_utils/errors.py AWSErrorHandler): the
  codes that mean "does not exist" become None, codes with a sentence of their own become that sentence, and
  any other error one ModuleFailure "Failed to <verb> <what>: <reason>" carrying the server's error code.

Policy documents are in _s3_policy.py, MinIO's admin API in _minio_admin.py and its payload encryption in
_minio_crypto.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import ipaddress
import json
import re
import traceback

from urllib.parse import urlsplit

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
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


# -- the storage family's one error mapping -----------------------------------------------------------------
def failure_code(exc):
    """The code the server gave: a ClientError's error code, an admin API error's code, else None."""
    if isinstance(exc, ApiError):
        return exc.error_code
    return error_code(exc)


def storage_failure(exc, verb, what, message=None):
    """The one ModuleFailure for an error of a storage call: 'Failed to <verb> <what>: <reason>' (or message),
    carrying the server's error code when it gave one and the HTTP status of an admin API answer."""
    extra = {'status': exc.status} if isinstance(exc, ApiError) else {}
    code = failure_code(exc)
    if code is not None:
        extra['error_code'] = code
    if message is None:
        message = ('Failed to %s %s: %s' % (verb, what, exc.message) if isinstance(exc, ApiError)
                   else client_error_message(exc, verb, what))
    return ModuleFailure(message, **extra)


def storage_call(verb, what, func, *args, absent=(), messages=None, **kwargs):
    """func(*args, **kwargs) under the one error mapping: None when the server's code (or an admin API answer's
    HTTP status, as a string) is in absent, the sentence messages[code] for a code that has one, else
    storage_failure."""
    try:
        return func(*args, **kwargs)
    except (ClientError, BotoCoreError, ApiError) as exc:
        code = failure_code(exc)
        status = str(exc.status) if isinstance(exc, ApiError) else None
        if code in absent or status in absent:
            return None
        raise storage_failure(exc, verb, what, (messages or {}).get(code))


@contextlib.contextmanager
def storage_errors(verb, what):
    """The same mapping for a block of calls (a paginated listing and its deletes)."""
    try:
        yield
    except (ClientError, BotoCoreError, ApiError) as exc:
        raise storage_failure(exc, verb, what)
