//! The ingest pipeline: source events in, durable outbox records out.
//!
//! For each scan, in the order the sources delivered them: parse (GS1 engine) → build the event →
//! apply the point-of-care context → check alerts → append the scan event, its alerts, context
//! changes and standard renderings to the outbox in ONE durable append. Only after that commit is
//! the scan accepted: the scanner's good-read feedback, the stdout echo and the metrics follow it.
//!
//! Appends are issued in order but awaited concurrently (up to [`MAX_IN_FLIGHT`]), so a burst of
//! scans shares the outbox's group commit instead of paying one fsync each; completions are
//! handled strictly in order by a second task.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::app::health::{Health, LastScan};
use crate::event::{
    AlertChecker, AlertEvent, ContextTracker, EventBuilder, HibcLinker, RecallFileWatcher,
    RecallList, RecallListError, ScanEvent, ScanKind, SCAN_EVENT_SCHEMA,
};
use crate::gs1::{self, ParseOptions};
use crate::interop::{Format, Interop};
use crate::outbox::{ContentType, Message, MessageKind, Outbox, OutboxError, Receipt};
use crate::publish::InboundMessage;
use crate::source::feedback::Feedback;
use crate::source::{SourceEvent, SourceStatus};
use crate::telemetry::{KindLabel, Metrics, ScanLabels, SourceLabel};

/// Most appends awaiting their commit at once.
pub const MAX_IN_FLIGHT: usize = 4096;

/// Schema identifier of context-change messages.
pub const CONTEXT_SCHEMA: &str = "gs1-gateway/context-change/1";
/// Schema identifier of alert messages.
pub const ALERT_SCHEMA: &str = "gs1-gateway/alert/1";

/// The feedback channels of the running sources, by source id. Shared with the source
/// supervisor so that a source restarted by a reload gets its scanner's beeps back.
#[derive(Debug, Clone, Default)]
pub struct FeedbackRoutes {
    routes: Arc<RwLock<HashMap<String, mpsc::Sender<Feedback>>>>,
}

impl FeedbackRoutes {
    /// Routes `source_id`'s feedback to `tx`, or stops routing it with `None`.
    pub fn set(&self, source_id: &str, tx: Option<mpsc::Sender<Feedback>>) {
        // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        match tx {
            Some(tx) => {
                routes.insert(source_id.to_string(), tx);
            }
            None => {
                routes.remove(source_id);
            }
        }
    }

    /// Sends feedback to a source's scanner if it supports it; never waits (a scanner that is
    /// slow to take its beep must not hold up the pipeline).
    pub fn send(&self, source_id: &str, feedback: Feedback) {
        let routes = self.routes.read().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = routes.get(source_id) {
            let _ = tx.try_send(feedback);
        }
    }
}

/// The parts of the pipeline that a configuration reload (SIGHUP) replaces. Point-of-care
/// context carries over ([`ContextTracker::carry_over`]); so do the outbox and its sequence.
pub struct PipelineSettings {
    /// GS1 parse options.
    pub parse_options: ParseOptions,
    /// Builds events (gateway id, privacy).
    pub builder: EventBuilder,
    /// Point-of-care context settings (its state is carried over from the running tracker).
    pub context: ContextTracker,
    /// Expiry/recall checks.
    pub alerts: AlertChecker,
    /// The recall list and its watcher; `None` keeps the running list (same file).
    pub recalls: Option<(RecallList, Option<RecallFileWatcher>)>,
    /// EPCIS/FHIR renderings to publish besides the native event.
    pub interop: Interop,
    /// MQTT 5 message expiry of context messages.
    pub context_expiry: std::time::Duration,
    /// Echo committed events on standard output.
    pub echo: bool,
}

/// What the pipeline needs besides its input.
pub struct Pipeline {
    /// GS1 parse options.
    pub parse_options: ParseOptions,
    /// Builds events (gateway id, privacy).
    pub builder: EventBuilder,
    /// Point-of-care context.
    pub context: ContextTracker,
    /// Expiry/recall checks.
    pub alerts: AlertChecker,
    /// Links HIBC secondary codes to the primary scanned before them.
    pub hibc: HibcLinker,
    /// The recall list in force: the file's list merged with the MQTT list.
    pub recalls: RecallList,
    /// The recall list from the file (`[alerts] recall_list`).
    pub file_recalls: RecallList,
    /// The recall list last received on `[alerts] recall_topic` (empty until one arrives).
    pub mqtt_recalls: RecallList,
    /// Reloads the recall list when its file changes.
    pub recall_watcher: Option<RecallFileWatcher>,
    /// Messages on `[alerts] recall_topic`, from the publisher's subscription.
    pub recall_inbox: Option<tokio::sync::watch::Receiver<Option<InboundMessage>>>,
    /// Where the last valid MQTT recall list is kept, so it applies after a restart even
    /// before the broker is reachable again ([`MQTT_RECALL_CACHE`] beside the outbox).
    pub mqtt_recall_cache: Option<std::path::PathBuf>,
    /// EPCIS/FHIR renderings to publish besides the native event.
    pub interop: Interop,
    /// MQTT 5 message expiry of context messages (they go stale).
    pub context_expiry: std::time::Duration,
    /// The durable outbox.
    pub outbox: Outbox,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Health state.
    pub health: Arc<Health>,
    /// Echo committed events on standard output (shared with the completion task, so a reload
    /// can turn it on or off).
    pub echo: Arc<AtomicBool>,
    /// Feedback channels of sources that support it, by source id.
    pub feedback: FeedbackRoutes,
    /// Replacement settings from a configuration reload.
    pub settings: mpsc::Receiver<PipelineSettings>,
    /// Scanner connection changes for the publisher's retained status topics.
    pub scanner_status: mpsc::Sender<(String, bool)>,
}

/// Why a scan was accepted or refused, for the completion step.
struct Pending {
    scanner_id: String,
    kind: ScanKind,
    valid: bool,
    alert: bool,
    event: Box<ScanEvent>,
    append: Result<tokio::sync::oneshot::Receiver<Result<Receipt, OutboxError>>, OutboxError>,
}

impl Pipeline {
    /// Runs until `rx` is closed (every source ended or was stopped) and every accepted scan is
    /// committed. Returns the number of scans committed.
    pub async fn run(mut self, mut rx: mpsc::Receiver<SourceEvent>) -> u64 {
        let (done_tx, done_rx) = mpsc::channel::<Pending>(MAX_IN_FLIGHT);
        let completion = tokio::spawn(complete(
            done_rx,
            self.metrics.clone(),
            self.health.clone(),
            self.feedback.clone(),
            self.echo.clone(),
        ));
        let mut recall_check = tokio::time::interval(std::time::Duration::from_secs(2));
        recall_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut recall_inbox = self.recall_inbox.take();
        loop {
            tokio::select! {
                biased;
                // First, so scans read after a reload are handled under the new settings.
                Some(settings) = self.settings.recv() => self.apply(settings),
                // Before scans: a recall list that has arrived applies to the next scan.
                changed = async {
                    match recall_inbox.as_mut() {
                        Some(rx) => rx.changed().await.map(|()| rx.borrow_and_update().clone()),
                        None => std::future::pending().await,
                    }
                } => match changed {
                    Ok(Some(msg)) => self.recall_message(&msg),
                    Ok(None) => {}
                    // The publisher is gone (shutdown): nothing more will arrive.
                    Err(_) => recall_inbox = None,
                },
                event = rx.recv() => {
                    let Some(event) = event else { break };
                    self.handle(event, &done_tx).await;
                }
                _ = recall_check.tick() => {
                    self.reload_recalls();
                    self.expire_context().await;
                }
            }
        }
        drop(done_tx);
        completion.await.unwrap_or(0)
    }

    /// Applies reloaded settings between two scans, so every scan is handled under one
    /// consistent configuration.
    fn apply(&mut self, new: PipelineSettings) {
        let old = std::mem::replace(&mut self.context, new.context);
        let dropped = self.context.carry_over(old);
        if dropped > 0 {
            // No identifiers: the dropped context may hold a patient.
            tracing::info!(
                contexts = dropped,
                "point-of-care contexts of scanners or groups no longer configured were dropped"
            );
        }
        self.parse_options = new.parse_options;
        self.builder = new.builder;
        self.alerts = new.alerts;
        if let Some((list, watcher)) = new.recalls {
            // A new recall file replaces the old one's list; the MQTT list stays in force.
            self.file_recalls = list;
            self.recalls = self.file_recalls.merged(&self.mqtt_recalls);
            self.recall_watcher = watcher;
        }
        self.interop = new.interop;
        self.context_expiry = new.context_expiry;
        self.echo.store(new.echo, Ordering::Relaxed);
        tracing::debug!("pipeline settings reloaded");
    }

    fn reload_recalls(&mut self) {
        let Some(watcher) = &mut self.recall_watcher else {
            return;
        };
        match watcher.poll() {
            Ok(Some(list)) => {
                tracing::info!(
                    path = %watcher.path().display(),
                    entries = list.len(),
                    "recall list reloaded"
                );
                self.file_recalls = list;
                self.recalls = self.file_recalls.merged(&self.mqtt_recalls);
            }
            Ok(None) => {}
            Err(e) => {
                // Keep the previous list: a half-written file must not clear recalls.
                tracing::error!(error = %e, "recall list not reloaded; keeping the previous one");
            }
        }
    }

    /// A recall list published on `[alerts] recall_topic` (CSV or JSON, as the file). A valid
    /// one replaces the previous MQTT list and is merged with the file's list; an invalid one is
    /// logged and ignored (the lists in force stay). An empty payload (a retained message being
    /// cleared) empties the MQTT list.
    fn recall_message(&mut self, msg: &InboundMessage) {
        if msg.payload.is_empty() {
            tracing::info!(topic = %msg.topic, "recall list on MQTT cleared (empty message); the file's list stays");
            self.mqtt_recalls = RecallList::new();
            self.save_mqtt_recalls(None);
        } else {
            match RecallList::parse(&msg.payload) {
                Ok(list) => {
                    tracing::info!(
                        topic = %msg.topic,
                        entries = list.len(),
                        retained = msg.retained,
                        "recall list received over MQTT"
                    );
                    self.mqtt_recalls = list;
                    self.save_mqtt_recalls(Some(&msg.payload));
                }
                Err(e) => {
                    tracing::error!(
                        topic = %msg.topic,
                        bytes = msg.payload.len(),
                        error = %e,
                        "recall list received over MQTT is invalid and was ignored; keeping the previous one"
                    );
                    return;
                }
            }
        }
        self.recalls = self.file_recalls.merged(&self.mqtt_recalls);
        tracing::info!(entries = self.recalls.len(), "recall list in force");
    }

    /// Keeps (or, with `None`, forgets) the MQTT recall list on disk. Written to a temporary
    /// file, synced and renamed, so a power cut leaves the old list or the new one, never half.
    /// Recall lists are small and rare, so the pipeline writes it itself.
    fn save_mqtt_recalls(&self, payload: Option<&[u8]>) {
        let Some(path) = &self.mqtt_recall_cache else {
            return;
        };
        let result = match payload {
            Some(bytes) => write_atomically(path, bytes),
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
        };
        if let Err(e) = result {
            tracing::error!(
                path = %path.display(),
                error = %e,
                "MQTT recall list not saved: after a restart it applies only once the broker resends it"
            );
        }
    }

    /// Publishes context time-outs even when nobody scans.
    async fn expire_context(&mut self) {
        let changes = self.context.tick(OffsetDateTime::now_utc());
        if changes.is_empty() {
            return;
        }
        let messages: Vec<Message> = changes
            .iter()
            .filter_map(|c| {
                serde_json::to_vec(c).ok().map(|payload| {
                    Message::json(c.scanner_id.clone(), MessageKind::Context, payload)
                        .with_schema(CONTEXT_SCHEMA)
                })
            })
            .collect();
        if let Err(e) = self.outbox.append(move |_| messages).await {
            tracing::error!(error = %e, "context time-out not stored");
        }
    }

    async fn handle(&mut self, event: SourceEvent, done: &mpsc::Sender<Pending>) {
        match event {
            SourceEvent::Scan(scan) => {
                let mut input = Vec::with_capacity(scan.data.len() + 3);
                if let Some(sym) = &scan.symbology {
                    input.extend_from_slice(sym.as_bytes());
                }
                input.extend_from_slice(&scan.data);
                let parsed = gs1::parse(&input, &self.parse_options);
                let mut event = self.builder.build(&scan, parsed.as_ref(), 0);
                self.hibc.apply(&mut event);
                // A valid HIBC code is not GS1 either, but it is not an error.
                if let (Err(e), false) = (&parsed, event.valid) {
                    self.metrics
                        .parse_errors
                        .get_or_create(&KindLabel {
                            kind: e.kind.to_string(),
                        })
                        .inc();
                    // Never the data itself: it may be a wristband.
                    tracing::warn!(
                        source = %scan.source_id,
                        error_kind = %e.kind,
                        "scan is not valid GS1"
                    );
                }
                let changes = self.context.apply(&mut event);
                event.alerts = self.alerts.check(&event, &self.recalls);
                let alert_events = AlertEvent::from_scan(&event);
                for a in &alert_events {
                    self.metrics
                        .alerts
                        .get_or_create(&KindLabel {
                            kind: alert_kind(&a.alert),
                        })
                        .inc();
                    // Loud: an expired or recalled product at the point of care.
                    tracing::error!(
                        source = %scan.source_id,
                        event_id = %event.event_id,
                        gtin = event.gtin.as_deref().unwrap_or(""),
                        hibc_di = a.alert.hibc_di.as_deref().unwrap_or(""),
                        batch = event.batch.as_deref().unwrap_or(""),
                        alert = %alert_kind(&a.alert),
                        "PATIENT SAFETY ALERT: {}",
                        a.alert.message
                    );
                }
                let renderings = self.renderings(&event);
                let context_expiry = self.context_expiry;
                let to_store = event.clone();
                let scanner_id = scan.source_id.clone();
                // Submitted in scan order (sequence numbers follow it), committed as a group.
                let append = self
                    .outbox
                    .submit(move |sequence| {
                        messages(
                            to_store,
                            sequence,
                            alert_events,
                            changes,
                            renderings,
                            context_expiry,
                        )
                    })
                    .await;
                let pending = Pending {
                    scanner_id,
                    kind: event.kind,
                    valid: event.valid,
                    alert: !event.alerts.is_empty(),
                    event: Box::new(event),
                    append,
                };
                // Bounded: when MAX_IN_FLIGHT appends wait for the disk, sources wait too
                // (backpressure, never dropping).
                let _ = done.send(pending).await;
            }
            SourceEvent::Status { source_id, status } => {
                let (connected, error) = match &status {
                    SourceStatus::Connected => (true, None),
                    SourceStatus::Disconnected { reason } => (false, Some(reason.clone())),
                    SourceStatus::Retrying { attempt, delay } => (
                        false,
                        Some(format!("reconnecting (attempt {attempt}, in {delay:?})")),
                    ),
                    SourceStatus::Finished => (false, None),
                };
                if matches!(status, SourceStatus::Finished) {
                    self.health.source_ended(&source_id);
                    tracing::info!(source = %source_id, "source finished");
                } else {
                    self.health
                        .source_connected(&source_id, connected, error.clone());
                    match &error {
                        None => tracing::info!(source = %source_id, "source connected"),
                        Some(e) => {
                            tracing::warn!(source = %source_id, status = %e, "source not connected")
                        }
                    }
                }
                self.metrics
                    .source_connected
                    .get_or_create(&SourceLabel {
                        source: source_id.clone(),
                    })
                    .set(i64::from(connected));
                let _ = self.scanner_status.try_send((source_id, connected));
            }
            SourceEvent::Error { source_id, error } => {
                self.metrics
                    .source_errors
                    .get_or_create(&SourceLabel {
                        source: source_id.clone(),
                    })
                    .inc();
                tracing::warn!(source = %source_id, error = %error, "source error");
                self.feedback.send(&source_id, Feedback::BadRead);
            }
        }
    }

    /// EPCIS and FHIR renderings of a product scan, as configured.
    fn renderings(&self, event: &ScanEvent) -> Vec<(Format, Vec<u8>)> {
        let mut out = Vec::new();
        for &format in self.interop.formats() {
            if format == Format::Json {
                continue;
            }
            match self
                .interop
                .render(format, event, OffsetDateTime::now_utc())
            {
                Ok(bytes) => out.push((format, bytes)),
                // Wristbands, badges and places are context, carried on product events.
                Err(crate::interop::InteropError::NotApplicable { .. }) => {}
                Err(e) => tracing::warn!(
                    event_id = %event.event_id,
                    format = ?format,
                    error = %e,
                    "event not rendered"
                ),
            }
        }
        out
    }
}

/// File name of the last valid recall list received over MQTT, beside the outbox.
pub const MQTT_RECALL_CACHE: &str = "recalls-mqtt.cache";

/// Loads the MQTT recall list saved by an earlier run; an unreadable or invalid file is
/// reported and ignored (the broker's retained list replaces it on connect).
pub fn load_mqtt_recalls(path: &std::path::Path) -> RecallList {
    match RecallList::from_path(path) {
        Ok(list) => {
            tracing::info!(
                path = %path.display(),
                entries = list.len(),
                "recall list last received over MQTT loaded"
            );
            list
        }
        Err(RecallListError::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            RecallList::new()
        }
        Err(e) => {
            tracing::error!(error = %e, "saved MQTT recall list not loaded; ignored");
            RecallList::new()
        }
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The outbox records of one scan; runs on the outbox's writer thread with the sequence.
fn messages(
    mut event: ScanEvent,
    sequence: u64,
    alerts: Vec<AlertEvent>,
    changes: Vec<crate::event::ContextChange>,
    renderings: Vec<(Format, Vec<u8>)>,
    context_expiry: std::time::Duration,
) -> Vec<Message> {
    event.sequence = sequence;
    let scanner = event.scanner_id.clone();
    let mut out = Vec::with_capacity(1 + alerts.len() + changes.len() + renderings.len());
    if let Ok(payload) = serde_json::to_vec(&event) {
        out.push(
            Message::json(scanner.clone(), MessageKind::Scan, payload)
                .with_schema(SCAN_EVENT_SCHEMA),
        );
    }
    for mut alert in alerts {
        alert.sequence = sequence;
        if let Ok(payload) = serde_json::to_vec(&alert) {
            out.push(
                Message::json(scanner.clone(), MessageKind::Alert, payload)
                    .with_schema(ALERT_SCHEMA),
            );
        }
    }
    for change in changes {
        if let Ok(payload) = serde_json::to_vec(&change) {
            let mut m = Message::json(change.scanner_id.clone(), MessageKind::Context, payload)
                .with_schema(CONTEXT_SCHEMA);
            // Context goes stale: MQTT 5 brokers drop it after its time-out.
            m.expiry = Some(context_expiry);
            out.push(m);
        }
    }
    for (format, payload) in renderings {
        let (kind, content_type) = match format {
            Format::Epcis => (MessageKind::Epcis, ContentType::JsonLd),
            Format::Fhir => (MessageKind::Fhir, ContentType::FhirJson),
            Format::Json => continue,
        };
        let mut m = Message::json(scanner.clone(), kind, payload);
        m.content_type = content_type;
        out.push(m);
    }
    out
}

/// Handles committed appends in order: feedback, echo, metrics, health.
async fn complete(
    mut rx: mpsc::Receiver<Pending>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    feedback: FeedbackRoutes,
    echo: Arc<AtomicBool>,
) -> u64 {
    let mut committed = 0;
    let stdout = std::io::stdout();
    while let Some(p) = rx.recv().await {
        let result = match p.append {
            Ok(rx) => rx.await.unwrap_or(Err(OutboxError::Closed)),
            Err(e) => Err(e),
        };
        let good = match result {
            Ok(receipt) => {
                committed += 1;
                metrics
                    .scans
                    .get_or_create(&ScanLabels {
                        source: p.scanner_id.clone(),
                        kind: kind_name(p.kind).to_string(),
                    })
                    .inc();
                health.scan(
                    &p.scanner_id,
                    LastScan {
                        event_id: p.event.event_id,
                        kind: kind_name(p.kind).to_string(),
                        valid: p.valid,
                        at: p.event.scanned_at,
                    },
                );
                if echo.load(Ordering::Relaxed) {
                    let mut event = *p.event;
                    event.sequence = receipt.sequence;
                    if let Ok(line) = serde_json::to_string(&event) {
                        let mut out = stdout.lock();
                        let _ = writeln!(out, "{line}");
                        let _ = out.flush();
                    }
                }
                p.valid && !p.alert
            }
            Err(OutboxError::Full { .. }) => {
                metrics.outbox_rejected.inc();
                tracing::error!(
                    source = %p.scanner_id,
                    "OUTBOX FULL: scan refused and not recorded — free space or raise [outbox] max_bytes"
                );
                false
            }
            Err(e) => {
                tracing::error!(source = %p.scanner_id, error = %e, "scan not stored");
                false
            }
        };
        feedback.send(
            &p.scanner_id,
            if good {
                Feedback::GoodRead
            } else {
                Feedback::BadRead
            },
        );
    }
    committed
}

/// The JSON name of an alert's kind (`expired`, `expiring`, `recalled`).
fn alert_kind(alert: &crate::event::Alert) -> String {
    alert.kind.as_str().to_string()
}

/// The JSON name of a scan kind.
pub fn kind_name(kind: ScanKind) -> &'static str {
    match kind {
        ScanKind::Product => "product",
        ScanKind::Patient => "patient",
        ScanKind::Staff => "staff",
        ScanKind::Location => "location",
        ScanKind::Asset => "asset",
        ScanKind::Logistic => "logistic",
        ScanKind::Unknown => "unknown",
    }
}
