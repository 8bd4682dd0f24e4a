"""maestro.platform.platform_client on a fleet of 4 Debian containers, proven with real clients.

Runs the Molecule scenario molecule/platform_client step by step (destroy, create, prepare, converge,
idempotence, verify, destroy) on the project's own Docker engine, against real stand-in servers this
test starts:

- pypiserver for the Nexus PyPI group and hosted repository (pip install, twine upload),
- two verdaccio instances for the Nexus npm hosted repository and the npm group proxying it
  (npm publish, npm install),
- CNCF distribution (Debian's docker-registry) over TLS with a CA generated here and htpasswd auth
  (skopeo pull, trusting only what the role wrote),
- a static Maven-layout HTTP server requiring Basic auth, whose access log shows mvn's requests,

all bound to the gateway address of the scenario's own Docker network (maestro-pc-net),

then checks from the host what only the servers can show (the uploaded wheel, the published npm
package, mvn's authenticated requests), starts a real dockerd on the daemon.json the role wrote, and
checks that no secret reached Ansible's output.

Needs: eval "$(bash scripts/docker-engine.sh)" and bash scripts/build-images.sh, plus Debian's
docker-registry and skopeo and node/npm on the test host. Without an engine or the image the test is
skipped, unless MAESTRO_REQUIRE_MOLECULE=1 (CI), where it fails instead.
"""

import base64
import datetime
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, VENV_BIN, Molecule, ensure_collection_link, run_playbook, unavailable

FIXTURES = ROOT / 'tests' / 'fixtures' / 'platform_client'
SCENARIO = 'platform_client'
IMAGE = 'maestro-platform/client-host:bookworm'
FLEET = 4
NETWORK = 'maestro-pc-net'
DEFAULT_DOCKER_HOST = 'unix:///var/lib/maestro-docker/docker.sock'
TIMING_FILE = ROOT / 'build' / 'platform_client_fleet_timing.json'

# Test-only credentials, generated per run where a server allows it.
SECRETS = {
    'registry': 'robot-pw-' + os.urandom(6).hex(),
    'pypi': 'pypi-pw-' + os.urandom(6).hex(),
    'npm': 'npm-pw-' + os.urandom(6).hex(),
    'maven': 'maven-pw-' + os.urandom(6).hex(),
    'dvc': 'dvc-secret-' + os.urandom(6).hex(),
}


def _docker(*args, check=True, env=None):
    return subprocess.run(['docker', *args], capture_output=True, text=True, check=check, env=env)


@pytest.fixture(scope='module')
def engine():
    host = os.environ.get('DOCKER_HOST') or DEFAULT_DOCKER_HOST
    env = dict(os.environ, DOCKER_HOST=host)
    if shutil.which('docker') is None:
        unavailable('no docker CLI: run scripts/docker-engine.sh')
    if _docker('version', '--format', '{{.Server.Version}}', check=False, env=env).returncode != 0:
        unavailable('no Docker engine on %s: eval "$(bash scripts/docker-engine.sh)"' % host)
    if _docker('image', 'inspect', IMAGE, check=False, env=env).returncode != 0:
        unavailable('image %s missing: bash scripts/build-images.sh' % IMAGE)
    for tool in ('docker-registry', 'skopeo', 'npm', 'dockerd'):
        if shutil.which(tool) is None:
            unavailable('%s is not installed on the test host (apt-get install docker-registry skopeo)' % tool)
    # The scenario's own network (molecule.yml attaches every host to it); the stand-in servers bind to
    # its gateway address, which only this host and the scenario's containers reach.
    if _docker('network', 'inspect', NETWORK, check=False, env=env).returncode != 0:
        _docker('network', 'create', NETWORK, env=env)
    ipam = json.loads(_docker('network', 'inspect', NETWORK, '--format', '{{json .IPAM.Config}}', env=env).stdout)[0]
    gateway = ipam.get('Gateway') or str(next(ipaddress.ip_network(ipam['Subnet']).hosts()))
    _free_port(gateway)  # fails unless the address is this host's own (the network's bridge)
    return {'host': host, 'env': env, 'gateway': gateway}


def _free_port(addr):
    with socket.socket() as sock:
        sock.bind((addr, 0))
        return sock.getsockname()[1]


def _wait(url, proc, timeout=60, context=None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('%s exited with %s while starting' % (proc.args[0], proc.returncode))
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(0.2)
    raise RuntimeError('%s not ready after %ss: %s' % (url, timeout, last))


def _wait_tcp(addr, port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('%s exited with %s while starting' % (proc.args[0], proc.returncode))
        try:
            socket.create_connection((addr, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError('nothing listens on %s:%s after %ss' % (addr, port, timeout))


def _make_wheel(directory, name, version, mark):
    """A minimal, valid pure-Python wheel (what pip and twine accept), built without network."""
    module = name.replace('-', '_')
    dist = '%s-%s.dist-info' % (module, version)
    path = Path(directory) / ('%s-%s-py3-none-any.whl' % (module, version))
    files = {
        '%s/__init__.py' % module: 'MARK = %r\n' % mark,
        '%s/METADATA' % dist: 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: maestro test wheel\n' % (name, version),
        '%s/WHEEL' % dist: 'Wheel-Version: 1.0\nGenerator: maestro-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    }
    import hashlib
    record = []
    with zipfile.ZipFile(path, 'w') as zf:
        for fname, text in files.items():
            data = text.encode()
            zf.writestr(fname, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
            record.append('%s,sha256=%s,%d' % (fname, digest, len(data)))
        record.append('%s/RECORD,,' % dist)
        zf.writestr('%s/RECORD' % dist, '\n'.join(record) + '\n')
    return path


def _make_ca(workdir, gateway):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'maestro test platform CA %s' % os.urandom(3).hex())])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, gateway)])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(gateway))]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {'ca': workdir / 'ca.crt', 'cert': workdir / 'server.crt', 'key': workdir / 'server.key'}
    paths['ca'].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths['cert'].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths['key'].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


class Servers:
    """The stand-in servers, each bound to the gateway address of the scenario's network."""

    def __init__(self, engine):
        self.gw = engine['gateway']
        self.engine = engine
        self.dir = Path(tempfile.mkdtemp(prefix='maestro-pc-'))
        self.procs = []

    def spawn(self, name, cmd, env=None, cwd=None):
        log = open(self.dir / ('%s.log' % name), 'wb')
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd or self.dir,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def log(self, name):
        path = self.dir / ('%s.log' % name)
        return path.read_text(errors='replace') if path.exists() else ''

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- CA -------------------------------------------------------------------------------------
    def make_ca(self):
        self.tls = _make_ca(self.dir, self.gw)

    # --- PyPI -----------------------------------------------------------------------------------
    def start_pypi(self):
        from passlib.apache import HtpasswdFile
        packages = self.dir / 'pypi-packages'
        packages.mkdir()
        _make_wheel(packages, 'maestro-probe', '1.0', 'from-the-pypi-group')
        self.upload_wheel = _make_wheel(self.dir, 'maestro-upload', '1.0', 'uploaded')
        ht = HtpasswdFile(str(self.dir / 'pypi.htpasswd'), new=True)
        ht.set_password('uploader', SECRETS['pypi'])
        ht.save()
        port = _free_port(self.gw)
        proc = self.spawn('pypiserver', [str(VENV_BIN / 'pypi-server'), 'run', '-i', self.gw, '-p', str(port),
                                         '-P', str(self.dir / 'pypi.htpasswd'), '-a', 'update', '--disable-fallback',
                                         str(packages)])
        self.pypi_packages = packages
        self.pypi_url = 'http://%s:%d' % (self.gw, port)
        _wait(self.pypi_url + '/simple/', proc)

    # --- npm ------------------------------------------------------------------------------------
    def _verdaccio_bin(self):
        install = ROOT / 'build' / 'verdaccio'
        package = (FIXTURES / 'verdaccio-package.json').read_text()
        if not (install / 'node_modules' / '.bin' / 'verdaccio').exists() or \
                (install / 'package.json').read_text() != package:
            install.mkdir(parents=True, exist_ok=True)
            (install / 'package.json').write_text(package)
            subprocess.run(['npm', 'install', '--no-audit', '--no-fund', '--loglevel=error'], cwd=install, check=True,
                           capture_output=True, timeout=600)
        return install / 'node_modules' / '.bin' / 'verdaccio'

    def start_npm(self):
        import yaml
        verdaccio = self._verdaccio_bin()
        secret = os.urandom(16).hex()  # 32 characters: both instances accept the same tokens
        htpasswd = self.dir / 'npm.htpasswd'
        htpasswd.touch()
        self.npm = {}
        for name, port in (('hosted', _free_port(self.gw)), ('group', _free_port(self.gw))):
            storage = self.dir / ('npm-%s' % name)
            storage.mkdir()
            (storage / '.verdaccio-db.json').write_text(json.dumps({'list': [], 'secret': secret}))
            config = {
                'storage': str(storage),
                'auth': {'htpasswd': {'file': str(htpasswd), 'max_users': 10 if name == 'hosted' else -1}},
                'uplinks': {} if name == 'hosted' else {'hosted': {'url': self.npm['hosted'] + '/'}},
                'packages': {'**': {'access': '$all', 'publish': '$authenticated' if name == 'hosted' else 'maestro-nobody',
                                    'unpublish': '$authenticated' if name == 'hosted' else 'maestro-nobody',
                                    **({} if name == 'hosted' else {'proxy': 'hosted'})}},
                'listen': '%s:%d' % (self.gw, port),
                'log': {'type': 'stdout', 'format': 'pretty', 'level': 'http'},
                'server': {'keepAliveTimeout': 60},
            }
            (self.dir / ('verdaccio-%s.yaml' % name)).write_text(yaml.safe_dump(config))
            proc = self.spawn('verdaccio-%s' % name, [str(verdaccio), '--config', str(self.dir / ('verdaccio-%s.yaml' % name))])
            self.npm[name] = 'http://%s:%d' % (self.gw, port)
            _wait(self.npm[name] + '/-/ping', proc)
        self.npm_storage = self.dir / 'npm-hosted'
        body = json.dumps({'name': 'developer', 'password': SECRETS['npm']}).encode()
        req = urllib.request.Request(self.npm['hosted'] + '/-/user/org.couchdb.user:developer', data=body, method='PUT',
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=30) as resp:
            self.npm_token = json.load(resp)['token']
        pkg = self.dir / 'npm-pkg'
        pkg.mkdir()
        self.npm_package = 'maestro-npm-probe'
        (pkg / 'package.json').write_text(json.dumps({
            'name': self.npm_package, 'version': '1.0.0', 'main': 'index.js', 'license': 'Apache-2.0',
            'publishConfig': {'registry': self.npm['hosted'] + '/'}}, indent=2))
        (pkg / 'index.js').write_text("module.exports = { mark: 'published-to-hosted' };\n")
        self.npm_package_dir = pkg

    # --- Docker registry --------------------------------------------------------------------------
    def start_registry(self):
        from passlib.hash import bcrypt
        import yaml
        (self.dir / 'registry.htpasswd').write_text('robot$ci:%s\n' % bcrypt.hash(SECRETS['registry']))
        port = _free_port(self.gw)
        config = {'version': 0.1, 'log': {'level': 'info'},
                  'storage': {'filesystem': {'rootdirectory': str(self.dir / 'registry-data')}},
                  'http': {'addr': '%s:%d' % (self.gw, port),
                           'tls': {'certificate': str(self.tls['cert']), 'key': str(self.tls['key'])}},
                  'auth': {'htpasswd': {'realm': 'maestro', 'path': str(self.dir / 'registry.htpasswd')}}}
        (self.dir / 'registry.yml').write_text(yaml.safe_dump(config))
        env = {k: v for k, v in os.environ.items() if k != 'AWS_CA_BUNDLE'}
        proc = self.spawn('registry', ['docker-registry', 'serve', str(self.dir / 'registry.yml')], env=env)
        self.registry = '%s:%d' % (self.gw, port)
        import ssl
        _wait('https://%s/v2/' % self.registry, proc, context=ssl.create_default_context(cafile=str(self.tls['ca'])))
        # A one-file image, pushed with the test's own trust (certs dir) and credentials.
        rootfs = self.dir / 'tiny'
        rootfs.mkdir()
        (rootfs / 'hello.txt').write_text('maestro tiny image\n')
        tar = subprocess.run(['tar', '-C', str(rootfs), '-c', '.'], capture_output=True, check=True).stdout
        subprocess.run(['docker', 'import', '-', 'maestro-platform/tiny:1'], input=tar, capture_output=True, check=True,
                       env=self.engine['env'])
        certs = self.dir / 'push-certs'
        certs.mkdir()
        shutil.copy(self.tls['ca'], certs / 'ca.crt')
        self.image = 'maestro/tiny:1'
        subprocess.run(['skopeo', 'copy', '--src-daemon-host', self.engine['host'], '--dest-cert-dir', str(certs),
                        '--dest-creds', 'robot$ci:%s' % SECRETS['registry'], 'docker-daemon:maestro-platform/tiny:1',
                        'docker://%s/%s' % (self.registry, self.image)], capture_output=True, check=True, timeout=120)

    # --- Maven ------------------------------------------------------------------------------------
    def start_maven(self):
        root = self.dir / 'maven-root'
        # The Maven repository (groupId/artifactId/version layout) at Nexus' path for a group.
        (root / 'repository' / 'maven-public' / 'org' / 'maestro').mkdir(parents=True)
        port = _free_port(self.gw)
        self.maven_log = self.dir / 'maven-access.jsonl'
        self.maven_log.touch()
        proc = self.spawn('maven', [sys.executable, str(FIXTURES / 'maven_repo_server.py'), '--bind', self.gw,
                                    '--port', str(port), '--root', str(root), '--log', str(self.maven_log),
                                    '--user', 'maven-reader', '--password', SECRETS['maven']])
        self.maven_url = 'http://%s:%d/repository/maven-public/' % (self.gw, port)
        _wait_tcp(self.gw, port, proc)  # no HTTP request, so the access log holds only mvn's
        self.maven_pom = self.dir / 'pom.xml'
        self.maven_pom.write_text(
            '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
            '<groupId>org.maestro</groupId><artifactId>probe</artifactId><version>1.0</version>'
            '<packaging>pom</packaging></project>\n')
        self.maven_output = self.dir / 'mvn-output.txt'


@pytest.fixture(scope='module')
def servers(engine):
    srv = Servers(engine)
    try:
        srv.make_ca()
        srv.start_pypi()
        srv.start_npm()
        srv.start_registry()
        srv.start_maven()
        yield srv
    finally:
        srv.stop()


def _vars_file(srv):
    gw = srv.gw
    insecure_mirror = 'http://%s:%d' % (gw, _free_port(gw))  # nothing listens: dockerd only validates it
    return {
        'platform_client_ca_pem': srv.tls['ca'].read_text(),
        'platform_client_docker_registry_url': 'https://%s' % srv.registry,
        'platform_client_docker_registry_mirrors': ['https://%s' % srv.registry, insecure_mirror],
        'platform_client_docker_login_username': 'robot$ci',
        'platform_client_docker_login_password': SECRETS['registry'],
        'platform_client_docker_restart_daemon': True,
        'platform_client_pip_index_url': srv.pypi_url + '/simple/',
        'platform_client_pip_upload_url': srv.pypi_url + '/',
        'platform_client_pip_upload_username': 'uploader',
        'platform_client_pip_upload_password': SECRETS['pypi'],
        'platform_client_npm_registry_url': srv.npm['group'] + '/',
        'platform_client_npm_publish_url': srv.npm['hosted'] + '/',
        'platform_client_npm_auth_token': srv.npm_token,
        'platform_client_maven_mirror_url': srv.maven_url,
        'platform_client_maven_username': 'maven-reader',
        'platform_client_maven_password': SECRETS['maven'],
        'platform_client_dvc_remote_url': 's3://maestro-dvc/projects',
        'platform_client_dvc_remote_endpoint_url': 'http://%s:9000' % gw,
        'platform_client_dvc_access_key_id': 'maestro-dvc-key',
        'platform_client_dvc_secret_access_key': SECRETS['dvc'],
        'platform_client_mlflow_tracking_uri': 'http://%s:5000' % gw,
        'platform_client_mlflow_s3_endpoint_url': 'http://%s:9000' % gw,
        'pc_test': {
            'image': srv.image,
            'insecure_registries': [insecure_mirror.split('//')[1]],
            'upload_wheel': str(srv.upload_wheel),
            'pip_package': 'maestro-probe==1.0', 'pip_module': 'maestro_probe', 'pip_mark': 'from-the-pypi-group',
            'npm_package_dir': str(srv.npm_package_dir), 'npm_package': srv.npm_package, 'npm_mark': 'published-to-hosted',
            'maven_pom': str(srv.maven_pom), 'maven_output': str(srv.maven_output),
        },
    }



def _calibrate(env):
    """Seconds for 10 plain module calls (ansible.builtin.stat) on one fleet host right now.

    The machine running the tests may be shared: this puts the fleet timings in units of what one
    remote module call costs at that moment."""
    play = [{'hosts': 'pc-host03', 'gather_facts': False,
             'tasks': [{'ansible.builtin.stat': {'path': '/etc/hostname'}, 'loop': list(range(10))}]}]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        json.dump(play, f)
    try:
        start = time.monotonic()
        result = run_playbook(f.name, inventory='pc-host03,', connection='community.docker.docker',
                              extra_vars=['ansible_python_interpreter=/usr/bin/python3'],
                              environ=dict(env, ANSIBLE_PIPELINING='1'), timeout=None)
        assert result.ok, result
        return time.monotonic() - start
    finally:
        os.unlink(f.name)


def _dockerd_check(engine, daemon_json, workdir):
    """Start a real dockerd on the written daemon.json; return what `docker info` reports."""
    sock = workdir / 'check.sock'
    # In a network namespace of its own: with --bridge none dockerd deletes the host's docker0.
    proc = subprocess.Popen(['unshare', '--net', 'dockerd', '--config-file', str(daemon_json), '--data-root', str(workdir / 'data'),
                             '--exec-root', str(workdir / 'exec'), '--pidfile', str(workdir / 'dockerd.pid'),
                             '-H', 'unix://%s' % sock, '--bridge', 'none', '--iptables=false', '--ip-masq=false'],
                            stdout=open(workdir / 'dockerd.log', 'wb'), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return None, (workdir / 'dockerd.log').read_text(errors='replace')
            info = subprocess.run(['docker', '-H', 'unix://%s' % sock, 'info', '--format', '{{json .RegistryConfig}}'],
                                  capture_output=True, text=True)
            if info.returncode == 0:
                return json.loads(info.stdout), None
            time.sleep(0.5)
        return None, 'dockerd did not answer in 60 s'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def test_fleet_converges_and_real_clients_use_the_platform(engine, servers, tmp_path):
    vars_path = tmp_path / 'platform_client_vars.json'
    vars_path.write_text(json.dumps(_vars_file(servers), indent=2))
    mol = Molecule(SCENARIO, engine['env'], {'MAESTRO_PC_VARS_FILE': str(vars_path),
                                             'MAESTRO_PC_COLLECTIONS_PATH': str(ensure_collection_link())},
                   timeout=900)
    mol.run('destroy', check=False)
    timing = {'hosts': FLEET}
    try:
        timing['create_s'] = mol.run('create')
        timing['prepare_s'] = mol.run('prepare')
        load_before = os.getloadavg()[0]
        timing['calibration_10_module_calls_s'] = _calibrate(mol.env)
        timing['converge_s'] = mol.run('converge')
        timing['idempotence_s'] = mol.run('idempotence')
        timing['load_average_1m'] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        timing['converge_per_host_s'] = timing['converge_s'] / FLEET
        timing['idempotence_per_host_s'] = timing['idempotence_s'] / FLEET
        timing['verify_s'] = mol.run('verify')

        # Secrets never reach Ansible's output.
        secrets = list(SECRETS.values()) + [servers.npm_token,
                                            base64.b64encode(('robot$ci:' + SECRETS['registry']).encode()).decode()]
        for step in ('converge', 'idempotence', 'verify'):
            leaked = [s[:6] + '…' for s in secrets if s in mol.outputs[step]]
            assert not leaked, 'secrets in the output of molecule %s: %s' % (step, leaked)
        assert 'changed=' in mol.outputs['converge']

        # pypiserver received the wheel twine uploaded with the written ~/.pypirc.
        assert (servers.pypi_packages / servers.upload_wheel.name).exists(), servers.log('pypiserver')[-3000:]

        # verdaccio (hosted) stored the package npm published with the written ~/.npmrc token.
        assert (servers.npm_storage / servers.npm_package / 'package.json').exists(), servers.log('verdaccio-hosted')[-3000:]
        assert 'maestro-npm-probe' in servers.log('verdaccio-group')

        # mvn sent its requests to the mirror the role wrote, with the server credentials.
        requests = [json.loads(line) for line in servers.maven_log.read_text().splitlines()]
        with_auth = [r for r in requests if r['user'] == 'maven-reader' and r['authorized']]
        assert with_auth, 'no authenticated Maven request; log %s; mvn said:\n%s' % (
            requests[:5], servers.maven_output.read_text()[-3000:] if servers.maven_output.exists() else '')
        assert all(r['path'].startswith('/repository/maven-public/') for r in requests)
        timing['maven_requests'] = {'total': len(requests), 'authenticated': len(with_auth),
                                    'first': with_auth[0]['path']}

        # The daemon.json the role wrote passes a real dockerd, which reports the mirrors.
        written = tmp_path / 'daemon.json'
        _docker('cp', 'pc-host01:/etc/docker/daemon.json', str(written), env=engine['env'])
        workdir = Path(tempfile.mkdtemp(prefix='maestro-dockerd-check-'))
        try:
            registry_config, error = _dockerd_check(engine, written, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        assert registry_config is not None, 'dockerd rejected the written daemon.json: %s' % error
        mirrors = [m.rstrip('/') for m in registry_config['Mirrors']]
        expected = json.loads(vars_path.read_text())
        assert mirrors == expected['platform_client_docker_registry_mirrors'] + ['https://mirror.corp.example']
        insecure = expected['pc_test']['insecure_registries'][0]
        # docker info lists the registries daemon.json marks insecure: only the plain-HTTP mirror.
        assert registry_config['IndexConfigs'][insecure]['Secure'] is False
        assert servers.registry not in registry_config['IndexConfigs']
    finally:
        timing['destroy_s'] = mol.run('destroy', check=False)
        TIMING_FILE.parent.mkdir(parents=True, exist_ok=True)
        TIMING_FILE.write_text(json.dumps(timing, indent=2))
        print('\nplatform_client fleet timing: %s' % json.dumps(timing))
