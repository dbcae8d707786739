//! `pkglens resolve`: rez requests resolved as rez resolves them, over static reads.
//!
//! The solver is core's ([`pkglens_core::solve`]); this module is its I/O edge. A family's
//! files are read only when the solver first names the family (one it is about to ask for:
//! requested, or extracted this round): [`RepoSource`] then starts the family's reads and
//! parses in the pool with core's
//! [`Prefetcher`], and by the time the solver asks for the family it is usually loaded.
//! `--no-prefetch` loads each family only when asked, on the solver's thread (the baseline
//! `scripts/bench resolve` measures against).

use crate::cli::{ResolveArgs, ResolveFormat, VariantModeArg};
use crate::output::Destination;
use crate::read::{display_path, path_of, read_file, with_file_bytes, Includes, OpenDir};
use crate::style::{self, Style};
use anyhow::Context;
pub use pkglens_core::variant_label;
use pkglens_core::{
    list_family, map_from_both_ends, parse_request, parse_time, rez_package_in_folder,
    rez_package_py_in_folder, solve, unreadable, CancelFlag, Executor, FamilyChild, Format, Jobs,
    Listed, PackageSource, PrefetchOptions, Prefetcher, Record, RequirementCache, ResolveOptions,
    ResolveOutcome, ResolveReport, RezPackage, RezRequirement, RezResolve, RezVersion,
    RezVersionRange, VariantSelectMode, PACKAGE_FILES,
};
use pkglens_core::{read_orderers, read_package_filter, PackageFilterList, PackageOrderers};
// foldhash, not SipHash: the solver's thread looks up every family a read package requires.
use foldhash::{HashSet, HashSetExt};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// One family as listed: its versions in every repository (the first holding a version
/// wins), those named ahead read already; `None` when no repository has it.
type Loaded = Option<Vec<Listed>>;

/// A family to list ahead, with the range it was named in (whose versions are read ahead
/// too). Keys are equal by family: a family is listed once per solve, whatever the range.
#[derive(Clone)]
struct Named {
    family: String,
    range: Option<RezVersionRange>,
}

impl PartialEq for Named {
    fn eq(&self, other: &Self) -> bool {
        self.family == other.family
    }
}

impl Eq for Named {}

impl std::hash::Hash for Named {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.family.hash(state);
    }
}

/// The fewest unread versions a slice reads from both ends (see [`RepoSource::read`]).
const BOTH_ENDS_FROM: usize = 8;

/// The families of rez repositories, listed and read on demand and ahead of demand.
pub struct RepoSource {
    /// The repositories, each held open: its files are opened relative to it.
    repos: Arc<Vec<OpenDir>>,
    allow_dynamic: bool,
    prefetcher: Option<Prefetcher<Named, Loaded>>,
    /// The readers' pool ([`Executor::Serial`] without one).
    readers: Executor,
    /// The requirements the solver's thread has parsed in this resolve: most packages of a
    /// family repeat their requirements.
    requirements: RequirementCache,
    /// The families named, asked for or guessed: [`RepoSource::walk_ahead`] guesses each once.
    walked: HashSet<String>,
    /// Families the solver asked for.
    pub loaded: usize,
}

impl RepoSource {
    /// A source over `repos` (searched in order). With `readers` (see [`reader_pool`]), each
    /// named family's listing, and the reads of its versions in the range it was named in,
    /// start in that pool while the solver works on; without, a family is read when asked.
    pub fn new(repos: Vec<PathBuf>, allow_dynamic: bool, readers: Option<Executor>) -> Self {
        let repos = Arc::new(repos.into_iter().map(OpenDir::new).collect::<Vec<_>>());
        let prefetcher = readers.clone().map(|executor| {
            let repos = Arc::clone(&repos);
            let options = PrefetchOptions {
                executor,
                ahead: 4096,
                cancel: CancelFlag::new(),
            };
            Prefetcher::new(&options, move |named: &Named| {
                let mut listed = list_family_in(&repos, &named.family)?;
                if let Some(range) = &named.range {
                    read_ahead(&repos, &named.family, &mut listed, range, allow_dynamic);
                }
                Some(listed)
            })
        });
        RepoSource {
            repos,
            allow_dynamic,
            prefetcher,
            readers: readers.unwrap_or(Executor::Serial),
            requirements: RequirementCache::default(),
            walked: HashSet::new(),
            loaded: 0,
        }
    }

    /// Walks ahead of the solver: the families that `packages` (just read) require are
    /// started in the pool, each with the union of the ranges they are required in, long
    /// before the solver names them (it names a family only once the packages requiring it
    /// are in a slice and their requirements extracted). A guess: a family the solver never
    /// asks for is read for nothing, by a reader that would be idle; a range it asks wider is
    /// read on demand.
    fn walk_ahead<'p>(&mut self, packages: impl Iterator<Item = &'p RezPackage>) {
        let Some(prefetcher) = self.prefetcher.as_mut() else {
            return;
        };
        let mut ranges: Vec<(&str, Vec<RezVersionRange>)> = Vec::new();
        for package in packages {
            let requirements = package
                .requires
                .iter()
                .chain(package.variants.iter().flatten());
            for r in requirements.filter(|r| !r.conflict && !r.ephemeral) {
                if self.walked.contains(r.name.as_str()) {
                    continue;
                }
                match ranges.iter_mut().find(|(name, _)| *name == r.name) {
                    Some((_, family)) => family.push(r.range.clone()),
                    None => ranges.push((&r.name, vec![r.range.clone()])),
                }
            }
        }
        for (family, family_ranges) in ranges {
            self.walked.insert(family.to_string());
            prefetcher.start_guess(&Named {
                family: family.to_string(),
                range: Some(RezVersionRange::union_all(&family_ranges)),
            });
        }
    }
}

/// The pool that reads ahead of the solver for `jobs` threads in all: the solver is one thread
/// and the readers get the others, so that they never take a core from it (with as many
/// readers as cores, rayon's idle readers spin on the solver's core: measured slower than
/// reading nothing ahead on 2 cores). `None` when only one thread is allowed: read on demand.
pub fn reader_pool(jobs: Jobs) -> anyhow::Result<Option<Executor>> {
    let threads = match jobs {
        Jobs::Auto => std::thread::available_parallelism().map_or(1, |n| n.get()),
        Jobs::Exactly(n) => n,
    };
    if threads <= 1 {
        return Ok(None);
    }
    // A pool of its own even of one thread (`Jobs::Exactly(1)` would be serial: no reader).
    let pool = Executor::pool(threads - 1);
    Ok(Some(pool.context("cannot start the thread pool")?))
}

/// A family name that is a plain folder name (a request cannot walk out of a repository).
fn is_plain_name(family: &str) -> bool {
    !family.is_empty() && family != "." && family != ".." && !family.contains(['/', '\\', '\0'])
}

/// Lists `family` in every repository as rez's `iter_packages` does (core's [`list_family`]):
/// versions from folder names, the first repository holding a version wins; nothing is read.
fn list_family_in(repos: &[OpenDir], family: &str) -> Loaded {
    if !is_plain_name(family) {
        return None;
    }
    let mut found = false;
    let mut listed: Vec<Listed> = Vec::new();
    // A version already listed by an earlier repository is not listed again: a set (a family
    // may hold thousands of versions), needed only when there are several repositories.
    let mut versions: HashSet<RezVersion> = HashSet::new();
    for repo in repos.iter() {
        let dir = repo.path().join(family);
        let dir_shown = display_path(&dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        found = true;
        let children: Vec<(String, bool)> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                // A symbolic link to a version folder is a version, as for rez's `isdir`.
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir())
                    || entry.path().metadata().is_ok_and(|m| m.is_dir());
                Some((name, is_dir))
            })
            .collect();
        let children = children.iter().map(|(name, is_dir)| match is_dir {
            true => FamilyChild::Folder(name),
            false => FamilyChild::File(name),
        });
        let has_package_file = |folder: &str| {
            PACKAGE_FILES
                .iter()
                .any(|f| dir.join(folder).join(f).is_file())
        };
        for (version, folder) in list_family(children, has_package_file) {
            if repos.len() == 1 || versions.insert(version.clone()) {
                // As `display_path` shows the joined path, without building it.
                let path = match folder.contains('\\') {
                    true => display_path(&dir.join(folder)),
                    false => joined(&dir_shown, &folder),
                };
                listed.push(Listed::Unread { version, path });
            }
        }
    }
    found.then_some(listed)
}

/// `folder/name`, as `Path::join` joins them (no second `/` after a folder that ends with one:
/// an unversioned package's folder is its family's, shown `family/`). `format!` is several
/// times slower, and a resolve joins a path per version.
fn joined(folder: &str, name: &str) -> String {
    let mut path = String::with_capacity(folder.len() + 1 + name.len());
    path.push_str(folder);
    if !folder.is_empty() && !folder.ends_with('/') {
        path.push('/');
    }
    path.push_str(name);
    path
}

/// Reads, in this thread, the versions of `listed` in `range`.
fn read_ahead(
    repos: &[OpenDir],
    family: &str,
    listed: &mut [Listed],
    range: &RezVersionRange,
    allow_dynamic: bool,
) {
    let mut cache = RequirementCache::default();
    for slot in listed.iter_mut() {
        if let Listed::Unread { version, path } = slot {
            if range.contains(version) {
                let package = read_package(repos, family, version, path, allow_dynamic, &mut cache);
                *slot = Listed::Read(Arc::new(package));
            }
        }
    }
}

/// The package of `family`'s version folder `folder`: its `package.py`, else its
/// `package.yaml`, as rez looks for them; unusable when it has neither (rez's
/// `PackageDefinitionFileMissing`) or the file cannot be read.
fn read_package(
    repos: &[OpenDir],
    family: &str,
    version: &RezVersion,
    folder: &str,
    allow_dynamic: bool,
    cache: &mut RequirementCache,
) -> RezPackage {
    let files = PACKAGE_FILES
        .iter()
        .zip([Format::RezPackagePy, Format::RezPackageYaml]);
    // Nine folders in ten hold a `package.py`: it is opened without a `stat` first (the
    // resolve's reads are a third system calls), and looked at only when it could not be read.
    for (name, format) in files {
        // The file's name needs no escape: the folder's shown path and the name, as
        // `display_path` shows the joined path, and the path itself without a copy.
        let shown = joined(folder, name);
        let decoded;
        let path = match shown.contains('\\') {
            true => {
                decoded = path_of(&shown);
                decoded.as_path()
            }
            false => Path::new(&shown),
        };
        let read = match format {
            // Read straight into the solver's package, without the scan's record.
            Format::RezPackagePy => {
                // Opened relative to the repository that lists it.
                let at = repos
                    .iter()
                    .find_map(|r| Some((r, Path::new(r.below(&shown)?))));
                with_file_bytes(at, path, &shown, format, |bytes| {
                    rez_package_py_in_folder(&shown, bytes, family, version, allow_dynamic, cache)
                })
            }
            _ => match read_file(path, Some(format), &Includes::anywhere()) {
                (record, None) => Ok(rez_package_in_folder(
                    &record,
                    family,
                    version,
                    allow_dynamic,
                    cache,
                )),
                (_, Some(err)) => Err(err),
            },
        };
        match read {
            Ok(package) => return package,
            Err(_) if !path.is_file() => {}
            Err(err) => {
                let record = Record::from_error(&err);
                return rez_package_in_folder(&record, family, version, allow_dynamic, cache);
            }
        }
    }
    let message = "missing package definition file (package.py or package.yaml)";
    unreadable(family, version, folder, message.to_string())
}

impl PackageSource for RepoSource {
    fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String> {
        self.loaded += 1;
        self.walked.insert(family.to_string());
        let loaded = match self.prefetcher.as_mut() {
            // A family the readers have not begun is only listed here, on the solver's
            // thread: the solver then reads the versions of the range it asks for, no more.
            Some(p) => {
                let repos = &self.repos;
                p.take_with(
                    &Named {
                        family: family.to_string(),
                        range: None,
                    },
                    |named| list_family_in(repos, &named.family),
                )
            }
            None => list_family_in(&self.repos, family),
        };
        if let Some(listed) = &loaded {
            let read = listed.iter().filter_map(|l| match l {
                Listed::Read(package) => Some(package.as_ref()),
                Listed::Unread { .. } => None,
            });
            self.walk_ahead(read);
        }
        Ok(loaded)
    }

    fn named(&mut self, family: &str, range: &RezVersionRange) {
        self.walked.insert(family.to_string());
        if let Some(p) = self.prefetcher.as_mut() {
            p.start(&Named {
                family: family.to_string(),
                range: Some(range.clone()),
            });
        }
    }

    /// Versions a slice needs that were not read ahead (a family the solver listed itself, or
    /// a range other than the one the family was named in): read by the solver's thread from
    /// the first, and by a free reader from the last, until they meet.
    fn read(&mut self, family: &str, unread: &[(RezVersion, String)]) -> Vec<RezPackage> {
        let allow_dynamic = self.allow_dynamic;
        let family: Arc<str> = family.into();
        let repos = Arc::clone(&self.repos);
        let read = Arc::new(
            move |cache: &mut RequirementCache, (version, folder): &(RezVersion, String)| {
                read_package(&repos, &family, version, folder, allow_dynamic, cache)
            },
        );
        // A few files are read sooner here than handed over: on the benchmark's 60 smallest
        // resolves, both ends from 2 files was 8 % slower than from 8 (568 ms against 525 ms
        // mean, hyperfine 10 runs), and the mixed sample no slower (3.34 s against 3.05 s).
        let readers = match unread.len() {
            0..BOTH_ENDS_FROM => &Executor::Serial,
            _ => &self.readers,
        };
        let packages = map_from_both_ends(readers, unread.to_vec(), &mut self.requirements, read);
        self.walk_ahead(packages.iter());
        packages
    }
}

/// The repositories: `--repo` in order, else `REZ_PACKAGES_PATH` split like rez (`:`).
fn repositories(args: &ResolveArgs) -> anyhow::Result<Vec<PathBuf>> {
    if !args.repos.is_empty() {
        return Ok(args.repos.clone());
    }
    let from_env = std::env::var_os("REZ_PACKAGES_PATH").unwrap_or_default();
    let repos: Vec<PathBuf> = std::env::split_paths(&from_env)
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    anyhow::ensure!(
        !repos.is_empty(),
        "no package repository: pass --repo PATH or set REZ_PACKAGES_PATH"
    );
    Ok(repos)
}

/// The requests, checked as rez's `ResolvedContext` checks them ([`parse_request`]).
pub fn parse_requests(texts: &[String]) -> Result<Vec<RezRequirement>, String> {
    texts.iter().map(|t| parse_request(t)).collect()
}

/// Resolves `requests` over `repos`: the library entry of `pkglens resolve` (the benchmark
/// and the conformance test call it too).
pub fn resolve_requests(
    requests: &[RezRequirement],
    options: &ResolveOptions,
    source: &mut RepoSource,
) -> Result<RezResolve, String> {
    let searched: Vec<String> = source
        .repos
        .iter()
        .map(|p| p.path().display().to_string())
        .collect();
    solve(requests, options, source, &searched.join("; ")).map_err(|e| e.message)
}

/// The package orderers of `--orderers FILE` (see [`read_orderers`]).
fn orderers_file(path: &Path) -> anyhow::Result<PackageOrderers> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    read_orderers(&path.display().to_string(), &text).map_err(anyhow::Error::msg)
}

/// The package filter of `--package-filter FILE` (see [`read_package_filter`]), then each
/// `--exclude` and each `--include` rule, as `rez env` adds them to the configured filter.
fn package_filter(args: &ResolveArgs) -> anyhow::Result<PackageFilterList> {
    let mut list = match &args.package_filter {
        Some(path) => package_filter_file(path)?,
        None => PackageFilterList::default(),
    };
    for rule in &args.exclude {
        list.add_exclusion(rule)
            .map_err(|e| anyhow::anyhow!("--exclude {rule}: {e}"))?;
    }
    for rule in &args.include {
        list.add_inclusion(rule)
            .map_err(|e| anyhow::anyhow!("--include {rule}: {e}"))?;
    }
    Ok(list)
}

/// The package filter of `--package-filter FILE` (see [`read_package_filter`]).
fn package_filter_file(path: &Path) -> anyhow::Result<PackageFilterList> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    read_package_filter(&path.display().to_string(), &text).map_err(anyhow::Error::msg)
}

/// The resolve time of `--time`, read at the clock's now. rez's `rez env` takes an empty
/// one as none.
fn resolve_time(text: Option<&str>) -> anyhow::Result<Option<i64>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    parse_time(text, now).map(Some).map_err(anyhow::Error::msg)
}

/// `resolve`: exit 0 when solved, 1 when rez would fail or raise.
pub fn run(args: ResolveArgs) -> anyhow::Result<ExitCode> {
    let repos = repositories(&args)?;
    let requests = parse_requests(&args.requests).map_err(anyhow::Error::msg)?;
    let options = ResolveOptions {
        variant_select_mode: match args.variant_select_mode {
            VariantModeArg::VersionPriority => VariantSelectMode::VersionPriority,
            VariantModeArg::IntersectionPriority => VariantSelectMode::IntersectionPriority,
        },
        implicit: parse_requests(&args.implicit).map_err(anyhow::Error::msg)?,
        orderers: match &args.orderers {
            Some(path) => orderers_file(path)?,
            None => PackageOrderers::default(),
        },
        time: resolve_time(args.time.as_deref())?,
        package_filter: package_filter(&args)?,
    };
    let readers = match args.no_prefetch {
        true => None,
        false => reader_pool(args.jobs)?,
    };
    let mut source = RepoSource::new(repos, args.allow_dynamic, readers);
    let result = resolve_requests(&requests, &options, &mut source);
    let report = ResolveReport::new(&requests, &options, result, source.loaded);
    let to_stdout = args.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let style = Style::new(args.color, to_stdout && style::stdout_is_terminal());
    let mut out = Destination::for_output(args.output.as_deref())?;
    match args.format {
        ResolveFormat::Table => write_table(&mut out, &report, &style)?,
        ResolveFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report.json())?;
            writeln!(out)?;
        }
        // core's text, as the npm package and the page answer it.
        ResolveFormat::Dot => out.write_all(report.dot().as_bytes())?,
        ResolveFormat::Mermaid => out.write_all(report.mermaid().as_bytes())?,
    }
    out.commit().context("cannot write the output")?;
    Ok(if report.solved() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_table(out: &mut impl Write, report: &ResolveReport, style: &Style) -> anyhow::Result<()> {
    if let Some(time) = report.time {
        writeln!(out, "packages released after {time} (epoch time) left out")?;
    }
    let resolve = match &report.result {
        Err(message) => {
            writeln!(
                out,
                "{} {}",
                style.red("resolve error:"),
                style::safe(message)
            )?;
            return Ok(());
        }
        Ok(resolve) => resolve,
    };
    match &resolve.outcome {
        ResolveOutcome::Solved {
            packages,
            ephemerals,
        } => {
            writeln!(
                out,
                "{} {} packages ({} solves, {} failed phases, {} families read)",
                style.green("resolved"),
                packages.len(),
                resolve.solves,
                resolve.fails,
                report.families
            )?;
            let rows: Vec<[String; 3]> = packages
                .iter()
                .map(|p| {
                    [
                        style::safe(&p.name).into_owned(),
                        style::safe(&p.version.to_string()).into_owned(),
                        p.variant
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let width = |k: usize, title: &str| {
                rows.iter()
                    .map(|r| style::visible_width(&r[k]))
                    .chain([title.len()])
                    .max()
                    .unwrap_or(0)
            };
            let (w0, w1, w2) = (width(0, "name"), width(1, "version"), width(2, "variant"));
            writeln!(
                out,
                "{}",
                style.bold(&format!(
                    "{:w0$}  {:w1$}  {:w2$}  path",
                    "name", "version", "variant"
                ))
            )?;
            for (row, p) in rows.iter().zip(packages) {
                writeln!(
                    out,
                    "{:w0$}  {:w1$}  {:w2$}  {}",
                    row[0],
                    row[1],
                    row[2],
                    style.dim(&style::safe(&p.path))
                )?;
            }
            for p in packages.iter().filter(|p| !p.computed.is_empty()) {
                let note = format!(
                    "note: {} has computed {} (taken as absent, --allow-dynamic)",
                    variant_label(p),
                    p.computed.join(", ")
                );
                writeln!(out, "{}", style.yellow(&style::safe(&note)))?;
            }
            for e in ephemerals {
                writeln!(out, "ephemeral {}", style::safe(&e.to_string()))?;
            }
        }
        ResolveOutcome::Failed { failure, .. } => {
            writeln!(
                out,
                "{} {}",
                style.red("resolve failed:"),
                style::safe(&failure.description())
            )?;
            writeln!(out, "how each requirement involved came to be:")?;
            for chain in resolve.failure_chains() {
                let shown: Vec<String> =
                    chain.iter().map(|c| style::safe(c).into_owned()).collect();
                writeln!(out, "  request -> {}", shown.join(" -> "))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder's shown path and a name, joined, is the joined path as shown; and a path shown
    /// below a held repository is found relative to it.
    #[test]
    fn a_joined_shown_path_is_the_joined_path_shown() {
        let folders = [
            "repo/fam/1.0",
            "/abs/repo/fam/1.0",
            "./repo/fam/1.0",
            "r\u{e9}po/f/1",
            // An unversioned package: its family's folder, listed as `fam` joined with "".
            "repo/fam/",
            "/",
        ];
        for folder in folders {
            let shown = display_path(Path::new(folder));
            for name in ["package.py", ""] {
                let joined_path = display_path(&Path::new(folder).join(name));
                assert_eq!(joined(&shown, name), joined_path, "{folder:?} {name:?}");
            }
        }
        let repo = OpenDir::new(PathBuf::from("/abs/repo"));
        assert_eq!(
            repo.below("/abs/repo/fam/1.0/package.py"),
            Some("fam/1.0/package.py")
        );
        // Not below it: another repository whose name starts with its name.
        assert_eq!(repo.below("/abs/repository/fam/1.0/package.py"), None);
        assert_eq!(repo.below("/abs/repo"), None);
        let root = OpenDir::new(PathBuf::from("/"));
        assert_eq!(root.below("/abs/repo/fam"), Some("abs/repo/fam"));
    }
}
