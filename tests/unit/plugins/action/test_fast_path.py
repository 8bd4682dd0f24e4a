"""Every module has the one action plugin of the fast path: plugins/action/<module>.py imports the ActionModule of
plugins/plugin_utils/_fast_action.py (Ansible finds an action plugin by the module's name), and the module names
its logic class OPERATION, which that plugin runs."""

import importlib
from pathlib import Path

from ansible_collections.maestro.platform.plugins.module_utils._resource import Operation
from ansible_collections.maestro.platform.plugins.plugin_utils._fast_action import ActionModule, operation_of

ROOT = Path(__file__).resolve().parents[4]
MODULES = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')


def test_every_module_has_the_fast_path_action_plugin():
    actions = ROOT / 'plugins' / 'action'
    assert sorted(p.stem for p in actions.glob('*.py')) == MODULES
    for name in MODULES:
        plugin = importlib.import_module('ansible_collections.maestro.platform.plugins.action.%s' % name)
        assert plugin.ActionModule is ActionModule, name


def test_the_action_plugin_runs_the_module_operation():
    for name in MODULES:
        module = importlib.import_module('ansible_collections.maestro.platform.plugins.modules.%s' % name)
        assert isinstance(module.OPERATION, type) and issubclass(module.OPERATION, Operation), name
        assert operation_of('maestro.platform.%s' % name) is module.OPERATION
        assert operation_of(name) is module.OPERATION
