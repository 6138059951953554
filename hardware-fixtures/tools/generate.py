#!/usr/bin/env python3
"""Regenerates the byte-exact scanner fixtures in hardware-fixtures/ (see README.md there).

Deliberately independent of the Rust code: the key maps below are written from the Linux
input-event-codes and the xkb "us"/"gb" layouts, not copied from src/source/keymap.rs, so the
fixtures check the Rust state machines rather than mirror them.

Usage: python3 hardware-fixtures/tools/generate.py   (from the repository root; deterministic)
"""
import json
import os
import struct

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
GS = "\x1d"


def gs1_check_digit(digits):
    """GS1 mod-10 check digit for a string of digits (without the check digit)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        total += int(d) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def nhs_number(nine):
    """A valid NHS number (mod 11) from its first nine digits, or None."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return None
    return nine + str(check)


# --- The scans (made-up identifiers; patient ids only from the NHS test range 999 000 0000-999 999 9999).
GTIN = "09506000134352"  # GS1's own example GTIN
assert gs1_check_digit(GTIN[:-1]) == GTIN[-1]
NHS = next(n for n in (nhs_number("99900000%d" % i) for i in range(10)) if n)
assert NHS.startswith("999")
PATIENT_GSRN = "9506000" + NHS
PATIENT_GSRN += gs1_check_digit(PATIENT_GSRN)
STAFF_GSRN = "95060001234567890"
STAFF_GSRN += gs1_check_digit(STAFF_GSRN)
GLN = "950600000123"
GLN += gs1_check_digit(GLN)

PRODUCT = "01" + GTIN + "17261231" + "10ABC123" + GS + "21S1"
PATIENT = "8018" + PATIENT_GSRN
STAFF = "8017" + STAFF_GSRN
LOCATION = "414" + GLN
EAN13 = GTIN[1:]

AIM_SCANS = [("]d2", PRODUCT), ("]d2", PATIENT), ("]C1", STAFF), ("]C1", LOCATION), ("]E0", EAN13)]


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


def expect(path, items):
    """Expected result: a list of {"symbology", "data"} scans or {"error": kind} entries."""
    write(path, (json.dumps(items, indent=1, ensure_ascii=True) + "\n").encode())


def scan(sym, data):
    return {"symbology": sym, "data": data}


def capture(path, records):
    """Replay capture: JSON lines {"t_ms", "hex"}."""
    lines = [json.dumps({"t_ms": t, "hex": b.hex()}) for t, b in records]
    write(path, ("\n".join(lines) + "\n").encode())


# ------------------------------------------------------------------ serial
def serial_fixtures():
    # Honeywell 1950g in USB serial mode (interface 130), AIM ids on, GS transmitted, suffix CR.
    data = b"".join((s + d + "\r").encode() for s, d in AIM_SCANS)
    write("serial/aim-cr.bin", data)
    expect("serial/aim-cr.expected.json", [scan(s, d) for s, d in AIM_SCANS])

    # Same scans, AIM ids off, suffix CR LF (Datalogic default "CR LF" suffix).
    data = b"".join((d + "\r\n").encode() for _, d in AIM_SCANS)
    write("serial/no-aim-crlf.bin", data)
    expect("serial/no-aim-crlf.expected.json", [scan(None, d) for _, d in AIM_SCANS])

    # GS absent: a scanner not told to transmit FNC1 runs the variable-length batch into the serial.
    absent = PRODUCT.replace(GS, "")
    write("serial/gs-absent.bin", ("]d2" + absent + "\r").encode())
    expect("serial/gs-absent.expected.json", [scan("]d2", absent)])

    # GS stand-in: a scanner programmed to send "<GS>" for FNC1 (Datalogic "GS replacement").
    write("serial/gs-stand-in.bin", ("]d2" + PRODUCT.replace(GS, "<GS>") + "\r").encode())
    expect("serial/gs-stand-in.expected.json", [scan("]d2", PRODUCT)])

    # Line noise and garbage between good scans: a wrong-baud burst, a NUL, a bare control char.
    noise = (
        ("]d2" + PRODUCT + "\r").encode()
        + b"\xff\xfe\x80\x93\xc3\x28\r"  # invalid UTF-8
        + b"01\x0009506000134352\r"  # NUL inside
        + b"\x07\x07\r"  # BEL BEL
        + ("]E0" + EAN13 + "\r").encode()
    )
    write("serial/line-noise.bin", noise)
    expect(
        "serial/line-noise.expected.json",
        [scan("]d2", PRODUCT), {"error": "invalid_utf8"}, {"error": "control_character"},
         {"error": "control_character"}, scan("]E0", EAN13)],
    )

    # Split reads: one scan arriving as USB packets of 3-7 bytes, as a CDC-ACM endpoint delivers them.
    whole = ("]d2" + PRODUCT + "\r" + "]d2" + PATIENT + "\r").encode()
    records, t, i, sizes = [], 0, 0, [3, 7, 5, 1, 6, 4]
    k = 0
    while i < len(whole):
        n = sizes[k % len(sizes)]
        records.append((t, whole[i:i + n]))
        i += n
        t += 1
        k += 1
    capture("serial/split-reads.jsonl", records)
    expect("serial/split-reads.expected.json", [scan("]d2", PRODUCT), scan("]d2", PATIENT)])

    # No terminator at all (suffix off): scans separated only by time; frame with terminator = "idle:50ms".
    capture("serial/idle-gap.jsonl", [
        (0, ("]d2" + PRODUCT[:20]).encode()),
        (2, PRODUCT[20:].encode()),
        (400, ("]C1" + LOCATION).encode()),
        (900, ("]E0" + EAN13).encode()),
    ])
    expect("serial/idle-gap.expected.json", [scan("]d2", PRODUCT), scan("]C1", LOCATION), scan("]E0", EAN13)])


# ------------------------------------------------------------------ keyboard (evdev input_event)
EV_SYN, EV_KEY, EV_MSC = 0, 1, 4
MSC_SCAN = 4
KEY = {
    "ESC": 1, "1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "6": 7, "7": 8, "8": 9, "9": 10, "0": 11,
    "MINUS": 12, "EQUAL": 13, "TAB": 15, "LEFTBRACE": 26, "RIGHTBRACE": 27, "ENTER": 28,
    "LEFTCTRL": 29, "SEMICOLON": 39, "APOSTROPHE": 40, "GRAVE": 41, "LEFTSHIFT": 42,
    "BACKSLASH": 43, "COMMA": 51, "DOT": 52, "SLASH": 53, "LEFTALT": 56, "SPACE": 57,
    "KP7": 71, "KP8": 72, "KP9": 73, "KP4": 75, "KP5": 76, "KP6": 77, "KP1": 79, "KP2": 80,
    "KP3": 81, "KP0": 82, "102ND": 86, "RIGHTALT": 100,
}
for row, first in (("qwertyuiop", 16), ("asdfghjkl", 30), ("zxcvbnm", 44)):
    for i, c in enumerate(row):
        KEY[c] = first + i

# (key name, shifted?) for each character, per layout (xkb us / gb).
US = {c: (c, False) for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
US.update({c.upper(): (c, True) for c in "abcdefghijklmnopqrstuvwxyz"})
US.update({
    "!": ("1", True), "@": ("2", True), "#": ("3", True), "$": ("4", True), "%": ("5", True),
    "^": ("6", True), "&": ("7", True), "*": ("8", True), "(": ("9", True), ")": ("0", True),
    "-": ("MINUS", False), "_": ("MINUS", True), "=": ("EQUAL", False), "+": ("EQUAL", True),
    "[": ("LEFTBRACE", False), "{": ("LEFTBRACE", True), "]": ("RIGHTBRACE", False), "}": ("RIGHTBRACE", True),
    ";": ("SEMICOLON", False), ":": ("SEMICOLON", True), "'": ("APOSTROPHE", False), '"': ("APOSTROPHE", True),
    "`": ("GRAVE", False), "~": ("GRAVE", True), "\\": ("BACKSLASH", False), "|": ("BACKSLASH", True),
    ",": ("COMMA", False), "<": ("COMMA", True), ".": ("DOT", False), ">": ("DOT", True),
    "/": ("SLASH", False), "?": ("SLASH", True), " ": ("SPACE", False),
})
GB = dict(US)
GB.update({
    '"': ("2", True), "@": ("APOSTROPHE", True), "£": ("3", True), "#": ("BACKSLASH", False),
    "~": ("BACKSLASH", True), "\\": ("102ND", False), "|": ("102ND", True), "¬": ("GRAVE", True),
})
LAYOUTS = {"us": US, "gb": GB}


class Recorder:
    """Writes input_event records the way the kernel reports a USB HID keyboard: MSC_SCAN, KEY, SYN."""

    def __init__(self, start=1764115200, step_us=1000):
        self.t = start * 1_000_000
        self.step = step_us
        self.out = bytearray()

    def ev(self, typ, code, value):
        self.out += struct.pack("<qqHHi", self.t // 1_000_000, self.t % 1_000_000, typ, code, value)

    def key(self, name, value):
        self.ev(EV_MSC, MSC_SCAN, 0x70000 + KEY[name])  # HID usage (not decoded, just realistic noise)
        self.ev(EV_KEY, KEY[name], value)
        self.ev(EV_SYN, 0, 0)
        self.t += self.step

    def tap(self, name):
        self.key(name, 1)
        self.key(name, 0)

    def type_text(self, layout, text, gs="ctrl"):
        for c in text:
            if c == GS:
                if gs == "ctrl":
                    self.key("LEFTCTRL", 1)
                    self.tap("RIGHTBRACE")
                    self.key("LEFTCTRL", 0)
                elif gs == "alt0029":
                    self.key("LEFTALT", 1)
                    for d in "0029":
                        self.tap("KP" + d)
                    self.key("LEFTALT", 0)
                else:
                    self.type_text(layout, gs)
                continue
            name, shift = LAYOUTS[layout][c]
            if shift:
                self.key("LEFTSHIFT", 1)
            self.tap(name)
            if shift:
                self.key("LEFTSHIFT", 0)

    def scan(self, layout, text, gs="ctrl", terminator="ENTER"):
        self.type_text(layout, text, gs)
        self.tap(terminator)


def keyboard_fixtures():
    r = Recorder()
    for s, d in AIM_SCANS[:2]:
        r.scan("us", s + d)
    write("keyboard/us-ctrl-bracket-gs.bin", bytes(r.out))
    expect("keyboard/us-ctrl-bracket-gs.expected.json", [scan(s, d) for s, d in AIM_SCANS[:2]])

    r = Recorder()
    r.scan("us", "]d2" + PRODUCT, gs="alt0029")
    write("keyboard/us-alt-0029-gs.bin", bytes(r.out))
    expect("keyboard/us-alt-0029-gs.expected.json", [scan("]d2", PRODUCT)])

    # UK layout: the characters whose keys differ from US, plus shifted letters and symbols.
    text = ']d2' + "10" + 'Ab"@#~\\|£' + GS + "21" + "X-Y/Z!"
    r = Recorder()
    r.scan("gb", text)
    write("keyboard/gb-shifted.bin", bytes(r.out))
    expect("keyboard/gb-shifted.expected.json", [scan("]d2", text[3:])])
    # The same characters on a US host type differently: the US expectation of the same keys.
    r = Recorder()
    r.scan("us", text.replace("£", ""))
    write("keyboard/us-shifted.bin", bytes(r.out))
    expect("keyboard/us-shifted.expected.json", [scan("]d2", text[3:].replace("£", ""))])

    # A configured stand-in ("^]" typed as two characters) instead of GS.
    r = Recorder()
    r.scan("us", "]d2" + PRODUCT, gs="^]")
    write("keyboard/us-stand-in-gs.bin", bytes(r.out))
    expect("keyboard/us-stand-in-gs.expected.json", [scan("]d2", PRODUCT)])

    # Fast typing: 200 scans at 1 ms per event (over 1,000 characters a second), Tab-terminated.
    r = Recorder(step_us=250)
    expected = []
    for i in range(200):
        s, d = AIM_SCANS[i % len(AIM_SCANS)]
        r.scan("us", s + d, terminator="TAB")
        expected.append(scan(s, d))
    write("keyboard/us-fast-tab.bin", bytes(r.out))
    expect("keyboard/us-fast-tab.expected.json", expected)


# ------------------------------------------------------------------ HID POS
def honeywell_reports(sym, data, code_id):
    data = data.encode()
    chunks = [data[i:i + 56] for i in range(0, len(data), 56)] or [b""]
    out = bytearray()
    for i, chunk in enumerate(chunks):
        r = bytearray(64)
        r[0] = 0x02
        r[1] = len(chunk)
        r[2:5] = sym.encode()
        r[5:5 + len(chunk)] = chunk
        r[61] = code_id
        r[63] = 1 if i < len(chunks) - 1 else 0
        out += r
    return bytes(out)


def hid_fixtures():
    # Honeywell in HID POS mode (interface 131): one report per short barcode.
    data = b"".join(honeywell_reports(s, d, ord("w")) for s, d in AIM_SCANS)
    write("hid/honeywell-hidpos.bin", data)
    expect("hid/honeywell-hidpos.expected.json", [scan(s, d) for s, d in AIM_SCANS])
    # A 150-character GS1 DataMatrix spread over three reports (continuation bit in byte 63).
    long = PRODUCT + GS + "91" + "X" * 60 + GS + "92" + "Y" * 50
    write("hid/honeywell-multi-report.bin", honeywell_reports("]d2", long, ord("w")))
    expect("hid/honeywell-multi-report.expected.json", [scan("]d2", long)])
    # Symbol/Zebra Simple COM Port Emulation: 64-byte reports, length byte + payload, CR suffix.
    stream = b"".join((s + d + "\r").encode() for s, d in AIM_SCANS)
    out = bytearray()
    for i in range(0, len(stream), 40):
        chunk = stream[i:i + 40]
        r = bytearray(64)
        r[0] = len(chunk)
        r[1:1 + len(chunk)] = chunk
        out += r
    write("hid/zebra-scpe.bin", bytes(out))
    expect("hid/zebra-scpe.expected.json", [scan(s, d) for s, d in AIM_SCANS])


if __name__ == "__main__":
    serial_fixtures()
    keyboard_fixtures()
    hid_fixtures()
    print("fixtures written under", ROOT)
