//! pkglens-core: reads the package and dependency files of the Python and rez ecosystems.
//!
//! Sans-I/O: nothing here opens a file, a socket or a clock. Parsers take bytes and a path and
//! return owned values; the caller does the reading. Data flows one way:
//! bytes → [`detect`] → [`parse`] → [`Record`] → [`PackageSet`] → checks and queries → output.
//!
//! This file is the table of contents: every module is private and everything public is
//! re-exported here, by its own name. The parts, and what each may use:
//! - `formats/`: one parser per format, the dispatch ([`parse`], [`parse_as`]), detection (by
//!   name, folder, siblings and content), an egg-info's `requires.txt` ([`parse_egg_info`]), and
//!   the shared zip, TOML and wheel-name readers. Uses `versions`, `record`, `text`.
//! - `versions/`: PEP 440 ([`Pep440Version`], [`Specifiers`]), PEP 508 ([`parse_requirement`],
//!   [`Marker`], [`TargetEnvironment`]) and rez ([`RezVersion`], [`RezVersionRange`],
//!   [`RezRequirement`]) semantics.
//! - `record`: what a parser returns ([`Record`], [`Package`], [`Requirement`], [`ParseError`])
//!   and its JSON ([`write_record_json`]).
//! - `set/`: the [`PackageSet`], its checks ([`Problem`]), queries ([`Graph`]) and [`diff`].
//! - `parallel/`: the engine ([`ordered_map`], [`map_batch`], [`Policy`], [`prefetch_walk`],
//!   [`split_args`]): how many things run at once, never what they do. It imports nothing
//!   else of core.
//! - `batch`: many inputs parsed on the engine, output aligned with input ([`parse_batch`],
//!   [`parse_batch_linked`]); `json_pieces`: one large record's JSON written in parallel.
//! - `index`: a package index's decisions, not its I/O: the files of a project page, the one pip
//!   would pick ([`best_candidate`]), range reads, and the dependency tree's walk ([`IndexTree`]).
//! - `select`: which files of a walked folder are read ([`select`], [`Place`], [`Choice`]: read,
//!   read with another, or passed over with a reason); `report`: the
//!   JSON shapes of each command's answer; `text`: positions, lines, paths.
#![deny(missing_docs)]

mod batch;
mod codecs;
mod formats;
mod index;
mod json_pieces;
mod parallel;
mod record;
mod report;
mod resolve;
mod select;
mod set;
mod text;
mod versions;

pub use batch::{parse_batch, parse_batch_linked, parse_batch_linked_map, parse_guarded};
pub use formats::core_metadata::{parse_core_metadata, parse_message, Header, Message};
pub use formats::detect::{
    detect, detect_by_content, detect_by_name, detect_in_folder, names_requirements_folder,
    passed_over_reason,
};
pub use formats::egg_info::parse_egg_info;
pub use formats::index_page::{
    parse_index_html, parse_index_json, parse_netrc, IndexLink, IndexPage, NetrcEntry,
};
pub use formats::pylock::parse_pylock;
pub use formats::pyproject::parse_pyproject;
pub use formats::requirements_txt::{redact_auth_from_url, redact_in_text};
pub use formats::requirements_txt::{
    resolve_requirements, resolve_requirements_detailed, resolve_requirements_input,
    resolve_requirements_within, GlobalOption, IncludeRead, LineOptions, Resolved, Source,
    MAX_FILES,
};
pub use formats::rez::{
    parse_package_py, parse_rez_package_py, parse_rez_package_yaml, Assignment, DynamicField,
    Function, PackagePy, PyError, PyValue, MAX_DEPTH,
};
pub use formats::sdist::parse_sdist;
pub use formats::uv_lock::parse_uv_lock;
pub use formats::wheel::{parse_wheel, parse_wheel_metadata, Step, WheelReader};
pub use formats::wheel_name::{parse_wheel_filename, WheelName};
pub use formats::zip::ByteRange;
pub use formats::{parse, parse_as, Input, MAX_INPUT};
pub use index::{
    best_candidate, candidates, direct_url_error, hash_mismatch, index_files, is_metadata_url,
    is_sdist_metadata_url, metadata_wheel, parse_content_range, sdist_dynamic_reason,
    sha256_of_fragment, split_fragment, Candidate, IndexFile, IndexTree, Wanted, TAIL_BYTES,
};
pub use json_pieces::record_json_pieces;
pub use parallel::{
    known_arg_max, map_batch, map_from_both_ends, ordered_map, prefetch_walk, serial_walk,
    split_args, split_by_len, ArgLimits, CancelFlag, Executor, Jobs, Order, OrderedMap,
    OrderedOptions, Policy, PrefetchOptions, Prefetcher, SERIAL_BYTES, SERIAL_ITEMS,
};
pub use record::{
    requirement_size_hint, write_record_json, Ecosystem, ErrorInfo, ErrorKind, Format, Package,
    ParseError, Record, Requirement, RequirementKind, Status, SCHEMA,
};
pub use report::{
    CheckOptions, CheckReport, CheckSummary, Counts, DiffReport, GraphReport, PassedOverFile,
    ScanReport, ScanSummary, SetSummary, TargetReport, Unreadable, WhyReport,
};
pub use resolve::{json_to_py, read_orderers, Orderer, PackageOrder, PackageOrderers};
pub use resolve::{
    list_family, parse_request, rez_package_in_folder, rez_package_py_in_folder, rez_packages,
    solve, unreadable, FamilyChild, Listed, PackageSource, Reduction, RequirementCache,
    ResolveFailure, ResolveOptions, ResolveOutcome, ResolvedVariant, RezPackage, RezResolve,
    SolveError, Unusable, VariantSelectMode, PACKAGE_FILES,
};
pub use resolve::{parse_time, Timestamp};
pub use resolve::{read_package_filter, PackageFilterList};
pub use resolve::{variant_label, ResolveEdge, ResolveNode, ResolveReport};
pub use select::{
    is_egg_info, passed_over, select, select_companions, walk_order, Choice, Place, SKIPPED,
};
pub use set::{
    diff, match_key, project_folders, split_projects, Change, Diff, Edge, Graph, GraphEdge,
    GraphNode, Node, NodeId, Owner, PackageSet, Problem, ProblemKind, RequirementChange,
    Resolution, SetOptions, Shape, Why,
};
pub use set::{wheel_supported, wheel_tag_rank};
pub use text::{decode_utf8, line_at, normalize_path, Fault, Position};
pub use versions::pep440::{parse_version, Pep440Version, Specifiers};
pub use versions::pep508::{
    normalize_name, parse_requirement, Marker, MarkerEnvironment, MarkerEvalError,
    RequirementError, MAX_MARKER_DEPTH,
};
pub use versions::rez::{RezRequirement, RezVersion, RezVersionError, RezVersionRange};
pub use versions::target::TargetEnvironment;
