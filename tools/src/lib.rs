//! Tools for working on sso-triage, kept out of the shipped crate: the deterministic NetBox
//! log and HAR generators the benchmarks and some tests use (`genlog`, `genhar`), and
//! `regen`, which writes every file the repository stores but a program produces.
//!
//! ```text
//! cargo run -p sso-triage-tools -- regen            # rewrite the stored files
//! cargo run -p sso-triage-tools -- regen --check    # exit 1 if one is stale
//! cargo run --release -p sso-triage-tools --bin genlog -- --size 100M --seed 1
//! cargo run --release -p sso-triage-tools --bin genhar -- --entries 1000 --seed 1
//! ```

pub mod genhar;
pub mod genlog;
pub mod regen;
