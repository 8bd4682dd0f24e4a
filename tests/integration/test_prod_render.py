"""Prod on Kubernetes, proven without a cluster: playbooks/kubernetes.yml in render mode for inventories/prod
(with an ansible-vault encrypted file of freshly generated secrets), then every rendered file is checked
against the official chart values and schemas kept in ../shared/specs/deploy and against the Kubernetes
schemas that kubernetes-validate ships:

- every values key exists in the chart's own values.yaml (or in a block that file documents commented out)
  with the same type; Kubernetes-shaped blocks (resources, env, ingress TLS) validate as Kubernetes objects;
- the MLflow values, merged into the chart's defaults the way Helm merges them, validate against the
  chart's values.schema.json;
- every Kubernetes object validates (strict) against the Kubernetes KUBERNETES_VERSION schemas;
- no vault value (nor its base64) appears in any values file, the plan or the playbook's -v --diff output;
  secrets appear only in Secret objects, in the one file of mode 0600 (its folder 0700);
- every Secret a values file points at exists, with the keys the chart reads;
- a second run changes nothing; a missing vault value stops the run before anything is written;
- monitoring: the PrometheusRule carries exactly the rule groups of roles/monitoring's rule file (the one dev
  loads); it and the ServiceMonitors validate against the prometheus-operator v1 structure written out below
  (strict: unknown fields refused) and against the validators of the npm package
  @kubernetes-models/prometheus-operator, generated from prometheus-operator's Go API types (the CRDs' own
  schemas, from ../shared/specs/deploy/crds, are applied in test_prod_charts.py); one Grafana-sidecar ConfigMap per dashboard file
  holds that file byte for byte, the data source they query is declared, and the three ServiceMonitors carry
  the same selector labels as the PrometheusRule and label targets service=<name> as the rules expect.

What this cannot prove (needs a real cluster): that the charts install and start with these values, that
the TLS, IRSA, RDS and S3 wiring works at run time, and the configuration phase against the prod URLs.
"""

import base64
import copy
import json
import os
import re
import secrets
import stat
import subprocess
import sys

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.helpers import ROOT, ansible_env, run_playbook, unavailable
from tests.integration.prod_render import K8S_PLAYBOOK, PLAYBOOK, PROD, shared_render
from tests.integration.prod_render import collections_path as _collections_path
from tests.integration.prod_render import generated_vault as _generated_vault
from tests.integration.prod_render import render as _render
from tests.specs import SPECS_DIR

SPECS = SPECS_DIR / 'deploy'
# The Kubernetes minor the prod inventory declares (platform_k8s_kubernetes_version); kubernetes-validate
# 1.37.0 ships strict schemas for 1.25 to 1.37.
KUBERNETES_VERSION = '1.33'
CHART_VALUES = {
    'harbor': SPECS / 'harbor-helm-values.yaml',
    'nexus': SPECS / 'nexus3-chart-values.yaml',
    'mlflow': SPECS / 'mlflow-chart-values.yaml',
}
MLFLOW_SCHEMA = SPECS / 'mlflow-chart-values.schema.json'

# Where each chart reads a Secret, as its values.yaml documents it: (path of the Secret's name, keys the
# chart reads; a key given as ('@', path) is itself read from the values).
SECRET_REFERENCES = {
    'harbor': [
        ('existingSecretAdminPassword', [('@', 'existingSecretAdminPasswordKey')]),
        ('existingSecretSecretKey', ['secretKey']),
        ('database.external.existingSecret', ['password']),
        ('persistence.imageChartStorage.s3.existingSecret',
         ['REGISTRY_STORAGE_S3_ACCESSKEY', 'REGISTRY_STORAGE_S3_SECRETKEY']),
        ('registry.credentials.existingSecret', ['REGISTRY_PASSWD', 'REGISTRY_HTPASSWD']),
        ('redis.external.existingSecret', ['REDIS_PASSWORD']),
    ],
    'nexus': [
        ('rootPassword.secret', [('@', 'rootPassword.key')]),
        ('metrics.serviceMonitor.endpointConfig.basicAuth.username.name',
         [('@', 'metrics.serviceMonitor.endpointConfig.basicAuth.username.key')]),
        ('metrics.serviceMonitor.endpointConfig.basicAuth.password.name',
         [('@', 'metrics.serviceMonitor.endpointConfig.basicAuth.password.key')]),
    ],
    'mlflow': [
        ('backendStore.existingDatabaseSecret.name',
         [('@', 'backendStore.existingDatabaseSecret.usernameKey'),
          ('@', 'backendStore.existingDatabaseSecret.passwordKey')]),
        ('auth.existingAdminSecret.name',
         [('@', 'auth.existingAdminSecret.usernameKey'), ('@', 'auth.existingAdminSecret.passwordKey')]),
        ('auth.postgres.existingSecret.name',
         [('@', 'auth.postgres.existingSecret.usernameKey'), ('@', 'auth.postgres.existingSecret.passwordKey')]),
    ],
}


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    first = shared_render(tmp_path_factory)  # the session's render, also read by test_prod_charts.py
    second = _render(first['tmp'], first['vault'], first['out'])
    return {'out': first['out'], 'vault': first['vault'], 'runs': [first['run'], second]}


def _values(rendered, service):
    return yaml.safe_load((rendered['out'] / 'values' / ('%s.yaml' % service)).read_text())


def _secret_objects(rendered):
    return [doc for doc in yaml.safe_load_all((rendered['out'] / 'kubernetes' / 'secrets.yaml').read_text()) if doc]


def _get(data, dotted):
    for part in dotted.split('.'):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


# --- the official values files, including the keys they document commented out -----------------------

def _documented_commented_key(lines, parents, key):
    """Value of `key` documented commented out (`# key: ...`, possibly a block) under the mapping at `parents`
    in an official values file, or raise KeyError. Indentation decides what belongs to which block."""
    start, end, indent = 0, len(lines), -2
    for name in parents:
        pattern = re.compile(r'^%s%s:' % (' ' * (indent + 2), re.escape(name)))
        found = next((i for i in range(start, end) if pattern.match(lines[i])), None)
        if found is None:
            raise KeyError('.'.join(parents))
        indent += 2
        start = found + 1
        end = next((i for i in range(start, len(lines))
                    if lines[i].strip() and not lines[i].lstrip().startswith('#')
                    and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
    child = indent + 2
    pattern = re.compile(r'^ {%d}#\s*(%s):' % (child, re.escape(key)))
    for i in range(start, end):
        match = pattern.match(lines[i])
        if not match:
            continue
        column = match.start(1)
        snippet = [lines[i][column:]]
        for line in lines[i + 1:end]:
            if re.match(r'^ *#\s*$', line[:column]) and line[column:column + 1] == ' ':
                snippet.append(line[column:])
            else:
                break
        return yaml.safe_load('\n'.join(snippet))[key]
    raise KeyError('.'.join(parents + [key]))


def _type_name(value):
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'number'
    return type(value).__name__


# Blocks the charts hand to Kubernetes unchanged: a container's resources, its env list, an Ingress's tls list.
KUBERNETES_SHAPED = {'resources': 'resources', 'env': 'env', 'tls': 'tls'}
# Maps of the user's own keys (Kubernetes labels and annotations, environment variables): any key, scalar values.
FREE_FORM_MAPS = {'annotations', 'labels', 'additionalLabels', 'podAnnotations', 'podLabels', 'commonLabels',
                  'extraEnvVars'}


def _check_keys(ours, reference, lines, path, problems, kubernetes_blocks):
    for key, value in ours.items():
        here = path + [key]
        if key in reference:
            ref = reference[key]
        else:
            try:
                ref = _documented_commented_key(lines, path, key)
            except KeyError:
                problems.append('%s: not a key of the chart' % '.'.join(here))
                continue
        kubernetes_shaped = key == 'resources' or (key in KUBERNETES_SHAPED and isinstance(value, list))
        if kubernetes_shaped and value not in ({}, []):
            # The chart passes these blocks to Kubernetes as they are: checked against Kubernetes' schema.
            kubernetes_blocks.append((KUBERNETES_SHAPED[key], '.'.join(here), value))
        if ref is None:
            continue  # documented as unset: any value
        if key in FREE_FORM_MAPS and isinstance(ref, dict):
            if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
                problems.append('%s: must be a map of scalars' % '.'.join(here))
            continue
        if _type_name(value) != _type_name(ref):
            problems.append('%s: %s where the chart has %s' % ('.'.join(here), _type_name(value), _type_name(ref)))
        elif isinstance(value, dict) and ref and not kubernetes_shaped:
            _check_keys(value, ref, lines, here, problems, kubernetes_blocks)
        elif isinstance(value, list) and ref and isinstance(ref[0], dict):
            for index, item in enumerate(value):
                _check_keys(item, ref[0], lines, here[:-1] + ['%s[%d]' % (key, index)], problems, kubernetes_blocks)


def _pod_with(kind, block):
    container = {'name': 'check', 'image': 'check'}
    if kind == 'resources':
        container['resources'] = block
    elif kind == 'env':
        container['env'] = block
    pod = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'check'}, 'spec': {'containers': [container]}}
    if kind == 'tls':
        return {'apiVersion': 'networking.k8s.io/v1', 'kind': 'Ingress', 'metadata': {'name': 'check'},
                'spec': {'tls': block}}
    return pod


@pytest.mark.parametrize('service', ['harbor', 'nexus', 'mlflow'])
def test_every_values_key_exists_in_the_chart_with_its_type(rendered, service):
    text = CHART_VALUES[service].read_text()
    problems, kubernetes_blocks = [], []
    ours = _values(rendered, service)
    _check_keys(ours, yaml.safe_load(text), text.splitlines(), [], problems, kubernetes_blocks)
    assert not problems, '\n'.join(problems)
    assert {block[0] for block in kubernetes_blocks} >= {'resources'}, 'the prod inventory sets resources'
    for kind, where, block in kubernetes_blocks:
        try:
            kubernetes_validate.validate(_pod_with(kind, block), KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail('%s values %s is not a valid Kubernetes %s: %s' % (service, where, kind, exc))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(_pod_with('resources', {'limits': {'memory': []}}), KUBERNETES_VERSION, strict=True)
    # The checker itself: a key the chart lacks, and a wrong type, are reported.
    bad = copy.deepcopy(ours)
    bad['notAChartKey'] = 1
    bad['ingress' if service != 'harbor' else 'expose'] = 'a string'
    found = []
    _check_keys(bad, yaml.safe_load(text), text.splitlines(), [], found, [])
    assert len(found) == 2, found


def test_commented_keys_are_read_from_the_official_file():
    lines = CHART_VALUES['harbor'].read_text().splitlines()
    assert _documented_commented_key(lines, ['persistence', 'imageChartStorage', 's3'], 'existingSecret') == ''
    assert _documented_commented_key(lines, ['core'], 'resources') == {'requests': {'memory': '256Mi', 'cpu': '100m'}}
    with pytest.raises(KeyError):
        _documented_commented_key(lines, ['core'], 'notDocumented')


def _helm_merge(defaults, overrides):
    """Helm's coalescing of user values into the chart's: maps merge, anything else replaces, null deletes."""
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def test_mlflow_values_validate_against_the_chart_schema(rendered):
    schema = json.loads(MLFLOW_SCHEMA.read_text())
    defaults = yaml.safe_load(CHART_VALUES['mlflow'].read_text())
    validator = jsonschema.Draft7Validator(schema)
    assert not list(validator.iter_errors(defaults)), 'the chart defaults themselves must validate'
    merged = _helm_merge(defaults, _values(rendered, 'mlflow'))
    errors = ['%s: %s' % ('.'.join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(merged)]
    assert not errors, '\n'.join(errors)
    # The schema catches a wrong type where the key check alone might not.
    broken = _helm_merge(merged, {'backendStore': {'postgres': {'port': '5432'}}})
    assert list(validator.iter_errors(broken))


def test_every_kubernetes_object_validates(rendered):
    out = rendered['out']
    files = sorted((out / 'kubernetes').rglob('*.yaml'))
    plan = yaml.safe_load((out / 'plan.yaml').read_text())
    assert sorted(str(f.relative_to(out)) for f in files) == sorted(plan['objects'])
    assert plan['kubernetes_version'] == KUBERNETES_VERSION
    count = 0
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc['apiVersion'].startswith('monitoring.coreos.com/'):
                continue  # a CRD kind: test_prometheus_rule_has_the_operator_structure
            if doc:
                assert kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True) == KUBERNETES_VERSION
                count += 1
    assert count >= 15, 'Namespace, Secrets of three services, 4 dashboards, a data source: %d objects' % count
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'x'},
                                      'data': {'k': 1}}, KUBERNETES_VERSION, strict=True)


def _needles(value):
    return {value, base64.b64encode(value.encode()).decode()}


def test_no_secret_outside_the_secret_objects(rendered):
    out = rendered['out']
    secret_file = out / 'kubernetes' / 'secrets.yaml'
    files = [p for p in out.rglob('*') if p.is_file()]
    plan = yaml.safe_load((out / 'plan.yaml').read_text())
    assert len(files) == 1 + 3 + len(plan['objects']) == 10, files  # plan, values, objects (4 of monitoring)
    leaks = []
    for path in files:
        text = path.read_text()
        held = [k for k, v in rendered['vault'].items() if any(n in text for n in _needles(v))]
        mode = stat.S_IMODE(path.stat().st_mode)
        if path == secret_file:
            assert mode == 0o600, oct(mode)
        elif held:
            leaks.append('%s holds %s' % (path.relative_to(out), held))
        assert not held or mode == 0o600, '%s holds secrets with mode %o' % (path, mode)
    assert not leaks, leaks
    assert stat.S_IMODE((out / 'kubernetes').stat().st_mode) == 0o700
    for run in rendered['runs']:
        output = run.stdout + run.stderr
        shown = [k for k, v in rendered['vault'].items() if any(n in output for n in _needles(v))]
        assert not shown, 'the -v --diff output shows %s' % shown


def test_secrets_exist_where_the_charts_read_them(rendered):
    objects = _secret_objects(rendered)
    assert {o['kind'] for o in objects} == {'Secret'}
    assert all('stringData' not in o for o in objects)
    by_name = {o['metadata']['name']: {k: base64.b64decode(v).decode() for k, v in o['data'].items()} for o in objects}
    referenced = set()
    for service, references in SECRET_REFERENCES.items():
        values = _values(rendered, service)
        env_refs = [(e['valueFrom']['secretKeyRef']['name'], [e['valueFrom']['secretKeyRef']['key']])
                    for e in values.get('env', []) if 'valueFrom' in e]
        resolved = [(_get(values, path), [_get(values, k[1]) if isinstance(k, tuple) else k for k in keys])
                    for path, keys in references if _get(values, path)] + env_refs
        for name, keys in resolved:
            assert name in by_name, '%s values point at Secret %s, which is not rendered' % (service, name)
            assert set(keys) <= set(by_name[name]), '%s: Secret %s lacks %s' % (service, name, keys)
            assert all(by_name[name][k] for k in keys)
            referenced.add(name)
    # The role's own ServiceMonitor (MLflow's) reads its scrape user's Secret through basicAuth.
    for monitor in _monitoring_objects(rendered, 'service-monitors.yaml'):
        for endpoint in monitor['spec']['endpoints']:
            for part in endpoint.get('basicAuth', {}).values():
                assert part['key'] in by_name.get(part['name'], {}), 'ServiceMonitor reads missing %s' % part
                referenced.add(part['name'])
    assert referenced == set(by_name), 'Secrets nothing reads: %s' % (set(by_name) - referenced)
    # Every vault value the charts need is in a Secret (the robot's secret is for the configuration phase).
    stored = {v for data in by_name.values() for v in data.values()}
    missing = [k for k, v in rendered['vault'].items() if v not in stored and k != 'vault_harbor_robot_ci_push_secret']
    assert not missing, missing
    # The registry's htpasswd line holds a bcrypt hash of the registry password.
    from passlib.hash import bcrypt
    credentials = by_name['harbor-maestro-registry-credentials']
    user, hashed = credentials['REGISTRY_HTPASSWD'].split(':', 1)
    assert user == 'harbor_registry_user' and bcrypt.verify(credentials['REGISTRY_PASSWD'], hashed)


def test_plan_lists_the_charts_and_the_buckets(rendered):
    plan = yaml.safe_load((rendered['out'] / 'plan.yaml').read_text())
    versions = {r['service']: r['chart_version'] for r in plan['releases']}
    assert re.match(r'^1\.19\.\d+$', versions['harbor']) and re.match(r'^5\.\d+\.\d+$', versions['nexus'])
    assert re.match(r'^1\.11\.\d+$', versions['mlflow'])
    assert {r['chart_ref'] for r in plan['releases']} >= {'oci://ghcr.io/stevehipwell/helm-charts/nexus3'}
    assert [b['name'] for b in plan['buckets']['items']] == [
        'mlflow-artifacts', 'dvc-storage', 'nexus-blobs', 'harbor-registry', 'backups']
    harbor = _values(rendered, 'harbor')
    assert harbor['persistence']['imageChartStorage']['s3']['bucket'] == 'harbor-registry'
    mlflow = _values(rendered, 'mlflow')
    assert mlflow['artifactRoot']['s3']['bucket'] == 'mlflow-artifacts'
    assert mlflow['serviceAccount']['annotations']['eks.amazonaws.com/role-arn'].startswith('arn:aws:iam::')


def test_second_render_changes_nothing(rendered):
    second = rendered['runs'][1]
    assert second.returncode == 0, second.stdout[-5000:]
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=0\s', second.stdout), second.stdout[-3000:]


def test_missing_vault_value_stops_before_writing(tmp_path):
    vault_values = _generated_vault()
    del vault_values['vault_harbor_secret_key']
    out = tmp_path / 'render'
    result = _render(tmp_path, vault_values, out)
    assert result.returncode != 0
    assert 'platform_k8s_harbor_secret_key (exactly 16 characters)' in result.stdout
    assert not out.exists()
    shown = [k for k, v in vault_values.items() if v in result.stdout + result.stderr]
    assert not shown, shown


def test_buckets_converge_without_an_endpoint(tmp_path):
    """The bucket tasks of the apply mode, with the prod inventory's bucket list, against a real S3 API (moto):
    maestro.platform.minio_bucket gets no endpoint_url, only a region, as on AWS; the S3 client finds moto
    through AWS_ENDPOINT_URL_S3, the variable boto3 itself reads. Run twice: the second changes nothing."""
    from tests.servers import MotoS3
    server = MotoS3().start()
    try:
        env = ansible_env(dict(server.env(), ANSIBLE_COLLECTIONS_PATH=_collections_path(),
                               AWS_ENDPOINT_URL_S3=server.url))
        env.pop('AWS_CA_BUNDLE', None)
        env.pop('AWS_ENDPOINT_URL', None)
        runs = [run_playbook(ROOT / 'tests' / 'fixtures' / 'prod' / 'buckets.yml', inventory=PROD, environ=env,
                             timeout=300) for attempt in (1, 2)]
        for run in runs:
            assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=[1-9]', runs[0].stdout), runs[0].stdout[-3000:]
        assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=0\s', runs[1].stdout), runs[1].stdout[-3000:]
        s3 = server.client()
        names = sorted(b['Name'] for b in s3.list_buckets()['Buckets'])
        assert names == sorted(['mlflow-artifacts', 'dvc-storage', 'nexus-blobs', 'harbor-registry', 'backups'])
        for name in ('mlflow-artifacts', 'dvc-storage', 'backups'):
            assert s3.get_bucket_versioning(Bucket=name).get('Status') == 'Enabled', name
        rules = s3.get_bucket_lifecycle_configuration(Bucket='backups')['Rules']
        assert [(r['ID'], r['Expiration']['Days']) for r in rules] == [('expire-old-backups', 30)]
    finally:
        server.stop()


@pytest.fixture
def mlflow_with_auth(s3_server):
    from tests.servers import Mlflow
    server = Mlflow(s3_server, admin_password='Vx9-' + secrets.token_urlsafe(18), metrics=True).start()
    yield server
    server.stop()


def test_configuration_phase_against_the_test_servers(tmp_path, harbor_emulator, nexus_emulator, mlflow_with_auth):
    """playbooks/kubernetes.yml --tags configure with the prod inventory and apply mode, its URLs pointed at the
    Harbor and Nexus emulators (each request and response checked against the official API description) and
    a real MLflow server: the same configuration phase as dev, plus the Nexus metrics user of the
    ServiceMonitor. No cluster is touched (the charts play is not selected). Run twice: nothing changes."""
    vault_values = _generated_vault()
    vault_values['vault_harbor_admin_password'] = harbor_emulator.admin_password
    # The chart creates MLflow's admin from its Secret; the test server was started with the same password.
    vault_values['vault_mlflow_admin_password'] = mlflow_with_auth.admin_password
    # On the cluster the chart sets Nexus's admin password from its Secret (rootPassword): do the same here.
    nexus_emulator.set_admin_password(vault_values['vault_nexus_admin_password'])
    extra = {'platform_k8s_mode': 'apply', 'harbor_url': harbor_emulator.base_url, 'nexus_url': nexus_emulator.base_url,
             'mlflow_url': mlflow_with_auth.url}
    vault_file = tmp_path / 'vault.yml'
    vault_file.write_text(yaml.safe_dump(vault_values))
    env = ansible_env({'ANSIBLE_COLLECTIONS_PATH': _collections_path()})

    def converge(tags):
        return run_playbook(PLAYBOOK, inventory=PROD, tags=tags, extra_vars=['@%s' % vault_file, extra], environ=env,
                            timeout=600)
    runs = [converge('configure') for attempt in (1, 2)]
    for run in runs:
        assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
        assert 'kubernetes.core' not in run.stdout
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=[1-9]', runs[0].stdout), runs[0].stdout[-3000:]
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=0\s', runs[1].stdout), runs[1].stdout[-6000:]
    # The role's phase tag alone (docs/roles.md) runs the same configuration phase, the service roles' tasks
    # included (their include_role applies the tag), on the converged services: nothing changes.
    alone = converge('platform_k8s_configure')
    assert alone.returncode == 0 and 'kubernetes.core' not in alone.stdout, alone.stdout[-8000:]
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=0\s', alone.stdout), alone.stdout[-6000:]
    for role in ('mlflow', 'nexus', 'harbor'):
        assert re.search(r'TASK \[maestro\.platform\.%s : Configure \| ' % role, alone.stdout), (role, alone.stdout[-6000:])
    assert 'Configure | Nexus metrics user' in alone.stdout and 'Configure | MLflow metrics user signs in' in alone.stdout
    runs.append(alone)
    output = ''.join(r.stdout + r.stderr for r in runs)
    shown = [k for k, v in vault_values.items() if v in output]
    assert not shown, shown
    # The ServiceMonitor's scrape user now exists and reads /metrics, which basic auth does not exempt (and
    # refuses to users that are not admins: 403).
    import urllib.error
    import urllib.request
    request = urllib.request.Request(mlflow_with_auth.url + '/metrics')
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(request, timeout=30)
    assert anonymous.value.code == 401
    token = base64.b64encode(('metrics:%s' % vault_values['vault_mlflow_metrics_password']).encode()).decode()
    request.add_header('Authorization', 'Basic ' + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert 'mlflow_http_request_total' in response.read().decode()
    # Drift: someone changed the scrape user's password and took its admin flag. `--tags monitoring` (the scrape
    # users alone) puts both back from the vault; the user then reads /metrics again.
    admin = base64.b64encode(('admin:%s' % mlflow_with_auth.admin_password).encode()).decode()
    for path, body in (('update-password', {'username': 'metrics', 'password': 'Other-' + secrets.token_hex(8)}),
                       ('update-admin', {'username': 'metrics', 'is_admin': False})):
        change = urllib.request.Request(mlflow_with_auth.url + '/api/2.0/mlflow/users/' + path, method='PATCH',
                                        data=json.dumps(body).encode(),
                                        headers={'Authorization': 'Basic ' + admin, 'Content-Type': 'application/json'})
        urllib.request.urlopen(change, timeout=30).close()
    with pytest.raises(urllib.error.HTTPError) as drifted:
        urllib.request.urlopen(request, timeout=30)
    assert drifted.value.code == 401
    repair = converge('monitoring')
    assert repair.returncode == 0, repair.stdout[-6000:]
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=[1-9]', repair.stdout), repair.stdout[-3000:]
    assert 'Configure | MLflow experiments' not in repair.stdout
    assert not [k for k, v in vault_values.items() if v in repair.stdout + repair.stderr]
    with urllib.request.urlopen(request, timeout=30) as response:
        assert 'mlflow_http_request_total' in response.read().decode()


# --- monitoring: PrometheusRule, Grafana dashboards, ServiceMonitors ----------------------------------------

MONITORING_FILES = ROOT / 'roles' / 'monitoring' / 'files'
RULES_FILE = MONITORING_FILES / 'rules' / 'maestro-platform.rules.yml'
# Prometheus duration (prometheus-operator's Duration type: monitoring/v1 types.go).
DURATION = r'^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'
STRING_MAP = {'type': 'object', 'additionalProperties': {'type': 'string'}}
# monitoring.coreos.com/v1 PrometheusRule as the prometheus-operator API defines it (PrometheusRuleSpec,
# RuleGroup, Rule), written out with the rules the operator's admission webhook adds (one of alert and record);
# unknown fields are refused (the API server would prune them silently, losing what they carry). The CRD's own
# openAPIV3Schema is applied to every object in test_prod_charts.py.
PROMETHEUS_RULE_SCHEMA = {
    'type': 'object',
    'required': ['apiVersion', 'kind', 'metadata', 'spec'],
    'additionalProperties': False,
    'properties': {
        'apiVersion': {'const': 'monitoring.coreos.com/v1'},
        'kind': {'const': 'PrometheusRule'},
        'metadata': {'type': 'object'},  # checked as Kubernetes ObjectMeta by kubernetes-validate below
        'spec': {
            'type': 'object', 'additionalProperties': False, 'required': ['groups'],
            'properties': {'groups': {'type': 'array', 'minItems': 1, 'items': {
                'type': 'object', 'additionalProperties': False, 'required': ['name', 'rules'],
                'properties': {
                    'name': {'type': 'string', 'minLength': 1},
                    'interval': {'type': 'string', 'pattern': DURATION},
                    'query_offset': {'type': 'string', 'pattern': DURATION},
                    'limit': {'type': 'integer'},
                    'labels': STRING_MAP,
                    'partial_response_strategy': {'type': 'string', 'pattern': '^((?i)abort|warn)?$'},
                    'rules': {'type': 'array', 'minItems': 1, 'items': {
                        'type': 'object', 'additionalProperties': False, 'required': ['expr'],
                        # exactly one of alert and record (the operator's admission webhook refuses others)
                        'oneOf': [{'required': ['alert'], 'not': {'required': ['record']}},
                                  {'required': ['record'], 'not': {'required': ['alert']},
                                   'properties': {'for': False, 'keep_firing_for': False, 'annotations': False}}],
                        'properties': {
                            'alert': {'type': 'string', 'minLength': 1},
                            'record': {'type': 'string', 'minLength': 1},
                            'expr': {'type': ['string', 'integer'], 'minLength': 1},
                            'for': {'type': 'string', 'pattern': DURATION},
                            'keep_firing_for': {'type': 'string', 'minLength': 1, 'pattern': DURATION},
                            'labels': STRING_MAP,
                            'annotations': STRING_MAP,
                        }}},
                }}}},
        },
    },
}


SECRET_KEY_SELECTOR = {'type': 'object', 'additionalProperties': False, 'required': ['name', 'key'],
                       'properties': {'name': {'type': 'string', 'minLength': 1}, 'key': {'type': 'string'},
                                      'optional': {'type': 'boolean'}}}
RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase',
                   'uppercase', 'keepequal', 'dropequal']
RELABEL_CONFIG = {'type': 'object', 'additionalProperties': False, 'properties': {
    'sourceLabels': {'type': 'array', 'items': {'type': 'string', 'pattern': '^[a-zA-Z_][a-zA-Z0-9_]*$'}},
    'separator': {'type': 'string'}, 'targetLabel': {'type': 'string'}, 'regex': {'type': 'string'},
    'modulus': {'type': 'integer'}, 'replacement': {'type': 'string'},
    'action': {'enum': RELABEL_ACTIONS + [a.capitalize() for a in RELABEL_ACTIONS]}}}
# monitoring.coreos.com/v1 ServiceMonitor: the fields of ServiceMonitorSpec and Endpoint this role may write (a
# subset of the API; anything else is refused here rather than pruned by the API server).
SERVICE_MONITOR_SCHEMA = {
    'type': 'object', 'required': ['apiVersion', 'kind', 'metadata', 'spec'], 'additionalProperties': False,
    'properties': {
        'apiVersion': {'const': 'monitoring.coreos.com/v1'}, 'kind': {'const': 'ServiceMonitor'},
        'metadata': {'type': 'object'},
        'spec': {'type': 'object', 'additionalProperties': False, 'required': ['selector', 'endpoints'], 'properties': {
            'jobLabel': {'type': 'string'},
            'namespaceSelector': {'type': 'object', 'additionalProperties': False, 'properties': {
                'any': {'type': 'boolean'}, 'matchNames': {'type': 'array', 'items': {'type': 'string'}}}},
            'selector': {'type': 'object', 'additionalProperties': False, 'properties': {
                'matchLabels': STRING_MAP, 'matchExpressions': {'type': 'array'}}},
            'endpoints': {'type': 'array', 'minItems': 1, 'items': {
                'type': 'object', 'additionalProperties': False, 'properties': {
                    'port': {'type': 'string'}, 'path': {'type': 'string', 'pattern': '^/'},
                    'scheme': {'enum': ['http', 'https', 'HTTP', 'HTTPS']},
                    'interval': {'type': 'string', 'pattern': DURATION},
                    'scrapeTimeout': {'type': 'string', 'pattern': DURATION},
                    'honorLabels': {'type': 'boolean'},
                    'basicAuth': {'type': 'object', 'additionalProperties': False, 'properties': {
                        'username': SECRET_KEY_SELECTOR, 'password': SECRET_KEY_SELECTOR}},
                    'relabelings': {'type': 'array', 'items': RELABEL_CONFIG},
                    'metricRelabelings': {'type': 'array', 'items': RELABEL_CONFIG}}}}}},
    },
}


def test_service_monitor_objects_have_the_operator_structure(rendered):
    """The role's own ServiceMonitors (Harbor's and MLflow's) and the endpoint settings it hands to the Nexus chart."""
    validator = jsonschema.Draft7Validator(SERVICE_MONITOR_SCHEMA)
    for monitor in _role_monitors(rendered).values():
        errors = ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(monitor)]
        assert not errors, '\n'.join(errors)
        kubernetes_validate.validate({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': monitor['metadata']},
                                     KUBERNETES_VERSION, strict=True)
    endpoint_schema = SERVICE_MONITOR_SCHEMA['properties']['spec']['properties']['endpoints']['items']
    nexus_endpoint = _values(rendered, 'nexus')['metrics']['serviceMonitor']['endpointConfig']
    assert not list(jsonschema.Draft7Validator(endpoint_schema).iter_errors(nexus_endpoint))
    broken = copy.deepcopy(_role_monitors(rendered)['mlflow'])
    broken['spec']['endpoints'][0]['basicAuth']['password'] = 'in clear'
    assert list(validator.iter_errors(broken)), 'a password in clear is refused'


OPERATOR_MODELS = ROOT / 'tests' / 'fixtures' / 'prod_monitoring'


def _operator_models_check(objects):
    """Validity of each object per @kubernetes-models/prometheus-operator (its validators are generated from
    prometheus-operator's Go API types), via tests/fixtures/prod_monitoring/check.mjs. The npm package is
    installed once into build/ from the pinned lock file (npm registry)."""
    import shutil
    node, npm = shutil.which('node'), shutil.which('npm')
    if not node or not npm:
        unavailable('node and npm are needed for the prometheus-operator models check')
    prefix = ROOT / 'build' / 'prod-monitoring-node'
    lock = (OPERATOR_MODELS / 'package-lock.json').read_text()
    if not (prefix / 'node_modules' / '@kubernetes-models' / 'prometheus-operator').is_dir() \
            or not (prefix / 'package-lock.json').is_file() or (prefix / 'package-lock.json').read_text() != lock:
        prefix.mkdir(parents=True, exist_ok=True)
        for name in ('package.json', 'package-lock.json'):
            shutil.copyfile(OPERATOR_MODELS / name, prefix / name)
        subprocess.run([npm, 'ci', '--no-audit', '--no-fund'], cwd=str(prefix), check=True, capture_output=True,
                       timeout=300)
    shutil.copyfile(OPERATOR_MODELS / 'check.mjs', prefix / 'check.mjs')  # resolves its imports from prefix
    (prefix / 'objects.json').write_text(json.dumps(objects))
    run = subprocess.run([node, str(prefix / 'check.mjs'), str(prefix / 'objects.json')], capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(run.stdout)


def test_monitoring_objects_pass_the_prometheus_operator_models(rendered):
    """The PrometheusRule, the role's ServiceMonitors (MLflow's, Harbor's), and one shaped as the Nexus chart builds
    it from our values (endpoint: the chart's port/path plus what we hand over), through the validators
    generated from prometheus-operator's own API types; a broken rule must be refused."""
    (rule,) = _monitoring_objects(rendered, 'prometheus-rule.yaml')
    monitors = _role_monitors(rendered)
    nexus = _values(rendered, 'nexus')['metrics']['serviceMonitor']

    def chart_monitor(name, endpoint):
        return {'apiVersion': 'monitoring.coreos.com/v1', 'kind': 'ServiceMonitor',
                'metadata': {'name': name, 'labels': nexus['additionalLabels']},
                'spec': {'selector': {'matchLabels': {'app.kubernetes.io/name': name}}, 'endpoints': [endpoint]}}
    broken = copy.deepcopy(rule)
    broken['spec']['groups'][0]['rules'][0]['for'] = '5 minutes'
    objects = [rule, monitors['mlflow'],
               chart_monitor('nexus3', dict({'port': 'http', 'path': '/service/metrics/prometheus'},
                                            **nexus['endpointConfig'])),
               monitors['harbor'],
               broken]
    results = _operator_models_check(objects)
    assert [r['valid'] for r in results] == [True, True, True, True, False], results
    assert 'for' in results[-1]['error'], results[-1]

def _monitoring_objects(rendered, name):
    return [doc for doc in yaml.safe_load_all((rendered['out'] / 'kubernetes' / name).read_text()) if doc]


def _role_monitors(rendered):
    """The role's own ServiceMonitors by service: Harbor's and MLflow's (the Nexus chart's is used as is)."""
    monitors = {m['metadata']['name'].rsplit('-maestro', 1)[0]: m
                for m in _monitoring_objects(rendered, 'service-monitors.yaml')}
    assert sorted(monitors) == ['harbor', 'mlflow'], sorted(monitors)
    return monitors


def _inventory_selector_labels():
    return yaml.safe_load((PROD / 'group_vars' / 'all' / 'platform_k8s.yml').read_text())[
        'platform_k8s_service_monitor_labels']


def test_prometheus_rule_carries_the_dev_rule_groups(rendered):
    (rule,) = _monitoring_objects(rendered, 'prometheus-rule.yaml')
    dev_groups = yaml.safe_load(RULES_FILE.read_text())['groups']
    # Same groups, same order, same keys in the same order, same strings (Prometheus templates untouched).
    assert json.dumps(rule['spec']['groups']) == json.dumps(dev_groups)
    assert rule['spec'] == {'groups': dev_groups}
    annotations = [r['annotations']['summary'] for g in dev_groups for r in g['rules'] if 'annotations' in r]
    assert any('{{ $labels.' in a for a in annotations), 'the dev rules use Prometheus templates: kept as text'
    assert rule['metadata']['namespace'] == 'maestro-platform'
    selector = _inventory_selector_labels()
    assert selector and selector.items() <= rule['metadata']['labels'].items()


def test_prometheus_rule_has_the_operator_structure(rendered):
    (rule,) = _monitoring_objects(rendered, 'prometheus-rule.yaml')
    validator = jsonschema.Draft7Validator(PROMETHEUS_RULE_SCHEMA)
    errors = ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(rule)]
    assert not errors, '\n'.join(errors)
    # metadata is an ObjectMeta: checked by Kubernetes' own schema on a core object carrying it.
    kubernetes_validate.validate({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': rule['metadata']},
                                 KUBERNETES_VERSION, strict=True)
    alerts = [r for g in rule['spec']['groups'] for r in g['rules'] if 'alert' in r]
    assert alerts and all(r['labels'].get('severity') for r in alerts)
    # The schema refuses what it must: unknown fields, a bad duration, a rule with both alert and record.
    for mutate in (lambda g: g[0]['rules'][0].update(unknown='x'),
                   lambda g: g[0]['rules'][0].update({'for': '5 minutes'}),
                   lambda g: g[0]['rules'][0].update(record='x:y'),
                   lambda g: g[0].pop('name')):
        broken = copy.deepcopy(rule)
        mutate(broken['spec']['groups'])
        assert list(validator.iter_errors(broken)), 'the schema should refuse this rule'


def test_dashboards_are_the_dev_files_in_sidecar_configmaps(rendered):
    maps = _monitoring_objects(rendered, 'grafana-dashboards.yaml')
    files = sorted(MONITORING_FILES.glob('dashboards/*.json'))
    assert len(files) >= 1 and len(maps) == len(files)
    by_key = {}
    for config_map in maps:
        assert config_map['kind'] == 'ConfigMap' and config_map['apiVersion'] == 'v1'
        assert config_map['metadata']['labels']['grafana_dashboard'] == '1'
        assert config_map['metadata']['namespace'] == 'maestro-platform'
        ((key, text),) = config_map['data'].items()
        by_key[key] = text
        kubernetes_validate.validate(config_map, KUBERNETES_VERSION, strict=True)
        assert len(yaml.safe_dump(config_map).encode()) < 1024 * 1024, 'a ConfigMap holds at most 1 MiB'
    assert sorted(by_key) == [f.name for f in files]
    for path in files:
        assert by_key[path.name].encode() == path.read_bytes(), '%s differs from the file' % path.name
        assert json.loads(by_key[path.name])['title']
    assert len({m['metadata']['name'] for m in maps}) == len(maps)
    # No secret in a dashboard, the data source or the rule.
    for name in ('grafana-dashboards.yaml', 'grafana-datasource.yaml', 'prometheus-rule.yaml'):
        text = (rendered['out'] / 'kubernetes' / name).read_text()
        assert not [k for k, v in rendered['vault'].items() if any(n in text for n in _needles(v))]
        assert 'kind: Secret' not in text


def _datasource_uids(node, found):
    if isinstance(node, dict):
        if isinstance(node.get('datasource'), dict) and node['datasource'].get('type') == 'prometheus':
            found.add(node['datasource'].get('uid'))
        for value in node.values():
            _datasource_uids(value, found)
    elif isinstance(node, list):
        for value in node:
            _datasource_uids(value, found)
    return found


def test_grafana_datasource_is_the_one_the_dashboards_query(rendered):
    uids = set()
    for path in MONITORING_FILES.glob('dashboards/*.json'):
        _datasource_uids(json.loads(path.read_text()), uids)
    (config_map,) = _monitoring_objects(rendered, 'grafana-datasource.yaml')
    kubernetes_validate.validate(config_map, KUBERNETES_VERSION, strict=True)
    assert config_map['metadata']['labels']['grafana_datasource'] == '1'
    assert config_map['metadata']['namespace'] == 'maestro-platform'
    ((key, text),) = config_map['data'].items()
    provisioning = yaml.safe_load(text)
    assert provisioning['apiVersion'] == 1
    (source,) = provisioning['datasources']
    assert uids == {source['uid']}, 'the dashboards query %s' % uids
    inventory = yaml.safe_load((PROD / 'group_vars' / 'all' / 'platform_k8s.yml').read_text())
    assert source['url'] == inventory['platform_k8s_grafana_datasource_url']
    assert (source['type'], source['access'], source['isDefault']) == ('prometheus', 'proxy', False)


def test_service_monitors_are_on_with_the_same_selector_labels(rendered):
    selector = _inventory_selector_labels()
    harbor, nexus, mlflow = (_values(rendered, s) for s in ('harbor', 'nexus', 'mlflow'))
    # Harbor: metrics on, the chart's ServiceMonitor off (it always labels itself `release: harbor`, and the selector
    # label `release` would be written twice); the role's own selects the same Services and port.
    assert harbor['metrics'] == {'enabled': True, 'serviceMonitor': {'enabled': False}}
    harbor_monitor = _role_monitors(rendered)['harbor']
    assert harbor_monitor['metadata']['labels'].items() >= selector.items()
    assert harbor_monitor['spec']['selector']['matchLabels'] == {'release': 'harbor', 'app': 'harbor'}
    assert [(e['port'], e['honorLabels']) for e in harbor_monitor['spec']['endpoints']] == [('http-metrics', True)]
    assert nexus['metrics']['enabled'] is True and nexus['metrics']['serviceMonitor']['enabled'] is True
    assert nexus['metrics']['serviceMonitor']['additionalLabels'] == selector
    # Nexus's scrape user comes from a Secret (never from the values in clear).
    basic_auth = nexus['metrics']['serviceMonitor']['endpointConfig']['basicAuth']
    secrets_by_name = {o['metadata']['name']: o for o in _secret_objects(rendered)}
    for part in ('username', 'password'):
        assert set(basic_auth[part]) == {'name', 'key'}
        assert basic_auth[part]['key'] in secrets_by_name[basic_auth[part]['name']]['data']
    password = base64.b64decode(secrets_by_name[basic_auth['password']['name']]['data']['password']).decode()
    assert password == rendered['vault']['vault_nexus_metrics_password']
    # MLflow: the chart's ServiceMonitor cannot sign in (its values have no basicAuth), so it is off, the server
    # still exposes /metrics (extraArgs -> --expose-prometheus, into a writable emptyDir) and the role's own
    # ServiceMonitor scrapes it as the metrics user, from a Secret.
    assert mlflow['serviceMonitor'] == {'enabled': False}
    metrics_dir = mlflow['extraArgs']['exposePrometheus']
    assert mlflow['extraVolumeMounts'] == [{'name': 'maestro-metrics', 'mountPath': metrics_dir}]
    assert mlflow['extraVolumes'] == [{'name': 'maestro-metrics', 'emptyDir': {}}]
    pod = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'check'}, 'spec': {
        'volumes': mlflow['extraVolumes'],
        'containers': [{'name': 'mlflow', 'image': 'check', 'volumeMounts': mlflow['extraVolumeMounts']}]}}
    kubernetes_validate.validate(pod, KUBERNETES_VERSION, strict=True)
    monitor = _role_monitors(rendered)['mlflow']
    assert monitor['metadata']['labels'].items() >= selector.items()
    assert monitor['spec']['selector']['matchLabels'] == {'app.kubernetes.io/name': 'mlflow',
                                                          'app.kubernetes.io/instance': 'mlflow'}
    (endpoint,) = monitor['spec']['endpoints']
    assert (endpoint['port'], endpoint['path']) == ('http', '/metrics')  # the chart's service.name; MLflow's path
    assert endpoint['basicAuth']['password']['name'] == 'mlflow-maestro-metrics'
    password = base64.b64decode(secrets_by_name['mlflow-maestro-metrics']['data']['password']).decode()
    assert password == rendered['vault']['vault_mlflow_metrics_password']
    (rule,) = _monitoring_objects(rendered, 'prometheus-rule.yaml')
    assert selector.items() <= rule['metadata']['labels'].items()


def _service_label_set_by(relabelings):
    """The value a ServiceMonitor endpoint's relabelings give the target label `service`, as Prometheus applies
    a replace rule without source labels (regex (.*) matches the empty string: the replacement is written)."""
    found = None
    for rule in relabelings:
        if rule.get('targetLabel') == 'service' and rule.get('action', 'replace') == 'replace' \
                and not rule.get('sourceLabels') and rule.get('regex', '(.*)') == '(.*)':
            found = rule['replacement']
    return found


def test_service_monitors_label_targets_as_the_rules_expect(rendered):
    """The dev rules select targets by service=<name> (MaestroServiceDown: up{service=~"harbor|nexus|..."}); the
    operator would set `service` to the Kubernetes Service's name (harbor-core, nexus-nexus3): the endpoints
    override it with the names the rules list."""
    (rule,) = _monitoring_objects(rendered, 'prometheus-rule.yaml')
    exprs = [r['expr'] for g in rule['spec']['groups'] for r in g['rules']]
    names = set()
    for expr in exprs:
        for match in re.finditer(r'service=~?"([^"]+)"', expr):
            names.update(match.group(1).split('|'))
    assert {'harbor', 'nexus', 'mlflow'} <= names, names
    nexus = _values(rendered, 'nexus')
    assert _service_label_set_by(nexus['metrics']['serviceMonitor']['endpointConfig']['relabelings']) == 'nexus'
    for name, monitor in _role_monitors(rendered).items():
        assert _service_label_set_by(monitor['spec']['endpoints'][0]['relabelings']) == name
    assert _service_label_set_by([{'targetLabel': 'service', 'sourceLabels': ['x'], 'replacement': 'y'}]) is None


def test_monitoring_settings_and_monitoring_off(tmp_path):
    """Other selector labels, another dashboard label and namespace, no data source URL, MLflow without basic
    auth: every object follows (MLflow's ServiceMonitor then signs in as nobody). Then monitoring off over the
    same folder: no ServiceMonitor, no PrometheusRule, no dashboards, no metrics Secret, and the files of the
    first render are gone."""
    vault_values = _generated_vault()
    out = tmp_path / 'render'
    labels = {'prometheus': 'platform'}
    first = _render(tmp_path, vault_values, out, {
        'platform_k8s_service_monitor_labels': labels, 'platform_k8s_prometheus_rule_labels': labels,
        'platform_k8s_grafana_dashboard_label': 'maestro/dashboard', 'platform_k8s_grafana_dashboard_label_value': 'yes',
        'platform_k8s_grafana_dashboard_namespace': 'monitoring',
        'platform_k8s_grafana_dashboard_annotations': {'grafana_folder': 'Maestro'},
        'platform_k8s_grafana_datasource_url': '', 'platform_k8s_mlflow_password': ''}, playbook=K8S_PLAYBOOK)
    assert first.returncode == 0, first.stdout[-6000:]
    values = {s: yaml.safe_load((out / 'values' / ('%s.yaml' % s)).read_text()) for s in ('harbor', 'nexus', 'mlflow')}
    assert values['nexus']['metrics']['serviceMonitor']['additionalLabels'] == labels
    assert not (out / 'kubernetes' / 'grafana-datasource.yaml').exists()  # no URL, no data source
    harbor_monitor, monitor = yaml.safe_load_all((out / 'kubernetes' / 'service-monitors.yaml').read_text())
    assert 'basicAuth' not in monitor['spec']['endpoints'][0]  # MLflow without basic auth: none needed
    names = [d['metadata']['name'] for d in yaml.safe_load_all((out / 'kubernetes' / 'secrets.yaml').read_text()) if d]
    assert 'mlflow-maestro-metrics' not in names and 'nexus-maestro-metrics' in names
    rule = yaml.safe_load((out / 'kubernetes' / 'prometheus-rule.yaml').read_text())
    for labelled in (harbor_monitor, monitor, rule):
        assert labels.items() <= labelled['metadata']['labels'].items() and 'release' not in labelled['metadata']['labels']
    maps = [d for d in yaml.safe_load_all((out / 'kubernetes' / 'grafana-dashboards.yaml').read_text()) if d]
    assert maps and all(m['metadata']['labels']['maestro/dashboard'] == 'yes' and 'grafana_dashboard' not in
                        m['metadata']['labels'] and m['metadata']['namespace'] == 'monitoring' and
                        m['metadata']['annotations'] == {'grafana_folder': 'Maestro'} for m in maps)

    off = _render(tmp_path, vault_values, out, {'platform_k8s_monitoring': False}, playbook=K8S_PLAYBOOK)
    assert off.returncode == 0, off.stdout[-6000:]
    plan = yaml.safe_load((out / 'plan.yaml').read_text())
    assert plan['objects'] == ['kubernetes/namespace.yaml', 'kubernetes/secrets.yaml']
    # The monitoring files of the first render are gone.
    assert sorted(p.name for p in (out / 'kubernetes').iterdir()) == ['namespace.yaml', 'secrets.yaml']
    values = {s: yaml.safe_load((out / 'values' / ('%s.yaml' % s)).read_text()) for s in ('harbor', 'nexus', 'mlflow')}
    assert values['harbor']['metrics']['serviceMonitor']['enabled'] is False
    assert values['nexus']['metrics']['serviceMonitor']['enabled'] is False
    assert 'endpointConfig' not in values['nexus']['metrics']['serviceMonitor']
    assert values['mlflow']['serviceMonitor'] == {'enabled': False}
    assert not {'extraVolumes', 'extraVolumeMounts'} & set(values['mlflow'])
    assert values['mlflow']['extraArgs'] == {'workers': '2'}  # no --expose-prometheus
    names = [d['metadata']['name'] for d in yaml.safe_load_all((out / 'kubernetes' / 'secrets.yaml').read_text()) if d]
    assert 'nexus-maestro-metrics' not in names and 'mlflow-maestro-metrics' not in names


def test_missing_rule_file_stops_before_writing(tmp_path):
    out = tmp_path / 'render'
    result = _render(tmp_path, _generated_vault(), out, {'_platform_k8s_monitoring_files': str(tmp_path / 'none')},
                     playbook=K8S_PLAYBOOK)
    assert result.returncode != 0
    assert "platform_k8s_monitoring needs the monitoring role's alert rules" in result.stdout
    assert not out.exists()

def test_role_defaults_mirror_the_argument_specs():
    role = ROOT / 'roles' / 'platform_k8s'
    defaults = yaml.safe_load((role / 'defaults' / 'main.yml').read_text())
    options = yaml.safe_load((role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']['options']
    assert list(defaults) == list(options)
    assert {k: v['default'] for k, v in options.items()} == defaults
    assert all(k.startswith('platform_k8s_') for k in defaults)
    secret_options = {k for k in options if re.search(r'(password|secret_key)$', k)}
    assert secret_options and all(options[k].get('no_log') for k in secret_options)


if __name__ == '__main__':  # pragma: no cover
    sys.exit(pytest.main([os.path.abspath(__file__), '-v']))
