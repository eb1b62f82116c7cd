//! Lex conversation logs: text logging on every real alias, and KMS encryption of every
//! enabled log destination.

use crate::facts::lex::TEST_BOT_ALIAS;
use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::lex::each_alias;
use crate::rules::support::{known, Out};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `lex_conversation_logs`.
pub struct ConversationLogs;

impl ConversationLogs {
    const META: Meta = Meta {
        id: "lex_conversation_logs",
        title: "Lex bot aliases log text conversations",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — monitoring with conversation logs"],
        remediation: "Enable text conversation logs on every bot alias other than TestBotAlias \
            (conversationLogSettings.textLogSettings with enabled = true and a CloudWatch Logs \
            log group destination).",
        remediated_by: None,
        sources: &[Source::Lex],
        doc: include_str!("../reference/lex_conversation_logs.md"),
    };
}

impl Rule for ConversationLogs {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_alias(
            &mut out,
            "No Lex bot aliases other than TestBotAlias",
            |out, res, name, alias| {
                // The built-in test alias is excluded by the control: out of scope.
                if alias.name == TEST_BOT_ALIAS {
                    return;
                }
                let Some(logs) = known(
                    out,
                    res,
                    &format!("The conversation log settings of {name}"),
                    &alias.conversation_logs,
                ) else {
                    return;
                };
                let enabled = |k: &Known<bool>| *k == Known::Known(true);
                if logs.text.iter().any(|t| enabled(&t.enabled)) {
                    out.pass(res, format!("{name} logs text conversations."));
                } else if logs.text.iter().any(|t| t.enabled.is_unknown()) {
                    out.unknown(res, &format!("Whether {name} logs text conversations"));
                } else {
                    out.fail(res, format!("{name} does not log text conversations."));
                }
            },
        );
        out.finish()
    }
}

/// `lex_conversation_logs_encrypted`.
pub struct ConversationLogsEncrypted;

impl ConversationLogsEncrypted {
    const META: Meta = Meta {
        id: "lex_conversation_logs_encrypted",
        title: "Lex conversation logs are encrypted with KMS keys",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — data protection"],
        remediation: "Give every enabled audio log destination a kmsKeyArn \
            (s3Bucket.kmsKeyArn), and associate a KMS key with every CloudWatch Logs log group \
            that receives text logs (aws_cloudwatch_log_group kms_key_id).",
        remediated_by: None,
        sources: &[Source::Lex],
        doc: include_str!("../reference/lex_conversation_logs_encrypted.md"),
    };
}

impl Rule for ConversationLogsEncrypted {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_alias(
            &mut out,
            "No Lex bot alias has conversation logs enabled",
            |out, res, name, alias| {
                let Some(logs) = known(
                    out,
                    res,
                    &format!("The conversation log settings of {name}"),
                    &alias.conversation_logs,
                ) else {
                    return;
                };
                let mut judged = 0;
                let mut problems = Vec::new();
                let mut undecided = Vec::new();
                let keyed = |k: &Known<Option<String>>| match k {
                    Known::Known(Some(key)) => Some(!key.trim().is_empty()),
                    Known::Known(None) => Some(false),
                    Known::Unknown => None,
                };
                for t in &logs.text {
                    let what = match &t.log_group_arn {
                        Known::Known(arn) => format!("text log group {arn}"),
                        Known::Unknown => "a new text log group".to_owned(),
                    };
                    match t.enabled {
                        Known::Known(false) => continue,
                        Known::Unknown => {
                            undecided.push(format!("whether {what} is enabled"));
                            continue;
                        }
                        Known::Known(true) => {}
                    }
                    judged += 1;
                    match keyed(&t.log_group_kms_key_arn) {
                        Some(true) => {}
                        Some(false) => problems.push(format!("{what} has no KMS key")),
                        None => undecided.push(format!("the KMS key of {what}")),
                    }
                }
                for a in &logs.audio {
                    let what = match &a.bucket_arn {
                        Known::Known(arn) => format!("audio destination {arn}"),
                        Known::Unknown => "a new audio destination".to_owned(),
                    };
                    match a.enabled {
                        Known::Known(false) => continue,
                        Known::Unknown => {
                            undecided.push(format!("whether {what} is enabled"));
                            continue;
                        }
                        Known::Known(true) => {}
                    }
                    judged += 1;
                    match keyed(&a.kms_key_arn) {
                        Some(true) => {}
                        Some(false) => problems.push(format!("{what} names no kmsKeyArn")),
                        None => undecided.push(format!("the kmsKeyArn of {what}")),
                    }
                }
                if !problems.is_empty() {
                    out.fail(res, format!("{name}: {}.", problems.join("; ")));
                } else if !undecided.is_empty() {
                    out.unknown(res, &format!("For {name}, {}", undecided.join(", ")));
                } else if judged > 0 {
                    out.pass(
                    res,
                    format!("All {judged} enabled conversation log destination(s) of {name} are encrypted with KMS keys."),
                );
                }
                // No enabled destination: nothing to judge.
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Collected;
    use crate::finding::Status;
    use crate::rules::lex::fixtures::*;
    use crate::rules::testkit::{only, region, run, statuses, ACCOUNT};

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/k";

    #[test]
    fn text_logging_pass_and_fail() {
        let f = only(
            &ConversationLogs,
            &bots(vec![alias("prod", logs(vec![text(true, None)], vec![]))]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/BOT1/prodID")
        );
        let f = only(
            &ConversationLogs,
            &bots(vec![alias(
                "prod",
                logs(vec![text(false, None)], vec![audio(true, Some(KEY))]),
            )]),
            Status::Fail,
        );
        assert!(f.message.contains("alias 'prod'"), "{}", f.message);
    }

    #[test]
    fn test_bot_alias_is_out_of_scope() {
        let facts = bots(vec![
            alias(TEST_BOT_ALIAS, logs(vec![], vec![])),
            alias("prod", logs(vec![], vec![])),
        ]);
        let findings = run(&ConversationLogs, &facts);
        assert_eq!(statuses(&findings), vec![Status::Fail]);
        only(
            &ConversationLogs,
            &bots(vec![alias(TEST_BOT_ALIAS, logs(vec![], vec![]))]),
            Status::NotApplicable,
        );
        only(&ConversationLogs, &no_bots(), Status::NotApplicable);
    }

    #[test]
    fn text_logging_unknown_and_error() {
        let mut a = alias("prod", logs(vec![], vec![]));
        a.conversation_logs = Known::Unknown;
        only(&ConversationLogs, &bots(vec![a]), Status::Unknown);
        let denied = region(|r| r.lex = Collected::failed("AccessDeniedException", "no"));
        only(&ConversationLogs, &denied, Status::Error);
    }

    #[test]
    fn encryption_pass_and_fail() {
        only(
            &ConversationLogsEncrypted,
            &bots(vec![alias(
                "prod",
                logs(vec![text(true, Some(KEY))], vec![audio(true, Some(KEY))]),
            )]),
            Status::Pass,
        );
        let f = only(
            &ConversationLogsEncrypted,
            &bots(vec![alias(
                "prod",
                logs(vec![text(true, Some(KEY))], vec![audio(true, None)]),
            )]),
            Status::Fail,
        );
        assert!(f.message.contains("kmsKeyArn"), "{}", f.message);
        let f = only(
            &ConversationLogsEncrypted,
            &bots(vec![alias("prod", logs(vec![text(true, None)], vec![]))]),
            Status::Fail,
        );
        assert!(f.message.contains("no KMS key"), "{}", f.message);
    }

    #[test]
    fn encryption_judges_only_enabled_destinations() {
        // Disabled destinations write nothing; an alias without enabled logs is out of scope.
        only(
            &ConversationLogsEncrypted,
            &bots(vec![alias(
                "prod",
                logs(vec![text(false, None)], vec![audio(false, None)]),
            )]),
            Status::NotApplicable,
        );
        let mut t = text(true, None);
        t.log_group_kms_key_arn = Known::Unknown;
        only(
            &ConversationLogsEncrypted,
            &bots(vec![alias("prod", logs(vec![t], vec![]))]),
            Status::Unknown,
        );
    }
}
