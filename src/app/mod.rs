//! The daemon: wires sources, the GS1 engine, events, the outbox and MQTT into one process.
//!
//! Start-up validates everything before touching devices (the configuration is already
//! validated by [`crate::config::load`]); then the outbox is opened, the embedded broker (if
//! configured) and the publisher are started, the sources are opened, and systemd is told
//! READY=1.
//!
//! Shutdown is injected ([`run`] takes a future, mini-redis style) and ordered: stop sources →
//! the pipeline commits what was read → the publisher delivers the outbox for at most
//! `[gateway] drain_timeout` → retained offline status → exit. What could not be delivered stays
//! in the outbox for the next start. When every source ends on its own (standard input closed, a
//! replay finished) the same drain runs and the gateway exits, so `producer | gs1-gateway run`
//! works in scripts.

pub mod clock;
pub mod health;
pub mod http;
pub mod notify;
pub mod pipeline;

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::registry::Registry;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, ConfigError};
use crate::event::{
    AlertConfig, ContextTracker, EventBuilder, Privacy, Processor, RecallLists, MQTT_RECALL_CACHE,
};
use crate::gs1::ParseOptions;
use crate::outbox::{Outbox, OutboxError};
use crate::publish::{self, PublishError};
use crate::source::feedback::FeedbackProtocol;
use crate::source::{SourceConfig, SourceEvent};
use crate::telemetry::Metrics;

use health::{Health, OutboxHealth};
use pipeline::{FeedbackRoutes, Pipeline, PipelineSettings};

/// Why the gateway could not start (running problems are retried, not returned).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The configuration was rejected.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The outbox could not be opened.
    #[error("cannot open the outbox: {0}")]
    Outbox(#[from] OutboxError),
    /// The MQTT settings or the embedded broker failed.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// A component's settings are invalid.
    #[error("{0}")]
    Setup(String),
    /// The HTTP endpoint could not be bound.
    #[error("cannot serve the HTTP endpoint on {addr}: {source}")]
    Http {
        /// The configured address.
        addr: std::net::SocketAddr,
        /// The bind error.
        source: std::io::Error,
    },
}

/// Control messages for a running gateway (SIGHUP reload).
#[derive(Debug)]
pub enum Control {
    /// Apply a new, already validated configuration.
    Reload(Box<Config>),
}

/// What the gateway did, returned when it stops.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Scans committed to the outbox.
    pub committed: u64,
    /// Records still in the outbox (delivered on the next start).
    pub left_in_outbox: u64,
    /// The embedded broker's address, if one ran.
    pub broker: Option<std::net::SocketAddr>,
}

/// Called once the gateway is running (e.g. to print the embedded broker's address).
pub type OnReady = Box<dyn FnOnce(&ReadyInfo) + Send>;

/// What is known once the gateway is up.
#[derive(Debug, Clone)]
pub struct ReadyInfo {
    /// The embedded broker's address.
    pub broker: Option<std::net::SocketAddr>,
    /// The MQTT protocol version the embedded broker speaks.
    pub broker_protocol: publish::ProtocolVersion,
    /// The broker URL the publisher uses.
    pub mqtt_url: String,
    /// The HTTP endpoint's address.
    pub http: Option<std::net::SocketAddr>,
    /// The outbox directory.
    pub outbox: PathBuf,
    /// Topic prefix including the gateway id.
    pub topic_root: String,
}

/// Runs the gateway until every source has ended or `shutdown` completes.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()>,
    mut control: mpsc::Receiver<Control>,
    on_ready: Option<OnReady>,
) -> Result<RunSummary, AppError> {
    let gateway_id = config.gateway.id.clone();
    let health = Arc::new(Health::new(&gateway_id));
    let mut registry = Registry::default();
    let metrics = Arc::new(Metrics::new(&mut registry));
    let root = CancellationToken::new();

    // Components that validate their settings before anything is opened.
    let components = Components::from_config(&config)?;

    let outbox = Outbox::open(&config.outbox)?;

    // Broker: embedded (built-in default or `[broker] embedded = true`) or external.
    let mut mqtt = config.mqtt.clone();
    let broker = if config.broker.embedded {
        let listen = std::net::SocketAddr::new(config.broker.bind, config.broker.port);
        // The embedded broker speaks the protocol the publisher is configured for.
        let protocol = mqtt.protocol;
        let b = tokio::task::spawn_blocking(move || publish::broker::start(listen, protocol))
            .await
            .map_err(|e| AppError::Setup(format!("embedded broker: {e}")))??;
        if !config.mqtt_url_set {
            mqtt.url = b.url();
        }
        Some(b.addr())
    } else {
        None
    };
    let settings = mqtt.validate(&gateway_id)?;
    let topic_root = format!("{}/{}", mqtt.topic_prefix, gateway_id);
    let mqtt_url = mqtt.url.clone();
    health.broker(&mqtt_url, false, None);
    let publisher_token = CancellationToken::new();
    // `[alerts] recall_topic`: the publisher subscribes on every (re)connect and hands each
    // message to the pipeline, which parses it and merges it with the file's list.
    let (inbox, recall_inbox) = match &config.alerts.recall_topic {
        Some(topic) => {
            let (tx, rx) = tokio::sync::watch::channel(None);
            (
                Some(publish::Inbox {
                    filter: topic.clone(),
                    tx,
                }),
                Some(rx),
            )
        }
        None => (None, None),
    };
    let publisher =
        publish::spawn_with_inbox(settings, outbox.clone(), publisher_token.clone(), inbox);
    let acked_metrics = metrics.clone();
    publisher.stats().observe_acks(Box::new(move |latency| {
        acked_metrics.published.inc();
        acked_metrics
            .publish_latency_seconds
            .observe(latency.as_secs_f64());
    }));

    // HTTP endpoint.
    let http_addr = if config.http.enabled {
        let refresh_outbox = outbox.clone();
        let refresh_health = health.clone();
        let refresh_metrics = metrics.clone();
        let stats = publisher.stats().clone();
        let url = mqtt_url.clone();
        let endpoint = http::Endpoint {
            registry,
            health: health.clone(),
            refresh: Box::new(move || {
                let s = refresh_outbox.stats();
                let connected = stats.connected.load(std::sync::atomic::Ordering::Relaxed);
                let last_error = stats.last_error.lock().ok().and_then(|g| g.clone());
                refresh_health.broker(&url, connected, last_error);
                refresh_health.outbox(OutboxHealth {
                    depth: s.depth,
                    oldest_age_seconds: s.oldest_age.map(|d| d.as_secs_f64()).unwrap_or(0.0),
                    full: s.bytes >= s.max_bytes,
                });
                refresh_metrics.outbox_depth.set(s.depth as i64);
                refresh_metrics
                    .outbox_oldest_age_seconds
                    .set(s.oldest_age.map(|d| d.as_secs_f64()).unwrap_or(0.0));
                refresh_metrics.broker_connected.set(i64::from(connected));
            }),
        };
        let (addr, _handle) = http::serve(config.http.listen, endpoint, root.child_token())
            .await
            .map_err(|source| AppError::Http {
                addr: config.http.listen,
                source,
            })?;
        tracing::info!(%addr, "HTTP endpoint: /metrics /healthz /status");
        Some(addr)
    } else {
        None
    };

    // Scanner status → retained per-scanner topics. The forwarder ends with the pipeline.
    let publisher = Arc::new(publisher);
    let (status_tx, mut status_rx) = mpsc::channel::<(String, bool)>(256);
    let status_publisher = publisher.clone();
    let status_forwarder = tokio::spawn(async move {
        while let Some((id, connected)) = status_rx.recv().await {
            status_publisher.set_scanner_status(&id, connected).await;
        }
    });

    // Sources.
    let (source_tx, source_rx) =
        mpsc::channel::<SourceEvent>(crate::source::DEFAULT_CHANNEL_CAPACITY);
    let feedback = FeedbackRoutes::default();
    let mut sources = Sources::new(source_tx, root.child_token(), feedback.clone());
    for source in &config.sources {
        health.add_source(source.id(), &kind_text(source), false);
        sources.spawn(source.clone());
    }

    let (settings_tx, settings_rx) = mpsc::channel::<PipelineSettings>(4);
    let settings = components.into_settings(&config, false);
    // The MQTT recall list of the previous run applies until the broker resends it.
    let mqtt_recall_cache = config
        .alerts
        .recall_topic
        .as_ref()
        .map(|_| config.outbox.path.join(MQTT_RECALL_CACHE));
    let recalls = RecallLists::load(config.alerts.recall_list.as_deref(), mqtt_recall_cache);
    let mut processor = settings.processor;
    restore_state(&outbox, &mut processor);
    let pipeline = Pipeline {
        processor,
        recalls,
        recall_inbox,
        interop: Arc::new(settings.interop),
        first_symbols: Default::default(),
        clock_synchronised: None,
        context_expiry: settings.context_expiry,
        outbox: outbox.clone(),
        metrics: metrics.clone(),
        health: health.clone(),
        echo: Arc::new(std::sync::atomic::AtomicBool::new(settings.echo)),
        feedback,
        settings: settings_rx,
        scanner_status: status_tx,
    };
    let ingest = tokio::spawn(pipeline.run(source_rx));

    notify::ready(&format!(
        "{} sources, broker {mqtt_url}",
        config.sources.len()
    ));
    if let Some(on_ready) = on_ready {
        on_ready(&ReadyInfo {
            broker,
            broker_protocol: mqtt.protocol,
            mqtt_url: mqtt_url.clone(),
            http: http_addr,
            outbox: config.outbox.path.clone(),
            topic_root,
        });
    }

    // Main loop: wait for the end of the sources, a stop request or a reload.
    let mut watchdog = notify::watchdog_interval().map(tokio::time::interval);
    let had_sources = !config.sources.is_empty();
    let mut current = config;
    tokio::pin!(shutdown);
    loop {
        let tick = async {
            match watchdog.as_mut() {
                Some(w) => {
                    w.tick().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = &mut shutdown => {
                tracing::info!("stop requested: draining");
                break;
            }
            ended = sources.join_next(), if sources.running() > 0 => {
                if let Some(id) = ended {
                    tracing::debug!(source = %id, "source task ended");
                }
                if sources.running() == 0 && had_sources {
                    tracing::info!("every source has ended: draining");
                    break;
                }
            }
            msg = control.recv() => {
                match msg {
                    Some(Control::Reload(new)) => {
                        reload(&mut current, *new, &mut sources, &health, &settings_tx).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            _ = tick => notify::watchdog(),
        }
    }

    // Ordered drain.
    notify::stopping();
    sources.stop().await;
    let committed = ingest.await.unwrap_or(0);
    let _ = status_forwarder.await;
    let drain = current.gateway.drain_timeout.0;
    let drained = publisher
        .wait_until(drain, |s| s.outbox.depth == 0)
        .await
        .is_ok();
    if !drained {
        tracing::warn!("drain time-out: undelivered events stay in the outbox for the next start");
    }
    publisher_token.cancel();
    let left = publisher.snapshot().outbox.depth;
    match Arc::try_unwrap(publisher) {
        Ok(p) => p.join().await,
        Err(_) => tracing::warn!("publisher still shared at shutdown; not joined"),
    }
    root.cancel();
    if let Err(e) = outbox.sync().await {
        tracing::warn!(error = %e, "final outbox sync failed");
    }
    Ok(RunSummary {
        committed,
        left_in_outbox: left,
        broker,
    })
}

/// Components built from the configuration before anything is opened.
struct Components {
    processor: Processor,
    interop: crate::interop::Interop,
}

impl Components {
    /// Builds and validates the pipeline's components (also on reload, before anything is
    /// replaced, so a file that passes `check-config` but names an unreadable key changes nothing).
    fn from_config(config: &Config) -> Result<Components, AppError> {
        let setup = |what: &str, e: &dyn std::fmt::Display| AppError::Setup(format!("{what}: {e}"));
        let gateway_id = &config.gateway.id;
        let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
        let mut privacy_config = config.privacy.clone();
        if crate::config::uses_generated_key(&privacy_config) {
            let key = generated_key(&config.outbox.path).map_err(|e| setup("[privacy]", &e))?;
            privacy_config.pseudonym_key_file = Some(key);
        }
        let privacy = Privacy::from_config(&privacy_config, credentials.as_deref())
            .map_err(|e| setup("[privacy]", &e))?;
        let implants = &config.interop.implants;
        let context = ContextTracker::new(gateway_id.clone(), &config.context)
            .map_err(|e| setup("[context]", &e))?
            .with_implants(crate::event::ImplantMatcher::new(
                implants.gtins.iter().cloned(),
                implants.gtin_prefixes.iter().cloned(),
                implants.hibc_device_identifiers.iter().cloned(),
            ));
        let alerts: &AlertConfig = &config.alerts;
        Ok(Components {
            processor: Processor::with_parse_options(
                ParseOptions {
                    strict: config.gs1.strict,
                    permit_unknown_ais: config.gs1.permit_unknown_ais,
                    ..ParseOptions::default()
                },
                EventBuilder::new(gateway_id.clone(), privacy),
                context,
                alerts,
            ),
            interop: config
                .interop
                .validate()
                .map_err(|e| setup("[interop]", &e))?,
        })
    }

    /// The pipeline's settings under `config`; with `reload_recall_file`, the recall list file
    /// is watched and loaded anew, otherwise the running list and watcher stay.
    fn into_settings(self, config: &Config, reload_recall_file: bool) -> PipelineSettings {
        PipelineSettings {
            processor: self.processor,
            recall_file: reload_recall_file.then(|| config.alerts.recall_list.clone()),
            interop: self.interop,
            context_expiry: context_expiry(config),
            echo: config.stdout.echo,
        }
    }
}

/// Brings back the point-of-care context and the serial uses saved beside the outbox, so a
/// restart or a crash in the middle of an operation keeps the patient. What cannot be read is
/// reported and ignored: starting with no context is safe, refusing to start is not.
fn restore_state(outbox: &Outbox, processor: &mut Processor) {
    let entries = match outbox.read_state() {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "the saved state could not be read; starting with no point-of-care context");
            return;
        }
    };
    let report = processor.restore_state(
        entries.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
        time::OffsetDateTime::now_utc(),
    );
    for e in &report.errors {
        tracing::error!("{e}");
    }
    if report.contexts > 0 || report.serial_uses > 0 {
        tracing::info!(
            contexts = report.contexts,
            serial_uses = report.serial_uses,
            "point-of-care context and serial uses restored"
        );
    }
}

/// The pseudonymisation key of this box when none is configured: `pseudonym.key` beside the
/// outbox, created once with 32 random bytes (hex) and kept, so pseudonyms stay stable across
/// restarts. Pseudonyms from different boxes then differ: configure one shared key
/// (`[privacy] pseudonym_key_credential`) where subscribers must link patients across boxes.
fn generated_key(outbox_dir: &std::path::Path) -> std::io::Result<PathBuf> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::create_dir_all(outbox_dir)?;
    let path = outbox_dir.join("pseudonym.key");
    if path.exists() {
        return Ok(path);
    }
    let mut random = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(hex.as_bytes())?;
    file.sync_all()?;
    tracing::warn!(
        path = %path.display(),
        "no [privacy] pseudonym key configured: generated one for this box (pseudonyms differ between boxes)"
    );
    Ok(path)
}

/// The longest context time-out: context messages expire after it.
fn context_expiry(config: &Config) -> Duration {
    let c = &config.context;
    c.patient_timeout
        .max(c.staff_timeout)
        .max(c.location_timeout)
}

fn kind_text(source: &SourceConfig) -> String {
    serde_json::to_value(source.kind())
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The running sources, each with its own cancellation token so a reload can replace one.
struct Sources {
    tx: mpsc::Sender<SourceEvent>,
    parent: CancellationToken,
    feedback: FeedbackRoutes,
    tokens: HashMap<String, (SourceConfig, CancellationToken)>,
    tasks: JoinSet<String>,
}

impl Sources {
    fn new(
        tx: mpsc::Sender<SourceEvent>,
        parent: CancellationToken,
        feedback: FeedbackRoutes,
    ) -> Sources {
        Sources {
            tx,
            parent,
            feedback,
            tokens: HashMap::new(),
            tasks: JoinSet::new(),
        }
    }

    fn running(&self) -> usize {
        self.tasks.len()
    }

    /// Starts a source and routes its scanner's feedback when it supports it.
    fn spawn(&mut self, config: SourceConfig) {
        let id = config.id().to_string();
        let token = self.parent.child_token();
        let tx = self.tx.clone();
        let (fb_tx, fb_rx) = mpsc::channel(16);
        let wants_feedback = match &config {
            SourceConfig::Serial(c) => c.feedback != FeedbackProtocol::Off,
            SourceConfig::Hid(c) => c.feedback != FeedbackProtocol::Off,
            _ => false,
        };
        self.tokens
            .insert(id.clone(), (config.clone(), token.clone()));
        let task_id = id.clone();
        self.tasks.spawn(async move {
            let result = match config {
                SourceConfig::Serial(c) if wants_feedback => {
                    crate::source::serial::run_with_feedback(c, tx, Some(fb_rx), token).await
                }
                SourceConfig::Hid(c) if wants_feedback => {
                    crate::source::hid::run_with_feedback(c, tx, Some(fb_rx), token).await
                }
                other => crate::source::run(other, tx, token).await,
            };
            if let Err(e) = result {
                tracing::error!(source = %task_id, error = %e, "source stopped");
            }
            task_id
        });
        self.feedback.set(&id, wants_feedback.then_some(fb_tx));
    }

    async fn join_next(&mut self) -> Option<String> {
        match self.tasks.join_next().await {
            Some(Ok(id)) => {
                self.tokens.remove(&id);
                Some(id)
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, "source task failed");
                None
            }
            None => None,
        }
    }

    fn stop_one(&mut self, id: &str) {
        self.feedback.set(id, None);
        if let Some((_, token)) = self.tokens.remove(id) {
            token.cancel();
        }
    }

    async fn stop(&mut self) {
        for (_, token) in self.tokens.values() {
            token.cancel();
        }
        // Sources check their token between reads; give them a bounded time.
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        self.tasks.abort_all();
        // Dropping our sender lets the pipeline see the end of input.
        let (closed, _) = mpsc::channel(1);
        self.tx = closed;
    }
}

/// Applies a reloaded configuration: the pipeline's settings (`[gs1]`, `[privacy]`,
/// `[context]`, `[alerts]`, `[interop]`, `[stdout]`) are replaced between two scans; sources
/// whose settings changed are restarted, new ones started, removed ones stopped. Outbox, MQTT
/// session and point-of-care context are kept; changes to `[mqtt]`, `[outbox]`, `[broker]` and
/// `[http]` take effect at the next restart. If the new settings cannot be built (say, a
/// pseudonym key file that cannot be read), nothing changes.
async fn reload(
    current: &mut Config,
    new: Config,
    sources: &mut Sources,
    health: &Health,
    settings: &mpsc::Sender<PipelineSettings>,
) {
    let components = match Components::from_config(&new) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "configuration not reloaded; keeping the running one");
            return;
        }
    };
    // Same file: the running watcher already follows it.
    let recall_file_changed = new.alerts.recall_list != current.alerts.recall_list;
    let next = components.into_settings(&new, recall_file_changed);
    if settings.send(next).await.is_err() {
        tracing::warn!("pipeline has stopped; configuration not applied");
        return;
    }
    if new.mqtt != current.mqtt
        || new.outbox != current.outbox
        || new.broker != current.broker
        || new.http != current.http
        || new.log != current.log
        || new.alerts.recall_topic != current.alerts.recall_topic
    {
        tracing::warn!(
            "[mqtt], [outbox], [broker], [http], [log] and [alerts] recall_topic changes take effect at the next restart"
        );
    }
    let new_ids: HashMap<&str, &SourceConfig> = new.sources.iter().map(|s| (s.id(), s)).collect();
    let old: Vec<(String, SourceConfig)> = sources
        .tokens
        .iter()
        .map(|(id, (c, _))| (id.clone(), c.clone()))
        .collect();
    for (id, cfg) in &old {
        match new_ids.get(id.as_str()) {
            Some(n) if *n == cfg => {}
            _ => {
                tracing::info!(source = %id, "source stopped by reload");
                sources.stop_one(id);
            }
        }
    }
    for s in &new.sources {
        let unchanged = old.iter().any(|(id, c)| id == s.id() && c == s);
        if !unchanged {
            tracing::info!(source = %s.id(), "source started by reload");
            health.add_source(s.id(), &kind_text(s), false);
            sources.spawn(s.clone());
        }
    }
    *current = new;
    tracing::info!("configuration reloaded");
}
