//! What installing the tool needs besides the binary: `completions SHELL` (clap_complete)
//! and `man` (clap_mangen). Both are generated from the clap definition in `cli.rs` when
//! asked, so they always describe the binary that prints them; `cargo install` ships nothing
//! else.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use roff::{Roff, roman};

use crate::cli::{Args, CompletionsArgs, ManArgs};

use super::Exit;

/// The name the scripts complete and the pages are titled by.
const BIN: &str = "sso-triage";

/// Prints the completion script for one shell.
pub(super) fn completions(args: &CompletionsArgs) -> Result<Exit> {
    let mut cmd = Args::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, BIN, &mut script);
    if args.shell == clap_complete::Shell::Bash {
        // clap_complete (4.6.12) spells the state of a command two ways when the program's
        // name has a hyphen: the loop that reads the words reaches `sso__triage__subcmd__scan`,
        // the arms that list each command's flags are labelled `sso__subcmd__triage__...`, so
        // no flag of any command ever completed. The arms are renamed to what the loop
        // reaches; once clap_complete is fixed there is nothing left to rename.
        // See: https://github.com/clap-rs/clap/issues/6421
        let text = String::from_utf8(script).context("clap_complete wrote UTF-8")?;
        script = text
            .replace("sso__subcmd__triage", "sso__triage")
            .into_bytes();
    }
    write_stdout(&script)?;
    Ok(Exit::Clean)
}

/// Prints one page (the main one, or a command's), or writes every page to `--dir`.
pub(super) fn man(args: &ManArgs) -> Result<Exit> {
    let root = manual_command();
    if let Some(dir) = &args.dir {
        return write_pages(root, dir);
    }
    let mut cmd = root;
    for (depth, name) in args.command.iter().enumerate() {
        let Some(sub) = cmd
            .get_subcommands()
            .find(|s| s.get_name() == name && !s.is_hide_set())
            .cloned()
        else {
            let known: Vec<&str> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(clap::Command::get_name)
                .collect();
            let what = std::iter::once(BIN)
                .chain(args.command[..depth].iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            if known.is_empty() {
                crate::message!("sso-triage: man: `{what}` has no command {name:?}");
            } else {
                crate::message!(
                    "sso-triage: man: `{what}` has no command {name:?}; its commands are {}",
                    known.join(", ")
                );
            }
            return Ok(Exit::Error);
        };
        cmd = sub;
    }
    write_stdout(&page(&cmd)?)?;
    Ok(Exit::Clean)
}

/// The command line as the pages describe it: no `help` command (`--help` is on every page),
/// built, so each command knows its full name (`sso-triage-catalog-check`).
fn manual_command() -> clap::Command {
    let mut cmd = Args::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// One manual page. clap_mangen writes the sections it knows; the text after the options
/// (`Examples:`, `Exit status:` in `--help`) becomes sections of their own, EXAMPLES and
/// EXIT STATUS, where man readers look for them, instead of clap_mangen's one EXTRA
/// section; a command's page points back to the main page.
fn page(cmd: &clap::Command) -> Result<Vec<u8>> {
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(ToString::to_string);
    let bare = cmd
        .clone()
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    let mut text = Vec::new();
    // Every page's footer names the program and its version, not the command's own name.
    clap_mangen::Man::new(bare)
        .source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")))
        .render(&mut text)?;
    let mut text = String::from_utf8(text).context("clap_mangen wrote UTF-8")?;

    let mut own = Roff::new();
    if let Some(after) = after {
        for block in after.split("\n\n").filter(|b| !b.trim().is_empty()) {
            let (head, body) = match block.split_once('\n') {
                Some((head, body)) if head.ends_with(':') && !head.starts_with(' ') => {
                    (head.trim_end_matches(':').to_uppercase(), body)
                }
                _ => ("NOTES".to_string(), block),
            };
            own.control("SH", [head.as_str()]).control("nf", []);
            for line in body.lines() {
                own.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
            }
            own.control("fi", []);
        }
    }
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    if name != BIN {
        own.control("SH", ["SEE ALSO"])
            .text([roman(format!("{BIN}(1)"))]);
    }
    // Before VERSION, the last section clap_mangen writes.
    let at = text.find("\n.SH VERSION").map_or(text.len(), |i| i + 1);
    text.insert_str(at, &own.to_roff());
    Ok(text.into_bytes())
}

/// Writes `sso-triage.1` and a page per command into `dir` (created if missing).
fn write_pages(root: clap::Command, dir: &Path) -> Result<Exit> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pages = 0;
    let mut pending = vec![root];
    while let Some(cmd) = pending.pop() {
        pending.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let file = dir.join(clap_mangen::Man::new(cmd.clone()).get_filename());
        std::fs::write(&file, page(&cmd)?)
            .with_context(|| format!("cannot write {}", file.display()))?;
        pages += 1;
    }
    crate::message!(
        "sso-triage: wrote {pages} manual pages to {}",
        dir.display()
    );
    Ok(Exit::Clean)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}
