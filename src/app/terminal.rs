//! How wide and how colourful the text of `explain` and `check-config` is: `COLUMNS` when
//! set (as clap's help honours it), else the terminal's width, else 120, the width the
//! report table takes when it is not on a terminal. Colour is `config::use_color`'s call
//! (`--color`, `NO_COLOR`, a terminal on stdout).

#[cfg(test)]
use crate::report::{DEFAULT_WIDTH, MIN_WIDTH, choose_width};

/// The columns to lay text out in: the report's rule ([`crate::report::terminal_width`]).
pub(super) fn width(explicit: Option<u16>) -> u16 {
    crate::report::terminal_width(explicit)
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
