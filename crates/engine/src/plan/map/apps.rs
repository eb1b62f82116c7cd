//! Amazon Pinpoint apps and event streams, Amazon Lex V2 bots.

use crate::facts::{EventStream, Known, LexBot, PinpointApp, Source};

use super::Mapper;
use crate::plan::builder::{ok_or_init, Builder, ParentRef};
use crate::plan::model::PlannedResource;

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "aws_pinpoint_app",
        data: false,
        phase: 0,
        controls: &[],
        map: pinpoint_app,
    },
    Mapper {
        resource_type: "aws_pinpoint_event_stream",
        data: false,
        phase: 1,
        controls: &[],
        map: event_stream,
    },
    Mapper {
        resource_type: "aws_lexv2models_bot",
        data: false,
        phase: 0,
        controls: &[],
        map: lex_bot,
    },
];

fn known_id(k: Known<Option<String>>) -> Known<String> {
    match k {
        Known::Known(Some(v)) => Known::Known(v),
        _ => Known::Unknown,
    }
}

fn pinpoint_app(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let id = known_id(a.opt_string("application_id"));
    let app = PinpointApp {
        id: id.clone(),
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        arn: known_id(a.opt_string("arn")),
        // No stream until an aws_pinpoint_event_stream says otherwise.
        event_stream: Known::Known(None),
        address: Some(r.address.clone()),
    };
    b.pinpoint_apps.define(r, &region, id.into_known(), app);
    b.touch(&region, Source::Pinpoint);
}

fn event_stream(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let stream = EventStream {
        destination_stream_arn: a
            .str("destination_stream_arn")
            .unwrap_or("(stream created by this plan)")
            .to_owned(),
        role_arn: a.str("role_arn").map(str::to_owned),
    };
    let value = a.opt_string("application_id");
    let plan = b.plan();
    let slot = b.pinpoint_apps.resolve(
        plan,
        ParentRef {
            child: r,
            region: &region,
            attr: "application_id",
            value,
        },
        |id| PinpointApp {
            name: id
                .as_known()
                .cloned()
                .unwrap_or_else(|| "(app not in this plan)".into()),
            id,
            arn: Known::Unknown,
            event_stream: Known::Unknown,
            address: None,
        },
    );
    b.pinpoint_apps.get_mut(slot).event_stream = Known::Known(Some(stream));
}

fn lex_bot(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let bot = LexBot {
        id: known_id(a.opt_string("id")),
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        // hashicorp/aws has no bot alias resource: only the built-in TestBotAlias exists.
        aliases: Vec::new(),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::Lex).lex)
        .bots
        .push(bot);
}
