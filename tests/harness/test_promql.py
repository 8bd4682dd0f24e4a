"""The PromQL metric-name extractor the monitoring cross-check uses (tests/integration/test_monitoring_rules.py).

metric_names(expr) returns the metric names an expression selects: string literals, label matchers, range
and subquery brackets, grouping clauses (by/without/on/ignoring/group_left/group_right), offsets, @
modifiers, Grafana variables, numbers, keywords and function/aggregation names are not metric names.
"""

import re

import pytest

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_GRAFANA_VAR = re.compile(r'\$\{[^}]*\}|\$\w+')
_MATCHERS = re.compile(r'\{[^{}]*\}')
_BRACKETS = re.compile(r'\[[^\[\]]*\]')
_GROUPING = re.compile(r'\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)')
_OFFSET = re.compile(r'\boffset\s+-?[0-9][0-9a-zA-Z]*')
_AT = re.compile(r'@\s*(?:start\s*\(\s*\)|end\s*\(\s*\)|[0-9.eE+-]+)')
_TOKEN = re.compile(r'0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[a-zA-Z_:][a-zA-Z0-9_:]*')
KEYWORDS = {'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool',
            'offset', 'inf', 'nan', 'atan2'}


def metric_names(expr):
    """The set of metric names selected by the PromQL expression ``expr``."""
    text = _STRING.sub('""', expr)
    text = _GRAFANA_VAR.sub(' ', text)
    names = set()
    # {__name__="..."} selects by name: read it before the matchers go.
    for matcher in re.finditer(r'__name__\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', expr):
        names.add(matcher.group(1) or matcher.group(2))
    text = _MATCHERS.sub(' ', text)
    while _BRACKETS.search(text):
        text = _BRACKETS.sub(' ', text)
    text = _GROUPING.sub(' ', text)
    text = _OFFSET.sub(' ', text)
    text = _AT.sub(' ', text)
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if not (token[0].isalpha() or token[0] in '_:'):
            continue  # a number
        if token.lower() in KEYWORDS:
            continue
        if re.match(r'\s*\(', text[match.end():]):
            continue  # a function or aggregation
        names.add(token)
    return names


@pytest.mark.parametrize('expr, names', [
    ('up', {'up'}),
    ('up{service=~"harbor|nexus"} == 0', {'up'}),
    ('harbor_project_quota_usage_byte / (harbor_project_quota_byte > 0) > 0.9',
     {'harbor_project_quota_usage_byte', 'harbor_project_quota_byte'}),
    ('sum by (instance) (rate(mlflow_http_request_total{status=~"5.."}[5m]))\n'
     '/ sum by (instance) (rate(mlflow_http_request_total[5m])) > 0.05', {'mlflow_http_request_total'}),
    ('histogram_quantile(0.95, sum by (le) (rate(mlflow_http_request_duration_seconds_bucket[5m])))',
     {'mlflow_http_request_duration_seconds_bucket'}),
    ('predict_linear(minio_cluster_capacity_usable_free_bytes[6h], 7 * 24 * 3600) < 0 and '
     'minio_cluster_capacity_usable_free_bytes / minio_cluster_capacity_usable_total_bytes < 0.5',
     {'minio_cluster_capacity_usable_free_bytes', 'minio_cluster_capacity_usable_total_bytes'}),
    ('predict_linear(max(minio_cluster_capacity_usable_free_bytes)[6h:5m], 7 * 24 * 3600)',
     {'minio_cluster_capacity_usable_free_bytes'}),
    ('sum(minio_bucket_usage_total_bytes{bucket="$artifact_bucket"})', {'minio_bucket_usage_total_bytes'}),
    ('rate(a_total[$__rate_interval]) offset 1h', {'a_total'}),
    ('x @ start() + y @ 1609746000 + z offset -5m', {'x', 'y', 'z'}),
    ('a * on (job) group_left (version) b_info', {'a', 'b_info'}),
    ('a unless ignoring (x, y) b or bool c', {'a', 'b', 'c'}),
    ('sum without (instance) (rate (c_total [1m] ))', {'c_total'}),
    ("count({__name__='single_quoted', job=\"x\"}) + {__name__=\"by_name\"}", {'single_quoted', 'by_name'}),
    ('1e3 + 0x1F * 2.5 + Inf - NaN', set()),
    ('topk(5, sum by (project_name) (increase(harbor_artifact_pulled[1h])))', {'harbor_artifact_pulled'}),
    ('label_replace(up, "dst", "$1", "src", "(.*)")', {'up'}),
    ('sum(rate(x{a="b}{[by (c)"}[5m]))', {'x'}),
    ('ns:metric:rate5m > 1', {'ns:metric:rate5m'}),
])
def test_metric_names(expr, names):
    assert metric_names(expr) == names
