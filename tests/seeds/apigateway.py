# Seeds secure and insecure API Gateway resources (v1 and v2) for the assessment tests.
# Prints a JSON map of the created ids. `boto3` and `json` are imported by the harness.
REGION = "us-east-1"
ACCOUNT = "123456789012"
apigw = boto3.client("apigateway")
v2 = boto3.client("apigatewayv2")
cw = boto3.client("cloudwatch")
sns = boto3.client("sns")
iam = boto3.client("iam")
wafv2 = boto3.client("wafv2")
logs_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api-access"
topic = sns.create_topic(Name="api-alarms")["TopicArn"]

def rest_api(name, policy=None):
    kwargs = {"name": name}
    if policy is not None:
        kwargs["policy"] = json.dumps(policy)
    return apigw.create_rest_api(**kwargs)["id"]

def root_resource(api):
    return [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]

def method(api, verb, auth):
    res = root_resource(api)
    apigw.put_method(restApiId=api, resourceId=res, httpMethod=verb, authorizationType=auth)
    apigw.put_integration(restApiId=api, resourceId=res, httpMethod=verb, type="MOCK")

# --- secure REST API -------------------------------------------------------------------
secure_rest = rest_api("secure-rest", policy={
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                   "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}],
})
method(secure_rest, "GET", "AWS_IAM")
method(secure_rest, "OPTIONS", "NONE")  # out of scope for method authorization
apigw.create_deployment(restApiId=secure_rest, stageName="prod", variables={"mode": "live"})
cert = apigw.generate_client_certificate(description="backend auth")["clientCertificateId"]
apigw.update_stage(restApiId=secure_rest, stageName="prod", patchOperations=[
    {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
    {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
    {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
    {"op": "replace", "path": "/tracingEnabled", "value": "true"},
    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": logs_arn},
    {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
    {"op": "replace", "path": "/clientCertificateId", "value": cert},
])
acl = wafv2.create_web_acl(Name="api-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
                           VisibilityConfig={"SampledRequestsEnabled": False,
                                             "CloudWatchMetricsEnabled": False, "MetricName": "acl"})
wafv2.associate_web_acl(WebACLArn=acl["Summary"]["ARN"],
                        ResourceArn=f"arn:aws:apigateway:{REGION}::/restapis/{secure_rest}/stages/prod")
cw.put_metric_alarm(AlarmName="secure-rest-5xx", Namespace="AWS/ApiGateway", MetricName="5XXError",
                    Dimensions=[{"Name": "ApiName", "Value": "secure-rest"}, {"Name": "Stage", "Value": "prod"}],
                    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic], ActionsEnabled=True)

# --- insecure REST API -----------------------------------------------------------------
insecure_rest = rest_api("insecure-rest", policy={
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
})
method(insecure_rest, "GET", "NONE")
apigw.create_deployment(restApiId=insecure_rest, stageName="dev",
                        variables={"db_password": "hunter2-plain", "key": "AKIAABCDEFGHIJKLMNOP"})
apigw.update_stage(restApiId=insecure_rest, stageName="dev", patchOperations=[
    {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
    {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "false"},
])

# --- HTTP APIs -------------------------------------------------------------------------
secure_http = v2.create_api(Name="secure-http", ProtocolType="HTTP")["ApiId"]
authorizer = v2.create_authorizer(ApiId=secure_http, AuthorizerType="JWT", Name="jwt",
                                  IdentitySource=["$request.header.Authorization"],
                                  JwtConfiguration={"Audience": ["api"], "Issuer": "https://issuer.example.com"})
v2.create_route(ApiId=secure_http, RouteKey="GET /items", AuthorizationType="JWT",
                AuthorizerId=authorizer["AuthorizerId"])
link = v2.create_vpc_link(Name="link", SubnetIds=["subnet-1"], SecurityGroupIds=["sg-1"])["VpcLinkId"]
v2.create_integration(ApiId=secure_http, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                      IntegrationUri="arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2",
                      ConnectionType="VPC_LINK", ConnectionId=link, PayloadFormatVersion="1.0",
                      TlsConfig={"ServerNameToVerify": "backend.example.com"})
v2.create_stage(ApiId=secure_http, StageName="prod",
                AccessLogSettings={"DestinationArn": logs_arn, "Format": "$context.requestId"},
                StageVariables={"mode": "live"})
cw.put_metric_alarm(AlarmName="secure-http-5xx", Namespace="AWS/ApiGateway", MetricName="5xx",
                    Dimensions=[{"Name": "ApiId", "Value": secure_http}, {"Name": "Stage", "Value": "prod"}],
                    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic], ActionsEnabled=True)

insecure_http = v2.create_api(Name="insecure-http", ProtocolType="HTTP")["ApiId"]
v2.create_route(ApiId=insecure_http, RouteKey="GET /open", AuthorizationType="NONE")
v2.create_integration(ApiId=insecure_http, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                      IntegrationUri="arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/y/1/2",
                      ConnectionType="VPC_LINK", ConnectionId=link, PayloadFormatVersion="1.0")
v2.create_stage(ApiId=insecure_http, StageName="dev", StageVariables={"api_token": "s3cr3t-t0ken-value"})

# --- custom domain names ---------------------------------------------------------------
apigw.create_domain_name(domainName="secure.example.com", securityPolicy="TLS_1_2",
                         regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/1",
                         endpointConfiguration={"types": ["REGIONAL"]})
apigw.create_domain_name(domainName="legacy.example.com", securityPolicy="TLS_1_0",
                         regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/2",
                         endpointConfiguration={"types": ["REGIONAL"]})

# --- IAM policies for apigateway_iam_least_privilege -------------------------------------
iam.create_policy(PolicyName="apigw-everything", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}]}))
iam.create_policy(PolicyName="apigw-read-one", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "apigateway:GET",
                   "Resource": f"arn:aws:apigateway:{REGION}::/restapis/{secure_rest}"}]}))

print(json.dumps({"secure_rest": secure_rest, "insecure_rest": insecure_rest,
                  "secure_http": secure_http, "insecure_http": insecure_http, "topic": topic}))
