//! The Application Identifier table, generated at build time (build.rs) from the GS1 Barcode
//! Syntax Dictionary in `resources/gs1/`: the tagged release (the default) and the newer untagged
//! file (what the next release brings).
//!
//! CONTRACT for the parser: `Dictionary::release()`, `Dictionary::next()`,
//! `Dictionary::match_prefix(data)`, `Dictionary::lookup(ai)`, `AiEntry::validate(value)`.
//!
//! The text is parsed by `src/gs1/dictionary/syntax.rs`, shared by `build.rs`
//! and the tests (which re-parse both files and compare them with the compiled tables). A
//! dictionary with an unknown flag, component type, attribute or linter fails the build, naming
//! the line, so a new release cannot silently drop a check. Lookups are O(1) and allocation-free:
//! GS1 fixes an AI's length by its first two digits, which index a table of slots.

use super::lint::{lint, LintError, LintErrorCode, Linter, CSET39, CSET82};

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

impl ValueError {
    /// The offending span `(start, len)` within the value, when the error has one.
    pub fn span(&self) -> Option<(usize, usize)> {
        match self {
            ValueError::TooShort | ValueError::TooLong => None,
            ValueError::InvalidCharacter { pos } => Some((*pos, 1)),
            ValueError::Lint(e) => Some((e.pos, e.len)),
        }
    }

    /// The same error for a part that starts `offset` bytes into the value.
    fn shifted(self, offset: usize) -> ValueError {
        match self {
            ValueError::InvalidCharacter { pos } => {
                ValueError::InvalidCharacter { pos: pos + offset }
            }
            ValueError::Lint(e) => ValueError::Lint(LintError {
                pos: e.pos + offset,
                ..e
            }),
            other => other,
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueError::TooShort => f.write_str("the value is too short"),
            ValueError::TooLong => f.write_str("the value is too long"),
            ValueError::InvalidCharacter { pos } => {
                write!(f, "illegal character at position {pos}")
            }
            ValueError::Lint(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ValueError {}

impl CharSet {
    /// Checks that every byte of `part` belongs to the set. base64url (`Z`) also gets the
    /// reference's `=` padding rule, reported as a [`ValueError::Lint`].
    #[inline]
    pub fn check(self, part: &[u8]) -> Result<(), ValueError> {
        let table = match self {
            // The branch-free `fold` over the whole part vectorises; the position of a bad
            // character is only looked for once there is one.
            CharSet::Numeric => {
                if part.iter().fold(true, |ok, b| ok & b.is_ascii_digit()) {
                    return Ok(());
                }
                return match part.iter().position(|b| !b.is_ascii_digit()) {
                    Some(pos) => Err(ValueError::InvalidCharacter { pos }),
                    None => Ok(()),
                };
            }
            CharSet::Cset82 => &CSET82,
            CharSet::Cset39 => &CSET39,
            CharSet::Cset64 => {
                return match lint(Linter::Cset64, part) {
                    Ok(()) => Ok(()),
                    Err(e) if e.code == LintErrorCode::InvalidCset64Character => {
                        Err(ValueError::InvalidCharacter { pos: e.pos })
                    }
                    Err(e) => Err(ValueError::Lint(e)),
                }
            }
        };
        if part.iter().fold(true, |ok, &b| ok & table[usize::from(b)]) {
            return Ok(());
        }
        match part.iter().position(|&b| !table[usize::from(b)]) {
            Some(pos) => Err(ValueError::InvalidCharacter { pos }),
            None => Ok(()),
        }
    }
}

impl Component {
    /// Whether the component has a fixed length.
    pub fn is_fixed(&self) -> bool {
        self.min == self.max
    }

    /// Validates one component's data: character set first, then each linter in dictionary
    /// order (as the reference engine does). Positions are relative to `part`.
    #[inline]
    pub fn validate(&self, part: &[u8]) -> Result<(), ValueError> {
        self.charset.check(part)?;
        for &linter in self.linters {
            lint(linter, part).map_err(ValueError::Lint)?;
        }
        Ok(())
    }
}

impl AiEntry {
    /// The shortest valid value: every mandatory component at its minimum length.
    pub fn min_length(&self) -> usize {
        self.components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| usize::from(c.min))
            .sum()
    }

    /// The longest valid value: every component at its maximum length.
    pub fn max_length(&self) -> usize {
        self.components.iter().map(|c| usize::from(c.max)).sum()
    }

    /// Validates a value against every component and linter.
    ///
    /// The components are applied in order, each consuming a prefix of its prescribed length
    /// (a variable-length component is always the last one and takes the rest); optional
    /// components are skipped once the data is exhausted, otherwise they apply in full.
    /// Overall length is checked first, so an over-long GTIN is reported as too long rather
    /// than as a bad check digit. Positions in errors are relative to the whole value.
    /// Allocation-free.
    pub fn validate(&self, value: &[u8]) -> Result<(), ValueError> {
        if value.len() < self.min_length() {
            return Err(ValueError::TooShort);
        }
        if value.len() > self.max_length() {
            return Err(ValueError::TooLong);
        }
        let mut pos = 0;
        for c in self.components {
            let remaining = value.len() - pos;
            if remaining == 0 && c.optional {
                break;
            }
            let take = remaining.min(usize::from(c.max));
            if take < usize::from(c.min) {
                return Err(ValueError::TooShort);
            }
            c.validate(&value[pos..pos + take])
                .map_err(|e| e.shifted(pos))?;
            pos += take;
        }
        if pos < value.len() {
            return Err(ValueError::TooLong);
        }
        Ok(())
    }

    /// The index and byte range of the component that covers byte `pos` of a value of
    /// `value_len` bytes, following the same consumption rules as [`AiEntry::validate`].
    pub fn component_at(
        &self,
        value_len: usize,
        pos: usize,
    ) -> Option<(usize, std::ops::Range<usize>)> {
        let mut start = 0;
        for (i, c) in self.components.iter().enumerate() {
            let remaining = value_len.saturating_sub(start);
            if remaining == 0 {
                break;
            }
            let end = start + remaining.min(usize::from(c.max));
            if pos < end {
                return Some((i, start..end));
            }
            start = end;
        }
        None
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
