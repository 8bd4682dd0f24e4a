"""The role <-> module interface, generated and checked.

A role list variable that feeds a module (a task ``maestro.platform.M`` with ``loop: "{{ var }}"``) declares the
module's own options as the suboptions of its elements in the role's meta/argument_specs.yml, so a typo in an
inventory item (``prevent_vulnerabel: true``) fails role argument validation instead of being silently ignored;
and the task passes every one of them, so every documented option works from inventory.

    .venv/bin/python -m tests.role_interface            # report drift (exit 1 when any)
    .venv/bin/python -m tests.role_interface --write    # regenerate the suboptions from the modules

The suboptions mirror the module's argument spec (type, elements, choices, no_log, nested options, required) with
the first line of each option's description from the module's DOCUMENTATION. A role may be stricter than the
module (``required: true`` where the module has a default; fewer ``choices``); nothing else is hand-written. An item field may carry
another name than the option it feeds (``user_password: "{{ item.password | default(omit) }}"``): the suboption
takes the field's name and the option's spec. A task feeds a module from its items only when every option that
reads the item is such a pass-through (``{{ item.F }}``, optionally ``| default(...)``); a task that builds
option values from its own fields (``name: "{{ item.team }}-experiments"``) is the role's own interface.
tests/harness/test_role_interface.py fails when a role and its module drift apart, and when a task ignores a
suboption its variable documents. A variable fed whole into one option (``realms: "{{ nexus_realms }}"``) must
declare the option's type, elements and no_log (whole_problems).
"""

import argparse
import ast
import importlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOOP = re.compile(r'^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}$')
PASS_THROUGH = r'^\{\{\s*%s\.([a-z][a-z0-9_]*)\s*(?:\|\s*default\([^()]*\)\s*)?\}\}$'
SOURCE = re.compile(PASS_THROUGH % '([a-z][a-z0-9_]*)')
SPEC_KEYS = ('type', 'elements', 'choices', 'no_log', 'required')


def _walk(tasks):
    for task in tasks or []:
        if isinstance(task, dict):
            yield task
            for key in ('block', 'rescue', 'always'):
                yield from _walk(task.get(key))


def feeds(root=ROOT):
    """(role, variable, module, task arguments, tasks file, source) for every module task fed by a role variable:
    looping over a list variable (source ``item``) or taking a dict variable's fields (source: the variable)."""
    found = []
    for tasks_file in sorted(root.glob('roles/*/tasks/*.yml')):
        role = tasks_file.parts[-3]
        for task in _walk(yaml.safe_load(tasks_file.read_text()) or []):
            action = next((key for key in task if key.startswith('maestro.platform.')), None)
            if not action or action.endswith('_info'):
                continue
            args = task[action] or {}
            variable, source = _fed_by(task, args)
            if not variable or not variable.startswith(role + '_'):
                continue
            if item_fields(args, source) is None:
                continue  # the role maps its own item fields onto the module (e.g. minio_service_users)
            found.append((role, variable, action.rsplit('.', 1)[1], args, tasks_file, source))
    return found


WHOLE = re.compile(r'^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}$')
SCALAR_KEYS = ('type', 'elements', 'no_log')


def whole_feeds(root=ROOT):
    """(role, variable, module, option, tasks file) for every module option a role variable feeds whole
    (``realms: "{{ nexus_realms }}"``), connection options aside (they come from each service's own settings)."""
    found = []
    for tasks_file in sorted(root.glob('roles/*/tasks/*.yml')):
        role = tasks_file.parts[-3]
        for task in _walk(yaml.safe_load(tasks_file.read_text()) or []):
            action = next((key for key in task if key.startswith('maestro.platform.')), None)
            if not action:
                continue
            module = action.rsplit('.', 1)[1]
            connection = set(operation(module).connection_options)
            for option, value in (task[action] or {}).items():
                match = WHOLE.match(value.strip()) if isinstance(value, str) else None
                if match and match.group(1).startswith(role + '_') and option not in connection:
                    found.append((role, match.group(1), module, option, tasks_file))
    return found


def whole_problems(root=ROOT):
    """A variable fed whole into an option declares the option's type, elements and no_log (a role may narrow the
    choices), and nested options the module has are declared too."""
    out = []
    for role, variable, module, option, tasks_file in whole_feeds(root):
        where = '%s (%s, %s.%s)' % (variable, tasks_file.relative_to(root), module, option)
        spec = module_options(module).get(option)
        if spec is None:
            out.append('%s: the module has no option %s' % (where, option))
            continue
        declared = _argument_specs(role, root)[1]['argument_specs']['main']['options'].get(variable)
        if declared is None:
            out.append('%s: not declared in argument_specs' % where)
            continue
        for key in SCALAR_KEYS:
            want, have = spec.get(key, 'str' if key == 'type' else None), declared.get(key)
            if key == 'no_log':
                want, have = bool(want), bool(have)
            if want != have:
                out.append('%s: argument_specs says %s %s, the module %s' % (where, key, have, want))
        if spec.get('choices') and not set(declared.get('choices') or spec['choices']) <= set(spec['choices']):
            out.append('%s: argument_specs choices %s are not among the module\'s %s' % (
                where, declared.get('choices'), spec['choices']))
        if spec.get('options') and not declared.get('options'):
            out.append('%s: the module option has suboptions, argument_specs declares none' % where)
    return out


def _fed_by(task, args):
    """(variable, source): the loop's list variable and ``item``, or the one dict variable whose fields the
    options take (``config: "{{ harbor_configuration.config | default(omit) }}"``)."""
    match = LOOP.match(str(task.get('loop') or '').strip())
    if match:
        return match.group(1), 'item'
    if task.get('loop') or task.get('with_items'):
        return None, None
    sources = set(SOURCE.match(value.strip()).group(1) for value in args.values()
                  if isinstance(value, str) and SOURCE.match(value.strip()))
    return (sources.pop(),) * 2 if len(sources) == 1 else (None, None)


def item_fields(args, source='item'):
    """{option: field} for the options a task takes from its loop item (or dict variable), or None when an
    option's value is built from its fields rather than passed through (the role then has an interface of its own)."""
    fields, pattern = {}, re.compile(PASS_THROUGH % re.escape(source))
    for name, value in args.items():
        if source not in re.findall(r'\b[a-z0-9_]+\b', str(value)):
            continue  # a constant or the role's own variable (e.g. a connection option)
        match = pattern.match(value.strip()) if isinstance(value, str) else None
        if not match:
            return None
        fields[name] = match.group(1)
    return fields


def operation(module):
    """The module's Operation class (the module names it OPERATION)."""
    if str(_collections_root()) not in sys.path:
        sys.path.insert(0, str(_collections_root()))
    return importlib.import_module('ansible_collections.maestro.platform.plugins.modules.%s' % module).OPERATION


def module_options(module):
    """The module's own options (connection options come from module_defaults or the task), as its argument spec."""
    return operation(module).module_options


def _collections_root():
    from tests.helpers import ensure_collection_link  # pylint: disable=import-outside-toplevel
    return ensure_collection_link()


def module_docs(module):
    tree = ast.parse((ROOT / 'plugins' / 'modules' / ('%s.py' % module)).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
            return (yaml.safe_load(ast.literal_eval(node.value)) or {}).get('options') or {}
    return {}


def _first_line(doc):
    """The option's first description line; references to the module's own options and return values become
    code (in the role's documentation O(...) would name a role option)."""
    description = doc.get('description') if doc else None
    if isinstance(description, list):
        description = description[0] if description else None
    description = re.sub(r'\b(?:O|RV)\(([^()#]*)\)', r'C(\1)', description or '')
    return description or 'See the module documentation.'


def suboptions(spec, docs, module):
    """argument_specs suboptions mirroring a module argument spec."""
    out = {}
    for name in sorted(spec):
        option, doc = spec[name], (docs or {}).get(name) or {}
        entry = {'description': [_first_line(doc)]}
        entry['type'] = option.get('type', 'str')
        for key in SPEC_KEYS[1:]:
            if option.get(key):
                entry[key] = list(option[key]) if key == 'choices' else option[key]
        if option.get('options'):
            entry['options'] = suboptions(option['options'], doc.get('suboptions') or {}, module)
        out[name] = entry
    return out


def _argument_specs(role, root=ROOT):
    path = root / 'roles' / role / 'meta' / 'argument_specs.yml'
    return path, yaml.safe_load(path.read_text())


def expected_options(module, current=None, args=None, source='item'):
    """The generated suboptions, named after the item fields that feed them (`args`: the task's arguments): every
    module option except those the task sets itself; a role's own `required: true` or narrower `choices` on a
    top-level suboption are kept."""
    spec, docs = module_options(module), module_docs(module)
    fields = item_fields(args, source) if args is not None else None
    if fields is not None:
        own = set(args) - set(fields)  # options the role sets itself (constants, its own variables)
        names = dict((fields.get(option, option), option) for option in spec if option not in own)
        spec = dict((field, spec[option]) for field, option in names.items())
        docs = dict((field, _renamed_references(docs.get(option), fields)) for field, option in names.items())
    generated = suboptions(spec, docs, module)
    for name, entry in generated.items():
        own = (current or {}).get(name) or {}
        if own.get('required') and not entry.get('required'):
            entry['required'] = True
        if own.get('choices') and entry.get('choices') and set(own['choices']) < set(entry['choices']):
            entry['choices'] = list(own['choices'])  # the role refuses, before anything runs, what the module would
    return generated


def _renamed_references(doc, fields):
    """The option's documentation with O(option) references to renamed options naming the item field instead."""
    if not doc or not any(option != field for option, field in fields.items()):
        return doc
    description = doc.get('description')
    lines = description if isinstance(description, list) else [description or '']

    def rename(match):
        return 'O(%s)' % fields.get(match.group(1), match.group(1))
    return dict(doc, description=[re.sub(r'\bO\(([a-z0-9_]+)\)', rename, line) for line in lines])


def _strip_descriptions(options):
    return {name: dict((k, _strip_descriptions(v) if k == 'options' else v) for k, v in entry.items()
                       if k != 'description') for name, entry in (options or {}).items()}


def problems(root=ROOT):
    """Every drift between a role variable, its argument spec and its module, as readable lines."""
    out = []
    for role, variable, module, args, tasks_file, source in feeds(root):
        where = '%s (%s, %s)' % (variable, tasks_file.relative_to(root), module)
        options = module_options(module)
        missing = sorted(set(options) - set(args))
        if missing:
            out.append('%s: the task does not pass %s' % (where, ', '.join(missing)))
        unknown = sorted(set(args) - set(options) - set(operation(module).connection_options))
        if unknown:
            out.append('%s: the task passes options the module does not have: %s' % (where, ', '.join(unknown)))
        _path, specs = _argument_specs(role, root)
        declared = specs['argument_specs']['main']['options'].get(variable)
        if declared is None:
            out.append('%s: not declared in argument_specs' % where)
            continue
        current = declared.get('options')
        ignored = sorted(set(current or {}) - set(item_fields(args, source).values()))
        if ignored:
            out.append('%s: the task ignores %s, documented in the argument_specs suboptions; pass each as '
                       '`option: "{{ %s.<field> | default(omit) }}"`' % (where, ', '.join(ignored), source))
        wanted = expected_options(module, current, args, source)
        if _strip_descriptions(current) != _strip_descriptions(wanted):
            out.append('%s: argument_specs suboptions differ from the module options; run '
                       '`.venv/bin/python -m tests.role_interface --write`' % where)
        elif current != wanted:
            out.append('%s: argument_specs descriptions differ from the module documentation; run '
                       '`.venv/bin/python -m tests.role_interface --write`' % where)
    return out


def _scalar(value):
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().replace('\n...', '')


def _render(options, indent):
    """argument_specs YAML text for generated suboptions, in the files' own layout."""
    pad, lines = ' ' * indent, []
    for name, entry in options.items():
        lines.append('%s%s:' % (pad, name))
        description = yaml.safe_dump(entry['description'], width=100, default_flow_style=False).rstrip('\n')
        lines.append('%s  description:' % pad)
        lines.extend('%s    %s' % (pad, line) for line in description.splitlines())
        for key in SPEC_KEYS:
            if key == 'choices' and entry.get(key):
                lines.append('%s  choices:' % pad)
                lines.extend('%s    - %s' % (pad, _scalar(choice)) for choice in entry[key])
            elif key in entry:
                lines.append('%s  %s: %s' % (pad, key, _scalar(entry[key])))
        if entry.get('options'):
            lines.append('%s  options:' % pad)
            lines.extend(_render(entry['options'], indent + 4))
    return lines


def _indent(line):
    return len(line) - len(line.lstrip(' ')) if line.strip() else None


def _block_end(lines, start, indent):
    """Index after the block that starts at lines[start] (a key at `indent`)."""
    end = start + 1
    while end < len(lines) and (_indent(lines[end]) is None or _indent(lines[end]) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def write(root=ROOT):
    """Regenerate the suboptions in place, as text: everything else in the file is left byte for byte."""
    changed = set()
    for role, variable, module, args, _tasks_file, source in feeds(root):
        path, specs = _argument_specs(role, root)
        declared = specs['argument_specs']['main']['options'].get(variable)
        if declared is None:
            continue
        wanted = expected_options(module, declared.get('options'), args, source)
        elements = ['        elements: dict'] if declared.get('type') == 'list' else []
        if declared.get('options') == wanted and declared.get('elements') == ('dict' if elements else None):
            continue
        lines = path.read_text().splitlines()
        start = lines.index('      %s:' % variable)
        end = _block_end(lines, start, 6)
        block = [line for line in _strip_key(lines[start:end], 'options', 8) if line.strip() != 'elements: dict']
        block += elements + ['        options:'] + _render(wanted, 10)
        lines[start:end] = block
        path.write_text('\n'.join(lines) + '\n')
        changed.add(str(path.relative_to(root)))
    return sorted(changed)


def _strip_key(block, key, indent):
    for index, line in enumerate(block):
        if line == '%s%s:' % (' ' * indent, key):
            return block[:index] + block[_block_end(block, index, indent):]
    return block


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--write', action='store_true', help='regenerate the suboptions from the modules')
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print('rewrote %s' % path)
    found = problems() + whole_problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
