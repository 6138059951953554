//! # gs1-gateway
//!
//! An edge daemon for NHS Scan4Safety: it reads GS1 barcodes from handheld scanners and cameras,
//! validates them strictly against the GS1 Barcode Syntax Dictionary, classifies each scan
//! (product, patient, staff, location, asset, logistic unit), attaches the point-of-care context,
//! commits it to a durable outbox and publishes it to MQTT — as native JSON, GS1 EPCIS 2.0 and
//! HL7 FHIR R4 — without losing any.
//!
//! ## Data flow
//!
//! Data flows one way, and the module tree follows it:
//!
//! ```text
//!  source  ──►  RawScan  ──►  gs1 (parse)  ──►  event (classify,   ──►  outbox   ──►  publish
//!  serial,                    pure, strict      context, alerts,        (durable,     (MQTT,
//!  keyboard,                                    privacy)                 group        PUBACK
//!  hid, camera                                                           commit)      deletes)
//!  (via decode),                                      │
//!  stdin, replay                                      └──► interop (EPCIS 2.0, FHIR R4)
//! ```
//!
//! - [`source`]: turns device input into [`source::RawScan`]s (I/O is thin; framing, key-maps and
//!   HID POS report decoding are pure state machines).
//! - [`decode`]: pure image decoding for the camera and folder sources (rxing, optionally zxing-cpp).
//! - [`gs1`]: the GS1 engine — pure, no I/O: Application Identifiers, linters, element strings,
//!   bracketed HRI, scanner data with AIM symbology identifiers and GS1 Digital Link URIs.
//! - [`event`]: builds the versioned [`event::ScanEvent`], holds the point-of-care context and
//!   raises expiry/recall alerts.
//! - [`outbox`]: the durable store a scan is committed to before it counts as accepted.
//! - [`publish`]: the MQTT publisher that removes an event from the outbox only once the broker
//!   acknowledged it.
//! - [`interop`]: GS1 EPCIS 2.0 and HL7 FHIR R4 renderings of scan events.
//! - [`config`] and [`app`]: the TOML configuration and the daemon that wires the stages.

pub mod app;
pub mod config;
pub mod decode;
pub mod event;
pub mod gs1;
pub mod interop;
pub mod outbox;
pub mod publish;
pub mod source;
pub mod telemetry;
