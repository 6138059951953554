//! PURE: splitting a scanner's byte stream into scans. No I/O, no tokio.
//!
//! Invariants:
//! - Any split of the same byte stream into reads yields exactly the same frames and errors
//!   (checked by proptest), so a scan that straddles two `read()` calls is never damaged.
//! - Memory is bounded: at most `max_scan_length` bytes (plus a terminator's length) are held for
//!   the frame being received; an over-long frame is discarded up to its terminator and reported
//!   once as [`FramingError::TooLong`].
//! - A frame that is complete is never lost because of what comes after it (garbage, a flood,
//!   a vanishing device): it has already been handed out.
//!
//! Processing order of one frame (all stages shared with the keyboard, HID POS and stdin sources
//! through [`FrameOptions::finish`]): strip the configured prefix, strip the configured suffix,
//! recognise a leading AIM symbology identifier (`]` + code character + modifier), map the
//! configured GS stand-in to 0x1D, then check that what is left is UTF-8 text without stray
//! control characters.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// ASCII Group Separator, the GS1 FNC1 field separator as transmitted by scanners.
pub const GS: u8 = 0x1D;

/// Default maximum scan length. A QR code holds at most 7,089 digits and a GS1 DataMatrix
/// 3,116 characters; 8 KiB leaves room for an AIM id, prefix and suffix.
pub const DEFAULT_MAX_SCAN_LENGTH: usize = 8192;

/// A byte string written in configuration as text with C-style escapes: `\r`, `\n`, `\t`,
/// `\\`, `\xNN` (e.g. `"\x02"` for STX, `"<GS>"` for a literal stand-in).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ByteSequence(pub Vec<u8>);

impl ByteSequence {
    /// Parses the escaped text form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut out = Vec::with_capacity(text.len());
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                continue;
            }
            match chars.next() {
                Some('r') => out.push(b'\r'),
                Some('n') => out.push(b'\n'),
                Some('t') => out.push(b'\t'),
                Some('e') => out.push(0x1B),
                Some('\\') => out.push(b'\\'),
                Some('x') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    let byte = u8::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 2)
                        .ok_or_else(|| {
                            format!("bad escape `\\x{hex}` in {text:?}: expected two hex digits")
                        })?;
                    out.push(byte);
                }
                Some(other) => {
                    return Err(format!(
                        "unknown escape `\\{other}` in {text:?}: use \\r \\n \\t \\e \\\\ or \\xNN"
                    ))
                }
                None => return Err(format!("trailing backslash in {text:?}")),
            }
        }
        Ok(Self(out))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for ByteSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in &self.0 {
            match b {
                b'\r' => f.write_str("\\r")?,
                b'\n' => f.write_str("\\n")?,
                b'\t' => f.write_str("\\t")?,
                b'\\' => f.write_str("\\\\")?,
                0x20..=0x7E => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for ByteSequence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for ByteSequence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How the end of a scan is recognised in a byte stream.
///
/// Config spelling: `"cr"`, `"lf"`, `"crlf"`, `"any"` (CR, LF or CRLF), `"idle:50ms"` (no
/// terminator; a pause of that length ends the scan), or any other string as a custom byte
/// sequence with escapes (e.g. `"\x03"` for ETX, `"\r\x04"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Terminator {
    /// Carriage return (0x0D), the factory default of most scanners.
    Cr,
    /// Line feed (0x0A).
    Lf,
    /// CR followed by LF.
    CrLf,
    /// Any of CR, LF or CRLF (CRLF counts once; empty lines are ignored). The default.
    #[default]
    Any,
    /// No terminator: the scan ends after this long without a byte.
    Idle(Duration),
    /// A custom byte sequence.
    Sequence(Vec<u8>),
}

impl Terminator {
    /// Parses the configuration spelling (see the type docs).
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "cr" => Self::Cr,
            "lf" => Self::Lf,
            "crlf" => Self::CrLf,
            "any" => Self::Any,
            _ => {
                if let Some(gap) = text.strip_prefix("idle:") {
                    let gap = humantime::parse_duration(gap)
                        .map_err(|e| format!("bad idle gap in terminator {text:?}: {e}"))?;
                    if gap.is_zero() {
                        return Err(format!(
                            "idle gap in terminator {text:?} must be above zero"
                        ));
                    }
                    Self::Idle(gap)
                } else {
                    let seq = ByteSequence::parse(text)?;
                    if seq.0.is_empty() {
                        return Err("terminator must not be empty".into());
                    }
                    Self::Sequence(seq.0)
                }
            }
        })
    }

    /// The byte sequence that ends a frame, for the fixed-sequence kinds.
    fn sequence(&self) -> Option<&[u8]> {
        match self {
            Self::Cr => Some(b"\r"),
            Self::Lf => Some(b"\n"),
            Self::CrLf => Some(b"\r\n"),
            Self::Sequence(s) => Some(s),
            Self::Any | Self::Idle(_) => None,
        }
    }
}

impl fmt::Display for Terminator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cr => f.write_str("cr"),
            Self::Lf => f.write_str("lf"),
            Self::CrLf => f.write_str("crlf"),
            Self::Any => f.write_str("any"),
            Self::Idle(d) => write!(f, "idle:{}", humantime::format_duration(*d)),
            Self::Sequence(s) => write!(f, "{}", ByteSequence(s.clone())),
        }
    }
}

impl<'de> Deserialize<'de> for Terminator {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Terminator {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One framed scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The AIM symbology identifier found at the start (`]d2`), if any.
    pub symbology: Option<String>,
    /// The data without prefix, suffix and symbology identifier; GS as 0x1D.
    pub data: Vec<u8>,
}

/// Why a frame was rejected. Errors carry lengths and positions, never the scanned data:
/// a frame may hold a patient's NHS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// The frame grew beyond the configured maximum; it was discarded up to its terminator.
    #[error("scan longer than the maximum of {limit} bytes ({length} bytes discarded); check the terminator setting or raise max_scan_length")]
    TooLong {
        /// The configured maximum.
        limit: usize,
        /// How many bytes were discarded.
        length: usize,
    },
    /// The input stopped (device vanished, timeout, shutdown) in the middle of a frame.
    #[error("incomplete scan of {length} bytes discarded: {reason}; check the terminator setting")]
    Unterminated {
        /// How many bytes were discarded.
        length: usize,
        /// Why the frame could not be completed.
        reason: String,
    },
    /// The frame is not valid UTF-8 (line noise, wrong baud rate or parity).
    #[error("scan of {length} bytes is not valid UTF-8 from byte {valid_up_to} (line noise, or wrong baud rate/parity?)")]
    InvalidUtf8 {
        /// Frame length.
        length: usize,
        /// Number of leading bytes that were valid.
        valid_up_to: usize,
    },
    /// The frame holds a control character that no barcode transmits.
    #[error("scan of {length} bytes holds control character 0x{byte:02x} at byte {position} (line noise, or a terminator/stand-in setting that does not match the scanner?)")]
    ControlCharacter {
        /// Frame length.
        length: usize,
        /// The offending byte.
        byte: u8,
        /// Its position in the frame data.
        position: usize,
    },
}

/// What to do with one frame once its extent is known; shared by all scanner sources.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrameOptions {
    /// Bytes the scanner sends before each scan (stripped when present).
    pub prefix: Vec<u8>,
    /// Bytes the scanner sends after each scan, before the terminator (stripped when present).
    pub suffix: Vec<u8>,
    /// A string the scanner sends instead of GS (0x1D); replaced by GS.
    pub gs_stand_in: Option<Vec<u8>>,
}

impl FrameOptions {
    /// Turns one complete raw frame into a [`Frame`] (see the module docs for the order).
    /// Returns `Ok(None)` for an empty frame (a blank line): nothing was scanned.
    pub fn finish(&self, raw: &[u8]) -> Result<Option<Frame>, FramingError> {
        self.finish_inner(raw, true)
    }

    /// Like [`FrameOptions::finish`] for transports that deliver the symbology identifier out
    /// of band (HID POS reports): a leading `]` is data.
    pub fn finish_without_aim(&self, raw: &[u8]) -> Result<Option<Frame>, FramingError> {
        self.finish_inner(raw, false)
    }

    fn finish_inner(&self, raw: &[u8], detect_aim: bool) -> Result<Option<Frame>, FramingError> {
        let mut body = raw;
        if !self.prefix.is_empty() {
            body = body.strip_prefix(self.prefix.as_slice()).unwrap_or(body);
        }
        if !self.suffix.is_empty() {
            body = body.strip_suffix(self.suffix.as_slice()).unwrap_or(body);
        }
        if body.is_empty() {
            return Ok(None);
        }
        let (symbology, body) = if detect_aim {
            split_aim(body)
        } else {
            (None, body)
        };
        let data = match &self.gs_stand_in {
            Some(stand_in) if !stand_in.is_empty() => replace_all(body, stand_in, GS),
            _ => body.to_vec(),
        };
        validate_text(&data)?;
        Ok(Some(Frame {
            symbology: symbology.map(str::to_owned),
            data,
        }))
    }
}

/// Splits a leading AIM symbology identifier (`]` + code letter + modifier character) off.
pub fn split_aim(data: &[u8]) -> (Option<&str>, &[u8]) {
    match data {
        [b']', code, modifier, ..]
            if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
        {
            // Three ASCII bytes are valid UTF-8; the fallback only guards the invariant.
            match std::str::from_utf8(&data[..3]) {
                Ok(id) => (Some(id), &data[3..]),
                Err(_) => (None, data),
            }
        }
        _ => (None, data),
    }
}

/// Replaces every occurrence of `needle` in `hay` by the single byte `with`.
fn replace_all(hay: &[u8], needle: &[u8], with: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    let finder = memchr::memmem::Finder::new(needle);
    while let Some(at) = finder.find(rest) {
        out.extend_from_slice(&rest[..at]);
        out.push(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Checks that scan data is UTF-8 text whose only control characters are the ones barcodes
/// legitimately carry: GS (GS1 separator), RS, FS and EOT (ISO/IEC 15434 envelopes).
pub fn validate_text(data: &[u8]) -> Result<(), FramingError> {
    if let Err(e) = std::str::from_utf8(data) {
        return Err(FramingError::InvalidUtf8 {
            length: data.len(),
            valid_up_to: e.valid_up_to(),
        });
    }
    if let Some(position) = data
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, 0x04 | 0x1C | 0x1D | 0x1E)) || b == 0x7F)
    {
        return Err(FramingError::ControlCharacter {
            length: data.len(),
            byte: data[position],
            position,
        });
    }
    Ok(())
}

/// Configuration of a [`Framer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramerConfig {
    /// How a frame ends.
    pub terminator: Terminator,
    /// Prefix/suffix stripping and GS stand-in.
    pub options: FrameOptions,
    /// Longest raw frame accepted (terminator excluded).
    pub max_scan_length: usize,
}

impl Default for FramerConfig {
    fn default() -> Self {
        Self {
            terminator: Terminator::Any,
            options: FrameOptions::default(),
            max_scan_length: DEFAULT_MAX_SCAN_LENGTH,
        }
    }
}

/// One result of framing: a scan or a rejected frame.
pub type FrameResult = Result<Frame, FramingError>;

/// The framing state machine. Feed it reads with [`Framer::push`]; call [`Framer::flush_idle`]
/// when the idle gap passed and [`Framer::abandon`] when the input stops.
#[derive(Debug)]
pub struct Framer {
    config: FramerConfig,
    /// Bytes of the frame being received (in discard mode: only a possible partial terminator).
    buf: Vec<u8>,
    /// `Some(n)`: the frame is over-long and `n` bytes were discarded so far.
    discarding: Option<usize>,
    /// `Terminator::Any`: the last byte seen was CR, so a leading LF belongs to it.
    after_cr: bool,
    /// The fixed terminator sequence (empty for `any` and idle framing).
    term: Vec<u8>,
}

impl Framer {
    /// A framer in its initial state.
    pub fn new(config: FramerConfig) -> Self {
        Self {
            term: config.terminator.sequence().unwrap_or_default().to_vec(),
            buf: Vec::with_capacity(config.max_scan_length.min(DEFAULT_MAX_SCAN_LENGTH)),
            config,
            discarding: None,
            after_cr: false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FramerConfig {
        &self.config
    }

    /// Whether part of a frame has been received and not yet completed.
    pub fn has_partial(&self) -> bool {
        self.discarding.is_some() || !self.buf.is_empty()
    }

    /// Feeds one read; complete frames and errors are appended to `out` in stream order.
    pub fn push(&mut self, mut input: &[u8], out: &mut Vec<FrameResult>) {
        match &self.config.terminator {
            _ if input.is_empty() => {}
            Terminator::Idle(_) => self.append(input),
            Terminator::Any => {
                if self.after_cr {
                    self.after_cr = false;
                    if let Some(rest) = input.strip_prefix(b"\n") {
                        input = rest;
                    }
                }
                while let Some(at) = memchr::memchr2(b'\r', b'\n', input) {
                    self.append(&input[..at]);
                    self.end_frame(out);
                    let crlf = input[at] == b'\r';
                    input = &input[at + 1..];
                    if crlf {
                        match input.first() {
                            Some(b'\n') => input = &input[1..],
                            None => self.after_cr = true,
                            Some(_) => {}
                        }
                    }
                }
                self.append(input);
            }
            Terminator::Cr | Terminator::Lf | Terminator::CrLf | Terminator::Sequence(_) => {
                self.push_sequence(input, out)
            }
        }
    }

    fn push_sequence(&mut self, mut input: &[u8], out: &mut Vec<FrameResult>) {
        // Taken out for the duration of the call so `self` can be borrowed mutably below.
        let term = std::mem::take(&mut self.term);
        let n = term.len();
        if n == 0 {
            return;
        }
        // A terminator that straddles the previous read and this one.
        if n > 1 && !self.buf.is_empty() {
            for k in (1..n).rev() {
                if self.buf.ends_with(&term[..k]) && input.starts_with(&term[k..]) {
                    let keep = self.buf.len() - k;
                    self.buf.truncate(keep);
                    if let Some(discarded) = &mut self.discarding {
                        *discarded -= k;
                    }
                    input = &input[n - k..];
                    self.end_frame(out);
                    break;
                }
            }
        }
        loop {
            let found = if n == 1 {
                memchr::memchr(term[0], input)
            } else {
                memchr::memmem::find(input, &term)
            };
            match found {
                Some(at) => {
                    self.append(&input[..at]);
                    self.end_frame(out);
                    input = &input[at + n..];
                }
                None => {
                    self.append(input);
                    self.term = term;
                    return;
                }
            }
        }
    }

    /// Length of the fixed terminator (0 when framing is by idle gap or `any`).
    fn terminator_len(&self) -> usize {
        self.config.terminator.sequence().map_or(0, <[u8]>::len)
    }

    /// Adds bytes to the current frame, switching to discard mode past the maximum. The buffer
    /// may hold up to `terminator_len - 1` bytes beyond the maximum: they may turn out to be the
    /// start of a terminator split across reads.
    fn append(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let slack = self.terminator_len().saturating_sub(1);
        if let Some(discarded) = &mut self.discarding {
            *discarded += bytes.len();
            if slack > 0 {
                self.keep_tail(bytes, slack);
            }
            return;
        }
        if self.buf.len() + bytes.len() > self.config.max_scan_length + slack {
            self.discarding = Some(self.buf.len() + bytes.len());
            let previous = std::mem::take(&mut self.buf);
            self.buf = Vec::with_capacity(slack.max(1) * 2);
            if slack > 0 {
                self.keep_tail(&previous, slack);
                self.keep_tail(bytes, slack);
            }
            return;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Discard mode: keep only the last `slack` bytes seen, to match a split terminator.
    fn keep_tail(&mut self, bytes: &[u8], slack: usize) {
        let take = bytes.len().min(slack);
        self.buf.extend_from_slice(&bytes[bytes.len() - take..]);
        let excess = self.buf.len().saturating_sub(slack);
        self.buf.drain(..excess);
    }

    /// A terminator was seen: hand out the frame (or the over-length error).
    fn end_frame(&mut self, out: &mut Vec<FrameResult>) {
        let over = if self.buf.len() > self.config.max_scan_length {
            Some(self.buf.len())
        } else {
            None
        };
        if let Some(length) = self.discarding.take().or(over) {
            self.buf.clear();
            out.push(Err(FramingError::TooLong {
                limit: self.config.max_scan_length,
                length,
            }));
            return;
        }
        match self.config.options.finish(&self.buf) {
            Ok(Some(frame)) => out.push(Ok(frame)),
            Ok(None) => {}
            Err(e) => out.push(Err(e)),
        }
        self.buf.clear();
    }

    /// Idle framing: the gap passed, so what was received is one scan. For terminator framing
    /// use [`Framer::abandon`] instead.
    pub fn flush_idle(&mut self, out: &mut Vec<FrameResult>) {
        self.after_cr = false;
        if self.has_partial() {
            self.end_frame(out);
        }
    }

    /// The input stopped mid-frame (device gone, timeout, shutdown): discard the partial frame
    /// and say so. Returns `None` when nothing was pending.
    pub fn abandon(&mut self, reason: &str) -> Option<FramingError> {
        self.after_cr = false;
        if let Some(length) = self.discarding.take() {
            self.buf.clear();
            return Some(FramingError::TooLong {
                limit: self.config.max_scan_length,
                length,
            });
        }
        if self.buf.is_empty() {
            return None;
        }
        let length = self.buf.len();
        if length > self.config.max_scan_length {
            self.buf.clear();
            return Some(FramingError::TooLong {
                limit: self.config.max_scan_length,
                length,
            });
        }
        self.buf.clear();
        Some(FramingError::Unterminated {
            length,
            reason: reason.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn framer(term: &str) -> Framer {
        Framer::new(FramerConfig {
            terminator: Terminator::parse(term).unwrap(),
            ..FramerConfig::default()
        })
    }

    fn run(f: &mut Framer, chunks: &[&[u8]]) -> Vec<FrameResult> {
        let mut out = Vec::new();
        for c in chunks {
            f.push(c, &mut out);
        }
        out
    }

    fn data(r: &FrameResult) -> &[u8] {
        &r.as_ref().unwrap().data
    }

    #[test]
    fn terminator_spellings_parse() {
        assert_eq!(Terminator::parse("cr").unwrap(), Terminator::Cr);
        assert_eq!(Terminator::parse("crlf").unwrap(), Terminator::CrLf);
        assert_eq!(
            Terminator::parse("idle:50ms").unwrap(),
            Terminator::Idle(Duration::from_millis(50))
        );
        assert_eq!(
            Terminator::parse("\\x03").unwrap(),
            Terminator::Sequence(vec![3])
        );
        assert!(Terminator::parse("idle:0ms").is_err());
        assert!(Terminator::parse("idle:soon").is_err());
        assert!(Terminator::parse("").is_err());
        assert!(Terminator::parse("\\q").is_err());
        for t in ["cr", "lf", "crlf", "any", "idle:50ms", "\\x03\\r"] {
            assert_eq!(Terminator::parse(t).unwrap().to_string(), t);
        }
    }

    #[test]
    fn byte_sequence_escapes() {
        assert_eq!(
            ByteSequence::parse("<GS>\\x1d\\r\\n\\t\\\\é").unwrap().0,
            b"<GS>\x1d\r\n\t\\\xc3\xa9".to_vec()
        );
        assert!(ByteSequence::parse("\\x1").is_err());
        assert!(ByteSequence::parse("\\xZZ").is_err());
        assert!(ByteSequence::parse("abc\\").is_err());
    }

    #[test]
    fn cr_frames_with_aim_id_and_gs() {
        let mut f = framer("cr");
        let out = run(
            &mut f,
            &[b"]d2010950600013435217261231\x1d10AB\r]E09506000134352\r"],
        );
        assert_eq!(out.len(), 2);
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.symbology.as_deref(), Some("]d2"));
        assert_eq!(first.data, b"010950600013435217261231\x1d10AB");
        assert_eq!(out[1].as_ref().unwrap().symbology.as_deref(), Some("]E0"));
    }

    #[test]
    fn no_aim_id_means_no_symbology() {
        let mut f = framer("cr");
        let out = run(&mut f, &[b"0109506000134352\r"]);
        assert_eq!(out[0].as_ref().unwrap().symbology, None);
        // `]` followed by a digit is not an AIM id.
        let out = run(&mut f, &[b"]12345\r"]);
        assert_eq!(out[0].as_ref().unwrap().symbology, None);
    }

    #[test]
    fn any_treats_crlf_once_even_split() {
        let mut f = framer("any");
        let out = run(&mut f, &[b"A1\r", b"\nB2\n\nC3\r\n", b"D4\r"]);
        let frames: Vec<_> = out.iter().map(data).collect();
        assert_eq!(frames, vec![&b"A1"[..], b"B2", b"C3", b"D4"]);
    }

    #[test]
    fn crlf_split_between_reads() {
        let mut f = framer("crlf");
        let out = run(&mut f, &[b"A1\r", b"\nB2\r\n"]);
        assert_eq!(
            out.iter().map(data).collect::<Vec<_>>(),
            vec![&b"A1"[..], b"B2"]
        );
    }

    #[test]
    fn crlf_mode_rejects_lone_cr_as_control_character() {
        let mut f = framer("crlf");
        let out = run(&mut f, &[b"A\rB\r\n"]);
        assert!(matches!(
            out[0],
            Err(FramingError::ControlCharacter {
                byte: b'\r',
                position: 1,
                ..
            })
        ));
    }

    #[test]
    fn prefix_suffix_stripped() {
        let mut f = Framer::new(FramerConfig {
            terminator: Terminator::Sequence(vec![0x03]),
            options: FrameOptions {
                prefix: vec![0x02],
                suffix: b"#".to_vec(),
                gs_stand_in: None,
            },
            max_scan_length: 100,
        });
        let out = run(&mut f, &[b"\x02]C1019506000134352#\x03"]);
        let frame = out[0].as_ref().unwrap();
        assert_eq!(frame.symbology.as_deref(), Some("]C1"));
        assert_eq!(frame.data, b"019506000134352");
    }

    #[test]
    fn gs_stand_in_mapped() {
        let mut f = Framer::new(FramerConfig {
            terminator: Terminator::Cr,
            options: FrameOptions {
                gs_stand_in: Some(b"<GS>".to_vec()),
                ..FrameOptions::default()
            },
            max_scan_length: 100,
        });
        let out = run(&mut f, &[b"]d21712<GS>10AB<GS>21X\r"]);
        assert_eq!(data(&out[0]), b"1712\x1d10AB\x1d21X");
    }

    #[test]
    fn flood_is_bounded_and_reported_once_then_framing_resumes() {
        let mut f = framer("cr");
        let mut out = Vec::new();
        f.push(b"OK1\r", &mut out);
        for _ in 0..1024 {
            f.push(&[b'9'; 1024], &mut out);
            assert!(f.buf.capacity() <= DEFAULT_MAX_SCAN_LENGTH + 16);
        }
        assert!(f.has_partial());
        f.push(b"\rOK2\r", &mut out);
        assert_eq!(data(&out[0]), b"OK1");
        assert_eq!(
            out[1],
            Err(FramingError::TooLong {
                limit: DEFAULT_MAX_SCAN_LENGTH,
                length: 1024 * 1024
            })
        );
        assert_eq!(data(&out[2]), b"OK2");
    }

    #[test]
    fn unterminated_flood_reported_on_abandon() {
        let mut f = framer("crlf");
        let mut out = Vec::new();
        f.push(&vec![b'7'; 20_000], &mut out);
        assert!(out.is_empty());
        assert!(matches!(
            f.abandon("device vanished"),
            Some(FramingError::TooLong { length: 20_000, .. })
        ));
        assert_eq!(f.abandon("again"), None);
        f.push(b"AB", &mut out);
        assert!(matches!(
            f.abandon("device vanished"),
            Some(FramingError::Unterminated { length: 2, .. })
        ));
    }

    #[test]
    fn idle_framing_flushes_on_gap() {
        let mut f = framer("idle:50ms");
        let mut out = Vec::new();
        f.push(b"]Q3010950600013435", &mut out);
        f.push(b"2", &mut out);
        assert!(out.is_empty());
        f.flush_idle(&mut out);
        assert_eq!(data(&out[0]), b"0109506000134352");
        f.flush_idle(&mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn invalid_utf8_and_control_characters_rejected() {
        let mut f = framer("cr");
        let out = run(&mut f, &[b"AB\xff\xfeCD\rX\x00Y\rGOOD\r"]);
        assert_eq!(
            out[0],
            Err(FramingError::InvalidUtf8 {
                length: 6,
                valid_up_to: 2
            })
        );
        assert!(matches!(
            out[1],
            Err(FramingError::ControlCharacter {
                byte: 0,
                position: 1,
                ..
            })
        ));
        assert_eq!(data(&out[2]), b"GOOD");
    }

    #[test]
    fn errors_do_not_echo_data() {
        let e = FramingError::InvalidUtf8 {
            length: 6,
            valid_up_to: 2,
        };
        assert!(!e.to_string().contains("9990000"));
    }

    fn frames_for(
        term: &str,
        max: usize,
        stream: &[u8],
        cuts: &[usize],
    ) -> (Vec<FrameResult>, Option<FramingError>) {
        let mut f = Framer::new(FramerConfig {
            terminator: Terminator::parse(term).unwrap(),
            options: FrameOptions {
                gs_stand_in: Some(b"^]".to_vec()),
                ..FrameOptions::default()
            },
            max_scan_length: max,
        });
        let mut out = Vec::new();
        let mut start = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        cuts.sort_unstable();
        for c in cuts {
            f.push(&stream[start..c], &mut out);
            start = c;
        }
        f.push(&stream[start..], &mut out);
        let tail = f.abandon("end");
        (out, tail)
    }

    proptest! {
        #[test]
        fn any_split_gives_same_frames(
            stream in proptest::collection::vec(
                prop_oneof![Just(b'\r'), Just(b'\n'), Just(0x1d), Just(b'^'), Just(b']'), Just(0x03), 0x20u8..0x7f, any::<u8>()],
                0..400),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
            term in prop_oneof![Just("cr"), Just("lf"), Just("crlf"), Just("any"), Just("\\x03\\r"), Just("idle:1s")],
            max in prop_oneof![Just(16usize), Just(1000)],
        ) {
            let whole = frames_for(term, max, &stream, &[]);
            let split = frames_for(term, max, &stream, &cuts);
            prop_assert_eq!(whole, split);
        }
    }
}
