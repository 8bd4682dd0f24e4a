"""mlflow_migrate and the playbook maestro.platform.migrate_mlflow between two REAL MLflow servers (3.17, SQLite
backends, artifacts served by each server's artifact proxy from its own bucket on moto's S3 API). The source runs
no auth app (MLflow's basic-auth app hashes the password on every request, which tripled this test's time;
mlflow_user/mlflow_permission's tests cover basic auth through the same transport), but the test still gives
the source a password and checks that -v output and the report never show it (no_log source options).

The source is seeded with the real mlflow client: 3 experiments x 4 runs x 3 metrics x 100 steps, params, tags,
artifacts (text and binary, nested), a deleted experiment and a deleted run, two registered models with versions
(one from a runs:/ source, one from the run's artifact URI, one whose run is deleted, one from an MLflow 3 logged
model that must still load from the destination), a stage, aliases, tags and descriptions. One module-scoped pair of servers, then in order:

1. --check (in-process path): the plan names exactly what would move; the destination is unchanged.
2. half a migration (in-process path, one experiment, no models), then an interrupted run left behind on the
   destination (a copy still tagged maestro.migration=incomplete with half of one metric's history);
3. the rest (ordinary module path): resumes the interrupted copy, copies the rest, no duplicates;
4. a rerun on both paths, and --check, change nothing;
5. field by field on the destination: run times, status, params, tags, every metric's full history, artifacts'
   bytes, models, versions (source pointing at the copy's artifacts), stage, aliases, the logged model (loaded
   and run from the destination).
"""

import json
import os
import secrets
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_playbook
from tests.servers import Mlflow, mlflow_client_on

PLAYBOOK = ROOT / 'playbooks' / 'migrate_mlflow.yml'
# The test copies 3 experiments x 4 runs; bench/bench_mlflow_migrate.py times the same seed with 20 runs each.
RUNS, STEPS, METRICS = 4, 100, ('loss', 'accuracy', 'f1')
SOURCE_PASSWORD = 'Src-' + secrets.token_hex(8)


@pytest.fixture(scope='module')
def servers(s3_server):
    source = Mlflow(s3_server, bucket='migrate-source')
    destination = Mlflow(s3_server, bucket='migrate-destination')
    with ThreadPoolExecutor(2) as pool:  # each start is 6-19 s, mostly waiting
        list(pool.map(lambda s: s.start(), (source, destination)))
    yield source, destination
    for server in (source, destination):  # throw-away servers: no graceful shutdown (10 s each on SIGTERM)
        if server.proc and server.proc.poll() is None:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
        server.stop()


def _client(server):
    from mlflow import MlflowClient
    return MlflowClient(server.url, registry_uri=server.url)


def seed_source(server, prefix, tmp, runs=RUNS):
    """The source's content, through the real client; returns what the test compares against."""
    from mlflow.entities import Metric, Param, RunTag
    client = _client(server)
    base = int(time.time() * 1000) - 10 ** 7
    files = tmp / 'artifacts'
    (files / 'model').mkdir(parents=True)
    (files / 'model' / 'MLmodel').write_text('flavors: {}\n')
    (files / 'model' / 'weights.bin').write_bytes(os.urandom(20000))
    (files / 'notes.txt').write_text('trained on the 2026 data\n')
    seeded = {'experiments': [], 'artifact_runs': []}
    for e in 'abc':
        name = '%s-%s' % (prefix, e)
        exp_id = client.create_experiment(name, tags={'team': 'risk-' + e, 'mlflow.note.content': 'exp ' + e})
        seeded['experiments'].append(name)
        for r in range(runs):
            start = base + r * 1000
            run = client.create_run(exp_id, start_time=start, run_name='%s-run-%02d' % (e, r),
                                    tags={'stage': 'dev', 'seed': str(r)})
            metrics = [Metric(k, (i * 0.01 + r) * (n + 1), start + i, i) for n, k in enumerate(METRICS)
                       for i in range(STEPS)]
            client.log_batch(run.info.run_id, metrics=metrics,
                             params=[Param('lr', str(0.1 / (r + 1))), Param('batch', '32')],
                             tags=[RunTag('feature_set', 'v%d' % (r % 3))])
            if e == 'a' and r < 3:
                client.log_artifacts(run.info.run_id, str(files))
                seeded['artifact_runs'].append(run.info.run_id)
            client.set_terminated(run.info.run_id, status='FAILED' if r == 2 else 'FINISHED',
                                  end_time=start + 500_000)
            if e == 'a' and r == 0:
                seeded['deleted_run'] = client.create_run(exp_id, run_name='to-delete').info.run_id
    gone = client.create_experiment(prefix + '-gone')
    client.create_run(gone)
    client.delete_experiment(gone)
    client.delete_run(seeded['deleted_run'])
    first, second, third = seeded['artifact_runs']
    model = prefix + '-clf'
    client.create_registered_model(model, tags={'owner': 'risk'}, description='fraud classifier')
    client.create_model_version(model, 'runs:/%s/model' % first, run_id=first, description='v1',
                                tags={'quality': 'ok'})
    artifact_uri = client.get_run(second).info.artifact_uri
    client.create_model_version(model, artifact_uri + '/model', run_id=second)
    client.create_model_version(model, 'runs:/%s/model' % seeded['deleted_run'], run_id=seeded['deleted_run'])
    seeded['logged_model_id'] = _log_model(server, first, model)  # version 4: MLflow 3's default path
    client.transition_model_version_stage(model, '1', 'Staging')
    client.set_registered_model_alias(model, 'champion', '2')
    client.set_registered_model_alias(model, 'challenger', '1')
    client.set_registered_model_alias(model, 'old', '3')
    client.set_registered_model_alias(model, 'served', '4')
    client.create_registered_model(prefix + '-empty', description='no versions yet')
    seeded['models'] = [model, prefix + '-empty']
    return seeded


def _log_model(server, run_id, name):
    """Log a pyfunc model in a run and register it, as MLflow 3's client does (a logged model, models:/m-...)."""
    import mlflow
    import mlflow.pyfunc

    class Doubler(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return [2 * x for x in model_input]

    with mlflow_client_on(server.url):
        with mlflow.start_run(run_id=run_id):
            logged = mlflow.pyfunc.log_model(name='served', python_model=Doubler(), pip_requirements=[])
        mlflow.register_model(logged.model_uri, name)
        return logged.model_id


def _load(server, uri):
    import mlflow
    import mlflow.pyfunc
    with mlflow_client_on(server.url):
        return mlflow.pyfunc.load_model(uri)


def migrate(servers, tmp, mode, check=False, **variables):
    source, destination = servers
    report = tmp / ('report-%s.json' % secrets.token_hex(4))
    extra = {'mlflow_migrate_source_uri': source.url, 'mlflow_migrate_source_username': 'reader',
             'mlflow_migrate_source_password': SOURCE_PASSWORD,
             'mlflow_migrate_destination_uri': destination.url, 'mlflow_migrate_report': str(report),
             'maestro_platform_execution': mode}
    extra.update(variables)
    result = run_playbook(PLAYBOOK, extra_vars=extra, check=check, diff=True, verbosity=1)
    print('playbook (%s%s) %.1f s' % (mode, ', check' if check else '', result.elapsed))
    assert result.ok, str(result)
    assert SOURCE_PASSWORD not in result.stdout + result.stderr + report.read_text()
    return json.loads(report.read_text()), result


def _destination_state(destination):
    client = _client(destination)
    experiments = sorted((e.name, e.experiment_id) for e in client.search_experiments(view_type=3))
    runs = client.search_runs([e for _, e in experiments], run_view_type=3) if experiments else []
    models = sorted(m.name for m in client.search_registered_models())
    return experiments, sorted(r.info.run_id for r in runs), models


def _counts(section):
    return dict((kind, value['count']) for kind, value in section.items())


def test_migration(servers, prefix, tmp_path):
    source, destination = servers
    started = time.monotonic()
    seeded = seed_source(source, prefix, tmp_path)
    print('seeded in %.1f s' % (time.monotonic() - started))
    before = _destination_state(destination)

    # 1. the dry run: exactly what would move, nothing written
    plan, result = migrate(servers, tmp_path, 'controller', check=True)
    assert _counts(plan['would_copy']) == {'experiments': 3, 'runs': 3 * RUNS, 'models': 2, 'model_versions': 3}
    assert plan['would_copy']['experiments']['names'] == seeded['experiments']
    assert sorted(plan['would_copy']['model_versions']['names']) == ['%s-clf/%d' % (prefix, v) for v in (1, 2, 4)]
    skipped = dict((s['name'].split(' ')[0], s['kind']) for s in plan['skipped'])
    assert skipped == {prefix + '-gone': 'experiment', '%s-a/to-delete' % prefix: 'run',
                       '%s-clf/3' % prefix: 'model_version', '%s-clf@old' % prefix: 'alias'}
    assert '+ run %s-b/b-run-00' % prefix in result.stdout  # diff mode lists the plan
    assert _destination_state(destination) == before

    # 2. half a migration on the in-process path, then a copy interrupted in the middle of its metrics
    half, _ = migrate(servers, tmp_path, 'controller', mlflow_migrate_experiments=[prefix + '-a'],
                       mlflow_migrate_models=[])
    assert _counts(half['copied']) == {'experiments': 1, 'runs': RUNS, 'models': 0, 'model_versions': 0}
    src, dst = _client(source), None
    b_source = src.get_experiment_by_name(prefix + '-b')
    interrupted = src.search_runs([b_source.experiment_id], order_by=['attributes.start_time ASC'])[0]
    dst = _client(destination)
    b_target = dst.create_experiment(prefix + '-b', tags=b_source.tags)
    copy = dst.create_run(b_target, start_time=interrupted.info.start_time, run_name=interrupted.info.run_name,
                          tags={'maestro.migrated_from': interrupted.info.run_id, 'maestro.migration': 'incomplete'})
    from mlflow.entities import Metric
    history = _client(source).get_metric_history(interrupted.info.run_id, 'loss')
    dst.log_batch(copy.info.run_id, metrics=[Metric(m.key, m.value, m.timestamp, m.step) for m in history[:50]])

    # 3. the rest on the ordinary module path: resumes the interrupted copy
    rest, _ = migrate(servers, tmp_path, 'module')
    assert _counts(rest['copied']) == {'experiments': 1, 'runs': 2 * RUNS, 'models': 2, 'model_versions': 3}
    assert [n for n in rest['copied']['runs']['names'] if n.endswith('(resumed)')] == [
        '%s-b/%s (%s) (resumed)' % (prefix, interrupted.info.run_name, interrupted.info.run_id)]
    total_seconds = half['stats']['seconds'] + rest['stats']['seconds']
    assert half['stats']['metric_points'] + rest['stats']['metric_points'] == 3 * RUNS * len(METRICS) * STEPS - 50
    print('migration of 3 experiments x %d runs x %d metrics x %d steps: %.1f s (module time), stats %s %s'
          % (RUNS, len(METRICS), STEPS, total_seconds, half['stats'], rest['stats']))

    # 4. nothing left to do, on both paths and in check mode
    for mode in ('controller', 'module'):
        again, _ = migrate(servers, tmp_path, mode)
        assert again['changed'] is False and _counts(again['copied']) == dict.fromkeys(again['copied'], 0)
    dry, _ = migrate(servers, tmp_path, 'controller', check=True)
    assert dry['changed'] is False and _counts(dry['would_copy']) == dict.fromkeys(dry['would_copy'], 0)

    # 5. field by field
    _compare_runs(source, destination, seeded)
    _compare_models(source, destination, seeded)


def _compare_runs(source, destination, seeded):
    src, dst = _client(source), None
    dst = _client(destination)
    copies = {}
    for name in seeded['experiments']:
        s_exp, d_exp = src.get_experiment_by_name(name), dst.get_experiment_by_name(name)
        assert dict(d_exp.tags, **{'maestro.migrated_from': 'x'}) == dict(s_exp.tags, **{'maestro.migrated_from': 'x'})
        assert d_exp.artifact_location.startswith('mlflow-artifacts:/')  # the destination's own store
        s_runs = src.search_runs([s_exp.experiment_id], max_results=1000)
        d_runs = dst.search_runs([d_exp.experiment_id], max_results=1000, run_view_type=3)
        assert len(d_runs) == len(s_runs) == RUNS  # no duplicates, the deleted run not copied
        by_origin = dict((r.data.tags['maestro.migrated_from'], r) for r in d_runs)
        for s_run in s_runs:
            d_run = by_origin[s_run.info.run_id]
            copies[s_run.info.run_id] = d_run
            for field in ('start_time', 'end_time', 'status', 'run_name', 'lifecycle_stage'):
                assert getattr(d_run.info, field) == getattr(s_run.info, field), field
            assert d_run.data.params == s_run.data.params
            assert d_run.data.tags == dict(s_run.data.tags, **{'maestro.migrated_from': s_run.info.run_id})
            for key in METRICS:
                s_hist = sorted((m.step, m.timestamp, m.value) for m in src.get_metric_history(s_run.info.run_id, key))
                d_hist = sorted((m.step, m.timestamp, m.value) for m in dst.get_metric_history(d_run.info.run_id, key))
                assert len(s_hist) == STEPS and d_hist == s_hist, key
    for run_id in seeded['artifact_runs']:
        s_dir, d_dir = Path(src.download_artifacts(run_id, '')), Path(dst.download_artifacts(copies[run_id].info.run_id, ''))
        s_files = sorted(p.relative_to(s_dir) for p in s_dir.rglob('*') if p.is_file())
        assert s_files == sorted(p.relative_to(d_dir) for p in d_dir.rglob('*') if p.is_file())
        assert len(s_files) == 3
        for relative in s_files:
            assert (d_dir / relative).read_bytes() == (s_dir / relative).read_bytes()
    seeded['copies'] = copies


def _compare_models(source, destination, seeded):
    src, dst = _client(source), None
    dst = _client(destination)
    copies = seeded['copies']
    clf, empty = seeded['models']
    s_model, d_model = src.get_registered_model(clf), dst.get_registered_model(clf)
    assert (d_model.description, d_model.tags) == (s_model.description, s_model.tags)
    # versions 1, 2 and 4 copied in order (3's run was deleted): 4 is version 3 on the destination
    assert d_model.aliases == {'champion': '2', 'challenger': '1', 'served': '3'}  # 'old' pointed at version 3
    versions = dict((v.tags['maestro.migrated_from'], v) for v in dst.search_model_versions("name='%s'" % clf))
    assert sorted(versions) == ['1', '2', '4']
    for number, copied in (('1', '1'), ('2', '2'), ('4', '3')):
        s_version, d_version = src.get_model_version(clf, number), versions[number]
        assert d_version.version == copied
        assert d_version.run_id == copies[s_version.run_id].info.run_id
        assert (d_version.description, d_version.current_stage) == (s_version.description, s_version.current_stage)
        assert d_version.tags == dict(s_version.tags, **{'maestro.migrated_from': number})
    assert versions['1'].source == 'runs:/%s/model' % versions['1'].run_id
    assert versions['2'].source == copies[src.get_model_version(clf, '2').run_id].info.artifact_uri + '/model'
    # the logged model: copied (its artifacts in the destination's store, READY, linked to the run's copy)
    logged = dst.get_logged_model(versions['4'].model_id or versions['4'].source.split('/models/')[1].split('/')[0])
    assert logged.tags['maestro.migrated_from'] == seeded['logged_model_id'] and logged.status.to_int() == 2
    assert logged.source_run_id == versions['4'].run_id and logged.artifact_location == versions['4'].source
    assert list(_load(destination, 'models:/%s@served' % clf).predict([1, 2])) == [2, 4]
    assert dst.get_registered_model(empty).description == 'no versions yet'
