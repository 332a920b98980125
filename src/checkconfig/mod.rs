//! `check-config`: reads a NetBox configuration override file (the Python the admin console
//! takes) without running it, and reports Entra ID single sign-on mistakes as findings of the
//! same [`crate::report::Report`] model `scan` uses.

pub mod parse;
