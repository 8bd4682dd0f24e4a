"""The loop read-ahead answers exactly as single reads do.

For every resource that can be read from a listing (MLflow experiments and registered models on the real
MLflow server; Nexus repositories, roles, users, privileges, content selectors, routing rules and cleanup
policies, Harbor projects, project members and robot accounts on the spec-validated emulators), objects of every shape are created through the modules' own logic, then each
one's single read() is compared with its entry in read_batch(). The engine only ever uses a listing to
conclude "nothing to change" (tests/unit/plugins/module_utils/test_read_ahead_engine.py), so an entry that
differs would cost a fresh read, not a wrong result; equality is what makes the read-ahead save requests.
"""

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project, _harbor_project_member
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_account, _mlflow, _mlflow_experiment
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_registered_model, _nexus_repository
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_cleanup_policy, _nexus_content_selector
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_privilege, _nexus_role
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_routing_rule, _nexus_user
from ansible_collections.maestro.platform.plugins.module_utils._http import HttpClient
from tests.helpers import run_playbook


def operation(cls, client, **params):
    validated = ArgumentSpecValidator(cls.argument_spec(), **cls.module_kwargs).validate(params)
    assert not validated.error_messages, validated.error_messages
    return cls(validated.validated_parameters, client)


def assert_listing_matches(cls, client, all_params):
    for params in all_params:
        result = operation(cls, client, **params).execute()
        assert result['changed'] is True, result
    listing = None
    for params in all_params:
        op = operation(cls, client, **params)
        op.validate()
        assert op.batch_scope() is not None
        listing = listing if listing is not None and op.batch_scope() == scope else op.read_batch()
        scope = op.batch_scope()
        single = op.read()
        assert single is not None
        assert listing[op.batch_key()] == single, params


def test_mlflow(mlflow_server, prefix):
    client = HttpClient(mlflow_server.url)
    conn = {'tracking_uri': mlflow_server.url}
    experiments = [
        dict(conn, name='%s-exp-plain' % prefix),
        dict(conn, name='%s-exp-tagged' % prefix, tags={'team': 'ml', 'cost': '3'}),
        dict(conn, name='%s-exp-located' % prefix, artifact_location='s3://mlflow-artifacts/%s/x' % prefix),
    ]
    assert_listing_matches(_mlflow_experiment.Experiment, client, experiments)
    # A soft-deleted experiment is a tombstone in both reads.
    operation(_mlflow_experiment.Experiment, client, state='absent', **experiments[1]).execute()
    op = operation(_mlflow_experiment.Experiment, client, **experiments[1])
    assert op.read()['lifecycle_stage'] == 'deleted'
    assert op.read_batch()[op.batch_key()] == op.read()

    models = [dict(conn, name='%s-model-plain' % prefix),
              dict(conn, name='%s-model-rich' % prefix, description='the champion', tags={'owner': 'ml'})]
    assert_listing_matches(_mlflow_registered_model.RegisteredModel, client, models)
    # With versions and an alias.
    for source in ('s3://mlflow-artifacts/a', 's3://mlflow-artifacts/b'):
        client.post(_mlflow.API + '/model-versions/create', {'name': models[1]['name'], 'source': source})
    operation(_mlflow_registered_model.RegisteredModel, client, aliases={'champion': 1}, **models[1]).execute()
    op = operation(_mlflow_registered_model.RegisteredModel, client, **models[1])
    single = op.read()
    assert single['aliases'] == {'champion': '1'} and single['latest_versions']
    assert op.read_batch()[op.batch_key()] == single


def test_nexus(nexus_emulator, prefix):
    client = operation(_nexus_repository.Repository, None, url=nexus_emulator.base_url, username='admin',
                       password=nexus_emulator.admin_password, name='x', format='raw', type='hosted').make_client(
        {'url': nexus_emulator.base_url, 'username': 'admin', 'password': nexus_emulator.admin_password,
         'validate_certs': True, 'timeout': 30})
    conn = {'url': nexus_emulator.base_url, 'username': 'admin', 'password': nexus_emulator.admin_password}
    repositories = [
        dict(conn, name='%s-pypi-hosted' % prefix, format='pypi', type='hosted', write_policy='allow_once'),
        dict(conn, name='%s-pypi-proxy' % prefix, format='pypi', type='proxy', remote_url='https://pypi.org/'),
        dict(conn, name='%s-pypi-group' % prefix, format='pypi', type='group',
             members=['%s-pypi-hosted' % prefix, '%s-pypi-proxy' % prefix]),
        dict(conn, name='%s-maven' % prefix, format='maven', type='hosted', write_policy='allow_once',
             maven={'version_policy': 'release'}),
        dict(conn, name='%s-docker' % prefix, format='docker', type='hosted', write_policy='allow',
             docker={'http_port': 18082}),
        dict(conn, name='%s-npm-proxy' % prefix, format='npm', type='proxy',
             remote_url='https://registry.npmjs.org/', remote_username='reader', remote_password='S3cret-x'),
        dict(conn, name='%s-raw' % prefix, format='raw', type='hosted', write_policy='deny', online=False),
    ]
    assert_listing_matches(_nexus_repository.Repository, client, repositories)


def test_nexus_security_objects_and_rules(nexus_emulator, prefix):
    conn = {'url': nexus_emulator.base_url, 'username': 'admin', 'password': nexus_emulator.admin_password}
    client = _nexus_role.Role.make_client(dict(conn, validate_certs=True, ca_path=None, timeout=30))
    repository = '%s-pypi' % prefix
    operation(_nexus_repository.Repository, client, name=repository, format='pypi', type='hosted',
              write_policy='allow_once', **conn).execute()
    selectors = [dict(conn, name='%s-sel-all' % prefix, expression='format == "pypi"'),
                 dict(conn, name='%s-sel-team' % prefix, description='Team B',
                      expression='format == "pypi" and path =^ "/packages/b"')]
    assert_listing_matches(_nexus_content_selector.ContentSelector, client, selectors)
    privileges = [
        dict(conn, name='%s-view' % prefix, type='repository-view', format='pypi', repository=repository,
             actions=['read', 'add']),
        dict(conn, name='%s-admin' % prefix, type='repository-admin', format='*', repository='*', actions=['all'],
             description='every repository'),
        dict(conn, name='%s-csel' % prefix, type='repository-content-selector', format='pypi', repository='*',
             content_selector='%s-sel-team' % prefix, actions=['browse', 'read']),
        dict(conn, name='%s-app' % prefix, type='application', domain='users', actions=['read', 'edit']),
        dict(conn, name='%s-wild' % prefix, type='wildcard', pattern='nexus:repository-view:*:*:read'),
    ]
    assert_listing_matches(_nexus_privilege.Privilege, client, privileges)
    roles = [dict(conn, id='%s-readers' % prefix, privileges=['%s-view' % prefix, 'nx-search-read']),
             dict(conn, id='%s-leads' % prefix, name='Leads', description='Team leads',
                  privileges=['%s-admin' % prefix], roles=['%s-readers' % prefix])]
    assert_listing_matches(_nexus_role.Role, client, roles)
    users = [dict(conn, user_id='%s-alice' % prefix, first_name='Alice', last_name='A', email='alice@example.com',
                  user_password='Aa1-unused-password', roles=['%s-readers' % prefix]),
             dict(conn, user_id='%s-alice2' % prefix, first_name='Al', last_name='B', email='al@example.com',
                  user_password='Aa1-unused-password', status='disabled', roles=['%s-leads' % prefix])]
    assert_listing_matches(_nexus_user.User, client, users)
    # Built-in (read-only) objects too: the admin user, the nx-admin role, a static privilege.
    for cls, params in ((_nexus_user.User, dict(conn, user_id='admin')),
                        (_nexus_role.Role, dict(conn, id='nx-admin')),
                        (_nexus_privilege.Privilege, dict(conn, name='nx-all', type='wildcard'))):
        op = operation(cls, client, **params)
        single = op.read()
        assert single['read_only'] or cls is _nexus_user.User
        assert op.read_batch()[op.batch_key()] == single, params
    rules = [dict(conn, name='%s-block' % prefix, mode='block', matchers=['^/com/example/.*', '^/@example/.*']),
             dict(conn, name='%s-allow' % prefix, description='only ours', mode='allow', matchers=['^/org/ours/.*'])]
    assert_listing_matches(_nexus_routing_rule.RoutingRule, client, rules)
    policies = [dict(conn, name='%s-stale' % prefix, format='all', criteria={'last_downloaded': 90}),
                dict(conn, name='%s-wheels' % prefix, format='pypi', notes='old wheels',
                     criteria={'last_blob_updated': 30, 'asset_regex': '.*[.]whl'})]
    assert_listing_matches(_nexus_cleanup_policy.CleanupPolicy, client, policies)
    # A policy in use: the listing counts the repositories using it as the single read does.
    operation(_nexus_repository.Repository, client, name=repository, format='pypi', type='hosted',
              cleanup_policies=['%s-wheels' % prefix], **conn).execute()
    op = operation(_nexus_cleanup_policy.CleanupPolicy, client, **policies[1])
    single = op.read()
    assert single['in_use_count'] == 1 and op.read_batch()[op.batch_key()] == single


NEXUS_PLAYBOOK = """---
- name: Nexus security objects in loops
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/maestro.platform.nexus: {url: "{{ url }}", username: admin, password: "{{ password }}"}
  tasks:
    - name: Content selectors
      maestro.platform.nexus_content_selector: {name: "{{ item }}", expression: 'format == "raw"'}
      loop: "{{ names }}"
    - name: Privileges
      maestro.platform.nexus_privilege: {name: "{{ item }}", type: wildcard, pattern: "nexus:{{ item }}:read"}
      loop: "{{ names }}"
    - name: Roles
      maestro.platform.nexus_role: {id: "{{ item }}", privileges: ["{{ item }}"]}
      loop: "{{ names }}"
    - name: Users
      maestro.platform.nexus_user:
        user_id: "{{ item }}"
        first_name: "{{ item }}"
        last_name: Test
        email: "{{ item }}@example.com"
        user_password: "{{ user_password }}"
        roles: ["{{ item }}"]
      loop: "{{ names }}"
    - name: Routing rules
      maestro.platform.nexus_routing_rule: {name: "{{ item }}", mode: block, matchers: ["^/{{ item }}/.*"]}
      loop: "{{ names }}"
    - name: Cleanup policies
      maestro.platform.nexus_cleanup_policy: {name: "{{ item }}", format: raw, criteria: {last_downloaded: 30}}
      loop: "{{ names }}"
"""


def test_nexus_loop_requests_in_steady_state(nexus_emulator, prefix, tmp_path):
    """A real loop through ansible-playbook: in the steady state each collection is listed once, not read per
    item."""
    names = ['%s-n%d' % (prefix, i) for i in range(5)]
    playbook = tmp_path / 'nexus.yml'
    playbook.write_text(NEXUS_PLAYBOOK)
    extra = {'url': nexus_emulator.base_url, 'password': nexus_emulator.admin_password, 'names': names,
             'user_password': 'Aa1-%s-password' % prefix}
    first = run_playbook(str(playbook), extra_vars=extra)
    assert first.ok and 'changed=6' in first.stdout, str(first)  # six tasks, every item created
    collections = {'/v1/security/content-selectors': '/v1/security/content-selectors/',
                   '/v1/security/privileges': '/v1/security/privileges/', '/v1/security/roles': '/v1/security/roles/',
                   '/v1/routing-rules': '/v1/routing-rules/', '/internal/cleanup-policies': '/internal/cleanup-policies/'}
    del nexus_emulator.log[:]
    again = run_playbook(str(playbook), extra_vars=extra)
    assert again.ok and 'changed=0' in again.stdout, str(again)
    gets = [e.path for e in nexus_emulator.log if e.method == 'GET']
    assert len(gets) == len(nexus_emulator.log)  # reads only
    # each task of 5 items: 2 single reads (GET <collection>/<name>), then one listing answers the other 3
    for listing, item in collections.items():
        assert len([p for p in gets if p.startswith(item)]) == 2, listing
        assert len([p for p in gets if p == listing]) == 1, listing
    # users: the single read is the same endpoint (?userId=<id>&source=default) as the listing (?source=default)
    assert len([p for p in gets if p == '/v1/security/users']) == 2 + 1
    assert len(gets) == 6 * 3  # without the read-ahead: 6 * 5 = 30
    del nexus_emulator.log[:]
    plain = run_playbook(str(playbook), extra_vars=dict(extra, maestro_platform_read_ahead=False))
    assert plain.ok and 'changed=0' in plain.stdout, str(plain)
    assert len(nexus_emulator.log) == 6 * 5


@pytest.fixture()
def harbor(harbor_emulator):
    conn = {'url': harbor_emulator.base_url, 'username': harbor_emulator.admin_username,
            'password': harbor_emulator.admin_password}
    client = _harbor_project.Project.make_client(dict(conn, validate_certs=True, ca_path=None, timeout=30))
    return harbor_emulator, conn, client


def test_harbor_projects(harbor, prefix):
    emulator, conn, client = harbor
    projects = [
        dict(conn, name='%s-plain' % prefix),
        dict(conn, name='%s-scan' % prefix, public=True, auto_scan=True, severity='high', prevent_vulnerable=True),
        dict(conn, name='%s-cves' % prefix, reuse_sys_cve_allowlist=False,
             cve_allowlist=['CVE-2023-12345', 'CVE-2021-44228'], cve_allowlist_expires_at=4102444800),
    ]
    assert_listing_matches(_harbor_project.Project, client, projects)


def test_harbor_members_and_robots(harbor, prefix):
    emulator, conn, client = harbor
    project = '%s-team' % prefix
    operation(_harbor_project.Project, client, name=project, **conn).execute()
    for user in ('alice', 'bob'):
        emulator.add_user('%s-%s' % (prefix, user), 'Aa1-unused-password')
    members = [
        dict(conn, project=project, user='%s-alice' % prefix, role='developer'),
        dict(conn, project=project, user='%s-bob' % prefix, role='maintainer'),
        dict(conn, project=project, group='%s-ops' % prefix, group_type='oidc', role='guest'),
    ]
    assert_listing_matches(_harbor_project_member.ProjectMember, client, members)
    pull = [{'resource': 'repository', 'action': 'pull'}]
    robots = [
        dict(conn, name='ci', project=project, permissions=[{'access': pull}]),
        dict(conn, name='deploy', project=project, description='deployments', duration=30, disabled=True,
             permissions=[{'access': pull + [{'resource': 'repository', 'action': 'push'}]}]),
    ]
    assert_listing_matches(_harbor_robot_account.RobotAccount, client, robots)
    system = [dict(conn, name='%s-sys' % prefix, level='system',
                   permissions=[{'kind': 'project', 'namespace': project, 'access': pull}])]
    assert_listing_matches(_harbor_robot_account.RobotAccount, client, system)


TEAM_PLAYBOOK = """---
- name: Team access across projects
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/maestro.platform.harbor: {url: "{{ url }}", username: "{{ user }}", password: "{{ password }}"}
  tasks:
    - name: Projects
      maestro.platform.harbor_project: {name: "{{ item }}"}
      loop: "{{ projects }}"
    - name: Members
      maestro.platform.harbor_project_member: {project: "{{ item.0 }}", user: "{{ item.1 }}", role: developer}
      loop: "{{ projects | product(users) | list }}"
    - name: Robots
      maestro.platform.harbor_robot_account:
        name: "{{ item.1 }}"
        project: "{{ item.0 }}"
        permissions: [{access: [{resource: repository, action: pull}]}]
      loop: "{{ projects | product(['ci', 'deploy']) | list }}"
"""


def test_harbor_loop_requests_in_steady_state(harbor, prefix, tmp_path):
    """A real loop through ansible-playbook: the steady state reads each collection once, not each item."""
    emulator, conn, client = harbor
    users = ['%s-u%d' % (prefix, i) for i in range(3)]
    for user in users:
        emulator.add_user(user, 'Aa1-unused-password')
    projects = ['%s-p%d' % (prefix, i) for i in range(4)]
    playbook = tmp_path / 'team.yml'
    playbook.write_text(TEAM_PLAYBOOK)
    extra = {'url': conn['url'], 'user': conn['username'], 'password': conn['password'], 'projects': projects,
             'users': users}
    first = run_playbook(str(playbook), extra_vars=extra)
    assert first.ok and 'changed=3' in first.stdout, str(first)  # three tasks, every item created
    del emulator.log[:]
    again = run_playbook(str(playbook), extra_vars=extra)
    assert again.ok and 'changed=0' in again.stdout, str(again)
    gets = [e.path for e in emulator.log if e.method == 'GET']
    assert len(gets) == len(emulator.log)  # reads only
    # projects (4): 2 read by name, then one listing answers the other 2
    # members (12): 2 single reads, then one listing per project when first needed (the first project's
    # third member included): 2 + 4
    assert len([p for p in gets if p.endswith('/members')]) == 2 + 4
    # robots (8): 2 single reads (each: the project by name + the filtered robot list) cover the first
    # project; then one project listing for the ids, and one robot listing for each other project
    assert len([p for p in gets if p == '/robots']) == 2 + 3
    assert len([p for p in gets if p == '/projects']) == 1 + 1
    assert len([p for p in gets if p.startswith('/projects/') and '/members' not in p]) == 2 + 2
    # the robot settings (name prefix, default duration) from /configurations: once for the loop
    assert len([p for p in gets if p == '/configurations']) == 1
    assert len(gets) == 18  # without the read-ahead: 4 + 12 + 8 * (2 + 1) = 40
    # The same steady state with the read-ahead off: one read per item, as an ordinary module does.
    del emulator.log[:]
    plain = run_playbook(str(playbook), extra_vars=dict(extra, maestro_platform_read_ahead=False))
    assert plain.ok and 'changed=0' in plain.stdout, str(plain)
    assert len(emulator.log) == 40
    wrong = run_playbook(str(playbook), extra_vars=dict(extra, maestro_platform_read_ahead='sometimes'))
    assert not wrong.ok and "maestro_platform_read_ahead must be a boolean, got 'sometimes'" in wrong.stdout, str(wrong)
