//! What the running gateway knows about itself: per-source state, the broker connection, the
//! outbox and the last scan per scanner. Served on `/healthz` and `/status`, read by
//! `gs1-gateway status`. Holds no patient identifiers: a last scan is its kind, time and event id.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::clock::ClockSync;
use crate::event::RecallStatus;
use uuid::Uuid;

/// The state of one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceHealth {
    /// The kind of source (serial, keyboard, …).
    pub kind: String,
    /// Whether its device is open. Sources without a device (stdin) count as connected.
    pub connected: bool,
    /// The source has ended (stdin closed, replay finished) — not a fault.
    pub ended: bool,
    /// The last error, if the source is not connected.
    pub last_error: Option<String>,
    /// The last scan read.
    pub last_scan: Option<LastScan>,
    /// Scans read since start.
    pub scans: u64,
}

/// The last scan of a source, without its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastScan {
    /// Event id of the scan.
    pub event_id: Uuid,
    /// Scan kind.
    pub kind: String,
    /// Whether it was valid GS1.
    pub valid: bool,
    /// When it was read.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The broker connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokerHealth {
    /// The broker URL (without credentials).
    pub url: String,
    /// Whether the MQTT session is up.
    pub connected: bool,
    /// The last connection error.
    pub last_error: Option<String>,
}

/// The outbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxHealth {
    /// Events waiting for acknowledgement.
    pub depth: u64,
    /// Age of the oldest waiting event, seconds.
    pub oldest_age_seconds: f64,
    /// Whether the outbox refuses new scans because it is full.
    pub full: bool,
}

/// Everything `/status` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Gateway id.
    pub gateway_id: String,
    /// Program version.
    pub version: String,
    /// Start time.
    pub started_at: Option<String>,
    /// Sources by id.
    pub sources: BTreeMap<String, SourceHealth>,
    /// Broker.
    pub broker: BrokerHealth,
    /// Outbox.
    pub outbox: OutboxHealth,
    /// The recall lists (absent when none is configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalls: Option<RecallStatus>,
    /// The kernel's clock synchronisation state (absent until first read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockSync>,
    /// Why the gateway is not healthy (empty when it is).
    pub problems: Vec<String>,
    /// What needs attention but does not stop the gateway recording scans correctly: a clock
    /// that is not synchronised (every event then carries a warning too).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// True when every source and the broker are fine.
    pub healthy: bool,
}

/// Shared, cheaply updated health state.
#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<Status>,
}

impl Health {
    /// New state for a gateway.
    pub fn new(gateway_id: &str) -> Health {
        let started = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .ok();
        Health {
            state: Mutex::new(Status {
                gateway_id: gateway_id.to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
                started_at: started,
                ..Status::default()
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Status) -> R) -> R {
        // A poisoned lock only means a panic elsewhere; the data is still usable for reporting.
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Registers a source.
    pub fn add_source(&self, id: &str, kind: &str, connected: bool) {
        self.with(|s| {
            s.sources.insert(
                id.to_string(),
                SourceHealth {
                    kind: kind.to_string(),
                    connected,
                    ..SourceHealth::default()
                },
            );
        })
    }

    /// Records a connection change of a source.
    pub fn source_connected(&self, id: &str, connected: bool, error: Option<String>) {
        self.with(|s| {
            if let Some(src) = s.sources.get_mut(id) {
                src.connected = connected;
                src.last_error = error;
            }
        })
    }

    /// Records that a source has ended normally.
    pub fn source_ended(&self, id: &str) {
        self.with(|s| {
            if let Some(src) = s.sources.get_mut(id) {
                src.ended = true;
            }
        })
    }

    /// Records a scan.
    pub fn scan(&self, id: &str, last: LastScan) {
        self.with(|s| {
            if let Some(src) = s.sources.get_mut(id) {
                src.scans += 1;
                src.last_scan = Some(last);
            }
        })
    }

    /// Records the broker state.
    pub fn broker(&self, url: &str, connected: bool, error: Option<String>) {
        self.with(|s| {
            s.broker = BrokerHealth {
                url: url.to_string(),
                connected,
                last_error: error,
            }
        })
    }

    /// Records the outbox state.
    pub fn outbox(&self, outbox: OutboxHealth) {
        self.with(|s| s.outbox = outbox)
    }

    /// Records the state of the recall lists (when a file or topic is configured).
    pub fn recalls(&self, recalls: Option<RecallStatus>) {
        self.with(|s| s.recalls = recalls)
    }

    /// Records the kernel's clock synchronisation state.
    pub fn clock(&self, clock: ClockSync) {
        self.with(|s| s.clock = Some(clock))
    }

    /// A snapshot with `healthy`/`problems`/`warnings` filled in.
    pub fn status(&self) -> Status {
        self.with(|s| {
            let mut snapshot = s.clone();
            let mut problems = Vec::new();
            for (id, src) in &snapshot.sources {
                if !src.connected && !src.ended {
                    problems.push(match &src.last_error {
                        Some(e) => format!("source `{id}` is disconnected: {e}"),
                        None => format!("source `{id}` is disconnected"),
                    });
                }
            }
            if !snapshot.broker.connected {
                problems.push(match &snapshot.broker.last_error {
                    Some(e) => format!("not connected to the MQTT broker: {e}"),
                    None => "not connected to the MQTT broker".to_string(),
                });
            }
            if snapshot.outbox.full {
                problems.push("the outbox is full: new scans are refused".to_string());
            }
            if let Some(r) = &snapshot.recalls {
                problems.extend(r.problems());
            }
            snapshot.healthy = problems.is_empty();
            snapshot.problems = problems;
            snapshot.warnings = match &snapshot.clock {
                Some(c) if !c.synchronised => {
                    vec![format!("the clock is not synchronised: {}", c.detail)]
                }
                _ => Vec::new(),
            };
            snapshot
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhealthy_until_sources_and_broker_are_up() {
        let h = Health::new("gw");
        h.add_source("bed-12", "serial", false);
        let s = h.status();
        assert!(!s.healthy);
        assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
        h.source_connected("bed-12", true, None);
        h.broker("mqtt://127.0.0.1:1883", true, None);
        assert!(h.status().healthy);
        h.outbox(OutboxHealth {
            full: true,
            ..OutboxHealth::default()
        });
        assert_eq!(
            h.status().problems,
            vec!["the outbox is full: new scans are refused"]
        );
    }

    /// A rejected recall row or a list that could not be loaded makes the gateway unhealthy,
    /// naming the row (the gateway once ran with no recalls and reported itself healthy).
    #[test]
    fn recall_list_problems_are_health_problems() {
        let h = Health::new("gw");
        h.broker("x", true, None);
        let mut lists = crate::event::RecallLists::default();
        h.recalls(Some(lists.status()));
        assert!(h.status().healthy);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("recalls.csv");
        std::fs::write(&path, "gtin,batch\n09506000134352,L1\n0950600013435,L2\n").expect("write");
        lists.replace_file(Some(&path));
        h.recalls(Some(lists.status()));
        let s = h.status();
        assert!(!s.healthy);
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
        assert!(s.problems[0].contains("line 3"), "{:?}", s.problems);
        assert_eq!(s.recalls.as_ref().map(|r| r.entries), Some(1));
        lists.replace_file(Some(&dir.path().join("missing.csv")));
        h.recalls(Some(lists.status()));
        let s = h.status();
        assert!(s.recalls.as_ref().is_some_and(|r| r.unavailable));
        assert!(
            s.problems[0].contains("could not be loaded"),
            "{:?}",
            s.problems
        );
    }

    #[test]
    fn an_ended_source_is_not_a_fault() {
        let h = Health::new("gw");
        h.add_source("bench", "stdin", true);
        h.broker("x", true, None);
        h.source_connected("bench", false, None);
        h.source_ended("bench");
        assert!(h.status().healthy);
    }
}
