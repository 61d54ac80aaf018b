"""A proxy in front of a real MLflow server that answers 503 on purpose, for tests of retries
and of a server that goes away mid-apply.

usage: flaky_proxy.py UPSTREAM FAIL_FIRST FAIL_AFTER LOG [KILL_AFTER PID_FILE]
  FAIL_FIRST  the first this-many requests get 503
  FAIL_AFTER  every request after this many gets 503 (-1: never)
  LOG         a line per request: "<status> <method> <path>"
  KILL_AFTER  once a request to this path has been answered, the next request SIGKILLs the
              process whose id is in PID_FILE before anything is forwarded: the client died
              after reading the answer and before doing anything else with it
The environment variable FLAKY_PROXY_DELAY (seconds) holds every request that long first: a
slow server, for tests that need a pass under way.
Prints the port it listens on (127.0.0.1), then serves until killed.
"""
import http.server
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

upstream, fail_first, fail_after, log_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kill_after, pid_file = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else (None, None)
count = 0
answered_kill_path = False
lock = threading.Lock()
delay = float(os.environ.get("FLAKY_PROXY_DELAY", "0"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        global count, answered_kill_path
        with lock:
            count += 1
            number = count
            if answered_kill_path:
                with open(pid_file) as pid:
                    os.kill(int(pid.read()), signal.SIGKILL)
                answered_kill_path = False
        with lock, open(log_path, "a") as log:
            log.write(f"received {self.command} {self.path.split('?')[0]}\n") if delay else None
        time.sleep(delay)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if number <= fail_first or (fail_after >= 0 and number > fail_after):
            status, data, content_type = 503, b"<html><body>503 Service Unavailable</body></html>", "text/html"
        else:
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "authorization")}
            request = urllib.request.Request(upstream + self.path, data=body, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request) as response:
                    status, data = response.status, response.read()
                    content_type = response.headers.get("Content-Type", "application/json")
            except urllib.error.HTTPError as error:
                status, data = error.code, error.read()
                content_type = error.headers.get("Content-Type", "application/json")
        with lock, open(log_path, "a") as log:
            log.write(f"{status} {self.command} {self.path.split('?')[0]}\n")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        if kill_after is not None and self.path.split("?")[0] == kill_after:
            with lock:
                answered_kill_path = True

    do_GET = do_POST = do_DELETE = do_PUT = handle_any

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
