#!/usr/bin/env python3
"""Python's own decoding of the codecs pkglens decodes, as reference data for core's tests.

Usage: codecs_python.py > core/test-data/codecs/python.json   (run with the venv's Python)

Writes, for the codecs that pkglens maps to encoding_rs (and those it decodes itself):
- `aliases`: every name Python's `codecs.lookup` accepts for each of them (the module name,
  `encodings.aliases`, and spellings that normalise to those), mapped to the codec's name;
- `single_byte`: each single-byte codec's decoding of the bytes 0x80 to 0xFF (null where
  Python raises);
- `samples`: text in the scripts each multi-byte codec is for (and a few invalid byte
  sequences), as bytes (hex) and as Python decodes them (null where Python raises).
core/src/codecs.rs's tests decode the same bytes and must agree.
"""

import codecs
import encodings.aliases
import json
import sys

SINGLE_BYTE = [
    "latin_1", "iso8859_15", "cp1252", "ascii",
    "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp874", "cp866", "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_16",
]
MULTI_BYTE = [
    "utf_8", "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gbk", "gb2312", "gb18030",
    "big5", "euc_kr", "cp949", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le",
    "utf_32_be",
]

TEXTS = {
    "ja": "name = 'シーン管理'  # 日本語のコメント、カタカナとひらがな",
    "zh": "description = '镜头浏览器：管理场景与资产'  # 中文注释",
    "zh_hant": "description = '鏡頭瀏覽器：管理場景與資產'",
    "ko": "description = '장면 관리 도구'  # 한국어 주석",
    "ascii": "requests==2.32.3  # pinned\n",
    "mixed": "authors = ['Jürgen Müller', 'Ωmega', 'Łukasz']",
}
# Bytes no codec of the family should take whole: a lone lead byte, an invalid trail.
INVALID = ["82", "8140ff", "a1", "e3", "ff", "a0", "fd41", "81a0", "81ff", "d800", "00d8", "00110000"]


def names_of(codec):
    """Every alias Python maps to `codec`, and the codec's own name."""
    names = {codec}
    for alias, target in encodings.aliases.aliases.items():
        if target == codec:
            names.add(alias)
    return sorted(n for n in names if codecs.lookup(n).name == codecs.lookup(codec).name)


def decode(data, codec):
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def main():
    aliases = {}
    for codec in SINGLE_BYTE + MULTI_BYTE:
        for name in names_of(codec):
            aliases[name] = codec
    single = {}
    for codec in SINGLE_BYTE:
        single[codec] = [decode(bytes([b]), codec) for b in range(0x80, 0x100)]
    samples = []
    for codec in MULTI_BYTE:
        for key, text in TEXTS.items():
            try:
                data = text.encode(codec)
            except UnicodeEncodeError:
                continue
            samples.append({"codec": codec, "text": key, "hex": data.hex(),
                            "decoded": decode(data, codec)})
        for hexed in INVALID:
            data = bytes.fromhex(hexed)
            samples.append({"codec": codec, "text": "invalid", "hex": hexed,
                            "decoded": decode(data, codec)})
    json.dump({"python": sys.version.split()[0], "aliases": aliases,
               "single_byte": single, "samples": samples},
              sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
