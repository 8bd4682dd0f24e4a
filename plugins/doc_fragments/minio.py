# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every minio_* module (MinIO in dev, AWS S3 in prod).
    DOCUMENTATION = r"""
options:
  endpoint_url:
    description:
      - URL of the S3 API of a MinIO server, for example V(https://minio.example.com:9000). MinIO's admin API
        is served at the same URL.
      - Leave unset for AWS S3 (the endpoint of O(region) is used). Features that only MinIO has (users,
        canned policies, bucket quotas) then fail with a clear error.
      - If not set, the value of the E(MINIO_ENDPOINT), E(AWS_ENDPOINT_URL_S3) or E(AWS_ENDPOINT_URL)
        environment variable is used, in that order.
    type: str
    aliases: [endpoint, s3_url, aws_endpoint_url]
  access_key:
    description:
      - Access key (MinIO user or AWS access key id) to authenticate with.
      - If not set, the value of the E(MINIO_ACCESS_KEY), E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY)
        environment variable is used; on AWS, the usual boto3 credential chain applies when none is set.
    type: str
    aliases: [aws_access_key_id, access_key_id, aws_access_key]
  secret_key:
    description:
      - Secret key matching O(access_key).
      - If not set, the value of the E(MINIO_SECRET_KEY), E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY)
        environment variable is used.
    type: str
    aliases: [aws_secret_access_key, secret_access_key, aws_secret_key]
  session_token:
    description:
      - Session token for temporary credentials.
      - If not set, the value of the E(AWS_SESSION_TOKEN) environment variable is used.
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - Named profile of the AWS shared configuration files, instead of O(access_key) and O(secret_key).
      - If not set, the value of the E(AWS_PROFILE) environment variable is used.
      - Not used by the MinIO admin API calls (users, policies, quotas), which need O(access_key) and
        O(secret_key).
    type: str
    aliases: [aws_profile]
  region:
    description:
      - Region of the bucket and of the signatures. MinIO's default region is V(us-east-1).
      - If not set, the value of the E(MINIO_REGION), E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment
        variable is used, else V(us-east-1).
    type: str
    aliases: [aws_region]
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only turn this off for a throw-away test server.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server certificate.
      - If not set, the value of the E(AWS_CA_BUNDLE) environment variable is used.
    type: path
    aliases: [aws_ca_bundle]
  timeout:
    description:
      - Seconds to wait for a connection and for each response.
    type: int
    default: 30
notes:
  - The MinIO admin API (users, canned policies, bucket quotas) is called directly at
    C(/minio/admin/v3) with AWS Signature Version 4 (no C(mc) or MinIO SDK needed). User secrets and policy
    attachments travel encrypted with the caller's secret key as MinIO requires, which needs the Python
    packages C(argon2-cffi) and C(cryptography) (or C(pycryptodome)) where M(maestro.platform.minio_user) runs.
  - When the task runs on the controller (connection C(local)), the module's logic runs in-process through
    the collection's action plugin, which reuses one client and connection across loop items. Set the
    variable C(maestro_platform_execution=module) to always run it as an ordinary module.
"""

    ACTIONGROUPS = r"""
attributes:
  action_group:
    description: Use C(group/maestro.platform.minio) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - maestro.platform.minio
"""
