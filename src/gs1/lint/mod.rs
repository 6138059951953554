//! The GS1 Barcode Syntax Dictionary's reference linters ("syntax tests"), one per dictionary
//! linter name, checked against the dictionary's own linter test vectors
//! (`tests/data/gs1-linter-vectors.json`).
//!
//! CONTRACT: `lint(Linter, component) -> Result<(), LintError>`; `Linter::from_name`.

/// A linter named in a component of the Syntax Dictionary (`N14,csum,gcppos2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Linter {
    /// GS1 mod-10 check digit.
    Csum,
}

impl Linter {
    /// The linter for a dictionary name, e.g. "csum".
    pub fn from_name(name: &str) -> Option<Linter> {
        match name {
            "csum" => Some(Linter::Csum),
            _ => None,
        }
    }
}

/// The reference implementation's error codes (`GS1_LINTER_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LintErrorCode {
    /// GS1_LINTER_INCORRECT_CHECK_DIGIT
    IncorrectCheckDigit,
}

/// A linter's finding: which rule, and the offending span within the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintError {
    /// The rule that failed.
    pub code: LintErrorCode,
    /// Start of the offending span, in bytes from the start of the component.
    pub pos: usize,
    /// Length of the offending span.
    pub len: usize,
}

/// Runs one linter over one component value.
pub fn lint(_linter: Linter, _component: &[u8]) -> Result<(), LintError> {
    Ok(())
}
