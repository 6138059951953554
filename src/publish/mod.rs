//! Stage 5: MQTT publishing.
//!
//! # Guarantees
//!
//! - **At least once, never lost.** A record leaves the outbox only after the broker acknowledged
//!   it (PUBACK for QoS 1, PUBCOMP for QoS 2). Everything unacknowledged is resent after every
//!   reconnect and after a restart. Consumers deduplicate on `event_id`.
//! - **A scan never waits on MQTT.** Scans are committed to the outbox; the publisher works from
//!   there in its own task and never awaits a publish (rumqttc's `publish().await` blocks while
//!   the broker is down).
//! - **No reconnect storm.** After an error the poll task waits with capped exponential back-off
//!   and jitter (`reconnect_min` … `reconnect_max`).
//! - **Bounded.** At most `max_inflight` publishes are outstanding; the outbox is read in pages.
//! - **Presence without patient data.** Retained `{prefix}/{gateway}/status` is
//!   `{"online":true}` after every connect and `{"online":false}` as Last Will and on clean
//!   shutdown; retained `{prefix}/{gateway}/{scanner}/status` is `{"connected":…}`.
//! - **MQTT 5 extras.** Content type (`application/json`, `application/ld+json`,
//!   `application/fhir+json`) with the UTF-8 payload format indicator, message expiry on context
//!   messages, user property `schema` with the schema version, session expiry instead of clean
//!   session, and the broker's maximum packet size and PUBACK reason codes are honoured
//!   (permanent refusals go to the dead-letter table).
//!
//! # Brief overview
//!
//! [`MqttConfig`] (serde, `[mqtt]`) → [`MqttConfig::validate`] → [`PublisherSettings`] →
//! [`spawn`] → [`PublisherHandle`] (stats, scanner status, join). [`topics`] renders topic names;
//! [`broker`] runs an in-process rumqttd.

pub mod broker;
mod config;
mod link;
mod publisher;
mod stats;
pub mod tls;
pub mod topics;

pub use config::{BrokerUrl, MqttConfig, ProtocolVersion, PublisherSettings, Qos, Scheme};
pub use publisher::{spawn, spawn_with_inbox, InboundMessage, Inbox, PublisherHandle};
pub use stats::{LatencyHistogram, PublishStats, PublisherSnapshot};
pub use topics::Topics;

/// Errors of the publisher's setup (the running publisher reports connection problems through
/// its stats and logs, and keeps retrying).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The `[mqtt]` configuration is invalid; the message says what to fix.
    #[error("MQTT configuration: {0}")]
    Config(String),
    /// The embedded broker could not start.
    #[error("embedded MQTT broker: {0}")]
    Broker(String),
}
