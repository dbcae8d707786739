//! Tests of the parent module.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn v(text: &str) -> Pep440Version {
    parse_version(text).unwrap_or_else(|| panic!("{text}"))
}

#[test]
fn normal_forms_as_packaging_prints_them() {
    for (text, normal) in [
        ("1.0", "1.0"),
        ("v1.0", "1.0"),
        (" 1.0\t", "1.0"),
        ("1.0-1", "1.0.post1"),
        ("1.0.ALPHA.1", "1.0a1"),
        ("1.0preview2", "1.0rc2"),
        ("1.0c", "1.0rc0"),
        ("1.0-dev", "1.0.dev0"),
        ("1.0a-dev", "1.0a0.dev0"),
        ("1!2.0.post3.dev4+Local.007.x", "1!2.0.post3.dev4+local.7.x"),
        ("01.002", "1.2"),
        ("1.0.post", "1.0.post0"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
    ] {
        assert_eq!(v(text).to_string(), normal, "{text}");
    }
    for text in [
        "1.0.", "1..0", "1.0+", "a1.0", "1.0 0", "1!", "1.0+.a", "", "1.0.*",
    ] {
        assert!(parse_version(text).is_none(), "{text}");
    }
    assert!(parse_version(&"1".repeat(4301)).is_none());
}

#[test]
fn order_is_packaging_order() {
    let ordered = [
        "1.0.dev0",
        "1.0a1.dev0",
        "1.0a1",
        "1.0a1.post1",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0+abc",
        "1.0+abc.1",
        "1.0+1",
        "1.0.post1.dev0",
        "1.0.post1",
        "1.1",
        "1!0.1",
    ];
    for pair in ordered.windows(2) {
        assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
    }
    assert_eq!(v("1.0.0"), v("1"));
    assert!(v("18446744073709551616") > v("18446744073709551615"));
}

#[test]
fn containment_follows_packaging_26() {
    let yes = |spec: &str, version: &str| Specifiers::parse(spec).unwrap().contains(version);
    assert_eq!(yes(">1.0", "1.0.post1"), Some(false));
    assert_eq!(yes(">1.0.post1", "1.0.post2"), Some(true));
    assert_eq!(yes(">1.0", "1.1a1"), Some(true));
    assert_eq!(yes("<1.0", "1.0a1"), Some(false));
    assert_eq!(yes("<1.0rc1", "1.0a1"), Some(true));
    assert_eq!(yes("<1!2.0", "2.0a1"), Some(true));
    assert_eq!(yes("==1.0", "1.0+local"), Some(true));
    assert_eq!(yes("==1.0+a", "1.0+b"), Some(false));
    assert_eq!(yes("<=1.0", "1.0+local"), Some(true));
    assert_eq!(yes("==2.1.*", "2"), Some(false));
    assert_eq!(yes("==2.0.*", "2a1"), Some(true));
    assert_eq!(yes("~=2.2", "3.0.dev0"), Some(false));
    assert_eq!(yes("===foobar", "foobar"), Some(true));
    assert_eq!(yes("===1.0", "1.0.0"), Some(false));
    assert_eq!(yes("", "not a version"), Some(true));
    assert_eq!(yes(">=1", "not a version"), None);
    assert!(Specifiers::parse(">=1.0+local").is_none());
    assert!(Specifiers::parse("~=1").is_none());
    assert!(Specifiers::parse(">=1,,<2").is_some());
}

#[test]
fn specifiers_render_in_normal_form() {
    let render = |s: &str| Specifiers::parse(s).unwrap().render();
    assert_eq!(render(">= 1.0 , <2"), ">=1.0, <2");
    assert_eq!(render("== 1.0.0-1"), "==1.0.0.post1");
    assert_eq!(render("==1.0.*"), "==1.0.*");
    assert_eq!(render("===Foo"), "===Foo");
}
