#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_http_settings
short_description: Manage the outbound HTTP settings of Nexus Repository 3 (user agent, timeouts, proxies)
version_added: 0.1.0
description:
  - Set how Nexus connects to remote repositories - the user agent suffix, timeout and retries, an HTTP and an
    HTTPS proxy (with authentication) and the hosts reached without a proxy.
  - Uses C(/service/rest/v1/http), which Nexus Pro serves. Nexus Community (3.94 at least) does not - it
    configures these settings only in its UI (Settings > System > HTTP) - and answers 404, which the module
    reports in one sentence.
  - Options left unset are not managed; O(http_proxy) and O(https_proxy), when given, are the whole proxy
    definition.
author: Maestro Platform engineers (@maestro-platform)
options:
  user_agent_suffix:
    description: Text appended to the User-Agent header of Nexus's outbound requests.
    type: str
  connection_timeout:
    description: Seconds Nexus waits for a remote (1 to 3600; Nexus's default is 20).
    type: int
  connection_retries:
    description: How often Nexus retries a failed outbound request (0 to 10; Nexus's default is 2).
    type: int
  http_proxy:
    description:
      - The proxy for outbound http requests (Nexus also uses it for https when O(https_proxy) is not enabled).
    type: dict
    suboptions: &proxy
      enabled:
        description: V(false) turns the proxy off (then no other suboption may be given).
        type: bool
        default: true
      host:
        description: Host name or IP address of the proxy, without scheme or path. Required when enabled.
        type: str
      port:
        description: Port of the proxy. Required when enabled.
        type: int
      username:
        description: User for proxy authentication (none when unset).
        type: str
      password:
        description:
          - Password of O(http_proxy.username). Nexus never returns it; see O(update_password). Required when the
            user is set for the first time or changes.
        type: str
      ntlm_host:
        description: Windows NTLM host name, for NTLM proxy authentication.
        type: str
      ntlm_domain:
        description: Windows NTLM domain, for NTLM proxy authentication.
        type: str
  https_proxy:
    description: The proxy for outbound https requests.
    type: dict
    suboptions: *proxy
  non_proxy_hosts:
    description:
      - Hosts reached without a proxy, one host or wildcard pattern per item (V(localhost), V(127.*),
        V(*.example.com)). Compared as a set.
    type: list
    elements: str
  update_password:
    description:
      - V(on_create) sends a proxy password when its user is set for the first time or changes.
      - V(always) sends it on every run, which then always reports a change; use it to rotate the password.
    type: str
    choices: [on_create, always]
    default: on_create
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_repository
  - name: Nexus HTTP request and proxy settings
    description: What each setting does.
    link: https://help.sonatype.com/en/http-request-and-proxy-settings.html
"""

EXAMPLES = r"""
- name: Reach the internet through the corporate proxy, except for internal hosts
  maestro.platform.nexus_http_settings:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    connection_timeout: 60
    connection_retries: 3
    http_proxy:
      host: proxy.example.com
      port: 3128
      username: nexus
      password: "{{ vault_proxy_password }}"
    non_proxy_hosts:
      - localhost
      - "*.example.com"

- name: No proxy
  maestro.platform.nexus_http_settings:
    url: https://nexus.example.com
    username: admin
    password: "{{ vault_nexus_admin_password }}"
    http_proxy:
      enabled: false
    https_proxy:
      enabled: false
"""

RETURN = r"""
http_settings:
  description: The settings after the task (predicted in check mode). Never holds a password.
  returned: always
  type: dict
  contains:
    user_agent_suffix:
      description: The user agent suffix (empty when none).
      type: str
    connection_timeout:
      description: Seconds.
      type: int
      sample: 20
    connection_retries:
      description: Retries.
      type: int
      sample: 2
    http_proxy:
      description: C(enabled), C(host), C(port), C(username), C(ntlm_host), C(ntlm_domain) (V(null) when unset).
      type: dict
      sample: {"enabled": true, "host": "proxy.example.com", "port": 3128, "username": "nexus", "ntlm_host": null,
               "ntlm_domain": null}
    https_proxy:
      description: As RV(http_settings.http_proxy).
      type: dict
    non_proxy_hosts:
      description: The hosts reached without a proxy, sorted.
      type: list
      elements: str
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_http_settings import HttpSettings
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = HttpSettings


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
