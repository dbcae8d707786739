//! Aligned batch work: one call, one output per input, in input order.
//!
//! **Order.** Output `i` belongs to input `i`, always. **Memory.** The whole output is held
//! (use [`ordered_map`](super::ordered_map) for streams). **Failure.** A bad input is an `Err`
//! in its own slot; nothing aborts the batch, and a panic in one parser is turned into an error
//! in that slot (parsers are fuzzed not to panic; this is the last line of defence).

use super::policy::Policy;
use crate::record::{ErrorKind, Format, ParseError, Record};
use crate::Input;
use rayon::prelude::*;
use std::panic::{self, AssertUnwindSafe};

/// Maps every item of `items` through `map`, in parallel unless the policy says the batch is
/// too small (`bytes` is the batch's total size, as the caller counts it).
pub fn map_batch<T, R, F>(items: &[T], bytes: u64, policy: &Policy, map: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    if policy.is_serial(items.len(), bytes) {
        items.iter().map(map).collect()
    } else {
        policy
            .executor
            .install(|| items.par_iter().with_min_len(1).map(map).collect())
    }
}

/// Parses a batch of inputs: output `i` is input `i`'s record or error.
pub fn parse_batch(inputs: &[Input<'_>], policy: &Policy) -> Vec<Result<Record, ParseError>> {
    let bytes = inputs.iter().map(|input| input.bytes.len() as u64).sum();
    map_batch(inputs, bytes, policy, |input| parse_guarded(input, None))
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
    use crate::parallel::{Executor, Jobs};
    use crate::record::Status;

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
