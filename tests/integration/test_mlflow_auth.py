"""mlflow_user and mlflow_permission against a real MLflow server running the basic-auth app (MLflow's own
auth REST API and its own enforcement), through real ansible-playbook runs in both execution modes."""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.helpers import free_port, run_phases_alone, run_playbook
from tests.servers import Mlflow


@pytest.fixture(scope='module')
def mlflow_auth(s3_server):
    server = Mlflow(s3_server, admin_password='Adm1n-' + secrets.token_hex(8)).start()
    yield server
    server.stop()


def _passwords(prefix):
    return 'P1-' + secrets.token_hex(8), 'P2-' + secrets.token_hex(8)


@pytest.mark.parametrize('mode', ['controller', 'module'])
def test_rhythm_sign_in_and_enforcement(mlflow_auth, prefix, mode):
    one, two = _passwords(prefix)
    result = run_playbook('mlflow_auth.yml', verbosity=3, extra_vars={
        'tracking_uri': mlflow_auth.url, 'prefix': prefix, 'admin_password': mlflow_auth.admin_password,
        'pass_one': one, 'pass_two': two, 'maestro_platform_execution': mode})
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
    # -vvv output and diffs never show a password.
    output = result.stdout + result.stderr
    for password in (one, two, mlflow_auth.admin_password):
        assert password not in output


def test_bad_input(mlflow_auth, prefix):
    result = run_playbook('mlflow_auth_bad_input.yml', verbosity=3, extra_vars={
        'tracking_uri': mlflow_auth.url, 'prefix': prefix, 'admin_password': mlflow_auth.admin_password,
        'unreachable_uri': 'http://127.0.0.1:%d' % free_port()})
    assert result.ok, str(result)
    assert mlflow_auth.admin_password not in result.stdout + result.stderr


def test_server_refuses_no_permissions_grant(mlflow_auth, prefix):
    """Why mlflow_permission refuses NO_PERMISSIONS itself: MLflow 3.17.2 rejects the grant
    (permissions.py RESOURCE_GRANTABLE_PERMISSIONS)."""
    import base64
    auth = 'Basic ' + base64.b64encode(('admin:%s' % mlflow_auth.admin_password).encode()).decode()

    def call(path, body):
        req = urllib.request.Request(mlflow_auth.url + path, data=json.dumps(body).encode(), method='POST',
                                     headers={'Authorization': auth, 'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b'{}')
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b'{}')

    user = prefix + '-np'
    assert call('/api/2.0/mlflow/users/create', {'username': user, 'password': _passwords(prefix)[0]})[0] == 200
    status, body = call('/api/3.0/mlflow/users/permissions/grant', {
        'username': user, 'resource_type': 'experiment', 'resource_id': '0', 'permission': 'NO_PERMISSIONS'})
    assert status == 400 and body.get('error_code') == 'INVALID_PARAMETER_VALUE', (status, body)


def test_role_creates_team_users_and_permissions(mlflow_auth, prefix):
    password = _passwords(prefix)[0]
    extra = {'tracking_uri': mlflow_auth.url, 'prefix': prefix, 'admin_password': mlflow_auth.admin_password,
             'team_password': password}
    first = run_playbook('mlflow_role_access.yml', extra_vars=extra)
    assert first.ok, str(first)
    second = run_playbook('mlflow_role_access.yml', extra_vars=extra)
    assert second.ok and 'changed=0' in second.stdout, str(second)
    # The phases alone on the converged server (docs/roles.md).
    configure, verify = run_phases_alone('mlflow_role_access.yml', 'mlflow', 'Experiments',
                                         'The experiments are served', extra_vars=extra)
    assert password not in first.stdout + second.stdout + configure.stdout + verify.stdout
    # The team user signs in and holds EDIT on the experiment, as MLflow itself resolves it.
    import base64
    query = urllib.parse.urlencode({'username': prefix + '-role-team', 'resource_type': 'experiment',
                                    'resource_id': _experiment_id(mlflow_auth, prefix + '-role-exp', password,
                                                                  prefix + '-role-team')})
    auth = 'Basic ' + base64.b64encode(('%s-role-team:%s' % (prefix, password)).encode()).decode()
    req = urllib.request.Request(mlflow_auth.url + '/api/3.0/mlflow/users/permissions/get?' + query,
                                 headers={'Authorization': auth})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert json.loads(resp.read())['permission'] == 'EDIT'


def _experiment_id(server, name, password, user):
    import base64
    auth = 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()
    req = urllib.request.Request(server.url + '/api/2.0/mlflow/experiments/get-by-name?'
                                 + urllib.parse.urlencode({'experiment_name': name}), headers={'Authorization': auth})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())['experiment']['experiment_id']
