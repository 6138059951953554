//! Outbox records: what is stored for each message, and its binary encoding.

use std::time::Duration;

use super::OutboxError;

/// What a message is; decides the topic leaf (`{prefix}/{gateway}/{scanner}/{leaf}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A scan event (`…/scan`).
    Scan,
    /// A patient-safety alert (`…/alert`).
    Alert,
    /// A point-of-care context change (`…/context`).
    Context,
    /// An EPCIS 2.0 rendering (`…/epcis`).
    Epcis,
    /// A FHIR R4 rendering (`…/fhir`).
    Fhir,
    /// A case opening or closing (`…/case`).
    Case,
}

impl MessageKind {
    /// The topic leaf.
    pub fn topic_leaf(self) -> &'static str {
        match self {
            MessageKind::Scan => "scan",
            MessageKind::Alert => "alert",
            MessageKind::Context => "context",
            MessageKind::Epcis => "epcis",
            MessageKind::Fhir => "fhir",
            MessageKind::Case => "case",
        }
    }
    fn code(self) -> u8 {
        match self {
            MessageKind::Scan => 1,
            MessageKind::Alert => 2,
            MessageKind::Context => 3,
            MessageKind::Epcis => 4,
            MessageKind::Fhir => 5,
            MessageKind::Case => 6,
        }
    }
    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            1 => MessageKind::Scan,
            2 => MessageKind::Alert,
            3 => MessageKind::Context,
            4 => MessageKind::Epcis,
            5 => MessageKind::Fhir,
            6 => MessageKind::Case,
            _ => return None,
        })
    }
}

/// The payload's MIME type (MQTT 5 content type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// `application/json` (native scan events, alerts, context).
    Json,
    /// `application/ld+json` (EPCIS 2.0 JSON-LD).
    JsonLd,
    /// `application/fhir+json` (FHIR R4).
    FhirJson,
}

impl ContentType {
    /// The MIME type.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::JsonLd => "application/ld+json",
            ContentType::FhirJson => "application/fhir+json",
        }
    }
    fn code(self) -> u8 {
        match self {
            ContentType::Json => 1,
            ContentType::JsonLd => 2,
            ContentType::FhirJson => 3,
        }
    }
    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            1 => ContentType::Json,
            2 => ContentType::JsonLd,
            3 => ContentType::FhirJson,
            _ => return None,
        })
    }
}

/// One message to store and later publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The scanner (source id) it belongs to; a single MQTT topic level.
    pub scanner_id: String,
    /// What it is (decides the topic).
    pub kind: MessageKind,
    /// Its MIME type.
    pub content_type: ContentType,
    /// Schema identifier sent as the MQTT 5 user property `schema`
    /// (e.g. `gs1-gateway/scan-event/1`).
    pub schema: Option<String>,
    /// MQTT 5 message expiry (used for context messages, which go stale).
    pub expiry: Option<Duration>,
    /// The serialized payload.
    pub payload: Vec<u8>,
}

impl Message {
    /// A JSON message of the given kind.
    pub fn json(scanner_id: impl Into<String>, kind: MessageKind, payload: Vec<u8>) -> Self {
        Message {
            scanner_id: scanner_id.into(),
            kind,
            content_type: ContentType::Json,
            schema: None,
            expiry: None,
            payload,
        }
    }

    /// Sets the schema user property.
    pub fn with_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<(), OutboxError> {
        let id = &self.scanner_id;
        if id.is_empty() || id.len() > 256 || id.contains(['/', '+', '#', '\0']) {
            return Err(OutboxError::InvalidMessage(format!(
                "scanner id {id:?} is not a single MQTT topic level (non-empty, at most 256 bytes, no '/', '+', '#')"
            )));
        }
        if self
            .schema
            .as_ref()
            .is_some_and(|s| s.len() > u16::MAX as usize)
        {
            return Err(OutboxError::InvalidMessage("schema too long".into()));
        }
        Ok(())
    }
}

/// A message as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Internal record id (increasing).
    pub id: u64,
    /// The per-gateway sequence of the append that stored it.
    pub sequence: u64,
    /// When the append was requested, microseconds since the Unix epoch.
    pub appended_at_us: u64,
    /// The message.
    pub message: Message,
}

/// A message that could not be delivered and was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The stored message.
    pub record: StoredMessage,
    /// Why it was set aside.
    pub reason: String,
}

const VERSION: u8 = 1;

/// Layout: version u8, kind u8, content type u8, flags u8 (bit0 schema, bit1 expiry),
/// sequence u64, appended_at_us u64, expiry_ms u64 (if flag), scanner_id len u16 + bytes,
/// schema len u16 + bytes (if flag), payload (rest). Little endian.
pub(crate) fn encode(sequence: u64, appended_at_us: u64, m: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        32 + m.scanner_id.len() + m.schema.as_ref().map_or(0, |s| s.len()) + m.payload.len(),
    );
    let flags = u8::from(m.schema.is_some()) | (u8::from(m.expiry.is_some()) << 1);
    out.extend_from_slice(&[VERSION, m.kind.code(), m.content_type.code(), flags]);
    out.extend_from_slice(&sequence.to_le_bytes());
    out.extend_from_slice(&appended_at_us.to_le_bytes());
    if let Some(e) = m.expiry {
        out.extend_from_slice(&(e.as_millis() as u64).to_le_bytes());
    }
    out.extend_from_slice(&(m.scanner_id.len() as u16).to_le_bytes());
    out.extend_from_slice(m.scanner_id.as_bytes());
    if let Some(s) = &m.schema {
        out.extend_from_slice(&(s.len() as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    out.extend_from_slice(&m.payload);
    out
}

pub(crate) fn decode(id: u64, b: &[u8]) -> Result<StoredMessage, OutboxError> {
    let corrupt = |reason: &str| OutboxError::Corrupt {
        id,
        reason: reason.to_owned(),
    };
    let mut r = Reader { b, pos: 0 };
    let head = r.take(4).ok_or_else(|| corrupt("truncated header"))?;
    if head[0] != VERSION {
        return Err(corrupt("unknown record version"));
    }
    let kind = MessageKind::from_code(head[1]).ok_or_else(|| corrupt("unknown kind"))?;
    let content_type =
        ContentType::from_code(head[2]).ok_or_else(|| corrupt("unknown content type"))?;
    let flags = head[3];
    let sequence = r.u64().ok_or_else(|| corrupt("truncated sequence"))?;
    let appended_at_us = r.u64().ok_or_else(|| corrupt("truncated time"))?;
    let expiry = if flags & 2 != 0 {
        Some(Duration::from_millis(
            r.u64().ok_or_else(|| corrupt("truncated expiry"))?,
        ))
    } else {
        None
    };
    let scanner_id = r.string().ok_or_else(|| corrupt("bad scanner id"))?;
    let schema = if flags & 1 != 0 {
        Some(r.string().ok_or_else(|| corrupt("bad schema"))?)
    } else {
        None
    };
    let payload = b[r.pos..].to_vec();
    Ok(StoredMessage {
        id,
        sequence,
        appended_at_us,
        message: Message {
            scanner_id,
            kind,
            content_type,
            schema,
            expiry,
            payload,
        },
    })
}

/// Reads only the append time (for age checks without decoding the payload).
pub(crate) fn appended_at_us(b: &[u8]) -> Option<u64> {
    b.get(12..20)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_le_bytes)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_le_bytes)
    }
    fn string(&mut self) -> Option<String> {
        let len = self
            .take(2)
            .and_then(|s| s.try_into().ok())
            .map(u16::from_le_bytes)?;
        let s = self.take(len as usize)?;
        String::from_utf8(s.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let m = Message {
            scanner_id: "ward-7-scanner".into(),
            kind: MessageKind::Context,
            content_type: ContentType::JsonLd,
            schema: Some("gs1-gateway/scan-event/1".into()),
            expiry: Some(Duration::from_secs(900)),
            payload: b"{\"a\":1}".to_vec(),
        };
        let b = encode(42, 1_700_000_000_000_000, &m);
        assert_eq!(appended_at_us(&b), Some(1_700_000_000_000_000));
        let s = decode(7, &b).unwrap();
        assert_eq!(s.id, 7);
        assert_eq!(s.sequence, 42);
        assert_eq!(s.message, m);
        let plain = Message::json("s1", MessageKind::Scan, vec![]);
        assert_eq!(decode(1, &encode(1, 2, &plain)).unwrap().message, plain);
    }

    #[test]
    fn truncated_or_unknown_records_are_errors_not_panics() {
        let m = Message::json("s1", MessageKind::Scan, b"x".to_vec()).with_schema("s");
        let b = encode(1, 2, &m);
        for n in 0..b.len() - 1 {
            // every strict prefix short of the payload must fail cleanly or decode a shorter payload
            let _ = decode(1, &b[..n]);
        }
        assert!(decode(1, &[9, 1, 1, 0]).is_err());
        assert!(decode(1, &b[..10]).is_err());
    }

    #[test]
    fn scanner_ids_must_be_one_topic_level() {
        for bad in ["", "a/b", "a+", "#"] {
            assert!(Message::json(bad, MessageKind::Scan, vec![])
                .validate()
                .is_err());
        }
        assert!(Message::json("usb-1", MessageKind::Scan, vec![])
            .validate()
            .is_ok());
    }
}
