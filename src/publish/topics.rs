//! Topic names.
//!
//! ```text
//! {prefix}/{gateway_id}/status                 retained {"online":true|false} (Last Will: false)
//! {prefix}/{gateway_id}/{scanner_id}/status    retained {"connected":true|false}
//! {prefix}/{gateway_id}/{scanner_id}/scan      scan events
//! {prefix}/{gateway_id}/{scanner_id}/alert     expiry/recall alerts
//! {prefix}/{gateway_id}/{scanner_id}/context   point-of-care context changes
//! {prefix}/{gateway_id}/{scanner_id}/epcis     EPCIS 2.0 renderings
//! {prefix}/{gateway_id}/{scanner_id}/fhir      FHIR R4 renderings
//! ```
//! The gateway id comes early so that broker ACLs can grant a gateway `{prefix}/{gateway_id}/#`.

use super::PublishError;
use crate::outbox::MessageKind;

/// Renders the gateway's topics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    base: String,
}

fn check_levels(what: &str, s: &str, single: bool) -> Result<(), PublishError> {
    let bad = |why: &str| PublishError::Config(format!("{what} {s:?}: {why}"));
    if s.is_empty() {
        return Err(bad("must not be empty"));
    }
    if s.contains(['+', '#', '\0']) {
        return Err(bad("must not contain the MQTT wildcards '+' or '#'"));
    }
    if single && s.contains('/') {
        return Err(bad("must be a single topic level (no '/')"));
    }
    if s.starts_with('/') || s.ends_with('/') || s.contains("//") {
        return Err(bad(
            "must not start or end with '/' or contain an empty level",
        ));
    }
    Ok(())
}

impl Topics {
    /// Topics under `{prefix}/{gateway_id}`.
    pub fn new(prefix: &str, gateway_id: &str) -> Result<Topics, PublishError> {
        check_levels("mqtt.topic_prefix", prefix, false)?;
        check_levels("gateway id", gateway_id, true)?;
        Ok(Topics {
            base: format!("{prefix}/{gateway_id}"),
        })
    }

    /// The gateway's retained status topic (also the Last Will topic).
    pub fn status(&self) -> String {
        format!("{}/status", self.base)
    }

    /// A scanner's retained status topic.
    pub fn scanner_status(&self, scanner_id: &str) -> String {
        format!("{}/{scanner_id}/status", self.base)
    }

    /// The topic of a message of `kind` from `scanner_id`.
    pub fn event(&self, scanner_id: &str, kind: MessageKind) -> String {
        format!("{}/{scanner_id}/{}", self.base, kind.topic_leaf())
    }
}

/// The retained gateway status payload (no patient data, ever).
pub fn gateway_status_payload(online: bool) -> Vec<u8> {
    format!("{{\"online\":{online}}}").into_bytes()
}

/// The retained scanner status payload (no patient data, ever).
pub fn scanner_status_payload(connected: bool) -> Vec<u8> {
    format!("{{\"connected\":{connected}}}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_follow_the_documented_layout() {
        let t = Topics::new("scan4safety/v1", "theatre-3-edge-1").unwrap();
        assert_eq!(t.status(), "scan4safety/v1/theatre-3-edge-1/status");
        assert_eq!(
            t.scanner_status("usb-1"),
            "scan4safety/v1/theatre-3-edge-1/usb-1/status"
        );
        for (k, leaf) in [
            (MessageKind::Scan, "scan"),
            (MessageKind::Alert, "alert"),
            (MessageKind::Context, "context"),
            (MessageKind::Epcis, "epcis"),
            (MessageKind::Fhir, "fhir"),
            (MessageKind::Case, "case"),
        ] {
            assert_eq!(
                t.event("usb-1", k),
                format!("scan4safety/v1/theatre-3-edge-1/usb-1/{leaf}")
            );
        }
        assert_eq!(gateway_status_payload(false), b"{\"online\":false}");
    }

    #[test]
    fn wildcards_and_empty_levels_are_rejected() {
        for (p, g) in [
            ("a/+", "g"),
            ("#", "g"),
            ("/a", "g"),
            ("a//b", "g"),
            ("a", "g/h"),
            ("a", ""),
        ] {
            assert!(Topics::new(p, g).is_err(), "{p} {g}");
        }
    }
}
