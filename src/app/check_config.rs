//! `sso-triage check-config FILE`: reads a NetBox configuration override (never runs it),
//! checks it with [`crate::checkconfig`], and prints the findings and notes
//! (`checkconfig::render`, in the formats of `scan`) with `scan`'s exit statuses; a file that
//! is not a configuration at all is an error. The only place this command reads files or
//! writes output.

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::Result;

use crate::app::Exit;
use crate::checkconfig::render::{Checked, Style, render};
use crate::checkconfig::{self, CheckedFile, Note, Options};
use crate::cli::{CheckConfigArgs, ColorChoice};
use crate::redact::Placeholders;
use crate::report::{self, Report, Summary};

/// Larger than any real configuration override by orders of magnitude; past this the file is
/// not a configuration, and reading it whole would only cost memory.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Runs `check-config`.
pub fn run(args: &CheckConfigArgs, color: ColorChoice) -> Result<Exit> {
    let usage = |msg: String| {
        crate::message!("sso-triage: {msg}");
        Ok(Exit::Error)
    };
    let secret_expires = match args.secret_expires.as_deref().map(str::trim) {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                return usage(format!(
                    "--secret-expires {d:?}: use the date as YYYY-MM-DD, e.g. 2027-05-31 (the Expires column under Certificates & secrets)"
                ));
            }
        },
    };
    if args.width.is_some_and(|w| w < 40) {
        return usage("--width must be at least 40 columns".into());
    }
    let stdin = args.file.as_os_str() == "-";
    if stdin && io::stdin().is_terminal() {
        return usage(
            "check-config -: stdin is a terminal; pipe the configuration in or name the file"
                .into(),
        );
    }
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    let bytes = match read(&args.file, stdin) {
        Ok(b) => b,
        Err(msg) => return usage(format!("{name}: {msg}")),
    };
    if let Some(why) = crate::source::sniff_binary(&bytes) {
        return usage(format!(
            "{name}: binary file ({why}), not a NetBox configuration; not read"
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    let options = Options {
        source: name.clone(),
        redirect_uri: args.redirect_uri.clone(),
        base_url: args.base_url.clone(),
        secret_expires,
        today: chrono::Utc::now().date_naive(),
    };
    // The words of each finding are its catalog rule's; check-config reads the built-in
    // catalog only (it never took `--patterns`).
    let catalog = crate::catalog::load::load(&[])?;
    let mut outcome = checkconfig::check(&text, &options, &catalog);
    // A log, a README or another program's Python read as a configuration gave dozens of
    // "statement not read" notes and a missing backend: say what the file is not, once.
    if let Some(why) = &outcome.not_configuration {
        return usage(format!(
            "{name}: not a NetBox configuration: {why}; nothing was checked"
        ));
    }
    let mut report = build_report(&name, bytes.len() as u64, &outcome);

    if let Some(kind) = leak_in(&report, &outcome.notes) {
        return usage(format!(
            "refusing to print the report: it would show a secret-shaped value ({kind}); this is a bug in sso-triage's masking, please report it"
        ));
    }
    let mut numbers = Placeholders::default();
    report.number_placeholders(&mut numbers);
    for note in &mut outcome.notes {
        note.each_input_text(&mut |t| t.number(&mut numbers));
    }
    let style = Style {
        color: crate::config::use_color(color),
        width: super::terminal::width(args.width),
    };
    let checked = Checked {
        report: &report,
        notes: &outcome.notes,
        assignments: outcome.assignments,
        unread: outcome.unread,
    };
    let mut rendered = Vec::new();
    render(&checked, args.output, style, &mut rendered)?;
    let rendered = String::from_utf8_lossy(&rendered).into_owned();
    // Fail closed: a credential value read from the file must not appear anywhere in the
    // output, whatever path it took.
    if outcome.secrets.iter().any(|s| shows(&rendered, s)) {
        return usage("refusing to print the report: it would show a credential from the file; this is a bug in sso-triage, please report it".into());
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(rendered.as_bytes())
        .and_then(|_| out.flush())
        .map_err(anyhow::Error::new)?;
    if !args.quiet {
        crate::message!("sso-triage: {}", summary_line(&name, &outcome, &checked));
    }
    let threshold = args.fail_on.threshold();
    let worst = report.findings.iter().map(|f| f.severity).max();
    Ok(if crate::app::exceeds(worst, threshold) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// True when `text` holds `secret` as written or escaped (JSON and Rust escape alike for
/// the characters a secret holds).
fn shows(text: &str, secret: &str) -> bool {
    let escaped = format!("{secret:?}");
    text.contains(secret) || text.contains(&escaped[1..escaped.len() - 1])
}

/// The file's bytes, at most [`MAX_BYTES`]; the message says what went wrong.
fn read(path: &Path, stdin: bool) -> std::result::Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if stdin {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err("no such file or directory".into());
            }
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    };
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "larger than {} MiB: not a NetBox configuration override; not read",
            MAX_BYTES / 1024 / 1024
        ));
    }
    Ok(bytes)
}

fn build_report(name: &str, bytes: u64, outcome: &CheckedFile) -> Report {
    let mut summary = Summary {
        inputs: 1,
        bytes,
        lines: outcome.lines as u64,
        events: (outcome.assignments + outcome.unread) as u64,
        ..Summary::default()
    };
    for f in &outcome.findings {
        *summary
            .findings
            .entry(f.severity.key().to_string())
            .or_default() += 1;
    }
    Report {
        schema_version: report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: vec![crate::redact::Masking::default().show(name)],
        verdict: None,
        findings: outcome.findings.clone(),
        flows: Vec::new(),
        changes: Vec::new(),
        hours: Vec::new(),
        summary,
    }
}

/// The first secret-shaped value in any text of the report or the notes that came from the
/// file.
fn leak_in(report: &Report, notes: &[Note]) -> Option<&'static str> {
    let in_findings = report.findings.iter().find_map(|f| {
        f.diagnosis
            .iter()
            .chain(
                f.evidence
                    .iter()
                    .flat_map(|e| std::iter::once(&e.text).chain(e.captures.values())),
            )
            .find_map(|t| crate::redact::leak(t))
    });
    in_findings.or_else(|| {
        notes.iter().find_map(|n| {
            [&n.text, &n.detail]
                .into_iter()
                .chain(&n.setting)
                .find_map(|t| crate::redact::leak(t))
        })
    })
}

fn summary_line(name: &str, outcome: &CheckedFile, checked: &Checked) -> String {
    let mut line = format!(
        "{name}: {} line(s), {} assignment(s) read",
        outcome.lines, outcome.assignments
    );
    if outcome.unread > 0 {
        line.push_str(&format!(
            ", {} statement(s) not read (see config-statement-not-read)",
            outcome.unread
        ));
    }
    line.push_str(&format!("; {}", checked.outcome()));
    match outcome.notes.len() {
        0 => {}
        1 => line.push_str("; 1 note"),
        n => line.push_str(&format!("; {n} notes")),
    }
    line
}
