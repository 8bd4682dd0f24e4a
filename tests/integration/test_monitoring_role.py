"""The monitoring role's files and preflight, without a container (monitoring_install: false).

The rendered prometheus.yml is checked by Debian's `promtool check config` (Prometheus 2.42 image, run on the
project's Docker engine) for several combinations of services and credential kinds; credentials are in 0600
files owned by the Prometheus user and never in prometheus.yml; a service that is not scraped has no job and
no credential file; a second run changes nothing; bad inputs stop in preflight with one sentence naming the
variable, before any file is written.
"""

import json
import os
import re
import stat
import subprocess

import pytest
import yaml

from tests.helpers import ROOT, docker_engine, run_playbook

PLAYBOOK = ROOT / 'tests' / 'fixtures' / 'monitoring' / 'render.yml'
IMAGE = 'maestro-platform/prometheus:2.42'
RECAP = re.compile(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)')
NEXUS_SECRET = 'Aa1-nexus-scrape-secret'
MINIO_SECRET = 'Aa1-minio-root-secret'
MLFLOW_SECRET = 'Aa1-mlflow-admin-secret'


@pytest.fixture(scope='module')
def docker_host():
    return docker_engine('prometheus')


def run_role(tmp_path, **overrides):
    variables = {
        'monitoring_install': False,
        'monitoring_config_dir': str(tmp_path / 'prometheus'),
        'monitoring_grafana_provisioning_dir': str(tmp_path / 'grafana'),
        'monitoring_scrape_nexus': False,
        # The minio backend (metrics v2 with a bearer token); the seaweedfs one is checked at the end below.
        'monitoring_minio_backend': 'minio',
        'monitoring_minio_access_key': 'maestro-root', 'monitoring_minio_secret_key': MINIO_SECRET,
    }
    variables.update(overrides)
    path = tmp_path / ('vars-%d.json' % len(list(tmp_path.glob('vars-*.json'))))
    path.write_text(json.dumps(variables))
    proc = run_playbook(PLAYBOOK, inventory='localhost,', extra_vars=['@%s' % path], timeout=300)
    match = RECAP.search(proc.stdout)
    proc.changed = int(match.group(2)) if match else None
    return proc


def check_config(docker_host, config_dir):
    return subprocess.run(['docker', 'run', '--rm', '--network', 'none', '--entrypoint', 'promtool',
                           '-v', '%s:/etc/prometheus:ro' % config_dir, IMAGE, 'check', 'config',
                           '/etc/prometheus/prometheus.yml'],
                          env=dict(os.environ, DOCKER_HOST=docker_host), capture_output=True, text=True, timeout=120,
                          check=False)


def test_rendered_config_passes_promtool_and_keeps_secrets_in_files(tmp_path, docker_host):
    proc = run_role(tmp_path, monitoring_scrape_harbor=True, monitoring_mlflow_username='admin',
                    monitoring_mlflow_password=MLFLOW_SECRET)
    assert proc.returncode == 0, proc.stdout[-5000:]
    config_dir = tmp_path / 'prometheus'
    checked = check_config(docker_host, config_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'SUCCESS' in checked.stdout and '1 rule files found' in checked.stdout
    config = yaml.safe_load((config_dir / 'prometheus.yml').read_text())
    jobs = {job['job_name']: job for job in config['scrape_configs']}
    assert set(jobs) == {'prometheus', 'mlflow', 'minio-cluster', 'minio-bucket', 'harbor-exporter', 'harbor-core',
                         'harbor-registry', 'harbor-jobservice'}
    assert jobs['harbor-core']['params'] == {'comp': ['core']} and 'params' not in jobs['harbor-exporter']
    assert jobs['minio-bucket']['metrics_path'] == '/minio/v2/metrics/bucket'
    assert jobs['minio-cluster']['authorization'] == {'type': 'Bearer',
                                                      'credentials_file': '/etc/prometheus/secrets/minio-token'}
    assert jobs['mlflow']['basic_auth'] == {'username': 'admin', 'password_file': '/etc/prometheus/secrets/mlflow-password'}
    text = (config_dir / 'prometheus.yml').read_text()
    assert MLFLOW_SECRET not in text and MINIO_SECRET not in text
    for name in ('mlflow-password', 'minio-token'):
        info = os.stat(config_dir / 'secrets' / name)
        assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == 65534, name
    assert (config_dir / 'secrets' / 'mlflow-password').read_text() == MLFLOW_SECRET
    assert stat.S_IMODE(os.stat(config_dir / 'prometheus.yml').st_mode) == 0o640
    assert MLFLOW_SECRET not in proc.stdout and MINIO_SECRET not in proc.stdout
    grafana = tmp_path / 'grafana'
    assert sorted(p.name for p in (grafana / 'dashboards' / 'maestro').iterdir()) == [
        'artifact-registry-usage.json', 'mlflow-experiments.json', 'security-scans.json', 'storage-capacity.json']
    datasource = yaml.safe_load((grafana / 'datasources' / 'maestro-prometheus.yml').read_text())['datasources'][0]
    assert (datasource['uid'], datasource['type'], datasource['url']) == (
        'maestro-prometheus', 'prometheus', 'http://maestro-prometheus:9090')
    provider = yaml.safe_load((grafana / 'dashboards' / 'maestro-platform.yml').read_text())['providers'][0]
    assert provider['options']['path'] == '/etc/grafana/provisioning/dashboards/maestro'

    again = run_role(tmp_path, monitoring_scrape_harbor=True, monitoring_mlflow_username='admin',
                     monitoring_mlflow_password=MLFLOW_SECRET)
    assert again.returncode == 0 and again.changed == 0, again.stdout[-5000:]

    # Stop scraping MLflow and MinIO (public metrics): their jobs and credential files go.
    fewer = run_role(tmp_path, monitoring_scrape_mlflow=False, monitoring_minio_auth='public')
    assert fewer.returncode == 0, fewer.stdout[-5000:]
    config = yaml.safe_load((config_dir / 'prometheus.yml').read_text())
    jobs = {job['job_name']: job for job in config['scrape_configs']}
    assert set(jobs) == {'prometheus', 'minio-cluster', 'minio-bucket'} and 'authorization' not in jobs['minio-cluster']
    assert sorted(os.listdir(config_dir / 'secrets')) == []
    checked = check_config(docker_host, config_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The seaweedfs backend: one job on SeaweedFS's own metrics port, no credentials.
    seaweedfs = run_role(tmp_path, monitoring_scrape_mlflow=False, monitoring_minio_backend='seaweedfs')
    assert seaweedfs.returncode == 0, seaweedfs.stdout[-5000:]
    config = yaml.safe_load((config_dir / 'prometheus.yml').read_text())
    jobs = {job['job_name']: job for job in config['scrape_configs']}
    assert set(jobs) == {'prometheus', 'seaweedfs'}
    assert jobs['seaweedfs']['metrics_path'] == '/metrics' and 'authorization' not in jobs['seaweedfs']
    assert jobs['seaweedfs']['static_configs'] == [{'targets': ['maestro-minio:9324'], 'labels': {'service': 'seaweedfs'}}]
    checked = check_config(docker_host, config_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize('overrides, sentence', [
    ({'monitoring_scrape_nexus': True, 'monitoring_nexus_url': 'http://127.0.0.1:9'},
     'monitoring_nexus_metrics_password is empty: set vault_monitoring_nexus_metrics_password'),
    ({'monitoring_minio_secret_key': ''}, 'monitoring_minio_auth is bearer, so set monitoring_minio_bearer_token'),
    ({'monitoring_mlflow_target': 'http://maestro-mlflow:5000'}, 'monitoring_mlflow_target must be host:port'),
    ({'monitoring_scrape_harbor': True, 'monitoring_harbor_components': ['exporter', 'trivy']},
     'monitoring_harbor_components may only list exporter, core, registry and jobservice'),
])
def test_bad_input_stops_in_preflight(tmp_path, overrides, sentence):
    proc = run_role(tmp_path, **overrides)
    assert proc.returncode != 0
    assert sentence in ' '.join(proc.stdout.split()), proc.stdout[-3000:]
    assert not (tmp_path / 'prometheus').exists()
