//! IAM facts (global): users with credential-report data, groups, roles, policies, root account.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::timestamp::rfc3339_opt;
use super::Known;

/// IAM facts of the account (IAM is global: collected once).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IamFacts {
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Managed policies: every customer-managed policy (attached or not) and every
    /// AWS-managed policy that is attached to at least one identity.
    pub policies: Vec<ManagedPolicy>,
    /// `GetAccountSummary` (`None`: not available).
    pub account_summary: Option<AccountSummary>,
    /// The credential report's `<root_account>` row (`None`: absent from the report).
    pub root: Option<RootCredentials>,
    /// Virtual MFA devices (`ListVirtualMFADevices`).
    pub virtual_mfa_devices: Vec<VirtualMfaDevice>,
    /// Account password policy (`None`: no policy is set).
    pub password_policy: Option<PasswordPolicy>,
    /// IAM server certificates.
    pub server_certificates: Vec<ServerCertificate>,
}

impl IamFacts {
    /// These facts as [`Source::IamPolicies`](super::Source::IamPolicies) collects them:
    /// identities and policies kept; what comes from the credential report, the account
    /// summary, the password policy and the MFA device and server certificate lists left
    /// empty (passwords unknown).
    pub fn without_credentials(mut self) -> IamFacts {
        for u in &mut self.users {
            u.password_enabled = Known::Unknown;
            u.password_last_used = None;
            u.password_last_changed = None;
            u.mfa_devices.clear();
            u.access_keys.clear();
        }
        self.account_summary = None;
        self.root = None;
        self.virtual_mfa_devices.clear();
        self.password_policy = None;
        self.server_certificates.clear();
        self
    }
}

/// An access key's status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    /// `Active`.
    #[default]
    Active,
    /// `Inactive`.
    Inactive,
}

/// An access key (never holds the secret).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessKey {
    /// Access key id (not a secret, but messages show only its last four characters).
    pub id: Known<String>,
    /// Status.
    pub status: KeyStatus,
    /// Creation (or last rotation) time.
    #[serde(with = "rfc3339_opt")]
    pub created: Option<OffsetDateTime>,
    /// Last use (`None`: never used / N/A).
    #[serde(with = "rfc3339_opt")]
    pub last_used: Option<OffsetDateTime>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// Prefix of the id of a key known only from its credential-report slot (the report has no
/// key ids): `access_key_1`, `access_key_2`.
const REPORT_SLOT_PREFIX: &str = "access_key_";

impl AccessKey {
    /// The id of the key in credential-report slot `slot` (1 or 2): `access_key_<slot>`.
    pub fn report_slot_id(slot: u8) -> String {
        format!("{REPORT_SLOT_PREFIX}{slot}")
    }

    /// The credential-report slot the key's id names (`access_key_1` -> 1), if it names one.
    pub fn report_slot(&self) -> Option<u8> {
        self.id
            .as_known()?
            .strip_prefix(REPORT_SLOT_PREFIX)?
            .parse()
            .ok()
    }
}

/// A managed policy attached to an identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttachedPolicy {
    /// Policy name.
    pub name: String,
    /// Policy ARN (`arn:aws:iam::aws:policy/…` for AWS-managed policies).
    pub arn: Known<String>,
}

/// An inline policy of a user, group or role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// Policy document, raw JSON text (URL-decoded).
    pub document: Known<String>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// An IAM user, with its credential-report data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// User name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Path.
    pub path: String,
    /// Creation time.
    #[serde(with = "rfc3339_opt")]
    pub created: Option<OffsetDateTime>,
    /// Has a console password (login profile).
    pub password_enabled: Known<bool>,
    /// Password last used (`None`: never / N/A).
    #[serde(with = "rfc3339_opt")]
    pub password_last_used: Option<OffsetDateTime>,
    /// Password last changed (or created).
    #[serde(with = "rfc3339_opt")]
    pub password_last_changed: Option<OffsetDateTime>,
    /// Serial numbers / ARNs of the user's MFA devices (virtual and hardware).
    pub mfa_devices: Vec<String>,
    /// Access keys.
    pub access_keys: Vec<AccessKey>,
    /// Attached managed policies.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Group names.
    pub groups: Vec<String>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// An IAM group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Path.
    pub path: String,
    /// Attached managed policies.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// An IAM role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Path (`/aws-service-role/…` for service-linked roles).
    pub path: String,
    /// Trust policy (`AssumeRolePolicyDocument`), raw JSON text (URL-decoded).
    pub trust_policy: Known<String>,
    /// Attached managed policies.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Creation time.
    #[serde(with = "rfc3339_opt")]
    pub created: Option<OffsetDateTime>,
    /// `RoleLastUsed.LastUsedDate`.
    #[serde(with = "rfc3339_opt")]
    pub last_used: Option<OffsetDateTime>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

impl Role {
    /// True for AWS service-linked roles (path starts with `/aws-service-role/`).
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// Kind of identity a policy is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    /// IAM user.
    User,
    /// IAM group.
    Group,
    /// IAM role.
    Role,
}

/// An identity a managed policy is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// User, group or role.
    pub kind: IdentityKind,
    /// Identity name.
    pub name: String,
}

/// A managed policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedPolicy {
    /// Policy name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Path.
    pub path: String,
    /// True for AWS-managed policies (`arn:…:iam::aws:policy/…`).
    pub aws_managed: bool,
    /// Default version id (`v1`, …).
    pub default_version_id: Option<String>,
    /// Default version's document, raw JSON text (URL-decoded). Only the default version
    /// counts.
    pub document: Known<String>,
    /// `AttachmentCount`.
    pub attachment_count: Option<u32>,
    /// Identities the policy is attached to.
    pub attached_to: Vec<Attachment>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// The parts of `GetAccountSummary` the controls use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountSummary {
    /// `AccountMFAEnabled` = 1.
    pub account_mfa_enabled: bool,
    /// `AccountAccessKeysPresent` > 0.
    pub account_access_keys_present: bool,
}

/// The credential report's `<root_account>` row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RootCredentials {
    /// `mfa_active`.
    pub mfa_active: bool,
    /// `access_key_1_active`.
    pub access_key_1_active: bool,
    /// `access_key_2_active`.
    pub access_key_2_active: bool,
    /// `password_last_used`.
    #[serde(with = "rfc3339_opt")]
    pub password_last_used: Option<OffsetDateTime>,
}

/// A virtual MFA device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualMfaDevice {
    /// Serial number (an ARN, `…:mfa/root-account-mfa-device` for root's).
    pub serial_number: String,
    /// ARN of the user it is assigned to (root: `arn:aws:iam::<account>:root`).
    pub user_arn: Option<String>,
}

/// The account password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// `MinimumPasswordLength`.
    pub minimum_length: Known<Option<u32>>,
    /// `RequireUppercaseCharacters`.
    pub require_uppercase: Known<bool>,
    /// `RequireLowercaseCharacters`.
    pub require_lowercase: Known<bool>,
    /// `RequireNumbers`.
    pub require_numbers: Known<bool>,
    /// `RequireSymbols`.
    pub require_symbols: Known<bool>,
    /// `PasswordReusePrevention` (`None`: not set).
    pub reuse_prevention: Known<Option<u32>>,
    /// `MaxPasswordAge` in days (`None`: passwords never expire).
    pub max_age_days: Known<Option<u32>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// An IAM server certificate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerCertificate {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Expiration.
    #[serde(with = "rfc3339_opt")]
    pub expiration: Option<OffsetDateTime>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// IAM Access Analyzer facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessAnalyzerFacts {
    /// Analyzers.
    pub analyzers: Vec<Analyzer>,
}

/// An IAM Access Analyzer analyzer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analyzer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: Option<String>,
    /// Type: `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub analyzer_type: String,
    /// Status: `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}
