//! Ctrl-C during `scan`: the first one stops reading (every reader checks
//! [`requested`] before it reads more, as at the end of its input), and the report of what
//! was read still comes out, with a note, and exit status 130; a second one ends the process
//! at once, also with 130.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_STATUS: u8 = 130;

/// Catches Ctrl-C (and SIGTERM) for this process. A failure to install is reported and
/// leaves the default (the run ends without a report).
pub fn install() {
    let result = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_STATUS));
        }
    });
    if let Err(e) = result {
        crate::message!(
            "sso-triage: warning: cannot catch Ctrl-C ({e}); it will end the run without a report"
        );
    }
}

/// Whether Ctrl-C was pressed: readers stop as at the end of their input.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
