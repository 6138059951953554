//! An MQTT broker inside the gateway process (rumqttd), for the built-in default configuration
//! (no external broker needed to try the gateway) and for tests.
//!
//! rumqttd keeps messages in memory only and has no shutdown API: the broker lives until the
//! process exits. Production deployments use an external broker (see the README).

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::{ProtocolVersion, PublishError};

/// A running in-process broker.
#[derive(Debug)]
pub struct EmbeddedBroker {
    addr: SocketAddr,
}

impl EmbeddedBroker {
    /// The address it listens on (the real port when started with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `mqtt://host:port` for [`super::MqttConfig::url`].
    pub fn url(&self) -> String {
        format!("mqtt://{}", self.addr)
    }
}

/// Starts rumqttd on `listen` (port 0 picks a free port) for the given protocol version and
/// returns once it accepts connections (within 10 s).
pub fn start(
    listen: SocketAddr,
    protocol: ProtocolVersion,
) -> Result<EmbeddedBroker, PublishError> {
    let err = |m: String| PublishError::Broker(m);
    // rumqttd does not report the port it bound, nor a failure to bind (its listener thread
    // just ends), so bind here first: a port already in use (a Mosquitto on 1883) is an error
    // now, not a gateway that publishes into someone else's broker.
    let probe = TcpListener::bind(listen).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "address in use".to_owned()
        } else {
            e.to_string()
        };
        err(format!("cannot bind {listen}: {why}"))
    })?;
    let addr = probe.local_addr().map_err(|e| err(e.to_string()))?;
    drop(probe);
    let server = rumqttd::ServerSettings {
        name: "embedded".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections: rumqttd::ConnectionSettings {
            connection_timeout_ms: 60_000,
            max_payload_size: 1 << 20,
            max_inflight_count: 1000,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        },
    };
    let servers = HashMap::from([("1".to_owned(), server)]);
    let (v4, v5) = match protocol {
        ProtocolVersion::V311 => (Some(servers), None),
        ProtocolVersion::V5 => (None, Some(servers)),
    };
    let config = rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: 1000,
            max_outgoing_packet_count: 1000,
            max_segment_size: 16 << 20,
            max_segment_count: 8,
            ..Default::default()
        },
        v4,
        v5,
        ..Default::default()
    };
    std::thread::Builder::new()
        .name("rumqttd".into())
        .spawn(move || {
            let mut broker = rumqttd::Broker::new(config);
            if let Err(e) = broker.start() {
                tracing::error!(error = %e, "embedded MQTT broker stopped");
            }
        })
        .map_err(|e| err(format!("cannot start the broker thread: {e}")))?;
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(EmbeddedBroker { addr });
        }
        if Instant::now() > until {
            return Err(err(format!(
                "the embedded broker did not start listening on {addr}"
            )));
        }
        std::thread::sleep(Duration::from_millis(10)); // polling a port: there is no event to await
    }
}
