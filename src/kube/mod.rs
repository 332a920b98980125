//! Reads pod logs straight from the Kubernetes API (kube-rs), as an input beside files and
//! stdin. The rest of the program is synchronous, so [`stream`](crate::kube::stream) runs a small tokio runtime
//! inside and hands out blocks of whole lines shaped like `kubectl logs --prefix
//! --timestamps`, which the framer in `parse::kubectl` already reads.
//!
//! Inside: `kubeconfig` picks the kubeconfig and context, `select` finds the pods and containers,
//! `reader` runs one task per container (resume with `sinceTime`, de-duplication, backoff,
//! stall detection), `merge` orders lines by time, `error` turns failures into one
//! actionable line each; `source` makes the cluster a [`crate::source::Source`].

mod error;
mod faults;
mod kubeconfig;
mod line;
mod merge;
mod reader;
mod select;
mod source;

use std::collections::HashSet;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use tokio::sync::{Semaphore, mpsc};

pub use error::KubeError;
pub use source::KubeSource;

use error::Target;
use merge::Merger;
use reader::{Control, Shared, Start, StreamCtx};
use select::Selection;

/// Namespace used when none is given: where NetBox Enterprise (embedded cluster / KOTS)
/// installs NetBox.
pub const DEFAULT_NAMESPACE: &str = "kotsadm";

/// Default for [`KubeOptions::max_log_requests`].
pub const DEFAULT_MAX_LOG_REQUESTS: usize = 16;

/// Default for [`KubeOptions::stall_timeout`].
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(300);

/// Default for [`KubeOptions::relist_interval`].
pub const DEFAULT_RELIST_INTERVAL: Duration = Duration::from_secs(30);

/// Default for [`KubeOptions::reorder_window`].
pub const DEFAULT_REORDER_WINDOW: Duration = Duration::from_secs(1);

/// Default for [`KubeOptions::request_timeout`]: two minutes. kubectl has no limit by
/// default, but without `--follow` a support engineer expects the command to end: the
/// kubelet serves a container's current log file (10 MiB by default), which takes seconds
/// even over a slow VPN, so a stream still open after two minutes is hung or being fed
/// without end.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Default for [`KubeOptions::retry_backoff`].
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(250);

/// How often the stop flag is looked at (and silent streams re-judged) while waiting.
const TICK: Duration = Duration::from_millis(25);

/// What to read, mirroring `kubectl logs` flags. Build it with `..KubeOptions::default()`.
#[derive(Debug, Clone)]
pub struct KubeOptions {
    /// Pods by name. Empty: select by [`selector`](Self::selector), or else every pod whose
    /// name starts with `netbox`.
    pub pods: Vec<String>,
    /// Namespace; `None` means [`DEFAULT_NAMESPACE`] (not the context's namespace: NetBox
    /// Enterprise always lives in `kotsadm`).
    pub namespace: Option<String>,
    /// Label selector (`-l`), used when no pod names are given.
    pub selector: Option<String>,
    /// Only this container (`-c`). `None`: every container of each pod, init containers
    /// first, like `kubectl logs --all-containers`.
    pub container: Option<String>,
    /// Only lines newer than this (`--since`), sent as `sinceSeconds` rounded up to whole
    /// seconds. Wins over `since_time` when both are set.
    pub since: Option<Duration>,
    /// Only lines at or after this time (`--since-time`), truncated to whole seconds like
    /// kubectl does.
    pub since_time: Option<chrono::DateTime<chrono::Utc>>,
    /// Only the last lines of each container (`--tail`); negative means all.
    pub tail: Option<i64>,
    /// The previous instance of each container (`-p`).
    pub previous: bool,
    /// Keep reading as new lines come (`-f`): streams are resumed when dropped and pods are
    /// re-listed, until the stop flag is set.
    pub follow: bool,
    /// Kubeconfig context; `None` means the current context.
    pub context: Option<String>,
    /// Kubeconfig file; `None` means `KUBECONFIG`, then `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// Most log requests open at once. Default 16 (kubectl's 5 is too few for every container
    /// of a NetBox install; 16 still keeps the load on the API server small). Following more
    /// containers than this is an error; without `--follow` extra streams take turns.
    pub max_log_requests: usize,
    /// A stream silent this long is reopened (resumed with `sinceTime`). Default 5 minutes.
    pub stall_timeout: Duration,
    /// Without `follow`: the longest one container's log may take to read (the time spent
    /// waiting for the server, all its requests together); a stream that has not ended by
    /// then is given up and what it did not read is reported. `None`: no limit. Ignored
    /// while following. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Option<Duration>,
    /// First wait before a dropped or failed stream is tried again; doubled per failure up
    /// to 30 s. Default 250 ms.
    pub retry_backoff: Duration,
    /// How often pods are listed again while following, to pick up new pods (a rollout
    /// brings new names). Default 30 s.
    pub relist_interval: Duration,
    /// While following, lines of different streams are sorted within this window, so a
    /// line may come out up to about this late. Default 1 s.
    pub reorder_window: Duration,
}

impl Default for KubeOptions {
    fn default() -> Self {
        KubeOptions {
            pods: Vec::new(),
            namespace: None,
            selector: None,
            container: None,
            since: None,
            since_time: None,
            tail: None,
            previous: false,
            follow: false,
            context: None,
            kubeconfig: None,
            max_log_requests: DEFAULT_MAX_LOG_REQUESTS,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            relist_interval: DEFAULT_RELIST_INTERVAL,
            reorder_window: DEFAULT_REORDER_WINDOW,
        }
    }
}

/// What a run read, for the final report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeStats {
    /// Pods read from.
    pub pods: usize,
    /// Containers read from (one stream each).
    pub containers: usize,
    /// Log requests that got a stream (first opens, resumes and turns).
    pub streams_opened: u64,
    /// Streams reopened after a drop, an end while the pod ran on, or a stall.
    pub reconnects: u64,
    /// Replayed lines dropped after a resume.
    pub duplicates_dropped: u64,
    /// Lines handed out.
    pub lines: u64,
    /// Bytes handed out.
    pub bytes: u64,
    /// Lines longer than [`crate::source::MAX_LINE`] handed on in pieces (each piece after
    /// the first is a line of its own, as `scan` counts them).
    pub split_lines: u64,
    /// Streams that ended for a reason worth telling (container not started, pod deleted),
    /// one line each.
    pub notes: Vec<String>,
    /// Spans of logs that were not read, one line each naming the pod and container and
    /// the time range: a stream given up after repeated failures, still down when the run
    /// stopped, cut by the request timeout, or back without the lines since the last one
    /// read. Any of them means the report may miss something.
    pub gaps: Vec<String>,
    /// Times a stream was down (requests failing) and came back reaching to the last line
    /// read, so that no line was lost, one line each.
    pub outages: Vec<String>,
}

/// Reads the selected pods' logs and hands them to `on_block` in blocks of whole lines, each
/// `[pod/<pod>/<container>] <timestamp> <line>\n` as `kubectl logs --prefix --timestamps`
/// writes it; bytes are passed through untouched (invalid UTF-8, CR, NUL), and a last line
/// without newline gets one.
///
/// Without `follow`, lines of all streams are merged by timestamp and the call returns when
/// every stream has ended. With `follow`, it returns when `stop` is set (checked every few
/// milliseconds; the caller sets it on SIGINT/SIGTERM), or when pods named explicitly have
/// all ended. A stop returns `Ok` with the stats so far.
///
/// # Errors
///
/// [`KubeError`]: kubeconfig or context problems, an unreachable server, 401, 403, unknown
/// pod or namespace, nothing selected, every log request failing so that no line could be
/// read ([`KubeError::LogsFailed`]), or `on_block` failing ([`KubeError::Output`]). Parts of
/// logs that could not be read while others were are not errors: they are listed in
/// [`KubeStats::gaps`].
///
/// # Example
///
/// ```no_run
/// use std::io::Write;
/// use std::sync::atomic::AtomicBool;
/// use sso_triage::kube::{KubeOptions, stream};
///
/// let opts = KubeOptions { selector: Some("app=netbox".into()), ..KubeOptions::default() };
/// let stop = AtomicBool::new(false);
/// let mut out = std::io::stdout().lock();
/// let stats = stream(&opts, &stop, &mut |block| out.write_all(block))?;
/// eprintln!("{} lines from {} containers", stats.lines, stats.containers);
/// # Ok::<(), sso_triage::kube::KubeError>(())
/// ```
pub fn stream(
    opts: &KubeOptions,
    stop: &AtomicBool,
    on_block: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> Result<KubeStats, KubeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("sso-triage-kube")
        .build()
        .map_err(|e| KubeError::Runtime(e.to_string()))?;
    let result = runtime.block_on(run(opts, stop, on_block));
    // Stream tasks may sit in a read that never ends; do not wait for them.
    runtime.shutdown_background();
    result
}

async fn run(
    opts: &KubeOptions,
    stop: &AtomicBool,
    on_block: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> Result<KubeStats, KubeError> {
    let Some(setup) = until_stopped(stop, setup(opts)).await else {
        return Ok(KubeStats::default());
    };
    let (ctx, control_rx, found, selection) = setup?;
    let window = opts.follow.then_some(opts.reorder_window);
    let mut merger = Merger::new(window, on_block);

    let start = Start {
        since_seconds: opts.since.map(|d| {
            i64::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0))
                .unwrap_or(i64::MAX)
                .max(1)
        }),
        since_time: opts
            .since_time
            .and_then(|t| Timestamp::from_second(t.timestamp()).ok()),
        tail: opts.tail.filter(|&t| t >= 0),
    };
    let mut known: HashSet<(String, String)> = HashSet::new();
    for key in found {
        known.insert((key.pod.clone(), key.container.clone()));
        merger.add(ctx.spawn(key, start));
    }
    let named = matches!(selection, Selection::Named(_));
    if opts.follow && !named {
        let ctx = Arc::clone(&ctx);
        let container = opts.container.clone();
        let interval = opts.relist_interval;
        tokio::spawn(relist(ctx, selection, container, interval, known));
    }
    let shared = Arc::clone(&ctx.shared);
    let ctx_namespace = ctx.target.namespace.clone();
    // The stream tasks hold the rest; dropping ours lets the control channel close.
    drop(ctx);
    let outcome = drive(
        &mut merger,
        control_rx,
        &shared,
        &ctx_namespace,
        stop,
        !opts.follow || named,
    )
    .await;
    merger.flush()?;
    outcome?;
    let containers = shared.containers.load(Ordering::Relaxed);
    let (gaps, outages) = {
        let mut faults = shared
            .faults
            .lock()
            .expect("no task panics while holding the faults");
        if merger.lines == 0
            && let Some(failures) = faults.all_failed(containers)
        {
            return Err(all_failed(&ctx_namespace, failures));
        }
        let dropped = faults.dropped;
        let all = faults.take_all(chrono::Utc::now());
        let (lost, kept): (Vec<_>, Vec<_>) = all.into_iter().partition(|o| o.lost());
        let mut gaps: Vec<String> = lost.iter().map(|o| o.describe()).collect();
        if dropped > 0 {
            gaps.push(format!(
                "{dropped} more time(s) a stream was down, not listed"
            ));
        }
        (gaps, kept.iter().map(|o| o.describe()).collect())
    };
    let notes = shared
        .notes
        .lock()
        .expect("no task panics while holding the notes")
        .clone();
    let pods = shared
        .pods
        .lock()
        .expect("no task panics while holding the pod set")
        .len();
    Ok(KubeStats {
        pods,
        containers: containers as usize,
        streams_opened: shared.streams_opened.load(Ordering::Relaxed),
        reconnects: shared.reconnects.load(Ordering::Relaxed),
        duplicates_dropped: shared.duplicates.load(Ordering::Relaxed),
        lines: merger.lines,
        bytes: merger.bytes,
        split_lines: shared.split_lines.load(Ordering::Relaxed),
        notes,
        gaps,
        outages,
    })
}

type Setup = (
    Arc<StreamCtx>,
    mpsc::UnboundedReceiver<Control>,
    Vec<select::ContainerRef>,
    Selection,
);

async fn setup(opts: &KubeOptions) -> Result<Setup, KubeError> {
    let conn = kubeconfig::connect(opts.kubeconfig.as_deref(), opts.context.as_deref()).await?;
    let namespace = opts
        .namespace
        .clone()
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let target = Target {
        context: conn.context,
        server: conn.server,
        namespace: namespace.clone(),
    };
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &namespace);
    let namespaces: Api<Namespace> = Api::all(conn.client);
    let selection = if !opts.pods.is_empty() {
        Selection::Named(opts.pods.clone())
    } else if let Some(sel) = &opts.selector {
        Selection::Labels(sel.clone())
    } else {
        Selection::Default
    };
    let found = select::containers(
        &pods,
        &namespaces,
        &target,
        &selection,
        opts.container.as_deref(),
    )
    .await?;
    let limit = opts.max_log_requests.max(1);
    if opts.follow {
        // Init containers end on their own and give their connection back.
        let lasting = found.iter().filter(|c| !c.init).count();
        if lasting > limit {
            return Err(KubeError::TooManyStreams {
                streams: lasting,
                limit,
            });
        }
    }
    let (control, control_rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(StreamCtx {
        pods,
        target,
        follow: opts.follow,
        previous: opts.previous,
        stall: opts.stall_timeout,
        request_timeout: opts.request_timeout.filter(|t| !t.is_zero()),
        backoff: opts.retry_backoff,
        paging: !opts.follow && found.len() > limit,
        limit: Arc::new(Semaphore::new(limit)),
        shared: Arc::new(Shared::default()),
        control,
        active: Mutex::new(HashSet::new()),
    });
    Ok((ctx, control_rx, found, selection))
}

/// Runs the merge until every stream has ended (when `ends_when_empty`), the stop flag is
/// set, or a stream reports an error that cannot be retried. While nothing was read, ends
/// with [`KubeError::LogsFailed`] as soon as no selected container can be read at all.
async fn drive(
    merger: &mut Merger<'_>,
    mut control: mpsc::UnboundedReceiver<Control>,
    shared: &Shared,
    namespace: &str,
    stop: &AtomicBool,
    ends_when_empty: bool,
) -> Result<(), KubeError> {
    loop {
        if merger.lines == 0 {
            let faults = shared
                .faults
                .lock()
                .expect("no task panics while holding the faults");
            if let Some(failures) = faults.all_failed(shared.containers.load(Ordering::Relaxed)) {
                return Err(all_failed(namespace, failures));
            }
        }
        if stop.load(Ordering::Relaxed) {
            // Lines already received (held for ordering) still go out.
            return merger.step(Instant::now(), true);
        }
        while let Ok(msg) = control.try_recv() {
            match msg {
                Control::Add(rx) => merger.add(rx),
                Control::Fatal(e) => return Err(e),
            }
        }
        merger.step(Instant::now(), false)?;
        if ends_when_empty && merger.is_done() {
            return Ok(());
        }
        tokio::select! {
            _ = shared.notify.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
        }
    }
}

/// Lists the pods again every `interval` while following and starts streams for containers
/// not seen before (their whole log: they started while we were reading).
async fn relist(
    ctx: Arc<StreamCtx>,
    selection: Selection,
    container: Option<String>,
    interval: Duration,
    mut known: HashSet<(String, String)>,
) {
    loop {
        tokio::time::sleep(interval).await;
        if ctx.control.is_closed() {
            return;
        }
        let found =
            match select::relist(&ctx.pods, &ctx.target, &selection, container.as_deref()).await {
                Ok(found) => found,
                Err(e @ (KubeError::Unauthorized { .. } | KubeError::Forbidden { .. })) => {
                    let _ = ctx.control.send(Control::Fatal(e));
                    ctx.shared.notify.notify_one();
                    return;
                }
                // Anything else (server briefly away): try again next time.
                Err(_) => continue,
            };
        let listed: HashSet<(String, String)> = found
            .iter()
            .map(|k| (k.pod.clone(), k.container.clone()))
            .collect();
        {
            let active = ctx
                .active
                .lock()
                .expect("no task panics while holding the active set");
            known.retain(|k| listed.contains(k) || active.contains(k));
        }
        for key in found {
            let id = (key.pod.clone(), key.container.clone());
            if known.insert(id) {
                let rx = ctx.spawn(key, Start::default());
                if ctx.control.send(Control::Add(rx)).is_err() {
                    return;
                }
                ctx.shared.notify.notify_one();
            }
        }
    }
}

fn all_failed(namespace: &str, failures: Vec<(String, String)>) -> KubeError {
    KubeError::LogsFailed {
        namespace: namespace.to_string(),
        failures,
    }
}

/// Reads a `--request-timeout` value as kubectl does: a whole number of seconds (`30`), or a
/// duration with units (`30s`, `5m`, `1h30m`, `1.5s`, `500ms`; units `ns`, `us`, `µs`,
/// `ms`, `s`, `m`, `h`). `0` means no limit (`None`).
///
/// # Errors
///
/// A one-line message naming the value when it is not such a duration.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sso_triage::kube::parse_request_timeout;
///
/// assert_eq!(parse_request_timeout("1m30s"), Ok(Some(Duration::from_secs(90))));
/// assert_eq!(parse_request_timeout("0"), Ok(None));
/// ```
pub fn parse_request_timeout(text: &str) -> Result<Option<Duration>, String> {
    let bad = || {
        format!(
            "invalid --request-timeout {text:?}: use a whole number of seconds or a number with a unit (e.g. 30s, 5m, 1h; 0 for no limit)"
        )
    };
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = t.parse().map_err(|_| bad())?;
        return Ok((secs > 0).then(|| Duration::from_secs(secs)));
    }
    let mut rest = t.strip_prefix('+').unwrap_or(t);
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += number * nanos_per;
        rest = &rest[unit_len..];
    }
    if !total.is_finite() || total > u64::MAX as f64 {
        return Err(bad());
    }
    let nanos = total.round() as u64;
    Ok((nanos > 0).then(|| Duration::from_nanos(nanos)))
}

/// Runs `fut` unless `stop` is set first.
async fn until_stopped<T>(stop: &AtomicBool, fut: impl Future<Output = T>) -> Option<T> {
    let watch = async {
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(TICK).await;
        }
    };
    tokio::select! {
        out = fut => Some(out),
        () = watch => None,
    }
}

#[cfg(test)]
mod tests;
