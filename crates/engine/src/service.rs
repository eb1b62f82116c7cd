//! `Service`: the service keys users select controls by.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A service key of the `services` selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// Amazon API Gateway (v1 and v2).
    ApiGateway,
    /// AWS IAM.
    Iam,
    /// AWS STS (role trust).
    Sts,
    /// Amazon Pinpoint.
    Pinpoint,
    /// Amazon Lex V2.
    Lex,
    /// AWS CloudTrail.
    CloudTrail,
    /// AWS Config.
    Config,
    /// Amazon CloudWatch (and CloudWatch Logs metric filters).
    CloudWatch,
}

/// A string that is not a service key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown service {0:?} (expected one of: apigateway, iam, sts, pinpoint, lex, cloudtrail, config, cloudwatch)")]
pub struct UnknownService(pub String);

impl Service {
    /// Every service, in catalogue order.
    pub const ALL: [Service; 8] = [
        Service::ApiGateway,
        Service::Iam,
        Service::Sts,
        Service::Pinpoint,
        Service::Lex,
        Service::CloudTrail,
        Service::Config,
        Service::CloudWatch,
    ];

    /// The key users write.
    pub fn key(self) -> &'static str {
        match self {
            Service::ApiGateway => "apigateway",
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Pinpoint => "pinpoint",
            Service::Lex => "lex",
            Service::CloudTrail => "cloudtrail",
            Service::Config => "config",
            Service::CloudWatch => "cloudwatch",
        }
    }

    /// AWS Config resource types of this service: the "covered types" of `config_recorder`
    /// when the service is selected.
    pub fn config_resource_types(self) -> &'static [&'static str] {
        match self {
            Service::ApiGateway => &[
                "AWS::ApiGateway::RestApi",
                "AWS::ApiGateway::Stage",
                "AWS::ApiGatewayV2::Api",
                "AWS::ApiGatewayV2::Stage",
            ],
            Service::Iam => &[
                "AWS::IAM::User",
                "AWS::IAM::Group",
                "AWS::IAM::Role",
                "AWS::IAM::Policy",
            ],
            Service::Sts => &["AWS::IAM::Role"],
            Service::Pinpoint => &["AWS::Pinpoint::App"],
            Service::Lex => &["AWS::Lex::Bot", "AWS::Lex::BotAlias"],
            Service::CloudTrail => &["AWS::CloudTrail::Trail"],
            Service::Config => &[],
            Service::CloudWatch => &["AWS::CloudWatch::Alarm"],
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Service {
    type Err = UnknownService;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        Service::ALL
            .into_iter()
            .find(|svc| svc.key() == key)
            .ok_or_else(|| UnknownService(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for s in Service::ALL {
            assert_eq!(s.key().parse::<Service>(), Ok(s));
        }
        assert!("ec2".parse::<Service>().is_err());
        assert_eq!("APIGateway".parse::<Service>(), Ok(Service::ApiGateway));
    }
}
