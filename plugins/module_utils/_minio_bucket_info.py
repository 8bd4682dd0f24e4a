# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""The minio_bucket_info logic: one bucket or every bucket the credentials can list, with their settings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._minio import S3Operation
from ansible_collections.maestro.platform.plugins.module_utils._minio_bucket_state import public_bucket, read_bucket
from ansible_collections.maestro.platform.plugins.module_utils._resource import Info, ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._s3 import bucket_name_problem, storage_call

ALL_ASPECTS = ('versioning', 'policy', 'lifecycle_rules', 'object_lock', 'tags', 'encryption')


class BucketInfo(S3Operation, Info):
    module_options = dict(  # generated from plugins/modules/minio_bucket_info.py DOCUMENTATION, do not edit
        name=dict(type='str', aliases=['bucket']),
        details=dict(type='bool', default=True),
        include_quota=dict(type='bool', default=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def run(self):
        conn = self.client
        if self.params.get('include_quota') and not self.params.get('endpoint_url'):
            raise ModuleFailure('include_quota is not supported on AWS S3 (no endpoint_url): bucket quotas are a '
                                'MinIO admin API feature')
        aspects = list(ALL_ASPECTS) + (['quota'] if self.params.get('include_quota') else [])
        name = self.params.get('name')
        if name is not None:
            problem = bucket_name_problem(name)
            if problem:
                raise ModuleFailure('name: %s' % problem)
            names = [(name, None)]
        else:
            listing = storage_call('list', 'buckets', conn.s3.list_buckets)
            names = [(b['Name'], b.get('CreationDate')) for b in listing.get('Buckets', [])]
        buckets = []
        for bucket, created in names:
            if self.params['details'] or name is not None:
                state = public_bucket(read_bucket(conn, bucket, aspects))
                if state is None:
                    continue
            else:
                state = {'name': bucket}
            if created is not None:
                state['creation_date'] = created.isoformat() if hasattr(created, 'isoformat') else str(created)
            buckets.append(state)
        return {'changed': False, 'buckets': buckets}
