//! Amazon Lex V2 controls: our own baseline from the seed.

mod account;
mod conversation_logs;

pub use account::{CLOUDTRAIL, CONFIG_RECORDING, IAM_LEAST_PRIVILEGE};
pub use conversation_logs::{ConversationLogs, ConversationLogsEncrypted};

use crate::facts::{BotAlias, LexBot, LexFacts};
use crate::rules::logging::ServiceResources;
use crate::rules::support::{Out, Res};

pub(crate) const LABEL: &str = "Amazon Lex";

/// Lex bots decide whether the service's logging controls apply.
pub(crate) const BOTS: ServiceResources = ServiceResources {
    label: LABEL,
    nothing: "No Lex bots",
    present: |r| r.lex.as_ref().map(|l| !l.bots.is_empty()),
};

/// Visits every bot alias; NOT_APPLICABLE per region where `f` judged none.
pub(crate) fn each_alias<'a>(
    out: &mut Out<'a>,
    nothing: &str,
    mut f: impl FnMut(&mut Out<'a>, &Res, &str, &'a BotAlias),
) {
    out.each_region(
        |r| &r.lex,
        LABEL,
        nothing,
        |out, region, lex: &'a LexFacts| {
            for bot in &lex.bots {
                for alias in &bot.aliases {
                    let res = alias_res(out, region, bot, alias);
                    let name = format!("Lex bot '{}' alias '{}'", bot.name, alias.name);
                    f(out, &res, &name, alias);
                }
            }
        },
    );
}

fn alias_res(out: &Out<'_>, region: &str, bot: &LexBot, alias: &BotAlias) -> Res {
    let arn = match (bot.id.as_known(), alias.id.as_known()) {
        (Some(bot), Some(a)) => out.regional_arn("lex", region, &format!("bot-alias/{bot}/{a}")),
        _ => None,
    };
    Res::new(
        arn,
        region,
        alias.address.as_ref(),
        &format!("{}/{}", bot.name, alias.name),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Builders of Lex facts for the rule tests.

    use crate::facts::{
        AudioLogSetting, BotAlias, Collected, ConversationLogSettings, Facts, LexBot, LexFacts,
        TextLogSetting,
    };
    use crate::rules::testkit;

    pub(crate) fn alias(name: &str, logs: ConversationLogSettings) -> BotAlias {
        BotAlias {
            id: format!("{name}ID").into(),
            name: name.into(),
            conversation_logs: logs.into(),
            address: None,
        }
    }

    pub(crate) fn text(enabled: bool, kms: Option<&str>) -> TextLogSetting {
        TextLogSetting {
            enabled: enabled.into(),
            log_group_arn: "arn:aws:logs:us-east-1:123456789012:log-group:lex".into(),
            log_group_kms_key_arn: kms.map(str::to_owned).into(),
        }
    }

    pub(crate) fn audio(enabled: bool, kms: Option<&str>) -> AudioLogSetting {
        AudioLogSetting {
            enabled: enabled.into(),
            bucket_arn: "arn:aws:s3:::lex-audio".into(),
            kms_key_arn: kms.map(str::to_owned).into(),
        }
    }

    pub(crate) fn logs(
        text: Vec<TextLogSetting>,
        audio: Vec<AudioLogSetting>,
    ) -> ConversationLogSettings {
        ConversationLogSettings { text, audio }
    }

    pub(crate) fn bots(aliases: Vec<BotAlias>) -> Facts {
        testkit::region(|r| {
            r.lex = Collected::Ok(LexFacts {
                bots: vec![LexBot {
                    id: "BOT1".into(),
                    name: "orders".into(),
                    aliases,
                    address: None,
                }],
            })
        })
    }

    pub(crate) fn no_bots() -> Facts {
        testkit::region(|r| r.lex = Collected::Ok(LexFacts::default()))
    }
}
