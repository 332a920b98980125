//! The `sso-triage` binary: parse arguments, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;

use sso_triage::app::{self, Exit};
use sso_triage::cli::{Args, with_default_command};

/// mimalloc instead of glibc's allocator: what a worker thread builds for a matched line is
/// freed on the calling thread, and glibc then takes the worker's arena lock (the calling
/// thread was seen sleeping inside `free`); mimalloc hands such a block back to its heap
/// without a lock. Built without transparent huge pages (`no_thp`), which kept the 1 GiB
/// run's peak at 76 MB instead of 45-50 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // One process, one report: a secret masked anywhere is masked everywhere in it.
    sso_triage::redact::remember_across_texts();
    let argv = with_default_command(std::env::args_os().collect());
    let args = match Args::try_parse_from(argv) {
        Ok(args) => args,
        Err(err) => {
            let code = if err.use_stderr() {
                Exit::Error
            } else {
                Exit::Clean
            };
            if err.use_stderr() {
                // An error quotes what was typed, which may be a secret pasted in the wrong
                // place (`-o <client secret>`): each line is masked like any other message.
                for line in err.to_string().lines() {
                    sso_triage::message!("{line}");
                }
            } else {
                // Help and version go to stdout; a closed pipe there is not an error.
                let _ = err.print();
            }
            return ExitCode::from(code as u8);
        }
    };
    let exit = match app::run(args) {
        Ok(exit) => exit,
        Err(err) => app::report_error(&err),
    };
    ExitCode::from(exit as u8)
}
