//! A package index's project page: PEP 691 JSON or PEP 503 HTML, read as pip reads them, and
//! the netrc file pip's `requests` reads credentials from. Sans-I/O: the links come out as the
//! page writes them; resolving them against the page's URL (and fetching) is the caller's.
//!
//! JSON: `{"files": [{"filename", "url", "hashes": {"sha256"}, "requires-python", "yanked",
//! "core-metadata" | "dist-info-metadata"}]}` (PEP 691, PEP 714). HTML: every `<a href>` with
//! its `data-requires-python`, `data-yanked`, `data-core-metadata` (or the older
//! `data-dist-info-metadata`) attributes unescaped, and the first `<base href>` (pip's
//! `HTMLLinkParser`).

use serde_json::Value;

/// One file link of a project page, as the page gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLink {
    /// The link as written: relative to the page (or to the HTML page's `<base href>`), with
    /// any `#sha256=` fragment.
    pub href: String,
    /// The file name the JSON page gives (HTML pages name files by their URL only).
    pub filename: Option<String>,
    /// The SHA-256 of the JSON page's `hashes`, lower-cased (a fragment's is the caller's).
    pub sha256: Option<String>,
    /// `Requires-Python`, unless empty.
    pub requires_python: Option<String>,
    /// Yanked (PEP 592): `yanked: true` or a reason, or a `data-yanked` attribute.
    pub yanked: bool,
    /// A PEP 658 metadata file is offered at `href + ".metadata"`: `Some(None)` without a
    /// hash, `Some(Some(sha256))` with one.
    pub metadata: Option<Option<String>>,
}

/// A project page: its links, and (HTML) the `<base href>` they are relative to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexPage {
    /// The first `<base href>`, as written; `None`: links are relative to the page's URL.
    pub base: Option<String>,
    /// The file links, in page order.
    pub links: Vec<IndexLink>,
}

/// The links of a PEP 691 JSON page; an error when it is not JSON or has no `files` list.
/// Entries without a `url` string are left out.
pub fn parse_index_json(text: &str) -> Result<IndexPage, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not PEP 691 JSON: {e}"))?;
    let files = value
        .get("files")
        .and_then(Value::as_array)
        .ok_or("not PEP 691 JSON: no `files` list")?;
    let text_of =
        |file: &Value, key: &str| file.get(key).and_then(Value::as_str).map(str::to_owned);
    let links = files
        .iter()
        .filter_map(|file| {
            let href = text_of(file, "url")?;
            let yanked = match file.get("yanked") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(_)) => true,
                _ => false,
            };
            // PEP 714: `core-metadata`, else the older `dist-info-metadata`; `true` or hashes.
            let metadata = ["core-metadata", "dist-info-metadata"]
                .iter()
                .find_map(|key| file.get(*key))
                .and_then(|m| match m {
                    Value::Bool(true) => Some(None),
                    Value::Object(hashes) => Some(
                        hashes
                            .get("sha256")
                            .and_then(Value::as_str)
                            .map(str::to_ascii_lowercase),
                    ),
                    _ => None,
                });
            Some(IndexLink {
                href,
                filename: text_of(file, "filename"),
                sha256: file
                    .get("hashes")
                    .and_then(|h| h.get("sha256"))
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase),
                requires_python: text_of(file, "requires-python").filter(|s| !s.trim().is_empty()),
                yanked,
                metadata,
            })
        })
        .collect();
    Ok(IndexPage { base: None, links })
}

/// The links of a PEP 503 HTML page: every `<a href>`, its `data-*` attributes unescaped;
/// the first `<base href>` (pip honours it for every link of the page).
pub fn parse_index_html(text: &str) -> IndexPage {
    let mut page = IndexPage::default();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = tag_end(rest);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(tag.len());
        let tag_name = tag[..name_end].to_ascii_lowercase();
        if tag_name != "a" && tag_name != "base" {
            continue;
        }
        let attributes = parse_attributes(&tag[name_end..]);
        let get = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let Some(href) = get("href") else { continue };
        if tag_name == "base" {
            page.base.get_or_insert_with(|| href.to_owned());
            continue;
        }
        let metadata = get("data-core-metadata")
            .or_else(|| get("data-dist-info-metadata"))
            .and_then(|value| match value {
                "true" => Some(None),
                hash => hash
                    .strip_prefix("sha256=")
                    .map(|h| Some(h.to_ascii_lowercase())),
            });
        page.links.push(IndexLink {
            href: href.to_owned(),
            filename: None,
            sha256: None,
            requires_python: get("data-requires-python")
                .map(str::to_owned)
                .filter(|s| !s.trim().is_empty()),
            yanked: get("data-yanked").is_some(),
            metadata,
        });
    }
    page
}

/// Where a tag's text ends: at the `>` outside quotes.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    tag.len()
}

/// `key="value" key='value' key=value key` pairs, keys lower-cased, values unescaped.
fn parse_attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            unescape(value)
        } else {
            String::new()
        };
        if !key.is_empty() {
            out.push((key, value));
        } else if !rest.is_empty() {
            rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        }
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
    }
    out
}

/// HTML character references: the named ones an index writes (`&lt;` in
/// `data-requires-python`), and numeric ones.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let window = rest.char_indices().nth(12).map_or(rest.len(), |(i, _)| i);
        let Some(semi) = rest[..window].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One `machine` (or `default`) entry of a netrc file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetrcEntry {
    /// The host name, lower-cased; `None` for `default`.
    pub machine: Option<String>,
    /// `login`, empty when absent.
    pub login: String,
    /// `password`, empty when absent.
    pub password: String,
}

/// Parses netrc text as Python's `netrc` module does for what `requests` asks of it:
/// `machine NAME`, `default`, `login`, `password` (`account` is skipped; a `macdef` ends
/// what can be read, its macro running to an empty line).
pub fn parse_netrc(text: &str) -> Vec<NetrcEntry> {
    let mut entries = Vec::new();
    let mut tokens = text.split_whitespace().peekable();
    while let Some(token) = tokens.next() {
        let machine = match token {
            "machine" => match tokens.next() {
                Some(name) => Some(name.to_ascii_lowercase()),
                None => break,
            },
            "default" => None,
            "macdef" => break,
            _ => continue,
        };
        let mut entry = NetrcEntry {
            machine,
            login: String::new(),
            password: String::new(),
        };
        while let Some(&key) = tokens.peek() {
            if !matches!(key, "login" | "password" | "account") {
                break;
            }
            tokens.next();
            let value = tokens.next().unwrap_or("").to_owned();
            match key {
                "login" => entry.login = value,
                "password" => entry.password = value,
                _ => {}
            }
        }
        entries.push(entry);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyPI's PEP 503 shape (attributes as warehouse writes them), with a `<base>`.
    const PAGE: &str = r#"<!DOCTYPE html><html><head><base href="https://files.example/"><meta name="pypi:repository-version" content="1.1"></head><body>
<a href="pkgs/demo-1.0.tar.gz#sha256=AB12" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br />
<a href="pkgs/demo-1.0-py3-none-any.whl#sha256=cd34" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=EF56" data-core-metadata="sha256=EF56">demo-1.0-py3-none-any.whl</a>
<a href='pkgs/demo-0.9.whl' data-yanked="">old</a><a name="x">no href</a>
</body></html>"#;

    #[test]
    fn html_pages_give_links_attributes_and_base() {
        let page = parse_index_html(PAGE);
        assert_eq!(page.base.as_deref(), Some("https://files.example/"));
        let links = &page.links;
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].href, "pkgs/demo-1.0.tar.gz#sha256=AB12");
        assert_eq!(links[0].requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(links[1].metadata, Some(Some("ef56".to_owned())));
        assert!(links[2].yanked && !links[1].yanked);
    }

    #[test]
    fn json_pages_give_hashes_yanks_and_metadata() {
        let page = parse_index_json(
            r#"{"meta": {"api-version": "1.1"}, "files": [
              {"filename": "a-1.whl", "url": "a-1.whl", "hashes": {"sha256": "AA"},
               "requires-python": "", "yanked": "broken", "core-metadata": {"sha256": "BB"}},
              {"filename": "a-2.whl", "url": "https://x/a-2.whl", "hashes": {},
               "dist-info-metadata": true},
              {"filename": "no-url"}]}"#,
        )
        .unwrap();
        assert_eq!(page.links.len(), 2);
        let a = &page.links[0];
        assert_eq!(
            (a.sha256.as_deref(), a.yanked, a.requires_python.as_deref()),
            (Some("aa"), true, None)
        );
        assert_eq!(a.metadata, Some(Some("bb".to_owned())));
        assert_eq!(page.links[1].metadata, Some(None));
        assert!(parse_index_json("<html>").is_err());
        assert!(parse_index_json("{}").is_err());
    }

    #[test]
    fn netrc_entries_as_pythons_netrc_reads_them() {
        let entries = parse_netrc(
            "machine Index.Example login u password p account a\ndefault login d password q\n\
             macdef init\ncd /\n\nmachine later login x",
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].machine.as_deref(), Some("index.example"));
        assert_eq!(
            (entries[0].login.as_str(), entries[0].password.as_str()),
            ("u", "p")
        );
        assert_eq!(entries[1].machine, None);
    }

    #[test]
    fn broken_pages_never_panic() {
        for text in [
            "<",
            "<a",
            "<a href",
            "<a href='",
            "<a href=\"x",
            "&#xFFFFFFFF;",
            "<a href=x&#99999999;>",
            "<base",
            "<A HREF=é&amp;é>",
            // A character reference's look-ahead ends inside `é` (it was a byte count once).
            "<a href='&ééééééé;' data-yanked='&ééééééé'>",
        ] {
            let _ = parse_index_html(text);
            let _ = parse_index_json(text);
            let _ = parse_netrc(text);
        }
    }
}
