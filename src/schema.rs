//! Schemas of the provider, its data sources and resources, and their protocol encoding.

use crate::diag::{AttrPath, Diag};
use crate::proto::tfplugin6 as pb;
use crate::value::{Ty, Value};

/// One attribute of a block.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Ty,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// For a nested attribute (`list of objects` whose fields may be optional): its fields.
    pub nested_list: Option<Vec<Attribute>>,
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
}

/// A nested configuration block such as `assume_role { … }`.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub name: &'static str,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

/// A block: attributes plus nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

impl Attribute {
    fn new(name: &'static str, ty: Ty, description: &str) -> Self {
        Attribute {
            name,
            ty,
            description: description.to_string(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            nested_list: None,
        }
    }

    /// An optional list of objects whose own attributes may be required or optional
    /// (protocol 6 nested attributes), e.g. `exemptions = [{ control = …, reason = … }]`.
    pub fn optional_object_list(
        name: &'static str,
        fields: Vec<Attribute>,
        description: &str,
    ) -> Self {
        let ty = Ty::list(Ty::Object(
            fields
                .iter()
                .map(|f| (f.name.to_string(), f.ty.clone()))
                .collect(),
        ));
        Attribute {
            optional: true,
            nested_list: Some(fields),
            ..Self::new(name, ty, description)
        }
    }

    /// An attribute the user must set.
    pub fn required(name: &'static str, ty: Ty, description: &str) -> Self {
        Attribute {
            required: true,
            ..Self::new(name, ty, description)
        }
    }

    /// An attribute the user may set.
    pub fn optional(name: &'static str, ty: Ty, description: &str) -> Self {
        Attribute {
            optional: true,
            ..Self::new(name, ty, description)
        }
    }

    /// An attribute only the provider sets.
    pub fn computed(name: &'static str, ty: Ty, description: &str) -> Self {
        Attribute {
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    /// An attribute the user may set and the provider fills when they do not.
    pub fn optional_computed(name: &'static str, ty: Ty, description: &str) -> Self {
        Attribute {
            optional: true,
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    /// Marks the attribute sensitive (Terraform hides it in output).
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// True when only the provider may set this attribute.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

impl Attribute {
    /// The protocol encoding of this attribute.
    pub fn to_proto(&self) -> pb::schema::Attribute {
        let (r#type, nested_type) = match &self.nested_list {
            Some(fields) => (
                Vec::new(),
                Some(pb::schema::Object {
                    attributes: fields.iter().map(Attribute::to_proto).collect(),
                    nesting: pb::schema::object::NestingMode::List as i32,
                }),
            ),
            None => (self.ty.to_json().to_string().into_bytes(), None),
        };
        pb::schema::Attribute {
            name: self.name.to_string(),
            r#type,
            nested_type,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
            write_only: false,
        }
    }
}

impl Block {
    pub fn new(description: &str) -> Self {
        Block {
            description: description.to_string(),
            ..Default::default()
        }
    }

    pub fn attr(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    pub fn block(
        mut self,
        name: &'static str,
        nesting: Nesting,
        max_items: i64,
        block: Block,
    ) -> Self {
        self.blocks.push(NestedBlock {
            name,
            block,
            nesting,
            min_items: 0,
            max_items,
        });
        self
    }

    /// The object type of a value of this block.
    pub fn ty(&self) -> Ty {
        let mut attrs: Vec<(String, Ty)> = self
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.ty.clone()))
            .collect();
        for nested in &self.blocks {
            let inner = nested.block.ty();
            let ty = match nested.nesting {
                Nesting::Single => inner,
                Nesting::List => Ty::list(inner),
                Nesting::Set => Ty::set(inner),
            };
            attrs.push((nested.name.to_string(), ty));
        }
        Ty::Object(attrs)
    }

    /// The attribute named `name`, if the block has one.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Diagnostics for values set in configuration on computed-only attributes, which
    /// Terraform itself lets through.
    pub fn reject_computed_only(&self, config: &Value, path: &AttrPath) -> Vec<Diag> {
        let mut diags = Vec::new();
        for attr in self.attributes.iter().filter(|a| a.is_computed_only()) {
            if !config.get(attr.name).is_null() {
                diags.push(Diag::error(
                    format!("Invalid configuration: \"{}\" cannot be set", attr.name),
                    format!(
                        "\"{}\" is computed by the provider and is read-only; remove it from the configuration.",
                        attr.name
                    ),
                    Some(path.attr(attr.name)),
                ));
            }
        }
        for nested in &self.blocks {
            let value = config.get(nested.name);
            let base = path.attr(nested.name);
            match (nested.nesting, value) {
                (Nesting::Single, v) if !v.is_null() => {
                    diags.extend(nested.block.reject_computed_only(v, &base))
                }
                (Nesting::List | Nesting::Set, Value::List(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        diags.extend(
                            nested
                                .block
                                .reject_computed_only(item, &base.index(i as i64)),
                        );
                    }
                }
                _ => {}
            }
        }
        diags
    }

    /// The protocol encoding of this block.
    pub fn to_proto(&self) -> pb::schema::Block {
        pb::schema::Block {
            version: 0,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|b| pb::schema::NestedBlock {
                    type_name: b.name.to_string(),
                    block: Some(b.block.to_proto()),
                    nesting: match b.nesting {
                        Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                        Nesting::List => pb::schema::nested_block::NestingMode::List,
                        Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                    } as i32,
                    min_items: b.min_items,
                    max_items: b.max_items,
                })
                .collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
        }
    }

    /// A versioned protocol schema.
    pub fn to_schema(&self, version: i64) -> pb::Schema {
        pb::Schema {
            version,
            block: Some(self.to_proto()),
        }
    }
}
