//! rez packages: the `package.py` and `package.yaml` files that describe a rez package,
//! read without executing anything.
//!
//! - [`parse_package_py`] reads a `package.py` statically (`package_py`): it never runs
//!   the Python, keeps the top-level names bound to literals, and reports every other
//!   binding as dynamic with a reason.
//! - [`parse_rez_package_yaml`] reads a `package.yaml` (`package_yaml`) into the same
//!   assignments.
//! - [`parse_rez_package_py`] and [`parse_rez_package_yaml`] map those assignments onto a
//!   [`Record`](crate::Record) (`record`), with requirement strings parsed by
//!   [`crate::versions::rez`] (`requirements`).

pub(crate) mod attributes;
mod package_py;
mod package_yaml;
mod record;

pub(crate) use record::{installed_folders, is_package_field, is_valid_package_name, type_name};
mod requirements;

pub use package_py::{
    parse_package_py, Assignment, DynamicField, Function, PackagePy, PyError, PyValue, MAX_DEPTH,
};
pub use package_yaml::parse_rez_package_yaml;
pub(crate) use package_yaml::yaml_to_py;
pub use record::parse_rez_package_py;
