"""A fault-injecting proxy between the provider and the emulator.

Usage: faults.py --upstream http://127.0.0.1:PORT [--port 0] [--rate 0.2] [--seed 1]
Prints `READY http://127.0.0.1:PORT` once serving. On the chosen share of requests it returns,
at random, a throttling error, an HTTP 500 or 503 (each shaped for the request's AWS protocol:
JSON, query/XML, REST-XML for S3, REST-JSON, RPC v2 CBOR), a slow answer, or drops the
connection without answering; everything else is forwarded unchanged.

Access denial, independent of the random faults: requests matching a `deny` entry are always
answered, never forwarded, with AWS's authorization failure for the request's protocol (HTTP 403;
`AccessDenied` for query and S3 XML, `AccessDeniedException` for JSON, REST-JSON and CBOR; a
message like AWS's "User: arn:aws:sts::…:assumed-role/… is not authorized to perform:
<service>:<Operation> …"). An entry is a signing service name as in the SigV4 credential scope
(`mobiletargeting`, `lex`, `iam`, `apigateway`, `cloudtrail`, `monitoring`, `s3`, …), denying
every call to it, or `service:Operation` with the operation as `operation_of` names it
(`iam:GenerateCredentialReport`, `cloudtrail:GetTrailStatus`, `apigateway:GET /v2/apis`);
the operation may use shell wildcards (`apigateway:GET /v2/apis/*`). A denied request draws
nothing from the random generator and is never also faulted.

Control endpoints (never faulted, never forwarded):
  POST /_faults/config  {"rate": 0.0-1.0, "kinds": ["throttle","500","503","slow","drop"],
                         "deny": ["service" | "service:Operation", ...]}   (each key optional;
                         "deny" replaces the list, [] denies nothing; 400 if malformed)
  GET  /_faults/stats   {"requests": n, "faults": n, "denied": n, "by_kind": {...},
                         "by_operation": {...}, "denied_by_operation": {...}, ...}
`by_operation` counts every proxied request (denied ones included) by its AWS operation (the
X-Amz-Target, the query protocol's Action, or the method and path), so a test can tell how
often each call was made (e.g. that a service is collected once per provider process);
`denied_by_operation` counts the denied ones as `service:Operation`.
Binds loopback only; exits when its stdin closes (so it never outlives its test).
"""
import argparse
import fnmatch
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import rpcv2_cbor  # beside this file: the CBOR codec the launcher's CloudWatch front uses

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
        self.by_operation = {}
        self.deny = []  # (service, operation pattern or None), from POST /_faults/config
        self.denied = 0
        self.denied_by_operation = {}

    def pick(self, service, operation):
        """What to do with one request: "deny", a fault kind, or None (forward it)."""
        with self.lock:
            self.requests += 1
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            if denies(self.deny, service, operation):
                self.denied += 1
                key = f"{service}:{operation}"
                self.denied_by_operation[key] = self.denied_by_operation.get(key, 0) + 1
                return "deny"
            if self.rate <= 0 or not self.kinds or self.random.random() >= self.rate:
                return None
            kind = self.random.choice(self.kinds)
            self.faults += 1
            self.by_kind[kind] += 1
            return kind

    def stats(self):
        with self.lock:
            return {"requests": self.requests, "faults": self.faults, "by_kind": dict(self.by_kind),
                    "by_operation": dict(self.by_operation), "rate": self.rate, "kinds": self.kinds,
                    "denied": self.denied, "denied_by_operation": dict(self.denied_by_operation),
                    "deny": [s if op is None else f"{s}:{op}" for s, op in self.deny]}


def parse_deny(entries):
    """`["svc", "svc:Operation", …]` as (service, operation pattern or None) pairs; ValueError
    unless every entry is a string naming a service (the operation part is optional)."""
    if not isinstance(entries, list):
        raise ValueError('"deny" must be a list of "service" or "service:Operation" strings')
    rules = []
    for entry in entries:
        if not isinstance(entry, str):
            raise ValueError(f"deny entry {entry!r} is not a string")
        service, sep, operation = entry.partition(":")
        if not service.strip() or (sep and not operation.strip()):
            raise ValueError(f'deny entry {entry!r} is not "service" or "service:Operation"')
        rules.append((service.strip(), operation.strip() if sep else None))
    return rules


def denies(rules, service, operation):
    """True when a deny rule covers this request (service equal; operation equal or matching
    the rule's shell wildcard pattern, case-sensitive)."""
    return any(s == service and (op is None or fnmatch.fnmatchcase(operation, op))
               for s, op in rules)


def operation_of(method, path, headers, body):
    """The AWS operation a request calls, as well as the proxy can tell without parsing it."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    if "/operation/" in path:  # RPC v2 CBOR (CloudWatch): /service/<svc>/operation/<Op>
        return path.rsplit("/", 1)[-1]
    return f"{method} {path.split('?', 1)[0]}"


# The error each fault kind stands for: (HTTP status, AWS error code, message).
ERRORS = {
    "throttle": (400, "ThrottlingException", "Rate exceeded (injected)"),
    "500": (500, "InternalFailure", "Internal failure (injected)"),
    "503": (503, "ServiceUnavailable", "Service unavailable (injected)"),
}

# Whom a denial names: the emulator's account, as an assumed-role session.
DENIED_PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/secbaseline-audit/faults"


def service_of(headers):
    """The service a SigV4-signed request names in its credential scope (…/<region>/<svc>/aws4_request)."""
    auth = headers.get("Authorization", "")
    parts = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return parts[3] if len(parts) >= 5 else ""


def protocol_of(headers, path):
    """The AWS protocol of a request: "s3" (REST-XML), "json", "query", "cbor" or "rest-json"."""
    content_type = headers.get("Content-Type", "")
    if service_of(headers) == "s3":
        return "s3"
    if "x-amz-json" in content_type:
        return "json"
    if "x-www-form-urlencoded" in content_type:
        return "query"
    if "cbor" in content_type or "/operation/" in path:
        return "cbor"
    return "rest-json"


def shaped_error(protocol, status, code, message, headers):
    """(status, headers, body) of an AWS error as `protocol` shapes it, so the SDK reads its
    code and classifies it (throttling and 5xx are retried) as it would AWS's own answer."""
    if protocol == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>faults</RequestId></Error>"
        return status, {"Content-Type": "application/xml"}, body
    if protocol == "json":
        content_type = headers.get("Content-Type", "")
        body = json.dumps({"__type": code, "message": message})
        return status, {"Content-Type": content_type, "x-amzn-ErrorType": code}, body
    if protocol == "query":
        kind_of = "Sender" if status < 500 else "Receiver"
        body = (f"<ErrorResponse><Error><Type>{kind_of}</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>faults</RequestId></ErrorResponse>")
        return status, {"Content-Type": "text/xml"}, body
    if protocol == "cbor":
        body = rpcv2_cbor.dumps({"__type": code, "message": message})
        return status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body
    body = json.dumps({"message": message})
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body


def error_response(kind, headers, path):
    """The injected fault `kind` (a key of ERRORS) shaped for the request's protocol."""
    status, code, message = ERRORS[kind]
    protocol = protocol_of(headers, path)
    if kind == "throttle" and protocol == "s3":
        # S3 throttles with 503 SlowDown.
        status, code, message = 503, "SlowDown", "Please reduce your request rate (injected)"
    elif kind == "throttle" and protocol == "rest-json":
        # REST-JSON (API Gateway, Pinpoint, Lex): throttling is a 429 TooManyRequestsException.
        status, code = 429, "TooManyRequestsException"
    return shaped_error(protocol, status, code, message, headers)


def denial_response(service, operation, headers, path):
    """AWS's authorization failure for `service:operation`, shaped for the request's protocol:
    403 `AccessDenied` (query, S3) or `AccessDeniedException` (JSON, REST-JSON, CBOR)."""
    protocol = protocol_of(headers, path)
    code = "AccessDenied" if protocol in ("query", "s3") else "AccessDeniedException"
    action = f"{service}:{operation}"
    message = (f"User: {DENIED_PRINCIPAL} is not authorized to perform: {action} on resource: * "
               f"because no identity-based policy allows the {action} action (injected)")
    return shaped_error(protocol, 403, code, message, headers)


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
            # A HEAD answer has headers only: body bytes would corrupt the kept-alive connection.
            if self.command != "HEAD":
                self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/_faults/"):
                if self.path.startswith("/_faults/config"):
                    try:
                        cfg = json.loads(body or b"{}")
                        if not isinstance(cfg, dict):
                            raise ValueError("the config must be a JSON object")
                        deny = parse_deny(cfg["deny"]) if "deny" in cfg else None
                    except ValueError as e:  # json.JSONDecodeError is a ValueError
                        return self.send(400, {"Content-Type": "application/json"},
                                         json.dumps({"error": str(e)}))
                    with state.lock:
                        state.rate = float(cfg.get("rate", state.rate))
                        state.kinds = [k for k in cfg.get("kinds", state.kinds) if k in KINDS]
                        if deny is not None:
                            state.deny = deny
                return self.send(200, {"Content-Type": "application/json"}, json.dumps(state.stats()))
            service = service_of(self.headers)
            operation = operation_of(self.command, self.path, self.headers, body)
            kind = state.pick(service, operation)
            if kind == "deny":
                return self.send(*denial_response(service, operation, self.headers, self.path))
            if kind == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if kind in ERRORS:
                return self.send(*error_response(kind, self.headers, self.path))
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
    """Threads per connection, a deep listen backlog, quiet about clients that hang up."""

    # socketserver's default listen backlog is 5: a client opening many connections at once
    # (Prowler's thread pools, the provider's fan-out) would see dropped SYNs and 1 s
    # retransmits, which the benchmark would then charge to that client.
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up mid-answer (a killed Terraform, an SDK timeout) are normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


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
