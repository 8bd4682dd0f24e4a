"""Every module reaches the one action plugin of the fast path: meta/runtime.yml routes its action to
maestro.platform.fast_path, and the module names its logic class OPERATION (what the action plugin runs)."""

import importlib
from pathlib import Path

import yaml

from ansible_collections.maestro.platform.plugins.module_utils._resource import Operation
from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import operation_of

ROOT = Path(__file__).resolve().parents[4]
MODULES = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')


def test_every_module_is_routed_to_the_fast_path():
    routing = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text())['plugin_routing']['action']
    assert sorted(routing) == MODULES
    assert set(entry['redirect'] for entry in routing.values()) == {'maestro.platform.fast_path'}
    assert sorted(p.name for p in (ROOT / 'plugins' / 'action').glob('*.py')) == ['fast_path.py']


def test_the_action_plugin_runs_the_module_operation():
    for name in MODULES:
        module = importlib.import_module('ansible_collections.maestro.platform.plugins.modules.%s' % name)
        assert isinstance(module.OPERATION, type) and issubclass(module.OPERATION, Operation), name
        assert operation_of('maestro.platform.%s' % name) is module.OPERATION
        assert operation_of(name) is module.OPERATION
