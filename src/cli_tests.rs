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
    assert!(matches!(a.command, Command::Explain(ref e) if e.query() == "AADSTS50011"));
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

/// A mistyped command is left for clap to refuse (with its tip); a word that is a file, or
/// too far from every command, is a file to scan.
#[test]
fn a_mistyped_command_is_not_a_file() {
    for typo in [
        "expalin",
        "scna",
        "kueb",
        "chek-config",
        "redact-hra",
        "check",
        "redact",
    ] {
        let e = parse(&["sso-triage", typo, "x"]).unwrap_err();
        assert_eq!(
            e.kind(),
            clap::error::ErrorKind::InvalidSubcommand,
            "{typo}"
        );
    }
    for file in ["cat", "netbox.log", "Explain", "logs"] {
        let a = parse(&["sso-triage", file]).unwrap();
        assert!(matches!(a.command, Command::Scan(_)), "{file}");
    }
}

#[test]
fn completions_and_man_flags() {
    let a = parse(&["sso-triage", "completions", "zsh"]).unwrap();
    assert!(
        matches!(a.command, Command::Completions(ref c) if c.shell == clap_complete::Shell::Zsh)
    );
    assert!(
        parse(&["sso-triage", "completions"]).is_err(),
        "SHELL is required"
    );
    assert!(parse(&["sso-triage", "completions", "tcsh"]).is_err());
    let a = parse(&["sso-triage", "man"]).unwrap();
    assert!(matches!(a.command, Command::Man(ref m) if m.command.is_empty() && m.dir.is_none()));
    let a = parse(&["sso-triage", "man", "catalog", "check"]).unwrap();
    assert!(matches!(a.command, Command::Man(ref m) if m.command == ["catalog", "check"]));
    let a = parse(&["sso-triage", "man", "--dir", "man1"]).unwrap();
    assert!(matches!(a.command, Command::Man(ref m) if m.dir == Some(PathBuf::from("man1"))));
    assert!(parse(&["sso-triage", "man", "scan", "--dir", "man1"]).is_err());
}

#[test]
fn a_commands_flags_typed_before_it_are_moved_behind_it() {
    let argv = |a: &[&str]| -> Vec<std::ffi::OsString> {
        std::iter::once("sso-triage")
            .chain(a.iter().copied())
            .map(Into::into)
            .collect()
    };
    let got = |a: &[&str]| -> Vec<String> {
        with_default_command(argv(a))
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        got(&["-q", "scan", "x.log"]),
        ["sso-triage", "scan", "-q", "x.log"]
    );
    assert_eq!(
        got(&["-o", "json", "--width", "80", "scan", "x.log"]),
        ["sso-triage", "scan", "-o", "json", "--width", "80", "x.log"]
    );
    // Without a command word, scan is put in front as before.
    assert_eq!(got(&["-q", "x.log"]), ["sso-triage", "scan", "-q", "x.log"]);
    for args in [
        &["-q", "scan", "x.log"][..],
        &["-o", "json", "scan", "x.log"],
    ] {
        let parsed = Args::try_parse_from(with_default_command(argv(args)));
        assert!(
            matches!(parsed.map(|a| a.command), Ok(Command::Scan(_))),
            "{args:?}"
        );
    }
}

#[test]
fn diff_takes_two_sides_a_format_and_fail_on() {
    let a = parse(&[
        "sso-triage",
        "diff",
        "old.json",
        "logs/",
        "-o",
        "markdown",
        "--fail-on",
        "error",
        "--width",
        "80",
    ])
    .unwrap();
    let Command::Diff(d) = a.command else {
        panic!("not diff")
    };
    assert_eq!(d.old, PathBuf::from("old.json"));
    assert_eq!(d.new, PathBuf::from("logs/"));
    assert_eq!(d.output, crate::report::diff::DiffFormat::Markdown);
    assert_eq!(d.fail_on, FailOn::Error);
    assert_eq!(d.width, Some(80));
    // Formats that make no sense for a comparison are refused by clap.
    assert!(parse(&["sso-triage", "diff", "a", "b", "-o", "jsonl"]).is_err());
    assert!(parse(&["sso-triage", "diff", "a"]).is_err());
}
