#!/usr/bin/env python
"""Benchmark (not a test): converge a loop of Harbor projects with maestro.platform.harbor_project.

Starts the Harbor API emulator (tests/emulators/harbor.py, which validates every request and response
against Harbor's API description), then runs tests/integration/playbooks/harbor_loop.yml through real
ansible-playbook: a first run that creates COUNT projects and a steady-state run that changes nothing, once
with the fast path (maestro_platform_execution=controller: the action plugin runs the logic in-process and
keeps one connection) and once as ordinary modules (maestro_platform_execution=module).

Usage: .venv/bin/python bench/bench_harbor.py [COUNT]   (default 200)

Times include ansible-playbook start-up (~1 s) and the emulator's spec validation of every request and
response (reported separately: a real Harbor does not spend it, but answers slower itself).
"""

import os
import secrets
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.emulators.harbor import HarborEmulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.helpers import run_playbook  # noqa: E402  pylint: disable=wrong-import-position


def measure(emulator, password, mode, count, prefix):
    rows = []
    for phase in ('first run', 'steady state'):
        before_requests = len(emulator.log)
        before_validation = emulator.validation_seconds
        started = time.monotonic()
        result = run_playbook('harbor_loop.yml', extra_vars={
            'harbor_url': emulator.base_url, 'harbor_user': 'admin', 'harbor_password': password,
            'prefix': prefix, 'count': count, 'check_listing': False, 'maestro_platform_execution': mode})
        elapsed = time.monotonic() - started
        if not result.ok:
            raise SystemExit('playbook failed:\n%s' % result)
        expected = 'changed=1' if phase == 'first run' else 'changed=0'
        if expected not in result.stdout:
            raise SystemExit('%s of %s: expected %s in the recap\n%s' % (phase, mode, expected, result.stdout[-2000:]))
        requests = len(emulator.log) - before_requests
        rows.append((mode, phase, elapsed, 1000.0 * elapsed / count, float(requests) / count,
                     emulator.validation_seconds - before_validation))
    return rows


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    password = 'Aa1' + secrets.token_urlsafe(18)
    rows = []
    with HarborEmulator(admin_password=password) as emulator:
        for mode in ('controller', 'module'):
            emulator.reset()
            rows.extend(measure(emulator, password, mode, count, 'bench-%s' % mode))
        emulator.assert_no_violations()
    print('harbor_project loop of %d projects (Harbor API emulator, ansible-playbook, this machine)' % count)
    print('%-10s  %-12s  %8s  %9s  %12s  %14s' % ('execution', 'run', 'total s', 'ms/item', 'requests/item',
                                                  'emulator valid. s'))
    for mode, phase, elapsed, per_item, requests, validation in rows:
        print('%-10s  %-12s  %8.1f  %9.1f  %12.2f  %14.1f' % (mode, phase, elapsed, per_item, requests, validation))


if __name__ == '__main__':
    main()
