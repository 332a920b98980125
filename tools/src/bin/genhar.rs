//! `genhar`: see [`sso_triage_tools::genhar`].

fn main() -> std::process::ExitCode {
    sso_triage_tools::genhar::main()
}
