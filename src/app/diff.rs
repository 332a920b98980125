//! `sso-triage diff OLD NEW`: before and after. Each side is a report written by
//! `scan -o json` or logs, scanned in process by `scan` itself (its defaults, its masking
//! and its leak check) and its JSON report read back, so both sides go through one reader
//! ([`report::diff::read_report`]). Then the comparison, the last check for leaks, the
//! output and the exit status: 1 when something at `--fail-on` still fails or is new.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Result;

use crate::catalog::RuleLookup;
use crate::catalog::compile::Compiled;
use crate::cli::{ColorChoice, DiffArgs};
use crate::config::ScanConfig;
use crate::redact::Placeholders;
use crate::report::diff::{self, ReadAs, Side, SideReport};
use crate::report::{Format, Style};

use super::{Exit, build_catalog};

/// Runs `diff`.
pub(super) fn run(
    args: &DiffArgs,
    patterns: &[std::path::PathBuf],
    color: ColorChoice,
) -> Result<Exit> {
    if args.width.is_some_and(|w| w < crate::report::MIN_WIDTH) {
        crate::message!("sso-triage: --width must be at least 40 columns");
        return Ok(Exit::Error);
    }
    let compiled = build_catalog(patterns)?;
    let mut sides = Vec::with_capacity(2);
    for path in [&args.old, &args.new] {
        match load(path, &compiled, color)? {
            Ok(side) => sides.push(side),
            Err(exit) => return Ok(exit),
        }
    }
    let (new_as, new_report) = sides.pop().expect("two sides were loaded");
    let (old_as, old_report) = sides.pop().expect("two sides were loaded");
    for (path, report) in [(&args.old, &old_report), (&args.new, &new_report)] {
        if report.secrets_shown {
            crate::message!(
                "sso-triage: note: {} is a report written with secrets shown (scan --show-secrets); its texts are masked again here",
                path.display()
            );
        }
    }
    let old = Side::new(&args.old.display().to_string(), old_as, &old_report);
    let new = Side::new(&args.new.display().to_string(), new_as, &new_report);
    let mut diff = diff::compare(old, &old_report, new, &new_report);
    diff.use_catalog_titles(&|id| compiled.rule(id).map(|r| r.title.clone()));
    diff.number_placeholders(&mut Placeholders::default());
    // Fail closed, as `scan` does: a secret-shaped value or a mask left unnumbered in any
    // text from a side is not printed.
    let mut leak = None;
    diff.each_input_text(&mut |t| {
        if leak.is_none() {
            leak = crate::redact::unnumbered_mask(t).or_else(|| crate::redact::leak(t));
        }
    });
    if let Some(kind) = leak {
        crate::message!(
            "sso-triage: refusing to print the comparison: it would show a secret-shaped value or an unnumbered mask ({kind}); this is a bug in sso-triage's masking, please report it"
        );
        return Ok(Exit::Error);
    }
    let style = Style {
        color: crate::config::use_color(color),
        width: Some(crate::report::terminal_width(args.width)),
        details: false,
        local_time: false,
    };
    let mut rendered = Vec::new();
    diff::render::render(&diff, args.output, style, &mut rendered)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(&rendered)
        .and_then(|_| out.flush())
        .map_err(anyhow::Error::new)?;
    Ok(if diff.failing(args.fail_on.threshold()) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// Reads one side: a report as it is, anything else scanned as logs. `Err(exit)` when it
/// cannot be read; the reason was printed, naming the file.
fn load(
    path: &Path,
    compiled: &Compiled,
    color: ColorChoice,
) -> Result<std::result::Result<(ReadAs, SideReport), Exit>> {
    let refuse = |problem: &str| {
        crate::message!("sso-triage: {}: {problem}", path.display());
        Ok(Err(Exit::Error))
    };
    if path.as_os_str() == "-" {
        return refuse(
            "diff reads files and folders, not stdin: save the report or the logs to a file first",
        );
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return refuse("no such file or directory");
        }
        Err(e) => return refuse(&format!("cannot read: {e}")),
    };
    if meta.is_file() {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return refuse(&format!("cannot read: {e}")),
        };
        match diff::read_report(file) {
            Ok(Some(report)) => return Ok(Ok((ReadAs::Report, report))),
            Ok(None) => {}
            Err(problem) => return refuse(&problem),
        }
    }
    scan(path, compiled, color)
}

/// Scans `path` as `sso-triage scan PATH -o json` would (quietly: its summary line is not
/// this command's), and reads its report back.
fn scan(
    path: &Path,
    compiled: &Compiled,
    color: ColorChoice,
) -> Result<std::result::Result<(ReadAs, SideReport), Exit>> {
    let mut config = match ScanConfig::defaults_for(path.to_path_buf(), color) {
        Ok(c) => c,
        Err(msg) => {
            crate::message!("sso-triage: {}: {msg}", path.display());
            return Ok(Err(Exit::Error));
        }
    };
    config.format = Format::Json;
    config.match_records = false;
    config.quiet = true;
    let mut json = Vec::new();
    match super::scan_to(&config, compiled, &mut json)? {
        Exit::Clean | Exit::Findings => {}
        // `scan` said why (an unreadable input, a refused report), naming the file.
        other => return Ok(Err(other)),
    }
    match diff::read_report(&json[..]) {
        Ok(Some(report)) => Ok(Ok((ReadAs::Logs, report))),
        Ok(None) => anyhow::bail!("{}: scan wrote no report to compare", path.display()),
        Err(problem) => anyhow::bail!("{}: the scan's report: {problem}", path.display()),
    }
}
