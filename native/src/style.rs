//! Colour on terminals, plain text elsewhere.

use crate::cli::ColorChoice;
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

    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
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
