//! What exists in an emulator that any bundle can create (trails, buckets and their policies,
//! KMS keys and aliases, log groups, IAM roles, SNS topics and subscriptions, Config rules,
//! recorders and delivery channels, metric filters, alarms), read from the emulator directly.
//! After a destroy every list must be empty: anything left is an orphan.

use serde_json::Value;

use super::emulator::Emulator;

/// Everything any bundle can create, read from the emulator directly.
pub const INVENTORY: &str = r#"
ct = boto3.client("cloudtrail"); s3 = boto3.client("s3"); kms = boto3.client("kms")
logs = boto3.client("logs"); iam = boto3.client("iam"); sns = boto3.client("sns")
cfg = boto3.client("config"); cw = boto3.client("cloudwatch")
def policy(b):
    try:
        s3.get_bucket_policy(Bucket=b); return True
    except Exception:
        return False
buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
keys = []
for k in kms.list_keys()["Keys"]:
    m = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
    if m.get("KeyManager") != "AWS" and m["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion"):
        keys.append(m["Arn"])
rules = []
for page in cfg.get_paginator("describe_config_rules").paginate():
    rules += [r["ConfigRuleName"] for r in page["ConfigRules"]]
print(json.dumps({
    "trails": sorted(t["Name"] for t in ct.describe_trails()["trailList"]),
    "buckets": buckets,
    "bucket_policies": [b for b in buckets if policy(b)],
    "kms_keys": sorted(keys),
    "kms_aliases": sorted(a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")),
    "log_groups": sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
    "iam_roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
    "sns_topics": sorted(t["TopicArn"] for t in sns.list_topics()["Topics"]),
    "sns_subscriptions": sorted(s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]),
    "config_rules": sorted(rules),
    "config_recorders": sorted(r["name"] for r in cfg.describe_configuration_recorders()["ConfigurationRecorders"]),
    "delivery_channels": sorted(c["name"] for c in cfg.describe_delivery_channels()["DeliveryChannels"]),
    "metric_filters": sorted(f["filterName"] for f in logs.describe_metric_filters()["metricFilters"]),
    "alarms": sorted(a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]),
}))
"#;

pub fn inventory(emu: &Emulator) -> Value {
    emu.python_json(INVENTORY)
}

/// Number of AWS objects in an inventory (zero after a destroy, or they are orphans).
pub fn count(inv: &Value) -> usize {
    inv.as_object()
        .map(|m| m.values().map(|v| v.as_array().map_or(0, Vec::len)).sum())
        .unwrap_or(0)
}
