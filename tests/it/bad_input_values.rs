//! Bad values on the plugin protocol: property tests of `DynamicValue` decoding against every
//! schema the provider serves (provider config, each data source, each resource, each
//! function's parameters) — arbitrary bytes, well-formed msgpack of the wrong shape,
//! schema-shaped values with unknowns and nulls anywhere — plus explicit tests of deep nesting
//! and huge declared lengths. Every input gets an answer (a result or diagnostics whose path
//! names a real attribute) within a time bound: never a panic, a hang or a crash.
//!
//! The property tests call the provider's RPC service in-process (the same code the server
//! runs, no sockets) so hundreds of cases run in seconds; the deep-nesting test also sends its
//! value to the real binary and checks the process survives.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use tonic::Request;

use common::plugin_client::{describe, Launch};
use terraform_provider_secbaseline::proto::tfplugin6 as pb;
use terraform_provider_secbaseline::proto::tfplugin6::provider_server::Provider;
use terraform_provider_secbaseline::provider::{provider_schema, Registry};
use terraform_provider_secbaseline::schema::Block;
use terraform_provider_secbaseline::server::provider_rpc::ProviderRpc;
use terraform_provider_secbaseline::value::{Ty, Value};

/// How long one RPC may take before it counts as a hang.
const BOUND: Duration = Duration::from_secs(10);

/// What a value is decoded against.
#[derive(Debug, Clone)]
enum Target {
    Provider,
    DataSource(&'static str),
    Resource(&'static str),
    Function(&'static str),
}

fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(Registry::new)
}

fn targets() -> Vec<Target> {
    let r = registry();
    let mut out = vec![Target::Provider];
    out.extend(r.data_sources.keys().map(|n| Target::DataSource(n)));
    out.extend(r.resources.keys().map(|n| Target::Resource(n)));
    out.extend(r.functions.keys().map(|n| Target::Function(n)));
    out
}

fn block_of(t: &Target) -> Option<Block> {
    let r = registry();
    match t {
        Target::Provider => Some(provider_schema()),
        Target::DataSource(n) => r.data_sources.get(n).map(|d| d.schema()),
        Target::Resource(n) => r.resources.get(n).map(|x| x.schema()),
        Target::Function(_) => None,
    }
}

/// The types of the values a target decodes: the block's object type, or each parameter's.
fn types_of(t: &Target) -> Vec<Ty> {
    match t {
        Target::Function(n) => registry()
            .functions
            .get(n)
            .map(|f| f.params().into_iter().map(|p| p.ty).collect())
            .unwrap_or_default(),
        other => block_of(other).map(|b| vec![b.ty()]).unwrap_or_default(),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn rpc() -> ProviderRpc {
    // Never configured: nothing here can reach AWS (reads answer "not configured").
    ProviderRpc::new(Arc::new(Registry::new()))
}

/// Checks diagnostics: every one has a summary; an attribute path, when given, starts at an
/// attribute or block the schema has.
fn check_diags(t: &Target, diags: &[pb::Diagnostic]) -> Result<(), TestCaseError> {
    let names: Vec<String> = block_of(t)
        .map(|b| {
            b.attributes
                .iter()
                .map(|a| a.name.to_string())
                .chain(b.blocks.iter().map(|n| n.name.to_string()))
                .collect()
        })
        .unwrap_or_default();
    for d in diags {
        prop_assert!(
            !d.summary.trim().is_empty(),
            "{t:?}: empty summary: {}",
            describe(diags)
        );
        if let Some(first) = d.attribute.as_ref().and_then(|p| p.steps.first()) {
            use pb::attribute_path::step::Selector;
            match &first.selector {
                Some(Selector::AttributeName(a)) => prop_assert!(
                    names.contains(a),
                    "{t:?}: diagnostic on {a:?}, which the schema does not have: {}",
                    describe(diags)
                ),
                other => prop_assert!(false, "{t:?}: path starts with {other:?}"),
            }
        }
    }
    Ok(())
}

fn dv(bytes: &[u8]) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: bytes.to_vec(),
        json: Vec::new(),
    })
}

async fn bounded<T>(
    what: &str,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, TestCaseError> {
    tokio::time::timeout(BOUND, fut)
        .await
        .map_err(|_| TestCaseError::fail(format!("{what} did not answer within {BOUND:?}")))
}

/// Sends `args` (one per parameter for a function, else one value) to every RPC that
/// decodes a value of `t`, and checks each answer.
/// ValidateDataResourceConfig of `secbaseline_assessment` with `config`: its diagnostics.
fn validate_assessment(config: &Value) -> Result<Vec<pb::Diagnostic>, TestCaseError> {
    let ty = registry().data_sources["secbaseline_assessment"]
        .schema()
        .ty();
    let request = pb::validate_data_resource_config::Request {
        type_name: "secbaseline_assessment".into(),
        config: dv(&config.to_msgpack(&ty)),
    };
    let p = rpc();
    let answer = runtime().block_on(bounded(
        "ValidateDataResourceConfig",
        p.validate_data_resource_config(Request::new(request)),
    ))?;
    answer
        .map(|r| r.into_inner().diagnostics)
        .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))
}

async fn exercise(p: &ProviderRpc, t: &Target, args: &[Vec<u8>]) -> Result<(), TestCaseError> {
    let one = args.first().cloned().unwrap_or_default();
    match t {
        Target::Provider => {
            let r = bounded(
                "ValidateProviderConfig",
                p.validate_provider_config(Request::new(pb::validate_provider_config::Request {
                    config: dv(&one),
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
        }
        Target::DataSource(name) => {
            let r = bounded(
                "ValidateDataResourceConfig",
                p.validate_data_resource_config(Request::new(
                    pb::validate_data_resource_config::Request {
                        type_name: name.to_string(),
                        config: dv(&one),
                    },
                )),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
            let r = bounded(
                "ReadDataSource",
                p.read_data_source(Request::new(pb::read_data_source::Request {
                    type_name: name.to_string(),
                    config: dv(&one),
                    ..Default::default()
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            let r = r.get_ref();
            check_diags(t, &r.diagnostics)?;
            prop_assert!(
                r.state.is_some()
                    || r.diagnostics
                        .iter()
                        .any(|d| d.severity == pb::diagnostic::Severity::Error as i32),
                "{t:?}: a read with neither state nor an error"
            );
        }
        Target::Resource(name) => {
            let r = bounded(
                "ValidateResourceConfig",
                p.validate_resource_config(Request::new(pb::validate_resource_config::Request {
                    type_name: name.to_string(),
                    config: dv(&one),
                    ..Default::default()
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
            for (prior, proposed) in [(None, dv(&one)), (dv(&one), dv(&one)), (dv(&one), None)] {
                let r = bounded(
                    "PlanResourceChange",
                    p.plan_resource_change(Request::new(pb::plan_resource_change::Request {
                        type_name: name.to_string(),
                        prior_state: prior,
                        proposed_new_state: proposed,
                        config: dv(&one),
                        ..Default::default()
                    })),
                )
                .await?
                .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
                check_diags(t, &r.get_ref().diagnostics)?;
            }
            let r = bounded(
                "ReadResource",
                p.read_resource(Request::new(pb::read_resource::Request {
                    type_name: name.to_string(),
                    current_state: dv(&one),
                    ..Default::default()
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
            let r = bounded(
                "ApplyResourceChange",
                p.apply_resource_change(Request::new(pb::apply_resource_change::Request {
                    type_name: name.to_string(),
                    prior_state: dv(&one),
                    planned_state: dv(&one),
                    config: dv(&one),
                    ..Default::default()
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
            // Stored state arrives as JSON: the same bytes as JSON text.
            let r = bounded(
                "UpgradeResourceState",
                p.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
                    type_name: name.to_string(),
                    version: 0,
                    raw_state: Some(pb::RawState {
                        json: one.clone(),
                        flatmap: Default::default(),
                    }),
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            check_diags(t, &r.get_ref().diagnostics)?;
        }
        Target::Function(name) => {
            let r = bounded(
                "CallFunction",
                p.call_function(Request::new(pb::call_function::Request {
                    name: name.to_string(),
                    arguments: args
                        .iter()
                        .map(|a| pb::DynamicValue {
                            msgpack: a.clone(),
                            json: Vec::new(),
                        })
                        .collect(),
                })),
            )
            .await?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
            let r = r.into_inner();
            match (&r.result, &r.error) {
                (Some(result), None) => {
                    let v = Value::from_msgpack(&result.msgpack).map_err(|e| {
                        TestCaseError::fail(format!("{name}: result is not msgpack: {e}"))
                    })?;
                    prop_assert!(
                        v.as_list().is_some() || v.is_unknown(),
                        "{name}: result {v:?}"
                    );
                }
                (None, Some(e)) => {
                    prop_assert!(!e.text.trim().is_empty(), "{name}: empty error text");
                    let arity = types_of(t).len() as i64;
                    prop_assert!(
                        e.function_argument.is_some_and(|i| (0..arity).contains(&i)),
                        "{name}: the error names argument {:?} of {arity}: {}",
                        e.function_argument,
                        e.text
                    );
                }
                other => prop_assert!(false, "{name}: neither a result nor an error: {other:?}"),
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// A plan JSON the assessment accepts, so schema-shaped configs reach the plan mapper.
const PLAN_FIXTURE: &str =
    include_str!("../../crates/engine/tests/fixtures/plans/iam_documents.json");

fn interesting_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "us-east-1",
        "mars-north-9x",
        "http://127.0.0.1:9",
        "not a url",
        "arn:aws:iam::123456789012:role/x",
        "live",
        "plan",
        "live+plan",
        "high",
        "none",
        "critical",
        "iam",
        "apigateway",
        "ec2",
        "cis",
        "fsbp",
        "iam_root_mfa",
        "iam_*",
        "nope",
        "2030-01-01",
        "yesterday",
        "90",
        "-1",
        "1h",
        "15m",
        "0s",
        "secbaseline-",
        "bad prefix!",
        "main",
        "a",
        "ApiCallRateInsight",
        "p99",
        "Average",
        "p101",
        "root_usage",
        "API_GW_XRAY_ENABLED",
        "a@b.c",
        "aws_api_gateway_stage",
        "aws_iam_policy",
        "data.aws_iam_policy_document",
        "{\"Statement\":[]}",
        "{",
        "%7B",
        "\u{0}",
        "日本語",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    out.push(PLAN_FIXTURE.to_owned());
    out.push(PLAN_FIXTURE[..PLAN_FIXTURE.len() / 2].to_owned());
    out.push(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            .into(),
    );
    out
}

fn arb_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(interesting_strings()),
        1 => any::<String>(),
        // Shapes the parsers look into: durations, numbers, dates, ARNs, region names.
        1 => "([0-9]{1,22}[hms]){1,3}",
        1 => "-?[0-9]{1,30}(\\.[0-9]{0,5})?",
        1 => "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{8}Z)?",
        1 => "arn:aws:[a-z0-9:/*-]{0,40}",
        1 => "[a-z]{2}(-[a-z]{1,10}){1,2}-[0-9]{1,2}",
    ]
    .boxed()
}

fn arb_number() -> BoxedStrategy<f64> {
    prop_oneof![
        prop::sample::select(vec![
            0.0,
            -1.0,
            1.0,
            1.5,
            365.0,
            366.0,
            300.0,
            1e308,
            -1e308,
            9.0e15,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY
        ]),
        any::<f64>(),
        any::<i64>().prop_map(|i| i as f64),
    ]
    .boxed()
}

/// Any value, of any shape (including unknowns), with the schema's names as map keys.
fn arb_value(keys: Vec<String>) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        Just(Value::Unknown),
        any::<bool>().prop_map(Value::Bool),
        arb_number().prop_map(Value::Number),
        arb_string().prop_map(Value::String),
    ];
    let key = if keys.is_empty() {
        "[a-z_]{1,10}".boxed()
    } else {
        prop_oneof![3 => prop::sample::select(keys), 1 => "[a-z_]{1,10}"].boxed()
    };
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::List),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(Value::Map),
        ]
    })
    .boxed()
}

/// A value of type `ty`, with null or unknown possible at every position.
fn arb_of_type(ty: &Ty) -> BoxedStrategy<Value> {
    let typed: BoxedStrategy<Value> = match ty {
        Ty::String => arb_string().prop_map(Value::String).boxed(),
        Ty::Number => arb_number().prop_map(Value::Number).boxed(),
        Ty::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Ty::List(e) | Ty::Set(e) => prop::collection::vec(arb_of_type(e), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Ty::Map(e) => prop::collection::btree_map(arb_string(), arb_of_type(e), 0..3)
            .prop_map(Value::Map)
            .boxed(),
        Ty::Object(attrs) => {
            let names: Vec<String> = attrs.iter().map(|(n, _)| n.clone()).collect();
            let values: Vec<BoxedStrategy<Value>> =
                attrs.iter().map(|(_, t)| arb_of_type(t)).collect();
            values
                .prop_map(move |vals| Value::Map(names.iter().cloned().zip(vals).collect()))
                .boxed()
        }
        Ty::Dynamic => arb_value(Vec::new()),
    };
    prop_oneof![
        1 => Just(Value::Null),
        1 => Just(Value::Unknown),
        6 => typed,
    ]
    .boxed()
}

/// msgpack of `v` exactly as built (no reshaping to a schema).
fn raw_msgpack(v: &Value) -> Vec<u8> {
    v.to_msgpack(&Ty::Dynamic)
}

/// A `dynamic` argument as cty sends it: `[type JSON as bin, value]`.
fn dynamic_pair(type_json: &str, v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    rmp::encode::write_array_len(&mut out, 2).expect("vec write");
    rmp::encode::write_bin(&mut out, type_json.as_bytes()).expect("vec write");
    out.extend(raw_msgpack(v));
    out
}

fn schema_keys(t: &Target) -> Vec<String> {
    fn collect(b: &Block, out: &mut Vec<String>) {
        out.extend(b.attributes.iter().map(|a| a.name.to_string()));
        for n in &b.blocks {
            out.push(n.name.to_string());
            collect(&n.block, out);
        }
    }
    let mut out = Vec::new();
    if let Some(b) = block_of(t) {
        collect(&b, &mut out);
    }
    out
}

fn arb_target() -> impl Strategy<Value = Target> {
    prop::sample::select(targets())
}

/// Arguments for a target: one per parameter for functions (0..=3 of them sometimes, to test
/// arity), else one value.
fn args_from(t: &Target, values: Vec<Vec<u8>>, arity_off: bool) -> Vec<Vec<u8>> {
    let n = match t {
        Target::Function(_) if arity_off => values.len(),
        Target::Function(_) => types_of(t).len(),
        _ => 1,
    };
    values.into_iter().cycle().take(n.max(1)).collect()
}

proptest! {
    /// Arbitrary bytes as every kind of value.
    #[test]
    fn arbitrary_bytes_get_an_answer(target in arb_target(), bytes in prop::collection::vec(any::<u8>(), 0..96), arity_off in any::<bool>(), extra in 0..3usize) {
        let rt = runtime();
        let p = rpc();
        let values = vec![bytes; 1 + extra];
        rt.block_on(exercise(&p, &target, &args_from(&target, values, arity_off)))?;
    }

    /// Well-formed msgpack of any shape (wrong types, unknowns, nulls), keyed by the
    /// schema's own attribute names so the validators see them.
    #[test]
    fn wrong_shapes_get_an_answer(
        (target, value) in arb_target().prop_flat_map(|t| {
            let keys = schema_keys(&t);
            (Just(t), arb_value(keys))
        })
    ) {
        let rt = runtime();
        let p = rpc();
        let bytes = match &target {
            // A dynamic parameter's pair with a type that may or may not match.
            Target::Function("resource_findings") => vec![raw_msgpack(&Value::string("aws_api_gateway_stage")), dynamic_pair("\"dynamic\"", &value)],
            t => args_from(t, vec![raw_msgpack(&value)], false),
        };
        rt.block_on(exercise(&p, &target, &bytes))?;
    }

    /// Values of exactly the schema's type, with null or unknown in any position.
    #[test]
    fn schema_shaped_values_with_unknowns_get_an_answer(
        (target, values) in arb_target().prop_flat_map(|t| {
            let tys = types_of(&t);
            let strategies: Vec<BoxedStrategy<Value>> = tys.iter().map(arb_of_type).collect();
            (Just(t), strategies)
        })
    ) {
        let rt = runtime();
        let p = rpc();
        let tys = types_of(&target);
        let bytes: Vec<Vec<u8>> = values
            .iter()
            .zip(&tys)
            .map(|(v, ty)| if *ty == Ty::Dynamic {
                dynamic_pair(&ty_of_value(v).to_json().to_string(), v)
            } else {
                v.to_msgpack(ty)
            })
            .collect();
        rt.block_on(exercise(&p, &target, &bytes))?;
    }
}

proptest! {
    /// The provider block with arbitrary strings in every string argument and a real role
    /// ARN, so the nested checks (duration, session name, external ID, endpoints) run: every
    /// error lands on an argument that was given, and validation never panics.
    #[test]
    fn provider_strings_are_checked_on_their_attribute(
        region in arb_string(),
        profile in arb_string(),
        duration in arb_string(),
        session in arb_string(),
        external in arb_string(),
        endpoint in arb_string(),
        retries in arb_number(),
    ) {
        let config = Value::object([
            ("region", Value::string(&region)),
            ("profile", Value::string(&profile)),
            ("max_retries", Value::Number(retries)),
            ("assume_role", Value::List(vec![Value::object([
                ("role_arn", Value::string("arn:aws:iam::123456789012:role/audit")),
                ("duration", Value::string(&duration)),
                ("session_name", Value::string(&session)),
                ("external_id", Value::string(&external)),
            ])])),
            ("endpoints", Value::List(vec![Value::object([("sts", Value::string(&endpoint))])])),
        ]);
        let bytes = config.to_msgpack(&provider_schema().ty());
        let rt = runtime();
        let p = rpc();
        let r = rt
            .block_on(bounded("ValidateProviderConfig", p.validate_provider_config(Request::new(
                pb::validate_provider_config::Request { config: dv(&bytes) },
            ))))?
            .map_err(|s| TestCaseError::fail(format!("gRPC status {s}")))?;
        let given = [
            "region", "max_retries", "assume_role[0].duration", "assume_role[0].session_name",
            "assume_role[0].external_id", "endpoints[0].sts",
        ];
        for d in &r.get_ref().diagnostics {
            let path = common::plugin_client::path_string(d.attribute.as_ref());
            prop_assert!(given.contains(&path.as_str()), "diagnostic on {path:?}: {}", describe(&r.get_ref().diagnostics));
        }
    }
}

proptest! {
    /// `parameters` with real and made-up keys and odd values: exactly the keys whose value
    /// is bad get a diagnostic, each on `parameters["<that key>"]`.
    #[test]
    fn each_bad_parameter_is_reported_on_its_own_key(
        pairs in prop::collection::btree_map(
            prop_oneof![
                3 => prop::sample::select(secbaseline_engine::params::PARAM_KEYS.to_vec()).prop_map(str::to_owned),
                1 => "[a-z_]{1,12}",
            ],
            prop_oneof![arb_string(), "[0-9]{1,4}".boxed()],
            0..5,
        ),
    ) {
        let now = time::OffsetDateTime::now_utc();
        let bad: Vec<String> = pairs
            .iter()
            .filter(|(k, v)| {
                let one = std::collections::BTreeMap::from([((*k).clone(), (*v).clone())]);
                secbaseline_engine::params::Params::from_map(&one, now).is_err()
            })
            .map(|(k, _)| format!("parameters[{k:?}]"))
            .collect();
        let config = Value::object([(
            "parameters",
            Value::Map(pairs.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect()),
        )]);
        let diags = validate_assessment(&config)?;
        let got: Vec<String> = diags
            .iter()
            .map(|d| common::plugin_client::path_string(d.attribute.as_ref()))
            .collect();
        prop_assert_eq!(got, bad, "{}", describe(&diags));
    }
}

proptest! {
    /// Selection lists with real and made-up entries: exactly the made-up ones get a
    /// diagnostic, each on its own element (`controls[2]`).
    #[test]
    fn each_unknown_selection_entry_is_reported_on_its_element(
        attr in prop::sample::select(vec!["services", "controls", "exclude_controls", "frameworks"]),
        entries in prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(vec!["iam", "apigateway", "cis", "fsbp", "iam_root_mfa", "apigateway_rest_waf", "cloudtrail_multi_region"]).prop_map(str::to_owned),
                1 => "[a-z_]{0,12}",
            ],
            0..6,
        ),
    ) {
        use secbaseline_engine::assessment::Selection;
        let none: Vec<String> = Vec::new();
        let bad: Vec<String> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                let one = vec![(*e).clone()];
                match attr {
                    "services" => Selection::parse(&one, &none, &none, &none),
                    "controls" => Selection::parse(&none, &one, &none, &none),
                    "exclude_controls" => Selection::parse(&none, &none, &one, &none),
                    _ => Selection::parse(&none, &none, &none, &one),
                }
                .is_err()
            })
            .map(|(i, _)| format!("{attr}[{i}]"))
            .collect();
        let config = Value::object([(attr, Value::string_list(entries.iter().cloned()))]);
        let diags = validate_assessment(&config)?;
        let got: Vec<String> = diags
            .iter()
            .filter(|d| d.summary != "No control selected")
            .map(|d| common::plugin_client::path_string(d.attribute.as_ref()))
            .collect();
        prop_assert_eq!(got, bad, "{}", describe(&diags));
    }
}

/// The Terraform type a value would have (objects for maps, tuples as lists of dynamic).
fn ty_of_value(v: &Value) -> Ty {
    match v {
        Value::Null | Value::Unknown => Ty::Dynamic,
        Value::Bool(_) => Ty::Bool,
        Value::Number(_) => Ty::Number,
        Value::String(_) => Ty::String,
        Value::List(_) => Ty::list(Ty::Dynamic),
        Value::Map(m) => Ty::Object(m.iter().map(|(k, v)| (k.clone(), ty_of_value(v))).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Explicit: deep nesting and huge declared lengths
// ---------------------------------------------------------------------------------------------

const DEEP: usize = 100_000;

/// `DEEP` nested one-element arrays around a nil.
fn deep_arrays() -> Vec<u8> {
    let mut out = vec![0x91; DEEP];
    out.push(0xc0);
    out
}

/// `DEEP` nested one-entry maps `{"a": …}` around a nil.
fn deep_maps() -> Vec<u8> {
    let mut out = Vec::with_capacity(DEEP * 3 + 1);
    for _ in 0..DEEP {
        out.extend([0x81, 0xa1, b'a']);
    }
    out.push(0xc0);
    out
}

/// Decodes on a thread with the stack a tokio worker has (2 MiB): a recursive decoder
/// without a depth limit overflows it, which kills the process — no test harness can catch
/// that, so this runs in its own thread and the join tells.
#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    for (what, bytes) in [("arrays", deep_arrays()), ("maps", deep_maps())] {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                Value::from_msgpack(&bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .expect("spawning the decoder thread");
        let got = handle.join().expect("the decoder thread did not crash");
        let err = got.expect_err("100k levels of nesting must be refused");
        assert!(
            err.contains("deep") || err.contains("depth"),
            "{what}: {err}"
        );
    }
    // Nesting Terraform can produce (well under the limit) still decodes.
    let mut ok = vec![0x91; 120];
    ok.push(0x01);
    assert!(Value::from_msgpack(&ok).is_ok(), "120 nested lists");
    let mut ok = Vec::new();
    for _ in 0..120 {
        ok.extend([0x81, 0xa1, b'a']);
    }
    ok.push(0xa1);
    ok.push(b'x');
    assert!(Value::from_msgpack(&ok).is_ok(), "120 nested objects");
    // JSON DynamicValues (older state) are bounded by the JSON reader.
    let json = format!("{}null{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || Value::from_json_bytes(json.as_bytes()).is_err())
        .expect("spawning the decoder thread");
    assert!(handle
        .join()
        .expect("the JSON decoder thread did not crash"));
}

/// The same values sent to the real binary: a diagnostic comes back, and the process is
/// still serving afterwards.
#[tokio::test]
async fn deep_nesting_sent_to_the_binary_gets_a_diagnostic_and_the_process_survives() {
    let plugin = Launch::mtls().start().expect("starting the provider");
    let mut client = plugin.provider().await.expect("connect");
    for bytes in [deep_arrays(), deep_maps()] {
        let r = tokio::time::timeout(
            BOUND,
            client.validate_data_resource_config(pb::validate_data_resource_config::Request {
                type_name: "secbaseline_assessment".into(),
                config: dv(&bytes),
            }),
        )
        .await
        .expect("an answer within the bound")
        .expect("an answer, not a transport error (did the process die?)");
        let diags = &r.get_ref().diagnostics;
        assert_eq!(diags.len(), 1, "{}", describe(diags));
        assert_eq!(
            diags[0].summary,
            "Invalid value for data source configuration",
            "{}",
            describe(diags)
        );
        assert!(
            diags[0].detail.contains("nested too deeply") || diags[0].detail.contains("depth"),
            "{}",
            describe(diags)
        );
    }
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request::default())
        .await
        .expect("still serving after the deep values");
    assert!(schema.get_ref().provider.is_some());
}

/// Markers that declare far more data than follows: an error, fast, with no giant
/// allocation (the decoder caps what it reserves up front).
#[test]
fn huge_declared_lengths_with_short_input_are_refused_quickly() {
    let max32 = [0xff, 0xff, 0xff, 0xff];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("array32", [&[0xdd][..], &max32, &[0xc0]].concat()),
        ("map32", [&[0xdf][..], &max32, &[0xa1, b'a', 0xc0]].concat()),
        ("str32", [&[0xdb][..], &max32, b"abc"].concat()),
        ("bin32", [&[0xc6][..], &max32, b"abc"].concat()),
        ("ext32", [&[0xc9][..], &max32, &[0x00, 0x01]].concat()),
        (
            "array16 of str32",
            [&[0xdc, 0xff, 0xff, 0xdb][..], &max32].concat(),
        ),
        (
            "nested array32",
            [&[0xdd][..], &max32, &[0xdd], &max32, &[0xdd], &max32].concat(),
        ),
    ];
    for (what, bytes) in cases {
        let started = Instant::now();
        let got = Value::from_msgpack(&bytes);
        assert!(got.is_err(), "{what}: {got:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{what} took {:?}",
            started.elapsed()
        );
    }
    // Through the RPC too: a decode diagnostic, no path (it is the whole value).
    let rt = runtime();
    let p = rpc();
    let bytes = [&[0xdd][..], &max32].concat();
    let r =
        rt.block_on(p.validate_provider_config(Request::new(
            pb::validate_provider_config::Request { config: dv(&bytes) },
        )))
        .expect("an answer");
    let diags = &r.get_ref().diagnostics;
    assert_eq!(diags.len(), 1, "{}", describe(diags));
    assert_eq!(diags[0].summary, "Invalid value for provider configuration");
    assert!(diags[0].attribute.is_none());
}

/// Unknown and null in every attribute position of every schema, one at a time, on top of
/// an otherwise empty configuration: validation never errs on an unknown (it is checked
/// again once known) and never on a null optional attribute.
#[test]
fn unknown_or_null_in_any_single_attribute_is_not_an_error_at_validate_time() {
    let rt = runtime();
    let p = rpc();
    for t in targets() {
        let Some(block) = block_of(&t) else { continue };
        let ty = block.ty();
        let names: Vec<(String, bool)> = block
            .attributes
            .iter()
            .filter(|a| !a.is_computed_only())
            .map(|a| (a.name.to_string(), a.required))
            .chain(block.blocks.iter().map(|b| (b.name.to_string(), false)))
            .collect();
        for (name, required) in names {
            for v in [Value::Unknown, Value::Null] {
                if required && v.is_null() {
                    continue; // Terraform itself rejects a missing required attribute.
                }
                let config = Value::object([(name.as_str(), v.clone())]);
                let bytes = config.to_msgpack(&ty);
                let diags = rt.block_on(async {
                    match &t {
                        Target::Provider => p
                            .validate_provider_config(Request::new(
                                pb::validate_provider_config::Request { config: dv(&bytes) },
                            ))
                            .await
                            .map(|r| r.into_inner().diagnostics),
                        Target::DataSource(n) => p
                            .validate_data_resource_config(Request::new(
                                pb::validate_data_resource_config::Request {
                                    type_name: n.to_string(),
                                    config: dv(&bytes),
                                },
                            ))
                            .await
                            .map(|r| r.into_inner().diagnostics),
                        Target::Resource(n) => p
                            .validate_resource_config(Request::new(
                                pb::validate_resource_config::Request {
                                    type_name: n.to_string(),
                                    config: dv(&bytes),
                                    ..Default::default()
                                },
                            ))
                            .await
                            .map(|r| r.into_inner().diagnostics),
                        Target::Function(_) => Ok(Vec::new()),
                    }
                });
                let diags = diags.expect("an answer");
                let errors: Vec<&pb::Diagnostic> = diags
                    .iter()
                    .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{t:?} with {name} = {v:?}: {}",
                    describe(&diags)
                );
            }
        }
    }
}
