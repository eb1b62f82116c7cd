# Seeds Pinpoint apps with and without an event stream, Lex V2 bots whose aliases log text
# conversations encrypted, not at all, disabled, and unencrypted, and IAM policies that do and
# do not grant mobiletargeting:* / lex:* on every resource. No trail and no Config recorder:
# the services' logging controls FAIL until tests/seeds/logging.py runs.
# Prints a JSON map of the created ids on its last line. `boto3` and `json` are imported by
# the harness.
REGION = "us-east-1"
ACCOUNT = "123456789012"
pp = boto3.client("pinpoint")
lex = boto3.client("lexv2-models")
logs = boto3.client("logs")
kms = boto3.client("kms")
iam = boto3.client("iam")
ids = {}

# --- Pinpoint ----------------------------------------------------------------------------------
for name in ["streaming", "silent"]:
    ids[name] = pp.create_app(CreateApplicationRequest={"Name": name})["ApplicationResponse"]["Id"]
pp.put_event_stream(ApplicationId=ids["streaming"], WriteEventStream={
    "DestinationStreamArn": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/pinpoint-events",
    "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/pinpoint-events"})

# --- Lex V2 ------------------------------------------------------------------------------------
key = kms.create_key(Description="lex logs")["KeyMetadata"]["Arn"]
logs.create_log_group(logGroupName="/lex/encrypted", kmsKeyId=key)
logs.create_log_group(logGroupName="/lex/plain")


def group(name):
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


def bot(name):
    return lex.create_bot(botName=name, roleArn=f"arn:aws:iam::{ACCOUNT}:role/lex-runtime",
                          dataPrivacy={"childDirected": False}, idleSessionTTLInSeconds=300)["botId"]


def alias(bot_id, name, text=None, audio_key=None):
    """text: (log group, enabled) or None; audio_key: None (no audio), "" (no KMS) or a key."""
    settings = {}
    if text:
        settings["textLogSettings"] = [{"enabled": text[1], "destination": {"cloudWatch": {
            "cloudWatchLogGroupArn": group(text[0]), "logPrefix": name}}}]
    if audio_key is not None:
        s3 = {"s3BucketArn": "arn:aws:s3:::lex-audio", "logPrefix": name}
        if audio_key:
            s3["kmsKeyArn"] = audio_key
        settings["audioLogSettings"] = [{"enabled": True, "destination": {"s3Bucket": s3}}]
    kwargs = {"conversationLogSettings": settings} if settings else {}
    return lex.create_bot_alias(botId=bot_id, botAliasName=name, botVersion="DRAFT", **kwargs)["botAliasId"]


ids["orders"] = bot("orders")
ids["orders_prod"] = alias(ids["orders"], "prod", text=("/lex/encrypted", True), audio_key=key)
ids["orders_dev"] = alias(ids["orders"], "dev")
ids["support"] = bot("support")
ids["support_live"] = alias(ids["support"], "live", text=("/lex/plain", True), audio_key="")
ids["support_paused"] = alias(ids["support"], "paused", text=("/lex/encrypted", False))
# Every bot also has the built-in TestBotAlias, which lex_conversation_logs leaves out.
ids["test_aliases"] = [a["botAliasId"] for b in ("orders", "support")
                       for a in lex.list_bot_aliases(botId=ids[b])["botAliasSummaries"]
                       if a["botAliasName"] == "TestBotAlias"]


# --- IAM ---------------------------------------------------------------------------------------
def policy(name, action, resource="*"):
    iam.create_policy(PolicyName=name, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]}))


policy("pinpoint-everything", "mobiletargeting:*")
policy("pinpoint-one-app", "mobiletargeting:*", f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT}:apps/{ids['streaming']}*")
policy("lex-everything", "lex:*")
policy("lex-one-bot", "lex:RecognizeText", f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/{ids['orders']}/*")
policy("administrator", "*")  # admin-equivalent: left to iam_policy_no_admin

print(json.dumps(ids))
