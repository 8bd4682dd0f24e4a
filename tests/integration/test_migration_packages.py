"""Migration from the old systems (issue 21 part 2): pypiserver -> Nexus pypi-hosted, and a registry -> Harbor.

pypiserver -> Nexus: a REAL pypiserver serves real wheels and an sdist built here with setuptools; the Nexus side
is the spec-validated emulator with Nexus's pypi format endpoints (tests/emulators/nexus_pypi.py, behaviour from
Nexus's source). One file is put on Nexus first with the real twine (an interrupted migration), then
nexus_pypi_migrate runs check -> apply -> check -> apply in both execution paths; the emulator's write log
proves that check mode wrote nothing and that the migration uploaded exactly the missing files; finally the real
pip installs a migrated package from Nexus's simple index, and the collection's playbook
(maestro.platform.migrate_pypiserver_to_nexus) reruns with changed=0.
"""

import hashlib
import json
import subprocess
import sys
import zipfile

import pytest

from tests.emulators.nexus_pypi import normalize_name
from tests.helpers import ROOT, VENV_BIN, free_port, run_playbook, unavailable, wait_for_http
from tests.servers import Server

REPOSITORY = 'pypi-migrated'
SOURCE_USER = 'migrator'
SOURCE_PASSWORD = 'Old-pypi-Secret-42'
PROJECTS = [('maestro-mig-alpha', '1.0.0', True), ('maestro_mig.beta', '0.3.0', False)]  # (name, version, sdist)

SETUP_PY = '''from setuptools import setup
setup(name=%(name)r, version=%(version)r, py_modules=[%(module)r], description='Migration test package %(name)s',
      python_requires='>=3.8', author='Maestro Platform engineers', license='Apache-2.0',
      classifiers=['Programming Language :: Python :: 3', 'License :: OSI Approved :: Apache Software License'])
'''


class PypiServer(Server):
    """The real pypiserver (what teams ran before Nexus), with basic auth on every read."""

    def start(self, packages):
        from passlib.apache import HtpasswdFile
        htpasswd = HtpasswdFile(str(self.workdir / 'htpasswd'), new=True)
        htpasswd.set_password(SOURCE_USER, SOURCE_PASSWORD)
        htpasswd.save()
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d/simple/' % self.port
        self._spawn([str(VENV_BIN / 'pypi-server'), 'run', '-i', '127.0.0.1', '-p', str(self.port), '-P',
                     str(self.workdir / 'htpasswd'), '-a', 'update,download,list', str(packages)])
        wait_for_http('http://127.0.0.1:%d/health' % self.port, timeout=30, proc=self.proc)  # no auth there
        return self


def build_packages(workdir):
    """Real wheels (and one sdist) built by setuptools from tiny projects: {filename: path}."""
    dist = workdir / 'dist'
    for name, version, sdist in PROJECTS:
        module = normalize_name(name).replace('-', '_')
        project = workdir / module
        project.mkdir()
        (project / ('%s.py' % module)).write_text('VERSION = %r\n' % version)
        (project / 'setup.py').write_text(SETUP_PY % {'name': name, 'version': version, 'module': module})
        commands = ['sdist', '-d', str(dist)] if sdist else []
        proc = subprocess.run([sys.executable, 'setup.py', '-q'] + commands + ['bdist_wheel', '-d', str(dist)],
                              cwd=str(project), capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
    return dict((p.name, p) for p in sorted(dist.iterdir()))


@pytest.fixture(scope='module')
def pypi_source(tmp_path_factory):
    try:
        import wheel  # noqa: F401 - setuptools' bdist_wheel needs it
    except ImportError:
        unavailable('the wheel package is missing: bash scripts/bootstrap.sh installs requirements/test.txt')
    if not (VENV_BIN / 'pypi-server').exists() or not (VENV_BIN / 'twine').exists():
        unavailable('pypiserver/twine are missing: bash scripts/bootstrap.sh installs requirements/test.txt')
    workdir = tmp_path_factory.mktemp('pypi-source')
    files = build_packages(workdir)
    server = PypiServer().start(workdir / 'dist')
    server.files = files
    yield server
    server.stop()


def create_hosted(emulator, name, write_policy='ALLOW_ONCE'):
    import urllib.request
    body = json.dumps({'name': name, 'online': True, 'storage': {
        'blobStoreName': 'default', 'strictContentTypeValidation': True, 'writePolicy': write_policy}}).encode()
    request = urllib.request.Request(emulator.url + '/v1/repositories/pypi/hosted', data=body, method='POST',
                                     headers={'Content-Type': 'application/json'})
    request.add_header('Authorization', basic(emulator))
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 201


def basic(emulator):
    import base64
    return 'Basic ' + base64.b64encode(('admin:%s' % emulator.admin_password).encode()).decode()


def twine_upload(emulator, path):
    proc = subprocess.run([str(VENV_BIN / 'twine'), 'upload', '--non-interactive', '--disable-progress-bar',
                           '--repository-url', '%s/repository/%s/' % (emulator.base_url, REPOSITORY),
                           '-u', 'admin', '-p', emulator.admin_password, str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    return proc


def uploads(emulator):
    return [w.body['filename'] for w in emulator.writes if w.path == '/repository/%s/' % REPOSITORY]


@pytest.mark.parametrize('mode', ['controller', 'module'])
def test_pypiserver_to_nexus(nexus_emulator, pypi_source, tmp_path, mode):
    create_hosted(nexus_emulator, REPOSITORY)
    files = sorted(pypi_source.files)
    assert len(files) == 3, files  # alpha wheel + sdist, beta wheel
    # An interrupted migration: one file is on Nexus already, put there by the real twine.
    interrupted = next(f for f in files if f.endswith('.whl') and 'beta' in f)
    proc = twine_upload(nexus_emulator, pypi_source.files[interrupted])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert uploads(nexus_emulator) == [interrupted]
    # Nexus's ALLOW_ONCE: the same file again is refused (what the migration must never trigger)
    # (Nexus also puts its message in the HTTP reason phrase; the emulator sends the standard phrase.)
    again = twine_upload(nexus_emulator, pypi_source.files[interrupted])
    assert again.returncode != 0 and 'Bad Request' in again.stdout, again.stdout + again.stderr
    assert nexus_emulator.log[-1].status == 400 and uploads(nexus_emulator) == [interrupted]
    missing = sorted(f for f in files if f != interrupted)

    result_file = tmp_path / 'results.json'
    result = run_playbook('migrate_pypi.yml', extra_vars={
        'nexus_url': nexus_emulator.base_url, 'nexus_password': nexus_emulator.admin_password,
        'repository': REPOSITORY, 'source_url': pypi_source.url, 'source_username': SOURCE_USER,
        'source_password': SOURCE_PASSWORD, 'result_file': str(result_file), 'maestro_platform_execution': mode},
        verbosity=1)
    assert result.ok, str(result)
    for secret in (SOURCE_PASSWORD, nexus_emulator.admin_password):
        assert secret not in result.stdout + result.stderr
    runs = json.loads(result_file.read_text())
    dry, first, dry_again, second = runs['dry'], runs['first'], runs['dry_again'], runs['second']
    assert dry['changed'] and dry['would_upload'] == missing and dry['uploaded'] == [], dry
    assert dry['present'] == [interrupted] and dry['source_files'] == 3 and dry['conflicts'] == []
    assert first['changed'] and first['uploaded'] == missing, first
    assert not dry_again['changed'] and dry_again['would_upload'] == [] and dry_again['present'] == files
    assert not second['changed'] and second['uploaded'] == []
    # exactly the missing files were written, once each: check mode and the rerun wrote nothing
    assert uploads(nexus_emulator) == [interrupted] + missing
    assert len(nexus_emulator.writes) == 1 + 1 + len(missing)  # the repository, twine's file, the migration

    # every file arrived intact, with its metadata
    stored = dict((a['filename'], a) for a in nexus_emulator.pypi_assets(REPOSITORY).values())
    assert sorted(stored) == files
    for name, path in pypi_source.files.items():
        assert stored[name]['sha256'] == hashlib.sha256(path.read_bytes()).hexdigest()
    wheel_name = next(f for f in missing if f.endswith('.whl'))
    attrs = stored[wheel_name]['attributes']
    assert attrs['name'] == 'maestro-mig-alpha' and attrs['version'] == '1.0.0'
    assert attrs['summary'] == 'Migration test package maestro-mig-alpha'
    assert attrs['requires_python'] == '>=3.8' and attrs['filetype'] == 'bdist_wheel'
    assert 'License :: OSI Approved :: Apache Software License' in attrs['classifiers']
    with zipfile.ZipFile(str(pypi_source.files[wheel_name])) as wheel_file:
        assert any(n.endswith('.dist-info/METADATA') for n in wheel_file.namelist())

    if mode == 'controller':
        pip_install_from_nexus(nexus_emulator, tmp_path)
        collection_playbook_reruns_unchanged(nexus_emulator, pypi_source)


def pip_install_from_nexus(emulator, tmp_path):
    """The real pip resolves both migrated projects through Nexus's simple index and installs them."""
    index = '%s/repository/%s/simple/' % (emulator.base_url.replace('http://', 'http://admin:%s@'
                                                                    % emulator.admin_password), REPOSITORY)
    target = tmp_path / 'site'
    proc = subprocess.run([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-cache-dir',
                           '--isolated', '--index-url', index, '--target', str(target), '--no-deps',
                           'maestro-mig-alpha==1.0.0', 'maestro_mig.beta'],
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (target / 'maestro_mig_alpha.py').read_text() == "VERSION = '1.0.0'\n"
    assert (target / 'maestro_mig_beta.py').exists()


def collection_playbook_reruns_unchanged(emulator, pypi_source):
    """The shipped playbook, by its collection name: a finished migration changes nothing."""
    extra = {'migrate_nexus_url': emulator.base_url, 'migrate_nexus_password': emulator.admin_password,
             'migrate_nexus_repository': REPOSITORY, 'migrate_pypi_source_url': pypi_source.url,
             'migrate_pypi_source_username': SOURCE_USER, 'migrate_pypi_source_password': SOURCE_PASSWORD}
    before = len(emulator.writes)
    proc = run_playbook('maestro.platform.migrate_pypiserver_to_nexus', extra_vars=extra, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert 'changed=0' in proc.stdout and 'failed=0' in proc.stdout, proc.stdout[-3000:]
    assert len(emulator.writes) == before
    assert SOURCE_PASSWORD not in proc.stdout and emulator.admin_password not in proc.stdout


# -- a registry -> Harbor with skopeo ---------------------------------------------------------------------------
# Two REAL registries (Debian's docker-registry: CNCF distribution, what Harbor runs underneath): the source, and
# a destination standing in for Harbor's registry; Harbor's API (the project) is the spec-validated emulator.
# The images are tiny OCI images written here and pushed with skopeo (nothing can be pulled on our machines).
REGISTRY_CONFIG = '''version: 0.1
storage:
  filesystem:
    rootdirectory: %(root)s
http:
  addr: 127.0.0.1:%(port)d
'''


class Registry(Server):
    def start(self):
        self.port = free_port()
        self.host = '127.0.0.1:%d' % self.port
        (self.workdir / 'config.yml').write_text(REGISTRY_CONFIG % {'root': self.workdir / 'data', 'port': self.port})
        self._spawn(['docker-registry', 'serve', str(self.workdir / 'config.yml')])
        wait_for_http('http://%s/v2/' % self.host, timeout=30, proc=self.proc)
        return self

    def get(self, path):
        import urllib.request
        with urllib.request.urlopen('http://%s/v2/%s' % (self.host, path), timeout=10) as resp:
            return json.loads(resp.read())

    def tags(self, repository):
        if repository not in self.get('_catalog')['repositories']:
            return []
        return sorted(self.get('%s/tags/list' % repository)['tags'] or [])


def oci_image(layout, tag, text):
    """Add a one-file OCI image tagged ``tag`` to the OCI layout directory ``layout``."""
    import gzip
    import io
    import tarfile

    def blob(data, media_type):
        digest = hashlib.sha256(data).hexdigest()
        (layout / 'blobs' / 'sha256').mkdir(parents=True, exist_ok=True)
        (layout / 'blobs' / 'sha256' / digest).write_bytes(data)
        return {'mediaType': media_type, 'digest': 'sha256:' + digest, 'size': len(data)}

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode='w') as archive:
        info = tarfile.TarInfo('hello.txt')
        info.size, info.mtime = len(text), 0
        archive.addfile(info, io.BytesIO(text.encode()))
    layer = blob(gzip.compress(tar_bytes.getvalue(), mtime=0), 'application/vnd.oci.image.layer.v1.tar+gzip')
    config = blob(json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {}, 'rootfs': {
        'type': 'layers', 'diff_ids': ['sha256:' + hashlib.sha256(tar_bytes.getvalue()).hexdigest()]}}).encode(),
        'application/vnd.oci.image.config.v1+json')
    manifest = blob(json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
                                'config': config, 'layers': [layer]}).encode(),
                    'application/vnd.oci.image.manifest.v1+json')
    index_path = layout / 'index.json'
    index = json.loads(index_path.read_text()) if index_path.exists() else {'schemaVersion': 2, 'manifests': []}
    index['manifests'].append(dict(manifest, annotations={'org.opencontainers.image.ref.name': tag}))
    index_path.write_text(json.dumps(index))
    (layout / 'oci-layout').write_text('{"imageLayoutVersion": "1.0.0"}')


def skopeo(*args):
    proc = subprocess.run(['skopeo'] + list(args), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def digest(reference):
    return skopeo('inspect', '--no-tags', '--tls-verify=false', '--format={{.Digest}}', 'docker://' + reference)


@pytest.fixture(scope='module')
def registries(tmp_path_factory):
    import shutil
    missing = [tool for tool in ('skopeo', 'docker-registry') if shutil.which(tool) is None]
    if missing:
        unavailable('%s missing: apt-get install -y skopeo docker-registry (scripts/bootstrap.sh)' % ', '.join(missing))
    source, harbor = Registry().start(), Registry().start()
    layout = tmp_path_factory.mktemp('oci')
    for tag, text in (('v1', 'app v1'), ('t1', 'tool t1'), ('t2', 'tool t2')):
        oci_image(layout, tag, text)
    for repository, tag in (('team/app', 'v1'), ('team/tool', 't1'), ('team/tool', 't2')):
        skopeo('copy', '--dest-tls-verify=false', 'oci:%s:%s' % (layout, tag),
               'docker://%s/%s:%s' % (source.host, repository, tag))
    yield source, harbor
    source.stop()
    harbor.stop()


def migrate_images(harbor_emulator, harbor_registry, source, project, mode, check=False):
    extra = {'migrate_harbor_url': harbor_emulator.base_url, 'migrate_harbor_username': harbor_emulator.admin_username,
             'migrate_harbor_password': harbor_emulator.admin_password, 'migrate_harbor_project': project,
             'migrate_harbor_registry': harbor_registry.host, 'migrate_harbor_tls_verify': False,
             'migrate_source_tls_verify': False, 'maestro_platform_execution': mode,
             'migrate_images': [{'source': '%s/team/app' % source.host, 'tags': ['v1']},
                                {'source': '%s/team/tool' % source.host}]}
    result = run_playbook(ROOT / 'playbooks' / 'migrate_images_to_harbor.yml', extra_vars=extra, check=check,
                          env={'ANSIBLE_STDOUT_CALLBACK': 'ansible.posix.json'})
    assert result.ok, str(result)
    assert harbor_emulator.admin_password not in result.stdout + result.stderr
    output = json.loads(result.stdout)
    tasks = dict((t['task']['name'], t['hosts']['localhost']) for t in output['plays'][0]['tasks'])
    return tasks['Report the image migration']['msg'], output['stats']['localhost']['changed']


def test_registry_to_harbor(harbor_emulator, registries):
    """The whole rhythm with harbor_project in-process: check, an interrupted migration resumed, a rerun."""
    source, harbor = registries
    project = 'migrated'
    app, tool = '%s/team/app' % source.host, '%s/team/tool' % source.host
    # An interrupted migration: tool:t1 is on Harbor already.
    skopeo('copy', '--all', '--preserve-digests', '--src-tls-verify=false', '--dest-tls-verify=false',
           'docker://%s:t1' % tool, 'docker://%s/%s/team/tool:t1' % (harbor.host, project))
    before = {'app': harbor.tags('%s/team/app' % project), 'tool': harbor.tags('%s/team/tool' % project)}
    assert before == {'app': [], 'tool': ['t1']}

    plan, changed = migrate_images(harbor_emulator, harbor, source, project, 'controller', check=True)
    assert plan['would_copy'] == [app + ':v1', tool + ':t2'] and plan['copied'] == [] and plan['images'] == 3
    assert changed == 1  # only the project, which check mode did not create
    assert harbor_emulator.writes == []
    assert {'app': harbor.tags('%s/team/app' % project), 'tool': harbor.tags('%s/team/tool' % project)} == before

    report, changed = migrate_images(harbor_emulator, harbor, source, project, 'controller')
    assert report['copied'] == [app + ':v1', tool + ':t2'] and changed == 2  # tasks: the project, the copies
    assert [(w.method, w.path) for w in harbor_emulator.writes] == [('POST', '/projects')]
    assert harbor.tags('%s/team/app' % project) == ['v1'] and harbor.tags('%s/team/tool' % project) == ['t1', 't2']
    for reference, tag in ((app, 'v1'), (tool, 't1'), (tool, 't2')):
        copied = '%s/%s/team/%s:%s' % (harbor.host, project, reference.rsplit('/', 1)[1], tag)
        assert digest(copied) == digest('%s:%s' % (reference, tag))  # digests preserved

    report, changed = migrate_images(harbor_emulator, harbor, source, project, 'controller')
    assert report['would_copy'] == [] and int(report['up_to_date']) == 3
    assert changed == 0 and len(harbor_emulator.writes) == 1


def test_registry_to_harbor_module_path(harbor_emulator, registries):
    """harbor_project as the ordinary module: one run copies everything into a new project."""
    source, harbor = registries
    report, changed = migrate_images(harbor_emulator, harbor, source, 'migrated-module', 'module')
    assert len(report['copied']) == 3 and changed == 2
    assert [(w.method, w.path) for w in harbor_emulator.writes] == [('POST', '/projects')]
    assert harbor.tags('migrated-module/team/tool') == ['t1', 't2']
