//! Unit tests whose vectors are taken from rez's own test suite:
//! `rez/tests/test_version.py` (rez 3.4.0), plus a few quirks checked
//! against rez by hand.

use pkglens_core::{RezRequirement, RezVersion, RezVersionRange};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn v(s: &str) -> RezVersion {
    RezVersion::parse(s).unwrap_or_else(|e| panic!("version {s:?}: {e}"))
}

fn r(s: &str) -> RezVersionRange {
    RezVersionRange::parse(s).unwrap_or_else(|e| panic!("range {s:?}: {e}"))
}

/// test_version.py: test_token_comparisons
#[test]
fn token_comparisons() {
    for (a, b) in [
        ("3", "4"),
        ("01", "1"),
        ("beta", "1"),
        ("alpha3", "alpha4"),
        ("alpha", "alpha3"),
        ("gamma33", "33gamma"),
    ] {
        assert!(v(a) < v(b), "{a} < {b}");
    }
}

/// test_version.py: test_version_comparisons
#[test]
fn version_comparisons() {
    for (a, b) in [("", ""), ("1", "1"), ("1.2", "1-2"), ("1.2-3", "1-2.3")] {
        assert_eq!(v(a), v(b));
    }
    let ascending = [
        "", "0.0.0", "1", "2", "2.alpha1", "2.alpha2", "2.beta", "2.0", "2.0.8.8", "2.1", "2.1.0",
    ];
    for (i, a) in ascending.iter().enumerate() {
        for b in &ascending[i + 1..] {
            assert!(v(a) < v(b), "{a} < {b}");
            assert!(v(b) > v(a));
            assert_ne!(v(a), v(b));
        }
    }
    let set: std::collections::HashSet<RezVersion> = ["1.0", "1.0", "1.0alpha", "2.0.0"]
        .iter()
        .map(|s| v(s))
        .collect();
    assert_eq!(set.len(), 3);
    assert_eq!(v("1.2.12").as_tuple(), ["1", "2", "12"]);
}

/// test_version.py: test_version_range, the `_eq` vectors
const EQ: &[(&str, &str)] = &[
    ("", ""),
    ("1", "1"),
    ("1.0.0", "1.0.0"),
    ("3+<3_", "3"),
    ("_+<__", "_"),
    ("1.2+<=2.0", "1.2..2.0"),
    ("10+,<20", "10+<20"),
    ("1+<1.0", "1+<1.0"),
    (">=2", "2+"),
    (">=1.21.1,<1.23", ">=1.21.1<1.23"),
    (">1.21.1,<1.23", ">1.21.1<1.23"),
    (">1.21.1<1.23", ">1.21.1<1.23"),
    (">1.21.1,<=1.23", ">1.21.1<=1.23"),
    ("<1.23,>=1.21.1", ">=1.21.1<1.23"),
    ("<1.23,>1.21.1", ">1.21.1<1.23"),
    ("3|3", "3"),
    ("3|1", "1|3"),
    ("5|3|1", "1|3|5"),
    ("1|1_", "1+<1__"),
    ("1|1_|1__", "1+,<1___"),
    ("|", ""),
    ("||", "||||||||"),
    ("1|1_+", "1+"),
    ("<1|1", "<1_"),
    ("1+<3|3+<5", "1+<5"),
    (">4<6|1+<3", "1+<3|>4,<6"),
    ("4+<6|1+<3|", ""),
    ("4|2+", "2+"),
    ("3|<5", "<5"),
    ("<3|>3", ">3|<3"),
    ("3+|<3", ""),
    ("3+|<4", ""),
    ("2+<=6|3+<5", "2..6"),
    ("3+,<5|2+<=6", "2+<=6"),
    ("2|2+", "2+"),
    ("2|2.1+", "2+"),
    ("2|<2.1", "<2_"),
    ("3..3", "==3"),
    (">=3,<=3", "==3"),
    // odd (but valid) cases
    (">", ">"),
    ("+", ""),
    (">=", ""),
    ("<=", "=="),
    ("..", "=="),
    ("+<=", "=="),
];

#[test]
fn range_equalities() {
    let any = RezVersionRange::any();
    for &(a, b) in EQ {
        let (ra, rb) = (r(a), r(b));
        assert_eq!(ra, rb, "{a:?} == {b:?}");
        assert!(ra.is_superset(&ra) && ra.is_superset(&rb), "{a:?} superset");
        assert_eq!(r(&ra.to_string()), ra, "str roundtrip {a:?}");
        assert_eq!(r(&rb.to_string()), ra, "str roundtrip {b:?}");
        let a_ = a.replace('.', "-").replace("--", "..");
        assert_eq!(r(&a_), ra, "{a_:?}");
        let parts: Vec<RezVersionRange> = a.split('|').map(r).collect();
        let u = parts
            .iter()
            .fold(RezVersionRange::none(), |acc, p| acc.union(p));
        assert_eq!(u, ra, "union of parts of {a:?}");
        assert_eq!(ra.union(&rb), ra);
        assert!(
            ra.intersection(&rb.complement()).is_empty(),
            "{a:?} - {b:?}"
        );
        assert!(
            rb.intersection(&ra.complement()).is_empty(),
            "{b:?} - {a:?}"
        );
        assert_eq!(any.intersection(&ra), ra);
        let inv = ra.complement();
        assert_eq!(inv, rb.complement());
        if !inv.is_empty() {
            assert_eq!(inv.complement(), ra, "~~{a:?}");
            assert!(ra.union(&inv).is_any(), "{a:?} | ~{a:?}");
            assert!(ra.intersection(&inv).is_empty());
        }
    }
}

/// test_version.py: test_version_range, `_and` and `_inv` vectors
#[test]
fn range_and_inverse() {
    for (a, b, c) in [
        ("3", "3", Some("3")),
        ("1", "==1", Some("==1")),
        ("", "==1", Some("==1")),
        ("3", "4", None),
        ("<3", "5+", None),
        ("4+<6", "6+<8", None),
        ("2+", "<=4", Some("2..4")),
        ("1", "1.0", Some("1.0")),
        ("4..6", "6+<8", Some("==6")),
    ] {
        let want = c.map(r).unwrap_or_else(RezVersionRange::none);
        assert_eq!(r(a).intersection(&r(b)), want, "{a} & {b}");
        assert_eq!(r(b).intersection(&r(a)), want, "{b} & {a}");
    }
    for (a, b) in [("3+", "<3"), ("<=3", ">3"), ("3.5", "<3.5|3.5_+")] {
        assert_eq!(r(a).complement(), r(b));
        assert_eq!(r(b).complement(), r(a));
        assert!(r(a).union(&r(b)).is_any());
        assert!(r(a).intersection(&r(b)).is_empty());
    }
    assert!(RezVersionRange::any().complement().is_empty());
    assert_eq!(r("3.5").complement().to_string(), "<3.5|3.5_+");
}

/// test_version.py: invalid_range and invalid_syntax
#[test]
fn invalid_ranges() {
    for s in [
        "4+<2", ">3<3", ">3<=3", "3+<3", "<", "><", ">3>4", "<3<4", "<4>3", ",<4", "4+,", "1>=",
        "+1", "4<", "1+<2<3",
    ] {
        let e = RezVersionRange::parse(s).expect_err(s);
        assert!(e.message.starts_with("expected "), "{s}: {e}");
        assert!(e.span.start <= s.len(), "{s}: {e}");
    }
}

/// test_version.py: simple logic and from_version(s)
#[test]
fn bounded_and_from_version() {
    assert!(r("").is_any());
    assert!(r("2+<4").lower_bounded() && r("2+<4").upper_bounded());
    assert!(r("2+").lower_bounded() && !r("2+").upper_bounded());
    assert!(r("<2").upper_bounded() && !r("<2").lower_bounded());
    assert_eq!(RezVersionRange::exact(&v("3")), r("==3"));
    assert_eq!(RezVersionRange::from_version(&v("3")), r("3"));
    assert_eq!(r("2+").intersection(&r("<=4")).to_string(), "2..4");
}

/// test_version.py: test_containment
#[test]
fn containment() {
    assert!(r("3+").contains(&v("3")));
    assert!(r("3..5").contains(&v("5")));
    assert!(!r("3..5").contains(&v("5_")));
    assert!(r("3+").contains(&v("3.0.0")));
    assert!(!r("3.1+").contains(&v("3.0.0")));
    assert!(r("<1|5|6|8|7|3|60+").contains(&v("3")));
    assert!(r("<1|5|6|8|7|==3|60+").contains(&v("3")));
    assert!(r("<4").is_superset(&r("2.1+<4")));
    assert!(!r("<4").is_superset(&r("2.1..4")));
    assert!(r("3").is_superset(&r("3")));
    assert!(r("3").is_superset(&r("==3")));
    assert!(r("3").is_superset(&r("3.5+<3_")));
    assert!(!r("4+<6").is_superset(&r("3")));
    assert!(!r("4+<6").is_superset(&r("3+<10")));

    let versions: Vec<RezVersion> = [2, 3, 5, 10, 11, 13, 14]
        .iter()
        .map(|n| v(&n.to_string()))
        .collect();
    let composite = versions.iter().fold(RezVersionRange::none(), |acc, x| {
        acc.union(&RezVersionRange::exact(x))
    });
    assert_eq!(composite.to_string(), "==2|==3|==5|==10|==11|==13|==14");
    for (s, count) in [
        ("", 7),
        ("0+", 7),
        ("5+", 5),
        ("6+", 4),
        ("50+", 0),
        (">5", 4),
        ("5", 1),
        ("6", 0),
        ("<5", 2),
        ("<6", 3),
        ("<50", 7),
        ("<=5", 3),
        ("<1", 0),
        ("2|9+", 5),
        ("3+<6|12+<13.5", 3),
        ("<1|20+", 0),
        (">0<20", 7),
    ] {
        let range = r(s);
        let n = versions.iter().filter(|x| range.contains(x)).count();
        assert_eq!(n, count, "{s}");
        assert_eq!(composite.intersects(&range), count != 0, "{s}");
        assert_eq!(range.is_superset(&composite), count == 7, "{s}");
        if count > 0 {
            assert!(composite.is_superset(&composite.intersection(&range)));
        }
    }
}

/// (input, name, stored range (None = empty), conflict, weak, str)
type ReqCase = (
    &'static str,
    &'static str,
    Option<&'static str>,
    bool,
    bool,
    &'static str,
);

/// Requirement strings from test_version.py (test_requirement_list) and the
/// rez `Requirement` docstring; expected values checked against rez 3.4.0.
#[test]
fn requirements() {
    // (input, name, stored range (None = empty), conflict, weak, str)
    let cases: &[ReqCase] = &[
        ("foo", "foo", Some(""), false, false, "foo"),
        ("foo-4.5", "foo", Some("4.5"), false, false, "foo-4.5"),
        (
            "bah-2.4.1+",
            "bah",
            Some("2.4.1+"),
            false,
            false,
            "bah-2.4.1+",
        ),
        ("!foo-4+", "foo", Some("4+"), true, false, "!foo-4+"),
        ("!bah-1|3", "bah", Some("1|3"), true, false, "!bah-1|3"),
        ("~bah-4", "bah", Some("<4|4_+"), true, true, "~bah-4"),
        ("bah<4.2", "bah", Some("<4.2"), false, false, "bah<4.2"),
        ("~bah", "bah", None, true, true, "~bah"),
        ("!foo", "foo", Some(""), true, false, "!foo"),
        ("bah-7..12", "bah", Some("7..12"), false, false, "bah-7..12"),
        ("foo@1.0", "foo", Some("1.0"), false, false, "foo@1.0"),
        ("foo#1.0", "foo", Some("1.0"), false, false, "foo#1.0"),
        (
            "foo-1+<4.3",
            "foo",
            Some("1+<4.3"),
            false,
            false,
            "foo-1+<4.3",
        ),
        (
            "foo==1.0.1",
            "foo",
            Some("==1.0.1"),
            false,
            false,
            "foo==1.0.1",
        ),
        ("foo-==1", "foo", Some("==1"), false, false, "foo==1"),
        ("foo-", "foo", Some(""), false, false, "foo"),
        ("-1", "", Some("1"), false, false, "-1"),
        ("~foo-", "foo", None, true, true, "~foo"),
        (".foo-1", ".foo", Some("1"), false, false, ".foo-1"),
        ("foo-1-2", "foo", Some("1-2"), false, false, "foo-1-2"),
    ];
    for &(s, name, range, conflict, weak, display) in cases {
        let q = RezRequirement::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(q.name, name, "{s}");
        match range {
            Some(rs) => assert_eq!(q.range, r(rs), "{s}"),
            None => assert!(q.range.is_empty(), "{s}"),
        }
        assert_eq!((q.conflict, q.weak), (conflict, weak), "{s}");
        assert_eq!(q.ephemeral, name.starts_with('.'), "{s}");
        assert_eq!(q.to_string(), display, "{s}");
        assert_eq!(s.parse::<RezRequirement>().ok(), Some(q));
    }
    let e = RezRequirement::parse("foo-4+<2").unwrap_err();
    assert_eq!(e.span.start, 4, "{e}");
    let e = RezRequirement::parse("!foo<4>3").unwrap_err();
    assert!(e.span.start >= 4, "{e}");
}

/// Quirks listed in the module docs, checked against rez 3.4.0 by hand.
#[test]
fn documented_quirks() {
    assert_eq!(v("1+2").to_string(), "1+2");
    assert_eq!(v("1 2"), v("1.2"));
    assert!(RezVersion::parse("1..2").is_err());
    assert!(RezVersion::parse("1.").is_err());
    assert!(v("1.a") < v("1.0") && v("1") < v("1.0") && v("1.1") < v("1a"));
    assert!(v("") < v("0") && v("01") < v("1"));
    assert!(v("99999999999999999999") < v("100000000000000000000"));
    let fam = r("1.a");
    assert!(fam.contains(&v("1.aZ")) && fam.contains(&v("1.a0")));
    assert!(!fam.contains(&v("1.aa")) && !fam.contains(&v("1.a_")));
    assert!(!r("1").contains(&v("1a")) && r("1").contains(&v("1.a.b")));
    for (a, b) in [
        ("<3,<2", "2+<3"),
        ("3,>2", ">2<=3"),
        ("3+,>2", ">2<=3"),
        ("<=>=", "=="),
        ("\n|3", "3"),
        ("\n", ""),
        ("3\n", "3"),
        ("1+<3|1.5..2|>3", "1+"),
        ("1..3|1.5+<2|>3", "1..3|>3"),
        ("><3", "><3"),
    ] {
        assert_eq!(r(a).to_string(), b, "{a:?}");
    }
    assert!(r("1+<3|1.5..2|>3").contains(&v("3")));
    assert!(RezVersionRange::parse("3\n\n").is_err());
    assert!(RezVersionRange::parse("<>2").is_err());
    assert_eq!(r("1..3|1.5+<2|>3").complement().to_string(), "<1");
    assert_eq!(RezVersionRange::none().to_string(), "<none>");
    assert!(RezVersionRange::parse("<none>").is_err());
}

/// rez `RequirementList` reduced to what the tests need: merge by name in
/// first-seen order, or the first conflicting pair.
fn reduce(reqs: &[&str]) -> Result<Vec<RezRequirement>, (RezRequirement, RezRequirement)> {
    let mut out: Vec<RezRequirement> = Vec::new();
    for s in reqs {
        let q = RezRequirement::parse(s).expect("requirement parses");
        match out.iter_mut().find(|x| x.name == q.name) {
            None => out.push(q),
            Some(existing) => match existing.merged(&q) {
                Some(m) => *existing = m,
                None => return Err((existing.clone(), q)),
            },
        }
    }
    Ok(out)
}

/// test_version.py: test_requirement_list
#[test]
fn requirement_list() {
    let parse = |xs: &[&str]| -> Vec<RezRequirement> {
        xs.iter()
            .map(|s| RezRequirement::parse(s).expect("parses"))
            .collect()
    };
    let eq_cases: &[(&[&str], &[&str])] = &[
        (&["foo"], &["foo"]),
        (&["foo", "bah"], &["foo", "bah"]),
        (&["bah", "foo"], &["bah", "foo"]),
        (&["foo-4+", "foo-4.5"], &["foo-4.5"]),
        (
            &["bah-2.4", "foo", "bah-2.4.1+"],
            &["bah-2.4.1+<2.4_", "foo"],
        ),
        (&["foo-2+", "!foo-4+"], &["foo-2+<4"]),
        (&["!bah-1", "!bah-3"], &["!bah-1|3"]),
        (&["!bah-5", "foo-2.3", "!bah-5.6+"], &["!bah-5+", "foo-2.3"]),
        (&["~bah-4", "foo", "bah<4.2"], &["bah-4+<4.2", "foo"]),
        (&["~bah", "!foo", "bah<4.2"], &["bah<4.2", "!foo"]),
        (&["~bah-3+", "~bah-5"], &["~bah-5"]),
    ];
    for (input, want) in eq_cases {
        assert_eq!(reduce(input), Ok(parse(want)), "{input:?}");
    }
    let confl_cases: &[(&[&str], &str, &str)] = &[
        (&["foo-1", "foo-2"], "foo-1", "foo-2"),
        (&["foo-2", "foo-1"], "foo-2", "foo-1"),
        (&["foo", "~bah-5+", "bah-2"], "~bah-5+", "bah-2"),
        (
            &["foo", "~bah-5+", "bah-7..12", "bah-2"],
            "bah-7..12",
            "bah-2",
        ),
    ];
    for (input, a, b) in confl_cases {
        let (ra, rb) = (
            RezRequirement::parse(a).unwrap(),
            RezRequirement::parse(b).unwrap(),
        );
        assert!(
            ra.conflicts_with(&rb) || rb.conflicts_with(&ra),
            "{a} vs {b}"
        );
        assert_eq!(reduce(input), Err((ra, rb)), "{input:?}");
    }
}
