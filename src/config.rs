//! What we will do, checked: built from the raw [`crate::cli::Args`]. Decides colour, width,
//! inputs (stdin when nothing is named and stdin is piped) and the exit threshold.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::catalog::Severity;
use crate::cli::{ColorChoice, ReportArgs, ScanArgs};
use crate::report::{Format, Style};

/// A checked `scan` configuration.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Inputs as named (`-` = stdin).
    pub inputs: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// How tables look.
    pub style: Style,
    /// Lowest severity that makes the exit status 1; `None` = never.
    pub fail_on: Option<Severity>,
    /// Mask secrets (the default) or show them.
    pub show_secrets: bool,
    /// Mask e-mail addresses and UPNs too.
    pub redact_users: bool,
    /// Print the summary line on stderr.
    pub quiet: bool,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Flow timeout in seconds.
    pub flow_timeout_secs: i64,
    /// `--redirect-uri`: the registered redirect URI to compare HAR captures with.
    pub redirect_uri: Option<String>,
    /// Whether a match record is wanted for every matched event (`-o jsonl`, the live lines
    /// of `kube -f`). Without, only the evidence a finding keeps is masked: most matched
    /// events are only counted.
    pub match_records: bool,
    /// Whether the input is a live stream (`kube -f`): a line at the end of what has come
    /// is not held back waiting for a line that may wrap onto it, so each live line is
    /// framed, matched and printed as it arrives.
    pub live: bool,
    /// Which events are read (`--since`, `--until`, `--pod`, `--exclude-pod`).
    pub filter: crate::filter::EventFilter,
    /// Findings less severe than this are not reported (`--severity`).
    pub min_severity: Option<Severity>,
    /// Only findings of these symptoms are reported (`--symptom`; empty: all).
    pub symptoms: Vec<crate::catalog::Symptom>,
    /// Lines of context around each piece of evidence (`-C`).
    pub context: usize,
}

/// The most context lines `-C` takes on each side of a piece of evidence.
pub const MAX_CONTEXT: usize = 20;

/// The most worker threads `-j` takes.
pub const MAX_THREADS: usize = 256;

pub use crate::parse::timestamp::parse_duration;

/// Whether to colour output, from `--color`, `NO_COLOR` and whether stdout is a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

impl ScanConfig {
    /// Checks the `scan` flags. Fails with advice when there is nothing to read.
    pub fn from_args(args: &ScanArgs, color: ColorChoice) -> Result<Self, String> {
        let mut inputs = args.inputs.clone();
        if inputs.is_empty() {
            if std::io::stdin().is_terminal() {
                return Err("no input: name a log file or folder, or pipe logs in, e.g. `kubectl logs deploy/netbox -n kotsadm --prefix --timestamps | sso-triage`".into());
            }
            inputs.push(PathBuf::from("-"));
        }
        if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return Err("stdin (-) can be named only once".into());
        }
        if args.threads == Some(0) {
            return Err("--threads must be at least 1".into());
        }
        // Thousands of threads only wait on each other (-j 5000 took 38 s on a small file).
        if args.threads.is_some_and(|n| n > MAX_THREADS) {
            return Err(format!("--threads must be at most {MAX_THREADS}"));
        }
        let mut config = ScanConfig::from_report_args(&args.report, color)?;
        if args.count && matches!(config.format, Format::Markdown | Format::Html) {
            return Err(
                "--count prints counts as text or JSON (-o json); -o markdown and -o html need the full report, without --count".into(),
            );
        }
        config.inputs = inputs;
        config.threads = args.threads;
        if args.context > MAX_CONTEXT {
            return Err(format!(
                "-C {} is more context than a report holds: at most {MAX_CONTEXT}",
                args.context
            ));
        }
        config.context = args.context;
        let now = chrono::Utc::now();
        let time = |t: &Option<String>, flag: &str| {
            t.as_deref()
                .map(|t| {
                    let parsed = if flag == "--until" {
                        crate::filter::parse_until(t, now)
                    } else {
                        crate::filter::parse_time(t, now)
                    };
                    parsed.map_err(|e| format!("{flag}: {e}"))
                })
                .transpose()
        };
        config.filter = crate::filter::EventFilter {
            since: time(&args.since, "--since")?,
            until: time(&args.until, "--until")?,
            pods: crate::filter::pod_patterns(&args.pod, "--pod")?,
            exclude_pods: crate::filter::pod_patterns(&args.exclude_pod, "--exclude-pod")?,
        };
        if let (Some(s), Some(u)) = (config.filter.since, config.filter.until)
            && s > u
        {
            return Err(format!(
                "--since ({}) is after --until ({}): nothing would be read",
                crate::parse::timestamp::rfc3339(s),
                crate::parse::timestamp::rfc3339(u)
            ));
        }
        config.redirect_uri = args.redirect_uri.clone();
        if let Some(uri) = &config.redirect_uri
            && !uri.contains("://")
        {
            return Err(format!(
                "--redirect-uri {uri:?} is not an absolute URL: give it as registered, e.g. https://netbox.example.com/oauth/complete/azuread-oauth2/"
            ));
        }
        Ok(config)
    }

    /// The configuration `sso-triage scan INPUT` would run with: every flag at its default
    /// (clap's own, so the two cannot drift), checked by [`ScanConfig::from_args`]. `diff`
    /// scans a side given as logs with it.
    pub fn defaults_for(input: PathBuf, color: ColorChoice) -> Result<Self, String> {
        use clap::{Args as _, FromArgMatches as _};
        let command = ScanArgs::augment_args(clap::Command::new("scan"));
        // `--` first: a path that starts with `-` is still a path.
        let argv = [
            std::ffi::OsString::from("scan"),
            "--".into(),
            input.into_os_string(),
        ];
        let args = command
            .try_get_matches_from(argv)
            .and_then(|m| ScanArgs::from_arg_matches(&m))
            .map_err(|e| e.to_string())?;
        ScanConfig::from_args(&args, color)
    }

    /// Checks the report flags `scan` and `kube` share; no inputs yet.
    pub fn from_report_args(args: &ReportArgs, color: ColorChoice) -> Result<Self, String> {
        if args.width.is_some_and(|w| w < 40) {
            return Err("--width must be at least 40 columns".into());
        }
        Ok(ScanConfig {
            inputs: Vec::new(),
            format: args.output,
            style: Style {
                color: use_color(color),
                width: Some(crate::report::terminal_width(args.width)),
                details: args.details,
                local_time: args.local_time,
            },
            fail_on: args.fail_on.threshold(),
            show_secrets: args.show_secrets,
            redact_users: args.redact_users,
            quiet: args.quiet,
            threads: None,
            flow_timeout_secs: parse_duration(&args.flow_timeout)?,
            redirect_uri: None,
            match_records: args.output == Format::Jsonl,
            live: false,
            filter: crate::filter::EventFilter::default(),
            min_severity: args.severity.map(|s| s.severity()),
            context: 0,
            symptoms: args
                .symptom
                .iter()
                .filter_map(|k| {
                    crate::catalog::Symptom::ALL
                        .iter()
                        .copied()
                        .find(|s| s.key() == k)
                })
                .collect(),
        })
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
