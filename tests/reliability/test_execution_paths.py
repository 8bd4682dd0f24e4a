"""One behaviour on both execution paths (issue 18), through real ansible-playbook runs: each task runs once
in-process (maestro_platform_execution=controller, the action plugin) and once as the ordinary module, and the
two results are compared.

- argument errors: the same single message as AnsibleModule ("Unsupported parameters ..." and one error where
  the module reports one);
- credentials in a URL (issue 17.10): never shown, not even at -vvv; retries reported as warnings naming the
  URL and the attempt, and the final error counting the attempts;
- a loop against a server that does not answer fails fast after the first item (issue 17.11);
- HTTP_PROXY from the task's environment honoured by both (a local recording proxy);
- become: a task with become_user runs as the module, as that user (dvc_remote level=user edits that user's
  config, not root's).
"""

import json
import os
import pwd
import shutil
import subprocess
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from tests.helpers import free_port, run_playbook, unavailable
from tests.unit.plugins.module_utils.recording_proxy import RecordingProxy

MODES = ('controller', 'module')
SECRET = 'Sup3rS3cret-pw'


def _play(tmp_path, tasks, name='paths'):
    path = tmp_path / ('%s.yml' % name)
    path.write_text(yaml.safe_dump([{'name': 'Both execution paths', 'hosts': 'localhost',
                                     'gather_facts': False, 'tasks': tasks}], sort_keys=False))
    return path


def _both(name, module, args, register, **extra):
    """The same task once per execution path, results registered as <register>_<mode>."""
    return [dict({'name': '%s (%s)' % (name, mode), module: args, 'register': '%s_%s' % (register, mode),
                  'ignore_errors': True, 'vars': {'maestro_platform_execution': mode}}, **extra)
            for mode in MODES]


def _dump(tmp_path, names):
    out = tmp_path / 'results.json'
    content = '{' + ', '.join('"%s": {{ %s | to_json }}' % (n, n) for n in names) + '}'
    return out, {'name': 'Write the results', 'ansible.builtin.copy': {'content': content, 'dest': str(out)},
                 'vars': {'maestro_platform_execution': 'module'}}


BAD_INPUT = {
    'unsupported': {'name': 'e', 'bogus_option': 1},
    'several': {'name': 'e', 'state': 'gone', 'timeout': 'soon', 'purge_tags': 'perhaps'},
    'unsupported_and_list_name': {'name': ['a', 'b'], 'other': 2},
    'missing_name': {'state': 'present'},
}


def test_argument_errors_are_identical(tmp_path):
    url = 'http://127.0.0.1:%d' % free_port()
    tasks = []
    for case, args in BAD_INPUT.items():
        tasks += _both(case, 'maestro.platform.mlflow_experiment', dict(args, tracking_uri=url), case)
    names = ['%s_%s' % (case, mode) for case in BAD_INPUT for mode in MODES]
    out, dump = _dump(tmp_path, names)
    result = run_playbook(_play(tmp_path, tasks + [dump]))
    assert result.ok, str(result)
    found = json.loads(out.read_text())
    for case in BAD_INPUT:
        controller, module = found[case + '_controller'], found[case + '_module']
        assert controller['failed'] and module['failed'], case
        assert controller['msg'] == module['msg'], case
    assert found['unsupported_module']['msg'].startswith(
        'Unsupported parameters for (maestro.platform.mlflow_experiment) module: bogus_option.')
    assert found['unsupported_and_list_name_controller']['msg'].startswith('Unsupported parameters')
    assert ';' not in found['several_controller']['msg'], 'one error, as the module reports'


def test_url_credentials_retries_and_a_dead_server(tmp_path):
    """A loop against a closed port with credentials in tracking_uri: nothing shows the password (-vvv),
    both paths report each retry and count the attempts, and the in-process loop fails fast after the first
    item."""
    url = 'http://ci-user:%s@127.0.0.1:%d' % (SECRET, free_port())
    tasks = [dict(task, loop=list(range(20 if task['vars']['maestro_platform_execution'] == 'controller' else 1)))
             for task in _both('Dead server', 'maestro.platform.mlflow_experiment',
                               {'name': 'e{{ item }}', 'tracking_uri': url}, 'dead')]
    out, dump = _dump(tmp_path, ['dead_controller', 'dead_module'])
    result = run_playbook(_play(tmp_path, tasks + [dump]), verbosity=3)
    assert result.ok, str(result)
    text = result.stdout + result.stderr + out.read_text()
    assert SECRET not in text and 'ci-user:' not in text
    found = json.loads(out.read_text())
    controller, module = found['dead_controller']['results'], found['dead_module']['results']
    for first in (controller[0], module[0]):
        assert 'cannot connect (Connection refused)' in first['msg']
        assert 'gave up after 5 attempts' in first['msg']
        assert first['invocation']['module_args']['tracking_uri'] == 'http://********@127.0.0.1:%s' % (
            url.rsplit(':', 1)[1])
    # Retry warnings: four per request that gave up, from both paths, naming the URL without credentials.
    retries = [line for line in text.splitlines() if 'retrying in' in line and 'attempt 1 of at most 5' in line]
    assert len(retries) >= 2 and all('/api/2.0/mlflow/experiments/get-by-name' in line for line in retries)
    # The later items of the in-process loop did not retry again.
    assert all('not tried again' in item['msg'] for item in controller[1:])
    reason = controller[0]['msg'].split(' failed: ', 1)[1].split(' (gave up')[0]
    assert reason in controller[1]['msg'], 'the same clear message'


class _UnknownExperiment(BaseHTTPRequestHandler):
    """Answers every request as MLflow does for an experiment that does not exist: 404
    RESOURCE_DOES_NOT_EXIST (mlflow/server/handlers.py, _get_experiment_by_name)."""

    protocol_version = 'HTTP/1.1'
    seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.seen.append(self.path)
        raw = json.dumps({'error_code': 'RESOURCE_DOES_NOT_EXIST', 'message': 'not found'}).encode()
        self.send_response(404)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def stub_mlflow():
    handler = type('Handler', (_UnknownExperiment,), {'seen': []})
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    handler.url = 'http://127.0.0.1:%d' % httpd.server_address[1]
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_the_task_proxy_is_honoured_by_both_paths(tmp_path, stub_mlflow):
    proxy = RecordingProxy().start()
    try:
        tasks = _both('Through the proxy', 'maestro.platform.mlflow_experiment',
                      {'name': 'e', 'state': 'absent', 'tracking_uri': stub_mlflow.url}, 'proxied',
                      environment={'HTTP_PROXY': proxy.url, 'NO_PROXY': 'example.com'})
        out, dump = _dump(tmp_path, ['proxied_controller', 'proxied_module'])
        result = run_playbook(_play(tmp_path, tasks + [dump]), env={'NO_PROXY': '', 'no_proxy': ''})
    finally:
        proxy.stop()
    assert result.ok, str(result)
    found = json.loads(out.read_text())
    assert not found['proxied_controller'].get('failed') and not found['proxied_module'].get('failed'), found
    targets = [target for method, target, headers in proxy.requests]
    expected = stub_mlflow.url + '/api/2.0/mlflow/experiments/get-by-name?experiment_name=e'
    assert targets == [expected, expected], 'one request per path, both through the proxy'
    assert len(stub_mlflow.seen) == 2


def test_become_user_runs_the_module_as_that_user(tmp_path):
    """A throwaway local user (created and removed here); the controller's HOME is a temporary directory, so
    a wrong path (the old in-process behaviour) writes there and is seen, not into root's real config."""
    if os.geteuid() != 0 or not shutil.which('useradd'):
        unavailable('needs root and useradd to create a throwaway user')
    user = 'mp%s' % uuid.uuid4().hex[:8]
    subprocess.run(['useradd', '--create-home', '--shell', '/bin/sh', user], check=True)
    try:
        home = pwd.getpwnam(user).pw_dir
        tasks = [{'name': 'A user-level remote as %s (%s)' % (user, mode), 'maestro.platform.dvc_remote': {
            'name': 'store-%s' % mode, 'url': 's3://bucket/%s' % mode, 'level': 'user'},
            'become': True, 'become_user': user, 'become_method': 'ansible.builtin.su',
            # the test venv is not readable by the throwaway user; dvc_remote needs only the standard library
            'vars': {'maestro_platform_execution': mode, 'ansible_python_interpreter': '/usr/bin/python3'}}
            for mode in MODES]
        controller_home = tmp_path / 'controller-home'
        controller_home.mkdir()
        result = run_playbook(_play(tmp_path, tasks), env={
            'HOME': str(controller_home), 'DVC_GLOBAL_CONFIG_DIR': '', 'XDG_CONFIG_HOME': ''})
        assert result.ok, str(result)
        assert not (controller_home / '.config' / 'dvc' / 'config').exists(), "the controller user's config"
        config = os.path.join(home, '.config', 'dvc', 'config')
        with open(config) as handle:
            text = handle.read()
        assert 'store-controller' in text and 'store-module' in text, 'both edited the become user\'s config'
        assert os.stat(config).st_uid == pwd.getpwnam(user).pw_uid
    finally:
        subprocess.run(['userdel', '--remove', user], check=False, capture_output=True)
