//! The `sso-triage` binary: parse arguments, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;

use sso_triage::app::{self, Exit};
use sso_triage::cli::{Args, with_default_command};

fn main() -> ExitCode {
    let argv = with_default_command(std::env::args_os().collect());
    let args = match Args::try_parse_from(argv) {
        Ok(args) => args,
        Err(err) => {
            let code = if err.use_stderr() {
                Exit::Error
            } else {
                Exit::Clean
            };
            // Help and version go to stdout; a closed pipe there is not an error.
            let _ = err.print();
            return ExitCode::from(code as u8);
        }
    };
    let exit = match app::run(args) {
        Ok(exit) => exit,
        Err(err) => app::report_error(&err),
    };
    ExitCode::from(exit as u8)
}
