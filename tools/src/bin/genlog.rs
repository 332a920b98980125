//! `genlog`: see [`sso_triage_tools::genlog`].

fn main() -> std::process::ExitCode {
    sso_triage_tools::genlog::main()
}
