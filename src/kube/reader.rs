//! One task per (pod, container): opens the `pods/log` stream with `timestamps=true`, cuts it
//! into lines (bytes kept as they are; a last line without newline gets one), prefixes each
//! like `kubectl logs --prefix`, drops lines a resume replays, and hands batches to the merger
//! over a small bounded channel. A broken, ended-while-running or silent stream is reopened
//! with `sinceTime` = the second of the last line seen, after a capped exponential backoff.
//! Every time a stream is down is tracked ([`Faults`]): whether the reopened stream reached
//! back to the last line read (nothing lost), or which span of the log was not read.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::{AsyncBufRead, AsyncBufReadExt, FutureExt};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::LogParams;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};

use super::error::{KubeError, Target, classify, failure, is_auth, status_code, status_message};
use super::faults::*;
use super::line::{Batch, Cutter, Seen, line_hash, timestamp};
use super::select::ContainerRef;

/// A batch is handed on when it holds this much (or when the stream has nothing more ready).
const BATCH_BYTES: usize = 32 << 10;

/// A line longer than this is handed on in pieces (counted as split lines), as `scan` does,
/// so one endless line cannot take all memory; the pieces after the first carry no
/// timestamp.
const MAX_LINE: usize = crate::source::MAX_LINE;

/// Longest wait between two attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Without `--follow`, a stream that fails this often in a row is given up (and what it did
/// not read is reported). While following, every stream failing this often without ever
/// having opened ends the run (the API server cannot serve logs at all).
pub(crate) const MAX_FAILURES: u32 = 5;

/// Counters and signals shared by the stream tasks and the merger.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Log requests that got a stream.
    pub(crate) streams_opened: AtomicU64,
    /// Streams reopened after a drop, an end while running, or a stall.
    pub(crate) reconnects: AtomicU64,
    /// Replayed lines dropped after a resume.
    pub(crate) duplicates: AtomicU64,
    /// Lines longer than [`MAX_LINE`] handed on in pieces.
    pub(crate) split_lines: AtomicU64,
    /// Pods for which a stream was started.
    pub(crate) pods: Mutex<HashSet<String>>,
    /// Containers for which a stream was started.
    pub(crate) containers: AtomicU64,
    /// Streams that ended on their own for a reason worth telling.
    pub(crate) notes: Mutex<Vec<String>>,
    /// Streams down now, and the outages that ended.
    pub(crate) faults: Mutex<Faults>,
    /// Woken when a batch or a control message is ready.
    pub(crate) notify: Notify,
}

impl Shared {
    pub(crate) fn note(&self, text: String) {
        let mut notes = self
            .notes
            .lock()
            .expect("no task panics while holding the notes");
        if notes.len() < MAX_NOTES {
            notes.push(text);
        }
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults
            .lock()
            .expect("no task panics while holding the faults")
    }
}

/// One stream's outage bookkeeping, mirrored into [`Shared::faults`] so the run can tell
/// what is down when it stops.
struct Health<'a> {
    shared: &'a Shared,
    stream: String,
    down: Option<Down>,
    /// When a request answered again while down.
    reopened: Option<DateTime<Utc>>,
}

impl<'a> Health<'a> {
    fn new(shared: &'a Shared, stream: String) -> Self {
        Health {
            shared,
            stream,
            down: None,
            reopened: None,
        }
    }

    fn publish(&self) {
        let mut faults = self.shared.faults();
        match &self.down {
            Some(d) => {
                faults.down.insert(self.stream.clone(), d.clone());
            }
            None => {
                faults.down.remove(&self.stream);
            }
        }
    }

    fn close(&mut self, end: OutageEnd) {
        let Some(down) = self.down.take() else {
            return;
        };
        self.reopened = None;
        let keep = !matches!(end, OutageEnd::Recovered { .. }) || down.failures > 0;
        let mut faults = self.shared.faults();
        faults.down.remove(&self.stream);
        if keep {
            faults.push(Outage {
                stream: self.stream.clone(),
                down,
                end,
            });
        }
    }

    /// The stream went down for `reason`, or (already down) a connection brought nothing.
    fn lost(&mut self, seen: &Seen, opened: bool, reason: &str) {
        match &mut self.down {
            Some(d) => {
                d.failures += 1;
                d.reason = reason.to_string();
                d.code = None;
            }
            None => {
                self.down = Some(Down {
                    since: Utc::now(),
                    last_line: seen.last(),
                    opened,
                    failures: 0,
                    reason: reason.to_string(),
                    code: None,
                });
            }
        }
        self.reopened = None;
        self.publish();
    }

    /// A log request failed.
    fn failed(&mut self, seen: &Seen, opened: bool, code: Option<u16>, reason: String) {
        let d = self.down.get_or_insert_with(|| Down {
            since: Utc::now(),
            last_line: seen.last(),
            opened,
            failures: 0,
            reason: String::new(),
            code: None,
        });
        d.failures += 1;
        d.reason = reason;
        d.code = code;
        self.publish();
    }

    /// A log request was answered; whether the stream is back shows in what it brings.
    fn answered(&mut self) {
        if self.down.is_some() && self.reopened.is_none() {
            self.reopened = Some(Utc::now());
        }
    }

    /// After a connection: closes the outage when the stream came back.
    fn check(&mut self, seen: &Seen, got_lines: bool, clean_end: bool) {
        let Some(d) = &self.down else { return };
        let at = self.reopened.unwrap_or_else(Utc::now);
        if seen.matched() || (d.last_line.is_none() && (got_lines || clean_end)) {
            self.close(OutageEnd::Recovered { at });
        } else if got_lines || clean_end {
            let first = seen.first_new();
            self.close(OutageEnd::ResumedWithout { at, first });
        }
    }

    fn gave_up(&mut self) {
        self.close(OutageEnd::GaveUp { at: Utc::now() });
    }

    /// A request while down said the stream is gone; false when the stream was not down.
    fn ended(&mut self, why: &str) -> bool {
        if self.down.is_none() {
            return false;
        }
        let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
        self.close(OutageEnd::Ended {
            at: Utc::now(),
            why,
        });
        true
    }

    fn timed_out(&mut self, seen: &Seen, opened: bool, limit: Duration) {
        if self.down.is_none() {
            self.down = Some(Down {
                since: Utc::now(),
                last_line: seen.last(),
                opened,
                failures: 0,
                reason: String::new(),
                code: None,
            });
        }
        self.close(OutageEnd::TimedOut {
            at: Utc::now(),
            limit,
        });
    }
}

/// What is left of `--request-timeout` for one stream without `--follow`: the time spent
/// waiting for the server (opening requests, reading), all its requests together; not the
/// time waiting for a turn or for the merger.
#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: Option<Duration>,
    left: Option<Duration>,
}

impl Budget {
    fn new(limit: Option<Duration>) -> Self {
        Budget { limit, left: limit }
    }

    /// `wait`, or less when less is left.
    fn cap(&self, wait: Duration) -> Duration {
        self.left.map_or(wait, |left| left.min(wait))
    }

    fn spend(&mut self, took: Duration) {
        if let Some(left) = &mut self.left {
            *left = left.saturating_sub(took);
        }
    }

    fn exhausted(&self) -> bool {
        self.left == Some(Duration::ZERO)
    }
}

/// What stream tasks and the re-lister tell the merger besides lines.
pub(crate) enum Control {
    /// A new stream (found by a re-list while following).
    Add(mpsc::Receiver<Batch>),
    /// Stop everything: the error that cannot be retried (401, 403).
    Fatal(KubeError),
}

/// How the first request of a stream asks for history.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Start {
    /// `sinceSeconds`.
    pub(crate) since_seconds: Option<i64>,
    /// `sinceTime`.
    pub(crate) since_time: Option<Timestamp>,
    /// `tailLines`.
    pub(crate) tail: Option<i64>,
}

/// What every stream task needs.
pub(crate) struct StreamCtx {
    pub(crate) pods: Api<Pod>,
    pub(crate) target: Target,
    pub(crate) follow: bool,
    pub(crate) previous: bool,
    pub(crate) stall: Duration,
    /// Without `--follow`: how long one stream may wait for the server in all (`None`: no
    /// limit).
    pub(crate) request_timeout: Option<Duration>,
    /// First wait before a stream is reopened.
    pub(crate) backoff: Duration,
    /// More streams than connections allowed (without `--follow`): a stream whose merger
    /// queue is full closes its connection and reopens where it was when there is room, so
    /// the k-way merge never waits on a stream that cannot get a connection.
    pub(crate) paging: bool,
    pub(crate) limit: Arc<Semaphore>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) control: mpsc::UnboundedSender<Control>,
    /// (pod, container) of the running stream tasks, so a re-list starts no second task.
    pub(crate) active: Mutex<HashSet<(String, String)>>,
}

impl StreamCtx {
    /// Starts a stream task for `key`; returns the receiving end of its batches.
    pub(crate) fn spawn(
        self: &Arc<Self>,
        key: ContainerRef,
        start: Start,
    ) -> mpsc::Receiver<Batch> {
        let (tx, rx) = mpsc::channel(2);
        self.active
            .lock()
            .expect("no task panics while holding the active set")
            .insert((key.pod.clone(), key.container.clone()));
        self.shared
            .pods
            .lock()
            .expect("no task panics while holding the pod set")
            .insert(key.pod.clone());
        self.shared.containers.fetch_add(1, Ordering::Relaxed);
        let ctx = Arc::clone(self);
        tokio::spawn(async move {
            let id = (key.pod.clone(), key.container.clone());
            run(&ctx, &key, start, tx).await;
            ctx.active
                .lock()
                .expect("no task panics while holding the active set")
                .remove(&id);
            ctx.shared.notify.notify_one();
        });
        rx
    }

    fn fatal(&self, e: KubeError) {
        let _ = self.control.send(Control::Fatal(e));
        self.shared.notify.notify_one();
    }
}

/// Why a connection ended.
enum StreamEnd {
    /// The server ended the stream cleanly.
    End,
    /// The connection broke.
    Broken,
    /// Nothing arrived for the stall timeout.
    Stalled,
    /// `--request-timeout` ran out.
    TimedOut,
    /// The merger's queue is full and connections are scarce: the batch waits, the
    /// connection goes.
    Page(Batch),
    /// After a `Page`: reopen where the stream was, without counting a reconnect.
    Resume,
    /// The merger is gone (stop or fatal error elsewhere).
    Closed,
}

/// Streams one container's log, connection after connection, until it ends for good, fails
/// for good, or the merger is gone.
async fn run(ctx: &StreamCtx, key: &ContainerRef, start: Start, tx: mpsc::Sender<Batch>) {
    let mut stream = StreamState::new(ctx, key);
    let mut paged: Option<Batch> = None;
    loop {
        let resumed_for_page = paged.is_some();
        if let Some(batch) = paged.take() {
            if tx.send(batch).await.is_err() {
                return;
            }
            ctx.shared.notify.notify_one();
        }
        let Ok(permit) = Arc::clone(&ctx.limit).acquire_owned().await else {
            return;
        };
        if stream.budget.exhausted() {
            stream.timed_out();
            return;
        }
        let params = stream.next_request(start);
        let asked = Instant::now();
        let answer = tokio::time::timeout(
            stream.budget.cap(Duration::MAX),
            ctx.pods.log_stream(&key.pod, &params),
        )
        .await;
        stream.budget.spend(asked.elapsed());
        let reader = match answer {
            Ok(Ok(reader)) => reader,
            Err(_) => {
                stream.timed_out();
                return;
            }
            Ok(Err(e)) => {
                drop(permit);
                if !stream.request_failed(e) {
                    return;
                }
                tokio::time::sleep(stream.backoff.next()).await;
                continue;
            }
        };
        stream.answered(resumed_for_page);
        let (outcome, leftover, got_lines) = stream.read(reader, permit, &tx).await;
        if let Some(batch) = leftover {
            if matches!(outcome, StreamEnd::Resume) {
                paged = Some(batch);
                continue;
            }
            if matches!(outcome, StreamEnd::Closed) || tx.send(batch).await.is_err() {
                return;
            }
            ctx.shared.notify.notify_one();
        }
        match stream.after_connection(outcome, got_lines).await {
            Next::Stop => return,
            Next::Reopen => continue,
            Next::Retry => tokio::time::sleep(stream.backoff.next()).await,
        }
    }
}

/// What a stream does after a connection ended.
enum Next {
    /// Nothing more: the log ended for good, the stream gave up, or the merger is gone.
    Stop,
    /// Open a connection again at once (after paging out).
    Reopen,
    /// Open a connection again after the backoff.
    Retry,
}

/// What one stream keeps across its connections.
struct StreamState<'c> {
    ctx: &'c StreamCtx,
    key: &'c ContainerRef,
    /// `pod/POD/CONTAINER`, for notes.
    name: String,
    /// `[pod/POD/CONTAINER] `, put before each line.
    prefix: Vec<u8>,
    seen: Seen,
    cutter: Cutter,
    backoff: Backoff,
    budget: Budget,
    health: Health<'c>,
    /// A request got a stream before: the next one resumes at the last line seen.
    opened: bool,
    /// Failures in a row: requests without a stream, connections without a new line.
    failures: u32,
}

impl<'c> StreamState<'c> {
    fn new(ctx: &'c StreamCtx, key: &'c ContainerRef) -> Self {
        let name = format!("pod/{}/{}", key.pod, key.container);
        StreamState {
            ctx,
            key,
            prefix: format!("[{name}] ").into_bytes(),
            seen: Seen::new(),
            cutter: Cutter::new(MAX_LINE),
            backoff: Backoff::new(ctx.backoff),
            budget: Budget::new(ctx.request_timeout.filter(|_| !ctx.follow)),
            health: Health::new(&ctx.shared, name.clone()),
            name,
            opened: false,
            failures: 0,
        }
    }

    /// The log request for the next connection: the history `start` asks for the first
    /// time; after that, from the second of the last line seen, with `seen` made ready to
    /// drop the lines the server sends again.
    fn next_request(&mut self, start: Start) -> LogParams {
        let mut params = LogParams {
            container: Some(self.key.container.clone()),
            follow: self.ctx.follow,
            previous: self.ctx.previous,
            timestamps: true,
            ..LogParams::default()
        };
        match self.opened.then(|| self.seen.resume()).flatten() {
            Some(second) => {
                params.since_time = Timestamp::from_second(second).ok();
            }
            None => {
                params.since_seconds = start.since_seconds;
                params.since_time = start.since_time;
                params.tail_lines = start.tail;
            }
        }
        params
    }

    /// `--request-timeout` ran out: what the stream did not read is reported.
    fn timed_out(&mut self) {
        let limit = self.budget.limit.unwrap_or_default();
        self.health.timed_out(&self.seen, self.opened, limit);
    }

    /// A log request that got no stream. Returns whether to ask again (after the backoff):
    /// not when the credentials may not read logs (that ends the run), when the pod or
    /// container is gone or its log cannot be had (a note says why), nor when the stream
    /// gives up.
    fn request_failed(&mut self, e: kube::Error) -> bool {
        let ctx = self.ctx;
        if is_auth(&e) {
            ctx.fatal(classify(e, &ctx.target, "get", "pods/log"));
            return false;
        }
        let code = status_code(&e);
        let message = status_message(&e);
        let final_400 =
            code == Some(400) && (!ctx.follow || message.contains("previous terminated container"));
        if code == Some(404) || final_400 {
            if !self.health.ended(&message) {
                ctx.shared.note(format!("{}: {message}", self.name));
            }
            return false;
        }
        self.failures += 1;
        self.health
            .failed(&self.seen, self.opened, code, failure(&e));
        !self.gives_up()
    }

    /// Without `--follow`, a stream that failed [`MAX_FAILURES`] times in a row gives up
    /// (and what it did not read is reported).
    fn gives_up(&mut self) -> bool {
        if !self.ctx.follow && self.failures >= MAX_FAILURES {
            self.health.gave_up();
            return true;
        }
        false
    }

    /// A log request got a stream; a reopened one counts as a reconnect, unless it was
    /// closed only to page out.
    fn answered(&mut self, resumed_for_page: bool) {
        let shared = &self.ctx.shared;
        shared.streams_opened.fetch_add(1, Ordering::Relaxed);
        if self.opened && !resumed_for_page {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        self.opened = true;
        self.health.answered();
    }

    /// Reads one connection to its end with [`pump`], then gives the connection (`permit`)
    /// back. New lines reset the backoff and the failure count.
    async fn read(
        &mut self,
        reader: impl AsyncBufRead,
        permit: OwnedSemaphorePermit,
        tx: &mpsc::Sender<Batch>,
    ) -> (StreamEnd, Option<Batch>, bool) {
        let state = Reading {
            seen: &mut self.seen,
            cutter: &mut self.cutter,
            budget: &mut self.budget,
            health: &mut self.health,
        };
        let (outcome, leftover, got_lines) = pump(reader, self.ctx, &self.prefix, state, tx).await;
        drop(permit);
        if got_lines {
            self.backoff.reset();
            self.failures = 0;
        }
        let clean_end = matches!(outcome, StreamEnd::End);
        self.health.check(&self.seen, got_lines, clean_end);
        (outcome, leftover, got_lines)
    }

    /// After a connection ended (and its last lines were handed on): whether and when to
    /// open the next. An end while following is lost time unless the container is done.
    async fn after_connection(&mut self, outcome: StreamEnd, got_lines: bool) -> Next {
        match outcome {
            StreamEnd::Closed => Next::Stop,
            StreamEnd::Page(_) | StreamEnd::Resume => Next::Reopen,
            StreamEnd::TimedOut => {
                self.timed_out();
                Next::Stop
            }
            StreamEnd::End => {
                if !self.ctx.follow || finished(self.ctx, self.key).await {
                    return Next::Stop;
                }
                let reason = "the stream ended while the container runs";
                self.health.lost(&self.seen, self.opened, reason);
                Next::Retry
            }
            StreamEnd::Broken | StreamEnd::Stalled => {
                if !got_lines {
                    self.failures += 1;
                }
                let reason = if matches!(outcome, StreamEnd::Broken) {
                    "the connection broke".to_string()
                } else {
                    format!("nothing came for {}", duration_text(self.ctx.stall))
                };
                self.health.lost(&self.seen, self.opened, &reason);
                if self.gives_up() {
                    return Next::Stop;
                }
                Next::Retry
            }
        }
    }
}

/// What one stream keeps across its connections, for [`pump`].
struct Reading<'r, 'h> {
    seen: &'r mut Seen,
    cutter: &'r mut Cutter,
    budget: &'r mut Budget,
    health: &'r mut Health<'h>,
}

/// Reads one connection to its end. Returns why it ended, the lines not yet handed on (the
/// caller sends them after giving back the connection) and whether any new line came.
async fn pump(
    reader: impl AsyncBufRead,
    ctx: &StreamCtx,
    prefix: &[u8],
    state: Reading<'_, '_>,
    tx: &mpsc::Sender<Batch>,
) -> (StreamEnd, Option<Batch>, bool) {
    let Reading {
        seen,
        cutter,
        budget,
        health,
    } = state;
    let mut reader = Box::pin(reader);
    let mut batch = Batch::with_capacity(BATCH_BYTES);
    let mut got = false;
    let mut dups = 0u64;
    let split_before = cutter.split;
    let outcome = loop {
        // While following, hand on what is there as soon as the connection has nothing more
        // ready, so lines come out without delay. Without `--follow` the merge waits for
        // every stream anyway: full batches mean fewer wake-ups and, when streams take
        // turns, fewer reopened connections.
        let ready = if batch.is_empty() || !ctx.follow {
            None
        } else {
            reader.fill_buf().now_or_never()
        };
        let read = match ready {
            Some(read) => read,
            None => {
                if ctx.follow
                    && !batch.is_empty()
                    && let Err(out) = send(ctx, tx, std::mem::take(&mut batch)).await
                {
                    break out;
                }
                let waited = Instant::now();
                let read = tokio::time::timeout(budget.cap(ctx.stall), reader.fill_buf()).await;
                budget.spend(waited.elapsed());
                match read {
                    Ok(read) => read,
                    Err(_) if budget.exhausted() => break StreamEnd::TimedOut,
                    Err(_) => break StreamEnd::Stalled,
                }
            }
        };
        let Ok(buf) = read else {
            // Broken: the partial line is dropped; the resume replays it whole.
            cutter.clear();
            break StreamEnd::Broken;
        };
        let mut take = |line: &[u8]| got |= take_line(line, prefix, seen, &mut batch, &mut dups);
        if buf.is_empty() {
            cutter.finish(&mut take);
            break StreamEnd::End;
        }
        let n = buf.len();
        cutter.feed(buf, &mut take);
        reader.consume_unpin(n);
        // A stream that stays open (following) shows it is back with its first lines.
        health.check(seen, got, false);
        if dups > 0 {
            ctx.shared.duplicates.fetch_add(dups, Ordering::Relaxed);
            dups = 0;
        }
        if batch.len_bytes() >= BATCH_BYTES
            && let Err(out) = send(ctx, tx, std::mem::take(&mut batch)).await
        {
            break out;
        }
    };
    ctx.shared.duplicates.fetch_add(dups, Ordering::Relaxed);
    ctx.shared
        .split_lines
        .fetch_add(cutter.split - split_before, Ordering::Relaxed);
    let (outcome, leftover) = match outcome {
        StreamEnd::Page(mut held) => {
            // Lines read after the held batch go with it; nothing is lost.
            let base = held.data.len();
            held.data.extend_from_slice(&batch.data);
            held.lines
                .extend(batch.lines.iter().map(|&(ts, end)| (ts, end + base)));
            (StreamEnd::Resume, Some(held))
        }
        other if batch.is_empty() => (other, None),
        other => (other, Some(batch)),
    };
    (outcome, leftover, got)
}

/// One complete line (without its newline) into the batch, unless it is a replay.
fn take_line(
    line: &[u8],
    prefix: &[u8],
    seen: &mut Seen,
    batch: &mut Batch,
    dups: &mut u64,
) -> bool {
    let ts = timestamp(line);
    if !seen.admit(ts, line_hash(line)) {
        *dups += 1;
        return false;
    }
    let order = ts.or(seen.last()).unwrap_or(i64::MIN);
    batch.push(order, prefix, line);
    true
}

async fn send(ctx: &StreamCtx, tx: &mpsc::Sender<Batch>, batch: Batch) -> Result<(), StreamEnd> {
    match tx.try_send(batch) {
        Ok(()) => {}
        Err(mpsc::error::TrySendError::Full(batch)) => {
            if ctx.paging {
                return Err(StreamEnd::Page(batch));
            }
            tx.send(batch).await.map_err(|_| StreamEnd::Closed)?;
        }
        Err(mpsc::error::TrySendError::Closed(_)) => return Err(StreamEnd::Closed),
    }
    ctx.shared.notify.notify_one();
    Ok(())
}

/// After a clean end while following: is the container done for good (pod deleted or
/// finished, init container ended)? Unknown counts as not done: the stream is reopened.
async fn finished(ctx: &StreamCtx, key: &ContainerRef) -> bool {
    match ctx.pods.get_opt(&key.pod).await {
        Ok(None) => true,
        Ok(Some(pod)) => {
            let status = pod.status.unwrap_or_default();
            if matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
                return true;
            }
            key.init
                && status
                    .init_container_statuses
                    .iter()
                    .flatten()
                    .filter(|s| s.name == key.container)
                    .any(|s| s.state.as_ref().is_some_and(|st| st.terminated.is_some()))
        }
        Err(e) => {
            if is_auth(&e) {
                ctx.fatal(classify(e, &ctx.target, "get", "pods"));
                return true;
            }
            false
        }
    }
}

/// Exponential backoff with ±20 % jitter, so many streams cut at once do not return at once.
struct Backoff {
    start: Duration,
    next: Duration,
    random: RandomState,
    draws: u64,
}

impl Backoff {
    fn new(start: Duration) -> Self {
        Backoff {
            start,
            next: start,
            random: RandomState::new(),
            draws: 0,
        }
    }

    fn reset(&mut self) {
        self.next = self.start;
    }

    fn next(&mut self) -> Duration {
        let base = self.next;
        self.next = (self.next * 2).min(BACKOFF_MAX);
        self.draws += 1;
        let r = self.random.hash_one(self.draws) % 401;
        // 800..=1200 per mille of the base.
        base * (800 + r as u32) / 1000
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
