//! Tests of the parent module.

use super::*;
use crate::versions::target::TargetEnvironment;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn parts_of_a_requirement() {
    let r = parse_requirement(
        "Requests[security, socks] >=2.8.1, ==2.8.* ; python_version < '3.8'",
        RequirementKind::Run,
        3,
    )
    .unwrap();
    assert_eq!(r.name, "Requests");
    assert_eq!(r.extras, vec!["security", "socks"]);
    assert_eq!(r.spec, ">=2.8.1, ==2.8.*");
    assert_eq!(r.marker.as_deref(), Some("python_version < \"3.8\""));
    assert_eq!(r.kind, RequirementKind::Run);
    assert_eq!(r.line, 3);
}

#[test]
fn markers_print_as_packaging_prints_them() {
    for (text, printed) in [
        ("python_version < '3.11'", "python_version < \"3.11\""),
        (
            "os.name=='nt'and(sys_platform=='x')",
            "os_name == \"nt\" and sys_platform == \"x\"",
        ),
        ("((a_b))", ""),
        (
            "(python_version >= '3' or extra == 'Foo_Bar') and os_name == 'x'",
            "(python_version >= \"3\" or extra == \"foo-bar\") and os_name == \"x\"",
        ),
        ("os_name == 'a\"b'", "os_name == 'a\"b'"),
        (
            "'3.8' not in python_implementation",
            "\"3.8\" not in platform_python_implementation",
        ),
        ("((os_name == 'x'))", "os_name == \"x\""),
    ] {
        match Marker::parse(text) {
            Some(m) => assert_eq!(m.to_string(), printed, "{text}"),
            None => assert_eq!(printed, "", "{text}"),
        }
    }
}

#[test]
fn an_extra_marker_makes_the_requirement_optional() {
    let r = parse_requirement("pytest>=7; extra == 'test'", RequirementKind::Run, 0).unwrap();
    assert_eq!(r.kind, RequirementKind::Optional("test".into()));
    let r = parse_requirement(
        "a; python_version > '3' and extra == 'X.y'",
        RequirementKind::Run,
        0,
    )
    .unwrap();
    assert_eq!(r.kind, RequirementKind::Optional("x-y".into()));
    let r = parse_requirement(
        "a; os_name == 'nt' or extra == 'x'",
        RequirementKind::Run,
        0,
    )
    .unwrap();
    assert_eq!(r.kind, RequirementKind::Run);
}

#[test]
fn urls_are_kept_as_written() {
    let r = parse_requirement(
        "pip @ https://example.com/pip-24.0.zip",
        RequirementKind::Run,
        0,
    )
    .unwrap();
    assert_eq!(r.url.as_deref(), Some("https://example.com/pip-24.0.zip"));
    assert_eq!(r.spec, "");
}

#[test]
fn errors_point_at_the_fault() {
    let err = parse_requirement("foo >= ; bar", RequirementKind::Run, 0).unwrap_err();
    assert!(err.span.start > 0 && err.span.start <= 12, "{err:?}");
    let err = parse_requirement("é>=1", RequirementKind::Run, 0).unwrap_err();
    assert_eq!(err.span.start, 0);
    let err = parse_requirement("foo\n>=1", RequirementKind::Run, 0).unwrap_err();
    assert_eq!(err.span.start, 3, "{err:?}");
    let err = parse_requirement("foo >= 1.0.*.a", RequirementKind::Run, 0).unwrap_err();
    assert_eq!(err.span, 4..11, "{err:?}");
}

#[test]
fn evaluation_follows_packaging() {
    let env = TargetEnvironment::default().marker_environment();
    let eval = |m: &str| Marker::parse(m).unwrap().evaluate_as_packaging(&env, "");
    assert_eq!(eval("python_version < '3.13'"), Ok(true));
    assert_eq!(eval("'3.13.0rc1' == python_full_version"), Ok(false));
    assert_eq!(eval("implementation_version == 'x'"), Ok(false));
    assert_eq!(eval("'linu' in sys_platform"), Ok(true));
    assert_eq!(eval("python_version in '3.12 3.13'"), Ok(true));
    assert!(eval("os_name ~= 'x'").is_err());
    assert!(eval("'x' in extras").is_err());
    assert_eq!(eval("extra == 'x'"), Ok(false));
    let m = Marker::parse("'x' in extras and extra == 'x'").unwrap();
    assert!(m.evaluate(&env, &["X".into()]));
    assert!(!m.evaluate(&env, &[]));
}

#[test]
fn deep_parentheses_are_an_error() {
    let deep = |n: usize| format!("{}os_name == 'x'{}", "(".repeat(n), ")".repeat(n));
    assert!(Marker::parse(&deep(MAX_MARKER_DEPTH)).is_some());
    let err = Marker::parse_detailed(&deep(MAX_MARKER_DEPTH + 1)).unwrap_err();
    assert_eq!(err.span, MAX_MARKER_DEPTH..MAX_MARKER_DEPTH + 1);
    let err =
        parse_requirement(&format!("a; {}", deep(100_000)), RequirementKind::Run, 1).unwrap_err();
    assert!(err.message.contains("nested"), "{err:?}");
}

#[test]
fn normalisation() {
    assert_eq!(normalize_name("Foo.Bar__baz-Qux"), "foo-bar-baz-qux");
    assert_eq!(normalize_name("zope.interface"), "zope-interface");
}
