"""Shared test helpers: run ansible-playbook against the collection in this checkout, find free ports,
wait for servers. Test support only (not shipped: galaxy.yml's build_ignore excludes nothing here, but
nothing in plugins/ imports it)."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
COLLECTIONS = ROOT / 'build' / 'collections'
# a collection's playbook by its FQCN, e.g. maestro.platform.site (not a file name such as a.b.yml)
FQCN = re.compile(r'[a-z0-9_]+\.[a-z0-9_]+\.(?!ya?ml$)[a-z0-9_]+')


def ensure_collection_link():
    """Expose this checkout as ansible_collections/maestro/platform (scripts/bootstrap.sh does the same)."""
    link = COLLECTIONS / 'ansible_collections' / 'maestro' / 'platform'
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink() or link.resolve() != ROOT:
        if link.is_symlink():
            link.unlink()
        link.symlink_to(ROOT)
    return COLLECTIONS


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=60.0, proc=None):
    import urllib.request
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError('server exited with %s while starting (%s)' % (proc.returncode, url))
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
            last = exc
        time.sleep(0.2)
    raise RuntimeError('%s not ready after %ss: %s' % (url, timeout, last))


def ansible_env(extra=None):
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(ensure_collection_link()),
        'ANSIBLE_HOST_KEY_CHECKING': 'false',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': 'true',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'PATH': '%s:%s' % (VENV_BIN, env.get('PATH', '')),
    })
    if extra:
        env.update(extra)
    return env


class PlaybookResult:
    def __init__(self, proc, elapsed):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed

    @property
    def ok(self):
        return self.returncode == 0

    def __str__(self):
        return 'rc=%s\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
            self.returncode, self.stdout[-20000:], self.stderr[-5000:])


def playbook_command(playbook, extra_vars=None, check=False, diff=False, verbosity=0, inventory=None,
                     connection=None, tags=None, extra_args=()):
    """The ansible-playbook command line of run_playbook (for a caller that must start it itself, e.g. twice at
    once). ``playbook``: an absolute path, a collection playbook's FQCN (namespace.collection.name) or a name
    under tests/integration/playbooks. ``inventory`` None means localhost with the local connection;
    ``connection`` names one explicitly. ``extra_vars``: a dict (one -e, as JSON) or a list of -e values in
    order (a dict as JSON, a string as given: '@file' or 'key=value'). ``extra_args`` are appended as given."""
    path = str(playbook)
    if not Path(path).is_absolute() and not FQCN.fullmatch(path):
        path = str(ROOT / 'tests' / 'integration' / 'playbooks' / path)
    cmd = [str(VENV_BIN / 'ansible-playbook'), path]
    cmd += ['-i', str(inventory) if inventory else 'localhost,', ]
    if connection or not inventory:
        cmd += ['-c', connection or 'local']
    for value in ([extra_vars] if isinstance(extra_vars, dict) else extra_vars or []):
        cmd += ['-e', json.dumps(value) if isinstance(value, dict) else str(value)]
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    if tags:
        cmd += ['--tags', tags]
    return cmd + [str(arg) for arg in extra_args]


def run_playbook(playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None, inventory=None,
                 tags=None, timeout=900, connection=None, extra_args=(), cwd=ROOT, environ=None):
    """Run ansible-playbook (the command of playbook_command, which explains the options) in ``cwd``; returns a
    PlaybookResult. The environment is ansible_env(env), or ``environ`` exactly as given when a test needs
    its own; ``timeout`` None waits as long as it takes."""
    cmd = playbook_command(playbook, extra_vars=extra_vars, check=check, diff=diff, verbosity=verbosity,
                           inventory=inventory, connection=connection, tags=tags, extra_args=extra_args)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=str(cwd), env=environ if environ is not None else ansible_env(env),
                          capture_output=True, text=True, check=False, timeout=timeout)
    return PlaybookResult(proc, time.monotonic() - started)


def run_phases_alone(playbook, role, configure_task, verify_task, **kwargs):
    """The phases alone on a converged service (docs/roles.md): ``--tags <role>_configure`` reads every object
    and changes nothing, ``--tags <role>_verify`` reads back what the service serves, and neither runs the
    other's tasks (the preflight runs with both). The two task names are ones each phase must show. Returns
    both PlaybookResults; kwargs go to run_playbook."""
    configure = run_playbook(playbook, tags=role + '_configure', **kwargs)
    assert configure.ok and 'changed=0' in configure.stdout, str(configure)
    assert 'Configure | ' + configure_task in configure.stdout and 'Verify |' not in configure.stdout
    verify = run_playbook(playbook, tags=role + '_verify', **kwargs)
    assert verify.ok and 'changed=0' in verify.stdout and 'Verify | ' + verify_task in verify.stdout, str(verify)
    assert 'Configure |' not in verify.stdout and 'Preflight |' in verify.stdout
    return configure, verify


def unavailable(reason):
    """A prerequisite of the test is missing: skip it when pytest is run by hand, fail it under scripts/test.sh
    (CI), which sets MAESTRO_REQUIRE_MOLECULE=1 because there every prerequisite must be present."""
    import pytest
    if os.environ.get('MAESTRO_REQUIRE_MOLECULE') == '1':
        pytest.fail(reason)
    pytest.skip(reason)


def docker_engine(*images):
    """DOCKER_HOST of the project's Docker engine (started if needed), with the given platform images built
    (scripts/build-platform-images.sh selectors, e.g. 'prometheus'). Fails the test when either fails."""
    out = subprocess.run(['bash', str(ROOT / 'scripts' / 'docker-engine.sh')], capture_output=True, text=True,
                         timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    host = re.search(r'DOCKER_HOST=(\S+)', out.stdout).group(1)
    if images:
        build = subprocess.run(['bash', str(ROOT / 'scripts' / 'build-platform-images.sh')] + list(images),
                               cwd=ROOT, env=dict(os.environ, DOCKER_HOST=host), capture_output=True, text=True,
                               timeout=900, check=False)
        assert build.returncode == 0, build.stderr[-3000:]
    return host


def dvc_env(tmp_path):
    """DVC's environment for a test: no AWS/MinIO/MLflow settings of this machine (credentials must come from
    the DVC config under test), isolated global/system configs, a git identity. This machine's AWS_CA_BUNDLE
    is kept: DVC (s3fs/aiobotocore) works with it against a plain-HTTP endpoint."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('AWS_', 'MINIO_', 'MLFLOW_')) or k == 'AWS_CA_BUNDLE')
    env.update({'DVC_GLOBAL_CONFIG_DIR': str(tmp_path / 'dvc-global'),
                'DVC_SYSTEM_CONFIG_DIR': str(tmp_path / 'dvc-system'), 'DVC_NO_ANALYTICS': '1',
                'GIT_AUTHOR_NAME': 'test', 'GIT_AUTHOR_EMAIL': 'test@example.com',
                'GIT_COMMITTER_NAME': 'test', 'GIT_COMMITTER_EMAIL': 'test@example.com'})
    return env


def run_ok(cmd, cwd, env):
    """Run a command; fail the test with its output unless it succeeds. Returns stdout."""
    proc = subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, '%s failed:\n%s\n%s' % (' '.join(cmd), proc.stdout, proc.stderr)
    return proc.stdout


class Molecule:
    """One Molecule scenario of this checkout, run with the test venv's tools against the engine in engine_env
    (DOCKER_HOST); extra_env holds the scenario's own variables. run(step) returns its seconds and keeps its
    output in outputs[step]."""

    def __init__(self, scenario, engine_env, extra_env, timeout=600):
        self.scenario = scenario
        self.timeout = timeout
        self.env = dict(engine_env)
        self.env.update(extra_env)
        self.env.update({
            'PATH': '%s:%s' % (VENV_BIN, os.environ.get('PATH', '')),
            'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'PY_COLORS': '0', 'NO_COLOR': '1',
        })
        for key in ('ANSIBLE_PYTHON_INTERPRETER', 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'):
            self.env.pop(key, None)
        self.outputs = {}

    def run(self, step, check=True):
        import pytest
        start = time.monotonic()
        proc = subprocess.run([str(VENV_BIN / 'molecule'), step, '-s', self.scenario], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=self.timeout, check=False)
        elapsed = time.monotonic() - start
        self.outputs[step] = proc.stdout + proc.stderr
        if check and proc.returncode != 0:
            pytest.fail('molecule %s failed (rc %s):\n%s' % (step, proc.returncode, self.outputs[step][-8000:]))
        return elapsed
