//! `genlog`: a deterministic generator of synthetic NetBox Enterprise pod logs, used by
//! `bench/bench.sh` to measure `sso-triage` against `rg` and `grep`.
//!
//! ```text
//! cargo run --release -p sso-triage-tools --bin genlog -- --size 100M --seed 1 \
//!     [--out FILE] [--manifest FILE.json] [--failure-rate 0.005]
//! ```
//!
//! The output has the shape of `kubectl logs --prefix --timestamps` over three NetBox pods
//! (containers `netbox`, `nginx` and `worker`):
//! `[pod/netbox-<hash>-<id>/netbox] 2026-11-20T09:14:02.123456789Z <line>`, with a strictly
//! increasing kubelet timestamp. Normal traffic is access lines (API, UI, static files,
//! kube-probe health checks, healthy Entra ID logins), Django/NetBox log lines, gunicorn and
//! rqworker lines, rare 2-64 KiB JSON debug lines, rare lines with invalid UTF-8 and a few
//! harmless "near miss" lines that mention state, token or error.
//!
//! Failure events are planted so that about `--failure-rate` of all lines belong to one.
//! Kinds (manifest key, marker text):
//! - `a` `Request failed with 400` + `AADSTS54005` (code already redeemed)
//! - `b` `Request failed with 401` + `AADSTS7000222` (client secret expired)
//! - `c` a 5-12 line traceback ending in `social_core.exceptions.AuthStateMissing` (one event)
//! - `d` `AADSTS7000215` (invalid client secret)
//! - `e` a callback access line with `error=access_denied` and `AADSTS65004`
//! - `f` `Token error: Invalid key/secret, perhaps expired`
//! - `g` `social_core.exceptions.AuthCanceled: Authentication process canceled`
//! - `h` `Connection error: HTTPSConnectionPool(host='login.microsoftonline.com', ...)`
//! - `i` an unknown code, `AADSTS9999999`
//!
//! The same arguments always give the same bytes: all randomness comes from a splitmix64
//! generator seeded with `--seed`; nothing reads the clock or the environment.

mod access;
mod app_logs;
mod args;
mod clock;
mod failures;
mod generator;
mod login;
mod rng;
#[cfg(test)]
mod tests;
mod vocab;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use args::parse_args;
use clock::Clock;
use rng::SplitMix64;

// ---------------------------------------------------------------------------------------
// The generator's state; its methods live in the files named after what they write:
// generator (set-up, byte writers, line framing, main loop), access, app_logs, login,
// failures.
// ---------------------------------------------------------------------------------------

const KINDS: [char; 9] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
const KIND_C: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Netbox,
    Nginx,
    Worker,
}

impl Container {
    fn name(self) -> &'static [u8] {
        match self {
            Container::Netbox => b"netbox",
            Container::Nginx => b"nginx",
            Container::Worker => b"worker",
        }
    }
}

/// A healthy login in progress: begin (302), callback with code (302), landing page (200).
struct Flow {
    pod: usize,
    container: Container,
    ip: [u8; 4],
    ua: &'static str,
    step: u8,
    gap: u32,
}

struct Traceback {
    pod: usize,
    lines: Vec<Vec<u8>>,
    next: usize,
}

/// Counts reported in the manifest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stats {
    bytes: u64,
    lines: u64,
    failure_events: u64,
    failure_lines: u64,
    by_kind: [u64; 9],
}

struct Gen<W: Write> {
    rng: SplitMix64,
    clock: Clock,
    sink: W,
    out: Vec<u8>,
    /// Start of the line being written, inside `out`.
    line_start: usize,
    stats: Stats,
    limit: u64,
    p_event: f64,
    pods: [Vec<u8>; 3],
    pod_ips: [[u8; 4]; 3],
    client_id: [u8; 36],
    tenant_id: [u8; 36],
    flows: Vec<Flow>,
    traceback: Option<Traceback>,
}

fn manifest_json(seed: u64, rate: f64, s: &Stats) -> String {
    let mut by_kind = String::new();
    for (i, k) in KINDS.iter().enumerate() {
        if i > 0 {
            by_kind.push(',');
        }
        by_kind.push_str(&format!("\"{k}\":{}", s.by_kind[i]));
    }
    format!(
        "{{\"seed\":{seed},\"bytes\":{},\"lines\":{},\"failure_events\":{},\"by_kind\":{{{by_kind}}},\"failure_lines\":{},\"failure_rate\":{rate}}}\n",
        s.bytes, s.lines, s.failure_events, s.failure_lines
    )
}

/// Generates into `sink` and returns the counts.
pub(crate) fn generate<W: Write>(
    seed: u64,
    size: u64,
    failure_rate: f64,
    sink: W,
) -> io::Result<Stats> {
    let mut g = Gen::new(seed, size, failure_rate, sink);
    g.run()?;
    Ok(g.stats)
}

/// The `genlog` command line: see the module docs.
pub fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = match &args.out {
        Some(path) => File::create(path).and_then(|f| {
            generate(
                args.seed,
                args.size,
                args.failure_rate,
                BufWriter::with_capacity(4 << 20, f),
            )
        }),
        None => {
            let stdout = io::stdout();
            generate(
                args.seed,
                args.size,
                args.failure_rate,
                BufWriter::with_capacity(4 << 20, stdout.lock()),
            )
        }
    };
    let stats = match result {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genlog: write failed: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = &args.manifest
        && let Err(e) = std::fs::write(path, manifest_json(args.seed, args.failure_rate, &stats))
    {
        eprintln!("genlog: cannot write manifest {path}: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
