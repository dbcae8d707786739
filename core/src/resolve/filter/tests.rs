//! The package filter's tests: rules parsed and matched as rez's, and resolves through it.

use super::*;
use crate::resolve::{solve, PackageSource, ResolveOptions, ResolveOutcome};

/// A rule's type (rez's class) and family.
fn parsed(text: &str) -> (&'static str, Option<String>) {
    let rule = Rule::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let kind = match rule.matcher {
        Matcher::Glob(_) => "glob",
        Matcher::Regex(_) => "regex",
        Matcher::Range(_) => "range",
        Matcher::Timestamp { .. } => "timestamp",
    };
    (kind, rule.family)
}

/// Each answer is rez 3.4.0's `Rule.parse_rule(text)`: its class and `family()`.
#[test]
fn rule_strings_are_read_as_rez_reads_them() {
    let cases: [(&str, &str, Option<&str>); 20] = [
        ("*.beta", "glob", None),
        ("foo-5+", "range", Some("foo")),
        ("glob(*.beta)", "glob", None),
        (r"regex(.*-\.beta)", "regex", None),
        ("range(foo-5+)", "range", Some("foo")),
        ("before(1429830188)", "timestamp", None),
        ("after(foo:12)", "timestamp", Some("foo")),
        ("foo", "range", Some("foo")),
        ("!foo-1", "range", Some("foo")),
        ("~foo-2+", "range", Some("foo")),
        ("glob(foo-bar-1.*)", "glob", Some("foo-bar")),
        (r"regex(foo@1\.2)", "regex", Some("foo")),
        ("glob(-x-*)", "glob", Some("-x")),
        ("glob(ab#c?d-e)", "glob", Some("ab")),
        ("regex(^foo-1)", "regex", Some("^foo")),
        ("glob(x(y)*)", "glob", None),
        ("glob(x)\n", "glob", None),
        ("before( 1_000 )", "timestamp", None),
        ("after(:5)", "timestamp", Some("")),
        ("glob(foo)", "glob", None),
    ];
    for (text, kind, family) in cases {
        assert_eq!(parsed(text), (kind, family.map(String::from)), "{text:?}");
    }
}

#[test]
fn rule_strings_rez_refuses_are_errors() {
    let err = |text: &str| Rule::parse(text).unwrap_err();
    assert_eq!(err("foo(bar)"), "'foo' is not a valid package filter type");
    assert_eq!(
        err("after(soon)"),
        "Error parsing package filter 'after(soon)': ValueError: invalid literal for int() \
         with base 10: 'soon'"
    );
    assert!(err("range(foo-1+<)").starts_with("Error parsing package filter 'range(foo-1+<)'"));
    // Read whole as a range, as rez reads it.
    assert!(err("regex(foo-(1)").starts_with("Error parsing package filter 'range(regex(foo-(1))'"));
    // Python's regex syntax that Rust's reads otherwise, or not at all: refused.
    assert!(err("regex([[:alpha:]]+)").contains("cannot read this regex as Python does"));
    // Python: "unknown extension ?<n", "bad escape \z", "bad escape \e"; lookahead and
    // possessive repeats are Python's only.
    for python_only_or_error in [
        r"(?<n>a)",
        r"a\z",
        r"\e",
        r"foo(?=-1)",
        "a*+",
        "a{2,}+",
        "a**",
        "a*??",
        "a{2}{3}",
    ] {
        let text = format!("regex({python_only_or_error})");
        assert!(
            err(&text).starts_with("Error parsing package filter"),
            "{text}"
        );
    }
}

fn package(name: &str, version: &str, timestamp: Timestamp) -> RezPackage {
    RezPackage {
        name: name.into(),
        version: RezVersion::parse(version).unwrap(),
        requires: Vec::new(),
        variants: Vec::new(),
        path: format!("{name}/{version}/package.py"),
        computed: Vec::new(),
        unusable: None,
        timestamp,
    }
}

fn list(yaml: &str) -> PackageFilterList {
    read_package_filter("filter.yaml", yaml).unwrap()
}

/// Whether `filters` keeps `name-version` released at `at`.
fn keeps(filters: &PackageFilterList, name: &str, version: &str, at: Option<i64>) -> bool {
    let timestamp = at.map_or(Timestamp::Untimestamped, Timestamp::At);
    let package = Arc::new(package(name, version, timestamp));
    filters.apply(package).unwrap().is_some()
}

/// rez's `PackageFilter.excludes`: an exclusion unless an inclusion (the family's first,
/// then every family's) matches; the list excludes what any filter excludes.
#[test]
fn packages_are_excluded_unless_included() {
    // rez's rezconfig.py example: all betas, except foo's.
    let one = list("excludes: glob(*.beta)\nincludes: glob(foo-*)\n");
    assert!(!keeps(&one, "bar", "1.beta", None));
    assert!(keeps(&one, "foo", "1.beta", None));
    assert!(keeps(&one, "bar", "1", None));
    // Its second example: two filters; the first excludes foo's betas too.
    let two = list(
        "- excludes: ['glob(*.beta)', 'glob(*.dev)']\n\
         - excludes: ['after(1429830188)']\n  includes: ['foo']\n",
    );
    assert!(!keeps(&two, "foo", "1.beta", None));
    assert!(keeps(&two, "foo", "1", Some(1429830189)));
    assert!(!keeps(&two, "bar", "1", Some(1429830189)));
    assert!(keeps(&two, "bar", "1", Some(1429830188)));
    // Untimestamped packages match no timestamp rule.
    assert!(keeps(&two, "bar", "1", None));
    // A family's rule is tried on that family only; range rules match what does not
    // conflict (a conflict rule: what is outside it).
    let ranges = list("excludes: ['range(foo-2+)', '!bar-1', 'regex(baz-1\\..*)']\n");
    assert!(!keeps(&ranges, "foo", "2.1", None));
    assert!(keeps(&ranges, "foo", "1.9", None));
    assert!(keeps(&ranges, "bar", "1.5", None));
    assert!(!keeps(&ranges, "bar", "2", None));
    assert!(!keeps(&ranges, "baz", "1.0", None));
    assert!(keeps(&ranges, "baz", "10", None));
    // A regex is matched at the start only, as `re.match`.
    let regex = list("excludes: ['regex(.*beta)']\n");
    assert!(!keeps(&regex, "foo", "1.beta.2", None));
    // An unversioned package's qualified name is its family.
    let unversioned = list("excludes: ['glob(foo)']\n");
    assert!(!keeps(&unversioned, "foo", "", None));
}

/// rez's `Resolver` adds `after(T)` to the costliest filter of a list that excludes
/// anything: that filter's inclusions then let later packages through (rez issue 303).
#[test]
fn a_resolve_time_joins_the_costliest_filter() {
    let filters = list(
        "- excludes: ['after(100)']\n  includes: ['foo']\n\
         - excludes: ['glob(*.beta)']\n",
    );
    let timed = filters.with_time(Some(50));
    assert!(keeps(&timed, "foo", "1", Some(120)));
    assert!(!keeps(&timed, "bar", "1", Some(60)));
    assert!(keeps(&timed, "bar", "1", Some(50)));
    // The cheap filter is first: the time did not go there.
    let cheap_first = list(
        "- excludes: ['glob(*.beta)']\n  includes: ['bar']\n\
         - excludes: ['after(100)', 'after(foo:100)']\n",
    );
    assert!(!keeps(
        &cheap_first.with_time(Some(50)),
        "bar",
        "1",
        Some(60)
    ));
    // A list of inclusions only excludes nothing: the time stands alone.
    let includes = list("includes: ['foo']\n").with_time(Some(50));
    assert!(!keeps(&includes, "foo", "1", Some(60)));
    // No time, or 0: the list as it is.
    assert!(keeps(&filters.with_time(Some(0)), "bar", "1", Some(60)));
    assert!(PackageFilterList::default().with_time(None).is_empty());
}

#[test]
fn a_computed_timestamp_stops_the_resolve_unless_allowed() {
    let filters = list("excludes: ['before(100)']\n");
    let computed = |allowed| {
        let package = package("foo", "1", Timestamp::Computed { allowed });
        filters.apply(Arc::new(package))
    };
    let err = computed(false).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("timestamp"));
    let kept = computed(true).unwrap().unwrap();
    assert_eq!(kept.computed, ["timestamp"]);
    // A rule that needs no timestamp never reads it.
    let by_name = list("excludes: ['glob(*.beta)']\n");
    let package = package("foo", "1", Timestamp::Computed { allowed: false });
    assert!(by_name.apply(Arc::new(package)).unwrap().is_some());
}

/// A source over one family whose versions are listed unread, recording what it reads.
struct Unread(Vec<RezPackage>, Vec<String>);

impl PackageSource for Unread {
    fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String> {
        Ok((family == "foo").then(|| {
            self.0
                .iter()
                .map(|p| Listed::Unread {
                    version: p.version.clone(),
                    path: p.path.clone(),
                })
                .collect()
        }))
    }
    fn read(&mut self, _family: &str, unread: &[(RezVersion, String)]) -> Vec<RezPackage> {
        unread
            .iter()
            .map(|(version, path)| {
                self.1.push(path.clone());
                let found = self.0.iter().find(|p| p.version == *version);
                found.cloned().expect("a listed version")
            })
            .collect()
    }
}

/// Rules on names and versions are decided from the listing: the versions they exclude
/// are never read; a timestamp rule reads the versions it reaches.
#[test]
fn versions_excluded_by_name_are_never_read() {
    let versions = [("1.0", 10), ("2.0.beta", 20), ("3.0.beta", 30)];
    let resolve = |yaml: &str| {
        let mut source = Unread(
            versions
                .iter()
                .map(|(v, t)| package("foo", v, Timestamp::At(*t)))
                .collect(),
            Vec::new(),
        );
        let options = ResolveOptions {
            package_filter: list(yaml),
            ..ResolveOptions::default()
        };
        let request = [RezRequirement::parse("foo").unwrap()];
        let resolve = solve(&request, &options, &mut source, "memory").unwrap();
        let ResolveOutcome::Solved { packages, .. } = resolve.outcome else {
            panic!("failed");
        };
        (packages[0].version.to_string(), source.1)
    };
    let (picked, read) = resolve("excludes: ['glob(*.beta)']\n");
    assert_eq!(picked, "1.0");
    assert_eq!(read, ["foo/1.0/package.py"]);
    // A family rule first, then the timestamp rule for the rest.
    let (picked, read) = resolve("excludes: ['range(foo-3+)', 'after(15)']\n");
    assert_eq!(picked, "1.0");
    assert_eq!(read, ["foo/1.0/package.py", "foo/2.0.beta/package.py"]);
}

#[test]
fn filters_are_read_from_rezconfig_py_json_and_yaml() {
    // rez's rezconfig.py documents both shapes: one dict of rule strings, a list of dicts.
    let py = "# rezconfig.py\npackage_filter = {\n    'excludes': 'glob(*.beta)',\n    \
              'includes': 'glob(foo-*)',\n}\n";
    let from_py = read_package_filter("rezconfig.py", py).unwrap();
    let yaml = "package_filter:\n  excludes: glob(*.beta)\n  includes: glob(foo-*)\n";
    let from_yaml = read_package_filter("rezconfig.yaml", yaml).unwrap();
    let json = r#"[{"excludes": ["glob(*.beta)"], "includes": ["glob(foo-*)"]}]"#;
    let from_json = read_package_filter("filter.json", json).unwrap();
    for filters in [&from_py, &from_yaml, &from_json] {
        assert!(!keeps(filters, "bar", "1.beta", None));
        assert!(keeps(filters, "foo", "1.beta", None));
    }
    // `package_filter = None`, rez's default: no filter.
    let none = read_package_filter("rezconfig.py", "package_filter = None\n").unwrap();
    assert!(none.is_empty());
}

#[test]
fn bad_filters_name_the_file_and_field() {
    let err = |name: &str, text: &str| read_package_filter(name, text).unwrap_err();
    assert_eq!(
        err("f.yaml", "- excludes: ['glob(*.beta)', 'foo(bar)']\n"),
        "f.yaml: package_filter[0].excludes[1]: 'foo' is not a valid package filter type"
    );
    assert_eq!(
        err("f.json", r#"[{"includes": [5]}]"#),
        "f.json: package_filter[0].includes[0]: expected a rule string, found an integer"
    );
    assert_eq!(
        err("rezconfig.py", "package_filter = filters()\n"),
        "rezconfig.py: package_filter: `package_filter` is assigned an expression (call) \
         at line 1, not a literal"
    );
    assert_eq!(
        err("rezconfig.yaml", "packages_path: [/x]\n"),
        "rezconfig.yaml: package_filter: missing"
    );
    assert_eq!(
        err("f.yaml", "[glob(*.beta)]\n"),
        "f.yaml: package_filter[0]: expected a dict of excludes and includes, found a string"
    );
    assert!(err("f.json", "[1,").starts_with("f.json: line 1, column 3"));
}
