"""The one size parser (plugins/module_utils/_size.py) behind harbor_project storage_quota, minio_bucket quota
and nexus_blobstore soft_quota.limit: Kubernetes' suffixes (G = 10^9, Gi = 2^30), whole bytes, errors that
name the field."""

import pytest

from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure
from ansible_collections.maestro.platform.plugins.module_utils._size import parse_size

GI = 1024 ** 3


@pytest.mark.parametrize('value,expected', [
    (1, 1), (53687091200, 53687091200), ('53687091200', 53687091200), (' 42 ', 42), (5e9, 5 * 10 ** 9),
    ('50G', 50 * 10 ** 9), ('50GB', 50 * 10 ** 9), ('50g', 50 * 10 ** 9), ('50 G', 50 * 10 ** 9),
    ('50Gi', 50 * GI), ('50GiB', 50 * GI), ('50gib', 50 * GI),
    ('1k', 1000), ('1K', 1000), ('1Ki', 1024), ('500M', 500 * 10 ** 6), ('500Mi', 500 * 1024 ** 2),
    ('2T', 2 * 10 ** 12), ('2Ti', 2 * 1024 ** 4), ('1P', 10 ** 15), ('1Pi', 1024 ** 5), ('1E', 10 ** 18),
    ('1.5G', 1500000000), ('1.5Gi', 1610612736), ('0.5Ki', 512), ('.5k', 500), ('100B', 100), ('100b', 100),
    # decimals are exact: 1.1 * 10^9 is not 1100000000.0000002
    ('1.1G', 1100000000), ('4.3T', 4300000000000),
])
def test_sizes(value, expected):
    assert parse_size(value, 'quota') == expected


def test_g_is_decimal_and_gi_binary_as_in_kubernetes():
    assert parse_size('50G', 'storage_quota') == 50000000000
    assert parse_size('50Gi', 'storage_quota') == 53687091200


@pytest.mark.parametrize('value', ['50 gigs', 'G', 'Gi', '', '  ', 'ten', '1e9', '5 G B', '1.2.3G', '--1',
                                   '1.5', '0.0001k', '1.0001Ki', 1.5, True, False, None, [], {}, '50Gii', '50iG',
                                   '1X', '1Zi', '0x10'])
def test_rejects_what_is_not_a_whole_size(value):
    with pytest.raises(ModuleFailure) as info:
        parse_size(value, 'soft_quota.limit')
    message = info.value.msg
    assert message.startswith('soft_quota.limit: ')
    assert '50G = 50 * 10^9' in message and '50Gi = 50 * 2^30' in message


@pytest.mark.parametrize('value', [0, '0', '0G', -1, '-1', -2, '-2', '-5G', '-0.5Ki'])
def test_zero_and_negative_refused_unless_the_field_gives_them_a_meaning(value):
    with pytest.raises(ModuleFailure, match=r'^quota: .* must (be positive|not be negative)'):
        parse_size(value, 'quota')


def test_minus_one_means_unlimited_where_allowed():
    assert parse_size(-1, 'storage_quota', unlimited=True) == -1
    assert parse_size('-1', 'storage_quota', unlimited=True) == -1
    with pytest.raises(ModuleFailure, match=r'or -1 for no limit$'):
        parse_size(0, 'storage_quota', unlimited=True)
    with pytest.raises(ModuleFailure, match='must not be negative'):
        parse_size(-2, 'storage_quota', unlimited=True)


def test_zero_allowed_where_it_means_something():
    assert parse_size(0, 'quota', zero='removes the quota') == 0
    assert parse_size('0Gi', 'quota', zero='removes the quota') == 0
    with pytest.raises(ModuleFailure, match=r'or 0 \(removes the quota\)$'):
        parse_size(-1, 'quota', zero='removes the quota')
