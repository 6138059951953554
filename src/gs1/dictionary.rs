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
    /// Release name, e.g. "2026-01-27" ("UNSET" for the untagged file).
    pub edition: &'static str,
    /// Every AI, ranges expanded, in lexical order.
    pub entries: &'static [AiEntry],
    index: AiIndex,
}

/// Constant-time AI lookup. GS1 fixes the length of every AI by its first two digits, so those
/// digits select the AI length and a block of `10^(length - 2)` slots; the remaining digits
/// select the slot, which holds an index into `entries` (`u16::MAX`: no such AI).
#[derive(Debug)]
struct AiIndex {
    lengths: [u8; 100],
    bases: [u16; 100],
    slots: &'static [u16],
}

impl Dictionary {
    /// The tagged release the gateway validates against by default.
    pub fn release() -> &'static Dictionary {
        &RELEASE
    }

    /// The newer, untagged dictionary: what the next release brings.
    pub fn next() -> &'static Dictionary {
        &NEXT
    }

    /// The length of the AIs this dictionary defines that start with the two digits
    /// `prefix` (e.g. `b"31"` -> 4), or `None` if it defines none.
    #[inline]
    pub fn ai_length(&self, prefix: &[u8]) -> Option<usize> {
        match prefix {
            [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                let p = usize::from(a - b'0') * 10 + usize::from(b - b'0');
                match self.index.lengths[p] {
                    0 => None,
                    l => Some(usize::from(l)),
                }
            }
            _ => None,
        }
    }

    /// Looks an AI up by its digits.
    #[inline]
    pub fn lookup(&self, ai: &str) -> Option<&'static AiEntry> {
        let ai = ai.as_bytes();
        match self.match_prefix(ai) {
            Some(e) if e.ai.len() == ai.len() => Some(e),
            _ => None,
        }
    }

    /// Finds the AI at the start of `data` (AIs are prefix-free).
    #[inline]
    pub fn match_prefix(&self, data: &[u8]) -> Option<&'static AiEntry> {
        let len = self.ai_length(data)?;
        let rest = data.get(2..len)?;
        let mut offset = 0usize;
        for &b in rest {
            if !b.is_ascii_digit() {
                return None;
            }
            offset = offset * 10 + usize::from(b - b'0');
        }
        let p = usize::from(data[0] - b'0') * 10 + usize::from(data[1] - b'0');
        let slot = *self
            .index
            .slots
            .get(usize::from(self.index.bases[p]) + offset)?;
        self.entries.get(usize::from(slot))
    }
}

// The generated tables: `static RELEASE: Dictionary` and `static NEXT: Dictionary`.
include!(concat!(env!("OUT_DIR"), "/gs1_dictionary.rs"));

#[cfg(test)]
mod syntax;

#[cfg(test)]
mod tests;
