//! The progress line on stderr while `scan` reads: bytes, rate, and for plain files the
//! share done and the time left; shown only once a run has taken a second (short runs never
//! flash it), and cleared when dropped, before the report is written. Readers count what
//! they read with [`add`]; `app` decides when the line may show (a terminal, not `-q`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    /// Starts the line on stderr, with the share done out of `total` bytes when known.
    /// The caller decides whether it may show (a terminal, not quiet).
    pub fn start(total: Option<u64>) -> Progress {
        Progress::spawn(total, ProgressDrawTarget::stderr())
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
