#!/usr/bin/env python3
"""Test peer for CurlTransportTests: a small HTTP/1.1 server on 127.0.0.1, port 0.

With `--tls CERT KEY` it speaks HTTPS. Prints its port on the first line of stdout, then serves until killed or until its stdin closes.

  /echo        any method: JSON {method, path, headers, length, sha256, peer_port}
               (HEAD gets the same headers without a body)
  /big?n=N     N bytes with Content-Length
  /chunked?n=N N bytes with Transfer-Encoding: chunked (no length known in advance)
  /stall       headers and 10 of 100 promised bytes, then silence
  /cut         headers and 1000 of 1,000,000 promised bytes, then the connection closes
An `Expect: 100-continue` request gets a 100 Continue carrying `X-Interim: yes`, a field the final
response must not inherit.
"""
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable

    def log_message(self, *args):
        pass

    def handle_expect_100(self):
        self.send_response_only(100)
        self.send_header("X-Interim", "yes")
        self.end_headers()
        return True

    def _query_n(self):
        return int(parse_qs(urlparse(self.path).query).get("n", ["0"])[0])

    def _send(self, status, body, content_type="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _echo(self):
        remaining = int(self.headers.get("Content-Length", "0"))
        digest = hashlib.sha256()
        length = 0
        while remaining > 0:
            piece = self.rfile.read(min(remaining, 1 << 20))
            if not piece:
                break
            digest.update(piece)
            length += len(piece)
            remaining -= len(piece)
        reply = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "length": length,
            "sha256": digest.hexdigest(),
            "peer_port": self.client_address[1],
        }
        body = json.dumps(reply).encode()
        self._send(200, body, "application/json")

    def _route(self):
        path = urlparse(self.path).path
        if path == "/echo":
            return self._echo()
        if path == "/big":
            return self._send(200, b"x" * self._query_n())
        if path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = self._query_n()
            while left > 0:
                n = min(left, 65536)
                self.wfile.write(b"%x\r\n" % n + b"y" * n + b"\r\n")
                left -= n
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"s" * 10)
            self.wfile.flush()
            time.sleep(3600)
            return
        if path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"c" * 1000)
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(404, b"not found\n", "text/plain")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _route


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up early (size limits, cancellation) are the point of several tests.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def exit_when_parent_goes():
    """Stdin is a pipe from the test process: end of file means the test is over (or crashed)."""
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    # A child spawned from a dispatch worker thread inherits its blocked signals, SIGTERM included.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":  # --tls CERT KEY: serve HTTPS
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
