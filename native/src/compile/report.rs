//! What `compile` says: each failure as it comes (table) or every file in one document
//! (JSON), and the summary line on standard error.

use super::worker::Answer;
use super::{interrupt, CompileFormat, FileResult};
use crate::read::display_path;
use crate::style;
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// What the summary says besides the counts.
pub(super) struct Summary<'a> {
    pub(super) workers: usize,
    pub(super) interpreters: usize,
    pub(super) died: usize,
    pub(super) python: &'a Path,
    pub(super) elapsed: Duration,
    pub(super) quiet: bool,
}

/// The results as they come, in input order: failures printed at once (table) or every file
/// kept for the document (JSON).
pub(super) struct Report {
    format: CompileFormat,
    out: std::io::BufWriter<std::io::Stdout>,
    files: Vec<FileEntry>,
    counts: Counts,
}

/// One file in the JSON document.
#[derive(serde::Serialize)]
struct FileEntry {
    /// As `scan` writes paths (escaped when not UTF-8).
    path: String,
    /// `compiled`, `up_to_date`, `skipped`, `failed` or `interrupted`.
    result: &'static str,
    /// Why it was skipped or failed (the interpreter's own message).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// The JSON document of `compile --format json`.
#[derive(serde::Serialize)]
struct Document<'a> {
    schema: &'static str,
    python: String,
    files: &'a [FileEntry],
    summary: JsonSummary<'a>,
}

/// The document's summary: the counts, and how many interpreters did the work.
#[derive(serde::Serialize)]
struct JsonSummary<'a> {
    #[serde(flatten)]
    counts: &'a Counts,
    workers: usize,
    interpreters: usize,
    died: usize,
}

/// How many files ended how.
#[derive(Default, serde::Serialize)]
struct Counts {
    files: usize,
    compiled: usize,
    up_to_date: usize,
    skipped: usize,
    failed: usize,
    interrupted: usize,
}

impl Report {
    pub(super) fn new(format: CompileFormat) -> Report {
        Report {
            format,
            out: std::io::BufWriter::new(std::io::stdout()),
            files: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// A folder that could not be listed: a failure.
    pub(super) fn add_unlisted(&mut self, dir: &Path, err: &std::io::Error) -> std::io::Result<()> {
        self.counts.failed += 1;
        self.write(
            dir,
            "failed",
            Some(&format!("cannot list the folder: {err}")),
        )
    }

    pub(super) fn add(&mut self, result: FileResult) -> std::io::Result<()> {
        self.counts.files += 1;
        let (name, message) = match &result.answer {
            Answer::Compiled => {
                self.counts.compiled += 1;
                ("compiled", None)
            }
            Answer::UpToDate => {
                self.counts.up_to_date += 1;
                ("up_to_date", None)
            }
            Answer::Skipped(why) => {
                self.counts.skipped += 1;
                ("skipped", Some(why.as_str()))
            }
            Answer::Failed(why) => {
                self.counts.failed += 1;
                ("failed", Some(why.as_str()))
            }
            Answer::Interrupted => {
                self.counts.interrupted += 1;
                ("interrupted", None)
            }
        };
        self.write(&result.path, name, message)
    }

    fn write(
        &mut self,
        path: &Path,
        result: &'static str,
        message: Option<&str>,
    ) -> std::io::Result<()> {
        match self.format {
            CompileFormat::Json => self.files.push(FileEntry {
                path: display_path(path),
                result,
                message: message.map(|m| m.trim_end().to_owned()),
            }),
            CompileFormat::Table if result == "failed" => {
                let message = message.unwrap_or_default().trim_end();
                writeln!(
                    self.out,
                    "error: {}\n{}",
                    style::safe(&display_path(path)),
                    style::safe_lines(message)
                )?;
                self.out.flush()?;
            }
            CompileFormat::Table => {}
        }
        Ok(())
    }

    pub(super) fn finish(mut self, summary: &Summary) -> anyhow::Result<ExitCode> {
        let counts = &self.counts;
        if self.format == CompileFormat::Json {
            let document = Document {
                schema: pkglens_core::SCHEMA,
                python: display_path(summary.python),
                files: &self.files,
                summary: JsonSummary {
                    counts,
                    workers: summary.workers,
                    interpreters: summary.interpreters,
                    died: summary.died,
                },
            };
            serde_json::to_writer_pretty(&mut self.out, &document)?;
            writeln!(self.out)?;
        }
        self.out.flush().context("cannot write the output")?;
        if !summary.quiet || counts.interrupted > 0 {
            eprintln!(
                "pkglens: {} compiled, {} up to date, {} failed{} of {} .py files, with {} \
                 ({} interpreter{}{}) in {:.2} s",
                counts.compiled,
                counts.up_to_date,
                counts.failed,
                if counts.interrupted > 0 {
                    format!(", {} not compiled (interrupted)", counts.interrupted)
                } else {
                    String::new()
                },
                counts.files,
                style::safe(&display_path(summary.python)),
                summary.interpreters,
                if summary.interpreters == 1 { "" } else { "s" },
                match summary.died {
                    0 => String::new(),
                    n => format!(", {n} died, their files retried"),
                },
                summary.elapsed.as_secs_f64()
            );
        }
        Ok(if interrupt::interrupted() {
            ExitCode::from(130)
        } else if counts.failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }
}
