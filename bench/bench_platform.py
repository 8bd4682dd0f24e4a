#!/usr/bin/env python
"""Platform-scale benchmark (a script, not a test): converge a generated platform configuration of N
resources with maestro.platform, and the same configuration the way users write it today, side by side.

The configuration (for N=300): 100 Harbor resources (40 projects, 30 project members, 30 robot accounts),
60 Nexus repositories across formats and types, 60 buckets with versioning and a policy, 80 MLflow
resources (54 experiments, 26 registered models). Other N scale every part in proportion.

Servers, all started here on 127.0.0.1: the Harbor and Nexus API emulators (tests/emulators; spec
validation off for timing: it costs the emulator, not the collection), moto's S3 API behind a counting
proxy, and a real MLflow tracking server (SQLite) with its own Prometheus request counters.

Reports, median of --repeat runs: first converge, steady-state rerun, rerun in check mode, and HTTP
requests per resource in steady state (writes must be 0), for each N; then, for --baseline-n, the same
configuration as loops of ansible.builtin.uri (Harbor, Nexus, MLflow) and amazon.aws.s3_bucket.

Usage: .venv/bin/python bench/bench_platform.py [--sizes 100,300,1000] [--repeat 3] [--baseline-n 300]
"""

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.emulators.harbor import HarborEmulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulators.nexus import NexusEmulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.helpers import free_port, run_playbook  # noqa: E402  pylint: disable=wrong-import-position
from tests.servers import S3_KEYS, Mlflow, MotoS3  # noqa: E402  pylint: disable=wrong-import-position

NEXUS_KINDS = [
    {'format': 'pypi', 'type': 'hosted', 'write_policy': 'allow_once'},
    {'format': 'npm', 'type': 'hosted', 'write_policy': 'allow_once'},
    {'format': 'maven', 'type': 'hosted', 'write_policy': 'allow_once', 'maven': {'version_policy': 'release'}},
    {'format': 'raw', 'type': 'hosted', 'write_policy': 'allow'},
    {'format': 'docker', 'type': 'hosted', 'write_policy': 'allow'},
    {'format': 'pypi', 'type': 'proxy', 'remote_url': 'https://pypi.org/'},
]

COLLECTION_PLAYBOOK = """---
- name: Platform configuration with maestro.platform
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/maestro.platform.harbor: {url: "{{ harbor_url }}", username: admin, password: "{{ harbor_password }}"}
    group/maestro.platform.nexus: {url: "{{ nexus_url }}", username: admin, password: "{{ nexus_password }}"}
    group/maestro.platform.minio: {endpoint_url: "{{ s3_url }}", access_key: "{{ s3_access }}", secret_key: "{{ s3_secret }}", region: us-east-1}
    group/maestro.platform.mlflow: {tracking_uri: "{{ mlflow_url }}"}
  tasks:
    - name: Harbor projects
      maestro.platform.harbor_project: {name: "{{ item }}", public: false}
      loop: "{{ cfg.harbor_projects }}"
    - name: Harbor project members
      maestro.platform.harbor_project_member: {project: "{{ item.project }}", user: "{{ item.user }}", role: developer}
      loop: "{{ cfg.harbor_members }}"
    - name: Harbor robot accounts
      maestro.platform.harbor_robot_account:
        name: "{{ item.name }}"
        project: "{{ item.project }}"
        permissions: [{namespace: "{{ item.project }}", access: [{resource: repository, action: pull}]}]
      loop: "{{ cfg.harbor_robots }}"
    - name: Nexus repositories
      maestro.platform.nexus_repository: "{{ item }}"
      loop: "{{ cfg.nexus_repositories }}"
      loop_control: {label: "{{ item.name }}"}
    - name: Buckets
      maestro.platform.minio_bucket: {name: "{{ item }}", versioning: enabled, policy: private}
      loop: "{{ cfg.buckets }}"
    - name: MLflow experiments
      maestro.platform.mlflow_experiment: {name: "{{ item }}", tags: {managed_by: ansible}}
      loop: "{{ cfg.experiments }}"
    - name: MLflow registered models
      maestro.platform.mlflow_registered_model: {name: "{{ item }}", description: managed by ansible}
      loop: "{{ cfg.models }}"
"""

# The same configuration as users write it today: POST and accept "already exists" (uri), s3_bucket.
BASELINE_PLAYBOOK = """---
- name: Platform configuration with ansible.builtin.uri and amazon.aws.s3_bucket
  hosts: localhost
  gather_facts: false
  module_defaults:
    ansible.builtin.uri: {force_basic_auth: true, body_format: json}
  tasks:
    - name: Harbor projects
      ansible.builtin.uri:
        url: "{{ harbor_url }}/api/v2.0/projects"
        method: POST
        url_username: admin
        url_password: "{{ harbor_password }}"
        body: {project_name: "{{ item }}", metadata: {public: "false"}}
        status_code: [201, 409]
      changed_when: result.status == 201
      register: result
      loop: "{{ cfg.harbor_projects }}"
    - name: Harbor project members
      ansible.builtin.uri:
        url: "{{ harbor_url }}/api/v2.0/projects/{{ item.project }}/members"
        method: POST
        url_username: admin
        url_password: "{{ harbor_password }}"
        headers: {X-Is-Resource-Name: "true"}
        body: {role_id: 2, member_user: {username: "{{ item.user }}"}}
        status_code: [201, 409]
      changed_when: result.status == 201
      register: result
      loop: "{{ cfg.harbor_members }}"
    - name: Harbor robot accounts
      ansible.builtin.uri:
        url: "{{ harbor_url }}/api/v2.0/robots"
        method: POST
        url_username: admin
        url_password: "{{ harbor_password }}"
        body:
          name: "{{ item.name }}"
          level: project
          duration: -1
          permissions: [{kind: project, namespace: "{{ item.project }}", access: [{resource: repository, action: pull}]}]
        status_code: [201, 409]
      changed_when: result.status == 201
      register: result
      no_log: true
      loop: "{{ cfg.harbor_robots }}"
    - name: Nexus repositories
      ansible.builtin.uri:
        url: "{{ nexus_url }}/service/rest/v1/repositories/{{ item.format }}/{{ item.type }}"
        method: POST
        url_username: admin
        url_password: "{{ nexus_password }}"
        body: "{{ item.body }}"
        status_code: [201, 400]
      changed_when: result.status == 201
      register: result
      loop: "{{ cfg.nexus_uri_bodies }}"
      loop_control: {label: "{{ item.body.name }}"}
    - name: Buckets
      amazon.aws.s3_bucket:
        name: "{{ item }}"
        versioning: true
        endpoint_url: "{{ s3_url }}"
        access_key: "{{ s3_access }}"
        secret_key: "{{ s3_secret }}"
        region: us-east-1
      loop: "{{ cfg.buckets }}"
    - name: MLflow experiments
      ansible.builtin.uri:
        url: "{{ mlflow_url }}/api/2.0/mlflow/experiments/create"
        method: POST
        body: {name: "{{ item }}", tags: [{key: managed_by, value: ansible}]}
        status_code: [200, 400]
      changed_when: result.status == 200
      register: result
      loop: "{{ cfg.experiments }}"
    - name: MLflow registered models
      ansible.builtin.uri:
        url: "{{ mlflow_url }}/api/2.0/mlflow/registered-models/create"
        method: POST
        body: {name: "{{ item }}", description: managed by ansible}
        status_code: [200, 400]
      changed_when: result.status == 200
      register: result
      loop: "{{ cfg.models }}"
"""


def nexus_uri_body(repo):
    """The Nexus REST body a user would hand-write for one repository."""
    body = {'name': repo['name'], 'online': True,
            'storage': {'blobStoreName': 'default', 'strictContentTypeValidation': True}}
    if repo['type'] == 'hosted':
        body['storage']['writePolicy'] = repo['write_policy'].upper()
    else:
        body.update(proxy={'remoteUrl': repo['remote_url'], 'contentMaxAge': 1440, 'metadataMaxAge': 1440},
                    negativeCache={'enabled': True, 'timeToLive': 1440},
                    httpClient={'blocked': False, 'autoBlock': True})
    if repo['format'] == 'maven':
        body['maven'] = {'versionPolicy': 'RELEASE', 'layoutPolicy': 'STRICT'}
    if repo['format'] == 'docker':
        body['docker'] = {'v1Enabled': False, 'forceBasicAuth': True}
    return {'format': repo['format'], 'type': repo['type'], 'body': body}


def configuration(n, tag):
    """A platform configuration of about n resources, in the proportions of the issue (300 = 100/60/60/80)."""
    def part(share):
        return max(1, round(n * share / 300.0))
    projects = ['%s-proj-%04d' % (tag, i) for i in range(part(40))]
    members = [{'project': projects[i % len(projects)], 'user': 'dev%03d' % (i % 50)} for i in range(part(30))]
    robots = [{'project': projects[i % len(projects)], 'name': 'ci%04d' % i} for i in range(part(30))]
    repos = [dict(NEXUS_KINDS[i % len(NEXUS_KINDS)], name='%s-repo-%04d' % (tag, i)) for i in range(part(60))]
    cfg = {
        'harbor_projects': projects, 'harbor_members': members, 'harbor_robots': robots,
        'nexus_repositories': repos, 'nexus_uri_bodies': [nexus_uri_body(r) for r in repos],
        'buckets': ['%s-bucket-%04d' % (tag, i) for i in range(part(60))],
        'experiments': ['%s-exp-%04d' % (tag, i) for i in range(part(54))],
        'models': ['%s-model-%04d' % (tag, i) for i in range(part(26))],
    }
    cfg['count'] = sum(len(cfg[k]) for k in ('harbor_projects', 'harbor_members', 'harbor_robots',
                                             'nexus_repositories', 'buckets', 'experiments', 'models'))
    return cfg


class CountingProxy:
    """A plain reverse proxy that counts requests by method (moto keeps no request counters)."""

    def __init__(self, target_port):
        self.counts = {}
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            # The status line and headers go out in one write, the body in another: without TCP_NODELAY,
            # Nagle's algorithm and the client's delayed ACK add ~40 ms to every response (measured: 60
            # buckets took 7.5 s through the proxy, 2.0 s without it).
            disable_nagle_algorithm = True
            upstream = None  # one kept-alive connection to the S3 server per client connection

            def log_message(self, *args):
                pass

            def _forward(self):
                with proxy.lock:
                    proxy.counts[self.command] = proxy.counts.get(self.command, 0) + 1
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                if self.upstream is None:
                    self.upstream = http.client.HTTPConnection('127.0.0.1', target_port, timeout=60)
                conn = self.upstream
                headers = {k: v for k, v in self.headers.items() if k.lower() != 'connection'}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for key, value in resp.getheaders():
                    if key.lower() not in ('connection', 'transfer-encoding', 'content-length'):
                        self.send_header(key, value)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                if self.command != 'HEAD':
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(('127.0.0.1', free_port()), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return dict(self.counts)


def diff_counts(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) - before.get(k, 0)}


class Platform:
    def __init__(self, workdir):
        self.harbor_password = 'Bench1' + secrets.token_urlsafe(12)
        self.harbor = HarborEmulator(admin_password=self.harbor_password, validate=False)
        self.harbor.start()
        for i in range(50):
            self.harbor.add_user('dev%03d' % i, 'Dev1' + secrets.token_urlsafe(10))
        self.nexus = NexusEmulator(os.path.join(workdir, 'nexus'), validate=False)
        self.nexus.start()
        self.s3 = MotoS3().start()
        self.s3_proxy = CountingProxy(self.s3.port)
        self.mlflow = Mlflow(self.s3, metrics=True).start()

    def vars(self, cfg, mode=None):
        extra = {'harbor_url': self.harbor.base_url, 'harbor_password': self.harbor_password,
                 'nexus_url': self.nexus.base_url, 'nexus_password': self.nexus.admin_password,
                 's3_url': self.s3_proxy.url, 's3_access': S3_KEYS['AWS_ACCESS_KEY_ID'],
                 's3_secret': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'mlflow_url': self.mlflow.url, 'cfg': cfg}
        if mode:
            extra['maestro_platform_execution'] = mode
        return extra

    def counts(self):
        harbor = {}
        for entry in self.harbor.log:
            method = entry[0] if isinstance(entry, (tuple, list)) else getattr(entry, 'method', '?')
            harbor[method] = harbor.get(method, 0) + 1
        return {'harbor': harbor, 'nexus': {k: v for k, v in self.nexus.requests.items() if k != 'total'},
                's3': self.s3_proxy.snapshot(), 'mlflow': self.mlflow.request_counts()}

    def stop(self):
        for server in (self.mlflow, self.s3):
            server.stop()
        self.s3_proxy.server.shutdown()
        self.nexus.stop()
        self.harbor.stop()


def run(platform, playbook, cfg, check=False, mode=None):
    before = platform.counts()
    result = run_playbook(playbook, extra_vars=platform.vars(cfg, mode), check=check, timeout=3600)
    if not result.ok:
        raise SystemExit('%s failed:\n%s' % (playbook, result))
    after = platform.counts()
    requests = {svc: diff_counts(before[svc], after[svc]) for svc in before}
    total = sum(sum(v.values()) for v in requests.values())
    writes = sum(n for svc in requests.values() for m, n in svc.items() if m not in ('GET', 'HEAD'))
    changed = sum(int(x.split('=')[1]) for x in result.stdout.split() if x.startswith('changed='))
    return {'wall': result.elapsed, 'requests': total, 'writes': writes, 'changed': changed, 'detail': requests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='100,300,1000')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--baseline-n', type=int, default=300, help='0 to skip the uri/s3_bucket baseline')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',')]
    head = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=str(ROOT), capture_output=True,
                          text=True, check=False).stdout.strip()

    with tempfile.TemporaryDirectory(prefix='bench-platform-') as workdir:
        collection = os.path.join(workdir, 'collection.yml')
        baseline = os.path.join(workdir, 'baseline.yml')
        Path(collection).write_text(COLLECTION_PLAYBOOK)
        Path(baseline).write_text(BASELINE_PLAYBOOK)
        platform = Platform(workdir)
        rows, base_rows = [], []
        try:
            for n in sizes:
                cfg = configuration(n, 'n%d' % n)
                first = run(platform, collection, cfg)
                steady = [run(platform, collection, cfg) for _ in range(args.repeat)]
                check = [run(platform, collection, cfg, check=True) for _ in range(args.repeat)]
                assert all(r['changed'] == 0 and r['writes'] == 0 for r in steady + check), \
                    'steady state must change and write nothing: %s' % [r['detail'] for r in steady]
                rows.append((n, cfg['count'], first, steady, check))
            if args.baseline_n:
                cfg = configuration(args.baseline_n, 'base%d' % args.baseline_n)
                b_first = run(platform, baseline, cfg)
                b_steady = [run(platform, baseline, cfg) for _ in range(max(1, args.repeat // 2))]
                base_rows.append((args.baseline_n, cfg['count'], b_first, b_steady))
        finally:
            platform.stop()

    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    print('\nmaestro.platform, platform-scale converge (commit %s; median of %d runs; wall s incl. '
          'ansible-playbook start-up)' % (head, args.repeat))
    print('| N (resources) | first converge s | steady-state rerun s | rerun --check s | steady ms/resource '
          '| steady requests/resource | steady writes |')
    print('|---|---|---|---|---|---|---|')
    for n, count, first, steady, check in rows:
        print('| %d | %.1f | %.2f | %.2f | %.1f | %.2f | %d |' % (
            count, first['wall'], med(steady, 'wall'), med(check, 'wall'), 1000 * med(steady, 'wall') / count,
            med(steady, 'requests') / count, max(r['writes'] for r in steady)))
    for n, count, first, steady, check in rows:
        print('steady-state requests at N=%d by service: %s' % (count, json.dumps(steady[-1]['detail'])))
    for n, count, b_first, b_steady in base_rows:
        ours = [r for r in rows if r[0] == n]
        print('\nbaseline, same configuration with ansible.builtin.uri loops + amazon.aws.s3_bucket (N=%d):' % count)
        print('| run | wall s | requests/resource |')
        print('|---|---|---|')
        print('| first converge | %.1f | %.2f |' % (b_first['wall'], b_first['requests'] / count))
        print('| steady-state rerun | %.1f | %.2f |' % (med(b_steady, 'wall'), med(b_steady, 'requests') / count))
        if ours:
            speedup = med(b_steady, 'wall') / med(ours[0][3], 'wall')
            print('\nsteady-state speed-up of maestro.platform over the baseline at N=%d: %.1fx' % (count, speedup))
    print(json.dumps({'commit': head, 'rows': [(c, f['wall'], med(s, 'wall'), med(k, 'wall'),
                                                 med(s, 'requests') / c) for _, c, f, s, k in rows]}))


if __name__ == '__main__':
    main()
