#!/usr/bin/env python
"""Benchmark: the playbook maestro.platform.migrate_mlflow between two real MLflow servers (SQLite backends,
artifacts through each server's artifact proxy to its own bucket on moto's S3 API), seeded with the real mlflow
client as tests/integration/test_mlflow_migrate.py seeds it: 3 experiments x RUNS runs x 3 metrics x 100 steps,
params, tags, 9 artifact files, two registered models.

Usage: .venv/bin/python bench/bench_mlflow_migrate.py [--runs 20] [--mode controller|module]
Prints the time of --check, of the migration and of the rerun that changes nothing, and the request counts of
both servers. Not a test: numbers depend on the machine.
"""

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.test_mlflow_migrate import migrate, seed_source  # noqa: E402
from tests.servers import Mlflow, MotoS3  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--mode', default='controller', choices=['controller', 'module'])
    args = parser.parse_args()
    s3 = MotoS3().start()
    servers = (Mlflow(s3, bucket='bench-source', metrics=True), Mlflow(s3, bucket='bench-destination', metrics=True))
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.start(), servers))
        tmp = Path(tempfile.mkdtemp(prefix='maestro-bench-migrate-'))
        started = time.monotonic()
        seed_source(servers[0], 'bench', tmp, runs=args.runs)
        print('seeded 3 experiments x %d runs in %.1f s' % (args.runs, time.monotonic() - started))
        before = [s.request_counts() for s in servers]
        rows = []
        for label, check in (('check', True), ('migrate', False), ('rerun', False)):
            report, result = migrate(servers, tmp, args.mode, check=check)
            rows.append((label, result.elapsed, report.get('stats', {}).get('seconds'), report['changed']))
        after = [s.request_counts() for s in servers]
        print('%-8s %10s %12s %8s' % ('step', 'playbook s', 'module s', 'changed'))
        for label, elapsed, seconds, changed in rows:
            print('%-8s %10.1f %12s %8s' % (label, elapsed, seconds if seconds is not None else '-', changed))
        for name, b, a in zip(('source', 'destination'), before, after):
            print('%s requests: %s' % (name, dict((k, int(a.get(k, 0) - b.get(k, 0))) for k in a)))
    finally:
        for server in servers:
            server.stop()
        s3.stop()


if __name__ == '__main__':
    main()
