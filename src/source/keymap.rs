//! PURE: keyboard-wedge key events → scan text. No I/O, no tokio.
//!
//! A keyboard-wedge scanner types each character as key presses in the layout the host is
//! assumed to use. This state machine undoes that for the US and UK (gb) layouts:
//! - modifiers: Shift (left/right), Caps Lock (a toggle; letters only), AltGr (right Alt on the
//!   UK layout; plain Alt on the US layout), Ctrl;
//! - GS (0x1D) from Ctrl+] , from Alt + keypad `0029` (Alt+numpad codes in general: with a
//!   leading 0 the code is Windows-1252, without it CP437 — identical below 128), and from
//!   configured stand-in strings (mapped later by [`super::framing::FrameOptions::finish`]);
//! - Ctrl+letter and Ctrl+`[`/`\`/`]`/`^`/`_` give the C0 control characters (EOT for ISO/IEC
//!   15434 envelopes is Ctrl+D);
//! - Enter / keypad Enter or Tab ends the scan (configurable).
//!
//! Invariants: no key is silently dropped or invented. A key this layout does not map poisons the
//! scan, which is then rejected as a whole with [`KeymapError::UnmappedKey`] at its terminator —
//! never turned into `?` (itself a valid GS1 character). Memory per scan is bounded by
//! `max_scan_length`.

use serde::{Deserialize, Serialize};

/// Linux input event type for keys (`EV_KEY`).
pub const EV_KEY: u16 = 1;

/// The key codes used here (linux/input-event-codes.h).
#[allow(missing_docs)]
pub mod key {
    pub const ESC: u16 = 1;
    pub const N1: u16 = 2;
    pub const N2: u16 = 3;
    pub const N3: u16 = 4;
    pub const N4: u16 = 5;
    pub const N5: u16 = 6;
    pub const N6: u16 = 7;
    pub const N7: u16 = 8;
    pub const N8: u16 = 9;
    pub const N9: u16 = 10;
    pub const N0: u16 = 11;
    pub const MINUS: u16 = 12;
    pub const EQUAL: u16 = 13;
    pub const BACKSPACE: u16 = 14;
    pub const TAB: u16 = 15;
    pub const Q: u16 = 16;
    pub const LEFTBRACE: u16 = 26;
    pub const RIGHTBRACE: u16 = 27;
    pub const ENTER: u16 = 28;
    pub const LEFTCTRL: u16 = 29;
    pub const A: u16 = 30;
    pub const C: u16 = 46;
    pub const B: u16 = 48;
    pub const SEMICOLON: u16 = 39;
    pub const APOSTROPHE: u16 = 40;
    pub const GRAVE: u16 = 41;
    pub const LEFTSHIFT: u16 = 42;
    pub const BACKSLASH: u16 = 43;
    pub const Z: u16 = 44;
    pub const COMMA: u16 = 51;
    pub const DOT: u16 = 52;
    pub const SLASH: u16 = 53;
    pub const RIGHTSHIFT: u16 = 54;
    pub const KPASTERISK: u16 = 55;
    pub const LEFTALT: u16 = 56;
    pub const SPACE: u16 = 57;
    pub const CAPSLOCK: u16 = 58;
    pub const NUMLOCK: u16 = 69;
    pub const SCROLLLOCK: u16 = 70;
    pub const KP7: u16 = 71;
    pub const KP8: u16 = 72;
    pub const KP9: u16 = 73;
    pub const KPMINUS: u16 = 74;
    pub const KP4: u16 = 75;
    pub const KP5: u16 = 76;
    pub const KP6: u16 = 77;
    pub const KPPLUS: u16 = 78;
    pub const KP1: u16 = 79;
    pub const KP2: u16 = 80;
    pub const KP3: u16 = 81;
    pub const KP0: u16 = 82;
    pub const KPDOT: u16 = 83;
    pub const KEY_102ND: u16 = 86;
    pub const KPENTER: u16 = 96;
    pub const RIGHTCTRL: u16 = 97;
    pub const KPSLASH: u16 = 98;
    pub const RIGHTALT: u16 = 100;
    pub const LEFTMETA: u16 = 125;
    pub const RIGHTMETA: u16 = 126;
}

/// Keyboard layout the scanner types in (`layout = "us" | "gb"`; `"uk"` is accepted for gb).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// US English (the factory default of most scanners).
    #[default]
    Us,
    /// UK English: `"` on Shift+2, `@` on Shift+', `#`/`~` beside Enter, `\`/`|` left of Z,
    /// `£` on Shift+3, `¬` on Shift+`, AltGr+4 `€`.
    #[serde(alias = "uk")]
    Gb,
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "us" => Ok(Self::Us),
            "gb" | "uk" => Ok(Self::Gb),
            _ => Err(format!(
                "unknown keyboard layout {s:?}: use \"us\" or \"gb\""
            )),
        }
    }
}

/// Which key ends a scan (`terminator = "enter" | "tab"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyTerminator {
    /// Enter or keypad Enter (default).
    #[default]
    Enter,
    /// Tab.
    Tab,
}

/// One key event (`EV_KEY`): code and value (0 release, 1 press, 2 autorepeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEvent {
    /// Linux key code.
    pub code: u16,
    /// 0 release, 1 press, 2 autorepeat.
    pub value: i32,
}

/// Why a keyed-in scan was rejected. Carries key codes and lengths, never the typed text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeymapError {
    /// A key (with these modifiers) has no meaning in the layout; the whole scan is rejected.
    #[error("key code {code} ({modifiers}) has no character in the {layout:?} layout; scan of {length} characters rejected (is the layout setting right?)")]
    UnmappedKey {
        /// Linux key code.
        code: u16,
        /// Modifiers held, e.g. "shift+altgr".
        modifiers: String,
        /// Layout in use.
        layout: Layout,
        /// Bytes mapped before the scan was rejected.
        length: usize,
    },
    /// An Alt+numpad code that is not a character (above 255, or CP437 above 127).
    #[error("Alt+numpad code {code} is not supported; scan rejected")]
    BadAltCode {
        /// The typed code.
        code: u32,
    },
    /// The kernel dropped input events (SYN_DROPPED: the reader fell behind); the scan in
    /// progress cannot be trusted.
    #[error("the kernel dropped key events (SYN_DROPPED); the scan in progress was rejected")]
    EventsDropped,
    /// More characters than `max_scan_length` before a terminator.
    #[error("keyed scan longer than {limit} bytes discarded")]
    TooLong {
        /// The configured maximum.
        limit: usize,
    },
}

/// What one key event completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    /// A complete scan's bytes (UTF-8; GS as 0x1D; stand-ins not yet mapped).
    Scan(Vec<u8>),
    /// A rejected scan.
    Error(KeymapError),
}

#[derive(Debug, Clone, Copy, Default)]
struct Modifiers {
    left_shift: bool,
    right_shift: bool,
    left_ctrl: bool,
    right_ctrl: bool,
    left_alt: bool,
    right_alt: bool,
    caps_lock: bool,
}

/// Characters of one key: (plain, shifted, AltGr).
type KeyChars = (char, char, Option<char>);

fn base_us(code: u16) -> Option<KeyChars> {
    const DIGITS: [(char, char); 10] = [
        ('1', '!'),
        ('2', '@'),
        ('3', '#'),
        ('4', '$'),
        ('5', '%'),
        ('6', '^'),
        ('7', '&'),
        ('8', '*'),
        ('9', '('),
        ('0', ')'),
    ];
    const ROW_Q: &[u8; 10] = b"qwertyuiop";
    const ROW_A: &[u8; 9] = b"asdfghjkl";
    const ROW_Z: &[u8; 7] = b"zxcvbnm";
    let letter = |c: u8| {
        let c = c as char;
        Some((c, c.to_ascii_uppercase(), None))
    };
    match code {
        key::N1..=key::N0 => {
            let (p, s) = DIGITS[usize::from(code - key::N1)];
            Some((p, s, None))
        }
        key::MINUS => Some(('-', '_', None)),
        key::EQUAL => Some(('=', '+', None)),
        16..=25 => letter(ROW_Q[usize::from(code - 16)]),
        key::LEFTBRACE => Some(('[', '{', None)),
        key::RIGHTBRACE => Some((']', '}', None)),
        30..=38 => letter(ROW_A[usize::from(code - 30)]),
        key::SEMICOLON => Some((';', ':', None)),
        key::APOSTROPHE => Some(('\'', '"', None)),
        key::GRAVE => Some(('`', '~', None)),
        key::BACKSLASH => Some(('\\', '|', None)),
        44..=50 => letter(ROW_Z[usize::from(code - 44)]),
        key::COMMA => Some((',', '<', None)),
        key::DOT => Some(('.', '>', None)),
        key::SLASH => Some(('/', '?', None)),
        key::SPACE => Some((' ', ' ', None)),
        // The ISO key left of Z, on a US-layout host (xkb pc105 "us": less/greater).
        key::KEY_102ND => Some(('<', '>', None)),
        _ => None,
    }
}

fn chars_for(layout: Layout, code: u16) -> Option<KeyChars> {
    match layout {
        Layout::Us => base_us(code),
        Layout::Gb => match code {
            key::N2 => Some(('2', '"', None)),
            key::N3 => Some(('3', '£', None)),
            key::N4 => Some(('4', '$', Some('€'))),
            key::APOSTROPHE => Some(('\'', '@', None)),
            key::GRAVE => Some(('`', '¬', Some('¦'))),
            key::BACKSLASH => Some(('#', '~', None)),
            key::KEY_102ND => Some(('\\', '|', None)),
            _ => base_us(code),
        },
    }
}

fn keypad_digit(code: u16) -> Option<u8> {
    Some(match code {
        key::KP0 => 0,
        key::KP1 => 1,
        key::KP2 => 2,
        key::KP3 => 3,
        key::KP4 => 4,
        key::KP5 => 5,
        key::KP6 => 6,
        key::KP7 => 7,
        key::KP8 => 8,
        key::KP9 => 9,
        _ => return None,
    })
}

fn keypad_symbol(code: u16) -> Option<char> {
    Some(match code {
        key::KPASTERISK => '*',
        key::KPMINUS => '-',
        key::KPPLUS => '+',
        key::KPDOT => '.',
        key::KPSLASH => '/',
        _ => return None,
    })
}

/// Windows-1252 0x80–0x9F; `None` where the code page has no character.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The key-event state machine.
#[derive(Debug, Clone)]
pub struct KeyMapper {
    layout: Layout,
    terminator: KeyTerminator,
    max_scan_length: usize,
    mods: Modifiers,
    buf: Vec<u8>,
    /// The scan hit a key it cannot map; it is rejected at the terminator.
    poisoned: Option<KeymapError>,
    /// Alt+numpad entry in progress: (value so far, digit count, leading zero).
    alt_code: Option<(u32, u8, bool)>,
}

impl KeyMapper {
    /// A mapper for `layout`, ending scans at `terminator`.
    pub fn new(layout: Layout, terminator: KeyTerminator, max_scan_length: usize) -> Self {
        Self {
            layout,
            terminator,
            max_scan_length,
            mods: Modifiers::default(),
            buf: Vec::with_capacity(256),
            poisoned: None,
            alt_code: None,
        }
    }

    /// Sets the Caps Lock state (read from the device's LED when it is opened).
    pub fn set_caps_lock(&mut self, on: bool) {
        self.mods.caps_lock = on;
    }

    /// Whether part of a scan has been typed.
    pub fn has_partial(&self) -> bool {
        !self.buf.is_empty() || self.poisoned.is_some()
    }

    /// Number of bytes typed so far in the current scan.
    pub fn partial_len(&self) -> usize {
        self.buf.len()
    }

    /// Forgets a half-typed scan (device lost); returns its length if there was one.
    pub fn reset(&mut self) -> Option<usize> {
        let had = self.has_partial().then_some(self.buf.len());
        self.buf.clear();
        self.poisoned = None;
        self.alt_code = None;
        self.mods = Modifiers {
            caps_lock: self.mods.caps_lock,
            ..Modifiers::default()
        };
        had
    }

    /// The kernel reported SYN_DROPPED: reject the scan in progress (at its terminator) and take
    /// the modifier state from `held` (the device's current key state, EVIOCGKEY).
    pub fn events_dropped(&mut self, held: impl Fn(u16) -> bool) {
        self.poison(KeymapError::EventsDropped);
        self.alt_code = None;
        self.mods = Modifiers {
            left_shift: held(key::LEFTSHIFT),
            right_shift: held(key::RIGHTSHIFT),
            left_ctrl: held(key::LEFTCTRL),
            right_ctrl: held(key::RIGHTCTRL),
            left_alt: held(key::LEFTALT),
            right_alt: held(key::RIGHTALT),
            caps_lock: self.mods.caps_lock,
        };
    }

    fn altgr_active(&self) -> bool {
        self.layout == Layout::Gb && self.mods.right_alt
    }

    fn alt_active(&self) -> bool {
        self.mods.left_alt || (self.mods.right_alt && self.layout == Layout::Us)
    }

    fn modifier_names(&self) -> String {
        let mut names = Vec::new();
        if self.mods.left_shift || self.mods.right_shift {
            names.push("shift");
        }
        if self.mods.caps_lock {
            names.push("capslock");
        }
        if self.mods.left_ctrl || self.mods.right_ctrl {
            names.push("ctrl");
        }
        if self.alt_active() {
            names.push("alt");
        }
        if self.altgr_active() {
            names.push("altgr");
        }
        if names.is_empty() {
            "no modifiers".into()
        } else {
            names.join("+")
        }
    }

    fn poison(&mut self, error: KeymapError) {
        if self.poisoned.is_none() {
            self.poisoned = Some(error);
        }
    }

    fn push_char(&mut self, c: char) {
        if self.poisoned.is_some() {
            return;
        }
        if self.buf.len() + c.len_utf8() > self.max_scan_length {
            self.poison(KeymapError::TooLong {
                limit: self.max_scan_length,
            });
            return;
        }
        let mut tmp = [0u8; 4];
        self.buf
            .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }

    fn finish_alt_code(&mut self) {
        let Some((value, digits, leading_zero)) = self.alt_code.take() else {
            return;
        };
        if digits == 0 {
            return;
        }
        let c = match value {
            0..=127 => char::from_u32(value),
            128..=159 if leading_zero => CP1252_HIGH[(value - 128) as usize],
            160..=255 if leading_zero => char::from_u32(value),
            _ => None,
        };
        match c {
            Some(c) => self.push_char(c),
            None => self.poison(KeymapError::BadAltCode { code: value }),
        }
    }

    /// Feeds one key event; returns a completed scan or error at a terminator.
    pub fn feed(&mut self, event: KeyEvent) -> Option<KeyOutcome> {
        let pressed = event.value != 0;
        match event.code {
            key::LEFTSHIFT => self.mods.left_shift = pressed,
            key::RIGHTSHIFT => self.mods.right_shift = pressed,
            key::LEFTCTRL => self.mods.left_ctrl = pressed,
            key::RIGHTCTRL => self.mods.right_ctrl = pressed,
            key::LEFTALT | key::RIGHTALT => {
                let was_alt = self.alt_active();
                if event.code == key::LEFTALT {
                    self.mods.left_alt = pressed;
                } else {
                    self.mods.right_alt = pressed;
                }
                if was_alt && !self.alt_active() {
                    self.finish_alt_code();
                } else if !was_alt && self.alt_active() {
                    self.alt_code = Some((0, 0, false));
                }
            }
            key::CAPSLOCK => {
                if event.value == 1 {
                    self.mods.caps_lock = !self.mods.caps_lock;
                }
            }
            key::NUMLOCK | key::SCROLLLOCK | key::LEFTMETA | key::RIGHTMETA => {}
            _ if event.value == 0 => {}
            code => return self.press(code),
        }
        None
    }

    fn press(&mut self, code: u16) -> Option<KeyOutcome> {
        let is_terminator = match self.terminator {
            KeyTerminator::Enter => code == key::ENTER || code == key::KPENTER,
            KeyTerminator::Tab => code == key::TAB,
        };
        if is_terminator && self.alt_code.is_none_or(|(_, digits, _)| digits == 0) {
            return self.complete();
        }
        if let (Some(digit), true) = (keypad_digit(code), self.alt_active()) {
            if let Some((value, digits, leading_zero)) = &mut self.alt_code {
                if *digits == 0 && digit == 0 {
                    *leading_zero = true;
                }
                *value = value.saturating_mul(10).saturating_add(u32::from(digit));
                *digits = digits.saturating_add(1);
            }
            return None;
        }
        if let Some(digit) = keypad_digit(code) {
            self.push_char(char::from(b'0' + digit));
            return None;
        }
        if let Some(c) = keypad_symbol(code) {
            self.push_char(c);
            return None;
        }
        let shift = self.mods.left_shift || self.mods.right_shift;
        let ctrl = self.mods.left_ctrl || self.mods.right_ctrl;
        let mapped = chars_for(self.layout, code).and_then(|(plain, shifted, altgr)| {
            if self.altgr_active() {
                return altgr;
            }
            let letter = plain.is_ascii_lowercase();
            let upper = if letter {
                shift != self.mods.caps_lock
            } else {
                shift
            };
            let c = if upper { shifted } else { plain };
            if ctrl {
                // Ctrl+letter and Ctrl+[\]^_ give C0 controls; Ctrl+] is GS.
                let u = c.to_ascii_uppercase();
                return matches!(u, 'A'..='Z' | '[' | '\\' | ']' | '^' | '_')
                    .then(|| char::from(u as u8 & 0x1F));
            }
            if self.alt_active() {
                // Plain Alt+key is a shortcut, never a character a scanner means.
                return None;
            }
            Some(c)
        });
        let mapped = mapped.or(match code {
            key::TAB if !ctrl => Some('\t'),
            key::ENTER | key::KPENTER => Some('\r'),
            _ => None,
        });
        match mapped {
            Some(c) => self.push_char(c),
            None => {
                let error = KeymapError::UnmappedKey {
                    code,
                    modifiers: self.modifier_names(),
                    layout: self.layout,
                    length: self.buf.len(),
                };
                self.poison(error);
            }
        }
        None
    }

    fn complete(&mut self) -> Option<KeyOutcome> {
        let poisoned = self.poisoned.take();
        if let Some(mut error) = poisoned {
            if let KeymapError::UnmappedKey { length, .. } = &mut error {
                *length = self.buf.len();
            }
            self.buf.clear();
            return Some(KeyOutcome::Error(error));
        }
        if self.buf.is_empty() {
            return None;
        }
        let scan = std::mem::replace(&mut self.buf, Vec::with_capacity(256));
        Some(KeyOutcome::Scan(scan))
    }
}

/// Size of one recorded `struct input_event` on 64-bit Linux.
pub const INPUT_EVENT_SIZE: usize = 24;

/// One recorded `struct input_event`: timeval (16 bytes), type u16, code u16, value i32, little
/// endian — the format of the `hardware-fixtures/keyboard/*.bin` captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputEventRecord {
    /// Seconds of the kernel timestamp.
    pub sec: i64,
    /// Microseconds of the kernel timestamp.
    pub usec: i64,
    /// Event type (`EV_KEY` = 1, `EV_SYN` = 0, `EV_MSC` = 4).
    pub kind: u16,
    /// Event code.
    pub code: u16,
    /// Event value.
    pub value: i32,
}

impl InputEventRecord {
    /// The key event, if this is an `EV_KEY` record.
    pub fn key_event(&self) -> Option<KeyEvent> {
        (self.kind == EV_KEY).then_some(KeyEvent {
            code: self.code,
            value: self.value,
        })
    }

    /// Encodes the record (for fixture generators and tests).
    pub fn to_bytes(&self) -> [u8; INPUT_EVENT_SIZE] {
        let mut b = [0u8; INPUT_EVENT_SIZE];
        b[0..8].copy_from_slice(&self.sec.to_le_bytes());
        b[8..16].copy_from_slice(&self.usec.to_le_bytes());
        b[16..18].copy_from_slice(&self.kind.to_le_bytes());
        b[18..20].copy_from_slice(&self.code.to_le_bytes());
        b[20..24].copy_from_slice(&self.value.to_le_bytes());
        b
    }
}

/// Parses a capture of `input_event` records. Fails if the length is not a multiple of 24.
pub fn parse_input_events(bytes: &[u8]) -> Result<Vec<InputEventRecord>, String> {
    if bytes.len() % INPUT_EVENT_SIZE != 0 {
        return Err(format!(
            "capture of {} bytes is not a whole number of {INPUT_EVENT_SIZE}-byte input_event records",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(INPUT_EVENT_SIZE)
        .map(|r| {
            let i64_at = |o: usize| {
                i64::from_le_bytes([
                    r[o],
                    r[o + 1],
                    r[o + 2],
                    r[o + 3],
                    r[o + 4],
                    r[o + 5],
                    r[o + 6],
                    r[o + 7],
                ])
            };
            InputEventRecord {
                sec: i64_at(0),
                usec: i64_at(8),
                kind: u16::from_le_bytes([r[16], r[17]]),
                code: u16::from_le_bytes([r[18], r[19]]),
                value: i32::from_le_bytes([r[20], r[21], r[22], r[23]]),
            }
        })
        .collect())
}

/// The key presses that type `text` in `layout` (press and release for each character, with
/// Shift/AltGr where needed; GS as Ctrl+]). Used to generate fixtures and benchmarks; returns
/// `None` for a character the layout cannot type.
pub fn type_text(layout: Layout, text: &str, terminator: KeyTerminator) -> Option<Vec<KeyEvent>> {
    let mut out = Vec::new();
    let tap = |out: &mut Vec<KeyEvent>, code: u16| {
        out.push(KeyEvent { code, value: 1 });
        out.push(KeyEvent { code, value: 0 });
    };
    for c in text.chars() {
        if c == '\u{1d}' {
            out.push(KeyEvent {
                code: key::LEFTCTRL,
                value: 1,
            });
            tap(&mut out, key::RIGHTBRACE);
            out.push(KeyEvent {
                code: key::LEFTCTRL,
                value: 0,
            });
            continue;
        }
        let (code, modifier) = (1u16..=127).find_map(|code| {
            let (plain, shifted, altgr) = chars_for(layout, code)?;
            if plain == c {
                Some((code, None))
            } else if shifted == c {
                Some((code, Some(key::LEFTSHIFT)))
            } else if altgr == Some(c) {
                Some((code, Some(key::RIGHTALT)))
            } else {
                None
            }
        })?;
        if let Some(m) = modifier {
            out.push(KeyEvent { code: m, value: 1 });
        }
        tap(&mut out, code);
        if let Some(m) = modifier {
            out.push(KeyEvent { code: m, value: 0 });
        }
    }
    tap(
        &mut out,
        match terminator {
            KeyTerminator::Enter => key::ENTER,
            KeyTerminator::Tab => key::TAB,
        },
    );
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(m: &mut KeyMapper, events: &[KeyEvent]) -> Vec<KeyOutcome> {
        events.iter().filter_map(|e| m.feed(*e)).collect()
    }

    fn press(code: u16) -> KeyEvent {
        KeyEvent { code, value: 1 }
    }
    fn release(code: u16) -> KeyEvent {
        KeyEvent { code, value: 0 }
    }

    #[test]
    fn every_printable_ascii_round_trips_in_both_layouts() {
        let ascii: String = (0x20u8..0x7f).map(char::from).collect();
        for layout in [Layout::Us, Layout::Gb] {
            let events = type_text(layout, &ascii, KeyTerminator::Enter).unwrap();
            let mut m = KeyMapper::new(layout, KeyTerminator::Enter, 4096);
            assert_eq!(
                run(&mut m, &events),
                vec![KeyOutcome::Scan(ascii.clone().into_bytes())],
                "{layout:?}"
            );
        }
    }

    #[test]
    fn uk_layout_differs_for_quote_at_hash_tilde_backslash() {
        let mut m = KeyMapper::new(Layout::Gb, KeyTerminator::Enter, 100);
        let events = [
            press(key::LEFTSHIFT),
            press(key::N2),
            release(key::N2),
            press(key::APOSTROPHE),
            release(key::APOSTROPHE),
            press(key::BACKSLASH),
            release(key::BACKSLASH),
            release(key::LEFTSHIFT),
            press(key::BACKSLASH),
            press(key::KEY_102ND),
            press(key::LEFTSHIFT),
            press(key::N3),
            release(key::LEFTSHIFT),
            press(key::RIGHTALT),
            press(key::N4),
            release(key::RIGHTALT),
            press(key::ENTER),
        ];
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Scan("\"@~#\\£€".as_bytes().to_vec())]
        );
        // The same keys on a US host.
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let us = [
            press(key::LEFTSHIFT),
            press(key::N2),
            press(key::APOSTROPHE),
            press(key::BACKSLASH),
            release(key::LEFTSHIFT),
            press(key::BACKSLASH),
            press(key::ENTER),
        ];
        assert_eq!(run(&mut m, &us), vec![KeyOutcome::Scan(b"@\"|\\".to_vec())]);
    }

    #[test]
    fn gs_from_ctrl_bracket_and_alt_numpad() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let mut events = type_text(Layout::Us, "10AB", KeyTerminator::Enter).unwrap();
        events.pop();
        events.pop();
        events.extend([
            press(key::LEFTCTRL),
            press(key::RIGHTBRACE),
            release(key::RIGHTBRACE),
            release(key::LEFTCTRL),
        ]);
        events.extend([
            press(key::LEFTALT),
            press(key::KP0),
            release(key::KP0),
            press(key::KP0),
            press(key::KP2),
            press(key::KP9),
            release(key::LEFTALT),
        ]);
        events.extend([press(key::N2), press(key::N1), press(key::ENTER)]);
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Scan(b"10AB\x1d\x1d21".to_vec())]
        );
    }

    #[test]
    fn alt_codes_above_127() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let alt = |digits: &[u16]| {
            let mut v = vec![press(key::LEFTALT)];
            v.extend(digits.iter().map(|&d| press(d)));
            v.push(release(key::LEFTALT));
            v
        };
        let mut events = alt(&[key::KP0, key::KP1, key::KP2, key::KP8]);
        events.extend(alt(&[key::KP0, key::KP2, key::KP3, key::KP3]));
        events.push(press(key::ENTER));
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Scan("€é".as_bytes().to_vec())]
        );
        let mut events = alt(&[key::KP1, key::KP3, key::KP0]);
        events.push(press(key::ENTER));
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Error(KeymapError::BadAltCode { code: 130 })]
        );
    }

    #[test]
    fn caps_lock_affects_letters_only() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let events = [
            press(key::CAPSLOCK),
            release(key::CAPSLOCK),
            press(key::A),
            press(key::N1),
            press(key::LEFTSHIFT),
            press(key::A),
            release(key::LEFTSHIFT),
            press(key::CAPSLOCK),
            press(key::A),
            press(key::ENTER),
        ];
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Scan(b"A1aa".to_vec())]
        );
    }

    #[test]
    fn unmapped_key_rejects_the_whole_scan_then_recovers() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let events = [
            press(key::A),
            press(59 /* F1 */),
            press(key::B),
            press(key::ENTER),
            press(key::C),
            press(key::ENTER),
        ];
        let out = run(&mut m, &events);
        assert!(matches!(
            &out[0],
            KeyOutcome::Error(KeymapError::UnmappedKey {
                code: 59,
                length: 1,
                ..
            })
        ));
        assert_eq!(out[1], KeyOutcome::Scan(b"c".to_vec()));
    }

    #[test]
    fn dropped_events_reject_the_scan_in_progress() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 100);
        let mut out = run(&mut m, &[press(key::LEFTSHIFT), press(key::A)]);
        m.events_dropped(|code| code == key::LEFTSHIFT);
        out.extend(run(
            &mut m,
            &[
                press(key::B),
                press(key::ENTER),
                release(key::LEFTSHIFT),
                press(key::C),
                press(key::ENTER),
            ],
        ));
        assert_eq!(
            out,
            vec![
                KeyOutcome::Error(KeymapError::EventsDropped),
                KeyOutcome::Scan(b"c".to_vec())
            ]
        );
    }

    #[test]
    fn tab_terminator_and_enter_inside() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Tab, 100);
        let events = [
            press(key::A),
            press(key::ENTER),
            press(key::B),
            press(key::TAB),
        ];
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Scan(b"a\rb".to_vec())]
        );
    }

    #[test]
    fn too_long_is_bounded() {
        let mut m = KeyMapper::new(Layout::Us, KeyTerminator::Enter, 4);
        let events = type_text(Layout::Us, "123456789", KeyTerminator::Enter).unwrap();
        assert_eq!(
            run(&mut m, &events),
            vec![KeyOutcome::Error(KeymapError::TooLong { limit: 4 })]
        );
        assert!(m.buf.capacity() <= 256);
    }

    #[test]
    fn input_event_records_round_trip() {
        let r = InputEventRecord {
            sec: 1_764_000_000,
            usec: 123_456,
            kind: EV_KEY,
            code: key::A,
            value: 1,
        };
        let bytes = r.to_bytes();
        assert_eq!(parse_input_events(&bytes).unwrap(), vec![r]);
        assert!(parse_input_events(&bytes[..23]).is_err());
    }
}
