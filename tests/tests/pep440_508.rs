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
//! There is no allow-list: every difference fails the test. Marker evaluations compare
//! packaging's exceptions too (`UndefinedComparison`, `UndefinedEnvironmentName`), and
//! markers compare as printed (`str(Marker)`).

use pkglens_core::RequirementKind;
use pkglens_core::{
    normalize_name, parse_requirement, Marker, MarkerEnvironment, TargetEnvironment,
};
use pkglens_core::{parse_version, Specifiers};
use serde_json::Value;
use std::collections::BTreeMap;

/// What is compared, per category: how many, and the differences.
#[derive(Default)]
struct Tally {
    compared: BTreeMap<&'static str, usize>,
    diffs: Vec<String>,
}

impl Tally {
    /// Records one comparison in `category`; only `same` passes (there is no allow-list).
    fn check(&mut self, category: &'static str, same: bool, what: impl FnOnce() -> String) {
        *self.compared.entry(category).or_default() += 1;
        if !same {
            self.diffs.push(format!("{category}: {}", what()));
        }
    }
}

/// The marker environments of the script, built field by field.
fn environments(json: &Value) -> Vec<(String, MarkerEnvironment)> {
    let envs = json["environments"].as_object().expect("environments");
    envs.iter()
        .map(|(name, env)| {
            let get = |key: &str| {
                env[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: {key}"))
                    .to_owned()
            };
            let built = MarkerEnvironment {
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
            };
            (name.clone(), built)
        })
        .collect()
}

/// `TargetEnvironment` (what the CLI builds from `--python`/`--platform`) must give the same
/// values as the script's environments for the keys it models.
fn check_target_environments(envs: &[(String, MarkerEnvironment)], tally: &mut Tally) {
    for (name, env) in envs {
        let platform = match env.sys_platform.as_str() {
            "win32" => "windows",
            "darwin" => "macos",
            other => other,
        };
        let machine = match env.platform_machine.as_str() {
            "AMD64" => "x86_64",
            "arm64" | "ARM64" => "aarch64",
            other => other,
        };
        let target = TargetEnvironment {
            python: env.python_full_version.clone(),
            platform: platform.into(),
            machine: machine.into(),
        }
        .marker_environment();
        let modelled = |e: &MarkerEnvironment| {
            (
                e.sys_platform.clone(),
                e.platform_system.clone(),
                e.os_name.clone(),
                e.platform_machine.clone(),
                e.implementation_name.clone(),
                e.platform_python_implementation.clone(),
                e.python_version.clone(),
                e.python_full_version.clone(),
            )
        };
        let (got, want) = (modelled(&target), modelled(env));
        tally.check("TargetEnvironment", got == want, || {
            format!("{name}: TargetEnvironment gives {got:?}, packaging's {want:?}")
        });
    }
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
        tally.check(cat_valid, got.as_deref() == want, || {
            format!("{text:?}: pkglens {got:?}, packaging {want:?}")
        });
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
        tally.check(cat_order, ours == theirs, || {
            format!(
                "{:?} vs {:?}: pkglens {ours:?}, packaging {theirs:?}",
                a.2, b.2
            )
        });
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
        tally.check(cat_spec, ours.is_some() == valid, || {
            format!(
                "{text:?}: pkglens valid {}, packaging {valid}",
                ours.is_some()
            )
        });
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
            tally.check(cat_contains, same, || {
                format!("{text:?} contains {version:?}: pkglens {got:?}, packaging {bit}")
            });
        }
    }
}

/// A marker's value in each environment as the script records it: `true` where there is no
/// marker, `"error: <exception>"` where packaging raises.
fn evaluations(marker: Option<&Marker>, envs: &[(String, MarkerEnvironment)]) -> Vec<Value> {
    envs.iter()
        .map(
            |(_, env)| match marker.map(|m| m.evaluate_as_packaging(env, "")) {
                None => Value::Bool(true),
                Some(Ok(holds)) => Value::Bool(holds),
                Some(Err(e)) => Value::from(format!("error: {}", e.kind)),
            },
        )
        .collect()
}

fn packaging_evaluations(eval: &Value, envs: &[(String, MarkerEnvironment)]) -> Vec<Value> {
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

fn check_requirements(json: &Value, envs: &[(String, MarkerEnvironment)], tally: &mut Tally) {
    for item in json["requirements"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let source = item["source"].as_str().unwrap();
        let want = &item["packaging"];
        let ours = parse_requirement(text, RequirementKind::Run, 1);
        let rejected = want.as_str() == Some("rejected");
        tally.check(
            "requirement accepted/rejected",
            ours.is_err() == rejected,
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
            tally.check("requirement parts", got == expected, || {
                format!("{source}: {text:?}: {what}: pkglens {got}, packaging {expected}")
            });
        }
        let want_marker = want["marker"].as_str();
        tally.check(
            "requirement marker text (str(Marker))",
            r.marker.as_deref() == want_marker,
            || {
                format!(
                    "{source}: {text:?}: pkglens {:?}, packaging {want_marker:?}",
                    r.marker
                )
            },
        );
        let marker = r
            .marker
            .as_deref()
            .map(|m| Marker::parse(m).expect("a printed marker parses again"));
        let got = evaluations(marker.as_ref(), envs);
        let expected = packaging_evaluations(&want["marker_eval"], envs);
        tally.check(
            "requirement marker (4 environments)",
            got == expected,
            || {
                format!(
                    "{source}: {text:?}: marker {:?}: pkglens {got:?}, packaging {expected:?}",
                    r.marker
                )
            },
        );
    }
}

fn check_markers(json: &Value, envs: &[(String, MarkerEnvironment)], tally: &mut Tally) {
    for item in json["markers"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let want = &item["packaging"];
        let ours = Marker::parse(text);
        let rejected = want.as_str() == Some("rejected");
        tally.check(
            "marker accepted/rejected",
            ours.is_none() == rejected,
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
        let printed = m.to_string();
        let want_printed = want["str"].as_str();
        tally.check(
            "marker text (str(Marker))",
            Some(printed.as_str()) == want_printed,
            || format!("{text:?}: pkglens {printed:?}, packaging {want_printed:?}"),
        );
        let got = evaluations(Some(&m), envs);
        let expected = packaging_evaluations(&want["eval"], envs);
        tally.check(
            "marker evaluation (4 environments)",
            got == expected,
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

/// A marker `depth` parentheses deep around one comparison.
fn deep_marker(depth: usize) -> String {
    format!("{}os_name == 'x'{}", "(".repeat(depth), ")".repeat(depth))
}

/// A zip of stored members (no compression), as a wheel is laid out.
fn stored_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in members {
        let offset = out.len() as u32;
        let (crc, size, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&name_len.to_le_bytes());
            v.extend_from_slice(&[0, 0]);
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        common(&mut central);
        central.extend_from_slice(&[0; 6]);
        central.extend_from_slice(&[0, 0, 0, 0]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (start, len, n) = (out.len() as u32, central.len() as u32, members.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// Every format that holds PEP 508 markers, with one marker `depth` parentheses deep (the
/// shapes of the fixtures under `core/test-data`): the path and the bytes.
fn deep_inputs(depth: usize) -> Vec<(&'static str, Vec<u8>)> {
    let marker = deep_marker(depth);
    let metadata =
        format!("Metadata-Version: 2.1\nName: a\nVersion: 1.0\nRequires-Dist: b>=1 ; {marker}\n");
    let wheel = stored_zip(&[
        ("a-1.0.dist-info/METADATA", metadata.as_bytes()),
        (
            "a-1.0.dist-info/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        ),
        ("a-1.0.dist-info/RECORD", b""),
    ]);
    let requirement = marker.replace('\'', "\\\"");
    vec![
        ("a-1.0.dist-info/METADATA", metadata.clone().into_bytes()),
        ("a-1.0-py3-none-any.whl", wheel),
        (
            "requirements.txt",
            format!("b>=1 ; {marker}\n").into_bytes(),
        ),
        (
            "pyproject.toml",
            format!(
                "[project]\nname = \"a\"\nversion = \"1\"\ndependencies = [\"b ; {requirement}\"]\n"
            )
            .into_bytes(),
        ),
        (
            "uv.lock",
            format!(
                "version = 1\nrequires-python = \">=3.8\"\n\n[[package]]\nname = \"a\"\n\
                 version = \"1.0\"\nsource = {{ registry = \"https://pypi.org/simple\" }}\n\
                 dependencies = [\n    {{ name = \"b\", marker = \"{requirement}\" }},\n]\n"
            )
            .into_bytes(),
        ),
        (
            "pylock.toml",
            format!(
                "lock-version = \"1.0\"\ncreated-by = \"test\"\n\n[[packages]]\nname = \"b\"\n\
                 version = \"1.0\"\nmarker = \"{requirement}\"\n"
            )
            .into_bytes(),
        ),
    ]
}

/// issue 17: a marker with thousands of nested parentheses overflowed a worker's stack
/// (SIGABRT). Each format gives an error with a line and a column instead, in a thread whose
/// stack is 256 KiB (a quarter of the smallest a pkglens worker gets).
#[test]
fn deeply_nested_markers_are_errors_in_every_format() {
    for depth in [5_000, 100_000] {
        for (path, bytes) in deep_inputs(depth) {
            let outcome = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let input = pkglens_core::Input {
                        path,
                        bytes: &bytes,
                    };
                    match pkglens_core::parse(&input) {
                        Ok(record) => record.error,
                        Err(err) => Some(err.info),
                    }
                })
                .unwrap()
                .join()
                .unwrap_or_else(|_| panic!("{path} at depth {depth}: the parser panicked"));
            let error = outcome.unwrap_or_else(|| panic!("{path} at depth {depth}: no error"));
            assert!(
                error.line > 0 && error.column > 0 && error.message.contains("nested"),
                "{path} at depth {depth}: {error:?}"
            );
        }
    }
}

/// The bound is packaging's own limit in practice: 100 levels parse, and print as packaging
/// prints them (the redundant parentheses dropped).
#[test]
fn markers_up_to_the_depth_bound_parse() {
    let marker = Marker::parse(&deep_marker(pkglens_core::MAX_MARKER_DEPTH)).unwrap();
    assert_eq!(marker.to_string(), "os_name == \"x\"");
    assert!(Marker::parse(&deep_marker(pkglens_core::MAX_MARKER_DEPTH + 1)).is_none());
}
