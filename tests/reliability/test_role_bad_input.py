"""Bad role variables: each rejected before the role sends any request, naming the variable.

One ansible-playbook run includes the harbor, nexus, mlflow and minio roles once per case (block/rescue),
with <role>_install false and the role's URL pointed at a sentinel HTTP server that counts every request it
receives. The role's argument spec (meta/argument_specs.yml) or its preflight asserts must stop each case.
"""

import http.server
import json
import threading

import pytest
import yaml

from tests.helpers import run_playbook
from tests.reliability import summary

BASE = {
    'harbor': {'harbor_install': False, 'harbor_admin_password': 'Valid-Pw-123', 'harbor_database_password': 'Db-Pw-123'},
    'nexus': {'nexus_install': False, 'nexus_admin_password': 'Valid-Pw-123', 'nexus_accept_eula': True},
    'mlflow': {'mlflow_install': False, 'mlflow_db_password': 'Db-Pw-123'},
    'minio': {'minio_install': False, 'minio_root_user': 'rootuser', 'minio_root_password': 'Valid-Pw-123'},
}
# (id, role, variables, the name the message must contain)
CASES = [
    ('harbor-port-type', 'harbor', {'harbor_http_port': 'eighty'}, 'harbor_http_port'),
    ('harbor-log-level-enum', 'harbor', {'harbor_log_level': 'loud'}, 'harbor_log_level'),
    ('harbor-url-scheme', 'harbor', {'harbor_url': 'ftp://harbor.example.com'}, 'harbor_url'),
    ('harbor-missing-admin-password', 'harbor', {'harbor_admin_password': ''}, 'harbor_admin_password'),
    ('harbor-robot-without-secret', 'harbor', {'harbor_robot_accounts': [{'name': 'ci', 'project': 'p'}]},
     'harbor_robot_accounts'),
    ('harbor-validate-certs-type', 'harbor', {'harbor_validate_certs': 'maybe'}, 'harbor_validate_certs'),
    ('harbor-label-key-typo', 'harbor', {'harbor_labels': [{'name': 'release', 'colour': '#0065AB'}]}, 'colour'),
    ('harbor-scanner-auth-enum', 'harbor', {'harbor_scanners': [{'name': 's', 'auth': 'oauth'}]}, 'auth'),
    ('harbor-allowlist-without-cves', 'harbor', {'harbor_cve_allowlist': {'expires_at': 0}}, 'cves'),
    ('nexus-restart-policy-enum', 'nexus', {'nexus_restart_policy': 'sometimes'}, 'nexus_restart_policy'),
    ('nexus-port-type', 'nexus', {'nexus_published_port': 'x'}, 'nexus_published_port'),
    ('nexus-missing-admin-password', 'nexus', {'nexus_admin_password': ''}, 'nexus_admin_password'),
    ('nexus-eula-not-accepted', 'nexus', {'nexus_accept_eula': False}, 'nexus_accept_eula'),
    ('nexus-repository-without-format', 'nexus', {'nexus_repositories': [{'name': 'r'}]}, 'format'),
    ('nexus-repository-option-typo', 'nexus', {'nexus_repositories': [
        {'name': 'r', 'format': 'huggingface', 'type': 'proxy', 'remote_ur': 'https://huggingface.co/'}]}, 'remote_ur'),
    ('nexus-repository-format-enum', 'nexus', {'nexus_repositories': [
        {'name': 'r', 'format': 'anaconda', 'type': 'proxy', 'remote_url': 'https://conda.anaconda.org/'}]}, 'format'),
    ('nexus-task-schedule-enum', 'nexus', {'nexus_tasks': [{'name': 't', 'schedule': {'type': 'fortnightly'}}]},
     'nexus_tasks'),
    ('nexus-routing-rule-mode-enum', 'nexus', {'nexus_routing_rules': [{'name': 'r', 'mode': 'deny'}]},
     'nexus_routing_rules'),
    ('mlflow-workers-type', 'mlflow', {'mlflow_workers': 'many'}, 'mlflow_workers'),
    # the next three are checked only when the role installs the server (configure-only runs do not need them)
    ('mlflow-missing-db-password', 'mlflow', {'mlflow_install': True, 'mlflow_db_password': ''},
     'mlflow_db_password'),
    ('mlflow-url-scheme', 'mlflow', {'mlflow_url': 'mlflow.example.com'}, 'mlflow_url'),
    ('mlflow-s3-key-without-secret', 'mlflow', {'mlflow_install': True, 'mlflow_s3_access_key_id': 'key'},
     'mlflow_s3_secret_access_key'),
    ('mlflow-user-without-name', 'mlflow', {'mlflow_users': [{'password': 'Valid-Pw-1234'}]}, 'mlflow_users'),
    ('mlflow-permission-enum', 'mlflow', {'mlflow_permissions': [{'user': 'u', 'experiment': 'e', 'permission': 'WRITE'}]},
     'mlflow_permissions'),
    ('minio-short-root-password', 'minio', {'minio_install': True, 'minio_root_password': 'short'},
     'minio_root_password'),
    ('minio-restart-policy-enum', 'minio', {'minio_restart_policy': 'whenever'}, 'minio_restart_policy'),
    ('minio-bucket-without-name', 'minio', {'minio_buckets': [{'versioning': 'enabled'}]}, 'minio_buckets'),
    ('minio-backend-enum', 'minio', {'minio_backend': 'garage'}, 'minio_backend'),
    ('minio-service-user-without-secret', 'minio',
     {'minio_service_users': [{'name': 'maestro-dvc', 'buckets': ['dvc-storage']}]}, 'minio_service_users[0]'),
]


class Sentinel(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.hits = []
        sentinel = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                sentinel.hits.append((self.command, self.path))
                self.send_response(503)
                self.send_header('Content-Length', '0')
                self.end_headers()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

        super().__init__(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


def playbook(sentinel_url, results_path):
    tasks = []
    for case_id, role, variables, _field in CASES:
        # a case the role wrongly accepts must not wait minutes for the sentinel to become healthy
        role_vars = dict(BASE[role], **{'%s_url' % role: sentinel_url, '%s_wait_timeout' % role: 1})
        role_vars.update(variables)
        tasks.append({'name': case_id, 'block': [
            {'name': 'Include %s' % role, 'ansible.builtin.include_role': {'name': 'maestro.platform.%s' % role},
             'vars': role_vars},
            {'name': 'Accepted', 'ansible.builtin.set_fact': {
                'results': "{{ results + [{'case': '%s', 'msg': None}] }}" % case_id}}],
            'rescue': [{'name': 'Rejected', 'ansible.builtin.set_fact': {
                'results': "{{ results + [{'case': '%s', 'msg': (ansible_failed_result.msg | default('')) ~ ' '"
                           " ~ (ansible_failed_result.results | default([]) | map(attribute='msg', default='')"
                           " | join(' '))}] }}"
                           % case_id}}]})
    tasks.append({'name': 'Write the outcomes', 'ansible.builtin.copy': {
        'content': '{{ results | to_json }}', 'dest': str(results_path), 'mode': '0600'}})
    return [{'name': 'Bad role variables', 'hosts': 'localhost', 'gather_facts': False,
             'vars': {'results': []}, 'tasks': tasks}]


def test_bad_role_variables_are_rejected_before_any_request(tmp_path):
    sentinel = Sentinel()
    try:
        path = tmp_path / 'role_bad_input.yml'
        results_path = tmp_path / 'results.json'
        path.write_text(yaml.safe_dump(playbook(sentinel.url, results_path), sort_keys=False))
        result = run_playbook(path, timeout=300)
        assert result.ok, str(result)
        outcomes = dict((r['case'], r['msg']) for r in json.loads(results_path.read_text()))
    finally:
        sentinel.shutdown()
        sentinel.server_close()
    problems = []
    for case_id, role, variables, field in CASES:
        message = outcomes.get(case_id)
        ok = bool(message) and field in message and not sentinel.hits
        summary.record(summary.BAD_INPUTS, case='role %s' % case_id, field=field, rejected=ok,
                       requests=len(sentinel.hits), message=message or 'accepted')
        if not ok:
            problems.append('%s: %r' % (case_id, message))
    assert not sentinel.hits, 'requests reached the server: %s' % sentinel.hits
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('role', sorted(BASE))
def test_each_role_has_cases(role):
    assert sum(1 for c in CASES if c[1] == role) >= 3
