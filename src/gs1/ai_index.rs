//! The parser's view of a compiled [`Dictionary`]: AI lookup (through the Dictionary's own
//! constant-time index, so the crate has one AI lookup), plus the rules the reference engine
//! applies to AIs the dictionary does not define (stand-in entries, shapes by prefix).
//!
//! Invariants relied on by every parser (checked by the dictionary's tests):
//! - all AIs sharing their first two digits have the same length (GS1 General Specifications
//!   §3.1; the reference engine refuses a table that breaks this), so the length of the AI at the
//!   start of an element string is known from its first two digits;
//! - AIs are two to four digits.

use super::dictionary::{AiEntry, CharSet, Component, Dictionary};

/// Value lengths of the AI prefixes that GS1 pre-defines as fixed-length (GS1 General
/// Specifications figure 5.10.1-1); 0 means variable length. Consulted only to give an AI the
/// dictionary does not know the right shape when unknown AIs are permitted.
const FIXED_VALUE_LENGTH_BY_PREFIX: [u8; 100] = {
    let mut t = [0u8; 100];
    t[0] = 18;
    t[1] = 14;
    t[2] = 14;
    t[3] = 14;
    t[4] = 16;
    let mut i = 11;
    while i <= 19 {
        t[i] = 6;
        i += 1;
    }
    t[20] = 2;
    let mut i = 31;
    while i <= 36 {
        t[i] = 6;
        i += 1;
    }
    t[41] = 13;
    t
};

const UNKNOWN_X_1_90: &[Component] = &[Component {
    charset: CharSet::Cset82,
    min: 1,
    max: 90,
    optional: false,
    linters: &[],
}];
const UNKNOWN_X_13: &[Component] = &[Component {
    charset: CharSet::Cset82,
    min: 13,
    max: 13,
    optional: false,
    linters: &[],
}];
const UNKNOWN_X_6: &[Component] = &[Component {
    charset: CharSet::Cset82,
    min: 6,
    max: 6,
    optional: false,
    linters: &[],
}];

const fn unknown(components: &'static [Component], predefined_length: bool) -> AiEntry {
    AiEntry {
        ai: "",
        title: "UNKNOWN",
        predefined_length,
        dl_data_attribute: false,
        components,
        req: &[],
        ex: &[],
        dl_primary_key: None,
    }
}

/// An AI of unknown length (only usable where brackets or a URI path delimit it).
pub(crate) static UNKNOWN_ANY: AiEntry = unknown(UNKNOWN_X_1_90, false);
/// An unknown AI whose length is known from its prefix, variable-length data.
pub(crate) static UNKNOWN_VAR: AiEntry = unknown(UNKNOWN_X_1_90, false);
/// An unknown three-digit AI in a prefix pre-defined as 13 characters (41x).
pub(crate) static UNKNOWN_FIXED13: AiEntry = unknown(UNKNOWN_X_13, true);
/// An unknown four-digit AI in a prefix pre-defined as 6 characters (31xx–36xx).
pub(crate) static UNKNOWN_FIXED6: AiEntry = unknown(UNKNOWN_X_6, true);

/// Is this one of the stand-in entries for an AI the dictionary does not define?
pub(crate) fn is_unknown(entry: &AiEntry) -> bool {
    entry.ai.is_empty()
}

/// The lookups for one dictionary edition.
#[derive(Clone, Copy)]
pub(crate) struct AiIndex {
    pub(crate) dict: &'static Dictionary,
}

fn digits(ai: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    for &b in ai {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + usize::from(b - b'0');
    }
    Some(n)
}

/// Does an AI match a dictionary pattern such as `31nn` (`n`: any digit)?
pub(crate) fn matches_pattern(ai: &[u8], pattern: &[u8]) -> bool {
    pattern.len() == ai.len() && pattern.iter().zip(ai).all(|(&p, &a)| p == a || p == b'n')
}

impl AiIndex {
    /// The lookups for a dictionary edition (a view: the tables are the Dictionary's own).
    pub(crate) fn of(dict: &'static Dictionary) -> AiIndex {
        AiIndex { dict }
    }

    /// A known AI, exactly (the Dictionary's index; AIs are prefix-free).
    #[inline]
    fn known(&self, ai: &[u8]) -> Option<&'static AiEntry> {
        self.dict
            .match_prefix(ai)
            .filter(|e| e.ai.len() == ai.len())
    }

    /// Looks up an AI whose extent is known (bracketed data, Digital Link). With
    /// `permit_unknown`, an AI that does not clash with the dictionary's AI lengths is given a
    /// stand-in entry, as the reference engine does.
    pub(crate) fn lookup_exact(&self, ai: &[u8], permit_unknown: bool) -> Option<&'static AiEntry> {
        if !(2..=4).contains(&ai.len()) || digits(ai).is_none() {
            return None;
        }
        if let Some(e) = self.known(ai) {
            return Some(e);
        }
        let prefix = usize::from(ai[0] - b'0') * 10 + usize::from(ai[1] - b'0');
        let by_prefix = self.dict.ai_length(ai).unwrap_or(0);
        if by_prefix != 0 && by_prefix != ai.len() {
            return None;
        }
        if !permit_unknown {
            return None;
        }
        Some(self.vivify(prefix, by_prefix))
    }

    fn vivify(&self, prefix: usize, ai_len: usize) -> &'static AiEntry {
        let fixed = FIXED_VALUE_LENGTH_BY_PREFIX[prefix];
        match (ai_len, fixed) {
            (3, 0) | (4, 0) => &UNKNOWN_VAR,
            (3, 13) => &UNKNOWN_FIXED13,
            (4, 6) => &UNKNOWN_FIXED6,
            _ => &UNKNOWN_ANY,
        }
    }

    /// Finds the AI at the start of an element string. Returns the entry and the AI's length.
    /// An unknown AI whose length cannot be known from its prefix is never accepted here: its
    /// data could not be told apart from the AI.
    pub(crate) fn lookup_prefix(
        &self,
        data: &[u8],
        permit_unknown: bool,
    ) -> Option<(&'static AiEntry, usize)> {
        if data.len() < 2 || !data[0].is_ascii_digit() || !data[1].is_ascii_digit() {
            return None;
        }
        let prefix = usize::from(data[0] - b'0') * 10 + usize::from(data[1] - b'0');
        let len = self.dict.ai_length(data)?;
        if data.len() < len {
            return None;
        }
        if let Some(e) = self.dict.match_prefix(data) {
            return Some((e, len));
        }
        let ai = &data[..len];
        if !permit_unknown || digits(ai).is_none() {
            return None;
        }
        let e = self.vivify(prefix, len);
        if std::ptr::eq(e, &UNKNOWN_ANY) {
            return None;
        }
        Some((e, len))
    }

    /// Looks up a known AI by its digits (no stand-ins).
    pub(crate) fn lookup(&self, ai: &str) -> Option<&'static AiEntry> {
        self.known(ai.as_bytes())
    }
}

/// Value length consumed by an AI with a pre-defined length: the sum of its components' maxima.
pub(crate) fn predefined_value_len(entry: &AiEntry) -> usize {
    entry.max_length()
}

/// Minimum and maximum value length over all components (optional components count 0 towards
/// the minimum): the dictionary's own [`AiEntry::min_length`] and [`AiEntry::max_length`].
pub(crate) fn value_len_bounds(entry: &AiEntry) -> (usize, usize) {
    (entry.min_length(), entry.max_length())
}

/// Is `seq` (primary key first, then qualifiers in path order) a valid Digital Link key-qualifier
/// sequence? Valid sequences are the key followed by any ordered subsequence of one of the key's
/// `dlpkey` qualifier lists.
pub(crate) fn is_valid_dl_path(index: &AiIndex, seq: &[&str]) -> bool {
    let Some((first, rest)) = seq.split_first() else {
        return false;
    };
    let Some(entry) = index.lookup(first) else {
        return false;
    };
    let Some(alternatives) = entry.dl_primary_key else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    alternatives.iter().any(|alt| {
        let mut it = alt.iter();
        rest.iter().all(|q| it.by_ref().any(|a| a == q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_value_lengths_follow_the_general_specifications() {
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[0], 18);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[17], 6);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[20], 2);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[23], 0);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[36], 6);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[41], 13);
    }

    /// The parser's lookups are the Dictionary's: every AI of both editions is found exactly,
    /// by its digits and at the start of an element string, and nothing else of its length is.
    #[test]
    fn lookups_follow_the_dictionary() {
        for dict in [Dictionary::release(), Dictionary::next()] {
            let index = AiIndex::of(dict);
            for e in dict.entries {
                let found = index.lookup(e.ai).map(|f| f.ai);
                assert_eq!(found, Some(e.ai));
                assert_eq!(
                    index.lookup_exact(e.ai.as_bytes(), false).map(|f| f.ai),
                    Some(e.ai)
                );
                let data = format!("{}123", e.ai);
                let (f, len) = index.lookup_prefix(data.as_bytes(), false).expect("prefix");
                assert_eq!((f.ai, len), (e.ai, e.ai.len()));
            }
            let defined: std::collections::HashSet<&str> =
                dict.entries.iter().map(|e| e.ai).collect();
            for n in 0..10_000usize {
                for width in 2..=4 {
                    if n >= 10usize.pow(width) {
                        continue;
                    }
                    let ai = format!("{n:0w$}", w = width as usize);
                    let known = defined.contains(ai.as_str());
                    assert_eq!(index.lookup(&ai).is_some(), known, "({ai})");
                }
            }
        }
    }
}
