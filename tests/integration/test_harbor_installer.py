"""The harbor role's install path with Harbor's own installer: Harbor v2.15.2's real `install.sh` and `prepare`
(../shared/specs/deploy/harbor-installer, goharbor/harbor at tag v2.15.2, Apache-2.0) run on the harbor.yml the
role renders with the dev inventory's values.

What runs for real here:
- the role's preflight and install tasks (tests/fixtures/dev_platform/harbor_install.yml, `-i inventories/dev`),
  on an installer archive packed from those sources as Harbor's Makefile packs the online installer
  (`package_online`: prepare with its image tag set by `update_prepare_version`, install.sh, common.sh,
  harbor.yml.tmpl, LICENSE), verified against harbor_installer_checksum before it is unpacked;
- Harbor's install.sh, and its prepare program in the image goharbor/prepare:v2.15.2, built here from those
  sources on Debian (scripts/build-platform-images.sh harbor-prepare): it validates harbor.yml and writes
  docker-compose.yml and every component's configuration;
- Debian's docker-compose 1.29 reads the compose files (`config`) for the checks on ports, networks and URLs.

What cannot run here, and is recorded instead: Docker Compose v2 (only Debian's 1.29 exists for our machines) and
Harbor's service images (no registry is reachable). A `docker` wrapper first on PATH logs every call, hands all of
them except `docker compose ...` to the real engine (so prepare's `docker run` really runs; without the
`--privileged` of make/prepare, which our nested engine cannot grant), and answers `docker compose ...` with exit 0
without running anything. So Harbor itself never starts: that its services
come up, reach the object store and serve the API is not proven here.
"""

import hashlib
import io
import json
import re
import secrets
import shutil
import subprocess
import tarfile
import urllib.parse
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, ansible_env, docker_engine, run_playbook, unavailable
from tests.specs import spec_path

VERSION = 'v2.15.2'
PLAYBOOK = ROOT / 'tests' / 'fixtures' / 'dev_platform' / 'harbor_install.yml'
RECAP = re.compile(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)
WRAPPER = '''#!/bin/bash
# Records every docker call; runs all but `docker compose` on the real engine (Compose v2 is not available here).
# make/prepare runs its container with --privileged, which our nested engine cannot grant ("unable to apply caps"):
# it is dropped here; prepare runs as root with Docker's default capabilities (CHOWN included), all it uses.
printf '%s\\n' "$*" >>"$MAESTRO_DOCKER_LOG"
if [ "$1" = compose ]; then
  if [ "$2 $3" = "up -d" ] && [ -e "$MAESTRO_COMPOSE_UP_FAILS" ]; then echo "compose up failed (test)" >&2; exit 1; fi
  exit 0
fi
args=()
for arg in "$@"; do [ "$arg" = --privileged ] || args+=("$arg"); done
exec {docker} "${args[@]}"
'''


def installer_archive(path):
    """harbor-online-installer-v2.15.2.tgz as Harbor's Makefile packs it (package_online), from the spec sources."""
    make = Path(spec_path('deploy', 'harbor-installer', 'make'))
    files = {
        # update_prepare_version: sed 's/goharbor\/prepare:.*[[:space:]]\+/goharbor\/prepare:$(VERSIONTAG) prepare /'
        'prepare': re.sub(r'goharbor/prepare:.*[ \t]+', 'goharbor/prepare:%s prepare ' % VERSION,
                          (make / 'prepare').read_text()).encode(),
        'install.sh': (make / 'install.sh').read_bytes(),
        'common.sh': (make / 'common.sh').read_bytes(),
        'harbor.yml.tmpl': (make / 'harbor.yml.tmpl').read_bytes(),
        'LICENSE': Path(spec_path('deploy', 'harbor-installer', 'LICENSE')).read_bytes(),
    }
    with tarfile.open(path, 'w:gz') as tar:
        for name, data in files.items():
            info = tarfile.TarInfo('harbor/' + name)
            info.size, info.mode = len(data), 0o755 if name in ('prepare', 'install.sh', 'common.sh') else 0o644
            tar.addfile(info, io.BytesIO(data))
    return 'sha256:' + hashlib.sha256(path.read_bytes()).hexdigest()


class Host:
    """One target host's directories, the docker wrapper and its log, and the playbook runs."""

    def __init__(self, tmp, docker_host):
        self.tmp = tmp
        self.install_dir = tmp / 'opt' / 'harbor'
        self.log = tmp / 'docker.log'
        self.compose_up_fails = tmp / 'compose-up-fails'
        bindir = tmp / 'bin'
        bindir.mkdir()
        real_docker = shutil.which('docker')
        (bindir / 'docker').write_text(WRAPPER.replace('{docker}', real_docker))
        (bindir / 'docker').chmod(0o755)
        self.archive = tmp / ('harbor-online-installer-%s.tgz' % VERSION)
        self.checksum = installer_archive(self.archive)
        self.env = ansible_env({'DOCKER_HOST': docker_host, 'MAESTRO_DOCKER_LOG': str(self.log),
                                'MAESTRO_COMPOSE_UP_FAILS': str(self.compose_up_fails),
                                'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'true'})
        self.env['PATH'] = '%s:%s' % (bindir, self.env['PATH'])
        self.vars = {
            'vault_harbor_admin_password': 'Aa1' + secrets.token_hex(8),
            'vault_harbor_database_password': secrets.token_hex(8),
            'vault_minio_root_password': secrets.token_hex(8),
            'vault_harbor_robot_ci_push_secret': 'Aa1' + secrets.token_hex(8),
            'harbor_install_dir': str(self.install_dir),
            'harbor_installer_archive': str(self.archive),
            'harbor_installer_checksum': self.checksum,
            'harbor_installer_download_dir': str(tmp / 'cache'),
            'harbor_backup_dir': str(tmp / 'backups'),
            'harbor_data_volume': str(tmp / 'data'),
        }

    def run(self, **extra):
        values = dict(self.vars, **extra)
        vars_file = self.tmp / 'vars.json'
        vars_file.write_text(json.dumps(values))
        start = self.log.read_text().count('\n') if self.log.exists() else 0
        proc = run_playbook(PLAYBOOK, inventory='inventories/dev', extra_vars=['@%s' % vars_file], environ=self.env,
                            timeout=300)
        vars_file.unlink()
        assert values['vault_harbor_admin_password'] not in proc.stdout + proc.stderr
        proc.calls = self.log.read_text().splitlines()[start:] if self.log.exists() else []
        recap = RECAP.search(proc.stdout)
        proc.changed = int(recap.group(3)) if recap else None
        return proc

    def values(self):
        return json.loads((self.install_dir.parent / 'inventory-values.json').read_text())


def harbor_calls(calls):
    """The calls that act on Harbor: compose (recorded) and prepare's docker run (real), in order."""
    out = []
    for call in calls:
        if call.startswith('compose ') and not call.startswith('compose version'):
            out.append(call)
        elif call.startswith('run ') and (' goharbor/prepare:%s prepare' % VERSION) in call:
            out.append('prepare')
    return out


def published(service):
    """Host ports a service of `docker-compose config` publishes: [(host_ip, port)]."""
    out = []
    for port in service.get('ports', []):
        if isinstance(port, dict):
            out.append((port.get('host_ip', '0.0.0.0'), int(port['published'])))
        else:
            parts = str(port).split('/')[0].split(':')
            out.append((parts[0] if len(parts) == 3 else '0.0.0.0', int(parts[-2])))
    return out


@pytest.fixture(scope='module')
def host(tmp_path_factory):
    if shutil.which('docker-compose') is None:
        unavailable("Debian's docker-compose is missing (scripts/bootstrap.sh installs it)")
    docker_host = docker_engine('harbor-prepare')
    return Host(tmp_path_factory.mktemp('harbor-installer'), docker_host)


def test_a_wrong_checksum_stops_before_anything_is_unpacked(host):
    proc = host.run(harbor_installer_checksum='sha256:' + '0' * 64)
    assert proc.returncode != 0
    assert 'does not match harbor_installer_checksum' in proc.stdout, proc.stdout[-3000:]
    assert not (host.install_dir / 'install.sh').exists()
    assert harbor_calls(proc.calls) == []


def test_a_loopback_hostname_is_refused_before_anything_changes(host):
    proc = host.run(harbor_hostname='127.0.0.1')
    assert proc.returncode != 0
    assert 'its prepare refuses' in proc.stdout and 'Nothing has been changed' in proc.stdout, proc.stdout[-3000:]
    assert not (host.install_dir / 'harbor.yml').exists()


def test_a_failed_install_is_run_again_on_the_next_run(host):
    host.compose_up_fails.touch()
    try:
        failed = host.run()
    finally:
        host.compose_up_fails.unlink()
    assert failed.returncode != 0, failed.stdout[-3000:]
    # Harbor's prepare really ran and accepted the role's harbor.yml before compose failed.
    assert harbor_calls(failed.calls) == ['prepare', 'compose down -v', 'compose up -d'], failed.stdout[-5000:]
    assert not (host.install_dir / '.maestro-harbor-version').exists()

    again = host.run()
    assert again.returncode == 0, again.stdout[-5000:] + again.stderr[-2000:]
    # install.sh again (prepare, down, up), and not the reconfigure handler on top of it.
    assert harbor_calls(again.calls) == ['prepare', 'compose down -v', 'compose up -d']
    assert (host.install_dir / '.maestro-harbor-version').read_text().strip() == VERSION


def test_prepare_wrote_harbor_as_the_inventory_wires_it(host):
    """Checks on what Harbor's own prepare wrote from the role's harbor.yml (after the install above)."""
    if not (host.install_dir / '.maestro-harbor-version').exists():
        assert host.run().returncode == 0
    values = host.values()
    config = host.install_dir / 'common' / 'config'
    for path in ('nginx/nginx.conf', 'core/env', 'registry/config.yml', 'registryctl/env', 'jobservice/config.yml',
                 'db/env', 'exporter/env', 'trivy-adapter/env'):
        assert (config / path).is_file(), path

    compose = yaml.safe_load(subprocess.run(
        ['docker-compose', '-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', 'config'],
        cwd=host.install_dir, capture_output=True, text=True, timeout=60, check=True).stdout)
    services = compose['services']

    # Published ports: none that another role of the inventory publishes, none twice, only loopback for syslog.
    harbor_ports = [port for service in services.values() for _, port in published(service)]
    assert len(harbor_ports) == len(set(harbor_ports))
    others = values['published_ports']
    assert others and set(harbor_ports).isdisjoint(others.values()), (harbor_ports, others)
    assert published(services['log']) == [('127.0.0.1', 1514)]
    assert (('0.0.0.0', values['harbor_metrics_port']) in published(services['proxy']))
    assert values['monitoring_harbor_target'].endswith(':%d' % values['harbor_metrics_port'])

    # The registry's S3 endpoint: the object store's container, on a network the registry and registryctl join.
    endpoint = yaml.safe_load((config / 'registry' / 'config.yml').read_text())['storage']['s3']['regionendpoint']
    endpoint_host = urllib.parse.urlsplit(endpoint).hostname
    assert endpoint_host == values['object_store_container']
    assert values['object_store_network'] in values['harbor_registry_networks']
    network = values['object_store_network']
    for name in ('registry', 'registryctl'):
        assert network in services[name]['networks'] and 'harbor' in services[name]['networks'], name
    assert compose['networks'][network] == {'external': True, 'name': network}

    # The URL the role reports is the one Harbor serves: scheme, host and port; the client role uses the same.
    url = urllib.parse.urlsplit(values['harbor_url'])
    core_env = dict(line.split('=', 1) for line in (config / 'core' / 'env').read_text().splitlines() if '=' in line)
    assert core_env['EXT_ENDPOINT'] == values['harbor_url']
    nginx = (config / 'nginx' / 'nginx.conf').read_text()
    container_port = 8443 if url.scheme == 'https' else 8080
    assert ('listen 8443 ssl' in nginx) == (url.scheme == 'https')
    port = url.port or (443 if url.scheme == 'https' else 80)
    mapped = [p for p in services['proxy']['ports']
              if (p['target'] if isinstance(p, dict) else int(str(p).split(':')[-1].split('/')[0])) == container_port]
    assert mapped and port in [pub for _, pub in published({'ports': mapped})]
    assert values['client_registry_url'] == values['harbor_url']  # http: the client role marks it insecure
    assert url.hostname == values['harbor_hostname'] and not url.hostname.startswith('127.')


def test_an_unchanged_run_changes_nothing(host):
    proc = host.run()
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert harbor_calls(proc.calls) == [] and proc.changed == 0, proc.stdout[-5000:]


def test_a_changed_harbor_yml_is_applied_down_prepare_up(host):
    proc = host.run(harbor_log_level='debug')
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert harbor_calls(proc.calls) == ['compose down -v', 'prepare', 'compose up -d'], proc.stdout[-5000:]
    assert 'level: debug' in (host.install_dir / 'common' / 'config' / 'registry' / 'config.yml').read_text()


def test_a_version_bump_backs_up_then_runs_the_new_installer(host):
    # The host as the older release left it: its marker, its harbor.yml and its database directory.
    (host.install_dir / '.maestro-harbor-version').write_text('v2.15.1\n')
    database = Path(host.vars['harbor_data_volume']) / 'database'
    database.mkdir(parents=True, exist_ok=True)
    (database / 'PG_VERSION').write_text('15\n')
    proc = host.run(harbor_log_level='debug')
    assert proc.returncode == 0, proc.stdout[-5000:]
    # Harbor's upgrade guide: down first, then the new release's install.sh (prepare, down, up); no handler after.
    assert harbor_calls(proc.calls) == ['compose down -v', 'prepare', 'compose down -v', 'compose up -d'], \
        proc.stdout[-5000:]
    backups = list((host.tmp / 'backups').glob('harbor-v2.15.1-*'))
    assert len(backups) == 1
    assert (backups[0] / 'harbor.yml').is_file() and (backups[0] / 'database' / 'PG_VERSION').is_file()
    assert (host.install_dir / 'install.sh').is_file()
    assert (host.install_dir / '.maestro-harbor-version').read_text().strip() == VERSION
