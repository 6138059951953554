//! Finding scanners and cameras on this machine, for `gs1-gateway devices`.
//!
//! Everything is read from sysfs and the links udev makes under `/dev` (no device is opened except
//! to ask a V4L2 node what it can do), so listing needs no special permissions and works — with
//! empty lists — on a machine without any device. The sysfs and `/dev` roots are parameters so
//! tests can point them at a fake tree.

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

/// Serial ports on this machine (from sysfs).
pub fn serial_ports() -> Vec<SerialPortEntry> {
    serial_ports_in(Path::new("/sys"), Path::new("/dev"))
}

/// How deep above a tty's `device` the USB device (the directory with `idVendor`) may be: one
/// level for CDC ACM (`device` is the USB interface), two for USB-serial converters (`device` is
/// the `ttyUSBn` port below the interface).
const USB_DEVICE_MAX_DEPTH: usize = 3;

/// Serial ports under a sysfs root, named under a `/dev` root.
///
/// Read from `class/tty` directly rather than through libudev, so that building needs no
/// `libudev-dev`: a tty with a `device` link has hardware behind it; the `subsystem` of that
/// device tells the bus, and for USB the device directory above it has the ids and strings
/// (the same files udev reads). Virtual terminals and pseudo-terminals have no `device` link and
/// are skipped; `rfcommN` ports are Bluetooth.
pub fn serial_ports_in(sys: &Path, dev: &Path) -> Vec<SerialPortEntry> {
    let links = links_in(&dev.join("serial/by-id"));
    let Ok(entries) = fs::read_dir(sys.join("class/tty")) else {
        return Vec::new();
    };
    let mut out: Vec<SerialPortEntry> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = dev.join(&name);
            // A port without a device node cannot be opened (e.g. inside a container).
            if !path.exists() {
                return None;
            }
            let mut entry = SerialPortEntry {
                by_id: link_for(&links, &path, ""),
                path: path.display().to_string(),
                bus: String::new(),
                vid_pid: None,
                manufacturer: None,
                product: None,
                serial: None,
            };
            if name.starts_with("rfcomm") {
                entry.bus = "bluetooth".into();
                return Some(entry);
            }
            let device = fs::canonicalize(e.path().join("device")).ok()?;
            let subsystem = fs::canonicalize(device.join("subsystem")).ok();
            match subsystem.as_deref().and_then(Path::file_name) {
                Some(s) if s == "usb" || s == "usb-serial" => {
                    entry.bus = "usb".into();
                    if let Some(usb) = usb_device_above(&device) {
                        entry.vid_pid = usb_ids(&usb);
                        entry.manufacturer = read_nonempty(&usb.join("manufacturer"));
                        entry.product = read_nonempty(&usb.join("product"));
                        entry.serial = read_nonempty(&usb.join("serial"));
                    }
                }
                Some(s) if s == "pci" => entry.bus = "pci".into(),
                // Legacy ttyS placeholders (serial-base, pnp, platform) with no hardware behind
                // them are noise; one with a by-id link is shown as unknown.
                _ if entry.by_id.is_none() => return None,
                _ => entry.bus = "unknown".into(),
            }
            Some(entry)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The USB device directory (the one with `idVendor`) at or above a tty's device.
fn usb_device_above(device: &Path) -> Option<PathBuf> {
    device
        .ancestors()
        .take(USB_DEVICE_MAX_DEPTH + 1)
        .find(|d| d.join("idVendor").is_file())
        .map(Path::to_path_buf)
}

/// `vvvv:pppp` from a USB device's `idVendor` and `idProduct` (hex, as in sysfs).
fn usb_ids(usb: &Path) -> Option<String> {
    let vendor = u16::from_str_radix(&read_trimmed(&usb.join("idVendor"))?, 16).ok()?;
    let product = u16::from_str_radix(&read_trimmed(&usb.join("idProduct"))?, 16).ok()?;
    Some(format!("{vendor:04x}:{product:04x}"))
}

fn read_nonempty(path: &Path) -> Option<String> {
    read_trimmed(path).filter(|s| !s.is_empty())
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
    let device = linuxvideo::Device::open(path).ok()?;
    let caps = device.capabilities().ok()?;
    // The node's own capabilities: a UVC camera's metadata node shares the card's capture flag.
    Some(
        caps.device_capabilities()
            .contains(linuxvideo::CapabilityFlags::VIDEO_CAPTURE),
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

    /// A sysfs tree laid out as the kernel does: class/tty entries are links into devices/, their
    /// `device` and `subsystem` links point at the device and its bus.
    struct FakeSysfs {
        _dir: tempfile::TempDir,
        sys: PathBuf,
        dev: PathBuf,
    }

    impl FakeSysfs {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let sys = dir.path().join("sys");
            let dev = dir.path().join("dev");
            for bus in ["usb", "usb-serial", "pci", "serial-base"] {
                fs::create_dir_all(sys.join("bus").join(bus)).unwrap();
            }
            fs::create_dir_all(sys.join("class/tty")).unwrap();
            fs::create_dir_all(dev.join("serial/by-id")).unwrap();
            FakeSysfs {
                _dir: dir,
                sys,
                dev,
            }
        }

        /// A device directory (relative to devices/) on `bus`, with `files`.
        fn device(&self, rel: &str, bus: &str, files: &[(&str, &str)]) -> PathBuf {
            let d = self.sys.join("devices").join(rel);
            fs::create_dir_all(&d).unwrap();
            std::os::unix::fs::symlink(self.sys.join("bus").join(bus), d.join("subsystem"))
                .unwrap();
            for (name, value) in files {
                fs::write(d.join(name), value).unwrap();
            }
            d
        }

        /// A tty `name` below `parent`, with `device` pointing at `device` (none for virtual
        /// ttys), and its /dev node.
        fn tty(&self, name: &str, parent: &Path, device: Option<&Path>) {
            let t = parent.join("tty").join(name);
            fs::create_dir_all(&t).unwrap();
            if let Some(device) = device {
                std::os::unix::fs::symlink(device, t.join("device")).unwrap();
            }
            std::os::unix::fs::symlink(&t, self.sys.join("class/tty").join(name)).unwrap();
            fs::write(self.dev.join(name), "").unwrap();
        }
    }

    #[test]
    fn serial_ports_from_fake_sysfs() {
        let f = FakeSysfs::new();
        let hub = "pci0000:00/0000:00:14.0/usb1";
        // A Honeywell scanner in USB serial (CDC ACM) mode: `device` is the USB interface.
        f.device(
            &format!("{hub}/1-2"),
            "usb",
            &[
                ("idVendor", "0c2e\n"),
                ("idProduct", "0b61\n"),
                ("manufacturer", "Honeywell Imaging & Mobility\n"),
                ("product", "1950g\n"),
                ("serial", "21000A1B2C\n"),
            ],
        );
        let acm_if = f.device(&format!("{hub}/1-2/1-2:1.0"), "usb", &[]);
        f.tty("ttyACM0", &acm_if, Some(&acm_if));
        std::os::unix::fs::symlink(
            "../../ttyACM0",
            f.dev
                .join("serial/by-id/usb-Honeywell_Imaging___Mobility_1950g_21000A1B2C-if00"),
        )
        .unwrap();
        // An FTDI converter: `device` is the ttyUSB port below the interface; no strings.
        f.device(
            &format!("{hub}/1-3"),
            "usb",
            &[("idVendor", "0403"), ("idProduct", "6001"), ("serial", "")],
        );
        let ftdi_if = f.device(&format!("{hub}/1-3/1-3:1.0"), "usb", &[]);
        let ftdi_port = f.device(&format!("{hub}/1-3/1-3:1.0/ttyUSB0"), "usb-serial", &[]);
        f.tty("ttyUSB0", &ftdi_if.join("ttyUSB0"), Some(&ftdi_port));
        // A PCI UART, a legacy 8250 placeholder, a Bluetooth RFCOMM port and a virtual console.
        let pci = f.device("pci0000:00/0000:00:16.3", "pci", &[]);
        f.tty("ttyS4", &pci, Some(&pci));
        let legacy = f.device("pnp0/00:00/00:00:0/00:00:0.0", "serial-base", &[]);
        f.tty("ttyS0", &legacy, Some(&legacy));
        let virt = f.sys.join("devices/virtual");
        f.tty("rfcomm0", &virt, None);
        f.tty("tty1", &virt, None);
        // A USB port whose node is missing (a container without it) is not listed.
        let gone_if = f.device(&format!("{hub}/1-2/1-2:1.2"), "usb", &[]);
        f.tty("ttyACM1", &gone_if, Some(&gone_if));
        fs::remove_file(f.dev.join("ttyACM1")).unwrap();

        let ports = serial_ports_in(&f.sys, &f.dev);
        let paths: Vec<&str> = ports.iter().map(|p| p.path.as_str()).collect();
        let dev = f.dev.display().to_string();
        assert_eq!(
            paths,
            [
                format!("{dev}/rfcomm0"),
                format!("{dev}/ttyACM0"),
                format!("{dev}/ttyS4"),
                format!("{dev}/ttyUSB0"),
            ]
        );
        assert_eq!(ports[0].bus, "bluetooth");
        let acm = &ports[1];
        assert_eq!(acm.bus, "usb");
        assert_eq!(acm.vid_pid.as_deref(), Some("0c2e:0b61"));
        assert_eq!(
            acm.manufacturer.as_deref(),
            Some("Honeywell Imaging & Mobility")
        );
        assert_eq!(acm.product.as_deref(), Some("1950g"));
        assert_eq!(acm.serial.as_deref(), Some("21000A1B2C"));
        assert!(acm
            .by_id
            .as_deref()
            .is_some_and(|l| l.ends_with("_21000A1B2C-if00")));
        assert_eq!(ports[2].bus, "pci");
        assert_eq!(ports[2].vid_pid, None);
        let ftdi = &ports[3];
        assert_eq!(ftdi.bus, "usb");
        assert_eq!(ftdi.vid_pid.as_deref(), Some("0403:6001"));
        assert_eq!(
            (ftdi.manufacturer.as_deref(), ftdi.serial.as_deref()),
            (None, None)
        );
        assert_eq!(ftdi.by_id, None);

        // A placeholder with a by-id link is shown, as unknown.
        std::os::unix::fs::symlink("../../ttyS0", f.dev.join("serial/by-id/odd-port")).unwrap();
        let ports = serial_ports_in(&f.sys, &f.dev);
        let s0 = ports.iter().find(|p| p.path.ends_with("/ttyS0")).unwrap();
        assert_eq!(s0.bus, "unknown");
    }

    #[test]
    fn serial_ports_tolerate_broken_sysfs() {
        let f = FakeSysfs::new();
        // Bad ids and a USB interface with no device directory above it.
        f.device(
            "usb1/1-4",
            "usb",
            &[("idVendor", "zzzz"), ("idProduct", "1")],
        );
        let bad_if = f.device("usb1/1-4/1-4:1.0", "usb", &[]);
        f.tty("ttyACM2", &bad_if, Some(&bad_if));
        let orphan = f.device("orphan/if", "usb", &[]);
        f.tty("ttyACM3", &orphan, Some(&orphan));
        // A dangling device link.
        let virt = f.sys.join("devices/virtual");
        f.tty("ttyACM4", &virt, Some(&f.sys.join("devices/nowhere")));
        let ports = serial_ports_in(&f.sys, &f.dev);
        assert_eq!(ports.len(), 2, "{ports:?}");
        assert!(ports.iter().all(|p| p.bus == "usb" && p.vid_pid.is_none()));
    }

    #[test]
    fn empty_machine_lists_nothing_without_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(hid_pos_devices(dir.path()).is_empty());
        assert!(input_devices(dir.path(), dir.path()).is_empty());
        assert!(cameras(dir.path(), dir.path()).is_empty());
        assert!(serial_ports_in(dir.path(), dir.path()).is_empty());
    }
}
