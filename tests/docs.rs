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
