"""The real charts, rendered with what the role renders for inventories/prod: goharbor/harbor 1.19.1, stevehipwell
nexus3 5.25.1 and community-charts mlflow 1.11.5 (../shared/specs/deploy/charts) through helm-python-sdk, which is
Helm v4's own Go code (no helm binary, no network), with the values files of the session's render of
inventories/prod (tests/integration/prod_render.py), at the Kubernetes version the inventory declares:

- every object the charts render, and every object the role applies, validates strictly: built-in kinds with
  kubernetes-validate (strict), ServiceMonitor and PrometheusRule against the openAPIV3Schema of
  prometheus-operator's CRDs (../shared/specs/deploy/crds), made strict (unknown fields refused, where the API
  server would drop them);
- every Secret, ConfigMap, ServiceAccount and PersistentVolumeClaim a pod spec names (env valueFrom, envFrom,
  volumes, serviceAccountName, imagePullSecrets), and every Secret a ServiceMonitor reads, is an object the
  charts render or the role applies, with the key asked for;
- four settings that the charts accept but a cluster would not survive stay fixed (issue 17): MLflow's memory
  limit holds the processes its arguments start; MLflow answers the Host headers it is reached by (pod IP,
  Service names, Ingress host) under MLflow's own host check; a Deployment with a ReadWriteOnce volume is
  replaced with Recreate (Harbor's jobservice); the chart's init container writes the credentials into MLflow's
  auth configuration intact, and preflight refuses a password it would break, naming the variable.

What this cannot prove (needs a cluster): that the images start, that the cluster admits the objects (admission
webhooks, quotas), and the wiring to RDS, S3 and IRSA at run time.
"""

import base64
import configparser
import copy
import fnmatch
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from unittest import mock

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.integration.prod_render import K8S_PLAYBOOK, generated_vault, render, shared_render
from tests.helpers import ROOT
from tests.specs import SPECS_DIR

CHARTS = SPECS_DIR / 'deploy' / 'charts'
CRDS = SPECS_DIR / 'deploy' / 'crds'
CHART_DIRS = {'harbor': 'harbor', 'nexus': 'nexus3', 'mlflow': 'mlflow'}
# Kinds of the Prometheus Operator's CRDs (a prerequisite of the inventory's monitoring): the charts are told
# the API exists, as the cluster would tell Helm.
OPERATOR_API = 'monitoring.coreos.com/v1'

# Memory of MLflow 3.17.2's processes, PSS in MiB, measured for this test on a running `mlflow server` (basic-auth
# app, --expose-prometheus, --serve-artifacts, SQLite): the `mlflow server` process (200-215) with uvicorn's
# supervisor (17) and resource tracker (6); each uvicorn worker (190-203); job execution (job runner 173, seven Huey
# consumers 1256). Defaults (4 workers, job execution on): 15 processes, ~2.3 GiB; 2 workers without jobs: ~650.
MLFLOW_MIB = {'base': 240, 'worker': 210, 'jobs': 1430}
MLFLOW_DEFAULT_WORKERS = 4  # mlflow/server/__init__.py _run_server: `workers or 4`


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML as the API machinery reads a manifest: a key given twice in one mapping is an error, not the last one."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(None, None, 'mapping key %s given twice' % duplicates,
                                                    node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _helm_render(chart_dir, values, release, namespace, kube_version):
    """Helm's own rendering, as `helm template --kube-version V --api-versions monitoring.coreos.com/v1` would.
    helm-python-sdk's Chart.render does not take the Kubernetes version, so its native call is used with the
    options its C library reads (kube_version, api_versions)."""
    import helm_python
    from helm_python import _native
    with helm_python.Chart.load(str(chart_dir)) as chart:
        chart.validate_schema(chart.merge_values(values))  # values.schema.json, where the chart has one
        options = {'name': release, 'namespace': namespace, 'is_install': True, 'kube_version': 'v%s.0' % kube_version,
                   'api_versions': [OPERATOR_API]}
        rendered = json.loads(_native.call_string('helm_render', chart._raw(), json.dumps(values), json.dumps(options)))
        return chart.metadata, rendered


@pytest.fixture(scope='module')
def charts(tmp_path_factory):
    prod = shared_render(tmp_path_factory)
    out = prod['out']
    plan = yaml.safe_load((out / 'plan.yaml').read_text())
    namespace, version = plan['namespace'], plan['kubernetes_version']
    started = time.monotonic()
    objects = []
    for release in plan['releases']:
        chart_dir = CHARTS / CHART_DIRS[release['service']]
        values = yaml.safe_load((out / release['values']).read_text())
        metadata, rendered = _helm_render(chart_dir, values, release['name'], namespace, version)
        assert metadata['version'] == release['chart_version'], 'the plan installs %s %s, the test renders %s' % (
            release['service'], release['chart_version'], metadata['version'])
        for path, text in sorted(rendered.items()):
            if not path.endswith(('.yaml', '.yml')):
                continue  # NOTES.txt
            for doc in yaml.load_all(text, Loader=_UniqueKeyLoader):
                if doc:  # Helm creates them in the release's namespace
                    doc.setdefault('metadata', {}).setdefault('namespace', namespace)
                    objects.append(('%s chart %s' % (release['service'], path), doc))
    seconds = time.monotonic() - started
    role = [('role %s' % path.name, doc) for path in sorted((out / 'kubernetes').glob('*.yaml'))
            for doc in yaml.safe_load_all(path.read_text()) if doc]
    return {'prod': prod, 'plan': plan, 'namespace': namespace, 'version': version, 'chart': objects, 'role': role,
            'seconds': seconds}


def _all(charts):
    return charts['chart'] + charts['role']


def _find(charts, kind, name):
    (found,) = [o for _, o in _all(charts) if o['kind'] == kind and o['metadata']['name'] == name]
    return found


def _secret_data(obj):
    data = {k: base64.b64decode(v).decode() for k, v in (obj.get('data') or {}).items()}
    data.update(obj.get('stringData') or {})
    return data


# --- strict validation -------------------------------------------------------------------------------------

def _strict(schema):
    """A CRD's structural schema with unknown fields refused (kubectl's --validate=strict): additionalProperties
    false on every object that lists its properties and does not preserve unknown fields."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {k: _strict(v) for k, v in schema.items()}
    if 'properties' in schema and 'additionalProperties' not in schema \
            and not schema.get('x-kubernetes-preserve-unknown-fields'):
        strict['additionalProperties'] = False
    return strict


def _crd_validators():
    validators = {}
    for path in sorted(CRDS.glob('*.yaml')):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd:
                continue
            for version in crd['spec']['versions']:
                key = ('%s/%s' % (crd['spec']['group'], version['name']), crd['spec']['names']['kind'])
                # OpenAPI 3.0 schemas: JSON Schema draft 4 semantics (x-kubernetes-* keywords are ignored).
                validators[key] = jsonschema.Draft4Validator(_strict(version['schema']['openAPIV3Schema']))
    return validators


def _problems(validator, obj):
    return ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(obj)]


def _volume_problems(obj):
    """The API server's rule the OpenAPI schemas cannot express (validateVolumeSource): each pod volume has exactly
    one source; a template that renders `secret:` with nothing under it leaves none ("must specify a volume type")."""
    problems = []
    for volume in (_pod_spec(obj) or {}).get('volumes') or []:
        sources = [key for key, value in volume.items() if key != 'name' and value is not None]
        if len(sources) != 1:
            problems.append('volume %s has %d sources' % (volume['name'], len(sources)))
    return problems


def test_every_object_validates_strictly(charts):
    crds = _crd_validators()
    assert set(crds) == {(OPERATOR_API, 'ServiceMonitor'), (OPERATOR_API, 'PrometheusRule')}
    counts, problems = {}, []
    for where, obj in _all(charts):
        problems += ['%s %s: %s' % (where, obj['metadata']['name'], p) for p in _volume_problems(obj)]
        key = (obj['apiVersion'], obj['kind'])
        counts[obj['kind']] = counts.get(obj['kind'], 0) + 1
        if key in crds:
            problems += ['%s %s: %s' % (where, obj['metadata']['name'], p) for p in _problems(crds[key], obj)]
            # metadata is an ObjectMeta: Kubernetes' own schema, on a core object carrying it.
            obj = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': obj['metadata']}
        try:
            kubernetes_validate.validate(obj, charts['version'], strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            problems.append('%s: %s %s is neither a Kubernetes %s kind nor one of the CRDs' % (
                where, obj['apiVersion'], obj['kind'], charts['version']))
        except kubernetes_validate.ValidationError as exc:
            problems.append('%s %s %s: %s' % (where, obj['kind'], obj['metadata']['name'], str(exc).splitlines()[0]))
    assert not problems, '\n'.join(problems)
    assert len(charts['chart']) >= 45, counts
    assert counts['ServiceMonitor'] == 3 and counts['PrometheusRule'] == 1, counts  # Harbor's, Nexus's, the role's
    assert counts['Deployment'] >= 6 and counts['StatefulSet'] >= 3, counts
    assert charts['seconds'] < 30, 'rendering the three charts took %.1f s' % charts['seconds']
    # The checks refuse what they must: an unknown field of a ServiceMonitor, a wrong type in a Deployment.
    monitor = copy.deepcopy(next(o for _, o in charts['chart'] if o['kind'] == 'ServiceMonitor'))
    monitor['spec']['endpoints'][0]['basicAuthh'] = {}
    assert _problems(crds[(OPERATOR_API, 'ServiceMonitor')], monitor)
    rule = copy.deepcopy(next(o for _, o in charts['role'] if o['kind'] == 'PrometheusRule'))
    rule['spec']['groups'][0]['rules'][0]['for'] = 5
    assert _problems(crds[(OPERATOR_API, 'PrometheusRule')], rule)
    deployment = copy.deepcopy(next(o for _, o in charts['chart'] if o['kind'] == 'Deployment'))
    deployment['spec']['replicas'] = 'one'
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, charts['version'], strict=True)
    # The Harbor chart's own ServiceMonitor with kube-prometheus-stack's selector label: `release` twice (the role
    # uses its own ServiceMonitor for Harbor).
    values = yaml.safe_load((charts['prod']['out'] / 'values' / 'harbor.yaml').read_text())
    values['metrics']['serviceMonitor'] = {'enabled': True, 'additionalLabels': {'release': 'kube-prometheus-stack'}}
    _, rendered = _helm_render(CHARTS / 'harbor', values, 'harbor', charts['namespace'], charts['version'])
    with pytest.raises(yaml.constructor.ConstructorError, match=r"mapping key \['release'\] given twice"):
        list(yaml.load_all(rendered['harbor/templates/metrics/metrics-svcmon.yaml'], Loader=_UniqueKeyLoader))
    deployment = copy.deepcopy(_find(charts, 'Deployment', 'harbor-core'))
    next(v for v in _pod_spec(deployment)['volumes'] if v['name'] == 'ca-download')['secret'] = None
    assert _volume_problems(deployment) == ['volume ca-download has 0 sources']


# --- references -------------------------------------------------------------------------------------------

def _pod_spec(obj):
    spec = obj.get('spec') or {}
    if obj['kind'] == 'Pod':
        return spec
    if obj['kind'] == 'CronJob':
        return spec['jobTemplate']['spec']['template']['spec']
    if obj['kind'] in ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'):
        return spec['template']['spec']
    return None


def _references(obj):
    """(kind, name, key or None, optional) of every object a workload's pod spec names."""
    pod = _pod_spec(obj)
    refs = []
    for container in (pod.get('initContainers') or []) + (pod.get('containers') or []):
        for env in container.get('env') or []:
            source = env.get('valueFrom') or {}
            for field, kind in (('secretKeyRef', 'Secret'), ('configMapKeyRef', 'ConfigMap')):
                if field in source:
                    ref = source[field]
                    refs.append((kind, ref['name'], ref['key'], ref.get('optional', False)))
        for env_from in container.get('envFrom') or []:
            for field, kind in (('secretRef', 'Secret'), ('configMapRef', 'ConfigMap')):
                if field in env_from:
                    refs.append((kind, env_from[field]['name'], None, env_from[field].get('optional', False)))
    claims = {t['metadata']['name'] for t in obj['spec'].get('volumeClaimTemplates') or []}
    for volume in pod.get('volumes') or []:
        sources = [volume] + ((volume.get('projected') or {}).get('sources') or [])
        for source in sources:
            if 'secret' in source:
                name = (source['secret'] or {}).get('secretName') or (source['secret'] or {}).get('name')
                keys = [i['key'] for i in (source['secret'] or {}).get('items') or []] or [None]
                refs += [('Secret', name, key, (source['secret'] or {}).get('optional', False)) for key in keys]
            if 'configMap' in source:
                keys = [i['key'] for i in source['configMap'].get('items', [])] or [None]
                refs += [('ConfigMap', source['configMap']['name'], key, source['configMap'].get('optional', False))
                         for key in keys]
        if 'persistentVolumeClaim' in volume and volume['persistentVolumeClaim']['claimName'] not in claims:
            refs.append(('PersistentVolumeClaim', volume['persistentVolumeClaim']['claimName'], None, False))
    account = pod.get('serviceAccountName') or pod.get('serviceAccount')
    if account and account != 'default':  # every namespace has `default`
        refs.append(('ServiceAccount', account, None, False))
    refs += [('Secret', s['name'], None, False) for s in pod.get('imagePullSecrets') or []]
    return refs


def _keys(obj):
    if obj['kind'] == 'Secret':
        return set(_secret_data(obj))
    if obj['kind'] == 'ConfigMap':
        return set(obj.get('data') or {}) | set(obj.get('binaryData') or {})
    return set()


def _unresolved(objects):
    """What workloads and ServiceMonitors name that is not among `objects` (or lacks the key). The Ingresses' TLS
    Secrets count as present: cert-manager issues them (the inventory's ingress annotation) or the user makes them
    (README: what the prod inventory needs)."""
    present = {(o['kind'], o['metadata'].get('namespace'), o['metadata']['name']): o for _, o in objects}
    for _, ingress in objects:
        if ingress['kind'] == 'Ingress':
            for tls in ingress['spec'].get('tls') or []:
                present.setdefault(('Secret', ingress['metadata']['namespace'], tls['secretName']), {
                    'kind': 'Secret', 'metadata': {'name': tls['secretName']}, 'type': 'kubernetes.io/tls',
                    'data': {'tls.crt': '', 'tls.key': ''}})
    missing, checked = [], 0
    for where, obj in objects:
        refs = []
        if _pod_spec(obj) is not None:
            refs = _references(obj)
        elif obj['kind'] == 'ServiceMonitor':
            refs = [('Secret', part['name'], part['key'], part.get('optional', False))
                    for endpoint in obj['spec']['endpoints'] for part in endpoint.get('basicAuth', {}).values()]
        for kind, name, key, optional in refs:
            checked += 1
            target = present.get((kind, obj['metadata']['namespace'], name))
            if optional and target is None:
                continue
            if target is None:
                missing.append('%s %s %s names %s %s, which nothing renders or applies' % (
                    where, obj['kind'], obj['metadata']['name'], kind, name))
            elif key is not None and key not in _keys(target) and not optional:
                missing.append('%s %s %s reads key %s of %s %s, which it lacks' % (
                    where, obj['kind'], obj['metadata']['name'], key, kind, name))
    return missing, checked


def test_every_reference_resolves(charts):
    missing, checked = _unresolved(_all(charts))
    assert not missing, '\n'.join(missing)
    assert checked >= 60, checked
    # Among them, the Secrets only the role makes (the charts are pointed at them), e.g. MLflow's database.
    mlflow = _find(charts, 'Deployment', 'mlflow')
    assert ('Secret', 'mlflow-maestro-database', 'password', False) in _references(mlflow)
    # The check fails where it must: without the role's Secrets, and with a key renamed.
    without_role = [(w, o) for w, o in _all(charts) if not (w.startswith('role') and o['kind'] == 'Secret')]
    missing, _ = _unresolved(without_role)
    assert any('mlflow-maestro-database' in m for m in missing) and any('harbor-maestro-s3' in m for m in missing)
    renamed = copy.deepcopy(_all(charts))
    secret = next(o for w, o in renamed if o['kind'] == 'Secret' and o['metadata']['name'] == 'nexus-maestro-admin')
    secret['data'] = {'pass': secret['data']['password']}
    missing, _ = _unresolved(renamed)
    assert missing == ['nexus chart nexus3/templates/statefulset.yaml StatefulSet nexus-nexus3 reads key password of '
                       'Secret nexus-maestro-admin, which it lacks'], missing


# --- the four settings of issue 17 --------------------------------------------------------------------------

def _container(obj, name):
    pod = _pod_spec(obj)
    (found,) = [c for c in pod.get('initContainers', []) + pod['containers'] if c['name'] == name]
    return found


def _environment(charts, container):
    """The container's environment as Kubernetes builds it: envFrom ConfigMaps and Secrets, then env."""
    env = {}
    for env_from in container.get('envFrom', []):
        for field, kind in (('configMapRef', 'ConfigMap'), ('secretRef', 'Secret')):
            if field in env_from:
                target = _find(charts, kind, env_from[field]['name'])
                env.update(_secret_data(target) if kind == 'Secret' else target.get('data') or {})
    for item in container.get('env', []):
        if 'value' in item:
            env[item['name']] = item['value']
        elif 'secretKeyRef' in item.get('valueFrom', {}):
            ref = item['valueFrom']['secretKeyRef']
            env[item['name']] = _secret_data(_find(charts, 'Secret', ref['name']))[ref['key']]
    return env


def _mib(quantity):
    """A Kubernetes memory quantity in MiB."""
    number, suffix = re.fullmatch(r'([0-9.]+)([KMGT]i|[kMGT])?', str(quantity)).groups()
    factor = {'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'k': 10 ** 3, 'M': 10 ** 6, 'G': 10 ** 9,
              'T': 10 ** 12}.get(suffix, 1)
    return float(number) * factor / 2 ** 20


def _mlflow_processes(charts):
    """Workers and job execution as the rendered MLflow container starts them, read as MLflow reads them."""
    from mlflow.environment_variables import MLFLOW_SERVER_ENABLE_JOB_EXECUTION
    mlflow = _container(_find(charts, 'Deployment', 'mlflow'), 'mlflow')
    env = _environment(charts, mlflow)
    workers = next((a.split('=', 1)[1] for a in mlflow['args'] if a.startswith('--workers=')),
                   env.get('MLFLOW_WORKERS') or MLFLOW_DEFAULT_WORKERS)
    name = MLFLOW_SERVER_ENABLE_JOB_EXECUTION.name
    with mock.patch.dict(os.environ):
        os.environ.pop(name, None)
        if name in env:
            os.environ[name] = env[name]
        jobs = MLFLOW_SERVER_ENABLE_JOB_EXECUTION.get()  # MLflow's own parsing and default (on)
    return mlflow, int(workers), jobs


def test_mlflow_memory_limit_holds_its_processes(charts):
    """MLflow 3 starts 4 workers and job execution (a runner and 7 consumers) unless told otherwise; the limit must
    hold what the rendered container starts, or the pod is OOM-killed."""
    mlflow, workers, jobs = _mlflow_processes(charts)
    needed = (MLFLOW_MIB['base'] + MLFLOW_MIB['worker'] * workers + (MLFLOW_MIB['jobs'] if jobs else 0)) * 1.25
    limit = _mib(mlflow['resources']['limits']['memory'])
    assert limit >= needed, 'MLflow starts %d workers%s (~%d MiB) under a %s limit' % (
        workers, ' and job execution' if jobs else '', needed, mlflow['resources']['limits']['memory'])
    assert (workers, jobs) == (2, False), 'the prod inventory runs 2 workers without job execution'
    # The migration init container gets the same resources (the chart's template).
    assert _container(_find(charts, 'Deployment', 'mlflow'), 'mlflow-db-migration')['resources'] == mlflow['resources']
    assert _mib('1Gi') == 1024 and _mib('1536Mi') == 1536 and round(_mib('2G')) == 1907


def test_mlflow_answers_the_hosts_it_is_reached_by(charts):
    """MLflow 3's host check (mlflow/server/security_utils.py, run here as is) on the rendered
    MLFLOW_SERVER_ALLOWED_HOSTS: Prometheus scrapes the pod by IP and port, other pods use the Service's names,
    users the Ingress host; anything else stays refused (DNS rebinding)."""
    from mlflow.server.security_utils import is_allowed_host_header
    deployment = _find(charts, 'Deployment', 'mlflow')
    env = _environment(charts, _container(deployment, 'mlflow'))
    allowed = [h.strip() for h in env['MLFLOW_SERVER_ALLOWED_HOSTS'].split(',')]
    assert '*' not in allowed
    port = _container(deployment, 'mlflow')['ports'][0]['containerPort']
    service = _find(charts, 'Service', 'mlflow')
    namespace = charts['namespace']
    names = [service['metadata']['name'] + suffix
             for suffix in ('', '.' + namespace, '.%s.svc' % namespace, '.%s.svc.cluster.local' % namespace)]
    service_port = service['spec']['ports'][0]['port']
    (ingress_host,) = [r['host'] for r in _find(charts, 'Ingress', 'mlflow')['spec']['rules']]
    reached_as = (['%s:%d' % (ip, port) for ip in ('10.0.12.34', '172.20.1.2', '172.31.255.1', '192.168.3.4')]
                  + ['[fd12:3456::7]:%d' % port, 'localhost:%d' % port, ingress_host]
                  + names + ['%s:%d' % (n, p) for n in names for p in (service_port, port)])
    refused = [h for h in reached_as if not is_allowed_host_header(allowed, h)]
    assert not refused, 'MLflow answers 403 "Invalid Host header" to %s' % refused
    for other in ('attacker.example.com', 'mlflow.other-namespace.svc', '172.32.0.1:%d' % port, '8.8.8.8:%d' % port):
        assert not is_allowed_host_header(allowed, other), other
    # The role's ServiceMonitor scrapes that port: the Service's port `http` targets the container port.
    monitor = _find(charts, 'ServiceMonitor', 'mlflow-maestro')
    (svc_port,) = [p for p in service['spec']['ports'] if p['name'] == monitor['spec']['endpoints'][0]['port']]
    assert svc_port['targetPort'] == _container(deployment, 'mlflow')['ports'][0]['name']
    assert fnmatch.fnmatch('10.0.12.34:5000', '10.*')  # the semantics read: fnmatch on the whole Host header


def test_trivy_runs_when_the_platform_scans(charts):
    """The prod inventory's projects scan on push (harbor_projects auto_scan) and keep Trivy the default scanner
    (harbor_scanners): the chart must then run Trivy and tell Harbor's core about it. WITH_TRIVY is what core reads
    (config.WithTrivy) to register the immutable "Trivy" registration at start (src/core/main.go registerScanners,
    Harbor v2.15.2); TRIVY_ADAPTER_URL is the registration's URL and must name the Trivy Service the chart renders."""
    inventory = yaml.safe_load((ROOT / 'inventories' / 'prod' / 'group_vars' / 'all' / 'harbor.yml').read_text())
    assert any(p.get('auto_scan') or p.get('prevent_vulnerable') for p in inventory['harbor_projects'])
    assert {'name': 'Trivy', 'default': True} in inventory['harbor_scanners']
    harbor = [o for source, o in charts['chart'] if source.startswith('harbor chart')]
    (core_cm,) = [o for o in harbor if o['kind'] == 'ConfigMap' and o['metadata']['name'].endswith('-core')]
    assert core_cm['data']['WITH_TRIVY'] == 'true'
    (trivy_sts,) = [o for o in harbor if o['kind'] == 'StatefulSet' and o['metadata']['name'].endswith('-trivy')]
    (trivy_svc,) = [o for o in harbor if o['kind'] == 'Service' and o['metadata']['name'] == trivy_sts['metadata']['name']]
    port = trivy_svc['spec']['ports'][0]['port']
    assert core_cm['data']['TRIVY_ADAPTER_URL'] == 'http://%s:%s' % (trivy_svc['metadata']['name'], port)


def test_workloads_with_single_node_volumes_are_recreated(charts):
    """A ReadWriteOnce volume (EBS) attaches to one node: a RollingUpdate starts the new pod before the old one
    stops, and on another node it waits on Multi-Attach forever. Harbor's values: use Recreate without RWX."""
    claims = {o['metadata']['name']: o for _, o in charts['chart'] if o['kind'] == 'PersistentVolumeClaim'}
    checked = []
    for where, obj in charts['chart']:
        if obj['kind'] != 'Deployment':
            continue
        for volume in _pod_spec(obj).get('volumes', []):
            claim = volume.get('persistentVolumeClaim', {}).get('claimName')
            if claim and 'ReadWriteMany' not in claims[claim]['spec']['accessModes']:
                checked.append(obj['metadata']['name'])
                assert obj['spec']['strategy']['type'] == 'Recreate', '%s %s mounts the %s volume %s with %s' % (
                    where, obj['metadata']['name'], claims[claim]['spec']['accessModes'], claim,
                    obj['spec']['strategy']['type'])
    assert 'harbor-jobservice' in checked, checked


def _run_ini_initializer(charts, tmp_path, env):
    """The mlflow chart's init container script (ini-file-initializer), run with sh and sed here (busybox in the
    pod) on the rendered auth ini template; returns (exit status, the ini it wrote)."""
    deployment = _find(charts, 'Deployment', 'mlflow')
    init = _container(deployment, 'ini-file-initializer')
    assert init['command'] == ['sh', '-c']
    template = _find(charts, 'ConfigMap', 'mlflow-auth-ini-template')['data']['auth_template.ini']
    (tmp_path / 'template').mkdir()
    (tmp_path / 'config').mkdir()
    (tmp_path / 'template' / 'auth_template.ini').write_text(template)
    script = init['args'][0].replace('/template/', '%s/template/' % tmp_path)
    script = script.replace('/config/', '%s/config/' % tmp_path)
    run = subprocess.run(['sh', '-c', script], env=dict(env, PATH=os.environ['PATH']), capture_output=True, text=True,
                         timeout=30, check=False)
    result = tmp_path / 'config' / 'auth_result.ini'
    return run, result if result.exists() else None


def test_mlflow_auth_configuration_carries_the_credentials(charts, tmp_path, monkeypatch):
    """The init container substitutes the admin and database credentials with sed; MLflow reads the file with its
    own read_auth_config (configparser) and the database URI with SQLAlchemy. The prod values come out intact;
    a '/' stops the script (the pod's crash loop), a '&' silently changes the password."""
    if not shutil.which('sed'):
        pytest.skip('sed is needed')  # Debian always has it
    from mlflow.server.auth.config import read_auth_config
    from sqlalchemy.engine import make_url
    init = _container(_find(charts, 'Deployment', 'mlflow'), 'ini-file-initializer')
    env = _environment(charts, init)
    assert set(env) == {'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'DB_USERNAME', 'DB_PASSWORD'}
    vault = charts['prod']['vault']
    assert env['ADMIN_PASSWORD'] == vault['vault_mlflow_admin_password']
    assert env['DB_PASSWORD'] == vault['vault_mlflow_db_password']
    for name in ('MLFLOW_AUTH_ADMIN_USERNAME', 'MLFLOW_AUTH_ADMIN_PASSWORD'):
        monkeypatch.delenv(name, raising=False)

    def written(values, where):
        where.mkdir()
        run, ini = _run_ini_initializer(charts, where, values)
        if run.returncode != 0 or ini is None:
            return None
        monkeypatch.setenv('MLFLOW_AUTH_CONFIG_PATH', str(ini))
        config = read_auth_config()
        url = make_url(config.database_uri)
        return config.admin_username, config.admin_password, url.username, url.password

    assert written(env, tmp_path / 'prod') == (env['ADMIN_USERNAME'], env['ADMIN_PASSWORD'], env['DB_USERNAME'],
                                              env['DB_PASSWORD'])
    hex_password = secrets.token_hex(24)  # what vault.yml.example recommends
    assert written(dict(env, ADMIN_PASSWORD=hex_password), tmp_path / 'hex')[1] == hex_password
    assert written(dict(env, ADMIN_PASSWORD='Ab1/' + hex_password), tmp_path / 'slash') is None
    assert written(dict(env, ADMIN_PASSWORD='Ab1&' + hex_password), tmp_path / 'ampersand')[1] != 'Ab1&' + hex_password
    assert written(dict(env, DB_PASSWORD='Ab1@' + hex_password), tmp_path / 'at')[3] != 'Ab1@' + hex_password
    with pytest.raises(configparser.InterpolationSyntaxError):
        written(dict(env, ADMIN_PASSWORD='Ab1%' + hex_password), tmp_path / 'percent')


@pytest.mark.parametrize('case', ['password', 'memory'])
def test_preflight_refuses_what_mlflow_cannot_start_with(tmp_path, case):
    """A '/' in the admin password (openssl rand -base64 gives one 40% of the time) and a '&' in the database
    password: refused before anything is written, naming both variables, without showing a value. A memory limit
    below the processes (job execution on, 1Gi): refused, naming the limit."""
    vault_values = generated_vault()
    extra = {}
    if case == 'password':
        vault_values['vault_mlflow_admin_password'] = 'Ab1/' + secrets.token_hex(12)
        vault_values['vault_mlflow_db_password'] = 'Cd2&' + secrets.token_hex(12)
        expected = ['platform_k8s_mlflow_password (the vault value it is set from)',
                    'platform_k8s_mlflow_db_password (the vault value it is set from)', 'openssl rand -hex 24']
    else:
        extra = {'platform_k8s_mlflow_job_execution': True}
        expected = ['platform_k8s_mlflow_resources.limits.memory (1Gi) must be a Kubernetes quantity',
                    'platform_k8s_mlflow_job_execution=true']
    out = tmp_path / 'render'
    result = render(tmp_path, vault_values, out, extra, playbook=K8S_PLAYBOOK)
    assert result.returncode != 0
    output = re.sub(r'\s+', ' ', result.stdout)
    for text in expected:
        assert text in output, result.stdout[-4000:]
    if case == 'password':
        failed = set(re.findall(r'failed: \[localhost\] \(item=(\w+)\)', result.stdout))
        assert failed == {'platform_k8s_mlflow_password', 'platform_k8s_mlflow_db_password'}, failed
    assert not out.exists()
    shown = [k for k, v in vault_values.items() if v in result.stdout + result.stderr]
    assert not shown, shown
