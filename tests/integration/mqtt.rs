//! Publishing to an in-process rumqttd and to Mosquitto: events in, events out, field by field;
//! presence; faults; zero loss across broker restarts and SIGKILL.

use std::time::Duration;

use gs1_gateway::event::ScanEvent;
use gs1_gateway::outbox::{Outbox, OutboxConfig};
use gs1_gateway::publish::{self, MqttConfig, ProtocolVersion, PublisherHandle};
use tokio_util::sync::CancellationToken;

use crate::util::{sample_event, scan_message, start_rumqttd, Subscriber};

const WAIT: Duration = Duration::from_secs(20);

fn mqtt_config(url: &str, prefix: &str) -> MqttConfig {
    MqttConfig {
        url: url.to_owned(),
        topic_prefix: prefix.to_owned(),
        reconnect_min: Duration::from_millis(50),
        reconnect_max: Duration::from_millis(500),
        ..MqttConfig::default()
    }
}

async fn append_event(outbox: &Outbox, gateway: &str, scanner: &str) -> ScanEvent {
    let (gw, sc) = (gateway.to_owned(), scanner.to_owned());
    let (tx, rx) = tokio::sync::oneshot::channel();
    outbox
        .append(move |seq| {
            let ev = sample_event(&gw, &sc, seq);
            let m = scan_message(&ev);
            let _ = tx.send(ev);
            vec![m]
        })
        .await
        .expect("append");
    rx.await.expect("event built")
}

fn start(cfg: &MqttConfig, gateway: &str, outbox: &Outbox) -> (PublisherHandle, CancellationToken) {
    let settings = cfg.validate(gateway).expect("valid config");
    let token = CancellationToken::new();
    let h = publish::spawn(settings, outbox.clone(), token.clone());
    (h, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_reach_an_independent_subscriber_field_by_field_via_rumqttd() {
    let addr = start_rumqttd();
    let mut sub =
        Subscriber::connect(addr.port(), "it-sub", "s4s/#", false, ProtocolVersion::V311).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
    let cfg = mqtt_config(&format!("mqtt://{addr}"), "s4s/v1");
    let (h, token) = start(&cfg, "theatre-3-edge-1", &outbox);

    let online = sub.next_on("/status", WAIT).await.expect("status message");
    assert_eq!(online.topic, "s4s/v1/theatre-3-edge-1/status");
    assert_eq!(online.payload, br#"{"online":true}"#);

    h.set_scanner_status("usb-1", true).await;
    let st = sub
        .next_on("usb-1/status", WAIT)
        .await
        .expect("scanner status");
    assert_eq!(st.topic, "s4s/v1/theatre-3-edge-1/usb-1/status");
    assert_eq!(st.payload, br#"{"connected":true}"#);

    let mut sent = Vec::new();
    for _ in 0..20 {
        sent.push(append_event(&outbox, "theatre-3-edge-1", "usb-1").await);
    }
    for expected in &sent {
        let got = sub.next_on("/scan", WAIT).await.expect("scan event");
        assert_eq!(got.topic, "s4s/v1/theatre-3-edge-1/usb-1/scan");
        assert_eq!(got.qos, 1);
        assert!(!got.retain, "events are never retained");
        let ev: ScanEvent = serde_json::from_slice(&got.payload).expect("payload is a ScanEvent");
        assert_eq!(ev.event_id, expected.event_id);
        assert_eq!(ev.sequence, expected.sequence);
        assert_eq!(ev.gtin.as_deref(), Some("09506000134352"));
        assert_eq!(ev.batch.as_deref(), Some("ABC123"));
        assert_eq!(ev.expiry, expected.expiry);
        assert_eq!(ev.raw, expected.raw);
        assert_eq!(ev.elements, expected.elements);
        assert_eq!(
            gs1_gateway::event::rfc3339_millis::format(&ev.scanned_at),
            gs1_gateway::event::rfc3339_millis::format(&expected.scanned_at)
        );
        assert_eq!(ev.schema, "gs1-gateway/scan-event/1");
    }
    let seqs: Vec<u64> = sent.iter().map(|e| e.sequence).collect();
    assert_eq!(seqs, (0..20).collect::<Vec<_>>());

    let snap = h
        .wait_until(WAIT, |s| s.acked == 20 && s.outbox.depth == 0)
        .await
        .expect("every event acknowledged and removed from the outbox");
    assert!(snap.connected);
    assert_eq!(snap.published, 20);
    assert!(snap.latency_p99.is_some());

    token.cancel();
    h.join().await;
    let off = sub
        .next_on("theatre-3-edge-1/status", WAIT)
        .await
        .expect("offline status");
    assert_eq!(off.payload, br#"{"online":false}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_appended_while_no_broker_runs_are_delivered_once_it_starts() {
    let port = crate::util::free_port();
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
    let cfg = mqtt_config(&format!("mqtt://127.0.0.1:{port}"), "s4s/v1");
    let (h, token) = start(&cfg, "gw-offline", &outbox);
    let mut sent = Vec::new();
    for _ in 0..50 {
        // Appends complete although no broker is reachable: a scan never waits on MQTT.
        sent.push(append_event(&outbox, "gw-offline", "cam-1").await.event_id);
    }
    let snap = h
        .wait_until(WAIT, |s| s.connection_errors >= 2)
        .await
        .expect("connection errors are counted");
    assert!(!snap.connected);
    assert_eq!(snap.outbox.depth, 50);
    assert!(snap.last_error.is_some());

    gs1_gateway::publish::broker::start(
        format!("127.0.0.1:{port}").parse().unwrap(),
        ProtocolVersion::V311,
    )
    .unwrap();
    let mut sub =
        Subscriber::connect(port, "it-sub-2", "s4s/#", false, ProtocolVersion::V311).await;
    h.wait_until(WAIT, |s| s.outbox.depth == 0)
        .await
        .expect("backlog drained after the broker came up");
    // The subscriber connected after delivery (rumqttd keeps no queue for it), so check the
    // outbox side: every event was acknowledged exactly once by the broker.
    assert_eq!(h.snapshot().acked, 50);
    // New events flow to the subscriber (it may first see the tail of the backlog).
    let ev = append_event(&outbox, "gw-offline", "cam-1").await;
    loop {
        let got = sub.next_on("/scan", WAIT).await.expect("live event");
        let got: ScanEvent = serde_json::from_slice(&got.payload).unwrap();
        if got.event_id == ev.event_id {
            assert_eq!(got.sequence, 50);
            break;
        }
        assert!(
            sent.contains(&got.event_id),
            "only backlog events come before it"
        );
    }
    token.cancel();
    h.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_outbox_rejects_scans_loudly_and_accepts_again_after_delivery() {
    use gs1_gateway::outbox::{ByteSize, OutboxError};
    let dir = tempfile::tempdir().unwrap();
    let mut ocfg = OutboxConfig::at(dir.path());
    ocfg.max_bytes = ByteSize(8 * 1024);
    let outbox = Outbox::open(&ocfg).unwrap();
    // No broker yet: fill the outbox.
    let mut accepted = 0u64;
    let err = loop {
        let r = outbox
            .append(|seq| vec![scan_message(&sample_event("gw-full", "s1", seq))])
            .await;
        match r {
            Ok(_) => accepted += 1,
            Err(e) => break e,
        }
    };
    assert!(matches!(err, OutboxError::Full { .. }), "{err}");
    assert!(accepted > 2);
    assert_eq!(outbox.stats().rejected_full, 1);
    let addr = start_rumqttd();
    let cfg = mqtt_config(&format!("mqtt://{addr}"), "s4s/v1");
    let (h, token) = start(&cfg, "gw-full", &outbox);
    h.wait_until(WAIT, |s| s.acked == accepted && s.outbox.depth == 0)
        .await
        .expect("the stored scans are delivered");
    // Room again; the rejected scan did not use a sequence number.
    let r = outbox
        .append(|seq| vec![scan_message(&sample_event("gw-full", "s1", seq))])
        .await
        .expect("accepted again");
    assert_eq!(r.sequence, accepted);
    token.cancel();
    h.join().await;
}

/// rumqttc alone retries as fast as errors return (hundreds of thousands of times a second);
/// the publisher waits with capped exponential back-off. Virtual time: 60 s pass instantly.
#[tokio::test(start_paused = true)]
async fn reconnects_back_off_instead_of_spinning() {
    let port = crate::util::free_port(); // nothing listens there
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
    let mut cfg = mqtt_config(&format!("mqtt://127.0.0.1:{port}"), "s4s/v1");
    cfg.reconnect_min = Duration::from_millis(250);
    cfg.reconnect_max = Duration::from_secs(5);
    let (h, token) = start(&cfg, "gw-backoff", &outbox);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let n = h.snapshot().connection_errors;
    // 250 ms doubling to 5 s, each wait jittered to 50–100 %: between ~10 and ~35 attempts.
    assert!((5..=40).contains(&n), "{n} connection attempts in 60 s");
    token.cancel();
    h.join().await;
}

/// Interoperability with the system Mosquitto (`--features mosquitto-tests`).
#[cfg(feature = "mosquitto-tests")]
mod mosquitto {
    use std::collections::{BTreeMap, HashSet};
    use std::process::{Command, Stdio};

    use super::*;
    use crate::util::{test_binary, Mosquitto};
    use gs1_gateway::outbox::{ContentType, Message, MessageKind};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mqtt5_properties_topics_and_presence_against_mosquitto() {
        let broker = Mosquitto::start("allow_anonymous true");
        let mut sub =
            Subscriber::connect(broker.port, "sub-v5", "s4s/#", true, ProtocolVersion::V5).await;
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
        let mut cfg = mqtt_config(&broker.url(), "s4s/v1");
        cfg.protocol = ProtocolVersion::V5;
        let (h, token) = start(&cfg, "gw-5", &outbox);
        let online = sub.next_on("gw-5/status", WAIT).await.expect("online");
        assert_eq!(online.payload, br#"{"online":true}"#);
        assert_eq!(online.content_type.as_deref(), Some("application/json"));

        let ev = sample_event("gw-5", "usb-1", 0);
        let scan = scan_message(&ev);
        let mut ctx = Message::json("usb-1", MessageKind::Context, br#"{"context":{}}"#.to_vec());
        ctx.expiry = Some(Duration::from_secs(600));
        let epcis = Message {
            content_type: ContentType::JsonLd,
            ..Message::json("usb-1", MessageKind::Epcis, br#"{"@context":[]}"#.to_vec())
        };
        let fhir = Message {
            content_type: ContentType::FhirJson,
            ..Message::json(
                "usb-1",
                MessageKind::Fhir,
                br#"{"resourceType":"Bundle"}"#.to_vec(),
            )
        };
        let alert = Message::json(
            "usb-1",
            MessageKind::Alert,
            br#"{"kind":"expired"}"#.to_vec(),
        );
        let r = outbox
            .append(move |_| vec![scan, ctx, epcis, fhir, alert])
            .await
            .unwrap();
        assert_eq!(r.ids.len(), 5);

        let got = sub.next_on("/scan", WAIT).await.expect("scan");
        assert_eq!(got.topic, "s4s/v1/gw-5/usb-1/scan");
        assert_eq!(got.content_type.as_deref(), Some("application/json"));
        assert!(got
            .user_properties
            .contains(&("schema".into(), "gs1-gateway/scan-event/1".into())));
        let back: ScanEvent = serde_json::from_slice(&got.payload).unwrap();
        assert_eq!(back.event_id, ev.event_id);
        assert_eq!(back.elements, ev.elements);
        let c = sub.next_on("/context", WAIT).await.expect("context");
        let expiry = c.expiry.expect("context messages expire");
        assert!((590..=600).contains(&expiry), "{expiry}");
        let e = sub.next_on("/epcis", WAIT).await.expect("epcis");
        assert_eq!(e.content_type.as_deref(), Some("application/ld+json"));
        let f = sub.next_on("/fhir", WAIT).await.expect("fhir");
        assert_eq!(f.content_type.as_deref(), Some("application/fhir+json"));
        let a = sub.next_on("/alert", WAIT).await.expect("alert");
        assert_eq!(a.topic, "s4s/v1/gw-5/usb-1/alert");
        assert_eq!(a.expiry, None);

        h.wait_until(WAIT, |s| s.outbox.depth == 0)
            .await
            .expect("all acknowledged");
        token.cancel();
        h.join().await;
        // A late subscriber sees the retained offline status, which carries no patient data.
        let mut late = Subscriber::connect(
            broker.port,
            "late",
            "s4s/v1/gw-5/status",
            false,
            ProtocolVersion::V311,
        )
        .await;
        let st = late.next(WAIT).await.expect("retained status");
        assert!(st.retain);
        assert_eq!(st.payload, br#"{"online":false}"#);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn qos_2_delivers_and_removes_on_pubcomp() {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let broker = Mosquitto::start("allow_anonymous true");
            let mut sub =
                Subscriber::connect(broker.port, "q2-sub", "s4s/#", false, protocol).await;
            let dir = tempfile::tempdir().unwrap();
            let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
            let mut cfg = mqtt_config(&broker.url(), "s4s/v1");
            cfg.qos = gs1_gateway::publish::Qos::ExactlyOnce;
            cfg.protocol = protocol;
            let (h, token) = start(&cfg, "gw-q2", &outbox);
            let mut ids = Vec::new();
            for _ in 0..30 {
                ids.push(append_event(&outbox, "gw-q2", "s1").await.event_id);
            }
            h.wait_until(WAIT, |s| s.acked == 30 && s.outbox.depth == 0)
                .await
                .expect("all completed with PUBCOMP and removed");
            for id in ids {
                let got = sub.next_on("/scan", WAIT).await.expect("event");
                let ev: ScanEvent = serde_json::from_slice(&got.payload).unwrap();
                assert_eq!(ev.event_id, id, "{protocol:?}");
            }
            token.cancel();
            h.join().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn last_will_marks_the_gateway_offline_when_it_vanishes() {
        let broker = Mosquitto::start("allow_anonymous true");
        let mut sub = Subscriber::connect(
            broker.port,
            "will-sub",
            "zl/gw-w/status",
            false,
            ProtocolVersion::V311,
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        // A publisher in a child process that we SIGKILL: no clean DISCONNECT, so the broker
        // publishes the Last Will.
        let mut child = Command::new(test_binary())
            .args([
                "--exact",
                "mqtt::mosquitto::zero_loss_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_URL, broker.url())
            .env(CHILD_DIR, dir.path())
            .env(CHILD_GATEWAY, "gw-w")
            .env(CHILD_TOTAL, "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let on = sub.next(WAIT).await.expect("online");
        assert_eq!(on.payload, br#"{"online":true}"#);
        child.kill().unwrap();
        child.wait().unwrap();
        // Keep-alive is 2 s in the child: the will comes within 1.5 × keep-alive (plus slack).
        let off = sub.next(WAIT).await.expect("last will");
        assert_eq!(off.payload, br#"{"online":false}"#);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bad_credentials_are_a_clear_counted_error_and_nothing_is_lost() {
        let pw_dir = tempfile::tempdir().unwrap();
        let pw_file = pw_dir.path().join("passwd");
        let ok = Command::new("mosquitto_passwd")
            .args(["-b", "-c"])
            .arg(&pw_file)
            .args(["gateway", "right-password"])
            .status()
            .expect("mosquitto_passwd runs");
        assert!(ok.success());
        let broker = Mosquitto::start(&format!(
            "allow_anonymous false\npassword_file {}",
            pw_file.display()
        ));
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
        for _ in 0..10 {
            append_event(&outbox, "gw-auth", "s1").await;
        }
        let wrong = pw_dir.path().join("wrong");
        std::fs::write(&wrong, "wrong-password\n").unwrap();
        let mut cfg = mqtt_config(&broker.url(), "s4s/v1");
        cfg.username = Some("gateway".into());
        cfg.password_file = Some(wrong);
        let (h, token) = start(&cfg, "gw-auth", &outbox);
        let snap = h
            .wait_until(WAIT, |s| s.connection_errors >= 3)
            .await
            .expect("refusals are counted and retried with back-off");
        let err = snap.last_error.clone().unwrap();
        assert!(err.contains("refused"), "{err}");
        assert!(
            !err.contains("wrong-password"),
            "the password never appears in errors"
        );
        assert_eq!(snap.outbox.depth, 10, "nothing lost while refused");
        token.cancel();
        h.join().await;

        let right = pw_dir.path().join("right");
        std::fs::write(&right, "right-password\n").unwrap();
        cfg.password_file = Some(right);
        let (h, token) = start(&cfg, "gw-auth", &outbox);
        h.wait_until(WAIT, |s| s.acked == 10 && s.outbox.depth == 0)
            .await
            .expect("delivered once the credentials are right");
        token.cancel();
        h.join().await;
    }

    struct Pki {
        ca: String,
        server_cert: String,
        server_key: String,
        client_cert: String,
        client_key: String,
    }

    fn make_pki() -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
            IsCa, KeyPair, KeyUsagePurpose,
        };
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "gs1-gateway test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let mut sp =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        sp.distinguished_name.push(DnType::CommonName, "localhost");
        sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let sk = KeyPair::generate().unwrap();
        let server = sp.signed_by(&sk, &ca).unwrap();
        let mut cp = CertificateParams::new(Vec::<String>::new()).unwrap();
        cp.distinguished_name.push(DnType::CommonName, "gw-tls");
        cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let ck = KeyPair::generate().unwrap();
        let client = cp.signed_by(&ck, &ca).unwrap();
        Pki {
            ca: ca.pem(),
            server_cert: server.pem(),
            server_key: sk.serialize_pem(),
            client_cert: client.pem(),
            client_key: ck.serialize_pem(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mutual_tls_delivers_and_tls_failures_are_clear_errors() {
        let pki = make_pki();
        let certs = tempfile::tempdir().unwrap();
        let p = |n: &str| certs.path().join(n);
        for (n, c) in [
            ("ca.pem", &pki.ca),
            ("server.pem", &pki.server_cert),
            ("server.key", &pki.server_key),
            ("client.pem", &pki.client_cert),
            ("client.key", &pki.client_key),
        ] {
            std::fs::write(p(n), c).unwrap();
        }
        let broker = Mosquitto::start(&format!(
            "allow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nuse_identity_as_username true",
            p("ca.pem").display(),
            p("server.pem").display(),
            p("server.key").display()
        ));
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
        for _ in 0..5 {
            append_event(&outbox, "gw-tls", "s1").await;
        }
        let url = format!("mqtts://localhost:{}", broker.port);

        // Without a client certificate the broker refuses the handshake.
        let mut cfg = mqtt_config(&url, "s4s/v1");
        cfg.ca_file = Some(p("ca.pem"));
        let (h, token) = start(&cfg, "gw-tls", &outbox);
        let snap = h
            .wait_until(WAIT, |s| s.connection_errors >= 2)
            .await
            .expect("TLS failure counted");
        assert_eq!(snap.outbox.depth, 5);
        assert!(!snap.connected);
        token.cancel();
        h.join().await;

        // A CA that did not sign the broker's certificate: verification fails.
        let other = make_pki();
        std::fs::write(p("other-ca.pem"), &other.ca).unwrap();
        let mut bad = cfg.clone();
        bad.ca_file = Some(p("other-ca.pem"));
        bad.client_cert = Some(p("client.pem"));
        bad.client_key = Some(p("client.key"));
        let (h, token) = start(&bad, "gw-tls", &outbox);
        let snap = h
            .wait_until(WAIT, |s| s.connection_errors >= 2)
            .await
            .expect("TLS failure counted");
        let err = snap.last_error.unwrap();
        assert!(err.contains("TLS") || err.contains("certificate"), "{err}");
        token.cancel();
        h.join().await;

        // Mutual TLS with the right CA and client certificate delivers everything.
        cfg.client_cert = Some(p("client.pem"));
        cfg.client_key = Some(p("client.key"));
        let (h, token) = start(&cfg, "gw-tls", &outbox);
        h.wait_until(WAIT, |s| s.acked == 5 && s.outbox.depth == 0)
            .await
            .expect("delivered over mutual TLS");
        token.cancel();
        h.join().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_payload_larger_than_the_broker_accepts_is_dead_lettered_not_retried_forever() {
        for protocol in [ProtocolVersion::V5, ProtocolVersion::V311] {
            let broker = Mosquitto::start("allow_anonymous true\nmax_packet_size 4096");
            let mut sub = Subscriber::connect(
                broker.port,
                "big-sub",
                "s4s/#",
                false,
                ProtocolVersion::V311,
            )
            .await;
            let dir = tempfile::tempdir().unwrap();
            let outbox = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
            let mut cfg = mqtt_config(&broker.url(), "s4s/v1");
            cfg.protocol = protocol;
            if protocol == ProtocolVersion::V311 {
                // MQTT 3.1.1 brokers cannot announce their limit: it is configured.
                cfg.max_packet_size = gs1_gateway::outbox::ByteSize(4096);
            }
            let big = vec![b'x'; 10_000];
            outbox
                .append(move |_| vec![Message::json("s1", MessageKind::Epcis, big)])
                .await
                .unwrap();
            let small = append_event(&outbox, "gw-big", "s1").await;
            let (h, token) = start(&cfg, "gw-big", &outbox);
            let snap = h
                .wait_until(WAIT, |s| {
                    s.dead_lettered == 1 && s.acked == 1 && s.outbox.depth == 0
                })
                .await
                .expect("the large event is dead-lettered, the small one delivered");
            assert!(snap.connected, "{protocol:?}: the connection survives");
            let dl = outbox.dead_letters(10).unwrap();
            assert_eq!(dl.len(), 1);
            assert!(
                dl[0].reason.contains("maximum MQTT packet size"),
                "{}",
                dl[0].reason
            );
            assert_eq!(dl[0].record.message.payload.len(), 10_000);
            let got = sub
                .next_on("/scan", WAIT)
                .await
                .expect("small event delivered");
            let got: ScanEvent = serde_json::from_slice(&got.payload).unwrap();
            assert_eq!(got.event_id, small.event_id);
            token.cancel();
            h.join().await;
        }
    }

    const CHILD_URL: &str = "GS1GW_ZL_URL";
    const CHILD_DIR: &str = "GS1GW_ZL_DIR";
    const CHILD_GATEWAY: &str = "GS1GW_ZL_GATEWAY";
    const CHILD_TOTAL: &str = "GS1GW_ZL_TOTAL";

    /// Body of the publisher child process of the zero-loss and Last Will tests: appends scans
    /// until the outbox's sequence reaches the total, publishing all the while; writes
    /// `{dir}/done` when everything was acknowledged. Ignored in normal runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "child process of the zero-loss test"]
    async fn zero_loss_child() {
        let (Ok(url), Ok(dir), Ok(gw), Ok(total)) = (
            std::env::var(CHILD_URL),
            std::env::var(CHILD_DIR),
            std::env::var(CHILD_GATEWAY),
            std::env::var(CHILD_TOTAL),
        ) else {
            return;
        };
        let total: u64 = total.parse().unwrap();
        let dir = std::path::PathBuf::from(dir);
        let outbox = Outbox::open(&OutboxConfig::at(dir.join("outbox"))).unwrap();
        let mut cfg = mqtt_config(&url, "zl");
        cfg.keep_alive = Duration::from_secs(2);
        cfg.client_id = Some(format!("{gw}-publisher"));
        let (h, _token) = start(&cfg, &gw, &outbox);
        loop {
            // Appends of up to 50 concurrent scans share group commits.
            let next = outbox.stats().next_sequence;
            if next >= total {
                break;
            }
            let n = (total - next).min(50);
            let mut tasks = Vec::new();
            for _ in 0..n {
                let ob = outbox.clone();
                let gw = gw.clone();
                tasks.push(tokio::spawn(async move {
                    ob.append(move |seq| vec![scan_message(&sample_event(&gw, "s1", seq))])
                        .await
                }));
            }
            for t in tasks {
                let r = t.await.unwrap();
                // Concurrent appends may overshoot `total` by a few; that is fine.
                r.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(5)).await; // pace the appends (~10k/s max)
        }
        h.wait_until(Duration::from_secs(600), |s| s.outbox.depth == 0)
            .await
            .ok();
        std::fs::write(dir.join("done"), b"done").unwrap();
        // Stay connected until killed.
        std::future::pending::<()>().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn zero_loss_10k_events_across_broker_restarts_and_publisher_sigkills() {
        const TOTAL: u64 = 10_000;
        let mut broker = Mosquitto::start("allow_anonymous true");
        let mut sub = Subscriber::connect(
            broker.port,
            "zl-subscriber",
            "zl/#",
            true,
            ProtocolVersion::V311,
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        let mut rng = fastrand::Rng::with_seed(0x00c0_ffee);
        let mut received: BTreeMap<u64, HashSet<uuid::Uuid>> = BTreeMap::new();
        let mut messages = 0u64;
        let (mut kills, mut restarts) = (0, 0);
        let port = broker.port;
        let spawn_child = || {
            Command::new(test_binary())
                .args([
                    "--exact",
                    "mqtt::mosquitto::zero_loss_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_URL, format!("mqtt://127.0.0.1:{port}"))
                .env(CHILD_DIR, dir.path())
                .env(CHILD_GATEWAY, "gw-zl")
                .env(CHILD_TOTAL, TOTAL.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("child starts")
        };
        let mut child = spawn_child();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
        let mut round = 0;
        while !dir.path().join("done").exists() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no completion in time"
            );
            round += 1;
            // Collect for a random while (this is the chaos schedule, not synchronisation).
            let until = tokio::time::Instant::now() + Duration::from_millis(rng.u64(100..600));
            while let Ok(Some(m)) =
                tokio::time::timeout_at(until, sub.next(Duration::from_secs(3600)))
                    .await
                    .map(Some)
            {
                let Some(m) = m else { break };
                record(&mut received, &mut messages, &m);
            }
            if dir.path().join("done").exists() || round > 40 {
                break;
            }
            match round % 3 {
                0 => {
                    broker.stop();
                    restarts += 1;
                    tokio::time::sleep(Duration::from_millis(rng.u64(50..400))).await;
                    broker.restart();
                }
                _ => {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    kills += 1;
                    child = spawn_child();
                }
            }
        }
        // Let the last child finish delivering (it writes `done` once its outbox is empty).
        let until = tokio::time::Instant::now() + Duration::from_secs(120);
        while !dir.path().join("done").exists() {
            assert!(
                tokio::time::Instant::now() < until,
                "publisher did not finish"
            );
            if let Some(m) = sub.next(Duration::from_millis(200)).await {
                record(&mut received, &mut messages, &m);
            }
        }
        // Drain what the broker still queues for the subscriber.
        while let Some(m) = sub.next(Duration::from_secs(3)).await {
            record(&mut received, &mut messages, &m);
        }
        child.kill().ok();
        child.wait().ok();
        let appended = {
            let ob = Outbox::open(&OutboxConfig::at(dir.path().join("outbox"))).unwrap();
            let st = ob.stats();
            assert_eq!(st.depth, 0);
            st.next_sequence
        };
        assert!(appended >= TOTAL);
        let missing: Vec<u64> = (0..appended)
            .filter(|s| !received.contains_key(s))
            .collect();
        assert!(
            missing.is_empty(),
            "{} sequences missing, first {:?}",
            missing.len(),
            &missing[..missing.len().min(10)]
        );
        for (seq, ids) in &received {
            assert_eq!(
                ids.len(),
                1,
                "sequence {seq} reused for different events: {ids:?}"
            );
            assert!(*seq < appended);
        }
        eprintln!(
            "zero loss: {appended} events, {messages} messages received ({} duplicates), {kills} publisher SIGKILLs, {restarts} broker restarts",
            messages - appended
        );
        assert!(
            kills >= 3 && restarts >= 2,
            "kills {kills}, restarts {restarts}"
        );
    }

    fn record(
        received: &mut BTreeMap<u64, HashSet<uuid::Uuid>>,
        n: &mut u64,
        m: &crate::util::Received,
    ) {
        if !m.topic.ends_with("/scan") {
            return;
        }
        let ev: ScanEvent = serde_json::from_slice(&m.payload).expect("scan event");
        received.entry(ev.sequence).or_default().insert(ev.event_id);
        *n += 1;
    }
}
