# Seeds a large IAM account for the `iam` benchmark: USERS users, ROLES roles, POLICIES
# customer-managed policies, GROUPS groups, with policy attachments, inline policies, some
# access keys, login profiles and virtual MFA devices, and a password policy. A mix of secure
# and insecure settings so the controls find both. USERS, ROLES, POLICIES and GROUPS are
# defined before this script; `boto3` and `json` are imported by the harness. Not timed: calls
# run on a thread pool.
from concurrent.futures import ThreadPoolExecutor

ACCOUNT = "123456789012"
iam = boto3.client("iam")


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def policy_document(i):
    kind = i % 6
    if kind == 0:
        return doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    if kind == 1:
        return doc([{"Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}])
    if kind == 2:
        return doc([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                     "Resource": f"arn:aws:s3:::bucket-{i}/*"}])
    if kind == 3:
        return doc([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])
    if kind == 4:
        return doc([{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app-{i}:*"}])
    return doc([{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}])


def make_policy(i):
    return iam.create_policy(PolicyName=f"policy-{i:04d}", PolicyDocument=policy_document(i),
                             Description="benchmark policy")["Policy"]["Arn"]


def make_group(i):
    iam.create_group(GroupName=f"group-{i:03d}")


def make_user(i):
    name = f"user-{i:04d}"
    iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": f"team-{i % 10}"}])
    iam.add_user_to_group(GroupName=f"group-{i % GROUPS:03d}", UserName=name)
    if i % 3 == 0:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arns[i % POLICIES])
    if i % 4 == 0:
        iam.put_user_policy(UserName=name, PolicyName="inline",
                            PolicyDocument=policy_document(i + 1))
    if i % 3 == 1:
        iam.create_access_key(UserName=name)
    if i % 2 == 0:
        iam.create_login_profile(UserName=name, Password="Benchmark-Passw0rd!")
        if i % 4 == 0:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                                  AuthenticationCode1="123456", AuthenticationCode2="654321")


def make_role(i):
    name = f"role-{i:04d}"
    principal = ({"Service": "lambda.amazonaws.com"} if i % 2 == 0
                 else {"AWS": f"arn:aws:iam::{'210987654321' if i % 5 == 1 else ACCOUNT}:root"})
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(
        [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
    iam.attach_role_policy(RoleName=name, PolicyArn=policy_arns[(i * 7) % POLICIES])
    if i % 2 == 1:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=policy_document(i + 2))


iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True, RequireNumbers=True,
                                   RequireUppercaseCharacters=True, RequireLowercaseCharacters=False,
                                   AllowUsersToChangePassword=True, MaxPasswordAge=180,
                                   PasswordReusePrevention=5)
with ThreadPoolExecutor(max_workers=8) as pool:
    policy_arns = list(pool.map(make_policy, range(POLICIES)))
    list(pool.map(make_group, range(GROUPS)))
    for g in range(GROUPS):
        iam.attach_group_policy(GroupName=f"group-{g:03d}", PolicyArn=policy_arns[(g * 11) % POLICIES])
    list(pool.map(make_user, range(USERS)))
    list(pool.map(make_role, range(ROLES)))
summary = iam.get_account_summary()["SummaryMap"]
print(json.dumps({"users": summary["Users"], "roles": summary["Roles"], "policies": summary["Policies"],
                  "groups": summary["Groups"]}))
