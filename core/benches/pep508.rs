//! The cost of PEP 508 and PEP 440 in pkglens's own reader (`versions::pep440`/`pep508`, which
//! follow packaging 26.3) side by side with `pep508_rs`/`pep440_rs` 0.9.2/0.7.3 (the crate it
//! replaced), against the floor a hand-written parser could reach, and against parsing a whole
//! METADATA file.
//!
//! - `requirement_*`: 64 real `Requires-Dist` strings (from the wheel corpus of
//!   `scripts/conformance/wheels.txt`) per iteration: `pep508_rs` alone (`Requirement::from_str`),
//!   the crate plus rendering specifiers and marker back to text (`requirement_pep508_rs_render`,
//!   what pkglens asked of it), pkglens's `parse_requirement` (parsing and building the record,
//!   marker printed as `str(Marker)`), and `split_floor`, a scan that only cuts each string into
//!   name, extras, specifiers and marker text with no validation: no real parser can be cheaper.
//! - `version_*`: parsing 64 versions, and sorting them (comparisons only), in both.
//! - `marker_evaluate_pkglens`: evaluating the markers of the 64 requirements in one
//!   environment, as `check` does.
//! - `metadata_file`: `parse_core_metadata` of one real METADATA (requests-like, 10 requirements),
//!   to show the share of requirements in a file's cost.
//!
//! Run: `cargo bench -p pkglens-core --bench pep508`. Numbers in `docs/decisions.md`.
#![allow(missing_docs)]

use divan::{black_box, Bencher};
use pep508_rs::pep440_rs::Version;
use pkglens_core::parse_core_metadata;
use pkglens_core::{parse_requirement, parse_version, Marker, Pep440Version, TargetEnvironment};
use pkglens_core::{Format, RequirementKind};
use std::str::FromStr;

fn main() {
    divan::main();
}

/// Real `Requires-Dist` strings, as written in the corpus's wheels.
const REQUIREMENTS: &[&str] = &[
    "charset_normalizer<4,>=2",
    "idna<4,>=2.5",
    "urllib3<3,>=1.21.1",
    "certifi>=2017.4.17",
    "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"",
    "chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"",
    "typing-extensions>=4.6.0; python_version < \"3.13\"",
    "annotated-types>=0.6.0",
    "pydantic-core==2.33.2",
    "typing-inspection>=0.4.0",
    "email-validator>=2.0.0; extra == \"email\"",
    "tzdata; python_version >= \"3.9\" and platform_system == \"Windows\" and extra == \"timezone\"",
    "numpy>=1.23.2; python_version == \"3.11\"",
    "python-dateutil>=2.8.2",
    "pytz>=2020.1",
    "tzdata>=2022.7",
    "hypothesis>=6.46.1; extra == \"test\"",
    "pytest>=7.3.2; extra == \"test\"",
    "pytest-xdist>=2.2.0; extra == \"test\"",
    "pyarrow>=10.0.1; extra == \"pyarrow\"",
    "bottleneck>=1.3.6; extra == \"performance\"",
    "numba>=0.56.4; extra == \"performance\"",
    "fsspec>=2022.11.0; extra == \"fss\"",
    "s3fs>=2022.11.0; extra == \"aws\"",
    "gcsfs>=2022.11.0; extra == \"gcp\"",
    "odfpy>=1.4.1; extra == \"excel\"",
    "openpyxl>=3.1.0; extra == \"excel\"",
    "MarkupSafe>=2.0",
    "Babel>=2.7; extra == \"i18n\"",
    "colorama; platform_system == \"Windows\"",
    "importlib-metadata; python_version < \"3.8\"",
    "cffi>=1.14; platform_python_implementation != \"PyPy\"",
    "bcrypt>=3.1.5; extra == \"ssh\"",
    "nox[uv]>=2024.4.15; extra == \"nox\"",
    "cryptography-vectors==45.0.4; extra == \"test\"",
    "pytest-benchmark>=4.0; extra == \"test\"",
    "check-sdist; python_version >= \"3.8\" and extra == \"pep8test\"",
    "markdown-it-py>=2.2.0",
    "pygments<3.0.0,>=2.13.0",
    "ipywidgets<9,>=7.5.1; extra == \"jupyter\"",
    "brotli>=1.0.9; platform_python_implementation == \"CPython\" and extra == \"brotli\"",
    "brotlicffi>=0.8.0; platform_python_implementation != \"CPython\" and extra == \"brotli\"",
    "h2<5,>=4; extra == \"h2\"",
    "pysocks!=1.5.7,<2.0,>=1.5.6; extra == \"socks\"",
    "zstandard>=0.18.0; extra == \"zstd\"",
    "exceptiongroup>=1.0.2; python_version < \"3.11\"",
    "idna>=2.8",
    "sniffio>=1.1",
    "trio>=0.26.1; extra == \"trio\"",
    "anyio",
    "httpcore==1.*",
    "h11>=0.16",
    "click>=8.0.0",
    "rich>=10.11.0",
    "shellingham>=1.3.0",
    "typing-extensions>=3.7.4.3",
    "jmespath<2.0.0,>=0.7.1",
    "s3transfer<0.14.0,>=0.13.0",
    "botocore<1.40.0,>=1.39.4",
    "awscrt==0.27.2; extra == \"crt\"",
    "six>=1.5",
    "attrs>=22.2.0",
    "jsonschema-specifications>=2023.03.6",
    "rpds-py>=0.7.1",
];

/// Versions as found in the same wheels' names and requirements.
const VERSIONS: &[&str] = &[
    "2.32.4",
    "1.26.20",
    "2.5.0",
    "2025.6.15",
    "3.4.2",
    "3.10",
    "0.4.1",
    "2.11.7",
    "2.33.2",
    "4.14.1",
    "1.0.0",
    "2.0.0rc1",
    "1.21.1",
    "2017.4.17",
    "1.5.6",
    "1.5.7",
    "0.6.0",
    "0.13.0",
    "1.39.4",
    "1.40.0",
    "0.7.1",
    "6.0.2",
    "3.1.6",
    "8.2.1",
    "14.0.0",
    "80.9.0",
    "1.17.0",
    "0.45.1",
    "2.3.1",
    "2.2.6",
    "45.0.4",
    "25.0",
    "1!2.0",
    "2.0.post1",
    "2.0.dev3",
    "1.0a1",
    "1.0b2",
    "1.0rc3",
    "1.0.0+local.7",
    "3.13.5",
    "3.11",
    "3.9",
    "3.8",
    "0.16.0",
    "4.0",
    "5.0.1",
    "24.1",
    "2024.4.15",
    "0.26.1",
    "1.3.0",
    "3.7.4.3",
    "10.11.0",
    "2.13.0",
    "3.0.0",
    "7.5.1",
    "9",
    "1.0.9",
    "0.8.0",
    "0.18.0",
    "1.0.2",
    "2.8",
    "1.1",
    "22.2.0",
    "0.7.1.post2",
];

/// A real METADATA, header part (requests 2.32-like, 10 Requires-Dist).
const METADATA: &str = "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.4\nSummary: Python HTTP for Humans.\nHome-page: https://requests.readthedocs.io\nAuthor: Kenneth Reitz\nAuthor-email: me@kennethreitz.org\nLicense: Apache-2.0\nProject-URL: Documentation, https://requests.readthedocs.io\nProject-URL: Source, https://github.com/psf/requests\nClassifier: Development Status :: 5 - Production/Stable\nClassifier: Environment :: Web Environment\nClassifier: Intended Audience :: Developers\nClassifier: License :: OSI Approved :: Apache Software License\nClassifier: Natural Language :: English\nClassifier: Operating System :: OS Independent\nClassifier: Programming Language :: Python\nClassifier: Programming Language :: Python :: 3\nClassifier: Programming Language :: Python :: 3.8\nClassifier: Programming Language :: Python :: 3.9\nClassifier: Programming Language :: Python :: 3.10\nClassifier: Programming Language :: Python :: 3.11\nClassifier: Programming Language :: Python :: 3.12\nClassifier: Topic :: Internet :: WWW/HTTP\nClassifier: Topic :: Software Development :: Libraries\nRequires-Python: >=3.8\nDescription-Content-Type: text/markdown\nLicense-File: LICENSE\nRequires-Dist: charset_normalizer<4,>=2\nRequires-Dist: idna<4,>=2.5\nRequires-Dist: urllib3<3,>=1.21.1\nRequires-Dist: certifi>=2017.4.17\nProvides-Extra: security\nProvides-Extra: socks\nRequires-Dist: PySocks!=1.5.6,>=1.5.6; extra == \"socks\"\nProvides-Extra: use-chardet-on-py3\nRequires-Dist: chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"\nRequires-Dist: brotli>=1.0.9; platform_python_implementation == \"CPython\" and extra == \"brotli\"\nRequires-Dist: zstandard>=0.18.0; extra == \"zstd\"\nRequires-Dist: h2<5,>=4; extra == \"h2\"\nRequires-Dist: exceptiongroup>=1.0.2; python_version < \"3.11\"\n\n# Requests\n\n**Requests** is a simple, yet elegant, HTTP library.\n";

#[divan::bench]
fn requirement_pep508_rs(bencher: Bencher) {
    bencher.counter(REQUIREMENTS.len()).bench(|| {
        for r in REQUIREMENTS {
            black_box(
                pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(black_box(r)).unwrap(),
            );
        }
    });
}

/// `pep508_rs` plus what `parse_requirement` asks of it besides parsing: the specifiers and the
/// marker rendered back to text (`MarkerTree::contents` rebuilds an expression from the
/// decision diagram) and the top-level extra.
#[divan::bench]
fn requirement_pep508_rs_render(bencher: Bencher) {
    bencher.counter(REQUIREMENTS.len()).bench(|| {
        for r in REQUIREMENTS {
            let parsed =
                pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(black_box(r)).unwrap();
            let spec = match &parsed.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(s)) => s.to_string(),
                _ => String::new(),
            };
            let marker = parsed.marker.contents().map(|m| m.to_string());
            black_box((spec, marker, parsed.marker.top_level_extra().is_some()));
        }
    });
}

#[divan::bench]
fn requirement_pkglens(bencher: Bencher) {
    bencher.counter(REQUIREMENTS.len()).bench(|| {
        for r in REQUIREMENTS {
            black_box(parse_requirement(black_box(r), RequirementKind::Run, 1).unwrap());
        }
    });
}

/// Cuts a requirement into owned name, extras, specifier and marker strings, validating
/// nothing: a lower bound for any parser that builds the same record.
fn split(raw: &str) -> (String, Vec<String>, String, Option<String>) {
    let (req, marker) = match raw.split_once(';') {
        Some((r, m)) => (r, Some(m.trim().to_owned())),
        None => (raw, None),
    };
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(req.len());
    let (name, rest) = req.split_at(end);
    let (extras, spec) = match rest.trim_start().strip_prefix('[') {
        Some(inner) => {
            let (e, s) = inner.split_once(']').unwrap_or((inner, ""));
            (e.split(',').map(|x| x.trim().to_owned()).collect(), s)
        }
        None => (Vec::new(), rest),
    };
    (name.to_owned(), extras, spec.trim().to_owned(), marker)
}

#[divan::bench]
fn requirement_split_floor(bencher: Bencher) {
    bencher.counter(REQUIREMENTS.len()).bench(|| {
        for r in REQUIREMENTS {
            black_box(split(black_box(r)));
        }
    });
}

#[divan::bench]
fn marker_evaluate_pkglens(bencher: Bencher) {
    let env = TargetEnvironment::default().marker_environment();
    let markers: Vec<Marker> = REQUIREMENTS
        .iter()
        .filter_map(|r| Marker::parse(r.split_once(';')?.1))
        .collect();
    bencher.counter(markers.len()).bench(|| {
        for m in &markers {
            black_box(m.evaluate(black_box(&env), &[]));
        }
    });
}

#[divan::bench]
fn version_parse_pep440_rs(bencher: Bencher) {
    bencher.counter(VERSIONS.len()).bench(|| {
        for v in VERSIONS {
            black_box(Version::from_str(black_box(v)).unwrap());
        }
    });
}

#[divan::bench]
fn version_parse_pkglens(bencher: Bencher) {
    bencher.counter(VERSIONS.len()).bench(|| {
        for v in VERSIONS {
            black_box(parse_version(black_box(v)).unwrap());
        }
    });
}

#[divan::bench]
fn version_sort_pep440_rs(bencher: Bencher) {
    let versions: Vec<Version> = VERSIONS.iter().map(|v| v.parse().unwrap()).collect();
    bencher
        .counter(VERSIONS.len())
        .with_inputs(|| versions.clone())
        .bench_local_refs(|v| v.sort());
}

#[divan::bench]
fn version_sort_pkglens(bencher: Bencher) {
    let versions: Vec<Pep440Version> = VERSIONS.iter().map(|v| v.parse().unwrap()).collect();
    bencher
        .counter(VERSIONS.len())
        .with_inputs(|| versions.clone())
        .bench_local_refs(|v| v.sort());
}

#[divan::bench]
fn metadata_file(bencher: Bencher) {
    bencher.bench(|| {
        black_box(
            parse_core_metadata("METADATA", Format::Metadata, black_box(METADATA.as_bytes()))
                .unwrap(),
        )
    });
}
