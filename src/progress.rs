//! The progress line on stderr while `scan` reads: bytes, rate, and for plain files the
//! share done and the time left. Only when stderr is a terminal, not with `-q`, not for a
//! live stream, and only once a run has taken a second (short runs never flash it); it is
//! cleared before the report is written.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::ScanConfig;
use crate::report::Format;
use crate::source::Input;

/// Bytes read so far by every reader of the run (after decompression).
static READ: AtomicU64 = AtomicU64::new(0);

/// Counts `n` bytes read.
pub fn add(n: usize) {
    READ.fetch_add(n as u64, Ordering::Relaxed);
}

/// Bytes counted so far.
pub fn read() -> u64 {
    READ.load(Ordering::Relaxed)
}

/// How long a run goes before the progress line shows.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress line drawn by a thread of its own until dropped.
pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts the line for a scan of `inputs`, or `None` when it must not show.
    pub fn start(config: &ScanConfig, inputs: &[Input]) -> Option<Progress> {
        let jsonl_on_terminal = config.format == Format::Jsonl && std::io::stdout().is_terminal();
        if config.quiet || config.live || jsonl_on_terminal || !std::io::stderr().is_terminal() {
            return None;
        }
        Some(Progress::spawn(
            total_of(inputs),
            ProgressDrawTarget::stderr(),
        ))
    }

    /// Draws to `target`, the share done out of `total` bytes when known.
    fn spawn(total: Option<u64>, target: ProgressDrawTarget) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&done);
        let base = read();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            // Drawn nowhere for the first second, so that its rate has the whole run behind
            // it when it shows.
            let bar = new_bar(total);
            let mut target = Some(target);
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                bar.set_position(read().saturating_sub(base));
                if started.elapsed() >= SHOW_AFTER
                    && let Some(t) = target.take()
                {
                    bar.set_draw_target(t);
                    bar.enable_steady_tick(Duration::from_millis(200));
                }
            }
            bar.finish_and_clear();
        });
        Progress {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn new_bar(total: Option<u64>) -> ProgressBar {
    let target = ProgressDrawTarget::hidden();
    match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), target).with_style(
            ProgressStyle::with_template(
                "sso-triage: reading {bytes}/{total_bytes} ({percent}%), {bytes_per_sec}, {eta} left",
            )
            .expect("fixed template"),
        ),
        None => ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("sso-triage: reading {bytes}, {bytes_per_sec}")
                .expect("fixed template"),
        ),
    }
}

/// The bytes the inputs hold when every one is a plain file whose size is what will be
/// read (not stdin, not compressed, not an archive).
fn total_of(inputs: &[Input]) -> Option<u64> {
    let mut total = 0u64;
    for input in inputs {
        let path = match input {
            Input::File(p) | Input::Found(p) | Input::PodLog { path: p, .. } => p,
            Input::Stdin => return None,
        };
        let name = path.to_string_lossy().to_ascii_lowercase();
        if [".gz", ".tgz", ".tar", ".zip", ".har"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        total += meta.len();
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_known_only_for_plain_files() {
        let dir = std::env::temp_dir().join(format!("sso-triage-progress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("netbox.log");
        std::fs::write(&log, b"0123456789").unwrap();
        let gz = dir.join("netbox.log.gz");
        std::fs::write(&gz, b"\x1f\x8b").unwrap();
        assert_eq!(
            total_of(&[Input::File(log.clone()), Input::Found(log.clone())]),
            Some(20)
        );
        assert_eq!(total_of(&[Input::File(log.clone()), Input::File(gz)]), None);
        assert_eq!(total_of(&[Input::Stdin]), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
