use super::*;
use crate::{parse, Input, Record};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn meta(name: &str, version: &str, requires: &[&str]) -> Record {
    let mut text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    for r in requires {
        text.push_str(&format!("Requires-Dist: {r}\n"));
    }
    let path = format!("site/{name}-{version}.dist-info/METADATA");
    parse(&Input::new(&path, text.as_bytes())).unwrap()
}

fn rez(name: &str, version: &str, body: &str) -> Record {
    let text = format!("name = '{name}'\nversion = '{version}'\n{body}\n");
    let path = format!("rez/{name}/{version}/package.py");
    parse(&Input::new(&path, text.as_bytes())).unwrap()
}

fn kinds(set: &PackageSet) -> Vec<(ProblemKind, String)> {
    set.check()
        .into_iter()
        .map(|p| (p.kind, p.requirement))
        .collect()
}

fn target(python: &str) -> TargetEnvironment {
    TargetEnvironment {
        python: python.into(),
        ..TargetEnvironment::default()
    }
}

#[test]
fn missing_and_unsatisfied_in_an_environment() {
    let set = PackageSet::new(
        vec![
            meta("app", "1", &["Lib_One>=2", "absent", "other"]),
            meta("lib-one", "1.5", &[]),
            meta("other", "3", &[]),
        ],
        target("3.12"),
    );
    assert_eq!(set.shapes()[&Ecosystem::Python], Shape::Environment);
    assert_eq!(
        kinds(&set),
        vec![
            (ProblemKind::Missing, "absent".into()),
            (ProblemKind::Unsatisfied, "Lib_One>=2".into())
        ]
    );
    let problems = set.check();
    assert_eq!(problems[1].line, 4);
    assert!(
        problems[1].message.contains("lib-one 1.5") || problems[1].message.contains("Lib_One 1.5"),
        "{}",
        problems[1].message
    );
}

#[test]
fn markers_are_evaluated_for_the_target() {
    let records = || vec![meta("app", "1", &["backport; python_version < '3.8'"])];
    assert!(PackageSet::new(records(), target("3.12"))
        .check()
        .is_empty());
    assert_eq!(
        kinds(&PackageSet::new(records(), target("3.7"))),
        vec![(
            ProblemKind::Missing,
            "backport; python_version < '3.8'".into()
        )]
    );
    let windows = TargetEnvironment {
        platform: "windows".into(),
        ..target("3.12")
    };
    let set = PackageSet::new(
        vec![meta("app", "1", &["colorama; sys_platform == 'win32'"])],
        windows,
    );
    assert_eq!(set.check().len(), 1);
}

#[test]
fn extras_are_followed() {
    let lib = meta("lib", "1", &["plugin; extra == 'x'"]);
    let quiet = PackageSet::new(
        vec![meta("app", "1", &["lib"]), lib.clone()],
        target("3.12"),
    );
    assert!(quiet.check().is_empty());
    let loud = PackageSet::new(vec![meta("app", "1", &["lib[x]"]), lib], target("3.12"));
    assert_eq!(
        kinds(&loud),
        vec![(ProblemKind::Missing, "plugin; extra == 'x'".into())]
    );
    assert!(loud.extras(1).contains("x"));
}

#[test]
fn ecosystems_never_match_each_other() {
    let set = PackageSet::new(
        vec![meta("app", "1", &["tool"]), rez("tool", "1", "")],
        target("3.12"),
    );
    assert_eq!(kinds(&set), vec![(ProblemKind::Missing, "tool".into())]);
}

#[test]
fn rez_ranges_variants_and_weak_requirements() {
    let records = vec![
        rez("python", "3.9.1", ""),
        rez("python", "3.11.2", ""),
        rez("maya", "2024.1", ""),
        rez("tool", "1.0", "requires = ['python-3.9+<3.12', '~maya-2025', '~houdini', '!nuke', '.eph-1']\nvariants = [['py2-1'], ['python-3.11']]"),
        rez("broken", "1.0", "variants = [['py2-1'], ['python-4']]\nbuild_requires = ['cmake-3']"),
    ];
    // `~maya-2025` with maya 2024.1 in the repository: `rez-env tool` resolves (weak means
    // "if maya is in the resolve"), so it is not a problem.
    let set = PackageSet::new(records, target("3.12"));
    assert_eq!(set.shapes()[&Ecosystem::Rez], Shape::Repository);
    let got = kinds(&set);
    assert_eq!(
        got,
        vec![
            (ProblemKind::Missing, "py2-1".into()),
            (ProblemKind::Missing, "cmake-3".into()),
            (ProblemKind::Unsatisfied, "python-4".into()),
        ],
        "{:#?}",
        set.check()
    );
}

#[test]
fn cycles_duplicates_and_conflicts() {
    let set = PackageSet::new(
        vec![
            meta("a", "1", &["b"]),
            meta("b", "1", &["c>=1"]),
            meta("c", "1.5", &["a"]),
            meta("d", "1", &["c>=2"]),
            meta("dup", "1", &["x"]),
            meta("dup", "1", &["y"]),
        ],
        target("3.12"),
    );
    let problems = set.check();
    let cycle = problems
        .iter()
        .find(|p| p.kind == ProblemKind::Cycle)
        .expect("a cycle");
    assert_eq!(cycle.message, "requirement cycle: a -> b -> c -> a");
    let conflict = problems
        .iter()
        .find(|p| p.kind == ProblemKind::Conflict)
        .expect("a conflict");
    assert!(
        conflict
            .message
            .contains("c 1.5 satisfies b 1 (`c>=1`) but not d 1 (`c>=2`)"),
        "{}",
        conflict.message
    );
    assert!(problems.iter().any(|p| p.kind == ProblemKind::Duplicate));
}

#[test]
fn why_graph_dependents_and_diff() {
    let records = vec![
        meta("app", "1", &["mid"]),
        meta("mid", "2", &["leaf>=1"]),
        meta("leaf", "1.1", &[]),
    ];
    let set = PackageSet::new(records.clone(), target("3.12"));
    assert_eq!(
        set.why("leaf", 10).unwrap().chains,
        vec![vec!["app 1", "mid 2", "leaf 1.1"]]
    );
    assert!(set.why("nothing", 10).is_err());
    // `--limit 0` is an empty, truncated answer, not "a root".
    let none = set.why("leaf", 0).unwrap();
    assert!(none.chains.is_empty() && none.truncated);
    assert!(!set.why("leaf", 1).unwrap().truncated);
    let reverse = set.graph(&["leaf".into()], true, None).unwrap();
    assert_eq!(
        reverse
            .nodes
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["leaf", "mid", "app"]
    );
    let shallow = set.graph(&["app".into()], false, Some(1)).unwrap();
    assert_eq!(shallow.nodes.len(), 2);
    assert!(shallow
        .to_dot()
        .contains("\"python:app@1\" -> \"python:mid@2\""));
    assert!(set
        .graph(&[], false, None)
        .unwrap()
        .to_tree()
        .starts_with("app 1\n  mid 2\n    leaf 1.1 [required: >=1]\n"));
    assert_eq!(set.dependents(2).len(), 1);

    let mut newer = records;
    newer[2] = meta("leaf", "1.2", &["extra-dep"]);
    newer.push(meta("new", "0.1", &[]));
    newer.remove(0);
    let d = diff(&set, &PackageSet::new(newer, target("3.12")));
    assert_eq!(d.added, vec!["new 0.1"]);
    assert_eq!(d.removed, vec!["app 1"]);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].requirements_added, vec!["extra-dep"]);
}

#[test]
fn file_level_groups_and_build_requirements_are_opt_in() {
    let pyproject = parse(&Input::new(
        "p/pyproject.toml",
        b"[build-system]\nrequires = ['hatchling']\n[project]\nname = 'p'\nversion = '1'\n[dependency-groups]\ntest = ['pytest']\n",
    ))
    .unwrap();
    // Beside an environment (a declarations-only set finds nothing missing).
    let records = vec![pyproject, meta("installed", "1", &[])];
    let set = PackageSet::new(records.clone(), target("3.12"));
    assert!(set.check().is_empty());
    let options = SetOptions {
        target: target("3.12"),
        groups: vec!["test".into()],
        build: true,
        installable: false,
    };
    let set = PackageSet::with_options(records, options);
    assert_eq!(
        kinds(&set),
        vec![
            (ProblemKind::Missing, "hatchling".into()),
            (ProblemKind::Missing, "pytest".into())
        ]
    );
}

#[test]
fn a_package_read_twice_is_one_node_with_one_set_of_edges() {
    let project = parse(&Input::new(
        "app/pyproject.toml",
        b"[project]\nname = 'app'\nversion = '1'\ndependencies = ['lib>=1']\n",
    ))
    .unwrap();
    let set = PackageSet::new(
        vec![
            project,
            meta("app", "1", &["lib>=1"]),
            meta("lib", "2", &[]),
        ],
        target("3.12"),
    );
    let graph = set.graph(&["app".into()], false, None).unwrap();
    assert_eq!(graph.nodes.len(), 2, "{graph:?}");
    assert_eq!(graph.edges.len(), 1, "{graph:?}");
    assert_eq!(graph.roots, vec!["python:app@1"]);
}

#[test]
fn a_problem_with_a_file_of_many_packages_names_none_of_them() {
    let dynamic = |mut record: Record| {
        record.status = crate::record::Status::Dynamic;
        record.reason = Some("computed".into());
        record
    };
    let mut lock = meta("a", "1", &[]);
    lock.packages.extend(meta("b", "2", &[]).packages);
    let set = PackageSet::new(
        vec![dynamic(lock), dynamic(meta("c", "3", &[]))],
        target("3.12"),
    );
    let labels: Vec<(ProblemKind, String)> = set
        .check()
        .into_iter()
        .map(|p| (p.kind, p.package))
        .collect();
    assert_eq!(
        labels,
        vec![
            (ProblemKind::Dynamic, String::new()),
            (ProblemKind::Dynamic, "c 3".into())
        ]
    );
}

/// A uv.lock in the shape `uv lock` 0.7 writes for scripts/conformance/uv_project: a virtual
/// root, a `python_full_version` fork of click (two versions with `resolution-markers`, pinned
/// by the root's dependency entries), a Windows-only colorama, a Python < 3.11 tomli, an extra
/// of the root and a dev group.
const UV_LOCK: &str = r#"version = 1
revision = 2
requires-python = ">=3.9"
resolution-markers = [
    "python_full_version >= '3.10'",
    "python_full_version < '3.10'",
]

[[package]]
name = "click"
version = "8.1.8"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.10'",
]
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
]

[[package]]
name = "click"
version = "8.2.1"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.10'",
]
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
]

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.5"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pyyaml"
version = "6.0.2"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tomli"
version = "2.2.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "demo"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "click", version = "8.1.8", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.10'" },
    { name = "click", version = "8.2.1", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.10'" },
    { name = "tomli", marker = "python_full_version < '3.11'" },
]

[package.optional-dependencies]
yaml = [
    { name = "pyyaml" },
]

[package.dev-dependencies]
test = [
    { name = "pytest" },
]
"#;

fn names(set: &PackageSet) -> Vec<String> {
    let mut out: Vec<String> = (0..set.nodes().len()).map(|id| set.label(id)).collect();
    out.sort();
    out
}

fn on(python: &str, platform: &str) -> TargetEnvironment {
    TargetEnvironment {
        python: python.into(),
        platform: platform.into(),
        ..TargetEnvironment::default()
    }
}

#[test]
fn a_uv_lock_holds_only_what_its_root_reaches_for_the_target() {
    // What `uv tree --python-version V --python-platform P` lists for this lock (every extra
    // of the root, no group unless asked).
    let lock = parse(&Input::new("p/uv.lock", UV_LOCK.as_bytes())).unwrap();
    let set = PackageSet::new(vec![lock.clone()], on("3.12", "linux"));
    assert_eq!(names(&set), ["click 8.2.1", "demo 0.1.0", "pyyaml 6.0.2"]);
    assert_eq!(set.off_target(), 4);
    let set = PackageSet::new(vec![lock.clone()], on("3.9", "windows"));
    assert_eq!(
        names(&set),
        [
            "click 8.1.8",
            "colorama 0.4.6",
            "demo 0.1.0",
            "pyyaml 6.0.2",
            "tomli 2.2.1"
        ]
    );
    assert!(set.check().is_empty(), "{:#?}", set.check());
    let options = SetOptions {
        target: on("3.12", "linux"),
        groups: vec!["test".into()],
        build: false,
        installable: false,
    };
    let set = PackageSet::with_options(vec![lock], options);
    assert!(names(&set).contains(&"pytest 8.3.5".to_owned()));
}

#[test]
fn a_pylock_package_whose_marker_is_false_is_not_in_the_set() {
    // `uv export --format pylock.toml` writes the fork's markers on the packages.
    let text = "lock-version = \"1.0\"\ncreated-by = \"uv\"\n\
        [[packages]]\nname = \"click\"\nversion = \"8.1.8\"\nmarker = \"python_full_version < '3.10'\"\n\
        [[packages]]\nname = \"click\"\nversion = \"8.2.1\"\nmarker = \"python_full_version >= '3.10'\"\n\
        [[packages]]\nname = \"colorama\"\nversion = \"0.4.6\"\nmarker = \"sys_platform == 'win32'\"\n";
    let lock = parse(&Input::new("p/pylock.toml", text.as_bytes())).unwrap();
    assert_eq!(lock.packages.len(), 3, "{lock:?}");
    let set = PackageSet::new(vec![lock.clone()], on("3.12", "linux"));
    assert_eq!(names(&set), ["click 8.2.1"]);
    assert_eq!(set.shapes()[&Ecosystem::Python], Shape::Environment);
    let set = PackageSet::new(vec![lock], on("3.9", "windows"));
    assert_eq!(names(&set), ["click 8.1.8", "colorama 0.4.6"]);
}

#[test]
fn a_uv_project_with_its_locks_and_egg_info_is_one_project() {
    // `uv init` + `uv lock` + `uv export --format pylock.toml` + `pip install -e .` (setuptools
    // writes src/demo.egg-info): four files, one project, no duplicate.
    let pyproject = parse(&Input::new(
        "p/pyproject.toml",
        b"[project]\nname = 'demo'\nversion = '0.1.0'\ndependencies = ['click>=8.1', 'tomli>=2; python_version < \"3.11\"']\n[project.optional-dependencies]\nyaml = ['pyyaml>=6']\n",
    ))
    .unwrap();
    let lock = parse(&Input::new("p/uv.lock", UV_LOCK.as_bytes())).unwrap();
    let pylock = parse(&Input::new(
        "p/pylock.toml",
        b"lock-version = '1.0'\ncreated-by = 'uv'\n[[packages]]\nname = 'click'\nversion = '8.2.1'\n[[packages]]\nname = 'pyyaml'\nversion = '6.0.2'\n",
    ))
    .unwrap();
    let egg_info = parse(&Input::new(
        "p/src/demo.egg-info/PKG-INFO",
        b"Metadata-Version: 2.1\nName: demo\nVersion: 0.1.0\nRequires-Dist: click>=8.1\n",
    ))
    .unwrap();
    let set = PackageSet::new(vec![pyproject, lock, pylock, egg_info], on("3.12", "linux"));
    assert!(set.check().is_empty(), "{:#?}", set.check());
}

#[test]
fn versions_are_compared_in_normal_form() {
    // `3.2.0.dev` (an sdist's PKG-INFO) and `3.2.0.dev0` (the same release's wheel METADATA)
    // are one version: one environment, and a duplicate only if requirements differ.
    let set = PackageSet::new(
        vec![
            meta("tool", "3.2.0.dev", &["a"]),
            meta("tool", "3.2.0.dev0", &["b"]),
            meta("a", "1", &[]),
            meta("b", "1", &[]),
        ],
        target("3.12"),
    );
    assert_eq!(set.shapes()[&Ecosystem::Python], Shape::Environment);
    let duplicate: Vec<Problem> = set
        .check()
        .into_iter()
        .filter(|p| p.kind == ProblemKind::Duplicate)
        .collect();
    assert_eq!(duplicate.len(), 1, "{duplicate:#?}");
    assert_eq!(set.version_key(0), "3.2.0.dev0");
}

#[test]
fn why_a_missing_package_shows_who_requires_it_and_the_graph_draws_it() {
    // pipdeptree draws such a dependency as `installed: ?`; `why` answers the usual question.
    let set = PackageSet::new(
        vec![
            meta("app", "1", &["lib", "gone>=2"]),
            meta("lib", "1", &["gone", "old>=2"]),
            meta("old", "1", &[]),
        ],
        target("3.12"),
    );
    let why = set.why("Gone", 10).unwrap();
    assert!(!why.present);
    assert_eq!(
        why.chains,
        vec![
            vec!["app 1", "gone (missing: `gone>=2`)"],
            vec!["app 1", "lib 1", "gone (missing: `gone`)"],
        ]
    );
    let graph = set.graph(&["app".into()], false, None).unwrap();
    let statuses: Vec<(&str, &str, &str)> = graph
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("python:app@1", "python:lib@1", "satisfied"),
            ("python:app@1", "missing:python:gone", "missing"),
            ("python:lib@1", "missing:python:gone", "missing"),
            ("python:lib@1", "python:old@1", "unsatisfied"),
        ]
    );
    assert!(graph.nodes.iter().any(|n| n.missing && n.name == "gone"));
    let tree = graph.to_tree();
    assert!(tree.contains("  gone [required: >=2, missing]\n"), "{tree}");
    assert!(
        tree.contains("    old 1 [required: >=2, unsatisfied]\n"),
        "{tree}"
    );
    assert!(graph.to_dot().contains(
        "\"missing:python:gone\" [label=\"gone\\n(missing)\", style=dashed, color=red];"
    ));
    assert!(graph.to_mermaid().contains("-.->|\">=2 (unsatisfied)\"|"));
}

#[test]
fn diff_compares_requirement_pins_and_leaves_unreadable_files_out() {
    let reqs = |path: &str, text: &str| parse(&Input::new(path, text.as_bytes())).unwrap();
    let old = PackageSet::new(
        vec![
            reqs(
                "old/requirements.txt",
                "requests==2.31.0\nrich==13.9.4\nidna==3.10\n",
            ),
            meta("gone", "1", &[]),
        ],
        target("3.12"),
    );
    let mut broken = Record::new("new/site/gone-1.dist-info/METADATA", Format::Metadata);
    broken.status = crate::record::Status::Error;
    let mut old_records = old.records().to_vec();
    old_records[1].path = "old/site/gone-1.dist-info/METADATA".into();
    let old = PackageSet::new(old_records, target("3.12"));
    let new = PackageSet::new(
        vec![
            reqs(
                "new/requirements.txt",
                "requests==2.32.3\nrich==13.9.4\nurllib3<3\n",
            ),
            broken,
        ],
        target("3.12"),
    );
    let d = diff(&old, &new);
    assert!(d.removed.is_empty(), "{d:?}");
    let changes: Vec<(&str, Vec<String>, Vec<String>)> = d
        .requirements
        .iter()
        .map(|c| (c.name.as_str(), c.old.clone(), c.new.clone()))
        .collect();
    assert_eq!(
        changes,
        [
            ("idna", vec!["==3.10".to_owned()], vec![]),
            ("requests", vec!["==2.31.0".into()], vec!["==2.32.3".into()]),
            ("urllib3", vec![], vec!["<3".into()]),
        ]
    );
}
