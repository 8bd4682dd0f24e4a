"""dvc_remote through real ansible-playbook runs in real git + DVC repositories, and
DVC itself using the result: `dvc push` and `dvc pull` of a small dataset through the configured remote
against a real S3 API (moto server), with no credentials in any file git sees.

The module's check/apply/absent rhythm (both execution modes) is the ansible-test target
tests/integration/targets/dvc_remote; tests/reliability/test_secrets.py scans that rhythm's output for the
secret."""

import subprocess
from pathlib import Path

from tests.helpers import VENV_BIN, dvc_env, run_ok, run_playbook
from tests.servers import S3_KEYS

SECRET = S3_KEYS['AWS_SECRET_ACCESS_KEY']


def _repo(tmp_path, env):
    repo = tmp_path / 'project'
    repo.mkdir()
    run_ok(['git', 'init', '-q'], repo, env)
    run_ok([str(VENV_BIN / 'dvc'), 'init', '-q'], repo, env)
    run_ok(['git', 'commit', '-q', '-m', 'dvc init'], repo, env)
    return repo


def test_dvc_push_and_pull_through_the_configured_remote(s3_server, tmp_path, prefix):
    env = dvc_env(tmp_path)
    repo = _repo(tmp_path, env)
    bucket = '%s-dvc-storage' % prefix
    s3_server.client().create_bucket(Bucket=bucket)
    result = run_playbook('dvc_remote_setup.yml', extra_vars={
        'repo': str(repo), 'url': 's3://%s/project' % bucket, 'endpoint_url': s3_server.url,
        'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'], 'secret_key': SECRET})
    assert result.ok, str(result)

    data = repo / 'data'
    data.mkdir()
    dataset = dict(('part-%d.csv' % i, 'id,value\n' + ''.join('%d,%d\n' % (j, j * i) for j in range(200)))
                   for i in range(3))
    for name, text in dataset.items():
        (data / name).write_text(text)
    dvc = str(VENV_BIN / 'dvc')
    run_ok([dvc, 'add', 'data'], repo, env)
    run_ok(['git', 'add', '-A'], repo, env)
    run_ok(['git', 'commit', '-q', '-m', 'dataset'], repo, env)
    run_ok([dvc, 'push'], repo, env)
    stored = s3_server.client().list_objects_v2(Bucket=bucket, Prefix='project/')
    assert stored.get('KeyCount', 0) >= 3  # the files (and the directory manifest) are on the S3 server

    # a fresh clone of the repository has no data and no credentials until they are configured again
    for path in sorted(data.iterdir()):
        path.unlink()
    data.rmdir()
    subprocess.run(['rm', '-rf', str(repo / '.dvc' / 'cache')], check=True)
    run_ok([dvc, 'pull'], repo, env)
    assert dict((p.name, p.read_text()) for p in data.iterdir()) == dataset

    # nothing git sees holds a credential
    assert run_ok(['git', 'status', '--porcelain'], repo, env) == ''
    assert run_ok(['git', 'check-ignore', '.dvc/config.local'], repo, env).strip() == '.dvc/config.local'
    assert _git_grep(repo, env) == ''
    assert SECRET in (repo / '.dvc' / 'config.local').read_text()
    assert (repo / '.dvc' / 'config.local').stat().st_mode & 0o777 == 0o600
    assert SECRET not in result.stdout


def _git_grep(repo, env):
    """Lines of committed files (every commit) that mention a secret key or its value."""
    proc = subprocess.run(['git', 'grep', '-I', '-n', '-e', SECRET, '-e', 'secret_access_key',
                           *run_ok(['git', 'rev-list', '--all'], repo, env).split()],
                          cwd=str(repo), env=env, capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr  # 1: no match
    return proc.stdout


def test_user_level_remote_is_used_by_dvc(s3_server, tmp_path, prefix):
    """level=user writes the user's DVC config (credentials included, mode 0600); DVC reads it."""
    env = dvc_env(tmp_path)
    repo = _repo(tmp_path, env)
    result = run_playbook('dvc_remote_setup.yml', extra_vars={
        'level': 'user', 'config_dir': env['DVC_GLOBAL_CONFIG_DIR'], 'url': 's3://%s-user/x' % prefix,
        'endpoint_url': s3_server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'], 'secret_key': SECRET})
    assert result.ok, str(result)
    config = Path(env['DVC_GLOBAL_CONFIG_DIR']) / 'config'
    assert config.stat().st_mode & 0o777 == 0o600
    listed = run_ok([str(VENV_BIN / 'dvc'), 'remote', 'default', '--global'], repo, env).strip()
    assert listed == 'storage'
    assert 's3://%s-user/x' % prefix in run_ok([str(VENV_BIN / 'dvc'), 'remote', 'list'], repo, env)
