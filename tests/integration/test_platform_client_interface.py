"""maestro.platform.platform_client: its interface (defaults mirror meta/argument_specs.yml one to one)
and its refusal of bad input with one clear sentence before it touches a host.

The bad-input cases run the real role with ansible-playbook on local-connection hosts; each host
carries one mistake, and the role must stop in preflight, before its probe, naming the variable.
The role's behaviour on real hosts is proven in test_platform_client_molecule.py.
"""

import json
import os
import sys

import yaml

from tests.helpers import ROOT, VENV_BIN, ensure_collection_link, run_playbook

ROLE = ROOT / 'roles' / 'platform_client'


def test_defaults_mirror_argument_specs():
    defaults = yaml.safe_load((ROLE / 'defaults' / 'main.yml').read_text())
    options = yaml.safe_load((ROLE / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']['options']
    assert list(defaults) == list(options), 'same variables, same order'
    types = {bool: 'bool', str: 'str', list: 'list'}
    for name, value in defaults.items():
        assert name.startswith('platform_client_')
        assert options[name]['default'] == value, name
        assert options[name]['type'] == types[type(value)], name
        assert options[name]['description'], name
    secrets = [n for n in defaults if n.endswith(('_password', '_token', '_secret_access_key'))]
    assert secrets and all(options[n].get('no_log') for n in secrets)


GOOD = {
    'platform_client_users': [],
    'platform_client_docker_registry_url': 'https://harbor.example.test',
    'platform_client_pip_index_url': 'https://nexus.example.test/repository/pypi-group/simple',
    'platform_client_npm_registry_url': 'https://nexus.example.test/repository/npm-group/',
    'platform_client_maven_mirror_url': 'https://nexus.example.test/repository/maven-public/',
    'platform_client_dvc_remote_url': 's3://dvc/store',
    'platform_client_mlflow_tracking_uri': 'https://mlflow.example.test',
}

CASES = {
    'missing_index': ({'platform_client_pip_index_url': ''},
                      'platform_client_pip_index_url must be the http(s) URL of the Nexus PyPI group'),
    'bad_mirror': ({'platform_client_docker_registry_mirrors': ['nexus.example.test:8443']},
                   'platform_client_docker_registry_mirrors must hold http:// or https:// URLs; fix: nexus.example.test:8443.'),
    'secret_without_users': ({'platform_client_npm_auth_token': 'not-logged-7f3a'},
                             'platform_client_npm_auth_token set but platform_client_users is empty'),
    'half_credentials': ({'platform_client_maven_username': 'reader'},
                         'platform_client_maven_username and platform_client_maven_password must be set together.'),
    'nothing_to_do': ({'platform_client_system_wide': False}, 'Nothing to configure'),
}


def test_bad_input_is_refused_before_the_host_is_touched(tmp_path):
    inventory = {'all': {'hosts': {name: dict(GOOD, ansible_connection='local',
                                              ansible_python_interpreter=sys.executable, **case[0])
                                   for name, case in CASES.items()}}}
    (tmp_path / 'inventory.yml').write_text(yaml.safe_dump(inventory))
    (tmp_path / 'play.yml').write_text(yaml.safe_dump([{
        'name': 'Bad input', 'hosts': 'all', 'gather_facts': False,
        'roles': [{'role': 'maestro.platform.platform_client'}]}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ensure_collection_link()), ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json',
               ANSIBLE_NOCOLOR='1', PATH='%s:%s' % (VENV_BIN, os.environ.get('PATH', '')))
    proc = run_playbook(tmp_path / 'play.yml', inventory=tmp_path / 'inventory.yml', environ=env, cwd=tmp_path,
                        timeout=None)
    assert proc.returncode != 0
    result = json.loads(proc.stdout)
    tasks = result['plays'][0]['tasks']
    failed = {}
    for task in tasks:
        for host, res in task['hosts'].items():
            if res.get('failed'):
                failed[host] = (task['task']['name'], res.get('msg', ''))
    assert set(failed) == set(CASES), failed
    for host, (expected_input, sentence) in CASES.items():
        task, msg = failed[host]
        assert task.endswith("Check the role's inputs"), (host, task, msg)
        assert sentence in msg, (host, msg)
    assert 'not-logged-7f3a' not in proc.stdout + proc.stderr


def test_phases_run_alone(tmp_path):
    """`--tags platform_client_install` and `--tags platform_client_configure` each run their phase with the
    preflight (docs/roles.md), on this host with every file under tmp_path: the configure phase alone writes the
    clients' settings and reaches the state a whole run keeps (the whole run after it changes nothing); the install
    phase alone writes nothing. (Maven is off: its install task would install python3-lxml on this machine.)"""
    etc = tmp_path / 'etc'
    values = dict(GOOD, ansible_connection='local', ansible_python_interpreter=sys.executable,
                  platform_client_maven_enabled=False, platform_client_docker_restart_daemon=False,
                  platform_client_docker_registry_mirrors=['http://nexus.example.test:8082'],
                  platform_client_docker_daemon_json_path=str(etc / 'docker' / 'daemon.json'),
                  platform_client_docker_certs_dir=str(etc / 'docker' / 'certs.d'),
                  platform_client_pip_system_config_path=str(etc / 'pip.conf'),
                  platform_client_npm_system_config_path=str(etc / 'npmrc'),
                  platform_client_dvc_system_config_path=str(etc / 'xdg' / 'dvc' / 'config'),
                  platform_client_mlflow_profile_path=str(etc / 'profile.d' / 'maestro-platform-mlflow.sh'))
    (etc / 'profile.d').mkdir(parents=True)  # /etc and /etc/profile.d exist on every host
    (tmp_path / 'inventory.yml').write_text(yaml.safe_dump({'all': {'hosts': {'client': values}}}))
    (tmp_path / 'play.yml').write_text(yaml.safe_dump([{
        'name': 'Phases', 'hosts': 'all', 'gather_facts': False,
        'roles': [{'role': 'maestro.platform.platform_client'}]}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ensure_collection_link()), ANSIBLE_NOCOLOR='1',
               PATH='%s:%s' % (VENV_BIN, os.environ.get('PATH', '')))

    def run(tags=None):
        return run_playbook(tmp_path / 'play.yml', inventory=tmp_path / 'inventory.yml', environ=env, cwd=tmp_path,
                            tags=tags)

    install = run('platform_client_install')
    assert install.ok and 'changed=0' in install.stdout, str(install)
    assert "Check the role's inputs" in install.stdout and 'Install lxml' in install.stdout
    assert 'Configure pip' not in install.stdout and not [p for p in etc.rglob('*') if p.is_file()]
    configure = run('platform_client_configure')
    assert configure.ok, str(configure)
    assert 'Install lxml' not in configure.stdout and "Check the role's inputs" in configure.stdout
    written = sorted(str(p.relative_to(etc)) for p in etc.rglob('*') if p.is_file())
    assert written == ['docker/daemon.json', 'npmrc', 'pip.conf', 'profile.d/maestro-platform-mlflow.sh',
                       'xdg/dvc/config'], written
    assert GOOD['platform_client_pip_index_url'] in (etc / 'pip.conf').read_text()
    assert json.loads((etc / 'docker' / 'daemon.json').read_text()) == {
        'registry-mirrors': ['http://nexus.example.test:8082'], 'insecure-registries': ['nexus.example.test:8082']}
    whole = run()
    assert whole.ok and 'changed=0' in whole.stdout, str(whole)
