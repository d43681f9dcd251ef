//! One JSONL line to an article: the id and text fields, their types, a byte-order mark.

use super::*;

/// Field names to read from JSON records.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The JSON field of the id.
    pub id: String,
    /// The JSON field of the text.
    pub text: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            id: "id".into(),
            text: "text".into(),
        }
    }
}

/// One JSONL line to an article, or to the reason it is not one.
pub fn parse_line(bytes: &[u8], line: usize, fields: &Fields) -> Input {
    let at = Some(line);
    let bytes = if line == 1 {
        bytes.strip_prefix(BOM).unwrap_or(bytes)
    } else {
        bytes
    };
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let kind = if std::str::from_utf8(bytes).is_err() {
                ErrorKind::InvalidUtf8
            } else {
                ErrorKind::InvalidJson
            };
            return Input::Bad {
                id: None,
                error: bad(kind, e.to_string(), at),
            };
        }
    };
    let Value::Object(mut obj) = value else {
        return Input::Bad {
            id: None,
            error: bad(
                ErrorKind::NotAnObject,
                "line is JSON but not an object".into(),
                at,
            ),
        };
    };
    let id = match obj.remove(&fields.id) {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) | None => {
            return Input::Bad {
                id: None,
                error: bad(
                    ErrorKind::MissingId,
                    format!("no '{}' field", fields.id),
                    at,
                ),
            }
        }
        Some(other) => {
            let msg = format!(
                "'{}' must be a string or number, not {}",
                fields.id,
                json_type(&other)
            );
            return Input::Bad {
                id: None,
                error: bad(ErrorKind::InvalidId, msg, at),
            };
        }
    };
    let text = match obj.remove(&fields.text) {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => {
            let msg = format!("no '{}' field", fields.text);
            return Input::Bad {
                id: Some(id),
                error: bad(ErrorKind::MissingText, msg, at),
            };
        }
        Some(other) => {
            let msg = format!(
                "'{}' must be a string, not {}",
                fields.text,
                json_type(&other)
            );
            return Input::Bad {
                id: Some(id),
                error: bad(ErrorKind::InvalidText, msg, at),
            };
        }
    };
    let meta = KEPT_FIELDS
        .iter()
        .filter_map(|k| {
            obj.remove(*k)
                .filter(|v| !v.is_null())
                .map(|v| (k.to_string(), v))
        })
        .collect();
    Input::Article(Article {
        id,
        text,
        meta,
        keep_text: false,
    })
}

pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
