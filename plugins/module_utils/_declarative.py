# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the shared resource engine of maestro.platform. Not a public API; it may change at any time.
"""Declarative resources: a simple REST object declared by where it lives, how it is found and its fields.

    class Registry(Declarative, HarborResource):
        collection = '/registries'             # POST to create, listed to find; items at <collection>/<id>
        identity = ('name',)                   # the object whose name equals the name option
        fields = (Field('id', server=True), Field('name'),
                  Field('type', create_only=True, required=True),
                  Field('description', normalize=str_or_empty), ...)

read, desired, validate_against, create, update, delete and public then follow from the declaration, under
the contract of _resource.Resource (options left unset are not managed, every write is followed by a read).
A resource overrides only what the declaration cannot say (its listing, a request body of another shape).

A Field names one key of the normalised object (what is compared, returned and diffed):
- option: the module option that sets it (default: the key; None: not an option); wire: where it sits in the
  server's JSON, dotted for nested objects (default: the key);
- normalize: the server's value (and the option's) -> the compared value; to_wire: the value sent;
- default: its value in a new object; required: needed to create; create_only: a change is refused, naming
  the field, and it is sent on create only; only_with: managed only when that other option is given;
- server: read, never written; secret: write-only, never read, compared or returned: written on create, and
  on update when a field of secret_with changes or with update_secret=always.

Read-ahead (the fast path's loops, see _resource.ReadAhead): a declaration whose listed objects are exactly its
single reads sets listed = True; a loop then lists the collection once (batch_objects, by default
list_objects) and answers unchanged items from it, keyed by the identity options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.maestro.platform.plugins.module_utils._http import get_or_none, path_quote
from ansible_collections.maestro.platform.plugins.module_utils._resource import READ_AHEAD_LIMIT, ModuleFailure, Resource


# -- normalisers: one name per rule, used on what the server returns and on what an option gives --------------
def same(value):
    return value


def str_or_empty(value):
    return value or ''


def or_none(value):
    return value or None


def as_bool(value):
    return bool(value)


def no_trailing_slash(value):
    return (value or '').rstrip('/')


def lower(value):
    return (value or '').lower()


def upper(value):
    return (value or '').upper()


def sorted_list(value):
    return sorted(value or [])


def as_list(value):
    return list(value or [])


class Field:
    def __init__(self, key, option=True, wire=None, normalize=same, to_wire=same, default=None, required=False,
                 create_only=False, only_with=None, server=False, secret=False, secret_with=()):
        self.key = key
        self.option = None if server or option is None else (key if option is True else option)
        self.wire = wire or key
        self.normalize = normalize
        self.to_wire = to_wire
        self.default = default
        self.required = required
        self.create_only = create_only
        self.only_with = only_with
        self.server = server
        self.secret = secret
        self.secret_with = secret_with


def dig(raw, wire):
    for part in wire.split('.'):
        raw = raw.get(part) if isinstance(raw, dict) else None
    return raw


def put_in(body, wire, value):
    parts = wire.split('.')
    for part in parts[:-1]:
        body = body.setdefault(part, {})
    body[parts[-1]] = value


class Declarative(Resource):
    #: where the objects live, with scope options formatted in (path-quoted): '/projects/{project}/webhook/policies'
    collection = None
    #: the key whose value names an object after the collection: <collection>/<value> (read, update, delete)
    item_key = 'id'
    #: the keys that find the object in the listing: equal to the options of the same names
    identity = ('name',)
    #: 'list': find the object in the collection's listing; 'item': GET <collection>/<identity option>
    read_by = 'list'
    #: options copied into the object as given (the parent it belongs to, e.g. project); never sent
    scope = ()
    #: the Field declarations
    fields = ()
    #: extra headers of every request
    headers = None
    #: repeat the item_key in the body of an update
    put_id = False
    #: one object that always exists at <collection> (system settings): read with one GET, written with one PUT
    #: of update_body to the same path, never created, listed or deleted
    singleton = False
    #: read-ahead: the collection's listing (batch_objects) holds every object exactly as read() returns it
    listed = False

    # -- requests -----------------------------------------------------------------------------------
    def _kwargs(self):
        return {'headers': self.headers} if self.headers else {}

    def collection_path(self):
        return self.collection.format(**dict((o, path_quote(self.params[o])) for o in self.scope))

    def item_path(self, value):
        return '%s/%s' % (self.collection_path(), path_quote(value))

    def list_objects(self):
        """The raw objects of the collection (override for a paginated or filtered listing)."""
        return self.client.get(self.collection_path(), **self._kwargs()) or []

    # -- reading ------------------------------------------------------------------------------------
    def view(self, raw):
        """A raw object normalised: every field but the secrets, and the scope."""
        obj = dict((f.key, f.normalize(dig(raw, f.wire))) for f in self.fields if not f.secret)
        obj.update((option, self.params.get(option)) for option in self.scope)
        return obj

    def read(self):
        if self.singleton:
            return self.view(self.client.get(self.collection_path(), **self._kwargs()) or {})
        if self.read_by == 'item':
            raw = get_or_none(self.client, self.item_path(self.params[self.identity[0]]), **self._kwargs())
            return self.view(raw) if raw is not None else None
        for raw in self.list_objects() or []:
            obj = self.view(raw)
            if all(obj.get(key) == self.params.get(key) for key in self.identity):
                return obj
        return None

    # -- the desired object -------------------------------------------------------------------------
    def option_value(self, field):
        """The normalised value the task gives a field, None when it leaves it unmanaged."""
        if field.option is None or field.secret:
            return None
        if field.only_with is not None and self.params.get(field.only_with) is None:
            return None
        value = self.params.get(field.option)
        return field.normalize(value) if value is not None else None

    def new_object(self):
        obj = dict((f.key, copy.deepcopy(f.default)) for f in self.fields if not f.secret)
        obj.update((option, self.params.get(option)) for option in self.scope)
        return obj

    def desired(self, current):
        base = dict(current) if current else self.new_object()
        for field in self.fields:
            value = self.option_value(field)
            if value is not None:
                base[field.key] = value
        if current is not None and self.params.get('update_secret') == 'always' and self._secrets_given():
            base['_secret_update'] = True  # a secret reads back masked: rewritten on every run
        return base

    def _secrets_given(self):
        return any(self.params.get(f.option) is not None for f in self.fields if f.secret)

    def validate_against(self, current):
        if current is None:
            missing = [f.option for f in self.fields if f.required and self.params.get(f.option) is None]
            if missing:
                raise ModuleFailure('%s %s required to create %s' % (
                    ' and '.join(missing), 'is' if len(missing) == 1 else 'are', self.describe()))
            return
        for field in self.fields:
            value = self.option_value(field) if field.create_only else None
            if value is not None and value != current.get(field.key):
                raise ModuleFailure("%s cannot be changed: %s has %s '%s', not '%s'. Delete it and create it again, "
                                    "or use another name." % (field.option, self.describe(), field.key,
                                                              current.get(field.key), value))

    # -- writing ------------------------------------------------------------------------------------
    def body(self, desired, secrets=False, update=False):
        """The request body: every field but the server's (secrets only when secrets, create-only fields not in
        an update), None values left out."""
        body = {}
        for field in self.fields:
            if field.server or (field.secret and not secrets) or (field.create_only and update):
                continue
            value = self.params.get(field.option) if field.secret else desired.get(field.key)
            if value is not None:
                put_in(body, field.wire, field.to_wire(value))
        return body

    def secret_due(self, current, desired):
        """Whether an update writes the secrets: update_secret=always, or a field they go with changed."""
        return bool(desired.get('_secret_update')) or any(
            desired.get(key) != current.get(key) for f in self.fields if f.secret for key in f.secret_with)

    def update_body(self, current, desired):
        body = self.body(desired, secrets=self.secret_due(current, desired), update=True)
        if self.put_id:
            body[self.item_key] = current[self.item_key]
        return body

    def create(self, desired):
        self.client.post(self.collection_path(), self.body(desired, secrets=True), **self._kwargs())

    def update(self, current, desired):
        path = self.collection_path() if self.singleton else self.item_path(current[self.item_key])
        self.client.put(path, self.update_body(current, desired), **self._kwargs())

    def delete(self, current):
        self.client.delete(self.item_path(current[self.item_key]), **self._kwargs())

    def public(self, obj):
        return dict((k, v) for k, v in obj.items() if not k.startswith('_')) if obj is not None else None

    # -- read-ahead (listed = True) -----------------------------------------------------------------
    def batch_objects(self):
        """The raw objects a loop's listing reads (override when read() lists a filtered collection)."""
        return self.list_objects()

    def batch_scope(self):
        return ('declarative', self.collection_path()) if self.listed else None

    def batch_key(self):
        return tuple(self.params.get(key) for key in self.identity)

    def read_batch(self):
        objects = self.batch_objects() or []
        if len(objects) > READ_AHEAD_LIMIT:
            return None
        batch = {}
        for view in (self.view(raw) for raw in objects):
            batch.setdefault(tuple(view.get(key) for key in self.identity), view)  # the first, as read() finds
        return batch
