//! The `pkglens` command line and its I/O edge. The binary (`main.rs`) parses the command line
//! ([`cli`]) and dispatches to [`commands`]; the commands load their inputs ([`load`], over
//! [`walk`], [`read`], [`rez_closure`] and [`os`]), build their answer with `pkglens-core`, and
//! hand it to [`render`], which writes it to an [`output`] destination, coloured by [`style`].

pub mod alloc;
pub mod cli;
pub mod commands;
pub mod compile;
pub mod load;
pub mod net;
pub mod os;
pub mod output;
pub mod read;
pub mod render;
pub mod resolve;
pub mod rez_closure;
pub mod style;
pub mod target;
pub mod walk;
