"""The Nexus emulator's pypi format endpoints (tests/emulators/nexus_pypi.py): the upload semantics read from
nexus-public's pypi plugin (write policies, PEP 503 names, the md5 check), the simple index, and the paged
GET /v1/assets that nexus_pypi_migrate decides on."""

import io
import zipfile

import pytest

from ansible_collections.maestro.platform.plugins.module_utils import _nexus_pypi_migrate as NP
from ansible_collections.maestro.platform.plugins.module_utils import _pypi_index as PI
from ansible_collections.maestro.platform.plugins.module_utils._http import ApiError, HttpClient
from tests.harness.test_emulator_nexus import hosted


def wheel(name, version):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as archive:
        archive.writestr('%s-%s.dist-info/METADATA' % (name.replace('-', '_'), version),
                         'Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Python: >=3.8\n' % (name, version))
    return '%s-%s-py3-none-any.whl' % (name.replace('-', '_').replace('.', '_'), version), out.getvalue()


@pytest.fixture
def nexus(nexus_emulator):
    api = HttpClient(nexus_emulator.url, username='admin', password=nexus_emulator.admin_password, max_attempts=1)
    root = HttpClient(nexus_emulator.base_url, username='admin', password=nexus_emulator.admin_password,
                      max_attempts=1)
    yield nexus_emulator, api, root
    api.close()
    root.close()


def upload(root, repository, project, release, **overrides):
    filename, data = wheel(project, release)
    fields = [(k, overrides.get(k, v)) for k, v in PI.upload_fields(filename, data)]
    body, content_type = PI.multipart(fields, filename, data)
    root.request('POST', '/repository/%s/' % repository, data=body, content_type=content_type)
    return filename


@pytest.mark.parametrize('policy,second', [('ALLOW_ONCE', 'Repository does not allow updating assets: r'),
                                           ('ALLOW', None), ('DENY', 'Repository is read only.')])
def test_write_policies(nexus, policy, second):
    emulator, api, root = nexus
    api.post('/v1/repositories/pypi/hosted', hosted('r', policy))
    if policy == 'DENY':
        with pytest.raises(ApiError) as refused:
            upload(root, 'r', 'demo', '1.0')
        assert refused.value.status == 400 and second in refused.value.message
        return
    upload(root, 'r', 'demo', '1.0')
    if second is None:
        upload(root, 'r', 'demo', '1.0')  # ALLOW replaces the file
    else:
        with pytest.raises(ApiError) as refused:
            upload(root, 'r', 'demo', '1.0')  # even with identical content (the de-duplication still checks)
        assert refused.value.status == 400 and second in refused.value.message
    assert list(emulator.pypi_assets('r')) == ['packages/demo/1.0/demo-1.0-py3-none-any.whl']


def test_md5_mismatch_and_missing_version_are_refused(nexus):
    emulator, api, root = nexus
    api.post('/v1/repositories/pypi/hosted', hosted('r'))
    with pytest.raises(ApiError) as refused:
        upload(root, 'r', 'demo', '1.0', md5_digest='0' * 32)
    assert 'Digests do not match' in refused.value.message
    with pytest.raises(ApiError):
        upload(root, 'r', 'demo', '1.0', version='')
    assert emulator.pypi_assets('r') == {}


def test_index_normalises_names_and_links_files_with_md5(nexus):
    emulator, api, root = nexus
    api.post('/v1/repositories/pypi/hosted', hosted('r'))
    upload(root, 'r', 'Team_Utils.core', '2.0')
    index = root.request('GET', '/repository/r/simple/', headers={'Accept': 'text/html'}, binary=True).body.decode()
    assert PI.page_links(index) == [('Team_Utils.core/', 'Team_Utils.core')]
    for spelling in ('team-utils-core', 'Team_Utils.core', 'team.utils_core'):
        page = root.request('GET', '/repository/r/simple/%s/' % spelling, binary=True).body.decode()
        (href, label), = PI.page_links(page)
        assert href.startswith('../../packages/team-utils-core/2.0/') and '#md5=' in href
        assert 'data-requires-python="&gt;=3.8"' in page
    with pytest.raises(ApiError) as missing:
        root.request('GET', '/repository/r/simple/nothing-here/', binary=True)
    assert missing.value.status == 404


def test_assets_are_listed_in_pages_and_the_module_reads_every_page(nexus):
    emulator, api, root = nexus
    api.post('/v1/repositories/pypi/hosted', hosted('r'))
    names = sorted(upload(root, 'r', 'demo', '1.%d' % i) for i in range(12))
    first = api.get('/v1/assets', query={'repository': 'r'})
    assert len(first['items']) == 10 and first['continuationToken']
    assert first['items'][0]['checksum']['sha256'] and first['items'][0]['path'].startswith('packages/demo/')
    operation = NP.PypiMigrate({'repository': 'r'}, api)
    assert sorted(operation.destination_files()) == names
    assert emulator.count('GET', '^/v1/assets$') == 3


def test_content_needs_credentials_unless_anonymous_access(nexus):
    emulator, api, root = nexus
    api.post('/v1/repositories/pypi/hosted', hosted('r'))
    anonymous = HttpClient(emulator.base_url, max_attempts=1)
    with pytest.raises(ApiError) as refused:
        anonymous.request('GET', '/repository/r/simple/', binary=True)
    assert refused.value.status == 401
    emulator.anonymous['enabled'] = True
    assert anonymous.request('GET', '/repository/r/simple/', binary=True).status == 200
    with pytest.raises(ApiError) as forbidden:  # nx-anonymous may read, not add
        upload(anonymous, 'r', 'demo', '1.0')
    assert forbidden.value.status == 403
    anonymous.close()
