# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""More repository formats for the Nexus emulator (test support, not shipped): huggingface, conda, apt, yum.

Their routes are the emulator's per-format repository routes (``FORMATS`` is merged into nexus.py's table),
so every request and response is validated against Nexus 3.94's API description like the first formats':
the apt, yum, huggingface and conda request models (AptHostedRepositoryApiRequest requires ``apt.distribution``
and ``aptSigning``; YumAttributes requires ``repodataDepth`` 0-5 and ``deployPolicy`` STRICT|PERMISSIVE, ...)
come from the spec, and a GET answer must also be a valid create request of its format (nexus.py
``_check_full_repo``).

What the spec does not show, and this mixin implements:
- signing keys (``aptSigning`` of apt hosted and proxy, ``yumSigning`` of yum proxy and group) are secrets.
  Nexus never returns the passphrase, and returns the apt key pair only when a passphrase is set; this is
  what datadrivers/terraform-provider-nexus reads from real servers (internal/services/repository/
  resource_repository_apt_hosted.go, setAptHostedRepositoryToResourceData: "The passphrase for the keypair
  is never returned by the nexus api"; "If no passphrase is set, the API wont return the AptSigning block").
  The yum key is never returned here: no source was read for it, so the emulator takes the strictest reading.
- an update replaces the whole configuration (RepositoryManagerImpl.update stores the new Configuration):
  a PUT without a signing block removes the stored key, as a PUT without a remote password removes that.
"""

from __future__ import annotations

import copy

# format -> repository types Nexus Community serves (added to nexus.py's FORMATS)
FORMATS = {
    'huggingface': ('proxy',),
    'conda': ('proxy', 'hosted', 'group'),
    'apt': ('proxy', 'hosted'),
    'yum': ('proxy', 'hosted', 'group'),
}
SIGNING_BLOCKS = {('apt', 'hosted'): 'aptSigning', ('apt', 'proxy'): 'aptSigning',
                  ('yum', 'proxy'): 'yumSigning', ('yum', 'group'): 'yumSigning'}


class NexusFormatsMixin:
    """Signing-key storage for the formats above; nexus.NexusEmulator calls these hooks."""

    def _reset_formats(self):
        self.signing_secrets = {}  # lower-case repository name -> {'keypair', 'passphrase'}

    def signing_secret(self, name):
        """Test helper: the stored signing key and passphrase of a repository (a copy), or None."""
        with self._lock:
            return copy.deepcopy(self.signing_secrets.get(name.lower()))

    def _store_signing(self, fmt, rtype, config):
        """Take the signing block out of a configuration about to be stored: the secrets are kept apart."""
        block = SIGNING_BLOCKS.get((fmt, rtype))
        key = config['name'].lower()
        if block is None:
            return
        signing = config.pop(block, None) or {}
        if signing.get('keypair'):
            self.signing_secrets[key] = {'keypair': signing['keypair'], 'passphrase': signing.get('passphrase')}
        else:
            self.signing_secrets.pop(key, None)

    def _show_signing(self, fmt, rtype, body):
        """What a GET shows of the signing block (see the module docstring)."""
        if SIGNING_BLOCKS.get((fmt, rtype)) != 'aptSigning':
            return
        stored = self.signing_secrets.get(body['name'].lower()) or {}
        if stored.get('passphrase'):
            body['aptSigning'] = {'keypair': stored['keypair']}
        elif rtype == 'hosted':
            body['aptSigning'] = {}  # the block is part of the apt hosted model, shown empty

    def _forget_signing(self, key):
        self.signing_secrets.pop(key, None)
