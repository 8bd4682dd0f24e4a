# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Harbor's Prometheus metrics: a mixin of HarborEmulator (tests/emulators/harbor.py). Test support, not
shipped."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .harbor_common import HARBOR_VERSION

# ---------------------------------------------------------------------------------------------------------
# Prometheus metrics (outside the REST API and its spec).
#
# Harbor serves its metrics through nginx's metrics port (harbor.yml metric.enabled, default 9090) at
# /metrics: without a parameter the exporter's, with ?comp=core|registry|jobservice the component's. That port
# is not part of the REST API, so the spec says nothing about it and the emulator's spec validation does not
# apply: a separate listener (start_metrics) serves it. Names, types and labels are Harbor's own, from the
# goharbor/website docs "Access Metrics" (docs/administration/metrics) and the jobservice metric package
# (src/jobservice/.../metric: harbor_jobservice_task_total{type,status}, ..._task_process_time_seconds summary
# with objectives 0.5/0.9/0.99); job types as in src/jobservice/job/known_jobs.go (IMAGE_SCAN, SCAN_ALL,
# GARBAGE_COLLECTION, ...), job statuses as in job/status.go (Success, Error, Stopped, ...).
# Values come from the emulator's state: projects, members, repositories, quotas, schedules, the jobs it ran
# (manual GC / scan-all / purge-audit) plus tasks a test records (record_task), and its own request log.
# The registry component has no traffic here (no /v2 API), so, like an idle registry, it serves none of the
# registry_http_* series.

HARBOR_COMPONENTS = ('core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy')


def _prom_labels(labels):
    if not labels:
        return ''
    return '{%s}' % ','.join('%s="%s"' % (k, str(v).replace('\\', '\\\\').replace('"', '\\"'))
                             for k, v in labels.items())


class _Exposition:
    def __init__(self):
        self.lines = []

    def family(self, name, kind, help_text, samples):
        self.lines.append('# HELP %s %s' % (name, help_text))
        self.lines.append('# TYPE %s %s' % (name, kind))
        for sample in samples:
            suffix, labels, value = sample if len(sample) == 3 else ('',) + tuple(sample)
            self.lines.append('%s%s%s %s' % (name, suffix, _prom_labels(labels), repr(float(value))))

    def text(self):
        return '\n'.join(self.lines) + '\n'


def _quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class HarborMetricsMixin:
    """Mixed into HarborEmulator: Harbor's /metrics (exporter, core, registry, jobservice)."""

    def record_task(self, job_type, status='Success', seconds=1.0):
        """Test helper: a jobservice task of `job_type` that ended in `status` after `seconds`."""
        with self._lock:
            self.recorded_tasks.append({'type': job_type, 'status': status, 'seconds': float(seconds)})

    def _tasks(self):
        tasks = list(self.recorded_tasks)
        for run in self.job_runs:
            tasks.append({'type': run['job'], 'status': 'Success', 'seconds': 0.0})
            if run['job'] == 'SCAN_ALL':  # scan-all enqueues one IMAGE_SCAN task per artifact
                artifacts = sum(r['artifact_count'] for repos in self.repositories.values() for r in repos.values())
                tasks.extend({'type': 'IMAGE_SCAN', 'status': 'Success', 'seconds': 0.0} for _ in range(artifacts))
        return tasks

    def metrics_text(self, comp=None):
        with self._lock:
            if comp in (None, '', 'exporter'):
                return self._exporter_metrics()
            if comp == 'core':
                return self._core_metrics()
            if comp == 'jobservice':
                return self._jobservice_metrics()
            if comp == 'registry':
                return ''
        return None

    def _exporter_metrics(self):
        out = _Exposition()
        projects = sorted(self.projects.values(), key=lambda p: p['project_id'])
        public = lambda p: p['metadata'].get('public', 'false')  # noqa: E731
        out.family('harbor_project_total', 'gauge', 'Total projects number',
                   [({'public': flag}, sum(1 for p in projects if public(p) == flag)) for flag in ('true', 'false')])
        repos = lambda p: self.repositories.get(p['project_id'], {}).values()  # noqa: E731
        out.family('harbor_project_repo_total', 'gauge', 'Total project repos number',
                   [({'project_name': p['name'], 'public': public(p)}, len(list(repos(p)))) for p in projects])
        out.family('harbor_project_member_total', 'gauge', 'Total members number of a project',
                   [({'project_name': p['name']},
                     sum(1 for m in self.members.values() if m['project_id'] == p['project_id'])) for p in projects])
        quotas = [(p, self._quota_of(p['project_id'])) for p in projects]
        out.family('harbor_project_quota_usage_byte', 'gauge', 'The used resource of a project',
                   [({'project_name': p['name']}, q['used']['storage']) for p, q in quotas if q])
        out.family('harbor_project_quota_byte', 'gauge', 'The quota of a project',
                   [({'project_name': p['name']}, q['hard']['storage']) for p, q in quotas if q])
        out.family('harbor_artifact_pulled', 'gauge', 'The pull number of an artifact',
                   [({'project_name': p['name']}, sum(r['pull_count'] for r in repos(p))) for p in projects])
        out.family('harbor_project_artifact_total', 'gauge', 'The total number of artifacts',
                   [({'artifact_type': 'IMAGE', 'project_name': p['name'], 'public': public(p)},
                     sum(r['artifact_count'] for r in repos(p))) for p in projects])
        out.family('harbor_health', 'gauge', 'Running status of Harbor', [({}, 1)])
        out.family('harbor_system_info', 'gauge', 'Information of Harbor system',
                   [({'auth_mode': self.config['auth_mode'], 'harbor_version': HARBOR_VERSION,
                      'self_registration': str(bool(self.config['self_registration'])).lower()}, 1)])
        out.family('harbor_up', 'gauge', 'Running status of harbor component',
                   [({'component': c}, 1) for c in HARBOR_COMPONENTS])
        types = sorted({t['type'] for t in self._tasks()} | {'IMAGE_SCAN'})
        # Jobs run synchronously here: the queues are empty and nothing is running.
        out.family('harbor_task_queue_size', 'gauge', 'Total number of tasks',
                   [({'type': t}, 0) for t in types])
        out.family('harbor_task_queue_latency', 'gauge', 'the time last taks processed',
                   [({'type': t}, 0) for t in types])
        out.family('harbor_task_scheduled_total', 'gauge', 'total number of scheduled job',
                   [({}, sum(1 for s in self.schedules.values() if s))])
        out.family('harbor_task_concurrency', 'gauge', 'Total number of concurrency on a pool',
                   [({'pool': 'emulator', 'type': t}, 0) for t in types])
        return out.text()

    def _core_metrics(self):
        out = _Exposition()
        totals = {}
        for entry in self.log:
            route_, _params = self._match(entry.method, entry.path) if entry.path.startswith('/') else (None, None)
            operation = 'unknown'
            if route_ is not None and self.spec is not None:
                operation = (self.spec.operation(route_.template, entry.method) or {}).get('operationId') or 'unknown'
            key = (entry.method, operation)
            totals[key] = totals.get(key, 0) + 1
        out.family('harbor_core_http_request_total', 'counter', 'The total number of requests',
                   [({'method': m, 'operation': o}, n) for (m, o), n in sorted(totals.items())])
        out.family('harbor_core_http_inflight_requests', 'gauge', 'The total number of requests',
                   [({'operation': o}, 0) for o in sorted({o for _m, o in totals})])
        return out.text()

    def _jobservice_metrics(self):
        out = _Exposition()
        out.family('harbor_jobservice_info', 'gauge', 'the information of jobservice',
                   [({'node': 'emulator', 'pool': 'emulator', 'workers': 10}, 1)])
        groups = {}
        for task in self._tasks():
            groups.setdefault((task['type'], task['status']), []).append(task['seconds'])
        out.family('harbor_jobservice_task_total', 'counter', 'The number of processed tasks',
                   [({'type': t, 'status': s}, len(v)) for (t, s), v in sorted(groups.items())])
        samples = []
        for (job_type, status), values in sorted(groups.items()):
            labels = {'type': job_type, 'status': status}
            for q in (0.5, 0.9, 0.99):
                samples.append(('', dict(labels, quantile=repr(q)), _quantile(values, q)))
            samples.append(('_sum', labels, sum(values)))
            samples.append(('_count', labels, len(values)))
        out.family('harbor_jobservice_task_process_time_seconds', 'summary',
                   'The time duration of the task processing time', samples)
        return out.text()

    def start_metrics(self, host='127.0.0.1', port=0, path='/metrics'):
        """Serve /metrics on its own listener (Harbor's metrics port); returns 'host:port'."""

        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_GET(self):
                split = urlsplit(self.path)
                comp = (parse_qs(split.query).get('comp') or [None])[0]
                text = emulator.metrics_text(comp) if split.path == path else None
                data = (text if text is not None else '404 page not found\n').encode()
                self.send_response(200 if text is not None else 404)
                self.send_header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                emulator.metrics_scrapes[comp or 'exporter'] = emulator.metrics_scrapes.get(comp or 'exporter', 0) + 1

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True,
                         name='harbor-metrics').start()
        self._metrics_servers.append(server)
        return '%s:%d' % server.server_address[:2]

    def stop_metrics(self):
        for server in self._metrics_servers:
            server.shutdown()
            server.server_close()
        self._metrics_servers = []
