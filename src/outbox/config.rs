//! `[outbox]` configuration.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `[outbox]`: where scans are kept until the broker acknowledged them.
///
/// ```toml
/// [outbox]
/// path = "/var/lib/gs1-gateway/outbox"   # a directory; the database is outbox.redb inside it
/// max_bytes = "512MiB"
/// max_age = "30d"
/// when_full = "reject"                   # or "drop_oldest"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Directory holding `outbox.redb`; created if missing. Default `/var/lib/gs1-gateway/outbox`
    /// (systemd `StateDirectory=gs1-gateway`).
    pub path: PathBuf,
    /// Upper bound on the stored records (payload plus metadata), e.g. `"512MiB"`. Default 512 MiB:
    /// about a million scans, days of a busy theatre offline. The file itself can be larger by
    /// redb's page overhead (B-tree pages are reused, not returned to the file system).
    pub max_bytes: ByteSize,
    /// Records older than this are expired (counted and logged at error level). Default `30d`.
    #[serde(with = "humantime_serde_opt")]
    pub max_age: Option<Duration>,
    /// What to do when `max_bytes` is reached. Default `reject`: a scan that cannot be stored is
    /// refused loudly, so the scanner gives bad-read feedback instead of a false good read.
    pub when_full: WhenFull,
    /// Largest number of requests committed in one transaction (group commit). Default 4096.
    pub max_batch: usize,
}

fn default_path() -> PathBuf {
    PathBuf::from("/var/lib/gs1-gateway/outbox")
}
const fn default_max_bytes() -> ByteSize {
    ByteSize(512 * 1024 * 1024)
}
const fn default_max_age() -> Option<Duration> {
    Some(Duration::from_secs(30 * 24 * 3600))
}
const fn default_max_batch() -> usize {
    4096
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            path: default_path(),
            max_bytes: default_max_bytes(),
            max_age: default_max_age(),
            when_full: WhenFull::default(),
            max_batch: default_max_batch(),
        }
    }
}

impl OutboxConfig {
    /// A configuration with defaults and the given directory.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        OutboxConfig {
            path: path.into(),
            ..Self::default()
        }
    }
}

/// The policy when the outbox is full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenFull {
    /// Refuse the new scan with [`super::OutboxError::Full`]; nothing stored is lost.
    #[default]
    Reject,
    /// Delete the oldest records to make room (each one counted and logged at error level).
    DropOldest,
}

/// A size in bytes, written `"512MiB"`, `"2GB"`, `"65536"` or as a bare integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

/// Why a byte size did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid size {input:?}: expected a number with an optional unit B, KB, MB, GB, KiB, MiB or GiB")]
pub struct ByteSizeError {
    /// The text that did not parse.
    pub input: String,
}

impl FromStr for ByteSize {
    type Err = ByteSizeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ByteSizeError {
            input: s.to_owned(),
        };
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num.parse().map_err(|_| err())?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1000,
            "m" | "mb" => 1000 * 1000,
            "g" | "gb" => 1000 * 1000 * 1000,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            _ => return Err(err()),
        };
        n.checked_mul(mult).map(ByteSize).ok_or_else(err)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        if b > 0 && b % (1 << 30) == 0 {
            write!(f, "{}GiB", b >> 30)
        } else if b > 0 && b % (1 << 20) == 0 {
            write!(f, "{}MiB", b >> 20)
        } else if b > 0 && b % (1 << 10) == 0 {
            write!(f, "{}KiB", b >> 10)
        } else {
            write!(f, "{b}")
        }
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(n) => Ok(ByteSize(n)),
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// `Option<Duration>` as a humantime string (`"30d"`, `"15min"`); `"0"`/`"off"` disables.
pub(crate) mod humantime_serde_opt {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&humantime::format_duration(*d).to_string()),
            None => s.serialize_str("off"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let s = String::deserialize(d)?;
        if s == "off" || s == "0" {
            return Ok(None);
        }
        humantime::parse_duration(&s)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("invalid duration {s:?}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_parse_with_units() {
        assert_eq!("512MiB".parse::<ByteSize>().unwrap().0, 512 << 20);
        assert_eq!("2 GB".parse::<ByteSize>().unwrap().0, 2_000_000_000);
        assert_eq!("65536".parse::<ByteSize>().unwrap().0, 65536);
        assert_eq!("1kib".parse::<ByteSize>().unwrap().0, 1024);
        assert!("12XB".parse::<ByteSize>().is_err());
        assert!("MiB".parse::<ByteSize>().is_err());
        assert!("99999999999999999999GiB".parse::<ByteSize>().is_err());
        assert_eq!(ByteSize(512 << 20).to_string(), "512MiB");
    }

    #[test]
    fn outbox_config_reads_the_contract_keys_and_rejects_unknown_ones() {
        let c: OutboxConfig = toml::from_str(
            "path = \"/var/lib/gs1-gateway/outbox\"\nmax_bytes = \"512MiB\"\nmax_age = \"7d\"\nwhen_full = \"drop_oldest\"\n",
        )
        .unwrap();
        assert_eq!(c.max_bytes, ByteSize(512 << 20));
        assert_eq!(c.max_age, Some(Duration::from_secs(7 * 86400)));
        assert_eq!(c.when_full, WhenFull::DropOldest);
        let d: OutboxConfig = toml::from_str("").unwrap();
        assert_eq!(d, OutboxConfig::default());
        assert!(toml::from_str::<OutboxConfig>("maxbytes = 1").is_err());
        let off: OutboxConfig = toml::from_str("max_age = \"off\"").unwrap();
        assert_eq!(off.max_age, None);
    }
}
