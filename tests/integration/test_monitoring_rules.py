"""The project's alert rules and Grafana dashboards (roles/monitoring/files), checked with real tools.

- `promtool check rules` and `promtool test rules` (tests/fixtures/monitoring/rules_test.yml) from Debian's
  Prometheus 2.42, in the image scripts/build-platform-images.sh builds (run with `docker run` on the
  project's engine).
- The four dashboards are Grafana JSON models Grafana's provisioning can load: uid, title, schemaVersion,
  panels with type, gridPos and PromQL targets on the provisioned data source (uid maestro-prometheus, the
  one the role's datasource template provisions).
- Cross-check: every metric name any rule or dashboard query selects was served by the dev platform's targets
  (build/served-metric-names.json, written by test_dev_platform.py from Prometheus's
  /api/v1/label/__name__/values). The only exceptions are listed in CONDITIONAL with the reason the dev
  scenario cannot make the service emit them. The dev scenario runs the object store's seaweedfs backend (real
  SeaweedFS); the minio backend's names (minio_*), which no real MinIO can serve here, are checked against the
  families the MinIO stand-in exposes (tests/standins/s3_standin.py, written from MinIO's metrics v2 list).
"""

import json
import os
import re
import subprocess

import pytest
import yaml

from tests.helpers import ROOT, docker_engine, unavailable
from tests.harness.test_promql import metric_names

ROLE = ROOT / 'roles' / 'monitoring'
RULES = ROLE / 'files' / 'rules' / 'maestro-platform.rules.yml'
DASHBOARDS = ROLE / 'files' / 'dashboards'
RULE_TESTS = ROOT / 'tests' / 'fixtures' / 'monitoring' / 'rules_test.yml'
SERVED = ROOT / 'build' / 'served-metric-names.json'
IMAGE = 'maestro-platform/prometheus:2.42'
DATASOURCE_UID = 'maestro-prometheus'
EXPECTED_DASHBOARDS = {'artifact-registry-usage', 'mlflow-experiments', 'storage-capacity', 'security-scans'}
# Metric names the services emit only in conditions the dev scenario cannot create (say why).
CONDITIONAL = {
    # MinIO emits a bucket's quota only when the bucket has one; quotas are set through MinIO's admin API,
    # which the S3 stand-in (moto) does not serve.
    'minio_bucket_quota_total_bytes',
}


def minio_backend_names():
    """Metric families of the minio backend, as the MinIO stand-in serves them (MinIO's metrics v2 names)."""
    from tests.standins import s3_standin
    text = s3_standin.metrics_text('cluster', 'minio:9000') + s3_standin.metrics_text('bucket', 'minio:9000')
    return set(re.findall(r'^# TYPE (\S+)', text, re.M))


@pytest.fixture(scope='module')
def docker_host():
    return docker_engine('prometheus')


def promtool(docker_host, *args):
    cmd = ['docker', 'run', '--rm', '--network', 'none', '--entrypoint', 'promtool',
           '-v', '%s:/rules:ro' % RULES.parent, '-v', '%s:/tests:ro' % RULE_TESTS.parent, IMAGE] + list(args)
    return subprocess.run(cmd, env=dict(os.environ, DOCKER_HOST=docker_host), capture_output=True, text=True,
                          timeout=120, check=False)


def rule_exprs():
    groups = yaml.safe_load(RULES.read_text())['groups']
    return {rule['alert']: rule['expr'] for group in groups for rule in group['rules']}


def dashboards():
    return {path.stem: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob('*.json'))}


def dashboard_exprs():
    return {'%s/%s/%s' % (name, panel['title'], target['refId']): target['expr']
            for name, model in dashboards().items() for panel in model['panels'] for target in panel['targets']}


# --------------------------------------------------------------------------------------------------------
def test_promtool_check_rules(docker_host):
    proc = promtool(docker_host, 'check', 'rules', '/rules/' + RULES.name)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'SUCCESS: %d rules found' % len(rule_exprs()) in proc.stdout


def test_promtool_rule_unit_tests(docker_host):
    proc = promtool(docker_host, 'test', 'rules', '/tests/' + RULE_TESTS.name)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'SUCCESS' in proc.stdout
    tested = {t['alertname'] for case in yaml.safe_load(RULE_TESTS.read_text())['tests']
              for t in case['alert_rule_test']}
    # One alert at least of each family the issue names: service down, quota, error rate, growth, scans.
    assert {'MaestroServiceDown', 'HarborProjectQuotaNearFull', 'MinIOCapacityNearFull', 'MLflowHighErrorRate',
            'MinIOStorageFullIn7Days', 'HarborScanFailures'} <= tested


def test_every_alert_has_severity_and_text():
    groups = yaml.safe_load(RULES.read_text())['groups']
    for rule in (r for g in groups for r in g['rules']):
        assert rule['labels']['severity'] in ('critical', 'warning', 'info'), rule['alert']
        assert rule['annotations']['summary'] and rule['annotations']['description'], rule['alert']


def test_dashboards_are_grafana_models_on_the_provisioned_datasource():
    models = dashboards()
    assert set(models) == EXPECTED_DASHBOARDS
    uids = [m['uid'] for m in models.values()]
    assert len(set(uids)) == len(uids)
    provisioned = yaml.safe_load(re.sub(r'\{\{.*?\}\}', 'X', (ROLE / 'templates' / 'grafana-datasource.yml.j2').read_text()))
    assert provisioned['datasources'][0]['type'] == 'prometheus'
    role_vars = yaml.safe_load((ROLE / 'vars' / 'main.yml').read_text())
    assert role_vars['_monitoring_datasource_uid'] == DATASOURCE_UID
    assert set(role_vars['_monitoring_dashboards']) == EXPECTED_DASHBOARDS
    for name, model in models.items():
        assert isinstance(model['title'], str) and model['title'], name
        assert re.match(r'^[a-zA-Z0-9_-]{1,40}$', model['uid']), name
        assert isinstance(model['schemaVersion'], int) and model['schemaVersion'] >= 36, name
        assert model['panels'], name
        ids = [p['id'] for p in model['panels']]
        assert len(set(ids)) == len(ids), name
        for panel in model['panels']:
            where = '%s/%s' % (name, panel.get('title'))
            assert panel['type'] in ('timeseries', 'stat', 'gauge', 'bargauge', 'table', 'piechart'), where
            grid = panel['gridPos']
            assert all(isinstance(grid[k], int) for k in ('h', 'w', 'x', 'y')), where
            assert grid['x'] + grid['w'] <= 24 and grid['w'] > 0 and grid['h'] > 0, where
            assert panel['datasource'] == {'type': 'prometheus', 'uid': DATASOURCE_UID}, where
            assert panel['targets'], where
            for target in panel['targets']:
                assert target['datasource']['uid'] == DATASOURCE_UID, where
                assert target['refId'] and target['expr'].strip(), where
                assert metric_names(target['expr']), '%s: %s selects no metric' % (where, target['expr'])
        # Panels do not overlap on the 24-column grid.
        cells = set()
        for panel in model['panels']:
            grid = panel['gridPos']
            mine = {(x, y) for x in range(grid['x'], grid['x'] + grid['w']) for y in range(grid['y'], grid['y'] + grid['h'])}
            assert not cells & mine, '%s: panel %s overlaps another' % (name, panel['title'])
            cells |= mine
        # Template variables used in queries are defined.
        defined = {v['name'] for v in model['templating']['list']}
        used = {m for t in (tg['expr'] for p in model['panels'] for tg in p['targets'])
                for m in re.findall(r'\$(\w+)', t) if not m.startswith('__')}
        assert used <= defined, name


def test_every_queried_metric_was_served_by_the_dev_platform():
    if not SERVED.exists():
        # under scripts/test.sh (CI) the dev scenario has run before this test, so a missing file fails it
        unavailable('build/served-metric-names.json is written by tests/integration/test_dev_platform.py; run it first')
    served = set(json.loads(SERVED.read_text())['names'])
    minio = minio_backend_names()
    queries = dict(rule_exprs())
    queries.update(dashboard_exprs())
    missing = {}
    for where, expr in queries.items():
        absent = metric_names(expr) - served - CONDITIONAL - minio
        if absent:
            missing[where] = sorted(absent)
    assert not missing, 'queried but never served by the targets: %s' % json.dumps(missing, indent=1)
    # The exceptions are still used (else drop them) and really were not served (else they need no excuse).
    used = set().union(*(metric_names(e) for e in queries.values()))
    assert CONDITIONAL <= used and not CONDITIONAL & served and not CONDITIONAL & minio
