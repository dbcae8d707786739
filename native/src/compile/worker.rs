//! The interpreters that compile: long-lived workers fed paths on standard input, or one-shot
//! runs given their paths as arguments, both speaking the answer protocol of `worker.py`.

use super::interrupt;
use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Arc;

/// The worker script, embedded: it is passed with `-c`, written nowhere.
const SCRIPT: &str = include_str!("worker.py");

/// How `.pyc` files are written: the interpreter and compileall's options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The interpreter whose `.pyc` files are written.
    pub python: PathBuf,
    /// The optimisation levels, each a `.pyc` (compileall's `-o`, repeatable; -1 is the
    /// interpreter's own, 0 under `python -I`).
    pub levels: Vec<i8>,
    /// `timestamp`, `checked-hash` or `unchecked-hash` as py_compile names them
    /// (`TIMESTAMP`...); `None`: py_compile's default (`SOURCE_DATE_EPOCH` decides).
    pub invalidation: Option<&'static str>,
    /// Compile even when the `.pyc` looks up to date.
    pub force: bool,
    /// compileall's `-b`: the `.pyc` beside the source, named `NAME.pyc`.
    pub legacy: bool,
    /// compileall's `--hardlink-dupes`: a level's `.pyc` equal to the previous level's becomes
    /// a hard link to it.
    pub hardlink_dupes: bool,
    /// compileall's `-d`: the folder named in the `.pyc` instead of the path's own.
    pub ddir: Option<OsString>,
    /// compileall's `-s`: the leading part of each path left out of the name in the `.pyc`.
    pub stripdir: Option<OsString>,
    /// compileall's `-p`: put before each path (after `-s`) in the `.pyc`.
    pub prependdir: Option<OsString>,
    /// compileall's `-x`: a Python regular expression; a path it matches is skipped.
    pub rx: Option<OsString>,
    /// compileall's `-e`: a symbolic link to a file outside this folder is skipped.
    pub limit_sl_dest: Option<OsString>,
}

impl Settings {
    /// Each path goes with the argument it came from: `-d` names a file named on the command
    /// line and a file found under a folder differently.
    pub fn with_context(&self) -> bool {
        self.ddir.is_some()
    }

    /// The worker's arguments before any path (as `worker.py` reads them).
    fn options(&self) -> Vec<OsString> {
        let levels: Vec<String> = self.levels.iter().map(i8::to_string).collect();
        let mut flags = String::new();
        for (on, letter) in [
            (self.force, 'f'),
            (self.legacy, 'b'),
            (self.hardlink_dupes, 'h'),
            (self.with_context(), 'c'),
        ] {
            if on {
                flags.push(letter);
            }
        }
        let optional = |value: &Option<OsString>| {
            value.as_ref().map_or_else(OsString::new, |value| {
                let mut arg = OsString::from("=");
                arg.push(value);
                arg
            })
        };
        vec![
            levels.join(",").into(),
            self.invalidation.unwrap_or("default").into(),
            flags.into(),
            optional(&self.ddir),
            optional(&self.stripdir),
            optional(&self.prependdir),
            optional(&self.rx),
            optional(&self.limit_sl_dest),
        ]
    }

    /// The command line of a worker, before any path: `-I -S`, isolated from the user's and the
    /// tree's paths and without `site`, whose `.pth` files would run code of the tree being
    /// compiled (and whose start the worker does not need).
    fn command(&self) -> Command {
        let mut command = Command::new(&self.python);
        command
            .arg("-I")
            .arg("-S")
            .arg("-c")
            .arg(SCRIPT)
            .args(self.options())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        command
    }

    /// The bytes of the fixed part of a worker's command line (what every argument batch
    /// repeats, `--` included), as the batcher charges it.
    pub fn fixed_arg_bytes(&self) -> usize {
        let pointer = size_of::<usize>();
        let options = self.options();
        let lengths = [self.python.as_os_str().len(), 2, 2, 2, SCRIPT.len(), 2]
            .into_iter()
            .chain(options.iter().map(|option| option.len()));
        lengths.map(|len| len + 1 + pointer).sum()
    }

    /// Checks `-x` as the worker will compile it (Python's `re`, not Rust's): the message of
    /// `re.error` when it is not a Python regular expression.
    pub fn check_rx(&self) -> io::Result<Result<(), String>> {
        let Some(rx) = &self.rx else {
            return Ok(Ok(()));
        };
        let output = Command::new(&self.python)
            .args(["-I", "-S", "-c", CHECK_RX])
            .arg(rx)
            .stdin(Stdio::null())
            .output()?;
        if output.status.success() {
            return Ok(Ok(()));
        }
        let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        Ok(Err(if said.is_empty() {
            format!("the check ended with {}", output.status)
        } else {
            said
        }))
    }
}

/// Compiles `sys.argv[1]` with Python's `re`; prints why not and exits 1 when it fails.
const CHECK_RX: &str = "import re, sys\ntry:\n    re.compile(sys.argv[1])\nexcept re.error as e:\n    print(e)\n    sys.exit(1)";

/// A file to compile and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path, as compileall names it (the argument joined with each name below it).
    pub path: PathBuf,
    /// The folder argument it was found under; `None` for a file named as an argument.
    pub under: Option<Arc<PathBuf>>,
}

impl Source {
    /// The item that goes before the path when paths travel with their context: `f`, or `d`
    /// and the folder argument.
    fn context(&self) -> OsString {
        match &self.under {
            None => "f".into(),
            Some(dir) => {
                let mut context = OsString::from("d");
                context.push(dir.as_os_str());
                context
            }
        }
    }

    /// The bytes of the context item (see [`Source::context`]).
    pub fn context_len(&self) -> usize {
        1 + self.under.as_ref().map_or(0, |dir| dir.as_os_str().len())
    }
}

/// What the interpreter said about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A `.pyc` was written.
    Compiled,
    /// The `.pyc` was up to date (same source mtime), so it was left alone.
    UpToDate,
    /// Not compiled, as compileall would not (not a regular file), with why.
    Skipped(String),
    /// Compiling failed, with the interpreter's message.
    Failed(String),
    /// Not compiled: Ctrl-C came first.
    Interrupted,
}

/// A running interpreter: its answers come one per path, in the order the paths went in.
pub struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// A long-lived worker that reads framed paths on standard input.
    pub fn on_stdin(settings: &Settings) -> io::Result<Worker> {
        let mut command = settings.command();
        command.stdin(Stdio::piped());
        Worker::start(command)
    }

    /// A one-shot run given `paths` as arguments (the caller keeps them under the OS limit).
    pub fn with_args(settings: &Settings, sources: &[Source]) -> io::Result<Worker> {
        let mut command = settings.command();
        command.stdin(Stdio::null()).arg("--");
        for source in sources {
            if settings.with_context() {
                command.arg(source.context());
            }
            command.arg(&source.path);
        }
        Worker::start(command)
    }

    fn start(mut command: Command) -> io::Result<Worker> {
        let mut child = command.spawn()?;
        interrupt::register(child.id());
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout =
            child.stdout.take().map(BufReader::new).ok_or_else(|| {
                io::Error::other("the interpreter's standard output is not a pipe")
            })?;
        Ok(Worker {
            child,
            stdin,
            stdout,
        })
    }

    /// Sends the paths of `sources` (each after its context when `context`), each item as a
    /// 4-byte big-endian length and its bytes, and flushes.
    pub fn send(&mut self, sources: &[Source], context: bool) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("this worker takes no paths on standard input"))?;
        let mut frame = |bytes: &[u8]| {
            let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
            stdin.write_all(&length.to_be_bytes())?;
            stdin.write_all(bytes)
        };
        for source in sources {
            if context {
                frame(source.context().as_encoded_bytes())?;
            }
            frame(source.path.as_os_str().as_encoded_bytes())?;
        }
        stdin.flush()
    }

    /// The next answer; `None` when the interpreter closed its output (it ended, or died).
    pub fn receive(&mut self) -> io::Result<Option<Answer>> {
        let mut head = [0u8; 5];
        match self.stdout.read_exact(&mut head) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(err) => return Err(err),
        }
        let length = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut message = vec![0; length];
        self.stdout.read_exact(&mut message)?;
        let message = String::from_utf8_lossy(&message).into_owned();
        Ok(Some(match head[0] {
            b'c' => Answer::Compiled,
            b'u' => Answer::UpToDate,
            b's' => Answer::Skipped(message),
            b'e' => Answer::Failed(message),
            other => {
                return Err(io::Error::other(format!(
                    "the worker answered with an unknown status byte {other:#04x}"
                )))
            }
        }))
    }

    /// Closes standard input and waits for the interpreter to end; how it ended.
    pub fn finish(mut self) -> io::Result<ExitStatus> {
        self.stdin = None;
        // Unregistered before it is reaped: a reaped id may be reused by another process.
        interrupt::unregister(self.child.id());
        self.child.wait()
    }

    /// Kills the interpreter (it is stuck or no longer wanted) and reaps it.
    pub fn kill(mut self) {
        // It may have ended already; either way it is reaped below.
        let _ = self.child.kill();
        let _ = self.finish();
    }

    /// Waits up to `deadline` for the interpreter to end by itself, then kills it.
    pub fn finish_within(mut self, deadline: std::time::Duration) {
        self.stdin = None;
        interrupt::unregister(self.child.id());
        let start = std::time::Instant::now();
        while start.elapsed() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        self.kill();
    }
}

/// The interpreter a tree's `.pyc` files are for: the environment's own when a path lies in
/// a virtual environment (a `pyvenv.cfg` in it or above it, with a `bin/python`), else
/// `python3` from `PATH`.
pub fn environment_python(paths: &[PathBuf]) -> PathBuf {
    paths
        .iter()
        .filter_map(|path| std::path::absolute(path).ok())
        .find_map(|path| path.ancestors().find_map(venv_python))
        .unwrap_or_else(|| PathBuf::from(if cfg!(windows) { "python" } else { "python3" }))
}

/// The interpreter of the virtual environment at `dir`, if it is one.
fn venv_python(dir: &Path) -> Option<PathBuf> {
    if !dir.join("pyvenv.cfg").is_file() {
        return None;
    }
    let python: OsString = if cfg!(windows) {
        "Scripts/python.exe".into()
    } else {
        "bin/python".into()
    };
    let python = dir.join(python);
    python.exists().then_some(python)
}
