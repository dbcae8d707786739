//! Unit tests; expected string values were generated with CPython 3.11
//! (`eval` of each literal) and hard-coded.
use pkglens_core::{parse_package_py, PackagePy, PyError, PyValue, MAX_DEPTH};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn parse(src: &str) -> PackagePy {
    match parse_package_py(src.as_bytes()) {
        Ok(p) => p,
        Err(e) => panic!("parse failed: {e}\n{src}"),
    }
}

fn err(src: &str) -> PyError {
    match parse_package_py(src.as_bytes()) {
        Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
        Err(e) => e,
    }
}

fn s(x: &str) -> PyValue {
    PyValue::Str(x.to_string())
}

#[test]
fn string_prefixes_and_escapes() {
    let cases: Vec<(&str, PyValue)> = vec![
        (r#"'abc'"#, PyValue::Str("\u{61}\u{62}\u{63}".to_string())),
        (r#""abc""#, PyValue::Str("\u{61}\u{62}\u{63}".to_string())),
        (
            r#"'''a'b\nc'''"#,
            PyValue::Str("\u{61}\u{27}\u{62}\u{a}\u{63}".to_string()),
        ),
        (
            r#""""x""y""""#,
            PyValue::Str("\u{78}\u{22}\u{22}\u{79}".to_string()),
        ),
        (
            r#"'\n\t\\\'\"\a\b\f\v\r'"#,
            PyValue::Str("\u{a}\u{9}\u{5c}\u{27}\u{22}\u{7}\u{8}\u{c}\u{b}\u{d}".to_string()),
        ),
        (
            r#"'\0\7\101\1234\777'"#,
            PyValue::Str("\u{0}\u{7}\u{41}\u{53}\u{34}\u{1ff}".to_string()),
        ),
        (r#"'\x41\xff'"#, PyValue::Str("\u{41}\u{ff}".to_string())),
        (
            r#"'\u00e9\u20ac'"#,
            PyValue::Str("\u{e9}\u{20ac}".to_string()),
        ),
        (r#"'\U0001F600'"#, PyValue::Str("\u{1f600}".to_string())),
        (
            r#"'\q\d\%\ '"#,
            PyValue::Str("\u{5c}\u{71}\u{5c}\u{64}\u{5c}\u{25}\u{5c}\u{20}".to_string()),
        ),
        (
            r#"'a\
b'"#,
            PyValue::Str("\u{61}\u{62}".to_string()),
        ),
        (
            r#"r'\n\x41\''"#,
            PyValue::Str("\u{5c}\u{6e}\u{5c}\u{78}\u{34}\u{31}\u{5c}\u{27}".to_string()),
        ),
        (r#"R"\d""#, PyValue::Str("\u{5c}\u{64}".to_string())),
        (r#"u'\u00e9'"#, PyValue::Str("\u{e9}".to_string())),
        (r#"U'x'"#, PyValue::Str("\u{78}".to_string())),
        (
            r#"b'\x41\xff\101\777\u1234'"#,
            PyValue::Bytes(vec![65, 255, 65, 255, 92, 117, 49, 50, 51, 52]),
        ),
        (r#"B'\n'"#, PyValue::Bytes(vec![10])),
        (r#"br'\n\x'"#, PyValue::Bytes(vec![92, 110, 92, 120])),
        (r#"Rb'\t'"#, PyValue::Bytes(vec![92, 116])),
        (r#"bR'\\'"#, PyValue::Bytes(vec![92, 92])),
        (r#"rB'a'"#, PyValue::Bytes(vec![97])),
        (
            r#"f'plain'"#,
            PyValue::Str("\u{70}\u{6c}\u{61}\u{69}\u{6e}".to_string()),
        ),
        (r#"F'x'"#, PyValue::Str("\u{78}".to_string())),
        (
            r#"'a' 'b' \
 'c'"#,
            PyValue::Str("\u{61}\u{62}\u{63}".to_string()),
        ),
        (
            r#"('a'
 'b')"#,
            PyValue::Str("\u{61}\u{62}".to_string()),
        ),
        (
            r#"'''\
x'''"#,
            PyValue::Str("\u{78}".to_string()),
        ),
        (r#"'é'"#, PyValue::Str("\u{e9}".to_string())),
        (r#"'\8'"#, PyValue::Str("\u{5c}\u{38}".to_string())),
        (r#"'\\'"#, PyValue::Str("\u{5c}".to_string())),
        (r#"r'\\'"#, PyValue::Str("\u{5c}\u{5c}".to_string())),
        (
            "'''a\r\nb'''",
            PyValue::Str("\u{61}\u{a}\u{62}".to_string()),
        ),
    ];
    for (lit, want) in cases {
        let src = format!("x = {lit}\n");
        let p = parse(&src);
        assert_eq!(p.get("x"), Some(&want), "literal {lit}");
        assert!(p.dynamic.is_empty(), "literal {lit}");
    }
}

#[test]
fn strings_that_are_dynamic() {
    for lit in [r"f'{x}'", r"'\N{BULLET}'", r"'\ud800'", r"'a' f'{b}'"] {
        let p = parse(&format!("x = {lit}\n"));
        assert!(p.get("x").is_none(), "{lit}");
        assert_eq!(p.dynamic.len(), 1, "{lit}");
    }
}

#[test]
fn string_errors() {
    assert!(err("x = 'abc\n")
        .message
        .starts_with("expected closing quote"));
    assert!(err("x = '''abc\n")
        .message
        .starts_with("expected closing triple quote"));
    assert!(err(r"x = '\x4'").message.contains("hex digits"));
    assert!(err("x = b'\u{e9}'").message.contains("ascii"));
    let e = err("x = 'a' b'b'\n");
    assert_eq!(e.message, "expected string literal, found bytes literal");
}

#[test]
fn numbers() {
    let p = parse(
        "a = 0x_FF\nb = 0o17\nc = 0B101\nd = 1_000\ne = 1.5e3\nf = .5\ng = 1.\nh = -3\ni = 000\nj = -2.5\nk = +7\nl = 1E-2\n",
    );
    let want = [
        ("a", PyValue::Int(255)),
        ("b", PyValue::Int(15)),
        ("c", PyValue::Int(5)),
        ("d", PyValue::Int(1000)),
        ("e", PyValue::Float(1500.0)),
        ("f", PyValue::Float(0.5)),
        ("g", PyValue::Float(1.0)),
        ("h", PyValue::Int(-3)),
        ("i", PyValue::Int(0)),
        ("j", PyValue::Float(-2.5)),
        ("k", PyValue::Int(7)),
        ("l", PyValue::Float(0.01)),
    ];
    for (n, v) in want {
        assert_eq!(p.get(n), Some(&v), "{n}");
    }
    let p = parse("x = 1j\ny = 123456789012345678901234567890123456789012345\nz = 1 + 2\n");
    assert_eq!(p.dynamic.len(), 3);
}

#[test]
fn constants_and_containers() {
    let p = parse(
        "a = True\nb = False\nc = None\nd = []\ne = ()\nf = {}\ng = (1,)\nh = 1, 2,\ni = (1)\n\
         j = {'k': [1, (2, 3)], 'l': {'m': None}}\nk = [\n  'x',  # c\n  'y',\n]\nl = {'a': 1, 'a': 2, 'b': 3}\n",
    );
    assert_eq!(p.get("a"), Some(&PyValue::Bool(true)));
    assert_eq!(p.get("b"), Some(&PyValue::Bool(false)));
    assert_eq!(p.get("c"), Some(&PyValue::None));
    assert_eq!(p.get("d"), Some(&PyValue::List(vec![])));
    assert_eq!(p.get("e"), Some(&PyValue::Tuple(vec![])));
    assert_eq!(p.get("f"), Some(&PyValue::Dict(vec![])));
    assert_eq!(p.get("g"), Some(&PyValue::Tuple(vec![PyValue::Int(1)])));
    assert_eq!(
        p.get("h"),
        Some(&PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)]))
    );
    assert_eq!(p.get("i"), Some(&PyValue::Int(1)));
    assert_eq!(
        p.get("j"),
        Some(&PyValue::Dict(vec![
            (
                s("k"),
                PyValue::List(vec![
                    PyValue::Int(1),
                    PyValue::Tuple(vec![PyValue::Int(2), PyValue::Int(3)])
                ])
            ),
            (s("l"), PyValue::Dict(vec![(s("m"), PyValue::None)])),
        ]))
    );
    assert_eq!(p.get("k"), Some(&PyValue::List(vec![s("x"), s("y")])));
    assert_eq!(
        p.get("l"),
        Some(&PyValue::Dict(vec![
            (s("a"), PyValue::Int(2)),
            (s("b"), PyValue::Int(3))
        ]))
    );
}

#[test]
fn layout_crlf_bom_semicolons_continuations() {
    let src = "\u{feff}# -*- coding: utf-8 -*-\r\nname = 'a'; version = \\\r\n  '1.0';\r\nrequires = ['x',\r\n\r\n  'y']\r\nz = '''l1\r\nl2'''\r\n";
    let p = parse(src);
    assert_eq!(p.get("name"), Some(&s("a")));
    assert_eq!(p.get("version"), Some(&s("1.0")));
    assert_eq!(
        p.get("requires"),
        Some(&PyValue::List(vec![s("x"), s("y")]))
    );
    assert_eq!(p.get("z"), Some(&s("l1\nl2")));
    assert_eq!(p.assignments[2].line, 4);
    assert_eq!(p.assignments[1].line, 2);
    // lone CR line ends
    let p = parse("a = 1\rb = 2\r");
    assert_eq!(p.get("b"), Some(&PyValue::Int(2)));
    assert_eq!(p.assignments[1].line, 2);
}

#[test]
fn functions_with_nasty_bodies() {
    let src = r#"
name = 'n'

def commands():
    x = "def requires(): ("
    y = '''
requires = ['not', 'this']
def foo():
'''
    # requires = 'nope' ) ] }
    z = (1,
2)
    env.PATH.append("{root}/bin")
    if x: requires = 1

@early()
def requires():
    return ['a'] if building else ['b']

@late()
def tools():
    return ["t"]

@include("utils")
def pre_commands():
    utils.x()

def post_commands(): pass
version = '1'
"#;
    let p = parse(src);
    assert_eq!(p.get("name"), Some(&s("n")));
    assert_eq!(p.get("version"), Some(&s("1")));
    assert!(p.get("requires").is_none());
    let names: Vec<&str> = p.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "commands",
            "requires",
            "tools",
            "pre_commands",
            "post_commands"
        ]
    );
    assert_eq!(p.functions[1].decorators, ["@early()"]);
    assert_eq!(p.functions[2].decorators, ["@late()"]);
    assert_eq!(p.functions[3].decorators, ["@include(\"utils\")"]);
    assert_eq!(p.functions[1].line, 17);
    let dynamic: Vec<&str> = p.dynamic.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(dynamic, ["requires", "tools"]);
    assert!(p.dynamic[0].reason.contains("@early"));
    assert!(p.dynamic[1].reason.contains("@late"));
}

#[test]
fn plain_function_named_like_field_is_dynamic() {
    let p = parse("requires = ['a']\ndef requires():\n    return []\n");
    assert!(p.get("requires").is_none());
    assert_eq!(p.dynamic.len(), 1);
}

#[test]
fn augmented_assignment_and_expressions() {
    let p = parse(
        "requires = ['a']\nrequires += ['b']\nv = '%s' % 'x'\nw = [x for x in y]\nu = foo()\nt = a.b\nq = f'{a}'\n",
    );
    assert!(p.assignments.is_empty());
    let reasons: Vec<&str> = p.dynamic.iter().map(|d| d.reason.as_str()).collect();
    assert!(reasons[0].contains("+="), "{reasons:?}");
    assert!(reasons[1].contains("% formatting"));
    assert!(reasons[2].contains("comprehension"));
    assert!(reasons[3].contains("call"));
    assert!(reasons[5].contains("f-string"));
}

#[test]
fn mutation_of_static_value() {
    let p = parse("requires = ['a']\nrequires.append('b')\nvariants = [[]]\nvariants[0] = ['x']\n");
    assert!(p.get("requires").is_none());
    assert!(p.get("variants").is_none());
    assert_eq!(p.dynamic.len(), 2);
}

#[test]
fn blocks_make_fields_dynamic() {
    let src = "import os\nname = 'x'\nrequires = ['a']\nif os.name == 'nt':\n    requires = ['b']\nelse:\n    pass\n\
               try:\n    from foo import tools\nexcept ImportError:\n    tools = []\nfor i in range(3): pass\n\
               with scope('config') as config:\n    config.x = 1\nversion = '1'\n";
    let p = parse(src);
    assert_eq!(p.imports, ["import os", "from foo import tools"]);
    assert_eq!(p.with_blocks, ["scope('config')"]);
    assert_eq!(p.get("name"), Some(&s("x")));
    assert_eq!(p.get("version"), Some(&s("1")));
    let dynamic: Vec<&str> = p.dynamic.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(dynamic, ["requires", "tools", "i", "config"]);
    assert!(p.dynamic[0].reason.contains("`if`"));
    assert_eq!(p.dynamic[0].line, 5);
}

#[test]
fn override_order() {
    let p = parse("requires = x\nrequires = ['a']\n");
    assert_eq!(p.get("requires"), Some(&PyValue::List(vec![s("a")])));
    assert!(p.dynamic.is_empty());
    let p = parse("requires = ['a']\nrequires = x\n");
    assert!(p.get("requires").is_none());
    assert_eq!(p.dynamic[0].line, 2);
    let p = parse("a = 1\nb = 2\na = 3\ndel b\n");
    assert_eq!(p.assignments.len(), 1);
    assert_eq!(p.assignments[0].value, PyValue::Int(3));
    assert_eq!(p.assignments[0].line, 3);
    let p = parse("a = b = 'x'\nc, d = 1, 2\n");
    assert_eq!(p.get("a"), Some(&s("x")));
    assert_eq!(p.get("b"), Some(&s("x")));
    assert_eq!(p.get("d"), Some(&PyValue::Int(2)));
}

#[test]
fn python2_syntax_errors() {
    let e = err("name = 'a'\nprint \"hello\"\n");
    assert_eq!((e.line, e.column), (2, 7));
    assert_eq!(e.message, "expected newline, found string");
    let e = err("exec 'x = 1'\n");
    assert_eq!((e.line, e.column), (1, 6));
    let e = err("x = `y`\n");
    assert_eq!((e.line, e.column), (1, 5));
    assert_eq!(e.message, "expected token, found '`'");
    let e = err("# é\nx = 0777\n");
    assert_eq!((e.line, e.column), (2, 5));
    assert!(e
        .message
        .starts_with("expected decimal literal without leading zeros"));
    let e = err("x = ur'abc'\n");
    assert_eq!((e.line, e.column), (1, 5));
    let e = err("y = 'é'; x = 10L\n");
    assert_eq!((e.line, e.column), (1, 16));
    let e = err("if 1 <> 2:\n    pass\nx = 1 <> 2\n");
    assert_eq!((e.line, e.column), (1, 6));
    assert_eq!(
        e.message,
        "expected '!=', found '<>' (Python 2's not-equal)"
    );
    let e = err("x = [1, 2\ny = 3\n");
    assert_eq!(e.message, "expected ']', found name 'y'");
    let e = err("  x = 1\n");
    assert_eq!((e.line, e.column), (1, 3));
    let e = err("def f():\nx = 1\n");
    assert_eq!(e.line, 2);
    let e = parse_package_py(b"x = 1\n\xff\n").unwrap_err();
    assert_eq!((e.line, e.column, e.span.start), (2, 1, 6));
    assert!(e.message.contains("utf-8"));
}

#[test]
fn depth_limit() {
    let deep = format!("x = {}1{}\n", "[".repeat(500), "]".repeat(500));
    let e = err(&deep);
    assert!(e.message.contains("nesting"));
    let ok = format!("x = {}1{}\n", "[".repeat(50), "]".repeat(50));
    let _ = parse(&ok);
    let e = err(&format!("x = {}1\n", "-(".repeat(10_000)));
    assert!(e.message.contains("nesting"));
    let _ = err(&format!("x = 2{}\n", "**-2".repeat(10_000)));
    let _ = MAX_DEPTH;
}

#[test]
fn never_panics_on_garbage() {
    let samples: [&[u8]; 12] = [
        b"",
        b"\\",
        b"'",
        b"\"\"\"",
        b"def",
        b"@",
        b"x = (",
        b"if x:",
        b"with",
        b"\xef\xbb",
        b"x=1\\\n",
        b"def f(:\n  '''\n",
    ];
    for s in samples {
        let _ = parse_package_py(s);
    }
    // deterministic random mutations of a realistic file
    let base = include_bytes!("../test-data/rez_package_py/sample_package.py");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"()[]{}'\"\\#:;,=@.\n\r\t xf0_9\xc3\xa9";
    for _ in 0..20_000 {
        let mut v = base.to_vec();
        for _ in 0..(rnd() % 4 + 1) {
            let pos = (rnd() as usize) % v.len();
            let c = alphabet[(rnd() as usize) % alphabet.len()];
            match rnd() % 3 {
                0 => v[pos] = c,
                1 => v.insert(pos, c),
                _ => {
                    v.remove(pos);
                }
            }
        }
        if let Err(e) = parse_package_py(&v) {
            assert!(e.message.starts_with("expected "), "{}", e.message);
            assert!(e.line >= 1 && e.column >= 1 && e.span.start <= v.len());
        }
    }
    // every prefix of a realistic file
    let src = include_bytes!("../test-data/rez_package_py/sample_package.py");
    for i in 0..=src.len() {
        let _ = parse_package_py(&src[..i]);
    }
}
