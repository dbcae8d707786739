//! rez's package filters (rez 3.4.0 `package_filter.py`): the rezconfig setting
//! `package_filter`, a list of filters, each of `excludes` and `includes` rule strings. A
//! filter excludes a package that one of its exclusion rules matches and none of its
//! inclusion rules does; the list excludes a package that any filter excludes.
//!
//! A rule string is `type(text)` or a bare text (a glob if it holds `*`, else a range):
//! `glob(*.beta)` and `regex(.*\.beta$)` match the package's qualified name (`foo-1.2`),
//! `range(foo-5+)` its family and version, `before(T)`/`after(T)` (`before(foo:T)` for one
//! family) its release time. A rule belongs to a family when its text starts with one (the
//! range's name; a glob's or regex's text up to its last `-`, `@` or `#` before any `*` or
//! `?`) and is then tried only on that family, before the rules of no family. Rules are tried
//! cheapest first and filters cheapest first, as rez orders them, so a timestamp rule (the
//! only kind that needs the package file) is reached only where rez reaches it.
//!
//! The solver applies the list where rez's does (`_PackageVariantList.get_intersection`), to
//! the versions in the range asked for. [`PackageFilterList::may_keep`] decides from the
//! listing alone, so that a version excluded by name and version is never read;
//! [`PackageFilterList::apply`] decides the rest once the package is read. A resolve time
//! (`--time`) joins the list as rez's `Resolver` joins it ([`PackageFilterList::with_time`]).

use super::fnmatch::Glob;
use super::rezconfig::{field, read_setting};
use super::timestamp::python_int;
use super::{Listed, RezPackage, Timestamp, Unusable};
use crate::formats::rez::{type_name as kind, PyValue};
use crate::versions::rez::{RezRequirement, RezVersion};
use serde_json::{json, Map, Value};
use std::cell::OnceCell;
use std::sync::Arc;

/// rez's `PackageFilterList`: packages any of its filters excludes are left out of a resolve.
#[derive(Debug, Clone, Default)]
pub struct PackageFilterList {
    /// Cheapest first (rez sorts by `cost`, stably).
    filters: Vec<PackageFilter>,
}

/// rez's `PackageFilter`: its rules by family (`None`: every family), in the order each family
/// first had one, each family's rules cheapest first.
#[derive(Debug, Clone, Default)]
struct PackageFilter {
    excludes: Vec<(Option<String>, Vec<Rule>)>,
    includes: Vec<(Option<String>, Vec<Rule>)>,
}

/// One rule.
#[derive(Debug, Clone)]
struct Rule {
    family: Option<String>,
    matcher: Matcher,
    /// As rez writes it (`str(rule)`): `glob(*.beta)`, `range(foo<2)`, `after(foo:1600000000)`.
    text: String,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// `glob(...)`: Python's `fnmatch` on the qualified name.
    Glob(Glob),
    /// `regex(...)`: `re.match` on the qualified name (anchored at the start only).
    Regex(regex_lite::Regex),
    /// `range(...)`: the package does not conflict with the requirement.
    Range(RezRequirement),
    /// `before(T)` (released at or before `T`) or `after(T)` (released after `T`); an
    /// untimestamped package matches neither.
    Timestamp { time: i64, after: bool },
}

/// Why a rule could not answer.
enum Stop {
    /// It needs the package, which is not read yet.
    Unread,
    /// It needs a field rez computes when it loads the package, or the package is unreadable.
    Unusable(Unusable),
}

/// A package as rules see it.
struct Candidate<'p> {
    family: &'p str,
    version: &'p RezVersion,
    /// `name-version` (just `name` when unversioned), rez's `qualified_name`: made when a
    /// glob or regex rule first asks (a resolve without one never formats it).
    qualified: OnceCell<String>,
    package: Option<&'p RezPackage>,
}

impl<'p> Candidate<'p> {
    fn new(family: &'p str, version: &'p RezVersion, package: Option<&'p RezPackage>) -> Self {
        Candidate {
            family,
            version,
            qualified: OnceCell::new(),
            package,
        }
    }

    fn qualified(&self) -> &str {
        self.qualified.get_or_init(|| {
            if self.version.is_empty() {
                self.family.to_string()
            } else {
                format!("{}-{}", self.family, self.version)
            }
        })
    }
}

impl PackageFilterList {
    /// rez's `PackageFilterList.from_pod` over the setting's value as rez's config schema
    /// takes it (`OptionalDictOrDictList`): `None` (no filter), one filter's dict, or a list
    /// of them. An error message starts with the field it is about (`[1].excludes[0]: ...`).
    pub fn from_value(value: &PyValue) -> Result<PackageFilterList, String> {
        let pods: Vec<(String, &PyValue)> = match value {
            PyValue::None => Vec::new(),
            PyValue::Dict(_) => vec![(String::new(), value)],
            PyValue::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("[{i}]"), item))
                .collect(),
            other => {
                return Err(format!(
                    ": expected a dict of excludes and includes, or a list of them, found {}",
                    kind(other)
                ))
            }
        };
        let mut list = PackageFilterList::default();
        for (at, pod) in pods {
            let filter = PackageFilter::from_value(pod).map_err(|e| format!("{at}{e}"))?;
            list.filters.push(filter);
        }
        // rez re-sorts on each `add_filter`; one stable sort at the end is the same order.
        list.filters.sort_by(|a, b| a.cost().total_cmp(&b.cost()));
        Ok(list)
    }

    /// rez's `PackageFilterList.add_exclusion` of `rez env --exclude RULE`: into the last
    /// (costliest) filter, or a new one in an empty list. The list is not sorted again, as in
    /// rez.
    pub fn add_exclusion(&mut self, rule: &str) -> Result<(), String> {
        self.exclude_in_last(Rule::parse(rule)?);
        Ok(())
    }

    /// Adds the exclusion `rule` to the last filter, or as a new filter of an empty list.
    fn exclude_in_last(&mut self, rule: Rule) {
        match self.filters.last_mut() {
            Some(last) => last.add(true, rule),
            None => {
                let mut filter = PackageFilter::default();
                filter.add(true, rule);
                self.filters.push(filter);
            }
        }
    }

    /// rez's `PackageFilterList.add_inclusion` of `rez env --include RULE`: into every filter
    /// (so into none of an empty list: rez's `--include` alone changes nothing).
    pub fn add_inclusion(&mut self, rule: &str) -> Result<(), String> {
        let rule = Rule::parse(rule)?;
        for filter in &mut self.filters {
            filter.add(false, rule.clone());
        }
        Ok(())
    }

    /// rez's `PackageFilterList.to_pod`, as a resolved context records its `package_filter`:
    /// each filter's `excludes` and `includes` (when it has any), a family's rules together in
    /// the order each family first had one, cheapest first.
    pub fn to_pod(&self) -> Value {
        let rules = |groups: &[(Option<String>, Vec<Rule>)]| -> Vec<String> {
            groups
                .iter()
                .flat_map(|(_, rules)| rules.iter().map(|r| r.text.clone()))
                .collect()
        };
        let filters = self.filters.iter().map(|filter| {
            let mut pod = Map::new();
            for (namespace, groups) in [
                ("excludes", &filter.excludes),
                ("includes", &filter.includes),
            ] {
                if !groups.is_empty() {
                    pod.insert(namespace.into(), json!(rules(groups)));
                }
            }
            Value::Object(pod)
        });
        Value::Array(filters.collect())
    }

    /// Whether the list holds no filter at all (rez's context then records `[]`).
    pub fn has_filters(&self) -> bool {
        !self.filters.is_empty()
    }

    /// Whether no filter has an exclusion rule (rez's `not filter_list`).
    pub fn is_empty(&self) -> bool {
        self.filters.iter().all(|f| f.excludes.is_empty())
    }

    /// The list a resolve at `time` filters with, as rez's `Resolver` makes it: with a time
    /// (not 0), `after(time)` is added to the last (costliest) filter of a list that excludes
    /// anything, so that filter's inclusion rules also let packages released later through
    /// (rez issue 303), or alone to an empty list otherwise.
    pub fn with_time(&self, time: Option<i64>) -> PackageFilterList {
        let Some(time) = time.filter(|&t| t != 0) else {
            return self.clone();
        };
        let mut list = if self.is_empty() {
            PackageFilterList::default()
        } else {
            self.clone()
        };
        list.exclude_in_last(timestamp_rule(None, time, true));
        list
    }

    /// Whether the listed version of `family` may be kept: false only where rules that need
    /// no more than the family and version (or the package, when listed read) exclude it.
    pub(super) fn may_keep(&self, family: &str, listed: &Listed) -> bool {
        if self.filters.is_empty() {
            return true;
        }
        let candidate = match listed {
            Listed::Read(package) => Candidate::new(family, &package.version, Some(package)),
            Listed::Unread { version, .. } => Candidate::new(family, version, None),
        };
        !matches!(self.excludes_candidate(&candidate, &mut false), Ok(true))
    }

    /// rez's filter on `package`, read: `Ok(None)` when excluded. A package whose computed
    /// timestamp a rule read as absent (`--allow-dynamic`) comes back with `timestamp` in its
    /// `computed` list, so that the answer says so; one whose computed timestamp a rule needs
    /// otherwise stops the resolve, naming the file and field.
    pub(super) fn apply(
        &self,
        package: Arc<RezPackage>,
    ) -> Result<Option<Arc<RezPackage>>, Unusable> {
        if self.filters.is_empty() {
            return Ok(Some(package));
        }
        let mut noted = false;
        let candidate = Candidate::new(&package.name, &package.version, Some(&package));
        match self.excludes_candidate(&candidate, &mut noted) {
            Ok(true) => Ok(None),
            Err(Stop::Unusable(unusable)) => Err(unusable),
            // A read package never leaves a rule unanswered.
            Ok(false) | Err(Stop::Unread) => {
                if !noted || package.computed.iter().any(|f| f == "timestamp") {
                    return Ok(Some(package));
                }
                let mut marked = (*package).clone();
                marked.computed.push("timestamp".into());
                Ok(Some(Arc::new(marked)))
            }
        }
    }

    /// rez's `PackageFilterList.excludes(package)`: whether a filter excludes it. An error
    /// when a rule needs its timestamp and that is computed (unless allowed) or the package
    /// could not be read.
    pub fn excludes(&self, package: &RezPackage) -> Result<bool, Unusable> {
        let candidate = Candidate::new(&package.name, &package.version, Some(package));
        match self.excludes_candidate(&candidate, &mut false) {
            Ok(excluded) => Ok(excluded),
            Err(Stop::Unusable(unusable)) => Err(unusable),
            // A read package never leaves a rule unanswered.
            Err(Stop::Unread) => Ok(false),
        }
    }

    /// rez's `PackageFilterList.excludes`: the first filter that excludes the package.
    fn excludes_candidate(&self, candidate: &Candidate, noted: &mut bool) -> Result<bool, Stop> {
        for filter in &self.filters {
            if filter.excludes(candidate, noted)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl PackageFilter {
    /// rez's `PackageFilter.from_pod`: `excludes` and `includes`, each a rule string or a
    /// list of them (other keys are ignored, as rez ignores them).
    fn from_value(value: &PyValue) -> Result<PackageFilter, String> {
        let PyValue::Dict(fields) = value else {
            return Err(format!(
                ": expected a dict of excludes and includes, found {}",
                kind(value)
            ));
        };
        let mut filter = PackageFilter::default();
        for (namespace, exclude) in [("excludes", true), ("includes", false)] {
            let texts: Vec<&PyValue> = match field(fields, namespace) {
                None => continue,
                Some(one @ PyValue::Str(_)) => vec![one],
                Some(PyValue::List(items) | PyValue::Tuple(items)) => items.iter().collect(),
                Some(other) => {
                    return Err(format!(
                        ".{namespace}: expected a rule string or a list of them, found {}",
                        kind(other)
                    ))
                }
            };
            for (i, text) in texts.into_iter().enumerate() {
                let PyValue::Str(text) = text else {
                    return Err(format!(
                        ".{namespace}[{i}]: expected a rule string, found {}",
                        kind(text)
                    ));
                };
                let rule = Rule::parse(text).map_err(|e| format!(".{namespace}[{i}]: {e}"))?;
                filter.add(exclude, rule);
            }
        }
        Ok(filter)
    }

    /// rez's `_add_rule`: into its family's rules, kept sorted by cost (stably).
    fn add(&mut self, exclude: bool, rule: Rule) {
        let groups = if exclude {
            &mut self.excludes
        } else {
            &mut self.includes
        };
        let at = match groups.iter().position(|(family, _)| *family == rule.family) {
            Some(at) => at,
            None => {
                groups.push((rule.family.clone(), Vec::new()));
                groups.len() - 1
            }
        };
        let rules = &mut groups[at].1;
        rules.push(rule);
        rules.sort_by_key(Rule::cost);
    }

    /// rez's `PackageFilter.cost`: the exclusion rules' costs, a family's divided by 10,
    /// summed in the same order with the same floating point.
    fn cost(&self) -> f64 {
        let mut total = 0.0;
        for (family, rules) in &self.excludes {
            let mut cost = rules.iter().map(Rule::cost).sum::<u32>() as f64;
            if family.as_deref().is_some_and(|f| !f.is_empty()) {
                cost /= 10.0;
            }
            total += cost;
        }
        total
    }

    /// rez's `PackageFilter.excludes`: an exclusion rule of the family, else of every family,
    /// matches, and no inclusion rule (the family's, then every family's) does.
    fn excludes(&self, candidate: &Candidate, noted: &mut bool) -> Result<bool, Stop> {
        if self.excludes.is_empty() {
            return Ok(false);
        }
        let excluded = any_match(&self.excludes, Some(candidate.family), candidate, noted)?
            || any_match(&self.excludes, None, candidate, noted)?;
        if !excluded {
            return Ok(false);
        }
        let included = any_match(&self.includes, Some(candidate.family), candidate, noted)?
            || any_match(&self.includes, None, candidate, noted)?;
        Ok(!included)
    }
}

/// Whether a rule of `family` in `groups` matches, tried in order.
fn any_match(
    groups: &[(Option<String>, Vec<Rule>)],
    family: Option<&str>,
    candidate: &Candidate,
    noted: &mut bool,
) -> Result<bool, Stop> {
    let Some((_, rules)) = groups.iter().find(|(f, _)| f.as_deref() == family) else {
        return Ok(false);
    };
    for rule in rules {
        if rule.matches(candidate, noted)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The rule types rez 3.4.0 knows, by label.
const RULE_TYPES: [&str; 5] = ["glob", "regex", "range", "before", "after"];

impl Rule {
    /// rez's `Rule.parse_rule`: a message like rez's `ConfigurationError` when it cannot.
    fn parse(text: &str) -> Result<Rule, String> {
        let (label, body) = match parse_label(text) {
            Some((label, body)) => (label, body),
            None if text.contains('*') => ("glob", text),
            None => ("range", text),
        };
        if !RULE_TYPES.contains(&label) {
            return Err(format!("'{label}' is not a valid package filter type"));
        }
        // rez re-reads `label(body)`: a body with parentheses is then taken whole.
        let labelled = format!("{label}({body})");
        let (inner_label, inner) = match parse_label(&labelled) {
            Some((l, b)) => (Some(l), b),
            None => (None, labelled.as_str()),
        };
        let parsed = match label {
            "glob" => Glob::new(inner).map(|glob| Rule {
                family: extract_family(inner),
                matcher: Matcher::Glob(glob),
                text: format!("glob({inner})"),
            }),
            "regex" => compile_regex(inner).map(|regex| Rule {
                family: extract_family(inner),
                matcher: Matcher::Regex(regex),
                text: format!("regex({inner})"),
            }),
            "range" => RezRequirement::parse(inner)
                .map(|req| Rule {
                    family: Some(req.name.clone()),
                    text: format!("range({req})"),
                    matcher: Matcher::Range(req),
                })
                .map_err(|e| format!("VersionError: {e}")),
            _ => parse_timestamp_rule(inner, inner_label == Some("after")),
        };
        parsed.map_err(|e| format!("Error parsing package filter '{labelled}': {e}"))
    }

    /// rez's costs: a timestamp rule loads the package.
    fn cost(&self) -> u32 {
        match self.matcher {
            Matcher::Timestamp { .. } => 1000,
            _ => 10,
        }
    }

    /// rez's `Rule.match`.
    fn matches(&self, candidate: &Candidate, noted: &mut bool) -> Result<bool, Stop> {
        match &self.matcher {
            Matcher::Glob(glob) => Ok(glob.matches(candidate.qualified())),
            Matcher::Regex(regex) => Ok(regex.is_match(candidate.qualified())),
            // `not requirement.conflicts_with(VersionedObject(name, version))`; the rule is only
            // tried on its own family.
            Matcher::Range(req) => Ok(req.range.contains(candidate.version) != req.conflict),
            Matcher::Timestamp { time, after } => {
                let package = candidate.package.ok_or(Stop::Unread)?;
                if let Some(unusable) = package.unusable.as_ref().filter(|u| u.field.is_none()) {
                    return Err(Stop::Unusable(unusable.clone()));
                }
                match package.timestamp {
                    Timestamp::Untimestamped => Ok(false),
                    Timestamp::At(at) => Ok(if *after { at > *time } else { at <= *time }),
                    Timestamp::Computed { allowed: true } => {
                        *noted = true;
                        Ok(false)
                    }
                    Timestamp::Computed { allowed: false } => Err(Stop::Unusable(Unusable {
                        path: package.path.clone(),
                        field: Some("timestamp".into()),
                        message: "computed when rez loads the package, and the resolve filters \
                                  on release times (--time or a package filter)"
                            .into(),
                    })),
                }
            }
        }
    }
}

/// rez's `Rule._parse_label`: `label(body)`, the label without `(`, the body without
/// parentheses (Python's `$` also takes a final newline).
fn parse_label(text: &str) -> Option<(&str, &str)> {
    let whole = if text.ends_with(')') {
        text
    } else {
        text.strip_suffix('\n').filter(|t| t.ends_with(')'))?
    };
    let open = whole.find('(').filter(|&i| i > 0)?;
    let body = &whole[open + 1..whole.len() - 1];
    if body.is_empty() || body.contains(['(', ')']) {
        return None;
    }
    Some((&whole[..open], body))
}

/// rez's `Rule._extract_family`: the text before its last `-`, `@` or `#` that comes before
/// any `*` or `?` and after at least one character.
fn extract_family(text: &str) -> Option<String> {
    let head = &text[..text.find(['*', '?']).unwrap_or(text.len())];
    let (at, _) = head
        .char_indices()
        .rev()
        .find(|&(i, c)| i > 0 && matches!(c, '-' | '@' | '#'))?;
    Some(head[..at].to_string())
}

/// `re.compile(text)`, matched at the start as `re.match` does, by regex-lite. A pattern
/// regex-lite refuses (lookaround, backreferences, `\Z`) is an error; so is one whose syntax
/// the two read differently ([`read_otherwise`]), rather than a different answer.
fn compile_regex(text: &str) -> Result<regex_lite::Regex, String> {
    if let Some(what) = read_otherwise(text) {
        return Err(format!(
            "pkglens cannot read this regex as Python does: {what}"
        ));
    }
    regex_lite::Regex::new(text).map_err(|e| format!("error: {e}"))?;
    regex_lite::Regex::new(&format!("^(?:{text})")).map_err(|e| format!("error: {e}"))
}

/// What in `text` Rust's regex syntax reads otherwise than Python's `re` (3.11), walking it as
/// `re` does (escapes, sets): in a set, a `[` or `&&`, `--`, `~~` (nested sets, POSIX classes
/// and set operations in Rust; characters in Python); `(?<` and `\z` (a named group and an
/// anchor in Rust; errors in Python); a quantifier after a quantifier, beyond the one `?` that
/// makes it lazy (possessive or an error in Python; nested in Rust).
fn read_otherwise(text: &str) -> Option<&'static str> {
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut after_repeat, mut lazy_taken) = (0, false, false);
    while i < chars.len() {
        let repeat = match chars[i] {
            '*' | '+' | '?' => Some(1),
            '{' => counted_repeat(&chars[i..]),
            _ => None,
        };
        if let Some(len) = repeat {
            if after_repeat {
                if chars[i] != '?' || lazy_taken {
                    return Some("a repeat of a repeat (possessive, or an error, in Python)");
                }
                lazy_taken = true;
            } else {
                (after_repeat, lazy_taken) = (true, false);
            }
            i += len;
            continue;
        }
        after_repeat = false;
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'z') => return Some(r"\z (an error in Python)"),
            '\\' => i += 2,
            '(' if chars[i..].starts_with(&['(', '?', '<']) => {
                return Some("(?< (a lookbehind or an error in Python)")
            }
            '[' => {
                let end = set_end(&chars, i);
                if set_reads_otherwise(&chars[i + 1..end.min(chars.len())]) {
                    return Some("a set holding [, &&, -- or ~~ (characters in Python)");
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether a set's text (after its `[`) holds an unescaped `[`, `&&`, `--` or `~~`.
fn set_reads_otherwise(set: &[char]) -> bool {
    let mut i = 0;
    while i < set.len() {
        match set[i] {
            '\\' => i += 2,
            '[' => return true,
            c @ ('&' | '-' | '~') if set.get(i + 1) == Some(&c) => return true,
            _ => i += 1,
        }
    }
    false
}

/// The length of Python's counted repeat at the start of `chars` (`{m}`, `{m,}`, `{,n}`,
/// `{m,n}`, `{}`... as `re` takes them: digits, at most one comma), if it is one.
fn counted_repeat(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == '}')?;
    let inside = &chars[1..close];
    let commas = inside.iter().filter(|&&c| c == ',').count();
    let digits_only = inside.iter().all(|&c| c.is_ascii_digit() || c == ',');
    let has_min = inside.first().is_some_and(char::is_ascii_digit);
    (digits_only && commas <= 1 && (has_min || commas == 1)).then_some(close + 1)
}

/// Where the set opening at `start` ends (after its `]`), as Python reads it: a `]` first (or
/// after `^`) is a character, `\x` an escape.
fn set_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 2,
            ']' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// rez's `TimestampRule._parse`: `[family:]T`, `T` as Python's `int()` reads it.
fn parse_timestamp_rule(text: &str, after: bool) -> Result<Rule, String> {
    let (family, time) = match text.split_once(':') {
        Some((family, time)) => (Some(family.to_string()), time),
        None => (None, text),
    };
    let time = python_int(time)
        .ok_or_else(|| format!("ValueError: invalid literal for int() with base 10: '{time}'"))?;
    Ok(timestamp_rule(family, time, after))
}

/// rez's `TimestampRule(time, family, reverse=after)`, written as rez's `__str__` writes it
/// (an empty family is left out).
fn timestamp_rule(family: Option<String>, time: i64, after: bool) -> Rule {
    let label = if after { "after" } else { "before" };
    let text = match family.as_deref().filter(|f| !f.is_empty()) {
        Some(family) => format!("{label}({family}:{time})"),
        None => format!("{label}({time})"),
    };
    Rule {
        family,
        matcher: Matcher::Timestamp { time, after },
        text,
    }
}

/// The package filter list of a file's text, `name` being its file name: a `.py` rezconfig
/// (its `package_filter = ...`, read statically, never run), a `.json` file, or YAML (a
/// rezconfig mapping with `package_filter`, or the list or dict itself). The message of an
/// error names the file and the field.
pub fn read_package_filter(name: &str, text: &str) -> Result<PackageFilterList, String> {
    // A mapping is a rezconfig unless it is a filter itself.
    let value = read_setting(name, text, "package_filter", |fields| {
        field(fields, "excludes").is_none() && field(fields, "includes").is_none()
    })?;
    PackageFilterList::from_value(&value).map_err(|e| format!("{name}: package_filter{e}"))
}

#[cfg(test)]
mod tests;
