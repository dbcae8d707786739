//! Who we are to a server, and what we trust: credentials (a URL's `user:pass@`, else the
//! `~/.netrc` entry of its host, as pip and `requests` look them up), their redaction from
//! everything shown, URL joining, and the TLS roots (`SSL_CERT_FILE`, else the system bundle,
//! else Mozilla's).

use base64::Engine;
use std::borrow::Cow;
use std::path::PathBuf;

/// A user name and password for HTTP Basic authentication.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub user: String,
    /// The password (may be empty: a token as user name).
    pub password: String,
}

/// `url` with credentials shown as pip shows them (`user:****@host`).
pub fn redact(url: &str) -> Cow<'_, str> {
    pkglens_core::redact_auth_from_url(url)
}

/// Every URL's credentials in `text` redacted.
pub fn redact_text(text: &str) -> String {
    pkglens_core::redact_in_text(text).into_owned()
}

/// `url` without its `user:pass@`, and those credentials (percent-decoded).
pub fn split_credentials(url: &str) -> (String, Option<Credentials>) {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return (url.to_owned(), None);
    };
    if parsed.username().is_empty() && parsed.password().is_none() {
        return (url.to_owned(), None);
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credentials = Credentials {
        user: decode(parsed.username()),
        password: decode(parsed.password().unwrap_or("")),
    };
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    (parsed.to_string(), Some(credentials))
}

/// The `Authorization` header value of Basic authentication.
pub fn basic(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

/// `reference` (a link on a page, a `Location`) resolved against `base`. A link to another
/// host never carries `base`'s credentials.
pub fn join(base: &str, reference: &str) -> Option<String> {
    let base_url = url::Url::parse(base).ok()?;
    let joined = base_url.join(reference.trim()).ok()?;
    if !matches!(joined.scheme(), "http" | "https") {
        return None;
    }
    Some(joined.to_string())
}

/// One `machine` (or `default`) entry of a netrc file.
#[derive(Clone)]
pub struct NetrcEntry {
    /// The host name; `None` for `default`.
    machine: Option<String>,
    credentials: Credentials,
}

/// The entries of `$NETRC`, else `~/.netrc`; none when there is no such file.
pub fn read_netrc() -> Vec<NetrcEntry> {
    let path = std::env::var_os("NETRC")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".netrc")));
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .map(|text| parse_netrc(&text))
        .unwrap_or_default()
}

/// Parses netrc text (core reads it as Python's `netrc` module does for `requests`).
pub fn parse_netrc(text: &str) -> Vec<NetrcEntry> {
    pkglens_core::parse_netrc(text)
        .into_iter()
        .map(|entry| NetrcEntry {
            machine: entry.machine,
            credentials: Credentials {
                user: entry.login,
                password: entry.password,
            },
        })
        .collect()
}

/// The netrc credentials of `url`'s host: its `machine` entry, else `default`.
pub fn netrc_for(entries: &[NetrcEntry], url: &str) -> Option<Credentials> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    entries
        .iter()
        .find(|e| e.machine.as_deref() == Some(host.as_str()))
        .or_else(|| entries.iter().find(|e| e.machine.is_none()))
        .map(|e| e.credentials.clone())
}

/// The roots TLS trusts: the certificates of `SSL_CERT_FILE`, else of the first system bundle
/// found (where Debian, Fedora, Alpine and SUSE keep it: a company CA installed the system's
/// way is in it), else Mozilla's (webpki-roots).
pub fn root_certs() -> ureq::tls::RootCerts {
    let from_env = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let bundles = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];
    let candidates = from_env
        .into_iter()
        .chain(bundles.iter().map(PathBuf::from));
    for path in candidates {
        let Ok(pem) = std::fs::read(&path) else {
            continue;
        };
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                _ => None,
            })
            .collect();
        if !certs.is_empty() {
            return ureq::tls::RootCerts::new_with_certs(&certs);
        }
    }
    ureq::tls::RootCerts::WebPki
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_and_come_back_decoded() {
        let (bare, creds) = split_credentials("https://me:p%40ss@host.example/simple/");
        assert_eq!(bare, "https://host.example/simple/");
        let creds = creds.unwrap();
        assert_eq!(
            (creds.user.as_str(), creds.password.as_str()),
            ("me", "p@ss")
        );
        assert_eq!(
            redact("https://me:secret@host.example/x"),
            "https://me:****@host.example/x"
        );
    }

    #[test]
    fn netrc_machine_then_default() {
        let entries = parse_netrc(
            "machine index.example login alice password s3cret\ndefault login anon password x\n",
        );
        let alice = netrc_for(&entries, "https://INDEX.example/simple/").unwrap();
        assert_eq!(
            (alice.user.as_str(), alice.password.as_str()),
            ("alice", "s3cret")
        );
        let other = netrc_for(&entries, "https://other.example/").unwrap();
        assert_eq!(other.user, "anon");
    }

    #[test]
    fn links_resolve_against_the_page() {
        assert_eq!(
            join(
                "https://h.example/simple/pkg/",
                "../../files/a.whl#sha256=00"
            )
            .as_deref(),
            Some("https://h.example/files/a.whl#sha256=00")
        );
        assert_eq!(join("https://h.example/", "file:///etc/passwd"), None);
    }
}
