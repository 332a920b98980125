//! Support bundles of NetBox Enterprise (Replicated troubleshoot, admin console): a tar archive
//! (plain or gzip, told by content, not by name) or its extracted folder. Pod logs
//! (`cluster-resources/pods/logs/NAMESPACE/POD/CONTAINER.log`, `CONTAINER-previous.log`) are
//! read with a `[pod/POD/CONTAINER] ` header on each line, as `kubectl logs --prefix` writes
//! them; other `*.log` files are read as plain logs; the rest of troubleshoot's own layout
//! (JSON and YAML resources, host info: [`RESOURCE_TREES`], [`RESOURCE_FILES`]) and links
//! are counted, not read. Any other file (custom collectors such as `netbox/`, exec
//! output, a `.txt` in a plain tarball) is read whatever its name, and told by its content:
//! a binary one is passed over with a note. Hidden entries (a name starting with `.`) are
//! passed over, as in a folder walk. Every tar archive is read this way, support bundle or
//! not. An archive is streamed member by member, never extracted nor held whole in memory.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use crate::error::Error;
use crate::source::{
    Block, BlockFn, Expanded, Input, Log, ReadFailure, ReadStats, Sink, Source, is_hidden,
    list_dir, read_stream,
};

/// The size of a tar header block.
const TAR_BLOCK: usize = 512;

/// Pod and container of a pod log, from its place in a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTag {
    /// The pod (the folder name).
    pub pod: String,
    /// The container (the file name without `.log` and `-previous`).
    pub container: String,
    /// Whether the file is the previous container's log (`CONTAINER-previous.log`).
    pub previous: bool,
}

/// A kubectl `--prefix` name may not hold these (the framer's header parser stops at them).
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s
            .bytes()
            .any(|b| matches!(b, b'/' | b']' | b' ' | b'\t') || b < 0x20)
}

/// The pod and container when `path` ends in `cluster-resources/pods/logs/NS/POD/FILE.log`.
///
/// A previous container's log keeps its container name, so its findings are the same
/// container's; the input name still shows `-previous.log`.
pub fn pod_log_of(path: &Path) -> Option<PodTag> {
    let parts: Vec<String> = path
        .components()
        .rev()
        .take(6)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    pod_log_parts(&parts)
}

/// `parts` are the last path components, last first.
fn pod_log_parts(parts: &[String]) -> Option<PodTag> {
    let [file, pod, _ns, logs, pods, resources] = parts else {
        return None;
    };
    if (resources.as_str(), pods.as_str(), logs.as_str()) != ("cluster-resources", "pods", "logs") {
        return None;
    }
    let stem = file.strip_suffix(".log")?;
    let (container, previous) = match stem.strip_suffix("-previous") {
        Some(c) => (c, true),
        None => (stem, false),
    };
    (is_name(pod) && is_name(container)).then(|| PodTag {
        pod: pod.clone(),
        container: container.to_string(),
        previous,
    })
}

/// Whether a file name is a log: `*.log`, rotated `*.log.1`, compressed `*.log.gz`.
fn is_log_name(name: &str) -> bool {
    if name.ends_with(".log") {
        return true;
    }
    name.rfind(".log.").is_some_and(|at| {
        let rest = &name[at + 5..];
        rest == "gz" || (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The folders where troubleshoot writes what it collected about the cluster and its hosts
/// (resources as JSON or YAML, host info, the metadata of secrets and config maps, the
/// run's own data). Their files hold no logs, except pod logs and files named like a log.
pub const RESOURCE_TREES: &[&str] = &[
    "cluster-resources",
    "cluster-info",
    "host-collectors",
    "configmaps",
    "configmaps-errors",
    "secrets",
    "secrets-errors",
    "execution-data",
];

/// The files troubleshoot writes at the top of a bundle.
pub const RESOURCE_FILES: &[&str] = &["version.yaml", "analysis.json"];

/// Whether the file at `path` (inside a bundle or an archive, `/`-separated) is a part of
/// troubleshoot's own layout that holds no log: below a folder of [`RESOURCE_TREES`] (at
/// any depth, so a bundle one folder down in an archive counts), or one of
/// [`RESOURCE_FILES`] when it lies `at_top` of the bundle. Pod logs and files named like a
/// log are read before this is asked.
fn is_resource(path: &str, at_top: bool) -> bool {
    let (folders, name) = path.rsplit_once('/').unwrap_or(("", path));
    folders.split('/').any(|f| RESOURCE_TREES.contains(&f))
        || (at_top && RESOURCE_FILES.contains(&name))
}

/// Whether `dir` is the root of an extracted support bundle (it holds `cluster-resources/`).
pub fn is_bundle_dir(dir: &Path) -> bool {
    dir.join("cluster-resources").is_dir()
}

/// Adds an extracted bundle's log files to `out`, in path order; counts the rest.
///
/// Symbolic links are not followed: troubleshoot links a pod's log from
/// `cluster-resources/pods/logs/..` to where its collector saved it, so the target is read
/// where it lies, tagged with the link's pod and container (the archive does the same).
pub(crate) fn walk_folder(root: &Path, out: &mut Expanded) {
    let mut links = HashMap::new();
    walk_bundle(root, root, &mut links, out);
}

fn walk_bundle(root: &Path, dir: &Path, links: &mut HashMap<PathBuf, PodTag>, out: &mut Expanded) {
    for (path, kind) in list_dir(dir, &mut out.errors) {
        if path.file_name().is_some_and(is_hidden) {
            out.hidden.push(path);
        } else if kind.is_dir() {
            walk_bundle(root, &path, links, out);
        } else if kind.is_symlink() {
            out.skipped += 1;
            if let (Some(tag), Ok(target)) = (pod_log_of(&path), std::fs::read_link(&path)) {
                let parent = path.parent().unwrap_or(root);
                if let Some(target) = resolve(&parent.to_string_lossy(), &target.to_string_lossy())
                {
                    links.insert(PathBuf::from(target), tag);
                }
            }
        } else if kind.is_file() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let tag = pod_log_of(&path).or_else(|| links.get(&path).cloned());
            let rel: Vec<String> = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if tag.is_none() && !is_log_name(&name) && is_resource(&rel.join("/"), rel.len() == 1) {
                out.skipped += 1;
            } else if path.metadata().is_ok_and(|m| m.len() == 0) {
                out.empty += 1;
            } else {
                // A file outside troubleshoot's layout is read whatever its name: its
                // content says whether it is text (a binary one is passed over).
                out.inputs.push(match tag {
                    Some(tag) => Input::PodLog {
                        path,
                        pod: tag.pod,
                        container: tag.container,
                        found: true,
                    },
                    None => Input::Found(path),
                });
            }
        } else {
            out.skipped += 1;
        }
    }
}

/// Joins a link target to the folder holding the link, without touching the disk; `None`
/// for an absolute target or one that climbs out of `base`'s start.
fn resolve(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    let absolute = base.starts_with('/');
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// Puts `[pod/POD/CONTAINER] ` in front of each line that has no kubectl header yet.
#[derive(Debug)]
pub struct Tagger {
    header: Vec<u8>,
    at_line_start: bool,
    out: Block,
}

impl Tagger {
    /// A tagger for one pod log.
    pub fn new(pod: &str, container: &str) -> Tagger {
        Tagger {
            header: format!("[pod/{pod}/{container}] ").into_bytes(),
            at_line_start: true,
            out: Block::default(),
        }
    }

    /// Hands `f` the block with headers added. Blocks come in order; a block that does not
    /// end with `\n` (a piece of an over-long line) is continued by the next one.
    pub fn feed(&mut self, block: &[u8], f: &mut BlockFn<'_>) {
        let out = &mut self.out.data;
        out.clear();
        let mut rest = block;
        while !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let line = &rest[..end];
            if self.at_line_start && !has_kubectl_prefix(line) {
                out.extend_from_slice(&self.header);
            }
            out.extend_from_slice(line);
            self.at_line_start = line.ends_with(b"\n");
            rest = &rest[end..];
        }
        self.out.start = 0;
        self.out.len = self.out.data.len();
        f(&mut self.out);
    }
}

/// Whether a line starts with a `[pod/NAME/CONTAINER] ` header already.
fn has_kubectl_prefix(line: &[u8]) -> bool {
    let Some(inner) = line.strip_prefix(b"[pod/") else {
        return false;
    };
    let head = &inner[..inner.len().min(512)];
    memchr::memchr(b']', head).is_some_and(|i| {
        head.get(i + 1) == Some(&b' ') && memchr::memchr(b'/', &head[..i]).is_some()
    })
}

/// Whether the file at `path` is a tar archive, plain or gzip-compressed (by its content).
/// Errors say "no": reading the file as a log then reports them.
pub fn is_archive(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut raw = BufReader::new(file);
    let gzip = matches!(raw.fill_buf(), Ok(head) if head.starts_with(&[0x1f, 0x8b]));
    let mut head = [0u8; TAR_BLOCK];
    let n = if gzip {
        read_up_to(&mut MultiGzDecoder::new(raw), &mut head)
    } else {
        read_up_to(&mut raw, &mut head)
    };
    n == TAR_BLOCK && &head[257..262] == b"ustar"
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// What the archive's reader saw: position, the last header-sized stretch read (to name
/// a member whose header is corrupt) and whether reading failed.
#[derive(Debug, Default)]
struct TapState {
    pos: u64,
    last: Vec<u8>,
    failed: bool,
}

/// The archive stream, watched: tar's reader owns it, the bundle reader reads its state.
struct Tap<R> {
    inner: R,
    state: Rc<RefCell<TapState>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buf);
        let mut state = self.state.borrow_mut();
        match &result {
            Ok(n) => {
                let data = &buf[..*n];
                state.pos += *n as u64;
                if data.len() >= TAR_BLOCK {
                    state.last.clear();
                    state
                        .last
                        .extend_from_slice(&data[data.len() - TAR_BLOCK..]);
                } else {
                    state.last.extend_from_slice(data);
                    let over = state.last.len().saturating_sub(TAR_BLOCK);
                    state.last.drain(..over);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => state.failed = true,
        }
        result
    }
}

/// Counts the bytes read from a member.
struct Counted<'a> {
    inner: &'a mut dyn Read,
    bytes: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// One log member of an archive, ready to be read once.
pub struct Member<'a> {
    bundle: &'a Path,
    member: String,
    name: String,
    size: u64,
    tag: Option<PodTag>,
    data: &'a mut dyn Read,
    state: &'a RefCell<TapState>,
}

impl Member<'_> {
    /// The input name: `ARCHIVE:PATH-IN-ARCHIVE` (the archive's top folder left out).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pod and container, for a pod log.
    pub fn tag(&self) -> Option<&PodTag> {
        self.tag.as_ref()
    }

    /// Reads the member as [`crate::source::read_blocks`] reads a file found in a folder:
    /// buffers of whole lines, pod logs with their header on each line, a binary member
    /// passed over ([`Error::BinarySkipped`]). A cut in the archive ends the member with an
    /// error naming the bundle and the member; what came before was handed on.
    pub fn read_blocks(
        &mut self,
        f: &mut BlockFn<'_>,
    ) -> std::result::Result<ReadStats, ReadFailure> {
        let mut tagger = self.tag.as_ref().map(|t| Tagger::new(&t.pod, &t.container));
        let mut lines = 0u64;
        let mut counted = Counted {
            inner: &mut *self.data,
            bytes: 0,
        };
        let path = PathBuf::from(&self.name);
        let result = read_stream(Box::new(&mut counted), &path, &mut |block| {
            lines += memchr::memchr_iter(b'\n', block.bytes()).count() as u64;
            match tagger.as_mut() {
                Some(t) => t.feed(block.bytes(), f),
                None => f(block),
            }
        });
        let read = counted.bytes;
        let cut = |stats: ReadStats, source: Option<io::Error>| ReadFailure {
            error: Error::BundleMember {
                bundle: self.bundle.to_path_buf(),
                member: self.member.clone(),
                problem: format!(
                    "the archive is truncated or corrupt here, after {read} of the member's {} bytes (line {}); what came before was analysed, members after it could not be read",
                    self.size,
                    lines + 1
                ),
                source,
            },
            stats,
        };
        match result {
            Ok(stats) if read < self.size => Err(cut(stats, None)),
            Ok(stats) => Ok(stats),
            Err(failure) if self.state.borrow().failed => {
                let source = match failure.error {
                    Error::ReadInput { source, .. } | Error::TruncatedGzip { source, .. } => {
                        Some(source)
                    }
                    _ => None,
                };
                Err(cut(failure.stats, source))
            }
            Err(failure) => Err(failure.of_found()),
        }
    }
}

/// What an archive holds besides its log members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassedOver {
    /// Members that are not logs (JSON resources, host info, links): not read.
    pub skipped: u64,
    /// Log members of 0 bytes: nothing to read, no input of their own.
    pub empty: u64,
    /// Hidden members (a name in their path starts with `.`): not read, as in a folder walk.
    pub hidden: u64,
    /// The first of them, `ARCHIVE:PATH`, for the note that says so.
    pub first_hidden: Option<String>,
}

impl PassedOver {
    /// Adds `other`'s counts (the first hidden member stays the first).
    pub fn add(&mut self, other: PassedOver) {
        self.skipped += other.skipped;
        self.empty += other.empty;
        self.hidden += other.hidden;
        if self.first_hidden.is_none() {
            self.first_hidden = other.first_hidden;
        }
    }
}

/// Something found while streaming an archive, in archive order.
pub enum ArchiveEvent<'a, 'b> {
    /// A log member: analyse it (read it now, or it is passed over).
    Log(&'a mut Member<'b>),
    /// A member or a stretch of the archive that could not be read; reported, counted as an
    /// unreadable input.
    Problem(Error),
}

/// Makes control characters in a member path visible and harmless on a terminal.
fn printable(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A member path made relative and checked: `None` if it is absolute or climbs with `..`.
fn clean_path(raw: &str) -> Option<String> {
    if raw.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The name field of a tar header (up to its first NUL), for naming a corrupt member, when
/// it reads as a member's path: a header that fails its checks may be log text read as a
/// header (a cut archive), and its "name" then the second half of a secret that the masker
/// cannot recognise. See: issue 15.
fn header_name(block: &[u8]) -> Option<String> {
    let field = block.get(..100)?;
    let end = memchr::memchr(0, field).unwrap_or(field.len());
    let name = &field[..end];
    let path_like = name.contains(&b'/')
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'/'))
        && [&b".log"[..], b".txt", b".gz", b".json", b".yaml", b".har"]
            .iter()
            .any(|ext| {
                name.ends_with(ext)
                    || name
                        .windows(ext.len() + 1)
                        .any(|w| w.starts_with(ext) && w[ext.len()] == b'.')
            });
    path_like.then(|| printable(name))
}

/// A support bundle archive as a source: each log member is a log of its own, handed on
/// in archive order as the archive streams (a compressed tar can only be read in order).
pub struct Archive {
    path: PathBuf,
}

impl Archive {
    /// The archive at `path`, opened when read.
    pub fn new(path: &Path) -> Archive {
        Archive {
            path: path.to_path_buf(),
        }
    }
}

impl Source for Archive {
    fn read(&mut self, sink: &mut dyn Sink) {
        let counts = read_archive(&self.path, &mut |item| match item {
            ArchiveEvent::Log(member) => {
                let name = member.name().to_string();
                sink.log(name, Log::Blocks(&mut |f| member.read_blocks(f)));
            }
            ArchiveEvent::Problem(error) => sink.problem(error),
        });
        sink.passed_over(counts);
    }
}

/// Streams the archive at `path` member by member, handing `on_item` each log member and
/// each problem in archive order. A corrupt header is passed over to the next valid one; a
/// cut or a broken compressed stream ends the archive there. Never extracts anything.
pub fn read_archive(path: &Path, on_item: &mut dyn FnMut(ArchiveEvent<'_, '_>)) -> PassedOver {
    let mut reader = Reader {
        bundle: path,
        counts: PassedOver::default(),
        links: HashMap::new(),
        root: None,
        last_member: None,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(source) => {
            on_item(ArchiveEvent::Problem(Error::ReadInput {
                path: path.to_path_buf(),
                source,
            }));
            return reader.counts;
        }
    };
    let mut raw = BufReader::with_capacity(64 << 10, file);
    let gzip = matches!(raw.fill_buf(), Ok(head) if head.starts_with(&[0x1f, 0x8b]));
    let stream: Box<dyn Read> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let state = Rc::new(RefCell::new(TapState::default()));
    let mut tap = Tap {
        inner: stream,
        state: Rc::clone(&state),
    };
    reader.run(&mut tap, &state, on_item);
    reader.counts
}

/// The state of one archive's walk.
struct Reader<'p> {
    bundle: &'p Path,
    counts: PassedOver,
    /// Pod log links seen so far: target path -> the link's pod and container.
    links: HashMap<String, PodTag>,
    /// The archive's top folder, taken from its first member.
    root: Option<Option<String>>,
    last_member: Option<String>,
}

enum Next {
    Go,
    Stop,
}

impl Reader<'_> {
    fn run<R: Read>(
        &mut self,
        tap: &mut Tap<R>,
        state: &RefCell<TapState>,
        on_item: &mut dyn FnMut(ArchiveEvent<'_, '_>),
    ) {
        // The tar reader stops at the first bad header; a new one starts where it stopped,
        // so a corrupt member costs only itself (GNU tar skips to the next header too).
        let mut resyncing = false;
        loop {
            let mut archive = tar::Archive::new(&mut *tap);
            archive.set_ignore_zeros(true);
            let entries = match archive.entries() {
                Ok(entries) => entries,
                Err(source) => {
                    on_item(ArchiveEvent::Problem(
                        self.bundle_error("cannot read", source),
                    ));
                    return;
                }
            };
            let mut restart = false;
            for entry in entries {
                match entry {
                    Ok(mut entry) => {
                        resyncing = false;
                        if let Next::Stop = self.entry(&mut entry, state, on_item) {
                            return;
                        }
                    }
                    Err(source) => {
                        let broken =
                            state.borrow().failed || source.kind() == io::ErrorKind::UnexpectedEof;
                        if broken {
                            let after = self.after();
                            on_item(ArchiveEvent::Problem(self.bundle_error(
                                &format!(
                                    "the archive is truncated or corrupt {after}, {} bytes in; members after it could not be read",
                                    state.borrow().pos
                                ),
                                source,
                            )));
                            return;
                        }
                        if !resyncing {
                            resyncing = true;
                            let name = header_name(&state.borrow().last)
                                .map(|n| self.shown(&n).to_string())
                                .unwrap_or_else(|| "?".to_string());
                            let after = self.after();
                            on_item(ArchiveEvent::Problem(Error::BundleMember {
                                bundle: self.bundle.to_path_buf(),
                                member: name,
                                problem: format!(
                                    "corrupt tar header ({after}); member not read, looking for the next one"
                                ),
                                source: Some(source),
                            }));
                        }
                        restart = true;
                        break;
                    }
                }
            }
            if !restart {
                return;
            }
        }
    }

    fn after(&self) -> String {
        match &self.last_member {
            Some(m) => format!("after member {m}"),
            None => "at its start".to_string(),
        }
    }

    fn bundle_error(&self, problem: &str, source: io::Error) -> Error {
        Error::Bundle {
            bundle: self.bundle.to_path_buf(),
            problem: problem.to_string(),
            source: Some(source),
        }
    }

    /// The name shown for a member: its path without the archive's top folder.
    fn shown<'s>(&self, path: &'s str) -> &'s str {
        match &self.root {
            Some(Some(root)) => path
                .strip_prefix(root.as_str())
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(path),
            _ => path,
        }
    }

    fn entry<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        state: &RefCell<TapState>,
        on_item: &mut dyn FnMut(ArchiveEvent<'_, '_>),
    ) -> Next {
        let raw = printable(&entry.path_bytes());
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            return Next::Go;
        }
        let Some(path) = clean_path(&raw) else {
            on_item(ArchiveEvent::Problem(Error::BundleMember {
                bundle: self.bundle.to_path_buf(),
                member: raw,
                problem: "path is absolute or leaves the bundle with `..`; member not read"
                    .to_string(),
                source: None,
            }));
            return Next::Go;
        };
        if self.root.is_none() {
            self.root = Some(
                path.split_once('/')
                    .map(|(top, _)| top.to_string())
                    .or_else(|| kind.is_dir().then(|| path.clone())),
            );
        }
        let shown = self.shown(&path).to_string();
        self.last_member = Some(shown.clone());
        if kind.is_dir() {
            return Next::Go;
        }
        if shown
            .split('/')
            .any(|part| is_hidden(std::ffi::OsStr::new(part)))
        {
            self.counts.hidden += 1;
            if self.counts.first_hidden.is_none() {
                self.counts.first_hidden = Some(format!("{}:{shown}", self.bundle.display()));
            }
            return Next::Go;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            self.counts.skipped += 1;
            if kind.is_symlink()
                && let Some(tag) = pod_log_parts(&last_parts(&path))
                && let Some(target) = entry.link_name_bytes()
            {
                let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
                if let Some(target) = resolve(parent, &String::from_utf8_lossy(&target)) {
                    self.links.insert(target, tag);
                }
            }
            return Next::Go;
        }
        if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
            self.counts.skipped += 1;
            return Next::Go;
        }
        let file_name = path.rsplit('/').next().unwrap_or_default();
        let tag = pod_log_parts(&last_parts(&path)).or_else(|| self.links.get(&path).cloned());
        // Outside troubleshoot's layout a member is read whatever its name (a `.txt` of a
        // plain tarball, a custom collector's output): its content says whether it is text.
        if tag.is_none() && !is_log_name(file_name) && is_resource(&path, !shown.contains('/')) {
            self.counts.skipped += 1;
            return Next::Go;
        }
        let size = entry.size();
        if size == 0 {
            self.counts.empty += 1;
            return Next::Go;
        }
        let mut member = Member {
            bundle: self.bundle,
            name: format!("{}:{shown}", self.bundle.display()),
            member: shown,
            size,
            tag,
            data: entry,
            state,
        };
        on_item(ArchiveEvent::Log(&mut member));
        // A broken stream cannot be read past; a member left unread is skipped by tar.
        let state = state.borrow();
        if state.failed {
            return Next::Stop;
        }
        Next::Go
    }
}

/// The last six components of an archive path, last first, for [`pod_log_parts`].
fn last_parts(path: &str) -> Vec<String> {
    path.rsplit('/').take(6).map(str::to_string).collect()
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
