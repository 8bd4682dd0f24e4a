# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""The MinIO / S3 service base: buckets on MinIO or AWS S3 (S3 API through boto3) and MinIO users, canned
policies and bucket quotas (MinIO's admin API, signed in _minio_admin.py, encrypted in _minio_crypto.py).
The resources: _minio_bucket.py (+ _minio_bucket_rules.py, _minio_bucket_state.py), _minio_bucket_info.py,
_minio_policy.py, _minio_user.py; every boto3 and admin API call goes through _s3.storage_call.

One storage interface for dev and prod: with endpoint_url set the server is MinIO (path-style
addressing, admin API at the same endpoint); without it, AWS S3.

Facts the code relies on:
- Object lock can only be switched on when a bucket is created (MinIO and AWS answer 409
  InvalidBucketState afterwards; moto answers "Bucket needs to be empty"), and never off; it forces
  versioning on.
- A bucket that was never versioned reports no Status; it cannot go back to that state, only to
  Suspended, so "suspended" is already satisfied by a never-versioned bucket.
- Servers re-serialise policies (MinIO sorts actions and turns single values into lists): policies are
  compared in one canonical form (_s3_policy.normalise_policy).
- Deleting a bucket needs it empty of every object version and delete marker.
- Quota is MinIO-only: PUT set-bucket-quota {"quota", "size", "quotatype": "hard"}; a size of 0 clears it;
  GET get-bucket-quota answers 404 XMinioAdminNoSuchQuotaConfiguration when none was ever set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.maestro.platform.plugins.module_utils._minio_admin import MinioAdmin
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import check_endpoint, s3_client

NOT_FOUND = frozenset(('404', 'NoSuchBucket', 'NotFound'))


class MinioOperation:
    """Connection options shared by every minio_* module (mixed into Resource / Info)."""

    service = 'minio'
    connection_option_code = {
        'endpoint_url': dict(fallback=(env_fallback, ['MINIO_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'])),
        'access_key': dict(no_log=False, fallback=(env_fallback, ['MINIO_ACCESS_KEY', 'AWS_ACCESS_KEY_ID',
                                                                  'AWS_ACCESS_KEY'])),
        'secret_key': dict(no_log=True, fallback=(env_fallback, ['MINIO_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY',
                                                                 'AWS_SECRET_KEY'])),
        'session_token': dict(no_log=True, fallback=(env_fallback, ['AWS_SESSION_TOKEN'])),
        'profile': dict(fallback=(env_fallback, ['AWS_PROFILE'])),
        'region': dict(fallback=(env_fallback, ['MINIO_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'])),
        'ca_path': dict(fallback=(env_fallback, ['AWS_CA_BUNDLE'])),
    }
    connection_options = dict(  # generated from plugins/doc_fragments/minio.py DOCUMENTATION, do not edit
        endpoint_url=dict(type='str', aliases=['endpoint', 's3_url', 'aws_endpoint_url'],
                          fallback=(env_fallback, ['MINIO_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'])),
        access_key=dict(type='str', aliases=['aws_access_key_id', 'access_key_id', 'aws_access_key'], no_log=False,
                        fallback=(env_fallback, ['MINIO_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'])),
        secret_key=dict(type='str', aliases=['aws_secret_access_key', 'secret_access_key', 'aws_secret_key'],
                        no_log=True,
                        fallback=(env_fallback, ['MINIO_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'])),
        session_token=dict(type='str', aliases=['aws_session_token'], no_log=True,
                           fallback=(env_fallback, ['AWS_SESSION_TOKEN'])),
        profile=dict(type='str', aliases=['aws_profile'], fallback=(env_fallback, ['AWS_PROFILE'])),
        region=dict(type='str', aliases=['aws_region'],
                    fallback=(env_fallback, ['MINIO_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path', aliases=['aws_ca_bundle'], fallback=(env_fallback, ['AWS_CA_BUNDLE'])),
        timeout=dict(type='int', default=30),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('access_key', 'secret_key')])

    @staticmethod
    def _check_connection(params):
        if params.get('timeout') is not None and params['timeout'] <= 0:
            raise ModuleFailure('timeout must be a positive number of seconds, got %s' % params['timeout'])
        return check_endpoint(params.get('endpoint_url'))

    @classmethod
    def admin_client(cls, params):
        endpoint = cls._check_connection(params)
        return MinioAdmin(endpoint, params.get('access_key'), params.get('secret_key'),
                          session_token=params.get('session_token'), region=params.get('region'),
                          validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
                          timeout=params.get('timeout') or 30)


class S3Connection:
    """The boto3 S3 client (built on first use, then reused across loop items) and the admin client on demand."""

    def __init__(self, params, admin_factory):
        self.is_minio = bool(params.get('endpoint_url'))
        self._params = params
        self._admin_factory = admin_factory
        self._admin = None
        self._s3 = None

    @property
    def s3(self):
        if self._s3 is None:
            self._s3 = s3_client(self._params)
        return self._s3

    @property
    def admin(self):
        if self._admin is None:
            self._admin = self._admin_factory(self._params)
        return self._admin


class S3Operation(MinioOperation):
    """make_client for the bucket modules: boto3 through S3Connection."""

    @classmethod
    def client_key(cls, params):
        return ('s3',) + super(S3Operation, cls).client_key(params)

    @classmethod
    def make_client(cls, params):
        cls._check_connection(params)
        return S3Connection(params, cls.admin_client)


class AdminOperation(MinioOperation):
    """make_client for the admin modules: only the admin API (no boto3 needed)."""

    @classmethod
    def client_key(cls, params):
        return ('admin',) + super(AdminOperation, cls).client_key(params)

    @classmethod
    def make_client(cls, params):
        return cls.admin_client(params)
