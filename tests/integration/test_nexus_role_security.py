"""roles/nexus converges LDAP connections, content selectors, privileges, LDAP-mapped roles and local users from inventory
variables (configure-only, against the spec-validated Nexus emulator): check mode writes nothing, the first
run writes each object once in dependency order, the second changes nothing; a misspelt option of an entry is
refused by the role's argument spec and LDAP connections without the LdapRealm by its preflight, both before
any request.
"""

import yaml

from tests.helpers import run_playbook


def _inventory(tmp_path, emulator, prefix, **overrides):
    group_vars = {
        'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}',
        'nexus_install': False, 'nexus_url': emulator.base_url, 'nexus_admin_password': emulator.admin_password,
        'nexus_accept_eula': True,
        'nexus_realms': ['NexusAuthenticatingRealm', 'LdapRealm'],
        'nexus_repositories': [{'name': prefix + '-pypi', 'format': 'pypi', 'type': 'hosted',
                                'write_policy': 'allow_once'}],
        'nexus_ldap': [{'name': prefix + '-corp', 'protocol': 'ldaps', 'host': 'ldap.example.com',
                        'search_base': 'dc=example,dc=com', 'auth_scheme': 'simple', 'auth_username': 'cn=nexus',
                        'auth_password': 'Bind-%s' % prefix, 'ldap_groups_as_roles': True, 'group_type': 'dynamic',
                        'user_member_of_attribute': 'memberOf'}],
        'nexus_content_selectors': [{'name': prefix + '-team-a', 'expression': 'format == "pypi"'}],
        'nexus_privileges': [
            {'name': prefix + '-team-a-read', 'type': 'repository-content-selector',
             'content_selector': prefix + '-team-a', 'format': 'pypi', 'repository': '*', 'actions': ['read']},
            {'name': prefix + '-publish', 'type': 'repository-view', 'format': 'pypi', 'repository': prefix + '-pypi',
             'actions': ['read', 'add']}],
        'nexus_roles': [
            {'id': prefix + '-readers', 'privileges': [prefix + '-team-a-read']},
            {'id': prefix + '-ldap-devs', 'source': 'LDAP', 'privileges': [prefix + '-publish'],
             'roles': [prefix + '-readers']}],
        'nexus_users': [{'user_id': prefix + '-ci', 'first_name': 'CI', 'last_name': 'Publisher',
                         'email': 'ci@example.org', 'user_password': 'Publish-%s-pw' % prefix,
                         'roles': [prefix + '-readers']}],
    }
    group_vars.update(overrides)
    (tmp_path / 'group_vars').mkdir(exist_ok=True)
    (tmp_path / 'group_vars' / 'all.yml').write_text(yaml.safe_dump(group_vars))
    (tmp_path / 'hosts.yml').write_text(yaml.safe_dump({'all': {'hosts': {'nexus-config': {}}}}))
    return tmp_path / 'hosts.yml'


def _writes(emulator):
    return [(w.method, w.path) for w in emulator.writes]


def test_role_converges_security_objects_from_inventory(nexus_emulator, prefix, tmp_path):
    nexus_emulator.eula_accepted = True
    nexus_emulator.ldap_groups.add(prefix + '-ldap-devs')
    inventory = _inventory(tmp_path, nexus_emulator, prefix)
    checked = run_playbook('nexus_role_security.yml', inventory=inventory, check=True)
    assert checked.ok and _writes(nexus_emulator) == [], str(checked)
    first = run_playbook('nexus_role_security.yml', inventory=inventory)
    assert first.ok, str(first)
    assert _writes(nexus_emulator) == [
        ('PUT', '/v1/security/realms/active'),
        ('POST', '/v1/repositories/pypi/hosted'),
        ('POST', '/v1/security/ldap'),
        ('POST', '/v1/security/content-selectors'),
        ('POST', '/v1/security/privileges/repository-content-selector'),
        ('POST', '/v1/security/privileges/repository-view'),
        ('POST', '/v1/security/roles'),
        ('POST', '/v1/security/roles'),
        ('POST', '/v1/security/users'),
    ]
    assert nexus_emulator.roles[prefix + '-ldap-devs']['roles'] == [prefix + '-readers']
    written = len(nexus_emulator.writes)
    again = run_playbook('nexus_role_security.yml', inventory=inventory)
    assert again.ok and 'changed=0' in again.stdout, again.stdout
    assert len(nexus_emulator.writes) == written
    assert 'Bind-%s' % prefix not in first.stdout + again.stdout
    assert 'Publish-%s-pw' % prefix not in first.stdout + again.stdout
    assert nexus_emulator.users[prefix + '-ci']['roles'] == [prefix + '-readers']


def test_role_refuses_a_misspelt_option_and_ldap_without_its_realm(nexus_emulator, prefix, tmp_path):
    (tmp_path / 'typo').mkdir()
    (tmp_path / 'realm').mkdir()
    typo = _inventory(tmp_path / 'typo', nexus_emulator, prefix, nexus_privileges=[
        {'name': 'p', 'type': 'wildcard', 'patern': 'nexus:*'}])
    result = run_playbook('nexus_role_security.yml', inventory=typo)
    assert not result.ok and 'patern' in result.stdout, result.stdout
    realm = _inventory(tmp_path / 'realm', nexus_emulator, prefix, nexus_realms=['NexusAuthenticatingRealm'])
    result = run_playbook('nexus_role_security.yml', inventory=realm)
    assert not result.ok and 'add LdapRealm to nexus_realms' in result.stdout, result.stdout
    assert nexus_emulator.requests['total'] == 0
