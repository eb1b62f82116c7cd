//! Provider configuration through the real `terraform` binary: the account data source
//! against the emulator, and bad configuration giving clear diagnostics on the right attribute.

use crate::common;

use common::{Emulator, Workspace};

const HEADER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

fn config(provider_block: &str, rest: &str) -> String {
    format!("{HEADER}\n{provider_block}\n{rest}\n")
}

const ACCOUNT: &str = r#"
data "secbaseline_account" "this" {}
output "account" { value = data.secbaseline_account.this }
"#;

#[test]
fn account_data_source_reads_the_emulator_identity() {
    let emu = Emulator::start();
    let ws = Workspace::new(
        &emu,
        &config(
            r#"provider "secbaseline" { region = "us-east-1" }"#,
            ACCOUNT,
        ),
    );
    ws.apply().assert_success();
    let account = ws.output_json("account");
    assert_eq!(account["account_id"], "123456789012");
    assert_eq!(account["id"], "123456789012");
    assert_eq!(account["partition"], "aws");
    assert_eq!(account["region"], "us-east-1");
    assert!(
        account["arn"]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws:")),
        "{account}"
    );
}

#[test]
fn assume_role_reads_the_assumed_account() {
    let emu = Emulator::start();
    let provider = r#"provider "secbaseline" {
  region = "us-east-1"
  assume_role {
    role_arn     = "arn:aws:iam::210987654321:role/audit"
    session_name = "ci"
    external_id  = "x-123"
    duration     = "1h"
  }
}"#;
    let ws = Workspace::new(&emu, &config(provider, ACCOUNT));
    ws.apply().assert_success();
    assert_eq!(ws.output_json("account")["account_id"], "210987654321");
}

#[test]
fn endpoints_block_overrides_the_environment() {
    let emu = Emulator::start();
    let provider = format!(
        "provider \"secbaseline\" {{\n  region = \"us-east-1\"\n  endpoints {{\n    sts = \"{}\"\n  }}\n}}",
        emu.endpoint()
    );
    let mut ws = Workspace::new(&emu, &config(&provider, ACCOUNT));
    // The global endpoint points nowhere; only the sts override can make this work.
    ws.set_env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    ws.apply().assert_success();
    assert_eq!(ws.output_json("account")["account_id"], "123456789012");
}

fn assert_diag(out: &common::Output, summary_part: &str, attribute_hint: &str) {
    out.assert_failure();
    let text = out.combined();
    assert!(
        text.contains(summary_part),
        "expected {summary_part:?} in:\n{text}"
    );
    assert!(
        text.contains(attribute_hint),
        "expected the attribute {attribute_hint:?} to be named in:\n{text}"
    );
    assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
}

#[test]
fn unknown_region_is_rejected_on_the_region_attribute() {
    let ws = Workspace::offline(&config(
        r#"provider "secbaseline" { region = "mars-north-9x" }"#,
        ACCOUNT,
    ));
    assert_diag(&ws.plan(), "Invalid AWS region", "region");
}

#[test]
fn malformed_endpoint_url_is_rejected_on_its_attribute() {
    let provider = r#"provider "secbaseline" {
  region = "us-east-1"
  endpoints {
    iam = "not a url"
  }
}"#;
    let ws = Workspace::offline(&config(provider, ACCOUNT));
    assert_diag(&ws.plan(), "Invalid endpoint URL", "iam");
}

#[test]
fn assume_role_without_role_arn_is_rejected() {
    let provider = r#"provider "secbaseline" {
  region = "us-east-1"
  assume_role {
    session_name = "ci"
  }
}"#;
    let ws = Workspace::offline(&config(provider, ACCOUNT));
    assert_diag(&ws.plan(), "Missing assume_role role_arn", "role_arn");
}

#[test]
fn rejected_credentials_say_what_to_fix() {
    // Nothing answers on the endpoint and no credential source works: configure must fail
    // with a diagnostic that points at the credentials, not crash or hang.
    let mut ws = Workspace::offline(&config(
        r#"provider "secbaseline" { region = "us-east-1" }"#,
        ACCOUNT,
    ));
    ws.set_env("AWS_ACCESS_KEY_ID", "");
    ws.set_env("AWS_SECRET_ACCESS_KEY", "");
    let out = ws.plan();
    assert_diag(
        &out,
        "Invalid AWS credentials or configuration",
        "credentials",
    );
}

#[test]
fn computed_only_attribute_in_config_is_rejected() {
    let emu = Emulator::start();
    let ws = Workspace::new(
        &emu,
        &config(
            r#"provider "secbaseline" { region = "us-east-1" }"#,
            "data \"secbaseline_account\" \"this\" {\n  account_id = \"1\"\n}\n",
        ),
    );
    assert_diag(&ws.plan(), "cannot be set", "account_id");
}
