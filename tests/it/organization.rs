//! A whole organization through the real terraform binary: 12 member accounts in nested
//! organizational units with different good and bad resources in two regions each, and the
//! management account's organization trail with a CIS alarm. One `secbaseline_assessment` with
//! `accounts = data.secbaseline_accounts.org.ids` judges each account exactly as a
//! single-account assessment of it does, never names another account's resources in an
//! account's findings, lets the organization trail pass its members, and makes the one account
//! whose role cannot be assumed ERROR alone.
use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::assessment::{seed, seed_logging};
use common::{Emulator, Workspace};
use serde_json::Value;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const MANAGEMENT: &str = "123456789012";

/// The organization: OUs Prod (with Web inside), Dev, Sandbox; 12 members spread over them;
/// in each member and region a REST API whose stage has X-Ray on or off (alternating by
/// account, reversed between the regions); one member whose `audit` role AWS refuses.
const SEED: &str = r#"
import urllib.request, os
REGIONS = ["us-east-1", "eu-west-1"]
org = boto3.client("organizations")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
prod = org.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]["Id"]
web = org.create_organizational_unit(ParentId=prod, Name="Web")["OrganizationalUnit"]["Id"]
dev = org.create_organizational_unit(ParentId=root, Name="Dev")["OrganizationalUnit"]["Id"]
sandbox = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
units = [prod, web, dev, sandbox]
members, under_prod = [], []
sts = boto3.client("sts")
for i in range(12):
    acct = org.create_account(Email=f"member{i}@example.com", AccountName=f"member-{i}")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=units[i % 4])
    members.append(acct)
    if units[i % 4] in (prod, web):
        under_prod.append(acct)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/audit", RoleSessionName="seed")["Credentials"]
    s = boto3.session.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                              aws_session_token=c["SessionToken"])
    for r, region in enumerate(REGIONS):
        apigw = s.client("apigateway", region_name=region)
        api = apigw.create_rest_api(name=f"orders-{i}")["id"]
        res = [x for x in apigw.get_resources(restApiId=api)["items"] if x["path"] == "/"][0]["id"]
        apigw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="AWS_IAM")
        apigw.put_integration(restApiId=api, resourceId=res, httpMethod="GET", type="MOCK")
        dep = apigw.create_deployment(restApiId=api)["id"]
        apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep, tracingEnabled=(i + r) % 2 == 0)
refused = members[5]
req = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/_secbaseline/sts/refuse-role",
                             data=json.dumps({"role_arn": f"arn:aws:iam::{refused}:role/audit"}).encode(), method="POST")
urllib.request.urlopen(req).read()
print(json.dumps({"members": members, "refused": refused, "prod": prod, "web": web,
                  "under_prod": sorted(under_prod)}))
"#;

/// The management account's trail (from `tests/seeds/logging.py`, with its 14 CIS filters and
/// alarms) made the organization's.
const ORGANIZATION_TRAIL: &str = r#"
boto3.client("cloudtrail").update_trail(Name="baseline", IsOrganizationTrail=True)
print(json.dumps({}))
"#;

const SERVICES: &str = r#"["apigateway", "cloudtrail", "cloudwatch"]"#;

fn config(prod_ou: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    secbaseline = {{ source = "secbaseline/secbaseline" }}
  }}
}}
provider "secbaseline" {{
  region = "us-east-1"
}}

data "secbaseline_accounts" "org" {{}}

data "secbaseline_accounts" "prod" {{
  ou_ids = ["{prod_ou}"]
}}

# The organization in one assessment.
data "secbaseline_assessment" "org" {{
  accounts  = data.secbaseline_accounts.org.ids
  role_name = "audit"
  regions   = ["us-east-1", "eu-west-1"]
  services  = {SERVICES}
}}

# Each account on its own, for comparison.
data "secbaseline_assessment" "one" {{
  for_each = toset(data.secbaseline_accounts.org.ids)
  assume_role {{
    role_arn = "arn:aws:iam::${{each.key}}:role/audit"
  }}
  regions  = ["us-east-1", "eu-west-1"]
  services = {SERVICES}
}}

output "accounts" {{ value = data.secbaseline_accounts.org.accounts }}
output "prod_ids" {{ value = data.secbaseline_accounts.prod.ids }}
output "org" {{
  value = {{
    id       = data.secbaseline_assessment.org.id
    findings = data.secbaseline_assessment.org.findings
    summary  = data.secbaseline_assessment.org.summary
  }}
}}
output "one" {{ value = {{ for k, a in data.secbaseline_assessment.one : k => a.findings }} }}
"#
    )
}

type Verdicts = BTreeMap<(String, String), String>;

/// (control, resource) → status of the findings of `account`, each pair once.
fn verdicts(findings: &[Value], account: &str, skip: impl Fn(&str) -> bool) -> Verdicts {
    let mut out = Verdicts::new();
    for f in findings.iter().filter(|f| f["account_id"] == account) {
        let control = f["control_id"].as_str().unwrap_or_default().to_string();
        if skip(&control) {
            continue;
        }
        let key = (
            control,
            f["resource_id"].as_str().unwrap_or_default().to_string(),
        );
        let status = f["status"].as_str().unwrap_or_default().to_string();
        assert!(
            out.insert(key.clone(), status).is_none(),
            "two findings of {key:?}"
        );
    }
    out
}

fn status_of(findings: &[Value], control: &str, account: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["control_id"] == control && f["account_id"] == account)
        .map(|f| f["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn one_assessment_judges_the_organization_account_by_account() {
    let emu = Emulator::start();
    let org = seed(&emu, SEED);
    seed_logging(&emu);
    seed(&emu, ORGANIZATION_TRAIL);
    let members: Vec<String> = org["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(members.len(), 12);
    let refused = org["refused"].as_str().unwrap_or_default().to_string();

    let ws = Workspace::new(&emu, &config(org["prod"].as_str().unwrap_or_default()));
    ws.apply().assert_success();

    // secbaseline_accounts: every ACTIVE account, with its OU path; ou_ids is recursive.
    let accounts = ws.output_json("accounts");
    let listed: BTreeSet<String> = accounts
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .collect();
    let mut everyone: BTreeSet<String> = members.iter().cloned().collect();
    everyone.insert(MANAGEMENT.to_string());
    assert_eq!(listed, everyone);
    let web_member = &members[1];
    let web_path = accounts
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["id"] == web_member.as_str())
        .map(|a| a["ou_path"].clone());
    assert_eq!(web_path, Some(Value::from("/Root/Prod/Web")));
    assert_eq!(ws.output_json("prod_ids"), org["under_prod"]);

    let result = ws.output_json("org");
    let findings = result["findings"].as_array().cloned().unwrap_or_default();
    let id = result["id"].as_str().unwrap_or_default();
    assert!(everyone.iter().all(|a| id.contains(a.as_str())), "{id}");
    assert_eq!(
        result["summary"]["by_account"].as_object().map(|m| m.len()),
        Some(13)
    );
    // Unique by (control, resource) across the whole organization.
    let mut seen = BTreeSet::new();
    for f in &findings {
        let key = (f["control_id"].to_string(), f["resource_id"].to_string());
        assert!(seen.insert(key.clone()), "two findings of {key:?}");
    }
    // No finding of one account names another account's resources.
    for f in &findings {
        let mine = f["account_id"].as_str().unwrap_or_default();
        let resource = f["resource_id"].as_str().unwrap_or_default();
        for other in everyone.iter().filter(|a| a.as_str() != mine) {
            assert!(
                !resource.contains(other.as_str()),
                "{mine} names {other}: {f}"
            );
        }
    }

    // The refused role: ERROR for that account alone, naming the role and AWS's code.
    let theirs: Vec<&Value> = findings
        .iter()
        .filter(|f| f["account_id"] == refused.as_str())
        .collect();
    assert!(!theirs.is_empty());
    for f in &theirs {
        let message = f["message"].as_str().unwrap_or_default();
        assert_eq!(f["status"], "ERROR", "{f}");
        assert!(
            message.contains("role/audit") && message.contains("AccessDenied"),
            "{f}"
        );
    }
    assert!(
        findings
            .iter()
            .filter(|f| f["account_id"] != refused.as_str())
            .all(|f| f["status"] != "ERROR"),
        "an ERROR outside the refused account"
    );

    // The organization trail passes every reachable member, and so does its CIS alarm when
    // its owner is assessed too.
    let one = ws.output_json("one");
    for account in everyone.iter().filter(|a| **a != refused) {
        assert_eq!(
            status_of(&findings, "cloudtrail_multi_region", account),
            ["PASS"],
            "{account}"
        );
        assert_eq!(
            status_of(&findings, "apigateway_cloudtrail", account),
            ["PASS"],
            "{account}"
        );
        assert_eq!(
            status_of(&findings, "cloudwatch_alarm_root_usage", account),
            ["PASS"],
            "{account}"
        );
        let alone = one[account.as_str()]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            status_of(&alone, "cloudtrail_multi_region", account),
            ["PASS"],
            "{account}"
        );
        if account != MANAGEMENT {
            // Alone, a member sees the trail but not its owner's alarms: UNKNOWN, naming the
            // account to add.
            let alarm = alone
                .iter()
                .find(|f| f["control_id"] == "cloudwatch_alarm_root_usage")
                .cloned()
                .unwrap_or_default();
            assert_eq!(alarm["status"], "UNKNOWN", "{alarm}");
            assert!(
                alarm["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(MANAGEMENT),
                "{alarm}"
            );
        }
        // Everything else: exactly what the single-account assessment says.
        let cross_account =
            |control: &str| control.starts_with("cloudwatch_alarm_") && account != MANAGEMENT;
        assert_eq!(
            verdicts(&findings, account, cross_account),
            verdicts(&alone, account, cross_account),
            "account {account}"
        );
    }

    // Each member's own resources, in both regions: X-Ray alternates by account and region.
    for (i, account) in members.iter().enumerate().filter(|(_, a)| **a != refused) {
        for (r, region) in REGIONS.iter().enumerate() {
            let want = if (i + r) % 2 == 0 { "PASS" } else { "FAIL" };
            let got: Vec<&Value> = findings
                .iter()
                .filter(|f| {
                    f["control_id"] == "apigateway_rest_xray_tracing"
                        && f["account_id"] == account.as_str()
                        && f["region"] == *region
                })
                .collect();
            assert_eq!(got.len(), 1, "{account} {region}: {got:?}");
            assert_eq!(got[0]["status"], want, "{account} {region}");
        }
    }
}

/// `examples/organization-gate` as given (its role name swapped for the test's): the whole
/// organization, every enabled region, `fail_on = "high"`, in 18 lines of HCL.
#[test]
fn the_organization_gate_example_runs_as_given() {
    let emu = Emulator::start();
    let org = seed(&emu, SEED);
    // Two enabled regions keep the run short; "all" asks each account for them.
    let (status, body) = emu.post_json(
        "/_secbaseline/account/regions",
        r#"{"regions": ["us-east-1", "eu-west-1"]}"#,
    );
    assert_eq!(status, 200, "{body}");
    let example = include_str!("../../examples/organization-gate/main.tf");
    assert!(example.lines().count() < 20, "the gate is under 20 lines");
    let main_tf = example.replace("\"OrganizationAccountAccessRole\"", "\"audit\"");
    let ws = Workspace::new(
        &emu,
        &format!("provider \"secbaseline\" {{ region = \"us-east-1\" }}\n{main_tf}"),
    );
    // No account has a trail or a recorder yet: the gate stops the plan, naming each account's
    // failing resource; the refused account's controls are ERROR and named in a warning.
    let out = ws.plan();
    out.assert_failure();
    let text = out.combined();
    assert!(
        text.contains("Error: Control cloudtrail_multi_region failed (high, 12 resources)"),
        "{text}"
    );
    assert!(text.contains("arn:aws:iam::123456789012:root"), "{text}");
    let refused = org["refused"].as_str().unwrap_or_default();
    assert!(
        text.contains(refused) && text.contains("could not be evaluated"),
        "{text}"
    );
}
