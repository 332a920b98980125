//! `sso-triage-tools regen [--check]`: see [`sso_triage_tools::regen`].

use std::process::ExitCode;

use sso_triage_tools::regen;

const USAGE: &str = "usage: sso-triage-tools regen [--check]

  regen          rewrite every stored file a program writes (src/catalog/anchors.txt,
                 src/catalog/teddy_order.txt) that is not current
  regen --check  write nothing; exit 1 naming each stale file

genlog and genhar are binaries of their own: cargo run -p sso-triage-tools --bin genlog -- --help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["regen"] => false,
        ["regen", "--check"] => true,
        ["-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match regen::run(&regen::repo_root(), check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("sso-triage-tools: {e:#}");
            ExitCode::from(2)
        }
    }
}
