"""Bad input: a catalogue of invalid task arguments across the modules, each rejected before any request
and naming the field to fix (role variables: tests/reliability/test_role_bad_input.py).

Every case goes through the path the action plugin takes (plugins/plugin_utils/_fast_action.py): raw type
checks, the module's argument spec, the connection options (make_client), then the module's logic, with the
connection pointed at a server that counts requests (the Harbor and Nexus emulators, the fault proxy in
front of MLflow and of the MinIO endpoint). A case passes when it fails with a message naming the field
and the server saw no request at all. dvc_remote writes local files: its cases must leave them untouched.
"""

import os

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.maestro.platform.plugins.module_utils import _dvc as D
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project as HPR
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_member as HM
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_robot_account as HR
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_cve_allowlist as HC
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_label as HL
from ansible_collections.maestro.platform.plugins.module_utils._harbor_registry import Registry
from ansible_collections.maestro.platform.plugins.module_utils._harbor_replication_policy import ReplicationPolicy
from ansible_collections.maestro.platform.plugins.module_utils._harbor_retention_policy import RetentionPolicy
from ansible_collections.maestro.platform.plugins.module_utils._harbor_schedule import Schedule
from ansible_collections.maestro.platform.plugins.module_utils._harbor_webhook import Webhook
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_project_member_info as HMI
from ansible_collections.maestro.platform.plugins.module_utils import _harbor_scanner as HS
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_experiment as ME
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_model_version as MV
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_registered_model as MR
from ansible_collections.maestro.platform.plugins.module_utils import _minio_bucket as MIB
from ansible_collections.maestro.platform.plugins.module_utils import _minio_policy as MIP
from ansible_collections.maestro.platform.plugins.module_utils import _minio_user as MIU
from ansible_collections.maestro.platform.plugins.module_utils import _mlflow_migrate as MM
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_user as NU
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_role as NRO
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_security as NSE
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_admin_password as NAP
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_repository as NR
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_pypi_migrate as NP
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_blobstore as NB
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_cleanup_policy as NCP
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_http_settings as NHS
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_routing_rule as NRR
from ansible_collections.maestro.platform.plugins.module_utils import _nexus_task as NT
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from tests.reliability import summary
from tests.servers import S3_KEYS

POLICY = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject'],
                                                  'Resource': ['arn:aws:s3:::b/*']}]}
PERM = [{'access': [{'resource': 'repository', 'action': 'pull'}]}]

# (id, family, operation class, task arguments, the field the message must name)
CASES = [
    # -- MLflow: names, URLs, tags, enums, types, exclusive options
    ('mlflow-empty-name', 'mlflow', ME.Experiment, {'name': ''}, 'name'),
    ('mlflow-padded-name', 'mlflow', ME.Experiment, {'name': ' exp '}, 'name'),
    ('mlflow-name-list', 'mlflow', ME.Experiment, {'name': ['a', 'b']}, 'name'),
    ('mlflow-name-number', 'mlflow', ME.Experiment, {'name': 123}, 'name'),
    ('mlflow-reserved-tag', 'mlflow', ME.Experiment, {'name': 'e', 'tags': {'mlflow.user': 'x'}}, 'tags'),
    ('mlflow-tag-value-list', 'mlflow', ME.Experiment, {'name': 'e', 'tags': {'a': ['x']}}, 'tags'),
    ('mlflow-blank-artifact-location', 'mlflow', ME.Experiment, {'name': 'e', 'artifact_location': ' '},
     'artifact_location'),
    ('mlflow-state-enum', 'mlflow', ME.Experiment, {'name': 'e', 'state': 'gone'}, 'state'),
    ('mlflow-file-uri', 'mlflow', ME.Experiment, {'name': 'e', 'tracking_uri': 'file:///tmp/mlruns'}, 'tracking_uri'),
    ('mlflow-not-a-url', 'mlflow', ME.Experiment, {'name': 'e', 'tracking_uri': 'mlflow server'}, 'tracking_uri'),
    ('mlflow-zero-timeout', 'mlflow', ME.Experiment, {'name': 'e', 'timeout': 0}, 'timeout'),
    ('mlflow-timeout-type', 'mlflow', ME.Experiment, {'name': 'e', 'timeout': 'soon'}, 'timeout'),
    ('mlflow-token-and-user', 'mlflow', ME.Experiment, {'name': 'e', 'token': 't', 'username': 'u', 'password': 'p'},
     'token'),
    ('mlflow-user-without-password', 'mlflow', ME.Experiment, {'name': 'e', 'username': 'u'}, 'password'),
    ('mlflow-purge-tags-type', 'mlflow', ME.Experiment, {'name': 'e', 'purge_tags': 'perhaps'}, 'purge_tags'),
    ('mlflow-reserved-alias', 'mlflow', MR.RegisteredModel, {'name': 'm', 'aliases': {'latest': 1}}, 'aliases'),
    ('mlflow-alias-version-word', 'mlflow', MR.RegisteredModel, {'name': 'm', 'aliases': {'champion': 'one'}},
     'aliases'),
    ('mlflow-alias-name', 'mlflow', MR.RegisteredModel, {'name': 'm', 'aliases': {'bad alias!': 1}}, 'aliases'),
    ('mlflow-version-zero', 'mlflow', MV.ModelVersion, {'name': 'm', 'version': '0'}, 'version'),
    ('mlflow-version-missing-source', 'mlflow', MV.ModelVersion, {'name': 'm'}, 'source'),
    ('mlflow-stage-enum', 'mlflow', MV.ModelVersion, {'name': 'm', 'version': '1', 'stage': 'Live'}, 'stage'),
    ('mlflow-info-name-and-filter', 'mlflow', ME.ExperimentInfo, {'name': 'e', 'filter': "name = 'e'"}, 'filter'),
    ('mlflow-info-view-type', 'mlflow', ME.ExperimentInfo, {'view_type': 'everything'}, 'view_type'),
    ('mlflow-migrate-no-source', 'mlflow', MM.Migration, {}, 'source'),
    ('mlflow-migrate-source-file-uri', 'mlflow', MM.Migration, {'source': {'tracking_uri': 'file:///tmp/mlruns'}},
     'source.tracking_uri'),
    ('mlflow-migrate-source-user-only', 'mlflow', MM.Migration,
     {'source': {'tracking_uri': 'http://127.0.0.1:9', 'username': 'u'}}, 'source'),
    ('mlflow-migrate-source-token-and-user', 'mlflow', MM.Migration,
     {'source': {'tracking_uri': 'http://127.0.0.1:9', 'token': 't', 'username': 'u', 'password': 'p'}}, 'source'),
    ('mlflow-migrate-source-zero-timeout', 'mlflow', MM.Migration,
     {'source': {'tracking_uri': 'http://127.0.0.1:9', 'timeout': 0}}, 'source.timeout'),
    ('mlflow-migrate-blank-experiment', 'mlflow', MM.Migration,
     {'source': {'tracking_uri': 'http://127.0.0.1:9'}, 'experiments': ['  ']}, 'experiments'),
    ('mlflow-migrate-models-type', 'mlflow', MM.Migration,
     {'source': {'tracking_uri': 'http://127.0.0.1:9'}, 'models': {'a': 1}}, 'models'),
    # -- Nexus
    ('nexus-name-space', 'nexus', NR.Repository, {'name': 'bad name', 'format': 'raw', 'type': 'hosted',
                                                 'write_policy': 'allow'}, 'name'),
    ('nexus-name-underscore', 'nexus', NR.Repository, {'name': '_hidden', 'format': 'raw', 'type': 'hosted',
                                                      'write_policy': 'allow'}, 'name'),
    ('nexus-format-enum', 'nexus', NR.Repository, {'name': 'r', 'format': 'rubygems', 'type': 'hosted'}, 'format'),
    ('nexus-type-enum', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'mirror'}, 'type'),
    ('nexus-format-type-combination', 'nexus', NR.Repository, {'name': 'r', 'format': 'gitlfs', 'type': 'proxy',
                                                              'remote_url': 'https://x.example.com'}, 'type'),
    ('nexus-write-policy-enum', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'hosted',
                                                        'write_policy': 'sometimes'}, 'write_policy'),
    ('nexus-remote-url-scheme', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'proxy',
                                                        'remote_url': 'ftp://mirror.example.com'}, 'remote_url'),
    ('nexus-negative-max-age', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'proxy',
                                                       'remote_url': 'https://x.example.com',
                                                       'content_max_age': -5}, 'content_max_age'),
    ('nexus-empty-members', 'nexus', NR.Repository, {'name': 'g', 'format': 'raw', 'type': 'group', 'members': []},
     'members'),
    ('nexus-group-contains-itself', 'nexus', NR.Repository, {'name': 'g', 'format': 'raw', 'type': 'group',
                                                            'members': ['a', 'g']}, 'members'),
    ('nexus-docker-port-range', 'nexus', NR.Repository, {'name': 'd', 'format': 'docker', 'type': 'hosted',
                                                        'write_policy': 'allow', 'docker': {'http_port': 70000}},
     'docker.http_port'),
    ('nexus-write-policy-on-proxy', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'proxy',
                                                            'remote_url': 'https://x.example.com',
                                                            'write_policy': 'allow'}, 'write_policy'),
    ('nexus-password-without-user', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'proxy',
                                                            'remote_url': 'https://x.example.com',
                                                            'remote_password': 'Secret-1'}, 'remote_password'),
    ('nexus-url-no-scheme', 'nexus', NR.Repository, {'name': 'r', 'format': 'raw', 'type': 'hosted',
                                                    'write_policy': 'allow', 'url': 'nexus.example.com'}, 'url'),
    ('nexus-file-store-with-bucket', 'nexus', NB.BlobStore, {'name': 'b', 'type': 'file', 'bucket': 'x'}, 'bucket'),
    ('nexus-s3-key-without-secret', 'nexus', NB.BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'x',
                                                           'access_key_id': 'k'}, 'secret_access_key'),
    ('nexus-quota-type-enum', 'nexus', NB.BlobStore, {'name': 'b', 'type': 'file',
                                                     'soft_quota': {'type': 'huge', 'limit_mb': 1}}, 'soft_quota'),
    ('nexus-user-email', 'nexus', NU.User, {'user_id': 'u', 'email': 'not-an-email'}, 'email'),
    ('nexus-user-empty-password', 'nexus', NU.User, {'user_id': 'u', 'user_password': ''}, 'user_password'),
    ('nexus-user-status-enum', 'nexus', NU.User, {'user_id': 'u', 'status': 'sleeping'}, 'status'),
    ('nexus-no-realms', 'nexus', NSE.Security, {'realms': []}, 'realms'),
    ('nexus-duplicate-realm', 'nexus', NSE.Security, {'realms': ['DockerToken', 'DockerToken']}, 'realms'),
    ('nexus-role-contains-itself', 'nexus', NRO.Role, {'id': 'r', 'roles': ['r']}, 'roles'),
    ('nexus-admin-missing-password', 'nexus', NAP.AdminPassword, {'password': None}, 'password'),
    ('nexus-routing-rule-bad-regex', 'nexus', NRR.RoutingRule, {'name': 'r', 'mode': 'block', 'matchers': ['(']},
     'matchers'),
    ('nexus-routing-rule-mode-enum', 'nexus', NRR.RoutingRule, {'name': 'r', 'mode': 'deny', 'matchers': ['x']},
     'mode'),
    ('nexus-cleanup-no-criterion', 'nexus', NCP.CleanupPolicy, {'name': 'p', 'format': 'npm',
                                                                'criteria': {'retain': 3}}, 'criteria'),
    ('nexus-cleanup-negative-days', 'nexus', NCP.CleanupPolicy, {'name': 'p', 'format': 'npm',
                                                                 'criteria': {'last_blob_updated': -1}},
     'last_blob_updated'),
    ('nexus-task-schedule-enum', 'nexus', NT.Task, {'name': 't', 'type': 'blobstore.compact',
                                                    'schedule': {'type': 'fortnightly'}}, 'schedule'),
    ('nexus-task-weekly-day-8', 'nexus', NT.Task, {'name': 't', 'type': 'blobstore.compact',
                                                   'schedule': {'type': 'weekly', 'start': '2026-01-04T02:00Z',
                                                                'days': [8]}}, 'schedule.days'),
    ('nexus-task-cron-five-fields', 'nexus', NT.Task, {'name': 't', 'type': 'blobstore.compact',
                                                       'schedule': {'type': 'cron', 'cron': '0 2 * * *'}},
     'schedule.cron'),
    ('nexus-task-start-without-offset', 'nexus', NT.Task, {'name': 't', 'type': 'blobstore.compact',
                                                           'schedule': {'type': 'once',
                                                                        'start': '2026-01-04 02:00'}},
     'schedule.start'),
    ('nexus-http-timeout-range', 'nexus', NHS.HttpSettings, {'connection_timeout': 7200}, 'connection_timeout'),
    ('nexus-http-proxy-host-url', 'nexus', NHS.HttpSettings, {'http_proxy': {'host': 'http://p:3128',
                                                                            'port': 3128}}, 'http_proxy.host'),
    ('nexus-s3-role-not-arn', 'nexus', NB.BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt',
                                                      'assume_role': 'my-role'}, 'assume_role'),
    ('nexus-s3-signer-enum', 'nexus', NB.BlobStore, {'name': 'b', 'type': 's3', 'bucket': 'bkt',
                                                     'signer_type': 'v2'}, 'signer_type'),
    # -- Harbor
    ('harbor-project-name', 'harbor', HPR.Project, {'name': 'Bad_Name!'}, 'name'),
    ('harbor-member-info-project-name', 'harbor', HMI.ProjectMemberInfo, {'project': 'Bad_Name!'}, 'project'),
    ('harbor-member-info-project-list', 'harbor', HMI.ProjectMemberInfo, {'project': ['a', 'b']}, 'project'),
    ('harbor-quota-words', 'harbor', HPR.Project, {'name': 'p', 'storage_quota': '50 gigs'}, 'storage_quota'),
    ('harbor-cve-id', 'harbor', HPR.Project, {'name': 'p', 'cve_allowlist': ['CVE-bad']}, 'cve_allowlist'),
    ('harbor-severity-enum', 'harbor', HPR.Project, {'name': 'p', 'severity': 'extreme'}, 'severity'),
    ('harbor-proxy-speed', 'harbor', HPR.Project, {'name': 'p', 'proxy_cache': {'registry': 'r', 'speed_kb': 0}},
     'speed_kb'),
    ('harbor-public-type', 'harbor', HPR.Project, {'name': 'p', 'public': 'sometimes'}, 'public'),
    ('harbor-url-no-scheme', 'harbor', HPR.Project, {'name': 'p', 'url': 'harbor.example.com'}, 'url'),
    ('harbor-retention-cron-words', 'harbor', RetentionPolicy, {'project': 'p', 'schedule': 'every day',
                                                                   'rules': [{'retain': 'always'}]}, 'schedule'),
    ('harbor-gc-cron-five-fields', 'harbor', Schedule, {'job': 'gc', 'cron': '0 2 * * *'}, 'cron'),
    ('harbor-replication-cron', 'harbor', ReplicationPolicy, {'name': 'n', 'destination_registry': 'r',
                                                                 'trigger': 'scheduled', 'cron': '61 * * * * *'},
     'cron'),
    ('harbor-schedule-job-enum', 'harbor', Schedule, {'job': 'vacuum', 'cron': 'daily'}, 'job'),
    ('nexus-pypi-migrate-source-url', 'nexus', NP.PypiMigrate, {'repository': 'pypi-hosted',
                                                                'source_url': 'old-pypi:8080/simple/'}, 'source_url'),
    ('nexus-pypi-migrate-repository', 'nexus', NP.PypiMigrate, {'repository': 'bad name!',
                                                                'source_url': 'http://old.example/simple/'},
     'repository'),
    ('nexus-pypi-migrate-source-user-alone', 'nexus', NP.PypiMigrate, {
        'repository': 'pypi-hosted', 'source_url': 'http://old.example/simple/', 'source_username': 'u'},
     'source_password'),
    ('nexus-pypi-migrate-blank-project', 'nexus', NP.PypiMigrate, {
        'repository': 'pypi-hosted', 'source_url': 'http://old.example/simple/', 'projects': ['a', ' ']}, 'projects'),
    ('harbor-robot-short-secret', 'harbor', HR.RobotAccount, {'name': 'ci', 'project': 'p', 'permissions': PERM,
                                                              'secret': 'short'}, 'secret'),
    ('harbor-registry-endpoint', 'harbor', Registry, {'name': 'r', 'type': 'harbor',
                                                         'endpoint_url': 'ftp://registry.example.com'},
     'endpoint_url'),
    ('harbor-registry-type-enum', 'harbor', Registry, {'name': 'r', 'type': 'gitlab-ish',
                                                          'endpoint_url': 'https://r.example.com'}, 'type'),
    ('harbor-member-role-enum', 'harbor', HM.ProjectMember, {'project': 'p', 'user': 'u', 'role': 'god'}, 'role'),
    ('harbor-webhook-address', 'harbor', Webhook, {'project': 'p', 'name': 'h', 'event_types': ['push_artifact'],
                                                      'targets': [{'address': 'not a url'}]}, 'address'),
    ('harbor-timeout-negative', 'harbor', HPR.Project, {'name': 'p', 'timeout': -1}, 'timeout'),
    ('harbor-label-color', 'harbor', HL.Label, {'name': 'release', 'color': 'blue'}, 'color'),
    ('harbor-label-name-long', 'harbor', HL.Label, {'name': 'x' * 129}, 'name'),
    ('harbor-label-project-name', 'harbor', HL.Label, {'name': 'release', 'project': 'Team A'}, 'project'),
    ('harbor-scanner-url', 'harbor', HS.Scanner, {'name': 's', 'adapter_url': 'grype:8080'}, 'adapter_url'),
    ('harbor-scanner-auth-enum', 'harbor', HS.Scanner, {'name': 's', 'auth': 'oauth'}, 'auth'),
    ('harbor-scanner-credential-without-auth', 'harbor', HS.Scanner,
     {'name': 's', 'adapter_url': 'http://s:8080', 'access_credential': 'tok'}, 'access_credential'),
    ('harbor-scanner-default-disabled', 'harbor', HS.Scanner, {'name': 's', 'default': True, 'disabled': True},
     'disabled'),
    ('harbor-allowlist-bad-id', 'harbor', HC.CveAllowlist, {'cves': ['CVE-24-1']}, 'cves'),
    ('harbor-allowlist-duplicate', 'harbor', HC.CveAllowlist, {'cves': ['CVE-2024-3094', 'cve-2024-3094']}, 'cves'),
    ('harbor-allowlist-missing', 'harbor', HC.CveAllowlist, {}, 'cves'),
    ('harbor-allowlist-expiry', 'harbor', HC.CveAllowlist, {'cves': [], 'expires_at': -5}, 'expires_at'),
    # -- S3 buckets and the MinIO admin API
    ('s3-bucket-upper-case', 's3', MIB.Bucket, {'name': 'Bad_Bucket'}, 'name'),
    ('s3-bucket-too-short', 's3', MIB.Bucket, {'name': 'ab'}, 'name'),
    ('s3-quota-words', 's3', MIB.Bucket, {'name': 'data-bucket', 'quota': 'lots'}, 'quota'),
    ('s3-policy-not-json', 's3', MIB.Bucket, {'name': 'data-bucket', 'policy': '{not json'}, 'policy'),
    ('s3-policy-version', 's3', MIB.Bucket, {'name': 'data-bucket', 'policy': {
        'Version': '2024-01-01', 'Statement': [dict(POLICY['Statement'][0], Principal={'AWS': ['*']})]}},
     'Version'),
    ('s3-lifecycle-date', 's3', MIB.Bucket, {'name': 'data-bucket', 'lifecycle_rules': [
        {'id': 'x', 'expiration_date': '2024-13-40'}]}, 'lifecycle_rules'),
    ('s3-lifecycle-no-action', 's3', MIB.Bucket, {'name': 'data-bucket', 'lifecycle_rules': [{'id': 'x'}]},
     'lifecycle_rules'),
    ('s3-versioning-enum', 's3', MIB.Bucket, {'name': 'data-bucket', 'versioning': 'sometimes'}, 'versioning'),
    ('s3-kms-key-without-encryption', 's3', MIB.Bucket, {'name': 'data-bucket', 'encryption_key_id': 'k'},
     'encryption_key_id'),
    ('s3-endpoint-no-scheme', 's3', MIB.Bucket, {'name': 'data-bucket', 'endpoint_url': 'minio:9000'},
     'endpoint_url'),
    ('minio-policy-name-comma', 's3', MIP.Policy, {'name': 'a,b', 'policy': POLICY}, 'name'),
    ('minio-policy-effect', 's3', MIP.Policy, {'name': 'p', 'policy': {
        'Version': '2012-10-17', 'Statement': [{'Effect': 'Maybe', 'Action': 's3:GetObject', 'Resource': '*'}]}},
     'Effect'),
    ('minio-user-short-name', 's3', MIU.User, {'name': 'ab', 'secret': 'Secret-12345'}, 'name'),
    ('minio-missing-secret-key', 's3', MIU.User, {'name': 'alice', 'secret_key': None}, 'secret_key'),
    # -- DVC remotes (local files)
    ('dvc-url-no-scheme', 'dvc', D.DvcRemote, {'name': 'store', 'url': 'bucket/path'}, 'url'),
    ('dvc-name-quote', 'dvc', D.DvcRemote, {'name': 'st"ore', 'url': 's3://b/p'}, 'name'),
    ('dvc-endpoint-no-scheme', 'dvc', D.DvcRemote, {'name': 'store', 'url': 's3://b/p',
                                                    'endpoint_url': 'minio:9000'}, 'endpoint_url'),
    ('dvc-key-without-secret', 'dvc', D.DvcRemote, {'name': 'store', 'url': 's3://b/p', 'access_key_id': 'k'},
     'secret_access_key'),
    ('dvc-level-enum', 'dvc', D.DvcRemote, {'name': 'store', 'url': 's3://b/p', 'level': 'project'}, 'level'),
]


@pytest.fixture
def servers(request, tmp_path):
    """family -> (connection arguments, request counter)."""
    family = request.node.callspec.params['family']
    if family == 'harbor':
        emu = request.getfixturevalue('harbor_emulator')
        return {'url': emu.base_url, 'username': emu.admin_username, 'password': emu.admin_password}, \
            lambda: emu.requests['total']
    if family == 'nexus':
        emu = request.getfixturevalue('nexus_emulator')
        return {'url': emu.base_url, 'username': 'admin', 'password': emu.admin_password}, \
            lambda: emu.requests['total']
    if family == 'mlflow':
        proxy = request.getfixturevalue('mlflow_proxy')
        return {'tracking_uri': proxy.base_url}, lambda: proxy.requests['total']
    if family == 's3':
        proxy = request.getfixturevalue('minio_proxy')
        return {'endpoint_url': proxy.base_url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
                'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY'], 'region': 'us-east-1'}, \
            lambda: proxy.requests['total']
    repo = tmp_path / 'repo'
    (repo / '.dvc').mkdir(parents=True)
    (repo / '.dvc' / 'config').write_text('')

    def files():  # any change to the DVC configuration counts as a "request"
        return sum(os.path.getsize(str(p)) + 1000 * (p.name != 'config') for p in (repo / '.dvc').iterdir())
    return {'repo': str(repo)}, files


def attempt(cls, args):
    """The action plugin's path; returns the failure message, or None if the task was accepted."""
    try:
        validated = ArgumentSpecValidator(cls.argument_spec(), **cls.module_kwargs).validate(dict(args))
        if validated.error_messages:
            return validated.errors.msg  # the first error, as AnsibleModule and validate_argument_spec report
        cls.check_raw_types(args)
        params = validated.validated_parameters
        client = cls.make_client(params)
        try:
            cls(params, client, False, True).execute()
        finally:
            http = getattr(client, 'http', client)
            if hasattr(http, 'close'):
                http.close()
    except ModuleFailure as exc:
        return exc.msg
    except ApiError as exc:
        return 'API ERROR (a request was made): %s' % exc
    return None


@pytest.mark.parametrize('case,family,cls,args,field', [pytest.param(*c, id=c[0]) for c in CASES])
def test_bad_input_is_rejected_before_any_request(servers, case, family, cls, args, field):
    connection, requests = servers
    task = dict(connection, **args)
    task = dict((k, v) for k, v in task.items() if v is not None)
    before = requests()
    message = attempt(cls, task)
    sent = requests() - before
    rejected = message is not None and sent == 0 and field.lower() in message.lower()
    summary.record(summary.BAD_INPUTS, case=case, field=field, rejected=rejected, requests=sent,
                   message=message or 'accepted')
    assert message is not None, 'accepted: %r' % (args,)
    assert sent == 0, '%d request(s) before rejecting: %s' % (sent, message)
    assert field.lower() in message.lower(), 'the message does not name %s: %s' % (field, message)
    assert '\n' not in message.strip() and 'Traceback' not in message


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 60 and len(set(c[0] for c in CASES)) == len(CASES)
