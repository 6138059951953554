//! The GS1 engine: pure, no I/O.
//!
//! Turns what a scanner, a camera or a person typed into validated GS1 data, and renders it back
//! in every standard form. Everything is driven by the GS1 Barcode Syntax Dictionary
//! (`resources/gs1/`), compiled into [`dictionary`] at build time. Accept/reject decisions and
//! normalisations follow GS1's reference implementation, the GS1 Barcode Syntax Engine
//! (`gs1encoders`), except where noted below.
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
//! `Gs1Message { symbology, elements, warnings, dl_path_len }` with `Element { ai, value }`.
//!
//! # Input forms
//!
//! | Input starts with | Read as |
//! |---|---|
//! | `]C1` GS1-128, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar/composite, `]J1` GS1 DotCode | element string, GS (0x1D) = FNC1 |
//! | `]E0` EAN-13/UPC-A/UPC-E, `]E4` EAN-8 | the GTIN, as AI (01) padded to 14 digits; `\|]e0…` adds a composite component |
//! | `]d1`, `]Q1`, `]C0`, `]J0` (plain data) | a Digital Link URI if it starts `http://`/`https://` (either case, not mixed); otherwise error `not_gs1` carrying the symbology. Deliberate difference: the reference rejects `]C0` (GS1 approves Data Matrix, QR Code and DotCode as URI carriers); the gateway's input contract lists `]C0` plain data as possibly a URI, and a scanner that read one should not lose it |
//! | any other `]cm` | error `not_gs1` (a valid-looking identifier) or `unsupported_symbology` |
//! | `(` | bracketed: `(01)09506000134352(10)ABC`; `\(` is a literal bracket in data; `\|(99)…` adds a composite component |
//! | `http://`, `https://`, `HTTP://`, `HTTPS://` | Digital Link URI ([`digital_link`] lists the rules) |
//! | `^` | element string in the reference engine's notation, `^` = FNC1; `\|^99…` adds a composite component |
//! | GS or two digits | element string (no symbology identifier) |
//! | anything else | error `not_gs1` |
//!
//! As in the reference, input longer than 8191 bytes (scanner data: 8190 after the symbology
//! identifier) is `too_long`, and a message holds at most 64 AIs (a Digital Link URI's ignored
//! query parameters count among them).
//!
//! # Messy scanners: decisions
//!
//! - **Leading GS** after the symbology identifier (some scanners transmit the FNC1 in first
//!   position), or a second `^` after the first in `^` notation: ignored, with a warning. The
//!   reference engine rejects it; a point-of-care scan should not fail on a transmission
//!   artefact that loses no information.
//! - **Doubled GS** (or `^^`) between elements: read as one separator, with a warning (same
//!   reasoning); doubled at the end, silently, like a single trailing GS.
//! - **Trailing GS** after the last element: accepted silently, as the reference does.
//! - **Missing GS** after a variable-length field makes that field swallow the next AI. This
//!   cannot be undone safely, so the data is taken as encoded; but where the value ends in digits
//!   that read as a complete run of known AIs with valid data, starting with a fixed-length one
//!   (`10ABC123` + `17261231`), a warning says a separator may be missing.
//! - **Lower-case hex** in Digital Link percent-escapes (`%2f`) decodes like upper case; a `%`
//!   not followed by two hex digits is kept literally (reference behaviour).
//! - `^` in scanner data is an illegal character (it would be confused with FNC1).
//! - **EAN/UPC** (`]E0`, `]E4`): the GTIN is read as AI (01) (GS1 General Specifications: the
//!   data of an EAN/UPC symbol is a GTIN). The reference engine keeps it as plain primary data
//!   with no AI, so it gives `]E0…` alone no AI data and a `]E0…|]e0…` composite only the 2D
//!   component's AIs (and no Digital Link URI for lack of a primary key).
//! - **Composites** in `(…)|(…)` and `^…|^…` notation are one message: the reference's HRI
//!   marks the component boundary (`|`, `--`), ours does not.
//!
//! # Association rules
//!
//! `req=` (including the `+` form, repeated keys and patterns such as `31nn`) and `ex=` are
//! judged over the whole message. A scanner reads one carrier at a time, so by default they are
//! warnings; with [`ParseOptions::strict`] they are errors (`missing_required_ai`,
//! `forbidden_ai_pair`), matching the reference engine. A repeated AI with a different value and
//! a signature (8030) over a key without its serial component are always errors.
//!
//! # Rendering
//!
//! [`Gs1Message::hri`] is the bracketed form (data brackets escaped as `\(`, so it parses back);
//! [`Gs1Message::element_string`] puts GS only after variable-length AIs that are not last;
//! [`Gs1Message::digital_link`] follows the reference's canonical form (primary key, then the
//! longest satisfied qualifier sequence — ties to the lexically first, as in the reference's
//! sorted table — then fixed-length attributes, then the rest, in order). A message parsed from
//! a Digital Link URI keeps that URI's path ([`Gs1Message::dl_path_len`]), as the reference
//! does: `/01/…/235/…?10=…` renders back as given, while the same elements from bracketed data
//! choose `/01/…/10/…` and then fail, (235) not being a data attribute.

mod ai_index;
pub mod dictionary;
pub mod digital_link;
mod error;
pub mod identifiers;
pub mod lint;
mod parse;
mod render;

// Element strings are inline (up to 24 bytes, which covers every AI and nearly every value):
// a scan's message then costs one allocation, not two per element; measured in the
// `gs1_parse` bench.
use compact_str::CompactString;
use serde::Serialize;

pub use digital_link::{RenderError, DEFAULT_STEM};
pub use error::ErrorKind;
pub use identifiers::{Gln, Gsrn, Gtin, KeyError, Sscc};

use ai_index::AiIndex;
use dictionary::Dictionary;
use parse::Ctx;

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
    /// The dictionary edition to validate against; `None` is the tagged release
    /// ([`Dictionary::release`]).
    pub dictionary: Option<&'static Dictionary>,
}

/// One parsed element: an Application Identifier and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The AI digits, e.g. "01", "8018".
    pub ai: CompactString,
    /// The element's value, exactly as encoded.
    pub value: CompactString,
}

impl Element {
    /// The AI's title in the release dictionary ("GTIN", "BATCH/LOT"), or "UNKNOWN".
    pub fn title(&self) -> &'static str {
        AiIndex::of(Dictionary::release())
            .lookup(&self.ai)
            .map_or("UNKNOWN", |e| e.title)
    }
}

/// A validated GS1 message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Gs1Message {
    /// The AIM symbology identifier the data came with (`]d2`), if any.
    pub symbology: Option<CompactString>,
    /// Elements in the order they were encoded.
    pub elements: Vec<Element>,
    /// Non-fatal findings (association rules in non-strict mode, repaired scanner quirks).
    pub warnings: Vec<String>,
    /// When parsed from a Digital Link URI: how many leading elements formed its path (primary
    /// key and key qualifiers), which [`Gs1Message::digital_link`] keeps, as the reference
    /// does. 0 otherwise: the path is then chosen from the dictionary's `dlpkey` sequences.
    #[serde(skip)]
    pub dl_path_len: usize,
}

/// Why an input is not valid GS1 data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Machine-readable kind, e.g. "bad_check_digit" ([`ErrorKind::as_str`], or a linter's rule
    /// such as "illegal_month").
    pub kind: String,
    /// Human-readable message, naming the AI and the rule. Never contains the data itself.
    pub message: String,
    /// The AI concerned, when there is one.
    pub ai: Option<String>,
    /// Byte span `[start, end)` of the offending data in the input.
    pub span: Option<(usize, usize)>,
    /// The AIM symbology identifier of the input, when it had one (so that a `not_gs1` scan can
    /// be handed to another stage, e.g. HIBC).
    pub symbology: Option<String>,
}

/// The longest input the reference engine accepts (its `MAX_DATA`).
const MAX_INPUT: usize = 8191;

/// Symbology identifiers whose data is a GS1 element string.
const AI_SYMBOLOGIES: [&[u8]; 5] = [b"]C1", b"]d2", b"]Q3", b"]e0", b"]J1"];
/// Whether `input` starts with the AIM symbology identifier of a symbol whose data is a GS1
/// element string (`]C1`, `]d2`, `]Q3`, `]e0`, `]J1`).
pub fn starts_with_ai_symbology(input: &[u8]) -> bool {
    AI_SYMBOLOGIES.iter().any(|s| input.starts_with(s))
}

/// Symbology identifiers whose plain data may be a Digital Link URI.
const PLAIN_SYMBOLOGIES: [&[u8]; 4] = [b"]d1", b"]Q1", b"]C0", b"]J0"];

/// Parses any supported input form. See the module docs.
pub fn parse(input: &[u8], options: &ParseOptions) -> Result<Gs1Message, ParseError> {
    let mut ctx = Ctx::new(input, options);
    let symbology = run(&mut ctx)?;
    Ok(ctx.finish(symbology))
}

/// As [`parse`], but writes the message into `out`, reusing its vectors and strings: the
/// allocation-free form for readers that parse scan after scan. On error `out` is unchanged.
pub fn parse_into(
    input: &[u8],
    options: &ParseOptions,
    out: &mut Gs1Message,
) -> Result<(), ParseError> {
    let mut ctx = Ctx::new(input, options);
    let symbology = run(&mut ctx)?;
    ctx.finish_into(symbology, out);
    Ok(())
}

/// Parses into `ctx` (kept by the caller: the context is large and moving it costs more than
/// some whole parses); returns the symbology identifier.
fn run<'a>(ctx: &mut Ctx<'a>) -> Result<Option<&'a [u8]>, ParseError> {
    let input = ctx.input;
    if input.is_empty() {
        return Err(parse::err(ErrorKind::Empty, "no data", None, None));
    }
    // The reference engine's input buffer (8191 characters; scanner data 8190 after its
    // identifier), far beyond any symbol's capacity. Bracketed data is limited by its 64 AIs.
    let limit = if input[0] == b']' {
        MAX_INPUT + 2
    } else {
        MAX_INPUT
    };
    if input.len() > limit && input[0] != b'(' {
        let mut e = parse::err(
            ErrorKind::TooLong,
            format!("input is longer than {limit} characters"),
            None,
            Some((limit, input.len())),
        );
        if input[0] == b']' {
            e.symbology = Some(String::from_utf8_lossy(&input[..input.len().min(3)]).into_owned());
        }
        return Err(e);
    }
    if input[0] == b']' {
        let sym = &input[..input.len().min(3)];
        let checked = parse_scanner_data(ctx, sym).and_then(|()| ctx.check_associations());
        return match checked {
            Ok(()) => Ok(Some(sym)),
            Err(mut e) => {
                e.symbology = Some(String::from_utf8_lossy(sym).into_owned());
                Err(e)
            }
        };
    }
    let end = input.len();
    match input[0] {
        b'(' | b'^' => {
            // A composite symbol's data, in the reference engine's notation: the linear
            // component, `|`, the 2D component (`|` is not in any GS1 character set).
            let bracketed = input[0] == b'(';
            let linear_end = memchr::memchr(b'|', input).unwrap_or(end);
            if bracketed {
                ctx.bracketed(0, linear_end)?;
            } else {
                ctx.element_string(0, linear_end, true)?;
            }
            if linear_end < end {
                let cc = linear_end + 1;
                match input.get(cc) {
                    Some(b'(') if bracketed => ctx.bracketed(cc, end)?,
                    Some(b'^') if !bracketed => ctx.element_string(cc, end, true)?,
                    _ => {
                        return Err(parse::err(
                            ErrorKind::NoAiData,
                            format!(
                                "the composite component after '|' must start with '{}'",
                                if bracketed { '(' } else { '^' }
                            ),
                            None,
                            Some((linear_end, end)),
                        ))
                    }
                }
            }
        }
        parse::GS => ctx.element_string(0, end, false)?,
        b'0'..=b'9' if input.len() >= 2 && input[1].is_ascii_digit() => {
            ctx.element_string(0, end, false)?
        }
        _ if digital_link::scheme_len(input).is_some() => ctx.digital_link(0)?,
        _ => {
            return Err(parse::err(
                ErrorKind::NotGs1,
                "not GS1 data: no symbology identifier, AI, bracketed AI or Digital Link URI",
                None,
                Some((0, input.len())),
            ))
        }
    }
    ctx.check_associations()?;
    Ok(None)
}

fn parse_scanner_data(ctx: &mut Ctx<'_>, sym: &[u8]) -> Result<(), ParseError> {
    let input = ctx.input;
    if sym.len() < 3 || !sym[1].is_ascii_alphabetic() || !sym[2].is_ascii_alphanumeric() {
        return Err(parse::err(
            ErrorKind::UnsupportedSymbology,
            "malformed AIM symbology identifier: expected ']' + code letter + modifier",
            None,
            Some((0, sym.len())),
        ));
    }
    if AI_SYMBOLOGIES.contains(&sym) {
        return ctx.element_string(3, input.len(), false);
    }
    match sym {
        b"]E0" => return ctx.ean(3, 13),
        b"]E4" => return ctx.ean(3, 8),
        _ => {}
    }
    let sym_str = String::from_utf8_lossy(sym);
    if PLAIN_SYMBOLOGIES.contains(&sym) {
        if digital_link::scheme_len(&input[3..]).is_some() {
            return ctx.digital_link(3);
        }
        return Err(parse::err(
            ErrorKind::NotGs1,
            format!("{sym_str} carries plain data that is not a GS1 Digital Link URI"),
            None,
            Some((3, input.len())),
        ));
    }
    Err(parse::err(
        ErrorKind::NotGs1,
        format!("{sym_str} is not a GS1 symbology"),
        None,
        Some((0, input.len())),
    ))
}

/// Parses, as [`parse`], a string.
pub fn parse_str(input: &str, options: &ParseOptions) -> Result<Gs1Message, ParseError> {
    parse(input.as_bytes(), options)
}

impl Gs1Message {
    /// The first value of an AI.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// GTIN (01), as 14 digits.
    pub fn gtin(&self) -> Option<Gtin> {
        self.get("01").and_then(|v| Gtin::try_from(v).ok())
    }

    /// Batch or lot number (10).
    pub fn batch(&self) -> Option<&str> {
        self.get("10")
    }

    /// Serial number (21).
    pub fn serial(&self) -> Option<&str> {
        self.get("21")
    }

    /// Expiry date (17), with day 00 read as the last day of the month and the century chosen by
    /// the GS1 sliding window around the current year.
    pub fn expiry(&self) -> Option<time::Date> {
        self.date("17", current_year())
    }

    /// Best-before date (15).
    pub fn best_before(&self) -> Option<time::Date> {
        self.date("15", current_year())
    }

    /// Production date (11).
    pub fn production_date(&self) -> Option<time::Date> {
        self.date("11", current_year())
    }

    /// A `YYMMDD` date AI relative to `reference_year` (see [`identifiers::yymmdd`]).
    pub fn date(&self, ai: &str, reference_year: i32) -> Option<time::Date> {
        self.get(ai)
            .and_then(|v| identifiers::yymmdd(v, reference_year))
    }

    /// SSCC (00).
    pub fn sscc(&self) -> Option<Sscc> {
        self.get("00").and_then(|v| Sscc::try_from(v).ok())
    }

    /// Physical location GLN (414) and its extension component (254), if any.
    pub fn gln(&self) -> Option<(Gln, Option<&str>)> {
        let gln = self.get("414").and_then(|v| Gln::try_from(v).ok())?;
        Some((gln, self.get("254")))
    }

    /// GSRN of a service provider (8017): a member of staff.
    pub fn gsrn_provider(&self) -> Option<Gsrn> {
        self.get("8017").and_then(|v| Gsrn::try_from(v).ok())
    }

    /// GSRN of a service recipient (8018): a patient. Carries the NHS number: never log it.
    pub fn gsrn_recipient(&self) -> Option<Gsrn> {
        self.get("8018").and_then(|v| Gsrn::try_from(v).ok())
    }

    /// Service relation instance number (8019).
    pub fn srin(&self) -> Option<&str> {
        self.get("8019")
    }

    /// Global individual asset identifier (8004).
    pub fn giai(&self) -> Option<&str> {
        self.get("8004")
    }

    /// Global returnable asset identifier (8003).
    pub fn grai(&self) -> Option<&str> {
        self.get("8003")
    }

    /// Count of items (30, variable count) or of trade items in a logistic unit (37).
    pub fn count(&self) -> Option<u64> {
        self.get("30")
            .or_else(|| self.get("37"))
            .and_then(|v| v.parse().ok())
    }

    /// The bracketed form, `(01)…(10)…`; data brackets are escaped as `\(`.
    pub fn hri(&self) -> String {
        render::hri(&self.elements)
    }

    /// [`Gs1Message::hri`], appended to `out`: for writers that render scan after scan into
    /// one buffer.
    pub fn write_hri(&self, out: &mut String) {
        render::hri_into(&self.elements, out);
    }

    /// The element string, FNC1 written as GS and only after variable-length AIs that are not
    /// last. No symbology identifier, no leading FNC1.
    pub fn element_string(&self) -> String {
        render::element_string(&index(), &self.elements)
    }

    /// The canonical GS1 Digital Link URI on `stem` (e.g. [`DEFAULT_STEM`]).
    pub fn digital_link(&self, stem: &str) -> Result<String, RenderError> {
        digital_link::render(&index(), &self.elements, self.dl_path_len, stem)
    }

    /// [`Gs1Message::digital_link`], appended to `out`; on error `out` is unchanged.
    pub fn write_digital_link(&self, stem: &str, out: &mut String) -> Result<(), RenderError> {
        digital_link::render_into(&index(), &self.elements, self.dl_path_len, stem, out)
    }

    /// What a scanner with AIM identifiers on would transmit for these elements in `symbology`
    /// (`]d2`, `]C1`, `]Q3`, `]e0`, `]J1`; `]E0`/`]E4` for a lone GTIN; `]Q1`/`]d1` as a Digital
    /// Link URI on the default stem).
    pub fn scanner_data(&self, symbology: &str) -> Result<String, RenderError> {
        render::scanner_data(&index(), &self.elements, self.dl_path_len, symbology)
    }
}

fn index() -> AiIndex {
    AiIndex::of(Dictionary::release())
}

fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
