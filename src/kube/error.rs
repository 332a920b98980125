//! What can stop the Kubernetes log source, one actionable line each, and the mapping from
//! kube-rs errors (HTTP status, connection failures) to it.

use std::io;

/// Why logs could not be read from the cluster. Each message is one line that says what to
/// do; the caller prints it and exits with status 2.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The kubeconfig could not be found, read or understood.
    #[error("kubeconfig {path}: {problem}; pass --kubeconfig FILE or set KUBECONFIG")]
    Kubeconfig {
        /// The file (or the `KUBECONFIG` value) that was tried.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `--context` names a context the kubeconfig does not have.
    #[error(
        "context {context} is not in kubeconfig {path}; contexts there: {}",
        list(available)
    )]
    ContextNotFound {
        /// The context asked for.
        context: String,
        /// The kubeconfig read.
        path: String,
        /// The contexts it has.
        available: Vec<String>,
    },
    /// No connection to the API server (refused, DNS, TLS, timeout).
    #[error(
        "cannot reach the Kubernetes API server {server} (context {context}): {detail}; check the network or VPN, the cluster URL and its certificate, or pick another context with --context"
    )]
    Unreachable {
        /// The server URL of the context.
        server: String,
        /// The context used.
        context: String,
        /// The failure underneath, as one line.
        detail: String,
    },
    /// The credentials could not be obtained (an exec plugin such as kubelogin failed, a
    /// token file is missing).
    #[error(
        "cannot get credentials for context {context}: {detail}; log in again (for AKS: az login, kubelogin) or pick another context with --context"
    )]
    Credentials {
        /// The context used.
        context: String,
        /// The failure underneath, as one line.
        detail: String,
    },
    /// 401: the credentials were rejected.
    #[error(
        "the API server {server} rejected the credentials of context {context} (401 Unauthorized); log in again or refresh the token or client certificate, or pick another context with --context"
    )]
    Unauthorized {
        /// The server URL of the context.
        server: String,
        /// The context used.
        context: String,
    },
    /// 403: RBAC does not allow what is needed.
    #[error(
        "{} may not {verb} {resource} in namespace {namespace} (403 Forbidden); ask for a Role that grants \"{verb}\" on \"{resource}\" there, or pick another context with --context", who(user.as_deref(), context)
    )]
    Forbidden {
        /// The user named in the API server's message, if it said.
        user: Option<String>,
        /// The verb refused (`get`, `list`).
        verb: String,
        /// The resource refused (`pods`, `pods/log`).
        resource: String,
        /// The namespace.
        namespace: String,
        /// The context used.
        context: String,
    },
    /// A pod named on the command line does not exist.
    #[error(
        "pod {pod} not found in namespace {namespace}; {}",
        pods_there(existing)
    )]
    PodNotFound {
        /// The pod asked for.
        pod: String,
        /// The namespace searched.
        namespace: String,
        /// The pods that are there.
        existing: Vec<String>,
    },
    /// The namespace does not exist.
    #[error("namespace {namespace} not found; {}", namespaces_there(existing.as_deref()))]
    NamespaceNotFound {
        /// The namespace asked for.
        namespace: String,
        /// The namespaces there are, if listing them was allowed.
        existing: Option<Vec<String>>,
    },
    /// The selection (label selector, or the default `netbox*` names) matched no pod.
    #[error("{}", no_pods(namespace, selector.as_deref(), existing, namespaces.as_deref()))]
    NoPodsMatched {
        /// The namespace searched.
        namespace: String,
        /// The `-l` selector, or `None` for the default selection by name.
        selector: Option<String>,
        /// The pods that are in the namespace.
        existing: Vec<String>,
        /// The namespaces there are, when the namespace is empty and listing them was
        /// allowed.
        namespaces: Option<Vec<String>>,
    },
    /// `-c` names a container none of the selected pods has.
    #[error(
        "no selected pod in namespace {namespace} has a container {container}; containers there: {}",
        list(available)
    )]
    ContainerNotFound {
        /// The container asked for.
        container: String,
        /// The namespace.
        namespace: String,
        /// The containers the selected pods have.
        available: Vec<String>,
    },
    /// Following needs one request per container, more than allowed at once.
    #[error(
        "following {streams} log streams needs --max-log-requests {streams} or more (it is {limit}); raise it or narrow the selection with -l, -c or pod names"
    )]
    TooManyStreams {
        /// Streams that would be followed.
        streams: usize,
        /// The concurrency limit.
        limit: usize,
    },
    /// Any other answer of the API server that cannot be retried.
    #[error("{what} in namespace {namespace} failed: {message} (HTTP {code})")]
    Api {
        /// What was asked, e.g. `list pods`.
        what: String,
        /// The namespace.
        namespace: String,
        /// The HTTP status.
        code: u16,
        /// The server's message.
        message: String,
    },
    /// Every log request failed: no line of any selected container could be read.
    #[error(
        "no log could be read in namespace {namespace}: every log request failed: {}; check the API server and the nodes' kubelets (kubectl logs fails the same way), then try again",
        failed_streams(failures)
    )]
    LogsFailed {
        /// The namespace.
        namespace: String,
        /// (`pod/POD/CONTAINER`, the last failure of its requests, e.g. `HTTP 500: ...`).
        failures: Vec<(String, String)>,
    },
    /// The async runtime could not be started.
    #[error("cannot start the Kubernetes client runtime: {0}")]
    Runtime(String),
    /// Handing lines to the caller failed (for example a closed pipe).
    #[error("cannot write output")]
    Output(#[source] io::Error),
}

impl KubeError {
    /// The I/O error kind underneath, if handing out lines failed (`BrokenPipe` for a closed
    /// pipe, which the caller may treat as a quiet end).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            KubeError::Output(e) => Some(e.kind()),
            _ => None,
        }
    }
}

/// Most names printed in one list; more are counted.
const LIST_MAX: usize = 20;

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    let mut out = names
        .iter()
        .take(LIST_MAX)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LIST_MAX {
        out.push_str(&format!(" and {} more", names.len() - LIST_MAX));
    }
    out
}

/// `REASON for pod/a/c, pod/b/c; REASON2 for ...`: streams grouped by what failed them.
fn failed_streams(failures: &[(String, String)]) -> String {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (stream, reason) in failures {
        match groups.iter_mut().find(|(r, _)| r == reason) {
            Some((_, streams)) => streams.push(stream.clone()),
            None => groups.push((reason, vec![stream.clone()])),
        }
    }
    groups
        .iter()
        .map(|(reason, streams)| format!("{reason} for {}", list(streams)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What failed a request, for messages: `HTTP 500: <the server's message>` or `no answer:
/// <the connection error>`, one line, at most about 200 characters.
pub(crate) fn failure(e: &kube::Error) -> String {
    let text = match e {
        kube::Error::Api(s) => format!("HTTP {}: {}", s.code, one_line(&s.message)),
        other => format!("no answer: {}", chain(other)),
    };
    shorten(text, 200)
}

fn shorten(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

fn who(user: Option<&str>, context: &str) -> String {
    match user {
        Some(u) => format!("user \"{u}\" (context {context})"),
        None => format!("the credentials of context {context}"),
    }
}

fn pods_there(existing: &[String]) -> String {
    if existing.is_empty() {
        "the namespace has no pods".to_string()
    } else {
        format!("pods there: {}", list(existing))
    }
}

fn namespaces_there(existing: Option<&[String]>) -> String {
    match existing {
        Some(names) => format!("namespaces: {}; pick one with -n", list(names)),
        None => "listing namespaces is not allowed; check the name given with -n".to_string(),
    }
}

fn no_pods(
    namespace: &str,
    selector: Option<&str>,
    existing: &[String],
    namespaces: Option<&[String]>,
) -> String {
    let what = match selector {
        Some(sel) => format!("no pod in namespace {namespace} matches -l {sel}"),
        None => format!("no pod whose name starts with \"netbox\" in namespace {namespace}"),
    };
    let mut out = format!("{what}; {}", pods_there(existing));
    if existing.is_empty()
        && let Some(ns) = namespaces
    {
        out.push_str(&format!("; namespaces: {}", list(ns)));
    }
    out.push_str("; name pods, pass -l SELECTOR or pick the namespace with -n");
    out
}

/// Where an API call went, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The context used.
    pub(crate) context: String,
    /// The server URL.
    pub(crate) server: String,
    /// The namespace.
    pub(crate) namespace: String,
}

/// The HTTP status of an API error, if the server answered.
pub(crate) fn status_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// The server's message of an API error.
pub(crate) fn status_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => s.message.clone(),
        other => chain(other),
    }
}

/// Maps a kube error of `verb resource` to a [`KubeError`]. A 404 is mapped to
/// [`KubeError::Api`] here; callers that can say more about it check [`status_code`] first.
pub(crate) fn classify(e: kube::Error, target: &Target, verb: &str, resource: &str) -> KubeError {
    match &e {
        kube::Error::Api(s) => match s.code {
            401 => KubeError::Unauthorized {
                server: target.server.clone(),
                context: target.context.clone(),
            },
            403 => KubeError::Forbidden {
                user: user_in(&s.message),
                verb: verb.to_string(),
                resource: resource.to_string(),
                namespace: target.namespace.clone(),
                context: target.context.clone(),
            },
            code => KubeError::Api {
                what: format!("{verb} {resource}"),
                namespace: target.namespace.clone(),
                code,
                message: one_line(&s.message),
            },
        },
        kube::Error::Auth(_) => credentials(&e, target),
        _ if caused_by_auth(&e) => credentials(&e, target),
        kube::Error::SerdeError(_) => KubeError::Api {
            what: format!("{verb} {resource}"),
            namespace: target.namespace.clone(),
            code: 200,
            message: format!(
                "unexpected answer, is this a Kubernetes API server? {}",
                chain(&e)
            ),
        },
        _ => KubeError::Unreachable {
            server: target.server.clone(),
            context: target.context.clone(),
            detail: chain(&e),
        },
    }
}

fn credentials(e: &kube::Error, target: &Target) -> KubeError {
    KubeError::Credentials {
        context: target.context.clone(),
        detail: chain(e),
    }
}

/// Auth layer errors reach us wrapped in a service error.
fn caused_by_auth(e: &kube::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<kube::client::AuthError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// True for errors that retrying cannot fix: 401 and 403.
pub(crate) fn is_auth(e: &kube::Error) -> bool {
    matches!(status_code(e), Some(401 | 403))
}

/// `User "system:serviceaccount:x:y" cannot ...` -> the user.
fn user_in(message: &str) -> Option<String> {
    let start = message.find("User \"")? + 6;
    let len = message[start..].find('"')?;
    Some(message[start..start + len].to_string())
}

/// An error and its sources on one line, without kube's debug dumps.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let mut text = one_line(&err.to_string());
        // kube appends a Debug dump of the exec plugin's output; the status says enough.
        if let Some(cut) = text.find(": Output {") {
            text.truncate(cut);
        }
        // Wrappers often repeat their source's text; keep the most specific part once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    // The innermost cause says most ("Connection refused"), the outer ones where.
    parts.join(": ")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
