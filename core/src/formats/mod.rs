//! Parsers, one per format, and the one entry that picks among them.
//!
//! Each parser takes a path and bytes and returns a [`Record`] or a [`ParseError`]; none reads
//! anything it is not given. [`parse`] detects the format ([`detect`]) and dispatches;
//! [`parse_as`] skips detection. Shared readers have files of their own: [`zip`] (the
//! range-driven zip reader of wheels and zip sdists), `toml_reader` (the field reader of the
//! three TOML formats), [`wheel_name`] (the one wheel file-name parser).

pub(crate) mod core_metadata;
pub(crate) mod detect;
pub(crate) mod egg_info;
pub(crate) mod index_page;
pub(crate) mod poetry;
pub(crate) mod pylock;
pub(crate) mod pyproject;
pub(crate) mod requirements_txt;
pub(crate) mod rez;
pub(crate) mod sdist;
mod toml_reader;
pub(crate) mod uv_lock;
pub(crate) mod wheel;
pub(crate) mod wheel_name;
pub(crate) mod zip;

pub(crate) use requirements_txt::redact::{redact_auth_from_url, redact_requirement};

use crate::record::{ErrorKind, Format, ParseError, Record};
use detect::detect;

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
            core_metadata::parse_core_metadata(input.path, format, input.bytes)
        }
        Format::Pylock => pylock::parse_pylock(input.path, input.bytes),
        Format::UvLock => uv_lock::parse_uv_lock(input.path, input.bytes),
        Format::Wheel => wheel::parse_wheel(input.path, input.bytes),
        Format::Sdist => sdist::parse_sdist(input.path, input.bytes),
        Format::Pyproject => pyproject::parse_pyproject(input.path, input.bytes),
        Format::RequirementsTxt => {
            // No I/O here: an include (`-r`, `-c`) is an error naming it. Callers that can
            // read files pass their reader to the same function.
            requirements_txt::resolve_requirements_input(input, &mut |_| None, &|_| None)
        }
        Format::RezPackagePy => rez::parse_rez_package_py(input.path, input.bytes),
        Format::RezPackageYaml => rez::parse_rez_package_yaml(input.path, input.bytes),
    }
}
