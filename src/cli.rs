//! The command line as the user typed it (clap derive). Meaning and checks live in
//! `config.rs`; this file only declares flags and their help.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::report::Format;

const AFTER_HELP: &str = "\
Examples:
  kubectl logs deploy/netbox -n kotsadm --prefix --timestamps | sso-triage
  sso-triage scan netbox.log ingress.log.gz
  sso-triage scan support-bundle.tar.gz -o markdown > incident.md
  sso-triage kube -n kotsadm --since 1h
  sso-triage kube -f                      (live; Ctrl-C prints the report)
  sso-triage explain AADSTS50011
  sso-triage diff before.json netbox-after.log   (what the fix changed)

Exit status:
  0  no finding at or above --fail-on (default: warning)
  1  findings at or above --fail-on
  2  an error: bad usage, an unreadable input, a broken pattern catalog";

/// Tells why Entra ID single sign-on to NetBox Enterprise fails, and what to do about it.
#[derive(Debug, Parser)]
#[command(name = "sso-triage", version, about, after_help = AFTER_HELP)]
pub struct Args {
    /// What to do (default: scan).
    #[command(subcommand)]
    pub command: Command,

    /// Add rules from DIR, replacing built-in rules with the same id.
    ///
    /// May be given several times; later folders win. Every *.toml file below DIR is one
    /// rule (see patterns/README.md for the schema).
    #[arg(long, value_name = "DIR", global = true, help_heading = "Matching")]
    pub patterns: Vec<PathBuf>,

    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "auto",
        global = true,
        help_heading = "Output"
    )]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse logs and report each SSO failure with its resolution (the default command).
    Scan(ScanArgs),
    /// Read NetBox pod logs straight from the cluster (kubectl's flags), live with -f.
    Kube(KubeArgs),
    /// Explain an AADSTS code, OAuth error, exception name or rule id, offline.
    Explain(ExplainArgs),
    /// Inspect the pattern catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Check a NetBox configuration override for Entra SSO mistakes (never runs it).
    CheckConfig(CheckConfigArgs),
    /// Compare before and after: which findings are fixed, still failing or new.
    Diff(DiffArgs),
    /// Write a copy of a HAR capture with cookies, codes, tokens and secrets masked.
    RedactHar(RedactHarArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write every page to a folder with --dir.
    Man(ManArgs),
}

/// Flags of `completions`.
#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Flags of `man`.
#[derive(Debug, ClapArgs)]
pub struct ManArgs {
    /// A command whose own page to print, e.g. `scan` or `catalog check` (default: the
    /// main page, sso-triage(1)).
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Vec<String>,

    /// Write every page (sso-triage.1 and one per command, sso-triage-scan.1, ...) into
    /// DIR instead, e.g. ~/.local/share/man/man1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Flags of `check-config`.
#[derive(Debug, ClapArgs)]
pub struct CheckConfigArgs {
    /// The configuration override file (Python assignments, as the admin console takes
    /// them), or - for stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The redirect URI registered in Entra, to check against the rules and the backend.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "base_url",
        help_heading = "Site"
    )]
    pub redirect_uri: Option<String>,

    /// NetBox's public URL; the redirect URI is derived from it and the backend.
    #[arg(long, value_name = "URL", help_heading = "Site")]
    pub base_url: Option<String>,

    /// The client secret's expiry date (YYYY-MM-DD): warns 30 days ahead.
    #[arg(long, value_name = "DATE", help_heading = "Site")]
    pub secret_expires: Option<String>,

    /// Output format.
    #[arg(
        short,
        long,
        value_name = "FORMAT",
        default_value = "table",
        help_heading = "Output"
    )]
    pub output: Format,

    /// Exit 1 when a finding is at least this severe.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value = "warning",
        help_heading = "Output"
    )]
    pub fail_on: FailOn,

    /// Table width in columns (default: the terminal's, or 120).
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<u16>,

    /// Do not print the one-line summary on stderr.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,
}

/// Flags of `diff`.
#[derive(Debug, ClapArgs)]
pub struct DiffArgs {
    /// Before: a JSON report of `scan -o json`, or logs (a file or folder) to scan.
    ///
    /// A file that is one JSON object with `schema_version` and `findings` is read as a
    /// report; anything else is scanned as `scan` would, with its defaults.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// After: a JSON report of `scan -o json`, or logs (a file or folder) to scan.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Output format.
    #[arg(
        short,
        long,
        value_name = "FORMAT",
        default_value = "table",
        help_heading = "Output"
    )]
    pub output: crate::report::diff::DiffFormat,

    /// Exit 1 when a finding still failing or new is at least this severe.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value = "warning",
        help_heading = "Output"
    )]
    pub fail_on: FailOn,

    /// Width in columns (default: COLUMNS, else the terminal's, else 120).
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<u16>,
}

/// Flags of `redact-har`.
#[derive(Debug, ClapArgs)]
pub struct RedactHarArgs {
    /// The HAR file saved by the browser (plain or gzip), or - for stdin.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Where to write the masked copy (never IN itself), or - for stdout.
    #[arg(value_name = "OUT")]
    pub output: PathBuf,
}

/// Flags of `scan`.
#[derive(Debug, ClapArgs)]
pub struct ScanArgs {
    /// Files, folders (read recursively), .gz files, support bundles, or - for stdin.
    ///
    /// With no INPUT and stdin not a terminal, stdin is read.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// How the report looks and when the run fails.
    #[command(flatten)]
    pub report: ReportArgs,

    /// Worker threads: inputs in parallel, or one input's matching (default: one per core).
    #[arg(short = 'j', long, value_name = "N", help_heading = "Input")]
    pub threads: Option<usize>,

    /// The redirect URI registered on the app, to compare with the one a HAR shows sent.
    ///
    /// E.g. `https://netbox.example.com/oauth/complete/azuread-oauth2/`. The report names
    /// each part that differs (scheme, host, port, path, trailing slash, encoding).
    #[arg(long, value_name = "URL", help_heading = "Matching")]
    pub redirect_uri: Option<String>,

    /// Only events at or after TIME: RFC 3339, `YYYY-MM-DD HH:MM` (UTC), a date, or a
    /// duration before now (`30m`, `2h`, `1d`).
    ///
    /// An event without a time of its own takes the time of the last event before it that
    /// had one; lines before any time are kept.
    #[arg(long, value_name = "TIME", help_heading = "Filter")]
    pub since: Option<String>,

    /// Only events at or before TIME (same forms as --since).
    #[arg(long, value_name = "TIME", help_heading = "Filter")]
    pub until: Option<String>,

    /// Only lines of pods whose name matches this regular expression (repeatable).
    ///
    /// Lines without a pod (plain files, stdin without kubectl --prefix) are then left out.
    #[arg(long, value_name = "REGEX", help_heading = "Filter")]
    pub pod: Vec<String>,

    /// Leave out lines of pods whose name matches this regular expression (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Filter")]
    pub exclude_pod: Vec<String>,

    /// Show N lines before and after each piece of evidence (read again from the file;
    /// not for stdin, archive members or HAR captures).
    #[arg(
        short = 'C',
        long = "context",
        value_name = "N",
        default_value_t = 0,
        help_heading = "Output"
    )]
    pub context: usize,

    /// Only frame and match, then print line and match counts (for benchmarks).
    ///
    /// Skips login flows, findings and the report: the matching stage alone, on the `-j`
    /// threads, the figure bench/bench.sh compares with `cat` and `rg -c`. Prints
    /// `lines`, `events`, `matched_lines` and `matched_events`, one `name value` a line
    /// (one JSON object with `-o json` or `-o jsonl`); the last two equal the report's
    /// summary.
    #[arg(long, help_heading = "Output")]
    pub count: bool,
}

/// The report flags `scan` and `kube` share.
#[derive(Debug, ClapArgs)]
pub struct ReportArgs {
    /// Output format.
    #[arg(
        short,
        long,
        value_name = "FORMAT",
        default_value = "table",
        help_heading = "Output"
    )]
    pub output: Format,

    /// Exit 1 when a finding is at least this severe.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value = "warning",
        help_heading = "Output"
    )]
    pub fail_on: FailOn,

    /// Show secrets (client secrets, codes, tokens, cookies) instead of masking them.
    ///
    /// Output may then hold credentials: do not paste it into a ticket.
    #[arg(long, visible_alias = "no-redact", help_heading = "Output")]
    pub show_secrets: bool,

    /// Also mask user identities (e-mail addresses and UPNs) in evidence.
    #[arg(long, help_heading = "Output")]
    pub redact_users: bool,

    /// Width in columns (default: COLUMNS, else the terminal's, else 120).
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<u16>,

    /// Show every finding in full (evidence, causes, Entra ids, steps) and the login flows.
    ///
    /// Without it the terminal shows the verdict, one line per other cause and the steps
    /// for the most likely cause. Other formats always hold everything.
    #[arg(short = 'v', long, visible_alias = "verbose", help_heading = "Output")]
    pub details: bool,

    /// Report only findings at least this severe (the exit status follows what is
    /// reported).
    #[arg(long, value_name = "LEVEL", help_heading = "Filter")]
    pub severity: Option<MinSeverity>,

    /// Report only findings of this symptom (repeatable; README, "Symptoms").
    #[arg(
        long,
        value_name = "SYMPTOM",
        value_parser = clap::builder::PossibleValuesParser::new(
            crate::catalog::Symptom::ALL.iter().map(|s| s.key())
        ),
        hide_possible_values = true,
        help_heading = "Filter"
    )]
    pub symptom: Vec<String>,

    /// Show times on the terminal in this machine's time zone (JSON and reports stay UTC).
    #[arg(long, help_heading = "Output")]
    pub local_time: bool,

    /// Do not print the one-line summary on stderr.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// A started login with no callback after this long counts as abandoned (e.g. 10m, 90s).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10m",
        help_heading = "Matching"
    )]
    pub flow_timeout: String,
}

/// Flags of `kube`: which pods to read, as kubectl names them.
#[derive(Debug, ClapArgs)]
pub struct KubeArgs {
    /// Pods to read (default: every pod whose name starts with `netbox`).
    #[arg(value_name = "POD")]
    pub pods: Vec<String>,

    /// Namespace.
    #[arg(
        short,
        long,
        value_name = "NS",
        default_value = "kotsadm",
        help_heading = "Cluster"
    )]
    pub namespace: String,

    /// Select pods by label instead of by name (e.g. app.kubernetes.io/name=netbox).
    #[arg(
        short = 'l',
        long,
        value_name = "SELECTOR",
        conflicts_with = "pods",
        help_heading = "Cluster"
    )]
    pub selector: Option<String>,

    /// Read only this container (default: every container of each pod).
    #[arg(
        short,
        long,
        value_name = "NAME",
        conflicts_with = "all_containers",
        help_heading = "Cluster"
    )]
    pub container: Option<String>,

    /// Read every container of each pod (the default; accepted for kubectl habits).
    #[arg(long, help_heading = "Cluster")]
    pub all_containers: bool,

    /// Only lines newer than this (e.g. 30m, 2h).
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "since_time",
        help_heading = "Cluster"
    )]
    pub since: Option<String>,

    /// Only lines at or after this time (RFC 3339, e.g. 2026-11-27T14:00:00Z).
    #[arg(long, value_name = "TIME", help_heading = "Cluster")]
    pub since_time: Option<String>,

    /// Only the last N lines of each container.
    #[arg(long, value_name = "N", help_heading = "Cluster")]
    pub tail: Option<i64>,

    /// Read the previous (crashed or restarted) container's log.
    #[arg(short, long, help_heading = "Cluster")]
    pub previous: bool,

    /// Keep reading: print findings as they appear; Ctrl-C prints the final report.
    #[arg(short, long, conflicts_with = "previous", help_heading = "Cluster")]
    pub follow: bool,

    /// Kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME", help_heading = "Cluster")]
    pub context: Option<String>,

    /// Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, value_name = "PATH", help_heading = "Cluster")]
    pub kubeconfig: Option<PathBuf>,

    /// At most this many log streams at once.
    #[arg(long, value_name = "N", default_value_t = 16, help_heading = "Cluster")]
    pub max_log_requests: usize,

    /// Without -f, give up on a container's log not read within this (e.g. 30s, 5m; 0: no
    /// limit); what was not read is reported and the run exits 2.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "2m",
        help_heading = "Cluster"
    )]
    pub request_timeout: String,

    /// How the report looks and when the run fails.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Flags of `explain`.
#[derive(Debug, ClapArgs)]
pub struct ExplainArgs {
    /// AADSTS50011, 50011, invalid_client, AuthStateMissing, a rule id, words of a rule's
    /// title, or a pasted error line or error-page URL that holds an AADSTS code.
    #[arg(value_name = "CODE", required = true, num_args = 1..)]
    pub code: Vec<String>,
}

impl ExplainArgs {
    /// The query: every word given, joined by spaces.
    pub fn query(&self) -> String {
        self.code.join(" ")
    }
}

/// `catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the rules.
    List,
    /// Validate rules and run their examples; exit 0 when all pass, 2 otherwise.
    Check {
        /// A folder of rules to check together with the built-in catalog (default: the
        /// built-in catalog alone).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the catalog's patterns.
    Export {
        /// One regex per line, for `rg --no-unicode -f` / `grep -E -f`.
        #[arg(long, required_unless_present = "anchors", conflicts_with = "anchors")]
        regex: bool,
        /// The anchor literals the first matching stage scans for, one per line.
        #[arg(long)]
        anchors: bool,
    },
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
    /// Never exit 1 for findings.
    Never,
}

/// `--severity`: the least severe finding reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MinSeverity {
    /// Every finding.
    Info,
    /// Warnings and errors.
    Warning,
    /// Only errors.
    Error,
}

impl MinSeverity {
    /// As a severity.
    pub fn severity(self) -> crate::catalog::Severity {
        use crate::catalog::Severity;
        match self {
            MinSeverity::Info => Severity::Info,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Error => Severity::Error,
        }
    }
}

impl FailOn {
    /// The lowest severity that makes the exit status 1; `None` for never.
    pub fn threshold(self) -> Option<crate::catalog::Severity> {
        use crate::catalog::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

const SUBCOMMANDS: &[&str] = &[
    "scan",
    "kube",
    "explain",
    "catalog",
    "check-config",
    "redact-har",
    "diff",
    "completions",
    "man",
    "help",
];

/// Makes `scan` the default subcommand: `sso-triage file.log` and `... | sso-triage` mean
/// `sso-triage scan ...`. Global flags before the first positional are kept in place.
pub fn with_default_command(mut argv: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while i < argv.len() {
        let arg = argv[i].to_string_lossy();
        match arg.as_ref() {
            "-h" | "--help" | "-V" | "--version" => return argv,
            "--patterns" | "--color" => i += 2,
            a if a.starts_with("--patterns=") || a.starts_with("--color=") => i += 1,
            a if SUBCOMMANDS.contains(&a) => return argv,
            // A command mistyped (`expalin`) rather than a file: left for clap to refuse
            // with its "a similar subcommand exists" tip and exit 2.
            a if mistyped_command(a) => return argv,
            _ => break,
        }
    }
    let at = i.min(argv.len());
    // `sso-triage -q scan FILE`: a command's flags typed before the command. The command
    // is moved in front of them (only when the first word is a flag, so a file named like a
    // command, given first, stays a file).
    if argv
        .get(at)
        .is_some_and(|a| a.to_string_lossy().starts_with('-'))
    {
        let named = argv[at..].iter().position(|a| {
            let a = a.to_string_lossy();
            SUBCOMMANDS.contains(&a.as_ref()) && !std::path::Path::new(a.as_ref()).exists()
        });
        if let Some(p) = named {
            let command = argv.remove(at + p);
            argv.insert(at, command);
            return argv;
        }
    }
    argv.insert(at, "scan".into());
    argv
}

/// Whether `arg` is a command mistyped: one edit from a command (two for words longer
/// than four letters; a swap of two letters is one) or its first four letters or more
/// (`check` for `check-config`), shaped like a word (no path separator
/// or dot), and no file or folder of that name exists.
fn mistyped_command(arg: &str) -> bool {
    let edits = if arg.len() > 4 { 2 } else { 1 };
    arg.len() >= 3
        && arg.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && SUBCOMMANDS.iter().any(|c| {
            strsim::damerau_levenshtein(arg, c) <= edits
                || (arg.len() >= 4 && c.starts_with(arg) && c.len() > arg.len())
        })
        && !std::path::Path::new(arg).exists()
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;
