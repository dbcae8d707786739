//! pkglens's requirements-file parser against pip itself, over
//! `core/test-data/requirements_txt/*.txt`.
//!
//! The JSON comes from `conformance/pip_reqs.py` (pip's own `parse_requirements` and
//! `install_req_from_parsed_requirement`); its path is in `PKGLENS_PIP_REQS_JSON`.

use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder};
use pkglens_core::{resolve_requirements_detailed, Resolved};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn normalize_name(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Paths as the Python side writes them: relative to the fixtures folder, normalised.
fn norm_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

fn environments(json: &Value) -> Vec<MarkerEnvironment> {
    json["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap();
            MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
                implementation_name: s("implementation_name"),
                implementation_version: s("python_full_version"),
                os_name: s("os_name"),
                platform_machine: s("platform_machine"),
                platform_python_implementation: s("platform_python_implementation"),
                platform_release: "",
                platform_system: s("platform_system"),
                platform_version: "",
                python_full_version: s("python_full_version"),
                python_version: s("python_version"),
                sys_platform: s("sys_platform"),
            })
            .unwrap()
        })
        .collect()
}

fn evaluate(marker: &str, envs: &[MarkerEnvironment]) -> Vec<bool> {
    let req = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(&format!("x ; {marker}"))
        .unwrap();
    envs.iter().map(|e| req.marker.evaluate(e, &[])).collect()
}

fn resolve(dir: &Path, root: &str, env: &BTreeMap<String, String>) -> Result<Resolved, String> {
    let mut load = |p: &str| std::fs::read(dir.join(p)).ok();
    let env = |k: &str| env.get(k).cloned();
    resolve_requirements_detailed(root, &mut load, &env).map_err(|e| e.to_string())
}

/// Lines where pip's answer depends on the file system or on packaging's leniency.
fn explained_line(file: &str, line: u64) -> Option<&'static str> {
    match (file, line) {
        ("26_editable_edge.txt", 1) => Some(
            "`requests -e ./x` makes pip read `requests` as an editable path; pip rejects it \
             because no directory `requests` exists, this module does not look",
        ),
        ("30_specifiers.txt", 2) => Some(
            "`===1.0.0-weird`: packaging accepts any string after `===`, pep508_rs (behind \
             core's parse_requirement) wants a PEP 440 version",
        ),
        _ => None,
    }
}

/// Differences known and explained: (file, line, field) -> why.
fn explained(file: &str, line: u64, field: &str, ours: &str, pip: &str) -> Option<&'static str> {
    // pip leaves a URL or path to an sdist unnamed until it builds its metadata; this module
    // names it from the file name.
    if field == "name" && pip == "null" && !ours.is_empty() {
        return Some("name from sdist file name");
    }
    let _ = (file, line);
    None
}

#[test]
fn agrees_with_pip() {
    let Ok(json_path) = std::env::var("PKGLENS_PIP_REQS_JSON") else {
        println!("skipped: PKGLENS_PIP_REQS_JSON is not set (run conformance/pip_reqs.py)");
        return;
    };
    let json: Value = serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/test-data/requirements_txt");
    let env: BTreeMap<String, String> = json["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let envs = environments(&json);
    let (mut files, mut compared, mut diffs, mut explained_count, mut rejects) = (0, 0, 0, 0, 0);
    let mut report = Vec::new();
    for entry in json["files"].as_array().unwrap() {
        files += 1;
        let root = entry["file"].as_str().unwrap();
        let ours = resolve(&dir, root, &env);
        if let Some(err) = entry["error"].as_str() {
            match &ours {
                Err(_) => {}
                Ok(_) => {
                    diffs += 1;
                    report.push(format!("{root}: pip fails ({err}), we do not"));
                }
            }
            continue;
        }
        let ours = match ours {
            Ok(r) => r,
            Err(e) => {
                diffs += 1;
                report.push(format!("{root}: we fail ({e}), pip does not"));
                continue;
            }
        };
        // Rejected lines.
        let pip_rejects: BTreeSet<(String, u64)> = entry["rejects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["file"].as_str().unwrap().to_owned(),
                    r["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let our_rejects: BTreeSet<(String, u64)> = ours
            .errors
            .iter()
            .map(|(f, e)| {
                // Errors carry the physical line of the fault; map to the logical line start
                // by taking the nearest requirement line at or before it in pip's list.
                let line = u64::from(e.line);
                let start = pip_rejects
                    .iter()
                    .filter(|(pf, pl)| pf == &norm_path(f) && *pl <= line)
                    .map(|(_, pl)| *pl)
                    .max()
                    .unwrap_or(line);
                (norm_path(f), start)
            })
            .collect();
        rejects += pip_rejects.len();
        for (f, l) in pip_rejects.symmetric_difference(&our_rejects) {
            if let Some(why) = explained_line(f, *l) {
                explained_count += 1;
                report.push(format!(
                    "{f}:{l}: rejected by one side only (explained: {why})"
                ));
            }
        }
        let unexplained = |set: &BTreeSet<(String, u64)>| -> BTreeSet<(String, u64)> {
            set.iter()
                .filter(|(f, l)| explained_line(f, *l).is_none())
                .cloned()
                .collect()
        };
        if unexplained(&pip_rejects) != unexplained(&our_rejects) {
            diffs += 1;
            report.push(format!(
                "{root}: rejected lines differ: pip {pip_rejects:?}, ours {our_rejects:?} ({:?})",
                ours.errors
            ));
        }
        let pip_reqs: Vec<&Value> = entry["reqs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                explained_line(p["file"].as_str().unwrap(), p["line"].as_u64().unwrap()).is_none()
            })
            .collect();
        let our_index: Vec<usize> = (0..ours.record.requirements.len())
            .filter(|&i| {
                explained_line(
                    &norm_path(&ours.sources[i].path),
                    u64::from(ours.sources[i].line),
                )
                .is_none()
            })
            .collect();
        if pip_reqs.len() != our_index.len() {
            diffs += 1;
            report.push(format!(
                "{root}: {} requirements from pip, {} ours",
                pip_reqs.len(),
                our_index.len()
            ));
            continue;
        }
        for (&i, pip) in our_index.iter().zip(pip_reqs) {
            compared += 1;
            let req = &ours.record.requirements[i];
            let source = &ours.sources[i];
            let opts = &ours.options[i];
            let file = pip["file"].as_str().unwrap();
            let line = pip["line"].as_u64().unwrap();
            let mut check = |field: &str, ours: String, theirs: String| {
                if ours != theirs {
                    if let Some(why) = explained(file, line, field, &ours, &theirs) {
                        explained_count += 1;
                        report.push(format!(
                            "{file}:{line}: {field}: ours {ours:?}, pip {theirs:?} (explained: {why})"
                        ));
                    } else {
                        diffs += 1;
                        report.push(format!(
                            "{file}:{line}: {field}: ours {ours:?}, pip {theirs:?} [raw {:?}]",
                            req.raw
                        ));
                    }
                }
            };
            check("file", norm_path(&source.path), file.to_owned());
            check("line", u64::from(req.line).to_string(), line.to_string());
            check(
                "name",
                if req.name.is_empty() {
                    "null".into()
                } else {
                    normalize_name(&req.name)
                },
                pip["name"].as_str().map_or("null".into(), normalize_name),
            );
            let mut spec: Vec<String> = req
                .spec
                .split(',')
                .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>())
                .filter(|s| !s.is_empty())
                .collect();
            spec.sort();
            check(
                "specifier",
                spec.join(","),
                strings(&pip["specifier"]).join(","),
            );
            let mut extras: Vec<String> = req.extras.iter().map(|e| normalize_name(e)).collect();
            extras.sort();
            extras.dedup();
            let mut pip_extras: Vec<String> = strings(&pip["extras"])
                .iter()
                .map(|e| normalize_name(e))
                .collect();
            pip_extras.sort();
            check("extras", extras.join(","), pip_extras.join(","));
            let our_eval = req.marker.as_deref().map(|m| evaluate(m, &envs));
            let pip_eval = pip["marker_eval"]
                .as_array()
                .map(|a| a.iter().map(|b| b.as_bool().unwrap()).collect::<Vec<_>>());
            check(
                "marker",
                format!("{our_eval:?} {:?}", req.marker.is_some()),
                format!("{pip_eval:?} {:?}", pip["marker"].is_string()),
            );
            let our_url = req.url.as_deref().map(|u| {
                let u = u.split('#').next().unwrap_or(u);
                if u.starts_with("file:") {
                    let p = u.trim_start_matches("file://");
                    if p.starts_with('/') {
                        format!("/{}", norm_path(p))
                    } else {
                        norm_path(p)
                    }
                } else if u.contains("://") || u.contains(':') && !u.starts_with('.') {
                    u.to_owned()
                } else {
                    norm_path(u)
                }
            });
            let pip_url = pip["url"].as_str().map(|u| {
                let u = u.split('#').next().unwrap_or(u);
                if u.starts_with('/') {
                    format!("/{}", norm_path(u))
                } else {
                    norm_path_or_url(u)
                }
            });
            check(
                "url",
                format!("{:?}", our_url.map(|u| abs_if_needed(&u))),
                format!("{pip_url:?}"),
            );
            check(
                "editable",
                opts.editable.to_string(),
                pip["editable"].to_string(),
            );
            let mut hashes = opts.hashes.clone();
            hashes.sort();
            check(
                "hashes",
                hashes.join(" "),
                strings(&pip["hashes"]).join(" "),
            );
            check(
                "constraint",
                (req.kind == pkglens_core::RequirementKind::Constraint).to_string(),
                pip["constraint"].to_string(),
            );
        }
    }
    for line in &report {
        println!("{line}");
    }
    println!(
        "conformance: {files} files, {compared} requirements compared, {rejects} pip rejects, \
         {diffs} differences, {explained_count} explained"
    );
    assert_eq!(diffs, 0, "unexplained differences with pip");
}

fn norm_path_or_url(u: &str) -> String {
    if u.contains("://") || u.contains(':') {
        u.to_owned()
    } else {
        norm_path(u)
    }
}

fn abs_if_needed(u: &str) -> String {
    if u.starts_with('/') {
        format!("/{}", norm_path(u))
    } else {
        u.to_owned()
    }
}
