//! Constant-time Application Identifier lookup over a compiled [`Dictionary`], plus the rules the
//! reference engine applies to AIs the dictionary does not define.
//!
//! Invariants (checked when the index is built, relied on by every parser):
//! - all AIs sharing their first two digits have the same length (GS1 General Specifications
//!   §3.1; the reference engine refuses a table that breaks this), so the length of the AI at the
//!   start of an element string is known from its first two digits;
//! - AIs are two to four digits.

use std::sync::OnceLock;

use super::dictionary::{AiEntry, CharSet, Component, Dictionary};

const NONE: u16 = u16::MAX;

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

/// The lookup tables for one dictionary edition.
pub(crate) struct AiIndex {
    pub(crate) dict: &'static Dictionary,
    /// AI length by two-digit prefix; 0 when no AI has that prefix.
    len_by_prefix: [u8; 100],
    two: [u16; 100],
    three: Box<[u16]>,
    four: Box<[u16]>,
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

impl AiIndex {
    fn build(dict: &'static Dictionary) -> AiIndex {
        let mut index = AiIndex {
            dict,
            len_by_prefix: [0; 100],
            two: [NONE; 100],
            three: vec![NONE; 1000].into_boxed_slice(),
            four: vec![NONE; 10000].into_boxed_slice(),
        };
        for (i, entry) in dict.entries.iter().enumerate() {
            let ai = entry.ai.as_bytes();
            let (Some(n), Ok(i)) = (digits(ai), u16::try_from(i)) else {
                continue;
            };
            if !(2..=4).contains(&ai.len()) {
                continue;
            }
            let prefix = usize::from(ai[0] - b'0') * 10 + usize::from(ai[1] - b'0');
            // A dictionary that broke the prefix-length invariant is rejected by the dictionary's
            // own tests; here the first length seen wins so lookups stay deterministic.
            if index.len_by_prefix[prefix] == 0 {
                index.len_by_prefix[prefix] = ai.len() as u8;
            }
            match ai.len() {
                2 => index.two[n] = i,
                3 => index.three[n] = i,
                _ => index.four[n] = i,
            }
        }
        index
    }

    /// The index for a dictionary; built once per edition and kept for the process lifetime.
    pub(crate) fn of(dict: &'static Dictionary) -> &'static AiIndex {
        static RELEASE: OnceLock<AiIndex> = OnceLock::new();
        static OTHERS: std::sync::Mutex<Vec<&'static AiIndex>> = std::sync::Mutex::new(Vec::new());
        if std::ptr::eq(dict, Dictionary::release()) {
            return RELEASE.get_or_init(|| AiIndex::build(dict));
        }
        let mut others = match OTHERS.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(found) = others.iter().find(|i| std::ptr::eq(i.dict, dict)) {
            return found;
        }
        let leaked: &'static AiIndex = Box::leak(Box::new(AiIndex::build(dict)));
        others.push(leaked);
        leaked
    }

    fn known(&self, ai: &[u8]) -> Option<&'static AiEntry> {
        let n = digits(ai)?;
        let slot = match ai.len() {
            2 => self.two[n],
            3 => self.three[n],
            4 => self.four[n],
            _ => NONE,
        };
        if slot == NONE {
            None
        } else {
            self.dict.entries.get(usize::from(slot))
        }
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
        let by_prefix = usize::from(self.len_by_prefix[prefix]);
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
        let len = usize::from(self.len_by_prefix[prefix]);
        if len == 0 || data.len() < len {
            return None;
        }
        let ai = &data[..len];
        if let Some(e) = self.known(ai) {
            return Some((e, len));
        }
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
    entry.components.iter().map(|c| usize::from(c.max)).sum()
}

/// Minimum and maximum value length over all components (optional components count 0 towards
/// the minimum).
pub(crate) fn value_len_bounds(entry: &AiEntry) -> (usize, usize) {
    let mut min = 0usize;
    let mut max = 0usize;
    for c in entry.components {
        if !c.optional {
            min += usize::from(c.min);
        }
        max += usize::from(c.max);
    }
    (min, max)
}

/// Does an AI match a dictionary pattern such as `31nn`, `310n` or `01`?
pub(crate) fn pattern_matches(pattern: &str, ai: &str) -> bool {
    pattern.len() == ai.len()
        && pattern
            .bytes()
            .zip(ai.bytes())
            .all(|(p, a)| p == a || (p == b'n' && a.is_ascii_digit()))
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
    fn patterns_match_digits_only_where_n() {
        assert!(pattern_matches("31nn", "3103"));
        assert!(pattern_matches("310n", "3105"));
        assert!(!pattern_matches("310n", "3115"));
        assert!(!pattern_matches("01", "010"));
        assert!(pattern_matches("01", "01"));
    }

    #[test]
    fn fixed_value_lengths_follow_the_general_specifications() {
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[0], 18);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[17], 6);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[20], 2);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[23], 0);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[36], 6);
        assert_eq!(FIXED_VALUE_LENGTH_BY_PREFIX[41], 13);
    }
}
