//! How wide and how colourful the text of `explain` and `check-config` is: `COLUMNS` when
//! set (as clap's help honours it), else the terminal's width, else 120, the width the
//! report table takes when it is not on a terminal. Colour is `config::use_color`'s call
//! (`--color`, `NO_COLOR`, a terminal on stdout).

/// The width when neither `COLUMNS` nor a terminal says: the report table's.
pub(super) const DEFAULT_WIDTH: u16 = 120;

/// The narrowest text is laid out to (`--width` refuses less, too).
pub(super) const MIN_WIDTH: u16 = 40;

/// The columns to lay text out in: `explicit` (`--width`), else `COLUMNS`, else the width of
/// the terminal on stdout, else [`DEFAULT_WIDTH`]; never below [`MIN_WIDTH`].
pub(super) fn width(explicit: Option<u16>) -> u16 {
    let columns = std::env::var("COLUMNS").ok();
    let terminal = || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0);
    choose_width(explicit, columns.as_deref(), terminal)
}

/// [`width`] with its sources given: `COLUMNS`' value, and how to measure the terminal.
fn choose_width(
    explicit: Option<u16>,
    columns: Option<&str>,
    terminal: impl FnOnce() -> Option<u16>,
) -> u16 {
    explicit
        .or_else(|| {
            columns
                .and_then(|c| c.trim().parse().ok())
                .filter(|&c| c > 0)
        })
        .or_else(terminal)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
