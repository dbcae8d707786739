//! The options of a line (`-r`, `-c`, `-e`, `--index-url`, `--hash`, ...), read as pip's
//! `optparse` parser reads them from shlex'd tokens, with pip's option callbacks.

use super::shlex::shlex_split;
use crate::text::Fault;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dest {
    Global,
    Requirement,
    Constraint,
    Editable,
    Binary,
    Feature,
    Hash,
    Config,
}

/// (long name, short letter, takes a value, what it does, the name recorded).
const OPTIONS: &[(&str, Option<char>, bool, Dest, &str)] = &[
    ("--index-url", Some('i'), true, Dest::Global, "--index-url"),
    ("--pypi-url", None, true, Dest::Global, "--index-url"),
    (
        "--extra-index-url",
        None,
        true,
        Dest::Global,
        "--extra-index-url",
    ),
    ("--no-index", None, false, Dest::Global, "--no-index"),
    (
        "--constraint",
        Some('c'),
        true,
        Dest::Constraint,
        "--constraint",
    ),
    (
        "--requirement",
        Some('r'),
        true,
        Dest::Requirement,
        "--requirement",
    ),
    ("--editable", Some('e'), true, Dest::Editable, "--editable"),
    (
        "--find-links",
        Some('f'),
        true,
        Dest::Global,
        "--find-links",
    ),
    ("--no-binary", None, true, Dest::Binary, "--no-binary"),
    ("--only-binary", None, true, Dest::Binary, "--only-binary"),
    (
        "--prefer-binary",
        None,
        false,
        Dest::Global,
        "--prefer-binary",
    ),
    (
        "--require-hashes",
        None,
        false,
        Dest::Global,
        "--require-hashes",
    ),
    ("--pre", None, false, Dest::Global, "--pre"),
    ("--trusted-host", None, true, Dest::Global, "--trusted-host"),
    ("--use-feature", None, true, Dest::Feature, "--use-feature"),
    ("--hash", None, true, Dest::Hash, "--hash"),
    (
        "--config-settings",
        Some('C'),
        true,
        Dest::Config,
        "--config-settings",
    ),
];

const FEATURES: &[&str] = &[
    "fast-deps",
    "build-constraint",
    "truststore",
    "no-binary-enable-wheel-cache",
];

const STRONG_HASHES: &[&str] = &["sha256", "sha384", "sha512"];

/// The options of one line, in the order written.
#[derive(Debug, Default)]
pub(super) struct Opts {
    /// (canonical name, value, byte offset of the value in the options string).
    pub(super) values: Vec<(Dest, &'static str, String, usize)>,
}

impl Opts {
    pub(super) fn first(&self, dest: Dest) -> Option<(&str, usize)> {
        self.values
            .iter()
            .find(|v| v.0 == dest)
            .map(|v| (v.2.as_str(), v.3))
    }
}

/// optparse's long-option lookup: an exact name, or the only one it abbreviates.
///
/// `name = option_name | unique_prefix_of_option_name`
fn match_long(opt: &str) -> Result<usize, String> {
    if let Some(i) = OPTIONS.iter().position(|o| o.0 == opt) {
        return Ok(i);
    }
    let candidates: Vec<usize> = (0..OPTIONS.len())
        .filter(|&i| OPTIONS.get(i).is_some_and(|o| o.0.starts_with(opt)))
        .collect();
    match candidates.as_slice() {
        [only] => Ok(*only),
        [] => Err(format!("no such option: {opt}")),
        many => {
            let mut names: Vec<&str> = many
                .iter()
                .filter_map(|&i| OPTIONS.get(i).map(|o| o.0))
                .collect();
            names.sort_unstable();
            Err(format!("ambiguous option: {opt} ({}?)", names.join(", ")))
        }
    }
}

/// optparse over shlex'd tokens, with pip's option callbacks.
///
/// `options = (long | shorts | '--' | positional)*`, `long = '--' name ['=' value | ' ' value]`,
/// `shorts = '-' flag* [letter (value | ' ' value)]`
pub(super) fn parse_options(options: &str) -> Result<Opts, Fault> {
    let tokens = shlex_split(options).map_err(|f| Fault {
        message: format!("could not split options: {}", f.message),
        ..f
    })?;
    let mut opts = Opts::default();
    let mut i = 0;
    while let Some((arg, at)) = tokens.get(i) {
        let at = *at;
        // The token as written (quotes aside): what a fault in it underlines.
        let token = at..(at + arg.len()).min(options.len());
        i += 1;
        if arg == "--" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--").map(|_| arg.as_str()) {
            let (name, explicit) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let index = match_long(name).map_err(|m| Fault::new(token.clone(), m))?;
            let Some(&(full, _, takes, dest, canonical)) = OPTIONS.get(index) else {
                continue;
            };
            if takes {
                let value = match explicit {
                    Some(v) => v,
                    None => match tokens.get(i) {
                        Some((v, _)) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(Fault::new(
                                token.clone(),
                                format!("{full} option requires 1 argument"),
                            ))
                        }
                    },
                };
                check_value(full, dest, &value).map_err(|m| Fault::new(token.clone(), m))?;
                opts.values.push((dest, canonical, value, at));
            } else if explicit.is_some() {
                return Err(Fault::new(
                    token.clone(),
                    format!("{full} option does not take a value"),
                ));
            } else {
                opts.values.push((dest, canonical, String::new(), at));
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            let letters = arg.get(1..).unwrap_or("");
            for (k, letter) in letters.char_indices() {
                let Some(&(_, _, takes, dest, canonical)) =
                    OPTIONS.iter().find(|o| o.1 == Some(letter))
                else {
                    return Err(Fault::new(
                        token.clone(),
                        format!("no such option: -{letter}"),
                    ));
                };
                let opt_str = format!("-{letter}");
                if takes {
                    let rest = letters.get(k + letter.len_utf8()..).unwrap_or("");
                    let value = if !rest.is_empty() {
                        rest.to_owned()
                    } else {
                        match tokens.get(i) {
                            Some((v, _)) => {
                                i += 1;
                                v.clone()
                            }
                            None => {
                                return Err(Fault::new(
                                    token.clone(),
                                    format!("{opt_str} option requires 1 argument"),
                                ))
                            }
                        }
                    };
                    check_value(&opt_str, dest, &value)
                        .map_err(|m| Fault::new(token.clone(), m))?;
                    opts.values.push((dest, canonical, value, at));
                    break;
                }
                opts.values.push((dest, canonical, String::new(), at));
            }
        }
        // Anything else is a positional argument, which pip ignores.
    }
    Ok(opts)
}

/// The checks pip's option callbacks and `choices` make.
fn check_value(opt: &str, dest: Dest, value: &str) -> Result<(), String> {
    match dest {
        Dest::Hash => match value.split_once(':') {
            None => Err(format!(
                "arguments to {opt} must be a hash name followed by a value, like --hash=sha256:abcde..."
            )),
            Some((algo, _)) if !STRONG_HASHES.contains(&algo) => Err(format!(
                "allowed hash algorithms for {opt} are {}.",
                STRONG_HASHES.join(", ")
            )),
            Some(_) => Ok(()),
        },
        Dest::Config if !value.contains('=') => {
            Err(format!("arguments to {opt} must be of the form KEY=VAL"))
        }
        Dest::Binary if value.starts_with('-') => {
            Err("--no-binary / --only-binary option requires 1 argument.".to_owned())
        }
        Dest::Feature if !FEATURES.contains(&value) => Err(format!(
            "option {opt}: invalid choice: '{value}' (choose from {})",
            FEATURES
                .iter()
                .map(|f| format!("'{f}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => Ok(()),
    }
}

/// pip's `break_args_options`: the byte where the options start (tokens split on spaces; the
/// first token starting with `-`), or `None`.
///
/// `line = args [' ' options]`, `options = '-' any*` at the start of a space-separated token
pub(super) fn options_start(line: &str) -> Option<usize> {
    // Tokens start at 0 and after each space: the first `-` that starts one.
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'-' && (i == 0 || bytes[i - 1] == b' '))
}
