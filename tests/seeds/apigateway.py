# Seeds secure and insecure API Gateway resources (v1 REST, v2 HTTP and WebSocket) for the
# assessment tests, including APIs where secure and insecure stages, methods, routes and
# integrations live side by side. Prints a JSON map of the created ids (API ids, REST resource
# ids, v2 route and integration ids) on its last line. `boto3` and `json` are imported by the
# harness.
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
acl_arn = wafv2.create_web_acl(
    Name="api-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
    VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                      "MetricName": "acl"})["Summary"]["ARN"]
ids = {"topic": topic}


def alarm(name, metric, dims, actions=True):
    """An alarm on AWS/ApiGateway `metric` for `dims`; with the SNS topic as action or none."""
    cw.put_metric_alarm(AlarmName=name, Namespace="AWS/ApiGateway", MetricName=metric,
                        Dimensions=[{"Name": k, "Value": v} for k, v in dims],
                        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                        ComparisonOperator="GreaterThanOrEqualToThreshold",
                        AlarmActions=[topic] if actions else [], ActionsEnabled=actions)


# --- REST helpers ----------------------------------------------------------------------
def rest_api(name, policy=None):
    kwargs = {"name": name}
    if policy is not None:
        kwargs["policy"] = json.dumps(policy)
    return apigw.create_rest_api(**kwargs)["id"]


def root_resource(api):
    return [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]


def method(api, res, verb, auth, **kwargs):
    apigw.put_method(restApiId=api, resourceId=res, httpMethod=verb, authorizationType=auth,
                     **kwargs)
    apigw.put_integration(restApiId=api, resourceId=res, httpMethod=verb, type="MOCK")


def patch(api, stage, *ops):
    apigw.update_stage(restApiId=api, stageName=stage, patchOperations=[
        {"op": "replace", "path": path, "value": value} for path, value in ops])


def harden_rest_stage(api, api_name, stage):
    """Every REST stage control passes: INFO logging, encrypted cache, X-Ray, access logs,
    client certificate, WAF and a 5XXError alarm with an action."""
    cert = apigw.generate_client_certificate(description=f"{api_name} {stage}")
    patch(api, stage,
          ("/*/*/logging/loglevel", "INFO"),
          ("/*/*/caching/enabled", "true"),
          ("/*/*/caching/dataEncrypted", "true"),
          ("/tracingEnabled", "true"),
          ("/accessLogSettings/destinationArn", logs_arn),
          ("/accessLogSettings/format", "$context.requestId"),
          ("/clientCertificateId", cert["clientCertificateId"]))
    wafv2.associate_web_acl(WebACLArn=acl_arn,
                            ResourceArn=f"arn:aws:apigateway:{REGION}::/restapis/{api}/stages/{stage}")
    alarm(f"{api_name}-{stage}-5xx", "5XXError", [("ApiName", api_name), ("Stage", stage)])


# --- secure REST API -------------------------------------------------------------------
secure_rest = rest_api("secure-rest", policy={
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                   "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}],
})
root = root_resource(secure_rest)
method(secure_rest, root, "GET", "AWS_IAM")
method(secure_rest, root, "OPTIONS", "NONE")  # out of scope for method authorization
apigw.create_deployment(restApiId=secure_rest, stageName="prod", variables={"mode": "live"})
harden_rest_stage(secure_rest, "secure-rest", "prod")
ids.update(secure_rest=secure_rest, secure_rest_root=root)

# --- insecure REST API -----------------------------------------------------------------
insecure_rest = rest_api("insecure-rest", policy={
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
})
root = root_resource(insecure_rest)
method(insecure_rest, root, "GET", "NONE")
apigw.create_deployment(restApiId=insecure_rest, stageName="dev",
                        variables={"db_password": "hunter2-plain", "key": "AKIAABCDEFGHIJKLMNOP"})
patch(insecure_rest, "dev",
      ("/*/*/caching/enabled", "true"),
      ("/*/*/caching/dataEncrypted", "false"))
ids.update(insecure_rest=insecure_rest, insecure_rest_root=root)

# --- mixed REST API: secure and insecure stages and methods in one API ----------------------
# No resource policy: out of scope for apigateway_rest_resource_policy_public.
mixed_rest = rest_api("mixed-rest")
items = apigw.create_resource(restApiId=mixed_rest, parentId=root_resource(mixed_rest),
                              pathPart="items")["id"]
authorizer = apigw.create_authorizer(
    restApiId=mixed_rest, name="tokens", type="TOKEN",
    authorizerUri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
                  f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:auth/invocations",
    identitySource="method.request.header.Authorization")["id"]
method(mixed_rest, items, "GET", "CUSTOM", authorizerId=authorizer)  # PASS
method(mixed_rest, items, "PUT", "NONE", apiKeyRequired=True)  # PASS: API key
method(mixed_rest, items, "POST", "NONE")  # FAIL
method(mixed_rest, items, "OPTIONS", "NONE")  # out of scope
deployment = apigw.create_deployment(restApiId=mixed_rest, stageName="prod",
                                     variables={"backend": "items.internal", "token_ttl": "3600"})["id"]
harden_rest_stage(mixed_rest, "mixed-rest", "prod")
# "dev": nothing configured, a secret under a secret-like name, an alarm without an action.
apigw.create_stage(restApiId=mixed_rest, stageName="dev", deploymentId=deployment,
                   variables={"signing_secret": "x9-literal-value"})
alarm("mixed-rest-dev-5xx-silent", "5XXError", [("ApiName", "mixed-rest"), ("Stage", "dev")],
      actions=False)
# "logoff": all secure, but POST /items overrides logging to OFF (a FAIL naming the method).
apigw.create_stage(restApiId=mixed_rest, stageName="logoff", deploymentId=deployment)
harden_rest_stage(mixed_rest, "mixed-rest", "logoff")
patch(mixed_rest, "logoff", ("/~1items/POST/logging/loglevel", "OFF"))
# "cacheplain": all secure, but GET /items caches without encryption.
apigw.create_stage(restApiId=mixed_rest, stageName="cacheplain", deploymentId=deployment)
harden_rest_stage(mixed_rest, "mixed-rest", "cacheplain")
patch(mixed_rest, "cacheplain",
      ("/~1items/GET/caching/enabled", "true"),
      ("/~1items/GET/caching/dataEncrypted", "false"))
ids.update(mixed_rest=mixed_rest, mixed_rest_items=items)

# --- HTTP APIs -------------------------------------------------------------------------
link = v2.create_vpc_link(Name="link", SubnetIds=["subnet-1"], SecurityGroupIds=["sg-1"])["VpcLinkId"]


def vpc_integration(api, sni=None):
    kwargs = {"TlsConfig": {"ServerNameToVerify": sni}} if sni else {}
    return v2.create_integration(
        ApiId=api, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
        IntegrationUri=f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/x/1/2",
        ConnectionType="VPC_LINK", ConnectionId=link, PayloadFormatVersion="1.0",
        **kwargs)["IntegrationId"]


def jwt_authorizer(api):
    return v2.create_authorizer(ApiId=api, AuthorizerType="JWT", Name="jwt",
                                IdentitySource=["$request.header.Authorization"],
                                JwtConfiguration={"Audience": ["api"],
                                                  "Issuer": "https://issuer.example.com"})["AuthorizerId"]


def route(api, key, auth="NONE", **kwargs):
    return v2.create_route(ApiId=api, RouteKey=key, AuthorizationType=auth, **kwargs)["RouteId"]


secure_http = v2.create_api(Name="secure-http", ProtocolType="HTTP")["ApiId"]
route(secure_http, "GET /items", "JWT", AuthorizerId=jwt_authorizer(secure_http))
vpc_integration(secure_http, sni="backend.example.com")
v2.create_stage(ApiId=secure_http, StageName="prod",
                AccessLogSettings={"DestinationArn": logs_arn, "Format": "$context.requestId"},
                StageVariables={"mode": "live"})
alarm("secure-http-5xx", "5xx", [("ApiId", secure_http), ("Stage", "prod")])

insecure_http = v2.create_api(Name="insecure-http", ProtocolType="HTTP")["ApiId"]
route(insecure_http, "GET /open")
vpc_integration(insecure_http)
v2.create_stage(ApiId=insecure_http, StageName="dev", StageVariables={"api_token": "s3cr3t-t0ken-value"})
ids.update(secure_http=secure_http, insecure_http=insecure_http)

# --- mixed HTTP API: authorized and open routes, verified and unverified VPC links ----------
mixed_http = v2.create_api(Name="mixed-http", ProtocolType="HTTP")["ApiId"]
ids.update(
    mixed_http=mixed_http,
    mixed_http_private=route(mixed_http, "GET /private", "AWS_IAM"),  # PASS
    mixed_http_public=route(mixed_http, "GET /public"),  # FAIL
    mixed_http_default=route(mixed_http, "$default"),  # FAIL: $default counts for HTTP
    mixed_http_tls=vpc_integration(mixed_http, sni="items.internal"),  # PASS
    mixed_http_no_tls=vpc_integration(mixed_http),  # FAIL
    mixed_http_internet=v2.create_integration(  # out of scope: not a VPC link
        ApiId=mixed_http, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
        IntegrationUri="https://example.com", PayloadFormatVersion="1.0")["IntegrationId"],
)
v2.create_stage(ApiId=mixed_http, StageName="prod",
                AccessLogSettings={"DestinationArn": logs_arn, "Format": "$context.requestId"},
                StageVariables={"backend": "items.internal"})
alarm("mixed-http-prod-5xx", "5xx", [("ApiId", mixed_http), ("Stage", "prod")])
# "dev": no access logs; its only alarm watches the REST metric name, which HTTP APIs never emit.
v2.create_stage(ApiId=mixed_http, StageName="dev")
alarm("mixed-http-dev-wrong-metric", "5XXError", [("ApiId", mixed_http), ("Stage", "dev")])

# --- WebSocket APIs --------------------------------------------------------------------
def websocket_api(name):
    return v2.create_api(Name=name, ProtocolType="WEBSOCKET",
                         RouteSelectionExpression="$request.body.action")["ApiId"]


def ws_routes(api, connect_auth, **kwargs):
    """$connect with `connect_auth`; $disconnect, $default and sendMessage without
    authorization, which AWS allows only on $connect (out of scope)."""
    return {
        "connect": route(api, "$connect", connect_auth, **kwargs),
        "disconnect": route(api, "$disconnect"),
        "default": route(api, "$default"),
        "send": route(api, "sendMessage"),
    }


secure_ws = websocket_api("secure-ws")
secure_ws_routes = ws_routes(secure_ws, "AWS_IAM")
v2.create_stage(ApiId=secure_ws, StageName="live",
                DefaultRouteSettings={"LoggingLevel": "INFO", "DataTraceEnabled": False},
                AccessLogSettings={"DestinationArn": logs_arn, "Format": "$context.requestId"},
                StageVariables={"mode": "live"})
alarm("secure-ws-live-integration", "IntegrationError", [("ApiId", secure_ws), ("Stage", "live")])

# No DefaultRouteSettings (moto reports LoggingLevel OFF), no access logs, no alarm, a secret.
insecure_ws = websocket_api("insecure-ws")
insecure_ws_routes = ws_routes(insecure_ws, "NONE")
v2.create_stage(ApiId=insecure_ws, StageName="dev",
                StageVariables={"client_secret": "ws-plain-s3cret"})
# Default route settings without a LoggingLevel (not set at all); an access key ID under an
# innocent name.
v2.create_stage(ApiId=insecure_ws, StageName="beta",
                DefaultRouteSettings={"DetailedMetricsEnabled": True},
                StageVariables={"backend": "ASIAQWERTYUIOPASDFGH"})

# One secure stage and one whose sendMessage route overrides logging to OFF; the
# second stage is fixed up through UpdateStage (an emulator extension) as users do.
mixed_ws = websocket_api("mixed-ws")
mixed_ws_routes = ws_routes(mixed_ws, "AWS_IAM")
for stage in ("live", "canary"):
    v2.create_stage(ApiId=mixed_ws, StageName=stage,
                    DefaultRouteSettings={"LoggingLevel": "ERROR", "DataTraceEnabled": False})
    v2.update_stage(ApiId=mixed_ws, StageName=stage,
                    AccessLogSettings={"DestinationArn": logs_arn, "Format": "$context.requestId"})
    alarm(f"mixed-ws-{stage}-execution", "ExecutionError", [("ApiId", mixed_ws), ("Stage", stage)])
v2.update_stage(ApiId=mixed_ws, StageName="canary",
                RouteSettings={"sendMessage": {"LoggingLevel": "OFF"}})
ids.update(secure_ws=secure_ws, insecure_ws=insecure_ws, mixed_ws=mixed_ws,
           secure_ws_routes=secure_ws_routes, insecure_ws_routes=insecure_ws_routes,
           mixed_ws_routes=mixed_ws_routes)

# --- custom domain names (v1 and v2) ---------------------------------------------------------
apigw.create_domain_name(domainName="secure.example.com", securityPolicy="TLS_1_2",
                         regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/1",
                         endpointConfiguration={"types": ["REGIONAL"]})
apigw.create_domain_name(domainName="legacy.example.com", securityPolicy="TLS_1_0",
                         regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/2",
                         endpointConfiguration={"types": ["REGIONAL"]})
for domain, policy in (("ws.example.com", "TLS_1_2"), ("old-ws.example.com", "TLS_1_0")):
    v2.create_domain_name(DomainName=domain, DomainNameConfigurations=[{
        "CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/3",
        "EndpointType": "REGIONAL", "SecurityPolicy": policy}])

# --- IAM policies for apigateway_iam_least_privilege -------------------------------------
iam.create_policy(PolicyName="apigw-everything", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}]}))
iam.create_policy(PolicyName="apigw-read-one", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "apigateway:GET",
                   "Resource": f"arn:aws:apigateway:{REGION}::/restapis/{secure_rest}"}]}))
# Admin-equivalent: iam_policy_no_admin's to judge, never this control's FAIL.
iam.create_policy(PolicyName="admin-everything", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
iam.create_role(RoleName="api-deployer", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"},
                   "Action": "sts:AssumeRole"}]}))
iam.put_role_policy(RoleName="api-deployer", PolicyName="invoke-all", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"}]}))

print(json.dumps(ids))
