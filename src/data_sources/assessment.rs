//! `secbaseline_assessment`: runs the selected controls over the live account (and, later,
//! planned configuration), returns findings, summary, score and SARIF, and fails the plan
//! when a control at or above `fail_on` fails.

use std::collections::{BTreeMap, BTreeSet};

use secbaseline_engine::assessment::{self, Exemption, FailOn, Request, Selection};
use secbaseline_engine::facts::{Facts, Source};
use secbaseline_engine::finding::{Finding, Status};
use secbaseline_engine::params::Params;
use secbaseline_engine::plan;
use secbaseline_engine::severity::Severity;

use crate::diag::{AttrPath, Diag};
use crate::framework::{BoxFut, DataSource, ProviderState, ReadResult};
use crate::live::estate::{gather_estate, RegionChoice, Shared};
use crate::live::CallCounter;

use super::targets::Accounts;
use crate::schema::{Attribute, Block};
use crate::value::{Ty, Value};

/// The assessment data source.
pub struct AssessmentDataSource;

pub use crate::finding_value::finding_type;

fn summary_type() -> Ty {
    Ty::object([
        ("total", Ty::Number),
        ("by_status", Ty::map(Ty::Number)),
        ("by_severity", Ty::map(Ty::map(Ty::Number))),
        ("by_account", Ty::map(Ty::map(Ty::Number))),
    ])
}

/// `status → count` as a Terraform map.
fn counts_value(counts: &BTreeMap<Status, usize>) -> Value {
    Value::Map(
        counts
            .iter()
            .map(|(s, n)| (s.as_str().to_string(), Value::Number(*n as f64)))
            .collect(),
    )
}

/// The user's inputs, validated.
#[derive(Debug)]
pub struct Inputs {
    pub selection: Selection,
    /// The regions asked for, as written (`["all"]` included).
    pub regions: Vec<String>,
    /// Which regions each account is assessed in.
    pub region_choice: RegionChoice,
    /// Whose accounts.
    pub accounts: Accounts,
    pub parameters: BTreeMap<String, String>,
    pub exemptions: Vec<Exemption>,
    pub fail_on: FailOn,
    pub source: FactSource,
    pub plan: Option<plan::Plan>,
}

/// Where the facts come from (`source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactSource {
    /// The account as it is.
    Live,
    /// The planned configuration alone: no AWS access, no credentials.
    Plan,
    /// The account as it will be after the plan: planned resources overlay the live ones.
    LivePlusPlan,
}

fn string_list(config: &Value, name: &str) -> Vec<String> {
    config.get(name).strings()
}

/// Validates and parses the configuration. Unknown values are skipped at validate time.
pub fn parse_inputs(config: &Value) -> Result<Inputs, Vec<Diag>> {
    let mut errors = Vec::new();
    let services = string_list(config, "services");
    let controls = string_list(config, "controls");
    let exclude = string_list(config, "exclude_controls");
    let frameworks = string_list(config, "frameworks");
    let mut selection = Selection::default();
    errors.extend(super::selection_element_errors(
        config,
        &["services", "controls", "exclude_controls", "frameworks"],
    ));
    if errors.is_empty() {
        match Selection::parse(&services, &controls, &exclude, &frameworks) {
            Ok(s) => selection = s,
            Err(e) => errors.push(Diag::error(
                "Invalid control selection",
                e.to_string(),
                None,
            )),
        }
        if selection.rules().is_empty() && config.is_wholly_known() {
            errors.push(Diag::error(
                "No control selected",
                "The combination of services, controls, exclude_controls and frameworks selects no control, so the assessment would judge nothing. Widen the filters.",
                Some(AttrPath::of(if exclude.is_empty() { "controls" } else { "exclude_controls" })),
            ));
        }
    }

    let regions = string_list(config, "regions");
    let region_choice = super::targets::parse_regions(config, &mut errors);
    let accounts = super::targets::parse_accounts(config, &mut errors);

    let mut parameters = BTreeMap::new();
    if let Some(map) = config.get("parameters").as_map() {
        for (k, v) in map {
            if let Some(s) = v.as_str() {
                parameters.insert(k.clone(), s.to_string());
            }
        }
    }
    // Each key on its own, so every bad one is reported on `parameters["key"]`.
    for (key, value) in &parameters {
        let one = BTreeMap::from([(key.clone(), value.clone())]);
        if let Err(e) = Params::from_map(&one, time::OffsetDateTime::now_utc()) {
            errors.push(Diag::error(
                "Invalid parameters",
                e.to_string(),
                Some(AttrPath::of("parameters").key(key)),
            ));
        }
    }

    let mut exemptions = Vec::new();
    for (i, item) in config
        .get("exemptions")
        .as_list()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if !item.is_wholly_known() {
            continue;
        }
        let field = |n: &str| item.get(n).as_str().unwrap_or("").to_string();
        let expires = item.get("expires").as_str().map(str::to_string);
        match Exemption::parse(
            &field("control"),
            &field("resource"),
            &field("reason"),
            expires.as_deref(),
        ) {
            Ok(e) => exemptions.push(e),
            // The element, not its field: Terraform 1.11 cannot place a path into an object
            // inside a list attribute and would show the whole block; the detail names the
            // field ("expires …", "reason must not be empty").
            Err(e) => errors.push(Diag::error(
                "Invalid exemption",
                e.to_string(),
                Some(AttrPath::of("exemptions").index(i as i64)),
            )),
        }
    }

    let fail_on = match config.get("fail_on").as_str() {
        None => FailOn::None,
        Some(s) => match s.parse::<FailOn>() {
            Ok(f) => f,
            Err(_) => {
                errors.push(Diag::error(
                    "Invalid fail_on",
                    format!("\"{s}\" is not a severity threshold; use none, informational, low, medium, high or critical."),
                    Some(AttrPath::of("fail_on")),
                ));
                FailOn::None
            }
        },
    };

    let source_unknown = config.get("source").is_unknown();
    let source = match config.get("source").as_str() {
        None | Some("live") => FactSource::Live,
        Some("plan") => FactSource::Plan,
        Some("live+plan") => FactSource::LivePlusPlan,
        Some(other) => {
            errors.push(Diag::error(
                "Invalid source",
                format!("\"{other}\" is not a fact source; use \"live\" (default), \"plan\" or \"live+plan\"."),
                Some(AttrPath::of("source")),
            ));
            FactSource::Live
        }
    };
    let mut parsed_plan = None;
    match (source, config.get("plan_json")) {
        // Decided once `source` is known (it may come from a variable).
        _ if source_unknown => {}
        (FactSource::Live, Value::String(_)) => errors.push(Diag::error(
            "plan_json needs a plan source",
            "plan_json is only read when source is \"plan\" or \"live+plan\".",
            Some(AttrPath::of("source")),
        )),
        (FactSource::Plan | FactSource::LivePlusPlan, Value::Null) => errors.push(Diag::error(
            "Missing plan_json",
            "source = \"plan\" or \"live+plan\" needs plan_json: the output of `terraform show -json <planfile>`.",
            Some(AttrPath::of("plan_json")),
        )),
        (FactSource::Plan | FactSource::LivePlusPlan, Value::String(text)) => match plan::parse_plan(text) {
            Ok(p) => parsed_plan = Some(p),
            Err(e) => errors.push(Diag::error("Invalid plan_json", e.to_string(), Some(AttrPath::of("plan_json")))),
        },
        _ => {}
    }

    if errors.is_empty() {
        Ok(Inputs {
            selection,
            regions,
            region_choice,
            accounts,
            parameters,
            exemptions,
            fail_on,
            source,
            plan: parsed_plan,
        })
    } else {
        Err(errors)
    }
}

/// `passed`: no FAIL or ERROR at or above the threshold (every severity when `none`).
pub fn passed(findings: &[Finding], fail_on: FailOn) -> bool {
    let min = match fail_on {
        FailOn::None => Severity::Informational,
        FailOn::AtLeast(s) => s,
    };
    !findings
        .iter()
        .any(|f| matches!(f.status, Status::Fail | Status::Error) && f.severity >= min)
}

/// Diagnostics for an assessment: errors per failing control when the gate is met, otherwise
/// warnings per failing control; warnings for controls that could not be evaluated.
pub fn diagnostics(result: &assessment::Assessment) -> Vec<Diag> {
    let mut by_control: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut errors: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &result.findings {
        match f.status {
            Status::Fail => by_control.entry(&f.control_id).or_default().push(f),
            Status::Error => errors.entry(&f.control_id).or_default().push(f),
            _ => {}
        }
    }
    let gating: BTreeSet<&str> = result
        .gate
        .failing_controls
        .iter()
        .map(String::as_str)
        .collect();
    let mut diags = Vec::new();
    for (control, failures) in by_control {
        let first = failures[0];
        let mut detail = String::new();
        for f in failures.iter().take(20) {
            let location = f.address.as_deref().unwrap_or(&f.resource_id);
            detail.push_str(&format!("- {} ({}): {}\n", location, f.region, f.message));
        }
        if failures.len() > 20 {
            detail.push_str(&format!("- … and {} more\n", failures.len() - 20));
        }
        // Every remediation text names the bundle that fixes the control (a catalogue test
        // checks it), so nothing is appended here.
        let (title, remediation) = first.meta().map_or(("", ""), |m| (m.title, m.remediation));
        detail.push_str(&format!("\nRemediation: {remediation}"));
        let summary = format!(
            "Control {control} failed ({}, {} resource{}): {}",
            first.severity.as_str(),
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            title
        );
        if gating.contains(control) {
            diags.push(Diag::error(summary, detail, None));
        } else {
            diags.push(Diag::warning(summary, detail, None));
        }
    }
    for (control, errs) in errors {
        let detail: Vec<String> = errs
            .iter()
            .take(5)
            .map(|f| format!("- {} ({}): {}", f.resource_id, f.region, f.message))
            .collect();
        diags.push(Diag::warning(
            format!("Control {control} could not be evaluated (ERROR)"),
            format!("{}\n\nThe control is reported as ERROR, never as PASS. Fix what each line names (a missing permission, a document that cannot be read) or exclude the control.", detail.join("\n")),
            None,
        ));
    }
    diags
}

/// Builds the data source's state from an assessment.
pub fn state_value(
    config: &Value,
    id: String,
    result: &assessment::Assessment,
    sarif: String,
    fail_on: FailOn,
) -> Value {
    let mut state = config.clone();
    let summary = &result.summary;
    state.set("id", Value::string(id));
    state.set(
        "findings",
        crate::finding_value::findings_value(&result.findings),
    );
    state.set(
        "summary",
        Value::object([
            ("total", Value::Number(summary.total as f64)),
            ("by_status", counts_value(&summary.by_status)),
            (
                "by_severity",
                Value::Map(
                    summary
                        .by_severity
                        .iter()
                        .map(|(sev, counts)| (sev.as_str().to_string(), counts_value(counts)))
                        .collect(),
                ),
            ),
            (
                "by_account",
                Value::Map(
                    summary
                        .by_account
                        .iter()
                        .map(|(account, counts)| (account.clone(), counts_value(counts)))
                        .collect(),
                ),
            ),
        ]),
    );
    state.set("passed", Value::Bool(passed(&result.findings, fail_on)));
    state.set(
        "score",
        summary.score.map(Value::Number).unwrap_or(Value::Null),
    );
    state.set("sarif", Value::String(sarif));
    state
}

impl DataSource for AssessmentDataSource {
    fn name(&self) -> &'static str {
        "secbaseline_assessment"
    }

    fn schema(&self) -> Block {
        let list = || Ty::list(Ty::String);
        Block::new("Evaluates the security controls of the secbaseline catalogue (API Gateway, IAM, STS, Pinpoint, Lex, CloudTrail, AWS Config, CloudWatch) against the account and returns findings. With `fail_on`, a failing control at or above that severity fails the plan.")
            .attr(Attribute::optional("services", list(), "Services to assess: `apigateway`, `iam`, `sts`, `pinpoint`, `lex`, `cloudtrail`, `config`, `cloudwatch`. Default: all."))
            .attr(Attribute::optional("regions", list(), "Regions to assess in each account. Default: the provider's region. `[\"all\"]`: every region enabled for each account (`account:ListRegions`). IAM is global and assessed once per account."))
            .attr(Attribute::optional("accounts", list(), "Account IDs to assess, each through the role `role_name` assumed with the provider's credentials (the provider's own account, when listed, is read directly), e.g. `data.secbaseline_accounts.org.ids`. Default: the provider's own account. An account whose role cannot be assumed is ERROR for that account alone, naming the role and AWS's error code."))
            .attr(Attribute::optional("role_name", Ty::String, "Name (optionally with path) of the IAM role to assume in each of `accounts`, e.g. `SecurityAudit`. The session name and duration follow the provider's `assume_role` settings."))
            .attr(Attribute::optional("controls", list(), "Only these control IDs (default: all selected by the other filters)."))
            .attr(Attribute::optional("exclude_controls", list(), "Control IDs never to run."))
            .attr(Attribute::optional("frameworks", list(), "Only controls referenced by these frameworks: `fsbp`, `cis`, `checkov`, `prowler`."))
            .attr(Attribute::optional("parameters", Ty::map(Ty::String), "Overrides of control parameters: `access_key_max_age_days` (90), `unused_credentials_days` (90; CIS 1.12 uses 45), `password_min_length` (14), `password_reuse_prevention` (24), `password_max_age_days` (90)."))
            .attr(Attribute::optional_object_list(
                "exemptions",
                vec![
                    Attribute::required("control", Ty::String, "Control ID the exemption applies to."),
                    Attribute::required("resource", Ty::String, "Resource ID (ARN) or address; `*` wildcards allowed."),
                    Attribute::required("reason", Ty::String, "Why the failure is accepted."),
                    Attribute::optional("expires", Ty::String, "Expiry date `YYYY-MM-DD` or RFC 3339 time; an expired exemption no longer applies."),
                ],
                "Accepted failures: a FAIL they cover becomes EXEMPTED until `expires`.",
            ))
            .attr(Attribute::optional("fail_on", Ty::String, "Severity threshold that fails the plan: `none` (default), `informational`, `low`, `medium`, `high`, `critical`."))
            .attr(Attribute::optional("source", Ty::String, "Where the facts come from: `live` (default, the account as it is), `plan` (only the planned configuration in `plan_json`; needs no AWS access and no credentials — with `skip_credentials_validation = true` the provider needs no region either), `live+plan` (the account as it will be after the plan: planned resources overlay, replace or delete live ones)."))
            .attr(Attribute::optional("plan_json", Ty::String, "The output of `terraform show -json <planfile>` (format 0.x, Terraform 0.12 to 1.0, or 1.x), for `source = \"plan\"` or `\"live+plan\"`. Findings on planned resources name their `address`, and carry the account and region the plan places them in (their ARN, their provider configuration's `assume_role` / `allowed_account_ids` and `region`); values unknown until apply give UNKNOWN."))
            .block(
                "assume_role",
                crate::schema::Nesting::List,
                1,
                Block::new("Assess the one account of this role, assumed with the provider's credentials (for `for_each` over accounts with one provider). Not with `accounts`.")
                    .attr(Attribute::optional("role_arn", Ty::String, "ARN of the role to assume (required in the block)."))
                    .attr(Attribute::optional("session_name", Ty::String, "Session name (default: the provider's `assume_role` session name, else `secbaseline`)."))
                    .attr(Attribute::optional("external_id", Ty::String, "External ID the role's trust policy requires."))
                    .attr(Attribute::optional("duration", Ty::String, "Session duration, e.g. `1h` (15m–12h; default: the provider's, else 1h).")),
            )
            .attr(Attribute::computed("id", Ty::String, "Identifier of this assessment: the accounts judged and the regions asked for (`111122223333,444455556666:us-east-1`)."))
            .attr(Attribute::computed("findings", Ty::list(finding_type()), "One finding per control and resource, sorted deterministically."))
            .attr(Attribute::computed("summary", summary_type(), "Counts: `total`, `by_status` (PASS, FAIL, …), `by_severity` (severity → status → count), `by_account` (account ID → status → count; `unknown` for planned resources whose account the plan does not state)."))
            .attr(Attribute::computed("passed", Ty::Bool, "True when no control at or above `fail_on` (every control when `none`) is FAIL or ERROR."))
            .attr(Attribute::computed("score", Ty::Number, "Percent of PASS among PASS, FAIL and ERROR findings."))
            .attr(Attribute::computed("sarif", Ty::String, "The findings as a SARIF 2.1.0 JSON document, for code-scanning tools."))
    }

    fn validate(&self, config: &Value) -> Vec<Diag> {
        match parse_inputs(config) {
            Ok(_) => Vec::new(),
            Err(diags) => diags,
        }
    }

    fn read<'a>(&'a self, state: &'a ProviderState, config: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let inputs = match parse_inputs(&config) {
                Ok(i) => i,
                Err(diags) => return ReadResult { value: None, diags },
            };
            let params = match Params::from_map(&inputs.parameters, time::OffsetDateTime::now_utc())
            {
                Ok(p) => p,
                Err(e) => {
                    return ReadResult {
                        value: None,
                        diags: vec![Diag::error(
                            "Invalid parameters",
                            e.to_string(),
                            Some(AttrPath::of("parameters")),
                        )],
                    }
                }
            };
            let request = Request {
                selection: inputs.selection.clone(),
                exemptions: inputs.exemptions.clone(),
                fail_on: inputs.fail_on,
            };
            let (result, id) = match (inputs.source, &inputs.plan) {
                (FactSource::Plan, Some(plan)) => {
                    judge_plan_alone(plan, &inputs, &params, &request)
                }
                _ => match judge_account(state, &inputs, &params, &request).await {
                    Ok(judged) => judged,
                    Err(e) => return ReadResult::error(e),
                },
            };
            let sarif = serde_json::to_string(&result.sarif(&inputs.selection)).unwrap_or_default();
            let diags = diagnostics(&result);
            let value = state_value(&config, id, &result, sarif, inputs.fail_on);
            ReadResult {
                value: Some(value),
                diags,
            }
        })
    }
}

/// `source = "plan"`: the plan alone, no AWS access and no credentials. Planned resources
/// are placed where the plan says (ARNs, provider configurations); a region the plan does not
/// state is the assessment's only region when `regions` names exactly one.
fn judge_plan_alone(
    plan: &plan::Plan,
    inputs: &Inputs,
    params: &Params,
    request: &Request,
) -> (assessment::Assessment, String) {
    let region = match inputs.regions.as_slice() {
        [only] => Some(only.as_str()),
        _ => None,
    };
    let planned = plan::plan_facts(plan, None, region);
    let accounts: Vec<&str> = planned
        .iter()
        .map(|p| p.facts.account_id.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    let id = format!("plan:{}", accounts.join(","));
    (plan::assess_plan(&planned, params, request), id)
}

/// `source = "live"` or `"live+plan"`: the accounts the configuration names (by default the
/// one the provider's credentials reach), as they are or as they will be after the plan.
/// Planned resources the plan does not place elsewhere are in the provider's own account
/// (and, when one region is assessed, in that region); resources the plan places in an
/// account this assessment does not read are judged on the plan's word alone.
async fn judge_account(
    state: &ProviderState,
    inputs: &Inputs,
    params: &Params,
    request: &Request,
) -> Result<(assessment::Assessment, String), crate::error::Error> {
    let clients = state.clients()?;
    let identity = clients.identity().await?;
    let targets = inputs
        .accounts
        .targets(&identity.account_id, &identity.partition);
    let mut sources = assessment::required_sources(&inputs.selection);
    // Organization trails count across accounts: ask each account which organization it is in.
    if targets.len() > 1
        && (sources.contains(&Source::CloudTrail) || sources.contains(&Source::Logs))
    {
        sources.insert(Source::Organization);
    }
    let calls = CallCounter::default();
    let shared = Shared {
        base: &clients,
        cache: &state.cache,
        budget: &state.budget,
        calls: &calls,
    };
    let mut accounts = gather_estate(&shared, &targets, &inputs.region_choice, &sources).await;
    tracing::debug!(
        aws_calls = calls.get(),
        accounts = accounts.len(),
        "assessment facts gathered"
    );
    let id = assessment_id(&accounts, &inputs.regions, clients.region());

    let Some(plan) = inputs
        .plan
        .as_ref()
        .filter(|_| inputs.source == FactSource::LivePlusPlan)
    else {
        return Ok((assessment::assess_estate(accounts, params, request), id));
    };
    let region = match inputs.region_choice {
        RegionChoice::Listed(ref r) if r.len() == 1 => Some(r[0].as_str()),
        RegionChoice::Provider => Some(clients.region()),
        _ => None,
    };
    let mut planned = plan::plan_facts(plan, Some(&identity.account_id), region);
    for live in &mut accounts {
        if let Some(i) = planned
            .iter()
            .position(|p| p.facts.account_id == live.account_id)
        {
            let mine = planned.remove(i);
            read_planned_trail_buckets(&clients, live, &mine, &calls).await;
            *live = plan::overlay(live, &mine);
        }
    }
    let mut judged = assessment::assess_estate(accounts, params, request);
    if !planned.is_empty() {
        let elsewhere = plan::assess_plan(&planned, params, request);
        judged.findings.extend(elsewhere.findings);
        assessment::sort(&mut judged.findings);
        judged.summary = assessment::summarize(&judged.findings);
        judged.gate = assessment::gate(&judged.findings, request.fail_on);
    }
    Ok((judged, id))
}

/// `<accounts>:<regions>`: the accounts judged (in order) and the regions asked for.
fn assessment_id(accounts: &[Facts], regions: &[String], provider_region: &str) -> String {
    let ids: Vec<&str> = accounts.iter().map(|f| f.account_id.as_str()).collect();
    let regions = if regions.is_empty() {
        provider_region.to_string()
    } else {
        regions.join(",")
    };
    format!("{}:{regions}", ids.join(","))
}

/// Reads the buckets planned trails write to that neither the live trails nor the plan itself
/// describe (an existing bucket given to a new trail), so `live+plan` judges them as a live
/// assessment will after apply.
async fn read_planned_trail_buckets(
    clients: &crate::aws::AwsClients,
    live: &mut Facts,
    planned: &plan::PlanFacts,
    calls: &CallCounter,
) {
    for (region, rf) in &planned.facts.regions {
        let Some(trails) = rf.cloudtrail.ok() else {
            continue;
        };
        let known = |name: &String| {
            trails.buckets.contains_key(name)
                || live.regions.values().any(|r| {
                    r.cloudtrail
                        .ok()
                        .is_some_and(|c| c.buckets.contains_key(name))
                })
        };
        let mut missing: Vec<String> = trails
            .trails
            .iter()
            .filter_map(|t| t.s3_bucket.as_known().cloned())
            .filter(|b| !b.is_empty() && !known(b))
            .collect();
        missing.sort();
        missing.dedup();
        let Some(ct) = live
            .regions
            .get_mut(region)
            .and_then(|r| r.cloudtrail.ok_mut())
        else {
            continue;
        };
        if missing.is_empty() {
            continue;
        }
        let read = crate::live::cloudtrail::read_buckets(clients, region, calls, missing).await;
        ct.buckets.extend(read);
    }
}
