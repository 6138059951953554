//! `gs1-gateway devices`: lists serial ports, input devices that look like scanners, HID POS
//! scanners and V4L2 cameras, so a technician can write the `[[source]]` tables. Works, with
//! empty lists, on a machine with none of them.

use std::io::Write;
use std::process::ExitCode;

use gs1_gateway::source::discovery::{list_devices, DeviceList};

use super::DevicesArgs;

pub fn run(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let list = list_devices();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &list)?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(render_table(&list).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn or_dash(value: &Option<String>) -> &str {
    value.as_deref().filter(|s| !s.is_empty()).unwrap_or("-")
}

/// The human-readable listing.
pub fn render_table(list: &DeviceList) -> String {
    let mut s = String::new();
    s.push_str("Serial ports (kind = \"serial\"; use the by-id path):\n");
    if list.serial_ports.is_empty() {
        s.push_str("  (none found)\n");
    }
    for p in &list.serial_ports {
        s.push_str(&format!(
            "  {}\n    by-id: {}\n    bus: {}  id: {}  manufacturer: {}  product: {}  serial: {}\n",
            p.path,
            or_dash(&p.by_id),
            p.bus,
            or_dash(&p.vid_pid),
            or_dash(&p.manufacturer),
            or_dash(&p.product),
            or_dash(&p.serial)
        ));
    }
    s.push_str("\nKeyboard-wedge scanners (kind = \"keyboard\"):\n");
    if list.input_devices.is_empty() {
        s.push_str("  (none found)\n");
    }
    for d in &list.input_devices {
        s.push_str(&format!(
            "  {}\n    by-id: {}\n    name: {}  id: {}\n",
            d.path,
            or_dash(&d.by_id),
            d.name,
            d.vid_pid
        ));
    }
    s.push_str("\nHID POS scanners, usage page 0x8C (kind = \"hid\"):\n");
    if list.hid_pos.is_empty() {
        s.push_str("  (none found)\n");
    }
    for d in &list.hid_pos {
        s.push_str(&format!(
            "  {}\n    name: {}  id: {}  serial: {}\n",
            d.path,
            d.name,
            d.vid_pid,
            or_dash(&d.serial)
        ));
    }
    s.push_str("\nCameras, V4L2 (kind = \"camera\"):\n");
    if list.cameras.is_empty() {
        s.push_str("  (none found)\n");
    }
    for c in &list.cameras {
        let capture = match c.capture {
            Some(true) => "yes",
            Some(false) => "no (metadata or output node)",
            None => "unknown (no permission to open)",
        };
        s.push_str(&format!(
            "  {}\n    by-id: {}\n    name: {}  capture: {}\n",
            c.path,
            or_dash(&c.by_id),
            c.name,
            capture
        ));
    }
    s
}
