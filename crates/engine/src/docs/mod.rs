//! Documentation generated from the catalogue: the controls table of the provider docs and the
//! control reference (`docs/controls/`).

mod pages;

pub use pages::{control_pages, CONTROLS_DIR};

use crate::rules::catalogue;

/// One generated page: its path relative to the repository root, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// `docs/controls/<id>.md`, …
    pub path: String,
    /// Markdown.
    pub content: String,
}

/// A Markdown table cell: pipes escaped, on one line.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown table of every control, in catalogue order, each ID linking to its reference
/// page. `pages` is the path from the page that embeds the table to `docs/controls`
/// (`../controls` from `docs/data-sources/…`).
pub fn controls_markdown_table(pages: &str) -> String {
    let mut out = String::from(
        "| ID | Title | Service | Severity | Frameworks | Remediated by |\n|---|---|---|---|---|---|\n",
    );
    for r in catalogue() {
        let m = r.meta();
        out.push_str(&format!(
            "| [`{id}`]({pages}/{id}.md) | {} | {} | {} | {} | {} |\n",
            cell(m.title),
            m.service,
            m.severity,
            cell(&m.frameworks.join(", ")),
            m.remediated_by
                .map(|b| format!("`{b}`"))
                .unwrap_or_default(),
            id = m.id,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_rule_linking_its_page() {
        let table = controls_markdown_table("../controls");
        assert_eq!(table.lines().count(), catalogue().len() + 2);
        assert!(table
            .contains("| [`cloudtrail_multi_region`](../controls/cloudtrail_multi_region.md) | "));
        assert!(table.contains("`secbaseline_alarms`"));
    }
}
