//! Which cluster and credentials: the kubeconfig from `--kubeconfig`, else `KUBECONFIG`
//! (several files merged, as kubectl does), else `~/.kube/config`; then the current context
//! or the one given with `--context`.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

use super::error::{KubeError, chain};

/// A client for the chosen context, with what error messages need to name.
pub(crate) struct Connection {
    /// The client.
    pub(crate) client: Client,
    /// The context used.
    pub(crate) context: String,
    /// The API server URL of the context.
    pub(crate) server: String,
}

/// Loads the kubeconfig and builds a client. Must run inside the tokio runtime.
pub(crate) async fn connect(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Connection, KubeError> {
    let (kc, path) = read(kubeconfig)?;
    let chosen = match context {
        Some(c) => c.to_string(),
        None => kc.current_context.clone().unwrap_or_default(),
    };
    if chosen.is_empty() {
        return Err(KubeError::Kubeconfig {
            path,
            problem: "no current-context is set; pick one with --context".to_string(),
        });
    }
    if !kc.contexts.iter().any(|c| c.name == chosen) {
        return Err(KubeError::ContextNotFound {
            context: chosen,
            path,
            available: kc.contexts.iter().map(|c| c.name.clone()).collect(),
        });
    }
    let options = KubeConfigOptions {
        context: Some(chosen.clone()),
        ..KubeConfigOptions::default()
    };
    let mut config = Config::from_custom_kubeconfig(kc, &options)
        .await
        .map_err(|e| KubeError::Kubeconfig {
            path: path.clone(),
            problem: format!("context {chosen}: {}", problem(&e)),
        })?;
    // kube retries 429, 503 and 504 up to 15 times with a backoff growing to minutes, inside
    // one call: a log request to a failing API server would hang there, unseen. The stream
    // tasks retry themselves (bounded, and the outage is reported), and a failing list call
    // is better told at once.
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let server = server.trim_end_matches('/').to_string();
    let client = Client::try_from(config).map_err(|e| match e {
        kube::Error::Auth(_) => KubeError::Credentials {
            context: chosen.clone(),
            detail: chain(&e),
        },
        _ => KubeError::Kubeconfig {
            path,
            problem: format!("context {chosen}: cannot build a client: {}", chain(&e)),
        },
    })?;
    Ok(Connection {
        client,
        context: chosen,
        server,
    })
}

/// Reads the kubeconfig; returns it and a name for messages.
fn read(explicit: Option<&Path>) -> Result<(Kubeconfig, String), KubeError> {
    if let Some(path) = explicit {
        return read_file(path);
    }
    if let Some(value) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let name = format!("{} (from KUBECONFIG)", value.to_string_lossy());
        return match Kubeconfig::from_env() {
            Ok(Some(kc)) => Ok((kc, name)),
            Ok(None) => default_file(),
            Err(e) => Err(KubeError::Kubeconfig {
                path: name,
                problem: problem(&e),
            }),
        };
    }
    default_file()
}

fn default_file() -> Result<(Kubeconfig, String), KubeError> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    match home {
        Some(home) => read_file(&home.join(".kube").join("config")),
        None => Err(KubeError::Kubeconfig {
            path: "~/.kube/config".to_string(),
            problem: "no home directory to find it in".to_string(),
        }),
    }
}

fn read_file(path: &Path) -> Result<(Kubeconfig, String), KubeError> {
    let name = path.display().to_string();
    if !path.exists() {
        return Err(KubeError::Kubeconfig {
            path: name,
            problem: "no such file".to_string(),
        });
    }
    Kubeconfig::read_from(path)
        .map(|kc| (kc, name.clone()))
        .map_err(|e| KubeError::Kubeconfig {
            path: name,
            problem: problem(&e),
        })
}

/// kube's message without the path it may repeat, on one line.
fn problem(e: &KubeconfigError) -> String {
    let text = match e {
        KubeconfigError::ReadConfig(io, _) => format!("cannot read: {io}"),
        other => other.to_string(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
