//! The rule catalogue: every control as one small type carrying metadata and behaviour,
//! registered in one static list whose order drives reports and generated docs.

pub mod apigateway;
pub mod docjson;
pub mod logging;
mod meta;
mod policies;
mod support;
#[cfg(test)]
pub(crate) mod testkit;

pub use meta::{Meta, Rule};

use logging::CIS_ALARMS;

/// Every registered rule, in catalogue (CONTROLS.md) order.
pub fn catalogue() -> &'static [&'static dyn Rule] {
    static RULES: [&dyn Rule; 40] = [
        &apigateway::RestExecutionLogging,
        &apigateway::RestAccessLogging,
        &apigateway::V2AccessLogging,
        &apigateway::RestClientCertificate,
        &apigateway::RestXrayTracing,
        &apigateway::RestWaf,
        &apigateway::RestCacheEncrypted,
        &apigateway::RestMethodAuthorization,
        &apigateway::RestResourcePolicyPublic,
        &apigateway::V2RouteAuthorization,
        &apigateway::V2PrivateIntegrationTls,
        &apigateway::DomainTls,
        &apigateway::StageVariablesNoSecrets,
        &apigateway::StageAlarms,
        &apigateway::Cloudtrail,
        &apigateway::ConfigRecording,
        &apigateway::ConfigRules,
        &apigateway::IAM_LEAST_PRIVILEGE,
        &logging::MultiRegion,
        &logging::KmsEncryption,
        &logging::LogFileValidation,
        &logging::CloudWatchLogs,
        &logging::BucketNotPublic,
        &logging::BucketAccessLogging,
        &logging::ConfigRecorder,
        &CIS_ALARMS[0],
        &CIS_ALARMS[1],
        &CIS_ALARMS[2],
        &CIS_ALARMS[3],
        &CIS_ALARMS[4],
        &CIS_ALARMS[5],
        &CIS_ALARMS[6],
        &CIS_ALARMS[7],
        &CIS_ALARMS[8],
        &CIS_ALARMS[9],
        &CIS_ALARMS[10],
        &CIS_ALARMS[11],
        &CIS_ALARMS[12],
        &CIS_ALARMS[13],
        &logging::AlarmActions,
    ];
    &RULES
}

/// The rule with this control id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    catalogue().iter().copied().find(|r| r.meta().id == id)
}
