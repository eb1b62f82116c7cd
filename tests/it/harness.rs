//! Self-test of the integration-test harness: the emulator (moto + the launcher's extensions),
//! its control calls, and the Terraform runner. If these fail, every other integration test
//! would fail for reasons that have nothing to do with the provider.

use crate::common;

use common::emulator::parse_http_response;
use common::{Emulator, RootState, Workspace};
use serde_json::Value;

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn http_replies_parse() {
    let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    assert_eq!(parse_http_response(plain), Some((200, "{}".to_string())));
    let chunked =
        b"HTTP/1.1 404 NOT FOUND\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    assert_eq!(
        parse_http_response(chunked),
        Some((404, "abcde".to_string()))
    );
    assert_eq!(parse_http_response(b"garbage"), None);
}

#[test]
fn boto3_round_trip_and_reset() {
    let emu = Emulator::start();
    let out = emu.python(
        r#"
iam = boto3.client("iam")
iam.create_user(UserName="alice")
print(json.dumps(iam.get_user(UserName="alice")["User"]["Arn"]))
"#,
    );
    assert_eq!(json(&out), "arn:aws:iam::123456789012:user/alice");

    emu.reset();
    let users =
        emu.python_json(r#"print(json.dumps(len(boto3.client("iam").list_users()["Users"])))"#);
    assert_eq!(users, 0, "reset must clear moto's state");
    assert!(emu.log_path().exists(), "the emulator keeps a log");
}

const ROOT_QUERY: &str = r#"
import csv, io
iam = boto3.client("iam")
summary = iam.get_account_summary()["SummaryMap"]
iam.generate_credential_report()
rows = list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))
devices = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
print(json.dumps({
    "mfa": summary["AccountMFAEnabled"],
    "keys": summary["AccountAccessKeysPresent"],
    "first_row": rows[0],
    "users": [r["user"] for r in rows],
    "virtual": [d["SerialNumber"] for d in devices],
}))
"#;

#[test]
fn root_state_extension() {
    let emu = Emulator::start();
    emu.python(r#"boto3.client("iam").create_user(UserName="bob")"#);

    // Default: a secure root, reported as such everywhere.
    let v = json(&emu.python(ROOT_QUERY));
    assert_eq!(
        (v["mfa"].as_i64(), v["keys"].as_i64()),
        (Some(1), Some(0)),
        "{v}"
    );
    assert_eq!(
        v["users"],
        serde_json::json!(["<root_account>", "bob"]),
        "root row first: {v}"
    );
    let row = &v["first_row"];
    assert_eq!(row["arn"], "arn:aws:iam::123456789012:root");
    assert_eq!(row["password_enabled"], "not_supported");
    assert_eq!(row["mfa_active"], "true");
    assert_eq!(row["access_key_1_active"], "false");
    assert_eq!(row["access_key_2_active"], "false");
    assert_eq!(v["virtual"], serde_json::json!([]));

    // Neglected root: no MFA, two keys.
    emu.set_root(RootState {
        mfa_enabled: false,
        access_keys_present: 2,
        virtual_mfa: false,
    });
    let v = json(&emu.python(ROOT_QUERY));
    assert_eq!(
        (v["mfa"].as_i64(), v["keys"].as_i64()),
        (Some(0), Some(1)),
        "{v}"
    );
    let row = &v["first_row"];
    assert_eq!(row["mfa_active"], "false");
    assert_eq!(row["access_key_1_active"], "true");
    assert_eq!(row["access_key_2_active"], "true");
    assert_ne!(row["access_key_1_last_rotated"], "N/A");

    // Virtual MFA on root.
    emu.set_root(RootState {
        mfa_enabled: true,
        access_keys_present: 0,
        virtual_mfa: true,
    });
    let v = json(&emu.python(ROOT_QUERY));
    assert_eq!(v["mfa"].as_i64(), Some(1));
    assert_eq!(
        v["virtual"],
        serde_json::json!(["arn:aws:iam::123456789012:mfa/root-account-mfa-device"])
    );

    // The control endpoint reads back, and reset restores the secure default.
    let (status, body) = emu.get("/_secbaseline/root");
    assert_eq!(status, 200);
    assert_eq!(json(&body)["virtual_mfa"], true);
    emu.reset();
    let v = json(&emu.python(ROOT_QUERY));
    assert_eq!(
        (v["mfa"].as_i64(), v["keys"].as_i64()),
        (Some(1), Some(0)),
        "{v}"
    );
    assert_eq!(v["users"], serde_json::json!(["<root_account>"]));
    assert_eq!(v["virtual"], serde_json::json!([]));

    // Bad input is refused, not half-applied.
    let (status, _) = emu.post_json("/_secbaseline/root", r#"{"access_keys_present": 7}"#);
    assert_eq!(status, 400);
}

#[test]
fn access_analyzer_lex_and_apigateway_extensions() {
    let emu = Emulator::start();
    let out = emu.python(
        r#"
from botocore.exceptions import ClientError
aa = boto3.client("accessanalyzer")
arn = aa.create_analyzer(analyzerName="acct", type="ACCOUNT")["arn"]
aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
try:
    aa.create_analyzer(analyzerName="acct", type="ACCOUNT")
    dup = "accepted"
except ClientError as e:
    dup = e.response["Error"]["Code"]
listed = aa.list_analyzers(type="ACCOUNT")["analyzers"]
got = aa.get_analyzer(analyzerName="acct")["analyzer"]
aa.delete_analyzer(analyzerName="acct")
try:
    aa.get_analyzer(analyzerName="acct")
    after = "found"
except ClientError as e:
    after = e.response["Error"]["Code"]

lex = boto3.client("lexv2-models")
bot = lex.create_bot(botName="b", roleArn="arn:aws:iam::123456789012:role/r",
                     dataPrivacy={"childDirected": False}, idleSessionTTLInSeconds=300)
try:
    lex.describe_resource_policy(resourceArn=f"arn:aws:lex:us-east-1:123456789012:bot/{bot['botId']}")
    lex_err = ["none", 200]
except ClientError as e:
    lex_err = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]

apigw = boto3.client("apigateway")
cert = apigw.generate_client_certificate(description="backend")["clientCertificateId"]
api = apigw.create_rest_api(name="a")["id"]
root = apigw.get_resources(restApiId=api)["items"][0]["id"]
apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
dep = apigw.create_deployment(restApiId=api)["id"]
apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep)
apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
    {"op": "replace", "path": "/clientCertificateId", "value": cert}])
stage_cert = apigw.get_stage(restApiId=api, stageName="prod").get("clientCertificateId")

v2 = boto3.client("apigatewayv2")
hid = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
v2.create_stage(ApiId=hid, StageName="s")
v2.update_stage(ApiId=hid, StageName="s", AccessLogSettings={
    "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:g", "Format": "$context.requestId"})
v2_dest = v2.get_stage(ApiId=hid, StageName="s")["AccessLogSettings"]["DestinationArn"]

print(json.dumps({"arn": arn, "dup": dup, "listed": [a["name"] for a in listed],
                  "status": got["status"], "type": got["type"], "after": after,
                  "lex": lex_err, "certs": len(apigw.get_client_certificates()["items"]),
                  "stage_cert_ok": stage_cert == cert, "v2_dest": v2_dest}))
"#,
    );
    let v = json(&out);
    assert_eq!(
        v["arn"],
        "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/acct"
    );
    assert_eq!(v["dup"], "ConflictException");
    assert_eq!(v["listed"], serde_json::json!(["acct"]), "type filter: {v}");
    assert_eq!(
        (v["status"].as_str(), v["type"].as_str()),
        (Some("ACTIVE"), Some("ACCOUNT"))
    );
    assert_eq!(v["after"], "ResourceNotFoundException");
    assert_eq!(
        v["lex"],
        serde_json::json!(["ResourceNotFoundException", 404])
    );
    assert_eq!(v["certs"], 1);
    assert_eq!(v["stage_cert_ok"], true);
    assert_eq!(
        v["v2_dest"],
        "arn:aws:logs:us-east-1:123456789012:log-group:g"
    );

    // Reset clears the extensions' state too.
    emu.reset();
    let out = emu.python(
        r#"print(json.dumps([len(boto3.client("accessanalyzer").list_analyzers()["analyzers"]),
                  len(boto3.client("apigateway").get_client_certificates()["items"])]))"#,
    );
    assert_eq!(json(&out), serde_json::json!([0, 0]));
}

#[test]
fn terraform_runner_works() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu, "output \"x\" {\n  value = 1\n}\n");
    ws.apply().assert_success();
    assert_eq!(ws.output_json("x"), serde_json::json!(1));
    assert_eq!(
        ws.plan_detailed_exitcode(),
        0,
        "apply then plan shows no changes"
    );

    ws.write("main.tf", "output \"x\" {\n  value = 2\n}\n");
    assert_eq!(
        ws.plan_detailed_exitcode(),
        2,
        "a changed output is a change"
    );
    let applied = ws.apply_json();
    applied.assert_success();
    assert!(
        applied.json_lines().iter().any(|l| l["type"] == "outputs"),
        "{applied}"
    );
    assert_eq!(ws.show_json()["values"]["outputs"]["x"]["value"], 2);
    ws.destroy().assert_success();

    // A broken config fails with a diagnostic instead of panicking the runner.
    ws.write("main.tf", "output \"x\" {\n");
    let out = ws.plan();
    out.assert_failure();
    assert!(out.combined().contains("Error"), "{out}");
}

#[test]
fn terraform_mirror_workspace_inits() {
    // init must find the provider in the mirror layout and install the local module. The
    // provider is not started here (init does not run it), so this holds before the provider
    // itself is complete.
    let emu = Emulator::start();
    let ws = Workspace::with_mirror_files(
        &emu,
        &[
            (
                "main.tf",
                "terraform {\n  required_providers {\n    secbaseline = {\n      source  = \"secbaseline/secbaseline\"\n      version = \"0.1.0\"\n    }\n  }\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
            ),
            ("m/main.tf", "output \"v\" {\n  value = 1\n}\n"),
        ],
    );
    let lock = std::fs::read_to_string(ws.dir().join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains("registry.terraform.io/secbaseline/secbaseline"),
        "{lock}"
    );
    assert!(
        ws.dir().join(".terraform/modules/modules.json").exists(),
        "module installed"
    );
}
