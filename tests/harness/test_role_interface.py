"""Role list variables that feed a module declare the module's options and pass every one (tests/role_interface.py)."""

import textwrap

import yaml

from tests import role_interface as ri


def test_every_role_variable_feeding_a_module_mirrors_it():
    assert ri.feeds(), 'no role task loops over a role variable into a maestro.platform module'
    assert ri.problems() == []


def test_every_role_variable_fed_whole_into_an_option_declares_its_type():
    fed = {(feed[1], feed[2], feed[3]) for feed in ri.whole_feeds()}
    assert {('nexus_realms', 'nexus_security', 'realms'),
            ('monitoring_nexus_metrics_password', 'nexus_user', 'user_password')} <= fed, fed
    assert ri.whole_problems() == []


def test_drift_of_a_variable_fed_whole_is_found(tmp_path):
    """nexus_security's realms is a list of str, anonymous_access a bool; nexus_user's user_password is no_log."""
    tasks = tmp_path / 'roles' / 'demo' / 'tasks'
    meta = tmp_path / 'roles' / 'demo' / 'meta'
    tasks.mkdir(parents=True)
    meta.mkdir(parents=True)
    (tasks / 'main.yml').write_text(yaml.safe_dump([
        {'name': 'Security', 'maestro.platform.nexus_security': {
            'realms': '{{ demo_realms }}', 'anonymous_access': '{{ demo_anonymous }}', 'url': '{{ demo_url }}'}},
        {'name': 'User', 'maestro.platform.nexus_user': {
            'user_id': 'metrics', 'user_password': '{{ demo_password }}', 'roles': '{{ demo_missing }}'}}]))
    options = {'demo_realms': {'type': 'list', 'elements': 'str'}, 'demo_anonymous': {'type': 'bool'},
               'demo_password': {'type': 'str', 'no_log': True}, 'demo_missing': {'type': 'list', 'elements': 'str'},
               'demo_url': {'type': 'int'}}
    spec = {'argument_specs': {'main': {'short_description': 'demo', 'options': options}}}
    (meta / 'argument_specs.yml').write_text(yaml.safe_dump(spec))
    assert sorted(feed[1] for feed in ri.whole_feeds(tmp_path)) == [
        'demo_anonymous', 'demo_missing', 'demo_password', 'demo_realms']  # url is a connection option
    assert ri.whole_problems(tmp_path) == []
    options['demo_realms']['elements'] = 'dict'
    options['demo_anonymous']['type'] = 'str'
    del options['demo_password']['no_log']
    del options['demo_missing']
    (meta / 'argument_specs.yml').write_text(yaml.safe_dump(spec))
    found = ri.whole_problems(tmp_path)
    assert len(found) == 4, found
    assert any('demo_realms' in line and 'elements dict, the module str' in line for line in found)
    assert any('demo_anonymous' in line and 'type str, the module bool' in line for line in found)
    assert any('demo_password' in line and 'no_log False, the module True' in line for line in found)
    assert any('demo_missing' in line and 'not declared in argument_specs' in line for line in found)


def _role(tmp_path, task_args, spec_extra=''):
    tasks = tmp_path / 'roles' / 'demo' / 'tasks'
    meta = tmp_path / 'roles' / 'demo' / 'meta'
    tasks.mkdir(parents=True)
    meta.mkdir(parents=True)
    (tasks / 'main.yml').write_text(yaml.safe_dump([{
        'name': 'Experiments', 'maestro.platform.mlflow_experiment': task_args, 'loop': '{{ demo_experiments }}'}]))
    (meta / 'argument_specs.yml').write_text(textwrap.dedent('''\
        ---
        argument_specs:
          main:
            short_description: demo
            options:
              demo_experiments:
                description:
                  - Experiments.
                type: list
                default: []
        %s
              demo_other:
                description:
                  - Stays as it is.
                type: str
        ''') % spec_extra)
    return tmp_path


def test_drift_is_found_and_write_regenerates_the_suboptions(tmp_path):
    args = {'name': '{{ item.name }}', 'tags': '{{ item.tags | default(omit) }}',
            'tracking_uri': 'http://mlflow', 'bogus': '{{ item.bogus }}'}
    root = _role(tmp_path, args)
    found = ri.problems(root)
    assert any('does not pass' in line and 'artifact_location' in line and 'state' in line for line in found)
    assert any('options the module does not have: bogus' in line for line in found)
    assert any('suboptions differ' in line for line in found)

    assert ri.write(root) == ['roles/demo/meta/argument_specs.yml']
    spec = yaml.safe_load((root / 'roles/demo/meta/argument_specs.yml').read_text())['argument_specs']['main']
    options = spec['options']['demo_experiments']['options']
    assert sorted(options) == ['artifact_location', 'name', 'purge_tags', 'state', 'tags']
    assert options['state']['choices'] == ['present', 'absent'] and options['name']['required'] is True
    assert options['tags']['type'] == 'dict' and options['name']['description'] == ['Name of the experiment.']
    assert spec['options']['demo_other'] == {'description': ['Stays as it is.'], 'type': 'str'}
    assert not any('suboptions differ' in line or 'descriptions differ' in line for line in ri.problems(root))
    assert ri.write(root) == []  # idempotent


def test_a_role_may_be_stricter_than_its_module(tmp_path):
    root = _role(tmp_path, {'name': '{{ item.name }}', 'artifact_location': '{{ item.artifact_location }}',
                            'tags': '{{ item.tags }}', 'purge_tags': '{{ item.purge_tags }}',
                            'state': '{{ item.state }}'})
    ri.write(root)
    path = root / 'roles/demo/meta/argument_specs.yml'
    spec = yaml.safe_load(path.read_text())
    tags = spec['argument_specs']['main']['options']['demo_experiments']['options']['tags']
    tags['required'] = True
    state = spec['argument_specs']['main']['options']['demo_experiments']['options']['state']
    state['choices'] = ['present']  # the role refuses what the module would, before anything runs
    path.write_text(yaml.safe_dump(spec))
    assert ri.problems(root) == []
    state['choices'] = ['present', 'gone']
    path.write_text(yaml.safe_dump(spec))
    assert any('suboptions differ' in line for line in ri.problems(root))
    state['choices'] = ['present', 'absent']
    tags['type'] = 'list'
    path.write_text(yaml.safe_dump(spec))
    assert any('suboptions differ' in line for line in ri.problems(root))


def test_a_role_that_maps_its_own_fields_is_not_a_mirror(tmp_path):
    root = _role(tmp_path, {'name': '{{ item.team }}-experiments'})
    assert ri.feeds(root) == []


FULL = {'name': '{{ item.name }}', 'artifact_location': '{{ item.artifact_location | default(omit) }}',
        'tags': '{{ item.tags | default(omit) }}', 'purge_tags': '{{ item.purge_tags | default(omit) }}',
        'state': "{{ item.state | default('present') }}"}


def test_an_item_field_may_feed_an_option_of_another_name(tmp_path):
    root = _role(tmp_path, dict(FULL, artifact_location='{{ item.location | default(omit) }}'))
    assert ri.write(root) == ['roles/demo/meta/argument_specs.yml']
    options = yaml.safe_load((root / 'roles/demo/meta/argument_specs.yml').read_text())[
        'argument_specs']['main']['options']['demo_experiments']['options']
    assert sorted(options) == ['location', 'name', 'purge_tags', 'state', 'tags']
    assert ri.problems(root) == []


def test_a_task_that_ignores_a_documented_suboption_fails(tmp_path):
    root = _role(tmp_path, FULL)
    ri.write(root)
    assert ri.problems(root) == []
    tasks = root / 'roles/demo/tasks/main.yml'
    task = yaml.safe_load(tasks.read_text())
    task[0]['maestro.platform.mlflow_experiment']['state'] = 'present'  # the inventory's state would be ignored
    tasks.write_text(yaml.safe_dump(task))
    assert any('the task ignores state, documented in the argument_specs suboptions' in line
               for line in ri.problems(root))


def test_a_dict_variable_feeding_a_module_mirrors_it_too(tmp_path):
    root = _role(tmp_path, {})
    args = dict((name, value.replace('item.', 'demo_experiments.')) for name, value in FULL.items())
    del args['purge_tags']
    (root / 'roles/demo/tasks/main.yml').write_text(yaml.safe_dump([{
        'name': 'One experiment', 'maestro.platform.mlflow_experiment': args}]))
    spec_file = root / 'roles/demo/meta/argument_specs.yml'
    spec_file.write_text(spec_file.read_text().replace('type: list\n        default: []', 'type: dict\n        default: {}'))
    assert [feed[1:3] + feed[5:] for feed in ri.feeds(root)] == [
        ('demo_experiments', 'mlflow_experiment', 'demo_experiments')]
    assert any('does not pass purge_tags' in line for line in ri.problems(root))
    ri.write(root)
    spec = yaml.safe_load((root / 'roles/demo/meta/argument_specs.yml').read_text())
    declared = spec['argument_specs']['main']['options']['demo_experiments']
    assert 'elements' not in declared and sorted(declared['options']) == [
        'artifact_location', 'name', 'purge_tags', 'state', 'tags']
    assert any('the task ignores purge_tags' in line for line in ri.problems(root))
