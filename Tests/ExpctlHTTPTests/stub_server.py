#!/usr/bin/env python3
"""A deterministic HTTP/1.1 server for ExpctlHTTPTests (standard library only).

Listens on a free loopback port, prints the port on the first line of stdout, and serves
until stdin closes (so it never outlives the test process) or it gets SIGTERM. With
`--tls CERT KEY` it speaks HTTPS with that certificate.

Behaviour by path (any method):
  /echo/...                 200, JSON {method, path, headers: [[name, value]], body (base64),
                            connection (a number per TCP connection)}
  /flaky/KEY?fail=N&status=S&retry_after=R
                            the first N requests for KEY answer S (default 503, with
                            Retry-After: R if given), then 200 "ok after M" (M = requests so far)
  /status/CODE[?retry_after=R]
                            answers CODE (with Retry-After: R if given)
  /slow?seconds=S           waits S seconds, then 200
  /close                    reads the request, then closes the connection without a response
  /redirect                 301 to /echo/redirected
  /large?bytes=N            200 with N bytes: byte i is i % 251
  /count/KEY                200, the number of requests seen for KEY (by /flaky/KEY, /close/KEY)
  /stats                    200, JSON {connections, requests}
"""
import base64
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

lock = threading.Lock()
counters = {}  # key -> requests seen
connections = 0
requests = 0


def bump(key):
    with lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1
            self.connection_number = connections

    def log_message(self, format, *args):
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.serve
        raise AttributeError(name)

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def serve(self):
        global requests
        with lock:
            requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        route = parts[0]
        retry_after = [("Retry-After", query["retry_after"])] if "retry_after" in query else []

        if route == "echo":
            answer = {
                "method": self.command,
                "path": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": base64.b64encode(body).decode(),
                "connection": self.connection_number,
            }
            self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])
        elif route == "flaky":
            seen = bump(parts[1])
            if seen <= int(query.get("fail", "2")):
                self.reply(int(query.get("status", "503")), b"try again", retry_after)
            else:
                self.reply(200, f"ok after {seen}".encode())
        elif route == "status":
            self.reply(int(parts[1]), f"status {parts[1]}".encode(), retry_after)
        elif route == "slow":
            time.sleep(float(query.get("seconds", "5")))
            self.reply(200, b"slow")
        elif route == "close":
            if len(parts) > 1:
                bump(parts[1])
            self.close_connection = True
        elif route == "redirect":
            self.reply(301, b"moved", [("Location", "/echo/redirected")])
        elif route == "large":
            size = int(query["bytes"])
            pattern = bytes(range(251))
            data = (pattern * (size // 251 + 1))[:size]
            self.reply(200, data, [("Content-Type", "application/octet-stream")])
        elif route == "count":
            with lock:
                seen = counters.get(parts[1], 0)
            self.reply(200, str(seen).encode())
        elif route == "stats":
            with lock:
                answer = {"connections": connections, "requests": requests}
            self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])
        else:
            self.reply(404, b"no such behaviour")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is expected


def main():
    # A parent that spawns from a thread with signals blocked passes the mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    server = Server(("127.0.0.1", 0), Handler)
    if sys.argv[1:2] == ["--tls"]:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def stop_when_stdin_closes():
        sys.stdin.read()
        os._exit(0)  # at once: handlers may be sleeping in /slow

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
