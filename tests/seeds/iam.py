# Seeds known-good and known-bad IAM users, groups, roles, policies and server certificates, and
# a neglected account: weak password policy, no AWSSupportAccess anywhere, only an unused-access
# analyzer (the root user's state is set by the test through /_secbaseline/root).
# Credential age and a malformed policy document go through the launcher's test-only IAM
# endpoints (moto cannot age credentials and validates every document it is given).
# Prints a JSON map of what it created on its last line. `boto3` and `json` are imported by
# the harness.
import os
import urllib.request
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCOUNT = "123456789012"
ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
iam = boto3.client("iam")


def emulator(path, body):
    req = urllib.request.Request(ENDPOINT + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200, resp.status


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def trust(principal, condition=None):
    stmt = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return doc(stmt)


def mfa(user):
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")


def use_key(key):
    """Signs a request with the key, so the credential report shows it used now."""
    boto3.client("iam", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"]).get_user()


def key_of(user):
    return iam.create_access_key(UserName=user)["AccessKey"]


# --- customer-managed policies -----------------------------------------------------------------
policy = {}
for name, document in [
    ("read-only", doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))),
    ("admin-all", doc(allow("*"))),
    ("s3-wildcard", doc(allow("s3:*"))),
    ("assume-any", doc(allow("sts:AssumeRole"))),
    ("assume-one", doc(allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/deploy"))),
    ("broken", doc(allow("s3:ListBucket", "arn:aws:s3:::reports"))),
]:
    policy[name] = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
# AWS would refuse this document; the emulator stores it as the default version verbatim.
emulator("/_secbaseline/iam/policy-document",
         {"policy_arn": policy["broken"], "document": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'})

# --- groups ----------------------------------------------------------------------------------
iam.create_group(GroupName="engineers")
iam.attach_group_policy(GroupName="engineers", PolicyArn=policy["read-only"])
iam.put_group_policy(GroupName="engineers", PolicyName="group-read",
                     PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::docs/*")))

# --- users -----------------------------------------------------------------------------------
# good-person: console password with MFA, permissions only through a group.
iam.create_user(UserName="good-person")
iam.create_login_profile(UserName="good-person", Password="Correct-Horse-9!")
mfa("good-person")
iam.add_user_to_group(GroupName="engineers", UserName="good-person")

# good-ci: one fresh key, used today, MFA.
iam.create_user(UserName="good-ci")
use_key(key_of("good-ci"))
mfa("good-ci")

# bad-console: console password without MFA, created 200 days ago and never used.
iam.create_user(UserName="bad-console")
iam.create_login_profile(UserName="bad-console", Password="Correct-Horse-9!")
emulator("/_secbaseline/iam/backdate", {"user_name": "bad-console", "days": 200})

# bad-stale-key: a 200-day-old key never used.
iam.create_user(UserName="bad-stale-key")
key_of("bad-stale-key")
emulator("/_secbaseline/iam/backdate", {"user_name": "bad-stale-key", "days": 200})

# bad-old-used-key: a 200-day-old key used today (not rotated, but not unused either).
iam.create_user(UserName="bad-old-used-key")
old_used = key_of("bad-old-used-key")
emulator("/_secbaseline/iam/backdate", {"user_name": "bad-old-used-key", "days": 200})
use_key(old_used)

# bad-two-keys: two active keys.
iam.create_user(UserName="bad-two-keys")
key_of("bad-two-keys")
key_of("bad-two-keys")

# bad-direct: policies attached to the user itself, one of them admin, plus CloudShell.
iam.create_user(UserName="bad-direct")
iam.attach_user_policy(UserName="bad-direct", PolicyArn=policy["read-only"])
iam.attach_user_policy(UserName="bad-direct", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
iam.put_user_policy(UserName="bad-direct", PolicyName="inline-admin", PolicyDocument=doc(allow("*")))

# --- roles -----------------------------------------------------------------------------------
iam.create_role(RoleName="public-open", AssumeRolePolicyDocument=trust("*"))
iam.create_role(RoleName="public-org-condition", AssumeRolePolicyDocument=trust(
    {"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}))
iam.create_role(RoleName="cross-bare", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::999999999999:root"}))
iam.create_role(RoleName="cross-external-id", AssumeRolePolicyDocument=trust(
    {"AWS": "arn:aws:iam::999999999999:root"}, {"StringEquals": {"sts:ExternalId": "partner-7"}}))
iam.create_role(RoleName="service-bare", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
iam.create_role(RoleName="service-source-account", AssumeRolePolicyDocument=trust(
    {"Service": "lambda.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": ACCOUNT}}))
iam.attach_role_policy(RoleName="service-source-account", PolicyArn=policy["assume-one"])
iam.attach_role_policy(RoleName="service-bare", PolicyArn=policy["assume-any"])
iam.attach_role_policy(RoleName="public-open", PolicyArn=policy["admin-all"])
iam.attach_role_policy(RoleName="cross-bare", PolicyArn=policy["s3-wildcard"])
# Documents AWS would refuse, stored verbatim by the emulator: a trust policy and an inline policy.
iam.create_role(RoleName="trust-broken", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
emulator("/_secbaseline/iam/policy-document",
         {"trust_policy_of": "trust-broken", "document": '{"Statement": {"Effect": "Allow", "Principal": '})
iam.put_role_policy(RoleName="trust-broken", PolicyName="inline-broken", PolicyDocument=doc(allow("ec2:DescribeInstances")))
emulator("/_secbaseline/iam/policy-document",
         {"role_name": "trust-broken", "policy_name": "inline-broken", "document": "not json at all"})
# A service-linked role: AWS manages it, so the sts_* controls must not judge it, even with a
# permission that would FAIL anywhere else.
linked = iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")["Role"]
iam.put_role_policy(RoleName=linked["RoleName"], PolicyName="linked-assume",
                    PolicyDocument=doc(allow("sts:AssumeRole")))

# --- server certificates: one valid for a year, one expired last month -------------------------
def certificate(name, not_after):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.example.com")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_after - timedelta(days=400)).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    iam.upload_server_certificate(
        ServerCertificateName=name,
        CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode(),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode())


now = datetime.now(timezone.utc)
certificate("current-cert", now + timedelta(days=365))
certificate("expired-cert", now - timedelta(days=30))

# --- a neglected account ---------------------------------------------------------------------
iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False, RequireNumbers=True,
                                   RequireUppercaseCharacters=True, RequireLowercaseCharacters=True)
boto3.client("accessanalyzer").create_analyzer(analyzerName="unused-only", type="ACCOUNT_UNUSED_ACCESS")

print(json.dumps({"policies": policy, "service_linked_role": linked["Arn"]}))
