//! IAM collector (global), in two parts: the authorization details
//! (`GetAccountAuthorizationDetails`: identities and policies, all that policy rules read) and
//! the credentials (the credential report and four account-level calls, run concurrently).
//!
//! Calls for an account with U users, R roles, G groups and P policies: one
//! `GetAccountAuthorizationDetails` page per ~100 entities, `GenerateCredentialReport` until it
//! is `COMPLETE` (one call when a fresh report exists) plus one `GetCredentialReport`, and one
//! page each of `GetAccountSummary`, `GetAccountPasswordPolicy`, `ListVirtualMFADevices` and
//! `ListServerCertificates`: about 6 + (U+R+G+P)/100 calls, never a call per user.
//!
//! What the facts get from where:
//! - identities, inline and attached policies, trust policies, managed policies (default
//!   version only; AWS-managed ones only when attached to an identity): authorization details;
//!   documents are stored URL-decoded, and a document that does not decode is kept as sent so
//!   the rule can report it as ERROR instead of the collection failing;
//! - passwords, access keys (slots 1 and 2, no key ids: the report has none) and MFA status of
//!   users, and the `<root_account>` row: the credential report. A user created after the report
//!   has `password_enabled` [`Known::Unknown`] and no keys;
//! - a user's `mfa_devices`: the virtual devices assigned to them (`ListVirtualMFADevices`), or,
//!   when the report says `mfa_active` but no virtual device names the user (hardware or FIDO
//!   device), the single entry [`NON_VIRTUAL_MFA_DEVICE`]. Empty exactly when the user has no
//!   MFA.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_iam::operation::get_credential_report::GetCredentialReportError;
use aws_sdk_iam::types::{
    AttachedPolicy as SdkAttachedPolicy, EntityType, GroupDetail, ManagedPolicyDetail,
    PolicyDetail, ReportStateType, RoleDetail, SummaryKeyType, UserDetail,
};
use aws_smithy_runtime_api::client::result::SdkError;
use percent_encoding::percent_decode_str;
use secbaseline_engine::facts::{
    AccessKey, AccountSummary, AttachedPolicy, Attachment, Collected, Group, IamFacts,
    IdentityKind, InlinePolicy, KeyStatus, Known, ManagedPolicy, PasswordPolicy, Role,
    RootCredentials, ServerCertificate, User, VirtualMfaDevice,
};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::aws::{aws_error, AwsClients};
use crate::error::{AwsErrorKind, Error, Result};
use crate::live::{into_collected, CallCounter};

/// How long the credential report may take to be generated before IAM collection fails.
pub const CREDENTIAL_REPORT_TIMEOUT: Duration = Duration::from_secs(60);
/// First wait between credential-report polls; doubles up to [`REPORT_POLL_MAX`].
const REPORT_POLL_START: Duration = Duration::from_millis(200);
const REPORT_POLL_MAX: Duration = Duration::from_secs(2);

/// The `mfa_devices` entry of a user whose MFA device is not a listed virtual device
/// (hardware or FIDO key): the credential report says `mfa_active`, and only a per-user
/// `ListMFADevices` would name it.
pub const NON_VIRTUAL_MFA_DEVICE: &str = "non-virtual MFA device (credential report: mfa_active)";

/// What `GetAccountAuthorizationDetails` returned: identities and their policies, all that
/// [`Source::IamPolicies`](secbaseline_engine::facts::Source::IamPolicies) needs.
#[derive(Debug, Default)]
pub struct Authorization(Details);

/// The credential parts of the IAM facts: the credential report, the account summary, the
/// password policy and the virtual MFA device and server certificate lists.
#[derive(Debug, Default)]
pub struct Credentials {
    report: CredentialReport,
    summary: AccountSummary,
    password_policy: Option<PasswordPolicy>,
    virtual_mfa_devices: Vec<VirtualMfaDevice>,
    server_certificates: Vec<ServerCertificate>,
}

/// Collects the authorization details (one call per ~100 entities). IAM is global: call once,
/// with any region (the provider's).
pub async fn collect_authorization(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<Authorization> {
    into_collected(
        authorization_details(&clients.iam(region), calls)
            .await
            .map(Authorization),
    )
}

/// Collects the credential parts: the credential report (generated and polled) and four
/// account-level calls, concurrently. IAM is global: call once, with any region.
pub async fn collect_credentials(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<Credentials> {
    match credentials(&clients.iam(region), calls).await {
        Err(e @ Error::Timeout { .. }) => {
            Collected::failed("CredentialReportTimeout", e.to_string())
        }
        other => into_collected(other),
    }
}

/// The IAM facts from the authorization details and, for the whole of IAM, the credential
/// parts, with the outcome of the credential parts ([`Facts::iam_credentials`]). Without
/// the credential parts (not asked for, or not readable) the facts are what
/// `IamFacts::without_credentials` describes, so the identity and policy controls are
/// still judged while the credential controls report the failure.
///
/// [`Facts::iam_credentials`]: secbaseline_engine::facts::Facts::iam_credentials
pub fn facts(
    authorization: &Collected<Authorization>,
    credentials: Option<&Collected<Credentials>>,
) -> (Collected<IamFacts>, Collected<()>) {
    let outcome = credentials.map_or(Collected::NotCollected, |c| c.as_ref().map(|_| ()));
    let Collected::Ok(Authorization(details)) = authorization else {
        return (authorization.as_ref().map(|_| IamFacts::default()), outcome);
    };
    let parts = match credentials {
        Some(Collected::Ok(c)) => Some(c),
        _ => None,
    };
    (Collected::Ok(assemble(details, parts)), outcome)
}

async fn credentials(iam: &aws_sdk_iam::Client, calls: &CallCounter) -> Result<Credentials> {
    let (report, summary, password_policy, virtual_mfa_devices, server_certificates) = tokio::try_join!(
        credential_report(iam, calls),
        account_summary(iam, calls),
        password_policy(iam, calls),
        virtual_mfa_devices(iam, calls),
        server_certificates(iam, calls),
    )?;
    let report = parse_credential_report(&report).map_err(|detail| Error::Aws {
        action: "reading the IAM credential report".into(),
        kind: AwsErrorKind::Other,
        code: "InvalidCredentialReport".into(),
        message: detail,
    })?;
    Ok(Credentials {
        report,
        summary,
        password_policy,
        virtual_mfa_devices,
        server_certificates,
    })
}

/// The raw pages of `GetAccountAuthorizationDetails`, concatenated.
#[derive(Debug, Default)]
struct Details {
    users: Vec<UserDetail>,
    groups: Vec<GroupDetail>,
    roles: Vec<RoleDetail>,
    policies: Vec<ManagedPolicyDetail>,
}

async fn authorization_details(iam: &aws_sdk_iam::Client, calls: &CallCounter) -> Result<Details> {
    let mut pages = iam
        .get_account_authorization_details()
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::Role)
        // Not AwsManagedPolicy: no control reads an AWS-managed policy's document, and the
        // identities already say which of them are attached (their names and ARNs), so the
        // ~1,000 AWS-managed documents (a dozen pages on AWS) are never fetched.
        .filter(EntityType::LocalManagedPolicy)
        .into_paginator()
        .send();
    let mut details = Details::default();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| {
            aws_error(
                "reading IAM authorization details (iam:GetAccountAuthorizationDetails)",
                e,
            )
        })?;
        details
            .users
            .extend(page.user_detail_list.unwrap_or_default());
        details
            .groups
            .extend(page.group_detail_list.unwrap_or_default());
        details
            .roles
            .extend(page.role_detail_list.unwrap_or_default());
        details.policies.extend(page.policies.unwrap_or_default());
    }
    Ok(details)
}

/// Generates the credential report (polling politely until it is complete) and returns its CSV.
async fn credential_report(iam: &aws_sdk_iam::Client, calls: &CallCounter) -> Result<String> {
    const ACTION: &str =
        "reading the IAM credential report (iam:GenerateCredentialReport, iam:GetCredentialReport)";
    let start = tokio::time::Instant::now();
    let mut delay = REPORT_POLL_START;
    loop {
        calls.tick();
        let generated = iam
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| aws_error(ACTION, e))?;
        if generated.state() == Some(&ReportStateType::Complete) {
            calls.tick();
            match iam.get_credential_report().send().await {
                Ok(out) => {
                    let bytes = out.content().map(|b| b.as_ref()).unwrap_or_default();
                    return Ok(String::from_utf8_lossy(bytes).into_owned());
                }
                // Expired or regenerating between the two calls: generate again.
                Err(SdkError::ServiceError(e))
                    if matches!(
                        e.err(),
                        GetCredentialReportError::CredentialReportNotReadyException(_)
                            | GetCredentialReportError::CredentialReportExpiredException(_)
                            | GetCredentialReportError::CredentialReportNotPresentException(_)
                    ) => {}
                Err(e) => return Err(aws_error(ACTION, e)),
            }
        }
        if start.elapsed() + delay > CREDENTIAL_REPORT_TIMEOUT {
            return Err(Error::Timeout {
                action: ACTION.into(),
                condition: "the credential report to be generated".into(),
                seconds: CREDENTIAL_REPORT_TIMEOUT.as_secs(),
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(REPORT_POLL_MAX);
    }
}

async fn account_summary(iam: &aws_sdk_iam::Client, calls: &CallCounter) -> Result<AccountSummary> {
    calls.tick();
    let out = iam
        .get_account_summary()
        .send()
        .await
        .map_err(|e| aws_error("reading the IAM account summary (iam:GetAccountSummary)", e))?;
    let value = |key: SummaryKeyType| {
        out.summary_map()
            .and_then(|m| m.get(&key).copied())
            .unwrap_or(0)
    };
    Ok(AccountSummary {
        account_mfa_enabled: value(SummaryKeyType::AccountMfaEnabled) == 1,
        account_access_keys_present: value(SummaryKeyType::AccountAccessKeysPresent) > 0,
    })
}

async fn password_policy(
    iam: &aws_sdk_iam::Client,
    calls: &CallCounter,
) -> Result<Option<PasswordPolicy>> {
    calls.tick();
    let out = match iam.get_account_password_policy().send().await {
        Ok(out) => out,
        Err(e) => {
            let err = aws_error(
                "reading the account password policy (iam:GetAccountPasswordPolicy)",
                e,
            );
            // NoSuchEntity: the account has no password policy.
            return if err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            };
        }
    };
    Ok(out.password_policy().map(|p| PasswordPolicy {
        minimum_length: Known::Known(p.minimum_password_length().and_then(to_u32)),
        require_uppercase: Known::Known(p.require_uppercase_characters()),
        require_lowercase: Known::Known(p.require_lowercase_characters()),
        require_numbers: Known::Known(p.require_numbers()),
        require_symbols: Known::Known(p.require_symbols()),
        reuse_prevention: Known::Known(
            p.password_reuse_prevention()
                .and_then(to_u32)
                .filter(|n| *n > 0),
        ),
        max_age_days: Known::Known(p.max_password_age().and_then(to_u32).filter(|n| *n > 0)),
        address: None,
    }))
}

async fn virtual_mfa_devices(
    iam: &aws_sdk_iam::Client,
    calls: &CallCounter,
) -> Result<Vec<VirtualMfaDevice>> {
    let mut pages = iam.list_virtual_mfa_devices().into_paginator().send();
    let mut devices = Vec::new();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page
            .map_err(|e| aws_error("listing virtual MFA devices (iam:ListVirtualMFADevices)", e))?;
        devices.extend(page.virtual_mfa_devices().iter().map(|d| {
            VirtualMfaDevice {
                serial_number: d.serial_number().to_string(),
                user_arn: d
                    .user()
                    .map(|u| u.arn().to_string())
                    .filter(|a| !a.is_empty()),
            }
        }));
    }
    devices.sort_by(|a, b| a.serial_number.cmp(&b.serial_number));
    Ok(devices)
}

async fn server_certificates(
    iam: &aws_sdk_iam::Client,
    calls: &CallCounter,
) -> Result<Vec<ServerCertificate>> {
    let mut pages = iam.list_server_certificates().into_paginator().send();
    let mut certs = Vec::new();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| {
            aws_error(
                "listing IAM server certificates (iam:ListServerCertificates)",
                e,
            )
        })?;
        certs.extend(
            page.server_certificate_metadata_list()
                .iter()
                .map(|c| ServerCertificate {
                    name: c.server_certificate_name().to_string(),
                    arn: Known::Known(c.arn().to_string()),
                    expiration: c.expiration().and_then(to_time),
                    address: None,
                }),
        );
    }
    certs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(certs)
}

/// Builds the facts from what the calls returned (`credentials`: `None` when only the
/// authorization details were collected). Pure, so the joins are unit-tested.
fn assemble(details: &Details, credentials: Option<&Credentials>) -> IamFacts {
    let no_credentials = Credentials::default();
    let Credentials {
        report,
        summary,
        password_policy,
        virtual_mfa_devices,
        server_certificates,
    } = credentials.unwrap_or(&no_credentials);
    // Virtual devices by the ARN of the user they are assigned to.
    let mut virtual_by_user: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for device in virtual_mfa_devices {
        if let Some(arn) = &device.user_arn {
            virtual_by_user
                .entry(arn.as_str())
                .or_default()
                .push(device.serial_number.clone());
        }
    }
    // Who each managed policy is attached to, by policy ARN, and the attached policies' names.
    let mut attachments: BTreeMap<String, BTreeSet<(IdentityKind, String)>> = BTreeMap::new();
    let mut attached_names: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |kind: IdentityKind, name: &str, attached: &[SdkAttachedPolicy]| {
        for p in attached {
            if let Some(arn) = p.policy_arn() {
                attachments
                    .entry(arn.to_string())
                    .or_default()
                    .insert((kind, name.to_string()));
                if let Some(policy) = p.policy_name() {
                    attached_names.insert(arn.to_string(), policy.to_string());
                }
            }
        }
    };
    for u in &details.users {
        note(
            IdentityKind::User,
            u.user_name().unwrap_or_default(),
            u.attached_managed_policies(),
        );
    }
    for g in &details.groups {
        note(
            IdentityKind::Group,
            g.group_name().unwrap_or_default(),
            g.attached_managed_policies(),
        );
    }
    for r in &details.roles {
        note(
            IdentityKind::Role,
            r.role_name().unwrap_or_default(),
            r.attached_managed_policies(),
        );
    }

    let mut users: Vec<User> = details
        .users
        .iter()
        .map(|u| {
            let name = u.user_name().unwrap_or_default().to_string();
            let arn = u.arn().unwrap_or_default().to_string();
            let row = report.users.get(&name);
            let mut mfa_devices = virtual_by_user
                .get(arn.as_str())
                .cloned()
                .unwrap_or_default();
            if mfa_devices.is_empty() && row.is_some_and(|r| r.mfa_active) {
                mfa_devices.push(NON_VIRTUAL_MFA_DEVICE.to_string());
            }
            let mut groups: Vec<String> = u.group_list().to_vec();
            groups.sort();
            User {
                name,
                arn: Known::Known(arn),
                path: u.path().unwrap_or("/").to_string(),
                created: u
                    .create_date()
                    .and_then(to_time)
                    .or_else(|| row.and_then(|r| r.created)),
                password_enabled: row.map_or(Known::Unknown, |r| Known::Known(r.password_enabled)),
                password_last_used: row.and_then(|r| r.password_last_used),
                password_last_changed: row.and_then(|r| r.password_last_changed),
                mfa_devices,
                access_keys: row.map(|r| r.access_keys()).unwrap_or_default(),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies: inline(u.user_policy_list()),
                groups,
                address: None,
            }
        })
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name));

    let mut groups: Vec<Group> = details
        .groups
        .iter()
        .map(|g| Group {
            name: g.group_name().unwrap_or_default().to_string(),
            arn: Known::Known(g.arn().unwrap_or_default().to_string()),
            path: g.path().unwrap_or("/").to_string(),
            attached_policies: attached(g.attached_managed_policies()),
            inline_policies: inline(g.group_policy_list()),
            address: None,
        })
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));

    let mut roles: Vec<Role> = details
        .roles
        .iter()
        .map(|r| Role {
            name: r.role_name().unwrap_or_default().to_string(),
            arn: Known::Known(r.arn().unwrap_or_default().to_string()),
            path: r.path().unwrap_or("/").to_string(),
            trust_policy: Known::Known(decode_document(
                r.assume_role_policy_document().unwrap_or_default(),
            )),
            attached_policies: attached(r.attached_managed_policies()),
            inline_policies: inline(r.role_policy_list()),
            created: r.create_date().and_then(to_time),
            last_used: r
                .role_last_used()
                .and_then(|l| l.last_used_date())
                .and_then(to_time),
            address: None,
        })
        .collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));

    let mut policies: Vec<ManagedPolicy> = details
        .policies
        .iter()
        .filter_map(|p| {
            let arn = p.arn().unwrap_or_default().to_string();
            let aws_managed = is_aws_managed(&arn);
            let attached_to: Vec<Attachment> = attachments
                .get(&arn)
                .map(|set| {
                    set.iter()
                        .map(|(kind, name)| Attachment {
                            kind: *kind,
                            name: name.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            // AWS-managed policies matter only where attached (AWS lists only those; some
            // emulators list all of them).
            if aws_managed && attached_to.is_empty() && p.attachment_count().unwrap_or(0) == 0 {
                return None;
            }
            let default_id = p.default_version_id();
            let document = p
                .policy_version_list()
                .iter()
                .find(|v| {
                    v.is_default_version() || (default_id.is_some() && v.version_id() == default_id)
                })
                .and_then(|v| v.document())
                .map(decode_document)
                .unwrap_or_default();
            // The name is the ARN's last segment (some emulators omit `PolicyName`).
            let name = match p.policy_name().filter(|n| !n.is_empty()) {
                Some(n) => n.to_string(),
                None => arn.rsplit('/').next().unwrap_or_default().to_string(),
            };
            Some(ManagedPolicy {
                name,
                arn: Known::Known(arn),
                path: p.path().unwrap_or("/").to_string(),
                aws_managed,
                default_version_id: default_id.map(str::to_string),
                document: Known::Known(document),
                attachment_count: p.attachment_count().and_then(to_u32),
                attached_to,
                address: None,
            })
        })
        .collect();
    // The AWS-managed policies attached to an identity, known by name and ARN only: their
    // documents are AWS's and no control judges them.
    for (arn, attached_to) in &attachments {
        let listed = policies.iter().any(|p| p.arn.as_known() == Some(arn));
        if listed || !is_aws_managed(arn) {
            continue;
        }
        policies.push(ManagedPolicy {
            name: attached_names
                .get(arn)
                .cloned()
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string()),
            arn: Known::Known(arn.clone()),
            path: "/".to_string(),
            aws_managed: true,
            default_version_id: None,
            document: Known::Unknown,
            attachment_count: u32::try_from(attached_to.len()).ok(),
            attached_to: attached_to
                .iter()
                .map(|(kind, name)| Attachment {
                    kind: *kind,
                    name: name.clone(),
                })
                .collect(),
            address: None,
        });
    }
    policies.sort_by(|a, b| a.arn.as_known().cmp(&b.arn.as_known()));

    IamFacts {
        users,
        groups,
        roles,
        policies,
        account_summary: credentials.map(|_| summary.clone()),
        root: report.root.clone(),
        virtual_mfa_devices: virtual_mfa_devices.clone(),
        password_policy: password_policy.clone(),
        server_certificates: server_certificates.clone(),
    }
}

fn attached(list: &[SdkAttachedPolicy]) -> Vec<AttachedPolicy> {
    let mut out: Vec<AttachedPolicy> = list
        .iter()
        .map(|p| AttachedPolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            arn: Known::Known(p.policy_arn().unwrap_or_default().to_string()),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn inline(list: &[PolicyDetail]) -> Vec<InlinePolicy> {
    let mut out: Vec<InlinePolicy> = list
        .iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            document: Known::Known(decode_document(p.policy_document().unwrap_or_default())),
            address: None,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `arn:<partition>:iam::aws:policy/…`
fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// IAM sends policy documents URL-encoded (RFC 3986). Plain JSON is kept as is; text that does
/// not decode to UTF-8 is kept as sent, so a malformed document reaches the rules (ERROR).
fn decode_document(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_string();
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => text.to_string(),
    }
}

fn to_u32(n: i32) -> Option<u32> {
    u32::try_from(n).ok()
}

/// An SDK timestamp as `OffsetDateTime`.
pub(crate) fn to_time(t: &aws_smithy_types::DateTime) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos()).ok()
}

/// The parts of the credential report the facts use.
#[derive(Debug, Default, PartialEq)]
struct CredentialReport {
    root: Option<RootCredentials>,
    users: BTreeMap<String, ReportRow>,
}

#[derive(Debug, Default, PartialEq)]
struct ReportRow {
    created: Option<OffsetDateTime>,
    password_enabled: bool,
    password_last_used: Option<OffsetDateTime>,
    password_last_changed: Option<OffsetDateTime>,
    mfa_active: bool,
    keys: [KeySlot; 2],
}

#[derive(Debug, Default, PartialEq)]
struct KeySlot {
    active: bool,
    last_rotated: Option<OffsetDateTime>,
    last_used: Option<OffsetDateTime>,
}

impl ReportRow {
    /// The key slots that hold a key (active, or inactive with a rotation date).
    fn access_keys(&self) -> Vec<AccessKey> {
        self.keys
            .iter()
            .zip(1u8..)
            .filter(|(k, _)| k.active || k.last_rotated.is_some())
            .map(|(k, slot)| AccessKey {
                id: Known::Known(AccessKey::report_slot_id(slot)),
                status: if k.active {
                    KeyStatus::Active
                } else {
                    KeyStatus::Inactive
                },
                created: k.last_rotated,
                last_used: k.last_used,
                address: None,
            })
            .collect()
    }
}

const REQUIRED_COLUMNS: &[&str] = &[
    "user",
    "password_enabled",
    "mfa_active",
    "access_key_1_active",
    "access_key_2_active",
];

/// Parses the credential report CSV (columns found by name, so new columns do not matter).
fn parse_credential_report(csv: &str) -> std::result::Result<CredentialReport, String> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv_line(lines.next().ok_or("the credential report is empty")?);
    let index: BTreeMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    if let Some(missing) = REQUIRED_COLUMNS.iter().find(|c| !index.contains_key(*c)) {
        return Err(format!("the credential report has no `{missing}` column"));
    }
    let mut report = CredentialReport::default();
    for line in lines {
        let cells = split_csv_line(line);
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| cells.get(*i))
                .map(String::as_str)
                .unwrap_or("")
        };
        let flag = |name: &str| cell(name).eq_ignore_ascii_case("true");
        let when = |name: &str| parse_report_time(cell(name));
        let slot = |n: u8| KeySlot {
            active: flag(&format!("access_key_{n}_active")),
            last_rotated: when(&format!("access_key_{n}_last_rotated")),
            last_used: when(&format!("access_key_{n}_last_used_date")),
        };
        let user = cell("user");
        if user == "<root_account>" {
            report.root = Some(RootCredentials {
                mfa_active: flag("mfa_active"),
                access_key_1_active: flag("access_key_1_active"),
                access_key_2_active: flag("access_key_2_active"),
                password_last_used: when("password_last_used"),
            });
        } else if !user.is_empty() {
            report.users.insert(
                user.to_string(),
                ReportRow {
                    created: when("user_creation_time"),
                    password_enabled: flag("password_enabled"),
                    password_last_used: when("password_last_used"),
                    password_last_changed: when("password_last_changed"),
                    mfa_active: flag("mfa_active"),
                    keys: [slot(1), slot(2)],
                },
            );
        }
    }
    Ok(report)
}

/// A report timestamp; `N/A`, `no_information`, `not_supported` and anything unparsable are `None`.
fn parse_report_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

/// One CSV line: comma-separated, fields optionally double-quoted with `""` escapes.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,false,true,2024-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2023-02-03T04:05:06+00:00,true,no_information,2023-02-03T04:05:07+00:00,N/A,true,true,2023-02-03T04:05:08+00:00,2024-06-01T00:00:00+00:00,us-east-1,s3,false,2023-03-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n\
bob,arn:aws:iam::123456789012:user/bob,2023-02-03T04:05:06+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

    fn t(s: &str) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(s, &Rfc3339).ok()
    }

    #[test]
    fn credential_report_rows_parse() -> std::result::Result<(), String> {
        let report = parse_credential_report(REPORT)?;
        assert_eq!(
            report.root,
            Some(RootCredentials {
                mfa_active: false,
                access_key_1_active: true,
                access_key_2_active: false,
                password_last_used: t("2024-05-01T10:00:00Z"),
            })
        );
        let alice = report.users.get("alice").ok_or("alice")?;
        assert!(alice.password_enabled && alice.mfa_active);
        assert_eq!(alice.password_last_used, None);
        assert_eq!(alice.password_last_changed, t("2023-02-03T04:05:07Z"));
        let keys = alice.access_keys();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (keys[0].status, keys[0].created, keys[0].last_used),
            (
                KeyStatus::Active,
                t("2023-02-03T04:05:08Z"),
                t("2024-06-01T00:00:00Z")
            )
        );
        assert_eq!(
            (keys[1].status, keys[1].last_used),
            (KeyStatus::Inactive, None)
        );
        let bob = report.users.get("bob").ok_or("bob")?;
        assert!(!bob.password_enabled && bob.access_keys().is_empty());
        Ok(())
    }

    #[test]
    fn malformed_reports_are_errors_not_panics() {
        assert!(parse_credential_report("").is_err());
        assert!(parse_credential_report("user,arn\nx,y\n").is_err());
        // Short rows are tolerated: missing cells read as empty.
        let short =
            "user,password_enabled,mfa_active,access_key_1_active,access_key_2_active\nann\n";
        assert_eq!(parse_credential_report(short).map(|r| r.users.len()), Ok(1));
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(
            split_csv_line(r#"a,"b,c","d""e",""#),
            vec!["a", "b,c", "d\"e", ""]
        );
    }

    #[test]
    fn documents_decode() {
        assert_eq!(
            decode_document("%7B%22a%22%3A%22b%2Bc%22%7D"),
            r#"{"a":"b+c"}"#
        );
        assert_eq!(decode_document(r#"{"a":"100%"}"#), r#"{"a":"100%"}"#);
        assert_eq!(
            decode_document("%FF%FE"),
            "%FF%FE",
            "undecodable text is kept as sent"
        );
        assert!(is_aws_managed("arn:aws:iam::aws:policy/AWSSupportAccess"));
        assert!(!is_aws_managed("arn:aws:iam::123456789012:policy/admin"));
    }

    #[test]
    fn malformed_documents_are_kept_for_the_rules() {
        let details = Details {
            roles: vec![RoleDetail::builder()
                .role_name("r")
                .assume_role_policy_document("%7B%22Statement%22%3A%5B")
                .role_policy_list(
                    PolicyDetail::builder()
                        .policy_name("bad")
                        .policy_document("%E2%28%A1")
                        .build(),
                )
                .build()],
            ..Default::default()
        };
        let facts = assemble(&details, Some(&Credentials::default()));
        let role = &facts.roles[0];
        assert_eq!(
            role.trust_policy,
            Known::Known(r#"{"Statement":["#.to_string())
        );
        assert_eq!(
            role.inline_policies[0].document,
            Known::Known("%E2%28%A1".to_string()),
            "not UTF-8 once decoded: kept as sent"
        );
    }

    /// Authorization details alone give exactly the whole facts without their credential
    /// parts: what rules declaring `Source::IamPolicies` are checked against.
    #[test]
    fn authorization_alone_is_the_whole_without_credentials() -> std::result::Result<(), String> {
        let details = Details {
            users: ["alice", "bob"]
                .iter()
                .map(|n| {
                    UserDetail::builder()
                        .user_name(*n)
                        .arn(format!("arn:aws:iam::123456789012:user/{n}"))
                        .create_date(aws_smithy_types::DateTime::from_secs(1_675_000_000))
                        .build()
                })
                .collect(),
            ..Default::default()
        };
        let credentials = Credentials {
            report: parse_credential_report(REPORT)?,
            summary: AccountSummary {
                account_mfa_enabled: true,
                account_access_keys_present: true,
            },
            password_policy: Some(PasswordPolicy::default()),
            virtual_mfa_devices: vec![VirtualMfaDevice {
                serial_number: "arn:aws:iam::123456789012:mfa/alice".into(),
                user_arn: Some("arn:aws:iam::123456789012:user/alice".into()),
            }],
            server_certificates: vec![ServerCertificate::default()],
        };
        let whole = assemble(&details, Some(&credentials));
        assert!(whole.users[0].password_enabled == Known::Known(true) && whole.root.is_some());
        assert_eq!(assemble(&details, None), whole.without_credentials());
        Ok(())
    }

    #[test]
    fn each_part_keeps_its_own_outcome() {
        let denied = || Collected::<Credentials>::failed("AccessDenied", "no report for you");
        let authorization = Collected::Ok(Authorization::default());
        // Credentials refused: identities and policies stand, the credential outcome fails.
        let (iam, credentials) = facts(&authorization, Some(&denied()));
        assert_eq!(iam, Collected::Ok(IamFacts::default()));
        assert_eq!(
            credentials,
            Collected::failed("AccessDenied", "no report for you")
        );
        // Policies alone: no credential outcome at all.
        let (iam, credentials) = facts(&authorization, None);
        assert!(iam.is_ok());
        assert_eq!(credentials, Collected::NotCollected);
        // No authorization details: nothing about IAM can be judged.
        let (iam, _) = facts(&Collected::unavailable("not here"), Some(&denied()));
        assert_eq!(iam, Collected::unavailable("not here"));
    }

    #[test]
    fn aws_managed_policies_only_when_attached() {
        let details = Details {
            users: vec![UserDetail::builder()
                .user_name("u")
                .arn("arn:aws:iam::1:user/u")
                .attached_managed_policies(
                    SdkAttachedPolicy::builder()
                        .policy_name("AWSSupportAccess")
                        .policy_arn("arn:aws:iam::aws:policy/AWSSupportAccess")
                        .build(),
                )
                .build()],
            policies: ["AWSSupportAccess", "ReadOnlyAccess"]
                .iter()
                .map(|n| {
                    ManagedPolicyDetail::builder()
                        .policy_name(*n)
                        .arn(format!("arn:aws:iam::aws:policy/{n}"))
                        .default_version_id("v2")
                        .policy_version_list(
                            aws_sdk_iam::types::PolicyVersion::builder()
                                .version_id("v1")
                                .document("%7B%7D")
                                .build(),
                        )
                        .policy_version_list(
                            aws_sdk_iam::types::PolicyVersion::builder()
                                .version_id("v2")
                                .is_default_version(true)
                                .document("%7B%22v%22%3A2%7D")
                                .build(),
                        )
                        .build()
                })
                .collect(),
            ..Default::default()
        };
        let facts = assemble(&details, Some(&Credentials::default()));
        assert_eq!(facts.policies.len(), 1);
        let p = &facts.policies[0];
        assert!(p.aws_managed);
        assert_eq!(p.document, Known::Known(r#"{"v":2}"#.to_string()));
        assert_eq!(
            p.attached_to,
            vec![Attachment {
                kind: IdentityKind::User,
                name: "u".into()
            }]
        );
        // Not in the report: password state unknown, no keys.
        assert_eq!(facts.users[0].password_enabled, Known::Unknown);
    }
}
