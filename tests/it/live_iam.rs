//! Live IAM and Access Analyzer collectors against the emulator: every field the rules read,
//! seeded through boto3, and a dead endpoint that must give `Failed`, never an empty success.

use crate::common;

use std::collections::BTreeMap;

use common::{Emulator, RootState};
use secbaseline_engine::facts::{
    AccessAnalyzerFacts, Attachment, Collected, IamFacts, IdentityKind, KeyStatus, Known, Role,
    User,
};
use terraform_provider_secbaseline::aws::clients::ENDPOINT_SERVICES;
use terraform_provider_secbaseline::aws::{AwsClients, AwsSettings};
use terraform_provider_secbaseline::collect::CollectionCache;
use terraform_provider_secbaseline::live::gather::{gather, Gathering};
use terraform_provider_secbaseline::live::{access_analyzer, CallCounter};
use time::OffsetDateTime;

async fn clients_for(endpoint: &str, validate: bool) -> AwsClients {
    common::isolate_sdk_env();
    let settings = AwsSettings {
        region: Some("us-east-1".into()),
        endpoints: ENDPOINT_SERVICES
            .iter()
            .map(|s| (s.to_string(), endpoint.to_string()))
            .collect(),
        skip_credentials_validation: !validate,
        max_retries: Some(0),
        ..Default::default()
    };
    AwsClients::connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("connecting to {endpoint}: {e}"))
}

const SEED: &str = r#"
iam = boto3.client("iam")
doc = lambda *stmts: json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})
allow = lambda action, resource="*": {"Effect": "Allow", "Action": action, "Resource": resource}

admin = iam.create_policy(PolicyName="admin", PolicyDocument=doc(allow("*")))["Policy"]["Arn"]
wild = iam.create_policy(PolicyName="s3-wildcard", Path="/team/", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
# Default version v2 (admin-like); v1 must not be reported.
versioned = iam.create_policy(PolicyName="versioned", PolicyDocument=doc(allow("s3:GetObject")))["Policy"]["Arn"]
iam.create_policy_version(PolicyArn=versioned, PolicyDocument=doc(allow("sts:AssumeRole")), SetAsDefault=True)

# Users
iam.create_user(UserName="console-mfa")
iam.create_login_profile(UserName="console-mfa", Password="Secret-Passw0rd!")
serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="console-mfa")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="console-mfa", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")
iam.create_user(UserName="console-nomfa")
iam.create_login_profile(UserName="console-nomfa", Password="Secret-Passw0rd!")
iam.create_user(UserName="one-key", Path="/svc/")
iam.create_access_key(UserName="one-key")
iam.create_user(UserName="two-keys")
iam.create_access_key(UserName="two-keys")
iam.create_access_key(UserName="two-keys")
iam.create_user(UserName="inactive-key")
key = iam.create_access_key(UserName="inactive-key")["AccessKey"]["AccessKeyId"]
iam.update_access_key(UserName="inactive-key", AccessKeyId=key, Status="Inactive")
iam.create_user(UserName="direct")
iam.put_user_policy(UserName="direct", PolicyName="inline-lex", PolicyDocument=doc(allow("lex:*")))
iam.attach_user_policy(UserName="direct", PolicyArn=wild)
iam.attach_user_policy(UserName="direct", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")

# Groups
iam.create_group(GroupName="admins")
iam.attach_group_policy(GroupName="admins", PolicyArn=admin)
iam.put_group_policy(GroupName="admins", PolicyName="inline-plus", PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::a+b/*")))
iam.add_user_to_group(GroupName="admins", UserName="console-mfa")
iam.create_group(GroupName="support")
iam.attach_group_policy(GroupName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
iam.add_user_to_group(GroupName="support", UserName="console-mfa")

# Roles
trust = lambda principal, cond=None: doc(dict({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}, **({"Condition": cond} if cond else {})))
iam.create_role(RoleName="cross-external-id", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::999999999999:root"}, {"StringEquals": {"sts:ExternalId": "x1"}}))
iam.create_role(RoleName="cross-no-condition", AssumeRolePolicyDocument=trust({"AWS": "999999999999"}))
iam.create_role(RoleName="svc-source-arn", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}, {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:f"}}))
iam.create_role(RoleName="svc-no-condition", Path="/apps/", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
iam.create_role(RoleName="public", AssumeRolePolicyDocument=trust("*"))
iam.attach_role_policy(RoleName="public", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
iam.put_role_policy(RoleName="public", PolicyName="assume-any", PolicyDocument=doc(allow("sts:AssumeRole")))
iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")

iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
    RequireUppercaseCharacters=True, RequireLowercaseCharacters=False, MaxPasswordAge=90, PasswordReusePrevention=24)
iam.upload_server_certificate(ServerCertificateName="old-cert", CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")

aa = boto3.client("accessanalyzer")
aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
aa.create_analyzer(analyzerName="account", type="ACCOUNT")
"#;

fn user<'a>(facts: &'a IamFacts, name: &str) -> &'a User {
    facts
        .users
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("user {name} missing: {:?}", facts.users))
}

fn role<'a>(facts: &'a IamFacts, name: &str) -> &'a Role {
    facts
        .roles
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("role {name} missing"))
}

fn json(doc: &Known<String>) -> serde_json::Value {
    let text = doc.as_known().expect("live documents are known");
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("document is not URL-decoded JSON ({e}): {text}"))
}

/// The whole of IAM (identities, policies and credential parts) as an assessment collects it:
/// through the collector registry, its cache and budget — the path production runs.
async fn collect_iam(
    clients: &AwsClients,
    calls: &CallCounter,
) -> (Collected<IamFacts>, Collected<()>) {
    let cache = CollectionCache::default();
    let budget = tokio::sync::Semaphore::new(4);
    let g = Gathering {
        clients,
        cache: &cache,
        budget: &budget,
        calls,
    };
    let sources = [secbaseline_engine::facts::Source::Iam]
        .into_iter()
        .collect();
    let facts = gather(
        &g,
        "123456789012",
        "aws",
        &["us-east-1".to_string()],
        &sources,
    )
    .await;
    (facts.iam, facts.iam_credentials)
}

fn recent(t: Option<OffsetDateTime>) -> bool {
    t.is_some_and(|t| (OffsetDateTime::now_utc() - t).whole_minutes().abs() < 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_facts_field_by_field() {
    let emu = Emulator::start();
    emu.python(SEED);
    emu.set_root(RootState {
        mfa_enabled: true,
        access_keys_present: 1,
        virtual_mfa: true,
    });
    let clients = clients_for(emu.endpoint(), true).await;
    let calls = CallCounter::default();
    let facts = match collect_iam(&clients, &calls).await {
        (Collected::Ok(f), Collected::Ok(())) => f,
        other => panic!("IAM collection failed: {other:?}"),
    };

    // Fewest calls: GAAD, generate (STARTED, then COMPLETE), get, summary, password policy,
    // virtual MFA, server certificates. Nothing per user, role or policy.
    assert!(calls.get() <= 9, "IAM used {} calls", calls.get());

    // Sorted, deterministic.
    let names: Vec<&str> = facts.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "console-mfa",
            "console-nomfa",
            "direct",
            "inactive-key",
            "one-key",
            "two-keys"
        ]
    );

    let u = user(&facts, "console-mfa");
    assert_eq!(
        u.arn,
        Known::Known("arn:aws:iam::123456789012:user/console-mfa".into())
    );
    assert_eq!(u.password_enabled, Known::Known(true));
    assert!(
        recent(u.password_last_changed),
        "{:?}",
        u.password_last_changed
    );
    assert_eq!(u.password_last_used, None);
    assert_eq!(u.mfa_devices, ["arn:aws:iam::123456789012:mfa/console-mfa"]);
    assert!(u.access_keys.is_empty());
    assert_eq!(u.groups, ["admins", "support"]);
    assert!(u.attached_policies.is_empty() && u.inline_policies.is_empty());
    assert!(recent(u.created));

    let u = user(&facts, "console-nomfa");
    assert_eq!(u.password_enabled, Known::Known(true));
    assert!(u.mfa_devices.is_empty());

    let u = user(&facts, "one-key");
    assert_eq!(u.path, "/svc/");
    assert_eq!(u.password_enabled, Known::Known(false));
    assert_eq!(u.access_keys.len(), 1);
    let k = &u.access_keys[0];
    assert_eq!(k.status, KeyStatus::Active);
    assert!(
        recent(k.created),
        "key rotation date from the report: {:?}",
        k.created
    );
    assert_eq!(k.last_used, None, "never used");

    let u = user(&facts, "two-keys");
    let statuses: Vec<KeyStatus> = u.access_keys.iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Active, KeyStatus::Active]);
    assert_eq!(u.access_keys[0].id, Known::Known("access_key_1".into()));
    assert_eq!(u.access_keys[1].id, Known::Known("access_key_2".into()));

    let u = user(&facts, "inactive-key");
    let statuses: Vec<KeyStatus> = u.access_keys.iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Inactive]);

    let u = user(&facts, "direct");
    let attached: Vec<(&str, Option<&String>)> = u
        .attached_policies
        .iter()
        .map(|p| (p.name.as_str(), p.arn.as_known()))
        .collect();
    assert_eq!(
        attached,
        [
            (
                "AWSCloudShellFullAccess",
                Some(&"arn:aws:iam::aws:policy/AWSCloudShellFullAccess".to_string())
            ),
            (
                "s3-wildcard",
                Some(&"arn:aws:iam::123456789012:policy/team/s3-wildcard".to_string())
            ),
        ]
    );
    assert_eq!(u.inline_policies.len(), 1);
    assert_eq!(u.inline_policies[0].name, "inline-lex");
    assert_eq!(
        json(&u.inline_policies[0].document)["Statement"][0]["Action"],
        "lex:*"
    );

    // Groups
    let g: Vec<&str> = facts.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(g, ["admins", "support"]);
    let admins = &facts.groups[0];
    assert_eq!(
        admins.arn,
        Known::Known("arn:aws:iam::123456789012:group/admins".into())
    );
    assert_eq!(admins.attached_policies[0].name, "admin");
    assert_eq!(
        json(&admins.inline_policies[0].document)["Statement"][0]["Resource"],
        "arn:aws:s3:::a+b/*",
        "a literal + survives URL-decoding"
    );

    // Roles: path, trust policy (decoded), service-linked role.
    let r = role(&facts, "cross-external-id");
    let trust = json(&r.trust_policy);
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::999999999999:root"
    );
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "x1"
    );
    assert!(
        json(&role(&facts, "cross-no-condition").trust_policy)["Statement"][0]
            .get("Condition")
            .is_none()
    );
    let r = role(&facts, "svc-no-condition");
    assert_eq!(r.path, "/apps/");
    assert_eq!(
        json(&r.trust_policy)["Statement"][0]["Principal"]["Service"],
        "lambda.amazonaws.com"
    );
    assert!(
        json(&role(&facts, "svc-source-arn").trust_policy)["Statement"][0]["Condition"]["ArnLike"]
            .get("aws:SourceArn")
            .is_some()
    );
    let r = role(&facts, "public");
    assert_eq!(json(&r.trust_policy)["Statement"][0]["Principal"], "*");
    assert_eq!(r.attached_policies[0].name, "AWSSupportAccess");
    assert_eq!(
        json(&r.inline_policies[0].document)["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    assert!(recent(r.created));
    let linked: Vec<&Role> = facts
        .roles
        .iter()
        .filter(|r| r.is_service_linked())
        .collect();
    assert_eq!(
        linked.len(),
        1,
        "{:?}",
        facts
            .roles
            .iter()
            .map(|r| (&r.name, &r.path))
            .collect::<Vec<_>>()
    );
    assert!(linked[0].path.starts_with("/aws-service-role/"));

    // Managed policies: every customer-managed one, AWS-managed only where attached.
    let policies: BTreeMap<&str, _> = facts
        .policies
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    let names: Vec<&str> = policies.keys().copied().collect();
    assert_eq!(
        names,
        [
            "AWSCloudShellFullAccess",
            "AWSSupportAccess",
            "admin",
            "s3-wildcard",
            "versioned"
        ]
    );
    let admin = policies["admin"];
    assert!(!admin.aws_managed);
    assert_eq!(json(&admin.document)["Statement"][0]["Action"], "*");
    assert_eq!(
        admin.attached_to,
        [Attachment {
            kind: IdentityKind::Group,
            name: "admins".into()
        }]
    );
    assert_eq!(admin.attachment_count, Some(1));
    let wild = policies["s3-wildcard"];
    assert_eq!(wild.path, "/team/");
    assert_eq!(json(&wild.document)["Statement"][0]["Action"], "s3:*");
    let versioned = policies["versioned"];
    assert_eq!(versioned.default_version_id.as_deref(), Some("v2"));
    assert_eq!(
        json(&versioned.document)["Statement"][0]["Action"],
        "sts:AssumeRole",
        "default version only"
    );
    assert!(versioned.attached_to.is_empty());
    let support = policies["AWSSupportAccess"];
    assert!(support.aws_managed);
    assert_eq!(
        support.attached_to,
        [
            Attachment {
                kind: IdentityKind::Group,
                name: "support".into()
            },
            Attachment {
                kind: IdentityKind::Role,
                name: "public".into()
            },
        ]
    );
    // AWS-managed documents are AWS's and judged by no control: they are not fetched.
    assert!(support.document.is_unknown());
    assert_eq!(
        policies["AWSCloudShellFullAccess"].attached_to,
        [Attachment {
            kind: IdentityKind::User,
            name: "direct".into()
        }]
    );

    // Account level.
    let summary = facts.account_summary.as_ref().expect("summary");
    assert!(summary.account_mfa_enabled && summary.account_access_keys_present);
    let root = facts
        .root
        .as_ref()
        .expect("the launcher adds a <root_account> row");
    assert!(root.mfa_active && root.access_key_1_active && !root.access_key_2_active);
    let serials: Vec<(&str, Option<&str>)> = facts
        .virtual_mfa_devices
        .iter()
        .map(|d| (d.serial_number.as_str(), d.user_arn.as_deref()))
        .collect();
    assert_eq!(
        serials,
        [
            (
                "arn:aws:iam::123456789012:mfa/console-mfa",
                Some("arn:aws:iam::123456789012:user/console-mfa")
            ),
            (
                "arn:aws:iam::123456789012:mfa/root-account-mfa-device",
                Some("arn:aws:iam::123456789012:root")
            ),
            ("arn:aws:iam::123456789012:mfa/spare", None),
        ]
    );
    let pp = facts.password_policy.as_ref().expect("password policy");
    assert_eq!(pp.minimum_length, Known::Known(Some(14)));
    assert_eq!(
        (
            pp.require_uppercase.clone(),
            pp.require_lowercase.clone(),
            pp.require_numbers.clone(),
            pp.require_symbols.clone()
        ),
        (
            Known::Known(true),
            Known::Known(false),
            Known::Known(true),
            Known::Known(true)
        )
    );
    assert_eq!(pp.reuse_prevention, Known::Known(Some(24)));
    assert_eq!(pp.max_age_days, Known::Known(Some(90)));
    assert_eq!(facts.server_certificates.len(), 1);
    let cert = &facts.server_certificates[0];
    assert_eq!(cert.name, "old-cert");
    assert_eq!(
        cert.arn,
        Known::Known("arn:aws:iam::123456789012:server-certificate/old-cert".into())
    );
    assert!(
        cert.expiration
            .is_some_and(|t| t < OffsetDateTime::now_utc()),
        "moto: every certificate expired 2012-05-08"
    );

    // Access Analyzer (regional).
    let calls = CallCounter::default();
    let analyzers = access_analyzer::collect(&clients, "us-east-1", &calls).await;
    let Collected::Ok(AccessAnalyzerFacts { analyzers }) = analyzers else {
        panic!("analyzers: {analyzers:?}")
    };
    let got: Vec<(&str, &str, &str)> = analyzers
        .iter()
        .map(|a| (a.name.as_str(), a.analyzer_type.as_str(), a.status.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("account", "ACCOUNT", "ACTIVE"),
            ("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")
        ]
    );
    assert_eq!(
        analyzers[0].arn.as_deref(),
        Some("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/account")
    );
    assert_eq!(calls.get(), 1);
    let other_region = access_analyzer::collect(&clients, "eu-west-1", &calls).await;
    assert_eq!(
        other_region,
        Collected::Ok(AccessAnalyzerFacts::default()),
        "analyzers are regional"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_account_and_insecure_root() {
    let emu = Emulator::start();
    emu.set_root(RootState::insecure());
    let clients = clients_for(emu.endpoint(), false).await;
    let facts = match collect_iam(&clients, &CallCounter::default()).await {
        (Collected::Ok(f), Collected::Ok(())) => f,
        other => panic!("IAM collection failed: {other:?}"),
    };
    assert!(facts.users.is_empty() && facts.groups.is_empty() && facts.roles.is_empty());
    assert!(
        facts.policies.is_empty(),
        "no AWS-managed policy is attached: {:?}",
        facts.policies.len()
    );
    assert_eq!(
        facts.password_policy, None,
        "NoSuchEntity is no policy, not an error"
    );
    let summary = facts.account_summary.expect("summary");
    assert!(!summary.account_mfa_enabled && summary.account_access_keys_present);
    let root = facts.root.expect("root row");
    assert!(!root.mfa_active && root.access_key_1_active);
    assert!(facts.virtual_mfa_devices.is_empty());
    assert!(facts.server_certificates.is_empty());
}

#[tokio::test]
async fn dead_endpoint_fails_never_empty() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let clients = clients_for(&format!("http://127.0.0.1:{port}"), false).await;
    let calls = CallCounter::default();
    let (facts, credentials) = collect_iam(&clients, &calls).await;
    assert!(matches!(facts, Collected::Failed { .. }), "{facts:?}");
    assert!(
        matches!(credentials, Collected::Failed { .. }),
        "{credentials:?}"
    );
    let analyzers = access_analyzer::collect(&clients, "us-east-1", &calls).await;
    assert!(
        matches!(analyzers, Collected::Failed { .. }),
        "{analyzers:?}"
    );
}
