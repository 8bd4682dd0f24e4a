"""A tiny forward proxy for tests that records what it is asked: plain-HTTP requests by absolute URL (each
forwarded on its own connection, answered with Connection: close) and CONNECT tunnels (bytes piped both
ways). Enough to prove that a client honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY; not a general proxy."""

import select
import socket
import socketserver
import threading
from urllib.parse import urlsplit


class RecordingProxy:
    def __init__(self):
        self.requests = []  # (method, target, {header: value}) as the proxy received them
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline().decode('latin-1').strip()
                if not line:
                    return
                method, target, _version = line.split(' ', 2)
                headers = {}
                while True:
                    header = self.rfile.readline().decode('latin-1')
                    if header in ('\r\n', '\n', ''):
                        break
                    name, value = header.partition(':')[::2]
                    headers[name.strip()] = value.strip()
                proxy.requests.append((method, target, headers))
                if method == 'CONNECT':
                    host, port = target.rpartition(':')[::2]
                    upstream = socket.create_connection((host, int(port)), timeout=10)
                    self.wfile.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
                    self.wfile.flush()
                    _pipe(self.connection, upstream)
                    return
                parts = urlsplit(target)
                body = self.rfile.read(int(headers.get('Content-Length') or 0))
                upstream = socket.create_connection((parts.hostname, parts.port or 80), timeout=10)
                path = parts.path + ('?' + parts.query if parts.query else '')
                kept = dict((k, v) for k, v in headers.items()
                            if k.lower() not in ('connection', 'proxy-authorization', 'proxy-connection'))
                kept['Connection'] = 'close'
                head = '%s %s HTTP/1.1\r\n%s\r\n' % (method, path or '/', ''.join(
                    '%s: %s\r\n' % item for item in kept.items()))
                upstream.sendall(head.encode('latin-1') + body)
                response = b''
                while True:
                    chunk = upstream.recv(65536)
                    if not chunk:
                        break
                    response += chunk
                upstream.close()
                # The answer is relayed as is; the server closes (Connection: close), so does the proxy.
                self.wfile.write(response.replace(b'\r\n\r\n', b'\r\nConnection: close\r\n\r\n', 1)
                                 if b'Connection: close' not in response.split(b'\r\n\r\n', 1)[0] else response)

        self.server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _pipe(a, b):
    sockets = [a, b]
    try:
        while True:
            readable = select.select(sockets, [], [], 10)[0]
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
    except OSError:
        return
    finally:
        b.close()
