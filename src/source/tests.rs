use super::*;
use std::io::Write;

fn read_all(path: &Path) -> (Vec<u8>, std::result::Result<ReadStats, ReadFailure>) {
    let mut out = Vec::new();
    let r = read_blocks(&Input::File(path.to_path_buf()), &mut |b| {
        out.extend_from_slice(b.bytes())
    });
    (out, r)
}

#[test]
fn gzip_by_magic_and_truncated_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let text: Vec<u8> = (0..20000)
        .flat_map(|i| format!("line {i} AADSTS50011\n").into_bytes())
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let whole = dir.path().join("netbox.log.1");
    fs::write(&whole, &gz).unwrap();
    let (out, r) = read_all(&whole);
    assert_eq!(out, text);
    let stats = r.unwrap();
    assert!(stats.gzip);
    assert_eq!(stats.bytes, text.len() as u64);

    let cut = dir.path().join("cut.gz");
    fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let (out, r) = read_all(&cut);
    let failure = r.unwrap_err();
    assert!(
        matches!(failure.error, Error::TruncatedGzip { .. }),
        "{:?}",
        failure.error
    );
    assert!(!out.is_empty() && text.starts_with(&out));
}

/// Reads land on a [`READ_ALIGN`]ed address after any number of kept bytes, whatever
/// buffer a consumer left behind, and the lines handed on are whole either way.
#[test]
fn reads_land_aligned() {
    let mut block = Block::default();
    for (head, size, left) in [(0, 4096, 0), (17, 4096, 3), (63, 100, 1000), (64, 100, 5)] {
        block.data = vec![7; left];
        block.place(head, size);
        assert!(block.data.len() >= block.start + size);
        let at = block.area()[head..].as_ptr() as usize;
        assert_eq!(at % READ_ALIGN, 0, "head {head}, size {size}");
    }
    let dir = tempfile::tempdir().unwrap();
    let text: Vec<u8> = (0..800_000)
        .flat_map(|i| format!("line {i} {}\n", "x".repeat(i % 13)).into_bytes())
        .collect();
    let path = dir.path().join("netbox.log");
    fs::write(&path, &text).unwrap();
    let mut out = Vec::new();
    let mut blocks = 0;
    read_blocks(&Input::File(path), &mut |b| {
        blocks += 1;
        assert!(b.bytes().ends_with(b"\n"));
        out.extend_from_slice(b.bytes());
        // Leave the reader a buffer at another place, of another size.
        b.data = vec![0; blocks * 7];
    })
    .unwrap();
    assert!(blocks > 2, "{blocks}");
    assert!(out == text);
}

/// A line with no end (issue #15: 10 GiB from a pipe) comes out in pieces of
/// [`MAX_LINE`] bytes, each counted, and the buffer a piece is built in is not copied
/// as it grows (a copy holds the old and the new buffer at once).
#[test]
fn an_endless_line_comes_in_pieces_of_max_line() {
    let total = 2 * MAX_LINE + 3 * BLOCK + 5;
    let endless = io::repeat(b'a').take(total as u64);
    let mut pieces = Vec::new();
    let stats = read_stream(Box::new(endless), Path::new("pipe"), &mut |b| {
        assert!(b.bytes().iter().all(|&c| c == b'a'));
        pieces.push(b.len);
    })
    .unwrap();
    assert_eq!(pieces, [MAX_LINE, MAX_LINE, 3 * BLOCK + 5]);
    assert_eq!(stats.split_lines, 2);
    assert_eq!(stats.bytes, total as u64);

    let mut block = Block::default();
    block.place(5, 2 * BLOCK);
    block.grow(LONG_LINE + 1);
    let at = block.data.as_ptr();
    let mut size = LONG_LINE + 1;
    while size < MAX_LINE + BLOCK {
        size = (size * 2).min(MAX_LINE + BLOCK);
        block.grow(size);
        assert_eq!(block.data.as_ptr(), at, "moved growing to {size} bytes");
    }
}

#[test]
fn a_long_line_in_gzip_grows_the_buffer_without_stalling() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = vec![b'a'; 5 * BLOCK + 17];
    text.extend_from_slice(b" AADSTS50011\nnext\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    let path = dir.path().join("long.gz");
    fs::write(&path, gz.finish().unwrap()).unwrap();
    let (out, r) = read_all(&path);
    assert!(r.is_ok());
    assert_eq!(out, text);
}

/// A consumer that keeps every buffer (as the worker threads do) leaves the reader an
/// empty one, or a small one, each time: the lines still come out whole and in order,
/// across a line longer than two blocks and a piece of a line carried over.
#[test]
fn a_consumer_may_take_the_buffers() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    for i in 0..60_000 {
        text.extend_from_slice(
            format!("2026-11-20 line {i} AADSTS50011 {}\n", "x".repeat(i % 97)).as_bytes(),
        );
        if i == 30_000 {
            text.extend_from_slice(&vec![b'y'; 3 * BLOCK]);
            text.push(b'\n');
        }
    }
    text.extend_from_slice(b"last line without a newline");
    let plain = dir.path().join("netbox.log");
    fs::write(&plain, &text).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    let packed = dir.path().join("netbox.log.gz");
    fs::write(&packed, gz.finish().unwrap()).unwrap();
    for path in [&plain, &packed] {
        for leave in [0usize, 100] {
            let mut kept: Vec<Vec<u8>> = Vec::new();
            let r = read_blocks(&Input::File(path.clone()), &mut |b| {
                let taken = std::mem::replace(&mut b.data, vec![0; leave]);
                kept.push(taken[b.start..b.start + b.len].to_vec());
            });
            assert!(r.is_ok());
            assert!(kept.len() > 3, "{}", kept.len());
            assert!(kept[..kept.len() - 1].iter().all(|k| k.ends_with(b"\n")));
            assert!(kept.concat() == text, "{} leaving {leave}", path.display());
        }
    }
}

/// Ranges put back together give the text's lines, whole and in order, wherever the
/// ranges cut; a line longer than the limit comes out in pieces, each counted.
#[test]
fn stitched_ranges_give_whole_lines() {
    let mut text = Vec::new();
    for i in 0..500 {
        text.extend_from_slice(format!("line {i} {}\n", "x".repeat(i % 37)).as_bytes());
    }
    text.extend_from_slice(&[b'y'; 300]);
    text.extend_from_slice(b"\nlast");
    for size in [1, 7, 64, 4096] {
        let mut stitch = Stitch::with_max_line(100);
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for range in text.chunks(size) {
            let cut = whole_lines(range);
            stitch.join(range, cut, &mut |l| lines.push(l.to_vec()));
            if let Some((from, to)) = cut {
                lines.extend(
                    range[from..to]
                        .split_inclusive(|&b| b == b'\n')
                        .map(<[u8]>::to_vec),
                );
            }
        }
        stitch.finish(&mut |l| lines.push(l.to_vec()));
        assert_eq!(lines.concat(), text, "{size} bytes per range");
        // Every piece without a newline but the input's last line is a counted split.
        let pieces = lines.iter().filter(|l| !l.ends_with(b"\n")).count() as u64;
        assert_eq!(stitch.split_lines, pieces - 1, "{size} bytes per range");
        if size < 100 {
            assert!(stitch.split_lines >= 2, "{size} bytes per range");
        }
        assert!(
            lines.iter().all(|l| l.len() < 100 + size),
            "{size} bytes per range"
        );
    }
}

/// The carry of a line longer than [`LONG_LINE`] gets the room of a whole piece at
/// once: it is not copied as ranges are added to it.
#[test]
fn a_long_line_across_ranges_is_not_copied_as_it_grows() {
    let max_line = 4 * LONG_LINE;
    let mut stitch = Stitch::with_max_line(max_line);
    let range = vec![b'a'; BLOCK];
    let mut pieces = Vec::new();
    let mut at = None;
    for _ in 0..2 * max_line / BLOCK {
        stitch.join(&range, None, &mut |l| pieces.push(l.len()));
        if stitch.carry.len() > LONG_LINE {
            let now = stitch.carry.as_ptr();
            assert_eq!(*at.get_or_insert(now), now, "{} bytes", stitch.carry.len());
        } else if stitch.carry.is_empty() {
            at = None;
        }
    }
    assert_eq!(pieces, [max_line, max_line]);
    assert_eq!(stitch.split_lines, 2);
}

/// Only a plain regular file is read in ranges: gzip, binary files and pod logs of a
/// bundle folder are read in order by one thread.
#[test]
fn what_is_read_in_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("netbox.log");
    fs::write(&plain, "INFO one\nERROR AADSTS50011 two\n").unwrap();
    let ranged = Ranged::open(&Input::File(plain.clone())).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(ranged.read_at(5, &mut buf).unwrap(), 8);
    assert_eq!(&buf, b"one\nERRO");
    assert_eq!(ranged.read_at(30, &mut buf).unwrap(), 1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"INFO one\n").unwrap();
    let packed = dir.path().join("netbox.log.1");
    fs::write(&packed, gz.finish().unwrap()).unwrap();
    assert!(Ranged::open(&Input::File(packed)).is_none());
    let binary = dir.path().join("core");
    fs::write(&binary, b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    assert!(Ranged::open(&Input::File(binary)).is_none());
    let pod = Input::PodLog {
        path: plain,
        pod: "netbox-0".into(),
        container: "netbox".into(),
        found: true,
    };
    assert!(Ranged::open(&pod).is_none());
    assert!(Ranged::open(&Input::File(dir.path().join("missing"))).is_none());
}

#[test]
fn binary_is_refused_text_with_a_few_nuls_is_not() {
    assert!(sniff_binary(b"\x7fELF\x02\x01\x01\0\0\0").is_some());
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    assert!(sniff_binary(&noise).is_some());
    assert!(sniff_binary(b"ok line\r\nbad \xff\xfe line with \0 NUL\r\n").is_none());
    assert!(sniff_binary(b"").is_none());
    let utf16: Vec<u8> = "INFO 2026-11-20 netbox started and ready for logins\r\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    assert!(sniff_binary(&utf16).unwrap().contains("UTF-16"));
}

#[test]
fn directory_walk_is_sorted_and_recursive() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("b/c")).unwrap();
    for p in ["b/c/z.log", "b/a.log", "a.log"] {
        fs::write(dir.path().join(p), "x\n").unwrap();
    }
    let (inputs, errors) = expand(&[dir.path().to_path_buf(), dir.path().join("missing")]);
    let names: Vec<String> = inputs
        .iter()
        .map(|i| {
            i.name()
                .trim_start_matches(&dir.path().display().to_string())
                .to_string()
        })
        .collect();
    assert_eq!(names, ["/a.log", "/b/a.log", "/b/c/z.log"]);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("missing: no such file"));
}

/// One place tells what a file holds, by content: a HAR (also gzipped, also named
/// otherwise), a tar archive (also gzipped), else a log; and a folder with
/// `cluster-resources/` is a support bundle.
#[test]
fn inputs_are_told_apart_by_content_in_one_place() {
    use super::detect::{FolderKind, detect_file, detect_folder};
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        path
    };
    let gzip = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let har = br#"{ "log": { "version": "1.2", "entries": [] } }"#;
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(4);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "pod.log", &b"line"[..]).unwrap();
    let tar = tar.into_inner().unwrap();
    let log = b"2026-11-20T09:14:02Z ERROR AADSTS50011: redirect URI mismatch\n";
    let docker = br#"{"log":"AADSTS50011 in a Docker JSON log line\n","stream":"stderr"}"#;
    for (name, bytes, kind) in [
        ("capture.json", har.to_vec(), "har"),
        ("capture.bin", gzip(har), "har"),
        ("bundle.dat", tar.clone(), "archive"),
        ("bundle.tgz", gzip(&tar), "archive"),
        ("netbox.log", log.to_vec(), "log"),
        ("netbox.log.gz", gzip(log), "log"),
        ("docker.json", docker.to_vec(), "log"),
    ] {
        assert_eq!(detect_file(&write(name, &bytes)).name, kind, "{name}");
    }
    assert_eq!(detect_file(&dir.path().join("missing.log")).name, "log");
    assert_eq!(detect_folder(dir.path()), FolderKind::Plain);
    fs::create_dir(dir.path().join("cluster-resources")).unwrap();
    assert_eq!(detect_folder(dir.path()), FolderKind::Bundle);
}

/// A HAR opens with `{"log": {`, after a byte-order mark and whitespace too; Docker's JSON
/// log lines (`{"log":"...`) and plain lines do not.
#[test]
fn har_is_told_by_its_opening() {
    use super::har::looks_like_har;
    assert!(looks_like_har(
        b"\xef\xbb\xbf{\n  \"log\": {\"version\": \"1.2\""
    ));
    assert!(!looks_like_har(
        b"{\"log\":\"GET / 200\",\"stream\":\"stdout\"}"
    ));
    assert!(!looks_like_har(b"2026-11-20 log line"));
    // JSON lines that nest the record under "log": a log, not one HAR document.
    assert!(!looks_like_har(
        b"{\"log\": {\"msg\": \"AADSTS50011\"}}\n{\"log\": {\"msg\": \"ok\"}}\n"
    ));
    // A HAR on one line, or pretty-printed, still is one.
    assert!(looks_like_har(
        b"{\"log\": {\"version\": \"1.2\", \"entries\": []}}\n"
    ));
    assert!(looks_like_har(
        b"{\n  \"log\": {\n    \"version\": \"1.2\",\n"
    ));
}

#[test]
fn a_file_named_har_is_a_har_unless_its_text_is_plainly_something_else() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], bool); 5] = [
        (
            "log.har",
            b"2026-11-20T09:00:00Z ERROR AADSTS50011 x\n",
            false,
        ),
        ("cut.har", b"  {\"log\": {\"entries\": [", true),
        ("empty.har", b"", true),
        ("bin.har", b"\x00\x01\x02\x03binary\x00", true),
        ("bom.har", b"\xef\xbb\xbf{\"log\": {}}", true),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(har::is_har(&path), expect, "{name}");
    }
}

/// A log truncated in place by logrotate's `copytruncate` while its writer kept writing at
/// its old offset starts with a hole of NULs: the hole (of any size, in one read or many)
/// is skipped and counted, and the lines after it are read as they are, not refused as a
/// binary file.
#[test]
fn a_hole_of_nuls_at_the_start_is_skipped_and_counted() {
    let text = b"2026-11-20T09:14:03Z ERROR AADSTS50011 one\nsecond line\n";
    for hole in [1, 5000, 3 * BLOCK + 7] {
        let input = io::repeat(0).take(hole as u64).chain(&text[..]);
        let mut out = Vec::new();
        let stats = read_stream(Box::new(input), Path::new("netbox.log"), &mut |b| {
            out.extend_from_slice(b.bytes())
        })
        .unwrap();
        assert_eq!(out, text, "hole of {hole}");
        assert_eq!(stats.nul_lead, hole as u64);
        assert_eq!(stats.bytes, (hole + text.len()) as u64);
    }
    // A hole after the first line (truncated in place once that line was written) is
    // part of the text, not a sign of a binary file; scattered NULs still are.
    let holed = [&text[..], &[0u8; 50_000][..], &text[..]].concat();
    assert_eq!(sniff_binary(&holed), None);
    let scattered: Vec<u8> = text.iter().flat_map(|&b| [b, 0, 0]).collect();
    assert!(sniff_binary(&scattered).is_some());
    // Nothing but the hole: nothing to read, all of it counted.
    let mut blocks = 0;
    let stats = read_stream(
        Box::new(io::repeat(0).take(9000)),
        Path::new("x"),
        &mut |_| blocks += 1,
    )
    .unwrap();
    assert_eq!((blocks, stats.nul_lead), (0, 9000));
    // NULs after the first line are the line's own bytes, not a hole.
    let inner = [&text[..], b"\0\0", &text[..]].concat();
    let mut out = Vec::new();
    let stats = read_stream(Box::new(&inner[..]), Path::new("x"), &mut |b| {
        out.extend_from_slice(b.bytes())
    })
    .unwrap();
    assert_eq!((out, stats.nul_lead), (inner, 0));
}

/// A folder named on the command line with nothing in it is an error naming it (a wrong
/// path or a bundle not extracted yet), not a clean run; a folder with a file is not.
#[test]
fn an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    fs::create_dir_all(empty.join("nested")).unwrap();
    let out = expand_all(std::slice::from_ref(&empty));
    assert!(out.inputs.is_empty());
    assert!(matches!(&out.errors[..], [Error::EmptyFolder { path }] if *path == empty));
    fs::write(empty.join("nested/netbox.log"), "x\n").unwrap();
    let out = expand_all(&[empty]);
    assert_eq!((out.inputs.len(), out.errors.len()), (1, 0));
}

/// A walk makes every file an input whatever its name, marked as found; hidden entries
/// (and all below a hidden folder) are passed over and listed; a named file is not found.
#[test]
fn a_walk_finds_every_file_and_passes_over_hidden_ones() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git/logs")).unwrap();
    fs::create_dir_all(dir.path().join("pods")).unwrap();
    for p in [
        ".git/logs/HEAD",
        ".DS_Store",
        "browser-error.txt",
        "notes",
        "pods/._netbox.log",
        "pods/netbox.log",
    ] {
        fs::write(dir.path().join(p), "x\n").unwrap();
    }
    let named = dir.path().join("notes");
    let out = expand_all(&[dir.path().to_path_buf(), named.clone()]);
    let found: Vec<PathBuf> = out
        .inputs
        .iter()
        .filter(|i| i.found())
        .map(|i| i.path())
        .collect();
    assert_eq!(
        found,
        ["browser-error.txt", "notes", "pods/netbox.log"].map(|p| dir.path().join(p))
    );
    assert_eq!(out.inputs.last(), Some(&Input::File(named)));
    assert_eq!(
        out.hidden,
        [".DS_Store", ".git", "pods/._netbox.log"].map(|p| dir.path().join(p))
    );
    let note = hidden_note(3, Some(".DS_Store")).unwrap();
    assert!(
        note.starts_with("note: 3 hidden file(s) or folder(s) not read"),
        "{note}"
    );
    assert!(hidden_note(0, None).is_none());
    // A folder holding only hidden entries has no log to read: an error (issue 18), and the
    // note still says what it held.
    let only = dir.path().join("only");
    fs::create_dir(&only).unwrap();
    fs::write(only.join(".netbox.log.swp"), "x\n").unwrap();
    let out = expand_all(std::slice::from_ref(&only));
    assert!(out.inputs.is_empty(), "{out:?}");
    assert!(
        matches!(&out.errors[..], [Error::EmptyFolder { path }] if *path == only),
        "{out:?}"
    );
    assert_eq!(out.hidden.len(), 1);
}

/// The same binary file fails the run when named ([`Error::BinaryInput`]) and is passed
/// over when found in a folder ([`Error::BinarySkipped`]), pod logs of a bundle folder
/// included; other failures of a found file stay what they are.
#[test]
fn a_binary_file_found_is_passed_over_one_named_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("core");
    fs::write(&core, b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    let read = |input: &Input| read_blocks(input, &mut |_| {}).unwrap_err().error;
    assert!(matches!(
        read(&Input::File(core.clone())),
        Error::BinaryInput { .. }
    ));
    assert!(matches!(
        read(&Input::Found(core.clone())),
        Error::BinarySkipped { .. }
    ));
    for found in [true, false] {
        let pod = Input::PodLog {
            path: core.clone(),
            pod: "netbox-0".into(),
            container: "netbox".into(),
            found,
        };
        assert_eq!(matches!(read(&pod), Error::BinarySkipped { .. }), found);
    }
    let gone = Input::Found(dir.path().join("gone.log"));
    assert!(matches!(read(&gone), Error::MissingInput { .. }));
    // A log is opened as the input it is, so one found stays found.
    struct Seen(Vec<bool>);
    impl Sink for Seen {
        fn log(&mut self, _: String, log: Log<'_, '_>) {
            if let Log::Input(input) = log {
                self.0.push(input.found());
            }
        }
        fn har(&mut self, _: String, _: &Path, _: &mut dyn Read) {}
        fn problem(&mut self, _: Error) {}
        fn passed_over(&mut self, _: bundle::PassedOver) {}
    }
    let text = dir.path().join("notes");
    fs::write(&text, "x\n").unwrap();
    let mut seen = Seen(Vec::new());
    for input in [Input::Found(text.clone()), Input::File(text)] {
        detect::open(&input).read(&mut seen);
    }
    assert_eq!(seen.0, [true, false]);
}
