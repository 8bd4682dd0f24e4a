"""Where the official API descriptions and deployment material live: ../shared/specs beside the repository,
or the directory MAESTRO_SPECS_DIR names. Test support only (not shipped)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS_DIR = Path(os.environ.get('MAESTRO_SPECS_DIR') or ROOT.parent / 'shared' / 'specs')


def spec_path(*parts):
    """The path of a file under the specs directory; a clear error when it is not there."""
    path = SPECS_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            '%s is missing: the official API descriptions are expected in ../shared/specs beside the repository '
            '(%s); set MAESTRO_SPECS_DIR to the directory that holds them' % (path, SPECS_DIR))
    return str(path)
