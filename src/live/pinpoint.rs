//! Amazon Pinpoint collector (regional): `GetApps` pages, then `GetEventStream` per app with bounded fan-out.

use futures::stream::{self, StreamExt, TryStreamExt};
use secbaseline_engine::facts::{Collected, EventStream, Known, PinpointApp, PinpointFacts};

use crate::aws::{aws_error, AwsClients};
use crate::error::Result;
use crate::live::{into_collected, CallCounter, FAN_OUT};

/// Most pages of `GetApps` followed before giving up on a token that never ends.
const MAX_PAGES: usize = 1_000;

/// Collects the Pinpoint apps of `region` and their event streams, sorted by app id.
/// A region where Pinpoint is not offered or not subscribed is `Unavailable` (NOT_APPLICABLE).
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<PinpointFacts> {
    into_collected(collect_apps(&clients.pinpoint(region), region, calls).await)
}

async fn collect_apps(
    client: &aws_sdk_pinpoint::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<PinpointFacts> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        calls.tick();
        let out = client
            .get_apps()
            .page_size("100")
            .set_token(token.clone())
            .send()
            .await
            .map_err(|e| aws_error(format!("listing Pinpoint apps in {region}"), e))?;
        let Some(page) = out.applications_response() else {
            break;
        };
        found.extend(page.item().iter().map(|a| {
            (
                a.id().unwrap_or_default().to_string(),
                a.name().unwrap_or_default().to_string(),
                a.arn().unwrap_or_default().to_string(),
            )
        }));
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(next) if token.as_deref() != Some(next) => token = Some(next.to_string()),
            _ => break,
        }
    }
    let mut apps: Vec<PinpointApp> = stream::iter(found)
        .map(|(id, name, arn)| async move {
            let event_stream = event_stream(client, region, &id, calls).await?;
            Ok::<_, crate::error::Error>(PinpointApp {
                id: Known::Known(id),
                name,
                arn: Known::Known(arn),
                event_stream: Known::Known(event_stream),
                address: None,
            })
        })
        .buffer_unordered(FAN_OUT)
        .try_collect()
        .await?;
    apps.sort_by(|a, b| a.id.as_known().cmp(&b.id.as_known()));
    Ok(PinpointFacts { apps })
}

/// The app's event stream; `None` when it has none (`NotFoundException`).
async fn event_stream(
    client: &aws_sdk_pinpoint::Client,
    region: &str,
    app_id: &str,
    calls: &CallCounter,
) -> Result<Option<EventStream>> {
    calls.tick();
    match client
        .get_event_stream()
        .application_id(app_id)
        .send()
        .await
    {
        Ok(out) => Ok(out.event_stream().map(|s| EventStream {
            destination_stream_arn: s.destination_stream_arn().unwrap_or_default().to_string(),
            role_arn: s.role_arn().map(str::to_string).filter(|r| !r.is_empty()),
        })),
        Err(e) => {
            let err = aws_error(
                format!("reading the event stream of Pinpoint app {app_id} in {region}"),
                e,
            );
            if err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}
