"""nexus_http_settings and nexus_blobstore's S3 options (the operations settings that carry secrets: their
bodies and the scan of the output) through real ansible-playbook runs against the Nexus emulator
(tests/emulators/nexus.py with the operations endpoints of tests/emulators/nexus_ops.py), which validates every
request and response against Nexus 3.94's API description, in both execution modes; the write log proves that
check mode wrote nothing and that each real change wrote exactly once. The rhythms of nexus_routing_rule,
nexus_cleanup_policy and nexus_task are ansible-test targets (tests/integration/targets)."""

import pytest

from tests.integration.test_nexus_modules import MODES, run, writes

PROXY_SECRET = 'proxy-Secr3t-never-shown'
S3_SECRET = 'S3-secret-never-shown'
SESSION_TOKEN = 'session-token-never-shown'
PLACEHOLDER = '#~NXRM~PLACEHOLDER~PASSWORD~#'


@pytest.mark.parametrize('mode', MODES)
def test_operations_rhythm(nexus_emulator, prefix, mode):
    nexus_emulator.edition = 'PRO'  # /v1/http is served by Nexus Pro only
    result = run(nexus_emulator, 'nexus_ops.yml', prefix, mode, proxy_secret=PROXY_SECRET, s3_secret=S3_SECRET,
                 session_token=SESSION_TOKEN)
    assert writes(nexus_emulator) == [
        ('PUT', '/v1/http'),
        ('PUT', '/v1/http'),                                            # update_password=always
        ('PUT', '/v1/http'),                                            # proxy off
        ('POST', '/v1/blobstores/s3'),
        ('PUT', '/v1/blobstores/s3/%s-s3' % prefix),                    # SSE-S3
        ('DELETE', '/v1/blobstores/%s-s3' % prefix),
    ]
    by_path = [(w.method, w.path, w.body) for w in nexus_emulator.writes]
    http = [body for method, path, body in by_path if path == '/v1/http']
    # the proxy password is sent when the user is first set and when rotated; otherwise the placeholder
    assert [h['httpProxy']['authInfo']['password'] for h in http] == [PROXY_SECRET, PROXY_SECRET, '']
    assert http[0]['httpProxy']['port'] == '3128' and http[0]['timeout'] == 60
    s3_create, s3_update = by_path[3][2], by_path[4][2]
    conf = s3_create['bucketConfiguration']
    # the JSON names Nexus's S3BlobStoreApiModel reads
    assert conf['security'] == {'accessKeyId': 'ASIAEXAMPLE', 'secretAccessKey': S3_SECRET,
                                'sessionToken': SESSION_TOKEN, 'role': 'arn:aws:iam::123456789012:role/nexus-blobs'}
    assert conf['advancedConnection'] == {'signerType': 'AWSS3V4SignerType', 'maxConnectionPoolSize': 200,
                                          'forcePathStyle': False}
    assert conf['encryption'] == {'encryptionType': 'kmsManagedEncryption', 'encryptionKey': 'alias/nexus'}
    security = s3_update['bucketConfiguration']['security']
    assert security['secretAccessKey'] == PLACEHOLDER and security['sessionToken'] == PLACEHOLDER
    assert s3_update['bucketConfiguration']['encryption'] == {'encryptionType': 's3ManagedEncryption'}
    for secret in (PROXY_SECRET, S3_SECRET, SESSION_TOKEN, nexus_emulator.admin_password):
        assert secret not in result.stdout
