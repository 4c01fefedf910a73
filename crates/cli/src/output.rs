//! The one output printer: JSON (one object per line) with the global `--json`, text otherwise.

use anyhow::Result;
use serde::Serialize;
use std::io::IsTerminal;

/// How a command prints its result.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Machine-readable JSON instead of text.
    pub json: bool,
}

impl Output {
    /// `value` as one line of JSON with `--json`, else what `text` prints.
    pub fn print<T: Serialize + ?Sized>(&self, value: &T, text: impl FnOnce()) -> Result<()> {
        if self.json {
            json_line(value)
        } else {
            text();
            Ok(())
        }
    }

    /// `value` as one line of JSON with `--json`, else as indented JSON.
    pub fn print_pretty<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        if self.json {
            json_line(value)
        } else {
            println!("{}", serde_json::to_string_pretty(value)?);
            Ok(())
        }
    }

    /// Whether to draw progress bars: never with `--json`, only on a terminal.
    pub fn progress(&self) -> bool {
        !self.json && std::io::stderr().is_terminal()
    }
}

/// `value` as one line of JSON on stdout.
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
