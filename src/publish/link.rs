//! One face for rumqttc's MQTT 3.1.1 and MQTT 5 clients.
//!
//! The poll side ([`Link`]) turns rumqttc events into the few [`LinkEvent`]s the publisher needs;
//! the submit side ([`Client`]) only ever uses `try_publish`, so the publisher never waits on the
//! MQTT client (rumqttc's `publish().await` blocks while the broker is down).

use std::time::Duration;

use rumqttc::v5::mqttbytes::v5 as m5;
use rumqttc::{mqttbytes::v4 as m4, Outgoing};

use super::config::{ProtocolVersion, PublisherSettings, Qos, Scheme};
use super::topics::gateway_status_payload;

/// What the publisher learns from the connection.
#[derive(Debug)]
pub(crate) enum LinkEvent {
    /// CONNACK accepted.
    Up {
        session_present: bool,
        /// MQTT 5: the broker's maximum packet size.
        max_packet_size: Option<u32>,
        /// Packet ids of QoS 2 releases (PUBREL) rumqttc resends for the resumed session. New
        /// publishes wait until they complete, so a PUBCOMP can never be taken for a new record
        /// that happened to get the same packet id.
        pending_rel: Vec<u16>,
    },
    /// A publish submitted earlier went out with this packet id (FIFO order of submission).
    Sent(u16),
    /// The broker took responsibility for the publish (PUBACK, or PUBCOMP for QoS 2).
    Acked(u16),
    /// MQTT 5: the broker refused the publish with a reason code.
    Refused {
        pkid: u16,
        reason: String,
        /// False for transient refusals (quota exceeded): retry after reconnect.
        permanent: bool,
    },
    /// A message arrived on a topic we subscribed to (the recall-list topic).
    Message {
        topic: String,
        payload: Vec<u8>,
        retained: bool,
    },
    /// The connection failed; the poll task waits for `quiesced` before it cleans the client
    /// state, so no stale packet id can be matched to a record.
    Down {
        error: String,
        quiesced: tokio::sync::oneshot::Sender<()>,
    },
}

/// Everything needed to publish one message.
pub(crate) struct OutPublish {
    pub topic: String,
    pub retain: bool,
    pub qos: Qos,
    pub payload: Vec<u8>,
    pub content_type: Option<&'static str>,
    pub schema: Option<String>,
    pub expiry: Option<Duration>,
}

/// The submit side.
#[derive(Clone)]
pub(crate) enum Client {
    V4(rumqttc::AsyncClient),
    V5(rumqttc::v5::AsyncClient),
}

fn qos4(q: Qos) -> rumqttc::QoS {
    match q {
        Qos::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
        Qos::ExactlyOnce => rumqttc::QoS::ExactlyOnce,
    }
}
fn qos5(q: Qos) -> rumqttc::v5::mqttbytes::QoS {
    match q {
        Qos::AtLeastOnce => rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
        Qos::ExactlyOnce => rumqttc::v5::mqttbytes::QoS::ExactlyOnce,
    }
}

impl Client {
    /// Queues a publish without waiting. Fails only if the request channel is full or closed.
    pub fn try_publish(&self, p: OutPublish) -> Result<(), String> {
        match self {
            Client::V4(c) => c
                .try_publish(p.topic, qos4(p.qos), p.retain, p.payload)
                .map_err(|e| e.to_string()),
            Client::V5(c) => {
                let mut props = m5::PublishProperties::default();
                if let Some(ct) = p.content_type {
                    props.content_type = Some(ct.to_owned());
                    // UTF-8 payload (all our content types are JSON).
                    props.payload_format_indicator = Some(1);
                }
                props.message_expiry_interval = p.expiry.map(|d| d.as_secs().max(1) as u32);
                if let Some(s) = p.schema {
                    props.user_properties.push(("schema".into(), s));
                }
                c.try_publish_with_properties(p.topic, qos5(p.qos), p.retain, p.payload, props)
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Queues a SUBSCRIBE (QoS 1) without waiting.
    pub fn try_subscribe(&self, filter: &str) -> Result<(), String> {
        match self {
            Client::V4(c) => c
                .try_subscribe(filter, rumqttc::QoS::AtLeastOnce)
                .map_err(|e| e.to_string()),
            Client::V5(c) => c
                .try_subscribe(filter, rumqttc::v5::mqttbytes::QoS::AtLeastOnce)
                .map_err(|e| e.to_string()),
        }
    }

    /// Queues a DISCONNECT.
    pub fn try_disconnect(&self) {
        let _ = match self {
            Client::V4(c) => c.try_disconnect().map_err(|e| e.to_string()),
            Client::V5(c) => c.try_disconnect().map_err(|e| e.to_string()),
        };
    }
}

/// The poll side.
pub(crate) enum Link {
    V4(Box<rumqttc::EventLoop>),
    V5(Box<rumqttc::v5::EventLoop>),
}

/// Builds the client and event loop for the settings.
pub(crate) fn build(s: &PublisherSettings) -> (Client, Link) {
    let window = s.max_inflight as usize;
    // Room for the whole window plus status messages: try_publish never finds it full.
    let cap = window + 64;
    let (host, port) = match s.url.scheme {
        Scheme::Ws | Scheme::Wss => (s.url.websocket_url(), s.url.port),
        _ => (s.url.host.clone(), s.url.port),
    };
    let tls = || {
        s.tls
            .clone()
            .map(rumqttc::TlsConfiguration::Rustls)
            .unwrap_or_default()
    };
    let transport = match s.url.scheme {
        Scheme::Mqtt => rumqttc::Transport::Tcp,
        Scheme::Mqtts => rumqttc::Transport::Tls(tls()),
        Scheme::Ws => rumqttc::Transport::Ws,
        Scheme::Wss => rumqttc::Transport::Wss(tls()),
    };
    let will_topic = s.topics.status();
    let will_payload = gateway_status_payload(false);
    match s.protocol {
        ProtocolVersion::V311 => {
            let mut o = rumqttc::MqttOptions::new(s.client_id.clone(), host, port);
            o.set_transport(transport)
                .set_keep_alive(s.keep_alive)
                // Persistent session: the broker keeps our subscriptions' state and in-flight
                // QoS 2 flows across reconnects. (Needs a non-empty client id; validated.)
                .set_clean_session(false)
                .set_inflight(s.max_inflight)
                .set_request_channel_capacity(cap)
                .set_max_packet_size(s.max_packet_size, s.max_packet_size)
                .set_last_will(m4::LastWill::new(
                    will_topic,
                    will_payload,
                    rumqttc::QoS::AtLeastOnce,
                    true,
                ));
            if let Some((u, p)) = &s.credentials {
                o.set_credentials(u.clone(), p.clone());
            }
            let (c, mut el) = rumqttc::AsyncClient::new(o, cap);
            let mut net = rumqttc::NetworkOptions::new();
            net.set_connection_timeout(s.connect_timeout.as_secs().max(1));
            net.set_tcp_nodelay(true);
            el.set_network_options(net);
            (Client::V4(c), Link::V4(Box::new(el)))
        }
        ProtocolVersion::V5 => {
            let mut o = rumqttc::v5::MqttOptions::new(s.client_id.clone(), host, port);
            o.set_transport(transport)
                .set_keep_alive(s.keep_alive)
                .set_clean_start(false)
                .set_session_expiry_interval(Some(
                    s.session_expiry.as_secs().min(u32::MAX as u64) as u32
                ))
                .set_outgoing_inflight_upper_limit(s.max_inflight)
                .set_request_channel_capacity(cap)
                .set_max_packet_size(Some(s.max_packet_size as u32))
                .set_last_will(m5::LastWill::new(
                    will_topic,
                    will_payload,
                    rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
                    true,
                    None,
                ));
            if let Some((u, p)) = &s.credentials {
                o.set_credentials(u.clone(), p.clone());
            }
            let (c, mut el) = rumqttc::v5::AsyncClient::new(o, cap);
            let mut net = rumqttc::NetworkOptions::new();
            net.set_connection_timeout(s.connect_timeout.as_secs().max(1));
            net.set_tcp_nodelay(true);
            el.options.set_network_options(net);
            (Client::V5(c), Link::V5(Box::new(el)))
        }
    }
}

fn v5_reason(r: m5::PubAckReason) -> Option<(String, bool)> {
    use m5::PubAckReason as R;
    match r {
        R::Success | R::NoMatchingSubscribers => None,
        R::QuotaExceeded => Some(("quota exceeded".into(), false)),
        R::PacketIdentifierInUse => Some(("packet identifier in use".into(), false)),
        R::UnspecifiedError => Some(("unspecified error".into(), false)),
        R::ImplementationSpecificError => Some(("implementation specific error".into(), false)),
        R::NotAuthorized => Some(("not authorized".into(), true)),
        R::TopicNameInvalid => Some(("topic name invalid".into(), true)),
        R::PayloadFormatInvalid => Some(("payload format invalid".into(), true)),
    }
}

fn v5_rec_reason(r: m5::PubRecReason) -> Option<(String, bool)> {
    use m5::PubRecReason as R;
    match r {
        R::Success | R::NoMatchingSubscribers => None,
        R::QuotaExceeded => Some(("quota exceeded".into(), false)),
        R::PacketIdentifierInUse => Some(("packet identifier in use".into(), false)),
        R::UnspecifiedError => Some(("unspecified error".into(), false)),
        R::ImplementationSpecificError => Some(("implementation specific error".into(), false)),
        R::NotAuthorized => Some(("not authorized".into(), true)),
        R::TopicNameInvalid => Some(("topic name invalid".into(), true)),
        R::PayloadFormatInvalid => Some(("payload format invalid".into(), true)),
    }
}

impl Link {
    /// Polls once. `Ok(None)` for events the publisher does not need.
    pub async fn poll(&mut self) -> Result<Option<LinkEvent>, String> {
        match self {
            Link::V4(el) => {
                use rumqttc::{Event, Packet};
                match el.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(c))) => Ok(Some(LinkEvent::Up {
                        session_present: c.session_present,
                        max_packet_size: None,
                        pending_rel: el
                            .pending
                            .iter()
                            .filter_map(|r| match r {
                                rumqttc::Request::PubRel(p) => Some(p.pkid),
                                _ => None,
                            })
                            .collect(),
                    })),
                    Ok(Event::Incoming(Packet::PubAck(a))) => Ok(Some(LinkEvent::Acked(a.pkid))),
                    Ok(Event::Incoming(Packet::PubComp(a))) => Ok(Some(LinkEvent::Acked(a.pkid))),
                    Ok(Event::Outgoing(Outgoing::Publish(pkid))) => Ok(Some(LinkEvent::Sent(pkid))),
                    Ok(Event::Incoming(Packet::Publish(p))) => Ok(Some(LinkEvent::Message {
                        topic: p.topic,
                        payload: p.payload.to_vec(),
                        retained: p.retain,
                    })),
                    Ok(_) => Ok(None),
                    Err(e) => Err(describe_v4(&e)),
                }
            }
            Link::V5(el) => {
                use rumqttc::v5::{Event, Incoming};
                match el.poll().await {
                    Ok(Event::Incoming(Incoming::ConnAck(c))) => Ok(Some(LinkEvent::Up {
                        session_present: c.session_present,
                        max_packet_size: c.properties.and_then(|p| p.max_packet_size),
                        pending_rel: el
                            .pending
                            .iter()
                            .filter_map(|r| match r {
                                rumqttc::v5::Request::PubRel(p) => Some(p.pkid),
                                _ => None,
                            })
                            .collect(),
                    })),
                    Ok(Event::Incoming(Incoming::PubAck(a))) => {
                        Ok(Some(match v5_reason(a.reason) {
                            None => LinkEvent::Acked(a.pkid),
                            Some((reason, permanent)) => LinkEvent::Refused {
                                pkid: a.pkid,
                                reason,
                                permanent,
                            },
                        }))
                    }
                    Ok(Event::Incoming(Incoming::PubRec(r))) => Ok(v5_rec_reason(r.reason).map(
                        |(reason, permanent)| LinkEvent::Refused {
                            pkid: r.pkid,
                            reason,
                            permanent,
                        },
                    )),
                    Ok(Event::Incoming(Incoming::PubComp(a))) => Ok(Some(LinkEvent::Acked(a.pkid))),
                    Ok(Event::Outgoing(Outgoing::Publish(pkid))) => Ok(Some(LinkEvent::Sent(pkid))),
                    Ok(Event::Incoming(Incoming::Publish(p))) => Ok(Some(LinkEvent::Message {
                        topic: String::from_utf8_lossy(&p.topic).into_owned(),
                        payload: p.payload.to_vec(),
                        retained: p.retain,
                    })),
                    Ok(_) => Ok(None),
                    Err(e) => Err(describe_v5(&e)),
                }
            }
        }
    }

    /// After an error (and after the publisher forgot its packet ids): drop rumqttc's own
    /// replay of unacknowledged publishes and any buffered events. The outbox resends everything
    /// unacknowledged after the reconnect instead, whatever the broker's `session_present` says.
    /// Pending PUBRELs stay, so QoS 2 flows the broker still holds are completed.
    pub fn reset(&mut self) {
        match self {
            Link::V4(el) => {
                el.clean();
                el.pending
                    .retain(|r| matches!(r, rumqttc::Request::PubRel(_)));
                el.state.events.clear();
                el.state.collision = None;
            }
            Link::V5(el) => {
                el.clean();
                el.pending
                    .retain(|r| matches!(r, rumqttc::v5::Request::PubRel(_)));
                el.state.events.clear();
                el.state.collision = None;
            }
        }
    }
}

fn describe_v4(e: &rumqttc::ConnectionError) -> String {
    use rumqttc::ConnectionError as E;
    match e {
        E::ConnectionRefused(code) => format!(
            "broker refused the connection: {code:?} (check mqtt.username, the password file and the broker's ACL)"
        ),
        E::Tls(t) => format!("TLS failure: {t} (check mqtt.ca_file, client_cert/client_key and the broker's host name)"),
        other => other.to_string(),
    }
}

fn describe_v5(e: &rumqttc::v5::ConnectionError) -> String {
    use rumqttc::v5::ConnectionError as E;
    match e {
        E::ConnectionRefused(code) => format!(
            "broker refused the connection: {code:?} (check mqtt.username, the password file and the broker's ACL)"
        ),
        E::Tls(t) => format!("TLS failure: {t} (check mqtt.ca_file, client_cert/client_key and the broker's host name)"),
        other => other.to_string(),
    }
}

/// Rough upper bound of a PUBLISH packet's size, to compare with the broker's limit.
pub(crate) fn packet_size_estimate(
    topic: &str,
    payload: &[u8],
    schema: Option<&str>,
    v5: bool,
) -> usize {
    // fixed header (≤5) + topic length (2) + topic + packet id (2) + payload
    let mut n = 5 + 2 + topic.len() + 2 + payload.len();
    if v5 {
        // property length (≤4) + content type (≤~30) + format indicator (2) + expiry (5)
        // + user property "schema"
        n += 4 + 3 + 30 + 2 + 5 + schema.map_or(0, |s| 5 + 6 + s.len());
    }
    n
}
