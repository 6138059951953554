//! The TOML configuration: parse, then validate (ripgrep's low/high args).
//!
//! [`load`] reads the main file and its `include`d drop-ins, merges them, deserializes each
//! component's table strictly (`deny_unknown_fields`, one struct per component, defined beside the
//! component it configures) and then validates across components. Every problem is reported at
//! once, with file, line, column and key, as a [`Diagnostic`].

mod diagnostic;
mod loader;
pub mod units;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::event::{AlertConfig, ContextConfig, ContextTracker, Privacy, PrivacyConfig};
use crate::interop::InteropConfig;
use crate::outbox::OutboxConfig;
use crate::publish::MqttConfig;
use crate::source::SourceConfig;

pub use diagnostic::{did_you_mean, ConfigError, Diagnostic, Severity};
use loader::{component, Merged, Segment};
pub use units::{ByteSize, HumanDuration};

/// Top-level keys of the configuration, each configuring one component.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "include", "gateway", "source", "mqtt", "outbox", "broker", "stdout", "gs1", "context",
    "alerts", "privacy", "interop", "http", "log",
];

/// Source kinds accepted in `[[source]] kind = …`.
pub const SOURCE_KINDS: &[&str] = &[
    "serial", "keyboard", "hid", "camera", "folder", "stdin", "replay",
];

/// `[gateway]`: the identity of this edge box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewayConfig {
    /// The gateway id used in topics and events (e.g. "theatre-3-edge-1"). Default: the host name.
    pub id: String,
    /// How long to keep delivering what the outbox holds after every source has ended or a stop
    /// was requested, before exiting (what is left stays for the next start).
    pub drain_timeout: HumanDuration,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            id: default_gateway_id(),
            drain_timeout: HumanDuration(Duration::from_secs(10)),
        }
    }
}

/// The host name, or "gs1-gateway" when it cannot be read.
pub fn default_gateway_id() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && is_topic_safe(s))
        .unwrap_or_else(|| "gs1-gateway".to_string())
}

/// Whether `s` can be used as one MQTT topic level (ids appear in topics).
pub fn is_topic_safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `[broker]`: the embedded MQTT broker (rumqttd), for boxes without a central broker yet and for
/// the built-in default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrokerConfig {
    /// Run the broker in process; `[mqtt] url` may then be omitted.
    pub embedded: bool,
    /// Address to bind. Loopback by default: the embedded broker has no authentication.
    pub bind: IpAddr,
    /// Port; 0 picks a free port (printed at start).
    pub port: u16,
    /// Let the embedded broker, which has no authentication, listen on an address other than
    /// loopback (anyone who can reach it reads every event and can publish recall lists).
    /// Default false: such a `bind` is refused, as Mosquitto 2 refuses anonymous network
    /// listeners.
    pub allow_anonymous: bool,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            embedded: false,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1883,
            allow_anonymous: false,
        }
    }
}

/// `[stdout]`: echo published events on standard output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StdoutConfig {
    /// Print each published event as one JSON line.
    pub echo: bool,
}

/// `[http]`: Prometheus `/metrics` and `/healthz`. Off by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Serve the endpoint.
    pub enabled: bool,
    /// Address to listen on; keep it on loopback unless a firewall protects it.
    pub listen: SocketAddr,
    /// Serve the endpoint, which has no authentication, on an address other than loopback.
    /// Default false: such a `listen` is refused.
    pub allow_unauthenticated: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            enabled: false,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9898),
            allow_unauthenticated: false,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (journald adds time stamps).
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// `[log]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `human` or `json`.
    pub format: LogFormat,
    /// A tracing filter, e.g. "info" or "gs1_gateway=debug". `RUST_LOG` overrides it. The
    /// embedded broker (target `rumqttd`) is off unless the filter names it.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

/// `[gs1]`: how strictly scans are judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Gs1Config {
    /// Association rules (req/ex) are errors instead of warnings.
    pub strict: bool,
    /// Accept AIs that the Syntax Dictionary does not define.
    pub permit_unknown_ais: bool,
    /// Stem of the Digital Link URIs in events.
    pub dl_stem: String,
}

impl Default for Gs1Config {
    fn default() -> Self {
        Gs1Config {
            strict: false,
            permit_unknown_ais: false,
            dl_stem: "https://id.gs1.org".into(),
        }
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The main file, if the configuration came from one.
    pub path: Option<PathBuf>,
    /// Every file read, in merge order.
    pub files: Vec<PathBuf>,
    /// `[gateway]`.
    pub gateway: GatewayConfig,
    /// `[[source]]`, each validated by its source's own config struct.
    pub sources: Vec<SourceConfig>,
    /// `[mqtt]`.
    pub mqtt: MqttConfig,
    /// `[outbox]`.
    pub outbox: OutboxConfig,
    /// `[broker]`.
    pub broker: BrokerConfig,
    /// `[stdout]`.
    pub stdout: StdoutConfig,
    /// `[http]`.
    pub http: HttpConfig,
    /// `[log]`.
    pub log: LogConfig,
    /// `[gs1]`.
    pub gs1: Gs1Config,
    /// Whether `[mqtt] url` was given (else the embedded broker or the default is used).
    pub mqtt_url_set: bool,
    /// `[context]`: point-of-care context.
    pub context: ContextConfig,
    /// `[alerts]`: expiry and recall alerts.
    pub alerts: AlertConfig,
    /// `[privacy]`: patient data at the edge.
    pub privacy: PrivacyConfig,
    /// `[interop]`: EPCIS and FHIR publishing.
    pub interop: InteropConfig,
}

/// Environment variables that override paths of secrets, so an image can keep secrets out of
/// the configuration files (systemd credentials are the preferred route).
pub const ENV_OVERRIDES: &[(&str, &[&str])] = &[
    ("GS1_GATEWAY_MQTT_PASSWORD_FILE", &["mqtt", "password_file"]),
    ("GS1_GATEWAY_MQTT_CA_FILE", &["mqtt", "ca_file"]),
    ("GS1_GATEWAY_MQTT_CLIENT_CERT", &["mqtt", "client_cert"]),
    ("GS1_GATEWAY_MQTT_CLIENT_KEY", &["mqtt", "client_key"]),
    (
        "GS1_GATEWAY_PSEUDONYM_KEY_FILE",
        &["privacy", "pseudonym_key_file"],
    ),
];

/// Result of loading: the configuration and its warnings.
pub type Loaded = (Config, Vec<Diagnostic>);

/// Loads, merges and validates a configuration file and its drop-ins.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    load_with_env(path, |k| std::env::var(k).ok())
}

/// The configured recall list file read as `run` reads it: an error for a file that cannot be
/// read or parsed as a whole, or has no valid row, and one per rejected row at its line (CSV;
/// JSON entries by number). For `check-config`, which exits 2 on any: a list with bad rows
/// must be fixed before it goes to a ward, even though `run` would use its valid rows.
pub fn recall_list_diagnostics(config: &Config) -> Vec<Diagnostic> {
    use crate::event::{RecallList, RecallListError, RowAt};
    let Some(path) = &config.alerts.recall_list else {
        return Vec::new();
    };
    let key = "alerts.recall_list";
    let at = |line: Option<usize>, column: Option<usize>, message: String| Diagnostic {
        file: path.clone(),
        line,
        column,
        ..Diagnostic::error(key, message)
    };
    let parsed = match RecallList::from_path_lenient(path) {
        Ok(parsed) => parsed,
        Err(e) => {
            let (line, column) = match &e {
                RecallListError::Csv { line, .. } => (usize::try_from(*line).ok(), None),
                RecallListError::Json { line, column, .. } => (Some(*line), Some(*column)),
                RecallListError::MissingGtinColumn | RecallListError::UnknownColumn(_) => {
                    (Some(1), None)
                }
                _ => (None, None),
            };
            return vec![at(
                line,
                column,
                format!("{e} (`run` would check no product against this list)"),
            )];
        }
    };
    let mut out: Vec<Diagnostic> = parsed
        .rejected
        .iter()
        .map(|r| {
            let line = match r.at {
                RowAt::Line(n) => usize::try_from(n).ok(),
                RowAt::Entry(_) => None,
            };
            at(line, None, format!("{} rejected: {}", r.at, r.error))
        })
        .collect();
    if parsed.has_no_valid_row() {
        out.push(at(
            None,
            None,
            "no valid row: `run` would check no product against this list".into(),
        ));
    }
    out
}

/// [`load`] with an injected environment (for tests).
pub fn load_with_env(
    path: &Path,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Loaded, ConfigError> {
    let main = loader::read_layer(path).map_err(|d| ConfigError(vec![d]))?;
    let mut diagnostics = Vec::new();
    let mut layers = Vec::new();
    let includes = main.table.get("include").cloned();
    layers.push(main);
    if let Some(include) = includes {
        match loader::include_files(path, &include) {
            Ok(files) => {
                for file in files {
                    match loader::read_layer(&file) {
                        Ok(layer) => {
                            if layer.table.contains_key("include") {
                                diagnostics.push(
                                    Diagnostic::error(
                                        "include",
                                        "drop-in files cannot include further files",
                                    )
                                    .at(&file, None),
                                );
                            }
                            layers.push(layer)
                        }
                        Err(d) => diagnostics.push(d),
                    }
                }
            }
            Err(message) => {
                let d = Diagnostic::error("include", message);
                diagnostics.push(d.at(path, None));
            }
        }
    }
    let mut merged = loader::merge(layers);
    for (var, key) in ENV_OVERRIDES {
        if let Some(value) = env(var) {
            set_path(&mut merged.table, key, toml::Value::String(value));
        }
    }
    let config = from_merged(&merged, &mut diagnostics);
    finish(config, diagnostics, Some(path), &merged)
}

/// Parses configuration text that has no file (tests, the built-in default).
pub fn from_str(text: &str) -> Result<Loaded, ConfigError> {
    let dir = std::env::temp_dir().join(format!(
        "gs1-gateway-config-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    let file = dir.join("inline.toml");
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&file, text))
        .map_err(|e| ConfigError(vec![Diagnostic::error("", e.to_string())]))?;
    let result = load_with_env(&file, |_| None);
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|(mut c, w)| {
        c.path = None;
        c.files.clear();
        (c, w)
    })
}

fn set_path(table: &mut toml::Table, path: &[&str], value: toml::Value) {
    match path {
        [] => {}
        [last] => {
            table.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = table
                .entry((*first).to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = entry {
                set_path(t, rest, value);
            }
        }
    }
}

fn finish(
    config: Option<Config>,
    diagnostics: Vec<Diagnostic>,
    path: Option<&Path>,
    merged: &Merged,
) -> Result<Loaded, ConfigError> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(ConfigError(diagnostics));
    }
    match config {
        Some(mut config) => {
            config.path = path.map(Path::to_path_buf);
            config.files = merged.layers.iter().map(|l| l.path.clone()).collect();
            Ok((config, diagnostics))
        }
        None => Err(ConfigError(diagnostics)),
    }
}

fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

fn from_merged(merged: &Merged, diagnostics: &mut Vec<Diagnostic>) -> Option<Config> {
    let table = &merged.table;
    for k in table.keys() {
        if !TOP_LEVEL_KEYS.contains(&k.as_str()) {
            let mut message = format!("unknown section `{k}`");
            if let Some(s) = did_you_mean(k, TOP_LEVEL_KEYS) {
                message.push_str(&format!(" (did you mean `{s}`?)"));
            } else {
                message.push_str(&format!("; expected one of: {}", TOP_LEVEL_KEYS.join(", ")));
            }
            diagnostics.push(merged.place(Diagnostic::error(k, message), &[key(k)]));
        }
    }

    fn part<T: serde::de::DeserializeOwned + Default>(
        merged: &Merged,
        name: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        match merged.table.get(name) {
            None => Some(T::default()),
            Some(value) => component(merged, &[key(name)], value.clone(), diagnostics),
        }
    }

    let gateway: Option<GatewayConfig> = part(merged, "gateway", diagnostics);
    let broker: Option<BrokerConfig> = part(merged, "broker", diagnostics);
    let stdout: Option<StdoutConfig> = part(merged, "stdout", diagnostics);
    let http: Option<HttpConfig> = part(merged, "http", diagnostics);
    let log: Option<LogConfig> = part(merged, "log", diagnostics);
    let gs1: Option<Gs1Config> = part(merged, "gs1", diagnostics);
    let mqtt: Option<MqttConfig> = part(merged, "mqtt", diagnostics);
    let outbox: Option<OutboxConfig> = part(merged, "outbox", diagnostics);
    let context: Option<ContextConfig> = part(merged, "context", diagnostics);
    let alerts: Option<AlertConfig> = part(merged, "alerts", diagnostics);
    let privacy: Option<PrivacyConfig> = part(merged, "privacy", diagnostics);
    let interop: Option<InteropConfig> = part(merged, "interop", diagnostics);
    let sources = sources(merged, diagnostics);

    if let Some(g) = &gateway {
        if !is_topic_safe(&g.id) {
            diagnostics.push(merged.place(
                Diagnostic::error(
                    "gateway.id",
                    format!(
                        "`{}` cannot be used in MQTT topics: use 1-64 letters, digits, '-', '_' or '.'",
                        g.id
                    ),
                ),
                &[key("gateway"), key("id")],
            ));
        }
    }
    if let Some(g) = &gs1 {
        if !(g.dl_stem.starts_with("https://") || g.dl_stem.starts_with("http://"))
            || g.dl_stem.ends_with('/')
        {
            diagnostics.push(merged.place(
                Diagnostic::error(
                    "gs1.dl_stem",
                    "must be an http(s) URL without a trailing slash, e.g. \"https://id.gs1.org\"",
                ),
                &[key("gs1"), key("dl_stem")],
            ));
        }
    }
    if let Some(sources) = &sources {
        if sources.is_empty() {
            // Not an error: drop-ins may add scanners later (SIGHUP reloads).
            diagnostics.push(merged.place(
                Diagnostic::warning(
                    "source",
                    "no `[[source]]` is configured: the gateway reads nothing until one is added",
                ),
                &[],
            ));
        }
    }

    // Settings that expose the box or its secrets are refused unless explicitly allowed.
    if let Some(h) = http.as_ref().filter(|h| h.enabled) {
        if !h.listen.ip().is_loopback() && !h.allow_unauthenticated {
            diagnostics.push(merged.place(
                Diagnostic::error(
                    "http.listen",
                    format!(
                        "{} is not a loopback address and the endpoint has no authentication: \
                         keep it on 127.0.0.1, or set `allow_unauthenticated = true` in [http] \
                         where a firewall protects it",
                        h.listen
                    ),
                ),
                &[key("http"), key("listen")],
            ));
        }
    }
    if let Some(b) = broker.as_ref().filter(|b| b.embedded) {
        if !b.bind.is_loopback() && !b.allow_anonymous {
            diagnostics.push(merged.place(
                Diagnostic::error(
                    "broker.bind",
                    format!(
                        "{} is not a loopback address and the embedded broker has no \
                         authentication: anyone who reaches it reads every event and can \
                         publish recall lists. Keep it on 127.0.0.1, use an external broker with \
                         authentication, or set `allow_anonymous = true` in [broker]",
                        b.bind
                    ),
                ),
                &[key("broker"), key("bind")],
            ));
        }
    }
    if let Some(m) = &mqtt {
        let password = m.password_file.is_some() || m.password_credential.is_some();
        if let (true, Ok(url)) = (password, crate::publish::BrokerUrl::parse(&m.url)) {
            let cleartext = matches!(
                url.scheme,
                crate::publish::Scheme::Mqtt | crate::publish::Scheme::Ws
            );
            let local = url.host == "localhost"
                || url.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if cleartext && !local && !m.allow_cleartext_password {
                diagnostics.push(merged.place(
                    Diagnostic::error(
                        "mqtt.url",
                        format!(
                            "a password would be sent in clear to {}: use mqtts:// (or wss://), \
                             or set `allow_cleartext_password = true` in [mqtt] on a network \
                             you trust",
                            url.host
                        ),
                    ),
                    &[key("mqtt"), key("url")],
                ));
            }
        }
    }

    let mqtt_url_set = merged
        .table
        .get("mqtt")
        .and_then(|m| m.get("url"))
        .is_some();
    if let (Some(g), Some(m), Some(b)) = (&gateway, &mqtt, &broker) {
        // Reads certificate and password files: an unreadable certificate is an error now, not
        // a reconnect loop on a ward.
        if !b.embedded || mqtt_url_set {
            if let Err(e) = m.validate(&g.id) {
                diagnostics
                    .push(merged.place(Diagnostic::error("mqtt", e.to_string()), &[key("mqtt")]));
            }
        }
    }
    if let Some(o) = &outbox {
        if o.max_bytes.0 < 1 << 20 {
            diagnostics.push(merged.place(
                Diagnostic::error("outbox.max_bytes", "must be at least 1MiB"),
                &[key("outbox"), key("max_bytes")],
            ));
        }
    }
    if let (Some(g), Some(c)) = (&gateway, &context) {
        if let Err(e) = ContextTracker::new(g.id.clone(), c) {
            diagnostics.push(merged.place(
                Diagnostic::error("context", e.to_string()),
                &[key("context")],
            ));
        }
    }
    if let Some(p) = privacy.as_ref().filter(|p| !uses_generated_key(p)) {
        // Reads the pseudonymisation key now: an unreadable key must stop the start, not leak.
        let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
        if let Err(e) = Privacy::from_config(p, credentials.as_deref()) {
            diagnostics.push(merged.place(
                Diagnostic::error("privacy", e.to_string()),
                &[key("privacy")],
            ));
        }
    }
    if let Some(a) = &alerts {
        // The recall list file is read by `run` (which starts with its valid rows whatever they
        // are) and checked by `check-config` ([`recall_list_diagnostics`]), not here: a bad row
        // must not keep the gateway from recording scans.
        if let Some(topic) = &a.recall_topic {
            if let Err(why) = crate::event::check_topic_filter(topic) {
                diagnostics.push(merged.place(
                    Diagnostic::error("alerts.recall_topic", why),
                    &[key("alerts"), key("recall_topic")],
                ));
            }
        }
    }
    if let Some(i) = &interop {
        if let Err(e) = i.validate() {
            diagnostics.push(merged.place(
                Diagnostic::error("interop", e.to_string()),
                &[key("interop")],
            ));
        }
    }

    // A scanner id in a context group or a biz-step rule that names no source is a typo that
    // would silently unlink a theatre's scanner from its patient: refuse it.
    if let Some(sources) = &sources {
        let ids: Vec<&str> = sources.iter().map(|s| s.id()).collect();
        let unknown = |id: &str| {
            let mut message = format!("scanner `{id}` is not the id of any `[[source]]`");
            match did_you_mean(id, &ids) {
                Some(s) => message.push_str(&format!(" (did you mean `{s}`?)")),
                None if ids.is_empty() => message.push_str("; no source is configured"),
                None => message.push_str(&format!("; the sources are: {}", ids.join(", "))),
            }
            message
        };
        if let Some(c) = &context {
            for (g, group) in c.groups.iter().enumerate() {
                for (n, id) in group.scanners.iter().enumerate() {
                    if !ids.contains(&id.as_str()) {
                        diagnostics.push(merged.place(
                            Diagnostic::error(
                                format!("context.group[{g}].scanners[{n}]"),
                                unknown(id),
                            ),
                            &[
                                key("context"),
                                key("group"),
                                Segment::Index(g),
                                key("scanners"),
                                Segment::Index(n),
                            ],
                        ));
                    }
                }
            }
        }
        if let Some(i) = &interop {
            for id in i.scanner_biz_steps.keys() {
                if !ids.contains(&id.as_str()) {
                    diagnostics.push(merged.place(
                        Diagnostic::error(format!("interop.scanner_biz_steps.{id}"), unknown(id)),
                        &[key("interop"), key("scanner_biz_steps"), key(id)],
                    ));
                }
            }
        }
    }

    Some(Config {
        path: None,
        files: Vec::new(),
        gateway: gateway?,
        sources: sources?,
        broker: broker?,
        stdout: stdout?,
        http: http?,
        log: log?,
        gs1: gs1?,
        mqtt: mqtt?,
        outbox: outbox?,
        mqtt_url_set,
        context: context?,
        alerts: alerts?,
        privacy: privacy?,
        interop: interop?,
    })
}

fn sources(merged: &Merged, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<SourceConfig>> {
    let Some(value) = merged.table.get("source") else {
        return Some(Vec::new());
    };
    let Some(items) = value.as_array() else {
        diagnostics.push(merged.place(
            Diagnostic::error("source", "write sources as `[[source]]` tables"),
            &[key("source")],
        ));
        return None;
    };
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = |k: &str| vec![key("source"), Segment::Index(i), key(k)];
        let name = |k: &str| format!("source[{i}].{k}");
        let Some(table) = item.as_table() else {
            diagnostics.push(merged.place(
                Diagnostic::error(format!("source[{i}]"), "must be a table"),
                &[key("source"), Segment::Index(i)],
            ));
            ok = false;
            continue;
        };
        let id = match table.get("id").cloned() {
            Some(toml::Value::String(id)) if is_topic_safe(&id) => Some(id),
            Some(toml::Value::String(id)) => {
                diagnostics.push(merged.place(
                    Diagnostic::error(
                        name("id"),
                        format!("`{id}` cannot be used in MQTT topics: use 1-64 letters, digits, '-', '_' or '.'"),
                    ),
                    &at("id"),
                ));
                None
            }
            Some(_) => {
                diagnostics.push(
                    merged.place(Diagnostic::error(name("id"), "must be a string"), &at("id")),
                );
                None
            }
            None => {
                diagnostics.push(merged.place(
                    Diagnostic::error(name("id"), "every source needs an `id`"),
                    &[key("source"), Segment::Index(i)],
                ));
                None
            }
        };
        if let Some(id) = &id {
            if !ids.insert(id.clone()) {
                diagnostics.push(merged.place(
                    Diagnostic::error(name("id"), format!("duplicate source id `{id}`")),
                    &at("id"),
                ));
                ok = false;
            }
        }
        let kind = match table.get("kind").cloned() {
            Some(toml::Value::String(kind)) if SOURCE_KINDS.contains(&kind.as_str()) => Some(kind),
            Some(toml::Value::String(kind)) => {
                let mut message = format!("unknown source kind `{kind}`");
                match did_you_mean(&kind, SOURCE_KINDS) {
                    Some(s) => message.push_str(&format!(" (did you mean `{s}`?)")),
                    None => {
                        message.push_str(&format!("; expected one of: {}", SOURCE_KINDS.join(", ")))
                    }
                }
                diagnostics
                    .push(merged.place(Diagnostic::error(name("kind"), message), &at("kind")));
                None
            }
            _ => {
                diagnostics.push(merged.place(
                    Diagnostic::error(
                        name("kind"),
                        format!(
                            "every source needs a `kind`: one of {}",
                            SOURCE_KINDS.join(", ")
                        ),
                    ),
                    &[key("source"), Segment::Index(i)],
                ));
                None
            }
        };
        if id.is_none() || kind.is_none() {
            ok = false;
            continue;
        }
        let kind: Option<String> = kind;
        let base = [key("source"), Segment::Index(i)];
        // Deserialize the kind's own struct directly (not through the tagged enum, which
        // buffers the table and loses the key path of an error).
        let mut fields = table.clone();
        fields.remove("kind");
        let fields = toml::Value::Table(fields);
        let typed = match kind.as_deref().unwrap_or_default() {
            "serial" => component(merged, &base, fields, diagnostics).map(SourceConfig::Serial),
            "keyboard" => component(merged, &base, fields, diagnostics).map(SourceConfig::Keyboard),
            "hid" => component(merged, &base, fields, diagnostics).map(SourceConfig::Hid),
            "stdin" => component(merged, &base, fields, diagnostics).map(SourceConfig::Stdin),
            "replay" => component(merged, &base, fields, diagnostics).map(SourceConfig::Replay),
            "camera" => component(merged, &base, fields, diagnostics).map(SourceConfig::Camera),
            "folder" => component(merged, &base, fields, diagnostics).map(SourceConfig::Folder),
            _ => None,
        };
        match typed {
            Some(source) => {
                if let Err(e) = source.validate() {
                    diagnostics.push(merged.place(
                        Diagnostic::error(format!("source[{i}]"), e.to_string()),
                        &base,
                    ));
                    ok = false;
                }
                if let Some(path) = device_path(&source) {
                    if !path.exists() {
                        diagnostics.push(merged.place(
                            Diagnostic::warning(
                                name("path"),
                                format!(
                                    "{} does not exist (yet): the gateway will keep trying to open it",
                                    path.display()
                                ),
                            ),
                            &at("path"),
                        ));
                    }
                }
                out.push(source);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// True when patient GSRNs are pseudonymised but no key is configured: the gateway then
/// generates a key in its state directory (see [`crate::app`]).
pub fn uses_generated_key(privacy: &PrivacyConfig) -> bool {
    !privacy.publish_nhs_number
        && privacy.pseudonym_key_file.is_none()
        && privacy.pseudonym_key_credential.is_none()
}

/// The device a source opens, if it names one (a missing device is a warning: it may be plugged
/// in later).
pub fn device_path(source: &SourceConfig) -> Option<&Path> {
    match source {
        SourceConfig::Serial(c) => Some(&c.path),
        SourceConfig::Keyboard(c) => c.path.as_deref(),
        SourceConfig::Hid(c) => Some(&c.path),
        SourceConfig::Replay(c) => Some(&c.path),
        SourceConfig::Camera(c) => Some(&c.path),
        SourceConfig::Folder(c) => Some(&c.path),
        SourceConfig::Stdin(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match from_str(text) {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.0.into_iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{}:{} {}", d.line.unwrap_or(0), d.key, d.message))
                    .collect()
            }
        }
    }

    #[test]
    fn minimal_config_is_valid() {
        let (c, w) = from_str(
            "[gateway]\nid = \"ward-7\"\n[broker]\nembedded = true\n[[source]]\nid = \"bench\"\nkind = \"stdin\"\n",
        )
        .expect("valid");
        assert!(w.is_empty());
        assert_eq!(c.gateway.id, "ward-7");
        assert_eq!(c.sources[0].id(), "bench");
    }

    #[test]
    fn reports_every_error_with_line_and_suggestion() {
        let text = "\
[gateway]
id = \"ward 7\"
drain_timout = \"5s\"

[brokr]
embedded = true

[[source]]
id = \"a\"
kind = \"seral\"

[[source]]
id = \"a\"
kind = \"stdin\"
";
        let errs = errors(text);
        assert!(
            errs.iter().any(|e| e.starts_with(
                "3:gateway.drain_timout unknown key `drain_timout` (did you mean `drain_timeout`?)"
            )),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.starts_with("2:gateway.id")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.starts_with("5:brokr unknown section `brokr` (did you mean `broker`?)")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.starts_with(
                "10:source[0].kind unknown source kind `seral` (did you mean `serial`?)"
            )),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.starts_with("13:source[1].id duplicate source id `a`")),
            "{errs:?}"
        );
    }

    /// Each setting that exposes the box is refused, naming the opt-in that allows it.
    #[test]
    fn unsafe_network_settings_need_an_explicit_opt_in() {
        let src = "[[source]]\nid = \"in\"\nkind = \"stdin\"\n";
        let errs = errors(&format!(
            "[http]\nenabled = true\nlisten = \"0.0.0.0:9898\"\n{src}"
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("http.listen") && e.contains("allow_unauthenticated = true")),
            "{errs:?}"
        );
        assert!(errors(&format!(
            "[http]\nenabled = true\nlisten = \"0.0.0.0:9898\"\nallow_unauthenticated = true\n{src}"
        ))
        .is_empty());
        let errs = errors(&format!(
            "[broker]\nembedded = true\nbind = \"0.0.0.0\"\n{src}"
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("broker.bind") && e.contains("allow_anonymous = true")),
            "{errs:?}"
        );
        assert!(errors(&format!(
            "[broker]\nembedded = true\nbind = \"::\"\nallow_anonymous = true\n{src}"
        ))
        .is_empty());
        // Not embedded: `bind` is not used.
        assert!(errors(&format!("[broker]\nbind = \"0.0.0.0\"\n{src}")).is_empty());
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "secret\n").unwrap();
        let mqtt = |url: &str, extra: &str| {
            format!(
                "[mqtt]\nurl = \"{url}\"\nusername = \"gw\"\npassword_file = \"{}\"\n{extra}{src}",
                pw.display()
            )
        };
        let errs = errors(&mqtt("mqtt://broker.trust.nhs.uk", ""));
        assert!(
            errs.iter()
                .any(|e| e.contains("mqtt.url") && e.contains("allow_cleartext_password = true")),
            "{errs:?}"
        );
        assert!(errors(&mqtt("mqtt://127.0.0.1:1883", "")).is_empty());
        assert!(errors(&mqtt(
            "mqtt://broker.trust.nhs.uk",
            "allow_cleartext_password = true\n"
        ))
        .is_empty());
    }

    /// A misspelt scanner in a context group would never be linked to its theatre's patient.
    #[test]
    fn scanner_ids_in_groups_and_biz_steps_must_name_a_source() {
        let text = "\
[[source]]
id = \"scrub\"
kind = \"stdin\"

[[source]]
id = \"anaesthetic\"
kind = \"replay\"
path = \"/dev/null\"

[[context.group]]
name = \"theatre-3\"
scanners = [\"scrub\", \"anaesthetc\"]

[interop.scanner_biz_steps]
scurb = \"receiving\"
";
        let errs = errors(text);
        assert!(
            errs.iter().any(|e| e.starts_with(
                "12:context.group[0].scanners[1] scanner `anaesthetc` is not the id of any `[[source]]` (did you mean `anaesthetic`?)"
            )),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("interop.scanner_biz_steps.scurb")
                    && e.contains("(did you mean `scrub`?)")),
            "{errs:?}"
        );
        assert_eq!(errs.len(), 2, "{errs:?}");
    }

    #[test]
    fn wrong_types_and_ranges_are_placed() {
        let errs = errors("[broker]\nembedded = \"yes\"\nport = 70000\n[[source]]\nid = \"x\"\nkind = \"stdin\"\n");
        assert!(
            errs.iter()
                .any(|e| e.starts_with("2:broker.embedded invalid type")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.starts_with("3:broker.port")),
            "{errs:?}"
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = from_str("[gateway\nid = 1\n").expect_err("invalid");
        assert_eq!(e.0[0].line, Some(1));
        assert!(e.0[0].message.starts_with("invalid TOML"));
    }

    #[test]
    fn drop_ins_merge_and_add_sources() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("gs1-gateway.toml");
        std::fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
        std::fs::write(
            &main,
            "include = \"conf.d\"\n[gateway]\nid = \"base\"\n[broker]\nembedded = true\n[[source]]\nid = \"one\"\nkind = \"stdin\"\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("conf.d/10-ward.toml"),
            "[gateway]\nid = \"ward-7\"\n[[source]]\nid = \"two\"\nkind = \"stdin\"\n",
        )
        .expect("write");
        let (c, _) = load_with_env(&main, |_| None).expect("valid");
        assert_eq!(c.gateway.id, "ward-7");
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.files.len(), 2);

        std::fs::write(
            dir.path().join("conf.d/20-bad.toml"),
            "[gateway]\nid = \"ok\"\n\n[[source]]\nid = \"one\"\nkind = \"stdin\"\n",
        )
        .expect("write");
        let e = load_with_env(&main, |_| None).expect_err("duplicate");
        let d = &e.0[0];
        assert!(d.file.ends_with("conf.d/20-bad.toml"), "{d}");
        assert_eq!(d.line, Some(5));
    }

    #[test]
    fn environment_overrides_secret_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("g.toml");
        std::fs::write(
            &main,
            "[broker]\nembedded = true\n[[source]]\nid = \"a\"\nkind = \"stdin\"\n",
        )
        .expect("write");
        let (c, _) = load_with_env(&main, |k| {
            (k == "GS1_GATEWAY_MQTT_PASSWORD_FILE").then(|| "/run/credentials/pw".to_string())
        })
        .expect("valid");
        assert_eq!(
            c.mqtt.password_file.as_deref(),
            Some(Path::new("/run/credentials/pw"))
        );
    }
}
