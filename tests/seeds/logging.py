# Seeds a compliant account baseline: a logging multi-region trail (KMS, validation, CloudWatch
# Logs, private bucket with access logging), an all-supported Config recorder with a delivery
# channel and the API Gateway managed rules, and the 14 CIS metric filters with SNS alarms.
# Expects CIS_PATTERNS (a list of [control_id, pattern]) to be defined before this script.
REGION = "us-east-1"
ACCOUNT = "123456789012"
s3 = boto3.client("s3")
kms = boto3.client("kms")
logs = boto3.client("logs")
ct = boto3.client("cloudtrail")
cfg = boto3.client("config")
cw = boto3.client("cloudwatch")
sns = boto3.client("sns")
iam = boto3.client("iam")

bucket, log_bucket = "baseline-trail", "baseline-trail-logs"
s3.create_bucket(Bucket=log_bucket)
s3.put_bucket_policy(Bucket=log_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{log_bucket}/*",
     "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))
s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*",
     "Condition": {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/baseline"}}}]}))
s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": log_bucket, "TargetPrefix": "trail/"}})
key = kms.create_key(Description="trail")["KeyMetadata"]["Arn"]
logs.create_log_group(logGroupName="baseline-trail")
group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:baseline-trail:*"
role = iam.create_role(RoleName="trail-to-logs", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
ct.create_trail(Name="baseline", S3BucketName=bucket, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True,
                EnableLogFileValidation=True, KmsKeyId=key, CloudWatchLogsLogGroupArn=group_arn,
                CloudWatchLogsRoleArn=role)
ct.put_event_selectors(TrailName="baseline", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
ct.start_logging(Name="baseline")

cfg.put_configuration_recorder(ConfigurationRecorder={
    "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": log_bucket})
cfg.start_configuration_recorder(ConfigurationRecorderName="default")
for rule in ["API_GW_EXECUTION_LOGGING_ENABLED", "API_GW_XRAY_ENABLED", "API_GW_ASSOCIATED_WITH_WAF",
             "API_GW_SSL_ENABLED", "API_GW_CACHE_ENABLED_AND_ENCRYPTED", "API_GWV2_ACCESS_LOGS_ENABLED",
             "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED"]:
    cfg.put_config_rule(ConfigRule={"ConfigRuleName": rule.lower(), "Source": {"Owner": "AWS", "SourceIdentifier": rule}})

topic = sns.create_topic(Name="security-alarms")["TopicArn"]
for control, pattern in CIS_PATTERNS:
    name = control.replace("cloudwatch_alarm_", "cis-")
    logs.put_metric_filter(logGroupName="baseline-trail", filterName=name, filterPattern=pattern,
                           metricTransformations=[{"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}])
    cw.put_metric_alarm(AlarmName=name, Namespace="CISBenchmark", MetricName=name, Statistic="Sum", Period=300,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        TreatMissingData="notBreaching", AlarmActions=[topic], ActionsEnabled=True)
print(json.dumps({"trail": "baseline", "topic": topic}))
