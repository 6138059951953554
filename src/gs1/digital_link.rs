//! GS1 Digital Link URIs: parsing (GS1 Digital Link standard 1.x, URI syntax §4–§6, as the GS1
//! Barcode Syntax Engine implements it in `dl.c`) and canonical rendering.
//!
//! Parsing rules:
//! - every character must be a URI character; the scheme is `http://` or `https://`, all lower or
//!   all upper case; the domain is not validated beyond its character set (IP literals, ports,
//!   punycode and custom domains are all fine);
//! - the path is read from its end in `/AI/value` pairs until the rightmost primary key
//!   (`dlpkey`); whatever precedes it is the stem (any depth, even containing AI-like segments);
//! - the key and its qualifiers must form a valid ordered key-qualifier sequence;
//! - the query's numeric keys must be AIs allowed as data attributes (`?` flag) and must not be
//!   qualifiers that belong in the path; non-numeric keys and parameters without `=` are ignored;
//!   a fragment is ignored;
//! - values are percent-decoded (hex digits in either case); `+` is a space only in the query; a
//!   decoded NUL is an error; an AI may appear only once;
//! - a GTIN-8/12/13 in (01) is padded to 14 digits only with `permit_zero_suppressed_gtin`.

use super::ai_index::{is_valid_dl_path, AiIndex};
use super::error::ErrorKind;
use super::parse::{err, AiCode, Ctx, Loc, Raw, MAX_AIS};
use smallvec::SmallVec;

use super::{Element, ParseError};

/// Canonical stem of GS1's resolver.
pub const DEFAULT_STEM: &str = "https://id.gs1.org";

/// Byte classes for URI validation, one table lookup per byte (every byte of every URI is
/// checked, so a linear search of the punctuation lists would dominate short URIs).
const URI_CHAR: u8 = 1;
const BAD_DOMAIN_CHAR: u8 = 2;
const URI_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        if (c as u8).is_ascii_alphanumeric() {
            t[c] = URI_CHAR;
        }
        c += 1;
    }
    let punct = b"-._~:/?#[]@!$&'()*+,;=%";
    let mut i = 0;
    while i < punct.len() {
        t[punct[i] as usize] |= URI_CHAR;
        i += 1;
    }
    let bad = b"_~?#@!$&'()*+,;=%";
    let mut i = 0;
    while i < bad.len() {
        t[bad[i] as usize] |= BAD_DOMAIN_CHAR;
        i += 1;
    }
    t
};

#[inline]
fn is_uri_char(c: u8) -> bool {
    URI_CLASS[usize::from(c)] & URI_CHAR != 0
}

#[inline]
fn is_bad_domain_char(c: u8) -> bool {
    URI_CLASS[usize::from(c)] & BAD_DOMAIN_CHAR != 0
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

/// Length of the scheme prefix if `data` starts like a Digital Link URI.
pub(crate) fn scheme_len(data: &[u8]) -> Option<usize> {
    if data.starts_with(b"https://") || data.starts_with(b"HTTPS://") {
        Some(8)
    } else if data.starts_with(b"http://") || data.starts_with(b"HTTP://") {
        Some(7)
    } else {
        None
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes into `out`; a `%` not followed by two hex digits is kept literally (as the
/// reference does). Returns false on a decoded NUL.
fn unescape(input: &[u8], query: bool, out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2])) {
                let b = (h << 4) | l;
                if b == 0 {
                    return false;
                }
                out.push(b);
                i += 3;
                continue;
            }
            out.push(b'%');
        } else if query && c == b'+' {
            out.push(b' ');
        } else {
            out.push(c);
        }
        i += 1;
    }
    true
}

/// Percent-encodes a value for a path segment or (with `query`) a query value. Runs of
/// unreserved characters are copied whole (most values are all unreserved).
pub(crate) fn escape(value: &str, query: bool, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    let mut start = 0;
    while let Some(i) = bytes[start..]
        .iter()
        .position(|&c| !is_unreserved(c))
        .map(|i| start + i)
    {
        // A non-empty run is unreserved ASCII, so both ends are character boundaries (an empty
        // one may sit inside a multi-byte character, which is escaped byte by byte).
        if start < i {
            out.push_str(&value[start..i]);
        }
        let c = bytes[i];
        if c == b' ' && query {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 0x0f)]));
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
}

fn dl_err(message: impl Into<String>, ai: Option<&str>, span: (usize, usize)) -> ParseError {
    err(ErrorKind::DigitalLink, message, ai, Some(span))
}

impl Ctx<'_> {
    /// Parses a Digital Link URI starting at `start` of the input.
    pub(crate) fn digital_link(&mut self, start: usize) -> Result<(), ParseError> {
        let input = self.input;
        let end = input.len();
        let uri = &input[start..];
        if let Some(pos) = uri.iter().position(|&c| !is_uri_char(c)) {
            return Err(dl_err(
                format!("illegal character in URI at position {}", start + pos + 1),
                None,
                (start + pos, start + pos + 1),
            ));
        }
        let Some(scheme) = scheme_len(uri) else {
            return Err(dl_err(
                "URI scheme must be http:// or https://",
                None,
                (start, end),
            ));
        };
        let dom = start + scheme;
        let slash = memchr::memchr(b'/', &input[dom..]).map(|i| dom + i);
        if let Some(pos) = input[dom..slash.unwrap_or(end)]
            .iter()
            .position(|&c| is_bad_domain_char(c))
        {
            return Err(dl_err(
                "illegal character in URI domain",
                None,
                (dom + pos, dom + pos + 1),
            ));
        }
        let Some(path_start) = slash.filter(|&s| s > dom) else {
            return Err(dl_err("URI has no domain and path", None, (start, end)));
        };
        let frag = memchr::memchr(b'#', &input[path_start..]).map_or(end, |i| path_start + i);
        let query = memchr::memchr(b'?', &input[path_start..frag]).map(|i| path_start + i);
        let path_end = query.unwrap_or(frag);

        // Segment boundaries of the path: slashes at path_start..path_end.
        let mut slashes: smallvec::SmallVec<[usize; 16]> = smallvec::SmallVec::new();
        for (i, &c) in input[path_start..path_end].iter().enumerate() {
            if c == b'/' {
                slashes.push(path_start + i);
            }
        }
        // Walk `/AI/value` pairs from the end for the rightmost primary key.
        let seg = |k: usize| -> (usize, usize) {
            let s = slashes[k] + 1;
            let e = slashes.get(k + 1).copied().unwrap_or(path_end);
            (s, e)
        };
        let nseg = slashes.len();
        let mut key_seg = None;
        let mut k = nseg;
        while k >= 2 {
            let ai_seg = k - 2;
            let (s, e) = seg(ai_seg);
            let Some(entry) = self
                .index
                .lookup_exact(&input[s..e], self.opts.permit_unknown_ais)
            else {
                break;
            };
            if entry.dl_primary_key.is_some() {
                key_seg = Some(ai_seg);
                break;
            }
            k -= 2;
        }
        let Some(key_seg) = key_seg else {
            return Err(dl_err(
                "no GS1 Digital Link primary key found in the URI path",
                None,
                (path_start, path_end),
            ));
        };

        let mut path_ais = 0usize;
        let mut k = key_seg;
        while k + 1 < nseg {
            let (s, e) = seg(k);
            let (vs, ve) = seg(k + 1);
            let entry = self
                .index
                .lookup_exact(&input[s..e], self.opts.permit_unknown_ais)
                .ok_or_else(|| dl_err("unknown AI in URI path", None, (s, e)))?;
            let ai = AiCode::new(&input[s..e]);
            self.dl_value(entry, ai, vs, ve, false)?;
            path_ais += 1;
            k += 2;
        }

        if let Some(q) = query {
            let mut p = q + 1;
            // Ignored (non-AI) parameters share the reference's 64 slots with the AIs.
            let mut ignored = 0usize;
            while p < frag {
                let r = memchr::memchr(b'&', &input[p..frag]).map_or(frag, |i| p + i);
                let param = &input[p..r];
                if param.is_empty() {
                    p = r + 1;
                    continue;
                }
                if self.raws.len() + ignored >= MAX_AIS {
                    return Err(err(
                        ErrorKind::TooManyAis,
                        format!("more than {MAX_AIS} AIs and other query parameters"),
                        None,
                        Some((p, r)),
                    ));
                }
                let Some(eq) = memchr::memchr(b'=', param).map(|i| p + i) else {
                    ignored += 1;
                    p = r + 1;
                    continue;
                };
                let key = &input[p..eq];
                if !key.iter().all(u8::is_ascii_digit) {
                    ignored += 1;
                } else {
                    let Some(entry) = self.index.lookup_exact(key, self.opts.permit_unknown_ais)
                    else {
                        return Err(dl_err(
                            format!(
                                "numeric query parameter {} is not a known AI",
                                String::from_utf8_lossy(key)
                            ),
                            None,
                            (p, eq),
                        ));
                    };
                    let ai = AiCode::new(key);
                    if eq + 1 == r {
                        return Err(dl_err(
                            format!("({}) query parameter has no value", ai.as_str()),
                            Some(ai.as_str()),
                            (p, r),
                        ));
                    }
                    self.dl_value(entry, ai, eq + 1, r, true)?;
                }
                p = r + 1;
            }
            // A query ending in '&' ends, for the reference, with an empty parameter.
            if frag > q + 1 && input[frag - 1] == b'&' && self.raws.len() + ignored >= MAX_AIS {
                return Err(err(
                    ErrorKind::TooManyAis,
                    format!("more than {MAX_AIS} AIs and other query parameters"),
                    None,
                    Some((q, frag)),
                ));
            }
        }

        self.check_dl_structure(path_ais, (path_start, path_end))?;
        self.dl_path_len = path_ais;
        for i in 0..self.raws.len() {
            let raw = self.raws[i];
            self.validate(&raw)?;
        }
        Ok(())
    }

    fn dl_value(
        &mut self,
        entry: &'static super::dictionary::AiEntry,
        ai: AiCode,
        vs: usize,
        ve: usize,
        query: bool,
    ) -> Result<(), ParseError> {
        let input = self.input;
        if vs == ve {
            return Err(dl_err(
                format!("({}) has an empty value in the URI", ai.as_str()),
                Some(ai.as_str()),
                (vs.saturating_sub(1), ve),
            ));
        }
        let raw_value = &input[vs..ve];
        let needs_decoding = raw_value.iter().any(|&c| c == b'%' || (query && c == b'+'));
        let mut value = if needs_decoding {
            let s = self.scratch.len();
            if !unescape(raw_value, query, &mut self.scratch) {
                return Err(dl_err(
                    format!("({}) value decodes to a NUL character", ai.as_str()),
                    Some(ai.as_str()),
                    (vs, ve),
                ));
            }
            Loc::Scratch(s, self.scratch.len())
        } else {
            Loc::Input(vs, ve)
        };
        if self.opts.permit_zero_suppressed_gtin && ai.as_str() == "01" {
            let len = match value {
                Loc::Input(s, e) | Loc::Scratch(s, e) => e - s,
            };
            if matches!(len, 8 | 12 | 13) {
                let digits: smallvec::SmallVec<[u8; 14]> = match value {
                    Loc::Input(s, e) => input[s..e].into(),
                    Loc::Scratch(s, e) => self.scratch[s..e].into(),
                };
                let s = self.scratch.len();
                self.scratch.extend(std::iter::repeat_n(b'0', 14 - len));
                self.scratch.extend_from_slice(&digits);
                value = Loc::Scratch(s, self.scratch.len());
            }
        }
        let raw = Raw {
            entry,
            ai,
            value,
            span: (vs, ve),
        };
        self.check_length(&raw)?;
        self.push(raw)
    }

    /// Key-qualifier sequence, duplicates, and which AIs may be query attributes.
    fn check_dl_structure(
        &mut self,
        path_ais: usize,
        path_span: (usize, usize),
    ) -> Result<(), ParseError> {
        let seq: smallvec::SmallVec<[&str; 8]> = self.raws[..path_ais]
            .iter()
            .map(|r| r.ai.as_str())
            .collect();
        if !is_valid_dl_path(&self.index, &seq) {
            return Err(dl_err(
                format!(
                    "invalid key-qualifier sequence in the URI path: /{}",
                    seq.join("/…/")
                ),
                seq.first().copied(),
                path_span,
            ));
        }
        for (i, a) in self.raws.iter().enumerate() {
            if let Some(b) = self.raws[i + 1..].iter().find(|b| b.ai == a.ai) {
                return Err(dl_err(
                    format!("({}) appears more than once in the URI", a.ai.as_str()),
                    Some(a.ai.as_str()),
                    b.span,
                ));
            }
        }
        for attr in &self.raws[path_ais..] {
            let ai = attr.ai.as_str();
            if !attr.entry.dl_data_attribute {
                return Err(dl_err(
                    format!("({ai}) is not allowed as a Digital Link data attribute"),
                    Some(ai),
                    attr.span,
                ));
            }
            // Only an AI among the key's qualifiers can belong in the path: most attributes
            // (expiry, weights) are ruled out without trying every position.
            let qualifiers = seq
                .first()
                .and_then(|key| self.index.lookup(key))
                .and_then(|key| key.dl_primary_key)
                .unwrap_or(&[]);
            if !qualifiers.iter().any(|alt| alt.contains(&ai)) {
                continue;
            }
            for j in 1..=path_ais {
                let mut trial: smallvec::SmallVec<[&str; 8]> = seq[..j].into();
                trial.push(ai);
                trial.extend_from_slice(&seq[j..]);
                if is_valid_dl_path(&self.index, &trial) {
                    return Err(dl_err(
                        format!("({ai}) is a key qualifier and belongs in the URI path"),
                        Some(ai),
                        attr.span,
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Why a message cannot be rendered in some form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A Digital Link URI needs a primary key AI (01, 00, 414, 8017, 8018, …).
    #[error("no Digital Link primary key among the AIs")]
    NoPrimaryKey,
    /// An AI that cannot be a Digital Link data attribute would have to go in the query.
    #[error("({0}) cannot be a Digital Link data attribute")]
    NotDataAttribute(String),
    /// The symbology cannot carry these AIs.
    #[error("{0}")]
    Symbology(String),
}

/// Chooses the path: the first element that is a primary key, then the longest satisfied
/// ordered qualifier sequence (ties: the lexically first, as in the reference's sorted table of
/// sequences).
fn choose_path<'e>(index: &AiIndex, elements: &'e [Element]) -> Option<SmallVec<[&'e Element; 8]>> {
    let key_pos = elements.iter().position(|e| {
        index
            .lookup(&e.ai)
            .is_some_and(|entry| entry.dl_primary_key.is_some())
    })?;
    let key = &elements[key_pos];
    let entry = index.lookup(&key.ai)?;
    let alternatives = entry.dl_primary_key.unwrap_or(&[]);
    let find = |ai: &str| elements.iter().find(|e| e.ai == ai);
    // Best per alternative: every qualifier present, in the alternative's order; ties go to the
    // lexically first sequence, as in the reference's sorted table of sequences.
    let mut best: SmallVec<[&str; 8]> = SmallVec::new();
    let mut have_best = false;
    for alt in alternatives {
        let cand: SmallVec<[&str; 8]> = alt.iter().copied().filter(|q| find(q).is_some()).collect();
        let better = !have_best
            || cand.len() > best.len()
            || (cand.len() == best.len() && joined_cmp(&cand, &best).is_lt());
        if better {
            best = cand;
            have_best = true;
        }
    }
    let mut path: SmallVec<[&Element; 8]> = SmallVec::new();
    path.push(key);
    for q in best {
        path.extend(find(q));
    }
    Some(path)
}

/// Compares `a.join(" ")` with `b.join(" ")` without building either.
fn joined_cmp(a: &[&str], b: &[&str]) -> std::cmp::Ordering {
    let bytes = |v: &[&str]| {
        v.iter()
            .enumerate()
            .flat_map(|(i, s)| (if i > 0 { " " } else { "" }).bytes().chain(s.bytes()))
            .collect::<SmallVec<[u8; 32]>>()
    };
    bytes(a).cmp(&bytes(b))
}

/// Renders the canonical Digital Link URI of a message's elements.
pub(crate) fn render(
    index: &AiIndex,
    elements: &[Element],
    dl_path_len: usize,
    stem: &str,
) -> Result<String, RenderError> {
    let mut out = String::with_capacity(stem.len() + 64);
    render_into(index, elements, dl_path_len, stem, &mut out)?;
    Ok(out)
}

/// [`render`], appended to `out`; on error `out` is left as it was.
pub(crate) fn render_into(
    index: &AiIndex,
    elements: &[Element],
    dl_path_len: usize,
    stem: &str,
    out: &mut String,
) -> Result<(), RenderError> {
    let start = out.len();
    let result = render_uri(index, elements, dl_path_len, stem, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn render_uri(
    index: &AiIndex,
    elements: &[Element],
    dl_path_len: usize,
    stem: &str,
    out: &mut String,
) -> Result<(), RenderError> {
    let path = if (1..=elements.len()).contains(&dl_path_len) {
        // Parsed from a URI: its path, as given (the reference keeps the path order too).
        elements[..dl_path_len].iter().collect()
    } else {
        choose_path(index, elements).ok_or(RenderError::NoPrimaryKey)?
    };
    out.push_str(stem.strip_suffix('/').unwrap_or(stem));
    let mut emitted: smallvec::SmallVec<[&str; 16]> = smallvec::SmallVec::new();
    for e in &path {
        out.push('/');
        out.push_str(&e.ai);
        out.push('/');
        escape(&e.value, false, out);
        emitted.push(&e.ai);
    }
    let mut sep = '?';
    for fixed in [true, false] {
        for e in elements {
            if emitted.contains(&e.ai.as_str()) {
                continue;
            }
            let entry = index.lookup(&e.ai);
            let is_fixed = entry.is_some_and(|en| en.predefined_length);
            if is_fixed != fixed {
                continue;
            }
            if !entry.is_some_and(|en| en.dl_data_attribute) {
                return Err(RenderError::NotDataAttribute(e.ai.to_string()));
            }
            out.push(sep);
            sep = '&';
            out.push_str(&e.ai);
            out.push('=');
            escape(&e.value, true, out);
            emitted.push(&e.ai);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn un(s: &str, q: bool) -> Vec<u8> {
        let mut out = Vec::new();
        assert!(unescape(s.as_bytes(), q, &mut out));
        out
    }

    #[test]
    fn uri_byte_classes_match_the_character_lists() {
        for c in 0..=255u8 {
            let uri = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&c);
            assert_eq!(is_uri_char(c), uri, "{c}");
            assert_eq!(
                is_bad_domain_char(c),
                b"_~?#@!$&'()*+,;=%".contains(&c),
                "{c}"
            );
        }
    }

    #[test]
    fn percent_decoding_matches_the_reference() {
        assert_eq!(un("test", false), b"test");
        assert_eq!(un("+", false), b"+");
        assert_eq!(un("+", true), b" ");
        assert_eq!(un("%20AB", false), b" AB");
        assert_eq!(un("AB%20", true), b"AB ");
        assert_eq!(un("ABC%2", false), b"ABC%2");
        assert_eq!(un("ABCD%", false), b"ABCD%");
        assert_eq!(un("A%20%20B", false), b"A  B");
        assert_eq!(un("A%ffB", false), b"A\xffB");
        assert_eq!(un("A%4fB", false), b"AOB");
        assert_eq!(un("A%4gB", false), b"A%4gB");
        assert_eq!(un("A%G4B", false), b"A%G4B");
        let mut out = Vec::new();
        assert!(!unescape(b"A%00B", false, &mut out));
    }

    #[test]
    fn percent_encoding_matches_the_reference() {
        let esc = |s: &str, q: bool| {
            let mut out = String::new();
            escape(s, q, &mut out);
            out
        };
        assert_eq!(esc("0123456789-._~", false), "0123456789-._~");
        assert_eq!(
            esc("!\"#%&'()*+,/:;<=>?", true),
            "%21%22%23%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F"
        );
        assert_eq!(esc("A  B", false), "A%20%20B");
        assert_eq!(esc("A  B", true), "A++B");
        assert_eq!(esc("éA€", false), "%C3%A9A%E2%82%AC");
    }
}
