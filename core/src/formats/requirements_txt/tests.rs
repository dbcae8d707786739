use super::*;
use std::collections::HashMap;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn no_env(_: &str) -> Option<String> {
    None
}

/// One requirements file (not a constraints file), includes listed and not followed.
fn parse_requirements_txt(
    path: &str,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RequirementsFile, ParseError> {
    parse_requirements_txt_as(path, bytes, env, false)
}

fn parse(text: &str) -> RequirementsFile {
    parse_requirements_txt("dir/requirements.txt", text.as_bytes(), &no_env).unwrap()
}

/// A file long enough to be read in parallel runs gives the same result on a pool as on
/// the calling thread: requirements, options, includes, globals, variables and errors, in
/// order, with continuations that cross where runs would end.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_large_file_reads_the_same_on_a_pool() {
    let lines = 3 * RUN_LINES * RUNS_AT_ONCE + 17;
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&match i % 11 {
            0 => format!("pkg{i} >= {i}.0 ; python_version < \"3.{}\"\n", i % 13),
            1 => format!("-r more{i}.txt\n"),
            2 => "--index-url https://example.invalid/simple\n".to_owned(),
            3 => format!("bad{i} ===\n"),
            4 => format!("pkg{i}[a,b]==1.{i} --hash=sha256:{i:064x} \\\n  --hash=sha256:00\n"),
            5 => format!("-e ./local{i}\n"),
            6 => "# a comment \\\n".to_owned(),
            7 => format!("name{i} @ https://example.invalid/n-{i}.whl\n"),
            8 => format!("${{PKG}}{i} == ${{VERSION}} ; extra == '${{UNSET}}'\n"),
            9 if i % 700 == 9 => "long\\\n".repeat(RUN_LINES + 3) + "==1\n",
            _ => "--unknown-option\n".to_owned(),
        });
    }
    let env = |name: &str| match name {
        "PKG" => Some("from-env".to_owned()),
        "VERSION" => Some("2.0".to_owned()),
        _ => None,
    };
    let read = || parse_requirements_txt("dir/requirements.txt", text.as_bytes(), &env).unwrap();
    let serial = read();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let pooled = pool.install(read);
    assert!(serial.record.requirements.len() > RUN_LINES * RUNS_AT_ONCE);
    assert!(!serial.errors.is_empty() && !serial.includes.is_empty());
    assert!(serial
        .record
        .requirements
        .iter()
        .any(|r| r.name == "from-env8" && r.spec == "==2.0"));
    assert!(serial
        .record
        .requirements
        .iter()
        .any(|r| r.name.starts_with("longlong")));
    assert_eq!(serial, pooled);
}

fn names(file: &RequirementsFile) -> Vec<&str> {
    file.record
        .requirements
        .iter()
        .map(|r| r.name.as_str())
        .collect()
}

#[test]
fn requirements_comments_and_blank_lines() {
    let f = parse("# top\n\nrequests>=2 # why\n  flask  \nidna#frag\n\t# tab comment\n");
    assert_eq!(names(&f), vec!["requests", "flask"]);
    assert_eq!(f.record.requirements[0].raw, "requests>=2");
    assert_eq!(f.record.requirements[0].line, 3);
    // `idna#frag` is one token: not a comment, not valid PEP 508.
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.errors[0].line, 5);
    assert_eq!(f.record.status, Status::Error);
}

#[test]
fn url_fragments_are_not_comments() {
    let f = parse("git+https://example.com/r.git#egg=foo\nhttps://x.com/p.zip #egg=bar\n");
    assert_eq!(names(&f), vec!["foo", ""]);
    assert_eq!(
        f.record.requirements[1].url.as_deref(),
        Some("https://x.com/p.zip")
    );
}

#[test]
fn continuations() {
    let f = parse("requests \\\n  >=2 \\\n  ,<3\nsix\\\n# comment ends it\nattrs \\");
    assert_eq!(names(&f), vec!["requests", "six", "attrs"]);
    assert_eq!(f.record.requirements[0].line, 1);
    assert_eq!(f.record.requirements[1].line, 4);
    assert_eq!(f.record.requirements[2].line, 6);
    // A comment that ends in a backslash swallows the next line.
    let f = parse("flask # note \\\nswallowed\nsix\n");
    assert_eq!(names(&f), vec!["flask", "six"]);
}

#[test]
fn crlf_bom_and_tabs() {
    let f = parse("\u{feff}requests>=2\r\nflask \\\r\n ; python_version >= '3.8'\r\n\tsix\r\n");
    assert_eq!(names(&f), vec!["requests", "flask", "six"]);
    assert!(f.record.requirements[1].marker.is_some());
    assert_eq!(f.record.requirements[2].line, 4);
    // Only spaces separate options: a tab glues `--hash` to the requirement.
    let f = parse("foo\t--hash=sha256:abc\n");
    assert_eq!(f.errors.len(), 1);
}

#[test]
fn hashes_on_continuation_lines() {
    let f = parse(
        "urllib3==2.2.1 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\nidna --hash sha512:c\n",
    );
    assert_eq!(f.options[0].hashes, vec!["sha256:aaa", "sha256:bbb"]);
    assert_eq!(f.options[1].hashes, vec!["sha512:c"]);
    assert_eq!(f.record.requirements[0].raw, "urllib3==2.2.1");
    assert_eq!(f.record.requirements[0].spec, "==2.2.1");
    let f = parse("foo --hash=md5:abc\n");
    assert!(f.errors[0].message.contains("allowed hash algorithms"));
}

#[test]
fn includes_are_resolved_against_the_file() {
    let f = parse(
        "-r base.txt\n--requirement=../shared/x.txt\n-c \"with space.txt\"\n-rsub/./a/../b.txt\n-r https://e.com/r.txt\n",
    );
    let paths: Vec<&str> = f.includes.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "dir/base.txt",
            "shared/x.txt",
            "dir/with space.txt",
            "dir/sub/b.txt",
            "https://e.com/r.txt"
        ]
    );
    assert_eq!(f.includes[2].kind, IncludeKind::Constraints);
    assert_eq!(f.includes[1].line, 2);
    assert_eq!(resolve_include("a/b/c.txt", "../../../x"), "../x");
}

#[test]
fn editables() {
    let f = parse(
        "-e ./pkg[dev]\n-e git+https://g.com/f.git@1.0#egg=flask\n--editable=git:https://g.com/r#egg=r\n-e \"x @ git+https://g.com/x\"\n",
    );
    assert_eq!(names(&f), vec!["", "flask", "r", "x"]);
    assert!(f.options.iter().all(|o| o.editable));
    assert_eq!(f.record.requirements[0].extras, vec!["dev"]);
    assert_eq!(
        f.record.requirements[2].url.as_deref(),
        Some("git+git:https://g.com/r#egg=r")
    );
    let f = parse("-e git+https://g.com/noname.git\n-e https://e.com/x.zip#egg=x\n");
    assert_eq!(f.errors.len(), 2);
    assert!(f.errors[0]
        .message
        .contains("could not detect requirement name"));
}

#[test]
fn global_options() {
    let f = parse(
        "-i https://a/simple\n--extra-index-url https://b/simple\n--no-index\n-f ./wheels\n--pre\n--only-binary=:all:\n--no-binary numpy\n--prefer-binary\n--require-hashes\n--trusted-host h\n--use-feature fast-deps\n--pypi-url=https://c\n",
    );
    let got: Vec<(&str, &str)> = f
        .global
        .iter()
        .map(|g| (g.name.as_str(), g.value.as_str()))
        .collect();
    assert_eq!(got.len(), 12);
    assert_eq!(got[0], ("--index-url", "https://a/simple"));
    assert_eq!(got[2], ("--no-index", ""));
    assert_eq!(got[11], ("--index-url", "https://c"));
    assert!(f.errors.is_empty());
}

#[test]
fn unknown_and_bad_options_mirror_pip() {
    let f = parse("--foo\nsix --bar\n-x\n--pre=1\n-r\n--pr\n--use-feature=nope\nok\n");
    let messages: Vec<&str> = f.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages[0], "no such option: --foo");
    assert_eq!(messages[1], "no such option: --bar");
    assert_eq!(messages[2], "no such option: -x");
    assert_eq!(messages[3], "--pre option does not take a value");
    assert_eq!(messages[4], "-r option requires 1 argument");
    assert_eq!(
        messages[5],
        "ambiguous option: --pr (--pre, --prefer-binary?)"
    );
    assert!(messages[6].starts_with("option --use-feature: invalid choice"));
    assert_eq!(names(&f), vec!["ok"]);
    assert_eq!((f.errors[1].line, f.errors[1].column), (2, 5));
}

#[test]
fn pep508_urls_paths_and_markers() {
    let f = parse(
        "pip @ https://e.com/pip.zip ; python_version >= '3.8'\nhttps://e.com/requests-2.31.0-py3-none-any.whl; sys_platform == 'linux'\n./w/foo_bar-1.2-py3-none-any.whl\n./dist/mylib-0.4.0.tar.gz\n./src/pkg[x]\nfile:///tmp/x\nhttps://e.com/a.whl;b\n",
    );
    let r = &f.record.requirements;
    assert_eq!(
        names(&f),
        vec!["pip", "requests", "foo_bar", "mylib", "", "", ""]
    );
    assert!(r[0].marker.is_some() && r[1].marker.is_some());
    assert_eq!(r[1].spec, "==2.31.0");
    assert_eq!(r[4].url.as_deref(), Some("./src/pkg"));
    assert_eq!(r[4].extras, vec!["x"]);
    // No space after `;`: part of the URL.
    assert_eq!(r[6].url.as_deref(), Some("https://e.com/a.whl;b"));
    assert!(r[6].marker.is_none());
}

#[test]
fn environment_variables() {
    let vars: HashMap<&str, &str> = [("VER", "2.0"), ("EMPTY", ""), ("HASH", "#x")].into();
    let env = |k: &str| vars.get(k).map(|v| (*v).to_owned());
    let text = "a==${VER}\nb${UNSET}\nc${EMPTY}\nd==$VER\ne${ver}\nf @ https://e.com/${HASH}\n";
    let f = parse_requirements_txt("r.txt", text.as_bytes(), &env).unwrap();
    assert_eq!(names(&f), vec!["a", "f"]);
    assert_eq!(f.record.requirements[0].spec, "==2.0");
    // `raw` is what the file says; the value never shows (it may be a token).
    assert_eq!(f.record.requirements[0].raw, "a==${VER}");
    // A `#` brought in by a variable is not a comment (the URL is read whole), and the
    // variable's value shows as `****`.
    assert_eq!(
        f.record.requirements[1].url.as_deref(),
        Some("https://e.com/****")
    );
    assert_eq!(f.record.requirements[1].raw, "f @ https://e.com/${HASH}");
    assert_eq!(f.errors.len(), 4);
    assert_eq!((f.errors[0].line, f.errors[0].column), (2, 2));
}

#[test]
fn errors_point_into_the_physical_line() {
    let f = parse("ok\nfoo >= \\\n  1.0 <2\n");
    assert_eq!(f.errors.len(), 1);
    // packaging's caret: the `<` where a comma or `;` was expected, on the continuation line.
    assert_eq!((f.errors[0].line, f.errors[0].column), (3, 7));
    assert_eq!(f.error_lines[0], "  1.0 <2");
    let f = parse("ok\nfoo \\\n  ; python_version >< '3'\n");
    assert_eq!(
        (f.errors[0].line, f.error_lines[0].as_str()),
        (3, "  ; python_version >< '3'")
    );
}

#[test]
fn invalid_utf8_is_a_hard_error() {
    let err = parse_requirements_txt("r.txt", b"ok\nfo\xffo\n", &no_env).unwrap_err();
    assert_eq!(err.info.kind, ErrorKind::Encoding);
    assert_eq!((err.info.line, err.info.column), (2, 3));
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "",
        "\\",
        "\\\\\\",
        "-",
        "--",
        "-e",
        "#",
        " # \\",
        "${",
        "${A",
        "${}",
        "\r",
        "\r\n\\",
        "é\\\n\u{2028}x",
        "-r\u{85}",
        "foo[",
        "foo]",
        "[x]",
        "./[x]",
        "@",
        "a @",
        ";",
        "; ",
        "https://",
        "file:",
        "x.whl",
        "-e [x]",
        "-e file:#egg=",
        "--hash=",
        "-C=",
        "'\"",
        "-ré",
        "--=x",
        "\u{feff}",
        "a\x1cb",
        "https://a/b-c.whl",
        "-e git:",
    ];
    for input in inputs {
        let _ = parse_requirements_txt("p", input.as_bytes(), &no_env);
        let mut load = |_: &str| Some(input.as_bytes().to_vec());
        let _ = resolve_requirements("p", &mut load, &no_env);
    }
}

#[test]
fn option_faults_span_the_option() {
    let err = parse_options("-r a.txt --foo").unwrap_err();
    assert_eq!(err.span, 9..14, "{err:?}");
    let err = parse_options("--hash 'sha1:x").unwrap_err();
    assert_eq!(
        err.span,
        7..14,
        "an unclosed quote runs to the end: {err:?}"
    );
}

/// `${GITLAB_TOKEN}` in a URL: the token is in no field; `user:pass@` is redacted as pip's
/// `redact_auth_from_url` does (`user:****@`), in `raw`, `url` and error messages.
#[test]
fn secrets_never_reach_a_record() {
    let env = |k: &str| (k == "GITLAB_TOKEN").then(|| "glpat-s3cr3t".to_owned());
    let text = "pkg @ git+https://oauth2:${GITLAB_TOKEN}@gitlab.com/g/pkg.git\n\
                q @ https://user:hunter2@h.example/q-1.0.tar.gz\n\
                -e https://tok3n@h.example/x\n";
    let f = parse_requirements_txt("r.txt", text.as_bytes(), &env).unwrap();
    let shown = format!("{:?} {:?}", f.record, f.error_lines);
    for secret in ["glpat-s3cr3t", "hunter2", "tok3n"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let r = &f.record.requirements;
    assert_eq!(
        r[0].raw,
        "pkg @ git+https://oauth2:${GITLAB_TOKEN}@gitlab.com/g/pkg.git"
    );
    assert_eq!(
        r[0].url.as_deref(),
        Some("git+https://oauth2:****@gitlab.com/g/pkg.git")
    );
    assert_eq!(r[1].raw, "q @ https://user:****@h.example/q-1.0.tar.gz");
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    assert!(f.errors[0].message.contains("https://****@h.example/x"));
}

/// Lines of a password or shadow file (what `-r /etc/passwd` would bring in) are invalid
/// requirements, as pip 25.3's `install_req_from_parsed_requirement` says of each.
#[test]
fn password_file_lines_are_rejected_as_pip_rejects_them() {
    let text = "root:x:0:0:root:/root:/bin/bash\n\
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
                root:$6$abc/def.ghi$xyz:19000:0:99999:7:::\n\
                ./src/pkg\n";
    let f = parse_requirements_txt("r.txt", text.as_bytes(), &|_| None).unwrap();
    assert_eq!(f.errors.len(), 3, "{:?}", f.errors);
    assert_eq!(f.record.requirements.len(), 1);
    assert_eq!(f.record.requirements[0].url.as_deref(), Some("./src/pkg"));
}

#[test]
fn encodings_as_pip_decodes_them() {
    // pip 25.3's _decode_req_file on the same bytes: a BOM says the codec, else a PEP 263
    // cookie in a `#` line among the first two, else UTF-8.
    let names = |bytes: &[u8]| -> Result<Vec<String>, ErrorKind> {
        parse_requirements_txt("r.txt", bytes, &no_env)
            .map(|f| {
                f.record
                    .requirements
                    .iter()
                    .map(|r| r.name.clone())
                    .collect()
            })
            .map_err(|e| e.info.kind)
    };
    let utf16: Vec<u8> = "\u{feff}idna==3.10\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(names(&utf16), Ok(vec!["idna".to_owned()]));
    assert_eq!(
        names(b"# vim: set fileencoding=latin-1 :\nfoo  # \xe9\n"),
        Ok(vec!["foo".to_owned()])
    );
    // The cookie must be on a line starting with `#`, among the first two.
    assert_eq!(
        names(b"foo\nbar\n# coding: latin-1\n\xe9\n"),
        Err(ErrorKind::Encoding)
    );
    // pip raises LookupError for a codec Python does not know.
    assert_eq!(names(b"# coding: klingon\nfoo\n"), Err(ErrorKind::Encoding));
    // cp1251 (a Russian comment): decoded by the native build.
    let cp1251 = names(b"# -*- coding: cp1251 -*-\n# \xcf\xf0\xee\xe5\xea\xf2\nfoo==1\n");
    if cfg!(feature = "python-codecs") {
        assert_eq!(cp1251, Ok(vec!["foo".to_owned()]));
    } else {
        assert_eq!(cp1251, Err(ErrorKind::Encoding));
    }
}
