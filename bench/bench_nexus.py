#!/usr/bin/env python3
"""Measure a 60-repository nexus_repository loop against the Nexus emulator (a script, not a test).

For each execution mode - the fast path (the action plugin runs the module's logic in-process on the
controller, one kept-alive HTTP connection for the loop) and maestro_platform_execution=module (one
module process per item) - it converges the loop twice: the first run creates 60 repositories, the
second is the steady state (nothing to change). Prints a table of wall time (ansible-playbook start-up
included), ms per item and HTTP requests per item, as counted by the emulator.

Run from the repository root:  .venv/bin/python bench/bench_nexus.py [--items 60]
"""

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.emulators.nexus import NexusEmulator  # noqa: E402
from tests.helpers import run_playbook  # noqa: E402

PLAYBOOK = """---
- name: Bench nexus_repository loop
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/maestro.platform.nexus:
      url: "{{ nexus_url }}"
      username: admin
      password: "{{ nexus_password }}"
  tasks:
    - name: Repositories
      maestro.platform.nexus_repository: "{{ item }}"
      loop: "{{ repositories }}"
      loop_control:
        label: "{{ item.name }}"
"""


def repositories(count):
    kinds = [
        {'format': 'raw', 'type': 'hosted', 'write_policy': 'allow'},
        {'format': 'pypi', 'type': 'hosted', 'write_policy': 'allow_once'},
        {'format': 'npm', 'type': 'proxy', 'remote_url': 'https://registry.npmjs.org/'},
        {'format': 'maven', 'type': 'hosted', 'write_policy': 'allow_once', 'maven': {'version_policy': 'release'}},
        {'format': 'docker', 'type': 'hosted', 'write_policy': 'allow'},
        {'format': 'pypi', 'type': 'proxy', 'remote_url': 'https://pypi.org/'},
    ]
    return [dict(kinds[i % len(kinds)], name='bench-%03d' % i) for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--items', type=int, default=60)
    args = parser.parse_args()
    items = repositories(args.items)
    rows = []
    with tempfile.TemporaryDirectory(prefix='bench-nexus-') as tmp:
        playbook = os.path.join(tmp, 'bench_nexus.yml')
        with open(playbook, 'w') as handle:
            handle.write(PLAYBOOK)
        emulator = NexusEmulator(os.path.join(tmp, 'data'))
        emulator.start()
        try:
            for mode, label in (('controller', 'fast path (action plugin, in-process)'),
                                ('module', 'maestro_platform_execution=module')):
                emulator.reset()
                for run_name in ('first run (create)', 'steady state'):
                    before_requests = emulator.requests['total']
                    before_validation = emulator.validation_seconds
                    started = time.monotonic()
                    result = run_playbook(playbook, extra_vars={
                        'nexus_url': emulator.base_url, 'nexus_password': emulator.admin_password,
                        'repositories': items, 'maestro_platform_execution': mode})
                    elapsed = time.monotonic() - started
                    if not result.ok:
                        print(result)
                        return 1
                    emulator.assert_no_violations()
                    requests = emulator.requests['total'] - before_requests
                    rows.append((label, run_name, elapsed, 1000.0 * elapsed / len(items), requests / len(items),
                                 emulator.validation_seconds - before_validation))
        finally:
            emulator.stop()
    print('nexus_repository, %d-item loop against the spec-validated Nexus emulator (%d cores, load %.1f)'
          % (len(items), os.cpu_count(), os.getloadavg()[0]))
    print()
    print('| mode | run | s | ms/item | requests/item | emulator validation s |')
    print('|---|---|---:|---:|---:|---:|')
    for label, run_name, elapsed, per_item, req_per_item, validation in rows:
        print('| %s | %s | %.2f | %.1f | %.2f | %.2f |' % (label, run_name, elapsed, per_item, req_per_item,
                                                           validation))
    return 0


if __name__ == '__main__':
    sys.exit(main())
