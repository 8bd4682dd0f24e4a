"""Module options written once: the argument specs are generated from the modules' DOCUMENTATION.

A module's options are written in one place, its DOCUMENTATION (plugins/modules/<module>.py; the connection
options of a service in its doc fragment, plugins/doc_fragments/<service>.py). This generator writes the Python
argument spec from them into a generated block of the logic file (``module_options = dict(...)`` of the class the
module names ``OPERATION``, ``connection_options = dict(...)`` of the service base), between two marker comments:

    module_options = dict(  # generated from plugins/modules/harbor_webhook.py DOCUMENTATION, do not edit
        ...
    )  # generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write

    .venv/bin/python -m tests.module_options            # report stale or missing blocks (exit 1 when any)
    .venv/bin/python -m tests.module_options --write    # regenerate the blocks

The blocks are plain Python literals, so nothing parses YAML at run time (modules run on managed hosts without
PyYAML). What the documentation schema cannot say is declared once, in code, next to the class, keyed by option
path (dotted for suboptions) and merged into the generated spec: ``option_code`` on the module's class and
``connection_option_code`` on the service base, e.g.
``option_code = {'secret': dict(no_log=True), 'targets.auth_header': dict(no_log=True)}`` (no_log, fallback,
apply_defaults, suboption-level mutually_exclusive / required_if / ...). Top-level module_kwargs stay as they are.

validate-modules' secret guard is kept: an option whose name looks like a secret by validate-modules' own rule
(``is_potential_secret_option``, read from ansible-test's source) must have an explicit ``no_log`` in the code
declaration, or the generator fails naming it; it never invents ``no_log``.
"""

import argparse
import ast
import importlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
UTILS = 'plugins/module_utils'
WIDTH = 120
BEGIN = re.compile(r'^( *)([A-Za-z_]+) = dict\(  # generated from (?:the ([a-z0-9_.]+) of )?'
                   r'(plugins/(?:modules|doc_fragments)/([a-z0-9_]+)\.py)(?: DOCUMENTATION)?, do not edit$')
END = '# generated: edit the DOCUMENTATION, then .venv/bin/python -m tests.module_options --write'
#: documentation keys that are argument spec keys too (the rest of the documentation is for people)
DOC_KEYS = ('type', 'elements', 'required', 'default', 'choices', 'aliases')
#: the order of a generated option's keys: the documented ones, then the code-declared ones, suboptions last
KEY_ORDER = DOC_KEYS + ('no_log', 'fallback', 'apply_defaults', 'removed_in_version', 'removed_at_date',
                        'removed_from_collection', 'deprecated_aliases', 'mutually_exclusive', 'required_together',
                        'required_one_of', 'required_if', 'required_by', 'options')
#: keys only code can declare (the documentation schema has no such keys)
CODE_KEYS = frozenset(KEY_ORDER) - frozenset(DOC_KEYS) - {'options'}


class GeneratorError(Exception):
    pass


# -- reading the documentation -----------------------------------------------------------------------------


def _documentation(path):
    """The DOCUMENTATION string of a module (module level) or doc fragment (class ModuleDocFragment)."""
    tree = ast.parse(path.read_text())
    bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
                return yaml.safe_load(ast.literal_eval(node.value)) or {}
    raise GeneratorError('%s has no DOCUMENTATION' % path)


def documented_options(source, root=ROOT):
    """The options a module documents itself (fragments excluded), or a doc fragment's options."""
    return _documentation(root / source).get('options') or {}


def _secret_rule():
    """validate-modules' own is_potential_secret_option (its module imports what this venv lacks, so the function
    and its regular expression are taken from its source)."""
    import ansible_test  # pylint: disable=import-outside-toplevel
    main = (Path(ansible_test.__file__).parent / '_util/controller/sanity/validate-modules/validate_modules/main.py')
    tree = ast.parse(main.read_text())
    wanted = [node for node in tree.body if (isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', '') ==
                                             'NO_LOG_REGEX') or
              (isinstance(node, ast.FunctionDef) and node.name == 'is_potential_secret_option')]
    if len(wanted) != 2:
        raise GeneratorError('is_potential_secret_option or NO_LOG_REGEX not found in %s' % main)
    namespace = {'re': re}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(main), 'exec'), namespace)  # pylint: disable=exec-used
    return namespace['is_potential_secret_option']


IS_SECRET = _secret_rule()


def _needs_no_log(name, option):
    """validate-modules' no-log-needed condition (main.py, _validate_argument_spec)."""
    return (option.get('no_log') is None and IS_SECRET(name) and option.get('type') not in ('path', 'bool')
            and option.get('choices') is None)


def spec_from_docs(options, code, where, path=''):
    """The argument spec of documented options, with the code-declared keys merged in (by dotted option path).
    Consumes the entries of `code` it uses; raises GeneratorError for a secret without an explicit no_log."""
    spec = {}
    for name, doc in options.items():
        doc = doc or {}
        option = {}
        for key in DOC_KEYS:
            value = doc.get(key)
            if key == 'required' and not value:
                continue
            if value is None:
                continue
            option[key] = list(value) if key == 'choices' else value
        extra = code.pop(path + name, {})
        unknown = set(extra) - CODE_KEYS
        if unknown:
            raise GeneratorError('%s: the code declaration of %s sets %s, which the documentation says (edit the '
                                 'DOCUMENTATION instead)' % (where, path + name, ', '.join(sorted(unknown))))
        option.update(extra)
        if doc.get('suboptions'):
            option['options'] = spec_from_docs(doc['suboptions'], code, where, path + name + '.')
        if _needs_no_log(name, option):
            raise GeneratorError('%s: option %s looks like a secret (validate-modules\' rule): declare no_log=True '
                                 '(or no_log=False if it is not one) for %r in the code declaration'
                                 % (where, path + name, path + name))
        spec[name] = {key: option[key] for key in sorted(option, key=KEY_ORDER.index)}
    return spec


def generated_spec(source, code, where, root=ROOT):
    code = dict(code or {})
    spec = spec_from_docs(documented_options(source, root), code, where)
    if code:
        raise GeneratorError('%s: the code declaration names options the documentation does not have: %s'
                             % (where, ', '.join(sorted(code))))
    return spec


# -- rendering -----------------------------------------------------------------------------------------------


def _node(value, prefix=''):
    """A value as a layout node: a string, or (opening, [children], closing) for what may break over lines."""
    if isinstance(value, dict):
        return (prefix + 'dict(', [_node(v, '%s=' % k) for k, v in value.items()], ')')
    if isinstance(value, list):
        return (prefix + '[', [_node(v) for v in value], ']')
    if isinstance(value, tuple):
        return (prefix + '(', [_node(v) for v in value], ',)' if len(value) == 1 else ')')
    if isinstance(value, Name):
        return prefix + value
    if callable(value):
        return prefix + value.__name__  # e.g. env_fallback: the logic file imports it
    return prefix + repr(value)


def _flat(node):
    if isinstance(node, str):
        return node
    opening, children, closing = node
    return opening + ', '.join(_flat(child) for child in children) + closing


def _lay(node, col, suffix):
    """Source lines for a node starting at column col (the first line is indented to col) and ending with suffix:
    one line when it fits WIDTH, else its children filled after the opening, continuation lines aligned to it."""
    text = _flat(node)
    if isinstance(node, str) or col + len(text) + len(suffix) <= WIDTH:
        return [' ' * col + text + suffix]
    opening, children, closing = node
    hang, lines, joinable = col + len(opening), [' ' * col + opening], False
    for index, child in enumerate(children):
        end = ',' if index < len(children) - 1 else closing + suffix
        piece = _flat(child) + end
        if index == 0:
            sub = _lay(child, len(lines[-1]), end)
            lines[-1] += sub[0][len(lines[-1]):]
        elif joinable and len(lines[-1]) + 1 + len(piece) <= WIDTH:
            lines[-1] += ' ' + piece
            continue
        else:
            sub = _lay(child, hang, end)
        lines += sub[1:] if index == 0 else sub
        joinable = len(sub) == 1
    return lines


class Name(str):
    """A name rendered as it is (the variable of another generated block)."""


def _option_lines(name, option, indent, refs, path):
    """One option: on one line (wrapped past WIDTH); with suboptions, one suboption a line below its head (or the
    name of the block generated for them, refs: {option path: variable})."""
    args = dict((k, v) for k, v in option.items() if k != 'options')
    if path in refs:
        args['options'] = Name(refs[path])
    if 'options' not in args and 'options' in option:
        head = _lay(_node(args, '%s=' % name), indent, '')
        head[-1] = head[-1][:-1] + (', ' if args else '') + 'options=dict('
        return head + _options_lines(option['options'], indent + 4, refs, path + '.') + [' ' * indent + ')),']
    return _lay(_node(args, '%s=' % name), indent, ',')


def _options_lines(spec, indent, refs=None, path=''):
    lines = []
    for name, option in spec.items():
        lines += _option_lines(name, option, indent, refs or {}, path + name)
    return lines


def render(variable, spec, indent, marker, refs=None):
    """`variable = dict(...)` with its two marker comments as source lines at `indent`, one option a line."""
    return ([' ' * indent + '%s = dict(  %s' % (variable, marker)] + _options_lines(spec, indent + 4, refs) +
            [' ' * indent + ')  ' + END])


def render_code(variable, code, indent):
    """A code declaration `variable = {'path': dict(...), ...}` as source lines (the entries filled to WIDTH)."""
    return _lay(('%s = {' % variable, [_node(value, '%r: ' % path) for path, value in code.items()], '}'), indent, '')


# -- the blocks in the logic files ---------------------------------------------------------------------------


def _collections_root():
    from tests.helpers import ensure_collection_link  # pylint: disable=import-outside-toplevel
    root = str(ensure_collection_link())
    if root not in sys.path:
        sys.path.insert(0, root)


def _import(dotted):
    _collections_root()
    return importlib.import_module('ansible_collections.maestro.platform.' + dotted)


def operation(module):
    """The class a module runs (it names it OPERATION)."""
    return _import('plugins.modules.%s' % module).OPERATION


def _enclosing_class(path, lineno):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.lineno <= lineno <= node.end_lineno:
            return node.name
    return None


def marker(source, subpath=None):
    if subpath:  # the suboptions of one option, e.g. PERMISSION_OPTIONS
        return '# generated from the %s of %s, do not edit' % (subpath, source)
    return '# generated from %s DOCUMENTATION, do not edit' % source


def blocks(root=ROOT):
    """Every generated block: dict(path, begin, end (line indexes of its first and last line), indent, variable,
    source, name, subpath (None, or the option whose suboptions it holds), kind ('module' or 'fragment'),
    enclosing (the class it is in, if any))."""
    found = []
    for path in sorted((root / UTILS).glob('*.py')):
        lines = path.read_text().split('\n')
        for index, line in enumerate(lines):
            match = BEGIN.match(line)
            if not match:
                continue
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == ')  ' + END), None)
            if end is None:
                raise GeneratorError('%s:%d: a generated block ends with `)  %s`'
                                     % (path.relative_to(root), index + 1, END))
            found.append(dict(path=path, begin=index, end=end, indent=len(match.group(1)), variable=match.group(2),
                              source=match.group(4), name=match.group(5), subpath=match.group(3),
                              kind='fragment' if 'doc_fragments' in match.group(4) else 'module',
                              enclosing=_enclosing_class(path, index + 1)))
    return found


def code_declaration(block):
    """The code-declared keys for a block: `option_code` of the module's OPERATION class, or
    `connection_option_code` of the service base class that holds the block."""
    if block['kind'] == 'module':
        return dict(vars(operation(block['name'])).get('option_code') or {})
    module = _import('%s.%s' % (UTILS.replace('/', '.'), block['path'].stem))
    return dict(vars(getattr(module, block['enclosing'])).get('connection_option_code') or {})


def expected_lines(block, every, root=ROOT):
    """The block's lines as generated (every: all the blocks, for the references to sub-path blocks)."""
    where = '%s (%s)' % (block['source'], block['path'].relative_to(root))
    spec = generated_spec(block['source'], code_declaration(block), where, root)
    refs = dict((other['subpath'], other['variable']) for other in every
                if other['source'] == block['source'] and other['subpath'])
    if block['subpath']:
        for name in block['subpath'].split('.'):
            if name not in spec or not spec[name].get('options'):
                raise GeneratorError('%s documents no suboptions of %s' % (where, block['subpath']))
            spec = spec[name]['options']
        prefix = block['subpath'] + '.'
        refs = dict((k[len(prefix):], v) for k, v in refs.items() if k.startswith(prefix))
    return render(block['variable'], spec, block['indent'], marker(block['source'], block['subpath']), refs)


def problems(root=ROOT):
    """Stale blocks, modules without a block, and generation errors (each a line)."""
    found, covered = [], set()
    try:
        every = blocks(root)
        for block in every:
            covered.add(block['source'])
            lines = block['path'].read_text().split('\n')
            if lines[block['begin']:block['end'] + 1] != expected_lines(block, every, root):
                found.append('%s:%d: the options generated from %s are stale: run .venv/bin/python -m '
                             'tests.module_options --write' % (block['path'].relative_to(root), block['begin'] + 1,
                                                               block['source']))
    except GeneratorError as exc:
        return found + [str(exc)]
    for module in sorted(root.glob('plugins/modules/*.py')):
        source = str(module.relative_to(root))
        if source not in covered:
            found.append('%s: no generated block holds its options' % source)
    return found


def write(root=ROOT):
    """Regenerate every block; the files rewritten."""
    changed, every = [], blocks(root)
    for path in sorted({block['path'] for block in every}):
        lines = path.read_text().split('\n')
        # bottom up, so earlier line indexes stay valid
        for block in sorted((b for b in every if b['path'] == path), key=lambda b: -b['begin']):
            lines[block['begin']:block['end'] + 1] = expected_lines(block, every, root)
        text = '\n'.join(lines)
        if text != path.read_text():
            path.write_text(text)
            changed.append(str(path.relative_to(root)))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--write', action='store_true', help='regenerate the blocks from the documentation')
    args = parser.parse_args(argv)
    if args.write:
        try:
            for path in write():
                print('rewrote %s' % path)
        except GeneratorError as exc:
            print(exc)
            return 1
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
