# Seeds a realistic API Gateway account for the `assessment` benchmark: REST_APIS REST APIs with
# three stages each (dev, test, prod), a small resource tree and methods, and HTTP_APIS HTTP APIs
# with routes, an integration and two stages; a mix of secure and insecure settings so every
# control has PASS and FAIL findings. REST_APIS and HTTP_APIS are defined before this script;
# `boto3` and `json` are imported by the harness. Not timed: calls run on a thread pool.
from concurrent.futures import ThreadPoolExecutor

REGION = "us-east-1"
ACCOUNT = "123456789012"
apigw = boto3.client("apigateway")
v2 = boto3.client("apigatewayv2")
cw = boto3.client("cloudwatch")
sns = boto3.client("sns")
logs = boto3.client("logs")
logs.create_log_group(logGroupName="api-access")
logs_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api-access"
topic = sns.create_topic(Name="api-alarms")["TopicArn"]
ALLOW_FROM_VPC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1234"}}}]}


def alarm(name, dimensions):
    cw.put_metric_alarm(AlarmName=name, Namespace="AWS/ApiGateway", MetricName="5XXError",
                        Dimensions=dimensions, Statistic="Sum", Period=60, EvaluationPeriods=1,
                        Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        AlarmActions=[topic], ActionsEnabled=True)


def rest_api(i):
    secure = i % 2 == 0
    name = f"rest-{i:03d}"
    kwargs = {"name": name, "description": "benchmark API"}
    if secure:
        kwargs["policy"] = json.dumps(ALLOW_FROM_VPC)
    api = apigw.create_rest_api(**kwargs)["id"]
    root = [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
    items = apigw.create_resource(restApiId=api, parentId=root, pathPart="items")["id"]
    item = apigw.create_resource(restApiId=api, parentId=items, pathPart="{id}")["id"]
    health = apigw.create_resource(restApiId=api, parentId=root, pathPart="health")["id"]
    auth = "AWS_IAM" if secure else "NONE"
    for res, verb, a in [(items, "GET", auth), (items, "POST", auth), (item, "GET", auth),
                         (item, "DELETE", auth), (health, "GET", "NONE")]:
        apigw.put_method(restApiId=api, resourceId=res, httpMethod=verb, authorizationType=a)
        apigw.put_integration(restApiId=api, resourceId=res, httpMethod=verb, type="MOCK")
    deployment = apigw.create_deployment(restApiId=api, stageName="dev")["id"]
    for stage in ["test", "prod"]:
        apigw.create_stage(restApiId=api, stageName=stage, deploymentId=deployment,
                           variables={"mode": stage})
    if secure:
        apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
            {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
            {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
            {"op": "replace", "path": "/tracingEnabled", "value": "true"},
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": logs_arn},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
        ])
        alarm(f"{name}-prod-5xx", [{"Name": "ApiName", "Value": name}, {"Name": "Stage", "Value": "prod"}])
    else:
        apigw.update_stage(restApiId=api, stageName="dev", patchOperations=[
            {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
            {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "false"},
        ])


def http_api(i):
    secure = i % 2 == 0
    api = v2.create_api(Name=f"http-{i:03d}", ProtocolType="HTTP")["ApiId"]
    integration = v2.create_integration(ApiId=api, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                        IntegrationUri="https://backend.example.com",
                                        PayloadFormatVersion="1.0")["IntegrationId"]
    kwargs = {"AuthorizationType": "NONE"}
    if secure:
        authorizer = v2.create_authorizer(ApiId=api, AuthorizerType="JWT", Name="jwt",
                                          IdentitySource=["$request.header.Authorization"],
                                          JwtConfiguration={"Audience": ["api"],
                                                            "Issuer": "https://issuer.example.com"})
        kwargs = {"AuthorizationType": "JWT", "AuthorizerId": authorizer["AuthorizerId"]}
    for key in ["GET /items", "POST /items", "GET /items/{id}"]:
        v2.create_route(ApiId=api, RouteKey=key, Target=f"integrations/{integration}", **kwargs)
    for stage in ["dev", "prod"]:
        extra = {}
        if secure and stage == "prod":
            extra["AccessLogSettings"] = {"DestinationArn": logs_arn, "Format": "$context.requestId"}
            extra["DefaultRouteSettings"] = {"DetailedMetricsEnabled": True, "LoggingLevel": "INFO"}
        v2.create_stage(ApiId=api, StageName=stage, **extra)


def legacy_trail():
    """A second, weaker trail: single region, no validation, no encryption, not logging."""
    s3 = boto3.client("s3")
    ct = boto3.client("cloudtrail")
    s3.create_bucket(Bucket="legacy-trail")
    ct.create_trail(Name="legacy", S3BucketName="legacy-trail")
    ct.put_event_selectors(TrailName="legacy", EventSelectors=[{"ReadWriteType": "WriteOnly",
                                                                "IncludeManagementEvents": True}])


legacy_trail()
with ThreadPoolExecutor(max_workers=8) as pool:
    list(pool.map(rest_api, range(REST_APIS)))
    list(pool.map(http_api, range(HTTP_APIS)))
print(json.dumps({"rest_apis": len(apigw.get_rest_apis(limit=500)["items"]),
                  "http_apis": len(v2.get_apis()["Items"])}))
