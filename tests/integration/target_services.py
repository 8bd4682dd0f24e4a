"""The servers of the ansible-test integration targets (tests/integration/targets), as background processes.

ansible-test runs every target as its own ansible-playbook run, so the servers cannot be pytest fixtures:
the setup_services target (a meta dependency of the targets) calls

    python -m tests.integration.target_services start SERVICE --state-dir DIR

which starts SERVICE in a detached process unless one is already running (DIR/SERVICE.pid), and prints
its connection details as JSON (also kept in DIR/SERVICE.json, mode 0600: it holds the passwords).
SERVICE is one of:

- harbor, nexus: the spec-validated emulators (tests/emulators), as in the pytest fixtures
  (tests/emulators/fixtures.py, nexus_fixtures.py), plus a read-only control listener on its own port:
  GET /writes (the emulator's write log: 'METHOD path' with numeric ids as N, and the body) and
  GET /violations (the spec violations it recorded). The emulators' own ports serve only their APIs.
- mlflow: a real MLflow server with artifacts on moto's S3 API (tests/servers.py Mlflow, MotoS3).
- seaweedfs: a real SeaweedFS S3 server (tests/servers.py SeaweedFS).

A server stops by itself after --idle seconds (default 600) without a `start` call or an API request, and
`stop --state-dir DIR` stops them all (scripts/integration-targets.sh does at the end), so nothing is left
running. Test support only (not shipped).
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SERVICES = ('harbor', 'nexus', 'mlflow', 'seaweedfs')
ROOT = Path(__file__).resolve().parent.parent.parent


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


def _paths(state_dir, service):
    return Path(state_dir) / ('%s.pid' % service), Path(state_dir) / ('%s.json' % service)


def _running(state_dir, service):
    pid_file, state_file = _paths(state_dir, service)
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) and state_file.exists() else None


def start(service, state_dir, idle):
    """Start SERVICE unless it runs; returns its connection details."""
    pid_file, state_file = _paths(state_dir, service)
    Path(state_dir).mkdir(parents=True, exist_ok=True)
    if _running(state_dir, service) is None:
        state_file.unlink(missing_ok=True)
        log = open(Path(state_dir) / ('%s.log' % service), 'wb')  # pylint: disable=consider-using-with
        proc = subprocess.Popen([sys.executable, '-m', 'tests.integration.target_services', 'serve', service,
                                 '--state-dir', str(state_dir), '--idle', str(idle)],
                                cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 180
        while not state_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit('%s did not start:\n%s' % (
                    service, (Path(state_dir) / ('%s.log' % service)).read_text(errors='replace')[-4000:]))
            time.sleep(0.2)
    os.utime(state_file)  # a start call keeps the server from its idle stop
    return json.loads(state_file.read_text())


def stop(state_dir):
    for service in SERVICES:
        pid = _running(state_dir, service)
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            print('stopped %s (pid %d)' % (service, pid))


class _Control(BaseHTTPRequestHandler):
    """Read-only view of an emulator's records for the targets' write-log assertions."""

    emulator = None

    def log_message(self, format, *args):  # noqa: A002 - no access log on stderr
        pass

    def do_GET(self):  # noqa: N802 - BaseHTTPRequestHandler's naming
        emulator = self.emulator
        with emulator._lock:  # pylint: disable=protected-access
            if self.path == '/writes':
                data = [{'write': '%s %s' % (w.method, re.sub(r'/\d+(?=/|$)', '/N', w.path)), 'body': w.body}
                        for w in emulator.writes]
            elif self.path == '/violations':
                data = list(emulator.violations)
            else:
                self.send_error(404)
                return
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _harbor():
    from tests.emulators.harbor import ADMIN_NAME, HarborEmulator
    password = 'Aa1' + secrets.token_urlsafe(18)  # Harbor's rule: upper, lower and a digit
    emulator = HarborEmulator(admin_password=password, user_password='Aa1' + secrets.token_urlsafe(18))
    emulator.start()
    return emulator, {'url': emulator.base_url, 'username': ADMIN_NAME, 'password': password}


def _nexus():
    from tests.emulators.nexus import NexusEmulator
    emulator = NexusEmulator(tempfile.mkdtemp(prefix='maestro-nexus-data-'), random_admin_password=False)
    emulator.start()
    return emulator, {'url': emulator.base_url, 'username': 'admin', 'password': emulator.admin_password}


def _with_control(emulator, state):
    handler = type('Control', (_Control,), {'emulator': emulator})
    control = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    state['control'] = 'http://127.0.0.1:%d' % control.server_address[1]
    return lambda: emulator.requests['total'], lambda: (control.shutdown(), emulator.stop())


def _servers(service):
    """(state, activity(), close()) of a started SERVICE."""
    if service in ('harbor', 'nexus'):
        emulator, state = _harbor() if service == 'harbor' else _nexus()
        return (state,) + _with_control(emulator, state)
    from tests.servers import S3_KEYS, Mlflow, MotoS3, SeaweedFS
    if service == 'seaweedfs':
        server = SeaweedFS().start()
        state = {'url': server.url, 'access_key': S3_KEYS['AWS_ACCESS_KEY_ID'],
                 'secret_key': S3_KEYS['AWS_SECRET_ACCESS_KEY']}
        return state, lambda: 0, server.stop
    s3 = MotoS3().start()
    server = Mlflow(s3).start()

    def close():
        server.stop()
        s3.stop()
    return {'url': server.url}, lambda: 0, close


def serve(service, state_dir, idle):
    pid_file, state_file = _paths(state_dir, service)
    state, activity, close = _servers(service)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    pid_file.write_text(str(os.getpid()))
    tmp = state_file.with_suffix('.tmp')
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as handle:
        json.dump(state, handle)
    tmp.rename(state_file)
    last_seen, last_active = activity(), time.monotonic()
    try:
        while not stopping.wait(2):
            now = activity()
            if now != last_seen:
                last_seen, last_active = now, time.monotonic()
            touched = time.time() - state_file.stat().st_mtime
            if min(time.monotonic() - last_active, touched) > idle:
                print('%s idle for %ds: stopping' % (service, idle), flush=True)
                break
    finally:
        close()
        state_file.unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('action', choices=('start', 'serve', 'stop'))
    parser.add_argument('service', nargs='?', choices=SERVICES)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('--idle', type=int, default=600)
    args = parser.parse_args(argv)
    if args.action == 'stop':
        stop(args.state_dir)
    elif args.service is None:
        parser.error('%s needs a service' % args.action)
    elif args.action == 'start':
        print(json.dumps(start(args.service, args.state_dir, args.idle)))
    else:
        serve(args.service, args.state_dir, args.idle)


if __name__ == '__main__':
    main()
