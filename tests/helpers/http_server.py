#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small HTTP(S) file server for mk's download tests, with faults on demand.

Serves the files under --dir (GET and HEAD, "Range: bytes=N-" and "bytes=N-M" answered with 206). Prints
"PORT <n>" on stdout once listening. Faults and extras:
  --drop-after BYTES     the first GET of each file closes the connection after BYTES body bytes
  --stall-after BYTES    the first GET of each file stops sending for 30 s after BYTES body bytes
  --corrupt              flips one byte of every body served
  --ignore-range         answers every GET with the whole file (200), as servers without Range support do
  --chunked              answers full GETs with Transfer-Encoding: chunked instead of Content-Length
  --redirect-prefix /r/  GET /r/x answers 302 to /x
  --status SUFFIX=CODE   GET and HEAD of a path ending with SUFFIX answer CODE with an empty body, whether or not
                         the file exists (repeatable; e.g. --status .sha256=500)
  --proxy                also acts as a proxy: accepts absolute-form requests, and CONNECT host:port opens a tunnel
                         to 127.0.0.1:port (the host name is ignored, so tests can use names that do not resolve)
  --client-ca FILE       with --tls-cert: require a client certificate signed by this CA
  --access-log FILE      one line per request, written before the answer is sent:
                         method target range-header status body-bytes (those sent unless the client leaves early)
"""

import argparse
import http.server
import os
import select
import socket
import ssl
import sys
import threading
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mk-test-server"

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr log
        pass

    def log_access(self, status, sent):
        options = self.server.options
        if not options.access_log:
            return
        range_header = self.headers.get("Range", "-").replace(" ", "")
        with self.server.lock:
            with open(options.access_log, "a") as log:
                log.write(f"{self.command} {self.path} {range_header} {status} {sent}\n")

    def first_request(self, path):
        """Whether this is the first GET of `path` (faults apply to it only)."""
        with self.server.lock:
            if path in self.server.seen:
                return False
            self.server.seen.add(path)
            return True

    def local_path(self):
        target = self.path
        if target.startswith("http://") or target.startswith("https://"):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        target = urllib.parse.unquote(target.split("?", 1)[0])
        root = os.path.realpath(self.server.options.dir)
        path = os.path.realpath(os.path.join(root, target.lstrip("/")))
        if path != root and not path.startswith(root + os.sep):
            return None, target
        return path, target

    def send_empty(self, status, headers=()):
        self.log_access(status, 0)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self.serve(body=False)

    def do_GET(self):
        self.serve(body=True)

    def serve(self, body):
        options = self.server.options
        path, target = self.local_path()
        prefix = options.redirect_prefix
        if prefix and target.startswith(prefix):
            query = "?" + self.path.split("?", 1)[1] if "?" in self.path else ""
            self.send_empty(302, [("Location", "/" + target[len(prefix):] + query)])
            return
        for suffix, status in options.status:
            if target.endswith(suffix):
                self.send_empty(status)
                return
        if path is None or not os.path.isfile(path):
            self.send_empty(404)
            return
        size = os.path.getsize(path)  # a HEAD reads nothing more
        start, end, status = 0, size, 200
        range_header = self.headers.get("Range")
        if range_header and range_header.startswith("bytes=") and not options.ignore_range:
            first, _, last = range_header[len("bytes="):].partition("-")
            start = int(first or 0)
            end = min(int(last) + 1, size) if last else size
            if start >= size:
                self.send_empty(416, [("Content-Range", f"bytes */{size}")])
                return
            status = 206
        payload = bytearray()
        if body:
            with open(path, "rb") as f:
                f.seek(start)
                payload = bytearray(f.read(end - start))
        if options.corrupt and payload:
            payload[len(payload) // 2] ^= 0xFF
        chunked = options.chunked and status == 200 and body
        limit = len(payload) if body else 0
        fault = None
        if body and (options.drop_after is not None or options.stall_after is not None) and self.first_request(path):
            fault = "drop" if options.drop_after is not None else "stall"
            limit = min(limit, options.drop_after if fault == "drop" else options.stall_after)
        # Logged before anything is sent, so the line is there by the time the client has the answer.
        self.log_access(status, limit)
        self.send_response(status)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if not body:
            return
        sent = 0
        try:
            while sent < limit:
                piece = payload[sent:min(limit, sent + 16384)]
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if chunked and fault is None:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            fault = "client gone"
        if fault == "stall":
            time.sleep(30)
        if fault is not None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def do_CONNECT(self):
        if not self.server.options.proxy:
            self.send_empty(405)
            return
        port = int(self.path.rsplit(":", 1)[1])
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            self.send_empty(502)
            return
        self.log_access(200, 0)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    break
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, options):
        super().__init__((options.bind, options.port), Handler)
        self.options = options
        self.lock = threading.Lock()
        self.seen = set()
        self.tls = None
        if options.tls_cert:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(options.tls_cert, options.tls_key)
            if options.client_ca:
                self.tls.load_verify_locations(options.client_ca)
                self.tls.verify_mode = ssl.CERT_REQUIRED
            self.socket = self.tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the request's thread, so a client that rejects us blocks nobody.
        if self.tls:
            request.settimeout(10)
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass


def status_rule(text):
    suffix, separator, code = text.rpartition("=")
    if not separator or not suffix or not code.isdigit():
        raise argparse.ArgumentTypeError(f"expected SUFFIX=CODE, got {text!r}")
    return suffix, int(code)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=".")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca")
    parser.add_argument("--drop-after", type=int)
    parser.add_argument("--stall-after", type=int)
    parser.add_argument("--corrupt", action="store_true")
    parser.add_argument("--chunked", action="store_true")
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--redirect-prefix")
    parser.add_argument("--proxy", action="store_true")
    parser.add_argument("--status", action="append", default=[], type=status_rule, metavar="SUFFIX=CODE")
    parser.add_argument("--access-log")
    options = parser.parse_args()
    server = Server(options)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
