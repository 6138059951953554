//! The GS1 engine: pure, no I/O.
//!
//! Turns what a scanner, a camera or a person typed into validated GS1 data, and renders it back
//! in every standard form. Everything is driven by the GS1 Barcode Syntax Dictionary
//! (`resources/gs1/`), compiled into [`dictionary`] at build time.
//!
//! Brief overview:
//! - [`parse`] accepts any input form (bracketed HRI, scanner data with an AIM symbology
//!   identifier, a bare element string, a GS1 Digital Link URI) and returns a [`Gs1Message`] or a
//!   precise [`ParseError`].
//! - [`dictionary`] is the Application Identifier table; [`lint`] holds the reference linters.
//! - [`Gs1Message`] renders HRI, element string, Digital Link URI and scanner data, and has typed
//!   accessors for the Scan4Safety identifiers (GTIN, batch, expiry, serial, GSRN, GLN, …).
//!
//! CONTRACT (shared by sources, camera decoding and events): `parse(input, &ParseOptions)`;
//! `Gs1Message { symbology, elements, warnings }` with `Element { ai, value }`.

pub mod dictionary;
pub mod lint;

use serde::Serialize;

/// Options for [`parse`]. `Default` is the strict-data, lenient-association mode a point-of-care
/// gateway wants: every element is fully validated, association rules (`req`/`ex`) are warnings.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Association rules (`req=`, `ex=`) are errors instead of warnings.
    pub strict: bool,
    /// Accept AIs the dictionary does not define (their data is taken up to the next GS).
    pub permit_unknown_ais: bool,
    /// Accept GTIN-8/12/13 in a Digital Link URI path (padded to 14 digits).
    pub permit_zero_suppressed_gtin: bool,
}

/// One parsed element: an Application Identifier and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The AI digits, e.g. "01", "8018".
    pub ai: String,
    /// The element's value, exactly as encoded.
    pub value: String,
}

/// A validated GS1 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gs1Message {
    /// The AIM symbology identifier the data came with (`]d2`), if any.
    pub symbology: Option<String>,
    /// Elements in the order they were encoded.
    pub elements: Vec<Element>,
    /// Non-fatal findings (association rules in non-strict mode, repaired scanner quirks).
    pub warnings: Vec<String>,
}

/// Why an input is not valid GS1 data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Machine-readable kind, e.g. "bad_check_digit".
    pub kind: String,
    /// Human-readable message, naming the AI and the rule.
    pub message: String,
    /// The AI concerned, when there is one.
    pub ai: Option<String>,
    /// Byte span `[start, end)` of the offending data in the input.
    pub span: Option<(usize, usize)>,
}

/// Parses any supported input form. See the module docs.
pub fn parse(_input: &[u8], _options: &ParseOptions) -> Result<Gs1Message, ParseError> {
    Err(ParseError {
        kind: "unimplemented".into(),
        message: "the GS1 parser is being built".into(),
        ai: None,
        span: None,
    })
}
