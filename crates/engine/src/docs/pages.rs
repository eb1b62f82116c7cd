//! The control reference: one page per control (`docs/controls/<id>.md`) and an index.

use crate::docs::{cell, Page};
use crate::finding::Status;
use crate::rules::{catalogue, Meta};
use crate::service::Service;

/// Where the control pages live, relative to the repository root.
pub const CONTROLS_DIR: &str = "docs/controls";

/// `docs/controls/index.md`, then one page per control in catalogue order.
pub fn control_pages() -> Vec<Page> {
    let mut pages = vec![Page {
        path: format!("{CONTROLS_DIR}/index.md"),
        content: index(),
    }];
    pages.extend(catalogue().iter().map(|r| {
        let m = r.meta();
        Page {
            path: format!("{CONTROLS_DIR}/{}.md", m.id),
            content: control_page(m),
        }
    }));
    pages
}

fn front_matter(title: &str, description: &str) -> String {
    format!(
        "---\npage_title: \"{title}\"\nsubcategory: \"Controls\"\ndescription: |-\n  {description}\n---\n\n"
    )
}

/// Link to the docs page of a bundle resource, from `docs/controls/`.
fn bundle_link(resource_type: &str) -> String {
    let short = resource_type
        .strip_prefix("secbaseline_")
        .unwrap_or(resource_type);
    format!("[`{resource_type}`](../resources/{short}.md)")
}

fn control_page(m: &Meta) -> String {
    let mut out = front_matter(&format!("{} - secbaseline control", m.id), m.title);
    out.push_str(&format!("# {}\n\n{}\n\n", m.id, m.title));
    let remediated_by = m
        .remediated_by
        .map(|b| bundle_link(b.resource_type()))
        .unwrap_or_else(|| "no bundle of this provider".to_owned());
    let rows = [
        ("ID", format!("`{}`", m.id)),
        ("Service", format!("`{}`", m.service)),
        ("Severity", m.severity.to_string()),
        ("Frameworks", cell(&m.frameworks.join(", "))),
        ("Remediated by", remediated_by),
    ];
    out.push_str("| | |\n|---|---|\n");
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }
    out.push_str(&format!("\n**Remediation.** {}\n\n", m.remediation));
    out.push_str(m.doc.trim_end());
    out.push_str(
        "\n\n---\n\n[All controls](index.md) — and what the statuses, plan assessments and \
         exemptions mean for every control.\n",
    );
    out
}

/// What each status means for every control; the pages say when a control gives it.
const STATUSES: [(Status, &str); 6] = [
    (Status::Pass, "the resource meets the control."),
    (
        Status::Fail,
        "it does not; the message says exactly what is wrong, naming the resource.",
    ),
    (
        Status::NotApplicable,
        "nothing to judge: the resource is out of the control's scope, the region has no such \
         resource (one finding for the region, so you can see it was looked at), or the \
         service is not offered there.",
    ),
    (
        Status::Unknown,
        "a value the control needs is not known yet — a planned value Terraform computes at \
         apply — or the facts were not collected. Never counted as PASS.",
    ),
    (
        Status::Error,
        "the facts could not be read (AccessDenied, throttling that outlasted the retries, a \
         server error); the message carries the AWS error code. Never counted as PASS.",
    ),
    (
        Status::Exempted,
        "a FAIL that an unexpired exemption of the assessment covers (by control and resource).",
    ),
];

fn index() -> String {
    let mut out = front_matter(
        "Control reference - secbaseline",
        "Every control secbaseline_assessment evaluates: what must hold, how it is judged, and when each status is given.",
    );
    out.push_str(
        "# Control reference\n\n\
         Every control `secbaseline_assessment` evaluates has a page here: what must hold, \
         exactly how it is judged (scope, what counts, edge cases), when it gives each status, \
         and examples. Control IDs are a stable public interface: use them in `controls`, \
         `exclude_controls` and `exemptions`.\n\n\
         ## Statuses\n\n\
         Each control gives one finding per resource it looks at:\n\n",
    );
    for (status, meaning) in STATUSES {
        out.push_str(&format!("- `{status}` — {meaning}\n"));
    }
    out.push_str(
        "\nWith `source = \"plan\"` only planned resources are judged: a FAIL or UNKNOWN that is \
         not about a planned resource (an account-level control, a resource the plan only \
         refers to) becomes NOT_APPLICABLE, because a plan cannot show what the account lacks. \
         `source = \"live+plan\"` judges the account as it will be after apply.\n\n\
         Age and password thresholds are parameters of the assessment (`parameters`); the pages \
         give their defaults.\n",
    );
    for service in Service::ALL {
        let rules: Vec<&Meta> = catalogue()
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.service == service)
            .collect();
        if rules.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## `{service}`\n\n| Control | What must hold | Severity |\n|---|---|---|\n"
        ));
        for m in rules {
            out.push_str(&format!(
                "| [`{id}`]({id}.md) | {} | {} |\n",
                cell(m.title),
                m.severity,
                id = m.id
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_and_a_page_per_control() {
        let pages = control_pages();
        assert_eq!(pages.len(), catalogue().len() + 1);
        assert_eq!(pages[0].path, "docs/controls/index.md");
        for r in catalogue() {
            let id = r.meta().id;
            assert!(
                pages[0].content.contains(&format!("[`{id}`]({id}.md)")),
                "the index links {id}"
            );
        }
    }

    #[test]
    fn a_page_carries_the_metadata_then_the_reference() {
        let pages = control_pages();
        let page = pages
            .iter()
            .find(|p| p.path == "docs/controls/cloudtrail_kms_encryption.md")
            .expect("page of cloudtrail_kms_encryption");
        let text = &page.content;
        for part in [
            "# cloudtrail_kms_encryption\n",
            "| Severity | medium |",
            "| Frameworks | FSBP CloudTrail.2, CIS 3.7 |",
            "| Remediated by | [`secbaseline_cloudtrail`](../resources/cloudtrail.md) |",
            "**Remediation.** Set a customer-managed KMS key",
            "## What must hold",
            "[All controls](index.md)",
        ] {
            assert!(text.contains(part), "missing {part:?}");
        }
        let at = |s: &str| text.find(s).unwrap_or(usize::MAX);
        assert!(at("**Remediation.**") < at("## What must hold"));
        assert!(at("## What must hold") < at("## Examples"));
    }
}
