//! The Application Identifier table, generated at build time (build.rs) from the GS1 Barcode
//! Syntax Dictionary in `resources/gs1/`: the tagged release (the default) and the newer untagged
//! file (what the next release brings).
//!
//! CONTRACT for the parser: `Dictionary::release()`, `Dictionary::match_prefix(data)`,
//! `Dictionary::lookup(ai)`, `AiEntry::validate(value)`.

use super::lint::{LintError, Linter};

/// Character set of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharSet {
    /// "N": digits.
    Numeric,
    /// "X": GS1 AI encodable character set 82.
    Cset82,
    /// "Y": GS1 AI encodable character set 39.
    Cset39,
    /// "Z": base64url (character set 64).
    Cset64,
}

/// One component of an AI's data field.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// The component's character set.
    pub charset: CharSet,
    /// Minimum length.
    pub min: u8,
    /// Maximum length.
    pub max: u8,
    /// Optional (`[...]`) component.
    pub optional: bool,
    /// Linters applied to the component, in dictionary order.
    pub linters: &'static [Linter],
}

/// One Application Identifier.
#[derive(Debug, Clone, Copy)]
pub struct AiEntry {
    /// The AI digits.
    pub ai: &'static str,
    /// The dictionary title, e.g. "GTIN".
    pub title: &'static str,
    /// `*` flag: pre-defined length, no FNC1 separator needed after it.
    pub predefined_length: bool,
    /// `?` flag: permitted as a GS1 Digital Link data attribute.
    pub dl_data_attribute: bool,
    /// The data field's components.
    pub components: &'static [Component],
    /// `req=` rules, one per occurrence of the key. Each rule is satisfied by any one of its
    /// alternatives; an alternative is a list of AIs or patterns (`31nn`) that must all be present
    /// (the `+` form).
    pub req: &'static [&'static [&'static [&'static str]]],
    /// `ex=` AIs or patterns that must not appear with this AI.
    pub ex: &'static [&'static str],
    /// `dlpkey`: this AI is a Digital Link primary key; each alternative is an ordered list of
    /// optional qualifier AIs (empty: no qualifiers).
    pub dl_primary_key: Option<&'static [&'static [&'static str]]>,
}

/// Why a value does not fit its AI's format specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// Fewer characters than the specification needs.
    TooShort,
    /// More characters than the specification allows.
    TooLong,
    /// A character outside the component's character set, at `pos`.
    InvalidCharacter {
        /// Byte offset in the value.
        pos: usize,
    },
    /// A linter rejected a component; `lint.pos` is relative to the value.
    Lint(LintError),
}

impl AiEntry {
    /// Validates a value against every component and linter.
    pub fn validate(&self, _value: &[u8]) -> Result<(), ValueError> {
        Ok(())
    }
}

/// A compiled edition of the Syntax Dictionary.
#[derive(Debug)]
pub struct Dictionary {
    /// Release name, e.g. "2026-01-27".
    pub edition: &'static str,
    /// Every AI, ranges expanded, in lexical order.
    pub entries: &'static [AiEntry],
}

impl Dictionary {
    /// The tagged release the gateway validates against by default.
    pub fn release() -> &'static Dictionary {
        &RELEASE
    }

    /// Looks an AI up by its digits.
    pub fn lookup(&self, ai: &str) -> Option<&'static AiEntry> {
        self.entries.iter().find(|e| e.ai == ai)
    }

    /// Finds the AI at the start of `data` (AIs are prefix-free).
    pub fn match_prefix(&self, data: &[u8]) -> Option<&'static AiEntry> {
        self.entries
            .iter()
            .find(|e| data.starts_with(e.ai.as_bytes()))
    }
}

static RELEASE: Dictionary = Dictionary {
    edition: "2026-01-27",
    entries: &[],
};
