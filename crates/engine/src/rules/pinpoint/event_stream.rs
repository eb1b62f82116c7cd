//! `pinpoint_event_stream`: every app streams its events to Kinesis or Firehose.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::pinpoint::{app_res, LABEL};
use crate::rules::support::{known, Out};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `pinpoint_event_stream`.
pub struct EventStream;

impl EventStream {
    const META: Meta = Meta {
        id: "pinpoint_event_stream",
        title: "Pinpoint apps stream events to Kinesis Data Streams or Firehose",
        service: Service::Pinpoint,
        severity: Severity::Low,
        frameworks: &["Seed: Security in Amazon Pinpoint — monitoring"],
        remediation: "Configure an event stream for the app (aws_pinpoint_event_stream) that \
            delivers to a Kinesis data stream or Firehose delivery stream, with a role Pinpoint \
            can assume to write to it.",
        remediated_by: None,
        sources: &[Source::Pinpoint],
        doc: include_str!("../reference/pinpoint_event_stream.md"),
    };
}

impl Rule for EventStream {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.pinpoint,
            LABEL,
            "No Pinpoint apps",
            |out, region, pinpoint| {
                for app in &pinpoint.apps {
                    let res = app_res(out, region, app);
                    let name = format!("Pinpoint app '{}'", app.name);
                    let Some(stream) = known(
                        out,
                        &res,
                        &format!("The event stream of {name}"),
                        &app.event_stream,
                    ) else {
                        continue;
                    };
                    match stream {
                        Some(s) if !s.destination_stream_arn.trim().is_empty() => out.pass(
                            &res,
                            format!("{name} streams events to {}.", s.destination_stream_arn),
                        ),
                        _ => out.fail(&res, format!("{name} has no event stream.")),
                    }
                }
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Collected, EventStream as Stream, Known};
    use crate::finding::Status;
    use crate::rules::pinpoint::fixtures::{app, apps};
    use crate::rules::testkit::{only, region, ACCOUNT};

    fn stream() -> Known<Option<Stream>> {
        Known::Known(Some(Stream {
            destination_stream_arn: format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/events"),
            role_arn: None,
        }))
    }

    #[test]
    fn pass_with_a_stream() {
        let f = only(
            &EventStream,
            &apps(vec![app("shop", stream())]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/shop-id")
        );
        assert_eq!(f.region, "us-east-1");
    }

    #[test]
    fn fail_without_a_stream() {
        let f = only(
            &EventStream,
            &apps(vec![app("shop", Known::Known(None))]),
            Status::Fail,
        );
        assert!(f.message.contains("'shop'"), "{}", f.message);
    }

    #[test]
    fn unknown_na_and_error() {
        only(
            &EventStream,
            &apps(vec![app("shop", Known::Unknown)]),
            Status::Unknown,
        );
        only(&EventStream, &apps(vec![]), Status::NotApplicable);
        let denied = region(|r| r.pinpoint = Collected::failed("AccessDeniedException", "no"));
        let f = only(&EventStream, &denied, Status::Error);
        assert!(f.message.contains("AccessDeniedException"));
    }
}
