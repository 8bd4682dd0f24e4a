"""Module options are written once, in the DOCUMENTATION: the argument specs are generated (tests/module_options.py)."""

import shutil

import pytest

from tests import module_options as mo

SERVICE_BASES = (('harbor', '_harbor', 'HarborOperation'), ('nexus', '_nexus', 'NexusOperation'),
                 ('minio', '_minio', 'MinioOperation'), ('mlflow', '_mlflow', 'MlflowOperation'))


def _modules():
    return sorted(path.stem for path in mo.ROOT.glob('plugins/modules/*.py'))


def test_the_generated_blocks_are_current():
    assert mo.problems() == []


@pytest.mark.parametrize('module', _modules())
def test_a_module_runs_the_options_its_documentation_generates(module):
    cls = mo.operation(module)
    source = 'plugins/modules/%s.py' % module
    assert cls.module_options == mo.generated_spec(source, vars(cls).get('option_code'), module)


@pytest.mark.parametrize('service, module_utils, name', SERVICE_BASES)
def test_a_service_runs_the_connection_options_its_doc_fragment_generates(service, module_utils, name):
    cls = getattr(mo._import('plugins.module_utils.%s' % module_utils), name)
    source = 'plugins/doc_fragments/%s.py' % service
    assert cls.connection_options == mo.generated_spec(source, vars(cls).get('connection_option_code'), service)


def test_every_module_and_service_has_a_block():
    blocks = mo.blocks()
    assert sorted(b['name'] for b in blocks if b['kind'] == 'module' and not b['subpath']) == _modules()
    assert sorted(b['name'] for b in blocks if b['kind'] == 'fragment') == sorted(s for s, _, _ in SERVICE_BASES)


def test_a_stale_block_is_found_and_write_regenerates_it(tmp_path):
    for relative in ('plugins/modules/harbor_webhook.py', 'plugins/module_utils/_harbor_webhook.py'):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mo.ROOT / relative, tmp_path / relative)
    logic = tmp_path / 'plugins/module_utils/_harbor_webhook.py'
    original = logic.read_text()
    logic.write_text(original.replace("skip_cert_verify=dict(type='bool', default=False)",
                                      "skip_cert_verify=dict(type='bool', default=True)"))
    found = mo.problems(tmp_path)
    assert len(found) == 1 and 'stale' in found[0] and 'plugins/modules/harbor_webhook.py' in found[0]
    assert mo.write(tmp_path) == ['plugins/module_utils/_harbor_webhook.py']
    assert logic.read_text() == original and mo.problems(tmp_path) == [] and mo.write(tmp_path) == []


def test_a_documented_option_becomes_a_spec_entry_with_its_code_declaration():
    docs = {'name': {'type': 'str', 'required': True, 'description': 'x'},
            'mode': {'type': 'str', 'default': 'a', 'choices': {'a': 'first', 'b': 'second'}, 'required': False},
            'targets': {'type': 'list', 'elements': 'dict', 'suboptions': {
                'auth_header': {'type': 'str'}, 'flag': {'type': 'bool', 'aliases': ['f']}}}}
    code = {'targets.auth_header': dict(no_log=True)}
    assert mo.spec_from_docs(docs, dict(code), 'demo') == dict(
        name=dict(type='str', required=True), mode=dict(type='str', default='a', choices=['a', 'b']),
        targets=dict(type='list', elements='dict', options=dict(
            auth_header=dict(type='str', no_log=True), flag=dict(type='bool', aliases=['f']))))


def test_a_secret_without_an_explicit_no_log_fails_naming_it_and_no_log_is_never_invented():
    docs = {'targets': {'type': 'list', 'elements': 'dict', 'suboptions': {'api_token': {'type': 'str'}}}}
    with pytest.raises(mo.GeneratorError, match=r"targets\.api_token looks like a secret"):
        mo.spec_from_docs(docs, {}, 'demo')
    declared = mo.spec_from_docs(docs, {'targets.api_token': dict(no_log=False)}, 'demo')
    assert declared['targets']['options']['api_token'] == dict(type='str', no_log=False)
    # validate-modules' own exceptions: ids, paths, booleans and choices are no secrets
    plain = {'token_id': {'type': 'str'}, 'key_file': {'type': 'path'}, 'secret_given': {'type': 'bool'},
             'password_mode': {'type': 'str', 'choices': ['a']}}
    assert all('no_log' not in option for option in mo.spec_from_docs(plain, {}, 'demo').values())


def test_a_code_declaration_may_not_say_what_the_documentation_says_nor_name_an_unknown_option():
    with pytest.raises(mo.GeneratorError, match='sets default'):
        mo.spec_from_docs({'name': {'type': 'str'}}, {'name': dict(default='x')}, 'demo')
    with pytest.raises(mo.GeneratorError, match='documentation does not have: nmae'):
        mo.generated_spec('plugins/modules/harbor_label.py', {'nmae': dict(no_log=True)}, 'demo')


@pytest.mark.parametrize('module, path, module_utils, table', [
    ('nexus_repository', 'format', '_nexus_repository_fields', 'FORMATS'),
    ('nexus_repository', 'type', '_nexus_repository_fields', 'TYPES'),
    ('nexus_repository_info', 'format', '_nexus_repository_fields', 'FORMATS'),
    ('nexus_repository_info', 'type', '_nexus_repository_fields', 'TYPES'),
    ('nexus_blobstore', 'signer_type', '_nexus_blobstore_fields', 'SIGNER_TYPES'),
    ('nexus_ldap', 'protocol', '_nexus_ldap', 'DEFAULT_PORTS'),
    ('nexus_ldap', 'auth_scheme', '_nexus_ldap', 'SCHEMES'),
    ('harbor_retention_policy', 'rules.retain', '_harbor_retention_policy', 'RETENTION_TEMPLATES'),
])
def test_documented_choices_are_the_ones_the_code_maps(module, path, module_utils, table):
    """These choices used to be taken from the code's own tables; now the documentation says them, so the
    tables must keep answering every documented choice."""
    option = {'options': mo.operation(module).module_options}
    for name in path.split('.'):
        option = option['options'][name]
    assert set(option['choices']) == set(getattr(mo._import('plugins.module_utils.%s' % module_utils), table))
