"""The declarative engine (_declarative.py) on a fake server: what a declaration reads, compares and sends.
The resources built on it are tested against the emulators (tests/integration/test_harbor_modules.py,
test_nexus_*.py) with exact write logs."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._declarative import (
    Declarative, Field, as_bool, no_trailing_slash, or_none, str_or_empty)
from ansible_collections.maestro.platform.plugins.module_utils._harbor_registry import Registry
from ansible_collections.maestro.platform.plugins.module_utils import _declarative
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, ReadAhead


class FakeServer:
    """Objects under /things by id (listing) and a log of every write."""

    def __init__(self, *objects):
        self.objects = dict((o['id'], dict(o)) for o in objects)
        self.writes = []

    def get(self, path, **kwargs):
        self.reads = getattr(self, 'reads', 0) + 1
        return [dict(o) for o in self.objects.values()]

    def post(self, path, body, **kwargs):
        self.writes.append(('POST', path, body))
        self.objects[len(self.objects) + 1] = dict(body, id=len(self.objects) + 1)

    def put(self, path, body, **kwargs):
        self.writes.append(('PUT', path, body))
        self.objects[int(path.rsplit('/', 1)[1])].update(body)

    def delete(self, path, **kwargs):
        self.writes.append(('DELETE', path))
        del self.objects[int(path.rsplit('/', 1)[1])]


class Thing(Declarative):
    kind = 'thing'
    result_key = 'thing'
    collection = '/things'
    fields = (
        Field('id', server=True),
        Field('name'),
        Field('kind', create_only=True, required=True),
        Field('url', option='endpoint', normalize=no_trailing_slash, required=True),
        Field('note', normalize=str_or_empty, default=''),
        Field('on', normalize=as_bool, default=False),
        Field('user', wire='auth.user', normalize=or_none),
        Field('password', wire='auth.password', secret=True, secret_with=('user',)),
    )


class ListedThing(Thing):
    listed = True


def thing_params(**params):
    values = dict(state='present', kind=None, endpoint=None, note=None, on=None, user=None, password=None,
                  update_secret='on_create')
    values.update(params)
    return values


def converge(server, check_mode=False, **params):
    return Thing(thing_params(**params), server, check_mode=check_mode).execute()


def test_create_sends_every_field_by_its_wire_path_and_the_secret_then_nothing_changes():
    server = FakeServer()
    result = converge(server, name='a', kind='k', endpoint='https://x/', user='u', password='s3cret')
    assert server.writes == [('POST', '/things', {'name': 'a', 'kind': 'k', 'url': 'https://x', 'note': '',
                                                  'on': False, 'auth': {'user': 'u', 'password': 's3cret'}})]
    assert result['changed'] and 's3cret' not in repr(result) and result['thing']['user'] == 'u'
    assert not converge(server, name='a', kind='k', endpoint='https://x', user='u', password='s3cret')['changed']
    assert len(server.writes) == 1


def test_unset_options_are_not_managed_and_an_update_leaves_create_only_fields_and_the_secret_out():
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x', 'note': 'n', 'auth': {'user': 'u'}})
    assert not converge(server, name='a')['changed']
    converge(server, name='a', on=True)
    assert server.writes == [('PUT', '/things/1', {'name': 'a', 'url': 'https://x', 'note': 'n', 'on': True,
                                                   'auth': {'user': 'u'}})]


def test_a_secret_is_written_again_with_its_user_or_with_update_secret_always():
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x', 'auth': {'user': 'u'}})
    assert not converge(server, name='a', user='u', password='p')['changed']  # cannot be compared: not a change
    converge(server, name='a', user='v', password='p')
    assert server.writes[-1][2]['auth'] == {'user': 'v', 'password': 'p'}
    result = converge(server, name='a', user='v', password='p', update_secret='always')
    assert result['changed'] and server.writes[-1][2]['auth'] == {'user': 'v', 'password': 'p'}
    assert '_secret_update' not in result['thing']


def test_create_needs_its_required_fields_and_a_create_only_field_never_changes():
    with pytest.raises(ModuleFailure, match="^kind and endpoint are required to create thing 'a'$"):
        converge(FakeServer(), name='a')
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x'})
    with pytest.raises(ModuleFailure, match="^kind cannot be changed: thing 'a' has kind 'k', not 'j'"):
        converge(server, name='a', kind='j')
    assert server.writes == []


def test_check_mode_predicts_without_writing_and_absent_deletes_by_item_path():
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x'})
    assert converge(server, check_mode=True, name='a', note='new')['thing']['note'] == 'new'
    assert converge(server, name='a', state='absent')['changed'] and server.writes == [('DELETE', '/things/1')]


def test_registry_ca_certificate_given_empty_is_no_change_when_none_is_stored():
    """Harbor reads an empty CA back as none: '' asks for what is stored (the option is normalised like the
    server's value; before the declarative engine it was rewritten on every run)."""
    current = {'id': 1, 'name': 'r', 'type': 'harbor', 'url': 'https://r', 'description': '', 'insecure': False,
               'ca_certificate': None, 'credential_type': None, 'access_key': None, 'status': 'healthy'}
    params = dict((k, v.get('default')) for k, v in Registry.argument_spec().items())
    params.update(name='r', ca_certificate='')
    registry = Registry(params, None)
    assert registry.desired(current) == current


def test_every_declarative_resource_takes_the_engines_body_arguments():
    """update() calls body(desired, secrets=..., update=True): an override must take both (the immutable rule's
    did not, and failed only on its first update)."""
    import importlib
    import inspect
    import pkgutil

    from ansible_collections.maestro.platform.plugins import module_utils
    found = []
    for info in pkgutil.iter_modules(module_utils.__path__):
        module = importlib.import_module('%s.%s' % (module_utils.__name__, info.name))
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, Declarative) and cls.__module__ == module.__name__:
                found.append(cls.__name__)
                assert {'secrets', 'update'} <= set(inspect.signature(cls.body).parameters), cls.__name__
    assert len(found) >= 9, found


class Settings(Declarative):
    """A singleton: one object at /settings, read with one GET and written with one PUT."""
    kind = 'settings'
    result_key = 'settings'
    collection = '/settings'
    singleton = True
    fields = (Field('id', server=True), Field('motd', wire='banner.text', normalize=str_or_empty),
              Field('open', normalize=as_bool))


class SettingsServer:
    def __init__(self, value):
        self.value, self.log = value, []

    def get(self, path, **kwargs):
        self.log.append(('GET', path))
        return self.value

    def put(self, path, body, **kwargs):
        self.log.append(('PUT', path, body))
        self.value = dict(self.value or {}, **body)


@pytest.mark.parametrize('stored', [None, {'id': 1, 'banner': {'text': 'hi'}, 'open': False}])
def test_a_singleton_is_read_with_one_get_and_written_with_one_put_to_the_same_path(stored):
    server = SettingsServer(stored)
    result = Settings({'motd': 'hello', 'open': None}, server).execute()
    assert result['changed'] and result['settings']['motd'] == 'hello'
    # nothing stored reads as the empty object (as_bool: open False); the PUT carries every field but the server's
    assert server.log == [('GET', '/settings'), ('PUT', '/settings', {'banner': {'text': 'hello'}, 'open': False}),
                          ('GET', '/settings')]
    server.log = []
    assert not Settings({'motd': 'hello', 'open': None}, server).execute()['changed']
    assert server.log == [('GET', '/settings')]


def test_a_singleton_in_check_mode_reads_and_never_writes():
    server = SettingsServer({'id': 1, 'banner': {'text': 'hi'}, 'open': True})
    result = Settings({'motd': 'hello', 'open': None}, server, check_mode=True).execute()
    assert result['changed'] and result['settings'] == {'id': 1, 'motd': 'hello', 'open': True}
    assert server.log == [('GET', '/settings')]


def test_only_a_listed_declaration_reads_ahead_and_its_listing_holds_each_object_as_read_finds_it():
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x/', 'auth': {'user': 'u'}},
                        {'id': 2, 'name': 'b', 'kind': 'j', 'url': 'https://y', 'on': 1},
                        {'id': 3, 'name': 'a', 'kind': 'later', 'url': 'https://z'})
    assert Thing(thing_params(name='a'), server).batch_scope() is None  # not listed: read one by one
    thing = ListedThing(thing_params(name='a'), server)
    assert thing.batch_scope() == ('declarative', '/things') and thing.batch_key() == ('a',)
    batch = thing.read_batch()
    assert set(batch) == {('a',), ('b',)}
    assert batch[('a',)] == thing.read() and batch[('a',)]['kind'] == 'k'  # the first match, as read() takes
    assert batch[('b',)] == ListedThing(thing_params(name='b'), server).read()


def test_a_listing_longer_than_the_read_ahead_limit_is_not_used(monkeypatch):
    monkeypatch.setattr(_declarative, 'READ_AHEAD_LIMIT', 1)
    server = FakeServer({'id': 1, 'name': 'a', 'kind': 'k', 'url': 'https://x'},
                        {'id': 2, 'name': 'b', 'kind': 'k', 'url': 'https://x'})
    assert ListedThing(thing_params(name='a'), server).read_batch() is None


def test_a_steady_loop_of_listed_declarations_lists_once_and_writes_on_a_fresh_read():
    names = ['n%d' % i for i in range(6)]
    server = FakeServer(*[{'id': i + 1, 'name': n, 'kind': 'k', 'url': 'https://x'} for i, n in enumerate(names)])
    ahead = ReadAhead()

    def item(**params):
        thing = ListedThing(thing_params(**params), server)
        thing.read_ahead = ahead
        return thing.execute()

    results = [item(name=n, endpoint='https://x') for n in names]
    assert not any(r['changed'] for r in results) and server.writes == []
    assert server.reads == 2 + 1 and ahead.listings == 1  # two single reads, then one listing for the other four
    assert 'read_ahead_age' in results[-1] and 'read_ahead_age' not in results[0]
    # a difference from the listing is decided (and written) on a fresh read, never on the listing
    server.objects[6]['on'] = True  # changed behind the listing
    assert item(name='n5', note='new')['changed'] and server.reads == 3 + 2  # the fresh read, the one after
    assert server.writes == [('PUT', '/things/6', {'name': 'n5', 'url': 'https://x', 'note': 'new', 'on': True})]
