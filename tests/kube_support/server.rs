//! The server side of the fake: HTTP/1.1 requests read by hand, routed to pods, namespaces,
//! Status errors and chunked `pods/log` streams.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{End, Fault, LIVE_GAP, Seen, State, USER};

pub(super) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut sock: S,
    state: Arc<Mutex<State>>,
) {
    let Some(head) = read_head(&mut sock).await else {
        return;
    };

    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_string();
    let mut authorization = None;
    for h in lines {
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(v.trim().to_string());
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (target.clone(), Vec::new()),
    };
    let seen = Seen {
        path: path.clone(),
        query,
        authorization: authorization.clone(),
    };
    let dead = {
        let mut st = state.lock().expect("fake server state");
        if st.dead {
            st.requests.push(seen.clone());
        }
        st.dead
    };
    if dead {
        // Gone: the connection closes without an answer.
        let _ = sock.shutdown().await;
        return;
    }
    let reply = route(&state, &seen);
    state.lock().expect("fake server state").requests.push(seen);
    match reply {
        Reply::Json(code, body) => {
            let body = body.to_string();
            let reason = match code {
                200 => "OK",
                400 => "Bad Request",
                401 => "Unauthorized",
                403 => "Forbidden",
                500 => "Internal Server Error",
                503 => "Service Unavailable",
                _ => "Not Found",
            };
            let head = format!(
                "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
            let _ = sock.flush().await;
            let _ = sock.shutdown().await;
        }
        Reply::Log(plan) => stream_log(sock, plan, &state).await,
    }
}

async fn read_head<S: AsyncRead + Unpin>(sock: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    loop {
        let n = sock.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8_lossy(&buf[..end]).into_owned());
        }
        if buf.len() > 64 << 10 {
            return None;
        }
    }
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct LogPlan {
    chunks: Vec<Vec<u8>>,
    /// Index in `chunks` from which lines are sent `LIVE_GAP` apart.
    live_from: usize,
    follow: bool,
    end: End,
    fault: Option<Fault>,
}

enum Reply {
    Json(u16, Value),
    Log(LogPlan),
}

fn status(code: u16, reason: &str, message: String) -> Reply {
    Reply::Json(
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": reason, "code": code}),
    )
}

fn forbidden(verb: &str, resource: &str, name: &str, ns: &str) -> Reply {
    let (group_res, sub) = match resource.split_once('/') {
        Some((r, _)) => (r, resource),
        None => (resource, resource),
    };
    let what = if name.is_empty() {
        group_res.to_string()
    } else {
        format!("{group_res} \"{name}\"")
    };
    status(
        403,
        "Forbidden",
        format!(
            "{what} is forbidden: User \"{USER}\" cannot {verb} resource \"{sub}\" in API group \"\" in the namespace \"{ns}\""
        ),
    )
}

fn matches_selector(labels: &[(String, String)], selector: &str) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.as_str())
        };
        if let Some((k, v)) = term.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = term.split_once('=') {
            get(k.trim().trim_end_matches('=')) == Some(v.trim())
        } else {
            get(term.trim()).is_some()
        }
    })
}

fn since_ok(line: &[u8], since: Option<i64>) -> bool {
    let Some(since) = since else { return true };
    let end = line.iter().position(|&b| b == b' ').unwrap_or(0);
    let t = std::str::from_utf8(&line[..end])
        .ok()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    t.is_none_or(|t| t.timestamp() >= since)
}

fn route(state: &Arc<Mutex<State>>, req: &Seen) -> Reply {
    let mut st = state.lock().expect("fake server state");
    if let Some(token) = &st.token
        && req.authorization.as_deref() != Some(&format!("Bearer {token}"))
    {
        return status(401, "Unauthorized", "Unauthorized".to_string());
    }
    let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let forbid =
        |st: &State, verb: &str, res: &str| st.forbid.iter().any(|(v, r)| v == verb && r == res);
    match parts.as_slice() {
        ["api"] => Reply::Json(
            200,
            json!({"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        ["apis"] => Reply::Json(
            200,
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": []}),
        ),
        ["version"] => Reply::Json(
            200,
            json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0", "platform": "linux/amd64"}),
        ),
        ["api", "v1"] => Reply::Json(
            200,
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": [
                {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
                 "verbs": ["get", "list", "watch"], "shortNames": ["po"]},
                {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
                {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace",
                 "verbs": ["get", "list"], "shortNames": ["ns"]}
            ]}),
        ),
        ["api", "v1", "namespaces"] => {
            if forbid(&st, "list", "namespaces") {
                return forbidden("list", "namespaces", "", "");
            }
            let items: Vec<Value> = st
                .namespaces
                .iter()
                .map(|n| json!({"metadata": {"name": n}}))
                .collect();
            Reply::Json(
                200,
                json!({"kind": "NamespaceList", "apiVersion": "v1", "metadata": {}, "items": items}),
            )
        }
        ["api", "v1", "namespaces", ns] => {
            if forbid(&st, "get", "namespaces") {
                return forbidden("get", "namespaces", ns, "");
            }
            if st.namespaces.iter().any(|n| n == ns) {
                Reply::Json(
                    200,
                    json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": ns},
                           "status": {"phase": "Active"}}),
                )
            } else {
                status(404, "NotFound", format!("namespaces \"{ns}\" not found"))
            }
        }
        ["api", "v1", "namespaces", ns, "pods"] => {
            if forbid(&st, "list", "pods") {
                return forbidden("list", "pods", "", ns);
            }
            let sel = req.param("labelSelector").unwrap_or("");
            let items: Vec<Value> = if *ns == st.namespace {
                st.pods
                    .iter()
                    .filter(|p| matches_selector(&p.labels, sel))
                    .map(|p| p.json(ns))
                    .collect()
            } else {
                Vec::new()
            };
            Reply::Json(
                200,
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}),
            )
        }
        ["api", "v1", "namespaces", ns, "pods", name] => {
            if forbid(&st, "get", "pods") {
                return forbidden("get", "pods", name, ns);
            }
            match st
                .pods
                .iter()
                .find(|p| p.name == *name && *ns == st.namespace)
            {
                Some(p) => {
                    let mut v = p.json(ns);
                    v["kind"] = json!("Pod");
                    v["apiVersion"] = json!("v1");
                    Reply::Json(200, v)
                }
                None => status(404, "NotFound", format!("pods \"{name}\" not found")),
            }
        }
        ["api", "v1", "namespaces", ns, "pods", name, "log"] => {
            if forbid(&st, "get", "pods/log") {
                return forbidden("get", "pods/log", name, ns);
            }
            if let Some((code, message)) = &st.log_status {
                return status(*code, "InternalError", message.clone());
            }
            let ns_ok = *ns == st.namespace;
            let Some(pod) = st.pods.iter_mut().find(|p| p.name == *name && ns_ok) else {
                return status(404, "NotFound", format!("pods \"{name}\" not found"));
            };
            let all: Vec<String> = pod
                .init
                .iter()
                .chain(pod.containers.iter())
                .map(|c| c.name.clone())
                .collect();
            let wanted = match req.param("container") {
                Some(c) => c.to_string(),
                None if pod.containers.len() == 1 => pod.containers[0].name.clone(),
                None => {
                    return status(
                        400,
                        "BadRequest",
                        format!(
                            "a container name must be specified for pod {name}, choose one of: [{}]",
                            all.join(" ")
                        ),
                    );
                }
            };
            let Some(c) = pod
                .init
                .iter_mut()
                .chain(pod.containers.iter_mut())
                .find(|c| c.name == wanted)
            else {
                return status(
                    400,
                    "BadRequest",
                    format!("container {wanted} is not valid for pod {name}"),
                );
            };
            c.requests += 1;
            if c.requests > 1
                && let Some((code, message, times)) = &mut c.resume_fails
                && *times > 0
            {
                *times = times.saturating_sub(usize::from(*times != usize::MAX));
                return status(*code, "InternalError", message.to_string());
            }
            let source = match &c.restarted {
                Some(lines) if c.requests > 1 => lines,
                _ => &c.lines,
            };
            let follow = req.param("follow") == Some("true");
            let timestamps = req.param("timestamps") == Some("true");
            let since = req.param("sinceTime").map(|s| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .expect("sinceTime is RFC 3339")
                    .timestamp()
            });
            let mut history: Vec<Vec<u8>> = source
                .iter()
                .filter(|l| since_ok(l, since))
                .cloned()
                .collect();
            if let Some(n) = req.param("tailLines").and_then(|n| n.parse::<usize>().ok()) {
                let skip = history.len().saturating_sub(n);
                history.drain(..skip);
            }
            let live_from = history.len();
            if follow {
                history.extend(c.live.iter().filter(|l| since_ok(l, since)).cloned());
            }
            if !timestamps {
                for l in &mut history {
                    if let Some(sp) = l.iter().position(|&b| b == b' ') {
                        l.drain(..=sp);
                    }
                }
            }
            let fault = if c.requests == 1 { c.fault } else { None };
            Reply::Log(LogPlan {
                chunks: history,
                live_from,
                follow,
                end: c.end,
                fault,
            })
        }
        _ => status(
            404,
            "NotFound",
            format!("the server could not find {}", req.path),
        ),
    }
}

async fn chunk<S: AsyncWrite + Unpin>(sock: &mut S, data: &[u8]) -> bool {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    sock.write_all(&out).await.is_ok() && sock.flush().await.is_ok()
}

async fn stream_log<S: AsyncWrite + Unpin>(mut sock: S, plan: LogPlan, state: &Mutex<State>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if sock.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for (i, line) in plan.chunks.iter().enumerate() {
        match plan.fault {
            Some(Fault::Cut(n)) if i == n => {
                let half = &line[..line.len() / 2];
                let _ = chunk(&mut sock, half).await;
                // FIN without the terminal chunk: the client sees an unexpected EOF.
                let _ = sock.shutdown().await;
                return;
            }
            Some(Fault::Die(n)) if i == n => {
                state.lock().expect("fake server state").dead = true;
                let half = &line[..line.len() / 2];
                let _ = chunk(&mut sock, half).await;
                let _ = sock.shutdown().await;
                return;
            }
            Some(Fault::Stall(n)) if i == n => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Some(Fault::EndEarly(n)) if i == n => {
                let _ = sock.write_all(b"0\r\n\r\n").await;
                let _ = sock.shutdown().await;
                return;
            }
            _ => {}
        }
        if plan.follow && i >= plan.live_from {
            tokio::time::sleep(LIVE_GAP).await;
        }
        if !chunk(&mut sock, line).await {
            return;
        }
    }
    let stall_at_end = matches!(plan.fault, Some(Fault::Stall(n)) if n >= plan.chunks.len());
    if (plan.follow && plan.end == End::Hang) || stall_at_end {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return;
    }
    let _ = sock.write_all(b"0\r\n\r\n").await;
    let _ = sock.flush().await;
    let _ = sock.shutdown().await;
}
