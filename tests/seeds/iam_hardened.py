# Fixes the account-level IAM settings that tests/seeds/iam.py leaves neglected: a CIS password
# policy, AWSSupportAccess on an incident-response role and an ACTIVE account analyzer.
# `boto3` and `json` are imported by the harness.
iam = boto3.client("iam")
iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
                                   RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                   MaxPasswordAge=90, PasswordReusePrevention=24)
iam.create_role(RoleName="incident-support", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}))
iam.attach_role_policy(RoleName="incident-support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
boto3.client("accessanalyzer").create_analyzer(analyzerName="account", type="ACCOUNT")
print(json.dumps({"role": "incident-support"}))
