//! Version and requirement semantics: PEP 440/508 for Python, rez's own for rez.

pub mod pep508;
pub mod rez;
