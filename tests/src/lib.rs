//! Conformance tests live in `tests/tests/`; this library holds what several of them share.

/// A specifier set as the reference scripts write it: each specifier without spaces, sorted.
pub fn sorted_specifiers(spec: &str) -> Vec<String> {
    let mut specifiers: Vec<String> = spec
        .split(',')
        .map(|s| s.split_whitespace().collect::<String>())
        .filter(|s| !s.is_empty())
        .collect();
    specifiers.sort();
    specifiers
}
