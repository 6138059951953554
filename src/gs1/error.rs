//! The machine-readable error kinds of [`ParseError`](super::ParseError).
//!
//! Messages name the AI and the rule but never repeat the data itself: a wristband's GSRN
//! carries the patient's NHS number, and errors end up in logs. The span locates the data.

/// Why an input was rejected. [`ErrorKind::as_str`] is the `kind` of a [`super::ParseError`]
/// and of the `parse` command's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is empty.
    Empty,
    /// Plain (non-GS1) data, such as `]Q1hello` or `]C0…`: another stage (e.g. HIBC) may want it.
    NotGs1,
    /// A symbology identifier that is malformed or cannot carry GS1 data.
    UnsupportedSymbology,
    /// A GS1 symbology identifier with no AI data after it.
    NoAiData,
    /// The data does not start with an AI the dictionary defines.
    UnknownAi,
    /// An AI with an empty value.
    EmptyValue,
    /// A value shorter than the AI's format allows.
    TooShort,
    /// A value longer than the AI's format allows.
    TooLong,
    /// A character outside the component's character set (or a `^`, which would be read as FNC1).
    InvalidCharacter,
    /// A GS1 check digit is wrong; the message gives the expected digit.
    BadCheckDigit,
    /// A linter other than the check digit rejected a component (the kind is the linter's rule,
    /// e.g. `illegal_month`); see [`super::ParseError::kind`].
    Lint,
    /// The same AI appears twice with different values.
    RepeatedAiDifferentValues,
    /// An AI's `req=` rule is not satisfied (an error only in strict mode).
    MissingRequiredAi,
    /// Two AIs that `ex=` forbids together (an error only in strict mode).
    ForbiddenAiPair,
    /// A digital signature (8030) with a key that carries no serial component.
    SignatureNeedsSerialisedKey,
    /// More than 64 AIs, the reference engine's limit.
    TooManyAis,
    /// Bracketed input that is not `(AI)value…`.
    BracketSyntax,
    /// EAN/UPC data (`]E0`, `]E4`) of the wrong length or with a wrong check digit.
    BadPrimaryData,
    /// A GS1 Digital Link URI that breaks the standard's structure rules.
    DigitalLink,
}

impl ErrorKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty",
            ErrorKind::NotGs1 => "not_gs1",
            ErrorKind::UnsupportedSymbology => "unsupported_symbology",
            ErrorKind::NoAiData => "no_ai_data",
            ErrorKind::UnknownAi => "unknown_ai",
            ErrorKind::EmptyValue => "empty_value",
            ErrorKind::TooShort => "too_short",
            ErrorKind::TooLong => "too_long",
            ErrorKind::InvalidCharacter => "invalid_character",
            ErrorKind::BadCheckDigit => "bad_check_digit",
            ErrorKind::Lint => "lint",
            ErrorKind::RepeatedAiDifferentValues => "repeated_ai",
            ErrorKind::MissingRequiredAi => "missing_required_ai",
            ErrorKind::ForbiddenAiPair => "forbidden_ai_pair",
            ErrorKind::SignatureNeedsSerialisedKey => "signature_needs_serialised_key",
            ErrorKind::TooManyAis => "too_many_ais",
            ErrorKind::BracketSyntax => "bracket_syntax",
            ErrorKind::BadPrimaryData => "bad_primary_data",
            ErrorKind::DigitalLink => "digital_link",
        }
    }
}

/// `IllegalMonth` → `illegal_month`: linter codes become error kinds without a second table that
/// could drift from the linters'.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linter_codes_become_snake_case() {
        assert_eq!(snake_case("IncorrectCheckDigit"), "incorrect_check_digit");
        assert_eq!(snake_case("IllegalMonth"), "illegal_month");
    }
}
