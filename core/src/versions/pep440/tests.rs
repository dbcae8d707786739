//! Tests of the parent module.

use super::*;
use proptest::prelude::*;
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
    assert!(parse_version(&format!("1.0+{}", "1".repeat(4301))).is_none());
    assert!(parse_version(&format!("1.0+{}", "0".repeat(4301))).is_none());
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

/// Numbers around the edges of the packed key's fields (`KEY_WIDTHS`), small ones (so that
/// versions often tie), any `u64`, and numbers past `u64` (Python ints).
fn number() -> impl Strategy<Value = Num> {
    let edges: Vec<u64> = [2u32, 7, 9, 16, 25, 32]
        .iter()
        .flat_map(|&w| [(1u64 << w) - 1, 1u64 << w])
        .chain([u64::MAX])
        .collect();
    prop_oneof![
        6 => (0u64..3).prop_map(Num::Small),
        2 => proptest::sample::select(edges).prop_map(Num::Small),
        1 => any::<u64>().prop_map(Num::Small),
        1 => "[1-9][0-9]{20,24}".prop_map(|d| Num::Big(d.into())),
    ]
}

/// Any version's parts, the local label included.
fn parts() -> impl Strategy<Value = Parts> {
    let kind = proptest::sample::select(vec![PreKind::Alpha, PreKind::Beta, PreKind::Rc]);
    let local_part = prop_oneof![
        proptest::sample::select(vec!["a", "abc", "z"]).prop_map(|t| LocalPart::Text(t.into())),
        number().prop_map(LocalPart::Number),
    ];
    (
        prop_oneof![4 => Just(Num::ZERO), 1 => number()],
        proptest::collection::vec(number(), 1..7),
        proptest::option::of((kind, number())),
        proptest::option::of(number()),
        proptest::option::of(number()),
        prop_oneof![4 => Just(None), 1 => proptest::collection::vec(local_part, 1..3).prop_map(Some)],
    )
        .prop_map(|(epoch, release, pre, post, dev, local)| Parts {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
}

fn hash_of(v: &Pep440Version) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(v)
}

proptest! {
    /// The packed key orders as packaging's `_cmpkey` written out (`Parts::cmp_reference`,
    /// the order before the key, itself checked against packaging by the conformance test),
    /// for packed, wide and mixed pairs; equality and hashing agree with it.
    #[test]
    fn key_order_is_the_reference_order(a in parts(), b in parts()) {
        let want = a.cmp_reference(&b);
        let (va, vb) = (Pep440Version::from_parts(a.clone()), Pep440Version::from_parts(b));
        prop_assert_eq!(va.cmp(&vb), want);
        prop_assert_eq!(va == vb, want == Ordering::Equal);
        if va == vb {
            prop_assert_eq!(hash_of(&va), hash_of(&vb));
        }
        prop_assert_eq!(va.to_string(), a.to_string());
    }

    /// Parsing the normal form gives the same version in the same form (packed exactly when
    /// the key holds it) as building it from its parts, and prints it back unchanged.
    #[test]
    fn parsing_packs_as_building_from_parts(a in parts()) {
        let text = a.to_string();
        let built = Pep440Version::from_parts(a.clone());
        // Numbers past CPython's int() limit cannot be generated here (25 digits at most).
        let parsed = parse_version(&text).unwrap();
        prop_assert_eq!(parsed.wide().is_some(), a.public_key().is_none());
        prop_assert_eq!((parsed.key, parsed.release_len), (built.key, built.release_len));
        prop_assert_eq!(parsed.cmp(&built), Ordering::Equal);
        prop_assert_eq!(parsed.to_string(), text);
    }

    /// Versions that differ only by trailing zeros or by one step in one number, packed or not.
    #[test]
    fn neighbours_order_as_the_reference(a in parts(), zeros in 0usize..6, field in 0usize..5) {
        let mut b = a.clone();
        b.release.extend(std::iter::repeat_n(Num::ZERO, zeros));
        let step = |n: &mut Num| *n = n.succ();
        match field {
            0 => step(&mut b.epoch),
            1 => step(b.release.last_mut().unwrap()),
            2 => b.post = Some(b.post.as_ref().map_or(Num::ZERO, Num::succ)),
            3 => b.dev = Some(b.dev.as_ref().map_or(Num::ZERO, Num::succ)),
            _ => {}
        }
        let (va, vb) = (Pep440Version::from_parts(a.clone()), Pep440Version::from_parts(b.clone()));
        prop_assert_eq!(va.cmp(&vb), a.cmp_reference(&b));
        prop_assert_eq!(vb.cmp(&va), b.cmp_reference(&a));
        if va == vb {
            prop_assert_eq!(hash_of(&va), hash_of(&vb));
        }
    }
}

#[test]
fn small_versions_are_packed_and_big_ones_are_not() {
    for text in [
        "1.0",
        "2025.6.15",
        "1!2.0rc1.post3.dev20251206",
        "1.2.3.4.0.0.0",
        "3.7.4.3",
        "2.1.0+cu118",
    ] {
        assert!(v(text).wide().is_none(), "{text}");
    }
    for text in [
        "1.0.post65536+local",
        "4!1.0",
        "1.2.3.4.5",
        "1.65536",
        "1.0.post65536",
        "18446744073709551616",
    ] {
        assert!(v(text).wide().is_some(), "{text}");
    }
    assert_eq!(v("1.0.0.0.0.0").to_string(), "1.0.0.0.0.0");
    assert_eq!(v("1.0.0.0.0.0"), v("1"));
}
