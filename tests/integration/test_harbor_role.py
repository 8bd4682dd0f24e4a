"""The harbor role's image-security settings from inventory variables (harbor_scanners, harbor_labels,
harbor_cve_allowlist, project cosign enforcement and vulnerability blocking), configure-only against the Harbor
emulator (tests/emulators/harbor.py: every request and response checked against Harbor's v2.15.2 API description;
like a Harbor installed with Trivy, it holds Harbor's own immutable "Trivy" registration). A typo in a project
entry and projects that scan without a scanner are refused before any request."""

import pytest
import yaml

from tests.helpers import run_phases_alone, run_playbook

SECURITY = {
    'harbor_projects': [
        {'name': 'releases', 'auto_scan': True, 'prevent_vulnerable': True, 'severity': 'high',
         'content_trust_cosign': True, 'reuse_sys_cve_allowlist': True},
        {'name': 'scratch', 'cve_allowlist': ['CVE-2024-3094']},
    ],
    'harbor_scanners': [{'name': 'Trivy', 'default': True}],
    'harbor_labels': [{'name': 'release', 'color': '#0065AB', 'description': 'In production'},
                      {'name': 'candidate', 'project': 'releases'}],
    'harbor_cve_allowlist': {'cves': ['CVE-2023-44487'], 'expires_at': 1798761600},
}


def _inventory(tmp_path, emulator, **overrides):
    values = {'harbor_install': False, 'harbor_url': emulator.base_url,
              'harbor_admin_password': emulator.admin_password, 'harbor_trivy_enabled': True}
    values.update(SECURITY)
    values.update(overrides)
    (tmp_path / 'group_vars').mkdir(exist_ok=True)
    (tmp_path / 'group_vars' / 'all.yml').write_text(yaml.safe_dump(values))
    (tmp_path / 'hosts.yml').write_text(yaml.safe_dump(
        {'harbor': {'hosts': {'localhost': {'ansible_connection': 'local'}}}}))
    return tmp_path / 'hosts.yml'


def test_image_security_from_inventory(tmp_path, harbor_emulator):
    inventory = _inventory(tmp_path, harbor_emulator)
    first = run_playbook('harbor_role.yml', inventory=inventory)
    assert first.ok, str(first)
    second = run_playbook('harbor_role.yml', inventory=inventory)
    assert second.ok and 'changed=0' in second.stdout, str(second)
    releases = harbor_emulator.project('releases')['metadata']
    assert {k: releases.get(k) for k in ('auto_scan', 'prevent_vul', 'severity', 'enable_content_trust_cosign',
                                         'reuse_sys_cve_allowlist')} == {
        'auto_scan': 'true', 'prevent_vul': 'true', 'severity': 'high', 'enable_content_trust_cosign': 'true',
        'reuse_sys_cve_allowlist': 'true'}
    assert [i['cve_id'] for i in harbor_emulator.project('scratch')['cve_allowlist']['items']] == ['CVE-2024-3094']
    assert harbor_emulator.system_allowlist['items'] == [{'cve_id': 'CVE-2023-44487'}]
    assert harbor_emulator.system_allowlist['expires_at'] == 1798761600
    assert harbor_emulator.label('release')['color'] == '#0065AB'
    assert harbor_emulator.label('candidate', harbor_emulator.project('releases')['project_id']) is not None
    assert harbor_emulator.scanner('Trivy')['is_default'] and len(harbor_emulator.scanners) == 1
    assert not [w for w in harbor_emulator.writes if w.path.startswith('/scanners')]  # Trivy is already the default


@pytest.mark.parametrize('case,overrides,message', [
    ('typo', {'harbor_projects': [{'name': 'releases', 'content_trust_cosgin': True}]},
     'content_trust_cosgin'),
    ('no-scanner', {'harbor_trivy_enabled': False},
     'Projects releases scan images (auto_scan or prevent_vulnerable), but Harbor would have no scanner'),
])
def test_refused_before_any_request(tmp_path, harbor_emulator, case, overrides, message):
    result = run_playbook('harbor_role.yml', inventory=_inventory(tmp_path, harbor_emulator, **overrides))
    assert not result.ok
    assert message in result.stdout, result.stdout[-3000:]
    assert harbor_emulator.log == []


POLICIES = {
    'harbor_configuration': {'config': {'robot_token_duration': '90', 'project_creation_restriction': 'adminonly'}},
    'harbor_registries': [{'name': 'dockerhub', 'type': 'docker-hub', 'endpoint_url': 'https://hub.docker.com'}],
    'harbor_replication_policies': [{'name': 'pull-python', 'source_registry': 'dockerhub',
                                     'filters': [{'type': 'name', 'value': 'library/python'}]}],
    'harbor_retention_policies': [{'project': 'releases', 'rules': [{'retain': 'latest_pushed', 'count': 10}]}],
    'harbor_immutable_rules': [{'project': 'releases', 'tags': 'v*'}],
    'harbor_schedules': [{'job': 'gc', 'cron': '0 0 2 * * 6', 'workers': 2}],
}


def test_policies_and_system_configuration_from_inventory(tmp_path, harbor_emulator):
    """The rest of a Harbor configuration from inventory variables: system settings, replication, retention,
    immutable tags and the GC schedule, each written once and unchanged by a second run."""
    inventory = _inventory(tmp_path, harbor_emulator, **POLICIES)
    first = run_playbook('harbor_role.yml', inventory=inventory)
    assert first.ok, str(first)
    written = sorted({'%s %s' % (w.method, w.path.split('/')[1]) for w in harbor_emulator.writes})
    for expected in ('PUT configurations', 'POST registries', 'POST replication', 'POST retentions',
                     'POST projects', 'POST system'):
        assert any(w.startswith(expected) for w in written), (expected, written)
    assert harbor_emulator.config['robot_token_duration'] == 90
    assert [p['name'] for p in harbor_emulator.replication_policies.values()] == ['pull-python']
    assert harbor_emulator.schedules['gc'] is not None
    count = len(harbor_emulator.writes)
    second = run_playbook('harbor_role.yml', inventory=inventory)
    assert second.ok and 'changed=0' in second.stdout, str(second)
    assert len(harbor_emulator.writes) == count
    # The phases alone on the converged Harbor (docs/roles.md).
    run_phases_alone('harbor_role.yml', 'harbor', 'Registry endpoints', 'Every project is served',
                     inventory=inventory)
    assert len(harbor_emulator.writes) == count
