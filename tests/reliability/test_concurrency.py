"""Concurrency: two ansible-playbook runs converging the same resources at the same time must both finish
without error and leave the intended state; a create that loses the race must become "already exists".

The race is forced, not hoped for: both runs start within a second (a barrier file), and the first create
of each run is held 2.5 s before the server acts on it, so both runs read "absent" and both create the
first resource; the other resources race naturally (both runs loop over the same names).
MLflow is the real server behind the fault proxy; Nexus and Harbor are the emulators.
"""

import os
import subprocess
import time

import pytest

from tests.helpers import ROOT, ansible_env, playbook_command
from tests.reliability import summary

PLAYBOOK = ROOT / 'tests' / 'reliability' / 'playbooks' / 'concurrent_converge.yml'
COUNT = 6


def _run_twice(extra_vars, tmp_path):
    barrier = tmp_path / 'go'
    procs = []
    for run in range(2):
        cmd = playbook_command(PLAYBOOK, extra_vars=dict(extra_vars, barrier=str(barrier), count=COUNT, run=run))
        procs.append(subprocess.Popen(cmd, cwd=str(ROOT), env=ansible_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    deadline = time.monotonic() + 120
    while not all(os.path.exists('%s-ready-%d' % (barrier, run)) for run in range(2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), 'a run did not start'
        time.sleep(0.05)
    barrier.write_text('go')  # both poll for it every second: they start within a second of each other
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    return [(p.returncode, out) for p, out in zip(procs, outputs)]


def _check(resource, results, state_ok, detail):
    runs_ok = all(rc == 0 for rc, _ in results)
    failures = [' | '.join(line.strip() for line in out.splitlines()
                           if line.startswith(('failed:', 'fatal:', '[ERROR]')) or '"msg"' in line)[:700]
                for rc, out in results if rc != 0]
    summary.record(summary.CONCURRENCY, check='%s: two runs, %d shared names, first create raced' % (resource, COUNT),
                   ok=runs_ok and state_ok, detail=('; '.join(failures) or detail))
    assert runs_ok, '\n'.join(failures)
    assert state_ok, detail


# Forced, deterministic races: both runs read "absent", one create loses and must become "already exists"
# (the engine re-reads and converges the object the other run created) instead of failing.
def test_mlflow_experiments(mlflow_proxy, tmp_path, prefix):
    mlflow_proxy.inject('slow', times=2, match='POST /api/2.0/mlflow/experiments/create', seconds=2.5)
    results = _run_twice({'service': 'mlflow', 'tracking_uri': mlflow_proxy.base_url, 'prefix': prefix}, tmp_path)
    import json
    import urllib.request
    found = {}
    for i in range(COUNT):
        url = '%s/api/2.0/mlflow/experiments/get-by-name?experiment_name=%s-%d' % (mlflow_proxy.base_url, prefix, i)
        with urllib.request.urlopen(url, timeout=10) as resp:
            exp = json.load(resp)['experiment']
        found[exp['name']] = dict((t['key'], t['value']) for t in exp.get('tags', []) if not t['key'].startswith('mlflow.'))
    creates = mlflow_proxy.count('POST', '/experiments/create')
    _check('MLflow experiments', results, all(t == {'team': 'ml'} for t in found.values()) and len(found) == COUNT,
           '%d experiments with tags team=ml; %d create requests for %d names' % (len(found), creates, COUNT))


def test_nexus_repositories(nexus_emulator, tmp_path, prefix):
    nexus_emulator.inject('slow', times=2, match='POST /service/rest/v1/repositories/raw/hosted$', seconds=2.5)
    results = _run_twice({'service': 'nexus', 'nexus_url': nexus_emulator.base_url,
                          'nexus_password': nexus_emulator.admin_password, 'prefix': prefix}, tmp_path)
    repos = [nexus_emulator.repository('%s-%d' % (prefix, i)) for i in range(COUNT)]
    state_ok = all(r and str(r['storage']['writePolicy']).lower() == 'allow_once' for r in repos)
    creates = nexus_emulator.count('POST', '/v1/repositories/raw/hosted$')
    _check('Nexus repositories', results, state_ok,
           '%d repositories allow_once; %d create requests for %d names' % (sum(1 for r in repos if r), creates, COUNT))


def test_harbor_projects(harbor_emulator, tmp_path, prefix):
    harbor_emulator.inject('slow', times=2, match='POST /api/v2.0/projects$', seconds=2.5)
    results = _run_twice({'service': 'harbor', 'harbor_url': harbor_emulator.base_url,
                          'harbor_user': harbor_emulator.admin_username,
                          'harbor_password': harbor_emulator.admin_password, 'prefix': prefix}, tmp_path)
    projects = dict((p['name'], p) for p in harbor_emulator.projects.values()) \
        if isinstance(harbor_emulator.projects, dict) else {}
    names = ['%s-%d' % (prefix, i) for i in range(COUNT)]
    found = [projects.get(n) or next((p for p in projects.values() if p.get('name') == n), None) for n in names]
    state_ok = all(p is not None and str((p.get('metadata') or {}).get('public', 'false')) == 'false' for p in found)
    creates = harbor_emulator.count('POST', '/projects$')
    _check('Harbor projects', results, state_ok,
           '%d projects, private; %d create requests for %d names' % (sum(1 for p in found if p), creates, COUNT))

