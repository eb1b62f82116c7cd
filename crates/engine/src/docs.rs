//! Documentation generated from the catalogue (the controls table of the provider docs).

use crate::rules::catalogue;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown table of every control, in catalogue order.
pub fn controls_markdown_table() -> String {
    let mut out = String::from(
        "| ID | Title | Service | Severity | Frameworks | Remediated by |\n|---|---|---|---|---|---|\n",
    );
    for r in catalogue() {
        let m = r.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            m.id,
            cell(m.title),
            m.service,
            m.severity,
            cell(&m.frameworks.join(", ")),
            m.remediated_by
                .map(|b| format!("`{b}`"))
                .unwrap_or_default(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_rule() {
        let table = controls_markdown_table();
        assert_eq!(table.lines().count(), catalogue().len() + 2);
        assert!(table.contains("| `cloudtrail_multi_region` | "));
        assert!(table.contains("`secbaseline_alarms`"));
    }
}
