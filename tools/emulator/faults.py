"""A fault-injecting proxy between the provider and the emulator.

Usage: faults.py --upstream http://127.0.0.1:PORT [--port 0] [--rate 0.2] [--seed 1]
Prints `READY http://127.0.0.1:PORT` once serving. On the chosen share of requests it returns,
at random, a throttling error (in the request's AWS protocol), an HTTP 500 or 503, a slow
answer, or drops the connection without answering; everything else is forwarded unchanged.

Control endpoints (never faulted, never forwarded):
  POST /_faults/config  {"rate": 0.0-1.0, "kinds": ["throttle","500","503","slow","drop"]}
  GET  /_faults/stats   {"requests": n, "faults": n, "by_kind": {...}}
Binds loopback only; exits when its stdin closes (so it never outlives its test).
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ["throttle", "500", "503", "slow", "drop"]


class State:
    def __init__(self, rate, seed):
        self.lock = threading.Lock()
        self.rate = rate
        self.kinds = list(KINDS)
        self.random = random.Random(seed)
        self.requests = 0
        self.faults = 0
        self.by_kind = {k: 0 for k in KINDS}

    def pick(self):
        with self.lock:
            self.requests += 1
            if self.rate <= 0 or not self.kinds or self.random.random() >= self.rate:
                return None
            kind = self.random.choice(self.kinds)
            self.faults += 1
            self.by_kind[kind] += 1
            return kind

    def stats(self):
        with self.lock:
            return {"requests": self.requests, "faults": self.faults, "by_kind": dict(self.by_kind),
                    "rate": self.rate, "kinds": self.kinds}


def throttle_response(content_type, path):
    """A throttling error shaped for the request's AWS protocol, so the SDK classifies it."""
    if "x-amz-json" in content_type:
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded (injected)"})
        return 400, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": "ThrottlingException"}, body
    if "x-www-form-urlencoded" in content_type:
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                "<Message>Rate exceeded (injected)</Message></Error><RequestId>faults</RequestId></ErrorResponse>")
        return 400, {"Content-Type": "text/xml"}, body
    if content_type == "" and not path.startswith(("/restapis", "/v2/", "/apps", "/v1/", "/bots", "/analyzer")):
        # REST-XML (S3): SlowDown is S3's throttling error.
        body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate (injected)</Message></Error>"
        return 503, {"Content-Type": "application/xml"}, body
    body = json.dumps({"message": "Too Many Requests (injected)"})
    return 429, {"Content-Type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException"}, body


def make_handler(state, upstream):
    target = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, headers, body):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/_faults/"):
                if self.path.startswith("/_faults/config"):
                    cfg = json.loads(body or b"{}")
                    with state.lock:
                        state.rate = float(cfg.get("rate", state.rate))
                        state.kinds = [k for k in cfg.get("kinds", state.kinds) if k in KINDS]
                return self.send(200, {"Content-Type": "application/json"}, json.dumps(state.stats()))
            kind = state.pick()
            if kind == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if kind == "throttle":
                return self.send(*throttle_response(self.headers.get("Content-Type", ""), self.path))
            if kind in ("500", "503"):
                err = "InternalFailure" if kind == "500" else "ServiceUnavailable"
                return self.send(int(kind), {"Content-Type": "application/json", "x-amzn-ErrorType": err},
                                 json.dumps({"__type": err, "message": "injected"}))
            if kind == "slow":
                time.sleep(1.5)
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = {k: v for k, v in resp.getheaders()
                   if k.lower() not in ("transfer-encoding", "connection", "content-length")}
            self.send(resp.status, out, data)
            conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    return Handler


class ProxyServer(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a client opening many connections at once
    # (Prowler's thread pools, the provider's fan-out) would see dropped SYNs and 1 s
    # retransmits, which the benchmark would then charge to that client.
    request_queue_size = 128
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    state = State(args.rate, args.seed)
    server = ProxyServer(("127.0.0.1", args.port), make_handler(state, args.upstream))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    # Live as long as the parent keeps our stdin open.
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
