//! `[mqtt]` configuration: the strict serde form ([`MqttConfig`]) and its validated runtime form
//! ([`PublisherSettings`]).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::topics::Topics;
use super::PublishError;
use crate::outbox::ByteSize;

/// `[mqtt]`: the broker and how to publish to it.
///
/// ```toml
/// [mqtt]
/// url = "mqtts://broker.trust.nhs.uk:8883"   # mqtt://, mqtts://, ws://, wss://
/// client_id = "theatre-3-edge-1"
/// topic_prefix = "scan4safety/v1"
/// qos = 1
/// protocol = "5"                              # or "3.1.1"
/// ca_file = "/etc/gs1-gateway/ca.pem"
/// client_cert = "/etc/gs1-gateway/client.pem" # mutual TLS (with client_key)
/// client_key = "/etc/gs1-gateway/client.key"
/// username = "theatre-3-edge-1"
/// password_credential = "mqtt-password"       # systemd LoadCredential=, or password_file = "…"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MqttConfig {
    /// Broker URL: `mqtt://host[:1883]`, `mqtts://host[:8883]`, `ws://host[:80]/path`,
    /// `wss://host[:443]/path` (path defaults to `/mqtt`). Default `mqtt://127.0.0.1:1883`.
    pub url: String,
    /// MQTT client id; must be stable for the persistent session. Default: the gateway id.
    pub client_id: Option<String>,
    /// First topic levels, e.g. `scan4safety/v1`. Default `scan4safety/v1`.
    pub topic_prefix: String,
    /// 1 (at least once, default) or 2 (exactly once between gateway and broker). QoS 0 is not
    /// offered: it could lose scans.
    pub qos: Qos,
    /// `"3.1.1"` (default) or `"5"` (content type, message expiry, user properties).
    pub protocol: ProtocolVersion,
    /// Keep-alive; the broker publishes the Last Will after 1.5× this without traffic. Default 30s.
    #[serde(with = "humantime_serde_req")]
    pub keep_alive: Duration,
    /// MQTT 5 session expiry: how long the broker keeps the session while we are offline.
    /// Default 7d.
    #[serde(with = "humantime_serde_req")]
    pub session_expiry: Duration,
    /// PEM file of the CA(s) that signed the broker's certificate. Default: the system roots.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate (chain) for mutual TLS; needs `client_key`.
    pub client_cert: Option<PathBuf>,
    /// PEM private key of `client_cert`.
    pub client_key: Option<PathBuf>,
    /// Name of a systemd credential (`LoadCredential=NAME:…`) holding the PEM private key of
    /// `client_cert`, read from `$CREDENTIALS_DIRECTORY/NAME`: the service user need not be able
    /// to read the key file itself. Instead of `client_key`.
    pub client_key_credential: Option<String>,
    /// User name for the broker.
    pub username: Option<String>,
    /// File holding the password (first line). Keeps secrets out of the main config.
    pub password_file: Option<PathBuf>,
    /// Name of a systemd credential (`LoadCredential=NAME:…`) holding the password; read from
    /// `$CREDENTIALS_DIRECTORY/NAME`.
    pub password_credential: Option<String>,
    /// Send the password over a cleartext `mqtt://` or `ws://` connection to a host that is
    /// not loopback. Default false: refused, use `mqtts://`.
    pub allow_cleartext_password: bool,
    /// Most publishes awaiting acknowledgement at once (the in-flight window). Default 1000.
    pub max_inflight: u16,
    /// Largest MQTT packet we send; larger events go to the dead-letter table. Must not exceed
    /// the broker's limit (Mosquitto `max_packet_size`; MQTT 5 brokers announce theirs and the
    /// smaller one applies). Default 1MiB.
    pub max_packet_size: ByteSize,
    /// Shortest wait before reconnecting after an error. Default 250ms.
    #[serde(with = "humantime_serde_req")]
    pub reconnect_min: Duration,
    /// Longest wait between reconnect attempts (exponential back-off with jitter). Default 30s.
    #[serde(with = "humantime_serde_req")]
    pub reconnect_max: Duration,
    /// On shutdown, how long to wait for outstanding acknowledgements. Keep it below systemd's
    /// `TimeoutStopSec`. Default 5s.
    #[serde(with = "humantime_serde_req")]
    pub drain_timeout: Duration,
    /// Timeout of one connection attempt (TCP, TLS, CONNECT/CONNACK). Default 10s.
    #[serde(with = "humantime_serde_req")]
    pub connect_timeout: Duration,
}

impl Default for MqttConfig {
    fn default() -> Self {
        MqttConfig {
            url: "mqtt://127.0.0.1:1883".into(),
            client_id: None,
            topic_prefix: "scan4safety/v1".into(),
            qos: Qos::AtLeastOnce,
            protocol: ProtocolVersion::V311,
            keep_alive: Duration::from_secs(30),
            session_expiry: Duration::from_secs(7 * 86400),
            ca_file: None,
            client_cert: None,
            client_key: None,
            client_key_credential: None,
            username: None,
            password_file: None,
            password_credential: None,
            allow_cleartext_password: false,
            max_inflight: 1000,
            max_packet_size: ByteSize(1 << 20),
            reconnect_min: Duration::from_millis(250),
            reconnect_max: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Quality of service for events (written `qos = 1` or `qos = 2`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Qos {
    /// QoS 1.
    #[default]
    AtLeastOnce,
    /// QoS 2.
    ExactlyOnce,
}

impl Serialize for Qos {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(match self {
            Qos::AtLeastOnce => 1,
            Qos::ExactlyOnce => 2,
        })
    }
}

impl<'de> Deserialize<'de> for Qos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u8::deserialize(d)? {
            1 => Ok(Qos::AtLeastOnce),
            2 => Ok(Qos::ExactlyOnce),
            n => Err(serde::de::Error::custom(format!(
                "qos = {n} is not supported: use 1 (at least once) or 2 (exactly once); QoS 0 could lose scans"
            ))),
        }
    }
}

/// MQTT protocol version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1.
    #[default]
    #[serde(rename = "3.1.1")]
    V311,
    /// MQTT 5.0.
    #[serde(rename = "5")]
    V5,
}

/// `Duration` as a humantime string.
mod humantime_serde_req {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*v).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        humantime::parse_duration(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid duration {s:?}: {e}")))
    }
}

/// The transport a URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `mqtt://`
    Mqtt,
    /// `mqtts://`
    Mqtts,
    /// `ws://`
    Ws,
    /// `wss://`
    Wss,
}

/// A parsed broker URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// Transport.
    pub scheme: Scheme,
    /// Host name or IP address (without brackets).
    pub host: String,
    /// Port (default per scheme).
    pub port: u16,
    /// Path for WebSocket transports.
    pub path: String,
}

impl BrokerUrl {
    /// Parses `scheme://host[:port][/path]`.
    pub fn parse(url: &str) -> Result<BrokerUrl, PublishError> {
        let bad = |why: &str| PublishError::Config(format!("mqtt.url {url:?}: {why}"));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected mqtt://, mqtts://, ws:// or wss://"))?;
        let (scheme, default_port) = match scheme {
            "mqtt" | "tcp" => (Scheme::Mqtt, 1883),
            "mqtts" | "ssl" => (Scheme::Mqtts, 8883),
            "ws" => (Scheme::Ws, 80),
            "wss" => (Scheme::Wss, 443),
            _ => {
                return Err(bad(
                    "unknown scheme; use mqtt://, mqtts://, ws:// or wss://",
                ))
            }
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not allowed; use username and password_file",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, tail) = v6.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
            (h, tail.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(bad("missing host"));
        }
        let port = match port {
            Some(p) => p.parse().map_err(|_| bad("invalid port"))?,
            None => default_port,
        };
        let path = match scheme {
            Scheme::Ws | Scheme::Wss if path.is_empty() => "/mqtt".to_owned(),
            Scheme::Ws | Scheme::Wss => path.to_owned(),
            _ if path.is_empty() || path == "/" => String::new(),
            _ => return Err(bad("a path is only meaningful for ws:// and wss://")),
        };
        Ok(BrokerUrl {
            scheme,
            host: host.to_owned(),
            port,
            path,
        })
    }

    /// Whether the transport uses TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.scheme, Scheme::Mqtts | Scheme::Wss)
    }

    /// The URL rumqttc's WebSocket transport wants (`ws://host:port/path`).
    pub fn websocket_url(&self) -> String {
        let scheme = if self.is_tls() { "wss" } else { "ws" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{host}:{}{}", self.port, self.path)
    }
}

/// Validated publisher settings, built from [`MqttConfig`] and the gateway id.
#[derive(Clone)]
pub struct PublisherSettings {
    /// The broker.
    pub url: BrokerUrl,
    /// Stable client id.
    pub client_id: String,
    /// Topic names.
    pub topics: Topics,
    /// Event QoS.
    pub qos: Qos,
    /// Protocol version.
    pub protocol: ProtocolVersion,
    /// Keep-alive.
    pub keep_alive: Duration,
    /// MQTT 5 session expiry.
    pub session_expiry: Duration,
    /// TLS client configuration (for mqtts:// and wss://).
    pub tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    /// User name and password.
    pub credentials: Option<(String, String)>,
    /// In-flight window.
    pub max_inflight: u16,
    /// Largest packet we send.
    pub max_packet_size: usize,
    /// Back-off bounds.
    pub reconnect_min: Duration,
    /// Back-off bounds.
    pub reconnect_max: Duration,
    /// Shutdown drain deadline.
    pub drain_timeout: Duration,
    /// Connection attempt timeout.
    pub connect_timeout: Duration,
}

impl std::fmt::Debug for PublisherSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password.
        f.debug_struct("PublisherSettings")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("qos", &self.qos)
            .field("protocol", &self.protocol)
            .field("tls", &self.tls.is_some())
            .field("username", &self.credentials.as_ref().map(|c| &c.0))
            .finish_non_exhaustive()
    }
}

impl MqttConfig {
    /// Checks the configuration, reads the certificate and password files and renders topics.
    pub fn validate(&self, gateway_id: &str) -> Result<PublisherSettings, PublishError> {
        let cfg = |m: String| PublishError::Config(m);
        let url = BrokerUrl::parse(&self.url)?;
        let client_id = self
            .client_id
            .clone()
            .unwrap_or_else(|| gateway_id.to_owned());
        if client_id.is_empty() || client_id.len() > 65535 {
            return Err(cfg(
                "mqtt.client_id must not be empty: the persistent session is keyed by it".into(),
            ));
        }
        let topics = Topics::new(&self.topic_prefix, gateway_id)?;
        if self.max_inflight == 0 {
            return Err(cfg("mqtt.max_inflight must be at least 1".into()));
        }
        if self.reconnect_min.is_zero() || self.reconnect_max < self.reconnect_min {
            return Err(cfg(
                "mqtt.reconnect_min must be > 0 and not above mqtt.reconnect_max".into(),
            ));
        }
        if self.keep_alive < Duration::from_secs(1) || self.keep_alive.as_secs() > 65535 {
            return Err(cfg("mqtt.keep_alive must be between 1s and 65535s".into()));
        }
        let tls_files = self.ca_file.is_some() || self.client_cert.is_some();
        if tls_files && !url.is_tls() {
            return Err(cfg(format!(
                "mqtt.ca_file/client_cert are set but mqtt.url {:?} is not mqtts:// or wss://",
                self.url
            )));
        }
        let client_key = match (&self.client_key, &self.client_key_credential) {
            (Some(_), Some(_)) => {
                return Err(cfg(
                    "set either mqtt.client_key or mqtt.client_key_credential, not both".into(),
                ))
            }
            (Some(p), None) => Some(p.clone()),
            (None, Some(name)) => Some(credential_path("client_key_credential", name)?),
            (None, None) => None,
        };
        let tls = if url.is_tls() {
            Some(super::tls::client_config(
                self.ca_file.as_deref(),
                self.client_cert.as_deref(),
                client_key.as_deref(),
            )?)
        } else {
            None
        };
        let password = match (&self.password_file, &self.password_credential) {
            (Some(_), Some(_)) => {
                return Err(cfg(
                    "set either mqtt.password_file or mqtt.password_credential, not both".into(),
                ))
            }
            (Some(p), None) => Some(read_secret(p)?),
            (None, Some(name)) => {
                Some(read_secret(&credential_path("password_credential", name)?)?)
            }
            (None, None) => None,
        };
        let credentials = match (&self.username, password) {
            (Some(u), p) => Some((u.clone(), p.unwrap_or_default())),
            (None, Some(_)) => {
                return Err(cfg(
                    "a password is configured but mqtt.username is missing".into()
                ))
            }
            (None, None) => None,
        };
        let max_packet_size = usize::try_from(self.max_packet_size.0)
            .ok()
            .filter(|n| (1024..=268_435_455).contains(n))
            .ok_or_else(|| cfg("mqtt.max_packet_size must be between 1KiB and 256MiB".into()))?;
        Ok(PublisherSettings {
            url,
            client_id,
            topics,
            qos: self.qos,
            protocol: self.protocol,
            keep_alive: self.keep_alive,
            session_expiry: self.session_expiry,
            tls,
            credentials,
            max_inflight: self.max_inflight,
            max_packet_size,
            reconnect_min: self.reconnect_min,
            reconnect_max: self.reconnect_max,
            drain_timeout: self.drain_timeout,
            connect_timeout: self.connect_timeout,
        })
    }
}

/// `$CREDENTIALS_DIRECTORY/NAME` for the credential named by `key`.
fn credential_path(key: &str, name: &str) -> Result<PathBuf, PublishError> {
    let cfg = PublishError::Config;
    let dir = std::env::var_os("CREDENTIALS_DIRECTORY").ok_or_else(|| {
        cfg(format!(
            "mqtt.{key} = {name:?} but $CREDENTIALS_DIRECTORY is not set \
             (add LoadCredential={name}:… to the systemd unit)"
        ))
    })?;
    if name.contains('/') || name.is_empty() || name == "." || name == ".." {
        return Err(cfg(format!("mqtt.{key}: invalid credential name {name:?}")));
    }
    Ok(PathBuf::from(dir).join(name))
}
fn read_secret(path: &std::path::Path) -> Result<String, PublishError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        PublishError::Config(format!("cannot read password file {}: {e}", path.display()))
    })?;
    Ok(text.lines().next().unwrap_or("").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_for_every_transport() {
        let u = BrokerUrl::parse("mqtts://broker.trust.nhs.uk:8883").unwrap();
        assert_eq!(
            (u.scheme, u.host.as_str(), u.port),
            (Scheme::Mqtts, "broker.trust.nhs.uk", 8883)
        );
        assert_eq!(BrokerUrl::parse("mqtt://10.0.0.1").unwrap().port, 1883);
        let w = BrokerUrl::parse("ws://localhost:9001").unwrap();
        assert_eq!(w.websocket_url(), "ws://localhost:9001/mqtt");
        let w = BrokerUrl::parse("wss://[::1]/ws").unwrap();
        assert_eq!((w.port, w.host.as_str()), (443, "::1"));
        assert_eq!(w.websocket_url(), "wss://[::1]:443/ws");
        for bad in [
            "broker:1883",
            "http://x",
            "mqtt://",
            "mqtt://h:99999",
            "mqtt://u:p@h",
            "mqtt://h/x",
        ] {
            assert!(BrokerUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_reads_contract_keys_and_rejects_unknown_and_qos_0() {
        let c: MqttConfig = toml::from_str(
            "url = \"mqtts://broker.trust.nhs.uk:8883\"\nclient_id = \"theatre-3-edge-1\"\ntopic_prefix = \"scan4safety/v1\"\nqos = 1\n",
        )
        .unwrap();
        assert_eq!(c.qos, Qos::AtLeastOnce);
        assert_eq!(c.client_id.as_deref(), Some("theatre-3-edge-1"));
        let e = toml::from_str::<MqttConfig>("qos = 0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("QoS 0"), "{e}");
        assert!(toml::from_str::<MqttConfig>("password = \"x\"").is_err());
        let v5: MqttConfig =
            toml::from_str("protocol = \"5\"\nqos = 2\nkeep_alive = \"10s\"").unwrap();
        assert_eq!(
            (v5.protocol, v5.qos),
            (ProtocolVersion::V5, Qos::ExactlyOnce)
        );
        assert_eq!(
            toml::from_str::<MqttConfig>("").unwrap(),
            MqttConfig::default()
        );
    }

    #[test]
    fn a_client_key_comes_from_a_file_or_a_credential_not_both() {
        let c = MqttConfig {
            url: "mqtts://broker.example:8883".into(),
            client_key: Some("/k.pem".into()),
            client_key_credential: Some("mqtt-client.key".into()),
            ..MqttConfig::default()
        };
        let e = c.validate("gw").unwrap_err().to_string();
        assert!(e.contains("client_key_credential, not both"), "{e}");
        let c = MqttConfig {
            client_key_credential: Some("../etc/shadow".into()),
            ..c
        };
        let c = MqttConfig {
            client_key: None,
            ..c
        };
        let e = c.validate("gw").unwrap_err().to_string();
        assert!(
            e.contains("client_key_credential") && !e.contains("not both"),
            "{e}"
        );
    }

    #[test]
    fn validation_says_what_to_fix() {
        let mut c = MqttConfig::default();
        let s = c.validate("gw-1").unwrap();
        assert_eq!(s.client_id, "gw-1");
        c.ca_file = Some("/nonexistent.pem".into());
        assert!(c
            .validate("gw-1")
            .unwrap_err()
            .to_string()
            .contains("mqtts://"));
        c.url = "mqtts://h".into();
        assert!(c
            .validate("gw-1")
            .unwrap_err()
            .to_string()
            .contains("/nonexistent.pem"));
        let mut c = MqttConfig {
            password_file: Some("/nonexistent".into()),
            ..MqttConfig::default()
        };
        assert!(c.validate("gw").is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "s3cret\n").unwrap();
        c.password_file = Some(p);
        assert!(c
            .validate("gw")
            .unwrap_err()
            .to_string()
            .contains("username"));
        c.username = Some("u".into());
        let s = c.validate("gw").unwrap();
        assert_eq!(s.credentials, Some(("u".into(), "s3cret".into())));
        assert!(!format!("{s:?}").contains("s3cret"));
    }
}
