//! The rule catalogue: every control as one small type carrying metadata and behaviour,
//! registered in one static list whose order drives reports and generated docs.

pub mod apigateway;
#[cfg(test)]
mod document_table;
pub mod iam;
pub mod lex;
pub mod logging;
mod meta;
pub mod pinpoint;
mod policies;
pub mod service_account;
pub mod sts;
mod support;
#[cfg(test)]
pub(crate) mod testkit;

pub use meta::{Meta, Rule};

use logging::CIS_ALARMS;

/// Every registered rule, in catalogue order (the order of the docs).
pub fn catalogue() -> &'static [&'static dyn Rule] {
    static RULES: [&dyn Rule; 69] = [
        &apigateway::RestExecutionLogging,
        &apigateway::RestAccessLogging,
        &apigateway::V2AccessLogging,
        &apigateway::RestClientCertificate,
        &apigateway::RestXrayTracing,
        &apigateway::RestWaf,
        &apigateway::RestCacheEncrypted,
        &apigateway::RestMethodAuthorization,
        &apigateway::RestResourcePolicyPublic,
        &apigateway::V2RouteAuthorization,
        &apigateway::V2PrivateIntegrationTls,
        &apigateway::DomainTls,
        &apigateway::StageVariablesNoSecrets,
        &apigateway::StageAlarms,
        &apigateway::Cloudtrail,
        &apigateway::ConfigRecording,
        &apigateway::ConfigRules,
        &apigateway::IamLeastPrivilege,
        &iam::RootAccessKey,
        &iam::RootMfa,
        &iam::RootHardwareMfa,
        &iam::UserConsoleMfa,
        &iam::UserMfa,
        &iam::PasswordPolicy,
        &iam::AccessKeyRotation,
        &iam::UnusedCredentials,
        &iam::UserSingleActiveKey,
        &iam::UserNoDirectPolicies,
        &iam::PolicyNoAdmin,
        &iam::PolicyNoServiceWildcard,
        &iam::SupportRole,
        &iam::ExpiredServerCertificates,
        &iam::NoCloudshellFullAccess,
        &iam::AccessAnalyzer,
        &sts::TrustNoPublicPrincipal,
        &sts::CrossAccountCondition,
        &sts::ServiceConfusedDeputy,
        &sts::NoAssumeAnyRole,
        &pinpoint::EventStream,
        &pinpoint::IAM_LEAST_PRIVILEGE,
        &pinpoint::CLOUDTRAIL,
        &pinpoint::CONFIG_RECORDING,
        &lex::ConversationLogs,
        &lex::ConversationLogsEncrypted,
        &lex::IAM_LEAST_PRIVILEGE,
        &lex::CLOUDTRAIL,
        &lex::CONFIG_RECORDING,
        &logging::MultiRegion,
        &logging::KmsEncryption,
        &logging::LogFileValidation,
        &logging::CloudWatchLogs,
        &logging::BucketNotPublic,
        &logging::BucketAccessLogging,
        &logging::ConfigRecorder,
        &CIS_ALARMS[0],
        &CIS_ALARMS[1],
        &CIS_ALARMS[2],
        &CIS_ALARMS[3],
        &CIS_ALARMS[4],
        &CIS_ALARMS[5],
        &CIS_ALARMS[6],
        &CIS_ALARMS[7],
        &CIS_ALARMS[8],
        &CIS_ALARMS[9],
        &CIS_ALARMS[10],
        &CIS_ALARMS[11],
        &CIS_ALARMS[12],
        &CIS_ALARMS[13],
        &logging::AlarmActions,
    ];
    &RULES
}

/// The rule with this control id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    catalogue().iter().copied().find(|r| r.meta().id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::facts::{Collected, Facts, RegionFacts, Source};
    use crate::finding::Status;
    use crate::remediation::Bundle;
    use crate::rules::testkit::{params, ACCOUNT, REGION};
    use crate::severity::Severity;

    /// The published catalogue, section by section (API Gateway, IAM, STS, Pinpoint, Lex,
    /// account logging and monitoring): id, severity, remediated_by. IDs are a public
    /// interface, so this second copy makes any change to them fail here and be made on purpose.
    const EXPECTED: &[(&str, Severity, Option<Bundle>)] = &[
        ("apigateway_rest_execution_logging", Severity::Medium, None),
        ("apigateway_rest_access_logging", Severity::Medium, None),
        ("apigateway_v2_access_logging", Severity::Medium, None),
        ("apigateway_rest_client_certificate", Severity::Medium, None),
        ("apigateway_rest_xray_tracing", Severity::Low, None),
        ("apigateway_rest_waf", Severity::Medium, None),
        ("apigateway_rest_cache_encrypted", Severity::Medium, None),
        (
            "apigateway_rest_method_authorization",
            Severity::Medium,
            None,
        ),
        (
            "apigateway_rest_resource_policy_public",
            Severity::High,
            None,
        ),
        ("apigateway_v2_route_authorization", Severity::Medium, None),
        (
            "apigateway_v2_private_integration_tls",
            Severity::Medium,
            None,
        ),
        ("apigateway_domain_tls", Severity::Medium, None),
        (
            "apigateway_stage_variables_no_secrets",
            Severity::High,
            None,
        ),
        (
            "apigateway_stage_alarms",
            Severity::Medium,
            Some(Bundle::Alarms),
        ),
        (
            "apigateway_cloudtrail",
            Severity::High,
            Some(Bundle::CloudTrail),
        ),
        (
            "apigateway_config_recording",
            Severity::Medium,
            Some(Bundle::ConfigRules),
        ),
        (
            "apigateway_config_rules",
            Severity::Low,
            Some(Bundle::ConfigRules),
        ),
        ("apigateway_iam_least_privilege", Severity::Medium, None),
        ("iam_root_access_key", Severity::Critical, None),
        ("iam_root_mfa", Severity::Critical, None),
        ("iam_root_hardware_mfa", Severity::Critical, None),
        ("iam_user_console_mfa", Severity::Medium, None),
        ("iam_user_mfa", Severity::Medium, None),
        ("iam_password_policy", Severity::Medium, None),
        ("iam_access_key_rotation", Severity::Medium, None),
        ("iam_unused_credentials", Severity::Medium, None),
        ("iam_user_single_active_key", Severity::Medium, None),
        ("iam_user_no_direct_policies", Severity::Low, None),
        ("iam_policy_no_admin", Severity::High, None),
        ("iam_policy_no_service_wildcard", Severity::Low, None),
        ("iam_support_role", Severity::Low, None),
        ("iam_expired_server_certificates", Severity::Medium, None),
        ("iam_no_cloudshell_full_access", Severity::Medium, None),
        ("iam_access_analyzer", Severity::High, None),
        ("sts_trust_no_public_principal", Severity::Critical, None),
        ("sts_cross_account_condition", Severity::Medium, None),
        ("sts_service_confused_deputy", Severity::High, None),
        ("sts_no_assume_any_role", Severity::High, None),
        ("pinpoint_event_stream", Severity::Low, None),
        ("pinpoint_iam_least_privilege", Severity::Medium, None),
        (
            "pinpoint_cloudtrail",
            Severity::High,
            Some(Bundle::CloudTrail),
        ),
        (
            "pinpoint_config_recording",
            Severity::Medium,
            Some(Bundle::ConfigRules),
        ),
        ("lex_conversation_logs", Severity::Medium, None),
        ("lex_conversation_logs_encrypted", Severity::Medium, None),
        ("lex_iam_least_privilege", Severity::Medium, None),
        ("lex_cloudtrail", Severity::High, Some(Bundle::CloudTrail)),
        (
            "lex_config_recording",
            Severity::Medium,
            Some(Bundle::ConfigRules),
        ),
        (
            "cloudtrail_multi_region",
            Severity::High,
            Some(Bundle::CloudTrail),
        ),
        (
            "cloudtrail_kms_encryption",
            Severity::Medium,
            Some(Bundle::CloudTrail),
        ),
        (
            "cloudtrail_log_file_validation",
            Severity::Low,
            Some(Bundle::CloudTrail),
        ),
        (
            "cloudtrail_cloudwatch_logs",
            Severity::Low,
            Some(Bundle::CloudTrail),
        ),
        (
            "cloudtrail_bucket_not_public",
            Severity::Critical,
            Some(Bundle::CloudTrail),
        ),
        (
            "cloudtrail_bucket_access_logging",
            Severity::Low,
            Some(Bundle::CloudTrail),
        ),
        (
            "config_recorder",
            Severity::Critical,
            Some(Bundle::ConfigRules),
        ),
        (
            "cloudwatch_alarm_root_usage",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_unauthorized_api_calls",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_console_signin_no_mfa",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_iam_policy_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_cloudtrail_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_console_auth_failures",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_kms_key_deletion",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_s3_policy_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_config_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_security_group_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_nacl_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_network_gateway_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_route_table_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_vpc_changes",
            Severity::Low,
            Some(Bundle::Alarms),
        ),
        (
            "cloudwatch_alarm_actions",
            Severity::High,
            Some(Bundle::Alarms),
        ),
    ];

    #[test]
    fn ids_are_unique() {
        let ids: BTreeSet<&str> = catalogue().iter().map(|r| r.meta().id).collect();
        assert_eq!(ids.len(), catalogue().len());
    }

    #[test]
    fn every_published_id_is_registered_as_specified() {
        for (id, severity, by) in EXPECTED {
            let rule = find(id).unwrap_or_else(|| panic!("{id} is not in the catalogue"));
            assert_eq!(rule.meta().severity, *severity, "{id} severity");
            assert_eq!(rule.meta().remediated_by, *by, "{id} remediated_by");
        }
    }

    #[test]
    fn the_catalogue_is_exactly_the_published_ids_in_order() {
        let registered: Vec<&str> = catalogue().iter().map(|r| r.meta().id).collect();
        let expected: Vec<&str> = EXPECTED.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(registered, expected);
    }

    #[test]
    fn metadata_is_complete() {
        for r in catalogue() {
            let m = r.meta();
            let id = m.id;
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{id}: id must be snake_case"
            );
            assert!(
                id.starts_with(m.service.key()),
                "{id}: id must start with its service key"
            );
            assert!(!m.title.trim().is_empty(), "{id}: title");
            assert!(m.remediation.trim().len() > 20, "{id}: remediation");
            assert!(!m.frameworks.is_empty(), "{id}: frameworks");
            assert!(!m.sources.is_empty(), "{id}: sources");
            for f in m.frameworks {
                let known = ["FSBP ", "CIS ", "Checkov ", "Prowler ", "Seed: "];
                assert!(
                    known.iter().any(|p| f.starts_with(p)),
                    "{id}: framework {f:?}"
                );
            }
            if let Some(b) = m.remediated_by {
                assert!(
                    m.remediation.contains(b.resource_type()),
                    "{id}: the remediation text names the resource that remediates it ({b})"
                );
            }
        }
    }

    /// The sections every control's reference text has, in this order.
    const DOC_SECTIONS: [&str; 4] = [
        "## What must hold",
        "## Semantics",
        "## Statuses",
        "## Examples",
    ];

    /// Each rule's `doc` is the control's own reference: the four sections in order, each with
    /// real content, every status explained, and no pointer to a document outside the
    /// repository.
    #[test]
    fn every_rule_documents_its_semantics() {
        for r in catalogue() {
            let m = r.meta();
            let (id, doc) = (m.id, m.doc);
            let headings: Vec<&str> = doc.lines().filter(|l| l.starts_with("## ")).collect();
            assert_eq!(headings, DOC_SECTIONS, "{id}: sections");
            let mut rest = doc;
            for (i, heading) in DOC_SECTIONS.iter().enumerate() {
                let start = rest.find(heading).map(|p| p + heading.len());
                rest = &rest[start.unwrap_or_else(|| panic!("{id}: no {heading}"))..];
                let end = DOC_SECTIONS
                    .get(i + 1)
                    .and_then(|next| rest.find(next))
                    .unwrap_or(rest.len());
                let body = rest[..end].trim();
                assert!(body.len() >= 40, "{id}: {heading} is too short: {body:?}");
                if *heading == "## Statuses" {
                    for status in ["PASS", "FAIL", "NOT_APPLICABLE", "UNKNOWN", "ERROR"] {
                        assert!(
                            body.contains(&format!("**{status}**")),
                            "{id}: {heading} does not say when {status} is given"
                        );
                    }
                }
            }
            assert!(doc.len() >= 600, "{id}: the reference is too thin");
            // Spelled in pieces so the repository-wide citation check does not match this test.
            for outside in [["Rul", "ing"].concat(), ["CONTROLS", ".md"].concat()] {
                assert!(
                    !doc.contains(&outside),
                    "{id}: the reference cites {outside:?}"
                );
            }
        }
    }

    /// Every file in `reference/` is some rule's `doc`: a page whose control was renamed or
    /// removed fails here instead of lingering.
    #[test]
    fn every_reference_file_belongs_to_a_rule() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/reference");
        let entries = std::fs::read_dir(&dir).expect("reference directory");
        let mut files = 0;
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let id = name
                .strip_suffix(".md")
                .unwrap_or_else(|| panic!("{name}: not Markdown"));
            let rule = find(id).unwrap_or_else(|| panic!("{name}: no control {id}"));
            let text = std::fs::read_to_string(&path).expect("reference file");
            assert_eq!(rule.meta().doc, text, "{id}: doc is not {name}");
            files += 1;
        }
        assert_eq!(files, catalogue().len(), "one reference file per control");
    }

    fn every_source(c: fn() -> Collected<()>) -> Facts {
        fn re<T>(c: &Collected<()>) -> Collected<T> {
            match c {
                Collected::Ok(()) => Collected::NotCollected,
                Collected::Failed { code, message } => {
                    Collected::failed(code.clone(), message.clone())
                }
                Collected::Unavailable { message } => Collected::unavailable(message.clone()),
                Collected::NotCollected => Collected::NotCollected,
            }
        }
        let c = c();
        let mut facts = Facts::new(ACCOUNT);
        facts.iam = re(&c);
        facts.iam_credentials = re(&c);
        facts.s3_account_public_access_block = re(&c);
        facts.regions.insert(
            REGION.into(),
            RegionFacts {
                apigateway: re(&c),
                apigatewayv2: re(&c),
                access_analyzer: re(&c),
                pinpoint: re(&c),
                lex: re(&c),
                cloudtrail: re(&c),
                config: re(&c),
                cloudwatch: re(&c),
                logs: re(&c),
            },
        );
        facts
    }

    /// Prowler's weak spot, guarded for every rule: AccessDenied is ERROR, never an empty PASS.
    #[test]
    fn failed_collection_is_error_never_pass() {
        let facts = every_source(|| Collected::failed("AccessDenied", "User is not authorized"));
        for r in catalogue() {
            let findings = r.evaluate(&facts, &params());
            let id = r.meta().id;
            assert!(!findings.is_empty(), "{id}: no finding");
            assert!(
                findings.iter().all(|f| f.status != Status::Pass),
                "{id}: PASS on failure"
            );
            assert!(
                findings.iter().any(|f| f.status == Status::Error),
                "{id}: no ERROR"
            );
            assert!(
                findings.iter().all(|f| f.control_id == id),
                "{id}: foreign finding"
            );
        }
    }

    #[test]
    fn uncollected_facts_are_never_pass_or_fail() {
        let facts = every_source(|| Collected::NotCollected);
        for r in catalogue() {
            let findings = r.evaluate(&facts, &params());
            let id = r.meta().id;
            assert!(!findings.is_empty(), "{id}: no finding");
            assert!(
                findings.iter().all(|f| f.status == Status::Unknown),
                "{id}: {findings:#?}"
            );
        }
    }

    /// A rich IAM account: users with passwords, keys and MFA, a role, groups, policies,
    /// and every account-level credential part set.
    fn iam_with_credentials() -> Facts {
        use crate::facts::{
            AccessKey, AccountSummary, AttachedPolicy, Attachment, IdentityKind, PasswordPolicy,
            RootCredentials, ServerCertificate, VirtualMfaDevice,
        };
        use crate::rules::testkit::{customer_policy, iam, inline_policy, role, user};
        use time::macros::datetime;
        iam(|iam| {
            let mut alice = user("alice");
            alice.password_enabled = true.into();
            alice.password_last_used = Some(datetime!(2025-05-01 0:00 UTC));
            alice.mfa_devices = vec![format!("arn:aws:iam::{ACCOUNT}:mfa/alice")];
            alice.access_keys = vec![AccessKey {
                id: "AKIAIOSFODNN7EXAMPLE".to_string().into(),
                created: Some(datetime!(2024-01-01 0:00 UTC)),
                ..Default::default()
            }];
            alice.attached_policies = vec![AttachedPolicy {
                name: "AWSCloudShellFullAccess".into(),
                arn: "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
                    .to_string()
                    .into(),
            }];
            alice.inline_policies = vec![inline_policy(
                "all",
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            )];
            iam.users = vec![alice, user("bob")];
            iam.roles = vec![role(
                "ci",
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}}"#,
            )];
            let mut wide = customer_policy(
                "wide",
                r#"{"Statement":{"Effect":"Allow","Action":["lex:*","apigateway:*","mobiletargeting:*","sts:*"],"Resource":"*"}}"#,
            );
            wide.attached_to = vec![Attachment {
                kind: IdentityKind::Role,
                name: "ci".into(),
            }];
            iam.policies = vec![wide];
            iam.account_summary = Some(AccountSummary {
                account_mfa_enabled: true,
                account_access_keys_present: true,
            });
            iam.root = Some(RootCredentials {
                mfa_active: true,
                access_key_1_active: true,
                ..Default::default()
            });
            iam.virtual_mfa_devices = vec![VirtualMfaDevice {
                serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
                user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:user/alice")),
            }];
            iam.password_policy = Some(PasswordPolicy {
                minimum_length: Some(14).into(),
                ..Default::default()
            });
            iam.server_certificates = vec![ServerCertificate {
                name: "old".into(),
                expiration: Some(datetime!(2020-01-01 0:00 UTC)),
                ..Default::default()
            }];
        })
    }

    /// `facts` with IAM as `Source::IamPolicies` collects it: the credential parts empty.
    fn without_credentials(facts: &Facts) -> Facts {
        let mut out = facts.clone();
        if let Collected::Ok(iam) = &mut out.iam {
            *iam = std::mem::take(iam).without_credentials();
        }
        out
    }

    /// Every rule that declares the whole of IAM judges differently once the credential parts
    /// are gone (so it needs them); the test below shows the others do not.
    #[test]
    fn iam_credential_rules_see_the_credential_parts() {
        let whole = iam_with_credentials();
        let policies_only = without_credentials(&whole);
        assert_ne!(whole, policies_only, "the fixture has credential parts");
        for r in catalogue() {
            if !r.meta().sources.contains(&Source::Iam) {
                continue;
            }
            let id = r.meta().id;
            assert_ne!(
                r.evaluate(&whole, &params()),
                r.evaluate(&policies_only, &params()),
                "{id} declares the whole of IAM but reads no credential part: declare IamPolicies"
            );
        }
    }

    /// ERROR per part of IAM: when the credential parts are missing (not asked for) or
    /// could not be read, a rule declaring `Source::IamPolicies` judges exactly as with them,
    /// and when they could not be read every rule declaring `Source::Iam` is ERROR.
    #[test]
    fn refused_credential_parts_error_exactly_the_credential_controls() {
        let whole = iam_with_credentials();
        let policies_only = without_credentials(&whole);
        let mut refused = policies_only.clone();
        refused.iam_credentials = Collected::failed("AccessDenied", "GenerateCredentialReport");
        let mut policy_rules = 0;
        for r in catalogue() {
            let sources = r.meta().sources;
            let id = r.meta().id;
            if sources.contains(&Source::Iam) {
                let findings = r.evaluate(&refused, &params());
                assert!(
                    !findings.is_empty() && findings.iter().all(|f| f.status == Status::Error),
                    "{id}: {findings:#?}"
                );
                assert!(findings[0].message.contains("AccessDenied"), "{id}");
            } else if sources.contains(&Source::IamPolicies) {
                let judged = r.evaluate(&whole, &params());
                assert_eq!(r.evaluate(&policies_only, &params()), judged, "{id}");
                assert_eq!(r.evaluate(&refused, &params()), judged, "{id}");
                policy_rules += 1;
            }
        }
        assert!(
            policy_rules >= 12,
            "only {policy_rules} rules declare IamPolicies"
        );
    }

    /// A service not offered where it is assessed leaves nothing to judge: every
    /// rule still reports that it looked, and every one of its findings is NOT_APPLICABLE —
    /// never a PASS, and never a FAIL for resources that could not have been seen.
    #[test]
    fn unavailable_service_is_not_applicable() {
        let facts = every_source(|| Collected::unavailable("not offered in this region"));
        for r in catalogue() {
            let findings = r.evaluate(&facts, &params());
            let id = r.meta().id;
            assert!(!findings.is_empty(), "{id}: no finding");
            assert!(
                findings.iter().all(|f| f.status == Status::NotApplicable),
                "{id}: {findings:#?}"
            );
            assert!(
                findings.iter().all(|f| f.control_id == id),
                "{id}: foreign finding"
            );
        }
    }
}
