#!/usr/bin/env python3
"""secbaseline's AWS emulator: moto (pinned in scripts/ensure-venv.sh) in server mode, plus a few
narrow extensions where moto lacks what the product's controls need.

    launcher.py --port N [--host 127.0.0.1] [--vanilla]

Port 0 picks a free port. Once the socket listens, one line goes to stdout:
``READY http://127.0.0.1:PORT``; everything else goes to stderr.
``--vanilla`` serves plain moto (no extensions): to re-check the gaps after a moto upgrade.

Extensions (each verified missing or broken in moto 5.2.5; see the comment at each):

* ``POST /_secbaseline/root`` JSON ``{"mfa_enabled": bool, "access_keys_present": int,
  "virtual_mfa": bool, "account_id": "123456789012"}`` (every key optional; missing keys keep
  their value) sets the root user's state; ``GET /_secbaseline/root`` returns it. It shows in
  ``GetAccountSummary`` (AccountMFAEnabled, AccountAccessKeysPresent), in a ``<root_account>``
  row at the top of the credential report, and, with ``virtual_mfa``, as the virtual MFA device
  ``arn:aws:iam::<account>:mfa/root-account-mfa-device`` assigned to root. Default: secure
  (hardware MFA on, no access keys).
* Test-only IAM state that moto cannot reach through the API (assessment tests need both the
  good and the bad case in one account):
  ``POST /_secbaseline/iam/backdate`` JSON ``{"user_name": str, "days": int}`` moves the user's
  creation (and so its password's) and its access keys' creation ``days`` into the past;
  ``POST /_secbaseline/iam/policy-document`` JSON ``{"policy_arn": str, "document": str}`` or
  ``{"user_name"|"group_name"|"role_name": str, "policy_name": str, "document": str}`` or
  ``{"trust_policy_of": role_name, "document": str}`` stores a document verbatim (no
  validation) as a managed policy's default version, an inline policy or a role's trust policy.
* IAM server certificates report the ``NotAfter`` of their certificate body as ``Expiration``
  (moto reports 2012-05-08 for every certificate).
* IAM Access Analyzer: CreateAnalyzer, ListAnalyzers, GetAnalyzer, DeleteAnalyzer (in memory).
* Lex V2: Describe/Update/DeleteResourcePolicy on a resource without a policy ->
  ResourceNotFoundException (404) instead of a 500; ListBotAliases / DescribeBotAlias honour
  botId (moto lists every bot's aliases under each bot); a new bot's built-in alias is named
  ``TestBotAlias`` and points at ``DRAFT``, as in AWS (moto: ``test``, version 1).
* API Gateway v1: client certificates (Generate/Get/GetAll/Update/Delete) and the stage's
  ``clientCertificateId`` (UpdateStage patch ``/clientCertificateId``, shown by GetStage(s)).
* API Gateway v2: UpdateStage.
* Smithy RPC v2 CBOR (``/service/<Service>/operation/<Op>``) for CloudWatch, which the Rust SDK
  speaks and moto does not: translated to and from the awsJson moto serves (``rpcv2_cbor.py``).
* IAM GetAccountAuthorizationDetails lists only attached AWS managed policies, as AWS does (speed).
* Lex V2 and Pinpoint: response bodies rewritten to the modelled wire types (timestamps,
  version strings) so strict SDKs (Rust) can read them.
* Organizations (``organizations.py``): organization trails seen from member accounts,
  ``account:ListRegions``, and AssumeRole refusals a test can set.

``POST /moto-api/reset`` resets moto and the extensions' state alike.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import string
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

# Must be set before moto is imported: moto reads it when an IAM backend is created, and the
# product's controls look for AWS managed policies (AWSSupportAccess, AWSCloudShellFullAccess).
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

T0 = time.monotonic()

from werkzeug.serving import make_server  # noqa: E402

import organizations  # noqa: E402  (sibling modules: the script's directory is on sys.path)
import rpcv2_cbor  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

DEFAULT_ACCOUNT = "123456789012"

StartResponse = Callable[..., Any]


def log(msg: str) -> None:
    print(f"launcher: {msg}", file=sys.stderr, flush=True)


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# Shared extension state. Everything here is cleared by POST /moto-api/reset.
# ---------------------------------------------------------------------------------------------


class RootState:
    """What AWS knows about the root user and moto does not model at all."""

    def __init__(self) -> None:
        self.mfa_enabled = True
        self.access_keys_present = 0
        self.virtual_mfa = False
        # Root's creation time is fixed so reports are stable across calls.
        self.created = datetime(2020, 1, 1, tzinfo=timezone.utc)
        self.keys_rotated = datetime.now(timezone.utc) - timedelta(days=1)

    def to_json(self, account_id: str) -> dict[str, Any]:
        return {
            "account_id": account_id,
            "mfa_enabled": self.mfa_enabled,
            "access_keys_present": self.access_keys_present,
            "virtual_mfa": self.virtual_mfa,
        }


class State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.root: dict[str, RootState] = {}
            # (account, region) -> name -> analyzer summary
            self.analyzers: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
            # (account, region) -> id -> client certificate
            self.client_certs: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def root_of(self, account_id: str) -> RootState:
        with self.lock:
            return self.root.setdefault(account_id, RootState())


STATE = State()


# ---------------------------------------------------------------------------------------------
# Request helpers
# ---------------------------------------------------------------------------------------------


def signing_scope(environ: dict[str, Any]) -> tuple[str | None, str, str | None]:
    """(service, region, access key) from the SigV4 Authorization header."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    try:
        credential = auth.split(",")[0].split()[1]  # Credential=AKID/date/region/service/aws4_request
        key, _date, region, service, _ = credential.split("=", 1)[1].split("/")
        return service.lower(), region, key
    except (IndexError, ValueError):
        return None, "us-east-1", None


def account_of(environ: dict[str, Any], access_key: str | None) -> str:
    """The account moto itself would pick for this request (env, header, then access key)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    if access_key:
        from moto.iam.models import get_account_id_from

        return get_account_id_from(access_key)
    return DEFAULT_ACCOUNT


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def read_json(environ: dict[str, Any]) -> Any:
    body = read_body(environ)
    return json.loads(body) if body.strip() else {}


def respond(
    start_response: StartResponse,
    status: int,
    body: Any = None,
    error_type: str | None = None,
) -> Iterable[bytes]:
    """A REST-JSON response; errors carry the type in x-amzn-errortype as AWS does."""
    reasons = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
               404: "Not Found", 405: "Method Not Allowed", 409: "Conflict"}
    payload = b"" if body is None else json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
               ("x-amzn-RequestId", "".join(random.choices(string.hexdigits.lower(), k=32)))]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    start_response(f"{status} {reasons.get(status, 'Status')}", headers)
    return [payload]


def error(start_response: StartResponse, status: int, error_type: str, message: str,
          **extra: Any) -> Iterable[bytes]:
    return respond(start_response, status, {"message": message, **extra}, error_type)


# ---------------------------------------------------------------------------------------------
# a. IAM root state.
# Why: moto's credential report has no <root_account> row and GetAccountSummary hard-codes
# AccountMFAEnabled = AccountAccessKeysPresent = 0, so iam_root_access_key / iam_root_mfa /
# iam_root_hardware_mfa could only ever be tested one way. Patched at the backend so every moto
# response path (query and JSON serializers) sees the same state.
# ---------------------------------------------------------------------------------------------

ROOT_MFA_SERIAL = "arn:aws:iam::{account}:mfa/root-account-mfa-device"


def root_csv_row(account_id: str, root: RootState) -> str:
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    keys = []
    for i in range(2):
        if i < root.access_keys_present:
            keys += ["true", root.keys_rotated.strftime(fmt), "N/A", "N/A", "N/A"]
        else:
            keys += ["false", "N/A", "N/A", "N/A", "N/A"]
    cols = [
        "<root_account>",
        f"arn:aws:iam::{account_id}:root",
        root.created.strftime(fmt),
        "not_supported",  # password_enabled: always not_supported for root
        "no_information",  # password_last_used
        "not_supported",  # password_last_changed
        "not_supported",  # password_next_rotation
        "true" if root.mfa_enabled else "false",
        *keys,
        "false", "N/A", "false", "N/A",  # cert_1_active, cert_1_last_rotated, cert_2_...
    ]
    return ",".join(cols) + "\n"


class _RootMfaDevice:
    """Shaped like moto's VirtualMfaDevice so moto's serializer renders it."""

    def __init__(self, account_id: str, root: RootState) -> None:
        self.serial_number = ROOT_MFA_SERIAL.format(account=account_id)
        self.base32_string_seed = None
        self.qr_code_png = None
        self.enable_date = root.created
        # As AWS reports root: no UserName, the account ID as UserId.
        self.user = {"Path": "/", "UserId": account_id, "Arn": f"arn:aws:iam::{account_id}:root",
                     "CreateDate": root.created}
        self.user_attribute = self.user


def patch_iam() -> None:
    from moto.iam import models as iam

    orig_summary = iam.AccountSummary.summary_map

    def summary_map(self: Any) -> dict[str, Any]:
        result = dict(orig_summary.fget(self))  # type: ignore[attr-defined]
        root = STATE.root_of(self._iam_backend.account_id)
        result["AccountMFAEnabled"] = 1 if root.mfa_enabled else 0
        result["AccountAccessKeysPresent"] = 1 if root.access_keys_present > 0 else 0
        return result

    iam.AccountSummary.summary_map = property(summary_map)  # type: ignore[assignment]

    orig_report = iam.IAMBackend.get_credential_report

    def get_credential_report(self: Any) -> str:
        report = orig_report(self)
        header, _, rest = report.partition("\n")
        row = root_csv_row(self.account_id, STATE.root_of(self.account_id))
        return header + "\n" + row + rest

    iam.IAMBackend.get_credential_report = get_credential_report  # type: ignore[method-assign]

    orig_list = iam.IAMBackend.list_virtual_mfa_devices

    def list_virtual_mfa_devices(self: Any, assignment_status: str, marker: str | None,
                                 max_items: int) -> tuple[list[Any], str | None]:
        root = STATE.root_of(self.account_id)
        if not (root.mfa_enabled and root.virtual_mfa) or assignment_status == "Unassigned":
            return orig_list(self, assignment_status, marker, max_items)
        # Root's device comes first; page over moto's full list with moto's marker scheme.
        everything, _ = orig_list(self, assignment_status, None, 1 << 30)
        devices = [_RootMfaDevice(self.account_id, root)] + list(everything)
        start, count = (int(marker) if marker else 0), int(max_items)
        if start > len(devices):
            raise iam.ValidationError("Invalid Marker.")
        page = devices[start:start + count]
        return page, (str(start + count) if start + count < len(devices) else None)

    iam.IAMBackend.list_virtual_mfa_devices = list_virtual_mfa_devices  # type: ignore[method-assign]


def handle_root(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    method = environ["REQUEST_METHOD"]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if method == "GET":
        account = query.get("account_id", [DEFAULT_ACCOUNT])[0]
        return respond(start_response, 200, STATE.root_of(account).to_json(account))
    if method != "POST":
        return error(start_response, 405, "MethodNotAllowed", "use GET or POST")
    try:
        body = read_json(environ)
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        account = str(body.get("account_id", DEFAULT_ACCOUNT))
        with STATE.lock:
            root = STATE.root_of(account)
            if "mfa_enabled" in body:
                root.mfa_enabled = bool(body["mfa_enabled"])
            if "access_keys_present" in body:
                n = int(body["access_keys_present"])
                if not 0 <= n <= 2:
                    raise ValueError("access_keys_present must be 0, 1 or 2")
                root.access_keys_present = n
            if "virtual_mfa" in body:
                root.virtual_mfa = bool(body["virtual_mfa"])
            unknown = set(body) - {"account_id", "mfa_enabled", "access_keys_present", "virtual_mfa"}
            if unknown:
                raise ValueError(f"unknown keys: {sorted(unknown)}")
            return respond(start_response, 200, root.to_json(account))
    except (ValueError, TypeError) as exc:
        return error(start_response, 400, "ValidationException", str(exc))


# ---------------------------------------------------------------------------------------------
# a2. Test-only IAM state: credential age and malformed policy documents.
# Why: the assessment tests need a good and a bad case of the same control in one account.
# moto stamps every user and access key with the time of the call and offers no way to age
# them, so iam_access_key_rotation / iam_unused_credentials could only ever PASS at default
# thresholds; and moto validates every policy document it is given (as AWS does), so the
# rules' ERROR path for a document they cannot read could not be reached through the API.
# These endpoints change moto's backend objects directly; nothing else is affected.
# ---------------------------------------------------------------------------------------------


def _iam_backend(account: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account]["aws"]


def handle_iam_backdate(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    try:
        body = read_json(environ)
        user_name, days = str(body["user_name"]), int(body["days"])
        if not 0 <= days <= 36500:
            raise ValueError("days must be 0..36500")
        backend = _iam_backend(str(body.get("account_id", DEFAULT_ACCOUNT)))
        user = backend.users.get(user_name)
        if user is None:
            return error(start_response, 404, "NoSuchEntity", f"user {user_name} not found")
        shift = timedelta(days=days)
        user.create_date = user.create_date - shift  # the report's password_last_changed too
        for key in user.access_keys:
            key.create_date = key.create_date - shift
        return respond(start_response, 200, {"user_name": user_name, "days": days,
                                             "access_keys": len(user.access_keys)})
    except (KeyError, ValueError, TypeError) as exc:
        return error(start_response, 400, "ValidationException", f"bad request: {exc!r}")


def handle_iam_policy_document(environ: dict[str, Any],
                               start_response: StartResponse) -> Iterable[bytes]:
    try:
        body = read_json(environ)
        document = body["document"]
        if not isinstance(document, str):
            raise TypeError("document must be a string")
        backend = _iam_backend(str(body.get("account_id", DEFAULT_ACCOUNT)))
        if "policy_arn" in body:
            policy = backend.managed_policies.get(body["policy_arn"])
            if policy is None:
                return error(start_response, 404, "NoSuchEntity", "policy not found")
            default = [v for v in policy.versions if v.version_id == policy.default_version_id]
            for version in default:
                version.document = document
            return respond(start_response, 200, {"policy_arn": body["policy_arn"],
                                                 "version_id": policy.default_version_id})
        if "trust_policy_of" in body:
            backend.get_role(str(body["trust_policy_of"])).assume_role_policy_document = document
            return respond(start_response, 200, {"role_name": body["trust_policy_of"]})
        name = str(body["policy_name"])
        for kind, table in (("user_name", backend.users), ("group_name", backend.groups)):
            if kind in body:
                identity = table.get(body[kind])
                break
        else:
            identity = backend.get_role(str(body["role_name"]))
        if identity is None:
            return error(start_response, 404, "NoSuchEntity", "identity not found")
        identity.policies[name] = document
        return respond(start_response, 200, {"policy_name": name})
    except (KeyError, ValueError, TypeError) as exc:
        return error(start_response, 400, "ValidationException", f"bad request: {exc!r}")
    except Exception as exc:  # noqa: BLE001 - moto's NotFoundException for a missing role
        return error(start_response, 404, "NoSuchEntity", str(exc))


# Why: moto answers Expiration 2012-05-08 for every server certificate, so
# iam_expired_server_certificates could only FAIL. AWS reports the certificate's NotAfter;
# read it from the uploaded body (moto keeps it), falling back to moto's value if it does not
# parse.
def patch_iam_server_certificates() -> None:
    from moto.iam.responses import IamResponse

    def expiration(backend: Any, name: str) -> str | None:
        try:
            from cryptography import x509

            body = backend.get_server_certificate(name).cert_body
            not_after = x509.load_pem_x509_certificate(body.encode()).not_valid_after_utc
            return not_after.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        except Exception:  # noqa: BLE001 - not a parsable certificate: keep moto's value
            return None

    def fix(meta: dict[str, Any], backend: Any) -> None:
        when = expiration(backend, meta.get("ServerCertificateName", ""))
        if when:
            meta["Expiration"] = when

    def wrap(name: str, metas: Callable[[Any], list[dict[str, Any]]]) -> None:
        orig = getattr(IamResponse, name)

        def wrapper(self: Any) -> Any:
            result = orig(self)
            for meta in metas(result.result):
                fix(meta, self.backend)
            return result

        setattr(IamResponse, name, wrapper)

    wrap("list_server_certificates", lambda r: r["ServerCertificateMetadataList"])
    wrap("get_server_certificate", lambda r: [r["ServerCertificate"]["ServerCertificateMetadata"]])
    wrap("upload_server_certificate", lambda r: [r["ServerCertificateMetadata"]])


# ---------------------------------------------------------------------------------------------
# b. IAM Access Analyzer.
# Why: moto 5.2.5 has no access-analyzer backend at all (every call is a 500), and
# iam_access_analyzer (IAM.28 / CIS 1.20) needs ListAnalyzers. REST-JSON, in memory, per
# account and region; analyzers are ACTIVE at once. Findings and archive rules are not modelled.
# ---------------------------------------------------------------------------------------------

ANALYZER_TYPES = {"ACCOUNT", "ORGANIZATION", "ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS",
                  "ACCOUNT_INTERNAL_ACCESS", "ORGANIZATION_INTERNAL_ACCESS"}


def handle_access_analyzer(environ: dict[str, Any], start_response: StartResponse, region: str,
                           account: str) -> Iterable[bytes]:
    method = environ["REQUEST_METHOD"]
    path = urllib.parse.unquote(environ.get("PATH_INFO", "")).rstrip("/")
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    with STATE.lock:
        analyzers = STATE.analyzers.setdefault((account, region), {})
        if path == "/analyzer" and method in ("PUT", "POST"):  # CreateAnalyzer (PUT in the model)
            body = read_json(environ)
            name, kind = body.get("analyzerName"), body.get("type")
            if not name or kind not in ANALYZER_TYPES:
                return error(start_response, 400, "ValidationException",
                             "analyzerName and a valid type are required", reason="fieldValidationFailed")
            if name in analyzers:
                return error(start_response, 409, "ConflictException",
                             f"An analyzer named {name} already exists",
                             resourceId=name, resourceType="AWS::AccessAnalyzer::Analyzer")
            arn = f"arn:aws:access-analyzer:{region}:{account}:analyzer/{name}"
            analyzers[name] = {"arn": arn, "name": name, "type": kind, "createdAt": now_iso(),
                               "status": "ACTIVE", "tags": body.get("tags") or {}}
            if body.get("configuration"):
                analyzers[name]["configuration"] = body["configuration"]
            return respond(start_response, 200, {"arn": arn})
        if path == "/analyzer" and method == "GET":  # ListAnalyzers
            kind = query.get("type", [None])[0]
            items = [a for a in analyzers.values() if kind is None or a["type"] == kind]
            start = int(query.get("nextToken", ["0"])[0] or 0)
            limit = int(query.get("maxResults", ["100"])[0] or 100)
            page = items[start:start + limit]
            out: dict[str, Any] = {"analyzers": page}
            if start + limit < len(items):
                out["nextToken"] = str(start + limit)
            return respond(start_response, 200, out)
        if path.startswith("/analyzer/") and path.count("/") == 2:
            name = path.split("/")[2]
            if name not in analyzers:
                return error(start_response, 404, "ResourceNotFoundException",
                             f"Analyzer {name} not found",
                             resourceId=name, resourceType="AWS::AccessAnalyzer::Analyzer")
            if method == "GET":  # GetAnalyzer
                return respond(start_response, 200, {"analyzer": analyzers[name]})
            if method == "DELETE":  # DeleteAnalyzer
                del analyzers[name]
                return respond(start_response, 200, None)
    return error(start_response, 400, "ValidationException",
                 f"{method} {path} is not implemented by the secbaseline emulator",
                 reason="other")


# ---------------------------------------------------------------------------------------------
# c. Lex V2 resource policies.
# Why: moto looks the policy up with a bare dict index, so DescribeResourcePolicy on a bot or
# alias without a policy is a KeyError -> 500. AWS answers ResourceNotFoundException (404), and
# the provider must treat that as "no policy", not as ERROR.
# ---------------------------------------------------------------------------------------------


def patch_lex() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.lexv2models import models as lex

    class ResourceNotFoundException(JsonRESTError):
        code = 404

        def __init__(self, arn: str) -> None:
            super().__init__("ResourceNotFoundException",
                             f"The resource policy for {arn} was not found.")

    def guard(name: str) -> None:
        orig = getattr(lex.LexModelsV2Backend, name)

        def wrapper(self: Any, resource_arn: str, *args: Any, **kwargs: Any) -> Any:
            if resource_arn not in self.resource_policies:
                raise ResourceNotFoundException(resource_arn)
            return orig(self, resource_arn, *args, **kwargs)

        setattr(lex.LexModelsV2Backend, name, wrapper)

    for name in ("describe_resource_policy", "update_resource_policy", "delete_resource_policy"):
        guard(name)

    # Why: moto's ListBotAliases ignores botId and returns every alias of every bot, and
    # DescribeBotAlias ignores botId too (a missing alias is a KeyError -> 500). AWS lists only
    # the bot's aliases and answers ResourceNotFoundException (404) for an alias not in the bot;
    # lex_conversation_logs judges each alias once, under its own bot.
    orig_list = lex.LexModelsV2Backend.list_bot_aliases

    def list_bot_aliases(self: Any, bot_id: str, max_results: int) -> Any:
        summaries, token = orig_list(self, bot_id, max_results)
        own = {a.id for a in self.bot_aliases.values() if a.bot_id == bot_id}
        return [s for s in summaries if s["botAliasId"] in own], token

    lex.LexModelsV2Backend.list_bot_aliases = list_bot_aliases  # type: ignore[method-assign]

    class AliasNotFound(JsonRESTError):
        code = 404

        def __init__(self, message: str) -> None:
            super().__init__("ResourceNotFoundException", message)

    orig_describe = lex.LexModelsV2Backend.describe_bot_alias

    def describe_bot_alias(self: Any, bot_alias_id: str, bot_id: str) -> Any:
        alias = self.bot_aliases.get(bot_alias_id)
        if alias is None or alias.bot_id != bot_id:
            raise AliasNotFound(f"Bot alias {bot_alias_id} of bot {bot_id} was not found.")
        return orig_describe(self, bot_alias_id, bot_id)

    lex.LexModelsV2Backend.describe_bot_alias = describe_bot_alias  # type: ignore[method-assign]

    # Why: AWS gives every new bot a built-in alias named TestBotAlias on the DRAFT version,
    # which lex_conversation_logs excludes by name; moto names it "test" (version 1), so an
    # assessment of any seeded bot would judge it as a real alias without logging.
    orig_create_bot = lex.LexModelsV2Backend.create_bot

    def create_bot(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = orig_create_bot(self, *args, **kwargs)
        for alias in self.bot_aliases.values():
            if alias.bot_id == result["botId"] and alias.bot_alias_name == "test":
                alias.bot_alias_name = "TestBotAlias"
                alias.description = "test bot alias"
                alias.bot_version = "DRAFT"
        return result

    lex.LexModelsV2Backend.create_bot = create_bot  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# d1. API Gateway v1 client certificates.
# Why: apigateway_rest_client_certificate (APIGateway.2) reads the stage's clientCertificateId;
# moto has no client certificate APIs and silently drops a /clientCertificateId patch.
# ---------------------------------------------------------------------------------------------

FAKE_PEM = ("-----BEGIN CERTIFICATE-----\n"
            "TUlJQ0VNVUxBVE9SQ0VSVElGSUNBVEVOT1RBUkVBTENFUlRJRklDQVRF\n"
            "-----END CERTIFICATE-----\n")


def handle_client_certs(environ: dict[str, Any], start_response: StartResponse, region: str,
                        account: str) -> Iterable[bytes]:
    method = environ["REQUEST_METHOD"]
    parts = environ.get("PATH_INFO", "").strip("/").split("/")
    with STATE.lock:
        certs = STATE.client_certs.setdefault((account, region), {})
        if len(parts) == 1:
            if method == "POST":  # GenerateClientCertificate
                body = read_json(environ)
                cert_id = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
                created = int(time.time())
                cert = {"clientCertificateId": cert_id, "pemEncodedCertificate": FAKE_PEM,
                        "createdDate": created, "expirationDate": created + 365 * 86400}
                if body.get("description"):
                    cert["description"] = body["description"]
                if body.get("tags"):
                    cert["tags"] = body["tags"]
                certs[cert_id] = cert
                return respond(start_response, 201, cert)
            if method == "GET":  # GetClientCertificates
                query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
                items = list(certs.values())
                start = int(query.get("position", ["0"])[0] or 0)
                limit = int(query.get("limit", ["25"])[0] or 25)
                out: dict[str, Any] = {"item": items[start:start + limit]}
                if start + limit < len(items):
                    out["position"] = str(start + limit)
                return respond(start_response, 200, out)
        elif len(parts) == 2:
            cert_id = parts[1]
            if cert_id not in certs:
                return error(start_response, 404, "NotFoundException",
                             "Invalid Client Certificate identifier specified")
            if method == "GET":
                return respond(start_response, 200, certs[cert_id])
            if method == "DELETE":
                del certs[cert_id]
                return respond(start_response, 202, None)
            if method == "PATCH":  # UpdateClientCertificate: description only
                for op in read_json(environ).get("patchOperations", []):
                    if op.get("path") == "/description":
                        if op.get("op") == "remove":
                            certs[cert_id].pop("description", None)
                        else:
                            certs[cert_id]["description"] = op.get("value", "")
                return respond(start_response, 200, certs[cert_id])
    return error(start_response, 400, "BadRequestException", "unsupported client certificate call")


def patch_apigateway_stage() -> None:
    from moto.apigateway import models as apigw

    orig_apply = apigw.Stage.apply_operations
    orig_to_json = apigw.Stage.to_json

    def apply_operations(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        rest = []
        for op in patch_operations:
            if op.get("path") == "/clientCertificateId":
                if op.get("op") == "remove" or not op.get("value"):
                    self.client_certificate_id = None
                else:
                    self.client_certificate_id = op["value"]
            else:
                rest.append(op)
        return orig_apply(self, rest)

    def to_json(self: Any) -> dict[str, Any]:
        dct = orig_to_json(self)
        if getattr(self, "client_certificate_id", None):
            dct["clientCertificateId"] = self.client_certificate_id
        return dct

    apigw.Stage.apply_operations = apply_operations  # type: ignore[method-assign]
    apigw.Stage.to_json = to_json  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# d2. API Gateway v2 UpdateStage.
# Why: moto routes PATCH /v2/apis/{id}/stages/{name} but has no handler (NotImplemented), and
# fixing a stage's access logging or default route settings is what users do after an
# apigateway_v2_access_logging / apigateway_rest_execution_logging FAIL. Top-level members
# given in the request replace the stage's; the rest stay.
# ---------------------------------------------------------------------------------------------


def patch_apigatewayv2() -> None:
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    fields = {
        "accessLogSettings": "access_log_settings",
        "autoDeploy": "auto_deploy",
        "clientCertificateId": "client_certificate_id",
        "defaultRouteSettings": "default_route_settings",
        "description": "description",
        "routeSettings": "route_settings",
        "stageVariables": "stage_variables",
    }

    def update_stage(self: Any) -> tuple[int, dict[str, str], str]:
        api_id = self.path.split("/")[-3]
        stage_name = urllib.parse.unquote(self.path.split("/")[-1])
        stage = self.apigatewayv2_backend.get_stage(api_id, stage_name)
        body = json.loads(self.body or "{}")
        for key, attr in fields.items():
            if key in body:
                setattr(stage, attr, body[key])
        if "deploymentId" in body:
            stage.config["deploymentId"] = body["deploymentId"]
        stage.updated = datetime.now()
        return 200, {}, json.dumps(stage.to_json())

    ApiGatewayV2Response.update_stage = update_stage  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Speed: not a gap in moto, but the tests' biggest fixed cost.
# Every new IAM backend (first IAM call, and again after each /moto-api/reset) re-parses the
# ~1,600 bundled AWS managed policies and re-serialises each document: ~0.5 s per test. The
# parsed data never changes, so parse it once and build the same objects moto would.
# ---------------------------------------------------------------------------------------------

_MANAGED_CACHE: list[tuple[str, Any, Any, str, datetime, datetime]] | None = None
_MANAGED_LOCK = threading.Lock()


def _managed_policy_data() -> list[tuple[str, Any, Any, str, datetime, datetime]]:
    global _MANAGED_CACHE
    with _MANAGED_LOCK:
        if _MANAGED_CACHE is None:
            from moto.iam.aws_managed_policies import aws_managed_policies_data

            _MANAGED_CACHE = [
                (name, d.get("DefaultVersionId"), d.get("Path"), json.dumps(d.get("Document")),
                 datetime.fromisoformat(d["CreateDate"]), datetime.fromisoformat(d["UpdateDate"]))
                for name, d in json.loads(aws_managed_policies_data).items()
            ]
        return _MANAGED_CACHE


def patch_iam_managed_policy_cache() -> None:
    from moto.iam import models as iam

    def _init_aws_policies(self: Any) -> list[Any]:
        if not iam.load_iam_aws_managed_policies():
            return []
        return [
            iam.AWSManagedPolicy(name, account_id=self.account_id, region=self.region_name,
                                 default_version_id=version, path=path, document=doc,
                                 create_date=created, update_date=updated)
            for name, version, path, doc, created, updated in _managed_policy_data()
        ]

    iam.IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]


# GetAccountAuthorizationDetails with the AWSManagedPolicy filter: AWS lists the AWS managed
# policies that are attached to something; moto lists all ~1,600 with every version (~6 MB, ~1 s
# per call). The IAM collector keeps only attached AWS managed policies either way, so this only
# makes each IAM collection against the emulator cheaper, closer to what AWS sends.
def patch_iam_authorization_details() -> None:
    from moto.iam import models as iam

    orig = iam.IAMBackend.get_account_authorization_details

    def get_account_authorization_details(self: Any, policy_filter: list[str]) -> dict[str, Any]:
        result = orig(self, policy_filter)
        aws_managed = {id(p) for p in self.aws_managed_policies}
        result["managed_policies"] = [p for p in result["managed_policies"]
                                      if id(p) not in aws_managed or p.attachment_count > 0]
        return result

    iam.IAMBackend.get_account_authorization_details = (  # type: ignore[method-assign]
        get_account_authorization_details)


# Services the product calls; their modules and Flask apps are built in the background after
# READY, so the first call per service does not pay for it (~0.1-0.5 s each).
WARM_BACKENDS = ["iam", "sts", "apigateway", "apigatewayv2", "cloudtrail", "config", "cloudwatch",
                 "logs", "sns", "s3", "s3control", "kms", "pinpoint", "lexv2models", "wafv2"]


def warm_up(dispatcher: Any) -> None:
    t0 = time.monotonic()
    try:
        _managed_policy_data()
        for backend in WARM_BACKENDS:
            with dispatcher.lock:  # the same lock moto takes to build an app on first use
                if backend not in dispatcher.app_instances:
                    dispatcher.app_instances[backend] = dispatcher.create_app(backend)
        log(f"warm-up done in {time.monotonic() - t0:.2f}s")
    except Exception as exc:  # noqa: BLE001 - warm-up is an optimisation only
        log(f"warm-up skipped: {exc!r}")


# ---------------------------------------------------------------------------------------------
# e. Wire types of Lex V2 and Pinpoint responses.
# Why: moto 5.2.5 sends Lex V2 timestamps (creationDateTime, lastUpdatedDateTime, ...) as naive
# ISO strings and versions (latestBotVersion) as numbers, and Pinpoint's app CreationDate as a
# number. The service models say epoch seconds, strings and a string; boto3 is lenient, but the
# Rust SDK rejects the whole response, so ListBots / ListBotAliases / DescribeBotAlias / GetApps
# could not be read at all. The JSON bodies of those two services are rewritten to the modelled
# types; nothing else changes.
# ---------------------------------------------------------------------------------------------

LEX_VERSION_KEYS = {"latestBotVersion", "botVersion", "sourceBotVersion"}


def _lex_wire(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _lex_wire(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_lex_wire(v, key) for v in value]
    if key in LEX_VERSION_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if (key.endswith("DateTime") or key in ("startDate", "endDate")) and isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp()
    return value


def _pinpoint_wire(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _pinpoint_wire(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_pinpoint_wire(v, key) for v in value]
    if key.endswith("Date") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def rewrite_json(app: Any, environ: dict[str, Any], start_response: StartResponse,
                 fix: Callable[[Any], Any]) -> Iterable[bytes]:
    """Runs moto, then rewrites a JSON response body with ``fix``."""
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    chunks = app(environ, capture)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    headers = captured.get("headers", [])
    try:
        if body.strip():
            body = json.dumps(fix(json.loads(body))).encode()
    except ValueError:
        pass  # not JSON: pass through untouched
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(captured.get("status", "500 Internal Server Error"), headers)
    return [body]


# ---------------------------------------------------------------------------------------------
# The WSGI front: routes extension calls, lets everything else through to moto.
# ---------------------------------------------------------------------------------------------


class SecbaselineApp:
    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_secbaseline/root":
            return handle_root(environ, start_response)
        if path == "/_secbaseline/iam/backdate" and method == "POST":
            return handle_iam_backdate(environ, start_response)
        if path == "/_secbaseline/iam/policy-document" and method == "POST":
            return handle_iam_policy_document(environ, start_response)
        if path == "/_secbaseline/health":
            return respond(start_response, 200, {"status": "ok"})
        if path in organizations.TEST_PATHS and method == "POST":
            return organizations.handle_test_state(path, environ, start_response)
        if path == "/moto-api/reset" and method == "POST":
            STATE.reset()  # then moto resets its own backends below
            organizations.STATE.reset()
            return self.moto_app(environ, start_response)
        if rpcv2_cbor.is_rpcv2_cbor(environ):
            return rpcv2_cbor.handle(environ, start_response, self.moto_app)
        service, region, key = signing_scope(environ)
        if service == "access-analyzer":
            return handle_access_analyzer(environ, start_response, region,
                                          account_of(environ, key))
        if service == "apigateway" and (path == "/clientcertificates"
                                        or path.startswith("/clientcertificates/")):
            return handle_client_certs(environ, start_response, region, account_of(environ, key))
        if service == "account" and path == "/listRegions":
            return organizations.handle_list_regions(environ, start_response)
        if service == "lex":
            return rewrite_json(self.moto_app, environ, start_response, _lex_wire)
        if service == "mobiletargeting":
            return rewrite_json(self.moto_app, environ, start_response, _pinpoint_wire)
        return self.moto_app(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only (default 127.0.0.1)")
    parser.add_argument("--vanilla", action="store_true", help="plain moto, no extensions")
    parser.add_argument("--no-warm", action="store_true", help="skip the background warm-up")
    parser.add_argument("--exit-with-stdin", action="store_true",
                        help="shut down when stdin reaches EOF (the parent died or closed it), "
                             "so a killed test run leaves no emulator behind")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.host.startswith("127."):
        parser.error("the emulator serves on loopback only")

    dispatcher = DomainDispatcherApplication(create_backend_app)
    app: Any = dispatcher
    if not args.vanilla:
        patch_iam_managed_policy_cache()
        patch_iam_authorization_details()
        patch_iam()
        patch_iam_server_certificates()
        patch_lex()
        patch_apigateway_stage()
        patch_apigatewayv2()
        organizations.patch()
        app = SecbaselineApp(app)

    server = make_server(args.host, args.port, app, threaded=True,
                         request_handler=MotoRequestHandler)
    port = server.server_port
    # moto builds URLs that point back at itself from MOTO_PORT (e.g. presigned S3 URLs).
    os.environ["MOTO_PORT"] = str(port)

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_stdin:
        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            log("stdin closed; shutting down")
            server.shutdown()

        threading.Thread(target=watch_stdin, daemon=True).start()
    log(f"moto ready in {time.monotonic() - T0:.2f}s (extensions {'off' if args.vanilla else 'on'})")
    print(f"READY http://{args.host}:{port}", flush=True)
    if not args.no_warm:
        threading.Thread(target=warm_up, args=(dispatcher,), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
