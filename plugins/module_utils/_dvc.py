# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the DVC family of maestro.platform. Not a public API; it may change at any time.
"""DVC remotes, written straight into DVC's configuration files (no `dvc` package needed).

DVC keeps its configuration in configobj (INI) files, at four levels:
- repo:   <repo>/.dvc/config         (committed to git)
- local:  <repo>/.dvc/config.local   (ignored by git: `dvc init` writes /config.local to .dvc/.gitignore)
- user:   $DVC_GLOBAL_CONFIG_DIR, else $XDG_CONFIG_HOME/dvc, else ~/.config/dvc, file `config`
- system: $DVC_SYSTEM_CONFIG_DIR, else the first of $XDG_CONFIG_DIRS + /dvc, else /etc/xdg/dvc, file `config`

`dvc remote add -d NAME URL` writes, at the chosen level::

    [core]
        remote = NAME
    ['remote "NAME"']
        url = URL

and `dvc remote modify --local NAME access_key_id ...` writes the same section into config.local. This
module writes exactly that layout (4-space indentation, configobj quoting), keeps every other line of the
files as it is, and puts credentials ONLY into config.local (mode 0600) at repo level, removing any it
finds in the committed file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.maestro.platform.plugins.module_utils._dvc_config import ConfigFile
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, Resource, require_name

CREDENTIALS = ('access_key_id', 'secret_access_key', 'session_token')
SECRETS = ('secret_access_key', 'session_token')
MASK = '********'


def _setting_text(key, value):
    """The string DVC stores for an option value (booleans as true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if key in ('ssl_verify', 'version_aware'):
        lowered = str(value).strip().lower()
        if lowered in ('true', 'yes', 'on', '1'):
            return 'true'
        if lowered in ('false', 'no', 'off', '0'):
            return 'false'
    return str(value)


def _pick(items, credentials):
    """The credentials among items (credentials=True), or the other settings."""
    return dict((k, v) for k, v in items.items() if (k in CREDENTIALS) == credentials)


# -- dvc_remote -----------------------------------------------------------------------------------------
class DvcOperation:
    service = 'dvc'
    connection_options = {}
    module_kwargs = {}

    @classmethod
    def make_client(cls, params):
        return None  # local files only


class DvcRemote(DvcOperation, Resource):
    result_key = 'remote'
    kind = 'DVC remote'
    option_code = {'access_key_id': dict(no_log=False), 'secret_access_key': dict(no_log=True),
                   'session_token': dict(no_log=True)}
    module_options = dict(  # generated from plugins/modules/dvc_remote.py DOCUMENTATION, do not edit
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        level=dict(type='str', default='repo', choices=['repo', 'local', 'user', 'global', 'system']),
        repo=dict(type='path', aliases=['repo_path', 'project_path']),
        config_dir=dict(type='path'),
        url=dict(type='str'),
        default=dict(type='bool'),
        endpoint_url=dict(type='str', aliases=['endpointurl']),
        region=dict(type='str'),
        profile=dict(type='str'),
        credentialpath=dict(type='path', aliases=['credential_path']),
        ssl_verify=dict(type='raw'),
        version_aware=dict(type='bool'),
        access_key_id=dict(type='str', no_log=False),
        secret_access_key=dict(type='str', no_log=True),
        session_token=dict(type='str', no_log=True),
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write
    module_kwargs = dict(required_together=[('access_key_id', 'secret_access_key')])

    def describe(self):
        return "DVC remote '%s'" % self.params.get('name')

    # -- files --------------------------------------------------------------------------------------
    def _paths(self):
        level = 'user' if self.params['level'] == 'global' else self.params['level']
        if level in ('repo', 'local'):
            repo = self.params.get('repo')
            if not repo:
                raise ModuleFailure('repo is required for level=%s: give the path of the DVC repository (the '
                                    'directory holding .dvc/)' % level)
            dvc_dir = os.path.join(repo, '.dvc')
            if not os.path.isdir(dvc_dir):
                raise ModuleFailure('repo: %s is not a DVC repository (no .dvc directory); run `dvc init` there '
                                    'first' % repo)
            local = os.path.join(dvc_dir, 'config.local')
            return level, (local if level == 'local' else os.path.join(dvc_dir, 'config')), local
        directory = self.params.get('config_dir')
        if not directory:
            if level == 'user':
                directory = os.environ.get('DVC_GLOBAL_CONFIG_DIR') or os.path.join(
                    os.environ.get('XDG_CONFIG_HOME') or os.path.expanduser('~/.config'), 'dvc')
            else:
                xdg = [d for d in (os.environ.get('XDG_CONFIG_DIRS') or '').split(':') if d]
                directory = os.environ.get('DVC_SYSTEM_CONFIG_DIR') or os.path.join(
                    xdg[0] if xdg else '/etc/xdg', 'dvc')
        path = os.path.join(directory, 'config')
        return level, path, path

    def validate(self):
        name = require_name(self.params)
        if re.search(r'["\'\[\]]', name):
            raise ModuleFailure('name: a DVC remote name cannot contain quotes or brackets, got %r' % name)
        url = self.params.get('url')
        if url is not None and not re.match(r'^[a-z0-9+]+://\S+$|^/', url):
            raise ModuleFailure('url must be a remote URL such as s3://bucket/path (or a local path), got %r' % url)
        endpoint = self.params.get('endpoint_url')
        if endpoint is not None and not re.match(r'^https?://[^/\s]+', endpoint):
            raise ModuleFailure('endpoint_url must be an http:// or https:// URL, got %r' % endpoint)
        ssl_verify = self.params.get('ssl_verify')
        if ssl_verify is not None and not isinstance(ssl_verify, bool) and \
                _setting_text('ssl_verify', ssl_verify) not in ('true', 'false') and not str(ssl_verify).startswith('/'):
            raise ModuleFailure('ssl_verify must be true, false or the absolute path of a CA bundle, got %r'
                                % ssl_verify)
        self.level, self.main_path, self.creds_path = self._paths()
        if self.level == 'system' and any(self.params.get(k) for k in CREDENTIALS):
            raise ModuleFailure('access_key_id/secret_access_key cannot go into the system-level config (readable '
                                'by every user); use level=user or level=repo, which keeps them in '
                                '.dvc/config.local')

    def read(self):
        section = 'remote "%s"' % self.params['name']
        main = ConfigFile(self.main_path)
        creds = main if self.creds_path == self.main_path else ConfigFile(self.creds_path)
        self.files = (main, creds)
        settings = main.get(section)
        if settings is None:
            return None
        local = (creds.get(section) or {}) if creds is not main else {}
        core = main.get('core') or {}
        state = {
            'name': self.params['name'], 'level': self.level, 'config_file': self.main_path,
            'default': core.get('remote') == self.params['name'],
            'settings': _pick(settings, False),
            'credentials': _pick(local if creds is not main else settings, True),
            # credentials found in the committed file (repo level): moved out when the task gives credentials
            'committed_credentials': sorted(_pick(settings, True)) if creds is not main else [],
        }
        # settings DVC reads from config.local override the committed ones; show them as effective values
        state['settings'].update(_pick(local, False))
        return state

    def validate_against(self, current):
        if current is None and self.params['state'] == 'present' and not self.params.get('url'):
            raise ModuleFailure('url is required to add %s' % self.describe())

    def desired(self, current):
        current = current or {'settings': {}, 'credentials': {}, 'default': False, 'committed_credentials': []}
        settings = dict(current['settings'])
        for key, option in (('url', 'url'), ('endpointurl', 'endpoint_url'), ('region', 'region'),
                            ('profile', 'profile'), ('credentialpath', 'credentialpath'),
                            ('ssl_verify', 'ssl_verify'), ('version_aware', 'version_aware')):
            value = _setting_text(key, self.params.get(option))
            if value is not None:
                settings[key] = value
        credentials = dict(current['credentials'])
        given = dict((k, self.params[k]) for k in CREDENTIALS if self.params.get(k) is not None)
        credentials.update(given)
        committed = current['committed_credentials']
        if given and self.level == 'repo':
            committed = []
        default = self.params.get('default')
        return {
            'name': self.params['name'], 'level': self.level, 'config_file': self.main_path,
            'default': current['default'] if default is None else default,
            'settings': settings, 'credentials': credentials, 'committed_credentials': committed,
        }

    # settings and credentials always hold every current key, so the engine's key-by-key comparison of
    # desired against current sees removals as well as changes.

    def create(self, desired):
        self._save(None, desired)

    def update(self, current, desired):
        self._save(current, desired)

    def _save(self, current, desired):
        main, creds = self.files
        section = 'remote "%s"' % self.params['name']
        for key, value in desired['settings'].items():
            main.set(section, key, value)
        if desired['default']:
            main.set('core', 'remote', self.params['name'], first=True)
        elif (main.get('core') or {}).get('remote') == self.params['name']:
            main.unset('core', 'remote')
        target = creds if self.level == 'repo' else main
        for key, value in desired['credentials'].items():
            target.set(section, key, value)
        if self.level == 'repo' and not desired['committed_credentials']:
            for key in CREDENTIALS:
                main.unset(section, key)
        main.save(private=bool(desired['credentials']) and main is creds)
        if creds is not main and (desired['credentials'] or creds.exists):
            creds.save(private=True)
            self._ignore_local_config()

    def _ignore_local_config(self):
        """Make sure git never sees config.local (dvc init writes this rule; keep it there)."""
        path = os.path.join(os.path.dirname(self.creds_path), '.gitignore')
        text = ''
        if os.path.exists(path):
            with open(path) as handle:
                text = handle.read()
        if not set(('/config.local', 'config.local')) & set(text.splitlines()):
            with open(path, 'a') as handle:
                handle.write(('\n' if text and not text.endswith('\n') else '') + '/config.local\n')

    def delete(self, current):
        main, creds = self.files
        section = 'remote "%s"' % self.params['name']
        main.drop(section)
        if (main.get('core') or {}).get('remote') == self.params['name']:
            main.unset('core', 'remote')
        main.save()
        if creds is not main and creds.get(section) is not None:
            creds.drop(section)
            creds.save(private=True)

    def public(self, obj):
        out = dict(obj)
        out['credentials'] = dict((k, MASK if k in SECRETS else v) for k, v in obj['credentials'].items())
        return out
