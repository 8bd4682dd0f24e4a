"""MLflow modules against a real MLflow tracking server (SQLite backend, artifacts on moto's S3 API),
through real ansible-playbook runs, in both execution modes: in-process on the controller (the action
plugins) and as ordinary modules.

The check/apply/absent rhythm of mlflow_experiment and mlflow_registered_model (both execution modes) is the
ansible-test targets tests/integration/targets/mlflow_experiment and mlflow_registered_model
(scripts/integration-targets.sh); this file keeps what needs the mlflow client."""

from tests.helpers import run_playbook
from tests.servers import mlflow_client_on


def test_version_from_a_runs_source_loads_in_mlflow_3(mlflow_server, prefix):
    """MLflow 3 logs a model as a logged model (models:/m-<id>), not under the run's artifacts. Registering
    runs:/<run>/model as given gives a version without an MLmodel behind it ("Could not find an MLmodel
    configuration file" on load); the module registers the run's logged model as mlflow.register_model does.
    Proven with the real client: log a tiny pyfunc model, register it through the module, load
    models:/<name>@champion."""
    import mlflow
    import mlflow.pyfunc

    class Doubler(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return [2 * x for x in model_input]

    with mlflow_client_on(mlflow_server.url):
        experiment = mlflow.set_experiment(prefix)
        with mlflow.start_run(experiment_id=experiment.experiment_id) as run:
            logged = mlflow.pyfunc.log_model(name='model', python_model=Doubler(), pip_requirements=[])
        model = prefix + '-logged'
        result = run_playbook('mlflow_model_version_logged.yml', extra_vars={
            'tracking_uri': mlflow_server.url, 'model': model, 'run_id': run.info.run_id,
            'model_id': logged.model_id})
        assert result.ok, str(result)
        loaded = mlflow.pyfunc.load_model('models:/%s@champion' % model)
        assert list(loaded.predict([1, 2])) == [2, 4]
