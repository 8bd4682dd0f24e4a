"""Secrets: the integration playbooks of every family (tests/integration/playbooks) run with -vvv and --diff,
and every byte they print, every file they write (Ansible's log file, its temporary directories, the DVC
repository) and every value they return (shown in full at -vvv) is scanned for every secret value the run
used: server passwords, tokens, S3 keys, user and robot secrets, webhook and OIDC secrets. A file that
holds a secret on purpose (DVC's config.local) must be mode 0600.

One deliberate exception, counted apart: harbor_robot_account.yml prints the robot secrets Harbor generated
with an explicit debug task ("FIRST-SECRET=..."), to prove the secret is returned once to the playbook.
"""

import os
import re
import secrets
import stat
import subprocess

import pytest

from tests.helpers import VENV_BIN, run_playbook
from tests.reliability import summary
from tests.servers import S3_KEYS

ON_PURPOSE = re.compile(r'"msg": "(FIRST|SECOND)-SECRET=[^"]*"')


def _secret(label):
    return '%s-%s' % (label, secrets.token_urlsafe(12))


def _scan(paths_and_texts, values):
    """(occurrences, bytes scanned, files, files with a secret not 0600, details)."""
    occurrences, scanned, files, bad_modes, details = 0, 0, 0, 0, []
    for where, text, mode in paths_and_texts:
        scanned += len(text)
        if mode is not None:
            files += 1
        hits = [v for v in values if v and v in text]
        if not hits:
            continue
        if mode is None or where.endswith('config.local'):
            if mode is not None and stat.S_IMODE(mode) != 0o600:
                bad_modes += 1
                details.append('%s holds a secret with mode %o' % (where, stat.S_IMODE(mode)))
            if mode is None:
                count = sum(text.count(v) for v in hits)
                occurrences += count
                for value in hits:
                    index = text.find(value)
                    details.append('%s: %r' % (where, text[max(0, index - 120):index + 40]))
            continue
        occurrences += sum(text.count(v) for v in hits)
        details.append('%s holds a secret (%s)' % (where, ', '.join(h[:6] + '...' for h in hits)))
        if stat.S_IMODE(mode) != 0o600:
            bad_modes += 1
    return occurrences, scanned, files, bad_modes, details


def _files(*roots):
    for root in roots:
        for directory, _dirs, names in os.walk(str(root)):
            if '/.git' in directory:
                continue
            for name in names:
                path = os.path.join(directory, name)
                try:
                    with open(path, 'rb') as handle:
                        data = handle.read(2_000_000)
                    yield path, data.decode('utf-8', 'replace'), os.stat(path).st_mode
                except OSError:
                    continue


def _run_and_scan(name, playbook, extra_vars, values, tmp_path, env=None, allow_on_purpose=False):
    scratch = tmp_path / 'ansible-home'
    scratch.mkdir()
    log = scratch / 'ansible.log'
    run_env = {'ANSIBLE_LOG_PATH': str(log), 'ANSIBLE_LOCAL_TEMP': str(scratch / 'tmp'),
               'ANSIBLE_REMOTE_TEMP': str(scratch / 'remote-tmp'), 'ANSIBLE_KEEP_REMOTE_FILES': '0'}
    run_env.update(env or {})
    result = run_playbook(playbook, extra_vars=extra_vars, verbosity=3, diff=True, env=run_env)
    assert result.ok, str(result)
    stdout = result.stdout
    purposeful = 0
    if allow_on_purpose:
        purposeful = len(ON_PURPOSE.findall(stdout))
        stdout = ON_PURPOSE.sub('"msg": "(printed on purpose)"', stdout)
        log_text = ON_PURPOSE.sub('', log.read_text(errors='replace')) if log.exists() else ''
        log.write_text(log_text)  # the on-purpose prints are in the log too
    texts = [('stdout', stdout, None), ('stderr', result.stderr, None)]
    texts += list(_files(scratch, tmp_path / 'project'))
    occurrences, scanned, files, bad_modes, details = _scan(texts, [v for v in values if v])
    summary.record_secrets(name, bytes_scanned=scanned, files=files, occurrences=occurrences, bad_modes=bad_modes,
                           on_purpose=purposeful)
    assert occurrences == 0 and bad_modes == 0, '\n'.join(details)
    return result


def test_mlflow_experiment(mlflow_server, tmp_path, prefix):
    token = _secret('mlflow-token')
    _run_and_scan('mlflow_experiment.yml', 'mlflow_experiment.yml',
                  {'tracking_uri': mlflow_server.url, 'prefix': prefix, 'maestro_platform_execution': 'controller'},
                  [token, S3_KEYS['AWS_SECRET_ACCESS_KEY']], tmp_path, env={'MLFLOW_TRACKING_TOKEN': token})


def test_nexus_repository_and_users(nexus_emulator, tmp_path, prefix):
    remote, user1, user2 = _secret('remote'), _secret('User1'), _secret('User2')
    base = {'nexus_url': nexus_emulator.base_url, 'nexus_password': nexus_emulator.admin_password, 'prefix': prefix}
    _run_and_scan('nexus_repository.yml', 'nexus_repository.yml', dict(base, remote_secret=remote),
                  [nexus_emulator.admin_password, remote], tmp_path)
    other = tmp_path / 'users'
    other.mkdir()
    _run_and_scan('nexus_users_roles.yml', 'nexus_users_roles.yml',
                  dict(base, user_secret=user1, user_secret_2=user2, maestro_platform_execution='controller'),
                  [nexus_emulator.admin_password, user1, user2], other)


def test_harbor_robot_account(harbor_emulator, tmp_path, prefix):
    custom = 'Cu5tom' + secrets.token_urlsafe(10)
    values = {'harbor_url': harbor_emulator.base_url, 'harbor_user': harbor_emulator.admin_username,
              'harbor_password': harbor_emulator.admin_password, 'prefix': prefix, 'custom_secret': custom,
              'maestro_platform_execution': 'controller'}
    # the generated secrets are known only after the run: scan twice (the second scan with them)
    result = _run_and_scan('harbor_robot_account.yml', 'harbor_robot_account.yml', values,
                           [harbor_emulator.admin_password, custom], tmp_path, allow_on_purpose=True)
    generated = set(re.findall(r'(?:FIRST|SECOND)-SECRET=([^"\s]+)', result.stdout))
    generated |= set(r.get('secret') for r in harbor_emulator.robots.values() if r.get('secret'))
    assert generated, 'no generated robot secret seen: the scan would test nothing'
    cleaned = ON_PURPOSE.sub('', result.stdout)
    leaks = [g for g in generated if g in cleaned or g in result.stderr]
    summary.SECRETS['harbor_robot_account.yml']['occurrences'] += len(leaks)
    assert not leaks, 'generated robot secrets shown outside the on-purpose debug task'


def test_harbor_registry_and_config(harbor_emulator, tmp_path, prefix):
    remote, oidc = _secret('Remote'), _secret('Oidc')
    values = {'harbor_url': harbor_emulator.base_url, 'harbor_user': harbor_emulator.admin_username,
              'harbor_password': harbor_emulator.admin_password, 'prefix': prefix, 'remote_secret': remote,
              'oidc_secret': oidc, 'maestro_platform_execution': 'controller'}
    _run_and_scan('harbor_registry.yml', 'harbor_registry.yml', values, [harbor_emulator.admin_password, remote],
                  tmp_path)
    other = tmp_path / 'system'
    other.mkdir()
    _run_and_scan('harbor_system.yml', 'harbor_system.yml', values, [harbor_emulator.admin_password, oidc], other)


def test_minio_user_policy(minio_server, tmp_path, prefix):
    playbook_text = open(os.path.join(os.path.dirname(__file__), '..', 'integration', 'playbooks',
                                      'minio_user_policy.yml')).read()
    user_secrets = ['%s%s' % (m, prefix) for m in set(re.findall(r'([\w-]+-secret-)\{\{ prefix \}\}', playbook_text))]
    assert user_secrets, 'no user secret found in minio_user_policy.yml: the scan would test nothing'
    _run_and_scan('minio_user_policy.yml', 'minio_user_policy.yml',
                  {'endpoint_url': minio_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
                   'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'prefix': prefix,
                   'maestro_platform_execution': 'controller'},
                  [S3_KEYS['AWS_SECRET_ACCESS_KEY']] + user_secrets, tmp_path)


# both modes: this scan is what proves the dvc_remote rhythm (tests/integration/targets/dvc_remote) shows no secret
@pytest.mark.parametrize('mode', ['controller', 'module'])
def test_dvc_remote(s3_server, tmp_path, prefix, mode):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('AWS_', 'MINIO_')) or k == 'AWS_CA_BUNDLE')
    env.update(DVC_GLOBAL_CONFIG_DIR=str(tmp_path / 'dvc-global'), DVC_SYSTEM_CONFIG_DIR=str(tmp_path / 'dvc-sys'),
               DVC_NO_ANALYTICS='1')
    repo = tmp_path / 'project'
    repo.mkdir()
    for cmd in (['git', 'init', '-q'], [str(VENV_BIN / 'dvc'), 'init', '-q']):
        subprocess.run(cmd, cwd=str(repo), env=env, check=True, capture_output=True)
    secret = S3_KEYS['AWS_SECRET_ACCESS_KEY']
    _run_and_scan('dvc_remote.yml (%s)' % mode, 'dvc_remote.yml',
                  {'repo': str(repo), 'url': 's3://%s-dvc/project' % prefix, 'endpoint_url': s3_server.url,
                   'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'], 'secret_key': secret,
                   'maestro_platform_execution': mode}, [secret], tmp_path)
    local = repo / '.dvc' / 'config.local'
    if local.exists() and secret in local.read_text():
        assert stat.S_IMODE(local.stat().st_mode) == 0o600


def test_the_scanner_finds_what_it_looks_for():
    """Negative control: a secret in the output, and a secret in a world-readable file, are both counted."""
    found = _scan([('stdout', 'ok: {"password": "S3cr3t-value"}', None),
                   ('/tmp/x/config.local', 'secret = S3cr3t-value', 0o100644),
                   ('/tmp/x/other', 'S3cr3t-value', 0o100600)], ['S3cr3t-value'])
    assert found[0] == 2 and found[3] == 1
