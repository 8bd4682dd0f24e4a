"""maestro.platform.container_host on a fresh host: the Molecule scenario molecule/container_host, step by step
(destroy, create, converge, idempotence, verify, destroy), with Docker's repository path run in check mode
(molecule/container_host/check_docker_repo.yml, ansible-playbook --check --diff) between create and converge on the project's own Docker engine.

A bare Debian 12 server (systemd as PID 1, with the capabilities a nested engine needs; scripts/build-images.sh's maestro-platform/systemd-host)
gets its Docker engine and Compose from the role (Debian's docker.io + docker-compose: Docker's repository is
unreachable from our machines; its path runs in check mode first), the modules' Python library, then the
image check loads a `docker save` archive made here into the new engine and a container from it starts. Second
converge: changed=0. Timings go to build/container_host_fresh_host_timing.json.

Needs: eval "$(bash scripts/docker-engine.sh)" and bash scripts/build-images.sh. Without an engine or the image
the test is skipped, unless MAESTRO_REQUIRE_MOLECULE=1 (CI), where it fails instead.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, Molecule, ensure_collection_link, run_playbook, unavailable

SCENARIO = 'container_host'
IMAGE = 'maestro-platform/systemd-host:bookworm'
PROBE_SOURCE = 'maestro-platform/debian:bookworm'
PROBE = 'maestro-ch/probe:1'
NETWORK = 'maestro-ch-net'
VOLUME = 'maestro-ch-docker-data'
DEFAULT_DOCKER_HOST = 'unix:///var/lib/maestro-docker/docker.sock'
TIMING_FILE = ROOT / 'build' / 'container_host_fresh_host_timing.json'
RECAP = 'ch-fresh-host'


def _docker(env, *args, check=True):
    proc = subprocess.run(['docker', *args], capture_output=True, text=True, env=env, check=False, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError('docker %s: %s' % (' '.join(args), proc.stderr))
    return proc


@pytest.fixture(scope='module')
def engine():
    env = dict(os.environ, DOCKER_HOST=os.environ.get('DOCKER_HOST') or DEFAULT_DOCKER_HOST)
    if shutil.which('docker') is None:
        unavailable('no docker CLI: run scripts/docker-engine.sh')
    if _docker(env, 'version', '--format', '{{.Server.Version}}', check=False).returncode != 0:
        unavailable('no Docker engine on %s: eval "$(bash scripts/docker-engine.sh)"' % env['DOCKER_HOST'])
    for image in (IMAGE, PROBE_SOURCE):
        if _docker(env, 'image', 'inspect', image, check=False).returncode != 0:
            unavailable('image %s missing: bash scripts/build-images.sh' % image)
    return env


@pytest.fixture()
def archive_dir(engine):
    """A `docker save` archive of a small image, as an air-gapped host would be given it."""
    directory = Path(tempfile.mkdtemp(prefix='maestro-ch-images-'))
    _docker(engine, 'tag', PROBE_SOURCE, PROBE)
    try:
        _docker(engine, 'save', '-o', str(directory / 'maestro-ch-probe.tar'), PROBE)
    finally:
        _docker(engine, 'rmi', PROBE, check=False)
    os.chmod(directory, 0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)



def _check_docker_repo(env):
    """Docker's repository path on the bare instance, with --check --diff (what a user runs first)."""
    start = time.monotonic()
    proc = run_playbook(ROOT / 'molecule' / SCENARIO / 'check_docker_repo.yml', inventory='%s,' % RECAP,
                        connection='community.docker.docker', check=True, diff=True, timeout=300,
                        extra_vars=['ansible_python_interpreter=/usr/bin/python3', 'container_host_install_engine=true',
                                    'container_host_install_sdk=true'],
                        environ=dict(env, ANSIBLE_COLLECTIONS_PATH=env['MAESTRO_CH_COLLECTIONS_PATH']))
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert 'Would install docker-ce, docker-ce-cli, containerd.io, docker-compose-plugin' in proc.stdout, proc.stdout[-4000:]
    assert '+Signed-By: /etc/apt/keyrings/docker.asc' in proc.stdout, proc.stdout[-4000:]
    return round(time.monotonic() - start, 1)


def _cleanup(engine):
    _docker(engine, 'rm', '-f', RECAP, check=False)
    _docker(engine, 'volume', 'rm', '-f', VOLUME, check=False)


def test_a_fresh_debian_host_gets_an_engine_compose_and_loaded_images(engine, archive_dir):
    mol = Molecule(SCENARIO, engine, {'MAESTRO_CH_ARCHIVE_DIR': str(archive_dir),
                                      'MAESTRO_CH_COLLECTIONS_PATH': str(ensure_collection_link())})
    mol.run('destroy', check=False)
    _cleanup(engine)
    if _docker(engine, 'network', 'inspect', NETWORK, check=False).returncode != 0:
        _docker(engine, 'network', 'create', NETWORK)
    timing = {}
    try:
        timing['create_s'] = mol.run('create')
        timing['check_mode_docker_repo_s'] = _check_docker_repo(mol.env)
        timing['converge_s'] = mol.run('converge')
        timing['idempotence_s'] = mol.run('idempotence')
        timing['verify_s'] = mol.run('verify')
        converge = mol.outputs['converge']
        # The engine came from the role, before the image check that loaded the archive into it.
        install = converge.index('Install | Docker engine, Compose and the modules')
        load = converge.index('Images | Load the listed archives that hold a missing image')
        assert install < load
        assert 'changed: [ch-fresh-host] => (item=/srv/maestro-images/maestro-ch-probe.tar)' in converge, converge[load:load + 1500]
        assert 'changed=0' in mol.outputs['idempotence'].split('PLAY RECAP')[-1], mol.outputs['idempotence'][-3000:]
        answers = mol.outputs['verify']
        timing['answers'] = answers[answers.find('"msg": ['):answers.find(']', answers.find('"msg": ['))+1]
    finally:
        timing['destroy_s'] = mol.run('destroy', check=False)
        _cleanup(engine)
        _docker(engine, 'network', 'rm', NETWORK, check=False)
        timing = {k: round(v, 1) if isinstance(v, float) else v for k, v in timing.items()}
        timing['total_s'] = round(sum(v for v in timing.values() if isinstance(v, float)), 1)
        TIMING_FILE.parent.mkdir(parents=True, exist_ok=True)
        TIMING_FILE.write_text(json.dumps(timing, indent=2))
        print('\ncontainer_host fresh-host timing: %s' % json.dumps(timing))
