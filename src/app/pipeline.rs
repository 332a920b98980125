//! One input on several cores. Everything that needs every byte of a read buffer (the SIMD
//! anchor scan, line counts, UTF-8 checks) and the matching of each candidate line (the
//! tagged rules' regexes, decoded views, captures, Entra ids) depends on that buffer alone,
//! so it runs on worker threads, one buffer per job. What carries state from line to line
//! stays on the calling thread, in input order: framing (a traceback may span two buffers;
//! it walks only the candidate lines the workers found, and lines inside an open
//! traceback), login flows, fallback windows and findings. Results are taken back strictly
//! in buffer order, at most [`IN_FLIGHT_PER_WORKER`] buffers per worker are out at once (so
//! memory stays bounded on an endless stream), and the output is byte for byte that of
//! `-j 1`.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::analyze::{Observation, Observer};
use crate::parse::{BlockScan, Frame, Framer, single_line_frame};
use crate::source::{Block, BlockFn};

/// Buffers each worker may have queued or in hand; beyond that the reader waits.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// One read buffer on its way through a worker: the buffer itself (taken from the reader,
/// not copied), its scan, and the events its candidate lines make on their own, matched
/// ahead (numbered from the buffer's start).
#[derive(Debug, Default)]
struct Job {
    block: Block,
    scan: BlockScan,
    ahead: Vec<Option<Observation>>,
}

impl Job {
    fn recycle(&mut self) {
        self.ahead.clear();
        // The buffer goes back to the reader as it is: its bytes need not be cleared (nor
        // zeroed again). One huge line must not keep its memory for the rest of the run.
        if self.block.data.capacity() > 8 << 20 {
            self.block.data = Vec::new();
        }
    }
}

/// Takes each event in input order, with what a worker observed in it when it matched it
/// ahead (already moved to the event's line); `None` means: observe it now.
pub(super) type Sink<'s> = dyn FnMut(&Frame<'_>, Option<Observation>) + 's;

/// A job done by a worker; `None` when the worker panicked.
type Done = (u64, Option<Job>);

/// The calling thread's side: sends buffers, takes results back in order, frames them.
struct Orderer<'a, 'c, 's> {
    jobs: Option<SyncSender<(u64, Job)>>,
    done: Receiver<Done>,
    pending: BTreeMap<u64, Job>,
    sent: u64,
    applied: u64,
    spare: Vec<Job>,
    framer: &'a mut Framer<'c>,
    sink: &'a mut Sink<'s>,
}

impl Orderer<'_, '_, '_> {
    /// Sends `block`'s buffer to a worker, leaving a spare one in its place.
    fn send(&mut self, block: &mut Block) {
        let mut job = self.spare.pop().unwrap_or_default();
        std::mem::swap(&mut job.block, block);
        let jobs = self.jobs.as_ref().expect("buffers are sent before the end");
        jobs.send((self.sent, job))
            .expect("worker threads live as long as the pipeline");
        self.sent += 1;
    }

    fn take(&mut self, (seq, job): Done) {
        match job {
            Some(job) => {
                self.pending.insert(seq, job);
            }
            None => panic!("a matching thread panicked"),
        }
    }

    /// Frames every result that is next in order; then, while more than `limit` buffers are
    /// out, waits for results.
    fn apply(&mut self, limit: u64) {
        loop {
            while let Ok(done) = self.done.try_recv() {
                self.take(done);
            }
            while let Some(mut job) = self.pending.remove(&self.applied) {
                let Job { block, scan, ahead } = &mut job;
                let sink = &mut *self.sink;
                self.framer
                    .feed_scanned(block.bytes(), scan, &mut |frame, index| {
                        let observed = index.and_then(|i| ahead[i].take()).map(|mut o| {
                            o.relocate(frame.line);
                            o
                        });
                        sink(frame, observed);
                    });
                job.recycle();
                self.spare.push(job);
                self.applied += 1;
            }
            if self.sent - self.applied <= limit {
                return;
            }
            match self.done.recv() {
                Ok(done) => self.take(done),
                Err(_) => panic!("matching threads ended early"),
            }
        }
    }
}

/// Frames what `read` hands out and gives `sink` each event in input order; returns what
/// `read` returned. With `observers` (one per worker thread) the buffers are scanned and
/// their candidate lines matched on those threads; without, everything runs here.
pub(super) fn run<'c, R>(
    framer: &mut Framer<'c>,
    observers: Vec<Observer<'c>>,
    sink: &mut Sink<'_>,
    read: impl FnOnce(&mut BlockFn<'_>) -> R,
) -> R {
    if observers.is_empty() {
        let result = read(&mut |block| {
            framer.feed(block.bytes(), &mut |frame| sink(frame, None));
        });
        framer.finish(&mut |frame| sink(frame, None));
        return result;
    }
    let scanner = framer.scanner();
    let limit = (observers.len() * IN_FLIGHT_PER_WORKER) as u64;
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Job)>(limit as usize);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        for mut observer in observers {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, mut job)) = job else { return };
                    let worked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let Job { block, scan, ahead } = &mut job;
                        let data = block.bytes();
                        scanner.scan(data, scan);
                        ahead.extend(scan.candidates.iter().map(|c| {
                            single_line_frame(data, c).map(|frame| observer.observe(&frame))
                        }));
                    }));
                    let failed = worked.is_err();
                    if done_tx.send((seq, worked.ok().map(|()| job))).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut order = Orderer {
            jobs: Some(job_tx),
            done: done_rx,
            pending: BTreeMap::new(),
            sent: 0,
            applied: 0,
            spare: Vec::new(),
            framer,
            sink,
        };
        let result = read(&mut |block| {
            if block.len > 0 {
                order.send(block);
                order.apply(limit);
            }
        });
        order.jobs = None;
        order.apply(0);
        order.framer.finish(&mut |frame| (order.sink)(frame, None));
        result
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{Gathered, build_catalog, finish_report, scan_blocks};
    use crate::config::ScanConfig;
    use crate::redact::Placeholders;
    use crate::report::{Format, Style, Summary};
    use crate::source::{Block, ReadStats};

    /// Every sample and corpus file, concatenated: tracebacks, JSON blocks, login flows,
    /// fallback rules and Entra ids of every shape the tests know.
    fn corpus() -> Vec<u8> {
        fn walk(dir: &Path, out: &mut Vec<u8>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.extend_from_slice(&std::fs::read(&p).unwrap());
                    if out.last() != Some(&b'\n') {
                        out.push(b'\n');
                    }
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut text = Vec::new();
        walk(&root.join("samples"), &mut text);
        walk(&root.join("tests/corpus"), &mut text);
        text
    }

    fn config() -> ScanConfig {
        ScanConfig {
            inputs: Vec::new(),
            format: Format::Json,
            style: Style {
                color: false,
                width: Some(120),
            },
            fail_on: None,
            reveal_secrets: false,
            redact_users: false,
            quiet: true,
            threads: None,
            flow_timeout_secs: crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS,
            redirect_uri: None,
        }
    }

    /// The JSON report of `text` handed out in buffers of whole lines of about `sizes`
    /// bytes (cycling), matched on `workers` threads.
    fn report(text: &[u8], sizes: &[usize], workers: usize) -> Vec<u8> {
        let compiled = build_catalog(&[]).unwrap();
        let config = config();
        let scanned = scan_blocks(
            "log".into(),
            &compiled,
            &config,
            workers,
            &mut |_| {},
            &mut |f| {
                let mut rest = text;
                let mut n = 0;
                let mut block = Block::default();
                while !rest.is_empty() {
                    let want = sizes[n % sizes.len()].min(rest.len());
                    n += 1;
                    let cut = match memchr::memchr(b'\n', &rest[want - 1..]) {
                        Some(i) => want + i,
                        None => rest.len(),
                    };
                    block.fill_from(&rest[..cut]);
                    f(&mut block);
                    rest = &rest[cut..];
                }
                Ok(ReadStats {
                    bytes: text.len() as u64,
                    ..ReadStats::default()
                })
            },
        );
        let mut out = Vec::new();
        finish_report(
            &config,
            &compiled,
            Gathered {
                collected: scanned.collected,
                summary: Summary {
                    inputs: 1,
                    bytes: text.len() as u64,
                    ..Summary::default()
                },
                errors: Vec::new(),
                inputs: vec!["log".into()],
            },
            &mut Placeholders::default(),
            &mut out,
        )
        .unwrap();
        out
    }

    /// Buffer boundaries that fall strictly inside a Python traceback.
    fn cuts_inside_tracebacks(text: &[u8], sizes: &[usize]) -> usize {
        let mut cuts = Vec::new();
        let (mut at, mut n) = (0, 0);
        while at < text.len() {
            let want = sizes[n % sizes.len()].min(text.len() - at);
            n += 1;
            at +=
                memchr::memchr(b'\n', &text[at + want - 1..]).map_or(text.len() - at, |i| want + i);
            cuts.push(at);
        }
        cuts.iter()
            .filter(|&&c| {
                let before = &text[c.saturating_sub(2000)..c];
                let after = &text[c..(c + 200).min(text.len())];
                memchr::memmem::rfind(before, b"Traceback (most recent call last):").is_some_and(
                    |t| !before[t..].windows(7).any(|w| w == b"\n\n") && after.starts_with(b"  "),
                )
            })
            .count()
    }

    #[test]
    fn matching_on_other_threads_gives_the_same_report() {
        let one = corpus();
        let mut text = Vec::new();
        for _ in 0..2 {
            text.extend_from_slice(&one);
        }
        let sizes = [700, 1500, 257, 3000, 4096, 90];
        assert!(
            cuts_inside_tracebacks(&text, &sizes) > 0,
            "no traceback crosses a buffer"
        );
        let whole = report(&text, &[usize::MAX], 0);
        let json: serde_json::Value = serde_json::from_slice(&whole).unwrap();
        assert!(json["summary"]["tracebacks"].as_u64().unwrap() > 0);
        assert!(json["findings"].as_array().unwrap().len() > 10);
        assert!(!json["flows"].as_array().unwrap().is_empty());
        let single = report(&text, &sizes, 0);
        assert_eq!(
            String::from_utf8_lossy(&single),
            String::from_utf8_lossy(&whole)
        );
        for workers in [1, 2] {
            let parallel = report(&text, &sizes, workers);
            assert_eq!(
                String::from_utf8_lossy(&parallel),
                String::from_utf8_lossy(&single),
                "{workers} workers"
            );
        }
    }
}
