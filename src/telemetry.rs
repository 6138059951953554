//! Logging set-up and the gateway's metrics.
//!
//! Logs go to standard error (journald picks them up under systemd), as human-readable lines or
//! JSON. Patient identifiers are never logged at info level or above: log fields carry event ids,
//! kinds and GTINs, never raw wristband data (see `event` for the redaction helpers).

use std::sync::atomic::{AtomicI64, AtomicU64};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Initialises logging once. `RUST_LOG` overrides `level`.
pub fn init_logging(format: LogFormat, level: &str) {
    use std::io::IsTerminal;
    // `RUST_LOG` gets the same rumqttd default as `level` unless it names rumqttd itself.
    let directives = match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => default_directives(&env),
        _ => default_directives(level),
    };
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour only on a terminal: the journal, a file or a pipe gets plain text (escape codes
    // there make `grep` and log shippers see garbage). `NO_COLOR` turns it off everywhere.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false);
    // Under systemd the journal adds its own time stamps.
    let under_journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let result = match (format, under_journald) {
        (LogFormat::Json, _) => builder.json().flatten_event(true).try_init(),
        (LogFormat::Human, true) => builder.without_time().try_init(),
        (LogFormat::Human, false) => builder.try_init(),
    };
    // A second initialisation (tests) keeps the first subscriber.
    let _ = result;
}

/// The configured level, with the embedded broker (rumqttd) silenced unless the level names it:
/// rumqttd logs every client connect at info and reports ordinary disconnects (our own port
/// probe, the publisher closing at shutdown) as errors, which would read as faults in the
/// journal. The publisher's own connection logging covers the broker's health;
/// `level = "info,rumqttd=info"` or `RUST_LOG` brings rumqttd's lines back.
fn default_directives(level: &str) -> String {
    if level.contains("rumqttd") {
        level.to_owned()
    } else {
        format!("{level},rumqttd=off")
    }
}

/// Labels of per-source counters.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScanLabels {
    /// Source (scanner) id.
    pub source: String,
    /// Scan kind (product, patient, …, unknown).
    pub kind: String,
}

/// Labels of error counters.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// Error or alert kind.
    pub kind: String,
}

/// Labels of per-source state.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabel {
    /// Source (scanner) id.
    pub source: String,
}

/// Every metric the gateway exports on `/metrics`.
#[derive(Debug)]
pub struct Metrics {
    /// Scans read, by source and kind.
    pub scans: Family<ScanLabels, Counter>,
    /// Scans that were not valid GS1, by parse error kind.
    pub parse_errors: Family<KindLabel, Counter>,
    /// Source errors (framing, over-long scans, device errors), by source.
    pub source_errors: Family<SourceLabel, Counter>,
    /// 1 while a source's device is connected.
    pub source_connected: Family<SourceLabel, Gauge>,
    /// Patient-safety alerts raised, by kind (expired, expiring, recalled, recall_possible,
    /// recall_check_unavailable).
    pub alerts: Family<KindLabel, Counter>,
    /// Distinct recalls in force (file and MQTT lists merged).
    pub recall_list_entries: Gauge<i64, AtomicI64>,
    /// Rows rejected in the last read of the recall lists.
    pub recall_rows_rejected: Gauge<i64, AtomicI64>,
    /// 1 while the configured recall list file could not be loaded (product scans are not
    /// checked against it).
    pub recall_check_unavailable: Gauge<i64, AtomicI64>,
    /// Events in the outbox not yet acknowledged by the broker.
    pub outbox_depth: Gauge<i64, AtomicI64>,
    /// Age of the oldest unacknowledged event, seconds.
    pub outbox_oldest_age_seconds: Gauge<f64, AtomicU64>,
    /// Scans refused because the outbox was full.
    pub outbox_rejected: Counter,
    /// 1 while connected to the MQTT broker.
    pub broker_connected: Gauge<i64, AtomicI64>,
    /// 1 while the kernel reports the clock synchronised to a time source.
    pub clock_synchronised: Gauge<i64, AtomicI64>,
    /// Publishes acknowledged by the broker.
    pub published: Counter,
    /// Time from outbox commit to broker acknowledgement.
    pub publish_latency_seconds: Histogram,
}

impl Metrics {
    /// Creates the metrics and registers them.
    pub fn new(registry: &mut Registry) -> Metrics {
        let m = Metrics {
            scans: Family::default(),
            parse_errors: Family::default(),
            source_errors: Family::default(),
            source_connected: Family::default(),
            alerts: Family::default(),
            recall_list_entries: Gauge::default(),
            recall_rows_rejected: Gauge::default(),
            recall_check_unavailable: Gauge::default(),
            outbox_depth: Gauge::default(),
            outbox_oldest_age_seconds: Gauge::default(),
            outbox_rejected: Counter::default(),
            broker_connected: Gauge::default(),
            clock_synchronised: Gauge::default(),
            published: Counter::default(),
            publish_latency_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 16)),
        };
        let r = registry.sub_registry_with_prefix("gs1_gateway");
        r.register("scans", "Scans read, by source and kind", m.scans.clone());
        r.register(
            "parse_errors",
            "Scans that were not valid GS1, by error kind",
            m.parse_errors.clone(),
        );
        r.register(
            "source_errors",
            "Source errors (framing, over-long scans, device errors)",
            m.source_errors.clone(),
        );
        r.register(
            "source_connected",
            "1 while a source's device is connected",
            m.source_connected.clone(),
        );
        r.register(
            "alerts",
            "Patient-safety alerts (expired, expiring, recalled, recall_possible, recall_check_unavailable)",
            m.alerts.clone(),
        );
        r.register(
            "recall_list_entries",
            "Distinct recalls in force (file and MQTT lists merged)",
            m.recall_list_entries.clone(),
        );
        r.register(
            "recall_rows_rejected",
            "Recall list rows rejected in the last read of each list",
            m.recall_rows_rejected.clone(),
        );
        r.register(
            "recall_check_unavailable",
            "1 while the configured recall list file could not be loaded",
            m.recall_check_unavailable.clone(),
        );
        r.register(
            "outbox_depth",
            "Events waiting for broker acknowledgement",
            m.outbox_depth.clone(),
        );
        r.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest unacknowledged event",
            m.outbox_oldest_age_seconds.clone(),
        );
        r.register(
            "outbox_rejected",
            "Scans refused because the outbox was full",
            m.outbox_rejected.clone(),
        );
        r.register(
            "broker_connected",
            "1 while connected to the MQTT broker",
            m.broker_connected.clone(),
        );
        r.register(
            "clock_synchronised",
            "1 while the kernel reports the clock synchronised to a time source (adjtimex)",
            m.clock_synchronised.clone(),
        );
        r.register(
            "published",
            "Publishes acknowledged by the broker",
            m.published.clone(),
        );
        r.register(
            "publish_latency_seconds",
            "Outbox commit to broker acknowledgement",
            m.publish_latency_seconds.clone(),
        );
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_broker_is_quiet_unless_named() {
        assert_eq!(default_directives("info"), "info,rumqttd=off");
        assert_eq!(default_directives("debug"), "debug,rumqttd=off");
        assert_eq!(default_directives("info,rumqttd=warn"), "info,rumqttd=warn");
        // Every result is a valid filter.
        for level in ["info", "warn", "gs1_gateway=debug"] {
            assert!(tracing_subscriber::EnvFilter::try_new(default_directives(level)).is_ok());
        }
    }

    #[test]
    fn metrics_encode_with_prefix() {
        let mut registry = Registry::default();
        let m = Metrics::new(&mut registry);
        m.scans
            .get_or_create(&ScanLabels {
                source: "bed-12".into(),
                kind: "product".into(),
            })
            .inc();
        m.outbox_depth.set(3);
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &registry).expect("encode");
        assert!(
            out.contains("gs1_gateway_scans_total{source=\"bed-12\",kind=\"product\"} 1"),
            "{out}"
        );
        assert!(out.contains("gs1_gateway_outbox_depth 3"), "{out}");
        assert!(out.contains("# EOF"));
    }
}
