//! Colour on terminals, plain text elsewhere; and text made safe for a terminal.

use crate::cli::ColorChoice;
use std::borrow::Cow;
use std::io::IsTerminal;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    enabled: bool,
}

impl Style {
    /// Decides from the choice, `NO_COLOR` and whether stdout is a terminal.
    pub fn new(choice: ColorChoice, to_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && !no_color,
        };
        Style { enabled }
    }

    /// `text` (escaped by [`safe`]: only our own sequences reach the terminal) in colour.
    fn paint(&self, code: &str, text: &str) -> String {
        let text = safe(text);
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.into_owned()
        }
    }

    /// Bold.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    /// Dim.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    /// Red.
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }
    /// Yellow.
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }
    /// Green.
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }
    /// Cyan.
    pub fn cyan(&self, text: &str) -> String {
        self.paint("36", text)
    }
}

/// Whether standard error is a terminal (for progress bars).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Display width of `text` with ANSI escapes removed (characters, not bytes).
pub fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

/// `text` with every control character escaped, for a terminal: C0 (`\r` as `\r`, `\t` as
/// `\t`, others as `\x1b`), DEL (`\x7f`) and C1 (`\u{9b}`). A file name, package name or
/// requirement can then never move the cursor, erase a line, change colours or the window
/// title. JSON is never escaped this way: it is exact.
pub fn safe(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`safe`] for text of several lines (an error with its `^^^` underline, a tree): `\n` stays.
pub fn safe_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let is_control = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !text.contains(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\n' if !keep_newlines => out.push_str("\\n"),
            c if is_control(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(safe("plain"), "plain");
        assert_eq!(
            safe("a\x1b]0;title\x07b\r\x1b[2Kc\u{9b}31m\x7f\n"),
            "a\\x1b]0;title\\x07b\\r\\x1b[2Kc\\u{9b}31m\\x7f\\n"
        );
        assert_eq!(safe_lines("one\ntwo\r"), "one\ntwo\\r");
        let style = Style { enabled: true };
        assert_eq!(style.bold("x\x1b[8m"), "\x1b[1mx\\x1b[8m\x1b[0m");
    }
}
