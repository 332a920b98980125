//! One input on several cores. Framing, login flows and findings carry state from line to
//! line (a traceback may span two read buffers, a fallback waits 50 lines for its cause, a
//! flow joins requests minutes apart), so they stay on the calling thread, in input order.
//! The matching of each candidate event (anchors, the tagged rules' regexes, decoded
//! views, captures, Entra ids), which holds no state and costs most (see BENCHMARKS.md),
//! runs on worker threads: the framer's events of one read buffer go out as one batch, and
//! the results are taken back strictly in batch order. At most [`IN_FLIGHT_PER_WORKER`]
//! batches per worker are out at once, so memory stays bounded on an endless stream, and
//! the output is byte for byte that of `-j 1`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::analyze::{Analyzer, MatchRecord, Observation};
use crate::parse::{Frame, Framer};

/// Batches each worker may have queued or in hand; beyond that the reader waits.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// Where one frame's parts lie in a [`Batch`]'s bytes.
#[derive(Debug, Clone)]
struct FrameAt {
    line: u64,
    lines: u64,
    pod: Option<Range<usize>>,
    container: Option<Range<usize>>,
    kube_time: Option<Range<usize>>,
    context: Option<Range<usize>>,
    body: Range<usize>,
    traceback: bool,
}

/// The frames of one read buffer, copied out of it so that they can cross threads. One
/// byte buffer holds all their text; batches are recycled.
#[derive(Debug, Default)]
struct Batch {
    data: Vec<u8>,
    frames: Vec<FrameAt>,
}

impl Batch {
    fn put(&mut self, bytes: &[u8]) -> Range<usize> {
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        start..self.data.len()
    }

    fn push(&mut self, f: &Frame<'_>) {
        let at = FrameAt {
            line: f.line,
            lines: f.lines,
            pod: f.pod.map(|b| self.put(b)),
            container: f.container.map(|b| self.put(b)),
            kube_time: f.kube_time.map(|b| self.put(b)),
            context: f.context.map(|b| self.put(b)),
            body: self.put(f.body),
            traceback: f.traceback,
        };
        self.frames.push(at);
    }

    fn frame(&self, i: usize) -> Frame<'_> {
        let at = &self.frames[i];
        let part = |r: &Option<Range<usize>>| r.clone().map(|r| &self.data[r]);
        Frame {
            line: at.line,
            lines: at.lines,
            pod: part(&at.pod),
            container: part(&at.container),
            kube_time: part(&at.kube_time),
            context: part(&at.context),
            body: &self.data[at.body.clone()],
            traceback: at.traceback,
        }
    }

    fn clear(&mut self) {
        self.data.clear();
        self.frames.clear();
        // A huge traceback once must not keep its memory for the rest of the run.
        if self.data.capacity() > 8 << 20 {
            self.data = Vec::new();
        }
    }
}

/// A batch matched by a worker; `None` when the worker panicked.
type Done = (u64, Option<(Batch, Vec<Observation>)>);

/// The calling thread's side: sends batches, takes results back in order, applies them.
struct Orderer<'a, 'c> {
    jobs: Option<SyncSender<(u64, Batch)>>,
    done: Receiver<Done>,
    pending: BTreeMap<u64, (Batch, Vec<Observation>)>,
    sent: u64,
    applied: u64,
    limit: u64,
    spare: Vec<Batch>,
    analyzer: &'a mut Analyzer<'c>,
}

impl Orderer<'_, '_> {
    fn send(&mut self, batch: Batch) {
        if batch.frames.is_empty() {
            self.spare.push(batch);
            return;
        }
        let jobs = self.jobs.as_ref().expect("batches are sent before the end");
        jobs.send((self.sent, batch))
            .expect("worker threads live as long as the pipeline");
        self.sent += 1;
    }

    fn take(&mut self, (seq, result): Done) {
        match result {
            Some(r) => {
                self.pending.insert(seq, r);
            }
            None => panic!("a matching thread panicked"),
        }
    }

    /// Applies every result that is next in order; then, while more than `limit` batches
    /// are out, waits for results.
    fn apply(&mut self, limit: u64, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        loop {
            while let Ok(done) = self.done.try_recv() {
                self.take(done);
            }
            while let Some((mut batch, observed)) = self.pending.remove(&self.applied) {
                for (i, observation) in observed.into_iter().enumerate() {
                    self.analyzer
                        .event_observed(&batch.frame(i), observation, on_match);
                }
                batch.clear();
                self.spare.push(batch);
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

/// Frames what `read` hands out on this thread, matches the events on `workers` threads and
/// folds the results into `analyzer` in input order; returns what `read` returned.
pub(super) fn run<R>(
    framer: &mut Framer<'_>,
    analyzer: &mut Analyzer<'_>,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
    read: impl FnOnce(&mut dyn FnMut(&[u8])) -> R,
) -> R {
    let workers = workers.max(1);
    let limit = (workers * IN_FLIGHT_PER_WORKER) as u64;
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Batch)>(limit as usize);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        for _ in 0..workers {
            let mut observer = analyzer.observer();
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, batch)) = job else { return };
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let observed: Vec<Observation> = (0..batch.frames.len())
                            .map(|i| observer.observe(&batch.frame(i)))
                            .collect();
                        observed
                    }));
                    let failed = result.is_err();
                    if done_tx
                        .send((seq, result.ok().map(|o| (batch, o))))
                        .is_err()
                        || failed
                    {
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
            limit,
            spare: Vec::new(),
            analyzer,
        };
        let mut batch = Batch::default();
        let result = read(&mut |block| {
            framer.feed(block, &mut |frame| batch.push(frame));
            let next = order.spare.pop().unwrap_or_default();
            order.send(std::mem::replace(&mut batch, next));
            let limit = order.limit;
            order.apply(limit, on_match);
        });
        framer.finish(&mut |frame| batch.push(frame));
        order.send(batch);
        order.jobs = None;
        order.apply(0, on_match);
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
    use crate::source::ReadStats;

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
                while !rest.is_empty() {
                    let want = sizes[n % sizes.len()].min(rest.len());
                    n += 1;
                    let cut = match memchr::memchr(b'\n', &rest[want - 1..]) {
                        Some(i) => want + i,
                        None => rest.len(),
                    };
                    f(&rest[..cut]);
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
