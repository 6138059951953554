//! Turns per-frame reads from a camera into scans: pure, driven by the caller's clock.
//!
//! - **Two-frame confirmation**: a linear or DataBar symbol (weak error detection) is reported
//!   only once the same data was read in a second frame within `confirm_window`. DataMatrix and
//!   QR (Reed–Solomon protected) are reported on the first read.
//! - **Dedupe**: once reported, the same data is suppressed while it keeps being seen; it can be
//!   reported again only after it was out of sight for `hold_off` (so a label held under the
//!   camera is one scan, not thirty a second).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Symbol;

/// Default dedupe hold-off.
pub const DEFAULT_HOLD_OFF: Duration = Duration::from_secs(2);
/// Default window in which a linear symbol must be read a second time.
pub const DEFAULT_CONFIRM_WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Seen {
    last_seen: Instant,
    first_seen: Instant,
    frames: u32,
    reported: bool,
}

/// Dedupe and confirmation state for one camera.
#[derive(Debug)]
pub struct Confirmer {
    hold_off: Duration,
    confirm_window: Duration,
    seen: HashMap<(String, Vec<u8>), Seen>,
}

impl Default for Confirmer {
    fn default() -> Self {
        Self::new(DEFAULT_HOLD_OFF, DEFAULT_CONFIRM_WINDOW)
    }
}

impl Confirmer {
    /// A confirmer with the given hold-off and confirmation window.
    pub fn new(hold_off: Duration, confirm_window: Duration) -> Self {
        Confirmer {
            hold_off,
            confirm_window,
            seen: HashMap::new(),
        }
    }

    /// Feeds one frame's symbols read at `now`; returns the symbols to report as scans now.
    pub fn observe(&mut self, now: Instant, symbols: Vec<Symbol>) -> Vec<Symbol> {
        // Forget what has been out of sight for longer than it can matter.
        let (hold_off, window) = (self.hold_off, self.confirm_window);
        self.seen.retain(|_, s| {
            let idle = now.saturating_duration_since(s.last_seen);
            if s.reported {
                idle <= hold_off
            } else {
                now.saturating_duration_since(s.first_seen) <= window
            }
        });
        let mut out = Vec::new();
        let mut this_frame: Vec<(String, Vec<u8>)> = Vec::new();
        for sym in symbols {
            let key = (sym.symbology.clone(), sym.data.clone());
            if this_frame.contains(&key) {
                continue;
            }
            this_frame.push(key.clone());
            let entry = self.seen.entry(key).or_insert(Seen {
                last_seen: now,
                first_seen: now,
                frames: 0,
                reported: false,
            });
            entry.frames += 1;
            entry.last_seen = now;
            let needed = if sym.format.is_linear() { 2 } else { 1 };
            if !entry.reported && entry.frames >= needed {
                entry.reported = true;
                out.push(sym);
            }
        }
        out
    }

    /// True when this symbol was already reported and is being held off.
    pub fn is_reported(&self, symbol: &Symbol) -> bool {
        self.seen
            .get(&(symbol.symbology.clone(), symbol.data.clone()))
            .is_some_and(|s| s.reported)
    }

    /// Number of symbols currently tracked (pending confirmation or held off).
    pub fn tracked(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Format;

    fn sym(format: Format, data: &str) -> Symbol {
        Symbol {
            format,
            symbology: "]x0".into(),
            data: data.as_bytes().to_vec(),
            gs1: false,
            elements: vec![],
            points: vec![],
        }
    }

    #[test]
    fn matrix_reports_once_while_in_view() {
        let t0 = Instant::now();
        let mut c = Confirmer::default();
        let ms = |n| t0 + Duration::from_millis(n);
        assert_eq!(
            c.observe(ms(0), vec![sym(Format::DataMatrix, "A")]).len(),
            1
        );
        for n in 1..100 {
            assert!(c
                .observe(ms(n * 66), vec![sym(Format::DataMatrix, "A")])
                .is_empty());
        }
        // Out of view for less than the hold-off: still suppressed.
        assert!(c
            .observe(ms(99 * 66 + 1900), vec![sym(Format::DataMatrix, "A")])
            .is_empty());
        // Out of view for longer than the hold-off: a new scan.
        let last = 99 * 66 + 1900;
        assert!(c.observe(ms(last + 1000), vec![]).is_empty());
        assert_eq!(
            c.observe(ms(last + 2100), vec![sym(Format::DataMatrix, "A")])
                .len(),
            1
        );
    }

    #[test]
    fn linear_needs_two_frames() {
        let t0 = Instant::now();
        let mut c = Confirmer::default();
        assert!(c.observe(t0, vec![sym(Format::Code128, "X")]).is_empty());
        // Twice in the same frame counts once.
        assert!(c
            .observe(
                t0,
                vec![sym(Format::Code128, "Y"), sym(Format::Code128, "Y")]
            )
            .is_empty());
        let out = c.observe(
            t0 + Duration::from_millis(70),
            vec![sym(Format::Code128, "X")],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data, b"X");
    }

    #[test]
    fn unconfirmed_ghost_expires() {
        let t0 = Instant::now();
        let mut c = Confirmer::default();
        assert!(c
            .observe(t0, vec![sym(Format::DataBarExpanded, "G")])
            .is_empty());
        // A second read outside the confirmation window starts over.
        assert!(c
            .observe(
                t0 + Duration::from_millis(1500),
                vec![sym(Format::DataBarExpanded, "G")]
            )
            .is_empty());
        assert_eq!(c.tracked(), 1);
    }

    #[test]
    fn different_data_is_independent() {
        let t0 = Instant::now();
        let mut c = Confirmer::default();
        let out = c.observe(
            t0,
            vec![sym(Format::DataMatrix, "A"), sym(Format::QrCode, "B")],
        );
        assert_eq!(out.len(), 2);
    }
}
