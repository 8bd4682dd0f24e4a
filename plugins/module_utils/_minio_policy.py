# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the MinIO / S3 family of maestro.platform. Not a public API; it may change at any time.
"""The minio_policy logic: MinIO canned (IAM) policies through the admin API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.maestro.platform.plugins.module_utils._minio import AdminOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name
from ansible_collections.maestro.platform.plugins.module_utils._s3 import canonical_json, storage_call
from ansible_collections.maestro.platform.plugins.module_utils._s3_policy import normalise_policy, parse_policy


class Policy(AdminOperation, Resource):
    result_key = 'policy'
    kind = 'MinIO policy'
    module_options = dict(  # generated from plugins/modules/minio_policy.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        policy=dict(type='raw', aliases=['document']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def describe(self):
        return "MinIO policy '%s'" % self.params.get('name')

    def validate(self):
        name = require_name(self.params)
        if ',' in name:
            raise ModuleFailure("name: a MinIO policy name cannot contain ',', got %r" % name)
        self.document = None
        if self.params.get('policy') is not None:
            doc = parse_policy(self.params['policy'])
            if doc.get('Version') != '2012-10-17':
                raise ModuleFailure("policy: MinIO accepts only Version '2012-10-17' in policy documents, got %r"
                                    % doc.get('Version'))
            self.document = canonical_json(normalise_policy(doc))

    def read(self):
        doc = storage_call('read', self.describe(), self.client.json, 'GET', 'info-canned-policy',
                           {'name': self.params['name']}, absent=('404',))
        if doc is None:
            return None
        if isinstance(doc, dict) and 'PolicyName' in doc and isinstance(doc.get('Policy'), dict):
            doc = doc['Policy']  # the v=2 answer of newer servers wraps the document
        if isinstance(doc, dict) and 'ID' in doc:
            doc = dict(doc, Id=doc.pop('ID'))
        return {'name': self.params['name'], 'policy': canonical_json(normalise_policy(doc))}

    def validate_against(self, current):
        if current is None and self.params['state'] == 'present' and self.document is None:
            raise ModuleFailure('policy is required to create %s' % self.describe())

    def desired(self, current):
        return {'name': self.params['name'],
                'policy': self.document if self.document is not None else current['policy']}

    def create(self, desired):
        self.update(None, desired)

    def update(self, current, desired):
        storage_call('write', self.describe(), self.client.request, 'PUT', 'add-canned-policy',
                     {'name': desired['name']}, body=desired['policy'].encode('utf-8'))

    def delete(self, current):
        in_use = ('Failed to delete %s: it is attached to users or groups; detach it first '
                  '(maestro.platform.minio_user policies)' % self.describe())
        storage_call('delete', self.describe(), self.client.request, 'DELETE', 'remove-canned-policy',
                     {'name': current['name']}, messages={'XMinioAdminPolicyInUse': in_use})

    def public(self, obj):
        return {'name': obj['name'], 'policy': json.loads(obj['policy'])}
