# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Tests of the Harbor API emulator (tests/emulators/harbor.py) through plain http.client.

Harbor cannot run on our machines: these tests pin the emulator to the behaviour listed in
../shared/specs/README.md while the framework checks every request and response against Harbor's
OpenAPI description (the harbor_emulator fixture fails a test that produced a spec violation).
"""

from __future__ import annotations

import base64
import http.client
import json
import re

import pytest


class Harbor:
    """A tiny Harbor client over one keep-alive connection; ``as_user`` switches credentials."""

    def __init__(self, emulator):
        self.emulator = emulator
        host, port = emulator.base_url.rsplit('/', 1)[1].split(':')
        self.conn = http.client.HTTPConnection(host, int(port), timeout=10)
        self.credentials = (emulator.admin_username, emulator.admin_password)

    def call(self, method, path, body=None, headers=None, credentials=True):
        all_headers = {}
        creds = self.credentials if credentials is True else credentials
        if creds:
            all_headers['Authorization'] = 'Basic ' + base64.b64encode(('%s:%s' % creds).encode()).decode()
        if body is not None:
            all_headers['Content-Type'] = 'application/json'
            body = json.dumps(body)
        all_headers.update(headers or {})
        self.conn.request(method, '/api/v2.0' + path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        raw = response.read()
        data = json.loads(raw) if raw and (response.getheader('Content-Type') or '').startswith('application/json') \
            else raw
        return response.status, data, response

    def ok(self, method, path, body=None, expect=(200, 201), **kwargs):
        status, data, response = self.call(method, path, body, **kwargs)
        assert status in ((expect,) if isinstance(expect, int) else expect), (status, data)
        return data, response

    def create_project(self, name, **body):
        body['project_name'] = name
        data, response = self.ok('POST', '/projects', body, expect=201)
        return int(response.getheader('Location').rsplit('/', 1)[1])


@pytest.fixture
def harbor(harbor_emulator):
    client = Harbor(harbor_emulator)
    yield client
    client.conn.close()


def error_of(data):
    assert set(data) == {'errors'} and len(data['errors']) == 1
    return data['errors'][0]['code'], data['errors'][0]['message']


def test_harbor_spec_is_a_valid_openapi_document():
    """The emulator loads the spec without checking it (speed); the check happens here, once."""
    from openapi_spec_validator import validate
    from tests.emulators.framework import load_spec
    from tests.emulators.harbor import HARBOR_SPEC, HarborEmulator

    validate(load_spec(HARBOR_SPEC, '/api/v2.0', False, HarborEmulator.prepare_spec).data)


# --- authentication and authorisation -------------------------------------------------------------------

def test_basic_auth_401_and_anonymous_fallback(harbor):
    harbor.create_project('private-one')
    # no or wrong credentials: Harbor falls back to an anonymous context
    for credentials in (None, ('admin', 'wrong-password')):
        status, data, response = harbor.call('GET', '/projects', credentials=credentials)
        assert status == 200 and [p['name'] for p in data] == ['library'] and response.getheader('X-Request-Id')
        assert harbor.call('GET', '/projects/library', credentials=credentials)[0] == 200
        for method, path, body in (('GET', '/projects/private-one', None), ('GET', '/projects/absent', None),
                                   ('POST', '/projects', {'project_name': 'x'}), ('GET', '/configurations', None),
                                   ('GET', '/users/current', None)):
            status, data, response = harbor.call(method, path, body, credentials=credentials)
            assert status == 401 and error_of(data) == ('UNAUTHORIZED', 'unauthorized'), (method, path)
    assert harbor.ok('GET', '/ping', credentials=None)[0] == b'Pong'
    assert harbor.ok('GET', '/health', credentials=None)[0]['status'] == 'healthy'
    assert harbor.ok('GET', '/systeminfo', credentials=None)[0]['harbor_version'].startswith('v2.15.2')


@pytest.mark.parametrize('method,path,body', [
    ('GET', '/configurations', None), ('PUT', '/configurations', {'self_registration': True}),
    ('GET', '/users', None), ('GET', '/registries', None), ('GET', '/quotas', None),
    ('GET', '/replication/policies', None), ('GET', '/system/gc/schedule', None),
    ('GET', '/system/scanAll/schedule', None), ('GET', '/system/purgeaudit/schedule', None),
    ('GET', '/usergroups', None),
    ('POST', '/robots', {'name': 'sys', 'level': 'system', 'duration': -1,
                         'permissions': [{'kind': 'system', 'namespace': '/',
                                          'access': [{'resource': 'project', 'action': 'create'}]}]}),
])
def test_non_admin_gets_403_on_admin_endpoints(harbor, method, path, body):
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    status, data, response = harbor.call(method, path, body, credentials=user)
    assert status == 403 and error_of(data)[0] == 'FORBIDDEN'
    assert harbor.emulator.writes == []


def test_non_admin_sees_public_and_member_projects_only(harbor):
    harbor.create_project('private-one')
    harbor.create_project('public-one', metadata={'public': 'true'})
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    names = [p['name'] for p in harbor.ok('GET', '/projects', credentials=user)[0]]
    assert names == ['library', 'public-one']
    status, data, response = harbor.call('GET', '/projects/private-one', headers={'X-Is-Resource-Name': 'true'},
                                         credentials=user)
    assert status == 403
    # a user may create projects (project_creation_restriction: everyone) and administers them
    harbor.ok('POST', '/projects', {'project_name': 'mine'}, credentials=user, expect=201)
    project = harbor.ok('GET', '/projects/mine', credentials=user)[0]
    assert project['owner_name'] == 'developer' and project['current_user_role_id'] == 1


# --- request and response validation ----------------------------------------------------------------------

def test_request_the_spec_rejects_gets_harbors_422(harbor):
    # go-swagger wraps binding/validation failures in a CompositeValidationError (422); Harbor answers
    # {"code": "UNPROCESSABLE_ENTITY", "message": "validation failure list:\n..."}
    status, data, response = harbor.call('POST', '/projects', {'project_name': 'p', 'storage_limit': 'lots'})
    code, message = error_of(data)
    assert status == 422 and code == 'UNPROCESSABLE_ENTITY'
    assert message.startswith('validation failure list:\n') and 'storage_limit' in message
    status, data, response = harbor.call('GET', '/projects?page_size=500')  # the spec caps page_size at 100
    assert status == 422 and 'page_size' in error_of(data)[1]
    assert harbor.emulator.writes == []


def test_every_response_carries_a_request_id(harbor):
    seen = set()
    for path in ('/projects', '/projects/nope', '/nothing-here'):
        seen.add(harbor.call('GET', path)[2].getheader('X-Request-Id'))
    assert len(seen) == 3 and None not in seen


# --- projects ---------------------------------------------------------------------------------------------

def test_fresh_server_has_the_library_project(harbor):
    projects = harbor.ok('GET', '/projects')[0]
    assert [(p['project_id'], p['name'], p['metadata']) for p in projects] == [(1, 'library', {'public': 'true'})]


def test_project_create_read_with_string_metadata(harbor):
    project_id = harbor.create_project('team', metadata={'auto_scan': 'true', 'severity': 'high'}, storage_limit=1024)
    by_name = harbor.ok('GET', '/projects/team', headers={'X-Is-Resource-Name': 'true'})[0]
    by_id = harbor.ok('GET', '/projects/%d' % project_id)[0]
    assert by_name == by_id
    assert by_name['metadata'] == {'auto_scan': 'true', 'severity': 'high', 'public': 'false'}
    assert by_name['owner_name'] == 'admin' and by_name['repo_count'] == 0
    assert 'registry_id' not in by_name  # not a proxy cache project


def test_project_public_flag_and_location_by_name(harbor):
    data, response = harbor.ok('POST', '/projects', {'project_name': 'pub', 'public': True},
                               headers={'X-Resource-Name-In-Location': 'true'}, expect=201)
    assert response.getheader('Location') == '/api/v2.0/projects/pub'
    assert harbor.ok('GET', '/projects/pub')[0]['metadata']['public'] == 'true'


@pytest.mark.parametrize('body,message', [
    # pkg/project/manager.go Create (v2.15.2): BadRequestError(nil).WithMessage, no "!"
    ({'project_name': 'Upper'}, 'project name is not in lower case or contains illegal characters'),
    ({'project_name': 'bad name'}, 'project name is not in lower case or contains illegal characters'),
    ({'project_name': '-dash'}, 'project name is not in lower case or contains illegal characters'),
    ({'project_name': 'p', 'metadata': {'public': 'yes'}}, "metadata.public should only be 'true' or 'false', but got: 'yes'"),
    # handler/project.go validateProjectReq: BadRequestError(cause), marshalled as "bad request: <cause>"
    ({'project_name': 'p', 'storage_limit': -5}, 'bad request: invalid non-positive value for quota limit, value=-5'),
    ({'project_name': 'p', 'metadata': {'retention_id': '3'}},
     "bad request: the retention_id in the request's payload when creating a project should be omitted, "
     "alternatively passing an empty string"),
    ({'project_name': 'p', 'registry_id': 0}, 'bad request: 0 is invalid value of registry_id, it should be geater than 0'),
    # the request is checked before the name (manager.Create runs last)
    ({'project_name': 'Upper', 'storage_limit': -5}, 'bad request: invalid non-positive value for quota limit, value=-5'),
])
def test_project_invalid_input_is_400(harbor, body, message):
    status, data, response = harbor.call('POST', '/projects', body)
    assert status == 400 and error_of(data) == ('BAD_REQUEST', message)


def test_project_create_is_lenient_where_harbor_is(harbor):
    # only metadata.public is checked; storage_limit 0 means "the default"; proxy metadata is dropped
    harbor.create_project('lax', metadata={'auto_scan': 'True', 'proxy_speed_kb': '100'}, storage_limit=0)
    project = harbor.ok('GET', '/projects/lax')[0]
    assert project['metadata'] == {'auto_scan': 'True', 'public': 'false'}
    quota = harbor.ok('GET', '/quotas?reference=project&reference_id=%d' % project['project_id'])[0][0]
    assert quota['hard'] == {'storage': -1}
    harbor.ok('PUT', '/projects/lax', {'public': True})  # top-level public is ignored on update
    assert harbor.ok('GET', '/projects/lax')[0]['metadata']['public'] == 'false'
    status, data, response = harbor.call('PUT', '/projects/lax', {'metadata': {'retention_id': '9'}})
    assert status == 400 and 'retention_id' in error_of(data)[1]


def test_project_duplicate_is_409(harbor):
    harbor.create_project('dup')
    status, data, response = harbor.call('POST', '/projects', {'project_name': 'dup'})
    assert status == 409 and error_of(data) == ('CONFLICT', 'The project named dup already exists')


def test_absent_project_is_404_for_admins_only(harbor):
    # RequireProjectAccess runs before the lookup (goharbor/harbor#19342, #21800)
    assert harbor.call('GET', '/projects/absent')[0] == 404
    assert harbor.call('HEAD', '/projects?project_name=absent')[0] == 404
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    assert harbor.call('GET', '/projects/absent', credentials=user)[0] == 403
    assert harbor.call('HEAD', '/projects?project_name=absent', credentials=user)[0] == 403
    assert harbor.call('GET', '/projects/absent', credentials=None)[0] == 401


def test_numeric_project_name_needs_x_is_resource_name(harbor):
    harbor.create_project('2024')
    status, data, response = harbor.call('GET', '/projects/2024')  # read as the id 2024
    assert status == 404
    assert harbor.ok('GET', '/projects/2024', headers={'X-Is-Resource-Name': 'true'})[0]['name'] == '2024'


def test_project_update_merges_metadata_and_ignores_storage_limit(harbor):
    project_id = harbor.create_project('upd', metadata={'auto_scan': 'true'}, storage_limit=100)
    harbor.ok('PUT', '/projects/upd', {'metadata': {'severity': 'low'}, 'storage_limit': 999,
                                       'cve_allowlist': {'items': [{'cve_id': 'CVE-2024-1'}]}})
    project = harbor.ok('GET', '/projects/upd')[0]
    assert project['metadata'] == {'auto_scan': 'true', 'severity': 'low', 'public': 'false'}
    assert project['cve_allowlist']['items'] == [{'cve_id': 'CVE-2024-1'}]
    quota = harbor.ok('GET', '/quotas?reference=project&reference_id=%d' % project_id)[0]
    assert quota[0]['hard'] == {'storage': 100}


def test_project_metadata_sub_resource(harbor):
    harbor.create_project('meta')
    harbor.ok('POST', '/projects/meta/metadatas/', {'auto_scan': 'T'})
    harbor.ok('PUT', '/projects/meta/metadatas/severity', {'severity': 'HIGH'})
    assert harbor.ok('GET', '/projects/meta/metadatas/')[0] == {'public': 'false', 'auto_scan': 'true',
                                                                'severity': 'high'}
    assert harbor.ok('GET', '/projects/meta/metadatas/severity')[0] == {'severity': 'high'}
    assert harbor.ok('GET', '/projects/meta/metadatas/prevent_vul')[0] == {}
    for body, message in (({'auto_scan': 'maybe'}, 'invalid value: maybe'),
                          ({'retention_id': '3'}, 'invalid key: retention_id'),
                          ({'public': 'true', 'auto_scan': 'true'}, 'only allow one key/value pair')):
        status, data, response = harbor.call('POST', '/projects/meta/metadatas/', body)
        assert status == 400 and error_of(data)[1] == message
    harbor.ok('DELETE', '/projects/meta/metadatas/auto_scan')
    assert 'auto_scan' not in harbor.ok('GET', '/projects/meta')[0]['metadata']


def test_head_project(harbor):
    harbor.create_project('here')
    assert harbor.call('HEAD', '/projects?project_name=here')[0] == 200
    assert harbor.call('HEAD', '/projects?project_name=gone')[0] == 404


def test_delete_non_empty_project_is_412_until_repositories_are_purged(harbor):
    harbor.create_project('full')
    harbor.emulator.seed_repository('full', 'app/web')
    harbor.emulator.seed_repository('full', 'db')
    assert harbor.ok('GET', '/projects/full/_deletable')[0] == {
        'deletable': False, 'message': 'the project contains repositories, can not be deleted'}
    status, data, response = harbor.call('DELETE', '/projects/full')
    # handler/project.go DeleteProject: PreconditionFailedError(errors.New(result.Message)), cause included
    assert status == 412 and error_of(data) == (
        'PRECONDITION', 'precondition failed: the project contains repositories, can not be deleted')
    repos, response = harbor.ok('GET', '/projects/full/repositories')
    assert sorted(r['name'] for r in repos) == ['full/app/web', 'full/db']
    assert response.getheader('X-Total-Count') == '2'
    harbor.ok('DELETE', '/projects/full/repositories/app%252Fweb')  # a/b is encoded twice
    harbor.ok('DELETE', '/projects/full/repositories/db')
    harbor.ok('DELETE', '/projects/full')
    assert harbor.call('GET', '/projects/full')[0] == 404


def test_project_list_pagination_headers(harbor):
    for index in range(25):
        harbor.create_project('page-%02d' % index)
    page1, response = harbor.ok('GET', '/projects?page=1&page_size=10')
    assert len(page1) == 10 and response.getheader('X-Total-Count') == '26'
    assert response.getheader('Link') == '</api/v2.0/projects?page=2&page_size=10>; rel="next"'
    page2, response = harbor.ok('GET', '/projects?page=2&page_size=10')
    assert response.getheader('Link') == ('</api/v2.0/projects?page=1&page_size=10>; rel="prev" , '
                                          '</api/v2.0/projects?page=3&page_size=10>; rel="next"')
    page3, response = harbor.ok('GET', '/projects?page=3&page_size=10')
    assert len(page3) == 6 and response.getheader('Link') == '</api/v2.0/projects?page=2&page_size=10>; rel="prev"'
    names = [p['name'] for p in page1 + page2 + page3]
    assert len(set(names)) == 26
    data, response = harbor.ok('GET', '/projects')  # page_size defaults to 10
    assert response.getheader('X-Total-Count') == '26' and 'page_size=10' in response.getheader('Link')
    filtered, response = harbor.ok('GET', '/projects?name=page-1&page_size=5')
    assert response.getheader('X-Total-Count') == '10' and len(filtered) == 5
    assert response.getheader('Link') == '</api/v2.0/projects?name=page-1&page=2&page_size=5>; rel="next"'
    exact, response = harbor.ok('GET', '/projects?q=name%3Dpage-07')
    assert [p['name'] for p in exact] == ['page-07']
    fuzzy, response = harbor.ok('GET', '/projects?q=name%3D~page-2&page_size=100')
    assert sorted(p['name'] for p in fuzzy) == ['page-%02d' % i for i in range(20, 25)]
    assert response.getheader('Link') is None
    # Harbor unescapes the query of its links (url.QueryUnescape)
    data, response = harbor.ok('GET', '/projects?q=name%3D~page&page_size=20')
    assert response.getheader('Link') == '</api/v2.0/projects?page=2&page_size=20&q=name=~page>; rel="next"'


# --- quotas -----------------------------------------------------------------------------------------------

def test_quota_read_and_update(harbor):
    project_id = harbor.create_project('q', storage_limit=1073741824)
    quotas, response = harbor.ok('GET', '/quotas?reference=project&reference_id=%d' % project_id)
    assert response.getheader('X-Total-Count') == '1'
    quota = quotas[0]
    assert quota['ref']['name'] == 'q' and quota['hard'] == {'storage': 1073741824} and quota['used'] == {'storage': 0}
    harbor.ok('PUT', '/quotas/%d' % quota['id'], {'hard': {'storage': -1}})
    assert harbor.ok('GET', '/quotas/%d' % quota['id'])[0]['hard'] == {'storage': -1}
    status, data, response = harbor.call('PUT', '/quotas/%d' % quota['id'], {'hard': {'storage': 0}})
    # handler/quota.go UpdateQuota: BadRequestError(nil).WithMessage(err.Error()) of lib.ValidateQuotaLimit
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', 'invalid non-positive value for quota limit, value=0'))
    assert harbor.call('PUT', '/quotas/999', {'hard': {'storage': 5}})[0] == 404
    # a project created without storage_limit takes storage_per_project (-1 by default)
    other = harbor.create_project('q2')
    assert harbor.ok('GET', '/quotas?reference=project&reference_id=%d' % other)[0][0]['hard'] == {'storage': -1}


# --- members ----------------------------------------------------------------------------------------------

def test_project_members_users_and_groups(harbor):
    project_id = harbor.create_project('crew')
    members = harbor.ok('GET', '/projects/crew/members')[0]
    assert [(m['entity_name'], m['role_name'], m['entity_type']) for m in members] == [('admin', 'projectAdmin', 'u')]
    data, response = harbor.ok('POST', '/projects/crew/members',
                               {'role_id': 2, 'member_user': {'username': 'developer'}}, expect=201)
    # Harbor's Location names the project the way the request did
    assert re.match(r'^/api/v2\.0/projects/crew/members/\d+$', response.getheader('Location'))
    status, data, response = harbor.call('POST', '/projects/crew/members', {'role_id': 3, 'member_user': {'username': 'developer'}})
    assert status == 409 and error_of(data) == ('CONFLICT', 'The project member specified already exist')
    harbor.emulator.add_user('eve', 'Eve123456')
    data, response = harbor.ok('POST', '/projects/%d/members' % project_id, {'role_id': 3, 'member_user': {'username': 'eve'}},
                               expect=201)
    assert re.match(r'^/api/v2\.0/projects/%d/members/\d+$' % project_id, response.getheader('Location'))
    harbor.ok('DELETE', response.getheader('Location')[len('/api/v2.0'):])
    harbor.ok('POST', '/projects/crew/members',
              {'role_id': 5, 'member_group': {'group_name': 'oidc-devs', 'group_type': 3}}, expect=201)
    group = harbor.emulator.add_group('ldap-ops', group_type=1, ldap_group_dn='cn=ops,dc=example,dc=com')
    harbor.ok('POST', '/projects/crew/members', {'role_id': 4, 'member_group': {'id': group['id']}}, expect=201)
    members = {m['entity_name']: m for m in harbor.ok('GET', '/projects/crew/members')[0]}
    assert {n: (m['role_id'], m['role_name'], m['entity_type']) for n, m in members.items()} == {
        'admin': (1, 'projectAdmin', 'u'), 'developer': (2, 'developer', 'u'),
        'oidc-devs': (5, 'limitedGuest', 'g'), 'ldap-ops': (4, 'maintainer', 'g')}
    mid = members['developer']['id']
    harbor.ok('PUT', '/projects/crew/members/%d' % mid, {'role_id': 3})
    assert harbor.ok('GET', '/projects/crew/members/%d' % mid)[0]['role_name'] == 'guest'
    found, response = harbor.ok('GET', '/projects/crew/members?entityname=dev')
    assert [m['entity_name'] for m in found] == ['developer', 'oidc-devs']  # fuzzy match
    assert response.getheader('X-Total-Count') == '4'  # Harbor counts without the entityname filter
    harbor.ok('DELETE', '/projects/crew/members/%d' % mid)
    status, data, response = harbor.call('GET', '/projects/crew/members/%d' % mid)
    assert (status, error_of(data)) == (404, (
        'NOT_FOUND', 'the project member is not found, project id %d, member id %d' % (project_id, mid)))
    # PUT and DELETE of a member that is not there touch no row and succeed (pkg/member/dao/dao.go)
    harbor.ok('PUT', '/projects/crew/members/%d' % mid, {'role_id': 2})
    harbor.ok('DELETE', '/projects/crew/members/%d' % mid)
    assert mid not in harbor.emulator.members


@pytest.mark.parametrize('body,status,message', [
    # controller/member/controller.go Create (v2.15.2)
    ({'role_id': 9, 'member_user': {'username': 'developer'}}, 400, 'Failed to update project member, role is not in 1,2,3'),
    ({'role_id': 1}, 500, 'internal server error'),  # fmt.Errorf("can not get valid member entity ..."): no code
    ({'role_id': 1, 'member_user': {'user_id': 999}}, 400, 'Failed to get user 999: user 999 not found'),
    ({'role_id': 1, 'member_group': {'id': 999}}, 400, 'Group 999 not found'),
    ({'role_id': 1, 'member_group': {'group_name': 'x', 'group_type': 1}}, 404, None),  # LDAP needs a DN
])
def test_member_invalid_input(harbor, body, status, message):
    harbor.create_project('crew')
    got, data, response = harbor.call('POST', '/projects/crew/members', body)
    assert got == status and (message is None or error_of(data)[1] == message)


def test_member_unknown_user_is_404_and_guest_cannot_manage(harbor):
    harbor.create_project('crew')
    assert harbor.call('POST', '/projects/crew/members', {'role_id': 2, 'member_user': {'username': 'nobody'}})[0] == 404
    harbor.ok('POST', '/projects/crew/members', {'role_id': 2, 'member_user': {'username': 'developer'}}, expect=201)
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    status, data, response = harbor.call('POST', '/projects/crew/members',
                                         {'role_id': 2, 'member_group': {'group_name': 'g', 'group_type': 3}}, credentials=user)
    assert status == 403


# --- users and groups -------------------------------------------------------------------------------------

def test_users_and_groups(harbor):
    harbor.emulator.add_user('alice', 'Alice1234')
    found = harbor.ok('GET', '/users/search?username=ali')[0]
    assert [u['username'] for u in found] == ['alice']
    assert harbor.ok('GET', '/users/current')[0]['username'] == 'admin'
    assert [u['username'] for u in harbor.ok('GET', '/users?username=ali')[0]] == ['alice']
    users = harbor.ok('GET', '/users')[0]
    assert {u['username'] for u in users} == {'developer', 'alice'}  # Harbor never lists admin
    assert all('password' not in u for u in users)
    data, response = harbor.ok('POST', '/users', {'username': 'bob', 'email': 'bob@example.com', 'realname': 'Bob',
                                                  'password': 'Bobby1234'}, expect=201)
    assert harbor.call('POST', '/users', {'username': 'bob', 'email': 'b2@example.com', 'realname': 'B',
                                          'password': 'Bobby1234'})[0] == 409
    assert harbor.call('POST', '/users', {'username': 'carl', 'password': 'weak'})[0] == 400
    assert harbor.call('GET', '/users/current', credentials=('bob', 'Bobby1234'))[0] == 200
    data, response = harbor.ok('POST', '/usergroups', {'group_name': 'ops', 'group_type': 2}, expect=201)
    group_id = int(response.getheader('Location').rsplit('/', 1)[1])
    assert harbor.call('POST', '/usergroups', {'group_name': 'ops', 'group_type': 2})[0] == 409
    assert harbor.call('POST', '/usergroups', {'group_name': 'l', 'group_type': 1})[0] == 400  # LDAP needs a DN
    assert harbor.ok('GET', '/usergroups/%d' % group_id)[0]['group_name'] == 'ops'
    assert harbor.ok('GET', '/usergroups/search?groupname=op')[0][0]['id'] == group_id
    harbor.ok('DELETE', '/usergroups/%d' % group_id)
    assert harbor.call('GET', '/usergroups/%d' % group_id)[0] == 404


def test_user_create_checks_password_then_profile_then_uniqueness(harbor):
    # handler/user.go CreateUser: requireValidSecret, then validateUserProfile, then pkg/user/dao Create
    # (unique username and email: 409 "user X or email Y already exists").
    good = {'username': 'carol', 'email': 'carol@example.com', 'realname': 'Carol', 'password': 'Carol1234'}
    cases = [
        (dict(good, password='carol1234', email=''), 400, 'the password or secret must be 8-128'),
        (dict(good, password='Ca1' + 'x' * 126), 400, 'the password or secret must be 8-128'),
        (dict(good, email=''), 400, "email can't be empty"),
        (dict(good, email='carol@localhost'), 400, 'email with illegal format'),
        (dict(good, realname=''), 400, 'realname with illegal length'),
        (dict(good, realname='Carol #1'), 400, 'realname contains illegal characters'),
        (dict(good, comment='x' * 31), 400, 'comment with illegal length'),
        (dict(good, username='developer'), 409, 'user developer or email carol@example.com already exists'),
        (dict(good, email='developer@example.com'), 409, 'already exists'),
    ]
    for body, status, message in cases:
        got, data, dummy = harbor.call('POST', '/users', body)
        assert (got, message in error_of(data)[1]) == (status, True), (body, data)
    harbor.ok('POST', '/users', dict(good, comment='x' * 30), expect=201)


def test_user_profile_sysadmin_and_password_updates(harbor):
    # handler/user.go UpdateUserProfile, SetUserSysAdmin, UpdateUserPassword (requireModifiable: an admin
    # updates anyone, a user only itself; pkg/user/dao Update: 404 for a missing id).
    user = harbor.emulator.add_user('dave', 'Dave12345')
    path = '/users/%d' % user['user_id']
    assert harbor.call('PUT', path, {'email': 'dave@example.com'})[0] == 400  # realname is required too
    harbor.ok('PUT', path, {'email': 'd@example.com', 'realname': 'Dave D', 'comment': 'ops'})
    assert harbor.ok('GET', path)[0]['realname'] == 'Dave D'
    # the email is unique; dao Update does not wrap the violation: a plain 500
    assert harbor.call('PUT', path, {'email': 'developer@example.com', 'realname': 'D'})[0] == 500
    assert harbor.call('PUT', '/users/999', {'email': 'x@example.com', 'realname': 'X'})[0] == 404
    harbor.ok('PUT', path + '/sysadmin', {'sysadmin_flag': True})
    assert harbor.ok('GET', path)[0]['sysadmin_flag'] is True
    assert harbor.call('PUT', '/users/999/sysadmin', {'sysadmin_flag': True})[0] == 404
    # an admin sets another user's password without the old one; Harbor refuses one equal to the CALLER's
    status, data, dummy = harbor.call('PUT', path + '/password', {'new_password': harbor.emulator.admin_password})
    assert (status, error_of(data)[1]) == (400, 'New password is identical to old password')
    assert harbor.call('PUT', path + '/password', {'new_password': 'weak'})[0] == 400
    harbor.ok('PUT', path + '/password', {'new_password': 'Dave54321'})
    assert harbor.call('GET', '/users/current', credentials=('dave', 'Dave54321'))[0] == 200
    # wrong credentials fall back to the anonymous context: /users/current answers 401
    assert harbor.call('GET', '/users/current', credentials=('dave', 'Dave12345'))[0] == 401
    # a user changing its own password must give the old one; another user's is forbidden
    me = ('developer', harbor.emulator.user_password)
    mine = '/users/%d' % [u for u in harbor.emulator.users.values() if u['username'] == 'developer'][0]['user_id']
    status, data, dummy = harbor.call('PUT', mine + '/password', {'old_password': 'Wrong1234',
                                                                  'new_password': 'Devel5678'}, credentials=me)
    assert (status, error_of(data)[1]) == (403, 'Current password is incorrect')
    assert harbor.call('PUT', path + '/password', {'new_password': 'Devel5678'}, credentials=me)[0] == 403
    assert harbor.call('PUT', path + '/sysadmin', {'sysadmin_flag': False}, credentials=me)[0] == 403


def test_user_groups_uniqueness_dn_and_auth_mode_listing(harbor):
    # pkg/usergroup manager Create: unique by (name, type); dao Add: no group may take an HTTP group's name
    # and the DN is stored TrimLower'ed; controller Create: an LDAP DN must be found (400).
    harbor.ok('POST', '/usergroups', {'group_name': 'devs', 'group_type': 3}, expect=201)
    status, data, dummy = harbor.call('POST', '/usergroups', {'group_name': 'devs', 'group_type': 3})
    assert (status, error_of(data)[1].startswith('duplicate user group, group name:devs')) == (409, True)
    harbor.ok('POST', '/usergroups', {'group_name': 'devs', 'group_type': 1,
                                      'ldap_group_dn': ' CN=Devs,DC=Example,DC=Com '}, expect=201)
    harbor.ok('POST', '/usergroups', {'group_name': 'web', 'group_type': 2}, expect=201)
    status, data, dummy = harbor.call('POST', '/usergroups', {'group_name': 'web', 'group_type': 3})
    assert (status, error_of(data)[1]) == (409, 'duplicated user group name')
    status, data, dummy = harbor.call('POST', '/usergroups', {'group_name': 'x', 'group_type': 1})
    assert (status, error_of(data)[1]) == (400, 'LDAP Group DN is not found: DN:')
    groups = harbor.ok('GET', '/usergroups?group_name=devs')[0]
    assert sorted((g['group_type'], g.get('ldap_group_dn')) for g in groups) == [
        (1, 'cn=devs,dc=example,dc=com'), (3, None)]
    assert 'id' not in harbor.ok('GET', '/usergroups/%d' % groups[0]['id'])[0]  # GetUserGroup has no id
    # handler ListUserGroups: ldap_auth lists LDAP groups only, http_auth HTTP groups only
    harbor.emulator.config['auth_mode'] = 'ldap_auth'
    assert [g['group_type'] for g in harbor.ok('GET', '/usergroups')[0]] == [1]
    harbor.emulator.config['auth_mode'] = 'http_auth'
    assert [g['group_name'] for g in harbor.ok('GET', '/usergroups')[0]] == ['web']


# --- robot accounts ---------------------------------------------------------------------------------------

def project_robot(project='ci', name='builder', actions=(('repository', 'pull'),), **extra):
    body = {'name': name, 'level': 'project', 'duration': -1, 'description': 'CI',
            'permissions': [{'kind': 'project', 'namespace': project,
                             'access': [{'resource': r, 'action': a} for r, a in actions]}]}
    body.update(extra)
    return body


def test_project_robot_secret_only_on_create_and_refresh(harbor):
    harbor.create_project('ci')
    created, response = harbor.ok('POST', '/robots', project_robot(), expect=201)
    assert created['name'] == 'robot$ci+builder' and created['expires_at'] == -1
    secret = created['secret']
    assert len(secret) >= 8 and response.getheader('Location') == '/api/v2.0/robots/%d' % created['id']
    robot = harbor.ok('GET', '/robots/%d' % created['id'])[0]
    assert 'secret' not in robot and robot['level'] == 'project' and robot['editable'] is True
    listed, response = harbor.ok('GET', '/robots?q=Level%3Dproject%2CProjectID%3D2')
    assert [r['name'] for r in listed] == ['robot$ci+builder'] and 'secret' not in listed[0]
    # the robot can log in with its secret
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], secret))[0] == 200

    # permissions change in place, the secret stays
    robot.update(permissions=project_robot(actions=(('repository', 'pull'), ('repository', 'push')))['permissions'],
                 description='CI pushes', duration=30)
    harbor.ok('PUT', '/robots/%d' % created['id'], robot)
    robot = harbor.ok('GET', '/robots/%d' % created['id'])[0]
    assert len(robot['permissions'][0]['access']) == 2 and robot['duration'] == 30 and robot['expires_at'] > 0
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], secret))[0] == 200

    # refresh: a new secret, returned once; the old one stops working
    refreshed = harbor.ok('PATCH', '/robots/%d' % created['id'], {'secret': ''})[0]
    assert refreshed['secret'] != secret
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], secret))[0] == 401
    # a custom secret: accepted, not echoed
    assert harbor.ok('PATCH', '/robots/%d' % created['id'], {'secret': 'MyOwnSecret42'})[0] == {}
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], 'MyOwnSecret42'))[0] == 200
    status, data, response = harbor.call('PATCH', '/robots/%d' % created['id'], {'secret': 'alllowercase1'})
    assert status == 400 and '8-128' in error_of(data)[1]

    harbor.ok('DELETE', '/robots/%d' % created['id'])
    assert harbor.call('GET', '/robots/%d' % created['id'])[0] == 404


def test_robot_put_cannot_change_name_or_level(harbor):
    harbor.create_project('ci')
    created = harbor.ok('POST', '/robots', project_robot(), expect=201)[0]
    robot = harbor.ok('GET', '/robots/%d' % created['id'])[0]
    for change in ({'name': 'robot$ci+other'}, {'level': 'system'}):
        status, data, response = harbor.call('PUT', '/robots/%d' % created['id'], dict(robot, **change))
        assert status == 400 and 'level or name' in error_of(data)[1]


def test_robot_create_ignores_a_secret_and_generates_one(harbor):
    """Harbor's CreateRobot never reads the body's secret: the controller always generates one
    (src/controller/robot/controller.go Create -> CreateSec; goharbor/harbor#16884, #17386 "by design"); only
    PATCH /robots/{id} (handler/robot.go RefreshSec) sets a chosen one."""
    harbor.create_project('ci')
    created = harbor.ok('POST', '/robots', project_robot(secret='GivenSecret9'), expect=201)[0]
    assert created['secret'] != 'GivenSecret9'
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], 'GivenSecret9'))[0] == 401
    assert harbor.call('GET', '/projects/ci', credentials=(created['name'], created['secret']))[0] == 200
    # not even checked: a secret that breaks the rule is ignored as well
    assert harbor.ok('POST', '/robots', project_robot(name='other', secret='short'), expect=201)[0]['secret'] != 'short'
    status, data, response = harbor.call('POST', '/robots', project_robot())
    # pkg/robot/dao/dao.go Create: "robot account %d:%s already exists" (project id, name without the prefix)
    assert status == 409 and error_of(data) == ('CONFLICT', 'robot account 2:ci+builder already exists')


@pytest.mark.parametrize('kind,resource,action,allowed', [
    # handler/robot.go validate/containsAccess against rbac/const.go PoliciesMap + NolimitProvider (v2.15.2)
    ('project', 'repository', 'pull', True), ('project', 'project', 'delete', True),
    ('project', 'artifact-addition', 'read', True), ('project', 'member', 'create', True),
    ('project', 'repository', '*', False), ('project', '*', 'pull', False), ('project', 'helm-chart', 'read', False),
    ('project', 'tag-retention', 'operate', False), ('project', 'immutable-tag', 'read', False),
    ('project', 'robot', 'update', False), ('project', 'repository', 'scanner-pull', False),
    ('system', 'user', 'create', True), ('system', 'quota', 'update', True), ('system', 'label', 'list', False),
    ('system', 'configuration', 'read', False), ('system', 'tag-retention', 'list', False),
    ('system', 'notification-policy', 'read', False), ('system', 'export-cve', 'create', False),
])
def test_robot_permissions_are_harbors_exact_pairs(harbor, kind, resource, action, allowed):
    harbor.create_project('ci')
    body = {'name': 'r', 'level': 'system', 'duration': -1, 'permissions': [
        {'kind': kind, 'namespace': 'ci' if kind == 'project' else '/',
         'access': [{'resource': resource, 'action': action}]}]}
    status, data, response = harbor.call('POST', '/robots', body)
    if allowed:
        assert status == 201, data
    else:
        assert status == 400 and error_of(data)[1] == 'bad request permission: %s:%s' % (resource, action)


@pytest.mark.parametrize('body,status', [
    (project_robot(name='Bad Name'), 400),
    (project_robot(actions=(('repository', 'fly'),)), 400),
    (project_robot(level='global'), 400),
    (project_robot(duration=-5), 400),
    (project_robot(duration=0), 400),
    (dict(project_robot(), permissions=[{'kind': 'project', 'namespace': 'ci', 'access': []}]), 400),
    (project_robot(project='missing'), 404),
    (dict(project_robot(), permissions=project_robot()['permissions'] * 2), 400),
    (dict(project_robot(), permissions=[]), 400),
])
def test_robot_invalid_input(harbor, body, status):
    harbor.create_project('ci')
    assert harbor.call('POST', '/robots', body)[0] == status
    assert harbor.emulator.robots == {}


def test_system_robot_and_name_prefix(harbor):
    harbor.create_project('ci')
    harbor.ok('POST', '/robots', project_robot(), expect=201)
    body = {'name': 'ops', 'level': 'system', 'duration': 30,
            'permissions': [{'kind': 'system', 'namespace': '/', 'access': [{'resource': 'project', 'action': 'create'}]},
                            {'kind': 'project', 'namespace': '*', 'access': [{'resource': 'repository', 'action': 'pull'}]}]}
    created = harbor.ok('POST', '/robots', body, expect=201)[0]
    assert created['name'] == 'robot$ops'
    robot = harbor.ok('GET', '/robots/%d' % created['id'])[0]
    assert robot['duration'] == 30 and robot['level'] == 'system' and len(robot['permissions']) == 2
    harbor.ok('PUT', '/configurations', {'robot_name_prefix': 'bot_'})
    assert harbor.ok('POST', '/robots', dict(body, name='ops2'), expect=201)[0]['name'] == 'bot_ops2'
    # without Level, GET /robots lists the system robots only; q name= matches the name without prefix
    assert [r['name'] for r in harbor.ok('GET', '/robots')[0]] == ['robot$ops', 'bot_ops2']
    assert [r['name'] for r in harbor.ok('GET', '/robots?q=name%3Dops2')[0]] == ['bot_ops2']
    assert harbor.call('GET', '/robots?q=Level%3Dproject')[0] == 400  # ProjectID is required
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    assert harbor.call('GET', '/robots', credentials=user)[0] == 403


# --- registries and replication ---------------------------------------------------------------------------

def registry(name='hub', **extra):
    body = {'name': name, 'url': 'https://registry-1.docker.io', 'type': 'docker-hub',
            'credential': {'type': 'basic', 'access_key': 'puller', 'access_secret': 'S3cret-value'}}
    body.update(extra)
    return body


def test_registry_secret_is_masked(harbor):
    data, response = harbor.ok('POST', '/registries', registry(), expect=201)
    registry_id = int(response.getheader('Location').rsplit('/', 1)[1])
    got = harbor.ok('GET', '/registries/%d' % registry_id)[0]
    assert got['credential'] == {'type': 'basic', 'access_key': 'puller', 'access_secret': '*****'}
    listed, response = harbor.ok('GET', '/registries?name=hub')
    assert listed == [got] and response.getheader('X-Total-Count') == '1'
    assert harbor.call('POST', '/registries', registry())[0] == 409
    assert harbor.call('POST', '/registries', registry(name='x', type='floppy'))[0] == 500  # no adapter: 500
    assert harbor.call('POST', '/registries', registry(name='x', url='not a url'))[0] == 400
    assert error_of(harbor.call('POST', '/registries', registry(name='x' * 65))[1])[1] == 'the max length of name is 64'
    harbor.emulator.unhealthy_urls.add('https://down.example.com')
    status, data, response = harbor.call('POST', '/registries', registry(name='down', url='https://down.example.com'))
    assert status == 400 and error_of(data)[1] == 'the registry is unhealthy'
    harbor.ok('PUT', '/registries/%d' % registry_id, {'description': 'Docker Hub', 'access_key': 'other'})
    stored = harbor.emulator.registries[registry_id]
    assert stored['credential']['access_secret'] == 'S3cret-value' and stored['credential']['access_key'] == 'other'
    assert 'S3cret' not in json.dumps(harbor.ok('GET', '/registries')[0])
    harbor.ok('POST', '/registries/ping', {'id': registry_id})


def test_registry_in_use_cannot_be_deleted(harbor):
    data, response = harbor.ok('POST', '/registries', registry(), expect=201)
    registry_id = int(response.getheader('Location').rsplit('/', 1)[1])
    data, response = harbor.ok('POST', '/replication/policies', {
        'name': 'mirror', 'src_registry': {'id': registry_id}, 'dest_namespace': 'mirror',
        'trigger': {'type': 'scheduled', 'trigger_settings': {'cron': '0 0 2 * * *'}},
        'filters': [{'type': 'name', 'value': 'library/**'}, {'type': 'tag', 'value': 'v*', 'decoration': 'matches'}],
        'override': True, 'enabled': True, 'speed': -1}, expect=201)
    policy_id = int(response.getheader('Location').rsplit('/', 1)[1])
    policy = harbor.ok('GET', '/replication/policies/%d' % policy_id)[0]
    assert policy['src_registry']['name'] == 'hub' and policy['src_registry']['credential']['access_secret'] == '*****'
    assert policy['dest_registry']['id'] == 0 and policy['dest_registry']['name'] == 'Local'
    status, data, response = harbor.call('DELETE', '/registries/%d' % registry_id)
    assert status == 412 and error_of(data)[1] == (
        'the registry %d is referenced by replication policies, cannot delete it' % registry_id)
    harbor.ok('DELETE', '/replication/policies/%d' % policy_id)
    harbor.create_project('cache', registry_id=registry_id, metadata={'proxy_speed_kb': '1024'})
    cache = harbor.ok('GET', '/projects/cache')[0]
    assert cache['registry_id'] == registry_id and cache['metadata']['proxy_speed_kb'] == '1024'
    # Harbor gives a proxy cache project a retention policy (7 days since last pull)
    retention = harbor.ok('GET', '/retentions/%s' % cache['metadata']['retention_id'])[0]
    assert retention['rules'][0]['params'] == {'nDaysSinceLastPull': 7}
    status, data, response = harbor.call('DELETE', '/registries/%d' % registry_id)
    assert status == 412 and error_of(data)[1] == (
        'the registry %d is referenced by proxy cache project, cannot delete it' % registry_id)
    harbor.ok('DELETE', '/projects/cache')
    harbor.ok('DELETE', '/registries/%d' % registry_id)


def test_replication_policy_validation_and_update(harbor):
    data, response = harbor.ok('POST', '/registries', registry(), expect=201)
    registry_id = int(response.getheader('Location').rsplit('/', 1)[1])
    base = {'name': 'push', 'dest_registry': {'id': registry_id}, 'trigger': {'type': 'event_based'}, 'enabled': True}
    bad = [(dict(base, dest_registry=None),
            "either src_registry or dest_registry should be empty and the other one shouldn't be empty"),
           (dict(base, src_registry={'id': registry_id}),
            "either src_registry or dest_registry should be empty and the other one shouldn't be empty"),
           (dict(base, trigger={'type': 'scheduled', 'trigger_settings': {'cron': '0 0 * * *'}}),
            'invalid cron string for scheduled trigger: 0 0 * * *'),
           (dict(base, trigger={'type': 'scheduled'}),
            'the cron string cannot be empty when the trigger type is scheduled'),
           (dict(base, trigger={'type': 'sometimes'}), 'invalid trigger type'),
           (dict(base, name=''), 'empty name'),
           (dict(base, dest_namespace='Bad Namespace'), 'invalid destination namespace: Bad Namespace'),
           (dict(base, filters=[{'type': 'colour', 'value': 'red'}]), None)]
    for body, message in bad:
        status, data, response = harbor.call('POST', '/replication/policies', body)
        assert status == 400 and (message is None or error_of(data)[1] == message), body
    data, response = harbor.ok('POST', '/replication/policies', base, expect=201)
    policy_id = int(response.getheader('Location').rsplit('/', 1)[1])
    assert harbor.call('POST', '/replication/policies', base)[0] == 409
    # Harbor binds `deletion`, not `replicate_deletion`; a negative speed is stored as 0
    harbor.ok('PUT', '/replication/policies/%d' % policy_id, dict(base, replicate_deletion=True, speed=-1))
    policy = harbor.ok('GET', '/replication/policies/%d' % policy_id)[0]
    assert policy['replicate_deletion'] is False and policy['deletion'] is False and policy['speed'] == 0
    harbor.ok('PUT', '/replication/policies/%d' % policy_id, dict(base, deletion=True, speed=1024))
    policy = harbor.ok('GET', '/replication/policies/%d' % policy_id)[0]
    assert policy['replicate_deletion'] is True and policy['speed'] == 1024 and policy['src_registry']['id'] == 0
    assert [p['name'] for p in harbor.ok('GET', '/replication/policies?name=pu')[0]] == ['push']


# --- webhooks, retention, immutable rules -----------------------------------------------------------------

def webhook(name='notify', **extra):
    body = {'name': name, 'enabled': True, 'event_types': ['PUSH_ARTIFACT', 'SCANNING_FAILED'],
            'targets': [{'type': 'http', 'address': 'https://hooks.example.com/h', 'payload_format': 'CloudEvents',
                         'skip_cert_verify': False, 'auth_header': 'Bearer x'}]}
    body.update(extra)
    return body


def test_webhook_policies(harbor):
    project_id = harbor.create_project('hooks')
    data, response = harbor.ok('POST', '/projects/hooks/webhook/policies', webhook(), expect=201)
    hook_id = int(response.getheader('Location').rsplit('/', 1)[1])
    hook = harbor.ok('GET', '/projects/hooks/webhook/policies/%d' % hook_id)[0]
    assert hook['project_id'] == project_id and hook['creator'] == 'admin' and hook['enabled'] is True
    assert harbor.call('POST', '/projects/hooks/webhook/policies', webhook())[0] == 409
    for bad, message in ((webhook(name='a', event_types=['EXPLODED']), 'unsupported event type EXPLODED'),
                         (webhook(name='a', event_types=[]), 'empty event type'),
                         (webhook(name='b', targets=[]), 'empty notification target with policy b'),
                         (webhook(name='c', targets=[{'type': 'http', 'address': 'ftp://x.example.com'}]),
                          'invalid scheme: ftp'),
                         (webhook(name='d', targets=[{'type': 'pager', 'address': 'https://x.example.com'}]),
                          'unsupported target type pager with policy d')):
        status, data, response = harbor.call('POST', '/projects/hooks/webhook/policies', bad)
        assert status == 400 and (message is None or error_of(data)[1] == message), bad
    # The address is stored as sent: handler/webhook.go's "Prevent SSRF" line assigns scheme://host/path to the
    # loop's copy of the target (policy.Targets is []EventTarget, ranged by value), so the stored one keeps it all
    data, response = harbor.ok('POST', '/projects/hooks/webhook/policies', webhook(
        name='query', targets=[{'type': 'http', 'address': 'https://hooks.example.com/x?token=1'}]), expect=201)
    assert harbor.ok('GET', response.getheader('Location')[len('/api/v2.0'):])[0]['targets'][0]['address'] == \
        'https://hooks.example.com/x?token=1'
    harbor.ok('DELETE', response.getheader('Location')[len('/api/v2.0'):])
    harbor.ok('PUT', '/projects/hooks/webhook/policies/%d' % hook_id, webhook(enabled=False, event_types=['PULL_ARTIFACT']))
    listed, response = harbor.ok('GET', '/projects/%d/webhook/policies' % project_id)
    assert response.getheader('X-Total-Count') == '1'
    assert listed[0]['enabled'] is False and listed[0]['event_types'] == ['PULL_ARTIFACT']
    events = harbor.ok('GET', '/projects/hooks/webhook/events')[0]
    assert 'PUSH_ARTIFACT' in events['event_type'] and events['notify_type'] == ['http', 'slack']
    assert events['payload_formats'] == [{'notify_type': 'http', 'formats': ['Default', 'CloudEvents']}]
    harbor.ok('DELETE', '/projects/hooks/webhook/policies/%d' % hook_id)
    assert harbor.ok('GET', '/projects/hooks/webhook/policies')[0] == []


def test_webhook_target_types_and_payload_formats(harbor):
    """handler/webhook.go validateTargets (v2.15.2): the types are pkg/notification's http and slack only; a slack
    target with any payload format is 400; an http target without one is stored as Default."""
    harbor.create_project('hooks')
    slack = {'type': 'slack', 'address': 'https://hooks.slack.com/services/T0/B0/x'}
    for target, message in ((dict(slack, payload_format='Default'), 'set payload format is not allowed for slack'),
                            (dict(slack, payload_format='CloudEvents'), 'set payload format is not allowed for slack'),
                            ({'type': 'teams', 'address': 'https://x.example.com'},
                             'unsupported target type teams with policy t'),
                            ({'type': 'http', 'address': 'https://x.example.com', 'payload_format': 'Xml'},
                             'unsupported payload format type: Xml')):
        status, data, response = harbor.call('POST', '/projects/hooks/webhook/policies', webhook(name='t', targets=[target]))
        assert status == 400 and error_of(data)[1] == message, target
    harbor.ok('POST', '/projects/hooks/webhook/policies', webhook(name='t', targets=[
        slack, {'type': 'http', 'address': 'https://x.example.com'}]), expect=201)
    stored = harbor.ok('GET', '/projects/hooks/webhook/policies')[0][0]['targets']
    assert 'payload_format' not in stored[0] and stored[1]['payload_format'] == 'Default'


def retention(project_id, cron='0 0 0 * * *', keep=10):
    return {'algorithm': 'or', 'scope': {'level': 'project', 'ref': project_id},
            'trigger': {'kind': 'Schedule', 'settings': {'cron': cron}},
            'rules': [{'disabled': False, 'action': 'retain', 'template': 'latestPushedK',
                       'params': {'latestPushedK': keep},
                       'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**'}],
                       'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches',
                                                           'pattern': '**'}]}}]}


def test_retention_policy_linked_through_project_metadata(harbor):
    project_id = harbor.create_project('keep')
    data, response = harbor.ok('POST', '/retentions', retention(project_id), expect=201)
    retention_id = int(response.getheader('Location').rsplit('/', 1)[1])
    assert harbor.ok('GET', '/projects/keep')[0]['metadata']['retention_id'] == str(retention_id)
    status, data, response = harbor.call('POST', '/retentions', retention(project_id))
    assert status == 400 and error_of(data) == (
        'BAD_REQUEST', 'bad request: project %d already has retention policy %d' % (project_id, retention_id))
    policy = harbor.ok('GET', '/retentions/%d' % retention_id)[0]
    assert policy['rules'][0]['params'] == {'latestPushedK': 10} and policy['trigger']['settings']['cron'] == '0 0 0 * * *'
    harbor.ok('PUT', '/retentions/%d' % retention_id, retention(project_id, cron='', keep=3))
    policy = harbor.ok('GET', '/retentions/%d' % retention_id)[0]
    assert policy['rules'][0]['params'] == {'latestPushedK': 3} and policy['trigger']['settings']['cron'] == ''
    # ValidateRetentionPolicy (pkg/retention/policy/models.go): only the cron of a Schedule trigger is checked
    status, data, response = harbor.call('PUT', '/retentions/%d' % retention_id, retention(project_id, cron='nightly'))
    assert status == 400 and error_of(data) == ('BAD_REQUEST', 'invalid cron string for scheduled tag retention: '
                                                'nightly, error: expected exactly 6 fields, found 1: [nightly]')
    status, data, response = harbor.call('PUT', '/retentions/%d' % retention_id, retention(project_id, cron='30 0 0 * * *'))
    assert status == 400 and error_of(data)[1].endswith(
        'error: the 1st field (indicating Seconds of time) of the cron setting must be 0')
    doubled = retention(project_id)
    doubled['rules'] = doubled['rules'] * 2
    status, data, response = harbor.call('PUT', '/retentions/%d' % retention_id, doubled)
    assert status == 409 and error_of(data) == ('CONFLICT', 'resource conflict: rule 1 is conflict with rule 0')
    many = retention(project_id)
    many['rules'] = [dict(many['rules'][0], params={'latestPushedK': n}) for n in range(16)]
    status, data, response = harbor.call('PUT', '/retentions/%d' % retention_id, many)
    assert status == 400 and error_of(data) == ('BAD_REQUEST', 'bad request: only 15 rules are allowed at most')
    templates = harbor.ok('GET', '/retentions/metadatas')[0]['templates']
    assert [t['rule_template'] for t in templates][0] == 'latestPushedK'
    harbor.ok('DELETE', '/retentions/%d' % retention_id)
    # a policy that is gone: GET is a 500 (retention manager GetPolicy: a plain error without a code), DELETE a 400
    status, data, response = harbor.call('GET', '/retentions/%d' % retention_id)
    assert status == 500 and error_of(data) == ('UNKNOWN', 'internal server error')
    status, data, response = harbor.call('DELETE', '/retentions/%d' % retention_id)
    assert status == 400 and error_of(data)[1] == 'bad request: no such Retention policy with id %d' % retention_id
    # DELETE clears the project's retention_id (handler/retention.go DeleteRetention: proMetaMgr.Delete(ref,
    # "retention_id"), v2.15, PR #22174), so a new policy can be created straight away
    assert 'retention_id' not in harbor.ok('GET', '/projects/keep')[0]['metadata']
    data, response = harbor.ok('POST', '/retentions', retention(project_id), expect=201)
    assert harbor.ok('GET', '/projects/keep')[0]['metadata']['retention_id'] == response.getheader('Location').rsplit('/', 1)[1]


def test_retention_create_refused_while_the_project_has_a_retention_id(harbor):
    """handler/retention.go CreateRetention: any retention_id metadata on the project refuses a new policy (400),
    even one naming a policy that no longer exists."""
    project_id = harbor.create_project('keep')
    # Left over by a Harbor before 2.15, whose DELETE /retentions kept it (the metadata API refuses to add it)
    harbor.emulator.project('keep')['metadata']['retention_id'] = '999'
    status, data, response = harbor.call('POST', '/retentions', retention(project_id))
    assert status == 400 and harbor.emulator.retentions == {}
    harbor.ok('DELETE', '/projects/keep/metadatas/retention_id')
    harbor.ok('POST', '/retentions', retention(project_id), expect=201)


def test_retention_update_needs_the_projects_retention_id(harbor):
    first = harbor.create_project('one')
    second = harbor.create_project('two')
    data, response = harbor.ok('POST', '/retentions', retention(first), expect=201)
    retention_id = int(response.getheader('Location').rsplit('/', 1)[1])
    status, data, response = harbor.call('PUT', '/retentions/%d' % retention_id, retention(second))
    # handler/retention.go requirePolicyAccess: NotFoundError(errors.Errorf(...)), cause included
    assert status == 404 and error_of(data) == (
        'NOT_FOUND', 'resource not found: the retention policy id %d does not match' % retention_id)
    status, data, response = harbor.call('POST', '/retentions', retention(999))
    assert status == 400 and error_of(data) == ('BAD_REQUEST', 'bad request: invalid Project id 999')


def immutable(pattern='v*', repos='**'):
    return {'disabled': False, 'action': 'immutable', 'template': 'immutable_template',
            'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': pattern}],
            'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': repos}]}}


def test_immutable_tag_rules(harbor):
    harbor.create_project('frozen')
    data, response = harbor.ok('POST', '/projects/frozen/immutabletagrules', dict(immutable(), disabled=True), expect=201)
    rule_id = int(response.getheader('Location').rsplit('/', 1)[1])
    rules, response = harbor.ok('GET', '/projects/frozen/immutabletagrules')
    assert response.getheader('X-Total-Count') == '1' and rules[0]['id'] == rule_id
    assert rules[0]['disabled'] is False  # Harbor stores a new rule enabled, whatever the body says
    status, data, response = harbor.call('POST', '/projects/frozen/immutabletagrules', immutable())
    assert status == 409 and error_of(data) == ('CONFLICT', 'immutable rule already exists')
    path = '/projects/frozen/immutabletagrules/%d' % rule_id
    assert harbor.call('PUT', path, immutable(pattern='x'))[0] == 400  # the body must carry the rule id
    # a PUT that flips `disabled` only toggles it: the new pattern of the same request is ignored
    harbor.ok('PUT', path, dict(immutable(pattern='release-*'), id=rule_id, disabled=True))
    rule = harbor.ok('GET', '/projects/frozen/immutabletagrules')[0][0]
    assert rule['disabled'] is True and rule['tag_selectors'][0]['pattern'] == 'v*'
    harbor.ok('PUT', path, dict(immutable(pattern='release-*'), id=rule_id, disabled=True))
    rule = harbor.ok('GET', '/projects/frozen/immutabletagrules')[0][0]
    assert rule['disabled'] is True and rule['tag_selectors'][0]['pattern'] == 'release-*'
    harbor.ok('DELETE', path)
    assert harbor.call('DELETE', path)[0] == 404


# --- configurations and schedules -------------------------------------------------------------------------

def test_configurations_shape_and_write_only_secrets(harbor):
    config = harbor.ok('GET', '/configurations')[0]
    assert config['auth_mode'] == {'value': 'db_auth', 'editable': False}  # a non-admin user exists
    assert config['robot_token_duration'] == {'value': 30, 'editable': True}
    assert config['self_registration']['value'] is False
    harbor.ok('PUT', '/configurations', {'oidc_client_secret': 'hidden', 'ldap_search_password': 'hidden',
                                         'oidc_endpoint': 'https://idp.example.com', 'robot_token_duration': 90})
    config = harbor.ok('GET', '/configurations')[0]
    assert 'oidc_client_secret' not in config and 'ldap_search_password' not in config
    assert config['oidc_endpoint']['value'] == 'https://idp.example.com' and config['robot_token_duration']['value'] == 90
    assert 'hidden' not in json.dumps(config)
    harbor.ok('PUT', '/configurations', {'no_such_key': 1})  # go-swagger drops unknown keys: 200, nothing set
    assert 'no_such_key' not in harbor.ok('GET', '/configurations')[0]
    status, data, response = harbor.call('PUT', '/configurations', {'auth_mode': 'oidc_auth'})
    assert status == 400 and 'auth mode cannot be modified' in error_of(data)[1]
    assert harbor.call('PUT', '/configurations', {'project_creation_restriction': 'nobody'})[0] == 400
    harbor.emulator.delete_user('developer')
    assert harbor.ok('GET', '/configurations')[0]['auth_mode']['editable'] is True
    harbor.ok('PUT', '/configurations', {'auth_mode': 'oidc_auth'})
    assert harbor.ok('GET', '/configurations')[0]['auth_mode']['value'] == 'oidc_auth'


def test_gc_schedule(harbor):
    status, data, response = harbor.call('GET', '/system/gc/schedule')
    assert status == 200 and data == b''  # nothing scheduled: Harbor answers 200 without a body
    harbor.ok('PUT', '/system/gc/schedule', {'schedule': {'type': 'Custom', 'cron': '0 0 3 * * 6'},
                                             'parameters': {'delete_untagged': True, 'workers': 2}})
    got = harbor.ok('GET', '/system/gc/schedule')[0]
    assert got['schedule'] == {'type': 'Custom', 'cron': '0 0 3 * * 6'} and got['job_kind'] == '0 0 3 * * 6'
    params = json.loads(got['job_parameters'])
    assert params['delete_untagged'] is True and params['workers'] == 2 and params['time_window'] == 2
    assert 'redis_url_reg' in params  # Harbor adds its own parameters
    # the type does not imply a cron: the body must carry one
    assert harbor.call('PUT', '/system/gc/schedule', {'schedule': {'type': 'Daily'}})[0] == 400
    assert harbor.call('PUT', '/system/gc/schedule', {'schedule': {'type': 'Custom', 'cron': '61 0 3 * * *'}})[0] == 400
    assert harbor.call('PUT', '/system/gc/schedule', {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'},
                                                      'parameters': {'workers': 11}})[0] == 400
    # POST does what PUT does: it replaces the schedule
    data, response = harbor.ok('POST', '/system/gc/schedule', {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}},
                               expect=201)
    assert response.getheader('Location') == '/api/v2.0/system/gc/0'
    assert harbor.ok('GET', '/system/gc/schedule')[0]['schedule'] == {'type': 'Daily', 'cron': '0 0 0 * * *'}
    data, response = harbor.ok('POST', '/system/gc/schedule', {'schedule': {'type': 'Manual'}}, expect=201)
    assert response.getheader('Location') == '/api/v2.0/system/gc/1'
    harbor.ok('PUT', '/system/gc/schedule', {'schedule': {'type': 'None'}})
    assert harbor.call('GET', '/system/gc/schedule')[1] == b''


@pytest.mark.parametrize('workers,status,message', [
    # handler/gc.go kick + validateWorkers (1-10 since v2.13, PR #21462); only a JSON number is read
    (1, 200, None), (10, 200, None),
    (0, 400, 'Error: Invalid number of workers:0. Workers must be greater than 0 and less than or equal to 10.'),
    (11, 400, 'Error: Invalid number of workers:11. Workers must be greater than 0 and less than or equal to 10.'),
    (2.5, 400, 'bad request: workers should be integer format'),
    ('12', 200, None),  # not a json.Number: ignored
])
def test_gc_workers_follow_harbor(harbor, workers, status, message):
    got, data, response = harbor.call('PUT', '/system/gc/schedule', {
        'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}, 'parameters': {'workers': workers}})
    assert got == status and (message is None or error_of(data)[1] == message), data


def test_scan_all_schedule(harbor):
    assert harbor.call('GET', '/system/scanAll/schedule')[1] == b''
    harbor.ok('POST', '/system/scanAll/schedule', {'schedule': {'type': 'Daily', 'cron': '0 0 1 * * *'}}, expect=201)
    got = harbor.ok('GET', '/system/scanAll/schedule')[0]
    assert got['schedule'] == {'type': 'Daily', 'cron': '0 0 1 * * *'}
    status, data, response = harbor.call('POST', '/system/scanAll/schedule', {'schedule': {'type': 'Weekly', 'cron': '0 0 0 * * 0'}})
    assert status == 412 and 'always had one' in error_of(data)[1]
    harbor.ok('PUT', '/system/scanAll/schedule', {'schedule': {'type': 'Weekly', 'cron': '0 0 0 * * 0'}})
    assert harbor.ok('GET', '/system/scanAll/schedule')[0]['schedule']['type'] == 'Weekly'
    assert harbor.call('PUT', '/system/scanAll/schedule', {'schedule': {'type': 'Manual'}})[0] == 400
    assert harbor.call('PUT', '/system/scanAll/schedule', {'schedule': {'type': 'Fortnightly'}})[0] == 422  # spec enum
    harbor.ok('PUT', '/system/scanAll/schedule', {'schedule': {'type': 'None'}})
    assert harbor.call('GET', '/system/scanAll/schedule')[1] == b''


def test_purge_audit_schedule(harbor):
    body = {'schedule': {'type': 'Hourly', 'cron': '0 0 * * * *'},
            'parameters': {'audit_retention_hour': 168, 'include_event_types': 'create_artifact', 'dry_run': False}}
    harbor.ok('PUT', '/system/purgeaudit/schedule', body)
    purge = harbor.ok('GET', '/system/purgeaudit/schedule')[0]
    assert purge['schedule'] == {'type': 'Hourly', 'cron': '0 0 * * * *'}
    assert json.loads(purge['job_parameters']) == body['parameters']
    for missing in ('audit_retention_hour', 'include_event_types'):
        params = {k: v for k, v in body['parameters'].items() if k != missing}
        status, data, response = harbor.call('PUT', '/system/purgeaudit/schedule', dict(body, parameters=params))
        # handler/purge.go verifyUpdateRequest: BadRequestError(fmt.Errorf("<key> should provide")), cause included
        assert status == 400 and error_of(data) == ('BAD_REQUEST', 'bad request: %s should provide' % missing)
    harbor.ok('PUT', '/system/purgeaudit/schedule', dict(body, schedule={'type': 'None'}))
    assert harbor.call('GET', '/system/purgeaudit/schedule')[1] == b''


# --- error shapes: Harbor v2.15.2's status, code and message for each class of error ------------------------
# src/lib/errors/errors.go: the body is {"errors": [{"code", "message"}]}, the message is Error(), which
# appends the cause ("<generic>: <cause>"); src/lib/http/error.go: the code gives the status, >= 500 is
# reduced to UNKNOWN "internal server error".

def test_error_shape_access(harbor):
    """base.go RequireProjectAccess: ForbiddenError(nil) ("forbidden"); RequireSystemAccess:
    ForbiddenError(nil).WithMessage(secCtx.GetUsername()): the caller's name; anonymous: "unauthorized"."""
    user = (harbor.emulator.user_username, harbor.emulator.user_password)
    harbor.create_project('private')
    status, data, response = harbor.call('GET', '/projects/private', credentials=user)
    assert (status, error_of(data)) == (403, ('FORBIDDEN', 'forbidden'))
    status, data, response = harbor.call('GET', '/registries', credentials=user)
    assert (status, error_of(data)) == (403, ('FORBIDDEN', harbor.emulator.user_username))
    status, data, response = harbor.call('GET', '/registries', credentials=None)
    assert (status, error_of(data)) == (401, ('UNAUTHORIZED', 'unauthorized'))


@pytest.mark.parametrize('path,message', [
    # the dao's NotFoundError(nil).WithMessagef / orm.WrapNotFoundError: the message alone
    ('/projects/absent', 'project absent not found'),  # pkg/project/dao/dao.go
    ('/registries/99', 'registry 99 not found'),  # pkg/reg/dao/dao.go
    ('/robots/99', 'robot 99 not found'),  # pkg/robot/dao/dao.go
    ('/labels/99', 'label 99 not found'),  # handler/label.go
    ('/usergroups/99', 'the user group with id 99 is not found'),  # handler/usergroup.go GetUserGroup
    ('/users/99', 'user 99 not found'),  # pkg/user/manager.go Get
    ('/quotas/99', 'quota 99 not found'),  # pkg/quota/dao/dao.go
    ('/projects/library/webhook/policies/99', 'notificationPolicy 99 not found'),  # pkg/notification/policy/dao
    ('/projects/library/immutabletagrules/99', 'immutable rule 99 not found'),  # pkg/immutable/dao/dao.go
])
def test_error_shape_not_found(harbor, path, message):
    method = 'DELETE' if 'immutabletagrules' in path else 'GET'
    status, data, response = harbor.call(method, path)
    assert (status, error_of(data)) == (404, ('NOT_FOUND', message))


def test_error_shape_conflict_and_precondition(harbor):
    harbor.ok('POST', '/registries', registry(), expect=201)
    status, data, response = harbor.call('POST', '/registries', registry())
    assert (status, error_of(data)) == (409, ('CONFLICT', 'registry hub already exists'))  # orm.AsConflictError
    harbor.create_project('hooks')
    harbor.ok('POST', '/projects/hooks/webhook/policies', webhook(), expect=201)
    status, data, response = harbor.call('POST', '/projects/hooks/webhook/policies', webhook())
    assert (status, error_of(data)) == (409, ('CONFLICT', 'notification policy named notify already exists'))
    # a hook of another project: handler/webhook.go requirePolicyInProject, NotFoundError(cause)
    hook_id = max(harbor.emulator.webhooks)
    status, data, response = harbor.call('GET', '/projects/library/webhook/policies/%d' % hook_id)
    assert (status, error_of(data)) == (404, (
        'NOT_FOUND', 'resource not found: project id:1, webhook policy id: %d not found' % hook_id))
    # an immutable rule of another project: handler/immutable.go requireRuleAccess, NotFoundError(cause)
    harbor.ok('POST', '/projects/hooks/immutabletagrules', immutable(), expect=201)
    rule_id = max(harbor.emulator.immutable_rules)
    status, data, response = harbor.call('DELETE', '/projects/library/immutabletagrules/%d' % rule_id)
    assert (status, error_of(data)) == (404, ('NOT_FOUND', 'resource not found: project id 1 does not match'))
    status, data, response = harbor.call('PUT', '/projects/hooks/immutabletagrules/%d' % rule_id, immutable())
    assert (status, error_of(data)) == (400, (
        'BAD_REQUEST', "bad request: the immutable_rule_id doesn't match the id in the payload body of ImmutableRule"))


def test_error_shape_plain_errors_are_500(harbor):
    """A Go error without a code (fmt.Errorf) is sent as 500 UNKNOWN "internal server error" (lib/http SendError)."""
    status, data, response = harbor.call('POST', '/registries', registry(type='floppy'))  # no adapter factory
    assert (status, error_of(data)) == (500, ('UNKNOWN', 'internal server error'))
    harbor.create_project('crew')
    status, data, response = harbor.call('POST', '/projects/crew/members', {'role_id': 2})  # no member entity
    assert (status, error_of(data)) == (500, ('UNKNOWN', 'internal server error'))


def test_error_shape_current_user_of_a_robot_is_412(harbor):
    """handler/user.go GetCurrentUserInfo: PreconditionFailedError for a security context that is not local."""
    harbor.create_project('ci')
    created = harbor.ok('POST', '/robots', project_robot(), expect=201)[0]
    status, data, response = harbor.call('GET', '/users/current', credentials=(created['name'], created['secret']))
    assert (status, error_of(data)) == (412, ('PRECONDITION', 'get current user not available for security context: robot'))


def test_error_shape_user_group_without_a_name_is_400_without_body(harbor):
    """handler/usergroup.go CreateUserGroup: operation.NewCreateUserGroupBadRequest() carries no payload."""
    status, data, response = harbor.call('POST', '/usergroups', {'group_type': 3})
    assert (status, data) == (400, b'')
    assert harbor.emulator.groups == {}
    # the group type is not checked: stored as sent (controller/usergroup Create, pkg/usergroup dao Add)
    harbor.ok('POST', '/usergroups', {'group_name': 'odd', 'group_type': 7}, expect=201)


@pytest.mark.parametrize('body,message', [
    # handler/user.go validateUserProfile: common.IllegalCharsInUsername is ,"~#%$ (whitespace and ' allowed)
    ({'username': ''}, 'username with illegal length'),  # a longer one than 255 is the spec's 422
    ({'username': 'al"ice'}, 'username contains illegal characters'),
    ({'realname': 'Al "Ice"'}, 'realname contains illegal characters'),
])
def test_error_shape_user_profile(harbor, body, message):
    good = {'username': 'alice', 'email': 'alice@example.com', 'realname': 'Alice', 'password': 'Alice1234'}
    status, data, response = harbor.call('POST', '/users', dict(good, **body))
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', message))


def test_user_names_harbor_accepts_and_protected_deletions(harbor):
    harbor.ok('POST', '/users', {'username': "o'brien smith", 'email': 'ob@example.com', 'realname': 'OB',
                                 'password': 'Obrien123'}, expect=201)
    # handler/user.go requireDeletable: user 1 and oneself, ForbiddenError "User with ID %d cannot be deleted"
    status, data, response = harbor.call('DELETE', '/users/1')
    assert (status, error_of(data)) == (403, ('FORBIDDEN', 'User with ID 1 cannot be deleted'))


@pytest.mark.parametrize('cron,message', [
    # utils.ValidateCronString (src/common/utils/utils.go) over robfig/cron v3.0.1's parser
    ('', 'empty cron string is invalid'),
    ('0 0 * * *', 'expected exactly 6 fields, found 5: [0 0 * * *]'),
    ('0 61 * * * *', 'end of range (61) above maximum (59): 61'),
    ('0 0 0 * * 7', 'end of range (7) above maximum (6): 7'),
    ('0 0 0 0 * *', 'beginning of range (0) below minimum (1): 0'),
    ('0 0 x * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ('0 0 1-2-3 * * *', 'too many hyphens: 1-2-3'),
    ('0 0 5-1 * * *', 'beginning of range (5) beyond end of range (1): 5-1'),
    ('0 0 */0 * * *', 'step of range should be a positive number: */0'),
    ('@daily', 'parser does not accept descriptors: @daily'),
    ('*/30 * * * * *', 'the 1st field (indicating Seconds of time) of the cron setting must be 0'),
])
def test_error_shape_schedule_cron(harbor, cron, message):
    """handler/gc.go updateSchedule: "invalid cron string for scheduled gc: %s, error: %v" (BAD_REQUEST)."""
    status, data, response = harbor.call('PUT', '/system/gc/schedule', {'schedule': {'type': 'Custom', 'cron': cron}})
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', 'invalid cron string for scheduled gc: %s, error: %s'
                                              % (cron, message)))


def test_cron_names_and_lists_harbor_accepts(harbor):
    for cron in ('0 0 0 * JAN-MAR sun,Sat', '0 */15 1,2 ? * *', '0 0 0 1 1 0'):
        harbor.ok('PUT', '/system/gc/schedule', {'schedule': {'type': 'Custom', 'cron': cron}})
    status, data, response = harbor.call('PUT', '/system/purgeaudit/schedule', {
        'schedule': {'type': 'Daily', 'cron': '5 0 0 * * *'},
        'parameters': {'audit_retention_hour': 1, 'include_event_types': 'x'}})
    assert (status, error_of(data)[1]) == (400, 'invalid cron string for scheduled log rotation purge: 5 0 0 * * *, '
                                           'error: the 1st field (indicating Seconds of time) of the cron setting must be 0')
    status, data, response = harbor.call('PUT', '/system/purgeaudit/schedule', {
        'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'},
        'parameters': {'audit_retention_hour': 240001, 'include_event_types': 'x'}})
    assert (status, error_of(data)[1]) == (400, 'bad request: audit_retention_hour should be less than 240000')


def test_replication_cron_follows_the_policy_model(harbor):
    """controller/replication/model/model.go Validate: parse, then seconds "0", then minutes not "*"."""
    data, response = harbor.ok('POST', '/registries', registry(), expect=201)
    registry_id = int(response.getheader('Location').rsplit('/', 1)[1])
    base = {'name': 'pull', 'src_registry': {'id': registry_id}, 'enabled': True}
    for cron, message in (('30 0 2 * * *', 'the 1st field (indicating Seconds of time) of the cron setting must be 0'),
                          ('0 * 2 * * *', '* is not allowed for the Minutes field of the cron setting of replication policy'),
                          ('0 0 2 * * 7', 'invalid cron string for scheduled trigger: 0 0 2 * * 7')):
        status, data, response = harbor.call('POST', '/replication/policies', dict(
            base, trigger={'type': 'scheduled', 'trigger_settings': {'cron': cron}}))
        assert (status, error_of(data)) == (400, ('BAD_REQUEST', message)), cron
    for item, message in (({'type': 'colour', 'value': 'red'}, 'invalid filter type'),
                          ({'type': 'name', 'value': 'a/**', 'decoration': 'matches'},
                           'only tag and label filter support decoration'),
                          ({'type': 'tag', 'value': 'v*', 'decoration': 'maybe'}, 'invalid filter decoration, :maybe'),
                          ({'type': 'resource', 'value': 'chart'}, 'invalid resource filter: chart')):
        status, data, response = harbor.call('POST', '/replication/policies', dict(base, filters=[item]))
        assert (status, error_of(data)) == (400, ('BAD_REQUEST', message)), item
    assert harbor.emulator.replication_policies == {}


def test_registry_url_as_harbor_validates_it(harbor):
    """lib.ValidateHTTPURL: no scheme means http://, the stored URL is scheme://host/path; errors as they are."""
    data, response = harbor.ok('POST', '/registries', registry(url='registry.example.com/v2/'), expect=201)
    registry_id = int(response.getheader('Location').rsplit('/', 1)[1])
    assert harbor.ok('GET', '/registries/%d' % registry_id)[0]['url'] == 'http://registry.example.com/v2'
    for url, message in (('ftp://mirror.example.com', 'invalid HTTP scheme: ftp'), (' ', 'empty string'),
                         ('not a url', 'invalid URL: parse "http://not a url": invalid character " " in host name')):
        status, data, response = harbor.call('POST', '/registries', registry(name='x', url=url))
        assert (status, error_of(data)) == (400, ('BAD_REQUEST', message)), url
    # any credential type is stored (pkg/reg/manager.go); ping needs a type and a URL
    harbor.ok('POST', '/registries', registry(name='odd', credential={'type': 'token', 'access_key': 'k',
                                                                      'access_secret': 's'}), expect=201)
    status, data, response = harbor.call('POST', '/registries/ping', {'url': 'https://registry-1.docker.io'})
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', 'type or url cannot be empty'))


def test_retention_rules_are_not_checked_beyond_harbor(harbor):
    """handler/retention.go and ValidateRetentionPolicy check the rule count, duplicates, scope and the cron
    only: a policy Harbor stores is stored (its rules are read when the job runs)."""
    project_id = harbor.create_project('keep')
    body = dict(retention(project_id), algorithm='and')
    body['rules'][0].update(template='whatever', params={}, tag_selectors=[])
    harbor.ok('POST', '/retentions', body, expect=201)
    status, data, response = harbor.call('POST', '/retentions', dict(retention(project_id), scope={'level': 'system', 'ref': 0}))
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', 'bad request: scope system is not support'))


def test_config_errors_follow_the_config_controller(harbor):
    """controller/config validateCfg: the item's type error, wrapped "item name <key>", as BadRequestError(err)."""
    for body, message in (
            ({'project_creation_restriction': 'nobody'}, 'bad request: item name project_creation_restriction: '
                                                         'invalid project_creation_restriction, should be adminonly or everyone'),
            ({'storage_per_project': -5}, 'bad request: invalid non-positive value for quota limit, value=-5'),
            ({'robot_token_duration': 0}, 'the robot_token_duration value must be positive')):
        status, data, response = harbor.call('PUT', '/configurations', body)
        assert (status, error_of(data)) == (400, ('BAD_REQUEST', message)), body


def test_robot_errors_follow_the_robot_handler(harbor):
    """handler/robot.go validateName, validate (duration, level, permissions) in that order; any effect is taken."""
    harbor.create_project('ci')
    for body, message in ((project_robot(level='global', duration=0), 'bad request error duration input: 0, duration '
                                                                        'must be either -1(Never) or a positive integer'),
                          (project_robot(level='global'), 'bad request error level input: global')):
        status, data, response = harbor.call('POST', '/robots', body)
        assert (status, error_of(data)) == (400, ('BAD_REQUEST', message))
    status, data, response = harbor.call('GET', '/robots?q=Level%3Dproject%2CProjectID%3D0')
    assert (status, error_of(data)) == (400, ('BAD_REQUEST', 'ProjectID must be a positive integer'))
    body = project_robot()
    body['permissions'][0]['access'][0]['effect'] = 'maybe'
    harbor.ok('POST', '/robots', body, expect=201)


# --- write log, counters and faults -----------------------------------------------------------------------

def test_reads_write_nothing_and_writes_are_logged(harbor):
    harbor.create_project('logged')
    harbor.emulator.reset()
    harbor.create_project('logged', metadata={'public': 'true'})
    for _attempt in range(3):
        harbor.ok('GET', '/projects/logged')
    harbor.call('POST', '/projects', {'project_name': 'logged'})  # 409: not a write
    emulator = harbor.emulator
    assert [(w.method, w.path, w.body, w.status) for w in emulator.writes] == [
        ('POST', '/projects', {'project_name': 'logged', 'metadata': {'public': 'true'}}, 201)]
    assert emulator.requests['GET'] == 3 and emulator.requests['POST'] == 2 and emulator.requests['total'] == 5
    assert emulator.count('GET', r'^/projects/logged$') == 3


def test_faults_on_harbor(harbor):
    emulator = harbor.emulator
    emulator.inject('status', status=503)
    status, data, response = harbor.call('GET', '/projects')
    assert status == 503 and error_of(data)[0] == 'UNKNOWN' and response.getheader('X-Request-Id')
    assert harbor.call('GET', '/projects')[0] == 200
    emulator.inject('429', retry_after=2)
    status, data, response = harbor.call('GET', '/projects')
    assert status == 429 and response.getheader('Retry-After') == '2'
    # a fault in the middle of a multi-request change: the 2nd member POST fails, the others land
    harbor.create_project('mid')
    emulator.inject('status', status=500, match='POST /members$', at=2)
    results = [harbor.call('POST', '/projects/mid/members', {'role_id': 2, 'member_group': {
        'group_name': 'g%d' % i, 'group_type': 3}})[0] for i in range(3)]
    assert results == [201, 500, 201]
    assert [w.body['member_group']['group_name'] for w in emulator.writes if w.path.endswith('/members')] == ['g0', 'g2']
