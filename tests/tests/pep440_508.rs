//! Compares `pkglens_core::{pep440, pep508}` with packaging (the version the venv pins) on
//! the output of `scripts/conformance/pep440_508.py`: version validity, normal form and order;
//! specifier-set validity and containment (pre-releases included); requirement parsing
//! (name, extras, specifiers, url, and the marker by evaluating both in four environments);
//! marker parsing and evaluation. Inputs are packaging's own test vectors
//! (`core/test-data/pep508/packaging_vectors.json`), a seeded random matrix of versions x
//! specifier sets, the `Requires-Dist` of the wheel corpus and the requirements fixtures.
//!
//! Run: `scripts/test`, or by hand
//! `PKGLENS_WHEELS_DIR=... .cache/venv/bin/python scripts/conformance/pep440_508.py > /tmp/p.json`
//! then `PKGLENS_PEP440_508_JSON=/tmp/p.json cargo test --release -p pkglens-tests --test
//! pep440_508 -- --nocapture`.
//!
//! Known differences (pep508_rs 0.9.2 is not packaging) are in [`allowed`], each with its
//! reason, and described in `docs/decisions.md` ("PEP 440/508: where pkglens differs from
//! packaging"). Everything else must agree.

use pkglens_core::RequirementKind;
use pkglens_core::{normalize_name, parse_requirement, Marker, TargetEnvironment};
use pkglens_core::{parse_version, Specifiers};
use serde_json::Value;
use std::collections::BTreeMap;

/// What is compared, per category: how many, the differences, and the allowed ones by reason.
#[derive(Default)]
struct Tally {
    compared: BTreeMap<&'static str, usize>,
    allowed: BTreeMap<(&'static str, &'static str), usize>,
    diffs: Vec<String>,
}

impl Tally {
    /// Records one comparison in `category`; `same` or an allowed `reason` passes.
    fn check(
        &mut self,
        category: &'static str,
        same: bool,
        reason: Option<&'static str>,
        what: impl FnOnce() -> String,
    ) {
        *self.compared.entry(category).or_default() += 1;
        if same {
            return;
        }
        match reason {
            Some(reason) => *self.allowed.entry((category, reason)).or_default() += 1,
            None => self.diffs.push(format!("{category}: {}", what())),
        }
    }
}

/// The marker environments of the script, built field by field.
fn environments(json: &Value) -> Vec<(String, pep508_rs::MarkerEnvironment)> {
    let envs = json["environments"].as_object().expect("environments");
    envs.iter()
        .map(|(name, env)| {
            let get = |key: &str| env[key].as_str().unwrap_or_else(|| panic!("{name}: {key}"));
            let built =
                pep508_rs::MarkerEnvironment::try_from(pep508_rs::MarkerEnvironmentBuilder {
                    implementation_name: get("implementation_name"),
                    implementation_version: get("implementation_version"),
                    os_name: get("os_name"),
                    platform_machine: get("platform_machine"),
                    platform_python_implementation: get("platform_python_implementation"),
                    platform_release: get("platform_release"),
                    platform_system: get("platform_system"),
                    platform_version: get("platform_version"),
                    python_full_version: get("python_full_version"),
                    python_version: get("python_version"),
                    sys_platform: get("sys_platform"),
                })
                .expect("a valid environment");
            (name.clone(), built)
        })
        .collect()
}

/// `TargetEnvironment` (what the CLI builds from `--python`/`--platform`) must give the same
/// values as the script's environments for the keys it models.
fn check_target_environments(envs: &[(String, pep508_rs::MarkerEnvironment)], tally: &mut Tally) {
    for (name, env) in envs {
        let platform = match env.sys_platform() {
            "win32" => "windows",
            "darwin" => "macos",
            other => other,
        };
        let machine = match env.platform_machine() {
            "AMD64" => "x86_64",
            "arm64" | "ARM64" => "aarch64",
            other => other,
        };
        let target = TargetEnvironment {
            python: env.python_full_version().to_string(),
            platform: platform.into(),
            machine: machine.into(),
        }
        .marker_environment();
        let got = (
            target.sys_platform(),
            target.platform_system(),
            target.os_name(),
            target.platform_machine(),
            target.implementation_name(),
            target.platform_python_implementation(),
            target.python_version().to_string(),
            target.python_full_version().to_string(),
        );
        let want = (
            env.sys_platform(),
            env.platform_system(),
            env.os_name(),
            env.platform_machine(),
            env.implementation_name(),
            env.platform_python_implementation(),
            env.python_version().to_string(),
            env.python_full_version().to_string(),
        );
        tally.check("TargetEnvironment", got == want, None, || {
            format!("{name}: TargetEnvironment gives {got:?}, packaging's {want:?}")
        });
    }
}

/// The known differences: the reason a difference of `kind` on `input` is expected (`detail`:
/// the version for `contains`, pkglens's error for `requirement`). Each is described in
/// `docs/decisions.md`, "PEP 440/508: where pkglens differs from packaging".
fn allowed(kind: &str, input: &str, detail: &str) -> Option<&'static str> {
    const HUGE: &str = "a release number beyond u64 (pep440_rs stores u64, packaging Python ints)";
    const ARBITRARY: &str = "`===` arbitrary equality: pep440_rs needs a PEP 440 version and \
         compares normal forms, packaging compares any text as written";
    let huge = |t: &str| {
        t.split(|c: char| !c.is_ascii_digit())
            .any(|run| run.len() >= 20)
    };
    match kind {
        "version" | "order" if huge(input) || huge(detail) => Some(HUGE),
        "specifier" if input.contains("===") => Some(ARBITRARY),
        "contains" if input.contains("===") => Some(ARBITRARY),
        "contains" if huge(detail) => Some(HUGE),
        "contains" if input.trim().is_empty() && parse_version(detail).is_none() => Some(
            "an empty specifier set: packaging's contains accepts any text, pkglens only versions",
        ),
        "contains" if exclusive_family(input, detail) => Some(
            "exclusive `<V`/`>V`: pep440_rs leaves out every pre/post/dev release with V's \
             release; packaging 26 only V's own family",
        ),
        "requirement" if input.contains("===") => Some(ARBITRARY),
        "requirement" if input.contains("and(") || input.contains("or(") => {
            Some("pep508_rs needs whitespace between `and`/`or` and `(`")
        }
        "requirement" if detail.to_lowercase().starts_with("not a url") || detail == "invalid port number" => {
            Some("pep508_rs parses direct-reference URLs with the url crate; packaging takes any URI text")
        }
        "requirement" if input.replace(' ', "").ends_with("()") => {
            Some("an empty `()` version specifier: packaging accepts it, pep508_rs does not")
        }
        "marker" if input.contains("===") => {
            Some("`===` in a marker: packaging parses it, pep508_rs rejects it")
        }
        "marker" if input.contains("extras") || input.contains("dependency_groups") => {
            Some("`extras`/`dependency_groups` (lock-file markers, PEP 751) are unknown to pep508_rs")
        }
        "marker" | "requirement" if input.contains("\\") => Some(
            "a backslash in a quoted marker string: packaging 26 rejects it, pep508_rs takes it as text",
        ),
        "marker evaluation" => marker_evaluation_reason(input),
        _ => None,
    }
}

/// Whether `version` shares epoch and release (trailing zeros aside) with an exclusive `<V` or
/// `>V` of `spec`: where pep440_rs and packaging 26 draw the pre/post/dev exclusions apart.
fn exclusive_family(spec: &str, version: &str) -> bool {
    let Some(v) = parse_version(version) else {
        return false;
    };
    let trim = |r: &[u64]| {
        let mut r = r.to_vec();
        while r.last() == Some(&0) {
            r.pop();
        }
        r
    };
    spec.split(',').any(|clause| {
        let clause = clause.trim();
        let exclusive =
            (clause.starts_with('<') || clause.starts_with('>')) && !clause[1..].starts_with('=');
        exclusive
            && parse_version(&clause[1..])
                .is_some_and(|s| s.epoch() == v.epoch() && trim(s.release()) == trim(v.release()))
    })
}

/// Single comparisons that pep508_rs ignores (a warning, the expression counts as true) or
/// types differently from packaging 26.
fn marker_evaluation_reason(marker: &str) -> Option<&'static str> {
    const VERSION_KEYS: [&str; 3] = [
        "python_version",
        "python_full_version",
        "implementation_version",
    ];
    let ops = [
        "===", "~=", "==", "!=", "<=", ">=", "<", ">", " not in ", " in ",
    ];
    let (lhs, op, rhs) = ops.iter().find_map(|op| {
        let (l, r) = marker.split_once(op)?;
        Some((l.trim(), op.trim(), r.trim()))
    })?;
    let quoted = |t: &str| t.starts_with('\'') || t.starts_with('"');
    let (key, value) = match (quoted(lhs), quoted(rhs)) {
        (true, false) => (rhs, &lhs[1..lhs.len() - 1]),
        (false, true) => (lhs, &rhs[1..rhs.len() - 1]),
        _ => return Some(
            "a comparison of two variables: pep508_rs ignores it, packaging compares the values",
        ),
    };
    if VERSION_KEYS.contains(&key) {
        if matches!(op, "in" | "not in") {
            return Some(
                "`in` on a version variable: pep508_rs matches versions, packaging substrings",
            );
        }
        if parse_version(value).is_none() {
            return Some("a version variable against a non-version: pep508_rs ignores it, packaging compares text");
        }
        return None;
    }
    if key == "extra" && !matches!(op, "==" | "!=") {
        return Some("`extra` with an operator other than `==`/`!=`: pep508_rs ignores it, packaging compares");
    }
    if matches!(
        key,
        "platform_release" | "platform_version" | "platform.version"
    ) {
        return Some("packaging 26 compares platform_release/platform_version as versions where the environment's value is one");
    }
    if !matches!(op, "==" | "!=" | "in" | "not in") || parse_version(value).is_some() {
        return Some(
            "an ordering (or a version-like value) on a string variable or `extra`: pep508_rs \
             compares text or ignores it, packaging 26 compares versions or answers false",
        );
    }
    None
}

fn check_matrix(name: &'static str, m: &Value, tally: &mut Tally) {
    let texts: Vec<&str> = m["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let normalized = m["normalized"].as_array().unwrap();
    let ranks = m["rank"].as_array().unwrap();
    let cat_valid: &'static str = if name == "vectors" {
        "version (packaging tests)"
    } else {
        "version (random)"
    };
    let mut both = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let ours = parse_version(text);
        let want = normalized[i].as_str();
        let got = ours.as_ref().map(ToString::to_string);
        tally.check(
            cat_valid,
            got.as_deref() == want,
            allowed("version", text, ""),
            || format!("{text:?}: pkglens {got:?}, packaging {want:?}"),
        );
        if let (Some(v), Some(rank)) = (ours, ranks[i].as_u64()) {
            both.push((v, rank, *text));
        }
    }
    // Order: sorted by pkglens, packaging's ranks must rise with it, ties on the same ties.
    both.sort_by(|a, b| a.0.cmp(&b.0));
    let cat_order: &'static str = if name == "vectors" {
        "order (packaging tests)"
    } else {
        "order (random)"
    };
    for pair in both.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ours = a.0.cmp(&b.0);
        let theirs = a.1.cmp(&b.1);
        tally.check(
            cat_order,
            ours == theirs,
            allowed("order", a.2, b.2),
            || {
                format!(
                    "{:?} vs {:?}: pkglens {ours:?}, packaging {theirs:?}",
                    a.2, b.2
                )
            },
        );
    }
    // Specifier sets and containment.
    let cat_spec: &'static str = if name == "vectors" {
        "specifier set (packaging tests)"
    } else {
        "specifier set (random)"
    };
    let cat_contains: &'static str = if name == "vectors" {
        "contains (packaging tests)"
    } else {
        "contains (random)"
    };
    for spec in m["specifiers"].as_array().unwrap() {
        let text = spec["spec"].as_str().unwrap();
        let ours = Specifiers::parse(text);
        let valid = spec["valid"].as_bool().unwrap();
        tally.check(
            cat_spec,
            ours.is_some() == valid,
            allowed("specifier", text, ""),
            || {
                format!(
                    "{text:?}: pkglens valid {}, packaging {valid}",
                    ours.is_some()
                )
            },
        );
        let (Some(ours), Some(bits)) = (ours, spec["contains"].as_str()) else {
            continue;
        };
        for (version, bit) in texts.iter().zip(bits.chars()) {
            let got = ours.contains(version);
            let same = match bit {
                'e' => got.is_none(),
                '1' => got == Some(true),
                _ => got != Some(true),
            };
            tally.check(
                cat_contains,
                same,
                allowed("contains", text, version),
                || format!("{text:?} contains {version:?}: pkglens {got:?}, packaging {bit}"),
            );
        }
    }
}

/// A marker's value in each environment, `true` where there is none.
fn evaluations(
    marker: Option<&Marker>,
    envs: &[(String, pep508_rs::MarkerEnvironment)],
) -> Vec<Value> {
    envs.iter()
        .map(|(_, env)| Value::Bool(marker.is_none_or(|m| m.evaluate(env, &[]))))
        .collect()
}

fn packaging_evaluations(
    eval: &Value,
    envs: &[(String, pep508_rs::MarkerEnvironment)],
) -> Vec<Value> {
    envs.iter()
        .map(|(name, _)| {
            if eval.is_null() {
                Value::Bool(true)
            } else {
                eval[name].clone()
            }
        })
        .collect()
}

fn check_requirements(
    json: &Value,
    envs: &[(String, pep508_rs::MarkerEnvironment)],
    tally: &mut Tally,
) {
    for item in json["requirements"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let source = item["source"].as_str().unwrap();
        let want = &item["packaging"];
        let ours = parse_requirement(text, RequirementKind::Run, 1);
        let rejected = want.as_str() == Some("rejected");
        tally.check(
            "requirement accepted/rejected",
            ours.is_err() == rejected,
            allowed(
                "requirement",
                text,
                ours.as_ref().err().map_or("", |e| e.message.as_str()),
            ),
            || match &ours {
                Ok(_) => format!("{source}: {text:?}: pkglens accepts, packaging rejects"),
                Err(e) => format!(
                    "{source}: {text:?}: pkglens rejects ({}), packaging accepts",
                    e.message
                ),
            },
        );
        let (Ok(r), false) = (ours, rejected) else {
            continue;
        };
        let mut extras: Vec<String> = r.extras.iter().map(|e| normalize_name(e)).collect();
        extras.sort();
        extras.dedup();
        let specifiers = pkglens_tests::sorted_specifiers(&r.spec);
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().split_whitespace().collect())
                .collect()
        };
        let parts = [
            (
                "name",
                Value::from(normalize_name(&r.name)),
                want["name"].clone(),
            ),
            (
                "extras",
                Value::from(extras),
                Value::from(strings(&want["extras"])),
            ),
            (
                "specifiers",
                Value::from(specifiers),
                Value::from(strings(&want["specifiers"])),
            ),
            ("url", Value::from(r.url.clone()), want["url"].clone()),
        ];
        for (what, got, expected) in parts {
            tally.check(
                "requirement parts",
                got == expected,
                allowed(what, text, ""),
                || format!("{source}: {text:?}: {what}: pkglens {got}, packaging {expected}"),
            );
        }
        let marker = r
            .marker
            .as_deref()
            .map(|m| Marker::parse(m).expect("pep508_rs's own marker text"));
        let got = evaluations(marker.as_ref(), envs);
        let expected = packaging_evaluations(&want["marker_eval"], envs);
        tally.check(
            "requirement marker (4 environments)",
            got == expected,
            allowed("requirement marker", text, ""),
            || {
                format!(
                    "{source}: {text:?}: marker {:?}: pkglens {got:?}, packaging {expected:?}",
                    r.marker
                )
            },
        );
    }
}

fn check_markers(json: &Value, envs: &[(String, pep508_rs::MarkerEnvironment)], tally: &mut Tally) {
    for item in json["markers"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let want = &item["packaging"];
        let ours = Marker::parse(text);
        let rejected = want.as_str() == Some("rejected");
        tally.check(
            "marker accepted/rejected",
            ours.is_none() == rejected,
            allowed("marker", text, ""),
            || {
                format!(
                    "{text:?}: pkglens accepts {}, packaging accepts {}",
                    ours.is_some(),
                    !rejected
                )
            },
        );
        let (Some(m), false) = (ours, rejected) else {
            continue;
        };
        let got = evaluations(Some(&m), envs);
        let expected = packaging_evaluations(&want["eval"], envs);
        tally.check(
            "marker evaluation (4 environments)",
            got == expected,
            allowed("marker evaluation", text, ""),
            || format!("{text:?}: pkglens {got:?}, packaging {expected:?}"),
        );
    }
}

#[test]
fn conformance_with_packaging() {
    let Ok(path) = std::env::var("PKGLENS_PEP440_508_JSON") else {
        println!("skipped: set PKGLENS_PEP440_508_JSON to the output of scripts/conformance/pep440_508.py");
        return;
    };
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let envs = environments(&json);
    assert_eq!(envs.len(), 4);
    let mut tally = Tally::default();
    check_target_environments(&envs, &mut tally);
    check_matrix("vectors", &json["vectors"], &mut tally);
    check_matrix("random", &json["random"], &mut tally);
    check_requirements(&json, &envs, &mut tally);
    check_markers(&json, &envs, &mut tally);

    println!(
        "packaging {} ({})",
        json["packaging_version"], json["vectors_source"]
    );
    for (category, n) in &tally.compared {
        println!("  {category}: {n} compared");
    }
    for ((category, reason), n) in &tally.allowed {
        println!("  allowed: {category}: {n}: {reason}");
    }
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &tally.diffs {
        *per_category
            .entry(d.split(':').next().unwrap())
            .or_default() += 1;
    }
    println!("{} differences {per_category:?}", tally.diffs.len());
    if let Ok(path) = std::env::var("PKGLENS_PEP440_508_DIFFS") {
        std::fs::write(path, tally.diffs.join("\n")).unwrap();
    }
    for d in tally.diffs.iter().take(20) {
        println!("  {d}");
    }
    assert!(tally.diffs.is_empty(), "{} differences", tally.diffs.len());
}
