//! Rendering results: every byte of a command's answer is written here, and only here. Where
//! those bytes go (standard output, or `-o FILE` replaced atomically) is [`crate::output`]'s;
//! colour is [`crate::style`]'s; notices on standard error are the commands'.
//!
//! - [`scan`]: `scan`'s records, streamed: the table, JSON and NDJSON.
//! - [`report`]: the answers about a set, `check`, `graph`, `why` and `diff`: text, tree, DOT,
//!   Mermaid and JSON.

pub mod report;
pub mod scan;
