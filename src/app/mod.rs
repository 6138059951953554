//! The daemon: wires sources, the GS1 engine, events, the outbox and MQTT into one process.

pub mod health;
pub mod http;
pub mod notify;
