//! Diagnostics: what the provider tells Terraform, with attribute paths, and their encoding.

use crate::proto::tfplugin6 as pb;

/// A path to an attribute, e.g. `assume_role[0].role_arn`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<Step>);

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Attr(String),
    Index(i64),
    Key(String),
}

impl AttrPath {
    /// The root of a configuration object.
    pub fn root() -> Self {
        AttrPath(Vec::new())
    }

    /// A path with one attribute step.
    pub fn of(name: &str) -> Self {
        AttrPath(vec![Step::Attr(name.to_string())])
    }

    /// This path extended by an attribute.
    pub fn attr(&self, name: &str) -> Self {
        let mut steps = self.0.clone();
        steps.push(Step::Attr(name.to_string()));
        AttrPath(steps)
    }

    /// This path extended by a list index.
    pub fn index(&self, i: i64) -> Self {
        let mut steps = self.0.clone();
        steps.push(Step::Index(i));
        AttrPath(steps)
    }

    /// This path extended by a map key.
    pub fn key(&self, k: &str) -> Self {
        let mut steps = self.0.clone();
        steps.push(Step::Key(k.to_string()));
        AttrPath(steps)
    }

    pub fn to_proto(&self) -> pb::AttributePath {
        use pb::attribute_path::step::Selector;
        pb::AttributePath {
            steps: self
                .0
                .iter()
                .map(|s| pb::attribute_path::Step {
                    selector: Some(match s {
                        Step::Attr(a) => Selector::AttributeName(a.clone()),
                        Step::Index(i) => Selector::ElementKeyInt(*i),
                        Step::Key(k) => Selector::ElementKeyString(k.clone()),
                    }),
                })
                .collect(),
        }
    }
}

impl std::fmt::Display for AttrPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(a) if i == 0 => write!(f, "{a}")?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttrPath>,
}

impl Diag {
    pub fn error(
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttrPath>,
    ) -> Self {
        Diag {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path,
        }
    }

    pub fn warning(
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttrPath>,
    ) -> Self {
        Diag {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            path,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn to_proto(&self) -> pb::Diagnostic {
        pb::Diagnostic {
            severity: match self.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            } as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: self.path.as_ref().map(AttrPath::to_proto),
        }
    }
}

/// Encodes a list of diagnostics.
pub fn to_proto(diags: &[Diag]) -> Vec<pb::Diagnostic> {
    diags.iter().map(Diag::to_proto).collect()
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diag]) -> bool {
    diags.iter().any(Diag::is_error)
}
