//! Parsers, one per format. Each takes bytes and a path and returns a [`Record`](crate::Record).

pub mod core_metadata;
pub mod detect;
pub mod pylock;
pub mod pyproject;
pub mod requirements_txt;
pub mod rez;
pub mod sdist;
mod toml_reader;
pub mod uv_lock;
pub mod wheel;
pub mod wheel_name;
pub mod zip;
