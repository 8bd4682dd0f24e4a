"""The MLflow flavour of the declarative engine (_mlflow_resource.MlflowResource): what a declaration sends."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import API
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_experiment import Experiment
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_registered_model import RegisteredModel
from ansible_collections.maestro.platform.plugins.module_utils._mlflow_resource import Mapping, MlflowResource
from ansible_collections.maestro.platform.plugins.module_utils._resource import desired_mapping


class Client:
    """Records every write as (method, path without the API prefix, body, keyword arguments)."""

    def __init__(self):
        self.log = []

    def _record(self, method, path, body, kwargs):
        assert path.startswith(API)
        self.log.append((method, path[len(API):], body, kwargs))

    def post(self, path, body=None, **kwargs):
        self._record('POST', path, body, kwargs)

    def patch(self, path, body=None, **kwargs):
        self._record('PATCH', path, body, kwargs)

    def delete(self, path, body=None, **kwargs):
        self._record('DELETE', path, body, kwargs)


def widget(found=None, listing=None):
    class Widget(MlflowResource):
        kind = 'widget'
        noun = 'widgets'
        id_key = 'widget_id'
        read_one = staticmethod(lambda client, name: found)
        create_fields = ('location', 'note')
        settable = ('note', 'colour')
        update_call = ('PATCH', '/widgets/update')
        delete_method = 'DELETE'
        mappings = (Mapping('tags', ('POST', '/widgets/set-tag'), ('POST', '/widgets/delete-tag')),
                    Mapping('labels', ('POST', '/widgets/label'), ('DELETE', '/widgets/label'),
                            entry='label', value='text', merge=desired_mapping))

        def list_all(self, limit):
            assert limit == 5000
            return listing

        def new_object(self):
            return {'widget_id': None, 'name': self.params['name'], 'location': self.params.get('location'),
                    'note': '', 'colour': 'red', 'tags': {}, 'labels': {}}

        def validate(self):
            super(Widget, self).validate()
            self.labels = self.params.get('labels')
    return Widget


def make(cls, **params):
    base = {'name': 'w', 'purge_tags': False, 'purge_labels': False, 'tags': None, 'labels': None}
    base.update(params)
    op = cls(base, Client())
    op.validate()
    return op


CURRENT = {'widget_id': '7', 'name': 'w', 'location': 's3://b/w', 'note': 'old', 'colour': 'red',
           'tags': {'a': '1', 'mlflow.user': 'me'}, 'labels': {'x': 'X'}}


def test_create_sends_name_sorted_tags_and_only_the_create_fields_set():
    op = make(widget(), tags={'b': 2, 'a': True}, note='n', colour='blue')
    op.create(op.desired(None))
    assert op.client.log == [('POST', '/widgets/create', {
        'name': 'w', 'tags': [{'key': 'a', 'value': 'true'}, {'key': 'b', 'value': '2'}], 'note': 'n'}, {})]


def test_desired_keeps_unset_options_and_merges_mappings_with_purge():
    op = make(widget(), note='new', tags={'b': '2'}, purge_tags=True, labels={'y': 'Y'})
    desired = op.desired(dict(CURRENT))
    assert desired == dict(CURRENT, note='new', tags={'b': '2', 'mlflow.user': 'me'}, labels={'x': 'X', 'y': 'Y'})
    assert make(widget()).desired(dict(CURRENT)) == CURRENT


def test_update_writes_changed_fields_in_one_call_then_each_mapping_entry():
    op = make(widget(), note='new', colour='blue', tags={'b': '2'}, purge_tags=True,
              labels={'y': 'Y'}, purge_labels=True)
    op.update(dict(CURRENT), op.desired(dict(CURRENT)))
    assert op.client.log == [
        ('PATCH', '/widgets/update', {'widget_id': '7', 'note': 'new', 'colour': 'blue'}, {'idempotent': True}),
        ('POST', '/widgets/set-tag', {'widget_id': '7', 'key': 'b', 'value': '2'}, {'idempotent': True}),
        ('POST', '/widgets/delete-tag', {'widget_id': '7', 'key': 'a'}, {'idempotent': True}),
        ('POST', '/widgets/label', {'widget_id': '7', 'label': 'y', 'text': 'Y'}, {'idempotent': True}),
        ('DELETE', '/widgets/label', {'widget_id': '7', 'label': 'x'}, {}),
    ]


def test_update_without_difference_writes_nothing():
    op = make(widget(), note='old')
    op.update(dict(CURRENT), op.desired(dict(CURRENT)))
    assert op.client.log == []


def test_delete_uses_the_declared_method_and_id_key():
    op = make(widget())
    op.delete(dict(CURRENT))
    assert op.client.log == [('DELETE', '/widgets/delete', {'widget_id': '7'}, {})]


@pytest.mark.parametrize('listing, expected', [
    (None, None),
    ([{'name': 'a', 'n': 1}, {'name': 'b', 'n': 2}], {'a': {'name': 'a', 'n': 1}, 'b': {'name': 'b', 'n': 2}}),
])
def test_read_ahead_lists_the_noun_by_name(listing, expected):
    op = make(widget(found=CURRENT, listing=listing))
    assert op.read() == CURRENT
    assert op.batch_scope() == 'widgets'
    assert op.read_batch() == expected


# -- the two declarations send what their hand-written versions sent ---------------------------------------
EXPERIMENT = {'experiment_id': '3', 'name': 'e', 'artifact_location': 's3://b/3/', 'lifecycle_stage': 'deleted',
              'tags': {'a': '1', 'mlflow.note': 'x'}}


def test_experiment_restores_a_tombstone_then_retags():
    op = make(Experiment, name='e', tags={'b': '2'}, purge_tags=True, artifact_location='s3://b/3')
    op.validate_against(dict(EXPERIMENT))
    desired = op.desired(dict(EXPERIMENT))
    assert desired == dict(EXPERIMENT, lifecycle_stage='active', tags={'b': '2', 'mlflow.note': 'x'})
    op.restore(dict(EXPERIMENT), desired)
    assert op.client.log == [
        ('POST', '/experiments/restore', {'experiment_id': '3'}, {'idempotent': True}),
        ('POST', '/experiments/set-experiment-tag', {'experiment_id': '3', 'key': 'b', 'value': '2'},
         {'idempotent': True}),
        ('POST', '/experiments/delete-experiment-tag', {'experiment_id': '3', 'key': 'a'}, {'idempotent': True}),
    ]


def test_experiment_create_and_delete():
    op = make(Experiment, name='e', tags={'k': 'v'}, artifact_location='s3://b/e')
    assert op.desired(None) == {'experiment_id': None, 'name': 'e', 'artifact_location': 's3://b/e',
                                'lifecycle_stage': 'active', 'tags': {'k': 'v'}}
    op.create(op.desired(None))
    op.delete(dict(EXPERIMENT))
    assert op.client.log == [
        ('POST', '/experiments/create', {'name': 'e', 'tags': [{'key': 'k', 'value': 'v'}],
                                         'artifact_location': 's3://b/e'}, {}),
        ('POST', '/experiments/delete', {'experiment_id': '3'}, {'idempotent': True}),
    ]


def test_registered_model_update_create_and_delete():
    current = {'name': 'm', 'description': 'old', 'tags': {'t': '1'}, 'aliases': {'champion': '1'},
               'latest_versions': [{'version': '2'}]}
    op = make(RegisteredModel, name='m', description='new', aliases=None, purge_aliases=False)
    desired = op.desired(dict(current))
    assert desired == dict(current, description='new')
    op.update(dict(current), desired)
    new = op.desired(None)
    assert new == {'name': 'm', 'description': 'new', 'tags': {}, 'aliases': {}, 'latest_versions': []}
    op.create(new)
    op.delete(current)
    assert op.client.log == [
        ('PATCH', '/registered-models/update', {'name': 'm', 'description': 'new'}, {'idempotent': True}),
        ('POST', '/registered-models/create', {'name': 'm', 'tags': [], 'description': 'new'}, {}),
        ('DELETE', '/registered-models/delete', {'name': 'm'}, {}),
    ]
