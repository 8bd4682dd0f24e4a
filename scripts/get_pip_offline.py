"""Stand-in for the get-pip.py that ansible-test downloads from ci-files.testing.ansible.com (not
reachable from our machines): bootstrap pip with the interpreter's own ensurepip, then let pip install the
requested packages (pip==24.2 ...) from PyPI, which is reachable. scripts/test.sh puts this file where
ansible-test caches its download (~/.ansible/test/cache/get_pip_<version>.py)."""

import subprocess
import sys

GET_PIP_ONLY_FLAGS = ('--no-setuptools', '--no-wheel')

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY_FLAGS]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args))
