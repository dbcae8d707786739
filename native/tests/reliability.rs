//! Issue 17, run as a user runs the binary: `-o` never destroys what it names, a closed pipe is
//! a quiet end, what is not a regular file is skipped, `--jobs` is capped, secrets never leak,
//! control characters never reach a terminal. `docs/reliability.md` lists each case with its
//! test here.

use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pkglens() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pkglens"));
    command.current_dir(root()).env_remove("NO_COLOR");
    command
}

fn run(args: &[&str]) -> Output {
    pkglens().args(args).output().expect("run pkglens")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `script` in bash, with the binary as `$PKGLENS`, from the repository root.
fn bash(script: &str) -> Output {
    Command::new("bash")
        .args(["-c", script])
        .env("PKGLENS", env!("CARGO_BIN_EXE_pkglens"))
        .current_dir(root())
        .output()
        .expect("run bash")
}

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".pkglens-"))
        .collect()
}

fn scan_json_to(target: &Path) -> Output {
    run(&[
        "scan",
        "-q",
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
        "examples/site-packages",
    ])
}

fn packages_in(bytes: &[u8]) -> Value {
    let doc: Value = serde_json::from_slice(bytes).unwrap();
    doc["summary"]["packages"].clone()
}

#[test]
fn output_keeps_the_mode_of_the_file_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scan.json");
    fs::write(&target, "old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o664)).unwrap();
    let out = scan_json_to(&target);
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
    assert_eq!(packages_in(&fs::read(&target).unwrap()), 9);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_new_output_file_gets_the_umasks_mode() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new.json");
    let out = bash(&format!(
        "umask 027 && \"$PKGLENS\" scan -q --format json -o {} examples/site-packages",
        target.display()
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "0666 less umask 027");
}

#[test]
fn output_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let out = scan_json_to(&link);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(packages_in(&fs::read(&real).unwrap()), 9);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn output_to_a_fifo_is_written_through_and_the_fifo_stays() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = scan_json_to(&fifo);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = reader.wait_with_output().unwrap();
    assert_eq!(packages_in(&read.stdout), 9);
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn output_to_dev_stdout_a_process_substitution_and_dash_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "cd {dir} && \"$PKGLENS\" scan -q --format json -o /dev/stdout {root}/examples/site-packages > a.json \
         && \"$PKGLENS\" scan -q --format json -o >(gzip > b.json.gz) {root}/examples/site-packages \
         && \"$PKGLENS\" scan -q --format json -o - {root}/examples/site-packages > c.json \
         && sleep 0.5 && gunzip b.json.gz && ls -A",
        dir = dir.path().display(),
        root = root().display()
    );
    let out = bash(&script);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["a.json", "b.json", "c.json"],
        "no file named `-`, no temporary file"
    );
    for name in ["a.json", "b.json", "c.json"] {
        assert_eq!(packages_in(&fs::read(dir.path().join(name)).unwrap()), 9);
    }
}

#[test]
fn a_full_disk_names_the_file() {
    let out = run(&["scan", "-o", "/dev/full", "examples/site-packages"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("/dev/full: no space left on device"),
        "{text}"
    );
}

#[test]
fn output_to_a_directory_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["scan", "-o", dir.path().to_str().unwrap(), "examples/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none());
}

/// SIGINT and SIGTERM while the output is being written: the process dies of the signal, and
/// no `.pkglens-*` temporary file stays. Standard input held open keeps the scan waiting with
/// its temporary file created.
#[test]
fn a_signal_leaves_no_temporary_file() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("scan.json");
        // A shell that starts the test suite in the background ignores SIGINT, and its children
        // inherit that (pkglens keeps a signal its parent ignored, as a shell's `&` asks):
        // coreutils' `env --default-signal` gives pkglens the disposition of a terminal's job.
        let mut child = Command::new("env")
            .arg("--default-signal=INT,TERM,HUP")
            .arg(env!("CARGO_BIN_EXE_pkglens"))
            .args(["scan", "-o", target.to_str().unwrap(), "-"])
            .current_dir(root())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while leftovers(dir.path()).is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no temporary file"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert!(status.signal().is_some(), "{signal}: {status:?}");
        assert!(
            leftovers(dir.path()).is_empty(),
            "{signal}: temporary file left"
        );
        assert!(!target.exists());
    }
}

#[test]
fn a_closed_pipe_is_a_quiet_successful_end() {
    for command in [
        "\"$PKGLENS\" completions bash | head -1",
        "\"$PKGLENS\" scan examples/ | head -1",
        "\"$PKGLENS\" scan --format ndjson examples/ | head -c 10",
    ] {
        let out = bash(&format!("set -o pipefail; {command}"));
        assert!(
            out.status.success(),
            "{command}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(out.stderr.is_empty(), "{command}: {}", stderr(&out));
    }
}

fn ndjson(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn error_of<'a>(records: &'a [Value], path_end: &str) -> &'a Value {
    let record = records
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with(path_end))
        .unwrap_or_else(|| panic!("no record for {path_end}: {records:?}"));
    assert_eq!(record["status"], "error", "{record}");
    &record["error"]
}

/// A FIFO named `requirements.txt` would block a read forever; a device named `PKG-INFO` is
/// endless. Both are skipped unopened, found by the walk or named on the command line; a
/// file over the limit is `too_large` by its size (a sparse file: reading it would take time).
#[test]
fn fifos_devices_and_huge_files_are_skipped_unread() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path();
    assert!(Command::new("mkfifo")
        .arg(tree.join("requirements.txt"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/zero", tree.join("PKG-INFO")).unwrap();
    fs::create_dir(tree.join("big-1.0.dist-info")).unwrap();
    let big = fs::File::create(tree.join("big-1.0.dist-info/METADATA")).unwrap();
    big.set_len(65 * 1024 * 1024).unwrap();
    fs::write(tree.join("ok.txt"), "").unwrap();

    let fifo = tree.join("requirements.txt");
    let walked = run(&["scan", "--format", "ndjson", tree.to_str().unwrap()]);
    let named = run(&[
        "scan",
        "--format",
        "ndjson",
        fifo.to_str().unwrap(),
        "/dev/zero",
    ]);
    for out in [&walked, &named] {
        assert!(out.status.success(), "{}", stderr(out));
        let records = ndjson(out);
        let error = error_of(&records, "requirements.txt");
        assert_eq!(error["kind"], "io");
        assert_eq!(error["message"], "skipped: not a regular file (a FIFO)");
    }
    let walked = ndjson(&walked);
    assert_eq!(
        error_of(&walked, "PKG-INFO")["message"],
        "skipped: not a regular file (a character device)"
    );
    assert_eq!(error_of(&walked, "METADATA")["kind"], "too_large");
    assert_eq!(
        error_of(&ndjson(&named), "/dev/zero")["message"],
        "skipped: not a regular file (a character device)"
    );
}

/// An include (`-r pipe.txt`) that is a FIFO is not opened either: the record's error says
/// why it could not be read, and a missing include still says pip's "found none".
#[test]
fn an_include_that_is_a_fifo_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path();
    assert!(Command::new("mkfifo")
        .arg(tree.join("pipe.txt"))
        .status()
        .unwrap()
        .success());
    fs::write(tree.join("requirements.txt"), "a==1\n-r pipe.txt\n").unwrap();
    fs::write(tree.join("constraints.txt"), "-c gone.txt\n").unwrap();
    let out = run(&["scan", "--format", "ndjson", tree.to_str().unwrap()]);
    let records = ndjson(&out);
    let error = error_of(&records, "requirements.txt");
    assert_eq!(error["kind"], "io");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("cannot read the included file ")
            && message.ends_with("pipe.txt: not a regular file (a FIFO)"),
        "{message}"
    );
    let error = error_of(&records, "constraints.txt");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .ends_with("gone.txt, found none"));
}

/// `-j 5000` started 5,000 threads for 24 files (180 s and 1.2 GB, debug build, 2 cores): the
/// pool is capped at 4 per core, and stderr says so.
#[test]
fn absurd_jobs_are_capped_and_said_so() {
    let start = Instant::now();
    let out = run(&["scan", "-j", "100000", "--format", "ndjson", "examples/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(30));
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        stderr(&out).contains(&format!("--jobs 100000 lowered to {}", 4 * cores)),
        "{}",
        stderr(&out)
    );
    let quiet = run(&["scan", "-q", "-j", "100000", "examples/"]);
    assert!(quiet.stderr.is_empty());
}

/// `-r ../../../../etc/passwd` is refused (an error record naming the include) unless
/// `--allow-outside`; even then pip's verdict holds: every line of it is an invalid
/// requirement, none is `ok`.
#[test]
fn includes_outside_the_scanned_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir(&tree).unwrap();
    fs::write(
        tree.join("requirements.txt"),
        "a==1\n-r ../../../../../../../../etc/passwd\n",
    )
    .unwrap();
    let tree_arg = tree.to_str().unwrap();
    let out = run(&["scan", "--format", "ndjson", tree_arg]);
    let records = ndjson(&out);
    let error = error_of(&records, "requirements.txt");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("refused to read /etc/passwd") && message.contains("--allow-outside"),
        "{message}"
    );
    let allowed = run(&["scan", "--format", "ndjson", "--allow-outside", tree_arg]);
    let records = ndjson(&allowed);
    let record = &records[0];
    assert_eq!(record["status"], "error", "{record}");
    let requirements = record["requirements"].as_array().unwrap();
    assert_eq!(requirements.len(), 1, "only a==1: {record}");
}

/// Credentials where no requirement holds them: a METADATA's `Project-URL`, `Download-URL` and
/// `Home-page` (the shapes PyPI's metadata uses, pointing at a private host), and the line an
/// error quotes in a pyproject.toml, a uv.lock and a METADATA (`--fail-fast` prints it with its
/// source line). None reaches any output: `user:****@`, as pip's `redact_auth_from_url`.
#[test]
fn secrets_in_url_fields_and_quoted_error_lines_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("site-packages/app-1.0.dist-info");
    fs::create_dir_all(&dist).unwrap();
    fs::write(
        dist.join("METADATA"),
        "Metadata-Version: 2.1\nName: app\nVersion: 1.0\n\
         Home-page: https://tok3n@git.example/app\n\
         Download-URL: https://user:hunter2@pypi.example/app-1.0.tar.gz\n\
         Project-URL: Source, https://user:hunter2@git.example/app\n",
    )
    .unwrap();
    let bad = dir.path().join("bad");
    fs::create_dir_all(bad.join("broken-1.0.dist-info")).unwrap();
    fs::write(
        bad.join("broken-1.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n\
         Requires-Dist: q @ https://user:hunter2@pypi.example/q.tar.gz ; os_name ==\n",
    )
    .unwrap();
    fs::write(
        bad.join("pyproject.toml"),
        "[project]\nname = \"app\"\nversion = \"1\"\n\
         dependencies = [\"q @ https://user:hunter2@pypi.example/q-1.0.tar.gz\" oops]\n",
    )
    .unwrap();
    fs::write(
        bad.join("uv.lock"),
        "version = 1\n\n[[package]]\nname = \"q\"\nversion = \"1.0\"\n\
         source = { url = \"https://tok3n@pypi.example/q-1.0.tar.gz\" } x\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let mut errors = 0;
    for args in [
        vec!["scan", "-v", path],
        vec!["scan", "--format", "json", path],
        vec!["check", path],
        vec!["check", "--format", "json", path],
        vec!["scan", "--fail-fast", path],
        vec!["check", "--fail-fast", path],
    ] {
        let out = run(&args);
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        for secret in ["hunter2", "tok3n"] {
            assert!(!all.contains(secret), "{args:?} shows {secret}:\n{all}");
        }
        errors += all.matches("****@").count();
    }
    let out = run(&["scan", "--format", "json", path]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = doc["records"].as_array().unwrap();
    let failed = records.iter().filter(|r| r["status"] == "error").count();
    assert_eq!(failed, 3, "the three bad files are errors: {doc}");
    let app = records
        .iter()
        .find(|r| {
            r["path"]
                .as_str()
                .unwrap()
                .ends_with("app-1.0.dist-info/METADATA")
        })
        .unwrap();
    let extra = &app["packages"][0]["extra"];
    assert_eq!(
        extra["project_urls"][0], "Source, https://user:****@git.example/app",
        "{app}"
    );
    assert!(errors > 0, "the redacted values are shown");
}

/// `${GITLAB_TOKEN}` is kept as written in `raw`, its value is `****` in `url`, and
/// `user:pass@` is `user:****@`, in every format of every command.
#[test]
fn secrets_are_in_no_output() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("requirements.txt"),
        "tool @ git+https://oauth2:${GITLAB_TOKEN}@gitlab.example/g/tool.git\n\
         q @ https://user:hunter2@pypi.example/q-1.0.tar.gz\n\
         -e https://tok3n@pypi.example/x\n",
    )
    .unwrap();
    // The same credentials in every other format that carries URLs: a PEP 508 `@ url` in
    // pyproject.toml, METADATA and an egg's requires.txt, a uv.lock source and a pylock archive.
    fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"app\"\nversion = \"1\"\n\
         dependencies = [\"q @ https://user:hunter2@pypi.example/q-1.0.tar.gz\"]\n",
    )
    .unwrap();
    let dist = dir.path().join("site-packages/app2-1.0.dist-info");
    fs::create_dir_all(&dist).unwrap();
    fs::write(
        dist.join("METADATA"),
        "Metadata-Version: 2.1\nName: app2\nVersion: 1.0\n\
         Requires-Dist: q @ https://tok3n@pypi.example/q-1.0.tar.gz\n",
    )
    .unwrap();
    let egg = dir.path().join("site-packages/app3-1.0-py3.11.egg-info");
    fs::create_dir_all(&egg).unwrap();
    fs::write(
        egg.join("PKG-INFO"),
        "Metadata-Version: 1.1\nName: app3\nVersion: 1.0\n",
    )
    .unwrap();
    fs::write(
        egg.join("requires.txt"),
        "q@ https://user:hunter2@pypi.example/q-1.0.tar.gz\n",
    )
    .unwrap();
    let lock = dir.path().join("locked");
    fs::create_dir_all(&lock).unwrap();
    fs::write(
        lock.join("uv.lock"),
        "version = 1\nrevision = 3\nrequires-python = \">=3.9\"\n\n\
         [[package]]\nname = \"q\"\nversion = \"1.0\"\n\
         source = { url = \"https://user:hunter2@pypi.example/q-1.0.tar.gz\" }\n",
    )
    .unwrap();
    fs::write(
        lock.join("pylock.toml"),
        "lock-version = \"1.0\"\ncreated-by = \"test\"\n\n\
         [[packages]]\nname = \"q\"\nversion = \"1.0\"\n\
         archive = { url = \"https://tok3n@pypi.example/q-1.0.tar.gz\", hashes = { sha256 = \"00\" } }\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    for args in [
        vec!["scan", "-v", path],
        vec!["scan", "--format", "json", path],
        vec!["check", path],
        vec!["check", "--format", "json", path],
        vec!["graph", path],
        vec!["graph", "--format", "json", path],
    ] {
        let out = pkglens()
            .args(&args)
            .env("GITLAB_TOKEN", "glpat-s3cr3t")
            .output()
            .unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        for secret in ["glpat-s3cr3t", "hunter2", "tok3n"] {
            assert!(!all.contains(secret), "{args:?} shows {secret}:\n{all}");
        }
        if args.contains(&"json") && args[0] != "graph" {
            assert!(all.contains("user:****@"), "{args:?}:\n{all}");
        }
    }
    let out = pkglens()
        .args(["scan", "--format", "json", path])
        .env("GITLAB_TOKEN", "glpat-s3cr3t")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = doc["records"].as_array().unwrap();
    let listed = records
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("requirements.txt"))
        .unwrap();
    let first = &listed["requirements"][0];
    assert_eq!(
        first["raw"],
        "tool @ git+https://oauth2:${GITLAB_TOKEN}@gitlab.example/g/tool.git"
    );
    assert_eq!(
        first["url"],
        "git+https://oauth2:****@gitlab.example/g/tool.git"
    );
}

/// A file name and a requirement holding escape sequences (a title change, `\r\x1b[2K` that
/// would erase a problem line): escaped in every human-readable output, exact in JSON.
#[test]
fn control_characters_never_reach_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("x\x1b]0;pwned\x07.dist-info");
    fs::create_dir(&folder).unwrap();
    fs::write(
        folder.join("METADATA"),
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: evil\r\x1b[2K\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("requirements.txt"),
        "ok==1\nbad\x1b[8m==\u{9b}1\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    for args in [
        vec!["scan", "--color", "always", path],
        vec!["check", "--color", "always", path],
        vec!["graph", path],
        vec!["why", "evil", path],
    ] {
        let out = run(&args);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        // Only our own colour sequences (`\x1b[` + digits + `m`) may remain.
        let foreign = text
            .split('\x1b')
            .skip(1)
            .filter(|rest| {
                !rest.starts_with('[')
                    || !rest[1..]
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .starts_with('m')
            })
            .count();
        assert_eq!(foreign, 0, "{args:?}: {text:?}");
        assert!(
            !text.contains(['\r', '\x07', '\u{9b}']),
            "{args:?}: {text:?}"
        );
    }
    let json = run(&["scan", "--format", "json", path]);
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    let paths: Vec<&str> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.contains("x\x1b]0;pwned\x07.dist-info")),
        "{paths:?}"
    );
}

/// Two names that differ only in bytes that are not UTF-8 stay two paths in JSON (written
/// `\xNN`), and each is read.
#[test]
fn non_utf8_file_names_stay_apart_in_json() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for byte in [0xffu8, 0xfe] {
        let name = [b"p".as_slice(), &[byte], b"-1.0.dist-info"].concat();
        let folder = dir.path().join(std::ffi::OsStr::from_bytes(&name));
        fs::create_dir(&folder).unwrap();
        fs::write(
            folder.join("METADATA"),
            "Metadata-Version: 2.1\nName: p\nVersion: 1.0\n",
        )
        .unwrap();
    }
    let out = run(&["scan", "--format", "ndjson", dir.path().to_str().unwrap()]);
    let records = ndjson(&out);
    let paths: Vec<String> = records
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "ok", "{r}");
            r["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .nth(1)
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(paths, [r"p\xfe-1.0.dist-info", r"p\xff-1.0.dist-info"]);
}
