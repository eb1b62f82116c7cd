//! Live Pinpoint and Lex V2 collectors against the emulator: apps with and without event
//! streams, bot aliases with conversation logging on, off and unencrypted, and the outcomes
//! the controls ask for when a region cannot be reached (ERROR, or NOT_APPLICABLE where the
//! service is not offered).

use crate::common;

use common::Emulator;
use secbaseline_engine::facts::{Collected, Known, LexFacts, PinpointFacts};
use terraform_provider_secbaseline::aws::clients::ENDPOINT_SERVICES;
use terraform_provider_secbaseline::aws::{AwsClients, AwsSettings};
use terraform_provider_secbaseline::live::{lex, pinpoint, CallCounter};

async fn clients_for(endpoint: &str) -> AwsClients {
    common::isolate_sdk_env();
    let settings = AwsSettings {
        region: Some("us-east-1".into()),
        endpoints: ENDPOINT_SERVICES
            .iter()
            .map(|s| (s.to_string(), endpoint.to_string()))
            .collect(),
        skip_credentials_validation: true,
        max_retries: Some(0),
        ..Default::default()
    };
    AwsClients::connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("connecting to {endpoint}: {e}"))
}

const PINPOINT_SEED: &str = r#"
pp = boto3.client("pinpoint")
ids = {}
for name in ["streaming", "silent", "third"]:
    ids[name] = pp.create_app(CreateApplicationRequest={"Name": name})["ApplicationResponse"]["Id"]
pp.put_event_stream(ApplicationId=ids["streaming"], WriteEventStream={
    "DestinationStreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/events",
    "RoleArn": "arn:aws:iam::123456789012:role/pinpoint-events"})
print(json.dumps(ids))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinpoint_apps_and_event_streams() {
    let emu = Emulator::start();
    let ids: serde_json::Value =
        serde_json::from_str(emu.python(PINPOINT_SEED).trim()).expect("ids");
    let clients = clients_for(emu.endpoint()).await;
    let calls = CallCounter::default();
    let facts = pinpoint::collect(&clients, "us-east-1", &calls).await;
    let Collected::Ok(PinpointFacts { apps }) = facts else {
        panic!("{facts:?}")
    };
    assert_eq!(
        calls.get(),
        1 + 3,
        "one GetApps page and one GetEventStream per app"
    );
    let mut expected_ids: Vec<String> = ["streaming", "silent", "third"]
        .iter()
        .map(|n| ids[n].as_str().expect("id").to_string())
        .collect();
    expected_ids.sort();
    let got_ids: Vec<&str> = apps
        .iter()
        .filter_map(|a| a.id.as_known().map(String::as_str))
        .collect();
    assert_eq!(got_ids, expected_ids, "sorted by id");
    for app in &apps {
        let id = app.id.as_known().expect("id");
        assert_eq!(
            app.arn,
            Known::Known(format!(
                "arn:aws:mobiletargeting:us-east-1:123456789012:apps/{id}"
            ))
        );
        let stream = app.event_stream.as_known().expect("known");
        if app.name == "streaming" {
            let s = stream.as_ref().expect("the streaming app has a stream");
            assert_eq!(
                s.destination_stream_arn,
                "arn:aws:kinesis:us-east-1:123456789012:stream/events"
            );
            assert_eq!(
                s.role_arn.as_deref(),
                Some("arn:aws:iam::123456789012:role/pinpoint-events")
            );
        } else {
            assert_eq!(
                stream, &None,
                "{}: NotFoundException is no stream",
                app.name
            );
        }
    }

    let empty = pinpoint::collect(&clients, "eu-west-1", &calls).await;
    assert_eq!(empty, Collected::Ok(PinpointFacts::default()));
}

const LEX_SEED: &str = r#"
logs = boto3.client("logs")
kms = boto3.client("kms")
key = kms.create_key()["KeyMetadata"]["Arn"]
logs.create_log_group(logGroupName="/lex/encrypted", kmsKeyId=key)
logs.create_log_group(logGroupName="/lex/plain")
logs.create_log_group(logGroupName="/lex/plain-but-longer", kmsKeyId=key)
group = lambda name: f"arn:aws:logs:us-east-1:123456789012:log-group:{name}"

lex = boto3.client("lexv2-models")
def bot(name):
    return lex.create_bot(botName=name, roleArn="arn:aws:iam::123456789012:role/lex", dataPrivacy={"childDirected": False},
                          idleSessionTTLInSeconds=300)["botId"]
def alias(bot_id, name, text=None, audio=None):
    settings = {}
    if text:
        settings["textLogSettings"] = [{"enabled": text[1], "destination": {"cloudWatch": {"cloudWatchLogGroupArn": group(text[0]), "logPrefix": "p"}}}]
    if audio:
        s3 = {"s3BucketArn": "arn:aws:s3:::lex-audio", "logPrefix": "a"}
        if audio[1]:
            s3["kmsKeyArn"] = audio[1]
        settings["audioLogSettings"] = [{"enabled": audio[0], "destination": {"s3Bucket": s3}}]
    kwargs = {"conversationLogSettings": settings} if settings else {}
    return lex.create_bot_alias(botId=bot_id, botAliasName=name, botVersion="DRAFT", **kwargs)["botAliasId"]

b1 = bot("orders")
a_enc = alias(b1, "prod", text=("/lex/encrypted", True), audio=(True, key))
a_off = alias(b1, "dev")
b2 = bot("support")
a_plain = alias(b2, "live", text=("/lex/plain", True), audio=(True, None))
a_disabled = alias(b2, "paused", text=("/lex/encrypted", False))
print(json.dumps({"key": key, "b1": b1, "b2": b2}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lex_aliases_and_log_encryption() {
    let emu = Emulator::start();
    let seeded: serde_json::Value =
        serde_json::from_str(emu.python(LEX_SEED).trim()).expect("seed output");
    let key = seeded["key"].as_str().expect("key").to_string();
    let clients = clients_for(emu.endpoint()).await;
    let calls = CallCounter::default();
    let facts = lex::collect(&clients, "us-east-1", &calls).await;
    let Collected::Ok(LexFacts { bots }) = facts else {
        panic!("{facts:?}")
    };

    let mut names: Vec<(&str, &str)> = vec![
        (seeded["b1"].as_str().expect("b1"), "orders"),
        (seeded["b2"].as_str().expect("b2"), "support"),
    ];
    names.sort();
    let got: Vec<(&str, &str)> = bots
        .iter()
        .map(|b| {
            (
                b.id.as_known().map(String::as_str).unwrap_or(""),
                b.name.as_str(),
            )
        })
        .collect();
    assert_eq!(got, names, "sorted by bot id");

    let alias = |bot: &str, name: &str| {
        let b = bots
            .iter()
            .find(|b| b.name == bot)
            .unwrap_or_else(|| panic!("bot {bot}"));
        let a = b
            .aliases
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "alias {name} of {bot}: {:?}",
                    b.aliases.iter().map(|a| &a.name).collect::<Vec<_>>()
                )
            });
        a.conversation_logs.as_known().expect("known").clone()
    };

    let prod = alias("orders", "prod");
    assert_eq!(prod.text.len(), 1);
    assert_eq!(prod.text[0].enabled, Known::Known(true));
    assert_eq!(
        prod.text[0].log_group_arn,
        Known::Known("arn:aws:logs:us-east-1:123456789012:log-group:/lex/encrypted".into())
    );
    assert_eq!(
        prod.text[0].log_group_kms_key_arn,
        Known::Known(Some(key.clone()))
    );
    assert_eq!(prod.audio.len(), 1);
    assert_eq!(prod.audio[0].enabled, Known::Known(true));
    assert_eq!(
        prod.audio[0].bucket_arn,
        Known::Known("arn:aws:s3:::lex-audio".into())
    );
    assert_eq!(prod.audio[0].kms_key_arn, Known::Known(Some(key.clone())));

    let dev = alias("orders", "dev");
    assert!(
        dev.text.is_empty() && dev.audio.is_empty(),
        "no logging: {dev:?}"
    );

    let live = alias("support", "live");
    assert_eq!(live.text[0].enabled, Known::Known(true));
    assert_eq!(
        live.text[0].log_group_kms_key_arn,
        Known::Known(None),
        "the exact group, not a prefix match"
    );
    assert_eq!(live.audio[0].kms_key_arn, Known::Known(None));

    let paused = alias("support", "paused");
    assert_eq!(paused.text[0].enabled, Known::Known(false));
    assert_eq!(
        paused.text[0].log_group_kms_key_arn,
        Known::Known(Some(key.clone()))
    );

    // Every bot also has its built-in TestBotAlias (the launcher names it as AWS does).
    for b in &bots {
        assert_eq!(
            b.aliases.len(),
            3,
            "two of its own and the built-in one: {:?}",
            b.aliases
        );
        assert!(
            b.aliases.iter().any(|a| a.name == "TestBotAlias"),
            "{:?}",
            b.aliases
        );
        let ids: Vec<_> = b.aliases.iter().map(|a| a.id.as_known().cloned()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "aliases sorted by id");
    }
    // ListBots + 2 ListBotAliases + 6 DescribeBotAlias + 2 DescribeLogGroups (distinct groups).
    assert_eq!(calls.get(), 1 + 2 + 6 + 2);

    let empty = lex::collect(&clients, "eu-west-1", &calls).await;
    assert_eq!(empty, Collected::Ok(LexFacts::default()));
}

#[tokio::test]
async fn dead_endpoint_fails_and_missing_region_is_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let clients = clients_for(&format!("http://127.0.0.1:{port}")).await;
    let calls = CallCounter::default();
    let p = pinpoint::collect(&clients, "us-east-1", &calls).await;
    assert!(matches!(p, Collected::Failed { .. }), "{p:?}");
    let l = lex::collect(&clients, "us-east-1", &calls).await;
    assert!(matches!(l, Collected::Failed { .. }), "{l:?}");

    // A region whose endpoint does not resolve (Pinpoint not offered there) is NOT_APPLICABLE.
    // This needs a resolver that answers (NXDOMAIN for `.invalid`, RFC 6761): where none is
    // reachable the lookup fails only temporarily, which is rightly ERROR (src/live/mod.rs).
    let clients = clients_for("http://pinpoint.region-without-pinpoint.invalid").await;
    let p = pinpoint::collect(&clients, "us-east-1", &calls).await;
    assert!(matches!(p, Collected::Unavailable { .. }), "{p:?}");
}
