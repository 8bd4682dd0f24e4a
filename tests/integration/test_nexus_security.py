"""nexus_ldap and nexus_role's LDAP mapping through real ansible-playbook runs against the Nexus emulator, in both
execution modes: the bind password in the bodies, the secret scan of the output, the directory's groups seeded
into the emulator. nexus_content_selector's and nexus_privilege's rhythms are ansible-test targets
(tests/integration/targets).

Nexus cannot run here: tests/emulators/nexus.py (with its security mixin, tests/emulators/nexus_security.py)
validates every request and response against Nexus 3.94's API description and follows Nexus's source where
it is public (privileges, content selectors, roles) and its UI code and API description where it is not (LDAP).
The write log proves check mode wrote nothing and that refused inputs wrote nothing.
"""

import pytest

from tests.integration.test_nexus_modules import MODES, run, writes


@pytest.mark.parametrize('mode', MODES)
def test_ldap_rhythm(nexus_emulator, prefix, mode):
    secrets = ('Bind-pass-1-%s' % prefix, 'Bind-pass-2-%s' % prefix)
    nexus_emulator.ldap_groups.add('%s-ldap-devs' % prefix)
    result = run(nexus_emulator, 'nexus_security_objects.yml', prefix, mode, bind_secret=secrets[0],
                 bind_secret_2=secrets[1])
    assert writes(nexus_emulator) == [
        ('POST', '/v1/security/ldap'),
        ('PUT', '/v1/security/ldap/%s-corp' % prefix),                      # update_password=always
        ('PUT', '/v1/security/ldap/%s-corp' % prefix),                      # connection_timeout
        ('PUT', '/v1/security/realms/active'),
        ('POST', '/v1/security/roles'),
        ('DELETE', '/v1/security/roles/%s-ldap-devs' % prefix),
        ('DELETE', '/v1/security/ldap/%s-corp' % prefix),
    ]
    ldap_writes = [w for w in nexus_emulator.writes if w.path.startswith('/v1/security/ldap')]
    assert [w.body.get('authPassword') for w in ldap_writes[:3]] == [secrets[0], secrets[1], secrets[1]]
    assert ldap_writes[1].body['id'] and ldap_writes[1].body['groupType'] == 'STATIC'
    # the role that maps the group: looked up in the LDAP source before it was created
    assert nexus_emulator.count('GET', r'^/v1/security/roles/%s-ldap-devs$' % prefix) >= 1
    assert not any(s in result.stdout for s in secrets)
    assert nexus_emulator.admin_password not in result.stdout
