"""One pass of the MLflow modules on a PostgreSQL backend with MLflow's basic-auth app (a real
PostgreSQL 15 and a real MLflow server), plus wrong credentials and bad input: each must fail with one
clear sentence naming the field or URL, and write nothing."""

import secrets

import pytest

from tests.helpers import free_port, run_playbook
from tests.servers import Mlflow


@pytest.fixture(scope='module')
def mlflow_pg(s3_server, postgres_server):
    uri = postgres_server.create_database('mlflow_auth')
    server = Mlflow(s3_server, backend_uri=uri, admin_password='Adm1n-' + secrets.token_hex(8)).start()
    yield server
    server.stop()


def test_rhythm_on_postgres_with_basic_auth(mlflow_pg, prefix):
    result = run_playbook('mlflow_experiment.yml', extra_vars={
        'tracking_uri': mlflow_pg.url, 'prefix': prefix, 'maestro_platform_execution': 'controller'},
        env={'MLFLOW_TRACKING_USERNAME': 'admin', 'MLFLOW_TRACKING_PASSWORD': mlflow_pg.admin_password})
    assert result.ok, str(result)


def test_bad_input_and_wrong_credentials(mlflow_pg, prefix):
    closed_port = free_port()
    result = run_playbook('mlflow_bad_input.yml', verbosity=3, extra_vars={
        'tracking_uri': mlflow_pg.url, 'prefix': prefix, 'password': mlflow_pg.admin_password,
        'unreachable_uri': 'http://127.0.0.1:%d' % closed_port})
    assert result.ok, str(result)
    # -vvv output never shows the passwords that were used (right or wrong).
    assert mlflow_pg.admin_password not in result.stdout + result.stderr
    assert 'Wr0ng-pass-' + prefix not in result.stdout + result.stderr
