"""MLflow modules against a real MLflow tracking server (SQLite backend, artifacts on moto's S3 API),
through real ansible-playbook runs, in both execution modes: in-process on the controller (the action
plugins) and as ordinary modules."""

import pytest

from tests.helpers import run_playbook

MODES = ['controller', 'module']


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('playbook', ['mlflow_experiment.yml', 'mlflow_registered_model.yml'])
def test_rhythm(mlflow_server, prefix, mode, playbook):
    result = run_playbook(playbook, extra_vars={'tracking_uri': mlflow_server.url, 'prefix': prefix,
                                                'maestro_platform_execution': mode})
    assert result.ok, str(result)
    assert 'failed=0' in result.stdout
