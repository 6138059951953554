//! Configuration diagnostics: every problem found in a configuration, each with the file, line,
//! column and key it concerns, so a technician can fix all of them in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The gateway will run, but something may not be what was meant (e.g. a device path that
    /// does not exist yet).
    Warning,
    /// The configuration is rejected.
    Error,
}

/// One finding about a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the offending key is in (the main file when it cannot be placed).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The key path, e.g. `source[1].baud` or `mqtt.qos`.
    pub key: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl Diagnostic {
    /// An error about `key`, to be placed in a file later.
    pub fn error(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: PathBuf::new(),
            line: None,
            column: None,
            key: key.into(),
            message: message.into(),
        }
    }

    /// A warning about `key`.
    pub fn warning(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(key, message)
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub(crate) fn at(mut self, file: &Path, position: Option<(usize, usize)>) -> Diagnostic {
        self.file = file.to_path_buf();
        if let Some((line, column)) = position {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.key.is_empty() {
            write!(f, ": {level}: {}", self.message)
        } else {
            write!(f, ": {level}: `{}`: {}", self.key, self.message)
        }
    }
}

/// Every diagnostic of a configuration that could not be accepted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render(.0))]
pub struct ConfigError(pub Vec<Diagnostic>);

fn render(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut out = format!(
        "configuration rejected ({errors} error{})",
        if errors == 1 { "" } else { "s" }
    );
    for d in diagnostics {
        out.push_str("\n  ");
        out.push_str(&d.to_string());
    }
    out
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(did_you_mean("baudrate", &["baud", "path"]), None);
        assert_eq!(did_you_mean("bauds", &["baud", "path"]), Some("baud"));
        assert_eq!(
            did_you_mean("topic_prefx", &["topic_prefix", "qos"]),
            Some("topic_prefix")
        );
        assert_eq!(did_you_mean("zzzz", &["qos", "url"]), None);
    }

    #[test]
    fn renders_file_line_column_key() {
        let d = Diagnostic::error("mqtt.qos", "must be 0, 1 or 2").at(
            Path::new("/etc/gs1-gateway/gs1-gateway.toml"),
            Some((12, 7)),
        );
        assert_eq!(
            d.to_string(),
            "/etc/gs1-gateway/gs1-gateway.toml:12:7: error: `mqtt.qos`: must be 0, 1 or 2"
        );
    }
}
