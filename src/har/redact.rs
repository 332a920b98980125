//! `redact-har`: a copy of a HAR that is safe to attach to a ticket. Cookies (headers and
//! `cookies` arrays), Authorization-like headers, authorization codes, `state`, tokens (in
//! URLs, fragments, form, multipart and JSON bodies, Entra's form_post page), passwords,
//! client secrets and API keys are masked, by name (`client_secret`, `clientSecret`,
//! `X-Api-Key`, ...) and by shape (long random-looking values, JWTs, Entra secrets);
//! everything else, and the structure (every entry and field), is kept, so the copy still
//! opens in a browser's HAR viewer and `sso-triage scan` still reads it.
//!
//! The copy is written entry by entry as the input is read (`redact_stream`): a HAR of a
//! million entries needs no more memory than its largest entry.
//!
//! `secrets` knows which names and shapes are secrets, `masks` masks them inside
//! each part of an entry; this file walks the entries and writes the copy.

mod masks;
mod secrets;

use std::io::{self, Read, Write};

use base64::Engine;
use serde_json::Value;

use super::stream::{self, Failure, Level, Sink};
use crate::redact::{Echoes, Placeholders, mask_value, recording_masks, redact};
use masks::*;
pub(crate) use masks::{mask_body, mask_url};
use secrets::*;

/// Counts of what was masked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Entries in the copy (the same as in the input).
    pub entries: usize,
}

/// Masks the secrets of one document, entry by entry, with placeholders numbered across it.
/// A value masked in one part of the document is masked wherever else it stands (a
/// `queryString` array beside its URL, a form's `params` beside its text, another entry),
/// with the same placeholder: every part is masked first, then the values masked anywhere
/// are looked for in all of it, then the masks are numbered.
#[derive(Debug, Default)]
pub struct Redactor {
    numbers: Placeholders,
    echoes: Echoes,
}

impl Redactor {
    /// A redactor that also masks the values `echoes` holds (found by a first pass over the
    /// same document: [`learn_stream`]), wherever they stand.
    fn knowing(echoes: Echoes) -> Redactor {
        Redactor {
            numbers: Placeholders::default(),
            echoes,
        }
    }

    /// Shape-based masking of what names did not catch, and internal masks turned into
    /// numbered placeholders.
    fn finish(&mut self, s: &str) -> String {
        let masked = redact(s);
        let masked = self.echoes.apply(&masked).into_owned();
        self.numbers.apply(&masked).into_owned()
    }

    /// Masks one entry (`log.entries[i]`) in place.
    pub fn entry(&mut self, entry: &mut Value) {
        let ((), found) = recording_masks(|| {
            neutralize(entry);
            entry_in_place(entry, self);
            // A base64 body was decoded, masked and encoded again above; the pass over
            // every string would take the encoded text for one random token.
            let content = take_base64_text(entry);
            mask_strings(entry);
            put_base64_text(entry, content);
        });
        self.learn(found);
        let content = take_base64_text(entry);
        self.number(entry);
        put_base64_text(entry, content);
    }

    /// Masks a value outside the entries (pages, creator, comments) in place.
    pub fn other(&mut self, v: &mut Value) {
        let ((), found) = recording_masks(|| {
            neutralize(v);
            mask_strings(v);
        });
        self.learn(found);
        self.number(v);
    }

    /// Masks the secret shapes in every string of `v` (pages, creator, comments).
    pub fn strings(&mut self, v: &mut Value) {
        let ((), found) = recording_masks(|| mask_strings(v));
        self.learn(found);
        self.number(v);
    }

    /// Follows the values masked (with their kinds) wherever else they stand.
    fn learn(&mut self, found: Vec<(String, String)>) {
        for (value, kind) in found {
            self.echoes.add(&value, &kind);
        }
    }

    /// Masks the values followed in every string of `v`, and numbers its masks.
    fn number(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => {
                let masked = self.echoes.apply(s).into_owned();
                *s = self.numbers.apply(&masked).into_owned();
            }
            Value::Object(o) => o.values_mut().for_each(|x| self.number(x)),
            Value::Array(a) => a.iter_mut().for_each(|x| self.number(x)),
            _ => {}
        }
    }
}

/// The text of a base64 response body, taken out of `entry` (masked and numbered already).
fn take_base64_text(entry: &mut Value) -> Option<Value> {
    entry
        .get_mut("response")
        .and_then(|r| r.get_mut("content"))
        .filter(|c| c.get("encoding").and_then(Value::as_str) == Some("base64"))
        .and_then(|c| c.get_mut("text"))
        .map(Value::take)
}

/// Puts back what [`take_base64_text`] took.
fn put_base64_text(entry: &mut Value, text: Option<Value>) {
    if let Some(text) = text
        && let Some(c) = entry
            .get_mut("response")
            .and_then(|r| r.get_mut("content"))
            .and_then(Value::as_object_mut)
    {
        c.insert("text".into(), text);
    }
}

/// Masks the secret shapes in every string of `v` (internal masks, not numbered).
fn mask_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(m) = redact(s) {
                *s = m;
            }
        }
        // A member whose name says credential is masked whole, whatever field it is in
        // (`"password"`, `"_auth": {"password": ...}`, `"clientSecret"`).
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if let Value::String(s) = x
                    && !is_masked(s)
                    && let Some(kind) = crate::redact::spans::masks_value(k, s)
                {
                    *s = crate::redact::mask_value(kind.name(), s);
                } else {
                    mask_strings(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_strings),
        _ => {}
    }
}

/// The masks written here are delimited by control characters U+0001 and U+0002: the
/// capture's own are replaced with U+FFFD first, so a capture cannot forge a mask that
/// would hide a value from the masker.
fn neutralize(v: &mut Value) {
    match v {
        Value::String(s) if s.contains(['\u{1}', '\u{2}']) => {
            *s = s.replace(['\u{1}', '\u{2}'], "\u{fffd}");
        }
        Value::Array(a) => a.iter_mut().for_each(neutralize),
        Value::Object(o) => o.values_mut().for_each(neutralize),
        _ => {}
    }
}

/// Masks every secret in `har` (a parsed HAR document) in place.
pub fn redact_value(har: &mut Value) -> Stats {
    // A first pass over a copy finds every value masked anywhere.
    let mut first = Redactor::default();
    let mut copy = har.clone();
    redact_value_with(&mut copy, &mut first);
    let mut r = Redactor::knowing(first.echoes);
    redact_value_with(har, &mut r)
}

fn redact_value_with(har: &mut Value, r: &mut Redactor) -> Stats {
    let mut stats = Stats::default();
    neutralize(har);
    if let Some(entries) = har
        .get_mut("log")
        .and_then(|l| l.get_mut("entries"))
        .and_then(Value::as_array_mut)
    {
        stats.entries = entries.len();
        for entry in entries.iter_mut() {
            r.entry(entry);
        }
    }
    r.strings(har);
    stats
}

fn entry_in_place(entry: &mut Value, r: &mut Redactor) {
    for side in ["request", "response"] {
        let Some(part) = entry.get_mut(side) else {
            continue;
        };
        if let Some(headers) = part.get_mut("headers").and_then(Value::as_array_mut) {
            for h in headers {
                header_in_place(h);
            }
        }
        if let Some(cookies) = part.get_mut("cookies").and_then(Value::as_array_mut) {
            for c in cookies {
                if let Some(Value::String(v)) = c.get_mut("value") {
                    *v = cookie_mask(v);
                }
            }
        }
        for key in ["url", "redirectURL"] {
            if let Some(Value::String(u)) = part.get_mut(key) {
                *u = mask_url(u);
            }
        }
        if let Some(qs) = part.get_mut("queryString").and_then(Value::as_array_mut) {
            pairs_in_place(qs);
        }
    }
    if let Some(post) = entry.pointer_mut("/request/postData") {
        let mime = post
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(params) = post.get_mut("params").and_then(Value::as_array_mut) {
            pairs_in_place(params);
        }
        if let Some(Value::String(t)) = post.get_mut("text") {
            *t = mask_body(t, &mime);
        }
    }
    if let Some(content) = entry.pointer_mut("/response/content") {
        let base64 = content
            .get("encoding")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        let mime = content
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(Value::String(t)) = content.get_mut("text") {
            *t = if base64 {
                base64_body(t, &mime, r)
            } else {
                mask_body(t, &mime)
            };
        }
    }
}

/// A base64 body (MIME line breaks allowed): a text body is decoded, masked, numbered and
/// encoded again (one line); a binary body is kept unless a secret shows in it, then it is
/// replaced whole; a body that is not base64 at all is replaced whole.
fn base64_body(text: &str, mime: &str, r: &mut Redactor) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let Some(bytes) = super::model::decode_base64(text) else {
        return r.finish(&mask_value("body", text));
    };
    match String::from_utf8(bytes) {
        Ok(decoded) => {
            let masked = r.finish(&mask_body(&decoded, mime));
            engine.encode(masked)
        }
        Err(e) => {
            // Images and fonts carry no login secrets; anything else that shows one is
            // dropped whole rather than patched inside binary data.
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            if mask_body(&lossy, mime) != lossy || redact(&lossy) != lossy {
                r.finish(&mask_value("body", text))
            } else {
                text.to_string()
            }
        }
    }
}

/// Writes `value` as indented JSON, each line after the first shifted by `indent`.
fn write_json(out: &mut dyn Write, value: &Value, indent: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let pad = " ".repeat(indent);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(pad.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Writes the masked copy as the input is read. Members before `log.entries` are held until
/// the entries begin, so an input that turns out not to be a HAR writes nothing.
struct Writer<'w> {
    out: &'w mut dyn Write,
    r: Redactor,
    held_top: Vec<(String, Value)>,
    held_log: Vec<(String, Value)>,
    /// Whether `{"log": {` and the held members are out.
    opened: bool,
    /// A member was written in the object at [`Level::Top`] / [`Level::Log`].
    wrote_top: bool,
    wrote_log: bool,
    entries: usize,
    log_closed: bool,
}

impl Writer<'_> {
    fn key(&mut self, level: Level, key: &str) -> io::Result<()> {
        let (wrote, pad) = match level {
            Level::Top => (&mut self.wrote_top, "  "),
            Level::Log => (&mut self.wrote_log, "    "),
        };
        if *wrote {
            self.out.write_all(b",")?;
        }
        *wrote = true;
        let key = serde_json::to_string(key).map_err(io::Error::other)?;
        write!(self.out, "\n{pad}{key}: ")
    }

    fn member_out(&mut self, level: Level, key: &str, mut value: Value) -> io::Result<()> {
        self.r.other(&mut value);
        self.key(level, key)?;
        let indent = if level == Level::Top { 2 } else { 4 };
        write_json(self.out, &value, indent)
    }

    fn open(&mut self) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        self.out.write_all(b"{")?;
        for (k, v) in std::mem::take(&mut self.held_top) {
            self.member_out(Level::Top, &k, v)?;
        }
        self.key(Level::Top, "log")?;
        self.out.write_all(b"{")?;
        for (k, v) in std::mem::take(&mut self.held_log) {
            self.member_out(Level::Log, &k, v)?;
        }
        Ok(())
    }
}

impl Sink for Writer<'_> {
    type Entry = Value;
    type Other = Value;

    fn member(&mut self, level: Level, key: String, value: Value) -> io::Result<()> {
        if !self.opened {
            match level {
                Level::Top => self.held_top.push((key, value)),
                Level::Log => self.held_log.push((key, value)),
            }
            return Ok(());
        }
        self.member_out(level, &key, value)
    }

    fn entries_start(&mut self) -> io::Result<()> {
        self.open()?;
        self.key(Level::Log, "entries")?;
        self.out.write_all(b"[")
    }

    fn entry(&mut self, mut entry: Value) -> io::Result<()> {
        self.r.entry(&mut entry);
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.entries += 1;
        self.out.write_all(b"\n      ")?;
        write_json(self.out, &entry, 6)
    }

    fn entries_end(&mut self) -> io::Result<()> {
        if self.entries > 0 {
            self.out.write_all(b"\n    ")?;
        }
        self.out.write_all(b"]")
    }

    fn end(&mut self, level: Level) -> io::Result<()> {
        if !self.opened {
            return Ok(());
        }
        match level {
            Level::Log => {
                self.log_closed = true;
                self.out.write_all(b"\n  }")
            }
            Level::Top => self.out.write_all(b"\n}\n"),
        }
    }
}

/// Reads the HAR in `input` (plain or gzip) and writes its masked copy to `out` as it goes.
/// On a failure part of the copy may have been written: the caller discards it.
pub(crate) fn redact_stream(input: impl Read, out: &mut dyn Write) -> Result<Stats, Failure> {
    redact_stream_knowing(input, out, Echoes::default())
}

/// A sink that masks every part of a HAR and keeps only the values it masked.
struct Learner {
    r: Redactor,
}

impl Sink for Learner {
    type Entry = Value;
    type Other = Value;

    fn member(&mut self, _level: Level, _key: String, mut value: Value) -> io::Result<()> {
        self.r.other(&mut value);
        Ok(())
    }

    fn entry(&mut self, mut entry: Value) -> io::Result<()> {
        self.r.entry(&mut entry);
        Ok(())
    }
}

/// The values a HAR's masked copy masks anywhere (the first of two passes over a file: a
/// value the last entry shows to be secret is masked in the first entry too).
pub(crate) fn learn_stream(input: impl Read) -> Result<Echoes, Failure> {
    let mut l = Learner {
        r: Redactor::default(),
    };
    stream::read(input, &mut l)?;
    Ok(l.r.echoes)
}

/// [`redact_stream`] that also masks, wherever they stand, the values in `echoes`.
pub(crate) fn redact_stream_knowing(
    input: impl Read,
    out: &mut dyn Write,
    echoes: Echoes,
) -> Result<Stats, Failure> {
    let mut w = Writer {
        out,
        r: Redactor::knowing(echoes),
        held_top: Vec::new(),
        held_log: Vec::new(),
        opened: false,
        wrote_top: false,
        wrote_log: false,
        entries: 0,
        log_closed: false,
    };
    stream::read(input, &mut w)?;
    w.out.flush().map_err(Failure::Sink)?;
    Ok(Stats { entries: w.entries })
}

#[cfg(test)]
mod tests;
