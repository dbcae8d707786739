//! The interpreters that compile: long-lived workers fed paths on standard input, or one-shot
//! runs given their paths as arguments, both speaking the answer protocol of `worker.py`.

use super::interrupt;
use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

/// The worker script, embedded: it is passed with `-c`, written nowhere.
const SCRIPT: &str = include_str!("worker.py");

/// How `.pyc` files are written: the interpreter and compileall's options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The interpreter whose `.pyc` files are written.
    pub python: PathBuf,
    /// The optimisation level (0, 1 or 2: `-O`, `-OO`).
    pub optimize: u8,
    /// `timestamp`, `checked-hash` or `unchecked-hash` as py_compile names them
    /// (`TIMESTAMP`...); `None`: py_compile's default (`SOURCE_DATE_EPOCH` decides).
    pub invalidation: Option<&'static str>,
    /// Compile even when the `.pyc` looks up to date.
    pub force: bool,
}

impl Settings {
    /// The command line of a worker, before any path.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.python);
        command
            .arg("-I")
            .arg("-c")
            .arg(SCRIPT)
            .arg(self.optimize.to_string())
            .arg(self.invalidation.unwrap_or("default"))
            .arg(if self.force { "1" } else { "0" })
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        command
    }

    /// The bytes of the fixed part of a worker's command line (what every argument batch
    /// repeats), as the batcher charges it.
    pub fn fixed_arg_bytes(&self) -> usize {
        let pointer = size_of::<usize>();
        let parts = [
            self.python.as_os_str().len(),
            2,
            2,
            SCRIPT.len(),
            1,
            self.invalidation.unwrap_or("default").len(),
            1,
            2,
        ];
        parts.iter().map(|len| len + 1 + pointer).sum()
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
    pub fn with_args(settings: &Settings, paths: &[PathBuf]) -> io::Result<Worker> {
        let mut command = settings.command();
        command.stdin(Stdio::null()).arg("--").args(paths);
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

    /// Sends `paths`, each as a 4-byte big-endian length and its bytes, and flushes.
    pub fn send(&mut self, paths: &[PathBuf]) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("this worker takes no paths on standard input"))?;
        for path in paths {
            let bytes = path.as_os_str().as_encoded_bytes();
            let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
            stdin.write_all(&length.to_be_bytes())?;
            stdin.write_all(bytes)?;
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
