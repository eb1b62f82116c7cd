//! Invalid configurations, one table row each, through the real binary over tfplugin6
//! (ValidateProviderConfig / ConfigureProvider, ValidateDataResourceConfig / ReadDataSource,
//! ValidateResourceConfig / PlanResourceChange, CallFunction). Each row states every error
//! diagnostic it expects — severity, attribute path, summary and a piece of the detail — and
//! nothing else may come back (no duplicate, no error on another path). One test runs a few
//! rows through `terraform validate` to show Terraform prints the attribute.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::plugin_client::{describe, path_string, Launch, Plugin};
use common::Workspace;
use terraform_provider_secbaseline::proto::tfplugin6 as pb;
use terraform_provider_secbaseline::proto::tfplugin6::provider_client::ProviderClient;
use terraform_provider_secbaseline::provider::{provider_schema, Registry};
use terraform_provider_secbaseline::value::{Ty, Value};
use tonic::transport::Channel;

const QUICK: Duration = Duration::from_secs(20);

/// Which RPC a row goes through.
#[derive(Debug, Clone, Copy)]
enum Call {
    ValidateProvider,
    ConfigureProvider,
    ValidateData(&'static str),
    ReadData(&'static str),
    ValidateResource(&'static str),
}

/// One expected error diagnostic.
#[derive(Debug, Clone)]
struct Want {
    path: &'static str,
    summary: &'static str,
    detail: &'static str,
}

fn want(path: &'static str, summary: &'static str, detail: &'static str) -> Want {
    Want {
        path,
        summary,
        detail,
    }
}

struct Row {
    name: &'static str,
    call: Call,
    config: Value,
    /// Every error diagnostic expected (empty: the configuration is accepted).
    errors: Vec<Want>,
}

fn row(name: &'static str, call: Call, config: Value, errors: Vec<Want>) -> Row {
    Row {
        name,
        call,
        config,
        errors,
    }
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: f64) -> Value {
    Value::Number(v)
}

fn list(items: &[&str]) -> Value {
    Value::string_list(items.iter().copied())
}

fn obj<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::object(fields)
}

fn block<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::List(vec![Value::object(fields)])
}

fn map(pairs: &[(&str, &str)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), s(v)))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn exemption(control: &str, resource: &str, reason: &str, expires: Option<&str>) -> Value {
    Value::List(vec![obj([
        ("control", s(control)),
        ("resource", s(resource)),
        ("reason", s(reason)),
        ("expires", Value::opt_string(expires)),
    ])])
}

const STATE_JSON: &str = r#"{"format_version":"1.0","values":{"root_module":{}}}"#;
const FORMAT_2: &str = r#"{"format_version":"2.0","planned_values":{"root_module":{}}}"#;

const PROVIDER: Call = Call::ValidateProvider;
const ASSESSMENT: Call = Call::ValidateData("secbaseline_assessment");
const CONTROLS: Call = Call::ValidateData("secbaseline_controls");
const TRAIL: Call = Call::ValidateResource("secbaseline_cloudtrail");
const RULES: Call = Call::ValidateResource("secbaseline_config_rules");
const ALARMS: Call = Call::ValidateResource("secbaseline_alarms");

fn provider_rows() -> Vec<Row> {
    let assume = |fields: Vec<(&str, Value)>| {
        obj([("assume_role", Value::List(vec![Value::object(fields)]))])
    };
    let arn = ("role_arn", s("arn:aws:iam::111122223333:role/audit"));
    vec![
        row(
            "region not a region",
            PROVIDER,
            obj([("region", s("mars-north-9x"))]),
            vec![want(
                "region",
                "Invalid AWS region",
                "\"mars-north-9x\" is not an AWS region name",
            )],
        ),
        row(
            "region upper case",
            PROVIDER,
            obj([("region", s("US-EAST-1"))]),
            vec![want("region", "Invalid AWS region", "\"US-EAST-1\"")],
        ),
        row(
            "region a list on the wire",
            PROVIDER,
            obj([("region", list(&["us-east-1"]))]),
            vec![want(
                "region",
                "Invalid value for \"region\"",
                "Expected a known string value.",
            )],
        ),
        row(
            "endpoint not a URL",
            PROVIDER,
            obj([("endpoints", block([("sts", s("not a url"))]))]),
            vec![want(
                "endpoints[0].sts",
                "Invalid endpoint URL",
                "\"not a url\" is not an absolute http:// or https:// URL",
            )],
        ),
        row(
            "endpoint ftp",
            PROVIDER,
            obj([("endpoints", block([("iam", s("ftp://x"))]))]),
            vec![want(
                "endpoints[0].iam",
                "Invalid endpoint URL",
                "\"ftp://x\"",
            )],
        ),
        row(
            "endpoint without host",
            PROVIDER,
            obj([("endpoints", block([("s3", s("http://"))]))]),
            vec![want(
                "endpoints[0].s3",
                "Invalid endpoint URL",
                "\"http://\"",
            )],
        ),
        row(
            "two bad endpoints",
            PROVIDER,
            obj([(
                "endpoints",
                block([("kms", s("x")), ("sns", s("http://a b"))]),
            )]),
            vec![
                want("endpoints[0].kms", "Invalid endpoint URL", "\"x\""),
                want("endpoints[0].sns", "Invalid endpoint URL", "\"http://a b\""),
            ],
        ),
        row(
            "assume_role without role_arn",
            PROVIDER,
            assume(vec![("session_name", s("ci"))]),
            vec![want(
                "assume_role[0].role_arn",
                "Missing assume_role role_arn",
                "needs role_arn",
            )],
        ),
        row(
            "assume_role user ARN",
            PROVIDER,
            assume(vec![("role_arn", s("arn:aws:iam::1:user/x"))]),
            vec![want(
                "assume_role[0].role_arn",
                "Invalid assume_role role_arn",
                "is not an IAM role ARN",
            )],
        ),
        row(
            "assume_role duration without unit",
            PROVIDER,
            assume(vec![arn.clone(), ("duration", s("90"))]),
            vec![want(
                "assume_role[0].duration",
                "Invalid assume_role duration",
                "\"90\" is not a duration between 15m and 12h",
            )],
        ),
        row(
            "assume_role duration too long",
            PROVIDER,
            assume(vec![arn.clone(), ("duration", s("13h"))]),
            vec![want(
                "assume_role[0].duration",
                "Invalid assume_role duration",
                "\"13h\"",
            )],
        ),
        row(
            "assume_role duration overflowing",
            PROVIDER,
            assume(vec![arn.clone(), ("duration", s("9999999999999999h"))]),
            vec![want(
                "assume_role[0].duration",
                "Invalid assume_role duration",
                "\"9999999999999999h\"",
            )],
        ),
        row(
            "assume_role bad session name",
            PROVIDER,
            assume(vec![arn.clone(), ("session_name", s("has space"))]),
            vec![want(
                "assume_role[0].session_name",
                "Invalid assume_role session_name",
                "2–64 letters",
            )],
        ),
        row(
            "assume_role short external id",
            PROVIDER,
            assume(vec![arn.clone(), ("external_id", s("x"))]),
            vec![want(
                "assume_role[0].external_id",
                "Invalid assume_role external_id",
                "2–1224",
            )],
        ),
        row(
            "max_retries negative",
            PROVIDER,
            obj([("max_retries", n(-1.0))]),
            vec![want(
                "max_retries",
                "Invalid max_retries",
                "whole number from 0 to 100",
            )],
        ),
        row(
            "max_retries fractional",
            PROVIDER,
            obj([("max_retries", n(1.5))]),
            vec![want("max_retries", "Invalid max_retries", "whole number")],
        ),
        row(
            "max_retries too many",
            PROVIDER,
            obj([("max_retries", n(101.0))]),
            vec![want("max_retries", "Invalid max_retries", "0 to 100")],
        ),
        row(
            "several bad arguments at once",
            PROVIDER,
            obj([("region", s("x")), ("max_retries", n(-3.0))]),
            vec![
                want("region", "Invalid AWS region", "\"x\""),
                want("max_retries", "Invalid max_retries", "0 to 100"),
            ],
        ),
        row(
            "unknown region passes validation",
            PROVIDER,
            obj([("region", Value::Unknown)]),
            vec![],
        ),
        row(
            "configure: unknown region",
            Call::ConfigureProvider,
            obj([("region", Value::Unknown)]),
            vec![want(
                "region",
                "Invalid value for \"region\"",
                "Expected a known string value.",
            )],
        ),
        row(
            "configure: bad region",
            Call::ConfigureProvider,
            obj([("region", s("moon-1"))]),
            vec![want("region", "Invalid AWS region", "\"moon-1\"")],
        ),
        row(
            "configure: assume_role without role_arn",
            Call::ConfigureProvider,
            assume(vec![("external_id", s("abc"))]),
            vec![want(
                "assume_role[0].role_arn",
                "Missing assume_role role_arn",
                "needs role_arn",
            )],
        ),
    ]
}

fn assessment_rows() -> Vec<Row> {
    let read = Call::ReadData("secbaseline_assessment");
    vec![
        row(
            "unknown service",
            ASSESSMENT,
            obj([("services", list(&["iam", "ec2"]))]),
            vec![want(
                "services[1]",
                "Invalid services",
                "unknown service \"ec2\"",
            )],
        ),
        row(
            "unknown control",
            ASSESSMENT,
            obj([("controls", list(&["iam_root_mfa", "nope"]))]),
            vec![want(
                "controls[1]",
                "Invalid controls",
                "unknown control id \"nope\"",
            )],
        ),
        row(
            "unknown excluded control",
            ASSESSMENT,
            obj([("exclude_controls", list(&["bogus"]))]),
            vec![want(
                "exclude_controls[0]",
                "Invalid exclude_controls",
                "unknown control id \"bogus\"",
            )],
        ),
        row(
            "unknown framework",
            ASSESSMENT,
            obj([("frameworks", list(&["nist"]))]),
            vec![want(
                "frameworks[0]",
                "Invalid frameworks",
                "unknown framework \"nist\"",
            )],
        ),
        row(
            "two unknown controls",
            ASSESSMENT,
            obj([("controls", list(&["a", "iam_root_mfa", "b"]))]),
            vec![
                want("controls[0]", "Invalid controls", "\"a\""),
                want("controls[2]", "Invalid controls", "\"b\""),
            ],
        ),
        row(
            "bad region",
            ASSESSMENT,
            obj([("regions", list(&["us-east-1", "moon"]))]),
            vec![want("regions[1]", "Invalid region", "\"moon\"")],
        ),
        row(
            "account ID not 12 digits, and a duplicate",
            ASSESSMENT,
            obj([
                (
                    "accounts",
                    list(&["111122223333", "1111-2222-3333", "111122223333"]),
                ),
                ("role_name", s("audit")),
            ]),
            vec![
                want("accounts[1]", "Invalid account ID", "12 digits"),
                want("accounts[2]", "Duplicate account ID", "accounts[0]"),
            ],
        ),
        row(
            "accounts without role_name",
            ASSESSMENT,
            obj([("accounts", list(&["111122223333"]))]),
            vec![want("accounts", "Missing role_name", "role_name")],
        ),
        row(
            "role_name without accounts",
            ASSESSMENT,
            obj([("role_name", s("audit"))]),
            vec![want("role_name", "role_name without accounts", "accounts")],
        ),
        row(
            "assume_role with accounts",
            ASSESSMENT,
            obj([
                ("accounts", list(&["111122223333"])),
                ("role_name", s("audit")),
                (
                    "assume_role",
                    Value::List(vec![obj([(
                        "role_arn",
                        s("arn:aws:iam::444455556666:role/audit"),
                    )])]),
                ),
            ]),
            vec![want(
                "assume_role",
                "assume_role together with accounts",
                "not both",
            )],
        ),
        row(
            "empty regions",
            ASSESSMENT,
            obj([("regions", Value::List(Vec::new()))]),
            vec![want("regions", "No region listed", "[\"all\"]")],
        ),
        row(
            "all with another region",
            ASSESSMENT,
            obj([("regions", list(&["all", "eu-west-1"]))]),
            vec![want("regions[1]", "\"all\" with other regions", "alone")],
        ),
        row(
            "bad fail_on",
            ASSESSMENT,
            obj([("fail_on", s("severe"))]),
            vec![want(
                "fail_on",
                "Invalid fail_on",
                "\"severe\" is not a severity threshold",
            )],
        ),
        row(
            "bad source",
            ASSESSMENT,
            obj([("source", s("both"))]),
            vec![want(
                "source",
                "Invalid source",
                "\"both\" is not a fact source",
            )],
        ),
        row(
            "plan source without plan_json",
            ASSESSMENT,
            obj([("source", s("plan"))]),
            vec![want("plan_json", "Missing plan_json", "needs plan_json")],
        ),
        row(
            "plan_json truncated",
            ASSESSMENT,
            obj([
                ("source", s("plan")),
                ("plan_json", s("{\"format_version\":")),
            ]),
            vec![want(
                "plan_json",
                "Invalid plan_json",
                "plan JSON is truncated",
            )],
        ),
        row(
            "plan_json not JSON",
            ASSESSMENT,
            obj([("source", s("live+plan")), ("plan_json", s("hello"))]),
            vec![want("plan_json", "Invalid plan_json", "not valid JSON")],
        ),
        row(
            "plan_json is a state",
            ASSESSMENT,
            obj([("source", s("plan")), ("plan_json", s(STATE_JSON))]),
            vec![want(
                "plan_json",
                "Invalid plan_json",
                "Terraform state, not a plan",
            )],
        ),
        row(
            "plan_json format 2",
            ASSESSMENT,
            obj([("source", s("plan")), ("plan_json", s(FORMAT_2))]),
            vec![want(
                "plan_json",
                "Invalid plan_json",
                "format_version \"2.0\" is not supported",
            )],
        ),
        row(
            "plan_json without a plan source",
            ASSESSMENT,
            obj([("plan_json", s(FORMAT_2))]),
            vec![want(
                "source",
                "plan_json needs a plan source",
                "only read when source is",
            )],
        ),
        row(
            "unknown source with plan_json passes validation",
            ASSESSMENT,
            obj([("source", Value::Unknown), ("plan_json", s("{}"))]),
            vec![],
        ),
        row(
            "unknown parameter",
            ASSESSMENT,
            obj([("parameters", map(&[("max_age", "1")]))]),
            vec![want(
                "parameters[\"max_age\"]",
                "Invalid parameters",
                "unknown parameter \"max_age\"",
            )],
        ),
        row(
            "unknown parameter next to now",
            ASSESSMENT,
            obj([(
                "parameters",
                map(&[("now", "2024-01-01T00:00:00Z"), ("zzz", "1")]),
            )]),
            vec![want(
                "parameters[\"zzz\"]",
                "Invalid parameters",
                "unknown parameter \"zzz\"",
            )],
        ),
        row(
            "parameter out of range",
            ASSESSMENT,
            obj([("parameters", map(&[("password_min_length", "5")]))]),
            vec![want(
                "parameters[\"password_min_length\"]",
                "Invalid parameters",
                "whole number from 6 to 128",
            )],
        ),
        row(
            "two bad parameters",
            ASSESSMENT,
            obj([(
                "parameters",
                map(&[("access_key_max_age_days", "ninety"), ("now", "yesterday")]),
            )]),
            vec![
                want(
                    "parameters[\"access_key_max_age_days\"]",
                    "Invalid parameters",
                    "(got \"ninety\")",
                ),
                want("parameters[\"now\"]", "Invalid parameters", "RFC 3339"),
            ],
        ),
        row(
            "exemption of unknown control",
            ASSESSMENT,
            obj([("exemptions", exemption("nope", "*", "accepted", None))]),
            vec![want(
                "exemptions[0]",
                "Invalid exemption",
                "unknown control id \"nope\"",
            )],
        ),
        row(
            "exemption without resource",
            ASSESSMENT,
            obj([(
                "exemptions",
                exemption("iam_root_mfa", " ", "accepted", None),
            )]),
            vec![want(
                "exemptions[0]",
                "Invalid exemption",
                "resource must not be empty",
            )],
        ),
        row(
            "exemption without reason",
            ASSESSMENT,
            obj([("exemptions", exemption("iam_*", "*", "", None))]),
            vec![want(
                "exemptions[0]",
                "Invalid exemption",
                "reason must not be empty",
            )],
        ),
        row(
            "exemption expiry not a date",
            ASSESSMENT,
            obj([(
                "exemptions",
                exemption("iam_root_mfa", "*", "r", Some("next year")),
            )]),
            vec![want(
                "exemptions[0]",
                "Invalid exemption",
                "expires \"next year\" is neither YYYY-MM-DD nor an RFC 3339 timestamp",
            )],
        ),
        row(
            "exemption expiry month 13",
            ASSESSMENT,
            obj([(
                "exemptions",
                exemption("iam_root_mfa", "*", "r", Some("2025-13-01")),
            )]),
            vec![want("exemptions[0]", "Invalid exemption", "\"2025-13-01\"")],
        ),
        row(
            "exclusions remove every selected control",
            ASSESSMENT,
            obj([
                ("controls", list(&["iam_root_mfa"])),
                ("exclude_controls", list(&["iam_root_mfa"])),
            ]),
            vec![want(
                "exclude_controls",
                "No control selected",
                "selects no control",
            )],
        ),
        row(
            "filters that never intersect",
            ASSESSMENT,
            obj([
                ("services", list(&["pinpoint"])),
                ("controls", list(&["iam_root_mfa"])),
            ]),
            vec![want(
                "controls",
                "No control selected",
                "selects no control",
            )],
        ),
        row(
            "computed attribute set",
            ASSESSMENT,
            obj([("score", n(5.0))]),
            vec![want(
                "score",
                "Invalid configuration: \"score\" cannot be set",
                "computed by the provider",
            )],
        ),
        row(
            "read: unknown control",
            read,
            obj([("controls", list(&["nope"]))]),
            vec![want("controls[0]", "Invalid controls", "\"nope\"")],
        ),
        row(
            "read: bad plan_json",
            read,
            obj([("source", s("plan")), ("plan_json", s("[]"))]),
            vec![want("plan_json", "Invalid plan_json", "must be an object")],
        ),
    ]
}

fn controls_rows() -> Vec<Row> {
    let read = Call::ReadData("secbaseline_controls");
    vec![
        row(
            "controls: unknown service",
            CONTROLS,
            obj([("services", list(&["nope"]))]),
            vec![want(
                "services[0]",
                "Invalid services",
                "unknown service \"nope\"",
            )],
        ),
        row(
            "controls: unknown framework",
            CONTROLS,
            obj([("frameworks", list(&["cis", "nist"]))]),
            vec![want("frameworks[1]", "Invalid frameworks", "\"nist\"")],
        ),
        row(
            "controls read: unknown service",
            read,
            obj([("services", list(&["iam", "x"]))]),
            vec![want("services[1]", "Invalid services", "\"x\"")],
        ),
        row(
            "controls: computed ids set",
            CONTROLS,
            obj([("ids", list(&["a"]))]),
            vec![want(
                "ids",
                "Invalid configuration: \"ids\" cannot be set",
                "read-only",
            )],
        ),
    ]
}

fn cloudtrail_rows() -> Vec<Row> {
    let named = |extra: Vec<(&str, Value)>| {
        let mut fields = vec![("name", s("main"))];
        fields.extend(extra);
        Value::object(fields)
    };
    vec![
        row(
            "trail name too short",
            TRAIL,
            obj([("name", s("ab"))]),
            vec![want(
                "name",
                "Invalid trail name",
                "\"ab\" is not a CloudTrail trail name",
            )],
        ),
        row(
            "trail name double dot",
            TRAIL,
            obj([("name", s("a..b"))]),
            vec![want("name", "Invalid trail name", "\"a..b\"")],
        ),
        row(
            "bucket upper case",
            TRAIL,
            named(vec![("s3_bucket_name", s("My_Bucket"))]),
            vec![want(
                "s3_bucket_name",
                "Invalid S3 bucket name",
                "\"My_Bucket\"",
            )],
        ),
        row(
            "kms key not an ARN",
            TRAIL,
            named(vec![("kms_key_arn", s("1234"))]),
            vec![want("kms_key_arn", "Invalid KMS key ARN", "\"1234\"")],
        ),
        row(
            "retention not accepted",
            TRAIL,
            named(vec![("retention_in_days", n(366.0))]),
            vec![want(
                "retention_in_days",
                "Invalid retention_in_days",
                "accepts only these retention periods",
            )],
        ),
        row(
            "retention zero",
            TRAIL,
            named(vec![("retention_in_days", n(0.0))]),
            vec![want(
                "retention_in_days",
                "Invalid retention_in_days",
                "retention periods",
            )],
        ),
        row(
            "sns topic given as ARN",
            TRAIL,
            named(vec![("sns_topic_name", s("arn:aws:sns:us-east-1:1:t"))]),
            vec![want(
                "sns_topic_name",
                "Invalid SNS topic name",
                "give the name, not the ARN",
            )],
        ),
        row(
            "unknown insight type",
            TRAIL,
            named(vec![(
                "insight_selectors",
                list(&["ApiCallRateInsight", "Nope"]),
            )]),
            vec![want(
                "insight_selectors[1]",
                "Invalid insight type",
                "\"Nope\"",
            )],
        ),
        row(
            "data event not an ARN",
            TRAIL,
            named(vec![(
                "data_events",
                block([("s3_object_arns", list(&["bucket/"]))]),
            )]),
            vec![want(
                "data_events[0].s3_object_arns[0]",
                "Invalid ARN in data_events",
                "\"bucket/\" is not an ARN",
            )],
        ),
        row(
            "empty data_events block",
            TRAIL,
            named(vec![(
                "data_events",
                block([("s3_object_arns", Value::List(vec![]))]),
            )]),
            vec![want(
                "data_events[0]",
                "Empty data_events block",
                "at least one ARN",
            )],
        ),
        row(
            "reserved tag key",
            TRAIL,
            named(vec![("tags", map(&[("aws:owner", "x")]))]),
            vec![want(
                "tags[\"aws:owner\"]",
                "Invalid tag key",
                "reserved for AWS",
            )],
        ),
        row(
            "empty tag key",
            TRAIL,
            named(vec![("tags", map(&[("", "x")]))]),
            vec![want("tags[\"\"]", "Invalid tag key", "1–128 characters")],
        ),
        row(
            "trail: computed arn set",
            TRAIL,
            named(vec![("arn", s("arn:aws:cloudtrail:us-east-1:1:trail/x"))]),
            vec![want(
                "arn",
                "Invalid configuration: \"arn\" cannot be set",
                "read-only",
            )],
        ),
    ]
}

fn config_rules_rows() -> Vec<Row> {
    vec![
        row(
            "rules: bad prefix",
            RULES,
            obj([("name_prefix", s("bad prefix!"))]),
            vec![want(
                "name_prefix",
                "Invalid name_prefix",
                "\"bad prefix!\" is not a usable prefix",
            )],
        ),
        row(
            "rules: service without managed rules",
            RULES,
            obj([("services", list(&["iam", "lex"]))]),
            vec![want(
                "services[1]",
                "Unknown service",
                "\"lex\" has no managed rules",
            )],
        ),
        row(
            "rules: empty services",
            RULES,
            obj([("services", Value::List(vec![]))]),
            vec![want("services", "Empty services", "would deploy no rule")],
        ),
        row(
            "rules: unknown excluded rule",
            RULES,
            obj([("exclude_rules", list(&["NOPE"]))]),
            vec![want("exclude_rules[0]", "Unknown managed rule", "\"NOPE\"")],
        ),
        row(
            "rules: parameters for an unknown rule",
            RULES,
            obj([("parameters", Value::object([("NOPE", map(&[("a", "b")]))]))]),
            vec![want(
                "parameters[\"NOPE\"]",
                "Unknown managed rule",
                "\"NOPE\"",
            )],
        ),
        row(
            "rules: parameters for a rule of an unselected service",
            RULES,
            obj([
                ("services", list(&["iam"])),
                (
                    "parameters",
                    Value::object([("API_GW_XRAY_ENABLED", map(&[]))]),
                ),
            ]),
            vec![want(
                "parameters[\"API_GW_XRAY_ENABLED\"]",
                "Parameters for a rule that is not deployed",
                "would be ignored",
            )],
        ),
        row(
            "rules: parameters for an excluded rule",
            RULES,
            obj([
                ("exclude_rules", list(&["IAM_PASSWORD_POLICY"])),
                (
                    "parameters",
                    Value::object([("IAM_PASSWORD_POLICY", map(&[("MaxPasswordAge", "60")]))]),
                ),
            ]),
            vec![want(
                "parameters[\"IAM_PASSWORD_POLICY\"]",
                "Parameters for a rule that is not deployed",
                "excluded by exclude_rules",
            )],
        ),
        row(
            "rules: every rule excluded",
            RULES,
            obj([
                ("services", list(&["cloudwatch"])),
                (
                    "exclude_rules",
                    list(&[
                        "CLOUDWATCH_ALARM_ACTION_CHECK",
                        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
                    ]),
                ),
            ]),
            vec![want(
                "exclude_rules",
                "Every rule excluded",
                "deploy nothing",
            )],
        ),
        row(
            "rules: recorder role not a role",
            RULES,
            obj([(
                "recorder",
                block([("role_arn", s("arn:aws:iam::1:user/u"))]),
            )]),
            vec![want(
                "recorder[0].role_arn",
                "Invalid recorder role_arn",
                "is not an IAM role ARN",
            )],
        ),
        row(
            "rules: recorder bucket name",
            RULES,
            obj([("recorder", block([("s3_bucket_name", s("UPPER"))]))]),
            vec![want(
                "recorder[0].s3_bucket_name",
                "Invalid S3 bucket name",
                "\"UPPER\"",
            )],
        ),
        row(
            "rules: recorder empty key prefix",
            RULES,
            obj([("recorder", block([("s3_key_prefix", s(""))]))]),
            vec![want(
                "recorder[0].s3_key_prefix",
                "Invalid s3_key_prefix",
                "empty key prefix",
            )],
        ),
        row(
            "rules: recorder name with blanks",
            RULES,
            obj([("recorder", block([("name", s("my recorder"))]))]),
            vec![want(
                "recorder[0].name",
                "Invalid recorder name",
                "no blanks",
            )],
        ),
        row(
            "rules: computed rules set (one diagnostic, not two)",
            RULES,
            obj([("recording", Value::Bool(true))]),
            vec![want(
                "recording",
                "Invalid configuration: \"recording\" cannot be set",
                "read-only",
            )],
        ),
    ]
}

fn alarms_rows() -> Vec<Row> {
    let base = |extra: Vec<(&str, Value)>| {
        let mut fields = vec![("cloudtrail_log_group_name", s("/aws/cloudtrail/main"))];
        fields.extend(extra);
        Value::object(fields)
    };
    let api =
        |fields: Vec<(&str, Value)>| ("api_gateway", Value::List(vec![Value::object(fields)]));
    vec![
        row(
            "alarms: bad prefix",
            ALARMS,
            base(vec![("name_prefix", s("bad prefix"))]),
            vec![want("name_prefix", "Invalid name_prefix", "\"bad prefix\"")],
        ),
        row(
            "alarms: empty log group",
            ALARMS,
            obj([("cloudtrail_log_group_name", s(""))]),
            vec![want(
                "cloudtrail_log_group_name",
                "Invalid log group name",
                "1–512",
            )],
        ),
        row(
            "alarms: log group given as ARN",
            ALARMS,
            obj([(
                "cloudtrail_log_group_name",
                s("arn:aws:logs:us-east-1:1:log-group:x"),
            )]),
            vec![want(
                "cloudtrail_log_group_name",
                "Invalid log group name",
                "give the name, not the ARN",
            )],
        ),
        row(
            "alarms: AWS namespace",
            ALARMS,
            base(vec![("metric_namespace", s("AWS/Foo"))]),
            vec![want(
                "metric_namespace",
                "Invalid metric_namespace",
                "not starting with \"AWS/\"",
            )],
        ),
        row(
            "alarms: unknown CIS alarm",
            ALARMS,
            base(vec![("cis_alarms", list(&["root_usage", "nope"]))]),
            vec![want(
                "cis_alarms[1]",
                "Unknown CIS alarm",
                "\"nope\" is not a CIS alarm key",
            )],
        ),
        row(
            "alarms: threshold zero",
            ALARMS,
            base(vec![("threshold", n(0.0))]),
            vec![want("threshold", "Invalid threshold", "at least 1")],
        ),
        row(
            "alarms: threshold infinite",
            ALARMS,
            base(vec![("threshold", n(f64::INFINITY))]),
            vec![want("threshold", "Invalid threshold", "at least 1")],
        ),
        row(
            "alarms: period 45",
            ALARMS,
            base(vec![("period", n(45.0))]),
            vec![want(
                "period",
                "Invalid period",
                "10, 30 or a multiple of 60",
            )],
        ),
        row(
            "alarms: fractional evaluation periods",
            ALARMS,
            base(vec![("evaluation_periods", n(0.5))]),
            vec![want(
                "evaluation_periods",
                "Invalid evaluation_periods",
                "whole number ≥ 1",
            )],
        ),
        row(
            "alarms: topic not an ARN",
            ALARMS,
            base(vec![("sns_topic_arn", s("topic"))]),
            vec![want(
                "sns_topic_arn",
                "Invalid sns_topic_arn",
                "is not an SNS topic ARN",
            )],
        ),
        row(
            "alarms: bad e-mail",
            ALARMS,
            base(vec![(
                "email_subscriptions",
                list(&["ops@example.com", "not-an-email"]),
            )]),
            vec![want(
                "email_subscriptions[1]",
                "Invalid e-mail address",
                "\"not-an-email\"",
            )],
        ),
        row(
            "alarms: bad api_id",
            ALARMS,
            base(vec![api(vec![("api_id", s("abc!")), ("stage", s("prod"))])]),
            vec![want("api_gateway[0].api_id", "Invalid api_id", "\"abc!\"")],
        ),
        row(
            "alarms: empty stage",
            ALARMS,
            base(vec![api(vec![("api_id", s("abc123")), ("stage", s(""))])]),
            vec![want("api_gateway[0].stage", "Invalid stage", "stage name")],
        ),
        row(
            "alarms: HTTP API $default stage is accepted",
            ALARMS,
            base(vec![api(vec![
                ("api_id", s("abc123")),
                ("stage", s("$default")),
            ])]),
            vec![],
        ),
        row(
            "alarms: duplicate stage",
            ALARMS,
            base(vec![(
                "api_gateway",
                Value::List(vec![
                    obj([("api_id", s("abc123")), ("stage", s("prod"))]),
                    obj([("api_id", s("abc123")), ("stage", s("prod"))]),
                ]),
            )]),
            vec![want(
                "api_gateway[1]",
                "Duplicate api_gateway block",
                "appears twice",
            )],
        ),
        row(
            "alarms: latency statistic p101",
            ALARMS,
            base(vec![api(vec![
                ("api_id", s("abc123")),
                ("stage", s("prod")),
                ("latency_statistic", s("p101")),
            ])]),
            vec![want(
                "api_gateway[0].latency_statistic",
                "Invalid latency_statistic",
                "\"p101\"",
            )],
        ),
        row(
            "alarms: error threshold zero",
            ALARMS,
            base(vec![api(vec![
                ("api_id", s("abc123")),
                ("stage", s("prod")),
                ("error_threshold", n(0.0)),
            ])]),
            vec![want(
                "api_gateway[0].error_threshold",
                "Invalid error_threshold",
                "must be positive",
            )],
        ),
        row(
            "alarms: latency threshold NaN",
            ALARMS,
            base(vec![api(vec![
                ("api_id", s("abc123")),
                ("stage", s("prod")),
                ("latency_threshold_ms", n(f64::NAN)),
            ])]),
            vec![want(
                "api_gateway[0].latency_threshold_ms",
                "Invalid latency_threshold_ms",
                "must be positive",
            )],
        ),
        row(
            "alarms: computed alarms set (one diagnostic, not two)",
            ALARMS,
            base(vec![("created_sns_topic", Value::Bool(true))]),
            vec![want(
                "created_sns_topic",
                "Invalid configuration: \"created_sns_topic\" cannot be set",
                "read-only",
            )],
        ),
    ]
}

fn all_rows() -> Vec<Row> {
    let mut rows = provider_rows();
    rows.extend(assessment_rows());
    rows.extend(controls_rows());
    rows.extend(cloudtrail_rows());
    rows.extend(config_rules_rows());
    rows.extend(alarms_rows());
    rows
}

fn type_of(call: Call) -> Ty {
    let registry = Registry::new();
    match call {
        Call::ValidateProvider | Call::ConfigureProvider => provider_schema().ty(),
        Call::ValidateData(n) | Call::ReadData(n) => registry.data_sources[n].schema().ty(),
        Call::ValidateResource(n) => registry.resources[n].schema().ty(),
    }
}

/// The row's diagnostics, or why there are none (a gRPC error is how a panicking handler
/// shows: tonic resets the stream).
async fn send(
    client: &mut ProviderClient<Channel>,
    call: Call,
    config: &Value,
) -> Result<Vec<pb::Diagnostic>, String> {
    let dv = Some(pb::DynamicValue {
        msgpack: config.to_msgpack(&type_of(call)),
        json: Vec::new(),
    });
    let fut = async {
        match call {
            Call::ValidateProvider => client
                .validate_provider_config(pb::validate_provider_config::Request { config: dv })
                .await
                .map(|r| r.into_inner().diagnostics),
            Call::ConfigureProvider => client
                .configure_provider(pb::configure_provider::Request {
                    config: dv,
                    ..Default::default()
                })
                .await
                .map(|r| r.into_inner().diagnostics),
            Call::ValidateData(name) => client
                .validate_data_resource_config(pb::validate_data_resource_config::Request {
                    type_name: name.into(),
                    config: dv,
                })
                .await
                .map(|r| r.into_inner().diagnostics),
            Call::ReadData(name) => client
                .read_data_source(pb::read_data_source::Request {
                    type_name: name.into(),
                    config: dv,
                    ..Default::default()
                })
                .await
                .map(|r| r.into_inner().diagnostics),
            Call::ValidateResource(name) => client
                .validate_resource_config(pb::validate_resource_config::Request {
                    type_name: name.into(),
                    config: dv,
                    ..Default::default()
                })
                .await
                .map(|r| r.into_inner().diagnostics),
        }
    };
    match tokio::time::timeout(QUICK, fut).await {
        Err(_) => Err(format!("{call:?} did not answer within {QUICK:?}")),
        Ok(Err(status)) => Err(format!("{call:?}: gRPC error {status}")),
        Ok(Ok(diags)) => Ok(diags),
    }
}

/// Compares what came back with what a row expects; returns the mismatch, if any.
fn mismatch(row: &Row, diags: &[pb::Diagnostic]) -> Option<String> {
    let errors: Vec<&pb::Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect();
    let problem = if errors.len() != row.errors.len() {
        Some(format!(
            "expected {} error diagnostic(s), got {}",
            row.errors.len(),
            errors.len()
        ))
    } else {
        row.errors.iter().zip(&errors).find_map(|(w, d)| {
            let path = path_string(d.attribute.as_ref());
            (path != w.path || d.summary != w.summary || !d.detail.contains(w.detail)).then(|| {
                format!(
                    "expected [{}] {:?} containing {:?}",
                    w.path, w.summary, w.detail
                )
            })
        })
    };
    problem.map(|p| {
        format!(
            "row {:?} ({:?}): {p}; got:\n{}",
            row.name,
            row.call,
            describe(diags)
        )
    })
}

async fn start() -> (Plugin, ProviderClient<Channel>) {
    let plugin = Launch::mtls().start().expect("starting the provider");
    let client = plugin.provider().await.expect("connect");
    (plugin, client)
}

#[tokio::test]
async fn every_invalid_configuration_gets_its_diagnostic_on_its_attribute() {
    let (plugin, mut client) = start().await;
    let rows = all_rows();
    let mut failures = Vec::new();
    for row in &rows {
        match send(&mut client, row.call, &row.config).await {
            Ok(diags) => failures.extend(mismatch(row, &diags)),
            Err(e) => failures.push(format!("row {:?}: {e}", row.name)),
        }
    }
    let stderr = plugin.stderr();
    if stderr.contains("panicked") {
        failures.push(format!("the provider panicked:\n{stderr}"));
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
    // The table is the point: keep it from shrinking unnoticed.
    assert!(rows.len() >= 100, "{} rows", rows.len());
}

/// One function argument as Terraform sends it.
enum Arg {
    Str(&'static str),
    Null,
    Number(f64),
    /// A `dynamic` parameter: `[type JSON, value]`.
    Dynamic(&'static str, Value),
    /// Raw msgpack bytes.
    Raw(Vec<u8>),
}

fn encode(arg: &Arg) -> pb::DynamicValue {
    let msgpack = match arg {
        Arg::Str(v) => s(v).to_msgpack(&Ty::String),
        Arg::Null => Value::Null.to_msgpack(&Ty::String),
        Arg::Number(v) => n(*v).to_msgpack(&Ty::Number),
        Arg::Dynamic(ty, v) => {
            let mut out = Vec::new();
            rmp::encode::write_array_len(&mut out, 2).expect("vec write");
            rmp::encode::write_bin(&mut out, ty.as_bytes()).expect("vec write");
            out.extend(v.to_msgpack(&Ty::Dynamic));
            out
        }
        Arg::Raw(b) => b.clone(),
    };
    pb::DynamicValue {
        msgpack,
        json: Vec::new(),
    }
}

/// Row name, function, arguments, the argument the error must name, a piece of its text.
type FunctionRow = (
    &'static str,
    &'static str,
    Vec<Arg>,
    Option<i64>,
    &'static str,
);

#[tokio::test]
async fn every_bad_function_argument_is_named_in_the_error() {
    let (_plugin, mut client) = start().await;
    let stage = || obj([("stage_name", s("prod"))]);
    let rows: Vec<FunctionRow> = vec![
        ("policy: not JSON", "policy_findings", vec![Arg::Str("{")], Some(0), "not a valid IAM policy document: policy document is not valid JSON"),
        ("policy: Statement a number", "policy_findings", vec![Arg::Str("{\"Statement\": 1}")], Some(0), "`Statement` must be an object or an array of objects, found a number"),
        ("policy: Action a number", "policy_findings", vec![Arg::Str("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":1,\"Resource\":\"*\"}}")], Some(0), "`Action` must be a string or an array of strings, found a number"),
        ("policy: null", "policy_findings", vec![Arg::Null], Some(0), "json must not be null"),
        ("policy: a number on the wire", "policy_findings", vec![Arg::Number(1.0)], Some(0), "json must be a string"),
        ("policy: garbage bytes", "policy_findings", vec![Arg::Raw(vec![0xc1])], Some(0), "malformed msgpack value"),
        ("trust: array document", "trust_findings", vec![Arg::Str("[]")], Some(0), "not a valid trust policy document: policy document must be a JSON object, found an array"),
        ("trust: Effect Maybe", "trust_findings", vec![Arg::Str("{\"Statement\":{\"Effect\":\"Maybe\"}}")], Some(0), "invalid `Effect` \"Maybe\""),
        ("trust: unknown principal type", "trust_findings", vec![Arg::Str("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Aws\":\"*\"},\"Action\":\"sts:AssumeRole\"}}")], Some(0), "unknown principal type `Aws`"),
        ("trust: URL-encoded garbage", "trust_findings", vec![Arg::Str("%FF%FE")], Some(0), "URL-encoded but does not decode to UTF-8"),
        ("resource: unsupported type", "resource_findings", vec![Arg::Str("aws_s3_bucket"), Arg::Dynamic("[\"object\",{\"stage_name\":\"string\"}]", stage())], Some(0), "resource type \"aws_s3_bucket\" is not judged by secbaseline"),
        ("resource: object a string", "resource_findings", vec![Arg::Str("aws_api_gateway_stage"), Arg::Dynamic("\"string\"", s("x"))], Some(1), "object must be a resource object such as aws_api_gateway_stage.this, got a string"),
        ("resource: object null", "resource_findings", vec![Arg::Str("aws_api_gateway_stage"), Arg::Dynamic("\"dynamic\"", Value::Null)], Some(1), "object must not be null"),
        ("resource: dynamic not a pair", "resource_findings", vec![Arg::Str("aws_api_gateway_stage"), Arg::Raw(s("x").to_msgpack(&Ty::String))], Some(1), "a dynamic value must be a [type, value] pair"),
        ("resource: dynamic type not JSON", "resource_findings", vec![Arg::Str("aws_api_gateway_stage"), Arg::Dynamic("{", stage())], Some(1), "dynamic value type"),
        ("resource: type null", "resource_findings", vec![Arg::Null, Arg::Dynamic("[\"object\",{\"stage_name\":\"string\"}]", stage())], Some(0), "type must not be null"),
        ("unknown function", "nope_findings", vec![Arg::Str("{}")], None, "unknown function \"nope_findings\""),
    ];
    let mut failures = Vec::new();
    for (name, function, args, argument, text) in &rows {
        let resp = tokio::time::timeout(
            QUICK,
            client.call_function(pb::call_function::Request {
                name: function.to_string(),
                arguments: args.iter().map(encode).collect(),
            }),
        )
        .await
        .expect("an answer in time")
        .expect("an answer, not a gRPC error")
        .into_inner();
        match resp.error {
            Some(e) if e.function_argument == *argument && e.text.contains(text) => {}
            other => failures.push(format!(
                "{name}: expected argument {argument:?} and {text:?}, got error {other:?} (result present: {})",
                resp.result.is_some()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn undecodable_values_are_a_diagnostic_on_every_rpc() {
    let (_plugin, mut client) = start().await;
    let garbage = Some(pb::DynamicValue {
        msgpack: vec![0x92, 0x01],
        json: Vec::new(),
    });
    let plan = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "secbaseline_cloudtrail".into(),
            config: garbage.clone(),
            proposed_new_state: garbage.clone(),
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert_eq!(plan.diagnostics.len(), 1, "{}", describe(&plan.diagnostics));
    assert_eq!(
        plan.diagnostics[0].summary,
        "Invalid value for proposed state"
    );
    assert!(plan.diagnostics[0]
        .detail
        .contains("malformed msgpack value"));
    let validate = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "secbaseline_nope".into(),
            config: garbage,
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert_eq!(
        validate.diagnostics.len(),
        1,
        "{}",
        describe(&validate.diagnostics)
    );
    assert_eq!(validate.diagnostics[0].summary, "Unknown resource type");
}

/// A few rows through `terraform validate`: Terraform shows the diagnostic with the
/// attribute it points at (no AWS is needed to validate).
#[test]
fn terraform_validate_shows_the_offending_attribute() {
    let config = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}

provider "secbaseline" {
  region = "us-east-1"
}

data "secbaseline_assessment" "gate" {
  controls   = ["iam_root_mfa", "nope"]
  parameters = { now = "2024-01-01T00:00:00Z", zzz = "1" }
  exemptions = [{ control = "iam_root_mfa", resource = "*", reason = "ok", expires = "next year" }]
}

resource "secbaseline_alarms" "a" {
  cloudtrail_log_group_name = "/aws/cloudtrail/main"
  api_gateway {
    api_id = "abc123"
    stage  = ""
  }
}
"#;
    let ws = Workspace::offline(config);
    let out = ws.run(&["validate", "-no-color"]);
    out.assert_failure();
    let text = out.combined();
    for expected in [
        "Invalid controls",
        "unknown control id \"nope\"",
        "Invalid parameters",
        "unknown parameter \"zzz\"",
        "Invalid exemption",
        "expires \"next year\"",
        "Invalid stage",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
    // Terraform quotes the configuration line of the attribute each diagnostic points at
    // (for `exemptions[0]` the list attribute's line: it does not look inside the object).
    for line in [
        "controls   = [\"iam_root_mfa\", \"nope\"]",
        "parameters = { now = \"2024-01-01T00:00:00Z\", zzz = \"1\" }",
        "exemptions = [{ control = \"iam_root_mfa\"",
        "stage  = \"\"",
    ] {
        assert!(
            text.contains(line),
            "expected the attribute's line {line:?} in:\n{text}"
        );
    }
    assert!(!text.contains("panicked"), "{text}");
}
