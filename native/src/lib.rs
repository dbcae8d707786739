//! The I/O edge of pkglens: file discovery, reading, OS limits, terminal styling and output.
//! The `pkglens` binary is a thin command-line layer over these modules and `pkglens-core`.

pub mod commands;
pub mod os;
pub mod output;
pub mod read;
pub mod rez_closure;
pub mod style;
pub mod walk;
