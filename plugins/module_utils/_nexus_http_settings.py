# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the Nexus family of maestro.platform. Not a public API; it may change at any time.
"""Nexus's outbound HTTP settings (/v1/http): the logic of nexus_http_settings.

Facts: GET returns HttpSettingsXo (userAgent, timeout, retries, httpProxy, httpsProxy, nonProxyHosts), PUT
replaces all of it (every field but nonProxyHosts is required) and answers 204; timeout 1-3600 seconds,
retries 0-10 (HttpSettingsXO's bean validation). A proxy is {enabled, host, port (a string), authInfo
{enabled, username, password, ntlmHost, ntlmDomain}}; a disabled proxy is sent as Nexus's own UI sends it
(httpConfigToRest: enabled false, empty host, port and authentication). The proxy password is never
returned: Nexus answers its password placeholder, and the placeholder sent back keeps the stored password.
The API is in Nexus 3.94's description but served by Nexus Pro only: Community configures these settings in
its UI (the internal ExtDirect action coreui_HttpSettings), so Community answers 404, which this module turns
into one clear sentence.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.maestro.platform.plugins.module_utils._nexus import PLACEHOLDER, NexusOperation
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource

API = '/v1/http'
HOST_PATTERN = re.compile(r'^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}'
                          r'[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$')
PROXIES = {'http_proxy': 'httpProxy', 'https_proxy': 'httpsProxy'}
NO_PROXY = {'enabled': False, 'host': None, 'port': None, 'username': None, 'ntlm_host': None, 'ntlm_domain': None}
PROXY_OPTIONS = dict(
    enabled=dict(type='bool', default=True),
    host=dict(type='str'),
    port=dict(type='int'),
    username=dict(type='str'),
    password=dict(type='str', no_log=True),
    ntlm_host=dict(type='str'),
    ntlm_domain=dict(type='str'),
)


def proxy_view(raw):
    if not raw or not raw.get('enabled'):
        return dict(NO_PROXY)
    auth = raw.get('authInfo') or {}
    view = dict(NO_PROXY, enabled=True, host=raw.get('host') or None)
    view['port'] = int(raw['port']) if str(raw.get('port') or '').isdigit() else None
    if auth.get('enabled'):
        view.update(username=auth.get('username') or None, ntlm_host=auth.get('ntlmHost') or None,
                    ntlm_domain=auth.get('ntlmDomain') or None)
    return view


def settings_view(raw):
    view = {'user_agent_suffix': raw.get('userAgent') or '', 'connection_timeout': raw.get('timeout'),
            'connection_retries': raw.get('retries'), 'non_proxy_hosts': sorted(raw.get('nonProxyHosts') or [])}
    for option, field in PROXIES.items():
        view[option] = proxy_view(raw.get(field))
    return view


def _check_proxy(option, proxy):
    if not proxy.get('enabled'):
        given = [k for k in ('host', 'port', 'username', 'password', 'ntlm_host', 'ntlm_domain') if proxy.get(k)]
        if given:
            raise ModuleFailure('%s.%s has no effect with %s.enabled=false: remove it, or enable the proxy'
                                % (option, given[0], option))
        return
    host, port = proxy.get('host'), proxy.get('port')
    if not host or not HOST_PATTERN.match(host):
        raise ModuleFailure('%s.host must be the proxy\'s host name or IP address, without scheme or path (for '
                            'example proxy.example.com), got %r' % (option, host))
    if port is None or not 1 <= port <= 65535:
        raise ModuleFailure('%s.port must be a port number between 1 and 65535, got %r' % (option, port))
    if proxy.get('password') and not proxy.get('username'):
        raise ModuleFailure('%s.password needs %s.username' % (option, option))
    if (proxy.get('ntlm_host') or proxy.get('ntlm_domain')) and not proxy.get('username'):
        raise ModuleFailure('%s.ntlm_host and %s.ntlm_domain need %s.username' % (option, option, option))


class HttpSettings(NexusOperation, Resource):
    result_key = 'http_settings'
    kind = 'Nexus HTTP settings'
    complete_desired = True  # a proxy given is the whole proxy: dropping its user must count as a change
    option_code = {'http_proxy.password': dict(no_log=True), 'https_proxy.password': dict(no_log=True),
                   'update_password': dict(no_log=False)}
    module_options = dict(  # generated from plugins/modules/nexus_http_settings.py DOCUMENTATION, do not edit
        user_agent_suffix=dict(type='str'),
        connection_timeout=dict(type='int'),
        connection_retries=dict(type='int'),
        http_proxy=dict(type='dict', options=dict(
            enabled=dict(type='bool', default=True),
            host=dict(type='str'),
            port=dict(type='int'),
            username=dict(type='str'),
            password=dict(type='str', no_log=True),
            ntlm_host=dict(type='str'),
            ntlm_domain=dict(type='str'),
        )),
        https_proxy=dict(type='dict', options=dict(
            enabled=dict(type='bool', default=True),
            host=dict(type='str'),
            port=dict(type='int'),
            username=dict(type='str'),
            password=dict(type='str', no_log=True),
            ntlm_host=dict(type='str'),
            ntlm_domain=dict(type='str'),
        )),
        non_proxy_hosts=dict(type='list', elements='str'),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    def describe(self):
        return 'the Nexus HTTP settings'

    def validate(self):
        p = self.params
        if p.get('connection_timeout') is not None and not 1 <= p['connection_timeout'] <= 3600:
            raise ModuleFailure('connection_timeout must be between 1 and 3600 seconds (Nexus\'s limits), got %s'
                                % p['connection_timeout'])
        if p.get('connection_retries') is not None and not 0 <= p['connection_retries'] <= 10:
            raise ModuleFailure('connection_retries must be between 0 and 10 (Nexus\'s limits), got %s'
                                % p['connection_retries'])
        for option in PROXIES:
            if p.get(option) is not None:
                _check_proxy(option, p[option])
        for host in p.get('non_proxy_hosts') or []:
            if not host or not host.strip() or '|' in host or ' ' in host.strip():
                raise ModuleFailure('non_proxy_hosts: %r is not a host pattern: one host or wildcard pattern per '
                                    'item, such as localhost, 127.* or *.example.com (no "|")' % host)

    def api_failure_message(self, exc):
        if exc.status == 404:
            return ('Nexus answered 404 for %s: this server does not serve the HTTP settings API (Nexus Pro does; '
                    'Nexus Community configures them in its UI, Settings > System > HTTP)' % API)
        return super(HttpSettings, self).api_failure_message(exc)

    def read(self):
        self.raw = self.client.get(API) or {}
        return settings_view(self.raw)

    def desired(self, current):
        p = self.params
        view = copy.deepcopy(current)
        for option in ('user_agent_suffix', 'connection_timeout', 'connection_retries'):
            if p.get(option) is not None:
                view[option] = p[option]
        if p.get('non_proxy_hosts') is not None:
            view['non_proxy_hosts'] = sorted(set(p['non_proxy_hosts']))
        self.send_password = {}
        for option in PROXIES:
            wanted = p.get(option)
            if wanted is None:
                continue
            if not wanted['enabled']:
                view[option] = dict(NO_PROXY)
                continue
            view[option] = dict((k, wanted.get(k)) for k in NO_PROXY)
            view[option]['enabled'] = True
            self._password_plan(option, wanted, current[option], view)
        return view

    def _password_plan(self, option, wanted, current, view):
        """Send the password on first authentication, when the user name changes, or always on request."""
        if not wanted.get('username'):
            return
        new_auth = current.get('username') != wanted['username']
        if new_auth and not wanted.get('password'):
            raise ModuleFailure('%s.password is required to set %s.username (Nexus never returns the password)'
                                % (option, option))
        if wanted.get('password') and (new_auth or self.params['update_password'] == 'always'):
            self.send_password[option] = wanted['password']
            if not new_auth:
                view[option]['password_updated'] = True

    def public(self, obj):
        view = copy.deepcopy(obj)
        for option in PROXIES:
            view[option].pop('password_updated', None)
        return view

    def _proxy_body(self, option, proxy):
        if not proxy['enabled']:
            return {'enabled': False, 'host': '', 'port': '',
                    'authInfo': {'enabled': False, 'username': '', 'password': '', 'ntlmHost': '', 'ntlmDomain': ''}}
        auth = {'enabled': bool(proxy['username']), 'username': proxy['username'] or '',
                'password': self.send_password.get(option) or (PLACEHOLDER if proxy['username'] else ''),
                'ntlmHost': proxy['ntlm_host'] or '', 'ntlmDomain': proxy['ntlm_domain'] or ''}
        return {'enabled': True, 'host': proxy['host'], 'port': str(proxy['port']), 'authInfo': auth}

    def update(self, current, desired):
        body = {'userAgent': desired['user_agent_suffix'], 'timeout': desired['connection_timeout'],
                'retries': desired['connection_retries'], 'nonProxyHosts': list(desired['non_proxy_hosts'])}
        for option, field in PROXIES.items():
            body[field] = self._proxy_body(option, desired[option])
        self.client.put(API, body)
