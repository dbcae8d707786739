//! Python's `shlex.split` as pip uses it on the options part of a line.

use crate::text::Fault;

/// `shlex.split` (POSIX mode, no comments): tokens with the byte offset where each starts.
///
/// `tokens = ws* (word ws+)* [word]`, `word = (plain | '\\' char | "'" any* "'" | '"' (any |
/// '\\' char)* '"')+`, `ws = ' ' | '\t' | '\r' | '\n'`
pub(super) fn shlex_split(s: &str) -> Result<Vec<(String, usize)>, Fault> {
    #[derive(PartialEq)]
    enum State {
        Between,
        Word,
        Quote(char),
        Escape,
        QuoteEscape,
    }
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut state = State::Between;
    let mut quote_at = 0;
    for (i, c) in s.char_indices() {
        match state {
            State::Between => {
                if matches!(c, ' ' | '\t' | '\r' | '\n') {
                    continue;
                }
                start = i;
                current.clear();
                match c {
                    '\\' => state = State::Escape,
                    '\'' | '"' => {
                        quote_at = i;
                        state = State::Quote(c);
                    }
                    _ => {
                        current.push(c);
                        state = State::Word;
                    }
                }
            }
            State::Word => match c {
                ' ' | '\t' | '\r' | '\n' => {
                    tokens.push((std::mem::take(&mut current), start));
                    state = State::Between;
                }
                '\\' => state = State::Escape,
                '\'' | '"' => {
                    quote_at = i;
                    state = State::Quote(c);
                }
                _ => current.push(c),
            },
            State::Quote(q) => {
                if c == q {
                    state = State::Word;
                } else if q == '"' && c == '\\' {
                    state = State::QuoteEscape;
                } else {
                    current.push(c);
                }
            }
            State::Escape => {
                current.push(c);
                state = State::Word;
            }
            State::QuoteEscape => {
                if c != '"' && c != '\\' {
                    current.push('\\');
                }
                current.push(c);
                state = State::Quote('"');
            }
        }
    }
    match state {
        State::Between => {}
        State::Word => tokens.push((current, start)),
        State::Quote(_) | State::QuoteEscape => {
            return Err(Fault::new(quote_at..s.len(), "no closing quotation"))
        }
        State::Escape => return Err(Fault::at(s.len(), "no escaped character")),
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn shlex_quirks() {
        assert_eq!(
            shlex_split(r#"a 'b c' "d\"e" f\ g"#).unwrap(),
            vec![
                ("a".into(), 0),
                ("b c".into(), 2),
                ("d\"e".into(), 8),
                ("f g".into(), 15)
            ]
        );
        assert!(shlex_split("'open").is_err());
        assert!(shlex_split("end\\").is_err());
    }
}
