//! The crate's one error type. Library modules return [`Result`]; only `main.rs` and `app.rs`
//! add context with `anyhow`. Messages are lowercase, carry what the user needs to act (path,
//! line, rule id) and never repeat their `#[source]`, because `main` prints the whole chain.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be opened or read.
    #[error("{path}: cannot read")]
    ReadInput {
        /// The input as the user named it.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// A gzip input ended before its end marker or is corrupt.
    #[error(
        "{path}: gzip data is truncated or corrupt after {bytes} decompressed bytes (line {line}); what came before was analysed"
    )]
    TruncatedGzip {
        /// The input as the user named it.
        path: PathBuf,
        /// Decompressed bytes read before the cut.
        bytes: u64,
        /// Lines read before the cut.
        line: u64,
        /// The decoder's error.
        #[source]
        source: io::Error,
    },
    /// A folder named on the command line holds no file to read.
    #[error("{path}: no files to read in this folder")]
    EmptyFolder {
        /// The folder as the user named it.
        path: PathBuf,
    },
    /// The input looks like a binary file, not a log.
    #[error("{path}: binary file ({why}), not a log; skipped")]
    BinaryInput {
        /// The input as the user named it.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// A binary file found in a walked folder or in an archive, not named on the command
    /// line: passed over with a note, as ripgrep passes over binary files it finds; unlike
    /// [`Error::BinaryInput`], it does not fail the run.
    #[error("{path}: binary file ({why}), not a log; skipped")]
    BinarySkipped {
        /// The file, or `ARCHIVE:MEMBER`.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// A member of a support bundle archive could not be read, or is unsafe to name.
    #[error("{bundle}:{member}: {problem}")]
    BundleMember {
        /// The archive as the user named it.
        bundle: PathBuf,
        /// The member's path inside the archive.
        member: String,
        /// What is wrong and what was done about it.
        problem: String,
        /// The underlying I/O or tar error, if any.
        #[source]
        source: Option<io::Error>,
    },
    /// A support bundle archive could not be read past some point.
    #[error("{bundle}: {problem}")]
    Bundle {
        /// The archive as the user named it.
        bundle: PathBuf,
        /// What is wrong and what was done about it.
        problem: String,
        /// The underlying I/O or tar error, if any.
        #[source]
        source: Option<io::Error>,
    },
    /// Reading pod logs from the cluster failed; the message says what to do.
    #[error("{message}")]
    Cluster {
        /// One actionable line (from the Kubernetes source).
        message: String,
    },
    /// A HAR capture that cannot be read as one (broken JSON, no `log.entries`, too large).
    #[error("{path}: {problem}")]
    Har {
        /// The file as the user named it.
        path: PathBuf,
        /// What is wrong, in one line.
        problem: String,
    },
    /// An input path does not exist.
    #[error("{path}: no such file or directory")]
    MissingInput {
        /// The input as the user named it.
        path: PathBuf,
    },
    /// One or more catalog rules are broken; every problem is listed.
    #[error("the pattern catalog has {} problem(s):\n{}", problems.len(), problems.join("\n"))]
    Catalog {
        /// One line per problem, each naming the file and the rule id.
        problems: Vec<String>,
    },
    /// The catalog folder given with `--patterns` could not be read.
    #[error("{path}: cannot read pattern folder")]
    PatternDir {
        /// The folder.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// Writing the report failed.
    #[error("cannot write output")]
    Write(#[from] io::Error),
    /// JSON serialisation failed (a bug, or a write error underneath).
    #[error("cannot write JSON output")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// The I/O error kind underneath, if writing or reading failed (a closed pipe shows as
    /// `BrokenPipe` even inside a JSON serialisation error).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Error::Write(e) | Error::ReadInput { source: e, .. } => Some(e.kind()),
            Error::Json(e) => e.io_error_kind(),
            _ => None,
        }
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
