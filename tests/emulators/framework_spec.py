# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The emulators' OpenAPI side (test support, not shipped): load a spec once per process and validate requests
and responses against it with openapi-core (tests/emulators/framework.py serves HTTP and calls this)."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time

import yaml

HTTP_METHODS = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options')


def _template_regex(template):
    parts = re.split(r'(\{[^}]+\})', template)
    pattern = ''.join(
        '(?P<%s>[^/]+)' % part[1:-1] if part.startswith('{') else re.escape(part) for part in parts)
    return re.compile('^%s$' % pattern)


# ---------------------------------------------------------------------------------------------------------
# Spec loading and validation (openapi-core), cached per process.

_SPEC_CACHE = {}
_SPEC_LOCK = threading.Lock()


class _Spec:
    """A loaded OpenAPI description: the openapi-core app plus a path index for fast lookups."""

    def __init__(self, data, validate_spec):
        from openapi_core import Config, OpenAPI

        self.data = data
        self.paths = data.get('paths') or {}
        # (regex, template, methods) for telling "unknown path" from "not implemented"
        self.index = [(_template_regex(template), template,
                       {m.upper() for m in item if m in HTTP_METHODS})
                      for template, item in self.paths.items()]
        request_validator_cls, response_validator_cls = _fast_validators()
        config = Config(path_finder_cls=_exact_path_finder(sorted(self.paths, key=len, reverse=True)),
                        request_validator_cls=request_validator_cls,
                        response_validator_cls=response_validator_cls)
        if not validate_spec:
            config.spec_validator_cls = None
        self.app = OpenAPI.from_dict(data, config=config)
        self.request_validator = self.app.request_validator
        self.response_validator = self.app.response_validator
        # Validation is deterministic: the outcome for an identical request or response is remembered
        # (keyed by a digest), which makes steady-state reruns cheap.
        self.results = {}

    @staticmethod
    def cache_key(*parts):
        digest = hashlib.sha1()
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode('utf-8'))
            digest.update(b'\x00')
        return digest.digest()

    def remember(self, key, value):
        if len(self.results) > 20000:
            self.results.clear()
        self.results[key] = value

    def operation(self, template, method):
        item = self.paths.get(template) or {}
        return item.get(method.lower())

    def find(self, path):
        """(template, methods) of the spec path matching ``path``, or (None, set())."""
        found = [(template, methods) for regex, template, methods in self.index if regex.match(path)]
        if not found:
            return None, set()
        found.sort(key=lambda tm: tm[0].count('{'))  # fewer variables: more concrete
        return found[0]


def _exact_path_finder(templates):
    """An openapi-core path finder that resolves the exact spec template we pass as path_pattern.

    openapi-core's own finder tries every path of the spec with a regex (the Harbor spec has ~150);
    the emulator already knows the template, so a suffix lookup is enough. Falls back to the default.
    """
    from openapi_core.templating.datatypes import TemplateResult
    from openapi_core.templating.paths.datatypes import Path
    from openapi_core.templating.paths.finders import APICallPathFinder
    from openapi_core.templating.paths.iterators import TemplatePathsIterator

    class ExactPathsIterator(TemplatePathsIterator):
        def __call__(self, name, spec, base_url=None):
            for template in templates:  # longest first: '/users/search' before '/search'
                if name.endswith(template):
                    yield Path(spec / self.paths_part / template, TemplateResult(template, {}))
                    return
            yield from super().__call__(name, spec, base_url=base_url)

    class ExactPathFinder(APICallPathFinder):
        paths_iterator = ExactPathsIterator('paths')

    return ExactPathFinder


def _fast_validators():
    """OAS 3.0 validators that share one format checker instead of deep-copying it for every schema.

    openapi-core 0.23 deep-copies jsonschema's FormatChecker each time it builds a schema validator (about
    half the cost of validating a small response); the checker is never modified, so sharing it is safe.
    """
    from openapi_core import V30RequestValidator, V30ResponseValidator
    from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
    from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

    class SharedFormatCheckerFactory(SchemaValidatorsFactory):
        def get_format_checker(self, format_validators=None, extra_format_validators=None):
            if format_validators is None and extra_format_validators is None:
                return self.format_checker
            return super().get_format_checker(format_validators, extra_format_validators)

    class RequestValidator(V30RequestValidator):
        schema_validators_factory = SharedFormatCheckerFactory(OAS30WriteValidator)

    class ResponseValidator(V30ResponseValidator):
        schema_validators_factory = SharedFormatCheckerFactory(OAS30ReadValidator)

    return RequestValidator, ResponseValidator


def load_spec(path, base_path='', validate_spec=True, prepare=None):
    """Load (once per process) the OpenAPI 3 file at ``path``; servers are replaced by ``base_path``."""
    key = (os.path.abspath(path), base_path, validate_spec, prepare)
    with _SPEC_LOCK:
        spec = _SPEC_CACHE.get(key)
        if spec is None:
            started = time.perf_counter()
            with open(path, encoding='utf-8') as handle:
                data = yaml.load(handle, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
            if prepare is not None:
                data = prepare(data)
            data['servers'] = [{'url': base_path or '/'}]
            spec = _Spec(data, validate_spec)
            spec.load_seconds = time.perf_counter() - started
            _SPEC_CACHE[key] = spec
        return spec


class _OARequest:
    """openapi-core's Request protocol over a Call."""

    host_url = 'http://emulator'

    def __init__(self, call, base_path):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.method = call.method.lower()
        self.path = call.full_path
        self.path_pattern = base_path + call.template
        self.body = call.raw or None
        self.content_type = (call.headers.get('Content-Type') or '').lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, values in call.query.items() for v in values]),
            header=Headers(list(call.headers.items())),
            path=dict(call.params),
        )


class _OAResponse:
    def __init__(self, status, headers, data):
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = (headers.get('Content-Type') or '').lower()
        self.data = data


def _describe(exc):
    """One readable line for an openapi-core error: its summary plus the JSON-schema errors behind it."""
    chain = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    details = []
    for item in chain:
        for error in getattr(item, 'schema_errors', None) or ():
            where = '/'.join(str(p) for p in getattr(error, 'absolute_path', ())) or '(root)'
            details.append('%s: %s' % (where, getattr(error, 'message', error)))
    head = chain[0]
    summary = str(head).split(': Value ', 1)[0] if details else str(head)
    if not details:
        summary = '; '.join(dict.fromkeys(str(e) for e in chain if str(e)))
    summary = summary or head.__class__.__name__
    return '%s: %s' % (summary, '; '.join(details)) if details else summary
