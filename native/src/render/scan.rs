//! `scan`'s records, written as they arrive: a table for people, JSON and NDJSON for programs.
//!
//! JSON and NDJSON are streamed: each record is written when it arrives, in input order, so
//! memory stays bounded however many files there are. The table needs its column widths, so it
//! holds one row per package until the end.

use crate::cli::ScanFormat;
use crate::output::Destination;
use crate::read::{display_path, PassedOver};
use crate::style::{safe, safe_lines, visible_width, Style};
use pkglens_core::{Counts, PassedOverFile, ScanSummary};
use pkglens_core::{Format, ParseError, Record, Status, SCHEMA};
use std::io::{self, Write};

/// A record made ready for a [`ScanWriter`] on a worker thread: for JSON and NDJSON it is
/// serialised there (and dropped there), so the writer, which is serial, only copies bytes.
pub enum Prepared {
    /// The record itself (for the table).
    Record(Record, Option<ParseError>),
    /// A large record's JSON in pieces, to be written one after the other.
    Pieces {
        /// The pieces of the serialised record.
        pieces: Vec<Vec<u8>>,
        /// Its counts.
        counts: Counts,
        /// The detailed error, when it failed.
        error: Option<ParseError>,
    },
    /// The record's JSON and what the summary needs.
    Json {
        /// The serialised record.
        json: Vec<u8>,
        /// Its counts.
        counts: Counts,
        /// The detailed error, when it failed.
        error: Option<ParseError>,
    },
}

impl Prepared {
    /// Prepares `record` for writing in `format`.
    pub fn new(format: ScanFormat, record: Record, error: Option<ParseError>) -> Prepared {
        match format {
            ScanFormat::Table => Prepared::Record(record, error),
            // A very large record (a requirements file of tens of thousands of lines) is
            // serialised in pieces, in parallel on the pool this runs on.
            ScanFormat::Json | ScanFormat::Ndjson if json_size_hint(&record) > LARGE_JSON => {
                let prepared = Prepared::Pieces {
                    pieces: pkglens_core::record_json_pieces(&record),
                    counts: Counts::of(&record),
                    error,
                };
                // Freeing its tens of thousands of strings would be one more serial step
                // before the record is written: another worker of the pool does it meanwhile.
                if rayon::current_thread_index().is_some() {
                    rayon::spawn(move || drop(record));
                }
                prepared
            }
            ScanFormat::Json | ScanFormat::Ndjson => {
                let mut json = Vec::with_capacity(json_size_hint(&record));
                // Serialising plain data into memory cannot fail.
                if pkglens_core::write_record_json(&mut json, &record).is_err() {
                    json.clear();
                }
                Prepared::Json {
                    counts: Counts::of(&record),
                    json,
                    error,
                }
            }
        }
    }

    /// The record's status.
    pub fn status(&self) -> Status {
        match self {
            Prepared::Record(record, _) => record.status,
            Prepared::Json { counts, .. } | Prepared::Pieces { counts, .. } => counts.status,
        }
    }

    /// The detailed error, if the record failed.
    pub fn error(&self) -> Option<&ParseError> {
        match self {
            Prepared::Record(_, error)
            | Prepared::Json { error, .. }
            | Prepared::Pieces { error, .. } => error.as_ref(),
        }
    }
}

/// Records whose JSON would be larger than this are serialised in pieces, in parallel.
const LARGE_JSON: usize = 1 << 20;

/// About the size of a record's compact JSON, a little over rather than under: buffers are
/// sized once instead of growing through doublings.
fn json_size_hint(record: &Record) -> usize {
    let requirements: usize = record
        .requirements
        .iter()
        .map(pkglens_core::requirement_size_hint)
        .sum();
    512 + record.packages.len() * 512 + requirements
}

/// Receives records in order and writes them.
pub struct ScanWriter {
    format: ScanFormat,
    out: Destination,
    style: Style,
    summary: ScanSummary,
    passed_over: Vec<PassedOver>,
    /// Whether the JSON lists the files passed over (`-v`), not only counts them.
    list_passed_over: bool,
    first: bool,
    rows: Vec<[String; 5]>,
    problems: Vec<String>,
}

impl ScanWriter {
    /// A writer of `format` to `out`.
    pub fn new(format: ScanFormat, out: Destination, style: Style) -> io::Result<Self> {
        let mut writer = ScanWriter {
            format,
            out,
            style,
            summary: ScanSummary::default(),
            passed_over: Vec::new(),
            list_passed_over: false,
            first: true,
            rows: Vec::new(),
            problems: Vec::new(),
        };
        if format == ScanFormat::Json {
            write!(writer.out, "{{\"schema\":\"{SCHEMA}\",\"records\":[")?;
        }
        Ok(writer)
    }

    /// Writes one record (and, for the table, remembers the detailed error).
    pub fn record(&mut self, record: &Record, error: Option<&ParseError>) -> io::Result<()> {
        let prepared = Prepared::new(self.format, record.clone(), error.cloned());
        self.write(prepared)
    }

    /// Writes one prepared record.
    pub fn write(&mut self, prepared: Prepared) -> io::Result<()> {
        match prepared {
            Prepared::Record(record, error) => {
                self.summary.add(Counts::of(&record));
                if self.format == ScanFormat::Table {
                    self.table_rows(&record, error.as_ref());
                } else {
                    self.begin_json_record()?;
                    pkglens_core::write_record_json(&mut self.out, &record)?;
                    self.end_json_record()?;
                }
            }
            Prepared::Pieces { pieces, counts, .. } => {
                self.summary.add(counts);
                self.begin_json_record()?;
                for piece in &pieces {
                    self.out.write_all(piece)?;
                }
                self.end_json_record()?;
            }
            Prepared::Json { json, counts, .. } => {
                self.summary.add(counts);
                self.begin_json_record()?;
                self.out.write_all(&json)?;
                self.end_json_record()?;
            }
        }
        Ok(())
    }

    fn begin_json_record(&mut self) -> io::Result<()> {
        if self.format == ScanFormat::Json && !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        Ok(())
    }

    fn end_json_record(&mut self) -> io::Result<()> {
        if self.format == ScanFormat::Ndjson {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn table_rows(&mut self, record: &Record, error: Option<&ParseError>) {
        let s = self.style;
        for package in &record.packages {
            let requires = package.requires.len()
                + package.build_requires.len()
                + package.private_build_requires.len();
            let mut name = s.bold(&package.name);
            if record.status == Status::Dynamic {
                name.push_str(&s.yellow(" (dynamic)"));
            }
            self.rows.push([
                name,
                safe(&package.version).into_owned(),
                format!("{:?}", package.ecosystem).to_lowercase(),
                requires.to_string(),
                s.dim(&record.path),
            ]);
        }
        if !record.requirements.is_empty() {
            let label = match record.format {
                Some(Format::Pyproject) => "(build system and groups)",
                _ => "(requirements list)",
            };
            self.rows.push([
                s.dim(label),
                String::new(),
                "python".to_owned(),
                record.requirements.len().to_string(),
                s.dim(&record.path),
            ]);
        }
        match (record.status, error, &record.error) {
            (Status::Error, Some(err), _) => {
                let err = err.to_string();
                self.problems
                    .push(format!("{} {}", s.red("error:"), safe_lines(&err)))
            }
            (Status::Error, None, Some(info)) => self.problems.push(format!(
                "{} {}:{}:{}: {}",
                s.red("error:"),
                safe(&record.path),
                info.line,
                info.column,
                safe(&info.message)
            )),
            (Status::Dynamic, _, _) => self.problems.push(format!(
                "{} {}: {}",
                s.yellow("dynamic:"),
                safe(&record.path),
                safe(record.reason.as_deref().unwrap_or("computed at load time"))
            )),
            _ => {}
        }
    }

    /// The files the walk passed over, with their reasons: counted on the table's summary
    /// line and in the JSON summary (`passed_over`), listed there too when `list` (`-v`).
    pub fn set_passed_over(&mut self, files: Vec<PassedOver>, list: bool) {
        self.passed_over = files;
        self.list_passed_over = list;
    }

    /// Ends the output (closing JSON, printing the table) and commits the destination.
    pub fn finish(mut self) -> io::Result<ScanSummary> {
        match self.format {
            ScanFormat::Json => {
                write!(self.out, "],\"summary\":")?;
                let mut summary = self.summary.clone();
                summary.passed_over = self.passed_over.len();
                summary.passed_over_files = self.list_passed_over.then(|| {
                    self.passed_over
                        .iter()
                        .map(|(path, reason)| PassedOverFile {
                            path: display_path(path),
                            reason: (*reason).to_owned(),
                        })
                        .collect()
                });
                serde_json::to_writer(&mut self.out, &summary)?;
                self.out.write_all(b"}\n")?;
            }
            ScanFormat::Ndjson => {}
            ScanFormat::Table => self.write_table()?,
        }
        let summary = self.summary.clone();
        self.out.commit()?;
        Ok(summary)
    }

    fn write_table(&mut self) -> io::Result<()> {
        let s = self.style;
        let header = ["NAME", "VERSION", "ECOSYSTEM", "REQUIRES", "FILE"].map(|h| s.cyan(h));
        let mut widths = [0usize; 5];
        for row in std::iter::once(&header).chain(&self.rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(visible_width(cell));
            }
        }
        // The requirement count is right-aligned; everything else left-aligned.
        let right = [false, false, false, true, false];
        for row in std::iter::once(&header).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .zip(right)
                .map(|((cell, width), right)| {
                    let pad = " ".repeat(width - visible_width(cell));
                    if right {
                        format!("{pad}{cell}")
                    } else {
                        format!("{cell}{pad}")
                    }
                })
                .collect();
            writeln!(self.out, "{}", cells.join("  ").trim_end())?;
        }
        if !self.problems.is_empty() {
            writeln!(self.out)?;
            for problem in &self.problems {
                writeln!(self.out, "{problem}")?;
            }
        }
        let t = &self.summary;
        // The files a walk passed over end the line (`-v` lists them).
        let passed_over = match self.passed_over.len() {
            0 => String::new(),
            n => format!(
                "; {n} other {} passed over (-v lists them)",
                plural(n, "file")
            ),
        };
        writeln!(
            self.out,
            "\n{} files, {} packages, {} requirements: {} ok, {} dynamic, {} {}{passed_over}",
            t.files,
            t.packages,
            t.requirements,
            t.ok,
            t.dynamic,
            t.errors,
            plural(t.errors, "error"),
        )?;
        Ok(())
    }
}

/// `word`, with an `s` unless there is one.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
