//! Whether the box's clock can be trusted: the kernel's NTP/PTP synchronisation state, read
//! with `adjtimex(2)` (no change requested). Expiry checks, context time-outs and every event's
//! time depend on the clock; a box that lost its time source keeps working but says so.
//!
//! The kernel marks the clock unsynchronised (`STA_UNSYNC`, state `TIME_ERROR`) until a time
//! daemon (chrony, systemd-timesyncd, ntpd, ptp4l) disciplines it, and again when the daemon
//! stops doing so; its maximum error then grows to 16 s and stays there.

use serde::{Deserialize, Serialize};

/// `adjtimex` clock state `TIME_ERROR`: the clock is not synchronised.
const TIME_ERROR: i32 = 5;
/// `timex.status` bit: the clock is not synchronised.
const STA_UNSYNC: i32 = 0x0040;
/// The kernel's maximum error once it no longer trusts the clock (`NTP_PHASE_LIMIT`, 16 s).
const MAX_ERROR_UNSYNC_US: i64 = 16_000_000;

/// The kernel's view of the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSync {
    /// Synchronised to a time source.
    pub synchronised: bool,
    /// The kernel's estimate of the maximum error, milliseconds.
    pub max_error_ms: i64,
    /// How it was read, and why it is not trusted when it is not.
    pub detail: String,
}

/// Classifies the result of `adjtimex`: `state` is its return value, `status` and
/// `max_error_us` the fields of `struct timex`.
pub fn classify(state: i32, status: i32, max_error_us: i64) -> ClockSync {
    let (synchronised, detail) = if state == TIME_ERROR || status & STA_UNSYNC != 0 {
        (
            false,
            "the kernel reports the clock unsynchronised (adjtimex TIME_ERROR/STA_UNSYNC): is a time daemon (chrony, systemd-timesyncd) running and reaching its server?",
        )
    } else if max_error_us >= MAX_ERROR_UNSYNC_US {
        (
            false,
            "the kernel's maximum clock error has reached 16 s: the time source was lost",
        )
    } else {
        (true, "synchronised (adjtimex)")
    };
    ClockSync {
        synchronised,
        max_error_ms: max_error_us / 1000,
        detail: detail.to_owned(),
    }
}

/// Reads the kernel's clock state now.
pub fn kernel_clock_sync() -> std::io::Result<ClockSync> {
    // SAFETY: `timex` is plain data; all-zero is a valid value and `modes = 0` asks the kernel
    // to change nothing, only to fill it in.
    let mut tx: libc::timex = unsafe { std::mem::zeroed() };
    tx.modes = 0;
    // SAFETY: `tx` is a valid, exclusively borrowed `timex` for the duration of the call.
    let state = unsafe { libc::adjtimex(&mut tx) };
    if state < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // `c_long` is i32 on 32-bit ARM boxes, i64 here.
    #[allow(clippy::useless_conversion)]
    let max_error_us = i64::from(tx.maxerror);
    Ok(classify(state, tx.status, max_error_us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_states_are_read_as_documented() {
        // TIME_OK, no flags, 5 ms error: synchronised.
        let ok = classify(0, 0x2001, 5_000);
        assert!(ok.synchronised, "{ok:?}");
        assert_eq!(ok.max_error_ms, 5);
        // What a box without a time daemon reports (seen on the CI machine).
        let unsync = classify(TIME_ERROR, STA_UNSYNC, 16_000_000);
        assert!(!unsync.synchronised);
        assert!(unsync.detail.contains("unsynchronised"));
        // The flag alone, or the error at the limit alone, is enough.
        assert!(!classify(0, STA_UNSYNC, 1_000).synchronised);
        assert!(!classify(0, 0, 16_000_000).synchronised);
        // Leap-second states (TIME_INS, TIME_DEL, TIME_OOP, TIME_WAIT) are synchronised.
        for state in 1..=4 {
            assert!(classify(state, 0, 1_000).synchronised);
        }
    }

    #[test]
    fn the_kernel_answers() {
        // Whatever this machine's state, the call works and agrees with itself.
        let a = kernel_clock_sync().expect("adjtimex");
        assert!(a.max_error_ms >= 0);
        assert_eq!(a.synchronised, a.detail.starts_with("synchronised"));
    }
}
