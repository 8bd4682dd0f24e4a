#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nexus_ldap
short_description: Manage LDAP connections of Nexus Repository 3
version_added: 0.2.0
description:
  - Create, update and delete LDAP (or Active Directory) connections through Nexus's REST API (the connection,
    the user mapping and the group mapping).
  - Users sign in through LDAP only while the C(LdapRealm) is active (M(maestro.platform.nexus_security)
    O(maestro.platform.nexus_security#module:realms)); an LDAP group gets privileges through a role whose id is
    the group's name (M(maestro.platform.nexus_role) with O(maestro.platform.nexus_role#module:source=LDAP)).
  - Options left unset are not managed, except O(auth_password), which every write sends. The fields an
    authentication scheme or group type needs are checked before anything is written.
author: Maestro Platform engineers (@maestro-platform)
options:
  name:
    description: The connection's name (its identity; it cannot be renamed).
    type: str
    required: true
  state:
    description: V(present) creates or updates the connection, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description: V(ldaps) (TLS) or V(ldap); required to create.
    type: str
    choices: [ldap, ldaps]
  host:
    description: Host name of the LDAP server; required to create.
    type: str
  port:
    description: Port; when a connection is created without it, 636 for V(ldaps) and 389 for V(ldap).
    type: int
  search_base:
    description: The search base DN, for example V(dc=example,dc=com); required to create.
    type: str
  auth_scheme:
    description: How Nexus binds, V(none) (anonymous), V(simple), V(cram-md5) or V(digest-md5); required to create.
    type: str
    choices: [cram-md5, digest-md5, none, simple]
  auth_username:
    description: The bind user (a full DN for V(simple)); required unless O(auth_scheme=none).
    type: str
  auth_password:
    description:
      - The bind password; required to create or update a connection that binds. Nexus never returns it, so it
        cannot be compared, and every update sends it (an update replaces the whole connection); see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sends O(auth_password) when the connection is created and with every other update.
      - V(always) sends it on every run, which then always reports a change; use it to rotate the password.
    type: str
    choices: [on_create, always]
    default: on_create
  auth_realm:
    description: The SASL realm; required for V(cram-md5) and V(digest-md5).
    type: str
  connection_timeout:
    description: Seconds to wait for the server, 1 to 3600 (new connections, 30).
    type: int
  connection_retry_delay:
    description: Seconds to wait before retrying a failed server (new connections, 300).
    type: int
  max_incidents_count:
    description: Failed attempts before Nexus stops trying the server for a while (new connections, 3).
    type: int
  use_trust_store:
    description: Use the certificates of Nexus's trust store for V(ldaps) (new connections, false).
    type: bool
  user_base_dn:
    description: Where users are, relative to O(search_base), for example V(ou=people).
    type: str
  user_subtree:
    description: Whether users are also below O(user_base_dn) (new connections, false).
    type: bool
  user_object_class:
    description: The object class of users (new connections, V(inetOrgPerson)).
    type: str
  user_ldap_filter:
    description: An LDAP filter limiting which users may sign in.
    type: str
  user_id_attribute:
    description: The attribute holding the user id (new connections, V(uid)).
    type: str
  user_real_name_attribute:
    description: The attribute holding the real name (new connections, V(cn)).
    type: str
  user_email_address_attribute:
    description: The attribute holding the e-mail address (new connections, V(mail)).
    type: str
  user_password_attribute:
    description: The attribute holding the password; when empty, users are authenticated by binding as them.
    type: str
  ldap_groups_as_roles:
    description:
      - Map LDAP groups to Nexus roles (a role whose id is the group name, see M(maestro.platform.nexus_role)
        O(maestro.platform.nexus_role#module:source)).
    type: bool
  group_type:
    description: V(static) (a group lists its members) or V(dynamic) (a user lists its groups); required with O(ldap_groups_as_roles).
    type: str
    choices: [static, dynamic]
  group_base_dn:
    description: Where groups are, relative to O(search_base), for example V(ou=groups).
    type: str
  group_subtree:
    description: Whether groups are also below O(group_base_dn).
    type: bool
  group_object_class:
    description: For static groups, the object class of groups, for example V(groupOfNames) (required).
    type: str
  group_id_attribute:
    description: For static groups, the attribute holding the group id, for example V(cn) (required).
    type: str
  group_member_attribute:
    description: For static groups, the attribute listing the members, for example V(member) (required).
    type: str
  group_member_format:
    description: For static groups, how a member is written, for example V(uid=${username},ou=people,dc=example,dc=com) (required).
    type: str
  user_member_of_attribute:
    description: For dynamic groups, the user attribute listing the groups, for example V(memberOf) (required).
    type: str
extends_documentation_fragment:
  - maestro.platform.nexus
  - maestro.platform.nexus.actiongroups
  - maestro.platform.attributes
seealso:
  - module: maestro.platform.nexus_security
  - module: maestro.platform.nexus_role
"""

EXAMPLES = r"""
- name: The company directory, groups mapped to roles
  maestro.platform.nexus_ldap:
    name: corp
    protocol: ldaps
    host: ldap.example.com
    search_base: dc=example,dc=com
    auth_scheme: simple
    auth_username: cn=nexus,ou=services,dc=example,dc=com
    auth_password: "{{ vault_nexus_ldap_bind_password }}"
    user_base_dn: ou=people
    user_object_class: inetOrgPerson
    user_id_attribute: uid
    user_real_name_attribute: cn
    user_email_address_attribute: mail
    ldap_groups_as_roles: true
    group_type: static
    group_base_dn: ou=groups
    group_object_class: groupOfNames
    group_id_attribute: cn
    group_member_attribute: member
    group_member_format: uid=${username},ou=people,dc=example,dc=com

- name: Let LDAP users sign in
  maestro.platform.nexus_security:
    realms: [NexusAuthenticatingRealm, LdapRealm]

- name: The LDAP group "developers" gets the developer privileges
  maestro.platform.nexus_role:
    id: developers
    source: LDAP
    privileges: [nx-repository-view-*-*-read]
"""

RETURN = r"""
ldap:
  description:
    - The connection after the task (predicted in check mode); empty after deletion. Every option above except
      the password, plus the keys below.
  returned: always
  type: dict
  contains:
    name:
      description: The connection's name.
      type: str
    id:
      description: Nexus's id of the connection (none in check mode before it is created).
      type: str
    order:
      description: Its position in the order Nexus tries the connections.
      type: int
    protocol:
      description: V(ldap) or V(ldaps).
      type: str
    host:
      description: Host name.
      type: str
    port:
      description: Port.
      type: int
    auth_scheme:
      description: The authentication scheme, lower case.
      type: str
    group_type:
      description: V(static), V(dynamic) or none.
      type: str
"""

from ansible_collections.maestro.platform.plugins.module_utils._nexus_ldap import Ldap
from ansible_collections.maestro.platform.plugins.module_utils._resource import run_module


#: the module's logic; its action plugin (plugins/action/<module>.py, plugin_utils/_fast_action.py) runs it in-process
OPERATION = Ldap


def main():
    run_module(OPERATION)


if __name__ == '__main__':
    main()
