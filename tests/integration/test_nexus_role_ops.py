"""The nexus role configures the Nexus operations objects from inventory variables: the role runs in
configure-only mode against the Nexus emulator (spec-validated, tests/emulators/nexus_ops.py) with an inventory
whose group variables hold cleanup policies, routing rules, tasks, HTTP settings and S3 blob store options. The
write log shows the order (cleanup policies and routing rules before the repositories that name them, tasks
after the blob stores and repositories), and a second run changes nothing."""

import yaml

from tests.helpers import run_phases_alone, run_playbook

PROXY_SECRET = 'role-proxy-Secr3t'
S3_SECRET = 'role-S3-secret'


def inventory(tmp_path, emulator, prefix):
    group_vars = {
        'ansible_connection': 'local',
        'ansible_python_interpreter': '{{ ansible_playbook_python }}',
        'nexus_install': False,
        'nexus_url': emulator.base_url,
        'nexus_admin_password': emulator.admin_password,
        'nexus_accept_eula': True,
        'nexus_http_settings': {'connection_timeout': 45, 'non_proxy_hosts': ['localhost'],
                                'http_proxy': {'host': 'proxy.example.com', 'port': 3128, 'username': 'nexus',
                                               'password': PROXY_SECRET}},
        'nexus_blob_stores': [{'name': '%s-s3' % prefix, 'type': 's3', 'bucket': '%s-blobs' % prefix,
                               'region': 'eu-west-1', 'access_key_id': 'nexus', 'secret_access_key': S3_SECRET,
                               'signer_type': 'AWSS3V4SignerType', 'encryption_type': 's3_managed',
                               'max_connection_pool_size': 64}],
        'nexus_cleanup_policies': [{'name': '%s-stale' % prefix, 'format': 'maven',
                                    'criteria': {'last_downloaded': 90}}],
        'nexus_routing_rules': [{'name': '%s-block' % prefix, 'mode': 'block', 'matchers': ['^/com/example/.*']}],
        'nexus_repositories': [{'name': '%s-maven' % prefix, 'format': 'maven', 'type': 'proxy',
                                'remote_url': 'https://repo1.maven.org/maven2/', 'blob_store': '%s-s3' % prefix,
                                'cleanup_policies': ['%s-stale' % prefix], 'routing_rule': '%s-block' % prefix}],
        'nexus_tasks': [{'name': '%s-compact' % prefix, 'type': 'blobstore.compact',
                         'properties': {'blobstoreName': '%s-s3' % prefix},
                         'schedule': {'type': 'daily', 'start': '2026-01-01T04:00:00Z'}}],
    }
    path = tmp_path / 'inventory.yml'
    path.write_text(yaml.safe_dump({'all': {'children': {'nexus_hosts': {'hosts': {'localhost': None},
                                                                         'vars': group_vars}}}}))
    return path


def test_role_converges_operations_from_inventory(tmp_path, nexus_emulator, prefix):
    nexus_emulator.edition = 'PRO'  # the HTTP settings API is Nexus Pro's
    nexus_emulator.eula_accepted = True
    path = inventory(tmp_path, nexus_emulator, prefix)
    first = run_playbook('nexus_role_ops.yml', inventory=path)
    assert first.ok, str(first)
    writes = [(w.method, w.path) for w in nexus_emulator.writes]
    assert writes == [
        ('PUT', '/v1/http'),
        ('POST', '/v1/blobstores/s3'),
        ('POST', '/internal/cleanup-policies'),
        ('POST', '/v1/routing-rules'),
        ('POST', '/v1/repositories/maven/proxy'),
        ('POST', '/v1/tasks'),
    ], writes
    repo = nexus_emulator.repository('%s-maven' % prefix)
    assert repo['routingRuleName'] == '%s-block' % prefix and repo['cleanup']['policyNames'] == ['%s-stale' % prefix]
    conf = nexus_emulator.writes[1].body['bucketConfiguration']
    assert conf['advancedConnection']['signerType'] == 'AWSS3V4SignerType'
    assert conf['encryption'] == {'encryptionType': 's3ManagedEncryption'}
    assert nexus_emulator.http_secret('httpProxy') == PROXY_SECRET
    second = run_playbook('nexus_role_ops.yml', inventory=path)
    assert second.ok and 'changed=0' in second.stdout, str(second)
    assert len(nexus_emulator.writes) == len(writes)
    # The phases alone on the converged Nexus (docs/roles.md).
    run_phases_alone('nexus_role_ops.yml', 'nexus', 'Outbound HTTP settings', 'Every repository is served',
                     inventory=path)
    assert len(nexus_emulator.writes) == len(writes)
    for secret in (PROXY_SECRET, S3_SECRET, nexus_emulator.admin_password):
        assert secret not in first.stdout + second.stdout
