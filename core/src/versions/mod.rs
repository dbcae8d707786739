//! Version and requirement semantics: PEP 440/508 for Python, rez's own for rez.

pub(crate) mod pep440;
pub(crate) mod pep508;
mod pep508_compat;
pub(crate) mod rez;
pub(crate) mod target;
