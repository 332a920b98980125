//! Helpers shared by the unit tests.

use std::path::Path;

/// Every file below the given folders of the repository (`samples`, `tests/corpus`...),
/// read whole, in no particular order.
pub fn repo_files(dirs: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        let mut stack = vec![root.join(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(
                    std::fs::read_dir(&p)
                        .expect("a folder of the repository lists")
                        .map(|e| e.expect("a listed entry").path()),
                );
            } else if let Ok(bytes) = std::fs::read(&p) {
                files.push(bytes);
            }
        }
    }
    files
}

/// The lines of every file below the samples, corpus and fixture folders, as text.
pub fn repo_lines() -> Vec<String> {
    repo_files(&["samples", "tests/corpus", "tests/fixtures"])
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}
