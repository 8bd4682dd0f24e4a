"""The harbor role's harbor.yml against Harbor's own template (../shared/specs/deploy/harbor.yml.tmpl,
goharbor/harbor v2.15.2 make/harbor.yml.tmpl): every key the role renders exists there with the same type.

Harbor's installer cannot run here (no images, no Compose v2), so this is the check of the install path's
input. Keys Harbor documents only as commented-out blocks of the template (external_url, storage_service,
metric, ...) are read from those blocks. The one subtree the template does not spell out is the registry's
S3 driver (storage_service.s3): its keys are checked against the parameters of distribution's S3 storage
driver (https://distribution.github.io/distribution/storage-drivers/s3/), listed below with their types.
"""

import json
import re
import secrets

import yaml

from tests.helpers import ROOT, run_playbook
from tests.specs import spec_path

TEMPLATE = spec_path('deploy', 'harbor.yml.tmpl')
S3_DRIVER = {'accesskey': str, 'secretkey': str, 'region': str, 'regionendpoint': str, 'forcepathstyle': bool,
             'bucket': str, 'encrypt': bool, 'keyid': str, 'secure': bool, 'skipverify': bool, 'v4auth': bool,
             'chunksize': int, 'multipartcopychunksize': int, 'multipartcopymaxconcurrency': int,
             'multipartcopythresholdsize': int, 'rootdirectory': str, 'storageclass': str, 'useragent': str,
             'usedualstack': bool, 'accelerate': bool, 'objectacl': str, 'loglevel': str}


def reference():
    """The template as YAML, plus its commented-out top-level blocks."""
    text = open(TEMPLATE, encoding='utf-8').read()
    ref = yaml.safe_load(text)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r'^# ([a-z_]+):(.*)$', line)
        if not match or match.group(1) in ref:
            continue
        block = [line[2:]]
        for follow in lines[index + 1:]:
            if follow.strip() and not re.match(r'^#\s{2,}', follow):
                break
            content = follow[2:] if follow.startswith('# ') else ''
            if content.strip().startswith('#'):
                continue
            block.append(content)
        try:
            ref.update(yaml.safe_load('\n'.join(block)) or {})
        except yaml.YAMLError:
            pass
    return ref


def kind(value):
    names = {bool: 'bool', int: 'int', float: 'float', str: 'str', list: 'list', dict: 'dict'}
    return names.get(type(value), type(value).__name__)


def compare(rendered, ref, path, problems):
    for key, value in rendered.items():
        where = '%s.%s' % (path, key) if path else key
        if where == 'storage_service.s3':
            for s3_key, s3_value in value.items():
                if s3_key not in S3_DRIVER:
                    problems.append('%s.%s is not a parameter of the S3 driver' % (where, s3_key))
                elif not isinstance(s3_value, S3_DRIVER[s3_key]):
                    problems.append('%s.%s is %s, the driver takes %s' % (where, s3_key, kind(s3_value),
                                                                          S3_DRIVER[s3_key].__name__))
            continue
        if key not in ref:
            problems.append('%s is not in harbor.yml.tmpl' % where)
            continue
        expected = ref[key]
        if expected is None:  # an empty value in the template (e.g. proxy.http_proxy): any scalar
            if isinstance(value, (dict, list)):
                problems.append('%s is a %s, the template has a scalar' % (where, kind(value)))
            continue
        if kind(value) != kind(expected):
            problems.append('%s is %s, the template has %s' % (where, kind(value), kind(expected)))
        elif isinstance(value, dict):
            compare(value, expected, where, problems)


def render(tmp_path, **extra):
    values = {
        'harbor_install': False, 'harbor_install_dir': str(tmp_path),
        'vault_harbor_admin_password': 'Aa1' + secrets.token_hex(8),
        'vault_harbor_database_password': secrets.token_hex(8),
        'vault_minio_root_password': secrets.token_hex(8),
        'vault_minio_harbor_secret_key': secrets.token_hex(8),
    }
    values.update(extra)
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps(values))
    proc = run_playbook(ROOT / 'tests' / 'fixtures' / 'dev_platform' / 'render_harbor_yml.yml',
                        inventory='inventories/dev', extra_vars=['@%s' % vars_file],
                        env={'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'true'}, timeout=300)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert values['vault_harbor_admin_password'] not in proc.stdout
    return yaml.safe_load((tmp_path / 'harbor.yml').read_text()), values


def test_reference_reads_the_commented_blocks():
    ref = reference()
    assert ref['metric'] == {'enabled': False, 'port': 9090, 'path': '/metrics'}
    assert 'external_url' in ref and 'storage_service' in ref and 'hostname' in ref


def test_dev_inventory_harbor_yml_matches_the_template(tmp_path):
    rendered, values = render(tmp_path)
    problems = []
    compare(rendered, reference(), '', problems)
    assert problems == []
    # The dev inventory's wiring: the registry bucket on the object store, secrets from the vault.
    assert rendered['storage_service']['s3']['bucket'] == 'harbor-registry'
    # The object store as Harbor's registry container reaches it: by container name on the platform network.
    assert rendered['storage_service']['s3']['regionendpoint'] == 'http://maestro-minio:9000'
    assert rendered['hostname'] != '127.0.0.1' and rendered['http'] == {'port': 80}
    # The registry's own key on the object store, limited to its bucket (not the root key).
    assert rendered['storage_service']['s3']['accesskey'] == 'maestro-harbor'
    assert rendered['storage_service']['s3']['secretkey'] == values['vault_minio_harbor_secret_key']
    assert rendered['harbor_admin_password'] == values['vault_harbor_admin_password']
    assert rendered['database']['password'] == values['vault_harbor_database_password']
    assert 'https' not in rendered  # no certificate given: HTTP only
    assert (tmp_path / 'harbor.yml').stat().st_mode & 0o777 == 0o600


def test_every_optional_section_matches_the_template(tmp_path):
    rendered = render(tmp_path, harbor_tls_certificate='/etc/harbor/tls/cert.pem',
                      harbor_tls_private_key='/etc/harbor/tls/key.pem', harbor_metrics_enabled=True,
                      harbor_external_url='https://registry.example.com', harbor_trivy_offline_scan=True,
                      harbor_trivy_skip_update=True)[0]
    problems = []
    compare(rendered, reference(), '', problems)
    assert problems == []
    assert rendered['https'] == {'port': 443, 'certificate': '/etc/harbor/tls/cert.pem',
                                 'private_key': '/etc/harbor/tls/key.pem'}
    assert rendered['metric'] == {'enabled': True, 'port': 9091, 'path': '/metrics'}
    assert rendered['trivy']['offline_scan'] is True and rendered['trivy']['skip_update'] is True


def test_the_check_catches_a_wrong_key_and_a_wrong_type():
    problems = []
    compare({'http': {'port': '80'}, 'hostnme': 'x', 'storage_service': {'s3': {'secure': 'false'}}},
            reference(), '', problems)
    assert problems == ['http.port is str, the template has int', 'hostnme is not in harbor.yml.tmpl',
                        'storage_service.s3.secure is str, the driver takes bool']
