"""Bad input of nexus_privilege, nexus_content_selector, nexus_ldap and nexus_role's LDAP mapping: each case fails
naming the field, before any request reaches the Nexus emulator (the same path and checks as
tests/reliability/test_bad_input.py, whose fixture and runner this reuses)."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils import _nexus_role as NRO
from ansible_collections.maestro.platform.plugins.module_utils._nexus_content_selector import ContentSelector
from ansible_collections.maestro.platform.plugins.module_utils._nexus_ldap import Ldap
from ansible_collections.maestro.platform.plugins.module_utils._nexus_privilege import Privilege
from tests.reliability.test_bad_input import attempt, servers  # noqa: F401 (servers is a fixture)

VIEW = {'name': 'p', 'type': 'repository-view', 'format': 'pypi', 'repository': 'r', 'actions': ['read']}
LDAP = {'name': 'corp', 'protocol': 'ldaps', 'host': 'ldap.example.com', 'search_base': 'dc=example,dc=com',
        'auth_scheme': 'none'}

# (id, operation class, task arguments, the field the message must name)
CASES = [
    ('privilege-name-pattern', Privilege, dict(VIEW, name='_hidden'), 'name'),
    ('privilege-type-enum', Privilege, dict(VIEW, type='repository-browse'), 'type'),
    ('privilege-type-required', Privilege, {'name': 'p', 'pattern': 'nexus:*'}, 'type'),
    ('privilege-action-for-type', Privilege, dict(VIEW, actions=['read', 'run']), 'actions'),
    ('privilege-application-browse', Privilege, {'name': 'p', 'type': 'application', 'domain': 'users',
                                                 'actions': ['browse']}, 'actions'),
    ('privilege-empty-actions', Privilege, dict(VIEW, actions=[]), 'actions'),
    ('privilege-option-of-other-type', Privilege, dict(VIEW, pattern='nexus:*'), 'pattern'),
    ('privilege-wildcard-actions', Privilege, {'name': 'p', 'type': 'wildcard', 'pattern': 'nexus:*',
                                               'actions': ['read']}, 'actions'),
    ('privilege-script-domain', Privilege, {'name': 'p', 'type': 'script', 'script_name': 's', 'domain': 'x',
                                            'actions': ['run']}, 'domain'),
    ('privilege-blank-repository', Privilege, dict(VIEW, repository=' '), 'repository'),
    ('selector-name-pattern', ContentSelector, {'name': 'a b', 'expression': 'format == "raw"'}, 'name'),
    ('selector-unknown-identifier', ContentSelector, {'name': 's', 'expression': 'repository == "raw"'},
     'expression'),
    ('selector-unclosed-string', ContentSelector, {'name': 's', 'expression': 'format == "raw'}, 'expression'),
    ('selector-empty-expression', ContentSelector, {'name': 's', 'expression': ' '}, 'expression'),
    ('ldap-port-range', Ldap, dict(LDAP, port=70000), 'port'),
    ('ldap-timeout-range', Ldap, dict(LDAP, connection_timeout=0), 'connection_timeout'),
    ('ldap-negative-retries', Ldap, dict(LDAP, max_incidents_count=-1), 'max_incidents_count'),
    ('ldap-protocol-enum', Ldap, dict(LDAP, protocol='ldapx'), 'protocol'),
    ('ldap-scheme-enum', Ldap, dict(LDAP, auth_scheme='kerberos'), 'auth_scheme'),
    ('ldap-group-type-enum', Ldap, dict(LDAP, group_type='nested'), 'group_type'),
    ('ldap-empty-host', Ldap, dict(LDAP, host=''), 'host'),
    ('ldap-empty-password', Ldap, dict(LDAP, auth_password=''), 'auth_password'),
    ('role-source-enum', NRO.Role, {'id': 'devs', 'source': 'AD'}, 'source'),
]


@pytest.mark.parametrize('case,family,cls,args,field',
                         [pytest.param(c[0], 'nexus', c[1], c[2], c[3], id=c[0]) for c in CASES])
def test_bad_input_is_rejected_before_any_request(servers, case, family, cls, args, field):  # noqa: F811
    connection, requests = servers
    before = requests()
    message = attempt(cls, dict(connection, **args))
    assert message is not None, 'accepted: %r' % (args,)
    assert requests() - before == 0, 'a request before rejecting: %s' % message
    assert field.lower() in message.lower(), 'the message does not name %s: %s' % (field, message)
