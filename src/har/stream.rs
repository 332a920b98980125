//! Reads a HAR entry by entry: the document is never built. A `DeserializeSeed` walks
//! `{"log": {..., "entries": [...]}}` and hands each entry to a [`Sink`] as soon as it is
//! parsed, so memory holds one entry at a time whatever the number of entries. Gzip (a
//! `capture.har.gz`) is undone on the way, told by its magic bytes.
//!
//! Errors never quote the input (a HAR holds cookies and tokens): they name what is wrong
//! and where (line and column of the JSON text), nothing else.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Where a member outside `log.entries` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// A member of the top-level object (`log` itself is not handed over).
    Top,
    /// A member of `log` (`version`, `creator`, `pages`, ...; not `entries`).
    Log,
}

/// What the reader hands the parts of a HAR to.
pub(crate) trait Sink {
    /// How an entry is read: a typed [`super::model::Entry`], or a JSON value to rewrite.
    type Entry: DeserializeOwned;
    /// How other members are read: skipped (`IgnoredAny`) or kept (a JSON value).
    type Other: DeserializeOwned;
    /// A member other than `log` and `log.entries`.
    fn member(&mut self, level: Level, key: String, value: Self::Other) -> io::Result<()>;
    /// `log.entries` opens.
    fn entries_start(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// One entry, in order.
    fn entry(&mut self, entry: Self::Entry) -> io::Result<()>;
    /// `log.entries` closes.
    fn entries_end(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// The object at `level` closes.
    fn end(&mut self, level: Level) -> io::Result<()> {
        let _ = level;
        Ok(())
    }
}

/// Why a HAR could not be read to its end. What came before was handed to the sink.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Not a HAR, or broken JSON: one line, no content quoted.
    Bad(String),
    /// The input could not be read (I/O, a corrupt gzip stream).
    Read(io::Error),
    /// The sink failed (a write to a closed pipe).
    Sink(io::Error),
}

/// What a completed read saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Done {
    /// Bytes of JSON read (after gzip).
    pub bytes: u64,
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// Entries handed over.
    pub entries: u64,
}

// `expecting` texts: a type error names the visitor it hit, which says which part of the
// document was not what a HAR has (the message itself quotes input and is never shown).
const EXPECT_TOP: &str = "HAR top-level object";
const EXPECT_LOG: &str = "HAR log object";
const EXPECT_ENTRIES: &str = "HAR entries array";
/// The message of a sink failure inside serde: the real error waits in [`Shared::sink`].
const SINK_FAILED: &str = "HAR sink failed";

/// What the seeds share while the deserializer owns them.
struct Shared<'s, S> {
    sink: &'s mut S,
    sink_error: Option<io::Error>,
    saw_log: bool,
    saw_entries: bool,
    entries: u64,
}

struct Top<'a, 's, S>(&'a mut Shared<'s, S>);
struct Log<'a, 's, S>(&'a mut Shared<'s, S>);
struct Entries<'a, 's, S>(&'a mut Shared<'s, S>);

fn sink_failed<E: de::Error, S>(shared: &mut Shared<'_, S>, e: io::Error) -> E {
    shared.sink_error = Some(e);
    E::custom(SINK_FAILED)
}

impl<'de, S: Sink> DeserializeSeed<'de> for Top<'_, '_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Top<'_, '_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT_TOP)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" && !self.0.saw_log {
                self.0.saw_log = true;
                map.next_value_seed(Log(&mut *self.0))?;
            } else {
                let value: S::Other = map.next_value()?;
                if let Err(e) = self.0.sink.member(Level::Top, key, value) {
                    return Err(sink_failed(self.0, e));
                }
            }
        }
        if let Err(e) = self.0.sink.end(Level::Top) {
            return Err(sink_failed(self.0, e));
        }
        Ok(())
    }
}

impl<'de, S: Sink> DeserializeSeed<'de> for Log<'_, '_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Log<'_, '_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT_LOG)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" && !self.0.saw_entries {
                self.0.saw_entries = true;
                map.next_value_seed(Entries(&mut *self.0))?;
            } else {
                let value: S::Other = map.next_value()?;
                if let Err(e) = self.0.sink.member(Level::Log, key, value) {
                    return Err(sink_failed(self.0, e));
                }
            }
        }
        if let Err(e) = self.0.sink.end(Level::Log) {
            return Err(sink_failed(self.0, e));
        }
        Ok(())
    }
}

impl<'de, S: Sink> DeserializeSeed<'de> for Entries<'_, '_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for Entries<'_, '_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECT_ENTRIES)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Err(e) = self.0.sink.entries_start() {
            return Err(sink_failed(self.0, e));
        }
        while let Some(entry) = seq.next_element::<S::Entry>()? {
            self.0.entries += 1;
            if let Err(e) = self.0.sink.entry(entry) {
                return Err(sink_failed(self.0, e));
            }
        }
        if let Err(e) = self.0.sink.entries_end() {
            return Err(sink_failed(self.0, e));
        }
        Ok(())
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: std::rc::Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// How much of the start is looked at for binary content.
const HEAD: usize = 8192;

/// Reads the HAR in `raw` (plain or gzip) and hands its parts to `sink`.
pub(crate) fn read(raw: impl Read, sink: &mut impl Sink) -> Result<Done, Failure> {
    let mut raw = BufReader::with_capacity(64 * 1024, raw);
    let gzip = raw
        .fill_buf()
        .map_err(Failure::Read)?
        .starts_with(&[0x1f, 0x8b]);
    let count = std::rc::Rc::new(Cell::new(0));
    let plain: Box<dyn Read> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let mut plain = Counted {
        inner: plain,
        count: count.clone(),
    };
    let mut head = Vec::with_capacity(HEAD);
    (&mut plain)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(Failure::Read)?;
    if let Some(why) = crate::source::sniff_binary(&head) {
        return Err(Failure::Bad(format!(
            "not a HAR file: binary content ({why})"
        )));
    }
    if head.starts_with(b"\xef\xbb\xbf") {
        head.drain(..3);
    }
    let joined = BufReader::with_capacity(256 * 1024, io::Cursor::new(head).chain(plain));
    let mut shared = Shared {
        sink,
        sink_error: None,
        saw_log: false,
        saw_entries: false,
        entries: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(joined);
    let parsed = Top(&mut shared)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Some(e) = shared.sink_error.take() {
        return Err(Failure::Sink(e));
    }
    if let Err(e) = parsed {
        return Err(explain(&e, shared.entries));
    }
    if !shared.saw_entries {
        return Err(Failure::Bad(
            "not a HAR file: no log.entries array at the top level".into(),
        ));
    }
    Ok(Done {
        bytes: count.get(),
        gzip,
        entries: shared.entries,
    })
}

/// One line for a JSON error: what and where, never the text around it.
fn explain(e: &serde_json::Error, entries: u64) -> Failure {
    use serde_json::error::Category;
    let at = format!("line {}, column {}", e.line(), e.column());
    // The message is only looked at, never shown: it may quote the input.
    let message = e.to_string();
    let problem = match e.classify() {
        Category::Io => {
            return Failure::Read(io::Error::new(
                e.io_error_kind().unwrap_or(io::ErrorKind::Other),
                "the input could not be read (a corrupt or cut gzip stream?)",
            ));
        }
        Category::Eof => {
            format!("not a valid HAR file: the JSON ends early at {at} (the file is cut short)")
        }
        Category::Syntax => format!("not a valid HAR file: JSON syntax error at {at}"),
        Category::Data if message.contains(EXPECT_TOP) => {
            format!("not a HAR file: the top level is not a JSON object ({at})")
        }
        Category::Data if message.contains(EXPECT_LOG) => {
            format!("not a HAR file: log is not an object ({at})")
        }
        Category::Data if message.contains(EXPECT_ENTRIES) => {
            format!("not a HAR file: log.entries is not an array ({at})")
        }
        Category::Data => format!(
            "not a valid HAR file: entry {} has a field of the wrong type at {at}",
            entries + 1
        ),
    };
    Failure::Bad(problem)
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
