//! Issue 19, `pkglens compile`, against CPython's own `python -m compileall` in the test venv
//! (`.cache/venv`, made by `scripts/test`): the same tree is copied twice, with equal mtimes,
//! compiled by each tool from the same working folder (the path given is compiled into the
//! `.pyc`), and every `__pycache__` file must be byte-identical. Then the failures (a syntax
//! error, an unreadable file, a vanished file, an interpreter killed mid-batch), awkward names,
//! argument batches at the OS limit, and Ctrl-C.

#![cfg(unix)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The test venv's interpreter (CPython 3.11, as `scripts/lib.sh` pins it).
fn python() -> PathBuf {
    let python = root().join(".cache/venv/bin/python");
    assert!(python.exists(), "no {python:?}: run scripts/test's setup");
    python
}

fn site_packages() -> PathBuf {
    let lib = root().join(".cache/venv/lib");
    let version = fs::read_dir(&lib).unwrap().next().unwrap().unwrap();
    version.path().join("site-packages")
}

/// All files keep this mtime, so that timestamp `.pyc` files of two copies agree.
fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// Copies the sources of `from` (no `__pycache__`) to `to`, every file with [`fixed_time`].
fn copy_sources(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_dir() && entry.file_name() != "__pycache__" {
            copy_sources(&source, &target);
        } else if kind.is_file() {
            fs::copy(&source, &target).unwrap();
            set_time(&target);
        }
    }
}

fn set_time(path: &Path) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(fixed_time()).unwrap();
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    set_time(path);
}

/// Two copies, `a/site` for compileall and `b/site` for pkglens, made by `fill`.
fn twins(fill: impl Fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fill(&dir.path().join("a/site"));
    fill(&dir.path().join("b/site"));
    dir
}

fn compileall(cwd: &Path, args: &[&str]) -> Output {
    Command::new(python())
        .args(["-m", "compileall", "-q"])
        .args(args)
        .arg("site")
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn pkglens(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .arg("compile")
        .arg("--python")
        .arg(python())
        .args(args)
        .arg("site")
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every file under a `__pycache__` of `dir`, by path relative to `dir`.
fn pycs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn visit(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                visit(&path, base, out);
            } else if path.parent().unwrap().ends_with("__pycache__") {
                let bytes = fs::read(&path).unwrap();
                out.insert(path.strip_prefix(base).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    visit(dir, dir, &mut out);
    out
}

/// The `.pyc` files of both copies are the same files with the same bytes.
fn assert_same_pycs(dir: &Path, at_least: usize) {
    let (a, b) = (pycs(&dir.join("a")), pycs(&dir.join("b")));
    assert!(
        a.len() >= at_least,
        "compileall wrote only {} files",
        a.len()
    );
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    for (path, bytes) in &a {
        assert!(&b[path] == bytes, "{path:?} differs");
    }
}

/// A real site-packages (packaging, and pip's vendored rich: 1.5 MB of source, so the pool
/// runs) under each optimisation level and invalidation mode, in the pool, serially (paths as
/// arguments) and `--via-args`.
#[test]
fn the_pyc_files_are_compileall_s_byte_for_byte() {
    let site = site_packages();
    let dir = twins(|to| {
        copy_sources(&site.join("packaging"), &to.join("packaging"));
        copy_sources(&site.join("pip/_vendor/rich"), &to.join("rich"));
    });
    let runs: [(&[&str], &[&str]); 6] = [
        (&[], &["--jobs", "2"]),
        (&["--invalidation-mode", "checked-hash"], &["--jobs", "1"]),
        (
            &["--invalidation-mode", "unchecked-hash"],
            &["--jobs", "2", "--via-args"],
        ),
        (&["-o", "1"], &["-O", "--jobs", "2"]),
        (
            &["-o", "2", "--invalidation-mode", "checked-hash"],
            &["-OO", "--invalidation-mode", "checked-hash", "--jobs", "2"],
        ),
        (&["--invalidation-mode", "timestamp"], &["--jobs", "2"]),
    ];
    for (reference, ours) in runs {
        let expected = compileall(&dir.path().join("a"), reference);
        assert!(expected.status.success(), "{expected:?}");
        let mut args = ours.to_vec();
        args.extend(["--format", "json"]);
        let out = pkglens(&dir.path().join("b"), &args);
        assert!(out.status.success(), "{ours:?}: {out:?}");
        let summary = &json(&out)["summary"];
        assert_eq!(summary["failed"], 0);
        assert_same_pycs(dir.path(), 95);
    }
    // Timestamp `.pyc` files that match their source are left alone, as compileall leaves them.
    let again = json(&pkglens(&dir.path().join("b"), &["--format", "json"]));
    assert_eq!(again["summary"]["compiled"], 0);
    assert!(again["summary"]["up_to_date"].as_u64().unwrap() > 95);
}

/// Files in compileall's order: names sorted as Python sorts strings, `__pycache__` and links
/// to folders passed over, links to files taken; the order of `compileall._walk_dir`.
#[test]
fn files_come_in_compileall_s_walk_order() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for name in [
        "b.py",
        "B.py",
        "_x.py",
        "é.py",
        "z/a.py",
        "a.txt",
        "__pycache__/q.py",
    ] {
        write(&site.join(name), "x = 1\n");
    }
    std::os::unix::fs::symlink(site.join("z"), site.join("linked")).unwrap();
    std::os::unix::fs::symlink(site.join("b.py"), site.join("c.py")).unwrap();
    let script = "import compileall, json, sys\n\
                  print(json.dumps([f for f in compileall._walk_dir('site', 1000, quiet=1) \
                  if f.endswith('.py')]))";
    let expected = Command::new(python())
        .args(["-c", script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let expected: Vec<String> = serde_json::from_slice(&expected.stdout).unwrap();
    let out = json(&pkglens(dir.path(), &["--format", "json"]));
    let ours: Vec<&str> = out["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(ours, expected);
    assert_eq!(ours.len(), 6);
}

/// Spaces, a newline and bytes that are not UTF-8 in names, through standard input (the pool)
/// and through arguments: compiled, and the same `.pyc` (whose code names the path).
#[test]
fn awkward_names_survive_both_routes() {
    let dir = twins(|to| {
        for name in [
            &b"a b.py"[..],
            b"new\nline.py",
            b"caf\xe9.py",
            b"sp ace/m \xff.py",
        ] {
            write(&to.join(OsStr::from_bytes(name)), "x = 1\n");
        }
        // Over the serial threshold, so that `--jobs 2` starts the pool.
        write(&to.join("zz_filler.py"), "v = 0\n".repeat(100_000));
    });
    assert!(compileall(&dir.path().join("a"), &[]).status.success());
    for args in [
        &["--jobs", "2"][..],
        &["--jobs", "1"],
        &["--jobs", "2", "--via-args"],
    ] {
        let mut args = args.to_vec();
        args.extend(["--force", "--format", "json"]);
        let out = json(&pkglens(&dir.path().join("b"), &args));
        assert_eq!(out["summary"]["compiled"], 5, "{args:?}: {out}");
        assert_same_pycs(dir.path(), 5);
    }
    let out = json(&pkglens(
        &dir.path().join("b"),
        &["--format", "json", "--force"],
    ));
    assert!(out["summary"]["workers"].as_u64().unwrap() <= 2);
    let paths: Vec<&str> = out["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"site/caf\\xe9.py"), "{paths:?}");
}

/// A syntax error and an unreadable file are reported in input order with the interpreter's
/// message (as compileall prints it), the files around them still compiled, exit 1.
#[test]
fn failures_are_reported_in_order_and_the_rest_compiled() {
    let dir = twins(|to| {
        write(&to.join("a_ok.py"), "x = 1\n");
        write(&to.join("b_bad.py"), "def f(:\n    pass\n");
        // An unreadable file: as root (who reads any mode), a link to /proc/self/mem, a regular
        // file whose read fails with EIO; otherwise a file of mode 000.
        let unreadable = to.join("c_unreadable.py");
        if is_root() {
            std::os::unix::fs::symlink("/proc/self/mem", &unreadable).unwrap();
        } else {
            write(&unreadable, "x = 1\n");
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&unreadable, fs::Permissions::from_mode(0o000)).unwrap();
        }
        write(&to.join("d_ok.py"), "y = 2\n");
    });
    let expected = compileall(&dir.path().join("a"), &[]);
    assert_eq!(expected.status.code(), Some(1));
    let expected = String::from_utf8_lossy(&expected.stdout).into_owned();
    let out = pkglens(&dir.path().join("b"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let document = json(&out);
    let files = document["files"].as_array().unwrap();
    let results: Vec<&str> = files
        .iter()
        .map(|f| f["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["compiled", "failed", "failed", "compiled"]);
    for failed in [&files[1], &files[2]] {
        let message = failed["message"].as_str().unwrap();
        assert!(
            expected.contains(message),
            "{message:?} not in {expected:?}"
        );
    }
    assert!(files[1]["message"]
        .as_str()
        .unwrap()
        .contains("SyntaxError"));
    assert_same_pycs(dir.path(), 2);
    assert_valid_document(&out.stdout);
    // The table says the same, for people.
    let out = pkglens(&dir.path().join("b"), &["--force"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("error: site/b_bad.py\n"), "{text}");
    assert!(text.contains("error: site/c_unreadable.py\n"), "{text}");
}

/// The document is a `CompileDocument` of docs/schema.json (the test command's validator).
fn assert_valid_document(json: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), json).unwrap();
    let out = Command::new(python())
        .arg(root().join("scripts/conformance/validate_schema.py"))
        .arg(root().join("docs/schema.json"))
        .arg(file.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("CompileDocument"),
        "{text}"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// The CPU time a process has used, in clock ticks (`utime + stime` of /proc/PID/stat).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// A file that takes the interpreter about a second to compile.
fn slow_source() -> String {
    "v = 0\n".repeat(250_000)
}

/// The interpreters `pid` has started (its children), from /proc.
fn children(pid: u32) -> Vec<u32> {
    let tasks = format!("/proc/{pid}/task");
    let Ok(tasks) = fs::read_dir(tasks) else {
        return Vec::new();
    };
    tasks
        .flat_map(|task| {
            let text =
                fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default();
            text.split_whitespace()
                .map(|c| c.parse().unwrap())
                .collect::<Vec<u32>>()
        })
        .collect()
}

fn wait_for_children(pid: u32) -> Vec<u32> {
    let start = Instant::now();
    loop {
        let found = children(pid);
        if !found.is_empty() {
            return found;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no interpreter");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn_pkglens(cwd: &Path, args: &[&str]) -> std::process::Child {
    // `env --default-signal`: the dispositions of a terminal's job, even when the test run is
    // in the background (which ignores SIGINT).
    Command::new("env")
        .arg("--default-signal=INT,TERM")
        .arg(env!("CARGO_BIN_EXE_pkglens"))
        .arg("compile")
        .arg("--python")
        .arg(python())
        .args(args)
        .arg("site")
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// An interpreter killed in the middle of a batch: its batch's remaining files go to another
/// one (the file in hand is retried), everything is compiled, exit 0.
#[test]
fn a_worker_killed_mid_batch_has_its_files_retried() {
    let dir = twins(|to| {
        write(&to.join("a_slow.py"), slow_source().repeat(2));
        for i in 0..40 {
            write(&to.join(format!("m{i:02}.py")), format!("x = {i}\n"));
        }
    });
    assert!(compileall(&dir.path().join("a"), &[]).status.success());
    let child = spawn_pkglens(&dir.path().join("b"), &["--jobs", "2", "--format", "json"]);
    // `env` execs pkglens: same process id. The interpreter compiling the slow file is the
    // one past 0.2 s of CPU and still using more (a start and the 40 small files take less):
    // killed in the middle of its batch.
    let start = Instant::now();
    let busy = loop {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no busy interpreter"
        );
        let before: Vec<(u32, u64)> = children(child.id())
            .into_iter()
            .map(|p| (p, cpu_ticks(p)))
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        let busy = before
            .into_iter()
            .find(|&(pid, ticks)| ticks >= 20 && cpu_ticks(pid) > ticks);
        if let Some((pid, _)) = busy {
            break pid;
        }
    };
    Command::new("kill")
        .args(["-KILL", &busy.to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let document = json(&out);
    assert_eq!(document["summary"]["compiled"], 41);
    // The retry may go to a fresh interpreter or to the idle one: either way one died.
    assert_eq!(document["summary"]["died"], 1, "{document}");
    assert_same_pycs(dir.path(), 41);
}

/// A file that vanishes between the walk and its turn is reported, the rest compiled, exit 1.
#[test]
fn a_vanished_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write(&site.join("a_slow.py"), slow_source());
    write(&site.join("b_gone.py"), "x = 1\n");
    write(&site.join("c_ok.py"), "x = 2\n");
    let child = spawn_pkglens(dir.path(), &["--jobs", "1", "--format", "json"]);
    wait_for_children(child.id());
    fs::remove_file(site.join("b_gone.py")).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let document = json(&out);
    let files = document["files"].as_array().unwrap();
    assert_eq!(files[1]["path"], "site/b_gone.py");
    assert_eq!(files[1]["result"], "failed");
    assert!(files[1]["message"].as_str().unwrap().contains("vanished"));
    assert_eq!(files[2]["result"], "compiled");
}

/// Under a small stack limit (`ulimit -s 512`: ARG_MAX is 128 KiB), 1,200 paths of about 130
/// bytes no longer fit one command line: the serial route cuts them into several runs, each
/// under the limit, and compiles them all (an `E2BIG` would fail the run).
#[test]
fn argument_batches_stay_under_the_os_limit() {
    let long = "a_folder_name_that_makes_every_path_long_enough_to_fill_the_command_line";
    let dir = twins(|to| {
        for i in 0..1200 {
            write(&to.join(long).join(format!("module_{i:04}.py")), "x = 1\n");
        }
    });
    assert!(compileall(&dir.path().join("a"), &[]).status.success());
    let script = format!(
        "ulimit -s 512 && exec \"$PKGLENS\" compile --python '{}' --jobs 1 --format json site",
        python().display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("PKGLENS", env!("CARGO_BIN_EXE_pkglens"))
        .current_dir(dir.path().join("b"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let document = json(&out);
    assert_eq!(document["summary"]["compiled"], 1200);
    assert!(
        document["summary"]["interpreters"].as_u64().unwrap() >= 2,
        "{document}"
    );
    assert_same_pycs(dir.path(), 1200);
}

/// Ctrl-C: the workers stop after the file in hand, within about a second, exit 130; no
/// temporary `.pyc.NNN` and no half-written `.pyc` is left (each `.pyc` there is compileall's).
#[test]
fn ctrl_c_stops_the_workers_and_leaves_no_partial_pyc() {
    let dir = twins(|to| {
        for i in 0..6 {
            write(&to.join(format!("slow{i}.py")), slow_source());
        }
    });
    assert!(compileall(&dir.path().join("a"), &[]).status.success());
    let child = spawn_pkglens(&dir.path().join("b"), &["--jobs", "2"]);
    wait_for_children(child.id());
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let signalled = Instant::now();
    let out = child.wait_with_output().unwrap();
    let took = signalled.elapsed();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(took < Duration::from_secs(3), "stopped after {took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    let (ours, reference) = (pycs(&dir.path().join("b")), pycs(&dir.path().join("a")));
    assert!(ours.len() < 6, "nothing was interrupted: {}", ours.len());
    for (path, bytes) in &ours {
        assert!(
            reference.get(path) == Some(bytes),
            "{path:?} is partial or stray"
        );
    }
}

/// An interpreter that cannot compile (here `false`, which exits at once; a Python 2 refuses
/// `-I` the same way) or cannot be started: exit 2 with why, after a few tries, not one per file.
#[test]
fn an_unusable_interpreter_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..50 {
        write(&dir.path().join(format!("site/m{i:02}.py")), "x = 1\n");
    }
    for (python, says) in [
        ("false", "ends before compiling anything"),
        ("/nonexistent/python", "cannot start"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
            .args(["compile", "--python", python, "--jobs", "1", "site"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
}

/// `--jobs auto` is the CPUs this process may use: under `taskset -c 0` (an affinity mask of
/// one CPU), one interpreter, however large the tree.
#[test]
fn jobs_auto_honours_the_affinity_mask() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("site/big.py"), "v = 0\n".repeat(100_000));
    write(&dir.path().join("site/small.py"), "x = 1\n");
    let out = Command::new("taskset")
        .args(["-c", "0"])
        .arg(env!("CARGO_BIN_EXE_pkglens"))
        .args(["compile", "--format", "json", "--python"])
        .arg(python())
        .arg("site")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let document = json(&out);
    assert_eq!(document["summary"]["workers"], 1, "{document}");
    assert_eq!(document["summary"]["compiled"], 2);
}

/// Without `--python`, the interpreter is the environment's own: a `pyvenv.cfg` in or above the
/// path, with its `bin/python`.
#[test]
fn the_environment_s_own_interpreter_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("env");
    // The test venv's own configuration: its interpreter finds its standard library by it.
    let config = fs::read(root().join(".cache/venv/pyvenv.cfg")).unwrap();
    write(&venv.join("pyvenv.cfg"), config);
    fs::create_dir_all(venv.join("bin")).unwrap();
    std::os::unix::fs::symlink(python(), venv.join("bin/python")).unwrap();
    let site = venv.join("lib/python3.11/site-packages");
    write(&site.join("m.py"), "x = 1\n");
    let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(["compile", "--format", "json"])
        .arg(&site)
        .output()
        .unwrap();
    let document = json(&out);
    assert_eq!(
        document["python"],
        venv.join("bin/python").to_str().unwrap()
    );
    assert_eq!(document["summary"]["compiled"], 1);
}

/// The workers start without `site` (`-I -S`): a `.pth` file in the interpreter's
/// site-packages (which may be the tree being compiled, half installed) runs no code in them,
/// on either route, though it runs at a plain start of the same interpreter.
#[test]
fn the_interpreter_s_pth_files_do_not_run_in_the_workers() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("env");
    let config = fs::read(root().join(".cache/venv/pyvenv.cfg")).unwrap();
    write(&venv.join("pyvenv.cfg"), config);
    fs::create_dir_all(venv.join("bin")).unwrap();
    std::os::unix::fs::symlink(python(), venv.join("bin/python")).unwrap();
    let site = venv.join("lib/python3.11/site-packages");
    let marker = dir.path().join("pth-ran");
    // The shape setuptools' `distutils-precedence.pth` has: an `import` line, run by `site`.
    write(
        &site.join("zz-hook.pth"),
        format!(
            "import pathlib; pathlib.Path({:?}).write_text('ran')\n",
            marker.to_str().unwrap()
        ),
    );
    write(&site.join("m.py"), "x = 1\n");
    write(&site.join("zz_filler.py"), "v = 0\n".repeat(100_000));
    for route in [&["--jobs", "1"][..], &["--jobs", "2"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
            .args(["compile", "--force", "--format", "json"])
            .args(route)
            .arg(&site)
            .output()
            .unwrap();
        let document = json(&out);
        assert_eq!(document["summary"]["compiled"], 2, "{route:?}: {document}");
        assert!(!marker.exists(), "{route:?}: the .pth file ran in a worker");
    }
    let plain = Command::new(venv.join("bin/python"))
        .args(["-I", "-c", "pass"])
        .status()
        .unwrap();
    assert!(plain.success());
    assert!(
        marker.exists(),
        "a plain start of the interpreter runs the .pth file"
    );
}

/// With no `--invalidation-mode`, py_compile decides, as under compileall: `SOURCE_DATE_EPOCH`
/// set means checked-hash `.pyc` files (the variable reaches the `-I` workers).
#[test]
fn source_date_epoch_picks_the_hash_mode_as_under_compileall() {
    let site = site_packages();
    let dir = twins(|to| copy_sources(&site.join("packaging"), &to.join("packaging")));
    let expected = Command::new(python())
        .args(["-m", "compileall", "-q", "site"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .current_dir(dir.path().join("a"))
        .output()
        .unwrap();
    assert!(expected.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(["compile", "--jobs", "2", "--python"])
        .arg(python())
        .arg("site")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .current_dir(dir.path().join("b"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_same_pycs(dir.path(), 10);
    // The flags word of a hash-based .pyc is not 0 (bit 0: hash-based, bit 1: checked).
    let pycs = pycs(&dir.path().join("b"));
    assert!(pycs.values().all(|pyc| pyc[4..8] == [3, 0, 0, 0]));
}

/// The tree the installer options are tried on: a real package (packaging, from the test
/// venv), a test folder and a Windows-only module for `-x`, a module whose `.pyc` is the same
/// at every optimisation level (`--hardlink-dupes` links those), a link to a file inside the
/// tree and one to a file outside it (`-e`), a script outside the tree named as a file
/// argument, a list for `-i`, and a file of comments that puts the tree over the serial
/// threshold, so that `--jobs 2` runs the pool.
fn install_tree(to: &Path) {
    let site = to.join("site");
    copy_sources(&site_packages().join("packaging"), &site.join("packaging"));
    write(&site.join("pkg/__init__.py"), "\"\"\"A package.\"\"\"\n");
    write(&site.join("pkg/tests/test_x.py"), "assert True\n");
    write(&site.join("pkg/_win32.py"), "import msvcrt\n");
    write(&site.join("pkg/sub/deep.py"), "a = 0\n");
    // A folder name met twice on one path: `-s`'s `list.remove` drops the first equal part.
    write(&site.join("m/sub/m/x.py"), "c = 2\n");
    write(&site.join("zz_filler.py"), "# filler\n".repeat(70_000));
    write(&to.join("elsewhere/ext.py"), "b = 1\n");
    std::os::unix::fs::symlink("packaging/version.py", site.join("inside.py")).unwrap();
    std::os::unix::fs::symlink("../elsewhere/ext.py", site.join("outside.py")).unwrap();
    write(
        &to.join("tools/cli.py"),
        "def main():\n    \"\"\"Run.\"\"\"\n",
    );
    // Python's universal newlines and `str.strip()`: a CRLF line, spaces and a tab around a
    // name, a blank line.
    write(
        &to.join("list.txt"),
        " site/pkg \r\nsite/packaging/tags.py\n\n\ttools/cli.py\n",
    );
}

/// Every file of `dir` (sources, `.pyc` files, the list): its bytes, or a link's target; and
/// for a file with several hard links, the first of its names.
fn tree_state(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, Option<PathBuf>)> {
    use std::os::unix::fs::MetadataExt;
    fn visit(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, fs::Metadata)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                visit(&path, base, out);
            } else {
                out.push((path.strip_prefix(base).unwrap().to_path_buf(), meta));
            }
        }
    }
    let mut files = Vec::new();
    visit(dir, dir, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut first_name = BTreeMap::new();
    let mut state = BTreeMap::new();
    for (path, meta) in files {
        let full = dir.join(&path);
        let bytes = if meta.is_symlink() {
            fs::read_link(&full)
                .unwrap()
                .as_os_str()
                .as_bytes()
                .to_vec()
        } else {
            fs::read(&full).unwrap()
        };
        let group = (meta.nlink() > 1).then(|| {
            first_name
                .entry(meta.ino())
                .or_insert_with(|| path.clone())
                .clone()
        });
        state.insert(path, (bytes, group));
    }
    state
}

/// Deletes every `.pyc` file and `__pycache__` folder under `dir`.
fn remove_pycs(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() && path.ends_with("__pycache__") {
            fs::remove_dir_all(&path).unwrap();
        } else if meta.is_dir() {
            remove_pycs(&path);
        } else if path.extension() == Some(OsStr::new("pyc")) {
            fs::remove_file(&path).unwrap();
        }
    }
}

/// `args` with `{root}` replaced by `root` (the two copies live in different folders).
fn rooted(args: &[&str], root: &Path) -> Vec<std::ffi::OsString> {
    let root = root.to_str().unwrap();
    args.iter()
        .map(|a| a.replace("{root}", root).into())
        .collect()
}

/// Runs `tool ARGS` in `cwd`, with `stdin` on standard input.
fn run_with_input(mut tool: Command, cwd: &Path, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = tool
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// compileall's options for installers and distributions, alone and in the combinations
/// packaging scripts use, in each of pkglens's routes (the pool, one interpreter, one
/// interpreter per argument batch): the whole tree afterwards (every `.pyc`, where it is, its
/// bytes with the `co_filename` that `-d`/`-s`/`-p` set, and which `.pyc` files are one file
/// under several names) is what `python -m compileall` leaves.
#[test]
fn installer_options_leave_compileall_s_tree() {
    let dir = twins(|to| install_tree(to.parent().unwrap()));
    let runs: &[(&[&str], &str)] = &[
        // Arch: `compileall -d /usr/lib "$pkgdir/usr/lib"`, and a file named with `-d`
        // (`compileall -d "${_destdir}" "${_file}"`): the file's folder is replaced, not its
        // argument.
        (
            &[
                "-d",
                "/usr/lib/python3.11/site-packages",
                "site",
                "tools/cli.py",
            ],
            "",
        ),
        // `-d` with `-x`, a Python pattern (a lookahead, which Rust's regex lacks) over the
        // whole path, as `compileall -q -x '(^|/)(\.venv|venv|build)(/|$)' .` writes it.
        (
            &[
                "-d",
                "/usr/lib",
                "-x",
                r"(^|/)tests?(/|$)|_win(?=32)",
                "site",
            ],
            "",
        ),
        // Fedora and Arch R packages: `-o 0 -o 1 -s "$srcdir/build" -p /opt "$srcdir/build/x"`.
        (
            &[
                "-o",
                "0",
                "-o",
                "1",
                "-s",
                "{root}",
                "-p",
                "/opt",
                "{root}/site",
            ],
            "",
        ),
        // A relative `-s` with `-p`: `-s build -p /usr/lib/R/library "build/x/python"`.
        (&["-s", "site", "-p", "/usr/lib/R/library", "site"], ""),
        // `-s` whose last part equals the path's fourth, a name the path has twice.
        (&["-s", "q/q/q/m", "site"], ""),
        // `-p` alone: prepended to every path.
        (&["-p", "/srv", "site", "tools/cli.py"], ""),
        // Arch meson packages: `-o 0 -o 1 -o 2 --hardlink-dupes -s "$pkgdir" "$pkgdir"$site`.
        (
            &[
                "-o",
                "0",
                "-o",
                "1",
                "-o",
                "2",
                "--hardlink-dupes",
                "-s",
                "{root}",
                "{root}/site",
            ],
            "",
        ),
        (&["-e", "site", "site"], ""),
        (&["-e", "{root}", "site"], ""),
        (&["-b", "site"], ""),
        (&["-b", "-o", "1", "site"], ""),
        (&["-l", "site", "tools"], ""),
        (&["-r", "1", "site"], ""),
        (&["-l", "-r", "2", "site"], ""),
        (&["-i", "list.txt", "-d", "/x", "elsewhere"], ""),
        (&["-i", "-"], "site/pkg\nsite/zz_filler.py\n"),
    ];
    for (args, stdin) in runs {
        let expected = compileall_tree(dir.path(), args, stdin);
        for route in [
            &["--jobs", "2"][..],
            &["--jobs", "1"],
            &["--jobs", "2", "--via-args"],
        ] {
            let summary = assert_pkglens_tree(dir.path(), args, stdin, route, &expected);
            // With the filler the tree is over the serial threshold: two interpreters ran.
            let filler = Path::new("site/__pycache__/zz_filler.cpython-311.pyc");
            if route == ["--jobs", "2"] && expected.contains_key(filler) {
                assert_eq!(summary["workers"], 2, "{args:?} {route:?}");
            }
        }
    }
}

type TreeState = BTreeMap<PathBuf, (Vec<u8>, Option<PathBuf>)>;

/// Runs `python -m compileall -q ARGS` in the fresh copy `dir/a`, `stdin` on its standard
/// input; the tree it leaves.
fn compileall_tree(dir: &Path, args: &[&str], stdin: &str) -> TreeState {
    let a = dir.join("a");
    remove_pycs(&a);
    let mut reference = Command::new(python());
    reference
        .args(["-m", "compileall", "-q"])
        .args(rooted(args, &a));
    let expected = run_with_input(reference, &a, stdin);
    assert!(expected.status.success(), "{args:?}: {expected:?}");
    let state = tree_state(&a);
    assert!(
        state
            .keys()
            .any(|p| p.extension() == Some(OsStr::new("pyc"))),
        "{args:?}: compileall wrote nothing"
    );
    state
}

/// Runs `pkglens compile ROUTE ARGS` in the fresh copy `dir/b` and checks that it leaves the
/// tree `expected`; the JSON summary.
fn assert_pkglens_tree(
    dir: &Path,
    args: &[&str],
    stdin: &str,
    route: &[&str],
    expected: &TreeState,
) -> Value {
    let b = dir.join("b");
    remove_pycs(&b);
    let mut ours = Command::new(env!("CARGO_BIN_EXE_pkglens"));
    ours.arg("compile")
        .arg("--python")
        .arg(python())
        .args(route)
        .args(["--format", "json"])
        .args(rooted(args, &b));
    let out = run_with_input(ours, &b, stdin);
    assert!(out.status.success(), "{args:?} {route:?}: {out:?}");
    let summary = json(&out)["summary"].clone();
    assert_eq!(summary["failed"], 0, "{args:?} {route:?}");
    let state = tree_state(&b);
    let names = |m: &TreeState| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&state), names(expected), "{args:?} {route:?}");
    for (path, bytes) in expected {
        assert!(
            &state[path] == bytes,
            "{args:?} {route:?}: {path:?} differs"
        );
    }
    summary
}

/// Arguments that overlap reach a file twice; compileall compiles it twice in order (the
/// second time, without `-f`, its `.pyc` is up to date; with `-f` the second `-d` name wins).
/// pkglens then compiles in one interpreter, in order, even over the serial threshold.
#[test]
fn overlapping_arguments_compile_in_compileall_s_order() {
    let dir = twins(|to| install_tree(to.parent().unwrap()));
    for (reference, ours) in [
        (
            &["-d", "/x", "site/pkg", "site"][..],
            &["-d", "/x", "site/pkg", "site"][..],
        ),
        (
            &["-f", "-d", "/x", "site", "./site/pkg/sub/deep.py"],
            &["--force", "-d", "/x", "site", "./site/pkg/sub/deep.py"],
        ),
    ] {
        let expected = compileall_tree(dir.path(), reference, "");
        let summary = assert_pkglens_tree(dir.path(), ours, "", &["--jobs", "2"], &expected);
        assert_eq!(summary["workers"], 1, "{ours:?}");
    }
}

/// `--hardlink-dupes` links equal `.pyc` files of successive levels, as compileall's own test
/// checks it (`a = 0`: the same code at -o 0, 1 and 2; a docstring and an assert: three
/// different files).
#[test]
fn hardlink_dupes_link_what_compileall_links() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("site/same.py"), "a = 0\n");
    write(
        &dir.path().join("site/differ.py"),
        "\"\"\"Doc.\"\"\"\nassert a\n",
    );
    let out = pkglens(
        dir.path(),
        &["-o", "0", "-o", "1", "-o", "2", "--hardlink-dupes"],
    );
    assert!(out.status.success(), "{out:?}");
    let inodes = |name: &str| -> Vec<u64> {
        ["", ".opt-1", ".opt-2"]
            .iter()
            .map(|opt| {
                let pyc = format!("site/__pycache__/{name}.cpython-311{opt}.pyc");
                fs::metadata(dir.path().join(pyc)).unwrap().ino()
            })
            .collect()
    };
    let same = inodes("same");
    assert!(same.iter().all(|&ino| ino == same[0]), "{same:?}");
    let differ = inodes("differ");
    assert!(
        differ[0] != differ[1] && differ[1] != differ[2],
        "{differ:?}"
    );
}

/// The combinations compileall's parser refuses are refused here too (exit 2), and a `-x`
/// that Python's `re` cannot compile is an error before anything is compiled.
#[test]
fn option_combinations_compileall_refuses_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("site/m.py"), "x = 1\n");
    for args in [
        &["--hardlink-dupes"][..],
        &["-o", "1", "--hardlink-dupes"],
        &["-d", "/x", "-s", "site"],
        &["-d", "/x", "-p", "/"],
    ] {
        let expected = compileall(dir.path(), args);
        assert_eq!(expected.status.code(), Some(2), "{args:?}: {expected:?}");
        let out = pkglens(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    let out = pkglens(dir.path(), &["-x", "("]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("-x: not a Python regular expression"));
    assert!(!dir.path().join("site/__pycache__").exists());
}

/// `--serial-below` moves the serial threshold: a tree of four small files is compiled by one
/// interpreter by default and by two with `--serial-below 0`, to the same `.pyc` files.
#[test]
fn serial_below_moves_the_threshold() {
    let dir = twins(|to| {
        for name in ["a.py", "b.py", "c.py", "d.py"] {
            write(&to.join(name), "x = 1\n");
        }
    });
    assert!(compileall(&dir.path().join("a"), &[]).status.success());
    for (args, workers) in [
        (&["--jobs", "2"][..], 1),
        (&["--jobs", "2", "--serial-below", "0"], 2),
    ] {
        let mut args = args.to_vec();
        args.extend(["--force", "--format", "json"]);
        let out = json(&pkglens(&dir.path().join("b"), &args));
        assert_eq!(out["summary"]["workers"], workers, "{args:?}");
        assert_same_pycs(dir.path(), 4);
    }
}
