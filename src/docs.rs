//! Generates the Registry-format documentation in `docs/` from the provider's own schemas,
//! the `examples/` files, optional prose in `templates/`, and the control catalogue.

use std::path::Path;

use crate::provider::{provider_schema, Registry};
use crate::schema::{Attribute, Block, Nesting};
use crate::value::Ty;

/// One generated file: path relative to the repository root, and its content.
pub struct DocFile {
    pub path: String,
    pub content: String,
}

/// Renders every documentation page. `root` is the repository root (examples and templates
/// are read from there; missing ones are simply left out).
pub fn render_all(root: &Path) -> Vec<DocFile> {
    let registry = Registry::new();
    let mut files = vec![DocFile {
        path: "docs/index.md".into(),
        content: render_index(root),
    }];
    for (name, ds) in &registry.data_sources {
        files.push(DocFile {
            path: format!("docs/data-sources/{}.md", short(name)),
            content: render_page(root, name, "Data Source", "data-sources", &ds.schema()),
        });
    }
    for (name, r) in &registry.resources {
        files.push(DocFile {
            path: format!("docs/resources/{}.md", short(name)),
            content: render_page(root, name, "Resource", "resources", &r.schema()),
        });
    }
    for (name, f) in &registry.functions {
        let params: Vec<String> = f
            .params()
            .iter()
            .map(|p| format!("{} {}", p.name, type_name(&p.ty)))
            .collect();
        let mut out = front_matter(&format!("{name} Function - secbaseline"), f.summary());
        out.push_str(&format!("# function: {name}\n\n{}\n\n", f.description()));
        if let Some(example) = read(root, &format!("examples/functions/{name}/function.tf")) {
            out.push_str(&format!(
                "## Example Usage\n\n```terraform\n{}\n```\n\n",
                example.trim_end()
            ));
        }
        out.push_str(&format!(
            "## Signature\n\n```text\n{name}({}) {}\n```\n\n## Arguments\n\n",
            params.join(", "),
            type_name(&f.return_type())
        ));
        for (i, p) in f.params().iter().enumerate() {
            out.push_str(&format!(
                "{}. `{}` ({}) {}\n",
                i + 1,
                p.name,
                type_name(&p.ty),
                p.description
            ));
        }
        if let Some(extra) = read(root, &format!("templates/functions/{name}.md")) {
            out.push_str(&format!("\n{}\n", extra.trim_end()));
        }
        files.push(DocFile {
            path: format!("docs/functions/{name}.md"),
            content: out,
        });
    }
    files.extend(
        secbaseline_engine::docs::control_pages()
            .into_iter()
            .map(|p| DocFile {
                path: p.path,
                content: p.content,
            }),
    );
    files
}

/// Files under `docs/` that the generator does not write (pages of a renamed control, a
/// removed resource, …), as paths relative to `root`, sorted.
pub fn orphans(root: &Path, files: &[DocFile]) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(path);
            }
        }
    }
    let mut orphans: Vec<String> = found
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok().map(relative))
        .filter(|rel| !files.iter().any(|f| &f.path == rel))
        .collect();
    orphans.sort();
    orphans
}

/// A repository-relative path with `/` separators.
fn relative(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn short(name: &str) -> &str {
    name.strip_prefix("secbaseline_").unwrap_or(name)
}

/// A file under `root`, with `{{controls_table}}` filled in. Templates sit where their page
/// will (`templates/data-sources/x.md` → `docs/data-sources/x.md`), so the table's links to
/// `docs/controls/` are made relative to that place.
fn read(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join(rel)).ok().map(|text| {
        let depth = rel.matches('/').count().saturating_sub(1);
        let pages = format!("{}controls", "../".repeat(depth));
        text.replace(
            "{{controls_table}}",
            secbaseline_engine::docs::controls_markdown_table(&pages).trim_end(),
        )
    })
}

fn front_matter(title: &str, description: &str) -> String {
    let first = description.lines().next().unwrap_or("");
    format!("---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n  {first}\n---\n\n")
}

fn render_index(root: &Path) -> String {
    let schema = provider_schema();
    let mut out = front_matter(
        "Provider: secbaseline",
        "The secbaseline provider judges and fixes an AWS account's security baseline.",
    );
    out.push_str("# secbaseline Provider\n\n");
    out.push_str(&schema.description);
    out.push_str("\n\n");
    if let Some(extra) = read(root, "templates/index.md") {
        out.push_str(extra.trim_end());
        out.push_str("\n\n");
    }
    if let Some(example) = read(root, "examples/provider/provider.tf") {
        out.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            example.trim_end()
        ));
    }
    out.push_str(&render_schema(&schema));
    out
}

fn render_page(root: &Path, name: &str, kind: &str, dir: &str, schema: &Block) -> String {
    let mut out = front_matter(&format!("{name} {kind} - secbaseline"), &schema.description);
    out.push_str(&format!("# {name} ({kind})\n\n{}\n\n", schema.description));
    let example_file = if kind == "Resource" {
        "resource.tf"
    } else {
        "data-source.tf"
    };
    if let Some(example) = read(root, &format!("examples/{dir}/{name}/{example_file}")) {
        out.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            example.trim_end()
        ));
    }
    if let Some(extra) = read(root, &format!("templates/{dir}/{name}.md")) {
        out.push_str(extra.trim_end());
        out.push_str("\n\n");
    }
    out.push_str(&render_schema(schema));
    if let Some(import) = read(root, &format!("examples/{dir}/{name}/import.sh")) {
        out.push_str(&format!(
            "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
            import.trim_end()
        ));
    }
    out
}

fn render_schema(schema: &Block) -> String {
    let mut out =
        String::from("<!-- schema generated by the secbaseline docs generator -->\n## Schema\n");
    let mut nested = Vec::new();
    render_block(schema, "", &mut out, &mut nested);
    while let Some((anchor, title, block)) = nested.pop() {
        out.push_str(&format!(
            "\n<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n"
        ));
        let mut more = Vec::new();
        render_block(&block, &title, &mut out, &mut more);
        more.reverse();
        nested.extend(more);
    }
    out
}

fn render_block(
    block: &Block,
    prefix: &str,
    out: &mut String,
    nested: &mut Vec<(String, String, Block)>,
) {
    type Pick = fn(&Attribute) -> bool;
    let sections: [(&str, Pick); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.is_computed_only()),
    ];
    let mut pending_blocks: Vec<(String, String, Block)> = Vec::new();
    for (title, pick) in sections {
        let attrs: Vec<&Attribute> = block.attributes.iter().filter(|a| pick(a)).collect();
        let blocks: Vec<_> = if title == "Optional" {
            block.blocks.iter().collect()
        } else {
            Vec::new()
        };
        if attrs.is_empty() && blocks.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        let mut lines: Vec<(String, String)> = attrs
            .iter()
            .map(|a| {
                let sensitive = if a.sensitive { ", Sensitive" } else { "" };
                (
                    a.name.to_string(),
                    format!(
                        "- `{}` ({}{sensitive}) {}\n",
                        a.name,
                        type_name(&a.ty),
                        a.description
                    ),
                )
            })
            .collect();
        for b in blocks {
            let path = if prefix.is_empty() {
                b.name.to_string()
            } else {
                format!("{prefix}.{}", b.name)
            };
            let anchor = format!("nestedblock--{}", path.replace('.', "--"));
            let kind = match b.nesting {
                Nesting::Single => "Block".to_string(),
                Nesting::List if b.max_items == 1 => "Block List, Max: 1".to_string(),
                Nesting::List => "Block List".to_string(),
                Nesting::Set => "Block Set".to_string(),
            };
            lines.push((
                b.name.to_string(),
                format!(
                    "- `{}` ({kind}) {} (see [below for nested schema](#{anchor}))\n",
                    b.name, b.block.description
                ),
            ));
            pending_blocks.push((anchor, path, b.block.clone()));
        }
        lines.sort();
        for (_, line) in lines {
            out.push_str(&line);
        }
    }
    pending_blocks.reverse();
    nested.extend(pending_blocks);
}

/// A human type name as the Registry shows it.
pub fn type_name(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Number => "Number".into(),
        Ty::Bool => "Boolean".into(),
        Ty::Dynamic => "Dynamic".into(),
        Ty::List(e) => format!("List of {}", type_name(e)),
        Ty::Set(e) => format!("Set of {}", type_name(e)),
        Ty::Map(e) => format!("Map of {}", type_name(e)),
        Ty::Object(_) => "Object".into(),
    }
}
