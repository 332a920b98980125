//! One task per (pod, container): opens the `pods/log` stream with `timestamps=true`, cuts it
//! into lines (bytes kept as they are; a last line without newline gets one), prefixes each
//! like `kubectl logs --prefix`, drops lines a resume replays, and hands batches to the merger
//! over a small bounded channel. A broken, ended-while-running or silent stream is reopened
//! with `sinceTime` = the second of the last line seen, after a capped exponential backoff.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{AsyncBufRead, AsyncBufReadExt, FutureExt};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::LogParams;
use tokio::sync::{Notify, Semaphore, mpsc};

use super::error::{KubeError, Target, classify, is_auth, status_code, status_message};
use super::line::{Batch, Seen, line_hash, timestamp};
use super::select::ContainerRef;

/// A batch is handed on when it holds this much (or when the stream has nothing more ready).
const BATCH_BYTES: usize = 32 << 10;

/// A line longer than this is handed on in pieces, so one endless line cannot take all
/// memory; the pieces after the first carry no timestamp.
const MAX_LINE: usize = 4 << 20;

/// First wait before reopening a stream; doubled per failure up to [`BACKOFF_MAX`].
const BACKOFF_START: Duration = Duration::from_millis(250);

/// Longest wait between two attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Without `--follow`, a stream that fails this often in a row is given up (with a note).
const MAX_FAILURES: u32 = 5;

/// Most notes kept; later ones are counted only.
const MAX_NOTES: usize = 100;

/// Counters and signals shared by the stream tasks and the merger.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Log requests that got a stream.
    pub(crate) streams_opened: AtomicU64,
    /// Streams reopened after a drop, an end while running, or a stall.
    pub(crate) reconnects: AtomicU64,
    /// Replayed lines dropped after a resume.
    pub(crate) duplicates: AtomicU64,
    /// Pods for which a stream was started.
    pub(crate) pods: Mutex<HashSet<String>>,
    /// Containers for which a stream was started.
    pub(crate) containers: AtomicU64,
    /// Streams that ended on their own for a reason worth telling.
    pub(crate) notes: Mutex<Vec<String>>,
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
enum Outcome {
    /// The server ended the stream cleanly.
    End,
    /// The connection broke.
    Broken,
    /// Nothing arrived for the stall timeout.
    Stalled,
    /// The merger's queue is full and connections are scarce: the batch waits, the
    /// connection goes.
    Page(Batch),
    /// After a `Page`: reopen where the stream was, without counting a reconnect.
    Resume,
    /// The merger is gone (stop or fatal error elsewhere).
    Closed,
}

async fn run(ctx: &StreamCtx, key: &ContainerRef, start: Start, tx: mpsc::Sender<Batch>) {
    let prefix = format!("[pod/{}/{}] ", key.pod, key.container).into_bytes();
    let mut seen = Seen::new();
    let mut backoff = Backoff::new();
    let mut opened = false;
    let mut paged: Option<Batch> = None;
    let mut failures = 0u32;
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
        let mut params = LogParams {
            container: Some(key.container.clone()),
            follow: ctx.follow,
            previous: ctx.previous,
            timestamps: true,
            ..LogParams::default()
        };
        match opened.then(|| seen.resume()).flatten() {
            Some(second) => {
                params.since_time = Timestamp::from_second(second).ok();
            }
            None => {
                params.since_seconds = start.since_seconds;
                params.since_time = start.since_time;
                params.tail_lines = start.tail;
            }
        }
        let reader = match ctx.pods.log_stream(&key.pod, &params).await {
            Ok(reader) => reader,
            Err(e) => {
                drop(permit);
                if is_auth(&e) {
                    ctx.fatal(classify(e, &ctx.target, "get", "pods/log"));
                    return;
                }
                let code = status_code(&e);
                let message = status_message(&e);
                let final_400 = code == Some(400)
                    && (!ctx.follow || message.contains("previous terminated container"));
                if code == Some(404) || final_400 {
                    ctx.shared
                        .note(format!("pod/{}/{}: {}", key.pod, key.container, message));
                    return;
                }
                failures += 1;
                if !ctx.follow && failures >= MAX_FAILURES {
                    ctx.shared.note(format!(
                        "pod/{}/{}: gave up after {failures} attempts: {message}",
                        key.pod, key.container
                    ));
                    return;
                }
                tokio::time::sleep(backoff.next()).await;
                continue;
            }
        };
        ctx.shared.streams_opened.fetch_add(1, Ordering::Relaxed);
        if opened && !resumed_for_page {
            ctx.shared.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        opened = true;
        let (outcome, leftover, got_lines) = pump(reader, ctx, &prefix, &mut seen, &tx).await;
        drop(permit);
        if got_lines {
            backoff.reset();
            failures = 0;
        }
        if let Some(batch) = leftover {
            if matches!(outcome, Outcome::Resume) {
                paged = Some(batch);
                continue;
            }
            if matches!(outcome, Outcome::Closed) || tx.send(batch).await.is_err() {
                return;
            }
            ctx.shared.notify.notify_one();
        }
        match outcome {
            Outcome::Closed => return,
            Outcome::Page(_) | Outcome::Resume => continue,
            Outcome::End => {
                if !ctx.follow || finished(ctx, key).await {
                    return;
                }
            }
            Outcome::Broken | Outcome::Stalled => {
                if !got_lines {
                    failures += 1;
                }
                if !ctx.follow && failures >= MAX_FAILURES {
                    ctx.shared.note(format!(
                        "pod/{}/{}: stream kept breaking; gave up after {failures} attempts",
                        key.pod, key.container
                    ));
                    return;
                }
            }
        }
        tokio::time::sleep(backoff.next()).await;
    }
}

/// Reads one connection to its end. Returns why it ended, the lines not yet handed on (the
/// caller sends them after giving back the connection) and whether any new line came.
async fn pump(
    reader: impl AsyncBufRead,
    ctx: &StreamCtx,
    prefix: &[u8],
    seen: &mut Seen,
    tx: &mpsc::Sender<Batch>,
) -> (Outcome, Option<Batch>, bool) {
    let mut reader = Box::pin(reader);
    let mut carry: Vec<u8> = Vec::new();
    let mut batch = Batch::with_capacity(BATCH_BYTES);
    let mut got = false;
    let mut dups = 0u64;
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
                match tokio::time::timeout(ctx.stall, reader.fill_buf()).await {
                    Ok(read) => read,
                    Err(_) => break Outcome::Stalled,
                }
            }
        };
        let Ok(buf) = read else {
            // Broken: the partial line is dropped; the resume replays it whole.
            break Outcome::Broken;
        };
        if buf.is_empty() {
            if !carry.is_empty() {
                got |= take_line(&carry, prefix, seen, &mut batch, &mut dups);
            }
            break Outcome::End;
        }
        let n = buf.len();
        let mut at = 0;
        for end in memchr::memchr_iter(b'\n', buf) {
            if carry.is_empty() {
                got |= take_line(&buf[at..end], prefix, seen, &mut batch, &mut dups);
            } else {
                carry.extend_from_slice(&buf[at..end]);
                got |= take_line(&carry, prefix, seen, &mut batch, &mut dups);
                carry.clear();
            }
            at = end + 1;
        }
        carry.extend_from_slice(&buf[at..]);
        if carry.len() > MAX_LINE {
            got |= take_line(&carry, prefix, seen, &mut batch, &mut dups);
            carry.clear();
        }
        reader.consume_unpin(n);
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
    let (outcome, leftover) = match outcome {
        Outcome::Page(mut held) => {
            // Lines read after the held batch go with it; nothing is lost.
            let base = held.data.len();
            held.data.extend_from_slice(&batch.data);
            held.lines
                .extend(batch.lines.iter().map(|&(ts, end)| (ts, end + base)));
            (Outcome::Resume, Some(held))
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

async fn send(ctx: &StreamCtx, tx: &mpsc::Sender<Batch>, batch: Batch) -> Result<(), Outcome> {
    match tx.try_send(batch) {
        Ok(()) => {}
        Err(mpsc::error::TrySendError::Full(batch)) => {
            if ctx.paging {
                return Err(Outcome::Page(batch));
            }
            tx.send(batch).await.map_err(|_| Outcome::Closed)?;
        }
        Err(mpsc::error::TrySendError::Closed(_)) => return Err(Outcome::Closed),
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
    next: Duration,
    random: RandomState,
    draws: u64,
}

impl Backoff {
    fn new() -> Self {
        Backoff {
            next: BACKOFF_START,
            random: RandomState::new(),
            draws: 0,
        }
    }

    fn reset(&mut self) {
        self.next = BACKOFF_START;
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
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_with_jitter() {
        let mut b = Backoff::new();
        let first = b.next();
        assert!(first >= BACKOFF_START * 8 / 10 && first <= BACKOFF_START * 12 / 10);
        for _ in 0..20 {
            let d = b.next();
            assert!(d <= BACKOFF_MAX * 12 / 10, "{d:?}");
        }
        assert!(b.next() >= BACKOFF_MAX * 8 / 10);
        b.reset();
        assert!(b.next() <= BACKOFF_START * 12 / 10);
    }

    #[test]
    fn replays_are_counted_and_lines_prefixed() {
        let mut seen = Seen::new();
        let mut batch = Batch::with_capacity(128);
        let mut dups = 0;
        let line = b"2026-01-01T00:00:00.5Z hello \xff";
        assert!(take_line(
            line,
            b"[pod/p/c] ",
            &mut seen,
            &mut batch,
            &mut dups
        ));
        seen.resume();
        assert!(!take_line(
            line,
            b"[pod/p/c] ",
            &mut seen,
            &mut batch,
            &mut dups
        ));
        assert_eq!(dups, 1);
        assert_eq!(batch.data, b"[pod/p/c] 2026-01-01T00:00:00.5Z hello \xff\n");
    }
}
