//! AWS Config controls: `config_recorder` and the "records these types" judgement
//! that services' `*_config_recording` controls share.

use crate::remediation::Bundle;
use std::collections::BTreeSet;

use crate::facts::{ConfigFacts, Facts, Known, Recorder, RecordingGroup, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::support::{Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

enum Pre<'a> {
    Ready(&'a Recorder, &'a RecordingGroup),
    Fail(String),
    Unknown(String),
}

/// The recorder to judge: the one that is recording, else the first.
fn recorder<'c>(cfg: &'c ConfigFacts, region: &str) -> Pre<'c> {
    let Some(rec) = cfg
        .recorders
        .iter()
        .find(|r| r.recording == Known::Known(true))
        .or_else(|| cfg.recorders.first())
    else {
        return Pre::Fail(format!(
            "No AWS Config configuration recorder exists in {region}"
        ));
    };
    match (&rec.recording, &rec.recording_group) {
        (Known::Unknown, _) => {
            Pre::Unknown(format!("Whether recorder '{}' is recording", rec.name))
        }
        (Known::Known(false), _) => Pre::Fail(format!(
            "AWS Config recorder '{}' in {region} is not recording",
            rec.name
        )),
        (_, Known::Unknown) => {
            Pre::Unknown(format!("The recording group of recorder '{}'", rec.name))
        }
        (Known::Known(true), Known::Known(g)) => Pre::Ready(rec, g),
    }
}

/// One finding per region: PASS when a recording recorder records every type in `types`.
pub(crate) fn records_types(out: &mut Out<'_>, types: &[&str], service: &str) {
    out.each_region(
        |r| &r.config,
        "AWS Config",
        "AWS Config is not set up",
        |out, region, cfg| records_types_in(out, region, cfg, types, service),
    );
}

/// The finding of [`records_types`] for one region whose Config facts were collected.
pub(crate) fn records_types_in(
    out: &mut Out<'_>,
    region: &str,
    cfg: &ConfigFacts,
    types: &[&str],
    service: &str,
) {
    let res = out.account(region);
    match recorder(cfg, region) {
        Pre::Fail(m) => out.fail(
            &res,
            format!("{m}, so {service} resources are not recorded."),
        ),
        Pre::Unknown(w) => out.unknown(&res, &w),
        Pre::Ready(rec, g) => {
            let missing: Vec<&str> = types.iter().copied().filter(|t| !g.records(t)).collect();
            out.verdict(
                missing.is_empty(),
                &res,
                format!(
                    "AWS Config recorder '{}' records {service} resources in {region}.",
                    rec.name
                ),
                format!(
                    "AWS Config recorder '{}' in {region} does not record {}.",
                    rec.name,
                    missing.join(", ")
                ),
            );
        }
    }
}

/// `config_recorder`.
pub struct ConfigRecorder;

impl ConfigRecorder {
    const META: Meta = Meta {
        id: "config_recorder",
        title: "AWS Config records all supported (or the covered) resource types",
        service: Service::Config,
        severity: Severity::Critical,
        frameworks: &["FSBP Config.1", "CIS 3.5"],
        remediation: "Create a configuration recorder that records all supported resource types \
            including global ones, give it a delivery channel and start it — \
            secbaseline_config_rules does this.",
        remediated_by: Some(Bundle::ConfigRules),
        sources: &[Source::Config],
        doc: include_str!("../reference/config_recorder.md"),
    };
}

fn judge(out: &mut Out<'_>, res: &Res, region: &str, cfg: &ConfigFacts, covered: &[&str]) {
    let (rec, g) = match recorder(cfg, region) {
        Pre::Fail(m) => return out.fail(res, format!("{m}.")),
        Pre::Unknown(w) => return out.unknown(res, &w),
        Pre::Ready(rec, g) => (rec, g),
    };
    let mut problems = Vec::new();
    if cfg.delivery_channels.is_empty() {
        problems.push("has no delivery channel".to_owned());
    }
    let excluded: Vec<&str> = covered
        .iter()
        .copied()
        .filter(|t| g.exclusion_resource_types.iter().any(|e| e == t))
        .collect();
    let everything = g.all_supported && g.include_global_resource_types;
    if !excluded.is_empty() {
        problems.push(format!("excludes {}", excluded.join(", ")));
    } else if !everything {
        let missing: Vec<&str> = covered.iter().copied().filter(|t| !g.records(t)).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "records neither all supported types including global ones nor {}",
                missing.join(", ")
            ));
        }
    }
    let scope = if everything {
        "all supported resource types including global ones"
    } else {
        "the covered resource types"
    };
    out.verdict(
        problems.is_empty(),
        res,
        format!(
            "AWS Config recorder '{}' in {region} is recording {scope} and has a delivery channel.",
            rec.name
        ),
        format!(
            "AWS Config recorder '{}' in {region} {}.",
            rec.name,
            problems.join("; ")
        ),
    );
}

impl Rule for ConfigRecorder {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding> {
        let covered: BTreeSet<&str> = params
            .selected_services
            .iter()
            .flat_map(|s| s.config_resource_types().iter().copied())
            .collect();
        let covered: Vec<&str> = covered.into_iter().collect();
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.config,
            "AWS Config",
            "AWS Config is not set up",
            |out, region, cfg| {
                let res = out.account(region);
                judge(out, &res, region, cfg, &covered);
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Collected, DeliveryChannel};
    use crate::finding::Status;
    use crate::rules::apigateway::ConfigRecording;
    use crate::rules::testkit::{only, params, region};

    fn config(recording: bool, group: RecordingGroup, channel: bool) -> Facts {
        region(|r| {
            r.config = Collected::Ok(ConfigFacts {
                recorders: vec![Recorder {
                    name: "default".into(),
                    recording: recording.into(),
                    recording_group: group.into(),
                    ..Default::default()
                }],
                delivery_channels: if channel {
                    vec![DeliveryChannel {
                        name: "default".into(),
                        ..Default::default()
                    }]
                } else {
                    vec![]
                },
                ..Default::default()
            })
        })
    }

    fn everything() -> RecordingGroup {
        RecordingGroup {
            all_supported: true,
            include_global_resource_types: true,
            ..Default::default()
        }
    }

    #[test]
    fn recorder_pass_and_fail() {
        only(
            &ConfigRecorder,
            &config(true, everything(), true),
            Status::Pass,
        );
        let f = only(
            &ConfigRecorder,
            &config(true, everything(), false),
            Status::Fail,
        );
        assert!(f.message.contains("delivery channel"));
        let f = only(
            &ConfigRecorder,
            &config(false, everything(), true),
            Status::Fail,
        );
        assert!(f.message.contains("not recording"));
        let empty = region(|r| r.config = Collected::Ok(ConfigFacts::default()));
        let f = only(&ConfigRecorder, &empty, Status::Fail);
        assert!(f.message.contains("No AWS Config configuration recorder"));
    }

    #[test]
    fn recorder_covered_types_follow_selection() {
        let apigw_only = RecordingGroup {
            resource_types: Service::ApiGateway
                .config_resource_types()
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            ..Default::default()
        };
        let facts = config(true, apigw_only, true);
        // All services selected: IAM types etc. are missing.
        only(&ConfigRecorder, &facts, Status::Fail);
        let mut p = params();
        p.selected_services = [Service::ApiGateway].into_iter().collect();
        let findings = ConfigRecorder.evaluate(&facts, &p);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Pass);
    }

    #[test]
    fn recorder_exclusion_of_covered_type_fails() {
        let g = RecordingGroup {
            exclusion_resource_types: vec!["AWS::ApiGateway::Stage".into()],
            strategy: Some("EXCLUSION_BY_RESOURCE_TYPES".into()),
            ..Default::default()
        };
        let f = only(&ConfigRecorder, &config(true, g, true), Status::Fail);
        assert!(
            f.message.contains("excludes AWS::ApiGateway::Stage"),
            "{}",
            f.message
        );
    }

    #[test]
    fn apigateway_config_recording() {
        only(
            &ConfigRecording,
            &config(true, everything(), true),
            Status::Pass,
        );
        let lex_only = RecordingGroup {
            resource_types: vec!["AWS::Lex::Bot".into()],
            ..Default::default()
        };
        let f = only(
            &ConfigRecording,
            &config(true, lex_only, true),
            Status::Fail,
        );
        assert!(f.message.contains("AWS::ApiGateway::RestApi"));
        only(
            &ConfigRecording,
            &config(false, everything(), true),
            Status::Fail,
        );
        let mut denied = config(true, everything(), true);
        if let Some(r) = denied.regions.get_mut("us-east-1") {
            r.config = Collected::failed("AccessDeniedException", "no");
        }
        only(&ConfigRecording, &denied, Status::Error);
        let mut unavailable = config(true, everything(), true);
        if let Some(r) = unavailable.regions.get_mut("us-east-1") {
            r.config = Collected::unavailable("region not enabled");
        }
        only(&ConfigRecording, &unavailable, Status::NotApplicable);
    }
}
