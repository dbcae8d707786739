//! A record's compact JSON in pieces, the pieces written in parallel: the one place record
//! output meets the parallel engine (`record/` itself writes serially and knows no pool).

use crate::parallel::map_in_pool;
use crate::record::json::{head, package_items, requirement_items};
use crate::{requirement_size_hint, Package, Record, Requirement};

/// Packages or requirements written per piece by [`record_json_pieces`].
const PIECE_ITEMS: usize = 1024;

/// The bytes of [`write_record_json`](crate::write_record_json) in pieces, in order: a large
/// record's packages and requirements are written in parallel when called from a rayon worker
/// (the caller's pool), each piece holding up to a thousand of them.
pub fn record_json_pieces(record: &Record) -> Vec<Vec<u8>> {
    let mut first = Vec::new();
    // Writing into memory cannot fail.
    let _ = head(&mut first, record);
    let mut pieces = vec![first];
    // Each chunk knows whether it is the first: only later ones start with a comma.
    let chunks: Vec<(usize, &[Package])> =
        record.packages.chunks(PIECE_ITEMS).enumerate().collect();
    pieces.extend(map_in_pool(&chunks, 1, |&(k, chunk)| {
        let mut piece = Vec::new();
        let _ = package_items(&mut piece, chunk, k == 0);
        piece
    }));
    pieces.push(b"],\"requirements\":[".to_vec());
    let chunks: Vec<(usize, &[Requirement])> = record
        .requirements
        .chunks(PIECE_ITEMS)
        .enumerate()
        .collect();
    pieces.extend(map_in_pool(&chunks, 1, |&(k, chunk)| {
        let mut piece = Vec::with_capacity(chunk.iter().map(requirement_size_hint).sum());
        let _ = requirement_items(&mut piece, chunk, k == 0);
        piece
    }));
    pieces.push(b"]}".to_vec());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::json::tests::full_record;
    use crate::{write_record_json, Format};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn pieces_join_to_the_whole_on_a_pool_and_off_it() {
        let mut record = full_record();
        let requirement = record.packages[0].requires[1].clone();
        record.requirements = vec![requirement; 3 * PIECE_ITEMS + 5];
        record.packages = vec![record.packages[0].clone(); PIECE_ITEMS + 1];
        let mut whole = Vec::new();
        write_record_json(&mut whole, &record).unwrap();
        assert_eq!(record_json_pieces(&record).concat(), whole);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(3)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| record_json_pieces(&record)).concat(), whole);
        }
        let empty = Record::new("x", Format::Metadata);
        let mut whole = Vec::new();
        write_record_json(&mut whole, &empty).unwrap();
        assert_eq!(record_json_pieces(&empty).concat(), whole);
    }
}
