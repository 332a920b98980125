//! [`Shown`]: text that may be printed. Its only constructors are the masker
//! ([`super::Masking::show`]) for input text and [`Shown::ours`] for the program's and the
//! catalog's own words; both escape control and bidi characters.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::Placeholders;

/// Text that may reach an output: input text that went through the masker, or words the
/// program or the catalog wrote. Never input text as it came.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Shown(String);

impl Shown {
    /// Masked and escaped text from the masker.
    pub(super) fn masked(text: String) -> Shown {
        Shown(text)
    }

    /// The program's or the catalog's own words (a rule's title, a resolution step, a
    /// sentence with numbers in it). Never for text that came from the input: that goes
    /// through [`super::Masking::show`]. Control characters are escaped all the same.
    pub fn ours(text: impl AsRef<str>) -> Shown {
        let text = text.as_ref();
        let mut out = String::with_capacity(text.len());
        escape_into(text, &mut out);
        // Our words hold no mask; a delimiter in them is escaped above.
        Shown(out)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Numbers the internal masks (`<code#1>`), as the report is written.
    pub fn number(&mut self, numbers: &mut Placeholders) {
        numbers.apply_in_place(&mut self.0);
    }

    /// This text then `more`.
    pub fn append(&mut self, more: &Shown) {
        self.0.push_str(&more.0);
    }

    /// About `max` bytes of the text starting a little before byte `at` when longer, cut on
    /// character boundaries and never inside a mask, saying how much was left out.
    pub fn window_at(&self, at: usize, max: usize) -> Shown {
        self.window_within(at, max, 0, 0)
    }

    /// [`Shown::window_at`] for a text that is itself a cut of a longer one, with
    /// `before` and `after` bytes left out around it: the counts shown include them.
    pub fn window_within(&self, at: usize, max: usize, before: usize, after: usize) -> Shown {
        let text = &self.0;
        if text.len() <= max && before == 0 && after == 0 {
            return self.clone();
        }
        let mut start = at
            .min(text.len())
            .saturating_sub(max / 4)
            .min(text.len().saturating_sub(max));
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if let Some(open) = super::mask_start_around(text, start) {
            start = open;
        }
        let mut end = (start + max).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(open) = super::mask_start_around(text, end) {
            end = open.max(start);
        }
        let mut out = String::with_capacity(end - start + 48);
        if start + before > 0 {
            out.push_str(&format!("[{} bytes before] …", start + before));
        }
        out.push_str(&text[start..end]);
        if end < text.len() || after > 0 {
            out.push_str(&format!("… [{} more bytes]", text.len() - end + after));
        }
        Shown(out)
    }

    /// The first `max` bytes, cut as [`Shown::window_at`] cuts.
    pub fn window(&self, max: usize) -> Shown {
        self.window_at(0, max)
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for Shown {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Shown {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shown {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Shown {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Shown {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A report read back (`diff`, tests) is input like any other: masked again on the way in.
impl<'de> Deserialize<'de> for Shown {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shown, D::Error> {
        let s = String::deserialize(d)?;
        Ok(super::Masking::default().show(&s))
    }
}

/// True for characters that must not reach a terminal or a document as they are: C0 and
/// C1 controls (tab and newline excepted), bidi embeddings, overrides, isolates and marks,
/// line and paragraph separators, and characters that show nothing and can hide or fake
/// text (zero-width, soft hyphen, fillers, tag characters, interlinear annotations).
fn must_escape(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206a}'..='\u{206f}'
                | '\u{061c}'
                | '\u{feff}'
                | '\u{ad}'
                | '\u{34f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{3164}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// [`escape_into`] for a text that must stay on one line (a name, a problem, a stderr
/// line): newlines and tabs are escaped too.
pub(super) fn escape_line_into(text: &str, out: &mut String) {
    let mut s = String::with_capacity(text.len());
    escape_into(text, &mut s);
    if s.contains(['\n', '\t']) {
        s = s.replace('\n', "\\n").replace('\t', "\\t");
    }
    out.push_str(&s);
}

/// Appends `text` to `out` with [`must_escape`] characters written as `\u{..}` escapes.
pub(super) fn escape_into(text: &str, out: &mut String) {
    // Printable ASCII (nearly every log line) has nothing to escape: one pass, one copy.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n')
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c == '\r' {
            out.push_str("\\r");
        } else if must_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// `text` with control and bidi characters escaped, so it cannot move the cursor, ring the
/// bell or reorder a line. For the program's own messages that quote a name (a path).
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}
