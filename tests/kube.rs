//! The Kubernetes log source against a fake API server (tests/kube_support): selection,
//! output shape, time merge, resume after a cut or a stall, pod replacement while following,
//! stop, TLS, error messages, and (when kubectl is installed) equality with `kubectl logs
//! --prefix --timestamps`.
//!
//! One test binary: the topics are modules in `tests/kube/`; this file holds the helpers they
//! share.

mod kube_support;

use std::time::Duration;

use kube_support::{Container, FakePod, line};

#[path = "kube/errors.rs"]
mod errors;
#[path = "kube/gaps.rs"]
mod gaps;
#[path = "kube/merge.rs"]
mod merge;
#[path = "kube/reading.rs"]
mod reading;
#[path = "kube/resume.rs"]
mod resume;

const LIMIT: Duration = Duration::from_secs(15);

fn netbox_pod(name: &str, lines: Vec<Vec<u8>>) -> FakePod {
    FakePod::new(
        name,
        &[("app", "netbox")],
        vec![Container::new("netbox", lines)],
    )
}

fn expect(prefix: &str, lines: &[Vec<u8>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let mut s = format!("{prefix} {}", String::from_utf8_lossy(l));
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        })
        .collect()
}

/// One container of `n` lines, 50 a second from 09:00:00.
fn steady(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| line(i / 50, (i % 50) * 20_000_000, &format!("line {i}")))
        .collect()
}
