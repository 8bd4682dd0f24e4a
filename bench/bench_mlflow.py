#!/usr/bin/env python
"""Benchmark: a loop of N mlflow_experiment items against a real MLflow server, side by side in one run:
the fast path (the action plugin runs the module logic in-process, one kept-alive connection for the
loop, with and without its read-ahead) and the same loop as ordinary modules (maestro_platform_execution=module).

Usage: .venv/bin/python bench/bench_mlflow.py [--items 200] [--repeat 3]
Prints a table. Not a test: numbers depend on the machine.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import run_playbook  # noqa: E402
from tests.servers import Mlflow, MotoS3  # noqa: E402

PLAYBOOK = """
- name: Bench
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Start
      ansible.builtin.set_fact:
        t0: "{{ now().timestamp() }}"
    - name: Converge the experiments
      maestro.platform.mlflow_experiment:
        tracking_uri: "{{ tracking_uri }}"
        name: "bench-{{ item }}"
        tags:
          team: "team-{{ item % 7 }}"
          managed_by: ansible
      loop: "{{ range(items | int) | list }}"
    - name: Loop time
      ansible.builtin.debug:
        msg: "LOOP_SECONDS={{ now().timestamp() - t0 | float }}"
"""


def one_run(playbook, url, items, mode, server, read_ahead=True):
    before = server.request_counts()
    result = run_playbook(playbook, extra_vars={'tracking_uri': url, 'items': items,
                                                'maestro_platform_execution': mode,
                                                'maestro_platform_read_ahead': read_ahead})
    if not result.ok:
        raise SystemExit(str(result))
    after = server.request_counts()
    loop = float(result.stdout.split('LOOP_SECONDS=')[1].split('"')[0])
    changed = int(result.stdout.split('changed=')[1].split()[0])
    requests = dict((k, after.get(k, 0) - before.get(k, 0)) for k in after)
    return {'wall': result.elapsed, 'loop': loop, 'changed': changed, 'requests': requests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--items', type=int, default=200)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()

    s3 = MotoS3().start()
    server = Mlflow(s3, metrics=True).start()
    rows = []
    try:
        with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
            handle.write(PLAYBOOK)
        playbook = handle.name
        first = one_run(playbook, server.url, args.items, 'controller', server)
        assert first['changed'] == 1, 'first run must create (one changed loop task)'
        rows.append(('first run (create %d), fast path' % args.items, [first]))
        for label, mode, read_ahead in (('fast path (action plugin)', 'controller', True),
                                        ('fast path, read-ahead off (one read per item)', 'controller', False),
                                        ('ordinary modules', 'module', True)):
            runs = [one_run(playbook, server.url, args.items, mode, server, read_ahead) for _ in range(args.repeat)]
            assert all(r['changed'] == 0 for r in runs), 'steady state must change nothing'
            rows.append(('steady state, ' + label, runs))
    finally:
        server.stop()
        s3.stop()

    print('\nmlflow_experiment loop of %d items, real MLflow %s server (SQLite), median of %d runs'
          % (args.items, 'tracking', args.repeat))
    print('| run | playbook wall s | loop s | ms per item | requests per item (GET/POST) |')
    print('|---|---|---|---|---|')
    medians = {}
    for label, runs in rows:
        wall = statistics.median(r['wall'] for r in runs)
        loop = statistics.median(r['loop'] for r in runs)
        req = runs[-1]['requests']
        per_item = '%.2f / %.2f' % (req.get('GET', 0) / args.items, req.get('POST', 0) / args.items)
        medians[label] = loop
        print('| %s | %.2f | %.2f | %.1f | %s |' % (label, wall, loop, 1000 * loop / args.items, per_item))
    fast = medians['steady state, fast path (action plugin)']
    plain = medians['steady state, fast path, read-ahead off (one read per item)']
    slow = medians['steady state, ordinary modules']
    print('\nsteady-state speed-up of the fast path: %.1fx (read-ahead off: %.1fx)' % (slow / fast, slow / plain))
    print(json.dumps({'items': args.items, 'fast_ms_per_item': 1000 * fast / args.items,
                      'no_read_ahead_ms_per_item': 1000 * plain / args.items,
                      'module_ms_per_item': 1000 * slow / args.items, 'speedup': slow / fast}))


if __name__ == '__main__':
    main()
