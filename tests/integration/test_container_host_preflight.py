"""container_host on a host it may install on: the OS check uses gathered facts, the modules' library goes to the
Python that runs the modules (issue 15). Local connection, no Docker; seconds.

site.yml's plays run with gather_facts: false; the role gathers the minimal facts itself, so an unsupported OS
stops the run (it used to pass unchecked, its check defaulting to Debian when no facts were there).
"""

import sys

from tests.helpers import run_playbook

PLAYBOOK = 'container_host_host.yml'


def test_supported_debian_passes_with_gathered_facts():
    # (install_sdk: the engine install also needs systemd, which our machines do not run.)
    result = run_playbook(PLAYBOOK, {'container_host_install_sdk': True})
    assert result.ok, result
    assert 'Preflight | Gather the minimal facts' in result.stdout and 'ok: [localhost]' in result.stdout


def test_an_os_outside_the_supported_list_stops_the_run():
    result = run_playbook(PLAYBOOK, {'container_host_install_sdk': True,
                                     'container_host_supported_debian_versions': ['11']})
    assert not result.ok, result
    assert 'runs Debian 12' in result.stdout and 'container_host_supported_debian_versions' in result.stdout, result


def test_an_unknown_engine_source_is_named():
    result = run_playbook(PLAYBOOK, {'container_host_install_engine': True, 'container_host_engine_source': 'snap'})
    assert not result.ok, result
    assert "container_host_engine_source is 'snap'" in result.stdout, result


def test_the_library_goes_to_the_python_that_runs_the_modules():
    # A local connection runs the modules with the controller's virtualenv Python: pip into it, not Debian's
    # python3-* package (which serves /usr/bin/python3 only). Check mode: nothing is installed.
    result = run_playbook(PLAYBOOK, {'container_host_install_sdk': True, 'ch_test_install': True,
                                     'ansible_python_interpreter': sys.executable}, check=True, verbosity=1)
    assert result.ok, result
    out = result.stdout
    pip = out.index("TASK [maestro.platform.container_host : Install | The modules' Python library, for a Python other")
    apt = out.index('TASK [maestro.platform.container_host : Install | Docker engine, Compose')
    assert out[apt:].split('TASK [')[1].count('skipping: [localhost]') == 1, out[apt:apt + 800]
    assert 'ok: [localhost]' in out[pip:].split('TASK [')[1], out[pip:pip + 800]
