//! Reading a package index, every decision that is not I/O, shared by the CLI (threads and
//! blocking HTTP) and the npm package (`fetch`): which files a project's page lists
//! ([`index_files`]), which one pip would pick on a target ([`candidates`], [`best_candidate`]),
//! how a wheel is read by range requests ([`TAIL_BYTES`], [`parse_content_range`]), when an
//! sdist's metadata is not reliable ([`sdist_dynamic_reason`]), and the dependency tree's walk
//! ([`IndexTree`]). The callers fetch; this decides.

mod pick;
mod transfer;
mod tree;

pub use pick::{best_candidate, candidates, index_files, Candidate, IndexFile};
pub use transfer::{
    direct_url_error, hash_mismatch, is_metadata_url, is_sdist_metadata_url, metadata_wheel,
    parse_content_range, sdist_dynamic_reason, sha256_of_fragment, split_fragment, TAIL_BYTES,
};
pub use tree::{IndexTree, Wanted};
