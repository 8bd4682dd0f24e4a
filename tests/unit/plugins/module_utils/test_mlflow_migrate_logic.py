"""Unit tests of mlflow_migrate's pure parts (no server): runs/log-batch within MLflow's limits, the artifact
proxy's paths, and input checks before any request. The migration itself runs between two real MLflow
servers in tests/integration/test_mlflow_migrate.py."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_copy as MC
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_migrate as MM
from ansible_collections.maestro.platform.plugins.module_utils._http import HttpClient
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


class Recorder:
    base_url = 'http://destination'

    def __init__(self):
        self.posts = []

    def post(self, path, body=None, **kwargs):
        self.posts.append((path, body))
        return {}


def _migration(params=None, source='http://source'):
    clients = MM.Clients(HttpClient(source), Recorder())
    return MM.Migration(dict({'experiments': None, 'models': None}, **(params or {})), clients)


def test_log_batch_stays_within_mlflow_limits():
    """mlflow/utils/validation.py: at most 1000 metrics, 100 params, 100 tags and 1000 entities a request."""
    migration = _migration()
    metrics = [{'key': 'm', 'value': i, 'timestamp': i, 'step': i} for i in range(2500)]
    params = [{'key': 'p%d' % i, 'value': 'x'} for i in range(250)]
    tags = [{'key': 't%d' % i, 'value': 'y'} for i in range(150)]
    migration.log_batch('run', list(metrics), list(params), list(tags))
    batches = [body for path, body in migration.dst.posts]
    assert all(path.endswith('/runs/log-batch') for path, body in migration.dst.posts)
    for body in batches:
        assert len(body['params']) <= 100 and len(body['tags']) <= 100 and len(body['metrics']) <= 1000
        assert len(body['params']) + len(body['tags']) + len(body['metrics']) <= 1000
    assert [m for b in batches for m in b['metrics']] == metrics  # every point once, in order
    assert [p for b in batches for p in b['params']] == params
    assert [t for b in batches for t in b['tags']] == tags
    assert len(batches) == 3  # params need three requests; the metrics fill the room left beside them


@pytest.mark.parametrize('uri,path', [
    ('mlflow-artifacts:/1/abc/artifacts', '1/abc/artifacts'),
    ('mlflow-artifacts://mlflow.example.com:5000/1/abc/artifacts/', '1/abc/artifacts'),
    ('s3://bucket/1/abc/artifacts', None),
    ('', None),
])
def test_proxied_path(uri, path):
    assert MC.proxied_path(uri) == path


def test_same_server_refused_before_any_request():
    migration = _migration(source='http://destination')
    with pytest.raises(ModuleFailure, match='same server'):
        migration.validate()
    assert migration.dst.posts == []


def test_migration_tags_are_never_copied():
    """A source that was itself migrated into carries maestro.migrated_from: copying it would break the link
    between the new copy and its own source."""
    assert MC.own_tags({'a': '1', MC.MIGRATED_FROM: 'x', MC.IN_PROGRESS: 'incomplete'}) == {'a': '1'}
