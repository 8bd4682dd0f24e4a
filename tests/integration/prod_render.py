"""inventories/prod in render mode (playbooks/kubernetes.yml through site.yml, an ansible-vault encrypted file of
freshly generated secrets), shared by test_prod_render.py and test_prod_charts.py: the first render of a test
session is made once and read by both. Test support only."""

import secrets
import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import ROOT, VENV_BIN, ansible_env, run_playbook

PROD = ROOT / 'inventories' / 'prod'
# Through the root site.yml, as users run it: platform_target in inventories/prod selects the charts.
PLAYBOOK = ROOT / 'site.yml'
# The variants need only the prod playbook (site.yml adds the dev plays, all skipped, ~3 s each run).
K8S_PLAYBOOK = ROOT / 'playbooks' / 'kubernetes.yml'

_SHARED = {}


def collections_path():
    # kubernetes.core and amazon.aws come with the ansible package (site-packages/ansible_collections).
    site = next(Path(p) for p in sys.path if (Path(p) / 'ansible_collections' / 'kubernetes').is_dir())
    return '%s:%s' % (ansible_env()['ANSIBLE_COLLECTIONS_PATH'], site)


def generated_vault():
    """One fresh value per key of vault.yml.example, long and unique so a scan cannot match by chance."""
    keys = yaml.safe_load((PROD / 'group_vars' / 'all' / 'vault.yml.example').read_text())
    values = {}
    for key in keys:
        if key == 'vault_harbor_secret_key':
            values[key] = secrets.token_hex(8)  # exactly 16 characters, as Harbor wants
        else:
            values[key] = 'Vx9-' + secrets.token_urlsafe(18)
    return values


def render(tmp, vault_values, out, extra=None, playbook=PLAYBOOK):
    vault_file = tmp / 'vault.yml'
    vault_file.write_text(yaml.safe_dump(vault_values))
    password_file = tmp / 'vault-password'
    password_file.write_text(secrets.token_hex(16))
    env = ansible_env({'ANSIBLE_COLLECTIONS_PATH': collections_path()})
    subprocess.run([str(VENV_BIN / 'ansible-vault'), 'encrypt', '--vault-password-file', str(password_file),
                    str(vault_file)], env=env, check=True, capture_output=True)
    assert vault_file.read_text().startswith('$ANSIBLE_VAULT;')
    return run_playbook(playbook, inventory=PROD, verbosity=1, diff=True, environ=env, timeout=300,
                        extra_args=['--vault-password-file', password_file],
                        extra_vars=['@%s' % vault_file, dict({'platform_k8s_mode': 'render',
                                                              'platform_k8s_render_dir': str(out)}, **(extra or {}))])


def shared_render(tmp_path_factory):
    """The session's render of inventories/prod: {'tmp', 'out', 'vault', 'run'}; made on first use."""
    if not _SHARED:
        tmp = tmp_path_factory.mktemp('prod-render')
        vault_values = generated_vault()
        out = tmp / 'render'
        run = render(tmp, vault_values, out)
        assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-3000:]
        _SHARED.update(tmp=tmp, out=out, vault=vault_values, run=run)
    return _SHARED
