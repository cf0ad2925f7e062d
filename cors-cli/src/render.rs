//! Rendering shared by the commands.

use std::io::IsTerminal;

use cors_policy::{Renderer, Report};

/// Diagnostics as rustc-style text, coloured when stderr is a terminal.
pub(crate) fn diagnostics(report: &Report) -> String {
    let renderer = if std::io::stderr().is_terminal() {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    report.render_with(&renderer)
}

/// Bytes as text, with invalid UTF-8 escaped.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
