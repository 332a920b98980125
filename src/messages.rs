//! Lines for stderr. Every one passes the masker (an error may quote an input's name or a
//! line of it), and a closed stderr (`sso-triage ... 2>&1 | head -1`) is not an error: the
//! line is dropped and the run goes on to its exit status, as ripgrep does.

use std::io::Write;

use crate::redact::{Masking, Placeholders};

/// Writes `text` and a newline to stderr, masked and escaped; errors are ignored. Masks are
/// numbered within the line (a message is read on its own).
pub fn write_line(text: &str) {
    let mut shown = Masking::default().show_line(text);
    shown.number(&mut Placeholders::default());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{shown}");
}

/// Writes our own `text` (a constant: no input in it) and a newline to stderr, unmasked:
/// the masker would take `--show-secrets / ...` in our own warning for a flag and its value.
pub fn write_ours(text: &'static str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// `eprintln!` for the program: the line is masked, and a closed stderr does not panic.
#[macro_export]
macro_rules! message {
    ($($arg:tt)*) => {
        $crate::messages::write_line(&format!($($arg)*))
    };
}
