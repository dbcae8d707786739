//! rez's resolve time (`rez env --time T`): packages released after `T` are left out.
//!
//! rez turns `ResolvedContext(timestamp=T)` into the package filter `TimestampRule.after(T)`
//! (`rez/resolver.py`), which its solver applies in `_PackageVariantList.get_intersection`
//! to each package whose version is in the range asked for, before the package's variants
//! are loaded. The rule (`rez/package_filter.py`) excludes a package whose `timestamp` is
//! greater than `T`; a package without one (absent, or `0`: `not package.timestamp`) is never
//! excluded (`match_untimestamped=False`). A time of `0` is no time at all (`if
//! self.timestamp:`).
//!
//! `T` is read as rez's `get_epoch_time_from_str` reads it ([`parse_time`]): Python's
//! `int(T)`, else `-N` followed by `s`, `m`, `h` or `d` (N a Python float) for that long
//! before now.

use crate::record::{Package, Record, Status};
use serde_json::Value;

/// A package's `timestamp` (its release time, epoch seconds) as a resolve with a time reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timestamp {
    /// No timestamp, or `0`, `False`: rez never filters such a package out.
    #[default]
    Untimestamped,
    /// Released at this epoch time (an integer beyond 64 bits saturates).
    At(i64),
    /// Computed when rez loads the package, so unknown here. With `allowed`
    /// (`--allow-dynamic`) it is taken as absent, like any computed field; otherwise a
    /// resolve with a time stops on the package, naming the file and field.
    Computed {
        /// Whether the caller allows a computed field to be taken as absent.
        allowed: bool,
    },
}

/// The `timestamp` of `package`, read from `record`. A value rez's schema refuses (a string,
/// a float) is left untimestamped: the record is an error, so the package is unusable and
/// the resolve stops on it as rez raises on reading it.
pub(super) fn timestamp_of(record: &Record, package: &Package, allow_dynamic: bool) -> Timestamp {
    if package.dynamic.iter().any(|f| f == "timestamp") {
        return Timestamp::Computed {
            allowed: allow_dynamic,
        };
    }
    let at = match package.extra.get("timestamp") {
        Some(Value::Number(n)) => n.as_i64(),
        // A `bool` is an `int` in Python: `True` is 1.
        Some(Value::Bool(b)) => Some(i64::from(*b)),
        // An integer beyond 64 bits is kept as its digits (a string literal would have made
        // the record an error).
        Some(Value::String(digits)) if record.status != Status::Error => digits
            .parse::<i128>()
            .ok()
            .map(|n| n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64),
        _ => None,
    };
    match at {
        Some(t) if t != 0 => Timestamp::At(t),
        _ => Timestamp::Untimestamped,
    }
}

/// Whether `text` is a run of ASCII digits with single `_` between digits (Python's
/// `digitpart`).
fn is_digitpart(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('_')
        && !text.ends_with('_')
        && !text.contains("__")
        && text.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// Python's `int(text)` (which, like `float()`, ignores the Unicode whitespace `trim` removes:
/// not `\x1c`..`\x1f`, which `str.isspace` counts), base 10, saturated to 64 bits; `None` where Python raises.
pub(super) fn python_int(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !is_digitpart(digits) {
        return None;
    }
    let magnitude = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i128, |n, d| {
            n.saturating_mul(10).saturating_add(i128::from(d - b'0'))
        });
    let n = if negative { -magnitude } else { magnitude };
    Some(n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// Python's `float(text)`; `None` where Python raises.
fn python_float(text: &str) -> Option<f64> {
    let text = text.trim();
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = unsigned.to_ascii_lowercase();
    if !["inf", "infinity", "nan"].contains(&lower.as_str()) {
        let (mantissa, exponent) = match lower.split_once('e') {
            Some((m, e)) => (m, Some(e)),
            None => (lower.as_str(), None),
        };
        let exponent_ok =
            exponent.is_none_or(|e| is_digitpart(e.strip_prefix(['+', '-']).unwrap_or(e)));
        let mantissa_ok = match mantissa.split_once('.') {
            Some((whole, fraction)) => {
                (whole.is_empty() || is_digitpart(whole))
                    && (fraction.is_empty() || is_digitpart(fraction))
                    && !(whole.is_empty() && fraction.is_empty())
            }
            None => is_digitpart(mantissa),
        };
        if !(exponent_ok && mantissa_ok) {
            return None;
        }
    }
    text.replace('_', "").parse().ok()
}

/// rez's `get_epoch_time_from_str`: an epoch time (Python's `int()`: `1418350671`, `+12`,
/// `1_418_350_671`), or a time before `now`, `-N` and a unit (`-12s`, `-5.4m`, `-2h`, `-1d`;
/// N as Python's `float()` reads it, the seconds truncated, never before 0). Anything else is
/// rez's error. Digits are ASCII only (Python also takes other scripts' decimal digits).
pub fn parse_time(text: &str, now: i64) -> Result<i64, String> {
    if let Some(t) = python_int(text) {
        return Ok(t);
    }
    let relative = text.strip_prefix('-').and_then(|rest| {
        let unit = rest.chars().last()?;
        let seconds = match unit {
            'd' => 24 * 60 * 60,
            'h' => 60 * 60,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n = python_float(&rest[..rest.len() - unit.len_utf8()])?;
        let ago = n * f64::from(seconds);
        // Python's `int()` of an infinite or NaN float raises.
        if !ago.is_finite() {
            return None;
        }
        // `int()` truncates toward zero; the float-to-int cast saturates beyond 128 bits.
        let time = i128::from(now).saturating_sub(ago.trunc() as i128).max(0);
        Some(time.min(i128::from(i64::MAX)) as i64)
    });
    relative.ok_or_else(|| format!("'{text}' is an unrecognised time format."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn times_are_read_as_rez_reads_them() {
        // Each expected value is rez 3.4.0's `get_epoch_time_from_str` with `time.time()` at NOW.
        let ok = [
            ("1418350671", 1418350671),
            (" +1_418_350_671\n", 1418350671),
            ("0", 0),
            ("-5", -5),
            ("00012", 12),
            ("99999999999999999999999", i64::MAX),
            ("-12s", NOW - 12),
            ("-5.4m", NOW - 324),
            ("-2h", NOW - 7200),
            ("-1d", NOW - 86400),
            ("-1.5s", NOW - 1),
            ("-.5h", NOW - 1800),
            ("-1e1s", NOW - 10),
            ("- 3 s", NOW - 3),
            ("-1_0s", NOW - 10),
            ("-1.s", NOW - 1),
            ("-+2s", NOW - 2),
            ("-1E1s", NOW - 10),
            ("-1e-1d", NOW - 8640),
            ("\u{3000}7\u{85}", 7),
            ("--5m", NOW + 300),
            ("-100000d", 0),
            ("-1e300s", 0),
        ];
        for (text, expected) in ok {
            assert_eq!(parse_time(text, NOW), Ok(expected), "{text:?}");
        }
        for bad in [
            "",
            "-1w",
            "-1",
            "-s",
            "-ms",
            "1s",
            " -5m",
            "-5m ",
            "-infs",
            "-nans",
            "-1e309d",
            "0x10",
            "1__0",
            "_1",
            "-1_s",
            "1.5",
            "-1..5s",
            "-.s",
            "-e5s",
            "abc",
            "\x1c5\x1f",
            "-1e308d",
        ] {
            if bad == "-1" {
                // An integer: the epoch time -1, not a relative one.
                assert_eq!(parse_time(bad, NOW), Ok(-1));
                continue;
            }
            assert_eq!(
                parse_time(bad, NOW),
                Err(format!("'{bad}' is an unrecognised time format.")),
                "{bad:?}"
            );
        }
    }
}
