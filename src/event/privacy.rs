//! Patient privacy at the edge.
//!
//! A DCB1077 wristband is a GS1 DataMatrix whose GSRN (AI 8018) contains the NHS number, plus NHS
//! internal AIs 91 (hospital identifiers), 92 (baby details) and 93 (names, date of birth). The
//! GS1 person-data AIs 7250–7259 (date of birth, sex, names, address, birth sequence) can carry
//! the same on any badge or band. What leaves the gateway is decided here:
//!
//! - **Dropped** (unless [`PrivacyConfig`] keeps them): AIs 91, 92 and 93
//!   (`keep_wristband_data`), AIs 7250–7259 (`keep_person_data`) and any AI listed in
//!   `drop_ais`. A dropped element is removed from `raw`, `elements`, `hri` and `digital_link`.
//! - **Pseudonymised** (unless `publish_nhs_number = true`): the value of every AI 8018
//!   GSRN-recipient is replaced by `pseudo:hmac-sha256:<64 hex digits>`, the HMAC-SHA-256 of the
//!   18 GSRN digits (ASCII) under the configured key, in `raw`, `elements`, `hri`, `gsrn`, the
//!   point-of-care context and any error message or warning. Any other occurrence of the 10-digit
//!   NHS number inside the GSRN is replaced by the same pseudonym. `digital_link` is omitted,
//!   because a URI with a pseudonym in place of the GSRN would resolve nowhere.
//!
//! The pseudonym is stable for a key, so a subscriber can follow one patient through a procedure
//! without learning who they are, and a system that holds the key can compute the pseudonym of a
//! known GSRN to look it up. Rotate the key and the pseudonyms change.
//!
//! Nothing in this module logs; [`Redacted`] is the way to put a patient identifier in a log line.

use std::fmt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Prefix of every published pseudonym.
pub const PSEUDONYM_PREFIX: &str = "pseudo:hmac-sha256:";

/// The smallest pseudonymisation key accepted, in bytes (HMAC-SHA-256's output size).
pub const MIN_KEY_LEN: usize = 32;

/// Wristband AIs dropped unless `keep_wristband_data` (NHS internal: hospital ids, baby details,
/// names and date of birth).
pub const WRISTBAND_AIS: [&str; 3] = ["91", "92", "93"];

/// GS1 person-data AIs dropped unless `keep_person_data`: 7250 DOB, 7251 DOB+time, 7252 sex,
/// 7253 family name, 7254 given name, 7255 suffix, 7256 full name, 7257 address, 7258 birth
/// sequence, 7259 baby.
pub const PERSON_DATA_AIS: [&str; 10] = [
    "7250", "7251", "7252", "7253", "7254", "7255", "7256", "7257", "7258", "7259",
];

/// `[privacy]` configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacyConfig {
    /// Publish patient GSRNs (AI 8018) and the NHS number inside them in clear. Only for
    /// deployments whose every subscriber is entitled to identifiable data. Default: false.
    pub publish_nhs_number: bool,
    /// Keep the NHS wristband AIs 91–93 (hospital ids, baby details, names, date of birth).
    /// Default: false (dropped at the edge).
    pub keep_wristband_data: bool,
    /// Keep the GS1 person-data AIs 7250–7259 (date of birth, sex, names, address).
    /// Default: false (dropped at the edge).
    pub keep_person_data: bool,
    /// Further AIs to drop, e.g. locally used `98`/`99` when a trust puts patient data there.
    pub drop_ais: Vec<String>,
    /// File holding the pseudonymisation key (at least 32 bytes; trailing CR/LF ignored).
    pub pseudonym_key_file: Option<PathBuf>,
    /// Name of a systemd credential holding the key (`LoadCredential=`), read from
    /// `$CREDENTIALS_DIRECTORY/<name>`. Takes precedence over `pseudonym_key_file`.
    pub pseudonym_key_credential: Option<String>,
    /// The 7-digit GS1 Company Prefix NHS patient GSRNs start with. When set, an NHS number is
    /// only extracted from GSRNs with this prefix; when unset, from any GSRN whose digits 8–17
    /// pass the NHS mod-11 check.
    pub nhs_company_prefix: Option<String>,
    /// Publish `raw` of scans that are neither GS1 nor HIBC (plain Code 128, QR text, …) when no
    /// patient-data pattern is found in them. Default: false — such data may be a wristband
    /// printed in plain Code 128 (a name, a date of birth) that no pattern can recognise, so its
    /// `raw` is withheld (`raw_withheld` gives its length, a keyed hash and the reason).
    pub publish_unparsed_raw: bool,
}

/// Why the privacy stage cannot be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrivacyError {
    /// Patient GSRNs must be pseudonymised but no key is configured.
    #[error(
        "patient GSRNs are pseudonymised (privacy.publish_nhs_number = false) but no key is \
         configured: set privacy.pseudonym_key_credential or privacy.pseudonym_key_file"
    )]
    MissingKey,
    /// The key credential is named but systemd passed no credentials directory.
    #[error(
        "privacy.pseudonym_key_credential = {name:?} but $CREDENTIALS_DIRECTORY is not set \
         (add LoadCredential={name}:<path> to the unit)"
    )]
    NoCredentialsDirectory {
        /// The credential name.
        name: String,
    },
    /// The credential name is not a plain file name.
    #[error("privacy.pseudonym_key_credential = {name:?} must be a plain file name")]
    BadCredentialName {
        /// The credential name.
        name: String,
    },
    /// The key file cannot be read.
    #[error("reading the pseudonymisation key {path}: {source}")]
    ReadKey {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The key is too short to be a secret.
    #[error("the pseudonymisation key {path} has {len} bytes; at least {MIN_KEY_LEN} are needed")]
    KeyTooShort {
        /// The file.
        path: PathBuf,
        /// Its length after trimming.
        len: usize,
    },
    /// `nhs_company_prefix` is not 7 digits.
    #[error("privacy.nhs_company_prefix = {0:?} must be 7 digits")]
    BadCompanyPrefix(String),
    /// An entry of `drop_ais` is not an AI (2–4 digits).
    #[error("privacy.drop_ais entry {0:?} is not an Application Identifier (2 to 4 digits)")]
    BadAi(String),
}

/// The HMAC-SHA-256 key for patient pseudonyms. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PseudonymKey({} bytes)", self.0.len())
    }
}

impl PseudonymKey {
    /// Uses `bytes` as the key (trailing CR/LF removed); `origin` names it in errors.
    pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<Self, PrivacyError> {
        let mut end = bytes.len();
        while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if end < MIN_KEY_LEN {
            return Err(PrivacyError::KeyTooShort {
                path: origin.to_path_buf(),
                len: end,
            });
        }
        Ok(Self(bytes[..end].to_vec()))
    }

    /// Reads the key file.
    pub fn from_file(path: &Path) -> Result<Self, PrivacyError> {
        let bytes = std::fs::read(path).map_err(|source| PrivacyError::ReadKey {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(&bytes, path)
    }

    /// `pseudo:hmac-sha256:<hex>` for an identifier.
    pub fn pseudonym(&self, identifier: &str) -> String {
        // new_from_slice only fails for fixed-size-key MACs; HMAC takes any length.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        mac.update(identifier.as_bytes());
        let tag = mac.finalize().into_bytes();
        let mut out = String::with_capacity(PSEUDONYM_PREFIX.len() + 64);
        out.push_str(PSEUDONYM_PREFIX);
        push_hex(&mut out, &tag);
        out
    }
}

/// Appends lowercase hex.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
}

/// The validated privacy policy the event builder applies.
#[derive(Debug, Clone)]
pub struct Privacy {
    publish_nhs_number: bool,
    publish_unparsed_raw: bool,
    drop: Vec<String>,
    key: Option<PseudonymKey>,
    nhs_company_prefix: Option<String>,
}

impl Privacy {
    /// Validates the configuration and loads the key (from `credentials_dir`, normally
    /// `$CREDENTIALS_DIRECTORY`, or the key file). This is the only I/O in the event stage.
    pub fn from_config(
        config: &PrivacyConfig,
        credentials_dir: Option<&Path>,
    ) -> Result<Self, PrivacyError> {
        let key = if let Some(name) = &config.pseudonym_key_credential {
            if name.is_empty() || name.contains('/') || name == "." || name == ".." {
                return Err(PrivacyError::BadCredentialName { name: name.clone() });
            }
            let dir = credentials_dir
                .ok_or_else(|| PrivacyError::NoCredentialsDirectory { name: name.clone() })?;
            Some(PseudonymKey::from_file(&dir.join(name))?)
        } else if let Some(path) = &config.pseudonym_key_file {
            Some(PseudonymKey::from_file(path)?)
        } else {
            None
        };
        Self::with_key(config, key)
    }

    /// Validates the configuration with an already loaded key (tests, or a key from elsewhere).
    pub fn with_key(
        config: &PrivacyConfig,
        key: Option<PseudonymKey>,
    ) -> Result<Self, PrivacyError> {
        if !config.publish_nhs_number && key.is_none() {
            return Err(PrivacyError::MissingKey);
        }
        if let Some(p) = &config.nhs_company_prefix {
            if p.len() != 7 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PrivacyError::BadCompanyPrefix(p.clone()));
            }
        }
        let mut drop = Vec::new();
        if !config.keep_wristband_data {
            drop.extend(WRISTBAND_AIS.iter().map(|s| s.to_string()));
        }
        if !config.keep_person_data {
            drop.extend(PERSON_DATA_AIS.iter().map(|s| s.to_string()));
        }
        for ai in &config.drop_ais {
            if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PrivacyError::BadAi(ai.clone()));
            }
            drop.push(ai.clone());
        }
        Ok(Self {
            publish_nhs_number: config.publish_nhs_number,
            publish_unparsed_raw: config.publish_unparsed_raw,
            drop,
            key,
            nhs_company_prefix: config.nhs_company_prefix.clone(),
        })
    }

    /// Whether an element with this AI is dropped at the edge.
    pub fn drops(&self, ai: &str) -> bool {
        self.drop.iter().any(|d| d == ai)
    }

    /// The pseudonym for a patient GSRN, or `None` when GSRNs are published in clear.
    pub fn patient_pseudonym(&self, gsrn: &str) -> Option<String> {
        if self.publish_nhs_number {
            return None;
        }
        self.key.as_ref().map(|k| k.pseudonym(gsrn))
    }

    /// Whether patient GSRNs and NHS numbers are published in clear.
    pub fn publishes_nhs_number(&self) -> bool {
        self.publish_nhs_number
    }

    /// The NHS number inside a patient GSRN, for publishing (`nhs_number`): digits 8–17 (after
    /// a 7-digit GS1 Company Prefix) when they pass the mod-11 check **and** the GSRN starts with
    /// the configured `nhs_company_prefix`. Without a configured prefix there is none: about 1
    /// in 11 GSRNs of other issuers pass mod 11 by chance, and would point at another person.
    pub fn nhs_number_in_gsrn(&self, gsrn: &str) -> Option<NhsNumber> {
        let prefix = self.nhs_company_prefix.as_deref()?;
        if !gsrn.starts_with(prefix) {
            return None;
        }
        self.nhs_number_digits_in_gsrn(gsrn)
    }

    /// Digits 8–17 of an 18-digit GSRN when they pass the NHS mod-11 check, whatever the
    /// prefix: what must never appear in clear beside a pseudonymised GSRN.
    pub fn nhs_number_digits_in_gsrn(&self, gsrn: &str) -> Option<NhsNumber> {
        if gsrn.len() != 18 || !gsrn.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        NhsNumber::parse(&gsrn[7..17]).ok()
    }
}

/// Whether a digit run of `s` (18 digits or more) holds an 18-digit window that reads as a
/// patient GSRN: a correct GS1 check digit and digits 8–17 that pass the NHS mod-11 check.
/// Used on free-text values and unparsed data only (a GSRN hidden in internal-use data such as
/// AI 94 = `00` + GSRN), never on product keys, where windows pass by chance.
pub fn contains_patient_gsrn(s: &str) -> bool {
    let b = s.as_bytes();
    digit_runs(b).filter(|r| r.len() >= 18).any(|r| {
        b[r].windows(18).any(|w| {
            std::str::from_utf8(w).is_ok_and(|g| crate::gs1::Gsrn::try_from(g).is_ok())
                && nhs_mod11_ok(&w[7..17])
        })
    })
}

/// The maximal runs of ASCII digits in `b`, as byte ranges.
fn digit_runs(b: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_digit() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > start).then_some(start..i)
    })
}

/// Where NHS numbers may hide in text: every run of exactly 10 ASCII digits that is not part of
/// a longer digit run, and every `3-3-4` group written with single spaces or hyphens
/// (`943 476 5919`), whose digits pass the NHS mod-11 check. Returns byte ranges into `s`.
///
/// This is the detector behind the rule that no NHS number leaves the gateway in clear: it
/// knows nothing of GS1, so it also finds NHS numbers in data that does not parse.
pub fn nhs_number_spans(s: &str) -> Vec<std::ops::Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    if b.len() < 10 {
        return out;
    }
    // The end of a 3-3-4 group found: its inner runs are not looked at again.
    let mut covered = 0;
    for run in digit_runs(b) {
        if run.start < covered {
            continue;
        }
        if run.len() == 10 && nhs_mod11_ok(&b[run.clone()]) {
            out.push(run);
        } else if run.len() == 3 {
            // 3-3-4 with one separator kind, as printed on wristbands and letters.
            if let Some(end) = spaced_nhs_number(b, run.start) {
                if nhs_mod11_ok(&spaced_digits(&b[run.start..end])) {
                    out.push(run.start..end);
                }
                covered = end;
            }
        }
    }
    out
}

/// The end of a `ddd?ddd?dddd` group starting at `start` (`?` one space or one hyphen, the same
/// both times, and no digit right after), if there is one.
fn spaced_nhs_number(b: &[u8], start: usize) -> Option<usize> {
    let sep = *b.get(start + 3)?;
    if sep != b' ' && sep != b'-' {
        return None;
    }
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let end = start + 12;
    (digits(start + 4, 3)
        && b.get(start + 7) == Some(&sep)
        && digits(start + 8, 4)
        && !b.get(end).is_some_and(u8::is_ascii_digit))
    .then_some(end)
}

fn spaced_digits(b: &[u8]) -> Vec<u8> {
    b.iter().copied().filter(u8::is_ascii_digit).collect()
}

/// NHS mod-11 over 10 ASCII digits (NHS Data Dictionary: weights 10..2, check = 11 − sum mod
/// 11, 11 → 0, 10 → never issued). The one copy of the rule: [`NhsNumber::parse`] and the
/// detectors use it.
fn nhs_mod11_ok(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .zip((2..=10u32).rev())
        .map(|(digit, w)| u32::from(digit - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        11 => d[9] == b'0',
        10 => false,
        c => u32::from(d[9] - b'0') == c,
    }
}

/// Whether `s` contains something [`nhs_number_spans`] finds.
pub fn contains_nhs_number(s: &str) -> bool {
    !nhs_number_spans(s).is_empty()
}

/// Why a scan's `raw` data was withheld (the `reason` of `raw_withheld`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WithholdReason {
    /// A 10-digit run (or a `3-3-4` group) that passes the NHS mod-11 check.
    NhsNumber,
    /// `8018` (GSRN of a patient) in data that did not parse.
    PatientGsrn,
    /// An NHS wristband AI (91–93) or a configured `drop_ais` AI where an element may start.
    WristbandData,
    /// A GS1 person-data AI (7250–7259) where an element may start.
    PersonData,
    /// Text with spaces or commas, as names and addresses are written, which GS1 data never has.
    FreeText,
    /// Neither GS1 nor HIBC: nothing shows that it is not a plain-text wristband.
    NotGs1,
}

impl WithholdReason {
    /// The published `reason` code.
    pub fn as_str(self) -> &'static str {
        match self {
            WithholdReason::NhsNumber => "nhs_number_pattern",
            WithholdReason::PatientGsrn => "patient_gsrn_pattern",
            WithholdReason::WristbandData => "wristband_data_pattern",
            WithholdReason::PersonData => "person_data_pattern",
            WithholdReason::FreeText => "free_text",
            WithholdReason::NotGs1 => "not_gs1_or_hibc",
        }
    }
}

/// AIM symbology identifiers whose data is GS1 (element string, EAN/UPC GTIN, ITF-14).
const GS1_SYMBOLOGIES: [&str; 10] = [
    "]C1", "]d2", "]Q3", "]e0", "]J1", "]E0", "]E1", "]E3", "]E4", "]I1",
];

/// Whether an AI may carry personal data even on a product, logistic or location label: the
/// internal AIs 90–99 (free text of the label owner's choosing), ship-to / return-to names and
/// addresses (43xx), person data (7250–7259) and the GSRN / SRIN AIs (8017–8019).
pub fn ai_may_carry_person_data(ai: &str) -> bool {
    (ai.len() == 2 && ai.starts_with('9'))
        || (ai.len() == 4 && ai.starts_with("43"))
        || (ai.len() == 4 && ai.starts_with("725"))
        || matches!(ai, "8017" | "8018" | "8019")
}

/// Byte offsets in `raw` where a GS1 element may start: the beginning, after an AIM symbology
/// identifier, after GS, `(`, `^`, and the `/`, `?`, `&` of a Digital Link URI.
fn element_starts(raw: &str) -> impl Iterator<Item = usize> + '_ {
    let b = raw.as_bytes();
    let after_aim = (b.len() >= 3 && b[0] == b']').then_some(3);
    std::iter::once(0).chain(after_aim).chain(
        b.iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, 0x1d | b'(' | b'^' | b'/' | b'?' | b'&' | b'|'))
            .map(|(i, _)| i + 1),
    )
}

impl Privacy {
    /// Whether `raw`, which did not parse as GS1 (or as HIBC), must be withheld, and why.
    /// `error_ai` is the AI the parser stopped at; `symbology` the AIM identifier, if known.
    ///
    /// The rule errs towards withholding: what leaves is only data that carries no NHS number,
    /// no patient GSRN, no wristband or person-data AI where an element could start, no text
    /// with spaces or commas, and that is GS1 data (or `publish_unparsed_raw` is set).
    pub fn unparsed_risk(
        &self,
        raw: &str,
        error_ai: Option<&str>,
        symbology: Option<&str>,
    ) -> Option<WithholdReason> {
        if !self.publish_nhs_number {
            if contains_nhs_number(raw) {
                return Some(WithholdReason::NhsNumber);
            }
            if raw.contains("8018") || contains_patient_gsrn(raw) {
                return Some(WithholdReason::PatientGsrn);
            }
        }
        let dropped_reason = |ai: &str| {
            if PERSON_DATA_AIS.contains(&ai) {
                WithholdReason::PersonData
            } else {
                WithholdReason::WristbandData
            }
        };
        if let Some(ai) = error_ai.filter(|ai| self.drops(ai)) {
            return Some(dropped_reason(ai));
        }
        for at in element_starts(raw) {
            let rest = raw.as_bytes().get(at..).unwrap_or_default();
            if let Some(ai) = self.drop.iter().find(|ai| rest.starts_with(ai.as_bytes())) {
                return Some(dropped_reason(ai));
            }
        }
        if raw.contains([' ', ',']) {
            return Some(WithholdReason::FreeText);
        }
        let gs1 = match symbology {
            Some(sym) => GS1_SYMBOLOGIES.contains(&sym),
            // No identifier: an element string (digits or GS first) or bracketed data.
            None => {
                let b = raw.as_bytes();
                matches!(b.first(), Some(b'(' | 0x1d | b'^'))
                    || (b.len() >= 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit())
            }
        };
        (!gs1 && !self.publish_unparsed_raw).then_some(WithholdReason::NotGs1)
    }

    /// The keyed hash published in place of withheld data (`hmac-sha256:<hex>` of the bytes,
    /// domain-separated from patient pseudonyms), so that two identical scans can be matched
    /// without revealing either. `None` when no key is configured.
    pub fn withheld_hash(&self, bytes: &[u8]) -> Option<String> {
        let key = self.key.as_ref()?;
        let mut mac = match Hmac::<Sha256>::new_from_slice(&key.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        mac.update(b"gs1-gateway/withheld-raw\0");
        mac.update(bytes);
        let tag = mac.finalize().into_bytes();
        let mut out = String::with_capacity(12 + 64);
        out.push_str(WITHHELD_HASH_PREFIX);
        push_hex(&mut out, &tag);
        Some(out)
    }

    /// Replaces every NHS number in `text` that is not one of the `allowed` digit strings by
    /// `[withheld]`, skipping pseudonyms and withheld-data hashes (hex that may contain digit
    /// runs). Returns whether `text` changed.
    pub fn scrub_nhs_numbers(&self, text: &mut String, allowed: &[String]) -> bool {
        if self.publish_nhs_number {
            return false;
        }
        let spans = unmasked_nhs_spans(text, allowed);
        if spans.is_empty() {
            return false;
        }
        for span in spans.into_iter().rev() {
            text.replace_range(span, WITHHELD_MARK);
        }
        true
    }

    /// Whether `text` holds an NHS number that is not one of the `allowed` digit strings
    /// (pseudonyms and hashes are not looked into). Always false with `publish_nhs_number`.
    pub fn leaks_nhs_number(&self, text: &str, allowed: &[String]) -> bool {
        !self.publish_nhs_number && !unmasked_nhs_spans(text, allowed).is_empty()
    }
}

impl Privacy {
    /// The last word on what of an event may leave the gateway, applied to every scan event,
    /// alert and context record before it is stored (so a field added later cannot bypass it):
    /// an NHS number in `raw` withholds `raw` as a whole; one in any other text is replaced by
    /// `[withheld]`. Product data (the batch or serial of a product label) that happens to read
    /// as an NHS number is left alone ([`allowed_nhs_like`]). Nothing to do with
    /// `publish_nhs_number = true`.
    pub fn guard_event(&self, event: &mut super::ScanEvent) {
        if self.publish_nhs_number {
            return;
        }
        let allowed = allowed_nhs_like(event);
        let raw_leaks = self.leaks_nhs_number(&event.raw, &allowed)
            || event
                .raw_hex
                .as_deref()
                .is_some_and(|h| self.leaks_nhs_number(h, &allowed));
        if raw_leaks {
            let data = std::mem::take(&mut event.raw).into_bytes();
            super::builder::withhold_raw(event, self, &data, WithholdReason::NhsNumber);
        }
        event.visit_text_mut(&mut |field, text| {
            if field == super::TextField::Other {
                self.scrub_nhs_numbers(text, &allowed);
            }
        });
    }

    /// [`Privacy::guard_event`] for what the per-scan stage adds to an event the builder has
    /// already guarded: its alerts and its context (the rest comes from guarded events).
    /// Returns the event's [`allowed_nhs_like`] strings, for guarding its alert records.
    pub fn guard_additions(&self, event: &mut super::ScanEvent) -> Vec<String> {
        let allowed = allowed_nhs_like(event);
        if self.publish_nhs_number {
            return allowed;
        }
        let mut scrub = |_: super::TextField, text: &mut String| {
            self.scrub_nhs_numbers(text, &allowed);
        };
        for a in &mut event.alerts {
            a.visit_text_mut(&mut scrub);
        }
        if let Some(c) = &mut event.context {
            c.visit_text_mut(&mut scrub);
        }
        allowed
    }

    /// [`Privacy::guard_event`] for an alert record of `event` (`allowed` from the event).
    pub fn guard_alert(&self, alert: &mut super::AlertEvent, allowed: &[String]) {
        alert.visit_text_mut(&mut |_, text| {
            self.scrub_nhs_numbers(text, allowed);
        });
    }

    /// [`Privacy::guard_event`] for a context-change record.
    pub fn guard_context_change(&self, change: &mut super::ContextChange) {
        change.visit_text_mut(&mut |_, text| {
            self.scrub_nhs_numbers(text, &[]);
        });
    }

    /// The guard for a case record (its patient, staff and location references).
    pub fn guard_case(&self, case: &mut super::CaseRecord) {
        case.visit_text_mut(&mut |_, text| {
            self.scrub_nhs_numbers(text, &[]);
        });
    }
}

/// The NHS-number-like digit strings an event may carry because they are product data: on a
/// valid product, logistic, asset or location label, those inside the values of AIs that do not
/// carry person data (a batch `9434765919` is a batch), and an HIBC product's lot and serial.
pub fn allowed_nhs_like(event: &super::ScanEvent) -> Vec<String> {
    use super::ScanKind;
    let mut out = Vec::new();
    if !event.valid
        || !matches!(
            event.kind,
            ScanKind::Product | ScanKind::Logistic | ScanKind::Asset | ScanKind::Location
        )
    {
        return out;
    }
    let mut take = |value: &str| {
        for span in nhs_number_spans(value) {
            out.push(value[span].chars().filter(char::is_ascii_digit).collect());
        }
    };
    for e in &event.elements {
        if !ai_may_carry_person_data(&e.ai) {
            take(&e.value);
        }
    }
    if event.hibc.is_some() {
        for v in [&event.batch, &event.serial].into_iter().flatten() {
            take(v);
        }
    }
    out
}

/// What replaces an NHS number found in a text field.
pub const WITHHELD_MARK: &str = "[withheld]";

/// Prefix of the keyed hash of withheld data.
pub const WITHHELD_HASH_PREFIX: &str = "hmac-sha256:";

/// NHS-number spans of `text` outside pseudonyms and hashes and not in `allowed`.
fn unmasked_nhs_spans(text: &str, allowed: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut spans = nhs_number_spans(text);
    if spans.is_empty() {
        return spans;
    }
    let masked: Vec<std::ops::Range<usize>> = [PSEUDONYM_PREFIX, WITHHELD_HASH_PREFIX]
        .iter()
        .flat_map(|prefix| {
            text.match_indices(prefix).map(move |(at, p)| {
                let hex = text[at + p.len()..]
                    .bytes()
                    .take_while(u8::is_ascii_hexdigit)
                    .count();
                at..at + p.len() + hex
            })
        })
        .collect();
    spans.retain(|span| {
        !masked
            .iter()
            .any(|m| m.start <= span.start && span.end <= m.end)
            && !allowed.iter().any(|a| {
                let digits: String = text[span.clone()]
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                *a == digits
            })
    });
    spans
}

/// Why a string is not an NHS number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NhsNumberError {
    /// Not exactly 10 digits (spaces and hyphens in the 3-3-4 layout are allowed).
    #[error("an NHS number has 10 digits")]
    Format,
    /// The mod-11 check digit does not match, or the check is 10 (never issued).
    #[error("the NHS number's check digit is wrong")]
    CheckDigit,
}

/// A validated NHS number (10 digits, mod-11 check digit). `Debug` and `Display` never show it;
/// call [`NhsNumber::expose`] where publishing it is allowed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Parses `9434765919` or `943 476 5919` / `943-476-5919` and checks the mod-11 digit
    /// (NHS Data Dictionary: weights 10..2, check = 11 − sum mod 11, 11 → 0, 10 → invalid).
    pub fn parse(s: &str) -> Result<Self, NhsNumberError> {
        let digits: String = s.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NhsNumberError::Format);
        }
        if !nhs_mod11_ok(digits.as_bytes()) {
            return Err(NhsNumberError::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// The 10 digits. Only for places where publishing is allowed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NhsNumber({})", Redacted(&self.0))
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redacted(&self.0).fmt(f)
    }
}

/// Wraps a patient identifier (or anything patient-derived) for logging: `Display` and `Debug`
/// print `[redacted N chars]`, never the value. `tracing::info!(patient = %Redacted(&gsrn))`.
#[derive(Clone, Copy)]
pub struct Redacted<'a>(pub &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[redacted {} chars]", self.0.chars().count())
    }
}

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A log line's worth of a scan event that is safe at any level: ids, kind, product fields and
/// alert kinds, never `raw`, `elements`, `hri`, GSRNs, pseudonyms or context.
/// `tracing::info!("{}", LogSummary(&event))`.
pub struct LogSummary<'a>(pub &'a super::ScanEvent);

impl fmt::Display for LogSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        write!(
            f,
            "scan {} seq {} scanner {} kind {:?} valid {}",
            e.event_id, e.sequence, e.scanner_id, e.kind, e.valid
        )?;
        if let Some(g) = &e.gtin {
            write!(f, " gtin {g}")?;
        }
        if let Some(b) = &e.batch {
            write!(f, " batch {b}")?;
        }
        if let Some(g) = &e.gsrn {
            write!(f, " gsrn {}", Redacted(g))?;
        }
        if let Some(err) = &e.error {
            write!(f, " error {}", err.kind)?;
        }
        for a in &e.alerts {
            write!(f, " ALERT {}", a.kind.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

    fn key() -> PseudonymKey {
        PseudonymKey::from_bytes(KEY, Path::new("test")).unwrap()
    }

    #[test]
    fn nhs_number_mod11() {
        assert_eq!(
            NhsNumber::parse("9434765919").unwrap().expose(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::parse("943 476 5919").unwrap().expose(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::parse("943-476-5919").unwrap().expose(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::parse("9434765918"),
            Err(NhsNumberError::CheckDigit)
        );
        // The nhs-number crate's README example fails mod-11 (remainder 1 → check 10).
        assert_eq!(
            NhsNumber::parse("9991234560"),
            Err(NhsNumberError::CheckDigit)
        );
        assert_eq!(NhsNumber::parse("999123456"), Err(NhsNumberError::Format));
        assert_eq!(NhsNumber::parse("99912345600"), Err(NhsNumberError::Format));
        assert_eq!(NhsNumber::parse("99912345A0"), Err(NhsNumberError::Format));
        // Test range 999 000 0000 – 999 999 9999: 9990000018 is valid.
        assert!(NhsNumber::parse("9990000018").is_ok());
    }

    #[test]
    fn nhs_number_check_digit_eleven_is_zero() {
        // Weighted sum of 999000004 = 9*10+9*9+9*8+4*2 = 251; 251 mod 11 = 9 → check 2.
        assert!(NhsNumber::parse("9990000042").is_ok());
        // Find a number whose remainder is 0 (check 11 → 0) in the test range and accept it.
        let zero = (0..1000u32)
            .map(|n| format!("999{n:06}"))
            .find(|p| {
                let s: u32 = p
                    .bytes()
                    .zip((2..=10u32).rev())
                    .map(|(b, w)| u32::from(b - b'0') * w)
                    .sum();
                s % 11 == 0
            })
            .unwrap();
        assert!(NhsNumber::parse(&format!("{zero}0")).is_ok());
        assert!(NhsNumber::parse(&format!("{zero}1")).is_err());
    }

    #[test]
    fn nhs_number_never_displays() {
        let n = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(n.to_string(), "[redacted 10 chars]");
        assert!(!format!("{n:?}").contains("9434765919"));
        assert_eq!(format!("{:?}", Redacted("abc")), "[redacted 3 chars]");
    }

    #[test]
    fn pseudonym_is_keyed_stable_and_hex() {
        let k = key();
        let p = k.pseudonym("950600013436900013");
        assert!(p.starts_with(PSEUDONYM_PREFIX));
        assert_eq!(p.len(), PSEUDONYM_PREFIX.len() + 64);
        assert_eq!(p, k.pseudonym("950600013436900013"));
        assert_ne!(p, k.pseudonym("950600013436900020"));
        let other = PseudonymKey::from_bytes(&[7u8; 32], Path::new("other")).unwrap();
        assert_ne!(p, other.pseudonym("950600013436900013"));
        assert!(!format!("{k:?}").contains("0123"));
    }

    #[test]
    fn pseudonym_matches_rfc4231_hmac_sha256() {
        // RFC 4231 test case 2 (short key, so built directly).
        let k = PseudonymKey(b"Jefe".to_vec());
        assert_eq!(
            k.pseudonym("what do ya want for nothing?"),
            format!(
                "{PSEUDONYM_PREFIX}5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            )
        );
    }

    #[test]
    fn key_loading_from_file_and_credentials() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pseudonym.key"),
            [KEY.as_slice(), b"\n"].concat(),
        )
        .unwrap();
        std::fs::write(dir.path().join("short.key"), b"too short\n").unwrap();

        let cfg = PrivacyConfig {
            pseudonym_key_credential: Some("pseudonym.key".into()),
            ..PrivacyConfig::default()
        };
        let p = Privacy::from_config(&cfg, Some(dir.path())).unwrap();
        assert_eq!(p.patient_pseudonym("1"), Some(key().pseudonym("1")));
        assert!(matches!(
            Privacy::from_config(&cfg, None),
            Err(PrivacyError::NoCredentialsDirectory { .. })
        ));

        let cfg = PrivacyConfig {
            pseudonym_key_file: Some(dir.path().join("pseudonym.key")),
            ..PrivacyConfig::default()
        };
        assert!(Privacy::from_config(&cfg, None).is_ok());

        let cfg = PrivacyConfig {
            pseudonym_key_file: Some(dir.path().join("short.key")),
            ..PrivacyConfig::default()
        };
        assert!(matches!(
            Privacy::from_config(&cfg, None),
            Err(PrivacyError::KeyTooShort { len: 9, .. })
        ));
        let cfg = PrivacyConfig {
            pseudonym_key_file: Some(dir.path().join("missing.key")),
            ..PrivacyConfig::default()
        };
        assert!(matches!(
            Privacy::from_config(&cfg, None),
            Err(PrivacyError::ReadKey { .. })
        ));
        let cfg = PrivacyConfig {
            pseudonym_key_credential: Some("../etc/passwd".into()),
            ..PrivacyConfig::default()
        };
        assert!(matches!(
            Privacy::from_config(&cfg, Some(dir.path())),
            Err(PrivacyError::BadCredentialName { .. })
        ));
    }

    #[test]
    fn a_key_is_required_unless_nhs_numbers_are_published() {
        assert!(matches!(
            Privacy::from_config(&PrivacyConfig::default(), None),
            Err(PrivacyError::MissingKey)
        ));
        let open = PrivacyConfig {
            publish_nhs_number: true,
            ..PrivacyConfig::default()
        };
        let p = Privacy::from_config(&open, None).unwrap();
        assert!(p.publishes_nhs_number());
        assert_eq!(p.patient_pseudonym("950600013436900013"), None);
    }

    #[test]
    fn drop_list_follows_config() {
        let p = Privacy::with_key(&PrivacyConfig::default(), Some(key())).unwrap();
        for ai in ["91", "92", "93", "7250", "7253", "7259"] {
            assert!(p.drops(ai), "{ai}");
        }
        for ai in ["94", "98", "01", "8018", "7240"] {
            assert!(!p.drops(ai), "{ai}");
        }
        let cfg = PrivacyConfig {
            keep_wristband_data: true,
            keep_person_data: true,
            drop_ais: vec!["98".into()],
            ..PrivacyConfig::default()
        };
        let p = Privacy::with_key(&cfg, Some(key())).unwrap();
        assert!(!p.drops("93") && !p.drops("7250") && p.drops("98"));
        let bad = PrivacyConfig {
            drop_ais: vec!["9x".into()],
            ..PrivacyConfig::default()
        };
        assert!(matches!(
            Privacy::with_key(&bad, Some(key())),
            Err(PrivacyError::BadAi(_))
        ));
    }

    #[test]
    fn nhs_number_extraction_from_gsrn() {
        let p = Privacy::with_key(&PrivacyConfig::default(), Some(key())).unwrap();
        // 7-digit prefix 5012345 + NHS number 9434765919 + GSRN check digit.
        assert_eq!(
            p.nhs_number_digits_in_gsrn("501234594347659191")
                .map(|n| n.expose().to_string()),
            Some("9434765919".into())
        );
        // Published only under a configured NHS prefix: 1 in 11 other GSRNs pass mod 11.
        assert!(p.nhs_number_in_gsrn("501234594347659191").is_none());
        assert!(p.nhs_number_digits_in_gsrn("501234594347659181").is_none());
        assert!(p.nhs_number_digits_in_gsrn("5012345943476591").is_none());
        let cfg = PrivacyConfig {
            nhs_company_prefix: Some("5099999".into()),
            ..PrivacyConfig::default()
        };
        let p = Privacy::with_key(&cfg, Some(key())).unwrap();
        assert!(p.nhs_number_in_gsrn("501234594347659191").is_none());
        assert!(p.nhs_number_in_gsrn("509999994347659191").is_some());
        let bad = PrivacyConfig {
            nhs_company_prefix: Some("123".into()),
            ..PrivacyConfig::default()
        };
        assert!(Privacy::with_key(&bad, Some(key())).is_err());
    }

    #[test]
    fn config_rejects_unknown_keys() {
        let err = toml::from_str::<PrivacyConfig>("publish_nhs_numbers = true").unwrap_err();
        assert!(err.to_string().contains("unknown field"));
        let cfg: PrivacyConfig =
            toml::from_str("keep_wristband_data = true\npseudonym_key_credential = \"k\"").unwrap();
        assert!(cfg.keep_wristband_data);
        assert_eq!(cfg.pseudonym_key_credential.as_deref(), Some("k"));
    }
}
