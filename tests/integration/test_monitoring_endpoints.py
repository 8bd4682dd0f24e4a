"""The metrics endpoints of the emulators and stand-ins, and the credentials the monitoring role makes for them.

In-process (no containers): Nexus's /service/metrics/prometheus on the spec-validated Nexus emulator (401
without credentials, 403 for a user without nx-metrics-all, 200 for one holding it through a role, as the
monitoring role sets it up), the MinIO metrics token the role's credentials task generates (run exactly as
the role runs it) accepted by the S3 stand-in's check of MinIO's JWT rules and refused when wrong, and Harbor's
/metrics components on the Harbor emulator following its state. The REST traffic stays spec-validated
(violations are checked); the metrics endpoints are outside the specs.
"""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml

from tests.helpers import ROOT

ROLE = ROOT / 'roles' / 'monitoring'


def _get(url, user=None, password=None):
    request = urllib.request.Request(url)
    if user is not None:
        token = base64.b64encode(('%s:%s' % (user, password)).encode()).decode()
        request.add_header('Authorization', 'Basic ' + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get('WWW-Authenticate')


def _rest(url, method, path, body, admin_password):
    request = urllib.request.Request(url + '/service/rest' + path, method=method, data=json.dumps(body).encode(),
                                     headers={'Content-Type': 'application/json'})
    request.add_header('Authorization', 'Basic ' + base64.b64encode(('admin:' + admin_password).encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.status


def test_nexus_metrics_need_the_nx_metrics_all_privilege(tmp_path):
    from tests.emulators.nexus import NexusEmulator
    nexus = NexusEmulator(tmp_path / 'nexus-data')
    url = nexus.start()
    try:
        metrics = url + '/service/metrics/prometheus'
        status, challenge = _get(metrics)
        assert (status, challenge) == (401, 'BASIC realm="Sonatype Nexus Repository Manager"')
        assert _get(metrics, 'admin', 'wrong')[0] == 401
        # A user with another role only: authenticated, but forbidden.
        _rest(url, 'POST', '/v1/security/roles', {'id': 'readers', 'name': 'readers', 'privileges': ['nx-search-read'],
                                                  'roles': []}, nexus.admin_password)
        _rest(url, 'POST', '/v1/security/users', {'userId': 'reader', 'firstName': 'R', 'lastName': 'R',
                                                  'emailAddress': 'r@example.org', 'password': 'Reader-pw1',
                                                  'status': 'active', 'roles': ['readers']}, nexus.admin_password)
        assert _get(metrics, 'reader', 'Reader-pw1')[0] == 403
        # What the monitoring role creates: a role with nx-metrics-all only, and a user holding it.
        _rest(url, 'POST', '/v1/security/roles', {'id': 'maestro-metrics', 'name': 'maestro-metrics',
                                                  'privileges': ['nx-metrics-all'], 'roles': []}, nexus.admin_password)
        _rest(url, 'POST', '/v1/security/users', {'userId': 'prometheus-metrics', 'firstName': 'P', 'lastName': 'M',
                                                  'emailAddress': 'p@example.org', 'password': 'Scrape-pw1',
                                                  'status': 'active', 'roles': ['maestro-metrics']},
              nexus.admin_password)
        status, text = _get(metrics, 'prometheus-metrics', 'Scrape-pw1')
        assert status == 200 and '# TYPE jvm_memory_heap_used gauge' in text
        # ... and nothing else: the REST API refuses it.
        assert _get(url + '/service/rest/v1/security/users', 'prometheus-metrics', 'Scrape-pw1')[0] == 403
        assert _get(metrics, 'admin', nexus.admin_password)[0] == 200  # nx-all includes it
        assert nexus.violations == []
    finally:
        nexus.stop()


def _role_token(access_key, secret_key, expiry):
    """Run the role's token task the way Ansible runs it (argv and environment from tasks/credentials.yml)."""
    tasks = yaml.safe_load((ROLE / 'tasks' / 'credentials.yml').read_text())
    task = next(t for t in tasks if t['name'] == 'Credentials | MinIO metrics token')
    argv = [sys.executable] + task['ansible.builtin.command']['argv'][1:]
    env = dict(os.environ, ACCESS_KEY=access_key, SECRET_KEY=secret_key, TOKEN_EXPIRY=str(expiry))
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=True).stdout.strip()


def test_minio_metrics_token_from_the_role_is_accepted_by_the_standin():
    sys.path.insert(0, str(ROOT / 'tests' / 'standins'))
    try:
        import s3_standin
    finally:
        sys.path.pop(0)
    token = _role_token('maestro-root', 'Aa1-root-secret', 4102444800)
    assert token == _role_token('maestro-root', 'Aa1-root-secret', 4102444800)  # stable: no change on rerun
    head, claims = (json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4))) for p in token.split('.')[:2])
    assert head['alg'] == 'HS512' and claims == {'exp': 4102444800, 'sub': 'maestro-root', 'iss': 'prometheus'}
    assert s3_standin.metrics_token_ok('Bearer ' + token, 'maestro-root', 'Aa1-root-secret')
    assert not s3_standin.metrics_token_ok('Bearer ' + token, 'maestro-root', 'another-secret')
    assert not s3_standin.metrics_token_ok('Bearer ' + token, 'someone-else', 'Aa1-root-secret')
    assert not s3_standin.metrics_token_ok(None, 'maestro-root', 'Aa1-root-secret')
    expired = _role_token('maestro-root', 'Aa1-root-secret', int(time.time()) - 10)
    assert not s3_standin.metrics_token_ok('Bearer ' + expired, 'maestro-root', 'Aa1-root-secret')


def test_harbor_metrics_follow_the_emulator_state():
    from tests.emulators.harbor import HarborEmulator
    harbor = HarborEmulator(admin_password='Aa1-harbor-admin')
    harbor.start()
    address = harbor.start_metrics()
    try:
        def scrape(comp=None):
            status, text = _get('http://%s/metrics%s' % (address, '?comp=' + comp if comp else ''))
            assert status == 200
            return text
        assert 'harbor_project_quota_usage_byte{project_name="library"} 0.0' in scrape()
        harbor.seed_repository('library', 'app', artifact_count=3, size=2048)
        exporter = scrape()
        assert 'harbor_project_quota_usage_byte{project_name="library"} 2048.0' in exporter
        assert 'harbor_project_artifact_total{artifact_type="IMAGE",project_name="library",public="true"} 3.0' in exporter
        assert 'harbor_up{component="trivy"} 1.0' in exporter
        harbor.record_task('IMAGE_SCAN', 'Error', 4.0)
        jobservice = scrape('jobservice')
        assert 'harbor_jobservice_task_total{type="IMAGE_SCAN",status="Error"} 1.0' in jobservice
        assert 'harbor_jobservice_task_process_time_seconds_count{type="IMAGE_SCAN",status="Error"} 1.0' in jobservice
        _get(harbor.base_url + '/api/v2.0/ping')
        assert 'harbor_core_http_request_total{method="GET",operation="getPing"} 1.0' in scrape('core')
        assert scrape('registry') == ''  # no registry traffic here, like an idle registry
        assert _get('http://%s/nothing' % address)[0] == 404
        assert harbor.violations == []
    finally:
        harbor.stop_metrics()
        harbor.stop()


def test_standin_minio_metrics_follow_moto_state_and_need_the_token(tmp_path):
    """The S3 stand-in's WSGI app in-process: objects written through S3 show in the bucket and cluster
    metrics (every version counted), requests are counted, and the metrics need the token."""
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.test import Client
    sys.path.insert(0, str(ROOT / 'tests' / 'standins'))
    try:
        import s3_standin
    finally:
        sys.path.pop(0)
    s3_standin.DATA_DIR = str(tmp_path)
    app = s3_standin.application(DomainDispatcherApplication(create_backend_app), 'maestro-root', 'Aa1-root-secret')
    client = Client(app)
    bucket = 'monitoring-%d' % os.getpid()
    assert client.put('/%s' % bucket).status_code == 200
    assert client.put('/%s/a.txt' % bucket, data=b'x' * 100).status_code == 200
    assert client.put('/%s/b.txt' % bucket, data=b'y' * 50).status_code == 200
    assert client.get('/minio/v2/metrics/bucket').status_code == 403
    token = _role_token('maestro-root', 'Aa1-root-secret', 4102444800)
    headers = {'Authorization': 'Bearer ' + token}
    bucket_text = client.get('/minio/v2/metrics/bucket', headers=headers).get_data(as_text=True)
    assert 'minio_bucket_usage_total_bytes{bucket="%s",server="127.0.0.1:9000"} 150.0' % bucket in bucket_text
    assert 'minio_bucket_usage_object_total{bucket="%s",server="127.0.0.1:9000"} 2.0' % bucket in bucket_text
    cluster_text = client.get('/minio/v2/metrics/cluster', headers=headers).get_data(as_text=True)
    assert 'minio_s3_requests_total{api="putobject",server="127.0.0.1:9000"}' in cluster_text
    assert '# TYPE minio_cluster_capacity_usable_free_bytes gauge' in cluster_text
    public = s3_standin.application(DomainDispatcherApplication(create_backend_app), 'maestro-root',
                                    'Aa1-root-secret', public_metrics=True)
    assert Client(public).get('/minio/v2/metrics/cluster').status_code == 200
