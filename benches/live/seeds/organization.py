# An organization for the `organization` bench section: MEMBERS member accounts (constant
# defined before this script) in four OUs, each with, in every one of REGIONS, a REST API whose
# stage has X-Ray on or off, an HTTP API, and a CloudWatch alarm; the management account's
# organization trail comes from tests/seeds/logging.py, run after this. Prints the member IDs.
org = boto3.client("organizations")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
units = [org.create_organizational_unit(ParentId=root, Name=n)["OrganizationalUnit"]["Id"]
         for n in ["Prod", "Staging", "Dev", "Sandbox"]]
sts = boto3.client("sts")
members = []
for i in range(MEMBERS):
    acct = org.create_account(Email=f"m{i}@example.com", AccountName=f"member-{i}")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=units[i % 4])
    members.append(acct)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/audit", RoleSessionName="seed")["Credentials"]
    s = boto3.session.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                              aws_session_token=c["SessionToken"])
    for r, region in enumerate(REGIONS):
        apigw = s.client("apigateway", region_name=region)
        api = apigw.create_rest_api(name=f"orders-{i}")["id"]
        res = [x for x in apigw.get_resources(restApiId=api)["items"] if x["path"] == "/"][0]["id"]
        apigw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api, resourceId=res, httpMethod="GET", type="MOCK")
        dep = apigw.create_deployment(restApiId=api)["id"]
        apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep, tracingEnabled=(i + r) % 2 == 0)
        s.client("apigatewayv2", region_name=region).create_api(Name=f"catalog-{i}", ProtocolType="HTTP")
        s.client("cloudwatch", region_name=region).put_metric_alarm(
            AlarmName=f"cpu-{i}", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
            Period=300, EvaluationPeriods=1, Threshold=90, ComparisonOperator="GreaterThanThreshold")
print(json.dumps({"members": members}))
