//! Finding scanners and cameras on this machine, for `gs1-gateway devices`.
//!
//! Everything is read from sysfs and udev (no device is opened except to ask a V4L2 node what it
//! can do), so listing needs no special permissions and works — with empty lists — on a machine
//! without any device. The sysfs root is a parameter so tests can point it at a fake tree.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// USB vendor ids of the scanner makers this gateway knows (for "looks like a scanner"), as
/// listed in the usb.ids database (usbutils 2025.07.26). Code Corporation has no entry there, so
/// its scanners are recognised by name only.
pub const SCANNER_VENDORS: &[(u16, &str)] = &[
    (0x0c2e, "Honeywell (Metrologic Instruments)"),
    (0x0536, "Honeywell (Hand Held Products)"),
    (0x05e0, "Zebra (Symbol Technologies)"),
    (0x05f9, "Datalogic (PSC Scanning)"),
    (0x080c, "Datalogic S.p.A."),
    (0x1eab, "Newland"),
    (0x065a, "Opticon (Optoelectronics)"),
];

/// Name fragments that mark a scanner when the vendor id is not in [`SCANNER_VENDORS`].
const SCANNER_WORDS: &[&str] = &[
    "scanner",
    "barcode",
    "bar code",
    "honeywell",
    "zebra",
    "symbol",
    "datalogic",
    "metrologic",
    "hand held",
    "newland",
    "opticon",
    "code corp",
    "imager",
];

/// A serial port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SerialPortEntry {
    /// Kernel device path (`/dev/ttyACM0`).
    pub path: String,
    /// Stable `/dev/serial/by-id/…` link to use in the configuration, when udev made one.
    pub by_id: Option<String>,
    /// "usb", "pci", "bluetooth" or "unknown".
    pub bus: String,
    /// USB vendor:product id (`0c2e:0b61`).
    pub vid_pid: Option<String>,
    /// USB manufacturer string.
    pub manufacturer: Option<String>,
    /// USB product string.
    pub product: Option<String>,
    /// USB serial number.
    pub serial: Option<String>,
}

/// An input (evdev) device that looks like a keyboard-wedge scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputDeviceEntry {
    /// `/dev/input/eventN`.
    pub path: String,
    /// Stable `/dev/input/by-id/…-event-kbd` link, when there is one.
    pub by_id: Option<String>,
    /// Device name reported by the kernel.
    pub name: String,
    /// vendor:product id.
    pub vid_pid: String,
}

/// A hidraw device whose report descriptor declares the barcode scanner usage page (0x8C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HidPosEntry {
    /// `/dev/hidrawN`.
    pub path: String,
    /// Device name (`HID_NAME`).
    pub name: String,
    /// vendor:product id.
    pub vid_pid: String,
    /// Serial number (`HID_UNIQ`), when the device has one.
    pub serial: Option<String>,
}

/// A V4L2 video device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CameraEntry {
    /// `/dev/videoN`.
    pub path: String,
    /// Stable `/dev/v4l/by-id/…` link, when there is one.
    pub by_id: Option<String>,
    /// Device name.
    pub name: String,
    /// Whether the node captures video (`None` when it could not be asked).
    pub capture: Option<bool>,
}

/// Everything `devices` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DeviceList {
    /// Serial ports.
    pub serial_ports: Vec<SerialPortEntry>,
    /// Input devices that look like scanners.
    pub input_devices: Vec<InputDeviceEntry>,
    /// HID POS scanners.
    pub hid_pos: Vec<HidPosEntry>,
    /// V4L2 cameras.
    pub cameras: Vec<CameraEntry>,
}

/// Lists all devices on this machine.
pub fn list_devices() -> DeviceList {
    DeviceList {
        serial_ports: serial_ports(),
        input_devices: input_devices(Path::new("/sys"), Path::new("/dev")),
        hid_pos: hid_pos_devices(Path::new("/sys")),
        cameras: cameras(Path::new("/sys"), Path::new("/dev")),
    }
}

/// Maps each canonical target of the symlinks in `dir` to the link path.
fn links_in(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut links: Vec<(PathBuf, String)> = entries
        .flatten()
        .filter_map(|e| {
            let target = fs::canonicalize(e.path()).ok()?;
            Some((target, e.path().display().to_string()))
        })
        .collect();
    links.sort();
    links
}

fn link_for(links: &[(PathBuf, String)], device: &Path, suffix: &str) -> Option<String> {
    let device = fs::canonicalize(device).unwrap_or_else(|_| device.to_owned());
    links
        .iter()
        .find(|(target, link)| *target == device && link.ends_with(suffix))
        .or_else(|| links.iter().find(|(target, _)| *target == device))
        .map(|(_, link)| link.clone())
}

/// Serial ports from udev (serialport's `available_ports`).
pub fn serial_ports() -> Vec<SerialPortEntry> {
    let links = links_in(Path::new("/dev/serial/by-id"));
    let Ok(ports) = tokio_serial::available_ports() else {
        return Vec::new();
    };
    let mut out: Vec<SerialPortEntry> = ports
        .into_iter()
        .filter_map(|p| {
            let by_id = link_for(&links, Path::new(&p.port_name), "");
            let mut entry = SerialPortEntry {
                path: p.port_name,
                by_id,
                bus: String::new(),
                vid_pid: None,
                manufacturer: None,
                product: None,
                serial: None,
            };
            match p.port_type {
                tokio_serial::SerialPortType::UsbPort(usb) => {
                    entry.bus = "usb".into();
                    entry.vid_pid = Some(format!("{:04x}:{:04x}", usb.vid, usb.pid));
                    entry.manufacturer = usb.manufacturer;
                    entry.product = usb.product;
                    entry.serial = usb.serial_number;
                }
                tokio_serial::SerialPortType::PciPort => entry.bus = "pci".into(),
                tokio_serial::SerialPortType::BluetoothPort => entry.bus = "bluetooth".into(),
                // Legacy ttyS placeholders with no hardware behind them are noise.
                tokio_serial::SerialPortType::Unknown if entry.by_id.is_none() => return None,
                tokio_serial::SerialPortType::Unknown => entry.bus = "unknown".into(),
            }
            Some(entry)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn read_trimmed(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn looks_like_scanner(vendor: u16, name: &str) -> bool {
    let lower = name.to_lowercase();
    SCANNER_VENDORS.iter().any(|(v, _)| *v == vendor)
        || SCANNER_WORDS.iter().any(|w| lower.contains(w))
}

/// Whether an input device's `capabilities/key` bitmap (hex words, most significant first)
/// has KEY_ENTER (28) and the digit keys 1–0 (2–11): a keyboard.
pub fn key_bitmap_is_keyboard(bitmap: &str) -> bool {
    let words: Vec<u64> = bitmap
        .split_whitespace()
        .rev()
        .filter_map(|w| u64::from_str_radix(w, 16).ok())
        .collect();
    let has = |bit: usize| {
        words
            .get(bit / 64)
            .is_some_and(|w| w >> (bit % 64) & 1 == 1)
    };
    has(28) && (2..=11).all(has)
}

/// Input devices (from sysfs) that are keyboards and look like scanners.
pub fn input_devices(sys: &Path, dev: &Path) -> Vec<InputDeviceEntry> {
    let links = links_in(&dev.join("input/by-id"));
    let Ok(entries) = fs::read_dir(sys.join("class/input")) else {
        return Vec::new();
    };
    let mut out: Vec<InputDeviceEntry> = entries
        .flatten()
        .filter_map(|e| {
            let node = e.file_name().to_string_lossy().into_owned();
            if !node.starts_with("event") {
                return None;
            }
            let device = e.path().join("device");
            let name = read_trimmed(&device.join("name")).unwrap_or_default();
            let vendor = u16::from_str_radix(&read_trimmed(&device.join("id/vendor"))?, 16).ok()?;
            let product =
                u16::from_str_radix(&read_trimmed(&device.join("id/product"))?, 16).ok()?;
            let keys = read_trimmed(&device.join("capabilities/key")).unwrap_or_default();
            if !key_bitmap_is_keyboard(&keys) || !looks_like_scanner(vendor, &name) {
                return None;
            }
            let path = dev.join("input").join(&node);
            Some(InputDeviceEntry {
                by_id: link_for(&links, &path, "-event-kbd"),
                path: path.display().to_string(),
                name,
                vid_pid: format!("{vendor:04x}:{product:04x}"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The usage pages a HID report descriptor declares (global Usage Page items).
pub fn report_descriptor_usage_pages(descriptor: &[u8]) -> Vec<u32> {
    let mut pages = Vec::new();
    let mut i = 0;
    while i < descriptor.len() {
        let prefix = descriptor[i];
        if prefix == 0xFE {
            // Long item: 0xFE, data size, long tag, data.
            let size = descriptor.get(i + 1).copied().map_or(0, usize::from);
            i += 3 + size;
            continue;
        }
        let size = [0usize, 1, 2, 4][usize::from(prefix & 0x03)];
        let data = descriptor.get(i + 1..i + 1 + size).unwrap_or(&[]);
        if prefix & 0xFC == 0x04 && data.len() == size {
            let value = data
                .iter()
                .rev()
                .fold(0u32, |acc, &b| acc << 8 | u32::from(b));
            // A 4-byte usage page item may carry the page in its high half (extended usage).
            let page = if size == 4 { value & 0xFFFF } else { value };
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
        i += 1 + size;
    }
    pages
}

/// The barcode scanner usage page of the HID POS usage tables.
pub const USAGE_PAGE_BARCODE_SCANNER: u32 = 0x8C;

fn uevent_field(uevent: &str, key: &str) -> Option<String> {
    uevent
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .map(str::to_owned)
}

/// hidraw devices declaring usage page 0x8C.
pub fn hid_pos_devices(sys: &Path) -> Vec<HidPosEntry> {
    let Ok(entries) = fs::read_dir(sys.join("class/hidraw")) else {
        return Vec::new();
    };
    let mut out: Vec<HidPosEntry> = entries
        .flatten()
        .filter_map(|e| {
            let node = e.file_name().to_string_lossy().into_owned();
            let device = e.path().join("device");
            let descriptor = fs::read(device.join("report_descriptor")).ok()?;
            if !report_descriptor_usage_pages(&descriptor).contains(&USAGE_PAGE_BARCODE_SCANNER) {
                return None;
            }
            let uevent = fs::read_to_string(device.join("uevent")).unwrap_or_default();
            // HID_ID=0003:00000C2E:00000B6A
            let vid_pid = uevent_field(&uevent, "HID_ID")
                .and_then(|id| {
                    let mut parts = id.split(':').skip(1);
                    let v = u32::from_str_radix(parts.next()?, 16).ok()?;
                    let p = u32::from_str_radix(parts.next()?, 16).ok()?;
                    Some(format!("{v:04x}:{p:04x}"))
                })
                .unwrap_or_default();
            Some(HidPosEntry {
                path: format!("/dev/{node}"),
                name: uevent_field(&uevent, "HID_NAME").unwrap_or_default(),
                vid_pid,
                serial: uevent_field(&uevent, "HID_UNIQ").filter(|s| !s.is_empty()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// V4L2 devices from sysfs, asked whether they capture when they can be opened.
pub fn cameras(sys: &Path, dev: &Path) -> Vec<CameraEntry> {
    let links = links_in(&dev.join("v4l/by-id"));
    let Ok(entries) = fs::read_dir(sys.join("class/video4linux")) else {
        return Vec::new();
    };
    let mut out: Vec<CameraEntry> = entries
        .flatten()
        .filter_map(|e| {
            let node = e.file_name().to_string_lossy().into_owned();
            if !node.starts_with("video") {
                return None;
            }
            let path = dev.join(&node);
            Some(CameraEntry {
                by_id: link_for(&links, &path, ""),
                name: read_trimmed(&e.path().join("name")).unwrap_or_default(),
                capture: query_capture(&path),
                path: path.display().to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(target_os = "linux")]
fn query_capture(path: &Path) -> Option<bool> {
    let device = v4l::Device::with_path(path).ok()?;
    let caps = device.query_caps().ok()?;
    Some(
        caps.capabilities
            .contains(v4l::capability::Flags::VIDEO_CAPTURE),
    )
}

#[cfg(not(target_os = "linux"))]
fn query_capture(_path: &Path) -> Option<bool> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report descriptor of a Honeywell HID POS interface starts with Usage Page (0x8C).
    #[test]
    fn usage_pages_from_descriptor() {
        let desc = [
            0x05, 0x8C, // Usage Page (Bar Code Scanner)
            0x09, 0x02, // Usage (Bar Code Scanner)
            0xA1, 0x01, // Collection (Application)
            0x06, 0x66, 0xFF, // Usage Page (vendor 0xFF66)
            0xFE, 0x02, 0x10, 0xAA, 0xBB, // a long item
            0xC0, // End Collection
        ];
        assert_eq!(report_descriptor_usage_pages(&desc), vec![0x8C, 0xFF66]);
        let keyboard = [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0xC0];
        assert_eq!(report_descriptor_usage_pages(&keyboard), vec![0x01, 0x07]);
        assert!(report_descriptor_usage_pages(&[0x06, 0x8C]).is_empty());
    }

    #[test]
    fn keyboard_bitmap() {
        // A full keyboard: bits 1..=127 in the lowest words.
        assert!(key_bitmap_is_keyboard(
            "0 0 fffffffffffffffe ffffffffffffffff"
        ));
        // A power button: only KEY_POWER (116).
        assert!(!key_bitmap_is_keyboard("10000000000000 0"));
        assert!(!key_bitmap_is_keyboard(""));
    }

    #[test]
    fn fake_sysfs_tree() {
        let dir = tempfile::tempdir().unwrap();
        let sys = dir.path().join("sys");
        let dev = dir.path().join("dev");
        let h = sys.join("class/hidraw/hidraw3/device");
        fs::create_dir_all(&h).unwrap();
        fs::write(h.join("report_descriptor"), [0x05u8, 0x8C, 0x09, 0x02]).unwrap();
        fs::write(
            h.join("uevent"),
            "HID_ID=0003:00000C2E:00000B6A\nHID_NAME=Honeywell 1950g\nHID_UNIQ=21000A1B2C\n",
        )
        .unwrap();
        let k = sys.join("class/hidraw/hidraw4/device");
        fs::create_dir_all(&k).unwrap();
        fs::write(k.join("report_descriptor"), [0x05u8, 0x01, 0x09, 0x06]).unwrap();
        let e = sys.join("class/input/event7/device");
        fs::create_dir_all(e.join("id")).unwrap();
        fs::create_dir_all(e.join("capabilities")).unwrap();
        fs::write(e.join("name"), "Honeywell Imaging & Mobility 1950g\n").unwrap();
        fs::write(e.join("id/vendor"), "0c2e\n").unwrap();
        fs::write(e.join("id/product"), "0b61\n").unwrap();
        fs::write(
            e.join("capabilities/key"),
            "0 0 fffffffffffffffe ffffffffffffffff\n",
        )
        .unwrap();
        let m = sys.join("class/input/event2/device");
        fs::create_dir_all(m.join("id")).unwrap();
        fs::write(m.join("name"), "AT Translated Set 2 keyboard").unwrap();
        fs::write(m.join("id/vendor"), "0001").unwrap();
        fs::write(m.join("id/product"), "0001").unwrap();

        let hid = hid_pos_devices(&sys);
        assert_eq!(hid.len(), 1);
        assert_eq!(hid[0].path, "/dev/hidraw3");
        assert_eq!(hid[0].vid_pid, "0c2e:0b6a");
        assert_eq!(hid[0].serial.as_deref(), Some("21000A1B2C"));
        let input = input_devices(&sys, &dev);
        assert_eq!(input.len(), 1);
        assert_eq!(input[0].vid_pid, "0c2e:0b61");
        assert!(cameras(&sys, &dev).is_empty());
    }

    #[test]
    fn empty_machine_lists_nothing_without_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(hid_pos_devices(dir.path()).is_empty());
        assert!(input_devices(dir.path(), dir.path()).is_empty());
        assert!(cameras(dir.path(), dir.path()).is_empty());
    }
}
