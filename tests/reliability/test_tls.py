"""TLS: certificate verification is on by default in every module; a server whose certificate a private CA
signed is refused with a message naming the CA option (ca_path); giving that CA in ca_path works.

The HTTPS servers are the fault proxy (tests/reliability/fault_proxy.py) serving TLS with a certificate of
a throw-away test CA (conftest.test_ca), in front of the Harbor and Nexus emulators, the real MLflow server
and the MinIO endpoint (S3 on moto plus the admin emulator).
"""

import importlib
from pathlib import Path

import pytest

from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_info as HPRI
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_experiment as ME
from ansible_collections.maestro.platform.plugins.module_utils import _minio_bucket_info as MIBI
from ansible_collections.maestro.platform.plugins.module_utils import _minio_policy as MIP
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository_info as NRI
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from tests.reliability import summary
from tests.reliability.fault_proxy import FaultProxy
from tests.reliability.faults import FastTime, execute
from tests.servers import S3_KEYS

ROOT = Path(__file__).resolve().parents[2]


def _operations():
    for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        module = importlib.import_module('ansible_collections.maestro.platform.plugins.modules.%s' % path.stem)
        yield path.stem, module.OPERATION


def test_verification_is_on_by_default_in_every_module():
    checked, problems = [], []
    for name, operation in _operations():
        spec = operation.argument_spec()
        if name == 'dvc_remote':  # writes DVC's config: ssl_verify unset leaves DVC's own default (verify)
            if spec['ssl_verify'].get('default') not in (None, True):
                problems.append('dvc_remote: ssl_verify defaults to %r' % spec['ssl_verify'].get('default'))
            checked.append(name)
            continue
        option = spec.get('validate_certs')
        if option is None or option.get('default') is not True or option.get('type') != 'bool':
            problems.append('%s: validate_certs is %r' % (name, option))
        if 'ca_path' not in spec:
            problems.append('%s: no ca_path option' % name)
        checked.append(name)
    summary.record(summary.TLS, check='validate_certs defaults to true (%d modules)' % len(checked),
                   ok=not problems, detail='; '.join(problems) or 'every module; dvc_remote keeps DVC\'s default')
    assert not problems, problems


@pytest.fixture
def https(test_ca, request):
    proxies = []

    def front(url, flavor='json'):
        proxy = FaultProxy(url, tls=(test_ca['cert'], test_ca['key']), flavor=flavor).start()
        proxies.append(proxy)
        return proxy.base_url

    yield front
    for proxy in proxies:
        proxy.stop()


SERVICES = ['harbor', 'nexus', 'mlflow', 'minio admin API', 's3 (boto3)']

def _case(request, front, service):
    """(operation, task arguments without TLS options) of a read-only task of the service."""
    if service == 'harbor':
        harbor = request.getfixturevalue('harbor_emulator')
        return HPRI.ProjectInfo, {'url': front(harbor.base_url), 'username': harbor.admin_username,
                                  'password': harbor.admin_password}
    if service == 'nexus':
        nexus = request.getfixturevalue('nexus_emulator')
        return NRI.RepositoryInfo, {'url': front(nexus.base_url), 'username': 'admin', 'password': nexus.admin_password}
    if service == 'mlflow':
        return ME.ExperimentInfo, {'tracking_uri': front(request.getfixturevalue('mlflow_server').url)}
    minio = request.getfixturevalue('minio_server')
    keys = {'endpoint_url': front(minio.url, 's3'), 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
            'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'region': 'us-east-1'}
    if service == 'minio admin API':
        return MIP.Policy, dict(keys, name='tls-check', state='absent')
    return MIBI.BucketInfo, dict(keys, details=False)


@pytest.mark.parametrize('service', SERVICES)
def test_a_private_ca_is_refused_by_default_and_named(request, https, service, monkeypatch):
    import botocore.endpoint
    monkeypatch.setattr(botocore.endpoint, 'time', FastTime())  # botocore retries TLS failures: do not wait
    monkeypatch.delenv('AWS_CA_BUNDLE', raising=False)  # this machine sets one; the module must not need it
    operation, args = _case(request, https, service)
    try:
        execute(operation, args)
        message = None
    except ModuleFailure as exc:
        message = exc.msg
    ok = message is not None and 'ca_path' in message and '\n' not in message
    summary.record(summary.TLS, check='%s: private CA refused, message names ca_path' % service, ok=ok,
                   detail=(message or 'ACCEPTED without the CA')[:200])
    assert message is not None, 'accepted a certificate of an unknown CA'
    assert ok, message


@pytest.mark.parametrize('service', SERVICES)
def test_the_ca_option_works(request, https, test_ca, service, monkeypatch):
    monkeypatch.delenv('AWS_CA_BUNDLE', raising=False)
    operation, args = _case(request, https, service)
    try:
        result = execute(operation, dict(args, ca_path=test_ca['ca']))
        ok, detail = not result.get('failed'), 'worked through HTTPS with ca_path'
    except ModuleFailure as exc:
        ok, detail = False, exc.msg
    summary.record(summary.TLS, check='%s: ca_path with the private CA works' % service, ok=ok, detail=detail)
    assert ok, detail
