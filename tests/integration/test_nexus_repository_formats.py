"""nexus_repository's huggingface, conda, apt, yum, go and helm repositories, and names that differ only in
case, through real ansible-playbook runs against the Nexus emulator (tests/emulators/nexus.py with
tests/emulators/nexus_formats.py), which validates every request and response against Nexus 3.94's official
API description. Both execution modes; the write log proves check mode wrote nothing; the PGP signing key and
its passphrase reach Nexus only when they must and are never shown."""

import pytest

from tests.helpers import run_playbook

MODES = ['controller', 'module']
# a stand-in armored key: Nexus would parse it, the emulator only stores it (it is never shown)
SIGNING_KEY = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nstand-in-key-material\n-----END PGP PRIVATE KEY BLOCK-----\n'
PASSPHRASE = 'Pgp-passphrase-for-apt'


def run(emulator, playbook, prefix, mode, **extra):
    extra_vars = {'nexus_url': emulator.base_url, 'nexus_password': emulator.admin_password, 'prefix': prefix,
                  'maestro_platform_execution': mode}
    extra_vars.update(extra)
    result = run_playbook(playbook, extra_vars=extra_vars, verbosity=1, diff=True)
    assert result.ok, str(result)
    return result


@pytest.mark.parametrize('mode', MODES)
def test_formats_rhythm(nexus_emulator, prefix, mode):
    kinds = [('apt', 'proxy'), ('yum', 'hosted'), ('yum', 'proxy'), ('yum', 'group'), ('huggingface', 'proxy'),
             ('conda', 'proxy'), ('conda', 'hosted'), ('conda', 'group'), ('go', 'proxy'), ('go', 'group'),
             ('helm', 'proxy'), ('helm', 'hosted')]
    # As ordinary modules (~0.5 s a task), only the kinds with format-specific code: conda, go and helm take the
    # same path as the first five, and the in-process run covers them.
    kinds = kinds if mode == 'controller' else kinds[:5]
    result = run(nexus_emulator, 'nexus_repository_formats.yml', prefix, mode, signing_key=SIGNING_KEY,
                 signing_passphrase=PASSPHRASE, kinds=len(kinds))
    names = ['%s-%s-%s' % (prefix, 'hf' if fmt == 'huggingface' else fmt, rtype) for fmt, rtype in kinds]
    apt_hosted = '%s-apt-hosted' % prefix
    assert [(w.method, w.path) for w in nexus_emulator.writes] == (
        [('POST', '/v1/repositories/apt/hosted'),
         ('PUT', '/v1/repositories/apt/hosted/%s' % apt_hosted)]                        # update_password=always
        + [('POST', '/v1/repositories/%s/%s' % kind) for kind in kinds]
        + [('PUT', '/v1/repositories/yum/proxy/%s-yum-proxy' % prefix),               # signing key added
           ('PUT', '/v1/repositories/yum/hosted/%s-yum-hosted' % prefix)]             # repodata depth
        # the name differing only in case: no write at all
        + [('DELETE', '/v1/repositories/%s' % name) for name in reversed(names)]
        + [('DELETE', '/v1/repositories/%s' % apt_hosted)])
    # the apt key and passphrase were sent on create and on the forced update; the yum key once
    signing = [(w.body.get('aptSigning'), w.body.get('yumSigning')) for w in nexus_emulator.writes
               if w.method in ('POST', 'PUT') and ('/apt/' in w.path or '/yum/proxy' in w.path)]
    both = {'keypair': SIGNING_KEY, 'passphrase': PASSPHRASE}
    assert signing == [(both, None), (both, None), (None, None), (None, None),
                       (None, {'keypair': SIGNING_KEY})]
    create_yum = next(w for w in nexus_emulator.writes if w.path == '/v1/repositories/yum/hosted')
    assert create_yum.body['yum'] == {'repodataDepth': 2, 'deployPolicy': 'PERMISSIVE'}
    output = ' '.join((result.stdout + result.stderr).split())  # Ansible wraps warnings
    assert 'Nexus repository names ignore case' in output  # the warning
    for secret in ('stand-in-key-material', PASSPHRASE, nexus_emulator.admin_password):
        assert secret not in output


def test_bad_input_is_refused_before_any_write(nexus_emulator, prefix):
    # Controller mode only: the checks are the same code in both modes (the rhythm shows ordinary modules).
    bad_key = 'not-armored-%s' % prefix  # the playbook checks that the message does not echo it
    run(nexus_emulator, 'nexus_formats_bad_input.yml', prefix, 'controller', bad_key=bad_key)
    # the only request: the read of the last task, which needs to know whether the repository exists
    assert [(e.method, e.path) for e in nexus_emulator.log] == [
        ('GET', '/v1/repositories/apt/hosted/%s-apt' % prefix)]
    assert nexus_emulator.writes == []


def test_role_configures_the_new_formats_idempotently(nexus_emulator, prefix):
    nexus_emulator.set_admin_password('Adm1n-%s' % prefix)
    nexus_emulator.eula_accepted = True
    extra = {'nexus_url': nexus_emulator.base_url, 'nexus_password': nexus_emulator.admin_password, 'prefix': prefix,
             'signing_key': SIGNING_KEY}
    first = run_playbook('nexus_role_formats.yml', extra_vars=extra)
    assert first.ok, str(first)
    created = [(w.method, w.path) for w in nexus_emulator.writes]
    assert [path for method, path in created if method == 'POST'] == [
        '/v1/repositories/%s' % kind for kind in ('huggingface/proxy', 'conda/proxy', 'apt/proxy', 'apt/hosted',
                                                  'yum/hosted', 'go/proxy', 'go/group', 'helm/hosted')]
    assert nexus_emulator.signing_secret('%s-apt-internal' % prefix)['keypair'] == SIGNING_KEY
    again = run_playbook('nexus_role_formats.yml', extra_vars=extra)
    assert again.ok and 'changed=0' in again.stdout, str(again)
    assert [(w.method, w.path) for w in nexus_emulator.writes] == created
    assert 'stand-in-key-material' not in first.stdout + again.stdout
