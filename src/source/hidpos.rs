//! PURE: HID point-of-sale barcode reports (`/dev/hidraw*`, usage page 0x8C) → scans.
//!
//! Two report layouts are decoded:
//!
//! **Honeywell / Hand Held Products HID POS** (interface 131; Access-IS readers use the same
//! layout), input report ID 2, 64 bytes as read from hidraw (0-based offsets):
//!
//! | offset | content |
//! |---|---|
//! | 0 | report ID `0x02` |
//! | 1 | number of data bytes in this report (0–56) |
//! | 2–4 | AIM symbology identifier `]`, code, modifier |
//! | 5–60 | data (56 bytes, zero padded) |
//! | 61 | Honeywell (HHP) code id |
//! | 62 | reserved |
//! | 63 | bit 0: the barcode continues in the next report |
//!
//! A barcode longer than 56 bytes spans several reports, each with the continuation bit except
//! the last; the decoder concatenates them. The symbology identifier is always present, so GS1
//! structure survives even though the transport is HID.
//!
//! **Symbol/Zebra "Simple COM Port Emulation" (SCPE)** fixed 64-byte reports: byte 0 is the
//! number of payload bytes, then the payload, zero padded. SCPE is a serial byte stream cut
//! into reports: the payload goes through the serial [`super::framing::Framer`] (terminator,
//! AIM id and stand-in as configured), not treated as one scan per report.
//!
//! Invariants: a report is never read beyond its length; a multi-report barcode is bounded by
//! `max_scan_length`; a report that breaks the layout is an error, not a guess.

use serde::{Deserialize, Serialize};

/// Honeywell HID POS input report ID carrying scanned data.
pub const HONEYWELL_REPORT_ID: u8 = 0x02;
/// Bytes of data one Honeywell report carries at most.
pub const HONEYWELL_DATA_CAPACITY: usize = 56;
/// Size of a Honeywell report including its report ID.
pub const HONEYWELL_REPORT_SIZE: usize = 64;

/// Which report layout a HID scanner uses (`protocol = "honeywell" | "scpe"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HidProtocol {
    /// Honeywell/HHP HID POS (report ID 2, length, AIM id, data, continuation flag). Default.
    #[default]
    Honeywell,
    /// Symbol/Zebra Simple COM Port Emulation (length byte + payload).
    Scpe,
}

/// Why a HID POS report was rejected. Never carries scan data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HidPosError {
    /// The report is shorter than the layout needs.
    #[error("HID report of {length} bytes is too short for the {protocol:?} layout")]
    Short {
        /// Layout expected.
        protocol: HidProtocol,
        /// Bytes received.
        length: usize,
    },
    /// The length byte claims more data than the report holds.
    #[error("HID report claims {claimed} data bytes but holds at most {capacity}")]
    BadLength {
        /// The length byte.
        claimed: usize,
        /// What the report can hold.
        capacity: usize,
    },
    /// The AIM identifier bytes are not `]` + code + modifier.
    #[error("HID POS report has no AIM symbology identifier (bytes 2–4 are {0:02x?})")]
    BadSymbology([u8; 3]),
    /// A continued barcode changed symbology between reports.
    #[error("continued HID POS barcode changed symbology from {first} to {next}; discarded")]
    SymbologyChanged {
        /// Identifier of the first report.
        first: String,
        /// Identifier of the report that broke the sequence.
        next: String,
    },
    /// A multi-report barcode exceeded `max_scan_length`.
    #[error("HID POS barcode longer than {limit} bytes discarded")]
    TooLong {
        /// The configured maximum.
        limit: usize,
    },
    /// The device went away in the middle of a multi-report barcode.
    #[error("HID POS barcode of {length} bytes incomplete: {reason}")]
    Incomplete {
        /// Bytes received.
        length: usize,
        /// Why it could not be completed.
        reason: String,
    },
}

/// A decoded HID POS barcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HidScan {
    /// AIM symbology identifier (`]d2`).
    pub symbology: String,
    /// Data bytes as transmitted.
    pub data: Vec<u8>,
    /// Honeywell code id byte (vendor symbology code), for diagnostics.
    pub code_id: u8,
}

/// What one report completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HidOutcome {
    /// Nothing complete yet (a continued barcode, or a report of another ID).
    Pending,
    /// A complete Honeywell barcode.
    Scan(HidScan),
    /// SCPE payload bytes, to be framed as a serial stream.
    Bytes(Vec<u8>),
    /// A rejected report or barcode.
    Error(HidPosError),
}

/// The report decoder state machine.
#[derive(Debug, Clone)]
pub struct HidPosDecoder {
    protocol: HidProtocol,
    max_scan_length: usize,
    partial: Option<HidScan>,
    /// A continued barcode overflowed: ignore reports until its last one.
    overflowed: bool,
}

impl HidPosDecoder {
    /// A decoder for `protocol`.
    pub fn new(protocol: HidProtocol, max_scan_length: usize) -> Self {
        Self {
            protocol,
            max_scan_length,
            partial: None,
            overflowed: false,
        }
    }

    /// Feeds one report exactly as read from hidraw.
    pub fn feed(&mut self, report: &[u8]) -> HidOutcome {
        match self.protocol {
            HidProtocol::Honeywell => self.feed_honeywell(report),
            HidProtocol::Scpe => Self::feed_scpe(report),
        }
    }

    fn feed_scpe(report: &[u8]) -> HidOutcome {
        let Some((&len, payload)) = report.split_first() else {
            return HidOutcome::Error(HidPosError::Short {
                protocol: HidProtocol::Scpe,
                length: 0,
            });
        };
        let len = usize::from(len);
        if len > payload.len() {
            return HidOutcome::Error(HidPosError::BadLength {
                claimed: len,
                capacity: payload.len(),
            });
        }
        if len == 0 {
            return HidOutcome::Pending;
        }
        HidOutcome::Bytes(payload[..len].to_vec())
    }

    fn feed_honeywell(&mut self, report: &[u8]) -> HidOutcome {
        if report.first() != Some(&HONEYWELL_REPORT_ID) {
            // Other report IDs (status, feature replies) carry no barcode.
            return HidOutcome::Pending;
        }
        if report.len() < 5 {
            return HidOutcome::Error(HidPosError::Short {
                protocol: HidProtocol::Honeywell,
                length: report.len(),
            });
        }
        let len = usize::from(report[1]);
        let capacity = report.len().saturating_sub(5).min(HONEYWELL_DATA_CAPACITY);
        if len > capacity {
            self.partial = None;
            return HidOutcome::Error(HidPosError::BadLength {
                claimed: len,
                capacity,
            });
        }
        let aim = [report[2], report[3], report[4]];
        if aim[0] != b']' || !aim[1].is_ascii_alphabetic() || !aim[2].is_ascii_alphanumeric() {
            self.partial = None;
            return HidOutcome::Error(HidPosError::BadSymbology(aim));
        }
        let symbology: String = aim.iter().map(|&b| char::from(b)).collect();
        let data = &report[5..5 + len];
        let code_id = report.get(61).copied().unwrap_or(0);
        let continued = report.get(63).is_some_and(|b| b & 0x01 != 0);

        if self.overflowed {
            if !continued {
                self.overflowed = false;
            }
            return HidOutcome::Pending;
        }
        let mut scan = match self.partial.take() {
            Some(p) if p.symbology != symbology => {
                self.overflowed = continued;
                return HidOutcome::Error(HidPosError::SymbologyChanged {
                    first: p.symbology,
                    next: symbology,
                });
            }
            Some(p) => p,
            None => HidScan {
                symbology,
                data: Vec::new(),
                code_id,
            },
        };
        if scan.data.len() + data.len() > self.max_scan_length {
            self.overflowed = continued;
            return HidOutcome::Error(HidPosError::TooLong {
                limit: self.max_scan_length,
            });
        }
        scan.data.extend_from_slice(data);
        if continued {
            self.partial = Some(scan);
            HidOutcome::Pending
        } else {
            HidOutcome::Scan(scan)
        }
    }

    /// The device went away: drop a half-received barcode and say so.
    pub fn abandon(&mut self, reason: &str) -> Option<HidPosError> {
        self.overflowed = false;
        self.partial.take().map(|p| HidPosError::Incomplete {
            length: p.data.len(),
            reason: reason.to_owned(),
        })
    }
}

/// Builds Honeywell HID POS reports for `data` (fixture generators and tests): 56 data bytes per
/// report, continuation bit on all but the last.
pub fn honeywell_reports(
    symbology: &str,
    data: &[u8],
    code_id: u8,
) -> Vec<[u8; HONEYWELL_REPORT_SIZE]> {
    let aim = symbology.as_bytes();
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(HONEYWELL_DATA_CAPACITY).collect()
    };
    let last = chunks.len() - 1;
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut r = [0u8; HONEYWELL_REPORT_SIZE];
            r[0] = HONEYWELL_REPORT_ID;
            // A chunk holds at most 56 bytes, so the length fits a byte.
            r[1] = chunk.len() as u8;
            for (dst, src) in r[2..5].iter_mut().zip(aim) {
                *dst = *src;
            }
            r[5..5 + chunk.len()].copy_from_slice(chunk);
            r[61] = code_id;
            r[63] = u8::from(i != last);
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_report_gs1_datamatrix() {
        let data = b"010950600013435217261231\x1d10ABC123";
        let reports = honeywell_reports("]d2", data, b'w');
        assert_eq!(reports.len(), 1);
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        assert_eq!(
            d.feed(&reports[0]),
            HidOutcome::Scan(HidScan {
                symbology: "]d2".into(),
                data: data.to_vec(),
                code_id: b'w'
            })
        );
    }

    #[test]
    fn multi_report_barcode_concatenated() {
        let data: Vec<u8> = (0..150).map(|i| b'0' + (i % 10) as u8).collect();
        let reports = honeywell_reports("]Q3", &data, b's');
        assert_eq!(reports.len(), 3);
        assert_eq!(reports[0][63], 1);
        assert_eq!(reports[2][63], 0);
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        assert_eq!(d.feed(&reports[0]), HidOutcome::Pending);
        assert_eq!(d.feed(&reports[1]), HidOutcome::Pending);
        match d.feed(&reports[2]) {
            HidOutcome::Scan(s) => assert_eq!(s.data, data),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn real_honeywell_capture_layout() {
        // The last report of a Voyager 1602g REVINF reply, as read from hidraw (public capture):
        // length 9, `]X0`, "um: N/A\r\n", code id '?', not continued.
        let mut r = [0u8; 64];
        r[..14].copy_from_slice(&[2, 9, 93, 88, 48, 117, 109, 58, 32, 78, 47, 65, 13, 10]);
        r[61] = 63;
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        match d.feed(&r) {
            HidOutcome::Scan(s) => {
                assert_eq!(s.symbology, "]X0");
                assert_eq!(s.data, b"um: N/A\r\n");
                assert_eq!(s.code_id, b'?');
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_reports_are_errors() {
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        let mut r = honeywell_reports("]d2", b"01", 0)[0];
        r[1] = 57;
        assert_eq!(
            d.feed(&r),
            HidOutcome::Error(HidPosError::BadLength {
                claimed: 57,
                capacity: 56
            })
        );
        let mut r = honeywell_reports("]d2", b"01", 0)[0];
        r[2] = b'x';
        assert!(matches!(
            d.feed(&r),
            HidOutcome::Error(HidPosError::BadSymbology(_))
        ));
        assert!(matches!(
            d.feed(&[2, 1]),
            HidOutcome::Error(HidPosError::Short { .. })
        ));
        assert_eq!(d.feed(&[4, 0, 0]), HidOutcome::Pending);
        assert_eq!(d.feed(&[]), HidOutcome::Pending);
    }

    #[test]
    fn overflow_skips_rest_of_barcode_then_recovers() {
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 60);
        let long: Vec<u8> = vec![b'1'; 200];
        let reports = honeywell_reports("]d2", &long, 0);
        let outs: Vec<_> = reports.iter().map(|r| d.feed(r)).collect();
        assert_eq!(
            outs[1],
            HidOutcome::Error(HidPosError::TooLong { limit: 60 })
        );
        assert!(outs[2..].iter().all(|o| *o == HidOutcome::Pending));
        let ok = honeywell_reports("]E0", b"9506000134352", 0);
        assert!(matches!(d.feed(&ok[0]), HidOutcome::Scan(_)));
    }

    #[test]
    fn abandon_reports_incomplete() {
        let mut d = HidPosDecoder::new(HidProtocol::Honeywell, 8192);
        let reports = honeywell_reports("]d2", &[b'5'; 100], 0);
        d.feed(&reports[0]);
        assert_eq!(
            d.abandon("unplugged"),
            Some(HidPosError::Incomplete {
                length: 56,
                reason: "unplugged".into()
            })
        );
        assert_eq!(d.abandon("again"), None);
    }

    #[test]
    fn scpe_payloads() {
        let mut d = HidPosDecoder::new(HidProtocol::Scpe, 8192);
        let mut r = [0u8; 64];
        r[0] = 4;
        r[1..5].copy_from_slice(b"]C1\x30");
        assert_eq!(d.feed(&r), HidOutcome::Bytes(b"]C10".to_vec()));
        r[0] = 64;
        assert!(matches!(
            d.feed(&r),
            HidOutcome::Error(HidPosError::BadLength { .. })
        ));
        r[0] = 0;
        assert_eq!(d.feed(&r), HidOutcome::Pending);
    }
}
