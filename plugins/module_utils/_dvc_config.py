# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
#
# PRIVATE: the DVC family of maestro.platform. Not a public API; it may change at any time.
"""The subset of configobj (INI) that DVC's configuration files use, read and written the way DVC writes them
(4-space indentation, configobj quoting), keeping every line it does not manage as it is (see _dvc.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import stat
import tempfile

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

_NEEDS_QUOTES = re.compile(r'[#,"\']|^\s|\s$')
# configobj's own section and keyword patterns (configobj.py _sectionmarker / _keyword): a line that is
# neither, outside a multi-line value, makes DVC refuse the whole file
_SECTION_LINE = re.compile(r'''^\s*((?:\[\s*)+)((?:"\s*\S.*?\s*")|(?:'\s*\S.*?\s*')|(?:[^'"\s].*?))((?:\s*\])+)\s*(?:\#.*)?$''')
_KEYWORD_LINE = re.compile(r'''^\s*((?:".*?")|(?:'.*?')|(?:[^'"=].*?))\s*=\s*(.*)$''')


# -- configobj subset -----------------------------------------------------------------------------------
def _unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in ('"', "'"):
        return text[1:-1]
    return text


def _quote(value):
    if value == '' or _NEEDS_QUOTES.search(value):
        return "'%s'" % value if '"' in value else '"%s"' % value
    return value


def _section_header(name):
    return "['%s']" % name if '"' in name else '[%s]' % name


class ConfigFile:
    """One DVC config file: sections of key = value lines; lines it does not manage are kept as they are."""

    def __init__(self, path):
        self.path = path
        self.exists = os.path.exists(path)
        self.preamble = []
        self.sections = []  # [name, header line, [('kv', key, value) | ('raw', line)]]
        text = self._read() if self.exists else ''
        self.original = text
        current = None
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            section = _SECTION_LINE.match(line)
            if section and section.group(1).count('[') != section.group(3).count(']'):
                self._refuse(number, line, 'its brackets do not match')
            if section and section.group(1).count('[') == 1:  # deeper ([[sub]]) lines are kept as they are
                current = [_unquote(section.group(2).strip()), line, []]
                if self.section(current[0]) is not None:
                    self._refuse(number, line, 'section %s appears twice' % current[0])
                self.sections.append(current)
                continue
            entry = ('raw', line)
            if section is None and stripped and not stripped.startswith('#'):
                entry = self._key_value(number, line, current)
            if current is None:
                self.preamble.append(line)
            else:
                current[2].append(entry)

    def _read(self):
        try:
            with open(self.path) as handle:
                return handle.read()
        except (IOError, OSError) as exc:
            raise ModuleFailure('Cannot read %s: %s' % (self.path, exc))

    def _key_value(self, number, line, current):
        """The ('kv', key, value) entry of a key = value line (its comment dropped) of section current."""
        keyword = _KEYWORD_LINE.match(line)
        if keyword is None:
            self._refuse(number, line, 'it is neither a [section] nor a key = value line')
        key, value = _unquote(keyword.group(1).strip()), keyword.group(2).strip()
        if value[:1] in ('"', "'"):
            if value[:3] in ('"""', "'''") or value.find(value[0], 1) < 0:
                self._refuse(number, line, 'its quoted value is not closed on the same line')
            value = value[:value.find(value[0], 1) + 1]
        elif '#' in value:
            value = value.split('#', 1)[0].rstrip()
        if key in [e[1] for e in (current[2] if current else []) if e[0] == 'kv']:
            self._refuse(number, line, 'key %s appears twice in its section' % key)
        return ('kv', key, _unquote(value))

    def _refuse(self, number, line, reason):
        raise ModuleFailure('Cannot parse %s, line %d (%r): %s, so DVC cannot read this file either. Fix that line '
                            'by hand; nothing was written' % (self.path, number, line.strip(), reason))

    def section(self, name):
        for sec in self.sections:
            if sec[0] == name:
                return sec
        return None

    def get(self, name):
        sec = self.section(name)
        if sec is None:
            return None
        return dict((e[1], e[2]) for e in sec[2] if e[0] == 'kv')

    def set(self, name, key, value, first=False):
        sec = self.section(name)
        if sec is None:
            sec = [name, _section_header(name), []]
            if first:
                self.sections.insert(0, sec)
            else:
                self.sections.append(sec)
        for index, entry in enumerate(sec[2]):
            if entry[0] == 'kv' and entry[1] == key:
                sec[2][index] = ('kv', key, value)
                return
        position = len(sec[2])
        while position and sec[2][position - 1] == ('raw', ''):
            position -= 1  # keep blank lines that separate sections after the new key
        sec[2].insert(position, ('kv', key, value))

    def unset(self, name, key):
        sec = self.section(name)
        if sec is not None:
            sec[2] = [e for e in sec[2] if not (e[0] == 'kv' and e[1] == key)]
            if not any(e[0] == 'kv' for e in sec[2]) and all(e == ('raw', '') for e in sec[2]):
                self.sections.remove(sec)

    def drop(self, name):
        self.sections = [s for s in self.sections if s[0] != name]

    def render(self):
        lines = list(self.preamble)
        for name, header, entries in self.sections:
            lines.append(header)
            for entry in entries:
                lines.append('    %s = %s' % (entry[1], _quote(entry[2])) if entry[0] == 'kv' else entry[1])
        return '\n'.join(lines) + '\n' if lines else ''

    def save(self, private=False):
        text = self.render()
        if self.exists and text == self.original and not private:
            return
        directory = os.path.dirname(self.path) or '.'
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o700 if private else 0o755)
            mode = 0o600 if private else (stat.S_IMODE(os.stat(self.path).st_mode) if self.exists else 0o644)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(self.path))
            try:
                os.fchmod(fd, mode)
                with os.fdopen(fd, 'w') as handle:
                    handle.write(text)
                os.rename(tmp, self.path)
            except Exception:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        except (IOError, OSError) as exc:
            raise ModuleFailure('Cannot write %s: %s' % (self.path, exc))
        self.exists, self.original = True, text
