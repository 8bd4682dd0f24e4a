"""Benchmark (not a test): converge a 60-bucket loop (versioning + bucket policy) with
maestro.platform.minio_bucket (fast path: the action plugin runs in-process and reuses one boto3 client for
the whole loop) on two S3 servers in the same run, a fresh moto server and a fresh SeaweedFS server (`weed
mini`, a real S3 server), and with amazon.aws.s3_bucket on the moto server. Prints a table: the first run
(creates) and the steady state (a second run, nothing to change), as wall-clock seconds of the
ansible-playbook run and milliseconds per bucket.

Run from the repository root:  .venv/bin/python bench/bench_buckets.py [--buckets 60]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import run_playbook  # noqa: E402
from tests.servers import S3_KEYS, MotoS3, SeaweedFS  # noqa: E402

PLAYBOOK = """
- name: {title}
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Converge the buckets
      {module}:
        name: "{{{{ item }}}}"
{args}
      loop: "{{{{ buckets }}}}"
"""

MAESTRO_ARGS = """        endpoint_url: "{{ endpoint_url }}"
        access_key: "{{ access_key }}"
        secret_key: "{{ secret_key }}"
        versioning: enabled
        policy: "{{ policy_template | replace('BUCKET', item) }}"
"""

AMAZON_ARGS = """        endpoint_url: "{{ endpoint_url }}"
        access_key: "{{ access_key }}"
        secret_key: "{{ secret_key }}"
        region: us-east-1
        versioning: true
        policy: "{{ policy_template | replace('BUCKET', item) }}"
"""

POLICY = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'AWS': ['*']}, 'Action': ['s3:GetObject'],
     'Resource': ['arn:aws:s3:::BUCKET/public/*']}]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--buckets', type=int, default=60)
    opts = parser.parse_args()
    servers = {}
    workdir = Path(tempfile.mkdtemp(prefix='bench-buckets-'))
    rows = []
    try:
        servers['moto %s' % _moto_version()] = MotoS3().start()
        seaweedfs = servers['SeaweedFS %s' % SeaweedFS.version()] = SeaweedFS().start()
        contenders = [
            ('maestro.platform.minio_bucket (fast path)', 'maestro.platform.minio_bucket', MAESTRO_ARGS, 'm'),
            ('amazon.aws.s3_bucket', 'amazon.aws.s3_bucket', AMAZON_ARGS, 'a')]
        for server_name, server in servers.items():
            for title, module, args, tag in contenders:
                if tag == 'a' and server is seaweedfs:
                    continue  # the comparison with amazon.aws is made on one server
                path = workdir / ('%s.yml' % tag)
                path.write_text(PLAYBOOK.format(title=title, module=module, args=args))
                extra = {'endpoint_url': server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
                         'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'policy_template': POLICY,
                         'buckets': ['bench-%s-%03d' % (tag, i) for i in range(opts.buckets)]}
                for run in ('first run', 'steady state'):
                    result = run_playbook(str(path), extra_vars=extra,
                                          env={'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'true'})
                    if not result.ok:
                        raise SystemExit('%s on %s, %s failed:\n%s' % (title, server_name, run, result))
                    changed = int(result.stdout.split('changed=')[1].split()[0])
                    rows.append((title, server_name, run, result.elapsed, changed))
            listed = [b['Name'] for b in server.client().list_buckets()['Buckets'] if b['Name'].startswith('bench-')]
            assert len(listed) == opts.buckets * (1 if server is seaweedfs else 2), (server_name, len(listed))
    finally:
        for server in servers.values():
            server.stop()

    print('\n%d buckets (versioning + bucket policy), ansible-playbook wall clock, this machine (%d cores, '
          'load %.1f)\n' % (opts.buckets, os.cpu_count(), os.getloadavg()[0]))
    print('| module | server | run | total (s) | per bucket (ms) | task changed |')
    print('|---|---|---|---:|---:|---|')
    for title, server_name, run, elapsed, changed in rows:
        per_bucket = 1000 * elapsed / opts.buckets
        print('| %s | %s | %s | %.1f | %.0f | %s |' % (title, server_name, run, elapsed, per_bucket,
                                                       'yes' if changed else 'no'))


def _moto_version():
    try:
        import moto
        return moto.__version__
    except Exception:  # noqa: BLE001
        return '?'


if __name__ == '__main__':
    started = time.monotonic()
    main()
    print('\n(bench took %.0f s)' % (time.monotonic() - started))
