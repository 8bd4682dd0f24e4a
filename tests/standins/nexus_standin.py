# -*- coding: utf-8 -*-
# Copyright: Maestro Platform engineers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""maestro-standin-nexus: the project's Nexus emulator where the nexus role expects Nexus (test support).

Nexus cannot run on our machines, so the nexus role's container path is exercised with this stand-in
image. It wraps tests/emulators/nexus.py unchanged (every request and response validated against Nexus
3.94's OpenAPI description) and behaves like the official sonatype/nexus3 image only where the role
depends on it:
- the REST API under /service/rest on port 8081,
- GET /service/rest/v1/status answers 200 without credentials (the health check the role configures),
- first start writes a random admin password to /nexus-data/admin.password, deleted once the password
  is changed (the role reads it from the data volume to bootstrap nexus_admin_password).

What it does NOT do: state is in memory (a container restart starts over with a new admin.password);
no repository content is served (no /repository/<name>/ downloads or uploads).
"""

import os
import signal
import sys
import threading
from http.server import ThreadingHTTPServer

from tests.emulators import framework
from tests.emulators.nexus import NexusEmulator

STATUS_PATHS = ('/service/rest/v1/status', '/service/rest/v1/status/writable')


class StandinHandler(framework._Handler):  # pylint: disable=protected-access
    def _dispatch(self):
        if self.path.split('?', 1)[0] in STATUS_PATHS and self.command in ('GET', 'HEAD'):
            self.send(200, {'Server': 'maestro-standin-nexus'}, b'')
            return
        super()._dispatch()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


class PublicServer(framework._Server):  # pylint: disable=protected-access
    """The emulator's server, bound to every interface of the container instead of 127.0.0.1."""

    def __init__(self, emulator, port):  # pylint: disable=super-init-not-called
        self.emulator = emulator
        self.open_sockets = set()
        self.sockets_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, ('0.0.0.0', port), StandinHandler)  # pylint: disable=non-parent-init-called


def main():
    data_dir = os.environ.get('NEXUS_DATA', '/nexus-data')
    port = int(os.environ.get('NEXUS_PORT', '8081'))
    emulator = NexusEmulator(data_dir)
    server = PublicServer(emulator, port)
    sys.stderr.write('maestro-standin-nexus: Nexus emulator on 0.0.0.0:%d (NOT Nexus: in-memory, REST API '
                     'only); admin password in %s/admin.password\n' % (port, data_dir))
    # As Nexus does, stop on SIGTERM (docker stop); as PID 1 without a handler the stand-in would ignore it and be
    # killed only after the role's stop timeout (Sonatype's 120 s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever(poll_interval=0.2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
