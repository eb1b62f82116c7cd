//! The committed docs/ must equal what the generator writes from the schema and catalogue,
//! with no page the generator no longer writes. `make docs` (UPDATE_DOCS=1) rewrites them.

use std::path::Path;

#[test]
fn committed_docs_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = terraform_provider_secbaseline::docs::render_all(root);
    for page in ["docs/index.md", "docs/controls/index.md"] {
        assert!(
            files.iter().any(|f| f.path == page),
            "the generator must write {page}"
        );
    }
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        if update {
            std::fs::create_dir_all(path.parent().expect("docs path has a parent"))
                .expect("create docs dir");
            std::fs::write(&path, &file.content).expect("write doc");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(file.content.as_str()) {
            stale.push(file.path.clone());
        }
    }
    let orphans = terraform_provider_secbaseline::docs::orphans(root, &files);
    if update {
        for orphan in &orphans {
            std::fs::remove_file(root.join(orphan)).expect("remove orphaned doc");
        }
    } else {
        assert!(
            orphans.is_empty(),
            "pages the generator no longer writes: {orphans:?}; run `make docs` (it removes \
             them) and commit the result"
        );
    }
    assert!(
        stale.is_empty(),
        "docs out of date: {stale:?}; run `make docs` and commit the result"
    );
}

/// The rules' semantics live in the repository (each control's page in `docs/controls/`).
/// Nothing may send a maintainer to the rulings of a brief the project does not own, or to
/// its catalogue file.
#[test]
fn nothing_cites_a_document_outside_the_repository() {
    // Spelled in pieces so this file does not match itself.
    let ruling = ["Rul", "ing "].concat();
    let catalogue = ["CONTROLS", ".md"].concat();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<_> = [
        "src",
        "crates",
        "tests",
        "templates",
        "examples",
        "tools",
        "docs",
    ]
    .iter()
    .map(|d| root.join(d))
    .collect();
    let mut files = vec![root.join("README.md"), root.join("Makefile")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                if !matches!(name, "target" | "__pycache__" | ".terraform") {
                    dirs.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    let mut citations = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // binary files
        };
        for (n, line) in text.lines().enumerate() {
            let cites_ruling = line.match_indices(&ruling).any(|(i, m)| {
                line[i + m.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            });
            if cites_ruling || line.contains(&catalogue) {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                citations.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        citations.is_empty(),
        "cite the control's page (docs/controls/<id>.md) or say it in plain words instead:\n{}",
        citations.join("\n")
    );
}
