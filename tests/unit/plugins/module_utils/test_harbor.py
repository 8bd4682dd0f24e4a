"""Unit tests of the Harbor family's input checks and normalisation (no server: a fake client where a
request would be made). The modules themselves are tested against the Harbor emulator in
tests/integration/test_harbor_modules.py."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils import _harbor as H
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_cron as HC
from ansible_collections.maestro.platform.plugins.module_utils._harbor_config import Configuration
from ansible_collections.maestro.platform.plugins.module_utils._harbor_replication_policy import ReplicationPolicy
from ansible_collections.maestro.platform.plugins.module_utils._harbor_retention_policy import RetentionPolicy
from ansible_collections.maestro.platform.plugins.module_utils._harbor_schedule import Schedule
from ansible_collections.maestro.platform.plugins.module_utils._harbor_webhook import Webhook
from ansible_collections.maestro.platform.plugins.module_utils._harbor_replication_policy import normalize_policy
from ansible_collections.maestro.platform.plugins.module_utils._harbor_replication_policy import wire_filters
from ansible_collections.maestro.platform.plugins.module_utils._harbor_retention_policy import normalize_retention
from ansible_collections.maestro.platform.plugins.module_utils._harbor_webhook import normalize_targets
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project as HPR
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_info as HPRI
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_member as HM
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_account as HR
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_account_info as HRI
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_permissions as HRP
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, Response
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure


class FakeClient:
    """Answers GETs from a list of pages; records every request. Fails on anything else."""

    def __init__(self, pages=None, headers=None):
        self.pages = pages or []
        self.headers = headers or []
        self.requests = []

    def request(self, method, path, query=None, headers=None, **kwargs):
        self.requests.append((method, path, dict(query or {})))
        index = len(self.requests) - 1
        data = self.pages[index] if index < len(self.pages) else []
        extra = self.headers[index] if index < len(self.headers) else []
        return Response(200, extra, b'', data)

    def get(self, path, query=None, **kwargs):
        return self.request('GET', path, query=query, **kwargs).json


def params(cls, **values):
    result = dict((k, v.get('default')) for k, v in cls.argument_spec().items())
    result.update(url='https://harbor.example.com', username='admin', password='x')
    result.update(values)
    return result


def validate(cls, **values):
    client = FakeClient()
    op = cls(params(cls, **values), client)
    op.validate()
    assert client.requests == [], 'validate() must not send requests'
    return op


# -- sizes (the parser itself: test_size.py), cron, names ------------------------------
@pytest.mark.parametrize('value,expected', [(-1, -1), ('-1', -1), (1073741824, 1073741824),
                                            ('50G', 50 * 10 ** 9), ('50Gi', 50 * 1024 ** 3)])
def test_storage_quota_uses_the_shared_size_convention(value, expected):
    assert validate(HPR.Project, name='p', storage_quota=value).quota == expected


@pytest.mark.parametrize('value', ['50 gigs', 'G', '', '0', 0, -2, 'ten', True, '1e9'])
def test_storage_quota_rejects(value):
    with pytest.raises(ModuleFailure, match='^storage_quota: '):
        validate(HPR.Project, name='p', storage_quota=value)


@pytest.mark.parametrize('cron', ['0 0 2 * * *', '0 */5 * * * *', '0 0 0 * * 0', '0 0 2 * * MON-FRI',
                                  '0 15 10 1,15 JAN-JUN ?', '0 0 0 L * *'.replace('L', '1'), '0 0 0 * * 6'])
def test_cron_accepts_six_fields(cron):
    assert HC.check_cron(cron) == cron


@pytest.mark.parametrize('cron,fragment', [
    ('0 2 * * *', 'six fields'), ('0 0 2 * * * *', 'six fields'), ('', 'six fields'),
    ('60 0 0 * * *', 'out of range for the second field'), ('0 0 24 * * *', 'hour'),
    ('0 0 0 32 * *', 'day of month'), ('0 0 0 * 13 *', 'month'), ('0 0 0 * * 8', 'day of week'),
    ('0 0 5-2 * * *', 'backwards'), ('0 */0 * * * *', 'bad step'), ('0 0 ? * * *', "'?'"),
    ('0 0 x * * *', 'not a valid hour'), ('@daily', 'six fields'),
])
def test_cron_rejects(cron, fragment):
    with pytest.raises(ModuleFailure) as info:
        HC.check_cron(cron, 'schedule')
    assert info.value.msg.startswith('schedule')
    assert fragment in info.value.msg


@pytest.mark.parametrize('cron,fragment', [
    # Harbor v2.15.2 refuses these with a 400 (src/common/utils/utils.go ValidateCronString: the seconds field
    # must be "0"; robfig/cron v3.0.1, Harbor's parser: day of week 0-6): the module must say so first
    ('30 15 10 1,15 JAN-JUN ?', 'Harbor needs 0 in the seconds field'), ('*/30 * * * * *', 'Harbor needs 0 in the seconds field'),
    ('0 0 0 * * 7', 'out of range for the day of week field (0-6)'),
])
def test_cron_rejects_what_harbor_refuses(cron, fragment):
    with pytest.raises(ModuleFailure) as info:
        HC.check_cron(cron, 'schedule')
    assert info.value.msg.startswith('schedule') and fragment in info.value.msg


def test_replication_cron_refuses_every_minute():
    """controller/replication/model/model.go Validate: "*" is not allowed in the minutes field."""
    with pytest.raises(ModuleFailure) as info:
        validate(ReplicationPolicy, name='n', destination_registry='r', trigger='scheduled', cron='0 * 2 * * *')
    assert info.value.msg.startswith('cron') and 'minutes field' in info.value.msg


@pytest.mark.parametrize('name', ['a', 'team-a', 'ml.models_v2', 'a' * 255, '0day'])
def test_project_names_accepted(name):
    validate(HPR.Project, name=name)


@pytest.mark.parametrize('name', ['Team', 'team_', '-team', 'te--am', 'a' * 256, 'tea m', 'team/a', ''])
def test_project_names_rejected_naming_the_field(name):
    with pytest.raises(ModuleFailure) as info:
        validate(HPR.Project, name=name)
    assert info.value.msg.startswith('name')


def test_project_options():
    op = validate(HPR.Project, name='p', storage_quota='1Gi', cve_allowlist=['cve-2023-1234 ', 'CVE-2023-1234'])
    assert op.quota == 1024 ** 3
    assert op.params['cve_allowlist'] == ['CVE-2023-1234']
    with pytest.raises(ModuleFailure, match='^cve_allowlist'):
        validate(HPR.Project, name='p', cve_allowlist=['log4shell'])
    with pytest.raises(ModuleFailure, match='^proxy_cache.speed_kb'):
        validate(HPR.Project, name='p', proxy_cache={'registry': 'hub', 'speed_kb': 0})


# -- project metadata: strings on the wire, booleans for users ----------------------------------
def test_project_normalisation():
    raw = {'project_id': 3, 'name': 'p', 'repo_count': 2, 'registry_id': 4,
           'metadata': {'public': 'true', 'auto_scan': 'false', 'prevent_vul': 'true', 'severity': 'critical',
                        'proxy_speed_kb': '512'},
           'cve_allowlist': {'items': [{'cve_id': 'CVE-2-2'}, {'cve_id': 'CVE-1-1'}], 'expires_at': None}}
    project = HPRI.normalize_project(raw, {'hard': {'storage': 5}}, 'hub')
    assert project['public'] is True and project['auto_scan'] is False and project['prevent_vulnerable'] is True
    assert project['reuse_sys_cve_allowlist'] is False  # missing metadata is false
    assert project['cve_allowlist'] == ['CVE-1-1', 'CVE-2-2']
    assert project['storage_quota'] == 5
    assert project['proxy_cache'] == {'registry': 'hub', 'registry_id': 4, 'speed_kb': 512}


def test_project_metadata_goes_out_as_strings_and_only_changes():
    op = validate(HPR.Project, name='p', public=True, auto_scan=False)
    op.registry_id = None
    desired = op.desired(None)
    assert op._metadata(desired) == {'public': 'true'}  # false flags keep Harbor's defaults on create
    current = dict(desired, auto_scan=True)
    assert op._metadata(desired, current) == {'auto_scan': 'false'}


# -- members and robots ---------------------------------------------------------------------------
@pytest.mark.parametrize('role,expected', [('projectAdmin', 1), ('project_admin', 1), ('Maintainer', 4),
                                           ('developer', 2), ('guest', 3), ('limited_guest', 5),
                                           ('limitedGuest', 5)])
def test_roles(role, expected):
    assert HM.role_id(role) == expected


def test_unknown_role_rejected():
    with pytest.raises(ModuleFailure, match="^role 'owner' is not a Harbor project role"):
        validate(HM.ProjectMember, project='p', user='alice', role='owner')


PULL = [{'kind': 'project', 'namespace': None, 'access': [{'resource': 'repository', 'action': 'pull',
                                                           'effect': 'allow'}]}]


def test_project_robot_permission_defaults_to_its_project():
    op = validate(HR.RobotAccount, name='ci', project='team-a', permissions=PULL)
    assert op.permissions == [{'kind': 'project', 'namespace': 'team-a', 'access': PULL[0]['access']}]


def test_project_robot_on_another_project_rejected():
    perms = [dict(PULL[0], namespace='team-b')]
    with pytest.raises(ModuleFailure) as info:
        validate(HR.RobotAccount, name='ci', project='team-a', permissions=perms)
    assert info.value.msg.startswith('permissions[0].namespace')
    assert "'team-b'" in info.value.msg


def test_project_robot_has_exactly_one_permission():
    with pytest.raises(ModuleFailure, match='^permissions: a project-level robot account has exactly one'):
        validate(HR.RobotAccount, name='ci', project='team-a', permissions=PULL + PULL)


def test_robot_checks():
    with pytest.raises(ModuleFailure, match='^secret does not meet'):
        validate(HR.RobotAccount, name='ci', project='p', secret='password')
    with pytest.raises(ModuleFailure, match=r'^permissions\[0\].access\[0\].action'):
        validate(HR.RobotAccount, name='ci', project='p',
                 permissions=[dict(PULL[0], access=[{'resource': 'repository', 'action': 'fly', 'effect': 'allow'}])])
    with pytest.raises(ModuleFailure, match='^duration'):
        validate(HR.RobotAccount, name='ci', project='p', duration=0)
    with pytest.raises(ModuleFailure, match=r'^permissions\[0\].namespace is required'):
        validate(HR.RobotAccount, name='ci', level='system', permissions=PULL)
    op = validate(HR.RobotAccount, name='ci', level='system',
                  permissions=[{'kind': 'system', 'namespace': None,
                                'access': [{'resource': 'registry', 'action': 'list', 'effect': 'allow'}]}])
    assert op.permissions[0]['namespace'] == '/'


class WriteClient:
    """Records writes; answers POST /robots as Harbor does (a generated secret) and fails the methods in fail."""

    def __init__(self, fail=(), config=None):
        self.writes = []
        self.fail = fail
        # GET /configurations as Harbor answers a system admin ({key: {value, editable}}); None: 403
        self.config = {'robot_name_prefix': 'robot$', 'robot_token_duration': 30} if config is None else config

    def get(self, path, **kwargs):
        assert path == '/configurations'
        if self.config is False:
            raise ApiError('forbidden', status=403, method='GET', url=path)
        return dict((k, {'value': v, 'editable': True}) for k, v in self.config.items())

    def _write(self, method, path, body=None, **kwargs):
        self.writes.append((method, path, body))
        if method in self.fail:
            raise ApiError('internal server error', status=500, method=method, url=path)
        return {'id': 7, 'name': 'robot$p+ci', 'secret': 'Generated1secret'} if method == 'POST' else {}

    def post(self, path, body=None, **kwargs):
        return self._write('POST', path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._write('PATCH', path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self._write('DELETE', path, **kwargs)


def test_robot_created_with_a_chosen_secret_gets_it_by_the_refresh_call():
    """Harbor ignores a secret sent with POST /robots (controller/robot CreateSec, goharbor/harbor#16884): the
    chosen secret must be set by PATCH /robots/{id} right after the create, and never returned."""
    client = WriteClient()
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL, secret='Chosen1secret'),
                         client)
    op.validate()
    op.create(op.desired(None))
    assert [(m, path) for m, path, body in client.writes] == [('POST', '/robots'), ('PATCH', '/robots/7')]
    assert 'secret' not in client.writes[0][2]
    assert client.writes[1][2] == {'secret': 'Chosen1secret'}
    assert op.new_secret is None  # neither Harbor's throw-away secret nor the chosen one is returned


def test_new_robot_gets_the_system_robot_token_duration_and_the_server_prefix():
    """Harbor's API refuses a robot without a duration (handler/robot.go isValidDuration: -1 or 1..MaxInt32;
    controller/robot Create's system-default branch for 0 is unreachable through it), so a new robot without
    duration gets robot_token_duration from /configurations; the name prefix is the server's
    robot_name_prefix. An existing robot keeps its duration."""
    client = WriteClient(config={'robot_name_prefix': 'bot-', 'robot_token_duration': 45})
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL), client)
    op.validate()
    desired = op.desired(None)
    assert (desired['duration'], desired['full_name']) == (45, 'bot-p+ci')
    op.create(desired)
    assert client.writes[0][2]['duration'] == 45
    assert op.desired(dict(desired, duration=-1))['duration'] == -1
    # an explicit duration and prefix win; nothing is read for them
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL, duration=7,
                                name_prefix='robot$'), WriteClient(config=False))
    op.validate()
    assert (op.desired(None)['duration'], op.full_name()) == (7, 'robot$p+ci')


def test_robot_duration_required_when_the_configuration_cannot_be_read():
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL), WriteClient(config=False))
    op.validate()
    assert op.full_name() == 'robot$p+ci'  # Harbor's default prefix for a caller that cannot read the setting
    with pytest.raises(ModuleFailure) as info:
        op.desired(None)
    assert info.value.msg.startswith('duration: cannot read the robot token expiry')


def test_robot_whose_chosen_secret_cannot_be_set_is_deleted_again():
    client = WriteClient(fail=('PATCH',))
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL, secret='Chosen1secret'),
                         client)
    op.validate()
    with pytest.raises(ModuleFailure) as info:
        op.create(op.desired(None))
    writes = [(m, path) for m, path, body in client.writes]
    assert writes == [('POST', '/robots'), ('PATCH', '/robots/7'), ('DELETE', '/robots/7')]
    assert info.value.msg.startswith("Failed to set the chosen secret of Harbor robot account 'ci' of project 'p'")
    assert 'deleted again' in info.value.msg and 'Chosen1secret' not in info.value.msg


def test_robot_without_a_chosen_secret_returns_the_generated_one():
    client = WriteClient()
    op = HR.RobotAccount(params(HR.RobotAccount, name='ci', project='p', permissions=PULL), client)
    op.validate()
    op.create(op.desired(None))
    assert [m for m, path, body in client.writes] == ['POST'] and op.new_secret == 'Generated1secret'


@pytest.mark.parametrize('kind,resource,action,fragment', [
    ('project', 'helm-chart', 'read', "resource 'helm-chart' is not a resource Harbor grants to robot accounts"),
    ('project', '*', 'pull', "resource '*' is not a resource"),
    ('project', 'repository', '*', "action '*' is not an action Harbor grants on repository"),
    ('project', 'tag-retention', 'operate', "action 'operate' is not an action Harbor grants on tag-retention"),
    ('system', 'configuration', 'read', "resource 'configuration' is not a resource"),
    ('system', 'repository', 'pull', "resource 'repository' is not a resource"),
])
def test_robot_access_outside_harbors_list_is_refused_before_any_request(kind, resource, action, fragment):
    perms = [{'kind': kind, 'namespace': 'team-a' if kind == 'project' else None,
              'access': [{'resource': 'repository' if kind == 'project' else 'registry', 'action': 'list',
                          'effect': 'allow'},
                         {'resource': resource, 'action': action, 'effect': 'allow'}]}]
    with pytest.raises(ModuleFailure) as info:
        validate(HR.RobotAccount, name='ci', level='system', permissions=perms)
    assert info.value.msg.startswith('permissions[0].access[1].')
    assert fragment in info.value.msg
    if 'resource %r' % resource in info.value.msg:  # the allowed resources are named
        assert ('artifact, artifact-addition' if kind == 'project' else 'audit-log, catalog') in info.value.msg


def test_robot_permission_table_is_harbors():
    """Spot checks against Harbor v2.15.2 src/common/rbac/const.go (PoliciesMap + NolimitProvider)."""
    project, system = HRP.ROBOT_PERMISSIONS['project'], HRP.ROBOT_PERMISSIONS['system']
    assert project['repository'] == ('delete', 'list', 'pull', 'push', 'read', 'update')
    assert 'member' in project and 'export-cve' in project and 'update' not in project['robot']
    assert 'read' not in project['immutable-tag'] and 'list' not in system['label']
    assert 'update' in system['quota'] and 'user-group' in system and 'configuration' not in system
    validate(HR.RobotAccount, name='ci', project='p', permissions=[
        {'kind': 'project', 'namespace': None, 'access': [
            {'resource': r, 'action': a, 'effect': 'allow'} for r, actions in project.items() for a in actions]}])


def test_robot_names():
    assert HRI.robot_owner('robot$team-a+ci', 'robot$') == ('team-a', 'ci')
    assert HRI.robot_owner('robot$ci', 'robot$') == (None, 'ci')
    robot = HRI.normalize_robot({'name': 'robot$team-a+ci', 'level': 'project', 'disable': False, 'secret': 'x',
                                 'permissions': [{'kind': 'project', 'namespace': 'team-a',
                                                  'access': [{'resource': 'b', 'action': 'pull'},
                                                             {'resource': 'a', 'action': 'push'}]}]}, 'robot$')
    assert 'secret' not in robot
    assert robot['project'] == 'team-a' and robot['name'] == 'ci'
    assert [a['resource'] for a in robot['permissions'][0]['access']] == ['a', 'b']
    assert robot['permissions'][0]['access'][0]['effect'] == 'allow'


# -- pagination -----------------------------------------------------------------------------------
def test_list_all_follows_link_and_total():
    client = FakeClient(pages=[[{'n': 1}] * 100, [{'n': 2}] * 100, [{'n': 3}] * 5],
                        headers=[[('X-Total-Count', '205'), ('Link', '</p?page=2>; rel="next"')],
                                 [('X-Total-Count', '205')], [('X-Total-Count', '205')]])
    items = H.list_all(client, '/projects', query={'public': 'true'})
    assert len(items) == 205
    queries = [request[2] for request in client.requests]
    assert [q['page'] for q in queries] == [1, 2, 3]
    assert all(q['page_size'] == 100 and q['public'] == 'true' for q in queries)


def test_list_all_without_headers_stops_on_a_short_page():
    client = FakeClient(pages=[[{}] * 100, [{}] * 3])
    assert len(H.list_all(client, '/robots')) == 103
    assert len(client.requests) == 2


# -- client ---------------------------------------------------------------------------------------
@pytest.mark.parametrize('url', ['https://harbor.example.com', 'https://harbor.example.com/',
                                 'https://harbor.example.com/api/v2.0', 'https://harbor.example.com/api/v2.0/'])
def test_client_base_path(url):
    client = HPR.Project.make_client(params(HPR.Project, name='p', url=url))
    assert client.base_path == '/api/v2.0'


def test_client_rejects_bad_url():
    with pytest.raises(ModuleFailure, match='^url must be'):
        HPR.Project.make_client(params(HPR.Project, name='p', url='harbor.example.com'))


# -- policies -------------------------------------------------------------------------------------
def test_replication_filters_and_checks():
    op = validate(ReplicationPolicy, name='n', destination_registry='dr', trigger='scheduled', cron='0 0 2 * * *',
                  filters=[{'type': 'tag', 'value': 'v*', 'decoration': 'matches'},
                           {'type': 'label', 'value': 'b', 'decoration': 'excludes'},
                           {'type': 'name', 'value': 'team/**', 'decoration': 'matches'}])
    assert [f['type'] for f in op.filters] == ['label', 'name', 'tag']
    assert op.filters[0]['value'] == ['b']
    with pytest.raises(ModuleFailure, match=r"^filters\[0\].value must be 'image' or 'artifact'"):
        validate(ReplicationPolicy, name='n', filters=[{'type': 'resource', 'value': 'chart', 'decoration': 'matches'}])
    with pytest.raises(ModuleFailure, match='^speed'):
        validate(ReplicationPolicy, name='n', speed=0)
    # Harbor refuses a decoration on name and resource filters (src/pkg/reg/model/policy.go Filter.Validate,
    # v2.15.2): excludes there is refused before any request, and the body carries none for them.
    with pytest.raises(ModuleFailure, match=r'^filters\[0\].decoration: excludes is only for tag and label filters'):
        validate(ReplicationPolicy, name='n', filters=[{'type': 'name', 'value': 'a/**', 'decoration': 'excludes'}])
    assert wire_filters(op.filters) == [{'type': 'label', 'value': ['b'], 'decoration': 'excludes'},
                                        {'type': 'name', 'value': 'team/**'},
                                        {'type': 'tag', 'value': 'v*', 'decoration': 'matches'}]


def test_replication_local_registry_is_none():
    policy = normalize_policy({'name': 'n', 'src_registry': {'id': 0, 'name': 'Local'},
                               'dest_registry': {'id': 3, 'name': 'dr'}, 'deletion': True, 'speed': 0})
    assert policy['source_registry'] is None and policy['destination_registry'] == 'dr'
    assert policy['replicate_deletion'] is True and policy['speed'] == -1


def test_webhook_events_and_targets():
    op = validate(Webhook, project='p', name='h', event_types=['push_artifact', 'PUSH_ARTIFACT', 'Replication'],
                  targets=[{'address': 'https://x', 'type': 'http', 'auth_header': None, 'skip_cert_verify': False,
                            'payload_format': 'Default'}])
    assert op.params['event_types'] == ['PUSH_ARTIFACT', 'REPLICATION']
    with pytest.raises(ModuleFailure, match=r'^targets\[0\].payload_format: Harbor takes no payload format'):
        validate(Webhook, project='p', name='h', targets=[{'address': 'https://x', 'type': 'slack', 'auth_header': None,
                                                          'skip_cert_verify': False, 'payload_format': 'CloudEvents'}])


def target(**values):
    result = dict((k, v.get('default')) for k, v in Webhook.module_options['targets']['options'].items())
    result.update(values)
    return result


def test_webhook_slack_target_is_sent_without_payload_format():
    """Harbor refuses any payload format on a slack target, Default included (handler/webhook.go validateTargets:
    "set payload format is not allowed for slack"): refused before any request when given, never sent."""
    with pytest.raises(ModuleFailure) as info:
        validate(Webhook, project='p', name='h',
                 targets=[target(address='https://x', type='slack', payload_format='Default')])
    assert info.value.msg.startswith('targets[0].payload_format') and 'use type http' in info.value.msg
    op = validate(Webhook, project='p', name='h', event_types=['push_artifact'],
                  targets=[target(address='https://hooks.slack.com/x', type='slack'), target(address='https://y')])
    body = op.body(op.desired(None))
    assert 'payload_format' not in body['targets'][0] and body['targets'][1]['payload_format'] == 'Default'
    # as Harbor stores them: the slack target without a format, the http one with Default
    stored = normalize_targets([{'type': 'slack', 'address': 'https://hooks.slack.com/x'},
                                {'type': 'http', 'address': 'https://y', 'payload_format': 'Default'}])
    assert stored == op.desired(None)['targets']


def test_webhook_target_types_are_harbors():
    """pkg/notification/notification.go: http and slack only (there is no teams type)."""
    assert Webhook.module_options['targets']['options']['type']['choices'] == ['http', 'slack']


def test_webhook_auth_header_never_shown():
    op = validate(Webhook, project='p', name='h')
    shown = op.public({'targets': [{'address': 'https://x', 'auth_header': 'Bearer abc'}]})
    assert 'Bearer abc' not in repr(shown)


def test_retention_rules_round_trip():
    rule = {'retain': 'latest_pushed', 'count': 5, 'disabled': False, 'repositories': 'team/**',
            'repositories_decoration': 'excludes', 'tags': 'v*', 'tags_decoration': 'matches', 'untagged': False}
    op = validate(RetentionPolicy, project='p', schedule='0 0 0 * * *', rules=[rule])
    op.project_id = 7
    body = op.body(op.desired(None))
    assert body['rules'][0]['params'] == {'latestPushedK': 5}
    assert body['rules'][0]['scope_selectors']['repository'][0]['decoration'] == 'repoExcludes'
    assert body['scope'] == {'level': 'project', 'ref': 7}
    back = normalize_retention(dict(body, id=1), 'p')
    assert back['rules'] == [rule] and back['schedule'] == '0 0 0 * * *'
    with pytest.raises(ModuleFailure, match=r'^rules\[0\].count must be'):
        validate(RetentionPolicy, project='p', rules=[dict(rule, count=None)])
    with pytest.raises(ModuleFailure, match=r'^rules\[0\].count is not used'):
        validate(RetentionPolicy, project='p', rules=[dict(rule, retain='always')])


def test_config_values_checked_and_secrets_separate():
    op = validate(Configuration, config={'self_registration': 'no', 'robot_token_duration': '30',
                                         'auth_mode': 'oidc_auth'}, secrets={'oidc_client_secret': 's'})
    assert op.wanted == {'self_registration': False, 'robot_token_duration': 30, 'auth_mode': 'oidc_auth'}
    with pytest.raises(ModuleFailure, match="^config: 'selfregistration' is not a Harbor configuration key"):
        validate(Configuration, config={'selfregistration': True})
    with pytest.raises(ModuleFailure, match='^config.oidc_client_secret is a secret'):
        validate(Configuration, config={'oidc_client_secret': 's'})
    with pytest.raises(ModuleFailure, match='^config.robot_token_duration must be a whole number'):
        validate(Configuration, config={'robot_token_duration': 'a month'})
    with pytest.raises(ModuleFailure, match='^config.auth_mode must be one of'):
        validate(Configuration, config={'auth_mode': 'kerberos'})
    assert 'oidc_client_secret' not in op.public({'oidc_client_secret': 'x', 'a': 1})


def test_schedule_presets_and_job_options():
    assert validate(Schedule, job='gc', cron='@daily').params['cron'] == '0 0 0 * * *'
    with pytest.raises(ModuleFailure, match='^retention_hours only applies to job=purge_audit'):
        validate(Schedule, job='gc', cron='daily', retention_hours=5)
    assert validate(Schedule, job='gc', cron='daily', workers=10).params['workers'] == 10  # gc.go: 1-10 (2.13+)
    with pytest.raises(ModuleFailure, match='^workers must be between 1 and 10'):
        validate(Schedule, job='gc', cron='daily', workers=11)
