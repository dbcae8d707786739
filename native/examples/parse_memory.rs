//! Native parse throughput on files already in memory, one thread: the yardstick of the wasm
//! benchmark (`scripts/bench wasm`), which parses the same files already in a page's memory.
//! Reads what `pkglens scan DIR` reads, then times `parse_batch_linked` serially (the function
//! the npm package calls), best and median of N rounds.
//!
//! ```text
//! cargo run --release -p pkglens --example parse_memory -- DIR [ROUNDS]
//! ```

use pkglens_cli::walk::{walk, Found};
use pkglens_core::parse_batch_linked;
use pkglens_core::Input;
use pkglens_core::Policy;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: parse_memory DIR [ROUNDS]");
    let rounds: usize = args
        .next()
        .map_or(7, |r| r.parse().expect("ROUNDS is a number"));
    let files: Vec<(String, Vec<u8>)> = walk(dir.as_ref())
        .into_iter()
        .filter_map(|found| match found {
            Found::File { path, .. } => {
                let bytes = std::fs::read(&path).ok()?;
                Some((path.to_string_lossy().into_owned(), bytes))
            }
            Found::Skipped { .. } | Found::Unreadable { .. } => None,
        })
        .collect();
    let inputs: Vec<Input<'_>> = files.iter().map(|(p, b)| Input::new(p, b)).collect();
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let records = parse_batch_linked(&inputs, &[], &Policy::serial());
            assert_eq!(records.len(), inputs.len());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"files\":{},\"best_ms\":{:.1},\"median_ms\":{:.1}}}",
        inputs.len(),
        times[0],
        times[times.len() / 2]
    );
}
