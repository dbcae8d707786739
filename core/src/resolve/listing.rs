//! A family folder listed as rez's filesystem repository lists it: the versions come from the
//! folder names, and a package's file is read only when the solver considers its version.

use crate::versions::rez::RezVersion;

/// A child of a family folder, as a source sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FamilyChild<'a> {
    /// A folder, by name.
    Folder(&'a str),
    /// Anything else, by name.
    File(&'a str),
}

/// rez's package file names in a version folder, in the order rez looks for them
/// (`package_filenames` is `["package"]`; `.py` before `.yaml`).
pub const PACKAGE_FILES: [&str; 2] = ["package.py", "package.yaml"];

/// The versions of one family folder, as rez 3.4.0's filesystem repository lists them with
/// its default settings (`FileSystemPackageFamilyResource.iter_packages`), each with the
/// folder to read it from (relative to the family folder, `""` for an unversioned package), in
/// the order of the folder names (the solver orders versions itself, when it needs to):
/// - a package file in the family folder itself is one unversioned package, and the family
///   holds nothing else (`allow_unversioned_packages`);
/// - otherwise every folder is a version, except one whose name starts with `.`, one that a
///   `.ignore<name>` file beside it hides, and one marked `.building<name>` (a release still
///   being written) that holds no package file yet: `has_package_file` is asked for those only.
///
/// rez raises on a folder whose name is no rez version; here it is passed over (a stray folder
/// should not cost a resolve of the family's other versions).
pub fn list_family<'a>(
    children: impl IntoIterator<Item = FamilyChild<'a>>,
    mut has_package_file: impl FnMut(&str) -> bool,
) -> Vec<(RezVersion, String)> {
    let mut folders: Vec<&str> = Vec::new();
    let mut marks: Vec<&str> = Vec::new();
    for child in children {
        match child {
            FamilyChild::File(name) if PACKAGE_FILES.contains(&name) => {
                return vec![(RezVersion::default(), String::new())];
            }
            FamilyChild::File(name) => marks.push(name),
            FamilyChild::Folder(name) if !name.starts_with('.') => folders.push(name),
            FamilyChild::Folder(name) => marks.push(name),
        }
    }
    let marked = |prefix: &str, name: &str| {
        marks
            .iter()
            .any(|m| m.strip_prefix(prefix).is_some_and(|rest| rest == name))
    };
    folders.sort_unstable();
    let mut listed: Vec<(RezVersion, String)> = Vec::with_capacity(folders.len());
    for name in folders {
        if !marks.is_empty()
            && (marked(".ignore", name) || (marked(".building", name) && !has_package_file(name)))
        {
            continue;
        }
        if let Ok(version) = RezVersion::parse(name) {
            listed.push((version, name.to_string()));
        }
    }
    listed
}

#[cfg(test)]
mod tests {
    use super::FamilyChild::{File, Folder};
    use super::*;

    fn names(listed: &[(RezVersion, String)]) -> Vec<&str> {
        listed.iter().map(|(_, folder)| folder.as_str()).collect()
    }

    #[test]
    fn version_folders_are_listed_by_name() {
        let listed = list_family(
            [
                Folder("1.2"),
                Folder("1.10"),
                Folder("1.9.3"),
                File("README"),
            ],
            |_| unreachable!("asked only of folders marked as building"),
        );
        assert_eq!(names(&listed), ["1.10", "1.2", "1.9.3"]);
    }

    #[test]
    fn a_package_file_in_the_family_folder_is_one_unversioned_package() {
        let listed = list_family([Folder("1.0"), File("package.py")], |_| true);
        assert_eq!(listed, [(RezVersion::default(), String::new())]);
    }

    #[test]
    fn hidden_ignored_and_half_built_folders_are_not_versions() {
        let children = [
            Folder(".svn"),
            Folder("1.0"),
            Folder("2.0"),
            File(".ignore2.0"),
            Folder("3.0"),
            File(".building3.0"),
            Folder("4.0"),
            File(".building4.0"),
        ];
        // 3.0 is still being written (no package file); 4.0's release finished.
        let listed = list_family(children, |name| name == "4.0");
        assert_eq!(names(&listed), ["1.0", "4.0"]);
    }

    #[test]
    fn folders_that_are_no_rez_version_are_passed_over() {
        // rez reads `1.00` and `1.0` as two versions, and `bad version` as one; `1..0` is none.
        let listed = list_family(
            [
                Folder("1.00"),
                Folder("1.0"),
                Folder("bad version"),
                Folder("1..0"),
            ],
            |_| true,
        );
        assert_eq!(names(&listed), ["1.0", "1.00", "bad version"]);
    }
}
