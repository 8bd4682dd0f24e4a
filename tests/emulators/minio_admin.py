# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""An emulator of MinIO's admin API (/minio/admin/v3) in front of a real S3 server (test support).

MinIO's server cannot run on our machines (no binary; AGPL) and has no OpenAPI description, so this
emulator follows the server's handlers (cmd/admin-handlers-users.go, cmd/admin-bucket-handlers.go of
minio/minio, read as reference) for the calls the minio_* modules make:

- Every admin request must carry a valid AWS Signature Version 4 (service ``s3``) from a known, enabled
  account, with X-Amz-Content-Sha256 matching the body and X-Amz-Date within 15 minutes, as MinIO
  checks it. The signature is recomputed with botocore's signer (an implementation independent of
  plugins/module_utils/_minio_admin.py); minio-py's MinioAdmin is accepted too (tests prove it).
- Encrypted payloads are decrypted exactly as MinIO does (madmin-go DecryptData: argon2id key from the
  caller's secret key, sio-go packages of 16 KiB sealed with AES-256-GCM or ChaCha20-Poly1305, the last
  one marked by 0x80 in its additional data), implemented here with pycryptodome; a body that does not
  decrypt is answered 400 XMinioAdminConfigBadJSON like MinIO. Encrypted responses (list-users,
  attach/detach) are encrypted the same way with the caller's secret key and, like MinIO's, sent as
  Content-Type application/json (writeSuccessResponseJSON), so a client must not parse them as JSON.
- Errors are MinIO's JSON error documents {"Code", "Message", "Resource", "RequestId", "HostId"} with
  MinIO's status codes; add-user and attach/detach refuse a body without Content-Length, attach/detach a
  Content-Type other than application/octet-stream; canned policies are re-serialised the way MinIO
  returns them (keys in MinIO's order, actions and resources as sorted lists), so a client must compare
  policies as data.
- Everything that is not /minio/admin/ is forwarded byte for byte to the S3 server behind it (moto), so
  one endpoint serves S3 and admin calls like a MinIO server; set-bucket-quota checks the bucket there.

Known simplifications: one root account; no groups, service accounts, LDAP or site replication;
accountinfo returns only AccountName/Policy/Buckets.
"""

import datetime
import hashlib
import http.client
import json
import os
import threading
import uuid
from collections import Counter, namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from argon2.low_level import Type, hash_secret_raw
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from Crypto.Cipher import AES, ChaCha20_Poly1305

PREFIX = '/minio/admin/v3/'
BUILTIN_POLICIES = {
    'readwrite': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:*'],
                                                          'Resource': ['arn:aws:s3:::*']}]},
    'readonly': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
                                                         'Action': ['s3:GetBucketLocation', 's3:GetObject'],
                                                         'Resource': ['arn:aws:s3:::*']}]},
    'writeonly': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:PutObject'],
                                                          'Resource': ['arn:aws:s3:::*']}]},
}
Write = namedtuple('Write', 'method op query body status')


class AdminError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# -- madmin payload format, as MinIO's server decrypts and encrypts it --------------------------------
def _key(secret, salt):
    return hash_secret_raw(secret=secret.encode(), salt=salt, time_cost=1, memory_cost=65536, parallelism=4,
                           hash_len=32, type=Type.ID, version=19)


def _cipher(aead_id, key, nonce):
    if aead_id == 0:
        return AES.new(key, AES.MODE_GCM, nonce=nonce)
    if aead_id == 1:
        return ChaCha20_Poly1305.new(key=key, nonce=nonce)
    raise ValueError('unknown AEAD id %d' % aead_id)


def madmin_decrypt(blob, secret):
    if len(blob) < 41 + 16:
        raise ValueError('payload too short')
    salt, aead_id, nonce = blob[:32], blob[32], blob[33:41]
    key = _key(secret, salt)
    additional = b'\x00' + _cipher(aead_id, key, nonce + b'\x00' * 4).digest()
    body = blob[41:]
    packages = [body[i:i + 16384 + 16] for i in range(0, len(body), 16384 + 16)]
    plain = b''
    for seq, package in enumerate(packages, 1):
        cipher = _cipher(aead_id, key, nonce + seq.to_bytes(4, 'little'))
        cipher.update(b'\x80' + additional[1:] if seq == len(packages) else additional)
        plain += cipher.decrypt_and_verify(package[:-16], package[-16:])
    return plain


def madmin_encrypt(plain, secret, salt=None):
    salt, nonce = salt or os.urandom(32), os.urandom(8)
    key = _key(secret, salt)
    additional = b'\x00' + _cipher(0, key, nonce + b'\x00' * 4).digest()
    chunks = [plain[i:i + 16384] for i in range(0, len(plain), 16384)] or [b'']
    out = salt + b'\x00' + nonce
    for seq, chunk in enumerate(chunks, 1):
        cipher = _cipher(0, key, nonce + seq.to_bytes(4, 'little'))
        cipher.update(b'\x80' + additional[1:] if seq == len(chunks) else additional)
        sealed, tag = cipher.encrypt_and_digest(chunk)
        out += sealed + tag
    return out


# -- policies as MinIO stores and returns them ------------------------------------------------------
def _as_list(value):
    return value if isinstance(value, list) else [value]


def minio_policy_form(doc):
    """Parse like MinIO's policy.ParseConfig and marshal like it: fixed key order, sorted sets."""
    if not isinstance(doc, dict) or not isinstance(doc.get('Statement'), (list, dict)):
        raise AdminError(400, 'MalformedPolicy', 'Policy has invalid resource.')
    if doc.get('Version') != '2012-10-17':
        raise AdminError(400, 'XMinioAdminPolicyInvalidVersion', 'Invalid policy version: only 2012-10-17 '
                                                                 'is supported.')
    statements = []
    for stmt in _as_list(doc['Statement']):
        if not isinstance(stmt, dict) or stmt.get('Effect') not in ('Allow', 'Deny'):
            raise AdminError(400, 'MalformedPolicy', 'invalid Effect in policy statement')
        out = {}
        if stmt.get('Sid'):
            out['Sid'] = stmt['Sid']
        out['Effect'] = stmt['Effect']
        for key in ('Action', 'NotAction', 'Resource', 'NotResource'):
            if key in stmt:
                out[key] = sorted(set(_as_list(stmt[key])))
        if not (out.get('Action') or out.get('NotAction')):
            raise AdminError(400, 'MalformedPolicy', 'policy statement has no Action')
        if 'Condition' in stmt:
            out['Condition'] = dict((op, dict((k, _as_list(v)) for k, v in conds.items()))
                                    for op, conds in stmt['Condition'].items())
        if out not in statements:
            statements.append(out)
    result = {'Version': doc['Version'], 'Statement': statements}
    if doc.get('Id'):
        result = {'ID': doc['Id'], 'Version': doc['Version'], 'Statement': statements}
    return result


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class MinioAdminEmulator:
    """Start with MinioAdminEmulator(s3_url, root_access_key, root_secret_key).start() -> base URL."""

    def __init__(self, s3_url, root_access_key, root_secret_key, region='us-east-1'):
        self.s3 = urlsplit(s3_url)
        self.root = (root_access_key, root_secret_key)
        self.region = region
        self.lock = threading.RLock()
        self.reset()
        self.server = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.users = {}
            self.policies = dict((k, {'policy': v, 'created': _now()}) for k, v in BUILTIN_POLICIES.items())
            self.quotas = {}
            self.writes = []
            self.requests = Counter()
            self.signature_failures = []

    def start(self):
        emulator = self

        class Handler(_Handler):
            pass
        Handler.emulator = emulator
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        return self.url

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def admin_count(self, op=None):
        return sum(n for key, n in self.requests.items() if key.startswith('admin') and (op is None or key.endswith(op)))

    # -- authentication -------------------------------------------------------------------------------
    def _secret_for(self, access_key):
        if access_key == self.root[0]:
            return self.root[1], True
        user = self.users.get(access_key)
        if user is None:
            raise AdminError(403, 'InvalidAccessKeyId',
                             'The Access Key Id you provided does not exist in our records.')
        if user['status'] != 'enabled':
            raise AdminError(403, 'InvalidAccessKeyId', 'Your account is disabled; please contact your '
                                                        'administrator.')
        return user['secret'], False

    def authenticate(self, method, path, query, headers, body):
        auth = headers.get('authorization', '')
        if not auth.startswith('AWS4-HMAC-SHA256 '):
            raise AdminError(403, 'AccessDenied', 'Access Denied.')
        fields = dict(part.strip().split('=', 1) for part in auth[len('AWS4-HMAC-SHA256 '):].split(','))
        credential = fields.get('Credential', '').split('/')
        if len(credential) != 5 or credential[3] != 's3' or credential[4] != 'aws4_request':
            raise AdminError(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.')
        access_key, date, region = credential[0], credential[1], credential[2]
        secret, is_root = self._secret_for(access_key)
        if region != self.region:
            raise AdminError(400, 'AuthorizationHeaderMalformed',
                             "the region '%s' is wrong; expecting '%s'" % (region, self.region))
        amz_date = headers.get('x-amz-date', '')
        try:
            when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ').replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            raise AdminError(403, 'AccessDenied', 'X-Amz-Date is missing or malformed')
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900 or amz_date[:8] != date:
            raise AdminError(403, 'RequestTimeTooSkewed',
                             'The difference between the request time and the server time is too large.')
        if headers.get('x-amz-content-sha256') != hashlib.sha256(body).hexdigest():
            raise AdminError(400, 'XAmzContentSHA256Mismatch',
                             'The provided x-amz-content-sha256 header does not match what was computed.')
        signed = fields.get('SignedHeaders', '').split(';')
        if 'host' not in signed or 'x-amz-date' not in signed or 'x-amz-content-sha256' not in signed:
            raise AdminError(403, 'AccessDenied', 'host, x-amz-date and x-amz-content-sha256 must be signed')
        url = 'http://%s%s%s' % (headers.get('host'), path, ('?' + query) if query else '')
        request = AWSRequest(method=method, url=url, data=body,
                             headers=dict((h, headers.get(h, '')) for h in signed))
        request.context['timestamp'] = amz_date
        signer = S3SigV4Auth(Credentials(access_key, secret), 's3', region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if expected != fields.get('Signature'):
            self.signature_failures.append((method, path, access_key))
            raise AdminError(403, 'SignatureDoesNotMatch',
                             'The request signature we calculated does not match the signature you provided. '
                             'Check your key and signing method.')
        return access_key, secret, is_root

    # -- dispatch ---------------------------------------------------------------------------------------
    def handle_admin(self, method, path, query_string, headers, body):
        op = path[len(PREFIX):]
        self.requests['admin %s %s' % (method, op)] += 1
        query = dict((k, v[0]) for k, v in parse_qs(query_string, keep_blank_values=True).items())
        with self.lock:
            access_key, secret, is_root = self.authenticate(method, path, query_string, headers, body)
            handler = getattr(self, 'op_' + op.replace('/', '_').replace('-', '_'), None)
            if handler is None:
                raise AdminError(400, 'XMinioAdminInvalidArgument', 'unsupported admin call %s' % op)
            if op != 'accountinfo' and not is_root:
                raise AdminError(403, 'AccessDenied', 'Access Denied.')
            self.call = {'method': method, 'query': query, 'headers': headers, 'body': body,
                         'secret': secret, 'access_key': access_key}
            status, payload = handler(method, query, body)
            if method not in ('GET', 'HEAD'):
                self.writes.append(Write(method, op, query, self._loggable(op, body, secret), status))
            return status, payload

    def _loggable(self, op, body, secret):
        if op in ('add-user', 'idp/builtin/policy/attach', 'idp/builtin/policy/detach'):
            data = json.loads(madmin_decrypt(body, secret))
            if 'secretKey' in data:
                data['secretKey'] = '<%d characters>' % len(data['secretKey'])
            return data
        try:
            return json.loads(body) if body else None
        except ValueError:
            return body

    def _method(self, *allowed):
        if self.call['method'] not in allowed:
            raise AdminError(405, 'MethodNotAllowed',
                             'The specified method is not allowed against this resource.')

    def _decrypt_body(self, bad_code='XMinioAdminConfigBadJSON'):
        if 'content-length' not in self.call['headers']:
            raise AdminError(400, 'XMinioAdminConfigTooLarge', 'Configuration data provided exceeds the '
                                                               'allowed maximum of 256KiB')
        try:
            return json.loads(madmin_decrypt(self.call['body'], self.call['secret']))
        except Exception:  # noqa: BLE001 - MinIO answers any decryption/JSON failure the same way
            raise AdminError(400, bad_code, 'JSON configuration provided is of incorrect format')

    def _user(self, name):
        user = self.users.get(name)
        if user is None:
            raise AdminError(404, 'XMinioAdminNoSuchUser', 'The specified user does not exist.')
        return user

    # -- users ------------------------------------------------------------------------------------------
    def op_accountinfo(self, method, query, body):
        policies = self.users[self.call['access_key']]['policies'] if self.call['access_key'] in self.users else []
        return 200, {'AccountName': self.call['access_key'], 'Policy': {'Names': policies}, 'Buckets': []}

    def op_add_user(self, method, query, body):
        self._method('PUT')
        name = query.get('accessKey', '')
        if name == self.root[0]:
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Invalid arguments specified.')
        request = self._decrypt_body()
        if len(name) < 3 or '=' in name or ',' in name or name != name.strip():
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Access key length should be at least 3, and '
                                                                "may not contain '=' or ','")
        secret = request.get('secretKey') or ''
        if len(secret) < 8:
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Secret key length should be at least 8')
        status = request.get('status') or 'enabled'
        if status not in ('enabled', 'disabled'):
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Invalid arguments specified.')
        user = self.users.setdefault(name, {'policies': []})
        user.update(secret=secret, status=status, updated=_now())
        return 200, None

    def op_user_info(self, method, query, body):
        self._method('GET')
        user = self._user(query.get('accessKey', ''))
        info = {'status': user['status'], 'updatedAt': user['updated']}
        if user['policies']:
            info['policyName'] = ','.join(user['policies'])
        return 200, info

    def op_list_users(self, method, query, body):
        users = {}
        for name, user in self.users.items():
            users[name] = {'status': user['status']}
            if user['policies']:
                users[name]['policyName'] = ','.join(user['policies'])
        return 200, madmin_encrypt(json.dumps(users).encode(), self.call['secret'])

    def op_remove_user(self, method, query, body):
        self._method('DELETE')
        name = query.get('accessKey', '')
        self._user(name)
        del self.users[name]
        return 200, None

    def op_set_user_status(self, method, query, body):
        self._method('PUT')
        user = self._user(query.get('accessKey', ''))
        if query.get('status') not in ('enabled', 'disabled'):
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Invalid arguments specified.')
        user.update(status=query['status'], updated=_now())
        return 200, None

    # -- canned policies -------------------------------------------------------------------------------
    def op_add_canned_policy(self, method, query, body):
        self._method('PUT')
        name = query.get('name', '')
        if not name or ',' in name:
            raise AdminError(400, 'XMinioAdminResourceInvalidArgument', 'Policy name may not contain comma')
        try:
            doc = json.loads(body)
        except ValueError:
            raise AdminError(400, 'MalformedPolicy', 'Policy has invalid JSON')
        stored = self.policies.get(name)
        self.policies[name] = {'policy': minio_policy_form(doc),
                               'created': stored['created'] if stored else _now()}
        return 200, None

    def op_info_canned_policy(self, method, query, body):
        self._method('GET')
        entry = self.policies.get(query.get('name', ''))
        if entry is None:
            raise AdminError(404, 'XMinioAdminNoSuchPolicy', 'The canned policy does not exist.')
        if query.get('v') == '2':
            return 200, {'PolicyName': query['name'], 'Policy': entry['policy'], 'CreateDate': entry['created'],
                         'UpdateDate': entry['created']}
        return 200, entry['policy']

    def op_list_canned_policies(self, method, query, body):
        return 200, dict((k, v['policy']) for k, v in self.policies.items())

    def op_remove_canned_policy(self, method, query, body):
        self._method('DELETE')
        name = query.get('name', '')
        if name not in self.policies:
            raise AdminError(404, 'XMinioAdminNoSuchPolicy', 'The canned policy does not exist.')
        users = sorted(u for u, info in self.users.items() if name in info['policies'])
        if users:
            raise AdminError(400, 'XMinioAdminPolicyInUse', 'Specified policy is in use and cannot be deleted.')
        del self.policies[name]
        return 200, None

    def op_idp_builtin_policy_attach(self, method, query, body):
        return self._attach_detach(True)

    def op_idp_builtin_policy_detach(self, method, query, body):
        return self._attach_detach(False)

    def _attach_detach(self, attach):
        self._method('POST')
        if self.call['headers'].get('content-type') != 'application/octet-stream':
            raise AdminError(400, 'BadRequest', '400 BadRequest')
        request = self._decrypt_body()
        policies = request.get('policies') or []
        if not policies or bool(request.get('user')) == bool(request.get('group')):
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Invalid arguments specified.')
        if request.get('group'):
            raise AdminError(404, 'XMinioAdminNoSuchGroup', 'The specified group does not exist.')
        user = self._user(request['user'])
        if attach:
            missing = [p for p in policies if p not in self.policies]
            if missing:
                raise AdminError(404, 'XMinioAdminNoSuchPolicy', 'The canned policy does not exist.')
            changed = [p for p in policies if p not in user['policies']]
            user['policies'] = user['policies'] + changed
        else:
            changed = [p for p in policies if p in user['policies']]
            user['policies'] = [p for p in user['policies'] if p not in changed]
        if not changed:
            raise AdminError(400, 'XMinioAdminPolicyChangeAlreadyApplied',
                             'The specified policy change is already in effect.')
        user['updated'] = _now()
        key = 'policiesAttached' if attach else 'policiesDetached'
        answer = {key: changed, 'updatedAt': user['updated']}
        return 200, madmin_encrypt(json.dumps(answer).encode(), self.call['secret'])

    # -- quotas -----------------------------------------------------------------------------------------
    def _bucket_exists(self, bucket):
        conn = http.client.HTTPConnection(self.s3.hostname, self.s3.port, timeout=10)
        try:
            conn.request('HEAD', '/%s' % bucket)
            return conn.getresponse().status == 200
        finally:
            conn.close()

    def op_set_bucket_quota(self, method, query, body):
        self._method('PUT')
        bucket = query.get('bucket', '')
        if not self._bucket_exists(bucket):
            raise AdminError(404, 'NoSuchBucket', 'The specified bucket does not exist')
        try:
            quota = json.loads(body)
        except ValueError:
            raise AdminError(400, 'XMinioAdminConfigBadJSON', 'JSON configuration provided is of incorrect format')
        size = quota.get('size') or quota.get('quota') or 0
        if size and quota.get('quotatype') not in ('hard',):
            raise AdminError(400, 'XMinioAdminInvalidArgument', 'Invalid quota type: only hard quota is '
                                                                'supported')
        self.quotas[bucket] = {'quota': size, 'size': size, 'rate': 0, 'requests': 0}
        if quota.get('quotatype'):
            self.quotas[bucket]['quotatype'] = quota['quotatype']
        return 200, None

    def op_get_bucket_quota(self, method, query, body):
        self._method('GET')
        bucket = query.get('bucket', '')
        if not self._bucket_exists(bucket):
            raise AdminError(404, 'NoSuchBucket', 'The specified bucket does not exist')
        if bucket not in self.quotas:
            raise AdminError(404, 'XMinioAdminNoSuchQuotaConfiguration', 'The quota configuration does not exist')
        return 200, self.quotas[bucket]


HOP_BY_HOP = frozenset(('connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te',
                        'trailer'))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    emulator = None

    def log_message(self, format, *args):  # noqa: A002 - silence the access log
        pass

    def _body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            data = b''
            while True:
                size = int(self.rfile.readline().strip().split(b';')[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _dispatch(self):
        parts = urlsplit(self.path)
        body = self._body()
        if parts.path.startswith(PREFIX):
            self._admin(parts, body)
        else:
            self._proxy(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _dispatch

    def _admin(self, parts, body):
        emulator = self.emulator
        headers = dict((k.lower(), v) for k, v in self.headers.items())
        request_id = uuid.uuid4().hex[:16].upper()
        try:
            status, payload = emulator.handle_admin(self.command, parts.path, parts.query, headers, body)
        except AdminError as exc:
            status = exc.status
            payload = {'Code': exc.code, 'Message': exc.message, 'Resource': parts.path,
                       'RequestId': request_id, 'HostId': 'emulator'}
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        data = payload or b''
        self.send_response(status)
        if data:
            # MinIO writes the admin answers emulated here with writeSuccessResponseJSON, encrypted ones too:
            # application/json over bytes that are not JSON. A body-less answer has no Content-Type.
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('X-Amz-Request-Id', request_id)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    def _proxy(self, body):
        emulator = self.emulator
        emulator.requests['s3 %s' % self.command] += 1
        conn = http.client.HTTPConnection(emulator.s3.hostname, emulator.s3.port, timeout=60)
        try:
            headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP)
            headers['Content-Length'] = str(len(body))
            conn.request(self.command, self.path, body=body if body else None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for key, value in resp.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() not in ('content-length', 'server', 'date'):
                    self.send_header(key, value)
            if self.command == 'HEAD':
                self.send_header('Content-Length', resp.getheader('Content-Length', '0'))
            else:
                self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)
        finally:
            conn.close()
