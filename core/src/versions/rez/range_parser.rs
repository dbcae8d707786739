//! The bound syntax of a rez version range: a hand-written equivalent of rez's
//! `_VersionRangeParser` regex, each alternative tried in the regex's order, and the action
//! that turns a matched alternative into a [`Bound`] (the "Bound syntax" quirks of the
//! [module docs](super)).

use super::bound::{Bound, LowerBound, UpperBound};
use super::{is_token_byte, RezVersion, RezVersionError};
use crate::text::Fault;

/// End of the maximal `[tok]+([.-][tok]+)*` match at `i`, if any.
///
/// `version = token (("." | "-") token)*`, `token = [A-Za-z0-9_]+`
fn scan_v(p: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while p.get(j).is_some_and(|&b| is_token_byte(b)) {
        j += 1;
    }
    if j == i {
        return None;
    }
    loop {
        let sep = matches!(p.get(j), Some(b'.') | Some(b'-'));
        if sep && p.get(j + 1).is_some_and(|&b| is_token_byte(b)) {
            j += 2;
            while p.get(j).is_some_and(|&b| is_token_byte(b)) {
                j += 1;
            }
        } else {
            return Some(j);
        }
    }
}

/// Optional version at `i`: `(end, Some((start, end)))` or `(i, None)`.
fn opt_v(p: &[u8], i: usize) -> (usize, Option<(usize, usize)>) {
    match scan_v(p, i) {
        Some(j) => (j, Some((i, j))),
        None => (i, None),
    }
}

fn has(p: &[u8], i: usize, lit: &[u8]) -> bool {
    p.get(i..i.saturating_add(lit.len())) == Some(lit)
}

type Span = Option<(usize, usize)>;

/// The matched alternative of one `|`-separated part (groups as spans).
pub(super) enum Alt {
    /// `v`
    RezVersion((usize, usize)),
    /// `==v?`
    Exact(Span),
    /// `v?..v?`
    Inclusive(Span, Span),
    /// `(>|>=)?v?` then `+` when there is no operator; `exclusive` is `>`
    Lower { exclusive: bool, v: Span },
    /// `(<|<=)?v?`; `empty` when nothing at all matched
    Upper {
        empty: bool,
        exclusive: bool,
        v: Span,
    },
    /// lower (maybe empty) then `,?` `(<|<=)v?`
    Asc {
        lower_present: bool,
        lower_excl: bool,
        lv: Span,
        upper_excl: bool,
        uv: Span,
    },
    /// upper (maybe empty) then `,` `(<|>|>=)v?`
    Desc {
        upper_present: bool,
        upper_excl: bool,
        uv: Span,
        lower_excl: bool,
        lv: Span,
    },
}

/// Tries the alternatives in regex order. `Err(pos)` gives the furthest
/// position any alternative reached, for the error message.
///
/// `part = version | "==" [version] | [version] ".." [version] | lower | upper
///   | lower [","] upper | upper "," lower`, where
/// `lower = (">" | ">=") [version] | [version] "+"` and
/// `upper = "<" version | "<=" [version] | [version]`;
/// each alternative tried in that order (rez's `_VersionRangeParser`)
pub(super) fn match_part(p: &[u8]) -> Result<Alt, usize> {
    let n = p.len();
    let mut far = 0usize;
    let mut reach = |pos: usize| {
        if pos > far {
            far = pos;
        }
    };

    // 1. version
    if let Some(j) = scan_v(p, 0) {
        if j == n {
            return Ok(Alt::RezVersion((0, j)));
        }
        reach(j);
    }

    // 2. exact version
    if has(p, 0, b"==") {
        let (j, v) = opt_v(p, 2);
        if j == n {
            return Ok(Alt::Exact(v));
        }
        reach(j);
    }

    // 3. inclusive bound
    {
        let (j, lv) = opt_v(p, 0);
        if has(p, j, b"..") {
            let (k, uv) = opt_v(p, j + 2);
            if k == n {
                return Ok(Alt::Inclusive(lv, uv));
            }
            reach(k);
        } else {
            reach(j);
        }
    }

    // 4. lower bound
    {
        let mut prefixes: Vec<(usize, bool)> = Vec::new(); // (len, exclusive)
        if has(p, 0, b">") {
            prefixes.push((1, true));
        }
        if has(p, 0, b">=") {
            prefixes.push((2, false));
        }
        for (plen, exclusive) in prefixes {
            let (j, v) = opt_v(p, plen);
            if j == n {
                return Ok(Alt::Lower { exclusive, v });
            }
            reach(j);
        }
        let (j, v) = opt_v(p, 0);
        if has(p, j, b"+") && j + 1 == n {
            return Ok(Alt::Lower {
                exclusive: false,
                v,
            });
        }
        reach(j);
    }

    // 5. upper bound
    {
        if has(p, 0, b"<") && scan_v(p, 1).is_some() {
            let (j, v) = opt_v(p, 1);
            if j == n {
                return Ok(Alt::Upper {
                    empty: false,
                    exclusive: true,
                    v,
                });
            }
            reach(j);
        }
        if has(p, 0, b"<=") {
            let (j, v) = opt_v(p, 2);
            if j == n {
                return Ok(Alt::Upper {
                    empty: false,
                    exclusive: false,
                    v,
                });
            }
            reach(j);
        }
        let (j, v) = opt_v(p, 0);
        if j == n {
            return Ok(Alt::Upper {
                empty: j == 0,
                exclusive: false,
                v,
            });
        }
        reach(j);
    }

    // 6. ascending range: lower then upper
    {
        let mut prefixes: Vec<(usize, bool, bool)> = Vec::new(); // (len, present, excl)
        if has(p, 0, b">") {
            prefixes.push((1, true, true));
        }
        if has(p, 0, b">=") {
            prefixes.push((2, true, false));
        }
        prefixes.push((0, false, false));
        for (plen, has_prefix, lower_excl) in prefixes {
            let (mut j, lv) = opt_v(p, plen);
            if !has_prefix && has(p, j, b"+") {
                j += 1;
            }
            let lower_present = j > 0;
            if lv.is_some() && has(p, j, b",") {
                j += 1;
            }
            let upper_excl = if has(p, j, b"<") && scan_v(p, j + 1).is_some() {
                j += 1;
                true
            } else if has(p, j, b"<=") {
                j += 2;
                false
            } else {
                reach(j);
                continue;
            };
            let (k, uv) = opt_v(p, j);
            if k == n {
                return Ok(Alt::Asc {
                    lower_present,
                    lower_excl,
                    lv,
                    upper_excl,
                    uv,
                });
            }
            reach(k);
        }
    }

    // 7. descending range: upper then comma then lower
    {
        let mut prefixes: Vec<(usize, bool, bool)> = Vec::new(); // (len, present, excl)
        if has(p, 0, b"<") {
            prefixes.push((1, true, true));
        }
        if has(p, 0, b"<=") {
            prefixes.push((2, true, false));
        }
        prefixes.push((0, false, false));
        for (plen, has_prefix, upper_excl) in prefixes {
            let (mut j, uv) = opt_v(p, plen);
            if !has_prefix && has(p, j, b"+") {
                j += 1;
            }
            let upper_present = j > 0;
            if uv.is_some() {
                if has(p, j, b",") {
                    j += 1;
                } else {
                    reach(j);
                    continue;
                }
            }
            let lower_excl = if has(p, j, b"<") && scan_v(p, j + 1).is_some() {
                j += 1;
                false
            } else if has(p, j, b">=") {
                j += 2;
                false
            } else if has(p, j, b">") {
                j += 1;
                true
            } else {
                reach(j);
                continue;
            };
            let (k, lv) = opt_v(p, j);
            if k == n {
                return Ok(Alt::Desc {
                    upper_present,
                    upper_excl,
                    uv,
                    lower_excl,
                    lv,
                });
            }
            reach(k);
        }
    }

    Err(far)
}

/// The version of an optional span (missing -> the empty version).
fn span_version(part: &str, span: Span) -> RezVersion {
    span.and_then(|(a, b)| part.get(a..b))
        .and_then(|s| RezVersion::parse(s).ok())
        .unwrap_or_default()
}

fn invalid_bound(part: &str, off: usize) -> RezVersionError {
    RezVersionError::from(Fault::new(
        off..off + part.len(),
        format!("expected lower bound not above upper bound, found {part:?}"),
    ))
}

/// Runs the parser action for one matched part.
pub(super) fn act(alt: Alt, part: &str, off: usize) -> Result<Option<Bound>, RezVersionError> {
    let v = |s: Span| span_version(part, s);
    let bound = match alt {
        Alt::RezVersion(span) => {
            let ver = v(Some(span));
            let upper = UpperBound {
                version: ver.next_version(),
                inclusive: false,
            };
            Bound::checked(
                Some(LowerBound {
                    version: ver,
                    inclusive: true,
                }),
                Some(upper),
            )
        }
        Alt::Exact(span) => {
            let ver = v(span);
            Bound::checked(
                Some(LowerBound {
                    version: ver.clone(),
                    inclusive: true,
                }),
                Some(UpperBound {
                    version: ver,
                    inclusive: true,
                }),
            )
        }
        Alt::Inclusive(lv, uv) => Bound::checked(
            Some(LowerBound {
                version: v(lv),
                inclusive: true,
            }),
            Some(UpperBound {
                version: v(uv),
                inclusive: true,
            }),
        ),
        Alt::Lower { exclusive, v: span } => Bound::checked(
            Some(LowerBound {
                version: v(span),
                inclusive: !exclusive,
            }),
            None,
        ),
        Alt::Upper {
            empty,
            exclusive,
            v: span,
        } => {
            if empty {
                return Ok(None);
            }
            Bound::checked(
                None,
                Some(UpperBound {
                    version: v(span),
                    inclusive: !exclusive,
                }),
            )
        }
        Alt::Asc {
            lower_present,
            lower_excl,
            lv,
            upper_excl,
            uv,
        } => {
            let lower = lower_present.then(|| LowerBound {
                version: v(lv),
                inclusive: !lower_excl,
            });
            Bound::checked(
                lower,
                Some(UpperBound {
                    version: v(uv),
                    inclusive: !upper_excl,
                }),
            )
        }
        Alt::Desc {
            upper_present,
            upper_excl,
            uv,
            lower_excl,
            lv,
        } => {
            let upper = if upper_present {
                let version = v(uv);
                if version.is_empty() && upper_excl {
                    return Err(RezVersionError::new(
                        format!("expected version after '<', found {part:?}"),
                        off,
                    ));
                }
                Some(UpperBound {
                    version,
                    inclusive: !upper_excl,
                })
            } else {
                None
            };
            Bound::checked(
                Some(LowerBound {
                    version: v(lv),
                    inclusive: !lower_excl,
                }),
                upper,
            )
        }
    };
    match bound {
        Some(b) => Ok(Some(b)),
        None => Err(invalid_bound(part, off)),
    }
}
