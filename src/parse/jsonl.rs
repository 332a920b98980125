//! JSON-lines logs (structlog, python-json-logger, container runtimes): the message, level and
//! time under the field names those tools use. Decoded only for lines that matched.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::parse::timestamp;

const MESSAGE_KEYS: &[&str] = &["message", "msg", "event", "log", "text", "@message"];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "levelname",
    "severity",
    "lvl",
    "log.level",
    "loglevel",
];
const TIME_KEYS: &[&str] = &[
    "timestamp",
    "time",
    "ts",
    "@timestamp",
    "asctime",
    "datetime",
    "t",
    "date",
];
// Not `error`: in an Entra JSON body that is the OAuth value (`invalid_client`), and the
// body must be shown whole.
const EXTRA_KEYS: &[&str] = &[
    "exception",
    "exc_info",
    "exc_text",
    "stack_trace",
    "stack",
    "traceback",
];

/// What a JSON log line says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonLine {
    /// The message, with an exception or stack field appended on new lines.
    pub message: Option<String>,
    /// The level as written.
    pub level: Option<String>,
    /// The time, from a string or an epoch number.
    pub time: Option<DateTime<Utc>>,
    /// The logger name, if any.
    pub logger: Option<String>,
}

/// Outcome of decoding a line that starts with `{`.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A JSON object.
    Object(JsonLine),
    /// It starts like JSON but does not parse; counted in the summary.
    Broken,
}

fn first_str<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
}

/// Decodes `body` if it is a JSON object; `None` when it does not look like one.
pub fn decode(body: &[u8]) -> Option<Decoded> {
    let trimmed = body.trim_ascii();
    if !trimmed.starts_with(b"{") {
        return None;
    }
    let map: Map<String, Value> = match serde_json::from_slice(trimmed) {
        Ok(Value::Object(map)) => map,
        _ => return Some(Decoded::Broken),
    };
    let mut line = JsonLine {
        message: first_str(&map, MESSAGE_KEYS).map(str::to_owned),
        level: first_str(&map, LEVEL_KEYS).map(str::to_owned),
        logger: first_str(&map, &["logger", "name", "logger_name"]).map(str::to_owned),
        time: None,
    };
    for key in TIME_KEYS {
        match map.get(*key) {
            Some(Value::String(s)) => line.time = timestamp::parse_value(s.as_bytes()),
            Some(Value::Number(n)) => line.time = n.as_f64().and_then(timestamp::from_epoch),
            _ => continue,
        }
        if line.time.is_some() {
            break;
        }
    }
    for key in EXTRA_KEYS {
        if let Some(Value::String(extra)) = map.get(*key) {
            let msg = line.message.get_or_insert_with(String::new);
            if !msg.is_empty() {
                msg.push('\n');
            }
            msg.push_str(extra);
        }
    }
    Some(Decoded::Object(line))
}

#[cfg(test)]
#[path = "jsonl_tests.rs"]
mod tests;
