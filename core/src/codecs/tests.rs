use super::*;
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Python 3.11's decoding (`scripts/conformance/codecs_python.py`).
fn python() -> Value {
    serde_json::from_str(include_str!("../../test-data/codecs/python.json")).unwrap()
}

/// Whether this build decodes `codec` (the others are errors that say so).
fn decoded_here(codec: &str) -> bool {
    cfg!(feature = "python-codecs")
        || matches!(
            codec,
            "utf_8"
                | "ascii"
                | "latin_1"
                | "iso8859_15"
                | "cp1252"
                | "utf_16"
                | "utf_16_le"
                | "utf_16_be"
                | "utf_32"
                | "utf_32_le"
                | "utf_32_be"
        )
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn names_are_looked_up_as_python_looks_them_up() {
    // codecs.lookup(name).name in Python 3.11, or LookupError (None).
    for (name, codec) in [
        ("UTF 8", Some("utf_8")),
        ("Shift-JIS", Some("shift_jis")),
        ("shift jis", Some("shift_jis")),
        ("  cp1251", Some("cp1251")),
        ("cp-1251", None),
        ("windows--1251", Some("cp1251")),
        ("latin_1_", Some("latin_1")),
        ("EUC-JP", Some("euc_jp")),
        ("x.mac.japanese", Some("shift_jis")),
        ("ms-kanji", Some("cp932")),
        ("ISO_8859-5:1988", Some("iso8859_5")),
        ("big5-tw", Some("big5")),
        ("euc-jp.", None),
        (".euc_jp", None),
        ("klingon", None),
    ] {
        assert_eq!(Codec::lookup(name).map(Codec::name), codec, "{name}");
    }
    // Every alias Python lists.
    for (alias, codec) in python()["aliases"].as_object().unwrap() {
        assert_eq!(
            Codec::lookup(alias).map(Codec::name),
            codec.as_str(),
            "{alias}"
        );
    }
}

#[test]
fn single_byte_codecs_decode_every_byte_as_python() {
    for (codec, table) in python()["single_byte"].as_object().unwrap() {
        let codec = Codec::lookup(codec).unwrap();
        for (i, expected) in table.as_array().unwrap().iter().enumerate() {
            let byte = [0x80 + i as u8];
            let got = codec.decode(&byte);
            if !decoded_here(codec.name()) {
                assert!(got.unwrap_err().message.contains("WebAssembly build"));
                continue;
            }
            assert_eq!(
                got.ok().as_deref(),
                expected.as_str(),
                "{} byte 0x{:02x}",
                codec.name(),
                byte[0]
            );
        }
    }
}

#[test]
fn multi_byte_codecs_decode_text_as_python() {
    for sample in python()["samples"].as_array().unwrap() {
        let codec = Codec::lookup(sample["codec"].as_str().unwrap()).unwrap();
        if !decoded_here(codec.name()) {
            continue;
        }
        let bytes = hex(sample["hex"].as_str().unwrap());
        let got = codec.decode(&bytes);
        assert_eq!(
            got.as_deref().ok(),
            sample["decoded"].as_str(),
            "{} {}: {:?}",
            codec.name(),
            sample["text"],
            got.as_ref().err()
        );
    }
}

#[test]
fn faults_name_the_byte_and_its_offset() {
    let err = Codec::lookup("cp1251").unwrap().decode(b"ab\x98c");
    if cfg!(feature = "python-codecs") {
        let err = err.unwrap_err();
        assert_eq!(err.offset, 2, "{}", err.message);
        assert!(err.message.contains("0x98"), "{}", err.message);
    }
    let err = Codec::UTF8.decode(b"ok\xff").unwrap_err();
    assert_eq!(err.offset, 2);
}
