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

    /// The NHS number inside a patient GSRN: digits 8–17 (after a 7-digit GS1 Company Prefix),
    /// when they pass the mod-11 check and, if configured, the prefix matches.
    pub fn nhs_number_in_gsrn(&self, gsrn: &str) -> Option<NhsNumber> {
        if gsrn.len() != 18 || !gsrn.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(prefix) = &self.nhs_company_prefix {
            if !gsrn.starts_with(prefix.as_str()) {
                return None;
            }
        }
        NhsNumber::parse(&gsrn[7..17]).ok()
    }
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
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = d[..9]
            .iter()
            .zip((2..=10).rev())
            .map(|(digit, weight)| digit * weight)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(NhsNumberError::CheckDigit),
            c => c,
        };
        if check != d[9] {
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
            p.nhs_number_in_gsrn("501234594347659191")
                .map(|n| n.expose().to_string()),
            Some("9434765919".into())
        );
        assert!(p.nhs_number_in_gsrn("501234594347659181").is_none());
        assert!(p.nhs_number_in_gsrn("5012345943476591").is_none());
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
