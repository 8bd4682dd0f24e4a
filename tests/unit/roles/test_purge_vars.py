"""Purge (issue 21) role interface: off by default in every family, the same scheme in defaults, argument specs
and README, no purge for buckets (their objects are data), and the Nexus purge's list of formats equal to what
maestro.platform.nexus_repository manages (a format it cannot delete is reported, never attempted)."""

from pathlib import Path

import pytest
import yaml

from ansible_collections.maestro.platform.plugins.modules.nexus_repository import OPERATION as NexusRepository

ROOT = Path(__file__).resolve().parents[3]
PURGED = {'harbor': ['projects', 'members', 'robots'], 'nexus': ['repositories'], 'mlflow': ['experiments']}


def _load(role, *parts):
    return yaml.safe_load((ROOT / 'roles' / role / Path(*parts)).read_text())


@pytest.mark.parametrize('role', sorted(PURGED))
def test_purge_is_off_by_default_and_documented(role):
    defaults = _load(role, 'defaults', 'main.yml')
    spec = _load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    readme = (ROOT / 'roles' / role / 'README.md').read_text()
    assert defaults[role + '_purge'] == dict((kind, False) for kind in PURGED[role])
    assert defaults[role + '_purge_allow_empty'] is False
    for name in (role + '_purge', role + '_purge_allow_empty', role + '_purge_protected'):
        assert spec[name]['default'] == defaults[name], name
        assert '`%s`' % name in readme, name
    assert sorted(spec[role + '_purge']['options']) == sorted(PURGED[role])


def test_buckets_have_no_purge():
    defaults = _load('minio', 'defaults', 'main.yml')
    assert not [name for name in defaults if 'purge' in name]
    assert 'never purged' in (ROOT / 'roles' / 'minio' / 'README.md').read_text()


def test_nexus_purge_formats_are_the_module_formats():
    formats = NexusRepository.argument_spec()['format']['choices']
    assert sorted(_load('nexus', 'vars', 'main.yml')['_nexus_purge_formats']) == sorted(formats)
