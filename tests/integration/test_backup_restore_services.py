"""Backup and restore of Harbor's and Nexus's data by playbooks/backup.yml and playbooks/restore.yml.

Real servers: PostgreSQL 15 (the session's postgres_server) holds a `registry` database standing for Harbor's
and a `nexus` database standing for a PostgreSQL-backed Nexus, next to the MLflow database; moto's S3 server
holds the buckets (MLflow artifacts, a Nexus S3 blob store, a Harbor S3 registry storage) and the backups
bucket. Directories stand for Harbor's filesystem registry storage (/data/registry), a Nexus file blob store
and a Nexus H2 export. Harbor itself cannot run here: its read-only mode is set through the Harbor emulator
(tests/emulators/harbor.py), which validates every request and response against Harbor's v2.15 API
description (the harbor_emulator fixture fails the test on any violation).

When the PostgreSQL tools ran is recorded by wrappers (pg_dump and pg_restore, through
platform_backup_pg_bin_dir) that read Harbor's read-only flag from the emulator's /systeminfo and whether the
Nexus blob store directory is filled at that moment, then exec the real tool: so the tests see read-only on
during the registry dump and restore, off for the others, and Nexus's blob stores restored before its
database.
"""

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
import time

import pytest

from tests.helpers import ROOT, VENV_BIN, run_playbook
from tests.servers import S3_KEYS, Postgres

DB_PASSWORD = 'svc-db-' + os.urandom(6).hex()  # never checked by the trust-auth cluster; must never be printed

WRAPPER = '''#!%(python)s
"""Test wrapper: log Harbor's read-only flag and the watched directory's state, then run the real tool."""
import json, os, sys, urllib.request
tool = os.path.basename(sys.argv[0])
db = sys.argv[sys.argv.index('--dbname') + 1] if '--dbname' in sys.argv else None
with urllib.request.urlopen(os.environ['SVC_TEST_HARBOR'] + '/api/v2.0/systeminfo', timeout=10) as resp:
    read_only = json.load(resp)['read_only']
watched = os.environ['SVC_TEST_WATCH']
filled = os.path.isdir(watched) and any(files for _, _, files in os.walk(watched))
with open(os.environ['SVC_TEST_LOG'], 'a') as log:
    log.write(json.dumps({'tool': tool, 'db': db, 'read_only': read_only, 'blob_store_filled': filled}) + '\\n')
os.execv(os.path.join(%(bin)r, tool), sys.argv)
'''


def _psql(pg, db, sql):
    proc = subprocess.run(['runuser', '-u', 'postgres', '--', str(Postgres.BIN / 'psql'), '-h', '127.0.0.1', '-p',
                           str(pg.port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql],
                          check=True, capture_output=True, text=True)
    return proc.stdout


def _rows(pg, db, tables):
    return {t: _psql(pg, db, 'SELECT * FROM %s ORDER BY 1' % t) for t in tables}


def _tree(path):
    """{relative path: (sha256 or link target, mode)} of a directory tree."""
    tree = {}
    for dirpath, dirnames, names in os.walk(path):
        for name in dirnames + names:
            full = os.path.join(dirpath, name)
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                what = 'link:' + os.readlink(full)
            elif stat.S_ISDIR(info.st_mode):
                what = 'dir'
            else:
                with open(full, 'rb') as handle:
                    what = hashlib.sha256(handle.read()).hexdigest()
            tree[os.path.relpath(full, path)] = (what, stat.S_IMODE(info.st_mode))
    return tree


def _histories(client, bucket):
    per_key = {}
    for page in client.get_paginator('list_object_versions').paginate(Bucket=bucket):
        for version in page.get('Versions', []):
            body = client.get_object(Bucket=bucket, Key=version['Key'], VersionId=version['VersionId'])['Body'].read()
            per_key.setdefault(version['Key'], []).insert(0, hashlib.sha256(body).hexdigest())
    return per_key


def _wipe_bucket(client, bucket):
    for page in client.get_paginator('list_object_versions').paginate(Bucket=bucket):
        for item in page.get('Versions', []) + page.get('DeleteMarkers', []):
            client.delete_object(Bucket=bucket, Key=item['Key'], VersionId=item['VersionId'])
    client.delete_bucket(Bucket=bucket)


def _config_writes(emulator):
    return [(w.method, w.body) for w in emulator.writes if w.path == '/configurations']


@pytest.fixture
def platform(postgres_server, s3_server, harbor_emulator, tmp_path, prefix):
    """Databases, directories and buckets standing for MLflow's, Harbor's and Nexus's data, and the variables."""
    pg = postgres_server
    dbs = {'mlflow': prefix + '_mlflow', 'registry': 'registry', 'nexus': 'nexus'}
    for name in dbs.values():
        _psql(pg, 'postgres', 'DROP DATABASE IF EXISTS %s' % name)
        _psql(pg, 'postgres', 'CREATE DATABASE %s' % name)
    _psql(pg, dbs['mlflow'], 'CREATE TABLE experiments (id int PRIMARY KEY, name text);'
          "INSERT INTO experiments VALUES (1, 'svc-exp')")
    _psql(pg, 'registry', 'CREATE TABLE repository (repository_id int PRIMARY KEY, name text);'
          'CREATE TABLE artifact (id int PRIMARY KEY, repository_id int REFERENCES repository, digest text);'
          "INSERT INTO repository VALUES (1, 'library/app'), (2, 'ml/model');"
          "INSERT INTO artifact SELECT g, 1 + g % 2, 'sha256:' || md5(g::text) FROM generate_series(1, 50) g;"
          "CREATE TABLE properties (k text PRIMARY KEY, v text); INSERT INTO properties VALUES ('read_only', 'false')")
    _psql(pg, 'nexus', 'CREATE TABLE component (id int PRIMARY KEY, name text, version text);'
          'CREATE TABLE asset (id int PRIMARY KEY, component_id int REFERENCES component, blob_ref text);'
          "INSERT INTO component SELECT g, 'pkg-' || g, '1.' || g FROM generate_series(1, 20) g;"
          "INSERT INTO asset SELECT g, g, 'default@' || md5(g::text) FROM generate_series(1, 20) g")

    registry = tmp_path / 'data' / 'registry'
    blobs = registry / 'docker' / 'registry' / 'v2' / 'blobs' / 'sha256'
    for i in range(3):
        layer = blobs / ('%02x' % i) / (hashlib.sha256(bytes([i])).hexdigest())
        layer.mkdir(parents=True)
        (layer / 'data').write_bytes(os.urandom(64 * 1024))
        (layer / 'data').chmod(0o640)
    link = registry / 'docker' / 'registry' / 'v2' / 'repositories' / 'library' / 'app' / '_layers'
    link.mkdir(parents=True)
    (link / 'current').symlink_to('../../../blobs')
    blob_store = tmp_path / 'nexus-data' / 'blobs' / 'default'
    for i in range(4):
        chapter = blob_store / 'content' / 'vol-01' / ('chap-%02d' % i)
        chapter.mkdir(parents=True)
        (chapter / ('%d.bytes' % i)).write_bytes(os.urandom(32 * 1024))
        (chapter / ('%d.properties' % i)).write_text('@BlobStore.blob-name=pkg-%d\nsize=32768\n' % i)
    (blob_store / 'metadata.properties').write_text('type=file/1\n')

    client = s3_server.client()
    buckets = {'artifacts': prefix + '-artifacts', 'nexus': prefix + '-nexus-blobs',
               'registry': prefix + '-harbor-registry', 'backups': prefix + '-backups'}
    for bucket in buckets.values():
        client.create_bucket(Bucket=bucket)
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
    for body in (b'model v1', b'model v2'):
        client.put_object(Bucket=buckets['artifacts'], Key='1/run/artifacts/model.pkl', Body=body)
    for i in range(3):
        client.put_object(Bucket=buckets['nexus'], Key='content/vol-02/chap-0%d/s3-%d.bytes' % (i, i),
                          Body=os.urandom(16 * 1024))
    client.put_object(Bucket=buckets['nexus'], Key='content/vol-02/chap-00/s3-0.bytes', Body=b'second version')
    client.put_object(Bucket=buckets['registry'], Key='docker/registry/v2/blobs/sha256/aa/aa01/data',
                      Body=os.urandom(8 * 1024))

    wrappers = tmp_path / 'pgbin'
    wrappers.mkdir()
    for tool in ('pg_dump', 'pg_restore'):
        (wrappers / tool).write_text(WRAPPER % {'python': str(VENV_BIN / 'python'), 'bin': str(Postgres.BIN)})
        (wrappers / tool).chmod(0o755)
    for tool in ('psql', 'createdb'):
        (wrappers / tool).symlink_to(Postgres.BIN / tool)
    tool_log = tmp_path / 'pg-tools.log'

    vault_file = tmp_path / 'vault-pass'
    vault_file.write_text('svc-vault-' + os.urandom(8).hex())
    vault_file.chmod(0o600)
    local_dir = tmp_path / 'backups'
    variables = {
        'platform_backup_hosts': 'localhost', 'platform_backup_mlflow_hosts': 'no_mlflow_host_here',
        'platform_backup_local_dir': str(local_dir), 'platform_backup_s3_endpoint_url': s3_server.url,
        'platform_backup_s3_access_key_id': S3_KEYS['AWS_ACCESS_KEY_ID'],
        'platform_backup_s3_secret_access_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'],
        'platform_backup_bucket': buckets['backups'], 'platform_backup_buckets': [buckets['artifacts']],
        'platform_backup_db_port': pg.port, 'platform_backup_db_name': dbs['mlflow'],
        'platform_backup_db_user': 'postgres', 'platform_backup_db_password': DB_PASSWORD,
        'platform_backup_pg_bin_dir': str(wrappers), 'platform_backup_vault_password_file': str(vault_file),
        'platform_backup_harbor': True, 'platform_backup_harbor_url': harbor_emulator.base_url,
        'platform_backup_harbor_username': harbor_emulator.admin_username,
        'platform_backup_harbor_password': harbor_emulator.admin_password,
        'platform_backup_harbor_db_password': DB_PASSWORD + '-harbor',
        'platform_backup_harbor_storage_dir': str(registry),
        'platform_backup_nexus': True, 'platform_backup_nexus_db_user': 'postgres',
        'platform_backup_nexus_db_password': DB_PASSWORD + '-nexus',
        'platform_backup_nexus_blob_store_dirs': [str(blob_store)],
        'platform_backup_nexus_blob_store_buckets': [buckets['nexus']]}
    env = {'SVC_TEST_HARBOR': harbor_emulator.base_url, 'SVC_TEST_WATCH': str(blob_store),
           'SVC_TEST_LOG': str(tool_log)}
    secrets = [S3_KEYS['AWS_SECRET_ACCESS_KEY'], DB_PASSWORD, harbor_emulator.admin_password, vault_file.read_text()]
    yield {'pg': pg, 'dbs': dbs, 'client': client, 'buckets': buckets, 'registry': registry,
           'blob_store': blob_store, 'vars': variables, 'env': env, 'secrets': secrets, 'tool_log': tool_log,
           'local_dir': local_dir, 'harbor': harbor_emulator, 'tmp': tmp_path}
    for name in dbs.values():
        _psql(pg, 'postgres', 'DROP DATABASE IF EXISTS %s' % name)
    for bucket in buckets.values():
        try:
            _wipe_bucket(client, bucket)
        except Exception:  # noqa: BLE001 - already gone
            pass


def _tool_log(platform, clear=True):
    path = platform['tool_log']
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    if clear and path.exists():
        path.unlink()
    return lines


def _no_secret(platform, result):
    for secret in platform['secrets']:
        assert secret not in result.stdout + result.stderr


def _manifest(platform, backup_id):
    client = platform['client']
    return json.loads(client.get_object(Bucket=platform['buckets']['backups'],
                                        Key='maestro/%s/manifest.json' % backup_id)['Body'].read())


def _backup_ids(platform):
    client = platform['client']
    listed = client.list_objects_v2(Bucket=platform['buckets']['backups'], Prefix='maestro/', Delimiter='/')
    return sorted(p['Prefix'].split('/')[1] for p in listed.get('CommonPrefixes', []))


def test_harbor_and_nexus_backup_then_restore_into_a_fresh_stack(platform):
    pg, client, buckets, dbs = platform['pg'], platform['client'], platform['buckets'], platform['dbs']
    harbor = platform['harbor']
    tables = {'registry': ['repository', 'artifact', 'properties'], 'nexus': ['component', 'asset'],
              dbs['mlflow']: ['experiments']}
    rows_before = {db: _rows(pg, db, t) for db, t in tables.items()}
    trees_before = {'registry': _tree(platform['registry']), 'blob_store': _tree(platform['blob_store'])}
    histories_before = {b: _histories(client, buckets[b]) for b in ('artifacts', 'nexus')}

    started = time.monotonic()
    result = run_playbook(ROOT / 'playbooks' / 'backup.yml', verbosity=3, env=platform['env'],
                          extra_vars=dict(platform['vars'], platform_backup_keep_local=True))
    backup_seconds = time.monotonic() - started
    assert result.ok, str(result)
    _no_secret(platform, result)

    # Harbor: read-only on for the registry dump only, then off again; nothing else written to Harbor
    assert _config_writes(harbor) == [('PUT', {'read_only': True}), ('PUT', {'read_only': False})]
    assert harbor.config['read_only'] is False
    dumps = {entry['db']: entry for entry in _tool_log(platform)}
    assert dumps['registry']['read_only'] is True
    assert dumps['nexus']['read_only'] is False and dumps[dbs['mlflow']]['read_only'] is False

    [backup_id] = _backup_ids(platform)
    manifest = _manifest(platform, backup_id)
    harbor_info = manifest['services']['harbor']
    assert harbor_info['read_only_set_by_backup'] is True and harbor_info['read_only_before'] is False
    assert 0 < harbor_info['read_only_seconds'] < backup_seconds
    items = {(i['service'], i['name']): i for i in manifest['items']}
    assert sorted(items) == [('harbor', 'harbor-storage-registry'), ('harbor', 'registry'),
                             ('mlflow', dbs['mlflow']), ('nexus', 'nexus'), ('nexus', 'nexus-storage-default')]
    assert [i['service'] for i in manifest['items']] == ['mlflow', 'harbor', 'harbor', 'nexus', 'nexus']
    for item in manifest['items']:  # every stored item matches its size and sha256
        body = client.get_object(Bucket=buckets['backups'], Key=item['key'])['Body'].read()
        assert (len(body), hashlib.sha256(body).hexdigest()) == (item['size'], item['sha256']), item['key']
        if item['type'] == 'postgresql_dump':  # databases can hold secrets: encrypted
            assert item['encryption'] == 'ansible-vault' and body.startswith(b'$ANSIBLE_VAULT;1.1;AES256')
        else:  # storage is copied as it is, like the buckets
            assert item['encryption'] == 'none' and item['role'] == 'storage'
            with tarfile.open(fileobj=io.BytesIO(body), mode='r:gz') as tar:
                assert item['files'] == sum(1 for m in tar.getmembers() if m.isfile()) > 0
    assert items[('harbor', 'harbor-storage-registry')]['source'] == str(platform['registry'])
    assert {b['bucket']: b['service'] for b in manifest['buckets']} == {buckets['artifacts']: 'mlflow',
                                                                         buckets['nexus']: 'nexus'}
    # the local copy: directory 0700, every file 0600, no secret in it
    local = platform['local_dir'] / backup_id
    assert local.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in local.iterdir()) == sorted(
        ['manifest.json', dbs['mlflow'] + '.dump.vault', 'registry.dump.vault', 'nexus.dump.vault',
         'harbor-storage-registry.tar.gz', 'nexus-storage-default.tar.gz'])
    for path in local.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
        for secret in platform['secrets']:
            assert secret.encode() not in path.read_bytes()
    stored_bytes = sum(o['Size'] for p in client.get_paginator('list_object_versions').paginate(
        Bucket=buckets['backups']) for o in p.get('Versions', []))

    # --- disaster: databases dropped, storage directories and buckets gone
    for db in tables:
        _psql(pg, 'postgres', 'DROP DATABASE %s' % db)
    shutil.rmtree(platform['registry'])
    shutil.rmtree(platform['blob_store'])
    for bucket in ('artifacts', 'nexus'):
        _wipe_bucket(client, buckets[bucket])

    started = time.monotonic()
    restored = run_playbook(ROOT / 'playbooks' / 'restore.yml', verbosity=3, env=platform['env'],
                            extra_vars=dict(platform['vars'], platform_backup_restore_id='latest'))
    restore_seconds = time.monotonic() - started
    assert restored.ok, str(restored)
    _no_secret(platform, restored)

    # read-only on while Harbor's database was restored, off after; Nexus's blob stores before its database
    assert _config_writes(harbor)[2:] == [('PUT', {'read_only': True}), ('PUT', {'read_only': False})]
    assert harbor.config['read_only'] is False
    restores = {entry['db']: entry for entry in _tool_log(platform) if entry['tool'] == 'pg_restore'}
    assert restores['registry']['read_only'] is True and restores['nexus']['read_only'] is False
    assert restores['nexus']['blob_store_filled'] is True
    assert {db: _rows(pg, db, t) for db, t in tables.items()} == rows_before
    assert {'registry': _tree(platform['registry']), 'blob_store': _tree(platform['blob_store'])} == trees_before
    assert {b: _histories(client, buckets[b]) for b in ('artifacts', 'nexus')} == histories_before
    assert not (platform['local_dir'] / 'restore-latest').exists()

    print('\nHarbor+Nexus backup: %d items + %d object versions, %.1f KiB stored; backup %.1f s (Harbor read-only '
          '%.1f s), restore %.1f s' % (len(manifest['items']), sum(b['versions'] for b in manifest['buckets']),
                                       stored_bytes / 1024, backup_seconds, harbor_info['read_only_seconds'],
                                       restore_seconds))


def test_read_only_set_back_when_a_later_backup_step_fails(platform):
    """The registry upload fails (unreachable S3 API): read-only goes off again, no backup is left behind."""
    harbor = platform['harbor']
    result = run_playbook(ROOT / 'playbooks' / 'backup.yml', verbosity=1, env=platform['env'],
                          extra_vars=dict(platform['vars'], platform_backup_s3_endpoint_url='http://127.0.0.1:9'))
    assert not result.ok
    assert 'Backup | Upload the dumps and archives' in result.stdout and 'Could not connect' in result.stdout, \
        str(result)
    _no_secret(platform, result)
    dumps = {entry['db']: entry for entry in _tool_log(platform)}
    assert list(dumps) == ['registry'] and dumps['registry']['read_only'] is True  # failed inside the window
    assert _config_writes(harbor) == [('PUT', {'read_only': True}), ('PUT', {'read_only': False})]
    assert harbor.config['read_only'] is False
    assert not platform['local_dir'].exists() or not any(platform['local_dir'].iterdir())


def test_read_only_left_on_when_it_was_on_before(platform):
    """Harbor already read-only (an operator's maintenance): the backup leaves it on. Here the registry is an S3
    bucket (mirrored with versions) and Nexus runs on H2 (its export directory archived and vault-encrypted)."""
    harbor, client, buckets = platform['harbor'], platform['client'], platform['buckets']
    harbor.config['read_only'] = True
    export = platform['tmp'] / 'nexus-data' / 'backup'
    export.mkdir(parents=True)
    (export / 'nexus-2026-11-26-02-00-00-3.77.0.zip').write_bytes(b'PK' + os.urandom(4096))
    result = run_playbook(ROOT / 'playbooks' / 'backup.yml', verbosity=3, env=platform['env'], extra_vars=dict(
        platform['vars'], platform_backup_harbor_storage_dir='',
        platform_backup_harbor_storage_bucket=buckets['registry'], platform_backup_nexus_database='h2_export',
        platform_backup_nexus_db_export_dir=str(export), platform_backup_nexus_blob_store_buckets=[]))
    assert result.ok, str(result)
    _no_secret(platform, result)
    assert _config_writes(harbor) == []  # already on: nothing to set, nothing to set back
    assert harbor.config['read_only'] is True
    assert [e['db'] for e in _tool_log(platform)] == ['registry', platform['dbs']['mlflow']]  # no nexus pg_dump

    [backup_id] = _backup_ids(platform)
    manifest = _manifest(platform, backup_id)
    assert manifest['services']['harbor']['read_only_before'] is True
    assert manifest['services']['harbor']['read_only_set_by_backup'] is False
    assert {b['bucket']: b['service'] for b in manifest['buckets']} == {buckets['artifacts']: 'mlflow',
                                                                         buckets['registry']: 'harbor'}
    export_item = [i for i in manifest['items'] if i['service'] == 'nexus' and i['role'] == 'database'][0]
    assert export_item['type'] == 'archive' and export_item['encryption'] == 'ansible-vault'
    stored = platform['tmp'] / 'export.tar.gz.vault'
    stored.write_bytes(client.get_object(Bucket=buckets['backups'], Key=export_item['key'])['Body'].read())
    plain = platform['tmp'] / 'export.tar.gz'
    subprocess.run([str(VENV_BIN / 'ansible-vault'), 'decrypt', '--vault-password-file',
                    platform['vars']['platform_backup_vault_password_file'], '--output', str(plain), str(stored)],
                   check=True, capture_output=True)
    with tarfile.open(plain) as tar:
        assert [m.name for m in tar.getmembers() if m.isfile()] == ['./nexus-2026-11-26-02-00-00-3.77.0.zip']


@pytest.mark.parametrize('extra, field', [
    ({'platform_backup_harbor_url': ''}, 'platform_backup_harbor_url'),
    ({'platform_backup_harbor_storage_bucket': 'both-given'}, 'platform_backup_harbor_storage_dir'),
    ({'platform_backup_nexus_database': 'h2_export'}, 'platform_backup_nexus_db_export_dir'),
    ({'platform_backup_nexus_blob_store_dirs': [], 'platform_backup_nexus_blob_store_buckets': []},
     'platform_backup_nexus_blob_store_dirs'),
    ({'platform_backup_nexus_db_name': 'registry'}, 'platform_backup_db_name'),
])
def test_bad_service_input_fails_before_any_change(tmp_path, extra, field):
    """Bad Harbor/Nexus input stops the play in the preflight, naming the variable, before Harbor is touched."""
    local_dir = tmp_path / 'backups'
    base = {'platform_backup_hosts': 'localhost', 'platform_backup_local_dir': str(local_dir),
            'platform_backup_encrypt': False, 'platform_backup_s3_endpoint_url': 'http://127.0.0.1:9',
            'platform_backup_harbor': True, 'platform_backup_harbor_url': 'http://127.0.0.1:9',
            'platform_backup_harbor_storage_dir': '/data/registry', 'platform_backup_nexus': True,
            'platform_backup_nexus_db_user': 'postgres', 'platform_backup_nexus_blob_store_dirs': ['/nexus/blobs/a']}
    result = run_playbook(ROOT / 'playbooks' / 'backup.yml', extra_vars=dict(base, **extra))
    assert not result.ok
    failure = [line for line in result.stdout.splitlines() if '"msg"' in line or 'msg:' in line]
    assert failure and field in failure[-1], str(result)
    assert not local_dir.exists() or not any(local_dir.iterdir())


def test_pgpass_authenticates_with_special_characters(tmp_path):
    """The pgpass file the role writes (one line per database with a password, ':' and '\\' escaped) logs in to a
    PostgreSQL that checks passwords (scram-sha-256), and a database without a password gets no line."""
    pg = Postgres().start()
    try:
        password = 'p:w\\' + os.urandom(4).hex()
        _psql(pg, 'postgres', "CREATE ROLE svc LOGIN PASSWORD '%s'" % password.replace("'", "''"))
        (pg.data / 'pg_hba.conf').write_text('local all postgres trust\nhost all postgres 127.0.0.1/32 trust\n'
                                             'host all all 127.0.0.1/32 scram-sha-256\n')
        subprocess.run(['runuser', '-u', 'postgres', '--', str(Postgres.BIN / 'pg_ctl'), '-D', str(pg.data),
                        'reload'], check=True, capture_output=True)
        workdir = tmp_path / 'run'
        result = run_playbook(ROOT / 'tests' / 'fixtures' / 'backup_pgpass' / 'connection.yml', verbosity=3,
                              extra_vars={'pgpass_test_dir': str(workdir), 'platform_backup_db_port': pg.port,
                                          'platform_backup_db_user': 'svc', 'platform_backup_db_password': password,
                                          'platform_backup_harbor_db_port': pg.port + 1,
                                          'platform_backup_harbor_db_password': '',
                                          'platform_backup_s3_secret_access_key': 'unused-' + os.urandom(4).hex()})
        assert result.ok, str(result)
        assert password not in result.stdout + result.stderr
        pgpass = workdir / '.run' / 'pgpass'
        assert workdir.stat().st_mode & 0o777 == 0o700 and (workdir / '.run').stat().st_mode & 0o777 == 0o700
        assert pgpass.stat().st_mode & 0o777 == 0o600 and (workdir / '.run' / 's3.json').stat().st_mode & 0o777 == 0o600
        assert len(pgpass.read_text().splitlines()) == 1  # harbor's empty and nexus's empty password: no line
        login = [str(Postgres.BIN / 'psql'), '-h', '127.0.0.1', '-p', str(pg.port), '-U', 'svc', '-d', 'postgres',
                 '--no-password', '-Atc', 'SELECT current_user']
        ok = subprocess.run(login, env=dict(os.environ, PGPASSFILE=str(pgpass)), capture_output=True, text=True,
                            check=False)
        assert ok.returncode == 0 and ok.stdout.strip() == 'svc', ok.stderr
        pgpass.write_text('127.0.0.1:%d:*:svc:wrong\n' % pg.port)  # the server really checks the password
        refused = subprocess.run(login, env=dict(os.environ, PGPASSFILE=str(pgpass)), capture_output=True, text=True,
                                 check=False)
        assert refused.returncode != 0 and 'password authentication failed' in refused.stderr
    finally:
        pg.stop()


SCRIPT = ROOT / 'roles' / 'platform_backup' / 'files' / 'platform_backup_s3.py'


def _script(connection, *args):
    proc = subprocess.run([str(VENV_BIN / 'python'), str(SCRIPT), args[0], '--connection', str(connection)]
                          + list(args[1:]), capture_output=True, text=True, check=False)
    return proc.returncode, (json.loads(proc.stdout) if proc.returncode == 0 else proc.stderr)


def test_script_reads_old_manifests_and_refuses_damaged_or_escaping_archives(s3_server, tmp_path, prefix):
    """The role's script on the real S3 API: a format 1 manifest (MLflow only, written before Harbor and Nexus)
    is fetched as an MLflow backup; an archive whose bytes changed, or whose member leaves the target directory,
    is refused before anything is extracted."""
    client = s3_server.client()
    bucket = prefix + '-old-backups'
    client.create_bucket(Bucket=bucket)
    connection = tmp_path / 's3.json'
    connection.write_text(json.dumps({'endpoint_url': s3_server.url, 'region': 'us-east-1',
                                      'access_key_id': S3_KEYS['AWS_ACCESS_KEY_ID'],
                                      'secret_access_key': S3_KEYS['AWS_SECRET_ACCESS_KEY']}))
    dump = b'PGDMP old dump'
    dump_key = 'maestro/20250101T000000Z/database/mlflow.dump'
    client.put_object(Bucket=bucket, Key=dump_key, Body=dump)
    old = {'format': 1, 'backup_id': '20250101T000000Z', 'buckets': [],
           'items': [{'type': 'postgresql_dump', 'name': 'mlflow', 'key': dump_key,
                      'format': 'pg_dump custom', 'encryption': 'none', 'size': len(dump),
                      'sha256': hashlib.sha256(dump).hexdigest()}]}
    client.put_object(Bucket=bucket, Key='maestro/20250101T000000Z/manifest.json', Body=json.dumps(old).encode())
    fetched_dir = tmp_path / 'fetched'
    fetched_dir.mkdir()
    code, fetched = _script(connection, 'fetch', '--backup-bucket', bucket, '--prefix', 'maestro', '--backup-id',
                            'latest', '--dir', str(fetched_dir))
    assert code == 0, fetched
    assert fetched['services'] == ['mlflow'] and fetched['items'][0]['role'] == 'database'
    assert (fetched_dir / 'mlflow.dump').read_bytes() == dump
    assert (fetched_dir / 'mlflow.dump').stat().st_mode & 0o777 == 0o600

    source = tmp_path / 'src'
    source.mkdir()
    (source / 'blob').write_bytes(b'blob')
    out = tmp_path / 'made'
    out.mkdir()
    proc = subprocess.run([str(VENV_BIN / 'python'), str(SCRIPT), 'archive', '--service', 'nexus', '--output-dir',
                           str(out), '--storage-dir', str(source)], capture_output=True, text=True, check=True)
    made = json.loads(proc.stdout)['archives'][0]
    assert made['name'] == 'nexus-storage-src' and made['files'] == 1
    assert (out / 'nexus-storage-src.tar.gz').stat().st_mode & 0o777 == 0o600
    evil = tmp_path / 'evil.tar.gz'
    with tarfile.open(evil, 'w:gz') as tar:
        info = tarfile.TarInfo('../outside')
        info.size = 4
        tar.addfile(info, io.BytesIO(b'evil'))
    for archive, damaged in ((out / 'nexus-storage-src.tar.gz', True), (evil, False)):
        body = archive.read_bytes()
        fetched_dir = tmp_path / ('restore-' + archive.name)
        fetched_dir.mkdir()
        (fetched_dir / archive.name).write_bytes(body + (b'x' if damaged else b''))
        manifest = {'format': 2, 'services': {}, 'buckets': [], 'items': [
            {'type': 'archive', 'service': 'nexus', 'role': 'storage', 'name': archive.name, 'encryption': 'none',
             'key': 'x/archives/' + archive.name, 'source': str(tmp_path / 'target' / archive.name),
             'size': len(body), 'sha256': hashlib.sha256(body).hexdigest()}]}
        (fetched_dir / 'manifest.json').write_text(json.dumps(manifest))
        code, err = _script(connection, 'restore', '--backup-bucket', bucket, '--manifest',
                            str(fetched_dir / 'manifest.json'), '--service', 'nexus', '--role', 'storage')
        assert code != 0
        assert ('does not match the manifest' if damaged else 'leaves the target directory') in err, err
        assert not (tmp_path / 'outside').exists()
        assert not (tmp_path / 'target' / archive.name).exists()  # refused before the directory was made
