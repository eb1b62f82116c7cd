#!/usr/bin/env python3
"""Checks each launcher extension against a running emulator, and with --vanilla reports
which of moto's gaps are still gaps (run it after changing the pinned moto version).

    .venv/bin/python tools/emulator/selftest.py [--vanilla]

Starts its own launcher on a free port; exits non-zero if an extension does not work.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def start(vanilla: bool) -> tuple[subprocess.Popen, str, float]:
    t0 = time.monotonic()
    cmd = [sys.executable, os.path.join(HERE, "launcher.py"), "--port", "0"]
    if vanilla:
        cmd.append("--vanilla")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY "):
        raise SystemExit(f"launcher did not start: {line!r}")
    return proc, line.split()[1], time.monotonic() - t0


def post(url: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        data = resp.read()
    return json.loads(data) if data.strip().startswith(b"{") else {}


def main() -> int:
    vanilla = "--vanilla" in sys.argv
    proc, endpoint, startup = start(vanilla)
    print(f"startup to READY: {startup:.2f}s ({endpoint})")
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
                      AWS_DEFAULT_REGION="us-east-1")
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    cfg = Config(retries={"max_attempts": 1})
    results: list[tuple[str, bool, str]] = []

    def check(name: str, fn) -> None:
        t = time.monotonic()
        try:
            detail = fn() or ""
            results.append((name, True, f"{detail} ({(time.monotonic() - t) * 1000:.0f} ms)"))
        except Exception as exc:  # noqa: BLE001 - report everything
            results.append((name, False, f"{type(exc).__name__}: {exc}"[:300]))

    iam = boto3.client("iam", config=cfg)

    def root_state():
        if not vanilla:
            post(f"{endpoint}/_secbaseline/root",
                 {"mfa_enabled": True, "access_keys_present": 1, "virtual_mfa": True})
        s = iam.get_account_summary()["SummaryMap"]
        assert s["AccountMFAEnabled"] == 1, s["AccountMFAEnabled"]
        assert s["AccountAccessKeysPresent"] == 1, s["AccountAccessKeysPresent"]
        iam.generate_credential_report()
        rows = list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))
        assert rows and rows[0]["user"] == "<root_account>", rows[:1]
        assert rows[0]["mfa_active"] == "true" and rows[0]["access_key_1_active"] == "true"
        assert rows[0]["password_enabled"] == "not_supported"
        devs = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        assert any(d["SerialNumber"].endswith(":mfa/root-account-mfa-device") for d in devs), devs
        return "summary, report row, virtual MFA"

    def access_analyzer():
        aa = boto3.client("accessanalyzer", config=cfg)
        aa.create_analyzer(analyzerName="acct", type="ACCOUNT")
        aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
        got = aa.list_analyzers(type="ACCOUNT")["analyzers"]
        assert [a["name"] for a in got] == ["acct"] and got[0]["status"] == "ACTIVE", got
        assert aa.get_analyzer(analyzerName="acct")["analyzer"]["type"] == "ACCOUNT"
        aa.delete_analyzer(analyzerName="acct")
        try:
            aa.get_analyzer(analyzerName="acct")
            raise AssertionError("deleted analyzer still found")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
        return "create/list(type)/get/delete"

    def lex_policy():
        lex = boto3.client("lexv2-models", config=cfg)
        bot = lex.create_bot(botName="b", roleArn="arn:aws:iam::123456789012:role/r",
                             dataPrivacy={"childDirected": False}, idleSessionTTLInSeconds=300)
        arn = f"arn:aws:lex:us-east-1:123456789012:bot/{bot['botId']}"
        try:
            lex.describe_resource_policy(resourceArn=arn)
            raise AssertionError("no error for a missing policy")
        except ClientError as e:
            code = e.response["Error"]["Code"]
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
        return "ResourceNotFoundException 404"

    def lex_aliases_per_bot():
        lex = boto3.client("lexv2-models", config=cfg)
        mk = lambda n: lex.create_bot(botName=n, roleArn="arn:aws:iam::123456789012:role/r",
                                      dataPrivacy={"childDirected": False},
                                      idleSessionTTLInSeconds=300)["botId"]
        b1, b2 = mk("one"), mk("two")
        a1 = lex.create_bot_alias(botId=b1, botAliasName="prod", botVersion="DRAFT")["botAliasId"]
        names = sorted(a["botAliasName"] for a in lex.list_bot_aliases(botId=b1)["botAliasSummaries"])
        assert names == ["TestBotAlias", "prod"], names
        try:
            lex.describe_bot_alias(botId=b2, botAliasId=a1)
            raise AssertionError("alias found under another bot")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
        return "ListBotAliases/DescribeBotAlias honour botId"

    def wire_types():
        bodies: dict[str, bytes] = {}
        lex = boto3.client("lexv2-models", config=cfg)
        pp = boto3.client("pinpoint", config=cfg)
        for client in (lex, pp):
            client.meta.events.register(
                "after-call", lambda http_response, model, **_: bodies.__setitem__(model.name, http_response.content))
        lex.create_bot(botName="w", roleArn="arn:aws:iam::123456789012:role/r",
                       dataPrivacy={"childDirected": False}, idleSessionTTLInSeconds=300)
        lex.list_bots()
        pp.create_app(CreateApplicationRequest={"Name": "w"})
        pp.get_apps()
        bot = json.loads(bodies["ListBots"])["botSummaries"][0]
        assert isinstance(bot["lastUpdatedDateTime"], float), bot
        assert isinstance(bot["latestBotVersion"], str), bot
        app = json.loads(bodies["GetApps"])["Item"][0]
        assert isinstance(app["CreationDate"], str), app
        return "epoch timestamps and version strings (Lex), date strings (Pinpoint)"

    def apigw_client_cert():
        apigw = boto3.client("apigateway", config=cfg)
        cert = apigw.generate_client_certificate(description="d")
        assert [c["clientCertificateId"] for c in apigw.get_client_certificates()["items"]] == [
            cert["clientCertificateId"]]
        api = apigw.create_rest_api(name="a")
        root = apigw.get_resources(restApiId=api["id"])["items"][0]["id"]
        apigw.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET",
                         authorizationType="NONE")
        apigw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
        dep = apigw.create_deployment(restApiId=api["id"])
        apigw.create_stage(restApiId=api["id"], stageName="s", deploymentId=dep["id"])
        apigw.update_stage(restApiId=api["id"], stageName="s", patchOperations=[
            {"op": "replace", "path": "/clientCertificateId", "value": cert["clientCertificateId"]}])
        got = apigw.get_stage(restApiId=api["id"], stageName="s").get("clientCertificateId")
        assert got == cert["clientCertificateId"], got
        return "generate/list, stage patch"

    def apigwv2_update_stage():
        v2 = boto3.client("apigatewayv2", config=cfg)
        api = v2.create_api(Name="h", ProtocolType="HTTP")
        v2.create_stage(ApiId=api["ApiId"], StageName="s")
        v2.update_stage(ApiId=api["ApiId"], StageName="s", AccessLogSettings={
            "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:g", "Format": "$context.requestId"})
        got = v2.get_stage(ApiId=api["ApiId"], StageName="s").get("AccessLogSettings", {})
        assert got.get("DestinationArn", "").endswith(":log-group:g"), got
        return "access log settings"

    def iam_test_state():
        iam.create_user(UserName="aged")
        iam.create_access_key(UserName="aged")
        post(f"{endpoint}/_secbaseline/iam/backdate", {"user_name": "aged", "days": 200})
        key = iam.list_access_keys(UserName="aged")["AccessKeyMetadata"][0]
        age = time.time() - key["CreateDate"].timestamp()
        assert 199 * 86400 < age < 201 * 86400, age
        arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                    "Resource": "*"}]}))["Policy"]["Arn"]
        post(f"{endpoint}/_secbaseline/iam/policy-document", {"policy_arn": arn, "document": "{oops"})
        doc = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
        assert doc == "{oops" or "oops" in str(doc), doc
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "ec2.amazonaws.com"}}]}))
        post(f"{endpoint}/_secbaseline/iam/policy-document", {"trust_policy_of": "r", "document": "[trust"})
        got = iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]
        assert "[trust" in urllib.parse.unquote(str(got)), got
        return "backdate, verbatim policy and trust documents"

    def server_certificate_expiry():
        from datetime import datetime, timedelta, timezone

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "selftest")])
        not_after = datetime(2040, 1, 2, tzinfo=timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(1)
                .not_valid_before(not_after - timedelta(days=365)).not_valid_after(not_after)
                .sign(key, hashes.SHA256()))
        iam.upload_server_certificate(
            ServerCertificateName="c", CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode(),
            PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode())
        got = iam.list_server_certificates()["ServerCertificateMetadataList"][0]["Expiration"]
        assert got.year == 2040, got
        return "Expiration = the body's NotAfter"

    def reset_clears():
        iam.create_user(UserName="u")
        post(f"{endpoint}/moto-api/reset")
        assert iam.list_users()["Users"] == []
        if not vanilla:
            s = iam.get_account_summary()["SummaryMap"]
            assert (s["AccountMFAEnabled"], s["AccountAccessKeysPresent"]) == (1, 0), s
            aa = boto3.client("accessanalyzer", config=cfg)
            assert aa.list_analyzers()["analyzers"] == []
        return "moto and extension state"

    for name, fn in [("iam root state", root_state), ("access analyzer", access_analyzer),
                     ("lex DescribeResourcePolicy", lex_policy),
                     ("lex aliases per bot", lex_aliases_per_bot),
                     ("lex/pinpoint wire types", wire_types),
                     ("apigateway client certificates", apigw_client_cert),
                     ("apigatewayv2 UpdateStage", apigwv2_update_stage),
                     ("iam test-only state", iam_test_state),
                     ("iam server certificate expiry", server_certificate_expiry),
                     ("reset", reset_clears)]:
        check(name, fn)

    proc.terminate()
    proc.wait(timeout=10)
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed and not vanilla else 0


if __name__ == "__main__":
    sys.exit(main())
