# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""maestro-standin-s3: moto's S3 API where the minio role expects a MinIO server (test support, not shipped).

MinIO cannot run on our machines (no image, and its server is not to be built here), so the minio role's
container path is exercised with this stand-in image. It behaves like the official MinIO image only where the
roles depend on it:
- the S3 API on port 9000 (moto 5, path-style and virtual-host requests),
- GET/HEAD /minio/health/live and /minio/health/ready answer 200 (the health check the role configures),
- MINIO_ROOT_USER / MINIO_ROOT_PASSWORD are required at start (MinIO refuses to start without them, and
  refuses a password shorter than 8 characters); they are the only credentials printed nowhere.
- MinIO's Prometheus metrics v2 (/minio/v2/metrics/cluster and /minio/v2/metrics/bucket), outside the S3 API:
  a subset of the metric names MinIO documents (minio/minio docs/metrics/prometheus/list.md), with values
  from this stand-in's real state: capacity of the /data file system (statvfs), object counts and sizes of
  moto's buckets (every version), and the S3 requests this process served (by a coarse api name, 5xx
  answers counted). Access as MinIO checks it: a bearer JWT as `mc admin prometheus generate` makes it
  (HS512, issuer "prometheus", subject the root user, signed with the root password, not expired), or no
  credentials with MINIO_PROMETHEUS_AUTH_TYPE=public.

What it does NOT do (say so wherever it is used): moto keeps buckets in memory, so the /data volume is not
written and a container restart forgets every bucket; signatures are not verified (any key is accepted);
MinIO's admin API (/minio/admin/v3) is not served, so no bucket has a quota and minio_bucket_quota_total_bytes is
never served; of MinIO's metrics only the subset above is.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

HEALTH_PATHS = ('/minio/health/live', '/minio/health/ready', '/minio/health/cluster')
METRICS_PATHS = {'/minio/v2/metrics/cluster': 'cluster', '/minio/v2/metrics/bucket': 'bucket'}
DATA_DIR = os.environ.get('MINIO_STANDIN_DATA', '/data')

_requests = {}  # api -> [total, 5xx]
_requests_lock = threading.Lock()


def _b64url(data):
    return base64.urlsafe_b64decode(data + '=' * (-len(data) % 4))


def metrics_token_ok(header, access_key, secret_key, now=None):
    """A bearer JWT as `mc admin prometheus generate` makes it, for this server's root credentials."""
    scheme, _sep, token = (header or '').partition(' ')
    parts = token.strip().split('.')
    if scheme.lower() != 'bearer' or len(parts) != 3:
        return False
    try:
        head, claims = json.loads(_b64url(parts[0])), json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
    except ValueError:
        return False
    expected = hmac.new(secret_key.encode(), ('%s.%s' % (parts[0], parts[1])).encode(), hashlib.sha512).digest()
    return (head.get('alg') == 'HS512' and hmac.compare_digest(signature, expected)
            and claims.get('iss') == 'prometheus' and claims.get('sub', claims.get('accessKey')) == access_key
            and float(claims.get('exp', 0)) > (now or time.time()))


def _api_name(method, path):
    """A coarse S3 API name (MinIO labels requests by API: getobject, putobject, ...)."""
    depth = len([p for p in path.split('/') if p])
    noun = {0: 'buckets', 1: 'bucket'}.get(depth, 'object')
    verb = {'GET': 'get', 'PUT': 'put', 'HEAD': 'head', 'DELETE': 'delete', 'POST': 'post'}.get(method, method.lower())
    return 'listbuckets' if depth == 0 else ('listobjectsv2' if (noun, verb) == ('bucket', 'get') else verb + noun)


def _buckets():
    """{bucket: (bytes, objects)} from moto's state, every version counted."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    out = {}
    backend = s3_backends[DEFAULT_ACCOUNT_ID]['aws']
    for name, bucket in list(backend.buckets.items()):
        size = count = 0
        for _key, versions in bucket.keys.iterlists():
            for version in versions:
                if getattr(version, 'size', None) is not None:
                    size += version.size
                    count += 1
        out[name] = (size, count)
    return out


def _family(lines, name, kind, help_text, samples):
    lines.append('# HELP %s %s' % (name, help_text))
    lines.append('# TYPE %s %s' % (name, kind))
    for labels, value in samples:
        shown = ','.join('%s="%s"' % item for item in sorted(labels.items()))
        lines.append('%s%s %s' % (name, '{%s}' % shown if shown else '', repr(float(value))))


def metrics_text(which, server):
    lines = []
    node = {'server': server}
    buckets = _buckets()
    if which == 'cluster':
        fs = os.statvfs(DATA_DIR if os.path.isdir(DATA_DIR) else '/')
        total, free = fs.f_blocks * fs.f_frsize, fs.f_bavail * fs.f_frsize
        for kind in ('raw', 'usable'):
            _family(lines, 'minio_cluster_capacity_%s_total_bytes' % kind, 'gauge',
                    'Total %scapacity online in the cluster.' % ('usable ' if kind == 'usable' else ''), [(node, total)])
            _family(lines, 'minio_cluster_capacity_%s_free_bytes' % kind, 'gauge',
                    'Total free %scapacity online in the cluster.' % ('usable ' if kind == 'usable' else ''),
                    [(node, free)])
        _family(lines, 'minio_cluster_usage_total_bytes', 'gauge', 'Total cluster usage in bytes',
                [(node, sum(b for b, _c in buckets.values()))])
        _family(lines, 'minio_cluster_usage_object_total', 'gauge', 'Total number of objects in a cluster',
                [(node, sum(c for _b, c in buckets.values()))])
        _family(lines, 'minio_cluster_nodes_online_total', 'gauge', 'Total number of MinIO nodes online.', [(node, 1)])
        _family(lines, 'minio_cluster_nodes_offline_total', 'gauge', 'Total number of MinIO nodes offline.',
                [(node, 0)])
        with _requests_lock:
            seen = sorted(_requests.items())
        _family(lines, 'minio_s3_requests_total', 'counter', 'Total number S3 requests',
                [(dict(node, api=api), n[0]) for api, n in seen])
        _family(lines, 'minio_s3_requests_5xx_errors_total', 'counter', 'Total number S3 requests with (5xx) errors',
                [(dict(node, api=api), n[1]) for api, n in seen])
    else:
        _family(lines, 'minio_bucket_usage_total_bytes', 'gauge', 'Total bucket size in bytes',
                [(dict(node, bucket=b), size) for b, (size, _c) in sorted(buckets.items())])
        _family(lines, 'minio_bucket_usage_object_total', 'gauge', 'Total number of objects',
                [(dict(node, bucket=b), count) for b, (_s, count) in sorted(buckets.items())])
    return '\n'.join(lines) + '\n'


def application(backend, access_key='', secret_key='', public_metrics=False, server='127.0.0.1:9000'):
    def app(environ, start_response):
        path = environ.get('PATH_INFO') or '/'
        if path in HEALTH_PATHS:
            start_response('200 OK', [('Content-Length', '0'), ('Server', 'maestro-standin-s3')])
            return [b'']
        if path in METRICS_PATHS:
            if not public_metrics and not metrics_token_ok(environ.get('HTTP_AUTHORIZATION'), access_key, secret_key):
                body = json.dumps({'Code': 'AccessDenied', 'Message': 'Access Denied.'}).encode()
                start_response('403 Forbidden', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
                return [body]
            body = metrics_text(METRICS_PATHS[path], server).encode()
            start_response('200 OK', [('Content-Type', 'text/plain; version=0.0.4; charset=utf-8'),
                                      ('Content-Length', str(len(body)))])
            return [body]
        api = _api_name(environ.get('REQUEST_METHOD', 'GET'), path)
        seen = {}

        def counting_start_response(status, headers, exc_info=None):
            seen['status'] = int(status.split()[0])
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        result = backend(environ, counting_start_response)
        with _requests_lock:
            counts = _requests.setdefault(api, [0, 0])
            counts[0] += 1
            counts[1] += 1 if seen.get('status', 200) >= 500 else 0
        return result
    return app


def main():  # command line ("server /data ...", as MinIO takes it) is accepted and ignored
    user = os.environ.get('MINIO_ROOT_USER', '')
    password = os.environ.get('MINIO_ROOT_PASSWORD', '')
    if not user or len(password) < 8:
        sys.stderr.write('maestro-standin-s3: MINIO_ROOT_USER and MINIO_ROOT_PASSWORD (8+ characters) are '
                         'required, as for MinIO; there is no default\n')
        return 1
    port = int(os.environ.get('MINIO_PORT', '9000'))
    os.environ.setdefault('MOTO_PORT', str(port))
    sys.stderr.write('maestro-standin-s3: moto S3 API on 0.0.0.0:%d (NOT MinIO: in-memory, no signature '
                     'checks, no admin API)\n' % port)
    public = os.environ.get('MINIO_PROMETHEUS_AUTH_TYPE', 'jwt').lower() == 'public'
    app = application(DomainDispatcherApplication(create_backend_app), user, password, public,
                      '%s:%d' % (os.environ.get('HOSTNAME', '127.0.0.1'), port))
    run_simple('0.0.0.0', port, app, threaded=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
