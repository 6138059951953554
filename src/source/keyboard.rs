//! Keyboard-wedge scanners (`/dev/input/event*`, Linux evdev).
//!
//! Thin layer around [`KeyMapper`]: open the input device by path (prefer
//! `/dev/input/by-id/usb-…-event-kbd`) or by USB vendor/product id, grab it exclusively
//! (EVIOCGRAB) so scans do not leak into a desktop or console as typing, and feed its key events
//! to the key map. Events are read through evdev's non-blocking raw `EventStream` (an `AsyncFd` on
//! the device), so reading is cancellable at once and needs no thread of its own; the kernel
//! queues events meanwhile, so a scanner typing 1,000+ characters a second loses none. Should the
//! kernel's queue ever overflow (`SYN_DROPPED`), the scan in progress is rejected with an error
//! rather than delivered with characters missing.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::framing::{ByteSequence, FrameOptions, FramingError, DEFAULT_MAX_SCAN_LENGTH};
use super::keymap::{KeyEvent, KeyMapper, KeyOutcome, KeyTerminator, Layout, EV_KEY};

/// `EV_SYN` event type and its `SYN_DROPPED` code (linux/input-event-codes.h).
#[cfg(target_os = "linux")]
const EV_SYN: u16 = 0;
#[cfg(target_os = "linux")]
const SYN_DROPPED: u16 = 3;
use super::{
    default_reconnect_initial, default_reconnect_max, duration, emit, emit_error, emit_status,
    wait_to_reopen, Backoff, RawScan, SourceError, SourceEvent, SourceKind, SourceStatus,
};

/// A USB vendor or product id, written as four hex digits (`"0c2e"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsbId(pub u16);

impl<'de> Deserialize<'de> for UsbId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let digits = text.trim_start_matches("0x");
        u16::from_str_radix(digits, 16)
            .ok()
            .filter(|_| digits.len() == 4)
            .map(UsbId)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "bad USB id {text:?}: expected four hex digits like \"0c2e\""
                ))
            })
    }
}

impl Serialize for UsbId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:04x}", self.0))
    }
}

/// A keyboard-wedge scanner, one `[[source]]` table with `kind = "keyboard"`.
///
/// ```toml
/// [[source]]
/// id = "ward-7-wedge"
/// kind = "keyboard"
/// path = "/dev/input/by-id/usb-Honeywell_Imaging___Mobility_1950g-event-kbd"
/// layout = "gb"
/// gs_stand_in = "<GS>"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyboardSourceConfig {
    /// Source id, reported with every scan.
    pub id: String,
    /// Input device path (`/dev/input/by-id/…-event-kbd`). Either this or `vendor_id` +
    /// `product_id`.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// USB vendor id to find the device by, e.g. "0c2e" (Honeywell).
    #[serde(default)]
    pub vendor_id: Option<UsbId>,
    /// USB product id to find the device by.
    #[serde(default)]
    pub product_id: Option<UsbId>,
    /// Keyboard layout the scanner types in: "us" (default) or "gb".
    #[serde(default)]
    pub layout: Layout,
    /// Grab the device exclusively so scans are not typed into the desktop (default true).
    #[serde(default = "default_grab")]
    pub grab: bool,
    /// Key that ends a scan: "enter" (default) or "tab".
    #[serde(default)]
    pub terminator: KeyTerminator,
    /// Prefix the scanner types before each scan, stripped when present.
    #[serde(default)]
    pub prefix: Option<ByteSequence>,
    /// Suffix the scanner types before the terminator, stripped when present.
    #[serde(default)]
    pub suffix: Option<ByteSequence>,
    /// String the scanner types in place of GS, mapped to GS (0x1D). Ctrl+] and Alt+0029 are
    /// always GS.
    #[serde(default)]
    pub gs_stand_in: Option<ByteSequence>,
    /// Longest scan accepted in bytes (default 8192).
    #[serde(default = "default_max_scan_length")]
    pub max_scan_length: usize,
    /// First reconnect delay (default "250ms").
    #[serde(default = "default_reconnect_initial", with = "duration")]
    pub reconnect_initial: Duration,
    /// Longest reconnect delay (default "5s").
    #[serde(default = "default_reconnect_max", with = "duration")]
    pub reconnect_max: Duration,
}

const fn default_grab() -> bool {
    true
}
const fn default_max_scan_length() -> usize {
    DEFAULT_MAX_SCAN_LENGTH
}

impl KeyboardSourceConfig {
    /// A configuration with every default, for `path`.
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            id: id.into(),
            path: Some(path.into()),
            vendor_id: None,
            product_id: None,
            layout: Layout::default(),
            grab: default_grab(),
            terminator: KeyTerminator::default(),
            prefix: None,
            suffix: None,
            gs_stand_in: None,
            max_scan_length: default_max_scan_length(),
            reconnect_initial: default_reconnect_initial(),
            reconnect_max: default_reconnect_max(),
        }
    }

    /// Checks the values without opening anything.
    pub fn validate(&self) -> Result<(), SourceError> {
        let bad = |m: &str| {
            Err(SourceError::Config(format!(
                "keyboard source {:?}: {m}",
                self.id
            )))
        };
        if self.id.is_empty() {
            return bad("id must not be empty");
        }
        match (&self.path, self.vendor_id, self.product_id) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => {}
            (Some(_), _, _) => return bad("give either path or vendor_id + product_id, not both"),
            (None, _, _) => return bad("give path, or both vendor_id and product_id"),
        }
        if self.max_scan_length == 0 {
            return bad("max_scan_length must be above 0");
        }
        Ok(())
    }

    /// The per-scan processing shared with the other sources.
    pub fn frame_options(&self) -> FrameOptions {
        FrameOptions {
            prefix: self.prefix.clone().unwrap_or_default().0,
            suffix: self.suffix.clone().unwrap_or_default().0,
            gs_stand_in: self.gs_stand_in.clone().map(|s| s.0),
        }
    }

    fn describe(&self) -> String {
        match (&self.path, self.vendor_id, self.product_id) {
            (Some(p), _, _) => p.display().to_string(),
            (None, Some(v), Some(p)) => format!("USB {:04x}:{:04x}", v.0, p.0),
            _ => "(no device)".into(),
        }
    }

    /// Opens the raw (unsynchronised) device, so a kernel SYN_DROPPED reaches the key map
    /// instead of being papered over with synthesised key states.
    #[cfg(target_os = "linux")]
    fn open(&self) -> std::io::Result<(PathBuf, evdev::raw_stream::RawDevice)> {
        let (path, mut device) = match (&self.path, self.vendor_id, self.product_id) {
            (Some(path), _, _) => (path.clone(), evdev::raw_stream::RawDevice::open(path)?),
            (None, Some(v), Some(p)) => evdev::raw_stream::enumerate()
                .find(|(_, d)| {
                    let id = d.input_id();
                    id.vendor() == v.0
                        && id.product() == p.0
                        && d.supported_keys()
                            .is_some_and(|k| k.contains(evdev::KeyCode::KEY_ENTER))
                })
                .ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no input device with that USB id",
                    )
                })?,
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "no device configured",
                ))
            }
        };
        if self.grab {
            device.grab().map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot grab exclusively (EVIOCGRAB): {e}"),
                )
            })?;
        }
        Ok((path, device))
    }
}

/// Turns a key-map outcome into an event.
pub(crate) fn outcome_event(
    source_id: &str,
    options: &FrameOptions,
    outcome: KeyOutcome,
) -> SourceEvent {
    let error = |error: SourceError| SourceEvent::Error {
        source_id: source_id.to_owned(),
        error,
    };
    match outcome {
        KeyOutcome::Scan(bytes) => match options.finish(&bytes) {
            Ok(Some(frame)) => SourceEvent::Scan(RawScan::now(
                source_id,
                SourceKind::Keyboard,
                frame.data,
                frame.symbology,
            )),
            Ok(None) => error(SourceError::Framing(FramingError::Unterminated {
                length: 0,
                reason: "the scan held only its prefix/suffix".into(),
            })),
            Err(e) => error(e.into()),
        },
        KeyOutcome::Error(e) => error(e.into()),
    }
}

/// Feeds recorded key events through the key map and frame options: the pure core of this
/// source, shared with tests and the replay of `input_event` captures.
pub fn map_events(
    config: &KeyboardSourceConfig,
    events: impl IntoIterator<Item = KeyEvent>,
) -> Vec<SourceEvent> {
    let mut mapper = KeyMapper::new(config.layout, config.terminator, config.max_scan_length);
    let options = config.frame_options();
    events
        .into_iter()
        .filter_map(|e| mapper.feed(e))
        .map(|o| outcome_event(&config.id, &options, o))
        .collect()
}

/// Runs a keyboard-wedge source until `cancel` fires or `tx` is closed.
pub async fn run(
    config: KeyboardSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    config.validate()?;
    run_linux(config, tx, cancel).await
}

#[cfg(not(target_os = "linux"))]
async fn run_linux(
    config: KeyboardSourceConfig,
    _tx: mpsc::Sender<SourceEvent>,
    _cancel: CancellationToken,
) -> Result<(), SourceError> {
    Err(SourceError::Config(format!(
        "keyboard source {:?}: evdev needs Linux",
        config.id
    )))
}

#[cfg(target_os = "linux")]
async fn run_linux(
    config: KeyboardSourceConfig,
    tx: mpsc::Sender<SourceEvent>,
    cancel: CancellationToken,
) -> Result<(), SourceError> {
    let options = config.frame_options();
    let mut mapper = KeyMapper::new(config.layout, config.terminator, config.max_scan_length);
    let mut backoff = Backoff::new(config.reconnect_initial, config.reconnect_max);
    let mut down_reported = false;
    loop {
        if cancel.is_cancelled() {
            return Ok(());
        }
        match config.open() {
            Ok((path, device)) => {
                let caps = device
                    .get_led_state()
                    .map(|leds| leds.contains(evdev::LedCode::LED_CAPSL))
                    .unwrap_or(false);
                mapper.set_caps_lock(caps);
                let reason = match device.into_event_stream() {
                    Ok(stream) => {
                        backoff.reset();
                        if !emit_status(&tx, &config.id, SourceStatus::Connected).await {
                            return Ok(());
                        }
                        match session(&config, &options, &mut mapper, stream, &tx, &cancel).await {
                            Some(reason) => reason,
                            None => return Ok(()),
                        }
                    }
                    Err(e) => format!("cannot read {}: {e}", path.display()),
                };
                down_reported = true;
                if !emit_status(&tx, &config.id, SourceStatus::Disconnected { reason }).await {
                    return Ok(());
                }
            }
            Err(e) => {
                if !down_reported {
                    down_reported = true;
                    let reason = format!("cannot open {}: {e}", config.describe());
                    if !emit_status(&tx, &config.id, SourceStatus::Disconnected { reason }).await {
                        return Ok(());
                    }
                }
            }
        }
        if !wait_to_reopen(&tx, &config.id, &mut backoff, &cancel).await {
            return Ok(());
        }
    }
}

/// Reads one connected device until it fails (returns the reason) or the source must stop
/// (returns `None`).
#[cfg(target_os = "linux")]
async fn session(
    config: &KeyboardSourceConfig,
    options: &FrameOptions,
    mapper: &mut KeyMapper,
    mut stream: evdev::raw_stream::EventStream,
    tx: &mpsc::Sender<SourceEvent>,
    cancel: &CancellationToken,
) -> Option<String> {
    let reason = loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            event = stream.next_event() => match event {
                Ok(event) => {
                    if event.event_type().0 == EV_SYN && event.code() == SYN_DROPPED {
                        let held = stream.device().get_key_state().ok();
                        mapper.events_dropped(|code| {
                            held.as_ref().is_some_and(|h| h.contains(evdev::KeyCode::new(code)))
                        });
                        continue;
                    }
                    if event.event_type().0 != EV_KEY {
                        continue;
                    }
                    let key = KeyEvent { code: event.code(), value: event.value() };
                    if let Some(outcome) = mapper.feed(key) {
                        if !emit(tx, outcome_event(&config.id, options, outcome)).await {
                            return None;
                        }
                    }
                }
                Err(e) => break e.to_string(),
            }
        }
    };
    if let Some(length) = mapper.reset() {
        let error = FramingError::Unterminated {
            length,
            reason: "the scanner vanished mid-scan".into(),
        };
        if !emit_error(tx, &config.id, error.into()).await {
            return None;
        }
    }
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::keymap::type_text;

    #[test]
    fn config_keys_and_validation() {
        let c: KeyboardSourceConfig = toml::from_str(
            "id = \"k\"\nvendor_id = \"0c2e\"\nproduct_id = \"0x0b61\"\nlayout = \"uk\"\ngrab = false\nterminator = \"tab\"\ngs_stand_in = \"<GS>\"",
        )
        .unwrap();
        assert_eq!(c.layout, Layout::Gb);
        assert_eq!(c.vendor_id, Some(UsbId(0x0c2e)));
        assert!(c.validate().is_ok());
        assert!(toml::from_str::<KeyboardSourceConfig>("id = \"k\"\nvendor_id = \"c2e\"").is_err());
        let only_vendor: KeyboardSourceConfig =
            toml::from_str("id = \"k\"\nvendor_id = \"0c2e\"").unwrap();
        assert!(only_vendor.validate().is_err());
        let defaults: KeyboardSourceConfig =
            toml::from_str("id = \"k\"\npath = \"/dev/input/event3\"").unwrap();
        assert_eq!(
            defaults,
            KeyboardSourceConfig::new("k", "/dev/input/event3")
        );
    }

    #[test]
    fn stand_in_and_aim_id_through_map_events() {
        let mut c = KeyboardSourceConfig::new("k", "/dev/null");
        c.gs_stand_in = Some(ByteSequence(b"<GS>".to_vec()));
        let events = type_text(
            Layout::Us,
            "]d201095060001343521726123110ABC<GS>21S1",
            KeyTerminator::Enter,
        )
        .unwrap();
        match &map_events(&c, events)[..] {
            [SourceEvent::Scan(scan)] => {
                assert_eq!(scan.symbology.as_deref(), Some("]d2"));
                assert_eq!(scan.data, b"01095060001343521726123110ABC\x1d21S1");
                assert_eq!(scan.kind, SourceKind::Keyboard);
            }
            other => panic!("{other:?}"),
        }
    }
}
