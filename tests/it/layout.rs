//! The suite's layout holds: every integration test is a module of this one binary. A file
//! dropped directly into `tests/` would silently become a binary of its own (another link of
//! the AWS SDK tree), and a file in `tests/it/` without its `mod` line would silently never run.

use std::collections::BTreeSet;
use std::path::Path;

/// The `mod <name>;` lines of `tests/it/main.rs`.
fn declared_modules() -> BTreeSet<String> {
    include_str!("main.rs")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

/// File names (`*.rs`) and directory names directly in `dir`.
fn entries(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
    {
        let entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            dirs.push(name);
        } else if name.ends_with(".rs") {
            files.push(name);
        }
    }
    (files, dirs)
}

#[test]
fn every_integration_test_is_a_module_of_the_one_binary() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (top_files, top_dirs) = entries(&tests);
    assert!(
        top_files.is_empty(),
        "tests/{top_files:?} would each be a test binary of their own: move them to tests/it/ \
         and add `mod <name>;` to tests/it/main.rs"
    );
    let other_binaries: Vec<&String> = top_dirs
        .iter()
        .filter(|d| d.as_str() != "it" && tests.join(d).join("main.rs").exists())
        .collect();
    assert!(
        other_binaries.is_empty(),
        "tests/{other_binaries:?}/main.rs would be test binaries of their own: make them modules \
         of tests/it/"
    );

    let (files, dirs) = entries(&tests.join("it"));
    let on_disk: BTreeSet<String> = files
        .iter()
        .filter(|f| f.as_str() != "main.rs")
        .map(|f| f.trim_end_matches(".rs").to_string())
        .chain(
            dirs.into_iter()
                .filter(|d| tests.join("it").join(d).join("mod.rs").exists()),
        )
        .collect();
    let declared = declared_modules();
    assert!(declared.contains("common") && declared.contains("layout"));
    let undeclared: Vec<&String> = on_disk.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "tests/it/{undeclared:?} never run: add `mod <name>;` to tests/it/main.rs"
    );
}
