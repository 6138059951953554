//! The parsing core shared by every input form: element extraction, per-value validation against
//! the dictionary, association rules, and assembly of the [`Gs1Message`].
//!
//! Every form is reduced to a list of [`Raw`] elements (AI, where its value lives, where it came
//! from in the input) kept on the stack for typical messages; strings are only allocated for the
//! final [`Gs1Message`].

use compact_str::CompactString;
use smallvec::SmallVec;

use super::ai_index::{
    is_unknown, matches_pattern, predefined_value_len, value_len_bounds, AiIndex, UNKNOWN_ANY,
};
use super::dictionary::{AiEntry, ValueError};
use super::error::{snake_case, ErrorKind};
use super::lint::LintErrorCode;
use super::{Element, Gs1Message, ParseError, ParseOptions};

/// The reference engine's limit on AIs per message.
pub(crate) const MAX_AIS: usize = 64;

/// Group separator, how scanners transmit FNC1.
pub(crate) const GS: u8 = 0x1d;

/// An AI's digits, inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AiCode {
    bytes: [u8; 4],
    len: u8,
}

impl AiCode {
    pub(crate) fn new(digits: &[u8]) -> AiCode {
        let mut bytes = [0u8; 4];
        let len = digits.len().min(4);
        bytes[..len].copy_from_slice(&digits[..len]);
        AiCode {
            bytes,
            len: len as u8,
        }
    }

    /// Does this AI match a dictionary pattern such as `31nn` or `01`? Matching the patterns
    /// directly is cheaper than precompiled entry sets at the sizes of real messages (a handful
    /// of AIs): compiled bitsets were measured at more instructions per scan, not fewer.
    #[inline]
    pub(crate) fn matches(&self, pattern: &str) -> bool {
        matches_pattern(&self.bytes[..usize::from(self.len)], pattern.as_bytes())
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ever built from ASCII digits.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// Where a value's bytes are: in the input, or in the scratch buffer (when unescaping or
/// percent-decoding changed them).
#[derive(Clone, Copy)]
pub(crate) enum Loc {
    Input(usize, usize),
    Scratch(usize, usize),
}

/// One extracted element.
#[derive(Clone, Copy)]
pub(crate) struct Raw {
    pub(crate) entry: &'static AiEntry,
    pub(crate) ai: AiCode,
    pub(crate) value: Loc,
    /// The value's span in the input (for a decoded value: the whole encoded value).
    pub(crate) span: (usize, usize),
}

/// The state of one parse.
pub(crate) struct Ctx<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) scratch: Vec<u8>,
    pub(crate) raws: SmallVec<[Raw; 12]>,
    pub(crate) warnings: Vec<String>,
    pub(crate) opts: &'a ParseOptions,
    pub(crate) index: AiIndex,
    /// Leading elements that formed a Digital Link URI's path (0: not a URI).
    pub(crate) dl_path_len: usize,
}

pub(crate) fn err(
    kind: ErrorKind,
    message: impl Into<String>,
    ai: Option<&str>,
    span: Option<(usize, usize)>,
) -> ParseError {
    ParseError {
        kind: kind.as_str().to_owned(),
        message: message.into(),
        ai: ai.map(str::to_owned),
        span,
        symbology: None,
    }
}

/// GS1 mod-10 check digit of `digits` (all ASCII digits; the check digit itself excluded).
pub(crate) fn gs1_check_digit(digits: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(input: &'a [u8], opts: &'a ParseOptions) -> Ctx<'a> {
        let dict = opts
            .dictionary
            .unwrap_or_else(super::dictionary::Dictionary::release);
        Ctx {
            input,
            scratch: Vec::new(),
            raws: SmallVec::new(),
            warnings: Vec::new(),
            opts,
            index: AiIndex::of(dict),
            dl_path_len: 0,
        }
    }

    pub(crate) fn value(&self, raw: &Raw) -> &[u8] {
        match raw.value {
            Loc::Input(s, e) => &self.input[s..e],
            Loc::Scratch(s, e) => &self.scratch[s..e],
        }
    }

    pub(crate) fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    pub(crate) fn push(&mut self, raw: Raw) -> Result<(), ParseError> {
        if self.raws.len() >= MAX_AIS {
            return Err(err(
                ErrorKind::TooManyAis,
                format!("more than {MAX_AIS} AIs"),
                Some(raw.ai.as_str()),
                Some(raw.span),
            ));
        }
        self.raws.push(raw);
        Ok(())
    }

    /// The reference engine's early length/content check for forms whose AI extents are given
    /// (bracketed, Digital Link): "too long" is more useful than a check-digit error on it.
    pub(crate) fn check_length(&self, raw: &Raw) -> Result<(), ParseError> {
        let v = self.value(raw);
        let (min, max) = value_len_bounds(raw.entry);
        let ai = raw.ai.as_str();
        if v.is_empty() {
            return Err(err(
                ErrorKind::EmptyValue,
                format!("({ai}) has no data"),
                Some(ai),
                Some(raw.span),
            ));
        }
        if v.len() < min {
            return Err(err(
                ErrorKind::TooShort,
                format!(
                    "({ai}) data is too short: {} characters, at least {min} needed",
                    v.len()
                ),
                Some(ai),
                Some(raw.span),
            ));
        }
        if v.len() > max {
            return Err(err(
                ErrorKind::TooLong,
                format!(
                    "({ai}) data is too long: {} characters, at most {max} allowed",
                    v.len()
                ),
                Some(ai),
                Some(raw.span),
            ));
        }
        if let Some(pos) = v.iter().position(|&b| b == b'^') {
            return Err(err(
                ErrorKind::InvalidCharacter,
                format!("({ai}) contains '^', which would be read as FNC1"),
                Some(ai),
                Some(self.sub_span(raw, pos, 1)),
            ));
        }
        Ok(())
    }

    /// Span of `len` bytes at `pos` within a value, in input coordinates.
    fn sub_span(&self, raw: &Raw, pos: usize, len: usize) -> (usize, usize) {
        match raw.value {
            Loc::Input(s, e) => ((s + pos).min(e), (s + pos + len).min(e)),
            Loc::Scratch(..) => raw.span,
        }
    }

    /// Validates a value against its AI's components and linters.
    pub(crate) fn validate(&self, raw: &Raw) -> Result<(), ParseError> {
        let v = self.value(raw);
        if !v.is_empty() && raw.entry.validate(v).is_ok() {
            return Ok(());
        }
        let ai = raw.ai.as_str();
        if v.is_empty() {
            return Err(err(
                ErrorKind::EmptyValue,
                format!("({ai}) has no data"),
                Some(ai),
                Some(raw.span),
            ));
        }
        let Err(e) = raw.entry.validate(v) else {
            return Ok(());
        };
        let (min, max) = value_len_bounds(raw.entry);
        Err(match e {
            ValueError::TooShort => err(
                ErrorKind::TooShort,
                if min == max {
                    format!(
                        "({ai}) data has the wrong length: {} characters, {min} needed",
                        v.len()
                    )
                } else {
                    format!("({ai}) data is too short or a component has the wrong length")
                },
                Some(ai),
                Some(raw.span),
            ),
            ValueError::TooLong => err(
                ErrorKind::TooLong,
                format!(
                    "({ai}) data is too long: {} characters, at most {max} allowed",
                    v.len()
                ),
                Some(ai),
                Some(raw.span),
            ),
            ValueError::InvalidCharacter { pos } => {
                let set = component_at(raw.entry, v.len(), pos)
                    .map(|c| match c.charset {
                        super::dictionary::CharSet::Numeric => "digits only",
                        super::dictionary::CharSet::Cset82 => "GS1 character set 82",
                        super::dictionary::CharSet::Cset39 => "GS1 character set 39",
                        super::dictionary::CharSet::Cset64 => "GS1 character set 64",
                    })
                    .unwrap_or("its character set");
                err(
                    ErrorKind::InvalidCharacter,
                    format!(
                        "({ai}) has an illegal character at position {}: {set}",
                        pos + 1
                    ),
                    Some(ai),
                    Some(self.sub_span(raw, pos, 1)),
                )
            }
            ValueError::Lint(lint) => {
                let span = self.sub_span(raw, lint.pos, lint.len.max(1));
                if lint.code == LintErrorCode::IncorrectCheckDigit {
                    let expected = component_start(raw.entry, v.len(), lint.pos)
                        .and_then(|start| gs1_check_digit(&v[start..lint.pos.min(v.len())]));
                    let message = match expected {
                        Some(d) => format!("({ai}) has a bad check digit: expected {d}"),
                        None => format!("({ai}) has a bad check digit"),
                    };
                    err(ErrorKind::BadCheckDigit, message, Some(ai), Some(span))
                } else {
                    let rule = snake_case(&format!("{:?}", lint.code));
                    let mut e = err(
                        ErrorKind::Lint,
                        format!("({ai}) fails rule {rule}"),
                        Some(ai),
                        Some(span),
                    );
                    e.kind = rule;
                    e
                }
            }
        })
    }

    /// Extracts an element string (`0109…10ABC<GS>21…`) from `input[start..end]`. `caret` makes
    /// `^` the separator instead of GS (the reference engine's notation for FNC1).
    pub(crate) fn element_string(
        &mut self,
        start: usize,
        end: usize,
        caret: bool,
    ) -> Result<(), ParseError> {
        let input = &self.input[..end];
        let sep = if caret { b'^' } else { GS };
        let mut p = start;
        if caret && p < end && input[p] == b'^' {
            // `^` notation starts with the FNC1 in first position: not a stray separator.
            p += 1;
        }
        if p < end && input[p] == sep {
            while p < end && input[p] == sep {
                p += 1;
            }
            self.warn("leading FNC1/GS before the first AI ignored".to_owned());
        }
        if p == end {
            return Err(err(
                ErrorKind::NoAiData,
                "no AI data",
                None,
                Some((start, end)),
            ));
        }
        while p < end {
            let Some((entry, ai_len)) = self
                .index
                .lookup_prefix(&input[p..], self.opts.permit_unknown_ais)
            else {
                let shown = input[p..(p + 4).min(end)]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let msg = if shown >= 2 {
                    format!(
                        "no known AI at position {}: ({}…)",
                        p + 1,
                        String::from_utf8_lossy(&input[p..p + shown])
                    )
                } else {
                    format!(
                        "no AI at position {}: element strings start with AI digits",
                        p + 1
                    )
                };
                return Err(err(
                    ErrorKind::UnknownAi,
                    msg,
                    None,
                    Some((p, (p + 4).min(end))),
                ));
            };
            let ai = AiCode::new(&input[p..p + ai_len]);
            let vstart = p + ai_len;
            let mut r = memchr::memchr(sep, &input[vstart..]).map_or(end, |i| vstart + i);
            if entry.predefined_length {
                let l = vstart + predefined_value_len(entry);
                if l < r {
                    r = l;
                }
            }
            let raw = Raw {
                entry,
                ai,
                value: Loc::Input(vstart, r),
                span: (vstart, r),
            };
            self.validate(&raw)?;
            if !entry.predefined_length && !is_unknown(entry) {
                if let Some(at) = swallowed(&self.index, &input[vstart..r]) {
                    let (_, l) = self
                        .index
                        .lookup_prefix(&input[vstart + at..r], false)
                        .unwrap_or((&UNKNOWN_ANY, 0));
                    let next = String::from_utf8_lossy(&input[vstart + at..vstart + at + l]);
                    self.warn(format!(
                        "({}) data ends with digits that read as ({next}) with valid data: \
                         a GS separator may be missing",
                        ai.as_str()
                    ));
                }
            }
            self.push(raw)?;
            p = r;
            if p < end && input[p] == sep {
                p += 1;
                if p < end && input[p] == sep {
                    while p < end && input[p] == sep {
                        p += 1;
                    }
                    if p < end {
                        self.warn("doubled FNC1/GS separator ignored".to_owned());
                    }
                }
            }
        }
        Ok(())
    }

    /// Bracketed data in `input[start..end]`: `(01)09506000134352(17)261231(10)ABC`, `\(` for a
    /// data bracket.
    pub(crate) fn bracketed(&mut self, start: usize, end: usize) -> Result<(), ParseError> {
        let input = &self.input[..end];
        let first = self.raws.len();
        let mut p = start;
        while p < end {
            if input[p] != b'(' {
                return Err(err(
                    ErrorKind::BracketSyntax,
                    format!("expected '(' starting an AI at position {}", p + 1),
                    None,
                    Some((p, p + 1)),
                ));
            }
            let Some(close) = memchr::memchr(b')', &input[p + 1..]).map(|i| p + 1 + i) else {
                return Err(err(
                    ErrorKind::BracketSyntax,
                    "AI is not closed by ')'",
                    None,
                    Some((p, end)),
                ));
            };
            let ai_bytes = &input[p + 1..close];
            let Some(entry) = self
                .index
                .lookup_exact(ai_bytes, self.opts.permit_unknown_ais)
            else {
                let shown = String::from_utf8_lossy(&ai_bytes[..ai_bytes.len().min(8)]);
                let msg = if (2..=4).contains(&ai_bytes.len())
                    && ai_bytes.iter().all(u8::is_ascii_digit)
                {
                    format!("({shown}) is not an AI of the GS1 Syntax Dictionary")
                } else {
                    format!("({shown}) is not an AI: AIs are 2 to 4 digits")
                };
                return Err(err(ErrorKind::UnknownAi, msg, None, Some((p, close + 1))));
            };
            let ai = AiCode::new(ai_bytes);
            let vstart = close + 1;
            if vstart >= end {
                return Err(err(
                    ErrorKind::EmptyValue,
                    format!("({}) has no data", ai.as_str()),
                    Some(ai.as_str()),
                    Some((p, end)),
                ));
            }
            // Find the next unescaped '('.
            let mut q = vstart;
            let mut escaped = false;
            let vend = loop {
                match memchr::memchr(b'(', &input[q..]) {
                    None => break end,
                    Some(i) if input[q + i - 1] == b'\\' => {
                        escaped = true;
                        q += i + 1;
                    }
                    Some(i) => break q + i,
                }
            };
            let value = if escaped {
                let s = self.scratch.len();
                let mut i = vstart;
                while i < vend {
                    if input[i] == b'\\' && i + 1 < vend && input[i + 1] == b'(' {
                        i += 1;
                    }
                    self.scratch.push(input[i]);
                    i += 1;
                }
                Loc::Scratch(s, self.scratch.len())
            } else {
                Loc::Input(vstart, vend)
            };
            let raw = Raw {
                entry,
                ai,
                value,
                span: (vstart, vend),
            };
            self.check_length(&raw)?;
            self.push(raw)?;
            p = vend;
        }
        if self.raws.len() == first {
            return Err(err(ErrorKind::Empty, "no data", None, Some((start, end))));
        }
        for i in first..self.raws.len() {
            let raw = self.raws[i];
            self.validate(&raw)?;
        }
        Ok(())
    }

    /// EAN/UPC primary data after `]E0` (13 digits) or `]E4` (8 digits), optionally followed by
    /// a composite component `|]e0…`. The GTIN becomes AI (01), zero-padded to 14 digits.
    pub(crate) fn ean(&mut self, start: usize, digits: usize) -> Result<(), ParseError> {
        let input = self.input;
        let data = &input[start..];
        let name = if digits == 13 {
            "EAN-13/UPC-A"
        } else {
            "EAN-8"
        };
        if data.len() < digits {
            return Err(err(
                ErrorKind::BadPrimaryData,
                format!("{name} data must be {digits} digits"),
                Some("01"),
                Some((start, input.len())),
            ));
        }
        let composite = if data.len() > digits {
            if data[digits..].starts_with(b"|]e0") {
                Some(start + digits + 4)
            } else {
                return Err(err(
                    ErrorKind::BadPrimaryData,
                    format!("{name} data must be {digits} digits"),
                    Some("01"),
                    Some((start, input.len())),
                ));
            }
        } else {
            None
        };
        let primary = &data[..digits];
        if let Some(pos) = primary.iter().position(|b| !b.is_ascii_digit()) {
            return Err(err(
                ErrorKind::BadPrimaryData,
                format!("{name} data may only contain digits"),
                Some("01"),
                Some((start + pos, start + pos + 1)),
            ));
        }
        let expected = gs1_check_digit(&primary[..digits - 1]).unwrap_or(0);
        if primary[digits - 1] != b'0' + expected {
            return Err(err(
                ErrorKind::BadCheckDigit,
                format!("{name} has a bad check digit: expected {expected}"),
                Some("01"),
                Some((start + digits - 1, start + digits)),
            ));
        }
        let Some(entry) = self.index.lookup("01") else {
            return Err(err(
                ErrorKind::UnknownAi,
                "the dictionary does not define (01)",
                Some("01"),
                None,
            ));
        };
        let s = self.scratch.len();
        self.scratch.extend(std::iter::repeat_n(b'0', 14 - digits));
        self.scratch.extend_from_slice(primary);
        self.push(Raw {
            entry,
            ai: AiCode::new(b"01"),
            value: Loc::Scratch(s, s + 14),
            span: (start, start + digits),
        })?;
        if let Some(cc) = composite {
            self.element_string(cc, input.len(), false)?;
        }
        Ok(())
    }

    /// Association rules (`ex=`, `req=`), repeated AIs and the digital signature rule, in the
    /// reference engine's order. `ex`/`req` findings are warnings unless `strict`.
    pub(crate) fn check_associations(&mut self) -> Result<(), ParseError> {
        let strict = self.opts.strict;
        let n = self.raws.len();
        // ex=
        for i in 0..n {
            let (entry, ai) = (self.raws[i].entry, self.raws[i].ai);
            for pat in entry.ex {
                let hit = self
                    .raws
                    .iter()
                    .find(|o| o.ai != ai && o.ai.matches(pat))
                    .map(|o| o.ai);
                if let Some(other) = hit {
                    let msg = format!(
                        "({}) must not be used together with ({})",
                        ai.as_str(),
                        other.as_str()
                    );
                    if strict {
                        let raw = self.raws[i];
                        return Err(err(
                            ErrorKind::ForbiddenAiPair,
                            msg,
                            Some(ai.as_str()),
                            Some(raw.span),
                        ));
                    }
                    self.warn(msg);
                }
            }
        }
        // req=
        for i in 0..n {
            let (entry, ai) = (self.raws[i].entry, self.raws[i].ai);
            for rule in entry.req {
                let satisfied = rule.iter().any(|group| {
                    group
                        .iter()
                        .all(|pat| self.raws.iter().any(|o| o.ai != ai && o.ai.matches(pat)))
                });
                if !satisfied {
                    let msg = requirement_message(ai.as_str(), rule);
                    if strict {
                        let raw = self.raws[i];
                        return Err(err(
                            ErrorKind::MissingRequiredAi,
                            msg,
                            Some(ai.as_str()),
                            Some(raw.span),
                        ));
                    }
                    self.warn(msg);
                }
            }
        }
        // Repeated AIs must agree (concatenated reads of several carriers on one label).
        for (i, a) in self.raws.iter().enumerate() {
            for b in &self.raws[i + 1..] {
                if a.ai == b.ai && self.value(a) != self.value(b) {
                    return Err(err(
                        ErrorKind::RepeatedAiDifferentValues,
                        format!(
                            "({}) appears more than once with different values",
                            a.ai.as_str()
                        ),
                        Some(a.ai.as_str()),
                        Some(b.span),
                    ));
                }
            }
        }
        // A digital signature (8030) needs a serialised key.
        if self.raws.iter().any(|r| r.ai.matches("8030")) {
            for raw in &self.raws {
                let ai = raw.ai.as_str();
                if matches!(ai, "253" | "255" | "8003")
                    && self.value(raw).len() == value_len_bounds(raw.entry).0
                {
                    return Err(err(
                        ErrorKind::SignatureNeedsSerialisedKey,
                        format!("({ai}) must carry its serial component when signed with (8030)"),
                        Some(ai),
                        Some(raw.span),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The finished message.
    pub(crate) fn finish(&mut self, symbology: Option<&[u8]>) -> Gs1Message {
        let mut out = Gs1Message {
            symbology: None,
            elements: Vec::with_capacity(self.raws.len()),
            warnings: Vec::new(),
            dl_path_len: 0,
        };
        self.finish_into(symbology, &mut out);
        out
    }

    /// The finished message, written into `out` reusing its allocations (a long-running reader
    /// parses scan after scan into the same message without touching the allocator).
    pub(crate) fn finish_into(&mut self, symbology: Option<&[u8]>, out: &mut Gs1Message) {
        // One UTF-8 check of the whole input (and scratch) instead of one per value: validated
        // values are ASCII, so slicing the checked text at their byte offsets cannot fail.
        let input_text = std::str::from_utf8(self.input).ok();
        let scratch_text = std::str::from_utf8(&self.scratch).ok();
        out.elements.truncate(self.raws.len());
        out.dl_path_len = self.dl_path_len;
        for (i, raw) in self.raws.iter().enumerate() {
            let text = match raw.value {
                Loc::Input(s, e) => input_text.and_then(|t| t.get(s..e)),
                Loc::Scratch(s, e) => scratch_text.and_then(|t| t.get(s..e)),
            };
            let value: std::borrow::Cow<'_, str> = match text {
                Some(t) => t.into(),
                // Only reachable through a stand-in entry for an unknown AI: replaced rather
                // than trusted.
                None => String::from_utf8_lossy(self.value(raw)),
            };
            // A known AI's digits are its entry's (static, already text).
            let ai = if is_unknown(raw.entry) {
                raw.ai.as_str()
            } else {
                raw.entry.ai
            };
            if let Some(e) = out.elements.get_mut(i) {
                // Building an inline string afresh is cheaper than editing one in place; only
                // a heap buffer (a value over 24 bytes) is worth keeping.
                e.ai = CompactString::new(ai);
                if e.value.is_heap_allocated() && e.value.capacity() >= value.len() {
                    e.value.clear();
                    e.value.push_str(&value);
                } else {
                    e.value = CompactString::new(&value);
                }
            } else {
                out.elements.push(Element {
                    ai: CompactString::new(ai),
                    value: CompactString::new(&value),
                });
            }
        }
        match symbology {
            Some(s) => {
                let t = out.symbology.get_or_insert_with(CompactString::default);
                t.clear();
                // The identifier is the start of the input.
                let prefix = input_text.filter(|_| self.input.starts_with(s));
                match prefix.and_then(|text| text.get(..s.len())) {
                    Some(text) => t.push_str(text),
                    None => t.push_str(&String::from_utf8_lossy(s)),
                }
            }
            None => out.symbology = None,
        }
        out.warnings = std::mem::take(&mut self.warnings);
    }
}

/// "(10) requires (01)" or "(37) requires one of (02), (8026)"; `+` joins AIs needed together.
fn requirement_message(ai: &str, rule: &[&[&str]]) -> String {
    use std::fmt::Write as _;
    let mut msg = format!("({ai}) requires ");
    if rule.len() > 1 {
        msg.push_str("one of ");
    }
    for (i, group) in rule.iter().enumerate() {
        if i > 0 {
            msg.push_str(", ");
        }
        for (j, pat) in group.iter().enumerate() {
            if j > 0 {
                msg.push('+');
            }
            let _ = write!(msg, "({pat})");
        }
    }
    msg
}

/// Component boundaries as the reference engine walks them: each component takes up to its
/// maximum length of what remains.
fn component_bounds(
    entry: &AiEntry,
    len: usize,
) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut p = 0usize;
    entry.components.iter().enumerate().map(move |(i, c)| {
        let take = (len - p.min(len)).min(usize::from(c.max));
        let s = p;
        p += take;
        (i, s, s + take)
    })
}

fn component_start(entry: &AiEntry, len: usize, pos: usize) -> Option<usize> {
    component_bounds(entry, len)
        .find(|&(_, s, e)| pos >= s && pos < e)
        .map(|(_, s, _)| s)
}

fn component_at(
    entry: &AiEntry,
    len: usize,
    pos: usize,
) -> Option<&'static super::dictionary::Component> {
    let i = component_bounds(entry, len)
        .find(|&(_, s, e)| pos >= s && pos < e)
        .map(|(i, _, _)| i)?;
    entry.components.get(i)
}

/// Where a variable-length value ends in digits that read as a complete run of known AIs with
/// valid data, the first of them with a pre-defined length: the likely trace of a missing GS
/// after the variable field (`10ABC123` + `17261231`). Returns the offset of the suspect AI.
pub(crate) fn swallowed(index: &AiIndex, value: &[u8]) -> Option<usize> {
    let n = value.len();
    let mut s = n;
    while s > 0 && value[s - 1].is_ascii_digit() {
        s -= 1;
    }
    let s = s.max(1);
    (s..n.saturating_sub(2)).find(|&i| reads_as_fixed_ais(index, &value[i..]))
}

fn reads_as_fixed_ais(index: &AiIndex, mut d: &[u8]) -> bool {
    let mut first = true;
    while !d.is_empty() {
        let Some((e, l)) = index.lookup_prefix(d, false) else {
            return false;
        };
        if first && !e.predefined_length {
            return false;
        }
        first = false;
        let rest = &d[l..];
        let vl = if e.predefined_length {
            predefined_value_len(e)
        } else {
            rest.len()
        };
        if vl == 0 || rest.len() < vl || e.validate(&rest[..vl]).is_err() {
            return false;
        }
        d = &rest[vl..];
    }
    !first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_digits_only_where_n() {
        assert!(AiCode::new(b"3103").matches("31nn"));
        assert!(AiCode::new(b"3105").matches("310n"));
        assert!(!AiCode::new(b"3115").matches("310n"));
        assert!(!AiCode::new(b"010").matches("01"));
        assert!(AiCode::new(b"01").matches("01"));
    }

    #[test]
    fn check_digits_follow_gs1_mod10() {
        assert_eq!(gs1_check_digit(b"0950600013435"), Some(2));
        assert_eq!(gs1_check_digit(b"211234567890"), Some(0));
        assert_eq!(gs1_check_digit(b"0234567"), Some(3));
        assert_eq!(gs1_check_digit(b"12A"), None);
    }
}
