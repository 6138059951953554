//! Parser for the text format of the GS1 Barcode Syntax Dictionary.
//!
//! This one module is compiled twice: by `build.rs` (through `#[path]`) to generate the AI tables,
//! and by the library's tests to re-parse the text and compare it with the compiled tables, so
//! there is exactly one reading of the format. It therefore depends on `std` only.
//!
//! Format (see the header of `resources/gs1/gs1-syntax-dictionary*.txt`):
//! `AIs [Flags] Specification [Attributes...] [# Title]`.

use std::fmt;

/// Linter names the crate implements. A dictionary naming any other linter is rejected, so a new
/// release with a new linter fails the build loudly instead of skipping a check.
pub const KNOWN_LINTERS: &[&str] = &[
    "couponcode",
    "couponposoffer",
    "cset39",
    "cset64",
    "cset82",
    "csetnumeric",
    "csum",
    "csumalpha",
    "gcppos1",
    "gcppos2",
    "hasnondigit",
    "hh",
    "hhmi",
    "hyphen",
    "iban",
    "importeridx",
    "iso3166",
    "iso3166999",
    "iso3166alpha2",
    "iso4217",
    "iso5218",
    "latitude",
    "longitude",
    "mediatype",
    "mi",
    "nonzero",
    "nozeroprefix",
    "packagetype",
    "pcenc",
    "pieceoftotal",
    "posinseqslash",
    "ss",
    "winding",
    "yesno",
    "yymmd0",
    "yymmdd",
    "yyyymmd0",
    "yyyymmdd",
    "zero",
];

/// Characters the format reserves for flags ("Allocated from" in the file header).
const FLAG_ALPHABET: &str = "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~";

/// One component of an AI's data field, as written in the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedComponent {
    /// `N`, `X`, `Y` or `Z`.
    pub charset: char,
    /// Minimum length (1 for variable-length components).
    pub min: u8,
    /// Maximum length.
    pub max: u8,
    /// Written in `[...]`.
    pub optional: bool,
    /// Linter names, in order.
    pub linters: Vec<String>,
}

/// One AI after range expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEntry {
    /// The AI digits.
    pub ai: String,
    /// Title after `#`, trimmed (may be empty).
    pub title: String,
    /// `*` flag.
    pub predefined_length: bool,
    /// `?` flag.
    pub dl_data_attribute: bool,
    /// Components in order.
    pub components: Vec<ParsedComponent>,
    /// One rule per `req=` key; alternatives; each a `+` conjunction.
    pub req: Vec<Vec<Vec<String>>>,
    /// `ex=` AIs and patterns, all keys merged in order.
    pub ex: Vec<String>,
    /// `dlpkey` alternatives (`Some(vec![vec![]])` for a bare `dlpkey`).
    pub dl_primary_key: Option<Vec<Vec<String>>>,
    /// 1-based line number in the file.
    pub line: usize,
}

/// A parsed dictionary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDictionary {
    /// `# Release: ...` header value, if present.
    pub release: Option<String>,
    /// Every AI, ranges expanded, in file order.
    pub entries: Vec<ParsedEntry>,
}

/// A syntax error, naming the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line number.
    pub line: usize,
    /// The offending line's text.
    pub text: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {:?}", self.line, self.message, self.text)
    }
}

/// Parses a whole dictionary file and checks its internal consistency.
pub fn parse_dictionary(text: &str) -> Result<ParsedDictionary, SyntaxError> {
    let mut release = None;
    let mut entries: Vec<ParsedEntry> = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let trimmed = raw.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(r) = comment.trim().strip_prefix("Release:") {
                release = Some(r.trim().to_string());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        let err = |message: String| SyntaxError {
            line,
            text: raw.to_string(),
            message,
        };
        entries.extend(parse_line(trimmed, line).map_err(err)?);
    }
    check_consistency(&entries)?;
    Ok(ParsedDictionary { release, entries })
}

fn parse_line(line_text: &str, line: usize) -> Result<Vec<ParsedEntry>, String> {
    let (body, title) = match line_text.find('#') {
        Some(i) => (&line_text[..i], line_text[i + 1..].trim()),
        None => (line_text, ""),
    };
    let mut tokens = body.split_whitespace().peekable();
    let ais = tokens.next().ok_or("missing AI")?;
    let ais = expand_range(ais)?;

    let mut predefined_length = false;
    let mut dl_data_attribute = false;
    if let Some(tok) = tokens.peek() {
        if tok.chars().all(|c| FLAG_ALPHABET.contains(c)) {
            for c in tok.chars() {
                match c {
                    '*' if !predefined_length => predefined_length = true,
                    '?' if !dl_data_attribute => dl_data_attribute = true,
                    '*' | '?' => return Err(format!("repeated flag {c:?}")),
                    _ => return Err(format!("unknown flag {c:?}")),
                }
            }
            tokens.next();
        }
    }

    let mut components = Vec::new();
    while let Some(tok) = tokens.peek() {
        if tok.contains('=') || *tok == "dlpkey" {
            break;
        }
        components.push(parse_component(tok)?);
        tokens.next();
    }
    if components.is_empty() {
        return Err("missing specification".into());
    }
    check_components(&components)?;

    let mut req = Vec::new();
    let mut ex = Vec::new();
    let mut dl_primary_key = None;
    for tok in tokens {
        let (key, value) = match tok.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (tok, None),
        };
        match (key, value) {
            ("req", Some(v)) => {
                let mut alternatives = Vec::new();
                for alt in v.split(',') {
                    let conj = alt
                        .split('+')
                        .map(parse_pattern)
                        .collect::<Result<Vec<_>, _>>()?;
                    alternatives.push(conj);
                }
                req.push(alternatives);
            }
            ("ex", Some(v)) => {
                for p in v.split(',') {
                    ex.push(parse_pattern(p)?);
                }
            }
            ("dlpkey", v) => {
                if dl_primary_key.is_some() {
                    return Err("repeated dlpkey".into());
                }
                let alternatives = match v {
                    None => vec![Vec::new()],
                    Some(v) => v
                        .split('|')
                        .map(|alt| {
                            alt.split(',')
                                .map(|ai| {
                                    if is_ai(ai) {
                                        Ok(ai.to_string())
                                    } else {
                                        Err(format!("bad dlpkey qualifier {ai:?}"))
                                    }
                                })
                                .collect::<Result<Vec<_>, _>>()
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                };
                dl_primary_key = Some(alternatives);
            }
            _ => return Err(format!("unknown attribute {tok:?}")),
        }
    }

    Ok(ais
        .into_iter()
        .map(|ai| ParsedEntry {
            ai,
            title: title.to_string(),
            predefined_length,
            dl_data_attribute,
            components: components.clone(),
            req: req.clone(),
            ex: ex.clone(),
            dl_primary_key: dl_primary_key.clone(),
            line,
        })
        .collect())
}

fn is_ai(s: &str) -> bool {
    (2..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// An AI or a pattern such as `31nn` / `394n` (digits, then `n` wildcards).
fn parse_pattern(s: &str) -> Result<String, String> {
    let digits = s.trim_end_matches('n');
    if (2..=4).contains(&s.len()) && digits.len() >= 2 && digits.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(s.to_string())
    } else {
        Err(format!("bad AI or pattern {s:?}"))
    }
}

fn expand_range(s: &str) -> Result<Vec<String>, String> {
    let Some((lo, hi)) = s.split_once('-') else {
        return if is_ai(s) {
            Ok(vec![s.to_string()])
        } else {
            Err(format!("bad AI {s:?}"))
        };
    };
    if !is_ai(lo) || !is_ai(hi) || lo.len() != hi.len() {
        return Err(format!("bad AI range {s:?}"));
    }
    let (a, b): (u32, u32) = (
        lo.parse().map_err(|_| format!("bad AI range {s:?}"))?,
        hi.parse().map_err(|_| format!("bad AI range {s:?}"))?,
    );
    if a >= b || lo[..lo.len() - 1] != hi[..hi.len() - 1] {
        return Err(format!(
            "AI range {s:?} must be ascending and differ only in the last digit"
        ));
    }
    let width = lo.len();
    Ok((a..=b).map(|n| format!("{n:0width$}")).collect())
}

fn parse_component(tok: &str) -> Result<ParsedComponent, String> {
    let mut parts = tok.split(',');
    let ty = parts.next().unwrap_or_default();
    let (optional, ty) = match ty.strip_prefix('[') {
        Some(inner) => (
            true,
            inner
                .strip_suffix(']')
                .ok_or_else(|| format!("unterminated optional component {tok:?}"))?,
        ),
        None => (false, ty),
    };
    let mut chars = ty.chars();
    let charset = match chars.next() {
        Some(c @ ('N' | 'X' | 'Y' | 'Z')) => c,
        _ => return Err(format!("unknown component type in {tok:?}")),
    };
    let len = chars.as_str();
    let (min, max) = match len.strip_prefix("..") {
        Some(max) => (1, max),
        None => (0, len),
    };
    let max: u8 = max
        .parse()
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| format!("bad component length in {tok:?}"))?;
    let min = if min == 0 { max } else { min };
    let mut linters = Vec::new();
    for name in parts {
        if !KNOWN_LINTERS.contains(&name) {
            return Err(format!("unknown linter {name:?}"));
        }
        linters.push(name.to_string());
    }
    Ok(ParsedComponent {
        charset,
        min,
        max,
        optional,
        linters,
    })
}

fn check_components(components: &[ParsedComponent]) -> Result<(), String> {
    let mut seen_optional = false;
    for (i, c) in components.iter().enumerate() {
        if seen_optional && !c.optional {
            return Err("a mandatory component follows an optional one".into());
        }
        seen_optional |= c.optional;
        if c.min != c.max && i + 1 != components.len() {
            return Err("only the final component may have variable length".into());
        }
    }
    Ok(())
}

/// Whole-file rules: lexical order, no duplicates, and the GS1 rule that the first two digits of
/// an AI determine its length (which makes the AI set prefix-free).
fn check_consistency(entries: &[ParsedEntry]) -> Result<(), SyntaxError> {
    let mut len_by_prefix = [0usize; 100];
    let mut prev: Option<&ParsedEntry> = None;
    for e in entries {
        let err = |message: String| SyntaxError {
            line: e.line,
            text: e.ai.clone(),
            message,
        };
        if let Some(p) = prev {
            if p.ai >= e.ai {
                return Err(err(format!(
                    "AI {} is out of lexical order or duplicated",
                    e.ai
                )));
            }
        }
        let b = e.ai.as_bytes();
        let prefix = usize::from(b[0] - b'0') * 10 + usize::from(b[1] - b'0');
        match len_by_prefix[prefix] {
            0 => len_by_prefix[prefix] = e.ai.len(),
            l if l != e.ai.len() => {
                return Err(err(format!(
                    "AI {} has length {} but AIs starting {} have length {}",
                    e.ai,
                    e.ai.len(),
                    &e.ai[..2],
                    l
                )))
            }
            _ => {}
        }
        prev = Some(e);
    }
    Ok(())
}
