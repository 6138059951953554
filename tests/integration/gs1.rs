//! The `gs1-gateway parse` command contract: JSON fields, exit codes 0/1/2, `-` streaming and the
//! `\x1d` spelling of GS, exercised on the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn parse_cmd(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gs1-gateway"))
        .arg("parse")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gs1-gateway binary runs");
    if let Some(data) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(data).expect("writing to the child's stdin");
    }
    child.wait_with_output().expect("the child finishes")
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn parse_prints_the_contract_fields_and_exits_0() {
    let out = parse_cmd(&[r"]d201095060001343521726123110ABC123\x1d21S1"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = &lines(&out)[0];
    assert_eq!(v["input"], r"]d201095060001343521726123110ABC123\x1d21S1");
    assert_eq!(v["ok"], true);
    assert_eq!(v["symbology"], "]d2");
    assert_eq!(v["elements"][0]["ai"], "01");
    assert_eq!(v["elements"][0]["title"], "GTIN");
    assert_eq!(v["elements"][0]["value"], "09506000134352");
    assert_eq!(v["elements"][2]["value"], "ABC123");
    assert_eq!(v["elements"][3]["ai"], "21");
    assert_eq!(v["hri"], "(01)09506000134352(17)261231(10)ABC123(21)S1");
    assert_eq!(
        v["digital_link"],
        "https://id.gs1.org/01/09506000134352/10/ABC123/21/S1?17=261231"
    );
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn an_invalid_input_gives_a_typed_error_and_exit_1() {
    let out = parse_cmd(&["(01)09506000134352", "(01)09506000134353"], None);
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["ok"], true);
    assert_eq!(v[0]["symbology"], Value::Null);
    assert_eq!(v[1]["ok"], false);
    let e = &v[1]["error"];
    assert_eq!(e["kind"], "bad_check_digit");
    assert_eq!(e["ai"], "01");
    assert_eq!(e["span"], serde_json::json!([17, 18]));
    assert!(e["message"].as_str().unwrap().contains("expected 2"));
}

#[test]
fn options_change_the_rules() {
    let out = parse_cmd(&["(10)ABC"], None);
    assert_eq!(out.status.code(), Some(0));
    let v = &lines(&out)[0];
    assert!(v["warnings"][0].as_str().unwrap().contains("(10) requires"));
    assert_eq!(v["digital_link"], Value::Null);

    let out = parse_cmd(&["--strict", "(10)ABC"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out)[0]["error"]["kind"], "missing_required_ai");

    let out = parse_cmd(&["(89)ABC"], None);
    assert_eq!(out.status.code(), Some(1));
    let out = parse_cmd(&["--permit-unknown-ais", "(89)ABC"], None);
    assert_eq!(out.status.code(), Some(0));

    let out = parse_cmd(&["https://a/01/9520123456788"], None);
    assert_eq!(out.status.code(), Some(1));
    let out = parse_cmd(
        &[
            "--permit-zero-suppressed-gtin",
            "--dl-stem",
            "https://example.com/",
            "https://a/01/9520123456788",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = &lines(&out)[0];
    assert_eq!(v["elements"][0]["value"], "09520123456788");
    assert_eq!(v["digital_link"], "https://example.com/01/09520123456788");
}

#[test]
fn plain_data_reports_not_gs1_with_its_symbology() {
    let out = parse_cmd(&["]Q1 hello"], None);
    assert_eq!(out.status.code(), Some(1));
    let e = &lines(&out)[0]["error"];
    assert_eq!(e["kind"], "not_gs1");
    assert_eq!(e["symbology"], "]Q1");
}

#[test]
fn dash_streams_stdin_line_by_line_in_order() {
    let input = b"(01)09506000134352\n]d20109506000134352\x1d\r\n(01)09506000134353\nhttps://id.gs1.org/01/09506000134352?17=261231\n";
    let out = parse_cmd(&["-"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out);
    assert_eq!(v.len(), 4);
    assert_eq!(
        v.iter()
            .map(|l| l["ok"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [true, true, false, true]
    );
    assert_eq!(v[1]["input"], "]d20109506000134352\u{1d}");
    assert_eq!(v[3]["elements"][1]["ai"], "17");

    // Arguments and stdin mix, in order.
    let out = parse_cmd(
        &["(01)09506000134352", "-"],
        Some(b"(00)006141411234567890\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let v = lines(&out);
    assert_eq!(v[1]["elements"][0]["ai"], "00");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(parse_cmd(&[], None).status.code(), Some(2));
    assert_eq!(
        parse_cmd(&["--no-such-flag", "(01)09506000134352"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        parse_cmd(&["--dl-stem", "ftp://x", "(01)09506000134352"], None)
            .status
            .code(),
        Some(2)
    );
}
