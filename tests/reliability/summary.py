"""The reliability suite's figures, collected while the tests run and written as one Markdown table at the
end of the session (tests/reliability/conftest.py: pytest_sessionfinish -> build/reliability-summary.md)."""

import collections
import threading

_LOCK = threading.Lock()

# fault matrix: one record per case
FAULT_CASES = []            # dicts: family, module, scenario, kind, position, outcome, detail
BAD_INPUTS = []             # dicts: case, field, rejected (bool), requests (int), message
SECRETS = collections.OrderedDict()   # playbook -> dict(bytes_scanned, occurrences, files, bad_modes)
CONCURRENCY = []            # dicts: resource, runs_ok, state_ok, detail
TLS = []                    # dicts: check, ok, detail
NOTES = {}                  # fault kind -> the known root cause of its "other" cases
SAFE_DEFAULTS = []          # dicts: check, ok, detail


def record(target, **values):
    with _LOCK:
        target.append(values)


def record_secrets(playbook, **values):
    with _LOCK:
        SECRETS[playbook] = values


def anything():
    return any((FAULT_CASES, BAD_INPUTS, SECRETS, CONCURRENCY, TLS, SAFE_DEFAULTS))


def _ok(flag):
    return 'yes' if flag else '**NO**'


def render():
    lines = ['# Reliability and security suite: summary', '',
             'Written by tests/reliability/conftest.py at the end of a pytest session (figures of that run only).',
             '']
    if FAULT_CASES:
        outcomes = collections.Counter(c['outcome'] for c in FAULT_CASES)
        lines += ['## Faults (500, 502, 503, 429 with Retry-After, dropped connection, slow response, malformed '
                  'JSON; at the first request and in the middle of a change)', '',
                  '| family | modules | cases | recovered | failed cleanly | other |', '|---|---|---|---|---|---|']
        by_family = collections.OrderedDict()
        for case in FAULT_CASES:
            by_family.setdefault(case['family'], []).append(case)
        for family, cases in by_family.items():
            count = collections.Counter(c['outcome'] for c in cases)
            lines.append('| %s | %d | %d | %d | %d | %d |' % (
                family, len(set(c['module'].split(' ')[0] for c in cases)), len(cases), count['recovered'],
                count['failed cleanly'], count['other']))
        lines.append('| **all** | %d | %d | %d | %d | %d |' % (
            len(set(c['module'].split(' ')[0] for c in FAULT_CASES)), len(FAULT_CASES), outcomes['recovered'],
            outcomes['failed cleanly'], outcomes['other']))
        lines.append('')
        others = [c for c in FAULT_CASES if c['outcome'] == 'other']
        if others:
            lines += ['Cases classified "other" (a bug to fix):', '']
            for kind, note in sorted(NOTES.items()):
                count = sum(1 for c in others if c['kind'] == kind)
                if count:
                    lines += ['%d of them (fault %s) have one root cause: %s' % (count, kind, note), '']
            for case in others:
                lines.append('- %s / %s / %s at %s: %s' % (case['module'], case['scenario'], case['kind'],
                                                            case['position'], case['detail'][:160]))
            lines.append('')
    if BAD_INPUTS:
        rejected = [b for b in BAD_INPUTS if b['rejected']]
        lines += ['## Bad input', '', '| inputs | rejected before any request, naming the field | other |',
                  '|---|---|---|', '| %d | %d | %d |' % (len(BAD_INPUTS), len(rejected),
                                                       len(BAD_INPUTS) - len(rejected)), '']
        for bad in BAD_INPUTS:
            if not bad['rejected']:
                lines.append('- NOT rejected cleanly: %s (%s): %s' % (bad['case'], bad['field'], bad['message'][:200]))
    if SECRETS:
        lines += ['## Secrets (playbooks run with -vvv and --diff)', '',
                  '| playbook | bytes scanned | files checked | secret occurrences | files with secrets not 0600 |',
                  '|---|---|---|---|---|']
        for name, s in SECRETS.items():
            lines.append('| %s | %d | %d | %d | %d |' % (name, s['bytes_scanned'], s['files'], s['occurrences'],
                                                       s['bad_modes']))
        lines.append('| **all** | %d | %d | %d | %d |' % tuple(
            sum(s[k] for s in SECRETS.values()) for k in ('bytes_scanned', 'files', 'occurrences', 'bad_modes')))
        lines.append('')
    for title, items in (('Concurrency (two ansible-playbook runs at once)', CONCURRENCY),
                         ('TLS', TLS), ('Safe defaults', SAFE_DEFAULTS)):
        if items:
            lines += ['## ' + title, '', '| check | passed | detail |', '|---|---|---|']
            for item in items:
                lines.append('| %s | %s | %s |' % (item['check'], _ok(item['ok']),
                                                  str(item.get('detail', '')).replace('|', '/')[:200]))
            lines.append('')
    return '\n'.join(lines) + '\n'
