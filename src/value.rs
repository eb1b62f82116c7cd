//! Terraform values as the plugin protocol carries them (msgpack, with unknowns) and their types.

use std::collections::BTreeMap;
use std::fmt;

/// A Terraform value. Objects and maps share one representation; the type decides the shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// Not known until apply (msgpack extension type 0).
    Unknown,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

/// A Terraform type constraint, JSON-encoded in schemas (`"string"`, `["list","string"]`, …).
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Object(Vec<(String, Ty)>),
    Dynamic,
}

/// Why a byte string is not a Terraform value.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("malformed msgpack value: {0}")]
    Msgpack(String),
    #[error("malformed JSON value: {0}")]
    Json(String),
    #[error("map key is not a string")]
    NonStringKey,
}

impl Value {
    /// Builds a string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// Builds a list of strings.
    pub fn string_list<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Value::List(items.into_iter().map(|s| Value::String(s.into())).collect())
    }

    /// Builds an object from name/value pairs.
    pub fn object<I, K>(fields: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Map(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Builds a string value, or null for `None`.
    pub fn opt_string(s: Option<impl Into<String>>) -> Value {
        s.map(|s| Value::String(s.into())).unwrap_or(Value::Null)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(fields) => fields.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The attribute `name` of an object (null when absent or when this is not an object).
    pub fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Map(fields) => fields.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Mutable access to an attribute of an object, inserting null when absent.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Map(fields) => Some(fields.entry(name.to_string()).or_default()),
            _ => None,
        }
    }

    /// Sets an attribute on an object value (no-op on other values).
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Map(fields) = self {
            fields.insert(name.to_string(), value);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as an integer when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(*n as i64),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(fields) => Some(fields),
            _ => None,
        }
    }

    /// The strings of a list/set of strings, skipping nulls and unknowns.
    pub fn strings(&self) -> Vec<String> {
        self.as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// Decodes a msgpack DynamicValue. Empty input is null.
    pub fn from_msgpack(bytes: &[u8]) -> Result<Value, DecodeError> {
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        // 0xc1 is msgpack's reserved marker; rmpv accepts it, Terraform never sends it.
        if bytes[0] == 0xc1 {
            return Err(DecodeError::Msgpack("reserved msgpack marker 0xc1".into()));
        }
        let mut cursor = bytes;
        // rmpv recurses once or twice per level; its default limit (1024) overflows a 2 MiB
        // tokio worker stack in a debug build, which kills the process. Stop far earlier.
        let raw =
            rmpv::decode::read_value_with_max_depth(&mut cursor, RMPV_MAX_DEPTH).map_err(|e| {
                match e {
                    rmpv::decode::Error::DepthLimitExceeded => {
                        DecodeError::Msgpack("value nested too deeply".into())
                    }
                    other => DecodeError::Msgpack(other.to_string()),
                }
            })?;
        if !cursor.is_empty() {
            return Err(DecodeError::Msgpack(format!(
                "{} unexpected bytes after the value",
                cursor.len()
            )));
        }
        from_rmpv(raw, 0)
    }

    /// Unwraps a value decoded for a `dynamic` (DynamicPseudoType) parameter or attribute.
    ///
    /// cty's msgpack encoding sends a value whose declared type is dynamic as a two-element
    /// array: the value's concrete type as JSON bytes (msgpack `bin`, decoded here as a
    /// string), then the value encoded with that type. A wholly unknown dynamic value is sent
    /// bare (extension type) and stays [`Value::Unknown`]; so does null. Returns the type
    /// constraint JSON (`"string"`, `["object",{…}]`, … — `null` when not sent) and the value.
    pub fn unwrap_dynamic(self) -> Result<(serde_json::Value, Value), DecodeError> {
        match self {
            Value::Unknown | Value::Null => Ok((serde_json::Value::Null, self)),
            Value::List(mut items) if items.len() == 2 && matches!(items[0], Value::String(_)) => {
                let value = items.pop().unwrap_or_default();
                let ty_text = match items.pop() {
                    Some(Value::String(t)) => t,
                    _ => String::new(),
                };
                let ty = serde_json::from_str(&ty_text).map_err(|e| {
                    DecodeError::Json(format!("dynamic value type {ty_text:?}: {e}"))
                })?;
                Ok((ty, value))
            }
            _ => Err(DecodeError::Msgpack(
                "a dynamic value must be a [type, value] pair".into(),
            )),
        }
    }

    /// Converts to JSON plus an `after_unknown`-style mask: `true` where a value is unknown
    /// (the JSON holds `null` there), `false`/nested objects and arrays elsewhere.
    pub fn to_json_with_unknown(&self) -> (serde_json::Value, serde_json::Value) {
        match self {
            Value::Unknown => (serde_json::Value::Null, serde_json::Value::Bool(true)),
            Value::List(items) => {
                let (vals, masks) = items.iter().map(Value::to_json_with_unknown).unzip();
                (
                    serde_json::Value::Array(vals),
                    serde_json::Value::Array(masks),
                )
            }
            Value::Map(fields) => {
                let mut vals = serde_json::Map::new();
                let mut masks = serde_json::Map::new();
                for (k, v) in fields {
                    let (jv, jm) = v.to_json_with_unknown();
                    vals.insert(k.clone(), jv);
                    masks.insert(k.clone(), jm);
                }
                (
                    serde_json::Value::Object(vals),
                    serde_json::Value::Object(masks),
                )
            }
            other => (other.to_json(), serde_json::Value::Bool(false)),
        }
    }

    /// Encodes as msgpack, shaped by `ty` (missing object attributes become null).
    pub fn to_msgpack(&self, ty: &Ty) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        write_msgpack(&mut out, &self.conform(ty));
        out
    }

    /// Decodes a JSON value (stored state, plan JSON pieces); JSON has no unknowns.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Value, DecodeError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| DecodeError::Json(e.to_string()))?;
        Ok(Value::from_json(&json))
    }

    /// Converts a JSON value.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(fields) => Value::Map(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to JSON; unknowns become null (callers check `is_wholly_known` first).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Unknown => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Reshapes this value to `ty`: object attributes the type names are present (null when
    /// missing), others dropped; collections conform element-wise.
    pub fn conform(&self, ty: &Ty) -> Value {
        match (self, ty) {
            (Value::Null, _) | (Value::Unknown, _) => self.clone(),
            (Value::Map(fields), Ty::Object(attrs)) => Value::Map(
                attrs
                    .iter()
                    .map(|(name, aty)| {
                        let v = fields
                            .get(name)
                            .map(|v| v.conform(aty))
                            .unwrap_or(Value::Null);
                        (name.clone(), v)
                    })
                    .collect(),
            ),
            (Value::Map(fields), Ty::Map(ety)) => Value::Map(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.conform(ety)))
                    .collect(),
            ),
            (Value::List(items), Ty::List(ety) | Ty::Set(ety)) => {
                Value::List(items.iter().map(|v| v.conform(ety)).collect())
            }
            (Value::Number(n), Ty::String) => Value::String(number_to_json(*n).to_string()),
            (Value::Bool(b), Ty::String) => Value::String(b.to_string()),
            _ => self.clone(),
        }
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Deepest nesting of lists and maps accepted (Terraform values are far shallower).
const MAX_DEPTH: usize = 128;
/// rmpv's own recursion budget: it spends up to three units per level (value, container,
/// string key), so this admits `MAX_DEPTH` levels and refuses much deeper input early.
const RMPV_MAX_DEPTH: usize = 3 * MAX_DEPTH + 8;

fn from_rmpv(raw: rmpv::Value, depth: usize) -> Result<Value, DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::Msgpack("value nested too deeply".into()));
    }
    Ok(match raw {
        rmpv::Value::Nil => Value::Null,
        rmpv::Value::Boolean(b) => Value::Bool(b),
        rmpv::Value::Integer(i) => Value::Number(i.as_f64().unwrap_or(0.0)),
        rmpv::Value::F32(f) => Value::Number(f as f64),
        rmpv::Value::F64(f) => Value::Number(f),
        rmpv::Value::String(s) => Value::String(s.into_str().unwrap_or_default()),
        rmpv::Value::Binary(b) => Value::String(String::from_utf8_lossy(&b).into_owned()),
        rmpv::Value::Array(items) => Value::List(
            items
                .into_iter()
                .map(|v| from_rmpv(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        rmpv::Value::Map(pairs) => {
            let mut fields = BTreeMap::new();
            for (k, v) in pairs {
                let key = match k {
                    rmpv::Value::String(s) => s.into_str().unwrap_or_default(),
                    _ => return Err(DecodeError::NonStringKey),
                };
                fields.insert(key, from_rmpv(v, depth + 1)?);
            }
            Value::Map(fields)
        }
        // Terraform encodes unknown values (with or without refinements) as extensions.
        rmpv::Value::Ext(_, _) => Value::Unknown,
    })
}

fn write_msgpack(out: &mut Vec<u8>, value: &Value) {
    use rmp::encode;
    // Writing into a Vec cannot fail; the results are ignored deliberately.
    match value {
        Value::Null => {
            let _ = encode::write_nil(out);
        }
        Value::Unknown => {
            let _ = encode::write_ext_meta(out, 1, 0);
            out.push(0);
        }
        Value::Bool(b) => {
            let _ = encode::write_bool(out, *b);
        }
        Value::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                let _ = encode::write_sint(out, *n as i64);
            } else {
                let _ = encode::write_f64(out, *n);
            }
        }
        Value::String(s) => {
            let _ = encode::write_str(out, s);
        }
        Value::List(items) => {
            let _ = encode::write_array_len(out, items.len() as u32);
            for item in items {
                write_msgpack(out, item);
            }
        }
        Value::Map(fields) => {
            let _ = encode::write_map_len(out, fields.len() as u32);
            for (k, v) in fields {
                let _ = encode::write_str(out, k);
                write_msgpack(out, v);
            }
        }
    }
}

impl Ty {
    /// A list of `elem`.
    pub fn list(elem: Ty) -> Ty {
        Ty::List(Box::new(elem))
    }

    /// A set of `elem`.
    pub fn set(elem: Ty) -> Ty {
        Ty::Set(Box::new(elem))
    }

    /// A map of `elem`.
    pub fn map(elem: Ty) -> Ty {
        Ty::Map(Box::new(elem))
    }

    /// An object type from attribute name/type pairs.
    pub fn object<I, K>(attrs: I) -> Ty
    where
        I: IntoIterator<Item = (K, Ty)>,
        K: Into<String>,
    {
        Ty::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// The JSON type constraint Terraform expects in schemas.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Ty::String => json!("string"),
            Ty::Number => json!("number"),
            Ty::Bool => json!("bool"),
            Ty::Dynamic => json!("dynamic"),
            Ty::List(e) => json!(["list", e.to_json()]),
            Ty::Set(e) => json!(["set", e.to_json()]),
            Ty::Map(e) => json!(["map", e.to_json()]),
            Ty::Object(attrs) => {
                let fields: serde_json::Map<String, serde_json::Value> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                json!(["object", fields])
            }
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msgpack_round_trip_keeps_unknowns_and_fills_missing_attributes() {
        let ty = Ty::object([
            ("a", Ty::String),
            ("b", Ty::Number),
            ("c", Ty::list(Ty::Bool)),
            ("d", Ty::String),
        ]);
        let v = Value::object([
            ("a", Value::string("x")),
            ("b", Value::Number(1.5)),
            ("c", Value::List(vec![Value::Bool(true), Value::Unknown])),
        ]);
        let decoded = Value::from_msgpack(&v.to_msgpack(&ty)).expect("decodes");
        assert_eq!(decoded.get("a").as_str(), Some("x"));
        assert_eq!(decoded.get("b").as_f64(), Some(1.5));
        assert_eq!(
            decoded.get("c").as_list().map(|l| l[1].is_unknown()),
            Some(true)
        );
        assert!(decoded.as_map().is_some_and(|m| m.contains_key("d")));
        assert!(!decoded.is_wholly_known());
    }

    #[test]
    fn garbage_bytes_are_an_error_not_a_panic() {
        assert!(Value::from_msgpack(&[0xc1]).is_err());
        assert!(Value::from_msgpack(&[0x92, 0x01]).is_err());
        assert!(Value::from_msgpack(&[0x81, 0x01, 0x02]).is_err());
    }

    #[test]
    fn dynamic_values_unwrap_from_type_value_pairs() {
        // What cty writes for an object passed to a `dynamic` parameter: [bin(type JSON), value].
        let mut bytes = Vec::new();
        rmp::encode::write_array_len(&mut bytes, 2).expect("vec write");
        rmp::encode::write_bin(&mut bytes, br#"["object",{"a":"string","b":"number"}]"#)
            .expect("vec write");
        rmp::encode::write_map_len(&mut bytes, 2).expect("vec write");
        rmp::encode::write_str(&mut bytes, "a").expect("vec write");
        rmp::encode::write_str(&mut bytes, "x").expect("vec write");
        rmp::encode::write_str(&mut bytes, "b").expect("vec write");
        rmp::encode::write_ext_meta(&mut bytes, 1, 0).expect("vec write");
        bytes.push(0);
        let decoded = Value::from_msgpack(&bytes).expect("decodes");
        let (ty, v) = decoded.unwrap_dynamic().expect("a dynamic pair");
        assert_eq!(ty[0], "object");
        assert_eq!(v.get("a").as_str(), Some("x"));
        assert!(v.get("b").is_unknown());
        let (json, mask) = v.to_json_with_unknown();
        assert_eq!(json["a"], "x");
        assert_eq!(mask["b"], true);
        assert_eq!(mask["a"], false);
        assert!(Value::Unknown
            .unwrap_dynamic()
            .is_ok_and(|(_, v)| v.is_unknown()));
        assert!(Value::string("x").unwrap_dynamic().is_err());
    }

    #[test]
    fn type_json_matches_terraform_constraint_syntax() {
        let ty = Ty::object([("k", Ty::map(Ty::String))]);
        assert_eq!(
            ty.to_json().to_string(),
            r#"["object",{"k":["map","string"]}]"#
        );
    }
}
