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
    /// Write a copy of a HAR capture with cookies, codes, tokens and secrets masked.
    RedactHar(RedactHarArgs),
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

    /// Only frame and match, then print line and match counts (for benchmarks).
    ///
    /// Skips login flows, findings and the report: the matching stage alone, on the `-j`
    /// threads, the figure bench/bench.sh compares with `cat` and `rg -c`. Prints
    /// `lines`, `events`, `matched_lines` and `matched_events`, one `name value` a line;
    /// the last two equal the report's summary.
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

    /// Table width in columns (default: the terminal's, or 120).
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<u16>,

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
    /// AADSTS50011, 50011, invalid_client, AuthStateMissing or a rule id.
    #[arg(value_name = "CODE")]
    pub code: String,
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
            _ => break,
        }
    }
    let at = i.min(argv.len());
    argv.insert(at, "scan".into());
    argv
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        let argv = with_default_command(args.iter().map(Into::into).collect());
        Args::try_parse_from(argv)
    }

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn scan_is_the_default() {
        let a = parse(&["sso-triage", "x.log", "-o", "json"]).unwrap();
        let Command::Scan(s) = a.command else {
            panic!()
        };
        assert_eq!(s.inputs, vec![PathBuf::from("x.log")]);
        assert_eq!(s.report.output, Format::Json);
        let a = parse(&["sso-triage"]).unwrap();
        assert!(matches!(a.command, Command::Scan(ref s) if s.inputs.is_empty()));
        let a = parse(&["sso-triage", "--patterns", "rules", "-"]).unwrap();
        assert_eq!(a.patterns, vec![PathBuf::from("rules")]);
        assert!(matches!(a.command, Command::Scan(ref s) if s.inputs == vec![PathBuf::from("-")]));
    }

    #[test]
    fn each_flag_parses() {
        let a = parse(&[
            "sso-triage",
            "scan",
            "--fail-on",
            "error",
            "--show-secrets",
            "--width",
            "100",
            "-q",
            "-j",
            "2",
            "--color",
            "never",
        ])
        .unwrap();
        let Command::Scan(s) = a.command else {
            panic!()
        };
        assert_eq!(s.report.fail_on, FailOn::Error);
        assert!(s.report.show_secrets && s.report.quiet);
        assert_eq!(s.report.width, Some(100));
        assert_eq!(s.threads, Some(2));
        assert_eq!(a.color, ColorChoice::Never);
        let b = parse(&["sso-triage", "scan", "--no-redact", "--redact-users"]).unwrap();
        let Command::Scan(t) = b.command else {
            panic!()
        };
        assert!(t.report.show_secrets && t.report.redact_users);
        assert!(parse(&["sso-triage", "scan", "--fail-on", "sometimes"]).is_err());
        assert!(parse(&["sso-triage", "scan", "-o", "xml"]).is_err());
    }

    #[test]
    fn kube_flags_follow_kubectl() {
        let a = parse(&[
            "sso-triage",
            "kube",
            "-n",
            "netbox",
            "-l",
            "app=netbox",
            "-c",
            "netbox",
            "--since",
            "1h",
            "--tail",
            "500",
            "-f",
            "--context",
            "prod",
            "-o",
            "jsonl",
        ])
        .unwrap();
        let Command::Kube(k) = a.command else {
            panic!("kube")
        };
        assert_eq!(k.namespace, "netbox");
        assert_eq!(k.selector.as_deref(), Some("app=netbox"));
        assert_eq!(k.container.as_deref(), Some("netbox"));
        assert_eq!((k.since.as_deref(), k.tail), (Some("1h"), Some(500)));
        assert!(k.follow && !k.previous);
        assert_eq!(k.report.output, Format::Jsonl);
        let d = parse(&["sso-triage", "kube"]).unwrap();
        let Command::Kube(d) = d.command else {
            panic!("kube")
        };
        assert_eq!((d.namespace.as_str(), d.max_log_requests), ("kotsadm", 16));
        assert!(d.pods.is_empty() && d.selector.is_none());
        assert!(parse(&["sso-triage", "kube", "pod-a", "-l", "x=y"]).is_err());
        assert!(parse(&["sso-triage", "kube", "-p", "-f"]).is_err());
        assert!(parse(&["sso-triage", "kube", "--since", "1h", "--since-time", "x"]).is_err());
    }

    #[test]
    fn check_config_flags() {
        let a = parse(&[
            "sso-triage",
            "check-config",
            "netbox.py",
            "--redirect-uri",
            "https://nb.example.com/oauth/complete/azuread-oauth2/",
            "--secret-expires",
            "2027-01-31",
            "-o",
            "json",
            "--fail-on",
            "error",
            "-q",
        ])
        .unwrap();
        let Command::CheckConfig(c) = a.command else {
            panic!("check-config")
        };
        assert_eq!(c.file, PathBuf::from("netbox.py"));
        assert!(c.redirect_uri.is_some() && c.base_url.is_none());
        assert_eq!(c.secret_expires.as_deref(), Some("2027-01-31"));
        assert_eq!(
            (c.output, c.fail_on, c.quiet),
            (Format::Json, FailOn::Error, true)
        );
        let b = parse(&[
            "sso-triage",
            "check-config",
            "-",
            "--base-url",
            "https://x.example",
        ])
        .unwrap();
        assert!(matches!(b.command, Command::CheckConfig(ref c) if c.base_url.is_some()));
        assert!(
            parse(&[
                "sso-triage",
                "check-config",
                "f",
                "--base-url",
                "a",
                "--redirect-uri",
                "b"
            ])
            .is_err()
        );
        assert!(
            parse(&["sso-triage", "check-config"]).is_err(),
            "FILE is required"
        );
    }

    #[test]
    fn other_commands() {
        let a = parse(&["sso-triage", "explain", "AADSTS50011"]).unwrap();
        assert!(matches!(a.command, Command::Explain(ref e) if e.code == "AADSTS50011"));
        let a = parse(&["sso-triage", "catalog", "check", "patterns"]).unwrap();
        assert!(matches!(
            a.command,
            Command::Catalog(CatalogCommand::Check { dir: Some(_) })
        ));
        assert!(
            parse(&["sso-triage", "catalog", "export"]).is_err(),
            "--regex is required"
        );
    }

    #[test]
    fn har_flags() {
        let a = parse(&["sso-triage", "redact-har", "in.har", "out.har"]).unwrap();
        assert!(matches!(a.command, Command::RedactHar(ref r)
            if r.input.as_os_str() == "in.har" && r.output.as_os_str() == "out.har"));
        assert!(parse(&["sso-triage", "redact-har", "in.har"]).is_err());
        let a = parse(&[
            "sso-triage",
            "x.har",
            "--redirect-uri",
            "https://nb.example.com/oauth/complete/azuread-oauth2/",
        ])
        .unwrap();
        let Command::Scan(s) = a.command else {
            panic!("scan")
        };
        assert_eq!(
            s.redirect_uri.as_deref(),
            Some("https://nb.example.com/oauth/complete/azuread-oauth2/")
        );
    }
}
