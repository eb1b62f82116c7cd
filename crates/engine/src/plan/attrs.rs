//! Reading planned attributes together with their `after_unknown` mask, so a value that is
//! "(known after apply)" becomes [`Known::Unknown`] and never a default.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::facts::Known;

static NULL: Value = Value::Null;
static KNOWN: Value = Value::Bool(false);
static UNKNOWN: Value = Value::Bool(true);

/// A planned (sub)object and the matching part of its unknown mask.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attrs<'a> {
    val: &'a Value,
    unk: &'a Value,
}

impl<'a> Attrs<'a> {
    pub fn new(val: &'a Value, unk: &'a Value) -> Self {
        Attrs { val, unk }
    }

    /// A wholly known value (no mask).
    pub fn known(val: &'a Value) -> Self {
        Attrs { val, unk: &KNOWN }
    }

    /// True when this whole value is unknown.
    pub fn is_unknown(self) -> bool {
        self.unk == &UNKNOWN
    }

    /// True when this value is known to be null (or absent).
    pub fn is_null(self) -> bool {
        !self.is_unknown() && self.val.is_null()
    }

    /// The attribute `name`.
    pub fn get(self, name: &str) -> Attrs<'a> {
        let unk = if self.is_unknown() {
            &UNKNOWN
        } else {
            self.unk.get(name).unwrap_or(&KNOWN)
        };
        Attrs {
            val: self.val.get(name).unwrap_or(&NULL),
            unk,
        }
    }

    /// Element `i` of a list/set.
    fn index(self, i: usize) -> Attrs<'a> {
        let unk = if self.is_unknown() {
            &UNKNOWN
        } else {
            self.unk.get(i).unwrap_or(&KNOWN)
        };
        Attrs {
            val: self.val.get(i).unwrap_or(&NULL),
            unk,
        }
    }

    /// An optional string (`null` and `""` are absent; numbers and booleans as text).
    pub fn opt_string(self, name: &str) -> Known<Option<String>> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        Known::Known(scalar_text(a.val).filter(|s| !s.is_empty()))
    }

    /// A string, `default` when absent.
    pub fn string_or(self, name: &str, default: &str) -> Known<String> {
        self.opt_string(name)
            .map(|s| s.unwrap_or_else(|| default.to_owned()))
    }

    /// The string when known and set.
    pub fn str(self, name: &str) -> Option<&'a str> {
        let a = self.get(name);
        if a.is_unknown() {
            None
        } else {
            a.val.as_str().filter(|s| !s.is_empty())
        }
    }

    /// A boolean, `default` when absent.
    pub fn bool_or(self, name: &str, default: bool) -> Known<bool> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        Known::Known(match a.val {
            Value::Bool(b) => *b,
            Value::String(s) => s == "true",
            _ => default,
        })
    }

    /// An optional boolean.
    pub fn opt_bool(self, name: &str) -> Known<Option<bool>> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        Known::Known(a.val.as_bool())
    }

    /// An optional whole number.
    pub fn opt_u32(self, name: &str) -> Known<Option<u32>> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        Known::Known(
            a.val
                .as_u64()
                .or_else(|| a.val.as_f64().map(|f| f as u64))
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0),
        )
    }

    /// The elements of a list/set attribute (nested blocks included); `Unknown` when the
    /// collection itself is unknown.
    pub fn items(self, name: &str) -> Known<Vec<Attrs<'a>>> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        let n = a.val.as_array().map_or(0, Vec::len);
        Known::Known((0..n).map(|i| a.index(i)).collect())
    }

    /// The first element of a nested block list (`None`: no block).
    pub fn block(self, name: &str) -> Known<Option<Attrs<'a>>> {
        self.items(name).map(|v| v.into_iter().next())
    }

    /// A list/set of strings; `Unknown` when any element is unknown.
    pub fn strings(self, name: &str) -> Known<Vec<String>> {
        match self.items(name) {
            Known::Unknown => Known::Unknown,
            Known::Known(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    if it.is_unknown() {
                        return Known::Unknown;
                    }
                    if let Some(s) = scalar_text(it.val) {
                        out.push(s);
                    }
                }
                Known::Known(out)
            }
        }
    }

    /// A map of strings; `Unknown` when the map or any value is unknown.
    pub fn string_map(self, name: &str) -> Known<BTreeMap<String, String>> {
        let a = self.get(name);
        if a.is_unknown() {
            return Known::Unknown;
        }
        let mut out = BTreeMap::new();
        if let Some(m) = a.val.as_object() {
            for (k, v) in m {
                if a.get(k).is_unknown() {
                    return Known::Unknown;
                }
                if let Some(s) = scalar_text(v) {
                    out.insert(k.clone(), s);
                }
            }
        }
        Known::Known(out)
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_mask_wins_over_values() {
        let after = json!({"a": null, "b": "x", "blk": [{"c": null, "d": true}], "m": {"k": "v"}});
        let unk = json!({"a": true, "blk": [{"c": true}], "tags": true});
        let a = Attrs::new(&after, &unk);
        assert_eq!(a.opt_string("a"), Known::Unknown);
        assert_eq!(a.opt_string("b"), Known::Known(Some("x".into())));
        assert_eq!(a.opt_string("zz"), Known::Known(None));
        let blk = a.block("blk").into_known().flatten();
        assert!(blk.is_some_and(|b| b.opt_string("c").is_unknown()));
        assert!(blk.is_some_and(|b| b.bool_or("d", false) == Known::Known(true)));
        assert!(a.string_map("tags").is_unknown());
        assert_eq!(a.string_map("m").into_known().map(|m| m.len()), Some(1));
        let whole = Attrs::new(&after, &UNKNOWN);
        assert!(whole.get("b").is_unknown());
    }
}
