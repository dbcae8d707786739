//! Parsers, one per format. Each takes bytes and a path and returns a [`Record`](crate::Record).

pub mod core_metadata;
pub mod detect;
pub mod pyproject;
pub mod requirements_txt;
pub mod rez;
pub mod rez_package_py;
