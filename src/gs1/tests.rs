//! Conformance table: accept/reject decisions and normalisations of GS1's reference engine (GS1
//! Barcode Syntax Engine, `gs1encoders` unit tests for ai.c, dl.c and scandata.c), restated as
//! Rust tables, plus this crate's own decisions (messy scanners, warnings, typed accessors).
//!
//! Expected element strings use the reference's notation: `^` = FNC1.

use super::*;

fn opts() -> ParseOptions {
    ParseOptions::default()
}

fn strict() -> ParseOptions {
    ParseOptions {
        strict: true,
        ..ParseOptions::default()
    }
}

fn caret(m: &Gs1Message) -> String {
    format!("^{}", m.element_string().replace('\u{1d}', "^"))
}

fn check(cases: &[(bool, &str, &str)], options: &ParseOptions) {
    let mut failures = Vec::new();
    for &(ok, input, expect) in cases {
        match (ok, parse(input.as_bytes(), options)) {
            (true, Ok(m)) => {
                if !expect.is_empty() && caret(&m) != expect {
                    failures.push(format!(
                        "{input:?}: got {:?}, expected {expect:?}",
                        caret(&m)
                    ));
                }
            }
            (true, Err(e)) => {
                failures.push(format!("{input:?}: rejected ({}: {})", e.kind, e.message))
            }
            (false, Ok(m)) => failures.push(format!("{input:?}: accepted as {:?}", caret(&m))),
            (false, Err(_)) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn bracketed_input_matches_the_reference() {
    check(
        &[
            (true, "(01)12345678901231", "^0112345678901231"),
            (true, "(10)12345", "^1012345"),
            (
                true,
                "(01)12345678901231(10)12345",
                "^01123456789012311012345",
            ),
            (true, "(3100)123456(10)12345", "^31001234561012345"),
            (true, "(10)12345(11)991225", "^1012345^11991225"),
            (true, "(3900)12345(11)991225", "^390012345^11991225"),
            (true, "(10)12345\\(11)991225", "^1012345(11)991225"),
            (true, "(10)12345\\(", "^1012345("),
            (true, "(235)ABC", "^235ABC"),
            (
                true,
                "(01)12345678901231(235)XYZ",
                "^0112345678901231235XYZ",
            ),
            (
                true,
                "(01)12345678901231(235)XYZ(10)BATCH",
                "^0112345678901231235XYZ^10BATCH",
            ),
            (
                true,
                "(235)ABCDEFGHIJKLMNOPQRSTUVWXYZ12",
                "^235ABCDEFGHIJKLMNOPQRSTUVWXYZ12",
            ),
            (false, "(235)ABCDEFGHIJKLMNOPQRSTUVWXYZ123", ""),
            (false, "(10)(11)98765", ""),
            (false, "(10)12345(11)", ""),
            (false, "(1A)12345", ""),
            (false, "1(12345", ""),
            (false, "()12345", ""),
            (false, "(1)12345", ""),
            (false, "(12345)12345", ""),
            (false, "(15", ""),
            (false, "(1", ""),
            (false, "(", ""),
            (false, "(01)123456789012312(10)12345", ""),
            (false, "(10)12345^", ""),
            (false, "(17)9(90)217", ""),
            (true, &format!("(99){}", "A".repeat(90)), ""),
            (false, &format!("(99){}", "A".repeat(91)), ""),
        ],
        &opts(),
    );
}

#[test]
fn at_most_64_ais() {
    // Repeats of one value: only the count limit applies.
    let mk = |n: usize| "(99)AB".repeat(n);
    assert!(parse(mk(64).as_bytes(), &opts()).is_ok());
    assert_eq!(
        parse(mk(65).as_bytes(), &opts()).unwrap_err().kind,
        "too_many_ais"
    );
}

#[test]
fn element_strings_match_the_reference() {
    check(
        &[
            (false, "^", ""),
            (false, "^891234", ""),
            (true, "^991234", ""),
            (false, "^99~ABC", ""),
            (false, "^99ABC~", ""),
            (true, "^0112345678901231", ""),
            (false, "^01A2345678901231", ""),
            (false, "^011234567890123A", ""),
            (false, "^0112345678901234", ""),
            (false, "^011234567890123", ""),
            (false, "^01123456789012312", ""),
            (true, "^0112345678901231^", "^0112345678901231"),
            (false, "^011234567890123^", ""),
            (false, "^01123456789012345^", ""),
            (false, "^01123456789012345^991234", ""),
            (true, "^0112345678901231991234", "^0112345678901231991234"),
            (true, "^0112345678901231^991234", "^0112345678901231991234"),
            (true, "^2421", ""),
            (true, "^242123456", ""),
            (true, "^242123456^10ABC123", "^242123456^10ABC123"),
            (true, "^242123456^", "^242123456"),
            (false, "^2421234567", ""),
            (true, "^81111234", ""),
            (false, "^8111123", ""),
            (false, "^811112345", ""),
            (true, "^81111234^10ABC123", ""),
            (true, "^800112341234512398", ""),
            (false, "^80011234123451239", ""),
            (false, "^8001123412345123981", ""),
            (true, "^800112341234512398^0112345678901231", ""),
            (false, "^80011234123451239^0112345678901231", ""),
            (false, "^8001123412345123981^01123456789012312", ""),
            (true, "^7007211225211231", ""),
            (true, "^7007211225", ""),
            (false, "^70072112252", ""),
            (false, "^700721122521", ""),
            (false, "^7007211225211", ""),
            (false, "^70072112252112", ""),
            (false, "^700721122521123", ""),
            (false, "^70072112252212311", ""),
            (true, "^800302112345678900ABC", ""),
            (false, "^800302112345678901ABC", ""),
            (true, "^800302112345678900", ""),
            (true, "^800302112345678900^10ABC123", ""),
            (true, "^800302112345678900ABCDEFGHIJKLMNOP", ""),
            (false, "^800302112345678900ABCDEFGHIJKLMNOPQ", ""),
            (true, "^7230121234567890123456789012345678", ""),
            (false, "^72301212345678901234567890123456789", ""),
            (true, "^7230123", ""),
            (false, "^723012", ""),
            (true, "^235ABC", ""),
            (false, "^235ABCDEFGHIJKLMNOPQRSTUVWXYZ123", ""),
            (
                true,
                "^0112345678901231235XYZ^10BATCH",
                "^0112345678901231235XYZ^10BATCH",
            ),
            (false, "^423", ""),
            (false, "^4235", ""),
            (false, "^42352", ""),
            (true, "^423528", ""),
            (false, "^4235285", ""),
            (true, "^423528528", ""),
            (true, "^423528528528528528", ""),
            (false, "^4235285285285285285", ""),
        ],
        &opts(),
    );
    // Unknown AIs cannot be told apart from their data in an element string.
    let permit = ParseOptions {
        permit_unknown_ais: true,
        ..ParseOptions::default()
    };
    check(&[(false, "^891234", "")], &permit);
}

#[test]
fn scanner_data_matches_the_reference() {
    check(
        &[
            (false, "", ""),
            (false, "]", ""),
            (false, "]X", ""),
            (false, "]XX", ""),
            (false, "]e0", ""),
            (false, "]Q1", ""),
            (false, "]Q1TESTING", ""),
            (false, "]Q3", ""),
            (
                true,
                "]Q3011231231231233310ABC123\u{1d}99TESTING",
                "^011231231231233310ABC123^99TESTING",
            ),
            (
                true,
                "]Q1https://example.com/01/12312312312333?99=TEST",
                "^011231231231233399TEST",
            ),
            (
                true,
                "]Q1HTTPS://example.com/01/12312312312333?99=TEST",
                "^011231231231233399TEST",
            ),
            (false, "]d2", ""),
            (
                true,
                "]d2011231231231233310ABC123\u{1d}99TESTING",
                "^011231231231233310ABC123^99TESTING",
            ),
            (
                true,
                "]d1https://example.com/01/12312312312333?99=TEST",
                "^011231231231233399TEST",
            ),
            (false, "]J1", ""),
            (
                true,
                "]J1011231231231233310ABC123\u{1d}99TESTING",
                "^011231231231233310ABC123^99TESTING",
            ),
            (
                true,
                "]J0https://example.com/01/12312312312333?99=TEST",
                "^011231231231233399TEST",
            ),
            (
                true,
                "]e0011231231231233310ABC123\u{1d}99TESTING",
                "^011231231231233310ABC123^99TESTING",
            ),
            (
                true,
                "]e0011231231231233310ABC123\u{1d}99TESTING\u{1d}98XYZ",
                "^011231231231233310ABC123^99TESTING^98XYZ",
            ),
            (
                true,
                "]e0011231231231233310ABC123\u{1d}1199122598TESTING\u{1d}97XYZ",
                "^011231231231233310ABC123^1199122598TESTING^97XYZ",
            ),
            (
                true,
                "]e00112312312312333235XYZ\u{1d}10ABC",
                "^0112312312312333235XYZ^10ABC",
            ),
            (false, "]C1", ""),
            (
                true,
                "]C1011231231231233310ABC123\u{1d}99TESTING",
                "^011231231231233310ABC123^99TESTING",
            ),
            (true, "]C10112312312312333235XYZ", "^0112312312312333235XYZ"),
            (
                true,
                "]C10112312312312333235XYZ\u{1d}10ABC",
                "^0112312312312333235XYZ^10ABC",
            ),
            (false, "]E0", ""),
            (false, "]E0123456789012", ""),
            (false, "]E012345678901234", ""),
            (false, "]E01234ABC890123", ""),
            (false, "]E02112345678901", ""),
            (true, "]E02112345678900", "^0102112345678900"),
            (
                true,
                "]E02112345678900|]e099COMPOSITE\u{1d}98XYZ",
                "^010211234567890099COMPOSITE^98XYZ",
            ),
            (false, "]E4", ""),
            (false, "]E41234567", ""),
            (false, "]E4123456789", ""),
            (false, "]E412ABC678", ""),
            (false, "]E402345674", ""),
            (true, "]E402345673", "^0100000002345673"),
            (
                true,
                "]E402345673|]e099COMPOSITE\u{1d}98XYZ",
                "^010000000234567399COMPOSITE^98XYZ",
            ),
            (false, "]C101123123123133^10ABC", ""),
            (false, "]Q1https://a/NOPRIMARYAI", ""),
        ],
        &opts(),
    );
}

/// The input contract lists `]C0` among the plain-data identifiers whose data may be a Digital
/// Link URI; the reference rejects it (a documented difference, see the module docs).
#[test]
fn a_digital_link_uri_in_plain_code_128_is_read() {
    let m = parse(b"]C0https://id.gs1.org/01/09506000134352/10/ABC", &opts()).unwrap();
    assert_eq!(m.symbology.as_deref(), Some("]C0"));
    assert_eq!(m.get("01"), Some("09506000134352"));
    assert_eq!(m.get("10"), Some("ABC"));
}

#[test]
fn plain_data_is_not_gs1_and_keeps_its_symbology() {
    for (input, sym) in [
        ("]Q1 hello", "]Q1"),
        ("]C0ABC123", "]C0"),
        ("]d1TESTING", "]d1"),
        ("]Q1HtTps://example.com/01/12312312312333", "]Q1"),
        ("]A0CODE39", "]A0"),
    ] {
        let e = parse(input.as_bytes(), &opts()).unwrap_err();
        assert_eq!(e.kind, "not_gs1", "{input}");
        assert_eq!(e.symbology.as_deref(), Some(sym), "{input}");
    }
    let e = parse(b"hello world", &opts()).unwrap_err();
    assert_eq!((e.kind.as_str(), e.symbology), ("not_gs1", None));
}

#[test]
fn digital_link_parsing_matches_the_reference() {
    check(
        &[
            (false, "ftp://", ""),
            (false, "http://", ""),
            (false, "http:///", ""),
            (false, "http://a", ""),
            (false, "http://a/", ""),
            (false, "http://a/b", ""),
            (false, "http://a/b/", ""),
            (true, "http://a/00/006141411234567890", "^00006141411234567890"),
            (true, "HTTP://a/00/006141411234567890", "^00006141411234567890"),
            (true, "https://a/00/006141411234567890", "^00006141411234567890"),
            (true, "HTTPS://a/00/006141411234567890", "^00006141411234567890"),
            (false, "HtTp://a/b/00/006141411234567890", ""),
            (false, "https://00/006141411234567890", ""),
            (true, "https://a/01/12312312312333", "^0112312312312333"),
            (true, "https://xn--fsq.xn--0zwm56d/01/12312312312333", "^0112312312312333"),
            (true, "https://a./01/12312312312333", "^0112312312312333"),
            (true, "https://a:65535/01/12312312312333", "^0112312312312333"),
            (true, "https://192.0.2.1/01/12312312312333", "^0112312312312333"),
            (true, "https://3232235777/01/12312312312333", "^0112312312312333"),
            (true, "https://0xC0.0xA8.0x01.0x01/01/12312312312333", "^0112312312312333"),
            (true, "https://[2001:db8::1]/01/12312312312333", "^0112312312312333"),
            (false, "https://[fe80::1%25lo]/01/12312312312333", ""),
            (false, "https://$a/006141411234567890", ""),
            (false, "https://a$/006141411234567890", ""),
            (false, "https://a/01/12312312312333<bad", ""),
            (false, "https://a/01/12312312312333>bad", ""),
            (false, "https://a/01/12312312312333{bad", ""),
            (false, "https://a/01/12312312312333}bad", ""),
            (false, "https://a/01/12312312312333\\bad", ""),
            (false, "https://a/01/12312312312333^bad", ""),
            (false, "https://a/01/12312312312333`bad", ""),
            (true, "https://a/stem/00/006141411234567890", "^00006141411234567890"),
            (true, "https://a/more/stem/00/006141411234567890", "^00006141411234567890"),
            (true, "https://a/00/faux/00/006141411234567890", "^00006141411234567890"),
            (false, "https://a/gtin/12312312312333", ""),
            (false, "https://a/01/2112345678900", ""),
            (false, "https://a/01/416000336108", ""),
            (false, "https://a/01/02345673", ""),
            (false, "https://a/8004/9520614141234567?01=2112345678900", ""),
            (true, "https://a/8004/9520614141234567?01=09521234543213", "^80049520614141234567^0109521234543213"),
            (
                true,
                "https://a/01/12312312312333/22/TEST/10/ABC/21/XYZ",
                "^011231231231233322TEST^10ABC^21XYZ",
            ),
            (true, "https://a/01/12312312312333/235/TEST", "^0112312312312333235TEST"),
            (true, "https://a/253/1231231231232", "^2531231231231232"),
            (true, "https://a/253/1231231231232TEST5678901234567", "^2531231231231232TEST5678901234567"),
            (false, "https://a/253/1231231231232TEST56789012345678", ""),
            (true, "https://a/8018/123456789012345675/8019/123", "^8018123456789012345675^8019123"),
            (false, "https://a/stem/00/006141411234567890/", ""),
            (true, "https://a/stem/00/006141411234567890?", "^00006141411234567890"),
            (true, "https://a/stem/00/006141411234567890?99=ABC", "^0000614141123456789099ABC"),
            (true, "https://a/stem/401/12345678?99=ABC", "^40112345678^99ABC"),
            (true, "https://a/01/12312312312333?99=ABC&98=XYZ", "^011231231231233399ABC^98XYZ"),
            (false, "https://a/01/12312312312333?99=", ""),
            (false, "https://a/01/12312312312333?99=ABC&999=faux", ""),
            (
                true,
                "https://a/01/12312312312333?&&&99=ABC&&&&&&98=XYZ&&&",
                "^011231231231233399ABC^98XYZ",
            ),
            (
                true,
                "https://a/01/12312312312333?unknown=666&99=ABC&98=XYZ",
                "^011231231231233399ABC^98XYZ",
            ),
            (
                true,
                "https://a/01/12312312312333?singleton1&unknown1=555&99=ABC&singleton2&unknown2=6666&98=XYZ&unknown3=777&singleton3",
                "^011231231231233399ABC^98XYZ",
            ),
            (
                true,
                "https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ%2f987",
                "^011231231231233322ABC-123^99ABC^98XYZ/987",
            ),
            (
                true,
                "https://a/01/12312312312333/22/ABC+123?99=ABC&98=XYZ%2f987",
                "^011231231231233322ABC+123^99ABC^98XYZ/987",
            ),
            (false, "https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ+987", ""),
            (
                true,
                "https://a/01/12312312312333/22/test/10/abc/21/xyz#",
                "^011231231231233322test^10abc^21xyz",
            ),
            (
                true,
                "https://a/01/12312312312333/22/test/10/abc/21/xyz#fragment",
                "^011231231231233322test^10abc^21xyz",
            ),
            (true, "https://a/stem/00/006141411234567890?99=ABC#fragment", "^0000614141123456789099ABC"),
            (true, "https://id.gs1.org/01/09520123456788", "^0109520123456788"),
            (true, "https://id.gs1.org/01/09520123456788/22/2A", "^0109520123456788222A"),
            (
                true,
                "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426",
                "^010952012345678810ABC1^2112345^17180426",
            ),
            (true, "https://id.gs1.org/01/09520123456788?3103=000195", "^01095201234567883103000195"),
            (
                true,
                "https://example.com/01/09520123456788?3103=000195&3922=0299&17=201225",
                "^0109520123456788310300019539220299^17201225",
            ),
            (
                true,
                "https://id.gs1.org/01/09520123456788?17=201225&3103=000195&3922=0299",
                "^010952012345678817201225310300019539220299",
            ),
            (
                true,
                "https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123",
                "^0095201234567891234502095201234567883725^10ABC123",
            ),
            (true, "https://id.gs1.org/414/9520123456788", "^4149520123456788"),
            (true, "https://id.gs1.org/414/9520123456788/254/32a%2Fb", "^414952012345678825432a/b"),
            (true, "https://example.com/8004/9520614141234567?01=09520123456788", "^80049520614141234567^0109520123456788"),
            (false, "https://example.com/01/09520123456788?10=ABC123", ""),
            (true, "https://id.gs1.org/01/09520123456788/235/XYZ?10=ABC123", "^0109520123456788235XYZ^10ABC123"),
            (false, "https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&01=09520123456788", ""),
            (false, "https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&10=ABC123", ""),
            (false, "https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&99=XYZ789", ""),
            (false, "https://example.com/01/09520123456788/89/ABC123?99=XYZ", ""),
            (false, "https://example.com/01/09520123456788?99=XYZ&89=ABC123", ""),
            (false, "https://a/01//12312312312333", ""),
            (false, "https://a/01/1231231231233%003", ""),
            (false, "https://a/01/12312312312333?99=ABC%00DEF", ""),
            (true, &format!("https://a/01/12312312312333?99={}", "A".repeat(90)), ""),
            (false, &format!("https://a/01/12312312312333?99={}", "A".repeat(91)), ""),
            (false, "https://a/01/12312312312333/10/", ""),
            (false, "https://a/01/12312312312333/99/ABC", ""),
        ],
        &opts(),
    );
    // Unknown AIs are never data attributes.
    let permit = ParseOptions {
        permit_unknown_ais: true,
        ..ParseOptions::default()
    };
    check(
        &[(
            false,
            "https://example.com/01/09520123456788?99=XYZ&89=ABC123",
            "",
        )],
        &permit,
    );
}

#[test]
fn zero_suppressed_gtins_in_digital_link_only_when_permitted() {
    let permit = ParseOptions {
        permit_zero_suppressed_gtin: true,
        ..ParseOptions::default()
    };
    check(
        &[
            (true, "https://a/01/2112345678900", "^0102112345678900"),
            (true, "https://a/01/416000336108", "^0100416000336108"),
            (true, "https://a/01/02345673", "^0100000002345673"),
            (
                true,
                "https://a/8004/9520614141234567?01=2112345678900",
                "^80049520614141234567^0102112345678900",
            ),
            (
                true,
                "https://a/8004/9520614141234567?01=02345673",
                "^80049520614141234567^0100000002345673",
            ),
            (
                true,
                "https://brand.example.com/some-extra/pathinfo/01/9520123456788",
                "^0109520123456788",
            ),
            (
                true,
                "https://example.com/01/9520123456788?3103=000195&3922=0299&17=201225",
                "^0109520123456788310300019539220299^17201225",
            ),
        ],
        &permit,
    );
}

#[test]
fn digital_link_rendering_matches_the_reference() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("https://id.gs1.org", "(01)12312312312326(21)abc123", Some("https://id.gs1.org/01/12312312312326/21/abc123")),
        ("https://example.com", "(01)12312312312326(21)abc123", Some("https://example.com/01/12312312312326/21/abc123")),
        (
            "https://example.com",
            "(01)12312312312326(22)ABC(10)DEF(21)GHI",
            Some("https://example.com/01/12312312312326/22/ABC/10/DEF/21/GHI"),
        ),
        (
            "https://example.com",
            "(01)12312312312326(22)ABC(10)DEF(21)GHI(95)INT",
            Some("https://example.com/01/12312312312326/22/ABC/10/DEF/21/GHI?95=INT"),
        ),
        (
            "https://example.com",
            "(21)XYZ(01)12312312312333(10)ABC123(99)XYZ",
            Some("https://example.com/01/12312312312333/10/ABC123/21/XYZ?99=XYZ"),
        ),
        ("https://example.com", "(99)XYZ789", None),
        (
            "https://example.com",
            "(01)12312312312333(10)ABC+123(99)XYZ+QWERTY",
            Some("https://example.com/01/12312312312333/10/ABC%2B123?99=XYZ%2BQWERTY"),
        ),
        (
            "https://example.com",
            "(8017)795260646688514634(99)000001(253)9526064000028000001",
            Some("https://example.com/8017/795260646688514634?99=000001&253=9526064000028000001"),
        ),
        (
            "https://example.com",
            "(253)9526064000028000001(99)000001(8017)795260646688514634",
            Some("https://example.com/253/9526064000028000001?99=000001&8017=795260646688514634"),
        ),
        (
            "https://example.com",
            "(98)ABC(253)9526064000028000001(99)000001(8017)795260646688514634",
            Some("https://example.com/253/9526064000028000001?98=ABC&99=000001&8017=795260646688514634"),
        ),
        (
            "https://example.com",
            "(253)9526064000028000001(99)000001(01)12312312312326(10)DEF(95)INT",
            Some("https://example.com/253/9526064000028000001?01=12312312312326&99=000001&10=DEF&95=INT"),
        ),
        (
            "https://example.com",
            "(01)12312312312326(01)12312312312326(10)ABC123(99)XYZ789",
            Some("https://example.com/01/12312312312326/10/ABC123?99=XYZ789"),
        ),
        (
            "https://example.com",
            "(01)12312312312326(10)ABC123(99)XYZ789(99)XYZ789",
            Some("https://example.com/01/12312312312326/10/ABC123?99=XYZ789"),
        ),
        (
            "https://example.com",
            "(8010)0200(3133)333333(3300)000000(99)57(3133)333333(3300)000000(01)04065093955756(10)0(3133)333333(3300)000000(01)04065093955756",
            Some("https://example.com/8010/0200?3133=333333&3300=000000&01=04065093955756&99=57&10=0"),
        ),
        ("https://example.com", "(01)12312312312326(99)000001(8200)http://example.com(95)INT", None),
        ("https://example.com", "(01)12312312312326(235)TPX9526064(99)000001(22)ABC(95)INT", None),
        ("https://example.com", "(01)12312312312326(22)ABC(10)DEF(99)000001(235)TPX9526064(95)INT", None),
        ("https://example.com/", "(01)12312312312326", Some("https://example.com/01/12312312312326")),
        // Ties between qualifier sequences go to the lexically first ("01 10" before "01 235"),
        // whatever the input order; (235) is then no data attribute (dl.c).
        ("https://example.com", "(01)12312312312326(235)ABC(10)DEF", None),
        ("https://example.com", "^0112312312312326235ABC^10DEF", None),
    ];
    for &(stem, input, expect) in cases {
        let m = parse(input.as_bytes(), &opts()).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(m.digital_link(stem).ok().as_deref(), expect, "{input}");
    }
    // Path order given by a URI is kept: /01/…/235/… with (10) as an attribute.
    let m = parse(
        b"https://example.com/01/12312312312326/235/ABC?10=DEF",
        &opts(),
    )
    .unwrap();
    assert_eq!(
        m.digital_link("https://example.com").unwrap(),
        "https://example.com/01/12312312312326/235/ABC?10=DEF"
    );
    assert_eq!(m.dl_path_len, 2);
}

#[test]
fn composite_data_in_the_reference_notation() {
    // Linear component `|` 2D component, in bracketed and `^` notation (gs1encoders.c,
    // setAIdataStr/setDataStr): the elements of both, validated as one message.
    let cases: &[(bool, &str, &str)] = &[
        (
            true,
            "(01)12312312312333(10)ABC123|(99)COMPOSITE",
            "^011231231231233310ABC123^99COMPOSITE",
        ),
        (
            true,
            "(01)12312312312333|(10)ABC123",
            "^011231231231233310ABC123",
        ),
        (
            true,
            "^011231231231233310ABC123|^99XYZ(TM)_CORP",
            "^011231231231233310ABC123^99XYZ(TM)_CORP",
        ),
        (
            true,
            "^011231231231233310ABC123^99TESTING|^98COMPOSITE^97XYZ",
            "",
        ),
        (true, "^0100416000336108|^99COMPOSITE^98XYZ", ""),
        (false, "(01)12312312312333|", ""),
        (false, "(01)12312312312333|10ABC", ""),
        (false, "^0112312312312333|", ""),
        (false, "^0112312312312333|99ABC", ""),
        (false, "^0112312312312333|^99A|^98B", ""),
        (false, "(01)12312312312333|(99)A|(98)B", ""),
        (false, "^0112312312312334|^99ABC", ""),
        (false, "^0112312312312333|^99A\u{1d}", ""),
    ];
    check(cases, &opts());
    let m = parse(b"^011231231231233310ABC123|^99COMPOSITE", &opts()).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // Associations are judged over both components.
    assert!(parse(b"(10)ABC|(01)12345678901231", &strict()).is_ok());
    assert!(parse(b"(01)12345678901231|(02)12345678901231", &strict()).is_err());
}

#[test]
fn the_reference_engines_limits() {
    // Input length (gs1encoders.c, scandata.c: MAX_DATA = 8191).
    let uri = |n: usize| format!("https://{}/01/09506000134352", "a".repeat(n));
    assert!(parse(uri(8191 - 26).as_bytes(), &opts()).is_ok());
    let e = parse(uri(8192 - 26).as_bytes(), &opts()).unwrap_err();
    assert_eq!(e.kind, "too_long");
    let scan = format!("]Q1{}", uri(8190 - 26));
    assert!(parse(scan.as_bytes(), &opts()).is_ok());
    let scan = format!("]Q1{}", uri(8191 - 26));
    let e = parse(scan.as_bytes(), &opts()).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.symbology.as_deref()),
        ("too_long", Some("]Q1"))
    );
    // Ignored Digital Link query parameters take AI slots too (dl.c: MAX_AIS = 64).
    let params = |n: usize| {
        let p: Vec<String> = (0..n).map(|i| format!("x{i}=1")).collect();
        format!("https://a/01/09506000134352?{}", p.join("&"))
    };
    assert!(parse(params(63).as_bytes(), &opts()).is_ok());
    let e = parse(params(64).as_bytes(), &opts()).unwrap_err();
    assert_eq!(e.kind, "too_many_ais");
    // A trailing '&' is an empty parameter there, and takes a slot too.
    assert!(parse(format!("{}&&", params(62)).as_bytes(), &opts()).is_ok());
    assert!(parse(format!("{}&&", params(63)).as_bytes(), &opts()).is_err());
    assert!(parse(format!("{}&&x=1", params(62)).as_bytes(), &opts()).is_ok());
}

/// Element strings against the reference's, from a file of `bracketed\t^element string` lines
/// written by `scripts/gs1-reference-diff/element_strings.py`:
/// `GS1_REFERENCE_ELEMENT_STRINGS=pairs.tsv cargo test --lib gs1 -- --ignored`.
#[test]
#[ignore = "needs a file from scripts/gs1-reference-diff"]
fn element_strings_match_the_reference_file() {
    let path = std::env::var("GS1_REFERENCE_ELEMENT_STRINGS")
        .expect("GS1_REFERENCE_ELEMENT_STRINGS names the pairs file");
    let text = std::fs::read_to_string(&path).expect("readable pairs file");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines() {
        let Some((input, expect)) = line.split_once('\t') else {
            continue;
        };
        n += 1;
        match parse(input.as_bytes(), &opts()) {
            Ok(m) if caret(&m) == expect => {}
            Ok(m) => failures.push(format!("{input}: {} != {expect}", caret(&m))),
            Err(e) => failures.push(format!("{input}: rejected ({})", e.kind)),
        }
    }
    assert!(n > 0, "no pairs in {path}");
    assert!(
        failures.is_empty(),
        "{} of {n} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn caret_notation_starts_with_fnc1_and_is_not_a_stray_separator() {
    let m = parse(b"^0109506000134352", &opts()).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // A second one is the documented leading-separator repair.
    let m = parse(b"^^0109506000134352", &opts()).unwrap();
    assert!(m.warnings.iter().any(|w| w.contains("leading")));
}

#[test]
fn association_rules_match_the_reference_in_strict_mode() {
    let permit = ParseOptions {
        strict: true,
        permit_unknown_ais: true,
        ..ParseOptions::default()
    };
    check(
        &[
            (true, "(400)ABC(400)ABC", ""),
            (true, "(400)ABC(99)DEF(400)ABC", ""),
            (false, "(400)ABC(400)AB", ""),
            (false, "(400)ABC(400)ABC(400)XYZ", ""),
            (false, "(99)ABC(400)ABC(400)XYZ", ""),
            (true, "(89)ABC(89)ABC(89)ABC", ""),
            (false, "(89)ABC(89)XYZ(89)ABC", ""),
            (false, "(01)12345678901231(02)12345678901231", ""),
            (false, "(01)12345678901231(255)5412345000150", ""),
            (false, "(01)12345678901231(37)123", ""),
            (false, "(21)ABC123(235)XYZ", ""),
            (false, "(3940)1234(8111)9999", ""),
            (false, "(3940)1234(3941)9999", ""),
            (false, "(3955)123456(3929)123", ""),
            (false, "(3333)333333(3338)030333", ""),
            (false, "(3300)000000(3333)333333(3338)030333", ""),
            (false, "(02)12345678901231", ""),
            (false, "(02)12345678901231(37)123", ""),
            (true, "(02)12345678901231(37)123(00)123456789012345675", ""),
            (
                true,
                "(91)XXX(02)12345678901231(92)YYY(37)123(93)ZZZ(00)123456789012345675",
                "",
            ),
            (false, "(21)ABC123", ""),
            (true, "(21)ABC123(01)12345678901231", ""),
            (true, "(21)ABC123(8006)123456789012310510", ""),
            (false, "(01)12345678901231(250)ABC123", ""),
            (true, "(01)12345678901231(21)XYZ999(250)ABC123", ""),
            (false, "(01)12345678901231(3925)12599", ""),
            (true, "(01)12345678901231(3925)12599(30)123", ""),
            (true, "(01)12345678901231(3925)12599(3105)654321", ""),
            (true, "(01)12345678901231(3925)12599(3695)654321", ""),
            (false, "(8030)DIGSIG", ""),
            (true, "(8030)DIGSIG(00)123456789012345675", ""),
            (false, "(8030)DIGSIG(01)12345678901231", ""),
            (true, "(8030)DIGSIG(01)12345678901231(21)ABC123", ""),
            (true, "(8030)DIGSIG(253)1234567890128X", ""),
            (true, "(8030)DIGSIG(8004)01234567890", ""),
            (false, "(8030)DIGSIG(8010)1234567890", ""),
            (true, "(8030)DIGSIG(8010)1234567890(8011)123456789012", ""),
            (true, "(8030)DIGSIG(8018)123456789012345675", ""),
            (false, "(253)1234567890128(8030)ABC123", ""),
            (false, "(255)1234567890128(8030)ABC123", ""),
            (false, "(8003)01234567890128(8030)ABC123", ""),
            (true, "(8003)01234567890128X(8030)ABC123", ""),
        ],
        &permit,
    );
}

#[test]
fn association_rules_are_warnings_by_default() {
    let m = parse(b"(10)ABC", &opts()).unwrap();
    assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
    assert!(m.warnings[0].contains("(10) requires"));
    let m = parse(b"(01)12345678901231(02)12345678901231(37)5", &opts()).unwrap();
    assert!(
        m.warnings.iter().any(|w| w.contains("must not")),
        "{:?}",
        m.warnings
    );
    let e = parse(b"(10)ABC", &strict()).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.ai.as_deref()),
        ("missing_required_ai", Some("10"))
    );
    let e = parse(b"(01)12345678901231(255)5412345000150", &strict()).unwrap_err();
    assert_eq!(e.kind, "forbidden_ai_pair");
    // Repeated AIs with different values are errors in every mode.
    let e = parse(b"(01)12345678901231(10)A(10)B", &opts()).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.ai.as_deref()),
        ("repeated_ai", Some("10"))
    );
}

#[test]
fn errors_name_the_rule_the_ai_and_the_span() {
    let e = parse(b"]d20109506000134353", &opts()).unwrap_err();
    assert_eq!(e.kind, "bad_check_digit");
    assert_eq!(e.ai.as_deref(), Some("01"));
    assert_eq!(e.span, Some((18, 19)));
    assert!(e.message.contains("expected 2"), "{}", e.message);
    assert_eq!(e.symbology.as_deref(), Some("]d2"));

    let e = parse(b"(01)09506000134352(17)261331", &opts()).unwrap_err();
    assert_eq!(e.ai.as_deref(), Some("17"));
    assert!(e.kind.contains("month"), "{}", e.kind);
    assert_eq!(e.span.map(|(s, _)| s), Some(24));

    let e = parse(b"(01)09506000134352(17)260230", &opts()).unwrap_err();
    assert!(e.kind.contains("day"), "{}", e.kind);

    let e = parse(b"(01)0950600013435", &opts()).unwrap_err();
    assert_eq!(e.kind, "too_short");
    let e = parse(b"(10)ABCDEFGHIJKLMNOPQRSTU", &opts()).unwrap_err();
    assert_eq!(e.kind, "too_long");
    let e = parse(b"(10)AB\xC3\xA9", &opts()).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.span),
        ("invalid_character", Some((6, 7)))
    );
    let e = parse(b"(89)ABC", &opts()).unwrap_err();
    assert_eq!(e.kind, "unknown_ai");
    let e = parse(b"https://example.com/01/09520123456788?10=ABC123", &opts()).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.ai.as_deref()),
        ("digital_link", Some("10"))
    );
    // Patient data never appears in messages.
    let e = parse(b"(8018)123456789012345676", &opts()).unwrap_err();
    assert!(!e.message.contains("12345678901234567"), "{}", e.message);
}

#[test]
fn messy_scanner_output_is_handled_as_documented() {
    // Leading GS after the symbology identifier: ignored with a warning.
    let m = parse(b"]d2\x1d0109506000134352\x1d10ABC", &opts()).unwrap();
    assert_eq!(m.batch(), Some("ABC"));
    assert!(m.warnings.iter().any(|w| w.contains("leading")));
    // Doubled GS: one separator, with a warning.
    let m = parse(b"]d20109506000134352\x1d10ABC\x1d\x1d21XYZ", &opts()).unwrap();
    assert_eq!((m.batch(), m.serial()), (Some("ABC"), Some("XYZ")));
    assert!(m.warnings.iter().any(|w| w.contains("doubled")));
    // Trailing GS: silently accepted.
    let m = parse(b"]d20109506000134352\x1d10ABC\x1d", &opts()).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // Missing GS after a variable field: data as encoded, with a warning naming the AI swallowed.
    let m = parse(b"]d2010950600013435210ABC12317261231", &opts()).unwrap();
    assert_eq!(m.batch(), Some("ABC12317261231"));
    assert!(
        m.warnings.iter().any(|w| w.contains("(17)")),
        "{:?}",
        m.warnings
    );
    // …but not for an ordinary numeric lot.
    let m = parse(b"]d2010950600013435210123456", &opts()).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // Lower-case hex in Digital Link.
    let m = parse(b"https://id.gs1.org/414/9520123456788/254/32a%2fb", &opts()).unwrap();
    assert_eq!(m.get("254"), Some("32a/b"));
}

#[test]
fn renderings_round_trip() {
    let m = parse(b"]d20109506000134352172612311012\x28B\x1d21S1", &opts()).unwrap();
    assert_eq!(m.hri(), "(01)09506000134352(17)261231(10)12\\(B(21)S1");
    assert_eq!(
        parse(m.hri().as_bytes(), &opts()).unwrap().elements,
        m.elements
    );
    assert_eq!(
        m.element_string(),
        "0109506000134352172612311012(B\u{1d}21S1"
    );
    let sd = m.scanner_data("]d2").unwrap();
    assert_eq!(parse(sd.as_bytes(), &opts()).unwrap(), m);
    let m = parse(b"]E02112345678900", &opts()).unwrap();
    assert_eq!(m.scanner_data("]E0").unwrap(), "]E02112345678900");
    assert!(m.scanner_data("]E4").is_err());
    let m = parse(b"]E402345673", &opts()).unwrap();
    assert_eq!(m.scanner_data("]E4").unwrap(), "]E402345673");
}

#[test]
fn typed_accessors_return_scan4safety_identifiers() {
    let m = parse(b"]d201095060001343521726020010ABC123\x1d21S1", &opts()).unwrap();
    assert_eq!(m.gtin().unwrap().as_str(), "09506000134352");
    assert_eq!(m.batch(), Some("ABC123"));
    assert_eq!(m.serial(), Some("S1"));
    // Day 00 is the last day of the month.
    assert_eq!(
        m.date("17", 2026),
        time::Date::from_calendar_date(2026, time::Month::February, 28).ok()
    );
    let m = parse(b"(8018)123456789012345675(8019)42", &opts()).unwrap();
    assert_eq!(m.gsrn_recipient().unwrap().as_str(), "123456789012345675");
    assert_eq!(m.gsrn_provider(), None);
    assert_eq!(m.srin(), Some("42"));
    let m = parse(b"(8017)123456789012345675", &opts()).unwrap();
    assert!(m.gsrn_provider().is_some());
    let m = parse(b"(414)9520123456788(254)32a", &opts()).unwrap();
    let (gln, ext) = m.gln().unwrap();
    assert_eq!((gln.as_str(), ext), ("9520123456788", Some("32a")));
    let m = parse(b"(00)006141411234567890(02)12345678901231(37)25", &opts()).unwrap();
    assert_eq!(m.sscc().unwrap().as_str(), "006141411234567890");
    assert_eq!(m.count(), Some(25));
    let m = parse(b"(8004)9520614141234567", &opts()).unwrap();
    assert_eq!(m.giai(), Some("9520614141234567"));
    let m = parse(b"(8003)01234567890128X", &opts()).unwrap();
    assert_eq!(m.grai(), Some("01234567890128X"));
    assert_eq!(m.elements[0].title(), "GRAI");
}
