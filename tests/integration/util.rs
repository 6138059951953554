//! See main.rs.

/// A pseudo-terminal standing in for a serial scanner: the test writes to `master` (what the
/// scanner sends) and the gateway opens `path` (the slave) through tokio-serial. Dropping the
/// pair is unplugging the scanner.
pub struct PtyPair {
    /// The scanner's end.
    pub master: std::fs::File,
    /// Kept open so the slave exists until the test drops the pair.
    pub _slave: std::os::fd::OwnedFd,
    /// `/dev/pts/N`.
    pub path: std::path::PathBuf,
}

/// Opens a new pseudo-terminal pair.
pub fn pty_pair() -> PtyPair {
    let pty = nix::pty::openpty(None, None).expect("openpty: /dev/ptmx must work on test machines");
    let path = nix::unistd::ttyname(&pty.slave).expect("ttyname of a fresh pty slave");
    // openpty(3) does not set close-on-exec: without it a spawned `gs1-gateway` would inherit the
    // master and the "unplug" (closing it) would never happen.
    for fd in [&pty.master, &pty.slave] {
        use std::os::fd::AsRawFd;
        nix::fcntl::fcntl(
            fd.as_raw_fd(),
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        )
        .expect("setting FD_CLOEXEC on a pty");
    }
    PtyPair {
        master: std::fs::File::from(pty.master),
        _slave: pty.slave,
        path,
    }
}

/// The bytes of a file under `hardware-fixtures/`.
pub fn hardware_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("hardware-fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Brokers and subscribers (outbox / mqtt areas).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gs1_gateway::publish::{broker, ProtocolVersion};

/// A free TCP port on 127.0.0.1 (bound and released; the caller binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding 127.0.0.1:0 always works on the test machine")
}

/// Starts an in-process rumqttd (MQTT 3.1.1) on a free port and returns its address.
pub fn start_rumqttd() -> SocketAddr {
    broker::start("127.0.0.1:0".parse().unwrap(), ProtocolVersion::V311)
        .expect("embedded rumqttd starts")
        .addr()
}

/// Waits until something accepts TCP connections on `port` (a port has no event to await).
#[cfg_attr(not(feature = "mosquitto-tests"), allow(dead_code))]
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let until = Instant::now() + timeout;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    while Instant::now() < until {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// A Mosquitto broker run by a test: its own config file, persistence and log in a temp dir,
/// on a free port. Killed when dropped.
#[cfg_attr(not(feature = "mosquitto-tests"), allow(dead_code))]
pub struct Mosquitto {
    /// The listener port.
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

#[cfg_attr(not(feature = "mosquitto-tests"), allow(dead_code))]
impl Mosquitto {
    /// Writes a config file (persistence on, no queue or in-flight limits that would drop QoS 1
    /// messages, saving every second, running as the current user, logging to a file) plus
    /// `extra` lines for the listener (TLS, auth, limits), and starts the broker.
    pub fn start(extra: &str) -> Mosquitto {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
        let conf = format!(
            "per_listener_settings false\n\
             persistence true\n\
             persistence_location {d}/\n\
             autosave_interval 1\n\
             max_queued_messages 0\n\
             max_queued_bytes 0\n\
             max_inflight_messages 0\n\
             user {user}\n\
             log_dest file {d}/mosquitto.log\n\
             log_type all\n\
             listener {port} 127.0.0.1\n\
             {extra}\n",
            d = dir.path().display()
        );
        std::fs::write(dir.path().join("mosquitto.conf"), conf).unwrap();
        let mut m = Mosquitto {
            port,
            dir,
            child: None,
        };
        m.restart();
        m
    }

    /// `mqtt://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the broker with the same config and persistence file.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "broker already running");
        let child = Command::new("/usr/sbin/mosquitto")
            .arg("-c")
            .arg(self.dir.path().join("mosquitto.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        self.child = Some(child);
        assert!(
            wait_for_port(self.port, Duration::from_secs(10)),
            "mosquitto did not listen on {}; log:\n{}",
            self.port,
            self.log()
        );
    }

    /// Stops the broker gracefully (SIGTERM, so it saves its persistence file) and waits.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status();
            let until = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                if Instant::now() > until {
                    let _ = c.kill();
                    let _ = c.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    /// The broker's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One message a [`Subscriber`] received.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "mosquitto-tests"), allow(dead_code))]
pub struct Received {
    pub topic: String,
    pub payload: Vec<u8>,
    pub retain: bool,
    pub qos: u8,
    /// MQTT 5 content type.
    pub content_type: Option<String>,
    /// MQTT 5 user properties.
    pub user_properties: Vec<(String, String)>,
    /// MQTT 5 message expiry interval (seconds).
    pub expiry: Option<u32>,
}

/// An independent rumqttc subscriber running in its own task, reconnecting after errors.
pub struct Subscriber {
    rx: tokio::sync::mpsc::UnboundedReceiver<Received>,
    cancel: tokio_util::sync::CancellationToken,
}

impl Subscriber {
    /// Connects to `127.0.0.1:port` as `client_id` (persistent session if `persistent`),
    /// subscribes to `filter` with QoS 1 and returns once the SUBACK arrived.
    pub async fn connect(
        port: u16,
        client_id: &str,
        filter: &str,
        persistent: bool,
        protocol: ProtocolVersion,
    ) -> Subscriber {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (subacked_tx, subacked_rx) = tokio::sync::oneshot::channel();
        let cancel = tokio_util::sync::CancellationToken::new();
        let c2 = cancel.clone();
        let filter = filter.to_owned();
        let id = client_id.to_owned();
        match protocol {
            ProtocolVersion::V311 => {
                use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
                let mut o = MqttOptions::new(id, "127.0.0.1", port);
                o.set_clean_session(!persistent)
                    .set_keep_alive(Duration::from_secs(5))
                    .set_max_packet_size(1 << 22, 1 << 22);
                let (client, mut el) = AsyncClient::new(o, 100);
                tokio::spawn(async move {
                    let mut subacked = Some(subacked_tx);
                    let mut subscribed = false;
                    loop {
                        let ev =
                            tokio::select! { _ = c2.cancelled() => break, ev = el.poll() => ev };
                        match ev {
                            Ok(Event::Incoming(Packet::ConnAck(_))) if !subscribed => {
                                subscribed = true;
                                let _ = client.try_subscribe(filter.clone(), QoS::AtLeastOnce);
                            }
                            Ok(Event::Incoming(Packet::SubAck(_))) => {
                                if let Some(t) = subacked.take() {
                                    let _ = t.send(());
                                }
                            }
                            Ok(Event::Incoming(Packet::Publish(p))) => {
                                let _ = tx.send(Received {
                                    topic: p.topic.clone(),
                                    payload: p.payload.to_vec(),
                                    retain: p.retain,
                                    qos: p.qos as u8,
                                    content_type: None,
                                    user_properties: vec![],
                                    expiry: None,
                                });
                            }
                            Ok(_) => {}
                            // Back off before reconnecting (the broker may be restarting).
                            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                        }
                    }
                });
            }
            ProtocolVersion::V5 => {
                use rumqttc::v5::mqttbytes::QoS;
                use rumqttc::v5::{AsyncClient, Event, Incoming, MqttOptions};
                let mut o = MqttOptions::new(id, "127.0.0.1", port);
                o.set_clean_start(!persistent)
                    .set_keep_alive(Duration::from_secs(5))
                    .set_max_packet_size(Some(1 << 22));
                if persistent {
                    o.set_session_expiry_interval(Some(3600));
                }
                let (client, mut el) = AsyncClient::new(o, 100);
                tokio::spawn(async move {
                    let mut subacked = Some(subacked_tx);
                    let mut subscribed = false;
                    loop {
                        let ev =
                            tokio::select! { _ = c2.cancelled() => break, ev = el.poll() => ev };
                        match ev {
                            Ok(Event::Incoming(Incoming::ConnAck(_))) if !subscribed => {
                                subscribed = true;
                                let _ = client.try_subscribe(filter.clone(), QoS::AtLeastOnce);
                            }
                            Ok(Event::Incoming(Incoming::SubAck(_))) => {
                                if let Some(t) = subacked.take() {
                                    let _ = t.send(());
                                }
                            }
                            Ok(Event::Incoming(Incoming::Publish(p))) => {
                                let props = p.properties.clone().unwrap_or_default();
                                let _ = tx.send(Received {
                                    topic: String::from_utf8_lossy(&p.topic).into_owned(),
                                    payload: p.payload.to_vec(),
                                    retain: p.retain,
                                    qos: p.qos as u8,
                                    content_type: props.content_type,
                                    user_properties: props.user_properties,
                                    expiry: props.message_expiry_interval,
                                });
                            }
                            Ok(_) => {}
                            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                        }
                    }
                });
            }
        }
        tokio::time::timeout(Duration::from_secs(10), subacked_rx)
            .await
            .expect("subscriber got its SUBACK within 10 s")
            .expect("subscriber task alive");
        Subscriber { rx, cancel }
    }

    /// The next message, or `None` after `timeout`.
    #[cfg_attr(not(feature = "mosquitto-tests"), allow(dead_code))]
    pub async fn next(&mut self, timeout: Duration) -> Option<Received> {
        tokio::time::timeout(timeout, self.rx.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next message on a topic ending in `suffix` (others are skipped), or `None`.
    pub async fn next_on(&mut self, suffix: &str, timeout: Duration) -> Option<Received> {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            let r = tokio::time::timeout_at(until, self.rx.recv())
                .await
                .ok()
                .flatten()?;
            if r.topic.ends_with(suffix) {
                return Some(r);
            }
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// A realistic scan event (product with batch, expiry and serial) for outbox/MQTT tests.
pub fn sample_event(gateway: &str, scanner: &str, sequence: u64) -> gs1_gateway::event::ScanEvent {
    use gs1_gateway::event::{EventElement, ScanEvent, ScanKind, SCAN_EVENT_SCHEMA};
    let el = |ai: &str, title: &str, value: &str| EventElement {
        ai: ai.into(),
        title: title.into(),
        value: value.into(),
    };
    ScanEvent {
        event_id: uuid::Uuid::now_v7(),
        schema: SCAN_EVENT_SCHEMA.into(),
        gateway_id: gateway.into(),
        scanner_id: scanner.into(),
        source: gs1_gateway::source::SourceKind::Serial,
        scanned_at: time::OffsetDateTime::now_utc(),
        sequence,
        symbology: Some("]d2".into()),
        raw: "01095060001343521726123110ABC123\u{1d}21S1".into(),
        raw_hex: None,
        raw_withheld: None,
        valid: true,
        kind: ScanKind::Product,
        elements: vec![
            el("01", "GTIN", "09506000134352"),
            el("17", "USE BY OR EXPIRY", "261231"),
            el("10", "BATCH/LOT", "ABC123"),
            el("21", "SERIAL", "S1"),
        ],
        hri: Some("(01)09506000134352(17)261231(10)ABC123(21)S1".into()),
        digital_link: Some("https://id.gs1.org/01/09506000134352/10/ABC123/21/S1?17=261231".into()),
        warnings: vec![],
        error: None,
        gtin: Some("09506000134352".into()),
        batch: Some("ABC123".into()),
        expiry: Some(time::macros::date!(2026 - 12 - 31)),
        expiry_time: None,
        best_before: None,
        production_date: None,
        quantity: None,
        intended_recipient: None,
        nhs_number: None,
        serial: Some("S1".into()),
        gsrn: None,
        srin: None,
        gln: None,
        gln_extension: None,
        sscc: None,
        giai: None,
        grai: None,
        linked_scan: None,
        case_id: None,
        hibc: None,
        context: None,
        alerts: vec![],
        redactions: vec![],
    }
}

/// The outbox message for a scan event (JSON on `…/scan`, schema user property).
pub fn scan_message(ev: &gs1_gateway::event::ScanEvent) -> gs1_gateway::outbox::Message {
    use gs1_gateway::outbox::{Message, MessageKind};
    Message::json(
        ev.scanner_id.clone(),
        MessageKind::Scan,
        serde_json::to_vec(ev).expect("a ScanEvent always serializes"),
    )
    .with_schema(ev.schema.clone())
}

/// Path of the running test binary, to re-run it as a child process.
pub fn test_binary() -> PathBuf {
    std::env::current_exe().expect("current exe")
}
