"""Disaster-recovery drill of playbooks/backup.yml and playbooks/restore.yml on real servers: PostgreSQL 15,
an MLflow tracking server with its backend on that PostgreSQL and its artifacts on a real S3 server
(SeaweedFS, the session's `weed mini`), and DVC pushing a dataset to the same server.

Make experiments, runs with artifacts (one overwritten, so the bucket holds several versions of a key), a
registered model with an alias and a DVC dataset -> back up (twice: retention 1 deletes the older backup)
-> destroy the stack (stop MLflow, drop the database, delete the buckets with every version) -> restore ->
start MLflow on the restored database -> every experiment, run, metric, artifact checksum, object version
history, the model alias and a DVC pull in a fresh checkout are back. Prints data size, backup size,
backup time and restore time (the RPO/RTO figures).

Own PostgreSQL and MLflow instances (the drill destroys them); the S3 server is the session's SeaweedFS, on
which the drill's buckets are removed with every version at the end.
"""

import hashlib
import json
import os
import shutil
import subprocess
import time

import pytest

from tests.helpers import ROOT, VENV_BIN, dvc_env, run_ok, run_playbook
from tests.servers import S3_KEYS, Mlflow, Postgres

BUCKETS = ['mlflow-artifacts', 'dvc-storage']
BACKUPS = 'platform-backups'
DB_PASSWORD = 'drill-db-' + os.urandom(6).hex()  # never used by the trust-auth cluster; must never be printed


def _remove_buckets(client, buckets):
    """Delete buckets with every object version and delete marker (those that exist)."""
    existing = set(b['Name'] for b in client.list_buckets()['Buckets'])
    for bucket in buckets:
        if bucket not in existing:
            continue
        for page in client.get_paginator('list_object_versions').paginate(Bucket=bucket):
            for item in page.get('Versions', []) + page.get('DeleteMarkers', []):
                client.delete_object(Bucket=bucket, Key=item['Key'], VersionId=item['VersionId'])
        client.delete_bucket(Bucket=bucket)


@pytest.fixture
def stack(seaweedfs_server):
    s3 = seaweedfs_server
    pg = Postgres().start()
    servers = {'s3': s3, 'pg': pg, 'mlflow': None}
    try:
        servers['uri'] = pg.create_database('mlflow')
        client = s3.client()
        _remove_buckets(client, BUCKETS + [BACKUPS])  # a clean start on the shared server
        for bucket in BUCKETS + [BACKUPS]:
            client.create_bucket(Bucket=bucket)
            client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
        servers['mlflow'] = Mlflow(s3, backend_uri=servers['uri']).start()
        yield servers
    finally:
        if servers['mlflow']:
            servers['mlflow'].stop()
        pg.stop()
        _remove_buckets(s3.client(), BUCKETS + [BACKUPS])


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _make_data(mlflow_url, tmp_path):
    """Experiments, runs with params/metrics/artifacts, a registered model with an alias. Returns bytes logged."""
    from mlflow.tracking import MlflowClient
    client = MlflowClient(tracking_uri=mlflow_url)
    logged = 0
    for e in range(2):
        experiment_id = client.create_experiment('drill-exp-%d' % e, tags={'team': 'drill'})
        for r in range(2):
            run = client.create_run(experiment_id, run_name='run-%d' % r, tags={'stage': 'drill'})
            run_id = run.info.run_id
            client.log_param(run_id, 'lr', str(0.01 * (r + 1)))
            for step in range(5):
                client.log_metric(run_id, 'loss', 1.0 / (step + 1 + r), step=step)
            folder = tmp_path / 'art' / run_id
            (folder / 'model').mkdir(parents=True)
            weights = os.urandom(512 * 1024)
            (folder / 'model' / 'weights.bin').write_bytes(weights)
            (folder / 'model' / 'MLmodel').write_text('flavors: {}\nrun_id: %s\n' % run_id)
            client.log_artifacts(run_id, str(folder / 'model'), artifact_path='model')
            report = folder / 'report.txt'
            for version in range(2):  # the same key twice: two object versions in the bucket
                report.write_text('report v%d of %s\n' % (version, run_id) * 50)
                client.log_artifact(run_id, str(report))
            logged += len(weights)
            client.set_terminated(run_id)
    best = client.search_runs([client.get_experiment_by_name('drill-exp-0').experiment_id])[0]
    client.create_registered_model('drill-model')
    version = client.create_model_version('drill-model', source=best.info.artifact_uri + '/model',
                                          run_id=best.info.run_id)
    client.set_registered_model_alias('drill-model', 'champion', version.version)
    return logged


def _snapshot(mlflow_url, tmp_path, label):
    """Everything the drill must get back, read through the MLflow API (artifacts downloaded and hashed)."""
    from mlflow.tracking import MlflowClient
    client = MlflowClient(tracking_uri=mlflow_url)
    state = {'experiments': {}, 'model': None}
    for experiment in client.search_experiments():
        runs = {}
        for run in client.search_runs([experiment.experiment_id]):
            dest = tmp_path / ('dl-' + label) / run.info.run_id
            dest.mkdir(parents=True)
            local = client.download_artifacts(run.info.run_id, '', str(dest))
            files = {}
            for dirpath, _, names in os.walk(local):
                for name in names:
                    path = os.path.join(dirpath, name)
                    with open(path, 'rb') as handle:
                        files[os.path.relpath(path, local)] = _sha(handle.read())
            runs[run.info.run_id] = {
                'name': run.info.run_name, 'status': run.info.status, 'params': run.data.params,
                'metrics': run.data.metrics, 'tags': {k: v for k, v in run.data.tags.items()},
                'loss_history': [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, 'loss')],
                'artifacts': files}
        state['experiments'][experiment.name] = {'id': experiment.experiment_id, 'tags': experiment.tags,
                                                 'runs': runs}
    aliased = client.get_model_version_by_alias('drill-model', 'champion')
    state['model'] = {'version': aliased.version, 'run_id': aliased.run_id, 'source': aliased.source}
    return state


def _object_histories(s3):
    """Per bucket and key: the sha256 of each version (oldest first) and the latest's sha256."""
    client = s3.client()
    histories = {}
    for bucket in BUCKETS:
        versions = []
        for page in client.get_paginator('list_object_versions').paginate(Bucket=bucket):
            versions += page.get('Versions', [])
        per_key = {}
        for version in versions:  # listed newest first per key
            body = client.get_object(Bucket=bucket, Key=version['Key'], VersionId=version['VersionId'])['Body'].read()
            per_key.setdefault(version['Key'], []).insert(0, _sha(body))
        histories[bucket] = per_key
    return histories


def _destroy(stack):
    stack['mlflow'].stop()
    stack['mlflow'] = None
    pg = stack['pg']
    subprocess.run(['runuser', '-u', 'postgres', '--', str(pg.BIN / 'psql'), '-h', '127.0.0.1', '-p', str(pg.port),
                    '-U', 'postgres', '-c', 'DROP DATABASE mlflow'], check=True, capture_output=True)
    client = stack['s3'].client()
    _remove_buckets(client, BUCKETS)
    names = set(b['Name'] for b in client.list_buckets()['Buckets'])
    assert BACKUPS in names and not names & set(BUCKETS)


def test_disaster_recovery_drill(stack, tmp_path):
    s3, pg = stack['s3'], stack['pg']
    # --- data: MLflow experiments/runs/artifacts/model, and a DVC dataset pushed to dvc-storage
    logged = _make_data(stack['mlflow'].url, tmp_path)
    env = dvc_env(tmp_path)
    repo = tmp_path / 'project'
    repo.mkdir()
    dvc = str(VENV_BIN / 'dvc')
    run_ok(['git', 'init', '-q'], repo, env)
    run_ok([dvc, 'init', '-q'], repo, env)
    run_ok([dvc, 'remote', 'add', '-d', 'storage', 's3://dvc-storage/project'], repo, env)
    run_ok([dvc, 'remote', 'modify', 'storage', 'endpointurl', s3.url], repo, env)
    run_ok([dvc, 'remote', 'modify', '--local', 'storage', 'access_key_id', S3_KEYS['AWS_ACCESS_KEY_ID']], repo, env)
    run_ok([dvc, 'remote', 'modify', '--local', 'storage', 'secret_access_key', S3_KEYS['AWS_SECRET_ACCESS_KEY']],
         repo, env)
    data = repo / 'data'
    data.mkdir()
    dataset = {'part-%d.bin' % i: os.urandom(256 * 1024) for i in range(4)}
    for name, blob in dataset.items():
        (data / name).write_bytes(blob)
    run_ok([dvc, 'add', 'data'], repo, env)
    run_ok(['git', 'add', '-A'], repo, env)
    run_ok(['git', 'commit', '-q', '-m', 'dataset'], repo, env)
    run_ok([dvc, 'push'], repo, env)
    logged += sum(len(b) for b in dataset.values())

    before = _snapshot(stack['mlflow'].url, tmp_path, 'before')
    histories_before = _object_histories(s3)
    assert len(before['experiments']) == 3  # 2 + Default
    assert sum(len(e['runs']) for e in before['experiments'].values()) == 4
    assert any(len(h) == 2 for h in histories_before['mlflow-artifacts'].values())  # versioned keys exist
    bucket_bytes = sum(o['Size'] for b in BUCKETS for p in s3.client().get_paginator('list_object_versions')
                       .paginate(Bucket=b) for o in p.get('Versions', []))

    # --- backups: an older one, then the measured one with retention 1 (the older must go)
    vault_file = tmp_path / 'vault-pass'
    vault_file.write_text('drill-vault-' + os.urandom(8).hex())
    vault_file.chmod(0o600)
    local_dir = tmp_path / 'backups'
    common = {
        'platform_backup_hosts': 'localhost', 'platform_backup_local_dir': str(local_dir),
        'platform_backup_s3_endpoint_url': s3.url, 'platform_backup_s3_access_key_id': S3_KEYS['AWS_ACCESS_KEY_ID'],
        'platform_backup_s3_secret_access_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'platform_backup_bucket': BACKUPS,
        'platform_backup_db_host': '127.0.0.1', 'platform_backup_db_port': pg.port,
        'platform_backup_db_user': 'postgres', 'platform_backup_db_password': DB_PASSWORD,
        'platform_backup_vault_password_file': str(vault_file)}
    secrets = [S3_KEYS['AWS_SECRET_ACCESS_KEY'], DB_PASSWORD, vault_file.read_text()]
    # an older complete backup (a manifest marks one complete; two versions of an object in it)
    client = s3.client()
    for body in (b'old dump v1', b'old dump v2'):
        client.put_object(Bucket=BACKUPS, Key='maestro/20000101T000000Z/database/mlflow.dump.vault', Body=body)
    client.put_object(Bucket=BACKUPS, Key='maestro/20000101T000000Z/manifest.json', Body=b'{}')
    started = time.monotonic()
    result = run_playbook(ROOT / 'playbooks' / 'backup.yml', verbosity=3, extra_vars=dict(
        common, platform_backup_retention=1, platform_backup_keep_local=True))
    backup_seconds = time.monotonic() - started
    assert result.ok, str(result)
    for secret in secrets:  # not even at -vvv
        assert secret not in result.stdout + result.stderr

    assert not client.list_object_versions(Bucket=BACKUPS, Prefix='maestro/20000101T000000Z/').get('Versions')
    stored = [o for p in client.get_paginator('list_objects_v2').paginate(Bucket=BACKUPS) for o in p.get('Contents', [])]
    backup_ids = sorted({o['Key'].split('/')[1] for o in stored})
    assert len(backup_ids) == 1 and backup_ids[0] != '20000101T000000Z', backup_ids  # retention removed the old one
    backup_id = backup_ids[0]
    backup_bytes = sum(o['Size'] for o in stored)
    manifest = json.loads(client.get_object(Bucket=BACKUPS, Key='maestro/%s/manifest.json' % backup_id)['Body'].read())
    assert manifest['backup_id'] == backup_id
    dump_item = manifest['items'][0]
    dump = client.get_object(Bucket=BACKUPS, Key=dump_item['key'])['Body'].read()
    assert dump.startswith(b'$ANSIBLE_VAULT;1.1;AES256') and _sha(dump) == dump_item['sha256']
    assert sorted(b['bucket'] for b in manifest['buckets']) == sorted(BUCKETS)
    assert sum(b['versions'] for b in manifest['buckets']) == sum(len(v) for h in histories_before.values()
                                                                  for v in h.values())
    # the local copy: directory 0700, every file 0600, no secret in any of them, no connection material left
    local = local_dir / backup_id
    assert local.stat().st_mode & 0o777 == 0o700
    files = sorted(p.name for p in local.iterdir())
    assert files == ['manifest.json', 'mlflow.dump.vault'], files
    for path in local.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
        for secret in secrets:
            assert secret.encode() not in path.read_bytes()

    # --- disaster: MLflow gone, database dropped, buckets deleted with every version
    _destroy(stack)

    # --- restore, then MLflow started on the restored database
    started = time.monotonic()
    restored = run_playbook(ROOT / 'playbooks' / 'restore.yml', verbosity=3, extra_vars=dict(
        common, platform_backup_restore_id='latest', platform_backup_mlflow_hosts='no_mlflow_host_in_this_drill'))
    assert restored.ok, str(restored)
    stack['mlflow'] = Mlflow(s3, backend_uri=stack['uri']).start()
    restore_seconds = time.monotonic() - started
    for secret in secrets:
        assert secret not in restored.stdout + restored.stderr
    assert not (local_dir / ('restore-latest')).exists()  # decrypted dump and connection files removed

    after = _snapshot(stack['mlflow'].url, tmp_path, 'after')
    assert after == before
    assert _object_histories(s3) == histories_before

    # DVC: a fresh checkout (no data, no cache) pulls the dataset from the restored bucket
    shutil.rmtree(data)
    shutil.rmtree(repo / '.dvc' / 'cache')
    run_ok([dvc, 'pull'], repo, env)
    assert {p.name: p.read_bytes() for p in data.iterdir()} == dataset

    # a second restore onto the live, restored stack is refused before anything is written
    again = run_playbook(ROOT / 'playbooks' / 'restore.yml', extra_vars=dict(
        common, platform_backup_restore_id=backup_id, platform_backup_mlflow_hosts='no_mlflow_host_in_this_drill'))
    assert not again.ok and 'restore needs an empty database' in again.stdout, str(again)
    assert _object_histories(s3) == histories_before

    print('\nDR drill: data %.1f MiB logged (%.1f MiB of object versions in %d objects, %d runs, database dump '
          '%.0f KiB encrypted); backup %.1f MiB in the backups bucket, backup time %.1f s (ansible-playbook '
          'wall clock); restore time %.1f s (restore playbook + MLflow start %.1f s)' % (
              logged / 2**20, bucket_bytes / 2**20,
              sum(len(v) for h in histories_before.values() for v in h.values()),
              sum(len(e['runs']) for e in before['experiments'].values()), dump_item['size'] / 1024,
              backup_bytes / 2**20, backup_seconds, restore_seconds, stack['mlflow'].startup_seconds))


@pytest.mark.parametrize('playbook, extra, field', [
    ('backup.yml', {}, 'platform_backup_vault_password_file'),
    ('backup.yml', {'platform_backup_vault_password_file': '/nonexistent/vault-pass'}, 'platform_backup_vault_password_file'),
    ('backup.yml', {'platform_backup_encrypt': False, 'platform_backup_retention': 0}, 'platform_backup_retention'),
    ('backup.yml', {'platform_backup_encrypt': False, 'platform_backup_bucket': 'dvc-storage'}, 'platform_backup_bucket'),
    ('restore.yml', {'platform_backup_encrypt': False, 'platform_backup_restore_id': '../x'}, 'platform_backup_restore_id'),
])
def test_bad_input_fails_before_any_change(tmp_path, playbook, extra, field):
    """Bad input stops the play in the preflight, naming the variable, with nothing written."""
    local_dir = tmp_path / 'backups'
    result = run_playbook(ROOT / 'playbooks' / playbook, extra_vars=dict(
        {'platform_backup_hosts': 'localhost', 'platform_backup_mlflow_hosts': 'none',
         'platform_backup_local_dir': str(local_dir), 'platform_backup_s3_endpoint_url': 'http://127.0.0.1:9'}, **extra))
    assert not result.ok
    failure = [line for line in result.stdout.splitlines() if '"msg"' in line or 'msg:' in line]
    assert failure and field in failure[-1], str(result)
    assert not local_dir.exists() or not any(local_dir.iterdir())
