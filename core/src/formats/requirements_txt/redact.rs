//! Keeping secrets out of what is shown: credentials in URLs (`https://user:pass@host`,
//! `https://token@host`) become `****` as pip's `redact_auth_from_url` writes them, and a
//! requirement read from a line with `${VAR}` expanded keeps `raw` as the file says it
//! (`${VAR}`, not its value) and shows each expanded value as `****` in `url`.

use crate::record::Requirement;
use std::borrow::Cow;

/// pip's `redact_netloc`: `user:pass@host` is `user:****@host`, `token@host` is `****@host`,
/// except that over SSH (`ssh`, `git+ssh`) a user alone (`git@github.com`) is a login name,
/// not a token (SSH authenticates with keys), and stays.
fn redact_netloc<'a>(netloc: &'a str, scheme: &str) -> Cow<'a, str> {
    let Some((auth, host)) = netloc.rsplit_once('@') else {
        return Cow::Borrowed(netloc);
    };
    if !auth.contains(':') && scheme.to_ascii_lowercase().ends_with("ssh") {
        return Cow::Borrowed(netloc);
    }
    let secret = auth.split_once(':').map_or(auth, |(_, password)| password);
    if is_variable(secret) {
        // `${TOKEN}` as the file writes it: a name, not a secret (its value never gets here).
        return Cow::Borrowed(netloc);
    }
    Cow::Owned(match auth.split_once(':') {
        Some((user, _)) => format!("{}:****@{host}", quote(&unquote(user))),
        None => format!("****@{host}"),
    })
}

/// Credentials in a requirement's URL (`https://user:pass@`) shown as pip shows them:
/// `https://user:****@`, in `raw` and `url`. Every format's requirements pass here.
pub(crate) fn redact_requirement(requirement: &mut Requirement) {
    if let Cow::Owned(raw) = redact_in_text(&requirement.raw) {
        requirement.raw = raw;
    }
    if let Some(url) = &mut requirement.url {
        if let Cow::Owned(redacted) = redact_auth_from_url(url) {
            *url = redacted;
        }
    }
}

/// pip's `redact_auth_from_url`: the netloc (between `scheme://` and the next `/`, `?` or
/// `#`) redacted; anything else is returned as it is.
///
/// `url = scheme ':' ['//' netloc] rest`
pub fn redact_auth_from_url(url: &str) -> Cow<'_, str> {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return Cow::Borrowed(url);
    };
    let scheme = &url[..start - 3];
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid_scheme {
        return Cow::Borrowed(url);
    }
    let end = netloc_end(url, start, |c| matches!(c, '/' | '?' | '#'));
    match redact_netloc(&url[start..end], scheme) {
        Cow::Borrowed(_) => Cow::Borrowed(url),
        Cow::Owned(netloc) => Cow::Owned(format!("{}{netloc}{}", &url[..start], &url[end..])),
    }
}

/// Every URL's credentials in free text (a requirement line, an error message) redacted: the
/// netloc after each `://` runs to the next `/`, `?`, `#`, space or quote.
pub fn redact_in_text(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let start = i + 3;
        let end = netloc_end(rest, start, |c| {
            matches!(c, '/' | '?' | '#' | '\'' | '"' | '`' | '<' | '>') || c.is_whitespace()
        });
        // After the last character that cannot be in a scheme (whatever its width: `é://`).
        let scheme_start = rest[..i]
            .char_indices()
            .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |(j, c)| j + c.len_utf8());
        out.push_str(&rest[..start]);
        out.push_str(&redact_netloc(&rest[start..end], &rest[scheme_start..i]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether `text` is one `${NAME}` reference (`NAME` in `[A-Z0-9_]+`), as pip expands them.
fn is_variable(text: &str) -> bool {
    text.strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
}

fn netloc_end(text: &str, start: usize, stop: impl Fn(char) -> bool) -> usize {
    text[start..].find(stop).map_or(text.len(), |j| start + j)
}

/// `urllib.parse.unquote`: `%XX` decoded (as UTF-8, lossily).
fn unquote(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `urllib.parse.quote` (safe `/`): unreserved characters and `/` kept, the rest `%XX`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One piece of an expanded line: text as written, or a variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Text read as written.
    Written(String),
    /// `${NAME}`, and the value it was replaced with.
    Expanded { var: String, value: String },
}

/// `text` (a logical line before expansion) cut into pieces as pip's `expand_env_variables`
/// expands it with `env`: every `${NAME}` set to a non-empty value is its value.
pub(super) fn pieces(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut written = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let value = (name_len > 0 && after.as_bytes().get(name_len) == Some(&b'}'))
            .then(|| env(&after[..name_len]))
            .flatten()
            .filter(|v| !v.is_empty());
        match value {
            Some(value) => {
                written.push_str(&rest[..i]);
                pieces.push(Piece::Written(std::mem::take(&mut written)));
                pieces.push(Piece::Expanded {
                    var: rest[i..i + name_len + 3].to_owned(),
                    value,
                });
                rest = &after[name_len + 1..];
            }
            None => {
                written.push_str(&rest[..i + 2]);
                rest = after;
            }
        }
    }
    written.push_str(rest);
    pieces.push(Piece::Written(written));
    pieces.retain(|p| !matches!(p, Piece::Written(w) if w.is_empty()));
    pieces
}

/// `part` of the expanded line `expanded` (found at its first place), each expanded value in
/// it shown by `show` (given the variable and its value). `None` when the pieces do not make
/// `expanded` (a value that holds another variable, which pip expands in turn).
pub(super) fn unexpand(
    pieces: &[Piece],
    expanded: &str,
    part: &str,
    show: impl Fn(&str, &str) -> String,
) -> Option<String> {
    let whole: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Written(text) => text.as_str(),
            Piece::Expanded { value, .. } => value.as_str(),
        })
        .collect();
    if whole != expanded {
        return None;
    }
    let start = expanded.find(part)?;
    let end = start + part.len();
    let mut out = String::with_capacity(part.len());
    let mut at = 0;
    for piece in pieces {
        let (len, text) = match piece {
            Piece::Written(text) => (text.len(), None),
            Piece::Expanded { var, value } => (value.len(), Some(show(var, value))),
        };
        let (from, to) = (at.max(start), (at + len).min(end));
        if from < to {
            match (piece, text) {
                (Piece::Written(written), _) => out.push_str(&written[from - at..to - at]),
                (_, Some(shown)) => out.push_str(&shown),
                _ => {}
            }
        }
        at += len;
    }
    Some(out)
}

/// `text` with every expanded value of `pieces` replaced by `****`: the fallback when
/// [`unexpand`] cannot place a part.
pub(super) fn hide_values(pieces: &[Piece], text: &str) -> String {
    let mut out = text.to_owned();
    for piece in pieces {
        if let Piece::Expanded { value, .. } = piece {
            out = out.replace(value.as_str(), "****");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The expected strings are pip 25.3's `redact_auth_from_url` on the same inputs.
    #[test]
    fn urls_are_redacted_as_pip_redacts_them() {
        for (url, redacted) in [
            (
                "https://user:pass@example.com/x",
                "https://user:****@example.com/x",
            ),
            ("https://token@example.com/x", "https://****@example.com/x"),
            ("https://example.com/x@y", "https://example.com/x@y"),
            (
                "git+https://u:p@h/r.git@v1#egg=x",
                "git+https://u:****@h/r.git@v1#egg=x",
            ),
            ("https://a@b:c@host/", "https://a%40b:****@host/"),
            ("https://us%20er:pw@h/", "https://us%20er:****@h/"),
            ("file:///tmp/x", "file:///tmp/x"),
            // Not pip's: an SSH login name is no secret.
            (
                "git+ssh://git@github.com/x/y.git",
                "git+ssh://git@github.com/x/y.git",
            ),
            ("ssh://u:pw@h/x", "ssh://u:****@h/x"),
            // Not pip's (it redacts after expansion): a variable as written is no secret.
            ("https://${TOKEN}@h/x", "https://${TOKEN}@h/x"),
            ("https://u:${PASS}@h/x", "https://u:${PASS}@h/x"),
        ] {
            assert_eq!(redact_auth_from_url(url), redacted, "{url}");
        }
        assert_eq!(
            redact_in_text("pkg @ https://u:secret@h/p.whl ; python_version>'3'"),
            "pkg @ https://u:****@h/p.whl ; python_version>'3'"
        );
        assert_eq!(
            redact_in_text("invalid 'https://tok@h/x'"),
            "invalid 'https://****@h/x'"
        );
    }

    /// A URL right after a character of several bytes (fuzzing found `é://` in a METADATA
    /// line: the scheme's start was taken one byte after `é` began).
    #[test]
    fn text_with_wide_characters_before_a_url() {
        assert_eq!(
            redact_in_text("xé://user:pw@host/ and ☃https://tok@h/p"),
            "xé://user:****@host/ and ☃https://****@h/p"
        );
    }

    #[test]
    fn expanded_values_go_back_to_their_variables() {
        let env = |name: &str| match name {
            "TOKEN" => Some("s3cr3t".to_owned()),
            "V" => Some("1".to_owned()),
            _ => None,
        };
        let line = "pkg @ https://${TOKEN}@h/pkg-1.${V}.tar.gz ${UNSET}";
        let pieces = pieces(line, &env);
        let expanded = "pkg @ https://s3cr3t@h/pkg-1.1.tar.gz ${UNSET}";
        let var = |var: &str, _: &str| var.to_owned();
        assert_eq!(unexpand(&pieces, expanded, expanded, var).unwrap(), line);
        let url = "https://s3cr3t@h/pkg-1.1.tar.gz";
        let stars = |_: &str, _: &str| "****".to_owned();
        assert_eq!(
            unexpand(&pieces, expanded, url, stars).unwrap(),
            "https://****@h/pkg-1.****.tar.gz"
        );
        assert!(unexpand(&pieces, "other", url, stars).is_none());
    }
}
