//! Reading a version's text as packaging's regex reads it: where a specifier's operator
//! narrows the grammar ([`Allow`]), the version's shape, local labels and small numbers.

use super::*;

/// What a version may hold where it is read: a specifier's operator narrows packaging's
/// version grammar (no local label after `<`, a `.*` only after `==`/`!=`, ...).
#[derive(Debug, Clone, Copy)]
pub(super) struct Allow {
    pub(super) local: bool,
    pub(super) wildcard: bool,
    /// The fewest release numbers (`~=` needs two).
    pub(super) min_release: usize,
}

impl Allow {
    pub(super) const ALL: Allow = Allow {
        local: true,
        wildcard: false,
        min_release: 1,
    };
}

/// Where the parts of a version lie in its text (byte ranges), before numbers are read.
#[derive(Debug, Default)]
pub(super) struct Shape {
    pub(super) epoch: Option<(usize, usize)>,
    /// The release numbers and the dots between them.
    pub(super) release: (usize, usize),
    pub(super) release_len: usize,
    /// The first release numbers as the key holds them, read while scanning; `None` once a
    /// number does not fit a `u64` or a later one is not 0.
    pub(super) release_packed: Option<[u64; KEY_RELEASE_SLOTS]>,
    pub(super) pre: Option<(PreKind, Option<(usize, usize)>)>,
    pub(super) post: Option<Option<(usize, usize)>>,
    pub(super) dev: Option<Option<(usize, usize)>>,
    pub(super) local: Option<(usize, usize)>,
    pub(super) wildcard: bool,
}

impl Shape {
    /// Counts one more release number and packs it while it fits.
    pub(super) fn add_release_number(&mut self, digits: &[u8]) {
        if self.release_len == 0 {
            self.release_packed = Some([0; KEY_RELEASE_SLOTS]);
        }
        let slot = self.release_len;
        self.release_len += 1;
        let Some(packed) = &mut self.release_packed else {
            return;
        };
        let n = small_number(digits);
        match (n, packed.get_mut(slot)) {
            (Some(n), Some(slot)) => *slot = n,
            (Some(0), None) => {}
            _ => self.release_packed = None,
        }
    }

    /// The version: packed straight from the text when it fits the key (no allocation), else
    /// through its parts.
    pub(super) fn build(&self, text: &str) -> Result<Pep440Version, TooLong> {
        match self.packed(text) {
            Some(version) => Ok(version),
            None => self.parts(text).map(Pep440Version::from_parts),
        }
    }

    /// The packed version; `None` when a number of the public part does not fit the key (or a
    /// number is longer than Python reads: [`Shape::parts`] says so).
    pub(super) fn packed(&self, text: &str) -> Option<Pep440Version> {
        let num = |span: Option<(usize, usize)>| match span {
            Some((a, b)) => small_number(&text.as_bytes()[a..b]),
            None => Some(0),
        };
        let release = self.release_packed?;
        let pre = match self.pre {
            Some((kind, n)) => Some((kind, num(n)?)),
            None => None,
        };
        let post = match self.post {
            Some(n) => Some(num(n)?),
            None => None,
        };
        let dev = match self.dev {
            Some(n) => Some(num(n)?),
            None => None,
        };
        let key = pack_key(num(self.epoch)?, release, pre, post, dev)?;
        let extra = match self.local {
            Some((a, b)) => Some(Box::new(Extra::Local(local_parts(&text[a..b]).ok()?))),
            None => None,
        };
        Some(Pep440Version {
            key,
            release_len: self.release_len,
            extra,
        })
    }

    pub(super) fn parts(&self, text: &str) -> Result<Parts, TooLong> {
        let num = |span: Option<(usize, usize)>| match span {
            Some((a, b)) => Num::parse(&text[a..b]),
            None => Ok(Num::ZERO),
        };
        let release = text[self.release.0..self.release.1]
            .split('.')
            .map(Num::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let local = match self.local {
            None => None,
            Some((a, b)) => Some(local_parts(&text[a..b])?),
        };
        Ok(Parts {
            epoch: num(self.epoch)?,
            release,
            pre: match self.pre {
                Some((kind, n)) => Some((kind, num(n)?)),
                None => None,
            },
            post: self.post.map(num).transpose()?,
            dev: self.dev.map(num).transpose()?,
            local,
        })
    }
}

/// A local label's parts (`ubuntu-1.2` is `ubuntu`, 1, 2), letters in lower case.
pub(super) fn local_parts(label: &str) -> Result<Vec<LocalPart>, TooLong> {
    label
        .split(['.', '_', '-'])
        .map(|part| {
            if part.bytes().all(|b| b.is_ascii_digit()) {
                Num::parse(part).map(LocalPart::Number)
            } else {
                Ok(LocalPart::Text(part.to_ascii_lowercase().into()))
            }
        })
        .collect()
}

/// A run of ASCII digits as a `u64`; `None` when it overflows or is longer than Python's
/// `int()` reads (leading zeros count there, as in [`Num::parse`]).
pub(super) fn small_number(digits: &[u8]) -> Option<u64> {
    if digits.len() > MAX_DIGITS {
        return None;
    }
    digits.iter().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// A byte cursor over ASCII text, matching packaging's version regexes without backtracking
/// (its groups are possessive, so the greedy reading is the regex's).
pub(super) struct Cursor<'t> {
    pub(super) text: &'t [u8],
    pub(super) pos: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    pub(super) fn digits(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then_some((start, self.pos))
    }

    pub(super) fn separator(&mut self) -> bool {
        if matches!(self.peek(), Some(b'.' | b'_' | b'-')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The first of `words` (any case) at the cursor, consumed.
    pub(super) fn word<T: Copy>(&mut self, words: &[(&str, T)]) -> Option<T> {
        let rest = &self.text[self.pos..];
        let first = rest.first()?.to_ascii_lowercase();
        let (word, value) = words.iter().find(|(w, _)| {
            w.as_bytes()[0] == first
                && rest.len() >= w.len()
                && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes())
        })?;
        self.pos += word.len();
        Some(*value)
    }

    /// Runs `part`; restores the position where it gives `None` (an optional group).
    pub(super) fn optional<T>(&mut self, part: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let out = part(self);
        if out.is_none() {
            self.pos = start;
        }
        out
    }

    /// Reads a version into `shape` (a fresh one: it is filled in, not reset); `None` where the
    /// text does not start with one. (An out-parameter: returning the shape cost a copy of it,
    /// a tenth of a parse.)
    pub(super) fn version(&mut self, allow: Allow, shape: &mut Shape) -> Option<()> {
        if matches!(self.peek(), Some(b'v' | b'V')) {
            self.pos += 1;
        }
        shape.epoch = self.optional(|c| {
            let n = c.digits()?;
            (c.peek() == Some(b'!')).then(|| c.pos += 1).map(|()| n)
        });
        let first = self.digits()?;
        shape.release = first;
        shape.add_release_number(&self.text[first.0..first.1]);
        while let Some((start, end)) = self.optional(|c| {
            (c.peek() == Some(b'.')).then(|| c.pos += 1)?;
            c.digits()
        }) {
            shape.release.1 = end;
            shape.add_release_number(&self.text[start..end]);
        }
        if shape.release_len < allow.min_release {
            return None;
        }
        if allow.wildcard && self.text[self.pos..].starts_with(b".*") {
            self.pos += 2;
            shape.wildcard = true;
            return Some(());
        }
        const PRE: [(&str, PreKind); 8] = [
            ("alpha", PreKind::Alpha),
            ("a", PreKind::Alpha),
            ("beta", PreKind::Beta),
            ("b", PreKind::Beta),
            ("preview", PreKind::Rc),
            ("pre", PreKind::Rc),
            ("c", PreKind::Rc),
            ("rc", PreKind::Rc),
        ];
        shape.pre = self.optional(|c| {
            c.separator();
            let kind = c.word(&PRE)?;
            c.separator();
            Some((kind, c.digits()))
        });
        shape.post = self
            .optional(|c| {
                (c.peek() == Some(b'-')).then(|| c.pos += 1)?;
                c.digits().map(Some)
            })
            .or_else(|| {
                self.optional(|c| {
                    c.separator();
                    c.word(&[("post", ()), ("rev", ()), ("r", ())])?;
                    c.separator();
                    Some(c.digits())
                })
            });
        shape.dev = self.optional(|c| {
            c.separator();
            c.word(&[("dev", ())])?;
            c.separator();
            Some(c.digits())
        });
        if allow.local {
            shape.local = self.optional(|c| {
                (c.peek() == Some(b'+')).then(|| c.pos += 1)?;
                let start = c.pos;
                let alnum = |c: &mut Cursor| {
                    let s = c.pos;
                    while c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                        c.pos += 1;
                    }
                    (c.pos > s).then_some(())
                };
                alnum(c)?;
                while c
                    .optional(|c| c.separator().then_some(()).and_then(|()| alnum(c)))
                    .is_some()
                {}
                Some((start, c.pos))
            });
        }
        Some(())
    }
}
