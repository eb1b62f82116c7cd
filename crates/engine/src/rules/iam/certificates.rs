//! `iam_expired_server_certificates`: no IAM server certificate is past its expiration.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::support::{iam_credential_facts, Out, Res, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_expired_server_certificates`.
pub struct ExpiredServerCertificates;

impl ExpiredServerCertificates {
    const META: Meta = Meta {
        id: "iam_expired_server_certificates",
        title: "No IAM server certificate is expired",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.26", "CIS 1.19"],
        remediation: "Delete expired IAM server certificates (aws iam delete-server-certificate) \
            after moving their users to a current certificate, preferably one from AWS \
            Certificate Manager.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_expired_server_certificates.md"),
    };
}

impl Rule for ExpiredServerCertificates {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_credential_facts(&mut out) else {
            return out.finish();
        };
        out.scoped(GLOBAL, "No IAM server certificates", |out| {
            for c in &iam.server_certificates {
                let res = Res::new(
                    c.arn.as_known().cloned(),
                    GLOBAL,
                    c.address.as_ref(),
                    &c.name,
                );
                let name = format!("Server certificate '{}'", c.name);
                match c.expiration {
                    None => out.unknown(&res, &format!("The expiration of {name}")),
                    Some(exp) => out.verdict(
                        exp > params.now,
                        &res,
                        format!("{name} expires on {}.", exp.date()),
                        format!("{name} expired on {}.", exp.date()),
                    ),
                }
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ServerCertificate;
    use crate::finding::Status;
    use crate::rules::testkit::{iam, iam_denied, only, ACCOUNT};
    use time::macros::datetime;
    use time::OffsetDateTime;

    fn cert(expiration: Option<OffsetDateTime>) -> Facts {
        iam(|i| {
            i.server_certificates = vec![ServerCertificate {
                name: "www".into(),
                arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/www").into(),
                expiration,
                address: None,
            }]
        })
    }

    #[test]
    fn expiry_against_the_assessment_clock() {
        // The test clock is 2025-06-01.
        let f = only(
            &ExpiredServerCertificates,
            &cert(Some(datetime!(2026-01-01 0:00 UTC))),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:server-certificate/www")
        );
        let f = only(
            &ExpiredServerCertificates,
            &cert(Some(datetime!(2025-05-31 0:00 UTC))),
            Status::Fail,
        );
        assert!(f.message.contains("expired on 2025-05-31"), "{}", f.message);
        only(&ExpiredServerCertificates, &cert(None), Status::Unknown);
        only(
            &ExpiredServerCertificates,
            &iam(|_| {}),
            Status::NotApplicable,
        );
        only(&ExpiredServerCertificates, &iam_denied(), Status::Error);
    }
}
