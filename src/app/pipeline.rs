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
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::app::health::{Health, LastScan};
use crate::event::{
    AlertEvent, AlertSeverity, Processed, Processor, RecallLists, ScanEvent, ScanKind,
    ALERT_EVENT_SCHEMA, CONTEXT_CHANGE_SCHEMA, SCAN_EVENT_SCHEMA,
};
use crate::interop::{Format, Interop};
use crate::outbox::{ContentType, Message, MessageKind, Outbox, OutboxError, Receipt};
use crate::publish::InboundMessage;
use crate::source::feedback::Feedback;
use crate::source::{SourceEvent, SourceStatus};
use crate::telemetry::{KindLabel, Metrics, ScanLabels, SourceLabel};

/// Most appends awaiting their commit at once.
pub const MAX_IN_FLIGHT: usize = 4096;

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
/// context carries over ([`Processor::reconfigure`]); so do the outbox and its sequence.
pub struct PipelineSettings {
    /// The per-scan stage under the new settings (its state comes from the running one).
    pub processor: Processor,
    /// `Some(file)`: watch and load this recall list file (or none); `None`: keep the running
    /// list and watcher (same file).
    pub recall_file: Option<Option<PathBuf>>,
    /// EPCIS/FHIR renderings to publish besides the native event.
    pub interop: Interop,
    /// MQTT 5 message expiry of context messages.
    pub context_expiry: std::time::Duration,
    /// Echo committed events on standard output.
    pub echo: bool,
}

/// What the pipeline needs besides its input: wiring around the [`Processor`].
pub struct Pipeline {
    /// The per-scan stage.
    pub processor: Processor,
    /// The recall lists (file and MQTT) and the list in force.
    pub recalls: RecallLists,
    /// Messages on `[alerts] recall_topic`, from the publisher's subscription.
    pub recall_inbox: Option<tokio::sync::watch::Receiver<Option<InboundMessage>>>,
    /// EPCIS/FHIR renderings to publish besides the native event (rendered on the outbox's
    /// writer thread, once the scan has its sequence number).
    pub interop: Arc<Interop>,
    /// The sequence numbers of first symbols of two-symbol labels, for the EPCIS error
    /// declaration their second symbol makes.
    pub first_symbols: FirstSymbols,
    /// The clock state last read (`None` before the first read), to log changes only.
    pub clock_synchronised: Option<bool>,
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
    /// Valid with no critical alert: the scanner hears a good read once committed.
    good_read: bool,
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
        self.recalls_changed();
        self.check_clock();
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
                    Ok(Some(msg)) => {
                        if self.recalls.mqtt_message(&msg.topic, &msg.payload, msg.retained) {
                            self.recalls_changed();
                        }
                    }
                    Ok(None) => {}
                    // The publisher is gone (shutdown): nothing more will arrive.
                    Err(_) => recall_inbox = None,
                },
                event = rx.recv() => {
                    let Some(event) = event else { break };
                    self.handle(event, &done_tx).await;
                }
                _ = recall_check.tick() => {
                    if self.recalls.poll_file() {
                        self.recalls_changed();
                    }
                    self.check_clock();
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
        let dropped = self.processor.reconfigure(new.processor);
        if dropped > 0 {
            // No identifiers: the dropped context may hold a patient.
            tracing::info!(
                contexts = dropped,
                "point-of-care contexts of scanners or groups no longer configured were dropped"
            );
        }
        if let Some(file) = new.recall_file {
            // A new recall file replaces the old one's list; the MQTT list stays in force.
            self.recalls.replace_file(file.as_deref());
        }
        self.recalls_changed();
        self.interop = Arc::new(new.interop);
        self.context_expiry = new.context_expiry;
        self.echo.store(new.echo, Ordering::Relaxed);
        tracing::debug!("pipeline settings reloaded");
    }

    /// Puts the recall list in force into the processor, its state into `/healthz` and
    /// `/status`, and its counts into the metrics.
    fn recalls_changed(&mut self) {
        let list = self.recalls.in_force();
        let status = self.recalls.status();
        self.metrics
            .recall_list_entries
            .set(i64::try_from(list.len()).unwrap_or(i64::MAX));
        self.metrics
            .recall_rows_rejected
            .set(i64::try_from(status.rows_rejected()).unwrap_or(i64::MAX));
        self.metrics
            .recall_check_unavailable
            .set(i64::from(status.unavailable));
        let configured = status.file.is_some() || status.mqtt.is_some() || !list.is_empty();
        self.health.recalls(configured.then_some(status));
        self.processor.set_recall_list(list);
    }

    /// Reads the kernel's clock synchronisation state into the processor (a warning on every
    /// scan while it is not synchronised), `/healthz`/`/status` and the metrics; logs changes.
    fn check_clock(&mut self) {
        let clock = match crate::app::clock::kernel_clock_sync() {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "adjtimex failed: clock state unknown");
                return;
            }
        };
        let was = self.clock_synchronised.replace(clock.synchronised);
        if was != Some(clock.synchronised) {
            if clock.synchronised {
                tracing::info!(
                    max_error_ms = clock.max_error_ms,
                    "the clock is synchronised"
                );
            } else {
                tracing::warn!(
                    "the clock is not synchronised: {}; every scan carries a clock_unsynchronised warning until it is",
                    clock.detail
                );
            }
        }
        self.processor.set_clock_synchronised(clock.synchronised);
        self.metrics
            .clock_synchronised
            .set(i64::from(clock.synchronised));
        self.health.clock(clock);
    }

    /// Persists state changed by a scan or a time-out beside the outbox.
    async fn put_state(&self, state: Vec<crate::event::StateWrite>) {
        if state.is_empty() {
            return;
        }
        let writes = state.into_iter().map(|w| (w.key, w.value)).collect();
        if let Err(e) = self.outbox.put_state(writes).await {
            tracing::error!(error = %e, "point-of-care state not saved");
        }
    }

    /// Publishes context time-outs even when nobody scans; forgets old serial uses.
    async fn expire_context(&mut self) {
        let now = OffsetDateTime::now_utc();
        let mut state = self.processor.prune_state(now);
        let changes = self.processor.tick(now);
        let cases = self.processor.take_cases();
        state.extend(self.processor.take_state());
        if changes.is_empty() && cases.is_empty() {
            self.put_state(state).await;
            return;
        }
        let mut messages: Vec<Message> = changes
            .iter()
            .filter_map(|c| {
                serde_json::to_vec(c).ok().map(|payload| {
                    Message::json(c.scanner_id.clone(), MessageKind::Context, payload)
                        .with_schema(CONTEXT_CHANGE_SCHEMA)
                })
            })
            .collect();
        messages.extend(case_messages(&self.interop, cases));
        let writes: Vec<_> = state.into_iter().map(|w| (w.key, w.value)).collect();
        let append = self
            .outbox
            .submit_with_state(move |_| (messages, writes))
            .await;
        let committed = match append {
            Ok(rx) => rx.await.unwrap_or(Err(OutboxError::Closed)),
            Err(e) => Err(e),
        };
        if let Err(e) = committed {
            tracing::error!(error = %e, "context time-out not stored");
        }
    }

    async fn handle(&mut self, event: SourceEvent, done: &mpsc::Sender<Pending>) {
        match event {
            SourceEvent::Scan(scan) => {
                let processed = self.processor.process(&scan);
                self.observe(&processed);
                let good_read = processed.good_read();
                let Processed {
                    event,
                    alerts,
                    context_changes,
                    superseded,
                    first_symbol: processed_first_symbol,
                    state,
                    cases,
                    case,
                    ..
                } = processed;
                let interop = Arc::clone(&self.interop);
                let context_expiry = self.context_expiry;
                let to_store = event.clone();
                let superseded = superseded.map(|s| {
                    let sequence = self.first_symbols.sequence_of(&s.scanner_id, s.event_id);
                    (s, sequence)
                });
                let first_symbol = processed_first_symbol.then(|| {
                    self.first_symbols
                        .remember(&event.scanner_id, event.event_id)
                });
                // Submitted in scan order (sequence numbers follow it), committed as a group,
                // with the state the scan changed in the same transaction.
                let writes: Vec<_> = state.into_iter().map(|w| (w.key, w.value)).collect();
                let append = self
                    .outbox
                    .submit_with_state(move |sequence| {
                        if let Some(slot) = first_symbol {
                            slot.store(sequence, Ordering::Relaxed);
                        }
                        // The first symbol's append ran before this one (same writer, in order).
                        let superseded = superseded.map(|(mut s, slot)| {
                            s.sequence = slot.map_or(0, |a| a.load(Ordering::Relaxed));
                            s
                        });
                        let mut records = messages(
                            to_store,
                            sequence,
                            alerts,
                            context_changes,
                            |event| renderings(&interop, event, superseded.as_ref(), case.as_ref()),
                            context_expiry,
                        );
                        records.extend(case_messages(&interop, cases));
                        (records, writes)
                    })
                    .await;
                let pending = Pending {
                    scanner_id: scan.source_id,
                    kind: event.kind,
                    valid: event.valid,
                    good_read,
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

    /// Metrics and logs of one processed scan. Never the data itself: it may be a wristband.
    /// Only a critical alert (expired, recalled) is logged at error level as a patient safety
    /// alert; a warning (expiring) is a warning.
    fn observe(&self, processed: &Processed) {
        let event = &processed.event;
        if let Some(kind) = &processed.parse_error {
            self.metrics
                .parse_errors
                .get_or_create(&KindLabel { kind: kind.clone() })
                .inc();
            tracing::warn!(
                source = %event.scanner_id,
                error_kind = %kind,
                "scan is not valid GS1"
            );
        }
        for a in &event.alerts {
            self.metrics
                .alerts
                .get_or_create(&KindLabel {
                    kind: a.kind.as_str().to_string(),
                })
                .inc();
            let gtin = event.gtin.as_deref().unwrap_or("");
            let hibc_di = a.hibc_di.as_deref().unwrap_or("");
            let batch = event.batch.as_deref().unwrap_or("");
            match a.severity {
                // Loud: an expired or recalled product at the point of care.
                AlertSeverity::Critical => tracing::error!(
                    source = %event.scanner_id,
                    event_id = %event.event_id,
                    gtin,
                    hibc_di,
                    batch,
                    alert = a.kind.as_str(),
                    "PATIENT SAFETY ALERT: {}",
                    a.message
                ),
                AlertSeverity::Warning => tracing::warn!(
                    source = %event.scanner_id,
                    event_id = %event.event_id,
                    gtin,
                    hibc_di,
                    batch,
                    alert = a.kind.as_str(),
                    "{}",
                    a.message
                ),
            }
        }
    }
}

/// Per scanner, the last first symbol of a two-symbol label and the slot its sequence number
/// is written to when its append runs ([`crate::event::Processed::superseded`]).
#[derive(Debug, Default)]
pub struct FirstSymbols {
    last: HashMap<String, (uuid::Uuid, Arc<AtomicU64>)>,
}

impl FirstSymbols {
    fn remember(&mut self, scanner_id: &str, event_id: uuid::Uuid) -> Arc<AtomicU64> {
        let slot = Arc::new(AtomicU64::new(0));
        self.last
            .insert(scanner_id.to_owned(), (event_id, Arc::clone(&slot)));
        slot
    }

    fn sequence_of(&mut self, scanner_id: &str, event_id: uuid::Uuid) -> Option<Arc<AtomicU64>> {
        match self.last.remove(scanner_id) {
            Some((id, slot)) if id == event_id => Some(slot),
            _ => None,
        }
    }
}

/// EPCIS and FHIR renderings of a product scan, as configured; `superseded` is the first
/// symbol `event` completes, declared in error in EPCIS.
fn renderings(
    interop: &Interop,
    event: &ScanEvent,
    superseded: Option<&ScanEvent>,
    case: Option<&crate::event::CaseRecord>,
) -> Vec<(Format, Vec<u8>)> {
    let mut out = Vec::new();
    for &format in interop.formats() {
        if format == Format::Json {
            continue;
        }
        let mut bytes = Vec::with_capacity(3072);
        match interop.render_scan(
            format,
            event,
            superseded,
            case,
            OffsetDateTime::now_utc(),
            &mut bytes,
        ) {
            Ok(()) => out.push((format, bytes)),
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

/// Case openings and closings as `…/case` records (not retained: a case is history), and for
/// a case closed with products, its completed FHIR Procedure when FHIR is published.
fn case_messages(interop: &Interop, cases: Vec<crate::event::CaseRecord>) -> Vec<Message> {
    let fhir = interop.formats().contains(&Format::Fhir);
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        if let Ok(payload) = serde_json::to_vec(&c) {
            out.push(
                Message::json(c.scanner_id.clone(), MessageKind::Case, payload)
                    .with_schema(crate::event::CASE_SCHEMA),
            );
        }
        if fhir && c.status != crate::event::CaseStatus::Open {
            let mut bytes = Vec::with_capacity(2048);
            match crate::interop::fhir::write_case_bundle(interop, &c, &mut bytes) {
                Ok(()) => {
                    let mut m = Message::json(c.scanner_id.clone(), MessageKind::Fhir, bytes);
                    m.content_type = ContentType::FhirJson;
                    out.push(m);
                }
                Err(crate::interop::InteropError::NotApplicable { .. }) => {}
                Err(e) => {
                    tracing::warn!(case_id = %c.case_id, error = %e, "case not rendered in FHIR")
                }
            }
        }
    }
    out
}

/// The outbox records of one scan; runs on the outbox's writer thread with the sequence, so
/// the renderings carry it too.
fn messages(
    mut event: ScanEvent,
    sequence: u64,
    alerts: Vec<AlertEvent>,
    changes: Vec<crate::event::ContextChange>,
    render: impl FnOnce(&ScanEvent) -> Vec<(Format, Vec<u8>)>,
    context_expiry: std::time::Duration,
) -> Vec<Message> {
    event.sequence = sequence;
    let renderings = render(&event);
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
                    .with_schema(ALERT_EVENT_SCHEMA),
            );
        }
    }
    for change in changes {
        if let Ok(payload) = serde_json::to_vec(&change) {
            let mut m = Message::json(change.scanner_id.clone(), MessageKind::Context, payload)
                .with_schema(CONTEXT_CHANGE_SCHEMA);
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
                p.good_read
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
