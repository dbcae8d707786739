//! One setting of a rez configuration file, read statically: a `rezconfig.py` (its
//! `SETTING = ...` literal; never run), a `.json` file, or YAML (a rezconfig mapping holding
//! `SETTING`, or the setting's value itself). Shared by the readers of `package_orderers`
//! ([`super::read_orderers`]) and `package_filter` ([`super::read_package_filter`]).

use crate::formats::rez::{parse_package_py, yaml_to_py, PyValue};

/// The value of `setting` in the text of file `name`. A `.py` file must assign it; a JSON or
/// YAML document is the value itself unless `is_rezconfig` says that it is a rezconfig
/// mapping, whose `setting` key is then the value. The message of an error names the file
/// and, where it is about the setting, the setting.
pub(super) fn read_setting(
    name: &str,
    text: &str,
    setting: &str,
    is_rezconfig: impl Fn(&[(PyValue, PyValue)]) -> bool,
) -> Result<PyValue, String> {
    let value = if name.ends_with(".py") {
        let module = parse_package_py(text.as_bytes()).map_err(|e| {
            format!(
                "{name}: line {}, column {}: {}",
                e.line, e.column, e.message
            )
        })?;
        if let Some(dynamic) = module.dynamic_field(setting) {
            return Err(format!("{name}: {setting}: {}", dynamic.reason));
        }
        return module
            .get(setting)
            .cloned()
            .ok_or_else(|| format!("{name}: {setting}: missing"));
    } else if name.ends_with(".json") {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{name}: line {}, column {}: {e}", e.line(), e.column()))?;
        super::json_to_py(&json)
    } else {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| {
            let at = e.marker();
            format!(
                "{name}: line {}, column {}: {}",
                at.line(),
                at.col() + 1,
                e.info()
            )
        })?;
        match docs.first() {
            None => PyValue::None,
            Some(doc) => yaml_to_py(doc)
                .ok_or_else(|| format!("{name}: an alias or a bad value (not read)"))?,
        }
    };
    match value {
        PyValue::Dict(fields) if is_rezconfig(&fields) => field(&fields, setting)
            .cloned()
            .ok_or_else(|| format!("{name}: {setting}: missing")),
        other => Ok(other),
    }
}

/// The value of key `name` of a dict's fields (the last one, as Python's dict keeps it).
pub(super) fn field<'v>(fields: &'v [(PyValue, PyValue)], name: &str) -> Option<&'v PyValue> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| matches!(k, PyValue::Str(s) if s == name))
        .map(|(_, v)| v)
}
