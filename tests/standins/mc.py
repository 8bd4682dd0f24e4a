# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""maestro-standin-s3's `mc`: only `mc ready local`, the health check the minio role configures (as on the
official MinIO image, which ships mc for it). Anything else is refused, so nobody mistakes this for mc.
Installed as /usr/bin/mc by a two-line shell wrapper (scripts/build-platform-images.sh)."""
import sys
import urllib.request

if sys.argv[1:] != ['ready', 'local']:
    sys.stderr.write('maestro-standin-s3: this mc only answers "mc ready local"\n')
    sys.exit(2)
try:
    with urllib.request.urlopen('http://127.0.0.1:9000/minio/health/ready', timeout=3) as resp:
        sys.exit(0 if resp.status == 200 else 1)
except OSError:
    sys.exit(1)
