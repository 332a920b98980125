//! sso-triage tells a support engineer why single sign-on to NetBox Enterprise through
//! Microsoft Entra ID fails, and what to do about it.
//!
//! The pipeline runs one way: [`source`] reads bytes, [`parse`] frames them into events
//! (kubectl headers, tracebacks, JSON lines), [`matcher`] runs the compiled [`catalog`],
//! [`analyze`] folds matches into findings, and [`report`] renders them. [`app`] wires the
//! stages; a correlator of login flows and a Kubernetes source slot in between later.

pub mod analyze;
pub mod app;
pub mod catalog;
pub mod checkconfig;
pub mod cli;
pub mod config;
pub mod correlate;
pub mod detectors;
pub mod error;
pub mod har;
/// Pod logs read straight from the Kubernetes API (feature `kube`, on by default).
#[cfg(feature = "kube")]
pub mod kube;
pub mod matcher;
pub mod messages;
pub mod parse;
pub mod redact;
pub mod refine;
pub mod report;
pub mod source;
pub mod token;

#[cfg(test)]
mod test_support;

pub use error::{Error, Result};
