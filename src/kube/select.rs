//! Which pods and containers to read: pods named on the command line, pods matching a label
//! selector, or by default every pod whose name starts with `netbox`. Every container of a
//! pod is read (init containers first, as `kubectl logs --all-containers` does) unless `-c`
//! names one. Failures become errors that list what does exist.

use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::Api;
use kube::api::ListParams;

use super::error::{KubeError, Target, classify, status_code};

/// Pods whose names start with this are selected when neither names nor `-l` are given.
pub(crate) const DEFAULT_PREFIX: &str = "netbox";

/// One container to stream.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ContainerRef {
    /// Pod name.
    pub(crate) pod: String,
    /// Container name.
    pub(crate) container: String,
    /// An init container: its log ends when it has run, even while following.
    pub(crate) init: bool,
}

/// What the user asked for.
#[derive(Debug, Clone)]
pub(crate) enum Selection {
    /// Pods by name.
    Named(Vec<String>),
    /// Pods by label selector.
    Labels(String),
    /// Pods whose name starts with [`DEFAULT_PREFIX`].
    Default,
}

/// The containers to stream, in pod then container order. Errors when nothing matches.
pub(crate) async fn containers(
    pods: &Api<Pod>,
    namespaces: &Api<Namespace>,
    target: &Target,
    selection: &Selection,
    container: Option<&str>,
) -> Result<Vec<ContainerRef>, KubeError> {
    let found = list(pods, namespaces, target, selection).await?;
    let mut out = Vec::new();
    let mut available = Vec::new();
    for pod in &found {
        for (name, init) in pod_containers(pod) {
            if !available.contains(&name) {
                available.push(name.clone());
            }
            if container.is_none_or(|c| c == name) {
                out.push(ContainerRef {
                    pod: pod.metadata.name.clone().unwrap_or_default(),
                    container: name,
                    init,
                });
            }
        }
    }
    if out.is_empty()
        && let Some(c) = container
    {
        return Err(KubeError::ContainerNotFound {
            container: c.to_string(),
            namespace: target.namespace.clone(),
            available,
        });
    }
    Ok(out)
}

/// The selected pods, without re-checks for an empty result (used by the periodic re-list
/// while following, where an empty moment is normal during a rollout).
pub(crate) async fn relist(
    pods: &Api<Pod>,
    target: &Target,
    selection: &Selection,
    container: Option<&str>,
) -> Result<Vec<ContainerRef>, KubeError> {
    let found = match selection {
        Selection::Named(_) => return Ok(Vec::new()),
        Selection::Labels(sel) => list_pods(pods, target, Some(sel)).await?,
        Selection::Default => list_pods(pods, target, None)
            .await?
            .into_iter()
            .filter(|p| name(p).starts_with(DEFAULT_PREFIX))
            .collect(),
    };
    let mut out = Vec::new();
    for pod in &found {
        for (c, init) in pod_containers(pod) {
            if container.is_none_or(|want| want == c) {
                out.push(ContainerRef {
                    pod: name(pod).to_string(),
                    container: c,
                    init,
                });
            }
        }
    }
    Ok(out)
}

/// Container names of a pod: init containers, then the others.
fn pod_containers(pod: &Pod) -> Vec<(String, bool)> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), true));
    let main = spec.containers.iter().map(|c| (c.name.clone(), false));
    init.chain(main).collect()
}

fn name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

async fn list(
    pods: &Api<Pod>,
    namespaces: &Api<Namespace>,
    target: &Target,
    selection: &Selection,
) -> Result<Vec<Pod>, KubeError> {
    match selection {
        Selection::Named(names) => {
            let mut out = Vec::new();
            for n in names {
                match pods.get(n).await {
                    Ok(p) => out.push(p),
                    Err(e) if status_code(&e) == Some(404) => {
                        let existing = names_of(&list_pods(pods, target, None).await?);
                        if existing.is_empty() {
                            ensure_namespace(namespaces, target).await?;
                        }
                        return Err(KubeError::PodNotFound {
                            pod: n.clone(),
                            namespace: target.namespace.clone(),
                            existing,
                        });
                    }
                    Err(e) => return Err(classify(e, target, "get", "pods")),
                }
            }
            Ok(out)
        }
        Selection::Labels(sel) => {
            let found = list_pods(pods, target, Some(sel)).await?;
            if found.is_empty() {
                let all = list_pods(pods, target, None).await?;
                if all.is_empty() {
                    ensure_namespace(namespaces, target).await?;
                }
                return Err(KubeError::NoPodsMatched {
                    namespace: target.namespace.clone(),
                    selector: Some(sel.clone()),
                    existing: names_of(&all),
                    namespaces: None,
                });
            }
            Ok(found)
        }
        Selection::Default => {
            let all = list_pods(pods, target, None).await?;
            let found: Vec<Pod> = all
                .iter()
                .filter(|p| name(p).starts_with(DEFAULT_PREFIX))
                .cloned()
                .collect();
            if found.is_empty() {
                let mut namespace_names = None;
                if all.is_empty() {
                    ensure_namespace(namespaces, target).await?;
                    namespace_names = list_namespaces(namespaces).await;
                }
                return Err(KubeError::NoPodsMatched {
                    namespace: target.namespace.clone(),
                    selector: None,
                    existing: names_of(&all),
                    namespaces: namespace_names,
                });
            }
            Ok(found)
        }
    }
}

async fn list_pods(
    pods: &Api<Pod>,
    target: &Target,
    selector: Option<&str>,
) -> Result<Vec<Pod>, KubeError> {
    let mut params = ListParams::default();
    if let Some(sel) = selector {
        params = params.labels(sel);
    }
    pods.list(&params)
        .await
        .map(|l| l.items)
        .map_err(|e| classify(e, target, "list", "pods"))
}

fn names_of(pods: &[Pod]) -> Vec<String> {
    let mut names: Vec<String> = pods.iter().map(|p| name(p).to_string()).collect();
    names.sort();
    names
}

/// A missing namespace lists as empty; this tells the two apart. Not being allowed to look is
/// not an error here (the pod list already worked).
async fn ensure_namespace(namespaces: &Api<Namespace>, target: &Target) -> Result<(), KubeError> {
    match namespaces.get(&target.namespace).await {
        Err(e) if status_code(&e) == Some(404) => Err(KubeError::NamespaceNotFound {
            namespace: target.namespace.clone(),
            existing: list_namespaces(namespaces).await,
        }),
        _ => Ok(()),
    }
}

async fn list_namespaces(namespaces: &Api<Namespace>) -> Option<Vec<String>> {
    let list = namespaces.list(&ListParams::default()).await.ok()?;
    let mut names: Vec<String> = list
        .items
        .iter()
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    names.sort();
    Some(names)
}
