"""The engine's loop read-ahead (_resource.ReadAhead): a listing may only ever conclude "nothing to change";
every write is decided on a fresh single read."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure, ReadAhead, Resource


class Store:
    """A fake server: objects by name, and a log of every call."""

    def __init__(self, **objects):
        self.objects = dict((k, dict(v)) for k, v in objects.items())
        self.log = []
        self.list_error = None
        self.listable = True

    def get(self, name):
        self.log.append(('get', name))
        value = self.objects.get(name)
        return dict(value) if value is not None else None

    def list(self):
        self.log.append(('list',))
        if self.list_error:
            raise self.list_error
        return dict((k, dict(v)) for k, v in self.objects.items()) if self.listable else None


class Thing(Resource):
    kind = 'thing'
    result_key = 'thing'

    def read(self):
        return self.client.get(self.params['name'])

    def batch_scope(self):
        return 'things'

    def read_batch(self):
        return self.client.list()

    def desired(self, current):
        return {'size': self.params['size']}

    def create(self, desired):
        self.client.log.append(('create', self.params['name']))
        self.client.objects[self.params['name']] = dict(desired)

    def update(self, current, desired):
        self.client.log.append(('update', self.params['name']))
        self.client.objects[self.params['name']].update(desired)

    def delete(self, current):
        self.client.log.append(('delete', self.params['name']))
        del self.client.objects[self.params['name']]


def converge(store, ahead, name, size=1, state='present', check_mode=False):
    thing = Thing({'name': name, 'size': size, 'state': state}, store, check_mode=check_mode)
    thing.read_ahead = ahead
    return thing.execute()


def primed(store, **kwargs):
    """A read-ahead after two items (a, b) that needed no change, with the store's log cleared: the next
    item lists."""
    ahead = ReadAhead()
    for name in 'ab':
        assert converge(store, ahead, name, **kwargs)['changed'] is False
    del store.log[:]
    return ahead


def test_two_single_reads_then_one_listing_answers_the_rest():
    store = Store(**dict(('t%d' % i, {'size': 1}) for i in range(10)))
    ahead = ReadAhead()
    results = [converge(store, ahead, 't%d' % i) for i in range(10)]
    assert [r['changed'] for r in results] == [False] * 10
    assert results[5]['thing'] == {'size': 1}
    assert store.log == [('get', 't0'), ('get', 't1'), ('list',)]
    assert ahead.listings == 1


def test_a_difference_in_the_listing_is_decided_on_a_fresh_read():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 2}, d={'size': 1})
    ahead = primed(store)
    result = converge(store, ahead, 'c')
    assert result['changed'] is True
    assert store.log == [('list',), ('get', 'c'), ('update', 'c'), ('get', 'c')]
    assert store.objects['c'] == {'size': 1}


def test_a_stale_listing_never_causes_a_write():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 2})
    ahead = primed(store)
    converge(store, ahead, 'a')  # lists: c has size 2 in the listing
    store.objects['c']['size'] = 1  # then somebody else fixes c
    del store.log[:]
    result = converge(store, ahead, 'c')
    assert result['changed'] is False
    assert store.log == [('get', 'c')]  # the fresh read found nothing to do: no write


def test_missing_objects_are_read_again_then_created():
    store = Store(a={'size': 1}, b={'size': 1})
    ahead = primed(store)
    result = converge(store, ahead, 'new')
    assert result['changed'] is True
    assert store.log == [('list',), ('get', 'new'), ('create', 'new'), ('get', 'new')]


def test_check_mode_predicts_from_a_fresh_read_and_writes_nothing():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 2})
    ahead = primed(store, check_mode=True)
    result = converge(store, ahead, 'c', check_mode=True)
    assert result['changed'] is True and result['thing'] == {'size': 1}
    assert store.log == [('list',), ('get', 'c')]
    assert store.objects['c'] == {'size': 2}


def test_absent_uses_the_listing_only_for_objects_already_gone():
    store = Store(c={'size': 1})
    ahead = primed(store, state='absent')  # a and b: already gone
    assert converge(store, ahead, 'gone', state='absent')['changed'] is False
    assert store.log == [('list',)]
    assert converge(store, ahead, 'c', state='absent')['changed'] is True
    assert store.log[1:] == [('get', 'c'), ('delete', 'c'), ('get', 'c')]


def test_an_object_written_by_the_loop_is_read_one_by_one_afterwards():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 2})
    ahead = ReadAhead()
    for name in 'abc':
        converge(store, ahead, name)  # c is updated after the listing
    del store.log[:]
    assert converge(store, ahead, 'c')['changed'] is False
    assert store.log == [('get', 'c')]  # not the listing, which still shows size 2


@pytest.mark.parametrize('failure', [ApiError('forbidden', status=403), ModuleFailure('no project')])
def test_a_listing_that_fails_falls_back_to_single_reads(failure):
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 1}, d={'size': 1})
    store.list_error = failure
    ahead = ReadAhead()
    for name in 'abcd':
        assert converge(store, ahead, name)['changed'] is False
    assert store.log == [('get', 'a'), ('get', 'b'), ('list',), ('get', 'c'), ('get', 'd')]


def test_a_collection_too_large_to_list_is_read_one_by_one():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 1}, d={'size': 1})
    store.listable = False  # read_batch returns None past its limit
    ahead = ReadAhead()
    for name in 'abcd':
        converge(store, ahead, name)
    assert store.log == [('get', 'a'), ('get', 'b'), ('list',), ('get', 'c'), ('get', 'd')]


def test_an_old_listing_is_listed_again():
    now = [0.0]
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 1})
    ahead = ReadAhead(clock=lambda: now[0])
    for name in 'abc':
        converge(store, ahead, name)
    now[0] = ReadAhead.max_age + 1
    del store.log[:]
    converge(store, ahead, 'a')
    assert store.log == [('list',)]
    assert ahead.listings == 2


def test_no_read_ahead_outside_the_fast_path():
    store = Store(a={'size': 1}, b={'size': 1}, c={'size': 1})
    for name in 'abc':
        converge(store, None, name)
    assert store.log == [('get', 'a'), ('get', 'b'), ('get', 'c')]


class GroupedThing(Thing):
    """Listed per group (as the members of one Harbor project are)."""

    def batch_scope(self):
        return ('group', self.params['name'][0])

    def read_batch(self):
        self.client.log.append(('list', self.batch_scope()[1]))
        return dict((k, dict(v)) for k, v in self.client.objects.items() if k[0] == self.batch_scope()[1])


def test_each_scope_is_listed_once_after_the_loops_first_two_items():
    store = Store(**dict(('%s%d' % (g, i), {'size': 1}) for g in 'abc' for i in range(2)))
    ahead = ReadAhead()
    for name in ('a0', 'a1', 'b0', 'b1', 'c0', 'c1'):
        thing = GroupedThing({'name': name, 'size': 1, 'state': 'present'}, store)
        thing.read_ahead = ahead
        assert thing.execute()['changed'] is False
    assert store.log == [('get', 'a0'), ('get', 'a1'), ('list', 'b'), ('list', 'c')]


def test_a_loop_that_creates_everything_never_lists():
    store = Store()
    ahead = ReadAhead()
    for i in range(6):
        assert converge(store, ahead, 't%d' % i)['changed'] is True
    assert ('list',) not in store.log
    assert ahead.listings == 0


def test_listing_starts_after_two_unchanged_items_in_a_row():
    store = Store(a={'size': 1}, c={'size': 1}, d={'size': 1}, e={'size': 1})
    ahead = ReadAhead()
    for name in 'abcde':  # b is created: the count of unchanged items starts again
        converge(store, ahead, name)
    assert [e for e in store.log if e[0] != 'create'] == [
        ('get', 'a'), ('get', 'b'), ('get', 'b'), ('get', 'c'), ('get', 'd'), ('list',)]


def test_memo_loads_once_per_max_age():
    now = [0.0]
    ahead = ReadAhead(clock=lambda: now[0])
    loads = []
    assert ahead.memo('ids', lambda: loads.append(1) or {'p': 1}) == {'p': 1}
    assert ahead.memo('ids', lambda: loads.append(1) or {'p': 2}) == {'p': 1}
    now[0] = ReadAhead.max_age + 1
    assert ahead.memo('ids', lambda: loads.append(1) or {'p': 3}) == {'p': 3}
    assert len(loads) == 2


def test_an_answer_from_the_listing_says_how_old_it_is():
    store = Store(**dict(('t%d' % i, {'size': 1}) for i in range(4)))
    now = [100.0]
    ahead = ReadAhead(clock=lambda: now[0])
    singles = [converge(store, ahead, name) for name in ('t0', 't1')]
    assert all('read_ahead_age' not in r for r in singles), 'a single read is fresh: no age'
    now[0] += 2.0
    assert converge(store, ahead, 't2')['read_ahead_age'] == 0.0  # listed for this item
    now[0] += 7.25
    listed = converge(store, ahead, 't3')
    assert listed['read_ahead_age'] == 7.2 and listed['thing'] == {'size': 1}
    assert converge(store, ahead, 't3', size=2)['changed'] is True
    assert 'read_ahead_age' not in converge(store, ahead, 't3', size=2), 'decided on a fresh read'
