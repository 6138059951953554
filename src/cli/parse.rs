//! `gs1-gateway parse`: one JSON object per input, one per line, in input order.
//!
//! Data that is not GS1 but looks like HIBC LIC (starts with `+`) is read as HIBC, by the same
//! rule as `run` and `listen` ([`hibc::read_non_gs1`]): `"ok": true` with a `hibc` view, or the
//! HIBC error (`"kind": "hibc"`).
//!
//! Exit status: 0 when every input is valid GS1 (or HIBC) data, 1 when any is not, 2 on usage
//! errors (returned as `Err`, which `main` maps to 2). A closed stdout (`| head`) ends quietly.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use gs1_gateway::event::{hibc_expiry_day, hibc_view, HibcInfo};
use gs1_gateway::gs1::{self, Gs1Message, ParseError, ParseOptions};
use gs1_gateway::interop::hibc::{self, HibcData};

use super::ParseArgs;

pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    if args.inputs.is_empty() {
        bail!("no input given: pass inputs as arguments, or `-` to read one per line from standard input");
    }
    let stem = args.dl_stem.trim();
    if !(stem.starts_with("https://") || stem.starts_with("http://")) || stem.len() < 9 {
        bail!("--dl-stem must be an http:// or https:// URL, e.g. https://id.gs1.org");
    }
    let options = ParseOptions {
        strict: args.strict,
        permit_unknown_ais: args.permit_unknown_ais,
        permit_zero_suppressed_gtin: args.permit_zero_suppressed_gtin,
        ..ParseOptions::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut all_ok = true;
    let mut line = Vec::with_capacity(256);
    let mut unescaped = Vec::with_capacity(256);
    let mut json = Vec::with_capacity(1024);
    // One message and one pair of rendering buffers reused for every input: streaming allocates
    // only for warnings.
    let mut bufs = Buffers::default();
    for arg in &args.inputs {
        if arg == "-" {
            let stdin = io::stdin();
            let mut reader = io::BufReader::with_capacity(1 << 16, stdin.lock());
            loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .context("reading standard input")?;
                if n == 0 {
                    break;
                }
                while matches!(line.last(), Some(b'\n' | b'\r')) {
                    line.pop();
                }
                unescape_gs(&line, &mut unescaped);
                json.clear();
                all_ok &= write_result(&mut json, &line, &unescaped, &options, stem, &mut bufs);
                out.write_all(&json)?;
            }
        } else {
            unescape_gs(arg.as_bytes(), &mut unescaped);
            json.clear();
            all_ok &= write_result(
                &mut json,
                arg.as_bytes(),
                &unescaped,
                &options,
                stem,
                &mut bufs,
            );
            out.write_all(&json)?;
        }
    }
    out.flush()?;
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `\x1d` (either case) spells GS, since a shell argument cannot easily carry the byte itself.
fn unescape_gs(input: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'\\'
            && input.len() - i >= 4
            && input[i + 1] == b'x'
            && input[i + 2] == b'1'
            && matches!(input[i + 3], b'd' | b'D')
        {
            out.push(0x1d);
            i += 4;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
}

/// What `parse` reuses from one input to the next.
#[derive(Default)]
struct Buffers {
    msg: Gs1Message,
    hri: String,
    uri: String,
}

/// Writes one JSON line; returns whether the input was valid.
fn write_result(
    out: &mut Vec<u8>,
    original: &[u8],
    data: &[u8],
    options: &ParseOptions,
    stem: &str,
    bufs: &mut Buffers,
) -> bool {
    out.extend_from_slice(b"{\"input\":");
    json_bytes(out, original);
    match gs1::parse_into(data, options, &mut bufs.msg) {
        Ok(()) => {
            write_ok(out, bufs, stem);
            true
        }
        // Not GS1: read as HIBC LIC by the same rule as `run` and `listen`.
        Err(e) => match std::str::from_utf8(data).ok().and_then(hibc::read_non_gs1) {
            Some(Ok(h)) => {
                write_hibc(out, data, &h);
                true
            }
            Some(Err(he)) => {
                let e = ParseError {
                    kind: "hibc".into(),
                    message: he.to_string(),
                    ai: None,
                    span: None,
                    ..e
                };
                write_err(out, &e);
                false
            }
            None => {
                write_err(out, &e);
                false
            }
        },
    }
}

/// A valid HIBC LIC code: `ok`, no GS1 elements, the HIBC human-readable form, the `hibc` view
/// and the lot, serial, expiry, manufacture date and quantity as `run` publishes them.
fn write_hibc(out: &mut Vec<u8>, data: &[u8], h: &HibcData) {
    let (info, warnings) = hibc_view(h);
    let text = String::from_utf8_lossy(data);
    let printed = text
        .trim_end_matches(['\r', '\n'])
        .trim_start_matches(|c| c != '+' && c != '*');
    let hri = if printed.starts_with('*') {
        printed.to_owned()
    } else {
        format!("*{printed}*")
    };
    let symbology = match data {
        [b']', a, b, ..] if a.is_ascii_alphabetic() && b.is_ascii_alphanumeric() => {
            std::str::from_utf8(&data[..3]).ok()
        }
        _ => None,
    };
    let view = HibcOut {
        ok: true,
        symbology,
        elements: [],
        hri,
        digital_link: None,
        kind: if h.primary.is_some() {
            "product"
        } else {
            "unknown"
        },
        hibc: info,
        batch: h.lot.as_deref(),
        serial: h.serial.as_deref(),
        expiry: hibc_expiry_day(h).map(|d| d.to_string()),
        production_date: h.manufactured.map(|d| d.to_string()),
        quantity: h.quantity,
        warnings,
    };
    // `{"input":…` is already written: continue the object with the view's fields.
    match serde_json::to_vec(&view) {
        Ok(v) if v.len() > 2 => {
            out.push(b',');
            out.extend_from_slice(&v[1..]);
            out.push(b'\n');
        }
        _ => out.extend_from_slice(b",\"ok\":true}\n"),
    }
}

#[derive(serde::Serialize)]
struct HibcOut<'a> {
    ok: bool,
    symbology: Option<&'a str>,
    elements: [(); 0],
    hri: String,
    digital_link: Option<&'a str>,
    kind: &'static str,
    hibc: HibcInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    production_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quantity: Option<u32>,
    warnings: Vec<String>,
}

fn write_ok(out: &mut Vec<u8>, bufs: &mut Buffers, stem: &str) {
    let msg = &bufs.msg;
    out.extend_from_slice(b",\"ok\":true,\"symbology\":");
    match &msg.symbology {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"elements\":[");
    for (i, e) in msg.elements.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"ai\":");
        json_str(out, &e.ai);
        out.extend_from_slice(b",\"title\":");
        json_str(out, e.title());
        out.extend_from_slice(b",\"value\":");
        json_str(out, &e.value);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"hri\":");
    bufs.hri.clear();
    msg.write_hri(&mut bufs.hri);
    json_str(out, &bufs.hri);
    out.extend_from_slice(b",\"digital_link\":");
    bufs.uri.clear();
    match msg.write_digital_link(stem, &mut bufs.uri) {
        Ok(()) => json_str(out, &bufs.uri),
        Err(_) => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"warnings\":[");
    for (i, w) in msg.warnings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, w);
    }
    out.extend_from_slice(b"]}\n");
}

fn write_err(out: &mut Vec<u8>, e: &ParseError) {
    out.extend_from_slice(b",\"ok\":false,\"error\":{\"kind\":");
    json_str(out, &e.kind);
    out.extend_from_slice(b",\"message\":");
    json_str(out, &e.message);
    out.extend_from_slice(b",\"ai\":");
    match &e.ai {
        Some(ai) => json_str(out, ai),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"span\":");
    match e.span {
        Some((s, t)) => {
            out.push(b'[');
            out.extend_from_slice(s.to_string().as_bytes());
            out.push(b',');
            out.extend_from_slice(t.to_string().as_bytes());
            out.push(b']');
        }
        None => out.extend_from_slice(b"null"),
    }
    if let Some(sym) = &e.symbology {
        out.extend_from_slice(b",\"symbology\":");
        json_str(out, sym);
    }
    out.extend_from_slice(b"}}\n");
}

/// Bytes that a JSON string literal must escape: `"`, `\\` and control characters.
const JSON_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A JSON string literal (RFC 8259 escaping; control characters such as GS as `\u001d`).
/// Runs of bytes that need no escaping are copied whole: this writes every field of every line.
fn json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = bytes[start..]
        .iter()
        .position(|&b| JSON_ESCAPE[usize::from(b)])
        .map(|i| start + i)
    {
        out.extend_from_slice(&bytes[start..i]);
        let b = bytes[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// [`json_str`] of raw input bytes: UTF-8 as is (checked without the lossy decoder's overhead),
/// anything else with U+FFFD replacements.
fn json_bytes(out: &mut Vec<u8>, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(s) => json_str(out, s),
        Err(_) => json_str(out, &String::from_utf8_lossy(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_control_characters() {
        let mut out = Vec::new();
        json_str(&mut out, "a\u{1d}b\"c\\");
        assert_eq!(out, br#""a\u001db\"c\\""#);
        let v: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, "a\u{1d}b\"c\\");
        for s in ["", "plain", "\u{0}\n\r\t\u{1f}\u{7f}é(01)\\", "\"\""] {
            out.clear();
            json_str(&mut out, s);
            assert_eq!(serde_json::from_slice::<String>(&out).unwrap(), s);
        }
        out.clear();
        json_bytes(&mut out, b"a\xffb");
        assert_eq!(
            serde_json::from_slice::<String>(&out).unwrap(),
            "a\u{fffd}b"
        );
    }

    #[test]
    fn backslash_x1d_spells_gs() {
        let mut out = Vec::new();
        unescape_gs(br"10AB\x1d21C\x1D", &mut out);
        assert_eq!(out, b"10AB\x1d21C\x1d");
        unescape_gs(br"(10)A\(B\x1", &mut out);
        assert_eq!(out, br"(10)A\(B\x1");
    }
}
