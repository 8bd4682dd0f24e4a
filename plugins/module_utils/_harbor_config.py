# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the Harbor family of maestro.platform. Not a public API; it may change at any time.
"""Harbor system configuration.

Facts the code relies on (Harbor v2.15):
- GET /configurations returns {key: {value, editable}}; PUT takes flat values.
- ldap_search_password, oidc_client_secret (and uaa_client_secret) are write-only. A secret that cannot be
  read back cannot be compared: it is written with every change (on_change), or on every run with
  update_secret=always.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._harbor import HarborOperation, HarborResource
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

CONFIG_TYPES = {
    'bool': ('primary_auth_mode', 'ldap_group_attach_parallel', 'ldap_verify_cert', 'http_authproxy_verify_cert',
             'http_authproxy_skip_search', 'notification_enable', 'oidc_auto_onboard', 'oidc_logout',
             'oidc_verify_cert', 'quota_per_project_enable', 'read_only', 'scanner_skip_update_pulltime',
             'self_registration', 'skip_audit_log_database', 'uaa_verify_cert'),
    'int': ('ldap_group_search_scope', 'ldap_scope', 'ldap_timeout', 'robot_token_duration', 'session_timeout',
            'storage_per_project', 'token_expiration'),
    'str': ('audit_log_forward_endpoint', 'auth_mode', 'banner_message', 'disabled_audit_log_event_types',
            'http_authproxy_admin_groups', 'http_authproxy_admin_usernames', 'http_authproxy_endpoint',
            'http_authproxy_server_certificate', 'http_authproxy_tokenreview_endpoint', 'ldap_base_dn',
            'ldap_filter', 'ldap_group_admin_dn', 'ldap_group_attribute_name', 'ldap_group_base_dn',
            'ldap_group_membership_attribute', 'ldap_group_search_filter', 'ldap_search_dn', 'ldap_uid',
            'ldap_url', 'oidc_admin_group', 'oidc_client_id', 'oidc_endpoint', 'oidc_extra_redirect_parms',
            'oidc_group_filter', 'oidc_groups_claim', 'oidc_name', 'oidc_scope', 'oidc_user_claim',
            'project_creation_restriction', 'robot_name_prefix', 'uaa_client_id', 'uaa_endpoint'),
}
CONFIG_SECRETS = ('ldap_search_password', 'oidc_client_secret', 'uaa_client_secret')
CONFIG_KIND = dict((key, kind) for kind, keys in CONFIG_TYPES.items() for key in keys)
CONFIG_CHOICES = {
    'auth_mode': ('db_auth', 'ldap_auth', 'uaa_auth', 'http_auth', 'oidc_auth'),
    'project_creation_restriction': ('everyone', 'adminonly'),
}


def _config_value(key, value):
    kind = CONFIG_KIND.get(key)
    field = 'config.%s' % key
    if kind == 'bool':
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ('true', 'yes', 'on', '1'):
            return True
        if text in ('false', 'no', 'off', '0'):
            return False
        raise ModuleFailure('%s must be a boolean, got %r' % (field, value))
    if kind == 'int':
        if isinstance(value, bool):
            raise ModuleFailure('%s must be a whole number, got %r' % (field, value))
        try:
            return int(str(value).strip())
        except ValueError:
            raise ModuleFailure('%s must be a whole number, got %r' % (field, value))
    if isinstance(value, (dict, list)) or value is None:
        raise ModuleFailure('%s must be a string, got %r' % (field, value))
    value = str(value)
    choices = CONFIG_CHOICES.get(key)
    if choices and value not in choices:
        raise ModuleFailure('%s must be one of %s, got %r' % (field, ', '.join(choices), value))
    return value


class Configuration(HarborResource):
    result_key = 'config'
    kind = 'Harbor system configuration'
    option_code = {'secrets': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/harbor_config.py DOCUMENTATION, do not edit
        config=dict(type='dict', default=dict(), aliases=['settings']),
        secrets=dict(type='dict', no_log=True),
        update_secret=dict(type='str', default='on_change', choices=['on_change', 'always']),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(HarborOperation.module_kwargs, required_one_of=[('config', 'secrets')])

    def describe(self):
        return self.kind

    def validate(self):
        wanted, secrets = {}, {}
        for key, value in (self.params.get('secrets') or {}).items():
            if key not in CONFIG_SECRETS:
                raise ModuleFailure('secrets: %r is not one of Harbor\'s write-only settings (%s); give other '
                                    'settings in config' % (key, ', '.join(CONFIG_SECRETS)))
            if not isinstance(value, str) or not value:
                raise ModuleFailure('secrets.%s must be a non-empty string' % key)
            secrets[key] = value
        for key, value in (self.params.get('config') or {}).items():
            if key in CONFIG_SECRETS:
                raise ModuleFailure('config.%s is a secret: give it in the secrets option instead, which Ansible '
                                    'keeps out of its output and logs' % key)
            if key in CONFIG_KIND:
                wanted[key] = _config_value(key, value)
            else:
                raise ModuleFailure('config: %r is not a Harbor configuration key (checked against the Harbor v2.15 '
                                    'API description); known keys: %s'
                                    % (key, ', '.join(sorted(list(CONFIG_KIND) + list(CONFIG_SECRETS)))))
        self.wanted, self.secrets = wanted, secrets

    def read(self):
        raw = self.client.get('/configurations') or {}
        self.editable = dict((k, (v or {}).get('editable', True)) for k, v in raw.items() if isinstance(v, dict))
        return dict((k, v.get('value')) for k, v in raw.items()
                    if isinstance(v, dict) and k not in CONFIG_SECRETS)

    def validate_against(self, current):
        for key, value in sorted(self.wanted.items()):
            if current.get(key) != value and self.editable.get(key) is False:
                raise ModuleFailure('config.%s cannot be changed: Harbor reports it as not editable (auth_mode, for '
                                    'one, is locked once users other than admin exist)' % key)

    def desired(self, current):
        base = dict(current)
        base.update(self.wanted)
        if self.secrets and self.params['update_secret'] == 'always':
            base['_secrets'] = sorted(self.secrets)
        return base

    def update(self, current, desired):
        body = dict((k, v) for k, v in self.wanted.items() if current.get(k) != v)
        body.update(self.secrets)  # write-only: sent with every write (on_change) or on every run (always)
        if not body:
            return
        self.client.put('/configurations', body)

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_') and k not in CONFIG_SECRETS)
