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
//!
//! The buffers come from a reader on the calling thread ([`run`]), or, for a plain file,
//! the workers read them themselves, a range each ([`run_ranged`]); the calling thread then
//! joins the line each range boundary cuts before framing the range's whole lines. Given
//! two or more observers, the calling thread keeps one and does a queued job itself
//! whenever it would otherwise wait for the next result, so N threads share N cores instead
//! of N workers and a framer competing for them.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::analyze::{Observation, Observer};
use crate::error::Error;
use crate::parse::{BlockScan, Event, Framer, Scanner, single_line_frame};
use crate::source::{BLOCK, Block, BlockFn, Ranged, ReadFailure, ReadStats, Stitch, whole_lines};

/// Buffers each matching thread may have queued or in hand; beyond that the reader waits.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// What one job may carry back of events matched ahead ([`Observation::weight`], and the
/// slots they sit in); past it, the worker leaves the rest of its candidate lines to the
/// calling thread, which matches them as it frames them. With [`IN_FLIGHT_PER_WORKER`] this
/// bounds what waits between the threads whatever the input: on a log where every line
/// matches, each 1 MiB buffer made some 10 MB of evidence, strings and sets, and six were
/// out at once.
pub(super) const AHEAD_BYTES: usize = 512 << 10;

/// The smallest job a dense input is cut into. Jobs are cut smaller than a read buffer when
/// the events matched ahead weigh more than [`AHEAD_BYTES`] / 2 per buffer, so that both
/// threads keep matching instead of the calling thread doing what is over the cap.
const MIN_JOB: usize = 16 << 10;

/// Bytes of read buffers out at once beyond the latest one: a piece of an over-long line
/// (up to [`crate::source::MAX_LINE`]) waits for the one before it to be framed, so at
/// most two such pieces are out, not one per slot.
const IN_FLIGHT_BYTES: usize = 16 << 20;

/// One read buffer on its way through a worker: the buffer itself (taken from the reader,
/// not copied), its scan, and the events its candidate lines make on their own, matched
/// ahead (numbered from the buffer's start).
#[derive(Debug, Default)]
struct Job {
    block: Block,
    scan: BlockScan,
    ahead: Vec<Option<Observation>>,
    /// What `ahead` holds, in bytes (see [`AHEAD_BYTES`]).
    weight: usize,
    /// Bytes of the buffer whose candidate lines were matched ahead (all of it unless
    /// `weight` reached the cap first).
    covered: usize,
    /// What the buffer was counted as when it was sent out.
    sent_capacity: usize,
    /// Read by the worker: the offset of its range of a [`Ranged`] file, then where the
    /// range's whole lines are (what was scanned), or why reading failed.
    range: Option<Range>,
}

#[derive(Debug)]
struct Range {
    at: u64,
    /// Bytes to read; fewer came back only at the end of the file.
    size: usize,
    cut: Option<(usize, usize)>,
    failed: Option<std::io::Error>,
}

impl Job {
    /// Reads the job's range of `file` into its buffer, and finds its whole lines.
    fn read(&mut self, file: &Ranged) {
        let Some(range) = &mut self.range else {
            return;
        };
        let size = range.size;
        self.block.place(0, size);
        match file.read_at(range.at, &mut self.block.area()[..size]) {
            Ok(n) => {
                self.block.len = n;
                range.cut = whole_lines(self.block.bytes());
            }
            Err(e) => {
                self.block.len = 0;
                range.failed = Some(e);
            }
        }
    }

    fn recycle(&mut self) {
        self.range = None;
        self.ahead.clear();
        self.weight = 0;
        self.covered = 0;
        // The buffer goes back to the reader as it is: its bytes need not be cleared (nor
        // zeroed again). One huge line must not keep its memory for the rest of the run,
        // nor a dense buffer the slots of thousands of events.
        if self.block.data.capacity() > 8 << 20 {
            self.block.data = Vec::new();
        }
        if self.ahead.capacity() > 1024 {
            self.ahead = Vec::new();
        }
    }

    /// Bytes of memory the job holds out: its buffer, and what it matched ahead.
    fn held(&self) -> usize {
        self.block.data.capacity() + self.weight
    }
}

/// Takes each event in input order, with what a worker observed in it when it matched it
/// ahead (already moved to the event's line); `None` means: observe it now.
pub(super) type OnEvent<'s> = dyn FnMut(&Event<'_>, Option<Observation>) + 's;

/// A job done by a worker; `None` when the worker panicked.
type Done = (u64, Option<Job>);

/// The calling thread's side: sends buffers (or ranges to read), takes results back in
/// order, frames them.
struct Orderer<'a, 'c, 's> {
    jobs: Option<SyncSender<(u64, Job)>>,
    done: Receiver<Done>,
    pending: BTreeMap<u64, Job>,
    sent: u64,
    applied: u64,
    spare: Vec<Job>,
    framer: &'a mut Framer<'c>,
    sink: &'a mut OnEvent<'s>,
    /// Ranged reading: the file, the offset of the next range to send, the lines cut by
    /// range boundaries, the bytes read, and whether the end (or a failure) has been seen.
    file: Option<&'a Ranged>,
    next_at: u64,
    stitch: Stitch,
    bytes: u64,
    ended: bool,
    failed: Option<std::io::Error>,
    /// The calling thread's own share of the work, when it has one: while the next result
    /// in order is not back, it does a job still queued instead of waiting (so `-j N` runs
    /// N threads, not N workers and an idle one).
    own: Option<Own<'c>>,
    /// Jobs out at most.
    limit: u64,
    /// Input bytes per job: [`BLOCK`], less on dense input (see [`job_size`]).
    job_bytes: usize,
    /// Bytes of buffers out (sent, not yet framed), for [`IN_FLIGHT_BYTES`].
    out_bytes: usize,
    /// What the jobs done but not yet framed hold ([`Job::held`]), and the most it was.
    done_held: usize,
    peak_done_held: usize,
}

/// What the calling thread needs to do a queued job itself.
struct Own<'c> {
    queue: Arc<Mutex<Receiver<(u64, Job)>>>,
    observer: Observer<'c>,
    scanner: Scanner<'c>,
}

/// Does one job: reads its range (for a ranged file), scans the buffer, and matches ahead
/// the candidate lines that are events on their own.
fn work(job: &mut Job, file: Option<&Ranged>, scanner: &Scanner<'_>, observer: &mut Observer<'_>) {
    if let Some(file) = file {
        job.read(file);
    }
    let (from, to) = match &job.range {
        Some(r) => r.cut.unwrap_or((0, 0)),
        None => (0, job.block.len),
    };
    let Job {
        block,
        scan,
        ahead,
        weight,
        covered,
        ..
    } = job;
    let data = &block.bytes()[from..to];
    scanner.scan(data, scan);
    *covered = data.len();
    for c in &scan.candidates {
        if *weight >= AHEAD_BYTES {
            // The rest is matched on the calling thread, as it frames it.
            *covered = c.start;
            break;
        }
        let observed = single_line_frame(data, c).map(|frame| observer.observe(&frame));
        *weight += std::mem::size_of::<Option<Observation>>()
            + observed.as_ref().map_or(0, Observation::weight);
        ahead.push(observed);
    }
}

/// Bytes per job for the next buffers, after a job whose events matched ahead weighed
/// `weight` over `covered` bytes: a read buffer ([`BLOCK`]) unless that would make more
/// than half of [`AHEAD_BYTES`], then less, down to [`MIN_JOB`].
fn job_size(weight: usize, covered: usize) -> usize {
    let half = AHEAD_BYTES / 2;
    if weight <= half {
        return BLOCK;
    }
    let fits = (half as u128 * covered.max(1) as u128 / weight as u128) as usize;
    (fits & !4095).clamp(MIN_JOB, BLOCK)
}

impl Orderer<'_, '_, '_> {
    fn range_size(&self) -> usize {
        self.file.map_or(0, Ranged::range_size)
    }

    fn send_job(&mut self, mut job: Job) {
        // A worker reading a range sizes the buffer itself.
        job.sent_capacity = match &job.range {
            Some(range) => range.size.max(job.block.data.capacity()),
            None => job.block.data.capacity(),
        };
        self.out_bytes += job.sent_capacity;
        let jobs = self.jobs.as_ref().expect("buffers are sent before the end");
        jobs.send((self.sent, job))
            .expect("worker threads live as long as the pipeline");
        self.sent += 1;
    }

    /// Sends `block`'s buffer to a worker, leaving a spare one in its place; or, when dense
    /// input wants smaller jobs, copies of its lines in pieces of about that size.
    fn send(&mut self, block: &mut Block) {
        if block.len > self.job_bytes + self.job_bytes / 2 {
            let mut rest = block.bytes();
            while rest.len() > self.job_bytes + self.job_bytes / 2 {
                let Some(i) = memchr::memchr(b'\n', &rest[self.job_bytes..]) else {
                    break;
                };
                let (piece, tail) = rest.split_at(self.job_bytes + i + 1);
                let job = self.piece(piece);
                self.send_job(job);
                // Each piece is a job: as many wait as for buffers of their own.
                self.apply(self.limit);
                rest = tail;
            }
            let job = self.piece(rest);
            self.send_job(job);
            return;
        }
        let mut job = self.spare.pop().unwrap_or_default();
        std::mem::swap(&mut job.block, block);
        self.send_job(job);
    }

    /// A job holding a copy of `lines`, in a spare buffer unless that is much larger (the
    /// reader's buffers are twice [`BLOCK`]; a dense input's pieces are a fraction of it).
    fn piece(&mut self, lines: &[u8]) -> Job {
        let mut job = self.spare.pop().unwrap_or_default();
        if job.block.data.capacity() > 2 * lines.len().max(MIN_JOB) {
            job.block.data = Vec::new();
        }
        job.block.fill_from(lines);
        job
    }

    /// Sends a worker the next range of the file to read.
    fn send_range(&mut self) {
        let mut job = self.spare.pop().unwrap_or_default();
        let size = if self.range_size() < BLOCK {
            // A test's small ranges.
            self.range_size()
        } else {
            self.job_bytes
        };
        job.range = Some(Range {
            at: self.next_at,
            size,
            cut: None,
            failed: None,
        });
        self.next_at += size as u64;
        self.send_job(job);
    }

    fn take(&mut self, (seq, job): Done) {
        match job {
            Some(job) => {
                self.done(seq, job);
            }
            None => panic!("a matching thread panicked"),
        }
    }

    /// Keeps a done job until it is next in order.
    fn done(&mut self, seq: u64, job: Job) {
        self.done_held += job.held();
        self.peak_done_held = self.peak_done_held.max(self.done_held);
        self.pending.insert(seq, job);
    }

    /// Frames one result, next in order.
    fn frame(&mut self, job: &mut Job) {
        let Job {
            block,
            scan,
            ahead,
            range,
            ..
        } = job;
        let sink = &mut *self.sink;
        let framer = &mut *self.framer;
        let mut matched_ahead = |frame: &Event<'_>, index: Option<usize>| {
            // A candidate past the job's cap was not matched ahead: `None`, observe it now.
            let observed = index.and_then(|i| ahead.get_mut(i)?.take()).map(|mut o| {
                o.relocate(frame.line);
                o
            });
            sink(frame, observed);
        };
        let Some(range) = range else {
            framer.feed_scanned(block.bytes(), scan, &mut matched_ahead);
            return;
        };
        if self.ended {
            // Read past the end (the file may have grown since): not part of this run.
            return;
        }
        if let Some(e) = range.failed.take() {
            self.failed = Some(e);
            self.ended = true;
            return;
        }
        let data = block.bytes();
        self.bytes += data.len() as u64;
        crate::progress::add(data.len());
        self.ended = data.len() < range.size;
        self.stitch.join(data, range.cut, &mut |line| {
            framer.feed(line, &mut |frame| matched_ahead(frame, None));
        });
        if let Some((from, to)) = range.cut {
            framer.feed_scanned(&data[from..to], scan, &mut matched_ahead);
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
                self.frame(&mut job);
                self.job_bytes = job_size(job.weight, job.covered);
                self.out_bytes -= job.sent_capacity;
                self.done_held -= job.held();
                job.recycle();
                self.spare.push(job);
                self.applied += 1;
            }
            let out = self.sent - self.applied;
            if out <= limit && (out <= 1 || self.out_bytes <= IN_FLIGHT_BYTES) {
                return;
            }
            let file = self.file;
            if let Some(own) = &mut self.own {
                // A worker waiting for a job holds the queue's lock: then none is queued.
                let queued = own.queue.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                if let Some((seq, mut job)) = queued {
                    work(&mut job, file, &own.scanner, &mut own.observer);
                    self.done(seq, job);
                    continue;
                }
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
    sink: &mut OnEvent<'_>,
    read: impl FnOnce(&mut BlockFn<'_>) -> R,
) -> R {
    if observers.is_empty() {
        let result = read(&mut |block| {
            framer.feed(block.bytes(), &mut |frame| sink(frame, None));
        });
        framer.finish(&mut |frame| sink(frame, None));
        return result;
    }
    on_workers(framer, observers, sink, None, |order, limit| {
        read(&mut |block| {
            if block.len > 0 {
                order.send(block);
                order.apply(limit);
            }
        })
    })
}

/// [`run`] on a file the workers read themselves, a range each (see [`Ranged`]); needs at
/// least one observer. Reads to the end the file has when the last range comes back short.
pub(super) fn run_ranged<'c>(
    framer: &mut Framer<'c>,
    observers: Vec<Observer<'c>>,
    sink: &mut OnEvent<'_>,
    file: &Ranged,
) -> Result<ReadStats, ReadFailure> {
    assert!(!observers.is_empty(), "ranged reading needs worker threads");
    on_workers(framer, observers, sink, Some(file), |order, limit| {
        while !order.ended && !crate::interrupt::requested() {
            order.send_range();
            order.apply(limit);
        }
        // Ranges sent past the end come back empty, or (the file grew) are dropped.
        order.apply(0);
        {
            let Orderer {
                framer,
                sink,
                stitch,
                ..
            } = &mut *order;
            stitch.finish(&mut |line| framer.feed(line, &mut |frame| sink(frame, None)));
        }
        let stats = ReadStats {
            bytes: order.bytes,
            gzip: false,
            split_lines: order.stitch.split_lines,
            nul_lead: 0,
        };
        match order.failed.take() {
            Some(source) => Err(ReadFailure {
                error: Error::ReadInput {
                    path: file.path().to_path_buf(),
                    source,
                },
                stats,
            }),
            None => Ok(stats),
        }
    })
}

/// Starts one worker thread per observer (reading its ranges of `file`, if given), and
/// lets `drive` send them work through the [`Orderer`], at most `limit` jobs out at once.
fn on_workers<'c, R>(
    framer: &mut Framer<'c>,
    observers: Vec<Observer<'c>>,
    sink: &mut OnEvent<'_>,
    file: Option<&Ranged>,
    drive: impl FnOnce(&mut Orderer<'_, 'c, '_>, u64) -> R,
) -> R {
    let scanner = framer.scanner();
    let limit = (observers.len() * IN_FLIGHT_PER_WORKER) as u64;
    let mut observers = observers;
    // With two or more, the calling thread takes one and works too.
    let own_observer = if observers.len() >= 2 {
        observers.pop()
    } else {
        None
    };
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Job)>(limit as usize);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        let own = own_observer.map(|observer| Own {
            queue: Arc::clone(&job_rx),
            observer,
            scanner,
        });
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
                        work(&mut job, file, &scanner, &mut observer);
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
            file,
            next_at: 0,
            stitch: Stitch::default(),
            bytes: 0,
            ended: false,
            failed: None,
            own,
            limit,
            job_bytes: BLOCK,
            out_bytes: 0,
            done_held: 0,
            peak_done_held: 0,
        };
        let result = drive(&mut order, limit);
        order.jobs = None;
        order.apply(0);
        order.framer.finish(&mut |frame| (order.sink)(frame, None));
        #[cfg(test)]
        tests::PEAK_DONE_HELD.set(order.peak_done_held);
        result
    })
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
