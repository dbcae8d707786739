//! Version and requirement semantics: PEP 440/508 for Python, rez's own for rez.

pub mod pep440;
pub mod pep508;
mod pep508_compat;
pub mod rez;
