//! The publisher: reads the outbox, publishes, and removes each record only once the broker
//! acknowledged it.
//!
//! Two tasks. The **poll task** owns rumqttc's event loop and does nothing but poll it, turn
//! events into [`LinkEvent`]s and sleep with capped exponential back-off (with jitter) after an
//! error. The **publisher task** owns all delivery state and only submits with `try_publish`, so
//! neither task ever waits on the other while holding up the event loop (rumqttc#1025).
//!
//! Correlation: rumqttc reports `Outgoing::Publish(pkid)` in the order publishes were submitted,
//! so a FIFO of submitted records gives each packet id its record; `PubAck(pkid)` (or `PubComp`
//! for QoS 2) then marks that record delivered. On a connection error the poll task hands the
//! publisher a `Down` event and waits until the publisher has forgotten every packet id before it
//! clears rumqttc's own replay queue; after the reconnect the publisher resends everything that
//! is still in the outbox, oldest first, whatever the broker's `session_present` says.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::config::{ProtocolVersion, PublisherSettings};
use super::link::{self, Client, Link, LinkEvent, OutPublish};
use super::stats::{PublishStats, PublisherSnapshot};
use super::topics::{gateway_status_payload, scanner_status_payload};
use crate::outbox::{MessageKind, Outbox, StoredMessage};

/// Records read from the outbox per page.
const PAGE: usize = 512;
/// Acknowledged ids removed per outbox request.
const ACK_BATCH: usize = 1024;
/// How long acknowledged ids may wait to be batched.
const ACK_LINGER: Duration = Duration::from_millis(2);
/// Most removal requests outstanding at once.
const MAX_REMOVALS: usize = 8;

enum Command {
    ScannerStatus { scanner_id: String, connected: bool },
}

/// A running publisher. Dropping it does not stop it: cancel the shutdown token and
/// [`PublisherHandle::join`].
pub struct PublisherHandle {
    stats: Arc<PublishStats>,
    outbox: Outbox,
    cmd: mpsc::Sender<Command>,
    task: JoinHandle<()>,
}

impl PublisherHandle {
    /// Current counters of the publisher and the outbox.
    pub fn snapshot(&self) -> PublisherSnapshot {
        let s = &self.stats;
        PublisherSnapshot {
            connected: s.connected.load(Ordering::Relaxed),
            connects: s.connects.load(Ordering::Relaxed),
            connection_errors: s.connection_errors.load(Ordering::Relaxed),
            last_error: s.last_error.lock().ok().and_then(|g| g.clone()),
            published: s.published.load(Ordering::Relaxed),
            acked: s.acked.load(Ordering::Relaxed),
            resent: s.resent.load(Ordering::Relaxed),
            refused: s.refused.load(Ordering::Relaxed),
            dead_lettered: s.dead_lettered.load(Ordering::Relaxed),
            latency_p50: s.latency.quantile(0.5),
            latency_p99: s.latency.quantile(0.99),
            outbox: self.outbox.stats(),
        }
    }

    /// Waits (at most `timeout`) until `pred` holds for a snapshot; returns the last snapshot
    /// as `Err` on timeout. Wakes on every publisher state change, no polling.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&PublisherSnapshot) -> bool,
    ) -> Result<PublisherSnapshot, PublisherSnapshot> {
        let mut rx = self.stats.progress.subscribe();
        let deadline = Instant::now() + timeout;
        loop {
            rx.borrow_and_update();
            let snap = self.snapshot();
            if pred(&snap) {
                return Ok(snap);
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => {
                    let snap = self.snapshot();
                    return if pred(&snap) { Ok(snap) } else { Err(snap) };
                }
            }
        }
    }

    /// The live counters (for example to reset the latency histogram in a benchmark).
    pub fn stats(&self) -> &Arc<PublishStats> {
        &self.stats
    }

    /// Publishes (retained) that a scanner is connected or disconnected; republished after
    /// every reconnect. Carries no scan data.
    pub async fn set_scanner_status(&self, scanner_id: &str, connected: bool) {
        let _ = self
            .cmd
            .send(Command::ScannerStatus {
                scanner_id: scanner_id.to_owned(),
                connected,
            })
            .await;
    }

    /// Waits for the publisher to finish after the shutdown token was cancelled: it publishes
    /// the retained offline status, waits up to `drain_timeout` for outstanding
    /// acknowledgements, removes the acknowledged records and disconnects.
    pub async fn join(self) {
        let _ = self.task.await;
    }
}

/// A message received on a subscribed topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The topic it was published on.
    pub topic: String,
    /// The payload as sent.
    pub payload: Vec<u8>,
    /// Whether the broker delivered it as a retained message (on subscribe).
    pub retained: bool,
}

/// A topic the publisher subscribes to on every (re)connect, and where its messages go.
#[derive(Debug)]
pub struct Inbox {
    /// Topic filter (used as given: it is not under the topic prefix).
    pub filter: String,
    /// The newest message. Latest wins, as with MQTT's own retained messages: each message
    /// (a whole recall list) replaces the one before, so a busy consumer gets the newest one
    /// rather than a queue of stale ones, and the MQTT loop never waits for it.
    pub tx: tokio::sync::watch::Sender<Option<InboundMessage>>,
}

/// Starts the publisher for `outbox`. Must be called inside a Tokio runtime.
pub fn spawn(
    settings: PublisherSettings,
    outbox: Outbox,
    shutdown: CancellationToken,
) -> PublisherHandle {
    spawn_with_inbox(settings, outbox, shutdown, None)
}

/// As [`spawn`], also subscribing to `inbox.filter` after every CONNACK (a clean or lost
/// session forgets subscriptions, and a retained message is delivered on subscribe, so a
/// restarted gateway gets the current retained recall list).
pub fn spawn_with_inbox(
    settings: PublisherSettings,
    outbox: Outbox,
    shutdown: CancellationToken,
    inbox: Option<Inbox>,
) -> PublisherHandle {
    let stats = Arc::new(PublishStats::default());
    let (cmd, cmd_rx) = mpsc::channel(256);
    let task = tokio::spawn(run(
        settings,
        outbox.clone(),
        shutdown,
        stats.clone(),
        cmd_rx,
        inbox,
    ));
    PublisherHandle {
        stats,
        outbox,
        cmd,
        task,
    }
}

/// What a submitted publish was.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Record { id: u64, appended_at_us: u64 },
    Control,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

struct State {
    s: PublisherSettings,
    outbox: Outbox,
    client: Client,
    stats: Arc<PublishStats>,
    connected: bool,
    /// Submitted, waiting for their `Outgoing::Publish(pkid)`.
    fifo: VecDeque<Slot>,
    /// Sent, waiting for the broker's acknowledgement.
    inflight: HashMap<u16, Slot>,
    /// Read ahead from the outbox, not yet submitted.
    page: VecDeque<StoredMessage>,
    /// Highest record id read into `page` on this connection.
    read_cursor: Option<u64>,
    /// The last read found nothing newer.
    exhausted: bool,
    /// Acknowledged (or dead-lettered) ids whose removal is not committed yet: never resend.
    removing: HashSet<u64>,
    ack_buf: Vec<u64>,
    flush_at: Option<Instant>,
    removals_outstanding: usize,
    done_tx: mpsc::Sender<Vec<u64>>,
    /// Highest record id ever submitted by this process (to count resends).
    high_water: Option<u64>,
    broker_max_packet: Option<u32>,
    scanners: BTreeMap<String, bool>,
    /// No new records are submitted (shutdown deadline passed).
    stop_submitting: bool,
    /// QoS 2 releases of the resumed session still outstanding; nothing new is submitted until
    /// they complete (see [`LinkEvent::Up`]).
    awaiting_rel: HashSet<u16>,
    /// The online status and scanner statuses are to be (re)published.
    status_due: bool,
    /// Subscribed topic and where its messages go.
    inbox: Option<Inbox>,
}

async fn run(
    s: PublisherSettings,
    outbox: Outbox,
    shutdown: CancellationToken,
    stats: Arc<PublishStats>,
    mut cmd_rx: mpsc::Receiver<Command>,
    inbox: Option<Inbox>,
) {
    let (client, link) = link::build(&s);
    let (ev_tx, mut ev_rx) = mpsc::channel(4096);
    let poll_cancel = CancellationToken::new();
    let poll = tokio::spawn(poll_loop(
        link,
        ev_tx,
        poll_cancel.clone(),
        s.reconnect_min,
        s.reconnect_max,
    ));
    let (done_tx, mut done_rx) = mpsc::channel(MAX_REMOVALS * 2 + 64);
    let mut committed = outbox.subscribe();
    let drain_timeout = s.drain_timeout;
    let mut st = State {
        s,
        outbox,
        client,
        stats,
        connected: false,
        fifo: VecDeque::new(),
        inflight: HashMap::new(),
        page: VecDeque::new(),
        read_cursor: None,
        exhausted: false,
        removing: HashSet::new(),
        ack_buf: Vec::new(),
        flush_at: None,
        removals_outstanding: 0,
        done_tx,
        high_water: None,
        broker_max_packet: None,
        scanners: BTreeMap::new(),
        stop_submitting: false,
        awaiting_rel: HashSet::new(),
        status_due: false,
        inbox,
    };
    let mut deadline: Option<Instant> = None;
    loop {
        let flush_at = st.flush_at;
        tokio::select! {
            ev = ev_rx.recv() => match ev {
                Some(ev) => st.on_link(ev),
                None => break,
            },
            Some(ids) = done_rx.recv() => {
                st.removals_outstanding = st.removals_outstanding.saturating_sub(1);
                for id in ids {
                    st.removing.remove(&id);
                }
                st.maybe_flush();
                st.stats.bump();
            }
            Ok(()) = committed.changed() => {
                st.exhausted = false;
                st.fill();
            }
            Some(cmd) = cmd_rx.recv() => match cmd {
                Command::ScannerStatus { scanner_id, connected } => {
                    st.scanners.insert(scanner_id.clone(), connected);
                    if st.connected && st.awaiting_rel.is_empty() {
                        st.submit_control(st.s.topics.scanner_status(&scanner_id), scanner_status_payload(connected));
                    }
                }
            },
            _ = tokio::time::sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {
                st.flush_at = None;
                st.flush_acks();
            }
            _ = shutdown.cancelled(), if deadline.is_none() => {
                deadline = Some(Instant::now() + drain_timeout);
                if st.connected {
                    st.submit_control(st.s.topics.status(), gateway_status_payload(false));
                }
            }
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                tracing::warn!(
                    in_flight = st.inflight.len() + st.fifo.len(),
                    "MQTT drain timeout: unacknowledged events stay in the outbox and are sent after restart"
                );
                break;
            }
        }
        if deadline.is_some() && (!st.connected || st.idle()) {
            break;
        }
    }
    st.stop_submitting = true;
    // Commit the removals of everything acknowledged so far.
    st.flush_acks();
    while st.removals_outstanding > 0 {
        match tokio::time::timeout(Duration::from_secs(5), done_rx.recv()).await {
            Ok(Some(_)) => st.removals_outstanding -= 1,
            _ => break,
        }
    }
    if st.connected {
        st.client.try_disconnect();
        // Let the poll task write the DISCONNECT (bounded wait).
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(ev) = ev_rx.recv().await {
                if let LinkEvent::Down { quiesced, .. } = ev {
                    let _ = quiesced.send(());
                    break;
                }
            }
        })
        .await;
    }
    st.stats.connected.store(false, Ordering::Relaxed);
    st.stats.bump();
    poll_cancel.cancel();
    drop(ev_rx);
    let _ = poll.await;
}

impl State {
    fn window(&self) -> usize {
        self.s.max_inflight as usize
    }

    fn idle(&self) -> bool {
        self.fifo.is_empty() && self.inflight.is_empty() && self.page.is_empty() && self.exhausted
    }

    fn on_link(&mut self, ev: LinkEvent) {
        let bump = !matches!(ev, LinkEvent::Sent(_));
        self.handle_link(ev);
        if bump {
            self.stats.bump();
        }
    }

    fn handle_link(&mut self, ev: LinkEvent) {
        match ev {
            LinkEvent::Up {
                session_present,
                max_packet_size,
                pending_rel,
            } => {
                self.connected = true;
                self.stats.connected.store(true, Ordering::Relaxed);
                self.stats.connects.fetch_add(1, Ordering::Relaxed);
                self.broker_max_packet = max_packet_size;
                tracing::info!(
                    broker = %self.s.url.host,
                    session_present,
                    pending = self.outbox.stats().depth,
                    "connected to the MQTT broker; sending everything unacknowledged from the outbox"
                );
                self.read_cursor = None;
                self.page.clear();
                self.exhausted = false;
                self.awaiting_rel = pending_rel.into_iter().collect();
                self.status_due = true;
                if let Some(inbox) = &self.inbox {
                    match self.client.try_subscribe(&inbox.filter) {
                        Ok(()) => tracing::info!(topic = %inbox.filter, "subscribing"),
                        // The next reconnect tries again; the request channel is sized so
                        // that this does not happen in practice.
                        Err(e) => {
                            tracing::error!(topic = %inbox.filter, error = %e, "subscribe not sent")
                        }
                    }
                }
                self.fill();
            }
            LinkEvent::Message {
                topic,
                payload,
                retained,
            } => {
                let Some(inbox) = &self.inbox else { return };
                let bytes = payload.len();
                let msg = InboundMessage {
                    topic,
                    payload,
                    retained,
                };
                if let Some(old) = inbox.tx.send_replace(Some(msg)) {
                    // Only reached when the consumer has not looked since: harmless, as the
                    // newer message replaces it, but worth knowing.
                    tracing::debug!(topic = %old.topic, bytes, "a subscribed message was superseded before it was read");
                }
            }
            LinkEvent::Sent(pkid) => match self.fifo.pop_front() {
                Some(slot) => {
                    self.inflight.insert(pkid, slot);
                }
                None => tracing::warn!(pkid, "outgoing publish that the publisher did not submit"),
            },
            LinkEvent::Acked(pkid) => {
                if !self.inflight.contains_key(&pkid) && self.awaiting_rel.remove(&pkid) {
                    self.fill();
                    return;
                }
                match self.inflight.remove(&pkid) {
                    Some(Slot::Record { id, appended_at_us }) => {
                        self.stats
                            .record_ack(now_us().saturating_sub(appended_at_us));
                        self.removing.insert(id);
                        self.ack_buf.push(id);
                        self.maybe_flush();
                    }
                    Some(Slot::Control) => {}
                    None => tracing::debug!(pkid, "acknowledgement for an unknown packet id"),
                }
                self.fill();
            }
            LinkEvent::Refused {
                pkid,
                reason,
                permanent,
            } => {
                self.stats.refused.fetch_add(1, Ordering::Relaxed);
                if let Some(Slot::Record { id, .. }) = self.inflight.remove(&pkid) {
                    if permanent {
                        self.dead_letter(id, format!("broker refused the publish: {reason}"));
                    } else {
                        tracing::warn!(%reason, record = id, "broker refused a publish for now; it is resent after the next reconnect");
                    }
                }
                self.fill();
            }
            LinkEvent::Down { error, quiesced } => {
                if self.connected {
                    tracing::warn!(%error, "MQTT connection lost; events stay in the outbox and are resent after reconnecting");
                } else {
                    tracing::error!(%error, "cannot connect to the MQTT broker; retrying with back-off");
                }
                self.stats.set_error(&error);
                self.stats.connection_errors.fetch_add(1, Ordering::Relaxed);
                self.stats.connected.store(false, Ordering::Relaxed);
                self.connected = false;
                self.awaiting_rel.clear();
                self.fifo.clear();
                self.inflight.clear();
                self.page.clear();
                self.read_cursor = None;
                let _ = quiesced.send(());
            }
        }
    }

    fn submit_control(&mut self, topic: String, payload: Vec<u8>) {
        let p = OutPublish {
            topic,
            retain: true,
            qos: crate::publish::Qos::AtLeastOnce,
            payload,
            content_type: Some("application/json"),
            schema: None,
            expiry: None,
        };
        match self.client.try_publish(p) {
            Ok(()) => self.fifo.push_back(Slot::Control),
            Err(e) => tracing::warn!(error = %e, "could not queue a status message"),
        }
    }

    fn packet_limit(&self) -> usize {
        match self.broker_max_packet {
            Some(b) => (b as usize).min(self.s.max_packet_size),
            None => self.s.max_packet_size,
        }
    }

    /// Submits records until the in-flight window is full.
    fn fill(&mut self) {
        if !self.connected || !self.awaiting_rel.is_empty() {
            return;
        }
        if self.status_due {
            self.status_due = false;
            self.submit_control(self.s.topics.status(), gateway_status_payload(true));
            let scanners: Vec<(String, bool)> =
                self.scanners.iter().map(|(k, v)| (k.clone(), *v)).collect();
            for (id, c) in scanners {
                self.submit_control(self.s.topics.scanner_status(&id), scanner_status_payload(c));
            }
        }
        if self.stop_submitting {
            return;
        }
        let v5 = self.s.protocol == ProtocolVersion::V5;
        while self.fifo.len() + self.inflight.len() < self.window() {
            if self.page.is_empty() {
                if self.exhausted {
                    break;
                }
                match self.outbox.pending(self.read_cursor, PAGE) {
                    Ok(v) if v.is_empty() => {
                        self.exhausted = true;
                        break;
                    }
                    Ok(v) => {
                        self.read_cursor = v.last().map(|r| r.id);
                        self.page.extend(v);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read the outbox");
                        break;
                    }
                }
            }
            let Some(rec) = self.page.pop_front() else {
                break;
            };
            if self.removing.contains(&rec.id) {
                continue;
            }
            let m = rec.message;
            let topic = self.s.topics.event(&m.scanner_id, m.kind);
            let size = link::packet_size_estimate(&topic, &m.payload, m.schema.as_deref(), v5);
            let limit = self.packet_limit();
            if size > limit {
                self.dead_letter(
                    rec.id,
                    format!(
                        "message of about {size} bytes exceeds the maximum MQTT packet size of {limit} bytes"
                    ),
                );
                continue;
            }
            let expiry = m.expiry.or(match m.kind {
                MessageKind::Context => Some(Duration::from_secs(15 * 60)),
                _ => None,
            });
            let p = OutPublish {
                topic,
                retain: false,
                qos: self.s.qos,
                payload: m.payload,
                content_type: Some(m.content_type.as_str()),
                schema: m.schema,
                expiry,
            };
            match self.client.try_publish(p) {
                Ok(()) => {
                    self.fifo.push_back(Slot::Record {
                        id: rec.id,
                        appended_at_us: rec.appended_at_us,
                    });
                    self.stats.published.fetch_add(1, Ordering::Relaxed);
                    if self.high_water.is_some_and(|h| rec.id <= h) {
                        self.stats.resent.fetch_add(1, Ordering::Relaxed);
                    }
                    self.high_water = Some(self.high_water.map_or(rec.id, |h| h.max(rec.id)));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "MQTT request queue full; retrying this record shortly");
                    // Re-read from this record on the next fill.
                    self.read_cursor = rec.id.checked_sub(1);
                    self.page.clear();
                    self.exhausted = false;
                    break;
                }
            }
        }
    }

    fn dead_letter(&mut self, id: u64, reason: String) {
        tracing::error!(record = id, %reason, "event cannot be delivered; moved to the outbox dead-letter table");
        self.stats.dead_lettered.fetch_add(1, Ordering::Relaxed);
        self.removing.insert(id);
        self.removals_outstanding += 1;
        let ob = self.outbox.clone();
        let done = self.done_tx.clone();
        tokio::spawn(async move {
            if let Err(e) = ob.dead_letter(id, reason).await {
                tracing::error!(error = %e, record = id, "cannot dead-letter a record");
            }
            let _ = done.send(vec![id]).await;
        });
    }

    fn maybe_flush(&mut self) {
        if self.ack_buf.len() >= ACK_BATCH {
            self.flush_acks();
        } else if !self.ack_buf.is_empty() && self.flush_at.is_none() {
            self.flush_at = Some(Instant::now() + ACK_LINGER);
        }
    }

    /// Removes acknowledged records from the outbox (batched; the writer thread group-commits).
    fn flush_acks(&mut self) {
        if self.ack_buf.is_empty() || self.removals_outstanding >= MAX_REMOVALS {
            if !self.ack_buf.is_empty() {
                // Retry once a removal finishes.
                self.flush_at = Some(Instant::now() + ACK_LINGER);
            }
            return;
        }
        let ids = std::mem::take(&mut self.ack_buf);
        self.flush_at = None;
        self.removals_outstanding += 1;
        let ob = self.outbox.clone();
        let done = self.done_tx.clone();
        tokio::spawn(async move {
            if let Err(e) = ob.remove(ids.clone()).await {
                // The records stay and are resent later: a duplicate, never a loss.
                tracing::error!(error = %e, "cannot remove acknowledged records from the outbox");
            }
            let _ = done.send(ids).await;
        });
    }
}

async fn poll_loop(
    mut link: Link,
    tx: mpsc::Sender<LinkEvent>,
    cancel: CancellationToken,
    min: Duration,
    max: Duration,
) {
    let mut delay = min;
    loop {
        let r = tokio::select! {
            _ = cancel.cancelled() => return,
            r = link.poll() => r,
        };
        match r {
            Ok(Some(ev)) => {
                if matches!(ev, LinkEvent::Up { .. }) {
                    delay = min;
                }
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    r = tx.send(ev) => if r.is_err() { return },
                }
            }
            Ok(None) => {}
            Err(error) => {
                let (q, rq) = oneshot::channel();
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    r = tx.send(LinkEvent::Down { error, quiesced: q }) => if r.is_err() { return },
                }
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = rq => {}
                }
                link.reset();
                // Capped exponential back-off with jitter: rumqttc itself would retry at once,
                // hundreds of thousands of times a second.
                let wait = delay.mul_f64(0.5 + fastrand::f64() * 0.5);
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(wait) => {}
                }
                delay = (delay * 2).min(max);
            }
        }
    }
}
