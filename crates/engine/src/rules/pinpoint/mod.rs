//! Amazon Pinpoint controls: our own baseline from the seed.

mod account;
mod event_stream;

pub use account::{CLOUDTRAIL, CONFIG_RECORDING, IAM_LEAST_PRIVILEGE};
pub use event_stream::EventStream;

use crate::facts::PinpointApp;
use crate::rules::logging::ServiceResources;
use crate::rules::support::{Out, Res};

pub(crate) const LABEL: &str = "Amazon Pinpoint";

/// Pinpoint apps decide whether the service's logging controls apply.
pub(crate) const APPS: ServiceResources = ServiceResources {
    label: LABEL,
    nothing: "No Pinpoint apps",
    present: |r| r.pinpoint.as_ref().map(|p| !p.apps.is_empty()),
};

pub(crate) fn app_res(out: &Out<'_>, region: &str, app: &PinpointApp) -> Res {
    let arn = app.arn.as_known().cloned().or_else(|| {
        app.id
            .as_known()
            .and_then(|id| out.regional_arn("mobiletargeting", region, &format!("apps/{id}")))
    });
    Res::new(arn, region, app.address.as_ref(), &app.name)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Builders of Pinpoint facts for the rule tests.

    use crate::facts::{Collected, Facts, Known, PinpointApp, PinpointFacts};
    use crate::rules::testkit::{self, ACCOUNT};

    pub(crate) fn app(name: &str, stream: Known<Option<crate::facts::EventStream>>) -> PinpointApp {
        PinpointApp {
            id: format!("{name}-id").into(),
            name: name.into(),
            arn: format!("arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/{name}-id").into(),
            event_stream: stream,
            address: None,
        }
    }

    pub(crate) fn apps(apps: Vec<PinpointApp>) -> Facts {
        testkit::region(|r| r.pinpoint = Collected::Ok(PinpointFacts { apps }))
    }
}
