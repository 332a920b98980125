//! kube tests
