//! The floor for `pkglens scan` on a tree of rez packages: a parallel, deterministic walk that
//! reads every `package.py` fully into memory and parses nothing. `scripts/bench` runs it beside
//! `pkglens scan`; the ratio of the two is what parsing, records, ordering and output cost.
//!
//! The walk is the one pkglens does (see `native/src/walk.rs`), stripped to its floor: each
//! directory is listed with `read_dir` (file types from the listing, no `stat`), its entries are
//! sorted by name as bytes, and visited with rayon's `par_iter`; results are concatenated in
//! sorted order, so the order is a sorted depth-first one whatever the thread count (the order
//! of `pkglens scan`). Unlike pkglens it reads each file as soon as it is found (one pass, no
//! list in between), with `open`, `read` until 0 and `close` only, into a per-thread buffer,
//! and keeps only the path and the length.
//!
//! ```text
//! cargo build --release -p pkglens --example walk_floor
//! target/release/examples/walk_floor [--list] [--jobs N] DIR
//! ```
//!
//! Prints `files N bytes B`; `--list` prints the paths in walk order instead (the same list as
//! the `path` fields of `pkglens scan --format ndjson DIR`). Exit status 1 when a directory or
//! file could not be read (each is reported on standard error), 2 on a usage error.

use rayon::prelude::*;
use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The file name read.
const NAME: &str = "package.py";

/// One file read: its path and how many bytes it held. Failures are kept, not fatal.
enum Item {
    File(PathBuf, u64),
    Failed(PathBuf, io::Error),
}

fn main() -> ExitCode {
    let mut list = false;
    let mut jobs = 0;
    let mut root = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--list") => list = true,
            Some("--jobs") | Some("-j") => match args.next().and_then(|n| n.to_str()?.parse().ok())
            {
                Some(n) => jobs = n,
                None => return usage("--jobs needs a number"),
            },
            Some("-h") | Some("--help") => return usage(""),
            _ if root.is_none() => root = Some(PathBuf::from(arg)),
            _ => return usage("one directory only"),
        }
    }
    let Some(root) = root else {
        return usage("give a directory");
    };
    // 0: rayon's default, one thread per core (as `pkglens --jobs auto`).
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("walk_floor: cannot start threads: {err}");
            return ExitCode::from(2);
        }
    };
    let items = pool.install(|| walk_dir(&root));

    let out = io::stdout();
    let mut out = io::BufWriter::new(out.lock());
    let (mut files, mut bytes, mut failed) = (0u64, 0u64, 0u64);
    for item in &items {
        match item {
            Item::File(path, len) => {
                files += 1;
                bytes += len;
                if list {
                    let _ = writeln!(out, "{}", path.display());
                }
            }
            Item::Failed(path, err) => {
                failed += 1;
                eprintln!("walk_floor: {}: {err}", path.display());
            }
        }
    }
    if !list {
        let _ = writeln!(out, "files {files} bytes {bytes}");
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("walk_floor: {problem}");
    }
    eprintln!("usage: walk_floor [--list] [--jobs N] DIR");
    ExitCode::from(if problem.is_empty() { 0 } else { 2 })
}

/// Lists `dir`, sorts it, and visits its entries in parallel: directories recursively, files
/// named `package.py` read whole. Returns the files in sorted depth-first order.
fn walk_dir(dir: &Path) -> Vec<Item> {
    let mut entries: Vec<(PathBuf, bool)> = match fs::read_dir(dir) {
        Ok(iter) => iter
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let is_dir = entry.file_type().ok()?.is_dir();
                // Only what will be visited: subdirectories and the files to read.
                (is_dir || entry.file_name() == NAME).then(|| (entry.path(), is_dir))
            })
            .collect(),
        Err(err) => return vec![Item::Failed(dir.to_path_buf(), err)],
    };
    entries.sort_unstable_by(|a, b| {
        a.0.file_name()
            .map(|n| n.as_encoded_bytes())
            .cmp(&b.0.file_name().map(|n| n.as_encoded_bytes()))
    });
    let visit = |(path, is_dir): (PathBuf, bool)| -> Vec<Item> {
        if is_dir {
            walk_dir(&path)
        } else {
            vec![match read(&path) {
                Ok(len) => Item::File(path, len),
                Err(err) => Item::Failed(path, err),
            }]
        }
    };
    match entries.len() {
        0 => Vec::new(),
        // One entry (a version folder holding only its package.py): no task to split.
        1 => entries.into_iter().flat_map(visit).collect(),
        _ => {
            let parts: Vec<Vec<Item>> = entries.into_par_iter().map(visit).collect();
            let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
            for part in parts {
                all.extend(part);
            }
            all
        }
    }
}

/// Reads a whole file into memory and returns its length; the bytes are dropped, the floor
/// parses nothing. The fewest system calls std allows: `open`, `read` until it returns 0,
/// `close`, into a per-thread buffer that grows as needed (`fs::read` and `read_to_end` on a
/// `File` add a `statx`, and `read_to_end` an `lseek`, per file).
fn read(path: &Path) -> io::Result<u64> {
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; 64 * 1024]);
    }
    let mut file = File::open(path)?;
    BUFFER.with_borrow_mut(|buffer| {
        let mut len = 0;
        loop {
            if len == buffer.len() {
                buffer.resize(2 * len, 0);
            }
            match file.read(&mut buffer[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(std::hint::black_box(&buffer[..len]).len() as u64)
    })
}
