"""nexus_routing_rule, nexus_cleanup_policy, nexus_task, nexus_http_settings and nexus_blobstore's S3 options
through real ansible-playbook runs against the Nexus emulator (tests/emulators/nexus.py with the operations
endpoints of tests/emulators/nexus_ops.py), which validates every request and response against Nexus 3.94's
API description. One playbook covers the whole rhythm of every module, in both execution modes; the write log
proves that check mode wrote nothing and that each real change wrote exactly once."""

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
    task_ids = [w.path.split('/')[3] for w in nexus_emulator.writes if w.path.startswith('/v1/tasks/')]
    task = task_ids[0]
    assert writes(nexus_emulator) == [
        ('POST', '/v1/routing-rules'),
        ('PUT', '/v1/routing-rules/%s-block' % prefix),                 # mode: allow
        ('POST', '/v1/repositories/npm/proxy'),
        ('DELETE', '/v1/repositories/%s-npm' % prefix),
        ('DELETE', '/v1/routing-rules/%s-block' % prefix),
        ('POST', '/internal/cleanup-policies'),
        ('PUT', '/internal/cleanup-policies/%s-stale' % prefix),        # criteria replaced
        ('DELETE', '/internal/cleanup-policies/%s-stale' % prefix),
        ('POST', '/v1/tasks'),
        ('PUT', '/v1/tasks/%s' % task),                                 # cron schedule
        ('POST', '/v1/tasks/%s/run' % task),                            # run_now (check mode ran nothing)
        ('DELETE', '/v1/tasks/%s' % task),
        ('PUT', '/v1/http'),
        ('PUT', '/v1/http'),                                            # update_password=always
        ('PUT', '/v1/http'),                                            # proxy off
        ('POST', '/v1/blobstores/s3'),
        ('PUT', '/v1/blobstores/s3/%s-s3' % prefix),                    # SSE-S3
        ('DELETE', '/v1/blobstores/%s-s3' % prefix),
    ]
    # the refused delete of the rule in use was a request, not a write that took effect
    assert nexus_emulator.routing_rules == {}
    assert nexus_emulator.task_runs == [task]
    by_path = [(w.method, w.path, w.body) for w in nexus_emulator.writes]
    repo_body = by_path[2][2]
    assert repo_body['routingRuleName'] == '%s-block' % prefix
    task_body = by_path[8][2]
    # 03:00 at +01:00 is 02:00 UTC; the offset is sent as the schedule's time zone (as Nexus's UI does)
    assert task_body['frequency'] == {'schedule': 'weekly', 'startDate': 1767492000000, 'timeZoneOffset': '+01:00',
                                      'recurringDays': [1, 7]}
    assert by_path[9][2]['frequency'] == {'schedule': 'cron', 'cronExpression': '0 30 3 ? * SUN'}
    http = [body for method, path, body in by_path if path == '/v1/http']
    # the proxy password is sent when the user is first set and when rotated; otherwise the placeholder
    assert [h['httpProxy']['authInfo']['password'] for h in http] == [PROXY_SECRET, PROXY_SECRET, '']
    assert http[0]['httpProxy']['port'] == '3128' and http[0]['timeout'] == 60
    s3_create, s3_update = by_path[15][2], by_path[16][2]
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
