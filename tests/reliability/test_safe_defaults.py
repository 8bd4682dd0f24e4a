"""Safe defaults: new Harbor projects are private, Nexus anonymous access is off where the collection sets it,
new buckets are private, and no well-known default password appears anywhere in the repository (code,
examples, roles, inventories, docs)."""

import json
import re
import subprocess
from pathlib import Path

import yaml

from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project as HPR
from ansible_collections.maestro.platform.plugins.module_utils import _minio_bucket as MIB
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_security as NSE
from tests.reliability import summary
from tests.reliability.faults import execute
from tests.servers import S3_KEYS

ROOT = Path(__file__).resolve().parents[2]
# Well-known default passwords of the stack's products and of tutorials. Spelled in pieces so that this file
# does not match itself.
DEFAULT_PASSWORDS = ['admin' + '123', 'Harbor' + '12345', 'minio' + 'admin', 'minio' + '123', 'password' + '1234',
                     'change' + 'me', 'Passw0rd' + '!', 'root' + '123', 'mlflow' + '123', 'nexus' + '123']


def test_new_harbor_projects_are_private(harbor_emulator):
    connection = {'url': harbor_emulator.base_url, 'username': harbor_emulator.admin_username,
                  'password': harbor_emulator.admin_password}
    result = execute(HPR.Project, dict(connection, name='safe-defaults'))
    stored = [p for p in harbor_emulator.projects.values() if p['name'] == 'safe-defaults'][0]
    sent = [w.body for w in harbor_emulator.writes if w.method == 'POST' and w.path == '/projects'][0]
    ok = stored['metadata'].get('public') == 'false' and (sent.get('metadata') or {}).get('public') != 'true' \
        and result['project'].get('public') is False
    summary.record(summary.SAFE_DEFAULTS, check='harbor_project without `public` creates a private project', ok=ok,
                   detail='stored metadata.public=%s, returned public=%s' % (stored['metadata'].get('public'),
                                                                           result['project'].get('public')))
    assert ok


def test_nexus_anonymous_access_is_off_where_the_collection_sets_it(nexus_emulator):
    defaults = yaml.safe_load((ROOT / 'roles' / 'nexus' / 'defaults' / 'main.yml').read_text())
    inventory = ROOT / 'inventories' / 'dev' / 'group_vars' / 'all' / 'nexus.yml'
    dev = yaml.safe_load(inventory.read_text()) if inventory.exists() else {}
    role_task = (ROOT / 'roles' / 'nexus' / 'tasks' / 'configure.yml').read_text()
    # the role applies its variable through nexus_security; the module then turns anonymous access off
    nexus_emulator.anonymous['enabled'] = True
    connection = {'url': nexus_emulator.base_url, 'username': 'admin', 'password': nexus_emulator.admin_password}
    result = execute(NSE.Security, dict(connection, anonymous_access=defaults['nexus_anonymous_access']))
    ok = defaults['nexus_anonymous_access'] is False and dev.get('nexus_anonymous_access', False) is False \
        and 'anonymous_access: "{{ nexus_anonymous_access }}"' in role_task \
        and nexus_emulator.anonymous['enabled'] is False and result['security']['anonymous_access'] is False
    summary.record(summary.SAFE_DEFAULTS, check='Nexus anonymous access off (role default, dev inventory, applied)',
                   ok=ok, detail='nexus_anonymous_access default %s, dev %s; server after the role task: %s' % (
                       defaults['nexus_anonymous_access'], dev.get('nexus_anonymous_access'),
                       nexus_emulator.anonymous['enabled']))
    assert ok


def test_new_buckets_are_private(minio_server):
    connection = {'endpoint_url': minio_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
                  'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'region': 'us-east-1'}
    name = 'safe-defaults-bucket'
    execute(MIB.Bucket, dict(connection, name=name))
    import boto3
    s3 = boto3.client('s3', endpoint_url=minio_server.url, region_name='us-east-1',
                      aws_access_key_id=S3_KEYS['AWS_ACCESS_KEY_ID'],
                      aws_secret_access_key=S3_KEYS['AWS_SECRET_ACCESS_KEY'])
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=name)['Policy'])
    except s3.exceptions.ClientError as exc:
        policy = None if 'NoSuchBucketPolicy' in str(exc) else str(exc)
    grants = s3.get_bucket_acl(Bucket=name)['Grants']
    public_grants = [g for g in grants if 'AllUsers' in json.dumps(g) or 'AuthenticatedUsers' in json.dumps(g)]
    defaults = yaml.safe_load((ROOT / 'roles' / 'minio' / 'defaults' / 'main.yml').read_text())
    inventory = ROOT / 'inventories' / 'dev' / 'group_vars' / 'all' / 'minio.yml'
    buckets = list(defaults.get('minio_buckets') or [])
    if inventory.exists():
        buckets += (yaml.safe_load(inventory.read_text()) or {}).get('minio_buckets') or []
    public_buckets = [b.get('name') for b in buckets if str(b.get('policy', '')).lower() in ('public', 'download')]
    ok = policy is None and not public_grants and not public_buckets
    summary.record(summary.SAFE_DEFAULTS, check='minio_bucket creates private buckets; no bucket of the role '
                   'defaults or dev inventory is public', ok=ok,
                   detail='policy=%s, public grants=%d, public buckets configured=%s' % (policy, len(public_grants),
                                                                                        public_buckets))
    assert ok


def _repository_files():
    out = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'], cwd=str(ROOT),
                         capture_output=True, check=True).stdout.decode()
    for name in out.split('\0'):
        path = ROOT / name
        if name and path.is_file():
            yield name, path


def test_no_default_passwords_anywhere():
    # as written, all lower case or all upper case (not case-insensitive: the MinioAdmin class is no password)
    spellings = sorted(set(v for p in DEFAULT_PASSWORDS for v in (p, p.lower(), p.upper())))
    pattern = re.compile(r'(?<![A-Za-z0-9])(%s)(?![A-Za-z0-9])' % '|'.join(re.escape(p) for p in spellings))
    assert pattern.search('harbor_admin_password: %s' % DEFAULT_PASSWORDS[1])  # the search can find one
    assert not pattern.search('from _s3 import MinioAdmin')
    found, scanned = [], 0
    for name, path in _repository_files():
        try:
            text = path.read_text(encoding='utf-8')
        except (UnicodeDecodeError, OSError):
            continue
        scanned += 1
        for number, line in enumerate(text.splitlines(), 1):
            for match in pattern.finditer(line):
                found.append('%s:%d: %s' % (name, number, match.group(0)))
    summary.record(summary.SAFE_DEFAULTS, check='no well-known default password in %d repository files' % scanned,
                   ok=not found, detail='; '.join(found[:5]) or 'searched: ' + ', '.join(DEFAULT_PASSWORDS))
    assert scanned > 100
    assert not found, '\n'.join(found)
