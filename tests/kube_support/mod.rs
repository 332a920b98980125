//! A fake Kubernetes API server for the kube source's tests: plain tokio TCP (optionally
//! TLS with a generated certificate), hand-written HTTP/1.1, JSON for pods, namespaces and
//! Status errors, chunked `pods/log` streams that honour container, follow, sinceTime and
//! tailLines. Each test starts its own server on 127.0.0.1:0 and writes a real kubeconfig
//! into a temp dir; nothing is global, so tests run in parallel.

#![allow(dead_code)]

mod server;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use sso_triage::kube::{KubeError, KubeOptions, KubeStats};

use server::serve;

/// Token the default context presents; the server accepts only this one.
pub const TOKEN: &str = "good-token";

/// User named in 403 messages.
pub const USER: &str = "system:serviceaccount:kotsadm:viewer";

/// Delay between two live lines of a followed stream.
const LIVE_GAP: Duration = Duration::from_millis(20);

/// How a followed stream ends after its last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Terminal chunk: a clean end.
    Close,
    /// Nothing more, connection kept open.
    Hang,
}

/// A fault on the first log request of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Send this many lines and half of the next, then close without the terminal chunk.
    Cut(usize),
    /// Send this many lines, then nothing (connection stays open).
    Stall(usize),
    /// Send this many lines, then end cleanly (terminal chunk) though the pod runs on.
    EndEarly(usize),
    /// Send this many lines and half of the next, then the whole API server dies: this
    /// connection and every later one close without an answer (until `State::dead` is set
    /// back to false).
    Die(usize),
}

/// One container's log.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    /// Lines written before the request (each with its kubelet timestamp; newline included
    /// unless the test wants a last line without one).
    pub lines: Vec<Vec<u8>>,
    /// Lines sent only while following, `LIVE_GAP` apart.
    pub live: Vec<Vec<u8>>,
    /// How a followed stream ends.
    pub end: End,
    /// A fault on the first request only.
    pub fault: Option<Fault>,
    /// Requests after the first answer this status (with this message), this many times
    /// (`usize::MAX`: always); then they are served again.
    pub resume_fails: Option<(u16, &'static str, usize)>,
    /// Lines served to requests after the first instead of `lines` (the container restarted
    /// and its log begins anew).
    pub restarted: Option<Vec<Vec<u8>>>,
    /// Log requests served so far.
    pub requests: usize,
}

impl Container {
    pub fn new(name: &str, lines: Vec<Vec<u8>>) -> Self {
        Container {
            name: name.to_string(),
            lines,
            live: Vec::new(),
            end: End::Close,
            fault: None,
            resume_fails: None,
            restarted: None,
            requests: 0,
        }
    }
}

/// One pod.
#[derive(Debug, Clone)]
pub struct FakePod {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub init: Vec<Container>,
    pub containers: Vec<Container>,
    pub phase: String,
}

impl FakePod {
    pub fn new(name: &str, labels: &[(&str, &str)], containers: Vec<Container>) -> Self {
        FakePod {
            name: name.to_string(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            init: Vec::new(),
            containers,
            phase: "Running".to_string(),
        }
    }

    /// The same pod with `c` as its only container.
    pub fn with(mut self, c: Container) -> Self {
        self.containers = vec![c];
        self
    }

    fn json(&self, namespace: &str) -> Value {
        let labels: BTreeMap<_, _> = self.labels.iter().cloned().collect();
        let init_status: Vec<Value> = self
            .init
            .iter()
            .map(|c| {
                json!({"name": c.name, "ready": false, "restartCount": 0, "image": "busybox",
                       "imageID": "", "state": {"terminated": {"exitCode": 0}}})
            })
            .collect();
        // Real list items carry no kind/apiVersion; kube copes, so the fake omits them.
        json!({
            "metadata": {"name": self.name, "namespace": namespace, "uid": format!("uid-{}", self.name),
                         "labels": labels},
            "spec": {
                "initContainers": self.init.iter().map(|c| json!({"name": c.name, "image": "busybox"})).collect::<Vec<_>>(),
                "containers": self.containers.iter().map(|c| json!({"name": c.name, "image": "netbox"})).collect::<Vec<_>>(),
            },
            "status": {"phase": self.phase, "initContainerStatuses": init_status},
        })
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
}

impl Seen {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server serves; tests may change it while a run goes on.
#[derive(Debug)]
pub struct State {
    pub namespace: String,
    pub namespaces: Vec<String>,
    pub pods: Vec<FakePod>,
    /// Required bearer token; `None` accepts anonymous requests (kubectl sends no token over
    /// plain http).
    pub token: Option<String>,
    /// (verb, resource) pairs answered with 403.
    pub forbid: Vec<(String, String)>,
    /// Every `pods/log` request is answered with this status and message.
    pub log_status: Option<(u16, String)>,
    /// The server is gone: every connection closes without an answer.
    pub dead: bool,
    pub requests: Vec<Seen>,
}

impl State {
    pub fn new(pods: Vec<FakePod>) -> Self {
        State {
            namespace: "kotsadm".to_string(),
            namespaces: vec!["default".into(), "kotsadm".into(), "kube-system".into()],
            pods,
            token: Some(TOKEN.to_string()),
            forbid: Vec::new(),
            log_status: None,
            dead: false,
            requests: Vec::new(),
        }
    }

    /// Log requests, in order.
    pub fn log_requests(&self) -> Vec<Seen> {
        self.requests
            .iter()
            .filter(|r| r.path.ends_with("/log"))
            .cloned()
            .collect()
    }
}

/// A running fake server; stops when dropped.
pub struct FakeApi {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    /// PEM of the server certificate when serving TLS.
    pub ca_pem: Option<String>,
    runtime: Option<tokio::runtime::Runtime>,
    pub dir: tempfile::TempDir,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl FakeApi {
    /// Starts a plain-http server.
    pub fn start(state: State) -> Self {
        Self::start_with(state, false)
    }

    /// Starts an https server with a fresh self-signed certificate for 127.0.0.1.
    pub fn start_tls(state: State) -> Self {
        Self::start_with(state, true)
    }

    fn start_with(state: State, tls: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("test runtime");
        let state = Arc::new(Mutex::new(state));
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (acceptor, ca_pem) = if tls {
            let key = rcgen::generate_simple_self_signed(vec![
                "127.0.0.1".to_string(),
                "localhost".to_string(),
            ])
            .expect("certificate");
            let config = rustls::ServerConfig::builder()
                .with_no_client_auth()
                .with_single_cert(
                    vec![key.cert.der().clone()],
                    rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into()),
                )
                .expect("server tls config");
            (
                Some(TlsAcceptor::from(Arc::new(config))),
                Some(key.cert.pem()),
            )
        } else {
            (None, None)
        };
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let state = Arc::clone(&shared);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        Some(acc) => {
                            if let Ok(tls) = acc.accept(sock).await {
                                serve(tls, state).await;
                            }
                        }
                        None => serve(sock, state).await,
                    }
                });
            }
        });
        let scheme = if tls { "https" } else { "http" };
        FakeApi {
            url: format!("{scheme}://127.0.0.1:{port}"),
            state,
            ca_pem,
            runtime: Some(runtime),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a kubeconfig with two contexts: `test` (current, good token) and `other`
    /// (a token the server rejects). Returns its path.
    pub fn kubeconfig(&self) -> PathBuf {
        let ca = match &self.ca_pem {
            Some(pem) => format!(
                "\n    certificate-authority-data: {}",
                base64::engine::general_purpose::STANDARD.encode(pem)
            ),
            None => String::new(),
        };
        let text = format!(
            "apiVersion: v1
kind: Config
current-context: test
clusters:
- name: fake
  cluster:
    server: {url}{ca}
users:
- name: tester
  user:
    token: {TOKEN}
- name: stranger
  user:
    token: expired-token
contexts:
- name: test
  context:
    cluster: fake
    user: tester
    namespace: kotsadm
- name: other
  context:
    cluster: fake
    user: stranger
",
            url = self.url
        );
        let path = self.dir.path().join("kubeconfig");
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }

    /// Runs `kubectl logs -n kotsadm -l app=netbox --all-containers --prefix --timestamps
    /// --tail=-1` against this server and returns what it printed (panics if it fails).
    pub fn kubectl_logs(&self, kubectl: &std::path::Path) -> Vec<u8> {
        let out = std::process::Command::new(kubectl)
            .arg("--kubeconfig")
            .arg(self.kubeconfig())
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args([
                "logs",
                "-n",
                "kotsadm",
                "-l",
                "app=netbox",
                "--all-containers",
            ])
            .args(["--prefix", "--timestamps", "--tail=-1"])
            .output()
            .expect("run kubectl");
        assert!(
            out.status.success(),
            "kubectl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Options reading from this server with the default context.
    pub fn options(&self) -> KubeOptions {
        KubeOptions {
            kubeconfig: Some(self.kubeconfig()),
            stall_timeout: Duration::from_secs(5),
            retry_backoff: Duration::from_millis(20),
            relist_interval: Duration::from_millis(200),
            reorder_window: Duration::from_millis(200),
            ..KubeOptions::default()
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state
            .lock()
            .expect("fake server state")
            .requests
            .clone()
    }

    pub fn log_requests(&self) -> Vec<Seen> {
        self.state.lock().expect("fake server state").log_requests()
    }
}

/// The outcome of one `stream` call.
pub struct Run {
    pub result: Result<KubeStats, KubeError>,
    /// Every line received, newline included.
    pub lines: Vec<Vec<u8>>,
    /// Blocks as handed out (to check each ends at a line end).
    pub blocks: usize,
}

impl Run {
    pub fn stats(&self) -> &KubeStats {
        self.result.as_ref().expect("stream succeeded")
    }

    pub fn text(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect()
    }

    pub fn error(&self) -> String {
        match &self.result {
            Ok(s) => panic!("expected an error, got {s:?}"),
            Err(e) => e.to_string(),
        }
    }
}

/// Runs `stream`; sets the stop flag once `stop_after` lines arrived (if given) or after
/// `limit`, whichever is first. `on_line` sees every line as it arrives.
pub fn run_stream(
    opts: &KubeOptions,
    stop_after: Option<usize>,
    limit: Duration,
    mut on_line: impl FnMut(&[u8]),
) -> Run {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let stop = Arc::clone(&stop);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while start.elapsed() < limit && !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
            }
            stop.store(true, Ordering::Relaxed);
        })
    };
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut blocks = 0;
    let result = sso_triage::kube::stream(opts, &stop, &mut |block: &[u8]| {
        assert_eq!(block.last(), Some(&b'\n'), "blocks hold whole lines");
        blocks += 1;
        for line in block.split_inclusive(|&b| b == b'\n') {
            on_line(line);
            lines.push(line.to_vec());
        }
        if stop_after.is_some_and(|n| lines.len() >= n) {
            stop.store(true, Ordering::Relaxed);
        }
        Ok(())
    });
    done.store(true, Ordering::Relaxed);
    watchdog.join().expect("watchdog");
    Run {
        result,
        lines,
        blocks,
    }
}

/// A kubelet timestamp: 2026-11-20T09:00:SS.NNNNNNNNNZ.
pub fn ts(second: u32, nanos: u32) -> String {
    format!(
        "2026-11-20T09:{:02}:{:02}.{nanos:09}Z",
        second / 60,
        second % 60
    )
}

/// A log line with a timestamp and a newline.
pub fn line(second: u32, nanos: u32, text: &str) -> Vec<u8> {
    format!("{} {text}\n", ts(second, nanos)).into_bytes()
}
