# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor registry endpoints (replication and proxy cache), a declarative resource (_declarative.py).

Facts the code relies on (Harbor v2.15):
- GET /registries?name= lists the endpoints whose name matches; an endpoint's type never changes.
- GET /registries masks access_secret as "*****": a secret that cannot be read back cannot be compared, so
  it is written on create, when the credential changes, or on every run with update_secret=always.
- POST /registries takes the credential nested ({credential: {type, access_key, access_secret}}); PUT
  /registries/{id} (RegistryUpdate) takes only what changes, the credential flat.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, as_bool, no_trailing_slash, or_none, str_or_empty)
from ansible_collections.maestro.platform.plugins.module_utils._harbor import HarborOperation, HarborResource, list_all
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

REGISTRY_TYPES = ('harbor', 'docker-hub', 'docker-registry', 'aws-ecr', 'azure-acr', 'google-gcr', 'quay',
                  'gitlab', 'github-ghcr', 'jfrog-artifactory', 'huawei-SWR', 'ali-acr', 'tencent-tcr',
                  'volcengine-cr', 'dtr')
CREDENTIAL = ('credential_type', 'access_key')


class Registry(Declarative, HarborResource):
    result_key = 'registry'
    kind = 'Harbor registry endpoint'
    option_code = {'access_key': dict(no_log=False), 'access_secret': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/harbor_registry.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        type=dict(type='str',
                  choices=['harbor', 'docker-hub', 'docker-registry', 'aws-ecr', 'azure-acr', 'google-gcr', 'quay',
                           'gitlab', 'github-ghcr', 'jfrog-artifactory', 'huawei-SWR', 'ali-acr', 'tencent-tcr',
                           'volcengine-cr', 'dtr']),
        endpoint_url=dict(type='str', aliases=['registry_url']),
        description=dict(type='str'),
        insecure=dict(type='bool'),
        ca_certificate=dict(type='str'),
        credential_type=dict(type='str', default='basic', choices=['basic', 'oauth', 'secret']),
        access_key=dict(type='str', no_log=False),
        access_secret=dict(type='str', no_log=True),
        update_secret=dict(type='str', default='on_create', choices=['on_create', 'always']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs, required_together=(
        HarborOperation.module_kwargs['required_together'] + [('access_key', 'access_secret')]))

    collection = '/registries'
    fields = (
        Field('id', server=True),
        Field('name'),
        Field('type', required=True, create_only=True),
        Field('url', option='endpoint_url', normalize=no_trailing_slash, required=True),
        Field('description', normalize=str_or_empty, default=''),
        Field('insecure', normalize=as_bool, default=False),
        Field('ca_certificate', normalize=or_none),
        Field('credential_type', wire='credential.type', normalize=or_none, only_with='access_key'),
        Field('access_key', wire='credential.access_key', normalize=or_none),
        Field('access_secret', wire='credential.access_secret', secret=True, secret_with=CREDENTIAL),
        Field('status', server=True),
    )

    def validate(self):
        name = self.params['name']
        if not name or not name.strip() or len(name) > 255:
            raise ModuleFailure('name must be a non-empty registry name of at most 255 characters, got %r' % name)
        url = self.params.get('endpoint_url')
        if url is not None and not url.startswith(('http://', 'https://')):
            raise ModuleFailure('endpoint_url must be the http:// or https:// URL of the remote registry, got %r'
                                % url)

    def list_objects(self):
        return list_all(self.client, self.collection, query={'name': self.params['name']})

    def update_body(self, current, desired):
        body = dict((key, desired[key] if desired[key] is not None else '')
                    for key in ('name', 'description', 'url', 'insecure', 'ca_certificate')
                    if desired[key] != current[key])
        if self.params.get('access_key') is not None and self.secret_due(current, desired):
            body.update((key, desired[key]) for key in CREDENTIAL)
            body['access_secret'] = self.params['access_secret']
        return body
