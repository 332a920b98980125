//! JSON-lines logs (structlog, python-json-logger, container runtimes, Go's zap and logrus,
//! Node's bunyan and pino, logstash/ECS): the message, level and time under the field names
//! those tools use, with the error a logger keeps beside its message. Decoded only for lines
//! that matched.

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
// body must be shown whole. See ERROR_KEYS for where it is read.
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

/// Where loggers keep the error beside the message: zap and logrus `error`, go-kit `err`,
/// bunyan and pino `err` (an object with `message`), ECS `error.message` (flat or nested).
/// Read only when the line has a message key: an Entra error body has `error` alone, and
/// there it is the OAuth value, already in the text.
const ERROR_KEYS: &[&str] = &[
    "error",
    "err",
    "error.message",
    "error_message",
    "errorMessage",
];

/// Bunyan's and pino's numeric levels.
fn numeric_level(n: &serde_json::Number) -> Option<&'static str> {
    Some(match n.as_u64()? {
        0..=10 => "trace",
        11..=20 => "debug",
        21..=30 => "info",
        31..=40 => "warn",
        41..=50 => "error",
        _ => "fatal",
    })
}

/// The text of an error field: a string, or an object's `message` (after its `name` or
/// `type`, the class: `OAuth2Error: AADSTS50011 ...`).
fn error_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(map) => {
            let message = map.get("message").and_then(Value::as_str)?;
            let class = ["name", "type"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str));
            Some(match class {
                Some(c) if !message.starts_with(c) => format!("{c}: {message}"),
                _ => message.to_string(),
            })
        }
        _ => None,
    }
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
    let level = first_str(&map, LEVEL_KEYS)
        .map(str::to_owned)
        .or_else(|| match map.get("level") {
            Some(Value::Number(n)) => numeric_level(n).map(str::to_owned),
            _ => None,
        });
    let mut line = JsonLine {
        message: first_str(&map, MESSAGE_KEYS).map(str::to_owned),
        level,
        logger: first_str(&map, &["logger", "name", "logger_name"]).map(str::to_owned),
        time: None,
    };
    for key in TIME_KEYS {
        match map.get(*key) {
            Some(Value::String(s)) => line.time = timestamp::parse_value(s.as_bytes()),
            // Read from the digits as written: zap's `1714644672.123` through a float is
            // .122999907.
            Some(Value::Number(n)) => {
                line.time = timestamp::parse_value(n.to_string().as_bytes())
                    .or_else(|| n.as_f64().and_then(timestamp::from_epoch));
            }
            _ => continue,
        }
        if line.time.is_some() {
            break;
        }
    }
    if line.message.is_some() {
        let error = ERROR_KEYS
            .iter()
            .find_map(|k| map.get(*k).and_then(error_text));
        if let Some(error) = error {
            let msg = line.message.get_or_insert_with(String::new);
            if !msg.contains(&error) {
                if !msg.is_empty() {
                    msg.push_str(": ");
                }
                msg.push_str(&error);
            }
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
