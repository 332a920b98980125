//! sso-triage tells a support engineer why single sign-on to NetBox Enterprise through
//! Microsoft Entra ID fails, and what to do about it.
//!
//! The pipeline runs one way: [`source`] (and [`kube`]) read bytes, [`parse`] frames them
//! into events (kubectl headers, tracebacks, JSON lines), [`matcher`] runs the compiled
//! [`catalog`], [`analyze`] folds matches into findings while [`correlate`] joins requests
//! into login flows, and [`report`] renders the report [`app`] assembled. [`redact`] is the
//! only way from input text to printable text. `docs/ARCHITECTURE.md` has the layers (a test
//! holds the code to them) and how to add a rule, an input or an output format.

pub mod analyze;
pub mod app;
pub mod catalog;
pub mod checkconfig;
pub mod cli;
pub mod config;
pub mod correlate;
pub mod detectors;
pub mod error;
pub mod filter;
pub mod har;
pub mod interrupt;
/// Pod logs read straight from the Kubernetes API (feature `kube`, on by default).
#[cfg(feature = "kube")]
pub mod kube;
pub mod matcher;
pub mod messages;
pub mod parse;
pub mod progress;
pub mod redact;
pub mod refine;
pub mod report;
pub mod search;
pub mod source;
pub mod token;

#[cfg(test)]
mod test_support;

pub use error::{Error, Result};
