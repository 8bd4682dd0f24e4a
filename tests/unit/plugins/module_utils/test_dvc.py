"""Unit tests of plugins/module_utils/_dvc.py and _dvc_config.py: DVC's configobj files read and written the
way DVC writes them (byte-identical to `dvc remote add -d` + `dvc remote modify [--local]` output, captured from DVC 3.67),
other content kept, credentials only where git does not look."""

import os
import stat

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.maestro.platform.plugins.module_utils._dvc import DvcRemote
from ansible_collections.maestro.platform.plugins.module_utils._dvc_config import ConfigFile
from ansible_collections.maestro.platform.plugins.module_utils._resource import ModuleFailure

# `dvc remote add -d storage s3://dvc-storage/p && dvc remote modify storage endpointurl ... ssl_verify false`
DVC_CONFIG = ("[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://dvc-storage/p\n"
              "    endpointurl = http://127.0.0.1:9\n    ssl_verify = false\n")
# `dvc remote modify --local storage access_key_id AK` and `... secret_access_key SECRETXX`
DVC_LOCAL = "['remote \"storage\"']\n    access_key_id = AK\n    secret_access_key = SECRETXX\n"


def run(check=False, **args):
    validated = ArgumentSpecValidator(DvcRemote.argument_spec(), **DvcRemote.module_kwargs).validate(args)
    assert not validated.error_messages, validated.error_messages
    return DvcRemote(validated.validated_parameters, None, check, True).execute()


@pytest.fixture
def repo(tmp_path):
    (tmp_path / '.dvc').mkdir()
    (tmp_path / '.dvc' / 'config').write_text('')
    (tmp_path / '.dvc' / '.gitignore').write_text('/config.local\n/tmp\n/cache\n')
    return tmp_path


def test_files_written_exactly_as_dvc_writes_them(repo):
    result = run(repo=str(repo), name='storage', url='s3://dvc-storage/p', endpoint_url='http://127.0.0.1:9',
                 ssl_verify=False, default=True, access_key_id='AK', secret_access_key='SECRETXX')
    assert result['changed']
    assert (repo / '.dvc' / 'config').read_text() == DVC_CONFIG
    assert (repo / '.dvc' / 'config.local').read_text() == DVC_LOCAL
    assert stat.S_IMODE(os.stat(repo / '.dvc' / 'config.local').st_mode) == 0o600
    assert result['remote']['credentials'] == {'access_key_id': 'AK', 'secret_access_key': '********'}
    assert 'SECRETXX' not in repr(result)


def test_dvc_written_files_read_back_unchanged(repo):
    (repo / '.dvc' / 'config').write_text(DVC_CONFIG)
    (repo / '.dvc' / 'config.local').write_text(DVC_LOCAL)
    result = run(repo=str(repo), name='storage', url='s3://dvc-storage/p', endpoint_url='http://127.0.0.1:9',
                 ssl_verify='false', default=True, access_key_id='AK', secret_access_key='SECRETXX')
    assert not result['changed']
    assert result['remote']['settings'] == {'url': 's3://dvc-storage/p', 'endpointurl': 'http://127.0.0.1:9',
                                            'ssl_verify': 'false'}


def test_other_content_is_kept_and_values_are_quoted_like_configobj(tmp_path):
    path = tmp_path / 'config'
    path.write_text("# managed by hand\n[core]\n    autostage = true  # inline\n[cache]\n    type = \"reflink,copy\"\n")
    config = ConfigFile(str(path))
    assert config.get('core') == {'autostage': 'true'}
    assert config.get('cache') == {'type': 'reflink,copy'}
    config.set('remote "x"', 'url', 's3://b/with#hash')
    config.set('remote "x"', 'profile', '')
    config.save()
    text = path.read_text()
    assert text.startswith('# managed by hand\n[core]\n')
    assert "['remote \"x\"']\n    url = \"s3://b/with#hash\"\n    profile = \"\"\n" in text
    assert ConfigFile(str(path)).get('remote "x"') == {'url': 's3://b/with#hash', 'profile': ''}


def test_check_mode_writes_nothing(repo):
    result = run(check=True, repo=str(repo), name='storage', url='s3://b/p', access_key_id='AK',
                 secret_access_key='SECRETXX')
    assert result['changed'] and result['remote']['settings']['url'] == 's3://b/p'
    assert (repo / '.dvc' / 'config').read_text() == ''
    assert not (repo / '.dvc' / 'config.local').exists()


def test_credentials_found_in_the_committed_file_are_moved_out(repo):
    (repo / '.dvc' / 'config').write_text("['remote \"storage\"']\n    url = s3://b\n    access_key_id = OLD\n"
                                          "    secret_access_key = LEAKED\n")
    result = run(repo=str(repo), name='storage', access_key_id='AK', secret_access_key='NEW-SECRET')
    assert result['changed']
    assert result['diff']['before']['committed_credentials'] == ['access_key_id', 'secret_access_key']
    assert (repo / '.dvc' / 'config').read_text() == "['remote \"storage\"']\n    url = s3://b\n"
    assert 'NEW-SECRET' in (repo / '.dvc' / 'config.local').read_text()
    assert not run(repo=str(repo), name='storage', access_key_id='AK', secret_access_key='NEW-SECRET')['changed']


def test_local_config_is_git_ignored_even_without_dvc_init_rule(repo):
    (repo / '.dvc' / '.gitignore').write_text('/tmp\n')
    run(repo=str(repo), name='storage', url='s3://b', access_key_id='AK', secret_access_key='SECRETXX')
    assert (repo / '.dvc' / '.gitignore').read_text() == '/tmp\n/config.local\n'


def test_absent_removes_section_default_and_credentials(repo):
    (repo / '.dvc' / 'config').write_text(DVC_CONFIG + "['remote \"other\"']\n    url = s3://o\n")
    (repo / '.dvc' / 'config.local').write_text(DVC_LOCAL)
    assert run(repo=str(repo), name='storage', state='absent')['changed']
    assert (repo / '.dvc' / 'config').read_text() == "['remote \"other\"']\n    url = s3://o\n"
    assert (repo / '.dvc' / 'config.local').read_text() == ''
    assert not run(repo=str(repo), name='storage', state='absent')['changed']


def test_user_and_system_levels(tmp_path):
    user_dir = tmp_path / 'user'
    run(level='user', config_dir=str(user_dir), name='storage', url='s3://b', access_key_id='AK',
        secret_access_key='SECRETXX')
    assert stat.S_IMODE(os.stat(user_dir / 'config').st_mode) == 0o600
    assert 'secret_access_key = SECRETXX' in (user_dir / 'config').read_text()
    with pytest.raises(ModuleFailure, match='system-level'):
        run(level='system', config_dir=str(tmp_path / 'system'), name='storage', url='s3://b',
            access_key_id='AK', secret_access_key='SECRETXX')
    run(level='system', config_dir=str(tmp_path / 'system'), name='storage', url='s3://b', region='eu-west-1')
    assert (tmp_path / 'system' / 'config').read_text() == "['remote \"storage\"']\n    url = s3://b\n    region = eu-west-1\n"


@pytest.mark.parametrize('args,message', [
    ({'repo': '/nonexistent', 'url': 's3://b'}, 'dvc init'),
    ({'url': 's3://b'}, 'repo is required'),
    ({'repo': '{repo}', 'url': 'not a url'}, 'url must be'),
    ({'repo': '{repo}', 'url': 's3://b', 'endpoint_url': 'minio:9000'}, 'endpoint_url must be'),
    ({'repo': '{repo}', 'url': 's3://b', 'ssl_verify': 'maybe'}, 'ssl_verify must be'),
    ({'repo': '{repo}'}, 'url is required'),
])
def test_bad_input(repo, args, message):
    args = dict((k, v.format(repo=repo) if isinstance(v, str) else v) for k, v in args.items())
    with pytest.raises(ModuleFailure) as err:
        run(name='storage', **args)
    assert message in err.value.msg


# Files DVC itself refuses: configobj (what DVC reads its config with) raises on each. Issue 17 item 13: the
# module used to append its section to such a file instead of reporting it.
UNREADABLE = {
    'no key = value': "[core]\n    remote = s\nthis is not ini\n",
    'unclosed section': "[core\n    remote = s\n",
    'brackets that do not match': "[core]]\n    remote = s\n",
    'duplicate section': "[core]\n    remote = a\n[core]\n    autostage = true\n",
    'duplicate key': "[core]\n    remote = a\n    remote = b\n",
    'unclosed quote': "[core]\n    remote = \"abc\n",
}
READABLE = {
    'section comment': "[core]  # main\n    remote = a # inline\n",
    'quoted key': "[core]\n    'a b' = c\n",
    'empty value': "[core]\n    remote =\n",
    'key before any section': "remote = a\n[core]\n    x = 1\n",
    'nested section': "[core]\n[[sub]]\n    a = 1\n",
}


@pytest.mark.parametrize('text', list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_a_file_dvc_cannot_read_is_reported_and_left_alone(repo, text):
    configobj = pytest.importorskip('configobj')
    import io
    with pytest.raises(configobj.ConfigObjError):  # DVC refuses it too
        configobj.ConfigObj(io.StringIO(text))
    path = repo / '.dvc' / 'config'
    path.write_text(text)
    with pytest.raises(ModuleFailure, match=r'^Cannot parse .*/\.dvc/config, line \d+ .*nothing was written$'):
        run(repo=str(repo), name='storage', url='s3://dvc-storage/p')
    assert path.read_text() == text
    assert not (repo / '.dvc' / 'config.local').exists()


@pytest.mark.parametrize('text', list(READABLE.values()), ids=list(READABLE))
def test_files_dvc_reads_are_accepted(tmp_path, text):
    configobj = pytest.importorskip('configobj')
    import io
    configobj.ConfigObj(io.StringIO(text))
    path = tmp_path / 'config'
    path.write_text(text)
    ConfigFile(str(path))  # no error
