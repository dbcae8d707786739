//! The command line: clap's definitions of `pkglens`, its subcommands, their arguments and the
//! values of `--format` and `--color`. The doc comments of arguments are their `--help` text.

use clap::{Args, Parser, Subcommand};
use pkglens_core::Format;
use pkglens_core::Jobs;
use pkglens_core::ProblemKind;
use pkglens_core::Record;
use pkglens_core::TargetEnvironment;
use std::ffi::OsString;
use std::path::PathBuf;

/// `pkglens` and its subcommand.
#[derive(Parser)]
#[command(
    name = "pkglens",
    version,
    about = "Reads the package and dependency files of the Python and rez ecosystems, \
             thousands at a time, and shows the package set they describe.",
    after_help = "Examples:\n  pkglens scan examples/\n  pkglens scan --format ndjson /studio/rez/packages | jq .path\n  pkglens completions bash > /etc/bash_completion.d/pkglens"
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// List every package and requirement found under the paths.
    #[command(
        after_help = "Examples:\n  pkglens scan examples/\n  pkglens scan --format json -o scan.json site-packages/\n  cat PKG-INFO | pkglens scan -"
    )]
    Scan(ScanArgs),
    /// Find problems in the package set: missing, unsatisfied and conflicting requirements,
    /// cycles, duplicates, unreadable and dynamic files. Exits 1 if there are any.
    #[command(
        after_help = "Examples:\n  pkglens check examples/\n  pkglens check --target-python 3.9 --platform windows site-packages/\n  pkglens check --format json wheelhouse/ | jq '.problems[] | .message'"
    )]
    Check(CheckArgs),
    /// Show the dependency graph (tree, DOT, Mermaid or JSON).
    #[command(
        after_help = "Examples:\n  pkglens graph examples/site-packages\n  pkglens graph --root usd --format dot examples/rez | dot -Tpng -o usd.png\n  pkglens graph --root urllib3 --reverse examples/"
    )]
    Graph(GraphArgs),
    /// Show every chain by which a package is required.
    #[command(after_help = "Example:\n  pkglens why urllib3 examples/")]
    Why(WhyArgs),
    /// Compare two package sets: added, removed and changed packages.
    #[command(after_help = "Example:\n  pkglens diff old/site-packages new/site-packages")]
    Diff(DiffArgs),
    /// Byte-compile the `.py` files of an installed tree in parallel: the same `.pyc` files
    /// as `python -m compileall`. Exits 1 if any failed.
    #[command(
        after_help = "Examples:\n  pkglens compile .venv/lib/python3.12/site-packages\n  pkglens compile --python /opt/py/bin/python3 -OO --invalidation-mode checked-hash site/\n  pkglens compile -o 0 -o 1 --hardlink-dupes -s \"$DESTDIR\" -p / \"$DESTDIR/usr/lib\"\n  pkglens compile -d /usr/lib/python3.12 -x '(^|/)tests?/' build/lib\n\ncompileall's options -d, -s, -p, -x, -e, -o, --hardlink-dupes, -b, -l, -r and -i mean what they mean to `python -m compileall`, combined as it combines them."
    )]
    Compile(CompileArgs),
    /// Resolve rez requests as rez does, over static reads of the repositories.
    #[command(
        after_help = "Examples:\n  pkglens resolve --repo examples/rez usd-24 python-3.11\n  REZ_PACKAGES_PATH=/studio/rez pkglens resolve --format json 'maya-2024' '~python-3'"
    )]
    Resolve(ResolveArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  pkglens completions bash > ~/.local/share/bash-completion/completions/pkglens"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The options every reading subcommand takes.
#[derive(Args)]
pub struct Common {
    /// Worker threads: a number, or `auto` for one per core.
    #[arg(short, long, default_value = "auto", value_name = "N|auto")]
    pub jobs: Jobs,
    /// Yield results as they finish instead of in input order (faster first results, not
    /// deterministic).
    #[arg(long)]
    pub unordered: bool,
    /// Write output to FILE (atomically when it is a regular file; `-` is standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print nothing but the results.
    #[arg(short, long)]
    pub quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Stop at the first file that fails to parse (exit 1).
    #[arg(long)]
    pub fail_fast: bool,
    /// Read the files named (and standard input) as this format, whatever their name and
    /// content say (the names of the JSON `format` field).
    #[arg(long = "as", value_name = "FORMAT", value_enum)]
    pub as_format: Option<FormatArg>,
    /// List on standard error every file a folder walk passed over, and why.
    #[arg(short, long)]
    pub verbose: bool,
    /// Follow a requirements file's `-r`/`-c` includes outside the paths being read (refused
    /// by default: `-r ../../../../etc/passwd`).
    #[arg(long)]
    pub allow_outside: bool,
}

/// `--as`'s values: the formats, by the names of the JSON `format` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatArg(pub Format);

/// Every value of `--as`.
const FORMAT_ARGS: [FormatArg; Format::ALL.len()] = {
    let mut args = [FormatArg(Format::Metadata); Format::ALL.len()];
    let mut i = 0;
    while i < args.len() {
        args[i] = FormatArg(Format::ALL[i]);
        i += 1;
    }
    args
};

impl clap::ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMAT_ARGS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.as_str()))
    }
}

/// Reading from the network: wheel URLs, or requirements on a package index.
#[derive(Args)]
pub struct RemoteArgs {
    /// Read the arguments as requirements (`flask[async]>=3`) from this package index (PEP
    /// 691 JSON or PEP 503 HTML): the newest version that matches, pre-releases and yanked
    /// files left out as pip does, the best wheel for the target (its PEP 658 metadata file
    /// when offered, else a few byte ranges of the wheel), an sdist's PKG-INFO only when no
    /// wheel fits. graph, check and why walk the tree: the newest match per name, first come
    /// first served, with NO backtracking (a conflict is reported as a problem, not solved);
    /// `name @ URL` to a wheel is read from that URL, other direct URLs are reported.
    #[arg(long, value_name = "URL")]
    pub index_url: Option<String>,
    /// Like --index-url, from `PIP_INDEX_URL`, else `https://pypi.org/simple`.
    #[arg(long)]
    pub index: bool,
    /// At most this many HTTP requests at once.
    #[arg(long, default_value = "8", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub connections: u16,
    /// Seconds to wait for a connection, an answer, or the next bytes of one.
    #[arg(long, default_value = "30", value_name = "SECONDS")]
    pub timeout: f64,
    /// Retries of a request that failed with 429, 5xx, a reset or a cut-off body.
    #[arg(long, default_value = "3", value_name = "N")]
    pub retries: u32,
    /// Neither read nor write the cache of index pages and package records.
    #[arg(long)]
    pub no_cache: bool,
    /// The cache folder. Default: $XDG_CACHE_HOME/pkglens, else ~/.cache/pkglens.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `scan`'s arguments.
#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories to read; `-` reads one file from standard input; http(s) URLs of
    /// wheels or PEP 658 `.metadata` files; requirements with --index-url. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ScanFormat,
    /// The network options.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The target environment (of --index-url's picks).
    #[command(flatten)]
    pub target: TargetArgs,
    /// The common options.
    #[command(flatten)]
    pub common: Common,
}

/// The environment markers are evaluated for, and the optional requirements that count.
#[derive(Args)]
pub struct TargetArgs {
    /// The Python version markers are evaluated for (X.Y or X.Y.Z). Default: the tree's (a
    /// `pyvenv.cfg`, a `lib/pythonX.Y/site-packages` path, a uv.lock's `requires-python`),
    /// else this machine's `python3`, else 3.12.
    #[arg(long, value_name = "X.Y", value_parser = crate::target::parse_python)]
    pub target_python: Option<String>,
    /// The platform markers are evaluated for: linux, macos (darwin), windows (win32) or
    /// freebsd. Default: this machine's.
    #[arg(long, value_name = "OS", value_parser = crate::target::parse_platform)]
    pub platform: Option<String>,
    /// The machine markers are evaluated for (x86_64, aarch64, ...). Default: this machine's.
    #[arg(long, value_name = "ARCH", value_parser = crate::target::parse_machine)]
    pub machine: Option<String>,
    /// Also need this dependency group's requirements (PEP 735; repeatable; `*` for all).
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
    /// Also need the build system's requirements (a pyproject's `[build-system]`).
    #[arg(long)]
    pub build: bool,
}

impl TargetArgs {
    /// The target, with the defaults its `--help` names, and where its Python came from.
    pub fn environment(&self, records: &[Record]) -> (TargetEnvironment, String) {
        crate::target::environment(self, records)
    }
}

/// `check`'s arguments.
#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories to read, or requirements with --index-url. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Check every project and environment found as one set (by default each folder with a
    /// `pyproject.toml` or a lock, and each `site-packages`, is checked on its own when the
    /// paths hold two projects or more).
    #[arg(long)]
    pub merge: bool,
    /// Fail on `dynamic` files too (by default a note: fields computed at load time).
    #[arg(long)]
    pub strict: bool,
    /// Report only problems of this kind (repeatable).
    #[arg(long, value_name = "KIND", value_parser = crate::target::parse_problem_kind)]
    pub only: Vec<ProblemKind>,
    /// Never report problems of this kind (repeatable): parse_error, missing, unsatisfied,
    /// conflict, cycle, duplicate, dynamic.
    #[arg(long, value_name = "KIND", value_parser = crate::target::parse_problem_kind)]
    pub ignore: Vec<ProblemKind>,
    /// The network options.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The target environment.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The common options.
    #[command(flatten)]
    pub common: Common,
}

/// `graph`'s arguments.
#[derive(Args)]
pub struct GraphArgs {
    /// Files or directories to read, or requirements with --index-url. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "tree")]
    pub format: GraphFormat,
    /// Start from the packages of this name (repeatable). Default: requirement files,
    /// projects, and every package nothing depends on.
    #[arg(long, value_name = "NAME")]
    pub root: Vec<String>,
    /// Follow dependents instead of dependencies. (Without it, `--root` in a single rez
    /// repository reads only the families the roots reach.)
    #[arg(long)]
    pub reverse: bool,
    /// At most this many steps from a root.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Read every file even when `--root` names families of one rez repository (the answer is
    /// the same; this is slower, and there to compare).
    #[arg(long)]
    pub full_scan: bool,
    /// The network options.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The target environment.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The common options.
    #[command(flatten)]
    pub common: Common,
}

/// `why`'s arguments.
#[derive(Args)]
pub struct WhyArgs {
    /// The package to explain.
    pub name: String,
    /// Files or directories to read, or requirements with --index-url. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// At most this many chains.
    #[arg(long, default_value = "100")]
    pub limit: usize,
    /// The network options.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The target environment.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The common options.
    #[command(flatten)]
    pub common: Common,
}

/// `diff`'s arguments.
#[derive(Args)]
pub struct DiffArgs {
    /// The old set: a directory or a file.
    pub old: PathBuf,
    /// The new set: a directory or a file.
    pub new: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// The target environment.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The common options.
    #[command(flatten)]
    pub common: Common,
}

/// `compile`'s arguments.
#[derive(Args)]
pub struct CompileArgs {
    /// Folders (walked as compileall walks them) or `.py` files. Default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The interpreter whose `.pyc` files are written. Default: the environment's own (a
    /// `pyvenv.cfg` in or above a path), else `python3`.
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<PathBuf>,
    /// Interpreters at once: a number, or `auto` for the CPUs this process may use. A small
    /// tree is compiled by one.
    #[arg(short, long, default_value = "auto", value_name = "N|auto")]
    pub jobs: Jobs,
    /// Optimise: `-O` as `python -O` (`.opt-1.pyc`), `-OO` also drops docstrings (`.opt-2.pyc`).
    #[arg(short = 'O', action = clap::ArgAction::Count, conflicts_with = "opt_levels")]
    pub optimize: u8,
    /// compileall's `-o`: an optimisation level to compile at (-1: the interpreter's own, 0,
    /// 1 or 2); repeat it for a `.pyc` at each level.
    #[arg(short = 'o', value_name = "LEVEL", allow_negative_numbers = true,
          value_parser = clap::value_parser!(i8).range(-1..=2))]
    pub opt_levels: Vec<i8>,
    /// Hard-link a level's `.pyc` to the previous level's when they are identical (needs two
    /// levels or more: `-o 0 -o 1 -o 2`).
    #[arg(long)]
    pub hardlink_dupes: bool,
    /// compileall's `-d`: the folder named in tracebacks instead of the path's own (for a
    /// folder argument it replaces that folder; for a file argument, the file's folder).
    #[arg(short = 'd', value_name = "DESTDIR", conflicts_with_all = ["stripdir", "prependdir"])]
    pub ddir: Option<OsString>,
    /// compileall's `-s`: the leading part of each path left out of the name in the `.pyc`
    /// (a build root).
    #[arg(short = 's', value_name = "STRIPDIR")]
    pub stripdir: Option<OsString>,
    /// compileall's `-p`: put before each path's name in the `.pyc`, after `-s`.
    #[arg(short = 'p', value_name = "PREPENDDIR")]
    pub prependdir: Option<OsString>,
    /// compileall's `-x`: skip each file whose path this Python regular expression matches
    /// (`re.search`).
    #[arg(short = 'x', value_name = "REGEX")]
    pub rx: Option<OsString>,
    /// compileall's `-e`: skip symbolic links to files outside DIR.
    #[arg(short = 'e', value_name = "DIR")]
    pub limit_sl_dest: Option<OsString>,
    /// compileall's `-b`: write the legacy `NAME.pyc` beside each source instead of in
    /// `__pycache__`.
    #[arg(short = 'b', long)]
    pub legacy: bool,
    /// compileall's `-l`: only the files of each folder, not its subfolders.
    #[arg(short = 'l')]
    pub no_recurse: bool,
    /// compileall's `-r`: descend at most N folders deep (wins over `-l`).
    #[arg(short = 'r', value_name = "N", allow_negative_numbers = true)]
    pub recursion: Option<i64>,
    /// compileall's `-i`: add the files and folders listed in FILE, one a line (`-`: standard
    /// input), after the PATH arguments.
    #[arg(short = 'i', value_name = "FILE")]
    pub file_list: Option<PathBuf>,
    /// How the `.pyc` records its source. Default: py_compile's (`checked-hash` when
    /// `SOURCE_DATE_EPOCH` is set, else `timestamp`).
    #[arg(long, value_enum, value_name = "MODE")]
    pub invalidation_mode: Option<crate::compile::InvalidationMode>,
    /// Compile even the files whose `.pyc` is up to date.
    #[arg(long)]
    pub force: bool,
    /// Compile in one interpreter when the files hold less source than this, in bytes
    /// (`0`: never; for measuring where a second interpreter starts to pay).
    #[arg(long, value_name = "BYTES", default_value_t = crate::compile::SERIAL_SOURCE_BYTES)]
    pub serial_below: u64,
    /// Give each interpreter its paths as arguments (cut under the OS limit), one interpreter
    /// per batch, instead of feeding long-lived ones on standard input.
    #[arg(long)]
    pub via_args: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: crate::compile::CompileFormat,
    /// Print nothing but failures (no summary, no progress bar).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `resolve`'s arguments.
#[derive(Args)]
pub struct ResolveArgs {
    /// The requests, as rez takes them: `foo-1.2+<2`, `foo==1.2`, `~foo-1` (weak), `!foo`
    /// (conflict), `.foo-1` (ephemeral).
    #[arg(value_name = "REQUEST")]
    pub requests: Vec<String>,
    /// A rez package repository, searched in order (repeatable; default: REZ_PACKAGES_PATH,
    /// `:`-separated).
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ResolveFormat,
    /// rez's `variant_select_mode`.
    #[arg(long, value_enum, default_value = "version-priority")]
    pub variant_select_mode: VariantModeArg,
    /// A request put before the others, as rez's `implicit_packages` (repeatable), e.g.
    /// `--implicit '~platform==linux'`.
    #[arg(long = "implicit", value_name = "REQUEST")]
    pub implicit: Vec<String>,
    /// rez's `package_orderers`, read from FILE: a YAML or JSON list of orderers (`type` and
    /// its fields), or a rezconfig (`.yaml`, or `.py` read statically) that sets it.
    #[arg(long, value_name = "FILE")]
    pub orderers: Option<PathBuf>,
    /// rez's `package_filter`, read from FILE: a YAML or JSON list of filters (each of
    /// `excludes` and `includes` rules: `glob(*.beta)`, `regex(...)`, `range(foo<2)`,
    /// `before(T)`, `after(foo:T)`), or a rezconfig (`.yaml`, or `.py` read statically) that
    /// sets it. Packages it excludes are left out, as `rez env` leaves them out.
    #[arg(long, value_name = "FILE")]
    pub package_filter: Option<PathBuf>,
    /// Leave out the packages RULE matches, as `rez env --exclude RULE` (repeatable): `*.beta`
    /// (a glob on `name-version`), `foo<2` (a range), `regex(...)`, `before(T)`, `after(foo:T)`.
    /// Added to the last filter of `--package-filter`, or as a filter of its own.
    #[arg(long, value_name = "RULE")]
    pub exclude: Vec<String>,
    /// Keep the packages RULE matches even where a filter excludes them, as `rez env --include
    /// RULE` (repeatable; rules as for `--exclude`). Added to every filter, so that, as in rez,
    /// it changes nothing without an exclusion.
    #[arg(long, value_name = "RULE")]
    pub include: Vec<String>,
    /// Ignore packages released after TIME, as `rez env --time`: an epoch time
    /// (`1393014494`) or a time before now (`-10s`, `-5m`, `-2h`, `-1d`).
    #[arg(short = 't', long, value_name = "TIME", allow_hyphen_values = true)]
    pub time: Option<String>,
    /// Use the literal values read from a package whose solver fields are partly computed
    /// (by default such a package stops the resolve, naming the file and field).
    #[arg(long)]
    pub allow_dynamic: bool,
    /// Read each family only when the solver asks for it, instead of starting its reads in the
    /// background as soon as the solver names it.
    #[arg(long)]
    pub no_prefetch: bool,
    /// Threads: the solver's and N-1 that read ahead of it; a number, or `auto` for one per
    /// core (1: no reading ahead).
    #[arg(short, long, default_value = "auto", value_name = "N|auto")]
    pub jobs: Jobs,
    /// Write output to FILE (`-` is standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// Output formats of `resolve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResolveFormat {
    /// The resolved packages, or why the resolve failed (for people).
    Table,
    /// One JSON document, schema `pkglens/1`.
    Json,
    /// The resolve graph in Graphviz DOT.
    Dot,
    /// The resolve graph as a Mermaid flowchart.
    Mermaid,
}

/// rez's variant selection modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VariantModeArg {
    /// Highest versions of the packages shared with the request first (rez's default).
    VersionPriority,
    /// Most packages shared with the request first.
    IntersectionPriority,
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// An aligned table with a footer of problems (for people).
    Table,
    /// One JSON document, schema `pkglens/1`.
    Json,
    /// One record per line, streamed in input order.
    Ndjson,
}

/// Output formats of `check`, `why` and `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    Table,
    /// One JSON document, schema `pkglens/1`.
    Json,
}

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// An indented tree.
    Tree,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// JSON: nodes, edges and roots.
    Json,
}

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}
