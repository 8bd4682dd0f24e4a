# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: part of the MLflow family of maestro.platform. Not a public API; it may change at any time.
"""MLflow resources declared: the RPC-shaped flavour of the declarative engine (_declarative.py is the REST one).

An MLflow object is found by name through one getter, listed for read-ahead by one search, created by
POST <noun>/create {name, tags, ...}, its plain fields changed by <update_call> and its flat mappings (tags,
aliases) entry by entry through their own set and delete endpoints:

    class Experiment(MlflowResource):
        noun = 'experiments'                 # <noun>/create and <noun>/delete; the read-ahead scope
        id_key = 'experiment_id'             # what names the object in a request body
        read_one = staticmethod(get_experiment)
        create_fields = ('artifact_location',)  # sent on create when set
        mappings = (Mapping('tags', ('POST', '/experiments/set-experiment-tag'),
                            ('POST', '/experiments/delete-experiment-tag')),)

The object is complete (complete_desired): desired() is current (or new_object()) with the settable options
given and every mapping merged with its option and purge_<mapping> option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.maestro.platform.plugins.module_utils._mlflow import (
    API,
    MlflowOperation,
    apply_tags,
    check_tags,
    desired_tags,
)
from ansible_collections.maestro.platform.plugins.module_utils._resource import (
    READ_AHEAD_LIMIT,
    Resource,
    require_name,
)


class Mapping:
    """A flat mapping of the object (key: its key and option, purged with purge_<key>), written entry by entry:
    set_call (method, path) with {id_key, entry: name, value: value}, delete_call with {id_key, entry: name}.
    merge(current, wanted, purge) gives the mapping as it should be (default: user tags, mlflow.* kept); the
    checked option value is the resource's attribute of the same name (set by validate)."""

    def __init__(self, key, set_call, delete_call, entry='key', value='value', merge=desired_tags):
        self.key = key
        self.set_call = set_call
        self.delete_call = delete_call
        self.entry = entry
        self.value = value
        self.merge = merge


class MlflowResource(MlflowOperation, Resource):
    complete_desired = True
    #: the RPC family: <noun>/create, <noun>/delete; also the read-ahead scope
    noun = None
    #: the key of the object that names it in a request body
    id_key = 'name'
    #: the object by name, normalised, or None: staticmethod(getter(client, name))
    read_one = None
    #: fields sent on create when the desired object has them (name and tags always are)
    create_fields = ()
    #: options copied into the desired object when given, written by update_call
    settable = ()
    update_call = None
    #: how the object is deleted
    delete_method = 'POST'
    #: the Mapping declarations (tags, aliases)
    mappings = ()

    def validate(self):
        require_name(self.params)
        self.tags = check_tags(self.params.get('tags'))

    def call(self, method, path, body):
        """One write of the RPC API: a DELETE carries its body; the other verbs are idempotent sets."""
        if method == 'DELETE':
            return self.client.delete(API + path, body=body)
        return getattr(self.client, method.lower())(API + path, body, idempotent=True)

    # -- reading --------------------------------------------------------------------------------------
    def read(self):
        return self.read_one(self.client, self.params['name'])

    def list_all(self, limit):
        """Every object of the noun (normalised as read() returns them), None when there are more than limit."""
        raise NotImplementedError

    def batch_scope(self):
        return self.noun

    def read_batch(self):
        objects = self.list_all(READ_AHEAD_LIMIT)
        return None if objects is None else dict((o['name'], o) for o in objects)

    # -- the desired object ---------------------------------------------------------------------------
    def new_object(self):
        raise NotImplementedError

    def desired(self, current):
        obj = dict(current) if current else self.new_object()
        obj.update((key, self.params[key]) for key in self.settable if self.params.get(key) is not None)
        for mapping in self.mappings:
            obj[mapping.key] = mapping.merge(obj.get(mapping.key), getattr(self, mapping.key),
                                             self.params['purge_' + mapping.key])
        return obj

    # -- writing --------------------------------------------------------------------------------------
    def create(self, desired):
        body = {'name': desired['name'],
                'tags': [{'key': k, 'value': v} for k, v in sorted(desired['tags'].items())]}
        body.update((key, desired[key]) for key in self.create_fields if desired[key])
        self.client.post(API + '/%s/create' % self.noun, body)

    def update(self, current, desired):
        ident = {self.id_key: current[self.id_key]}
        changed = [(key, desired[key]) for key in self.settable if desired[key] != current[key]]
        if changed:
            self.call(*self.update_call, body=dict(ident, **dict(changed)))
        for m in self.mappings:
            apply_tags(current[m.key], desired[m.key],
                       lambda k, v, m=m: self.call(*m.set_call, body=dict(ident, **{m.entry: k, m.value: v})),
                       lambda k, m=m: self.call(*m.delete_call, body=dict(ident, **{m.entry: k})))

    def delete(self, current):
        self.call(self.delete_method, '/%s/delete' % self.noun, {self.id_key: current[self.id_key]})
