//! Parsing a batch of inputs: one call, one record or error per input, in input order, run by
//! the parallel engine's [`map_batch`] (which knows nothing of formats).
//!
//! **Order.** Output `i` belongs to input `i`, always. **Memory.** The whole output is held
//! (use [`ordered_map`](crate::parallel::ordered_map) for streams). **Failure.** A bad input is
//! an `Err` in its own slot; nothing aborts the batch, and a panic in one parser is turned into
//! an error in that slot (parsers are fuzzed not to panic; this is the last line of defence).

use crate::formats::egg_info::parse_egg_info;
use crate::formats::requirements_txt::resolve_requirements_input;
use crate::parallel::{map_batch, Policy};
use crate::record::{ErrorKind, Format, ParseError, Record};
use crate::select::is_egg_info;
use crate::text::normalize_path;
use crate::Input;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;

/// Parses a batch of inputs: output `i` is input `i`'s record or error.
pub fn parse_batch(inputs: &[Input<'_>], policy: &Policy) -> Vec<Result<Record, ParseError>> {
    let bytes = inputs.iter().map(|input| input.bytes.len() as u64).sum();
    map_batch(inputs, bytes, policy, |input| parse_guarded(input, None))
}

/// [`parse_batch`] for inputs that may include each other: a requirements file's `-r` and `-c`
/// are looked up by path (`./` and `..` segments resolved) among the batch's own inputs and
/// `others` (files that are only there to be included, not parsed), never read from anywhere
/// else, and `${VAR}` references are left as written. This is how a batch without a file
/// system (a browser's dropped folder) reads requirements the way pip does.
pub fn parse_batch_linked(
    inputs: &[Input<'_>],
    others: &[Input<'_>],
    policy: &Policy,
) -> Vec<Result<Record, ParseError>> {
    parse_batch_linked_map(inputs, others, policy, |result| result)
}

/// [`parse_batch_linked`] with each result mapped through `then` in the job that parsed it,
/// on the same thread, before the next input is parsed: a record that is only summarised or
/// serialised is freed at once instead of being held with all the others until the batch
/// ends. Holding them all made the threaded wasm build's per-thread allocator caches
/// overflow, sending every allocation to the shared allocator's lock (see `docs/decisions.md`).
pub fn parse_batch_linked_map<R, F>(
    inputs: &[Input<'_>],
    others: &[Input<'_>],
    policy: &Policy,
    then: F,
) -> Vec<R>
where
    R: Send,
    F: Fn(Result<Record, ParseError>) -> R + Sync + Send,
{
    // Built the first time a requirements file asks for an include: most batches have none.
    let by_path: OnceLock<HashMap<String, &[u8]>> = OnceLock::new();
    let lookup = |path: &str| -> Option<Vec<u8>> {
        by_path
            .get_or_init(|| {
                others
                    .iter()
                    .chain(inputs)
                    .map(|input| (normalize_path(input.path), input.bytes))
                    .collect()
            })
            .get(&normalize_path(path))
            .map(|bytes| bytes.to_vec())
    };
    let bytes = inputs.iter().map(|input| input.bytes.len() as u64).sum();
    map_batch(inputs, bytes, policy, |input| {
        then(parse_linked(input, &lookup))
    })
}

/// One input of [`parse_batch_linked`]: a requirements file with its includes found by
/// `lookup`, an egg-info's `PKG-INFO` with the `requires.txt` beside it (when `lookup` has it,
/// merged as pip merges it, as the CLI does from disk), any other file parsed alone.
fn parse_linked(
    input: &Input<'_>,
    lookup: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
) -> Result<Record, ParseError> {
    if input.bytes.len() > crate::MAX_INPUT {
        // Too large to read: the error `parse_as` gives, before any include is looked up.
        return parse_guarded(input, None);
    }
    let format = crate::detect(input.path, input.bytes);
    let (format, parse): (_, Box<dyn FnOnce() -> Result<Record, ParseError>>) = match format {
        Some(Format::RequirementsTxt) => (
            format,
            Box::new(|| resolve_requirements_input(input, &mut |path| lookup(path), &|_| None)),
        ),
        Some(Format::PkgInfo) => match egg_info_requires(input.path) {
            Some(requires) => {
                let requires = lookup(&requires);
                (
                    format,
                    Box::new(move || parse_egg_info(input.path, input.bytes, requires.as_deref())),
                )
            }
            None => return parse_guarded(input, None),
        },
        _ => return parse_guarded(input, None),
    };
    panic::catch_unwind(AssertUnwindSafe(parse)).unwrap_or_else(|_| {
        Err(ParseError::whole(
            input.path,
            format,
            ErrorKind::Syntax,
            "internal error: the parser panicked on this input (please report it)",
        ))
    })
}

/// The path of the `requires.txt` beside `path` when `path` is an egg-info folder's
/// `PKG-INFO` (`foo.egg-info/PKG-INFO`).
fn egg_info_requires(path: &str) -> Option<String> {
    let folder = path.strip_suffix("/PKG-INFO")?;
    let name = folder.rsplit('/').next().unwrap_or(folder);
    is_egg_info(name).then(|| format!("{folder}/requires.txt"))
}

/// [`crate::parse_as`] `format`, or [`crate::parse`] when `format` is `None`, with a panic
/// turned into an error value.
pub fn parse_guarded(input: &Input<'_>, format: Option<Format>) -> Result<Record, ParseError> {
    let parse = || match format {
        Some(format) => crate::parse_as(input, format),
        None => crate::parse(input),
    };
    match panic::catch_unwind(AssertUnwindSafe(parse)) {
        Ok(result) => result,
        Err(_) => Err(ParseError::whole(
            input.path,
            format,
            ErrorKind::Syntax,
            "internal error: the parser panicked on this input (please report it)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::{Executor, Jobs, Policy};
    use crate::record::Status;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn linked_batches_resolve_includes_among_their_inputs() {
        let inputs = [
            Input::new(
                "app/requirements.txt",
                b"-r ./requirements-base.txt\nflask\n",
            ),
            Input::new(
                "app/requirements-base.txt",
                b"-c ../constraints.txt\nrequests\n",
            ),
            Input::new("constraints.txt", b"urllib3<3\n"),
            Input::new("app/requirements-dev.txt", b"-r nowhere.txt\n"),
        ];
        let out = parse_batch_linked(&inputs, &[], &Policy::serial());
        let names = |i: usize| -> Vec<String> {
            let record = out[i].as_ref().unwrap();
            record.requirements.iter().map(|r| r.name.clone()).collect()
        };
        assert_eq!(names(0), ["urllib3", "requests", "flask"]);
        assert_eq!(names(1), ["urllib3", "requests"]);
        assert_eq!(names(2), ["urllib3"]);
        let err = out[3].as_ref().unwrap_err();
        assert!(err.info.message.contains("nowhere.txt"), "{err}");
        assert_eq!(err.info.line, 1);
    }

    #[test]
    fn linked_batches_merge_an_egg_infos_requires_txt() {
        // Debian's PyGObject egg-info: PKG-INFO without Requires-Dist, requires.txt beside it.
        let pkg_info = b"Metadata-Version: 2.1\nName: PyGObject\nVersion: 3.42.2\n";
        let inputs = [
            Input::new("dist-packages/PyGObject-3.42.2.egg-info/PKG-INFO", pkg_info),
            Input::new("elsewhere/PKG-INFO", pkg_info),
        ];
        let others = [Input::new(
            "dist-packages/./PyGObject-3.42.2.egg-info/requires.txt",
            b"pycairo>=1.16.0\n",
        )];
        let out = parse_batch_linked(&inputs, &others, &Policy::serial());
        let requires = |i: usize| -> Vec<String> {
            let record = out[i].as_ref().unwrap();
            record.packages[0]
                .requires
                .iter()
                .map(|r| format!("{}{}", r.name, r.spec))
                .collect()
        };
        assert_eq!(requires(0), ["pycairo>=1.16.0"]);
        assert!(requires(1).is_empty(), "only an egg-info folder's PKG-INFO");
        assert_eq!(
            egg_info_requires("a.egg-info/PKG-INFO").unwrap(),
            "a.egg-info/requires.txt"
        );
        assert_eq!(egg_info_requires("a.dist-info/PKG-INFO"), None);
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn linked_map_on_threads_is_the_serial_batch_mapped() {
        let owned: Vec<(String, Vec<u8>)> = (0..200)
            .map(|i| match i % 3 {
                0 => (
                    format!("r{i}/requirements.txt"),
                    format!("-r ../base{}.txt\nflask\n", i % 5).into_bytes(),
                ),
                1 => (format!("base{}.txt", i % 5), b"requests\n".to_vec()),
                _ => (
                    format!("p{i}/PKG-INFO"),
                    format!("Metadata-Version: 2.1\nName: p{i}\nVersion: 1\n").into_bytes(),
                ),
            })
            .collect();
        let inputs: Vec<Input<'_>> = owned.iter().map(|(p, b)| Input::new(p, b)).collect();
        let (parsed, others) = inputs.split_at(150);
        let serial = parse_batch_linked(parsed, others, &Policy::serial());
        let mut policy = Policy::new(Executor::for_jobs(Jobs::Exactly(3)).unwrap());
        policy.serial_items = 0;
        policy.serial_bytes = 0;
        let mapped = parse_batch_linked_map(parsed, others, &policy, |result| {
            result.map(|record| record.requirements.len())
        });
        let expected: Vec<_> = serial
            .into_iter()
            .map(|result| result.map(|record| record.requirements.len()))
            .collect();
        assert_eq!(mapped, expected);
        assert!(expected.iter().any(|r| r.as_ref().is_ok_and(|n| *n == 2)));
    }

    fn inputs() -> Vec<(String, Vec<u8>)> {
        (0..40)
            .map(|i| {
                let bytes = match i % 4 {
                    0 => format!("Metadata-Version: 2.1\nName: pkg{i}\nVersion: 1.{i}\n")
                        .into_bytes(),
                    1 => b"Metadata-Version: 2.1\nVersion: 1.0\n".to_vec(),
                    2 => vec![0xff, 0xfe, 0x00, 0x01],
                    _ => format!("Metadata-Version: 1.0\nName: other{i}\nVersion: {i}\n\nbody\n")
                        .into_bytes(),
                };
                (format!("d{i}/PKG-INFO"), bytes)
            })
            .collect()
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn output_is_aligned_and_bad_inputs_stay_in_their_slot() {
        let owned = inputs();
        let inputs: Vec<Input<'_>> = owned.iter().map(|(p, b)| Input::new(p, b)).collect();
        let serial = parse_batch(&inputs, &Policy::serial());
        let mut policy = Policy::new(Executor::for_jobs(Jobs::Exactly(3)).unwrap());
        policy.serial_items = 0;
        policy.serial_bytes = 0;
        let parallel = parse_batch(&inputs, &policy);
        assert_eq!(serial, parallel);
        assert_eq!(parallel.len(), inputs.len());
        for (i, result) in parallel.iter().enumerate() {
            match i % 4 {
                0 | 3 => {
                    let record = result.as_ref().unwrap();
                    assert_eq!(record.path, inputs[i].path);
                    assert_eq!(record.status, Status::Ok);
                }
                1 => assert_eq!(
                    result.as_ref().unwrap_err().info.kind,
                    ErrorKind::MissingField
                ),
                _ => assert_eq!(result.as_ref().unwrap_err().info.kind, ErrorKind::Encoding),
            }
        }
    }
}
