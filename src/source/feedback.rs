//! PURE: good-read / bad-read feedback packets for scanners that accept them.
//!
//! A nurse should hear at once that a product is expired or a code is not valid GS1. Where the
//! transport allows it, the gateway answers each scan:
//! - Honeywell "Host ACK" (serial / USB-COM, interface 130): `ESC 7,` good decode indication,
//!   `ESC 8,` error ("razz") indication. Commands end with a comma. With Host ACK enabled the
//!   scanner waits for the reply (or its 10 s timeout) before the next read.
//! - Zebra SSI (Simple Serial Interface, serial or SSI-over-CDC): `BEEP` (opcode 0xE6) and
//!   `LED_ON` (0xE7) packets: length, opcode, message source (4 = host), status, data, then a
//!   two-byte two's-complement checksum of all preceding bytes, high byte first.
//! - Honeywell HID POS (interface 131; Access-IS readers use the same layout): output report
//!   ID 4, one byte of flags: 0x40 sound the good-read beep (Access-IS: green light), 0x20 the
//!   error beep (red light); 0x04/0x02 trigger/untrigger, never sent here.
//!
//! Off by default: a scanner not configured for it would print the bytes or ignore them.

use serde::{Deserialize, Serialize};

/// ASCII ESC.
const ESC: u8 = 0x1B;

/// The scanner's feedback protocol, per source: `feedback = "off" | "honeywell" | "zebra_ssi"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackProtocol {
    /// No feedback is sent (default).
    #[default]
    Off,
    /// Honeywell serial host acknowledgement (`ESC 7,` / `ESC 8,`).
    Honeywell,
    /// Zebra Simple Serial Interface beep and LED commands.
    ZebraSsi,
}

/// What the gateway wants the scanner to signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// The scan was accepted (and durably stored).
    GoodRead,
    /// The scan was rejected: not valid GS1, expired or recalled product, wrong patient.
    BadRead,
}

/// Zebra SSI opcodes used here.
pub mod ssi {
    /// Sound a beep code (data: one byte beep code).
    pub const BEEP: u8 = 0xE6;
    /// Turn an LED on (data: LED selection bit mask).
    pub const LED_ON: u8 = 0xE7;
    /// Turn an LED off.
    pub const LED_OFF: u8 = 0xE8;
    /// Message source: the host.
    pub const SOURCE_HOST: u8 = 0x04;
    /// Beep code: one short high beep (good read).
    pub const BEEP_ONE_SHORT_HIGH: u8 = 0x00;
    /// Beep code: four long low beeps (error). Beep codes follow the SSI guide's table
    /// (0x00–0x04 one to five short high, 0x05–0x09 short low, 0x0A–0x0E long high, 0x0F–0x13
    /// long low).
    pub const BEEP_FOUR_LONG_LOW: u8 = 0x12;
    /// LED bit for the green decode LED.
    pub const LED_GREEN: u8 = 0x01;
    /// LED bit for the red LED.
    pub const LED_RED: u8 = 0x04;
}

/// Builds a Zebra SSI packet: `[length, opcode, source, status, data…, checksum_hi, checksum_lo]`.
/// `length` counts every byte except the checksum; the checksum is the two's complement of the
/// 16-bit sum of those bytes.
pub fn ssi_packet(opcode: u8, status: u8, data: &[u8]) -> Vec<u8> {
    let length = 4 + data.len();
    let mut packet = Vec::with_capacity(length + 2);
    // SSI lengths fit one byte; our commands carry at most one data byte.
    packet.push(u8::try_from(length).unwrap_or(u8::MAX));
    packet.extend_from_slice(&[opcode, ssi::SOURCE_HOST, status]);
    packet.extend_from_slice(data);
    let sum = packet
        .iter()
        .fold(0u16, |acc, &b| acc.wrapping_add(u16::from(b)));
    let checksum = (!sum).wrapping_add(1);
    packet.extend_from_slice(&checksum.to_be_bytes());
    packet
}

/// Checks a received SSI packet's checksum (used by tests and when reading ACK/NAK replies).
pub fn ssi_checksum_ok(packet: &[u8]) -> bool {
    if packet.len() < 6 || usize::from(packet[0]) + 2 != packet.len() {
        return false;
    }
    let (body, checksum) = packet.split_at(packet.len() - 2);
    let sum = body
        .iter()
        .fold(0u16, |acc, &b| acc.wrapping_add(u16::from(b)));
    sum.wrapping_add(u16::from_be_bytes([checksum[0], checksum[1]])) == 0
}

/// Honeywell HID POS output report ID 4 ("trigger report") and its flag bits.
pub mod hid_pos {
    /// Report ID of the trigger/beeper output report.
    pub const REPORT_ID: u8 = 0x04;
    /// Sound the good-read beep.
    pub const GOOD_READ_BEEP: u8 = 0x40;
    /// Sound the error beep (three beeps).
    pub const ERROR_BEEP: u8 = 0x20;
}

/// The HID POS output report for `feedback` (written to the hidraw node as is: report ID
/// first), or `None` when the protocol has none over HID (`off`, `zebra_ssi`).
pub fn hid_pos_report(protocol: FeedbackProtocol, feedback: Feedback) -> Option<[u8; 2]> {
    match (protocol, feedback) {
        (FeedbackProtocol::Honeywell, Feedback::GoodRead) => {
            Some([hid_pos::REPORT_ID, hid_pos::GOOD_READ_BEEP])
        }
        (FeedbackProtocol::Honeywell, Feedback::BadRead) => {
            Some([hid_pos::REPORT_ID, hid_pos::ERROR_BEEP])
        }
        (FeedbackProtocol::Off | FeedbackProtocol::ZebraSsi, _) => None,
    }
}

/// The bytes to write for `feedback` under `protocol`; empty when the protocol is off.
pub fn packet(protocol: FeedbackProtocol, feedback: Feedback) -> Vec<u8> {
    match (protocol, feedback) {
        (FeedbackProtocol::Off, _) => Vec::new(),
        (FeedbackProtocol::Honeywell, Feedback::GoodRead) => vec![ESC, b'7', b','],
        (FeedbackProtocol::Honeywell, Feedback::BadRead) => vec![ESC, b'8', b','],
        (FeedbackProtocol::ZebraSsi, Feedback::GoodRead) => {
            let mut bytes = ssi_packet(ssi::BEEP, 0, &[ssi::BEEP_ONE_SHORT_HIGH]);
            bytes.extend(ssi_packet(ssi::LED_ON, 0, &[ssi::LED_GREEN]));
            bytes
        }
        (FeedbackProtocol::ZebraSsi, Feedback::BadRead) => {
            let mut bytes = ssi_packet(ssi::BEEP, 0, &[ssi::BEEP_FOUR_LONG_LOW]);
            bytes.extend(ssi_packet(ssi::LED_ON, 0, &[ssi::LED_RED]));
            bytes
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honeywell_host_ack() {
        assert_eq!(
            packet(FeedbackProtocol::Honeywell, Feedback::GoodRead),
            b"\x1b7,"
        );
        assert_eq!(
            packet(FeedbackProtocol::Honeywell, Feedback::BadRead),
            b"\x1b8,"
        );
    }

    #[test]
    fn honeywell_hid_pos_output_report() {
        // The manual's example: 04h, 20h initiates an error beep.
        assert_eq!(
            hid_pos_report(FeedbackProtocol::Honeywell, Feedback::BadRead),
            Some([0x04, 0x20])
        );
        assert_eq!(
            hid_pos_report(FeedbackProtocol::Honeywell, Feedback::GoodRead),
            Some([0x04, 0x40])
        );
        assert_eq!(
            hid_pos_report(FeedbackProtocol::Off, Feedback::GoodRead),
            None
        );
        assert_eq!(
            hid_pos_report(FeedbackProtocol::ZebraSsi, Feedback::BadRead),
            None
        );
    }

    #[test]
    fn off_sends_nothing() {
        assert!(packet(FeedbackProtocol::Off, Feedback::BadRead).is_empty());
    }

    #[test]
    fn ssi_beep_packet_bytes_and_checksum() {
        // length 5, BEEP, host, status 0, beep code 0; sum = 5+0xE6+4 = 0xEF; -0xEF = 0xFF11.
        assert_eq!(
            ssi_packet(ssi::BEEP, 0, &[0x00]),
            vec![0x05, 0xE6, 0x04, 0x00, 0x00, 0xFF, 0x11]
        );
        let led = ssi_packet(ssi::LED_ON, 0, &[ssi::LED_GREEN]);
        assert_eq!(led, vec![0x05, 0xE7, 0x04, 0x00, 0x01, 0xFF, 0x0F]);
        assert!(ssi_checksum_ok(&led));
        let mut bad = led.clone();
        bad[4] = 0x02;
        assert!(!ssi_checksum_ok(&bad));
        assert!(!ssi_checksum_ok(&led[..5]));
    }

    #[test]
    fn ssi_feedback_is_beep_then_led() {
        let good = packet(FeedbackProtocol::ZebraSsi, Feedback::GoodRead);
        assert_eq!(good.len(), 14);
        assert!(ssi_checksum_ok(&good[..7]) && ssi_checksum_ok(&good[7..]));
        let bad = packet(FeedbackProtocol::ZebraSsi, Feedback::BadRead);
        assert_eq!(bad[4], ssi::BEEP_FOUR_LONG_LOW);
        assert_eq!(bad[11], ssi::LED_RED);
    }

    #[test]
    fn protocol_spelling() {
        #[derive(Deserialize)]
        struct T {
            feedback: FeedbackProtocol,
        }
        let t: T = toml::from_str("feedback = \"zebra_ssi\"").unwrap();
        assert_eq!(t.feedback, FeedbackProtocol::ZebraSsi);
        assert!(toml::from_str::<T>("feedback = \"loud\"").is_err());
    }
}
