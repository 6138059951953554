//! systemd notifications (`Type=notify`): READY=1 once sources are open and the outbox is ready,
//! WATCHDOG=1 from the main loop when `WATCHDOG_USEC` is set, STOPPING=1 on shutdown. Outside
//! systemd (`NOTIFY_SOCKET` unset) these do nothing.

use std::time::Duration;

/// Tells systemd the gateway is ready.
pub fn ready(status: &str) {
    #[cfg(target_os = "linux")]
    {
        let _ = sd_notify::notify(&[
            sd_notify::NotifyState::Ready,
            sd_notify::NotifyState::Status(status),
        ]);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = status;
}

/// Tells systemd the gateway is stopping.
pub fn stopping() {
    #[cfg(target_os = "linux")]
    {
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    }
}

/// The interval at which to send WATCHDOG=1 (half the configured watchdog time), if any.
pub fn watchdog_interval() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        if let Some(period) = sd_notify::watchdog_enabled() {
            if !period.is_zero() {
                return Some(period / 2);
            }
        }
    }
    None
}

/// Pets the watchdog.
pub fn watchdog() {
    #[cfg(target_os = "linux")]
    {
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
    }
}
