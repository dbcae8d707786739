//! pkglens-core: reads the package and dependency files of the Python and rez ecosystems.
//!
//! Sans-I/O: nothing here opens a file, a socket or a clock. Parsers take bytes and a path and
//! return owned values; the caller does the reading. Data flows one way:
//! bytes → [`detect`] → [`parse`] → [`Record`] → package set → checks and queries → output.
//! The [`parallel`] engine decides how many of these run at once, never what they do; [`batch`]
//! parses many inputs on it.
#![deny(missing_docs)]

pub mod batch;
pub mod formats;
mod json_pieces;
pub mod parallel;
mod record;
pub mod report;
pub mod select;
pub mod set;
pub mod text;
pub mod versions;

pub use formats::detect::{detect, detect_by_content, detect_by_name};
pub use json_pieces::record_json_pieces;
pub use record::{requirement_size_hint, write_record_json};
pub use record::{
    Ecosystem, ErrorInfo, ErrorKind, Format, Package, ParseError, Record, Requirement,
    RequirementKind, Status, SCHEMA,
};

/// One input: a path (as the caller names it; it appears in the output) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The path, used for detection by name and in every message.
    pub path: &'a str,
    /// The whole content.
    pub bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// An input named `path` holding `bytes`.
    pub fn new(path: &'a str, bytes: &'a [u8]) -> Self {
        Input { path, bytes }
    }
}

/// The largest input a parser accepts (64 MiB): larger files are errors, not out-of-memory.
pub const MAX_INPUT: usize = 64 * 1024 * 1024;

/// Whether pkglens can parse `format` from a whole file's bytes today.
pub fn is_supported(format: Format) -> bool {
    matches!(
        format,
        Format::Metadata
            | Format::PkgInfo
            | Format::RezPackagePy
            | Format::RezPackageYaml
            | Format::RequirementsTxt
            | Format::Pyproject
            | Format::Wheel
            | Format::Sdist
            | Format::Pylock
            | Format::UvLock
    )
}

/// Detects the format of `input` and parses it.
pub fn parse(input: &Input<'_>) -> Result<Record, ParseError> {
    let Some(format) = detect(input.path, input.bytes) else {
        return Err(ParseError::whole(
            input.path,
            None,
            ErrorKind::Unsupported,
            "unrecognised file: expected a package or dependency file (METADATA, PKG-INFO, package.py, ...)",
        ));
    };
    parse_as(input, format)
}

/// Parses `input` as `format`.
pub fn parse_as(input: &Input<'_>, format: Format) -> Result<Record, ParseError> {
    if input.bytes.len() > MAX_INPUT {
        return Err(ParseError::whole(
            input.path,
            Some(format),
            ErrorKind::TooLarge,
            format!(
                "file is {} bytes, larger than the {} bytes pkglens reads",
                input.bytes.len(),
                MAX_INPUT
            ),
        ));
    }
    match format {
        Format::Metadata | Format::PkgInfo => {
            formats::core_metadata::parse_core_metadata(input.path, format, input.bytes)
        }
        Format::Pylock => formats::pylock::parse_pylock(input.path, input.bytes),
        Format::UvLock => formats::uv_lock::parse_uv_lock(input.path, input.bytes),
        Format::Wheel => formats::wheel::parse_wheel(input.path, input.bytes),
        Format::Sdist => formats::sdist::parse_sdist(input.path, input.bytes),
        Format::Pyproject => formats::pyproject::parse_pyproject(input.path, input.bytes),
        Format::RequirementsTxt => {
            // No I/O here: an include (`-r`, `-c`) is an error naming it. Callers that can
            // read files pass their reader to the same function.
            formats::requirements_txt::resolve_requirements_input(input, &mut |_| None, &|_| None)
        }
        Format::RezPackagePy => formats::rez::parse_rez_package_py(input.path, input.bytes),
        Format::RezPackageYaml => formats::rez::parse_rez_package_yaml(input.path, input.bytes),
    }
}
