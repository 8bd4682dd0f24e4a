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

What it does NOT do (say so wherever it is used): moto keeps buckets in memory, so the /data volume is not
written and a container restart forgets every bucket; signatures are not verified (any key is accepted);
MinIO's admin API (/minio/admin/v3) is not served.
"""

import os
import sys

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

HEALTH_PATHS = ('/minio/health/live', '/minio/health/ready', '/minio/health/cluster')


def application(backend):
    def app(environ, start_response):
        if environ.get('PATH_INFO') in HEALTH_PATHS:
            start_response('200 OK', [('Content-Length', '0'), ('Server', 'maestro-standin-s3')])
            return [b'']
        return backend(environ, start_response)
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
    run_simple('0.0.0.0', port, application(DomainDispatcherApplication(create_backend_app)), threaded=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
