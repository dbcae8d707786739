//! Which records make one package set: a monorepo root holds several projects, each with its
//! own pins and lock, and checking them as one set reports an example's pins against the main
//! lock as conflicts.
//!
//! - A *project* is a folder with a `pyproject.toml`, a `uv.lock` or a `pylock.toml`; its set
//!   is every record under it that is not under a nested project.
//! - An *environment* is a `site-packages` (or `dist-packages`) folder: its set is what is
//!   installed there, as `pip check` sees it.
//! - Records in neither (a rez repository, a wheelhouse, loose requirement files) make one set.
//!
//! One project is not split from what lies beside it: a project folder next to the
//! `site-packages` it is installed in (`pkglens check app/ venv/`) is checked as one set, as
//! before. Only two or more projects split the input.

use crate::record::{Format, Record};
use std::collections::BTreeMap;

/// The records grouped into the sets that are checked on their own, each named by its folder
/// (empty for the records outside any project or environment), in folder order. One group
/// when the records hold fewer than two projects.
pub fn split_projects(records: Vec<Record>) -> Vec<(String, Vec<Record>)> {
    let projects = project_folders(&records);
    if projects.len() < 2 {
        return vec![(String::new(), records)];
    }
    let mut groups: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for record in records {
        let key = environment_of(&record.path)
            .or_else(|| nearest_project(&record.path, &projects))
            .unwrap_or_default()
            .to_owned();
        groups.entry(key).or_default().push(record);
    }
    groups.into_iter().collect()
}

/// The project folders of `records` (those holding a `pyproject.toml` or a lock), sorted:
/// two or more and [`split_projects`] splits them.
pub fn project_folders(records: &[Record]) -> Vec<String> {
    let mut projects: Vec<String> = records
        .iter()
        .filter(|r| {
            matches!(
                r.format,
                Some(Format::Pyproject | Format::UvLock | Format::Pylock)
            )
        })
        .map(|r| folder(&r.path).to_owned())
        .collect();
    projects.sort();
    projects.dedup();
    projects
}

/// The folder of a `/`-separated path (empty for a bare file name).
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The `.../site-packages` (or `dist-packages`) folder `path` is in.
fn environment_of(path: &str) -> Option<&str> {
    let mut end = 0;
    for part in path.split('/') {
        end += part.len();
        if part == "site-packages" || part == "dist-packages" {
            return Some(&path[..end]);
        }
        end += 1;
    }
    None
}

/// The deepest project folder that holds `path`.
fn nearest_project<'a>(path: &str, projects: &'a [String]) -> Option<&'a str> {
    projects
        .iter()
        .filter(|dir| dir.is_empty() || path.starts_with(&format!("{dir}/")))
        .max_by_key(|dir| dir.len())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Input};

    fn record(path: &str, text: &str) -> Record {
        parse(&Input::new(path, text.as_bytes())).unwrap()
    }

    #[test]
    fn a_monorepo_splits_into_its_projects_and_environments() {
        // The shape of a repository with a root project and examples of its own (as
        // github.com/pydantic/logfire: a root uv.lock, examples/*/requirements.txt and
        // examples/*/pyproject.toml), and a virtual environment at the root.
        let project = |name: &str| format!("[project]\nname = '{name}'\nversion = '1'\n");
        let records = vec![
            record("repo/pyproject.toml", &project("main")),
            record("repo/examples/demo/pyproject.toml", &project("demo")),
            record("repo/examples/demo/requirements.txt", "lib==1\n"),
            record(
                "repo/.venv/lib/python3.12/site-packages/lib-2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: lib\nVersion: 2\n",
            ),
            record("repo/requirements.txt", "lib==2\n"),
        ];
        let groups: Vec<(String, Vec<String>)> = split_projects(records)
            .into_iter()
            .map(|(k, rs)| (k, rs.into_iter().map(|r| r.path).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (
                    "repo".to_owned(),
                    vec![
                        "repo/pyproject.toml".to_owned(),
                        "repo/requirements.txt".into()
                    ]
                ),
                (
                    "repo/.venv/lib/python3.12/site-packages".into(),
                    vec!["repo/.venv/lib/python3.12/site-packages/lib-2.dist-info/METADATA".into()]
                ),
                (
                    "repo/examples/demo".into(),
                    vec![
                        "repo/examples/demo/pyproject.toml".into(),
                        "repo/examples/demo/requirements.txt".into()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn one_project_beside_its_environment_is_one_set() {
        let records = vec![
            record(
                "app/pyproject.toml",
                "[project]\nname = 'app'\nversion = '1'\n",
            ),
            record(
                "site-packages/lib-2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: lib\nVersion: 2\n",
            ),
        ];
        assert_eq!(split_projects(records).len(), 1);
    }
}
