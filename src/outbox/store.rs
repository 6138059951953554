//! The redb store and its single writer thread (group commit).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use tokio::sync::{oneshot, watch};

use super::record::{self, DeadLetter, Message, StoredMessage};
use super::{OutboxConfig, OutboxError, WhenFull};

const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
const DEAD: TableDefinition<u64, &[u8]> = TableDefinition::new("dead_letters");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Gateway state that must survive a restart (point-of-care context, serial uses), committed
/// with the scans that changed it.
const STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("state");

const NEXT_ID: &str = "next_id";
const NEXT_SEQUENCE: &str = "next_sequence";
const BYTES: &str = "bytes";
const COUNT: &str = "count";

/// Per-record bookkeeping overhead counted against `max_bytes` (key, B-tree entry).
const RECORD_OVERHEAD: u64 = 16;
/// redb's page cache; capped so a large backlog never means a large resident set.
const CACHE_BYTES: usize = 32 * 1024 * 1024;
/// How often the writer expires old records when idle.
const HOUSEKEEPING: Duration = Duration::from_secs(1);
/// Most records expired or dropped in one transaction.
const MAX_EVICT_PER_TX: usize = 10_000;

/// What [`Outbox::append`] returns once the records are durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The per-gateway sequence given to this append.
    pub sequence: u64,
    /// The record ids of the stored messages, in order.
    pub ids: Vec<u64>,
}

/// Counters of the outbox, for metrics and health.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Records waiting for delivery.
    pub depth: u64,
    /// Bytes they take (counted against `max_bytes`).
    pub bytes: u64,
    /// The configured limit.
    pub max_bytes: u64,
    /// Age of the oldest waiting record.
    pub oldest_age: Option<Duration>,
    /// The sequence the next append will get.
    pub next_sequence: u64,
    /// Appends committed since start.
    pub appended: u64,
    /// Appends refused because the outbox was full.
    pub rejected_full: u64,
    /// Records deleted to make room (`when_full = "drop_oldest"`).
    pub dropped_oldest: u64,
    /// Records deleted because they were older than `max_age`.
    pub expired: u64,
    /// Records moved to the dead-letter table.
    pub dead_lettered: u64,
    /// Records removed after acknowledgement.
    pub removed: u64,
    /// Group commits (transactions) since start.
    pub commits: u64,
}

/// A state entry to store (`Some`) or delete (`None`) with an append.
pub type StateEntry = (String, Option<Vec<u8>>);

type BuildFn = Box<dyn FnOnce(u64) -> (Vec<Message>, Vec<StateEntry>) + Send>;

enum Request {
    Append {
        build: BuildFn,
        appended_at_us: u64,
        reply: oneshot::Sender<Result<Receipt, OutboxError>>,
    },
    Remove {
        ids: Vec<u64>,
        reply: Option<oneshot::Sender<Result<(), OutboxError>>>,
    },
    DeadLetter {
        id: u64,
        reason: String,
        reply: oneshot::Sender<Result<(), OutboxError>>,
    },
    Sync {
        reply: oneshot::Sender<Result<(), OutboxError>>,
    },
    PutState {
        writes: Vec<(String, Option<Vec<u8>>)>,
    },
}

#[derive(Default)]
struct Counters {
    appended: AtomicU64,
    rejected_full: AtomicU64,
    dropped_oldest: AtomicU64,
    expired: AtomicU64,
    dead_lettered: AtomicU64,
    removed: AtomicU64,
    commits: AtomicU64,
    depth: AtomicU64,
    bytes: AtomicU64,
    next_sequence: AtomicU64,
}

struct Shared {
    db: Database,
    counters: Counters,
    max_bytes: u64,
    /// The highest record id committed so far; the publisher watches it for new work.
    committed: watch::Sender<u64>,
}

/// The durable outbox. Cheap to clone; all clones share one writer thread.
#[derive(Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
    tx: flume::Sender<Request>,
    writer: Arc<std::sync::Mutex<Option<JoinHandle<()>>>>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

/// An append request and the receiver of its commit.
fn append_request<F>(build: F) -> (Request, oneshot::Receiver<Result<Receipt, OutboxError>>)
where
    F: FnOnce(u64) -> (Vec<Message>, Vec<StateEntry>) + Send + 'static,
{
    let (reply, rx) = oneshot::channel();
    let req = Request::Append {
        build: Box::new(build),
        appended_at_us: now_us(),
        reply,
    };
    (req, rx)
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

impl Outbox {
    /// Opens (or creates) the outbox in `config.path` and starts its writer thread.
    ///
    /// After a crash redb checks and, if needed, repairs the file here; every transaction that
    /// committed before the crash is present.
    pub fn open(config: &OutboxConfig) -> Result<Outbox, OutboxError> {
        std::fs::create_dir_all(&config.path)?;
        let file: PathBuf = config.path.join("outbox.redb");
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(&file)
            .map_err(|e| OutboxError::Open {
                path: file.clone(),
                source: Box::new(e),
            })?;
        // Make sure the tables and counters exist.
        let (next_id, next_seq, bytes, count) = {
            let wtx = db.begin_write()?;
            let v = {
                let _ = wtx.open_table(EVENTS)?;
                let _ = wtx.open_table(DEAD)?;
                let _ = wtx.open_table(STATE)?;
                let meta = wtx.open_table(META)?;
                let get = |k| -> Result<u64, OutboxError> {
                    Ok(meta.get(k)?.map(|v| v.value()).unwrap_or(0))
                };
                (get(NEXT_ID)?, get(NEXT_SEQUENCE)?, get(BYTES)?, get(COUNT)?)
            };
            wtx.commit()?;
            v
        };
        let (committed, _) = watch::channel(next_id.saturating_sub(1));
        let shared = Arc::new(Shared {
            db,
            counters: Counters::default(),
            max_bytes: config.max_bytes.0,
            committed,
        });
        shared.counters.depth.store(count, Ordering::Relaxed);
        shared.counters.bytes.store(bytes, Ordering::Relaxed);
        shared
            .counters
            .next_sequence
            .store(next_seq, Ordering::Relaxed);
        // Bounded queue: appenders wait (asynchronously) when the writer is behind.
        let (tx, rx) = flume::bounded(config.max_batch.max(1) * 2);
        let mut writer = Writer {
            shared: shared.clone(),
            rx,
            max_batch: config.max_batch.max(1),
            when_full: config.when_full,
            max_age: config.max_age,
            next_id,
            next_seq,
            bytes,
            count,
        };
        let handle = std::thread::Builder::new()
            .name("outbox-writer".into())
            .spawn(move || writer.run())?;
        Ok(Outbox {
            shared,
            tx,
            writer: Arc::new(std::sync::Mutex::new(Some(handle))),
        })
    }

    /// Durably appends the messages `build` returns for the next sequence number, sharing one
    /// fsync with whatever else is waiting (group commit). `build` runs on the writer thread,
    /// so it must be quick (serialize an event; no I/O).
    ///
    /// Returns once the records are committed. On [`OutboxError::Full`] nothing was stored and
    /// no sequence was used.
    pub async fn append<F>(&self, build: F) -> Result<Receipt, OutboxError>
    where
        F: FnOnce(u64) -> Vec<Message> + Send + 'static,
    {
        let committed = self.submit(build).await?;
        committed.await.map_err(|_| OutboxError::Closed)?
    }

    /// Queues an append behind every append submitted before it (so sequence numbers follow the
    /// order of submission) and returns a receiver for its commit, which the caller may await
    /// later: a pipeline can keep many appends in one group commit without reordering them.
    pub async fn submit<F>(
        &self,
        build: F,
    ) -> Result<oneshot::Receiver<Result<Receipt, OutboxError>>, OutboxError>
    where
        F: FnOnce(u64) -> Vec<Message> + Send + 'static,
    {
        self.submit_with_state(move |seq| (build(seq), Vec::new()))
            .await
    }

    /// As [`Outbox::submit`], with gateway state (see [`Outbox::read_state`]) written in the
    /// same transaction as the messages: the point-of-care context a scan changed is durable
    /// exactly when the scan is. Not written if the append is refused.
    pub async fn submit_with_state<F>(
        &self,
        build: F,
    ) -> Result<oneshot::Receiver<Result<Receipt, OutboxError>>, OutboxError>
    where
        F: FnOnce(u64) -> (Vec<Message>, Vec<StateEntry>) + Send + 'static,
    {
        let (req, rx) = append_request(build);
        self.tx
            .send_async(req)
            .await
            .map_err(|_| OutboxError::Closed)?;
        Ok(rx)
    }

    /// [`Outbox::append`] for threads outside an async runtime.
    pub fn append_blocking<F>(&self, build: F) -> Result<Receipt, OutboxError>
    where
        F: FnOnce(u64) -> Vec<Message> + Send + 'static,
    {
        let (req, rx) = append_request(move |seq| (build(seq), Vec::new()));
        self.tx.send(req).map_err(|_| OutboxError::Closed)?;
        rx.blocking_recv().map_err(|_| OutboxError::Closed)?
    }

    /// Removes acknowledged records (ids that are already gone are ignored) and waits for the
    /// commit.
    pub async fn remove(&self, ids: Vec<u64>) -> Result<(), OutboxError> {
        if ids.is_empty() {
            return Ok(());
        }
        let (reply, rx) = oneshot::channel();
        self.tx
            .send_async(Request::Remove {
                ids,
                reply: Some(reply),
            })
            .await
            .map_err(|_| OutboxError::Closed)?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }

    /// Moves a record that cannot be delivered to the dead-letter table.
    pub async fn dead_letter(&self, id: u64, reason: String) -> Result<(), OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send_async(Request::DeadLetter { id, reason, reply })
            .await
            .map_err(|_| OutboxError::Closed)?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }

    /// Stores (or, with `None`, deletes) gateway state under `key`s, in the same group commit
    /// as the appends queued just before it: state changed by a scan is durable with it, or
    /// at the latest in the next commit. Does not wait.
    pub async fn put_state(
        &self,
        writes: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<(), OutboxError> {
        if writes.is_empty() {
            return Ok(());
        }
        self.tx
            .send_async(Request::PutState { writes })
            .await
            .map_err(|_| OutboxError::Closed)
    }

    /// Every stored state entry, by key.
    pub fn read_state(&self) -> Result<Vec<(String, Vec<u8>)>, OutboxError> {
        let rtx = self.shared.db.begin_read()?;
        let table = rtx.open_table(STATE)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (k, v) = entry?;
            out.push((k.value().to_owned(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// Waits until everything queued before this call is committed.
    pub async fn sync(&self) -> Result<(), OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send_async(Request::Sync { reply })
            .await
            .map_err(|_| OutboxError::Closed)?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }

    /// Up to `limit` waiting records with ids greater than `after`, oldest first.
    pub fn pending(
        &self,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, OutboxError> {
        let rtx = self.shared.db.begin_read()?;
        let table = rtx.open_table(EVENTS)?;
        let start = after.map_or(0, |a| a.saturating_add(1));
        let mut out = Vec::with_capacity(limit.min(1024));
        for entry in table.range(start..)?.take(limit) {
            let (k, v) = entry?;
            out.push(record::decode(k.value(), v.value())?);
        }
        Ok(out)
    }

    /// Up to `limit` dead letters, oldest first.
    pub fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, OutboxError> {
        let rtx = self.shared.db.begin_read()?;
        let table = rtx.open_table(DEAD)?;
        let mut out = Vec::new();
        for entry in table.iter()?.take(limit) {
            let (k, v) = entry?;
            let v = v.value();
            let id = k.value();
            let n = v.get(..2).ok_or_else(|| OutboxError::Corrupt {
                id,
                reason: "truncated dead letter".into(),
            })?;
            let n = u16::from_le_bytes([n[0], n[1]]) as usize;
            let reason = v
                .get(2..2 + n)
                .map(|r| String::from_utf8_lossy(r).into_owned())
                .unwrap_or_default();
            let rec = v.get(2 + n..).unwrap_or_default();
            out.push(DeadLetter {
                record: record::decode(id, rec)?,
                reason,
            });
        }
        Ok(out)
    }

    /// A receiver that changes whenever records are committed (value: highest record id).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.committed.subscribe()
    }

    /// Current counters. Reads the oldest record's age from disk (one B-tree lookup).
    pub fn stats(&self) -> OutboxStats {
        let c = &self.shared.counters;
        let oldest_age = self
            .oldest_appended_us()
            .map(|t| Duration::from_micros(now_us().saturating_sub(t)));
        OutboxStats {
            depth: c.depth.load(Ordering::Relaxed),
            bytes: c.bytes.load(Ordering::Relaxed),
            max_bytes: self.shared.max_bytes,
            oldest_age,
            next_sequence: c.next_sequence.load(Ordering::Relaxed),
            appended: c.appended.load(Ordering::Relaxed),
            rejected_full: c.rejected_full.load(Ordering::Relaxed),
            dropped_oldest: c.dropped_oldest.load(Ordering::Relaxed),
            expired: c.expired.load(Ordering::Relaxed),
            dead_lettered: c.dead_lettered.load(Ordering::Relaxed),
            removed: c.removed.load(Ordering::Relaxed),
            commits: c.commits.load(Ordering::Relaxed),
        }
    }

    fn oldest_appended_us(&self) -> Option<u64> {
        let rtx = self.shared.db.begin_read().ok()?;
        let table = rtx.open_table(EVENTS).ok()?;
        let (_, v) = table.first().ok()??;
        record::appended_at_us(v.value())
    }

    /// Stops accepting requests, lets the writer commit what is queued and waits for it.
    /// Other clones see [`OutboxError::Closed`] afterwards.
    pub fn close(self) {
        let handle = self.writer.lock().ok().and_then(|mut h| h.take());
        drop(self.tx);
        if let Some(h) = handle {
            // Other clones may still hold senders; the writer then keeps running for them.
            if Arc::strong_count(&self.shared) <= 2 {
                let _ = h.join();
            }
        }
    }
}

struct Writer {
    shared: Arc<Shared>,
    rx: flume::Receiver<Request>,
    max_batch: usize,
    when_full: WhenFull,
    max_age: Option<Duration>,
    next_id: u64,
    next_seq: u64,
    bytes: u64,
    count: u64,
}

/// What to tell each requester after the commit.
enum Outcome {
    Append(
        oneshot::Sender<Result<Receipt, OutboxError>>,
        Result<Receipt, OutboxError>,
    ),
    Unit(
        oneshot::Sender<Result<(), OutboxError>>,
        Result<(), OutboxError>,
    ),
    None,
}

impl Writer {
    fn run(&mut self) {
        loop {
            let first = match self.rx.recv_timeout(HOUSEKEEPING) {
                Ok(r) => r,
                Err(flume::RecvTimeoutError::Timeout) => {
                    if let Err(e) = self.commit(Vec::new()) {
                        tracing::error!(error = %e, "outbox housekeeping failed");
                    }
                    continue;
                }
                Err(flume::RecvTimeoutError::Disconnected) => break,
            };
            let mut batch = vec![first];
            while batch.len() < self.max_batch {
                match self.rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            if let Err(e) = self.commit(batch) {
                tracing::error!(error = %e, "outbox commit failed");
            }
        }
    }

    /// Applies a batch in one durable transaction and answers every requester.
    fn commit(&mut self, batch: Vec<Request>) -> Result<(), OutboxError> {
        let saved = (self.next_id, self.next_seq, self.bytes, self.count);
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut stats = Delta::default();
        let result = self.apply(batch, &mut outcomes, &mut stats);
        match result {
            Ok(()) => {
                let c = &self.shared.counters;
                c.appended.fetch_add(stats.appended, Ordering::Relaxed);
                c.rejected_full.fetch_add(stats.rejected, Ordering::Relaxed);
                c.dropped_oldest.fetch_add(stats.dropped, Ordering::Relaxed);
                c.expired.fetch_add(stats.expired, Ordering::Relaxed);
                c.dead_lettered.fetch_add(stats.dead, Ordering::Relaxed);
                c.removed.fetch_add(stats.removed, Ordering::Relaxed);
                c.commits.fetch_add(1, Ordering::Relaxed);
                c.depth.store(self.count, Ordering::Relaxed);
                c.bytes.store(self.bytes, Ordering::Relaxed);
                c.next_sequence.store(self.next_seq, Ordering::Relaxed);
                if stats.appended > 0 {
                    self.shared
                        .committed
                        .send_replace(self.next_id.saturating_sub(1));
                }
                if stats.dropped > 0 {
                    tracing::error!(
                        dropped = stats.dropped,
                        "outbox full: dropped the oldest undelivered records (when_full = \"drop_oldest\")"
                    );
                }
                if stats.expired > 0 {
                    tracing::error!(
                        expired = stats.expired,
                        "outbox: undelivered records older than max_age were deleted"
                    );
                }
                for o in outcomes {
                    match o {
                        Outcome::Append(tx, r) => {
                            let _ = tx.send(r);
                        }
                        Outcome::Unit(tx, r) => {
                            let _ = tx.send(r);
                        }
                        Outcome::None => {}
                    }
                }
                Ok(())
            }
            Err(e) => {
                // Nothing of this batch is on disk: restore the counters and fail every request.
                (self.next_id, self.next_seq, self.bytes, self.count) = saved;
                let msg = e.to_string();
                for o in outcomes {
                    match o {
                        Outcome::Append(tx, _) => {
                            let _ = tx.send(Err(OutboxError::Storage(msg.clone())));
                        }
                        Outcome::Unit(tx, _) => {
                            let _ = tx.send(Err(OutboxError::Storage(msg.clone())));
                        }
                        Outcome::None => {}
                    }
                }
                Err(e)
            }
        }
    }

    fn apply(
        &mut self,
        batch: Vec<Request>,
        outcomes: &mut Vec<Outcome>,
        d: &mut Delta,
    ) -> Result<(), OutboxError> {
        let mut wtx = self.shared.db.begin_write()?;
        wtx.set_durability(Durability::Immediate)?;
        {
            let mut events = wtx.open_table(EVENTS)?;
            let mut dead = wtx.open_table(DEAD)?;
            let mut meta = wtx.open_table(META)?;
            let mut state = wtx.open_table(STATE)?;
            // Housekeeping first, so the age limit frees room before appends are judged.
            if let Some(max_age) = self.max_age {
                let cutoff = now_us().saturating_sub(max_age.as_micros() as u64);
                let mut n = 0;
                while n < MAX_EVICT_PER_TX {
                    let Some((k, v)) = events.first()? else { break };
                    let (id, len, t) = (
                        k.value(),
                        v.value().len() as u64,
                        record::appended_at_us(v.value()).unwrap_or(0),
                    );
                    drop((k, v));
                    if t >= cutoff {
                        break;
                    }
                    events.remove(id)?;
                    self.forget(len);
                    d.expired += 1;
                    n += 1;
                }
            }
            for req in batch {
                match req {
                    Request::Append {
                        build,
                        appended_at_us,
                        reply,
                    } => {
                        let seq = self.next_seq;
                        let (msgs, writes) = build(seq);
                        let r = self.append_one(&mut events, seq, appended_at_us, &msgs, d);
                        if r.is_ok() {
                            for (key, value) in writes {
                                match value {
                                    Some(v) => {
                                        state.insert(key.as_str(), v.as_slice())?;
                                    }
                                    None => {
                                        state.remove(key.as_str())?;
                                    }
                                }
                            }
                        }
                        outcomes.push(Outcome::Append(reply, r));
                    }
                    Request::Remove { ids, reply } => {
                        for id in ids {
                            if let Some(v) = events.remove(id)? {
                                let len = v.value().len() as u64;
                                drop(v);
                                self.forget(len);
                                d.removed += 1;
                            }
                        }
                        outcomes.push(match reply {
                            Some(tx) => Outcome::Unit(tx, Ok(())),
                            None => Outcome::None,
                        });
                    }
                    Request::DeadLetter { id, reason, reply } => {
                        if let Some(v) = events.remove(id)? {
                            let rec = v.value().to_vec();
                            drop(v);
                            self.forget(rec.len() as u64);
                            let reason_bytes = reason.as_bytes();
                            let n = reason_bytes.len().min(u16::MAX as usize);
                            let mut val = Vec::with_capacity(2 + n + rec.len());
                            val.extend_from_slice(&(n as u16).to_le_bytes());
                            val.extend_from_slice(&reason_bytes[..n]);
                            val.extend_from_slice(&rec);
                            dead.insert(id, val.as_slice())?;
                            d.dead += 1;
                        }
                        outcomes.push(Outcome::Unit(reply, Ok(())));
                    }
                    Request::Sync { reply } => outcomes.push(Outcome::Unit(reply, Ok(()))),
                    Request::PutState { writes } => {
                        for (key, value) in writes {
                            match value {
                                Some(v) => {
                                    state.insert(key.as_str(), v.as_slice())?;
                                }
                                None => {
                                    state.remove(key.as_str())?;
                                }
                            }
                        }
                        outcomes.push(Outcome::None);
                    }
                }
            }
            meta.insert(NEXT_ID, self.next_id)?;
            meta.insert(NEXT_SEQUENCE, self.next_seq)?;
            meta.insert(BYTES, self.bytes)?;
            meta.insert(COUNT, self.count)?;
        }
        wtx.commit()?;
        Ok(())
    }

    fn forget(&mut self, len: u64) {
        self.bytes = self.bytes.saturating_sub(len + RECORD_OVERHEAD);
        self.count = self.count.saturating_sub(1);
    }

    fn append_one(
        &mut self,
        events: &mut redb::Table<u64, &[u8]>,
        seq: u64,
        appended_at_us: u64,
        msgs: &[Message],
        d: &mut Delta,
    ) -> Result<Receipt, OutboxError> {
        if msgs.is_empty() {
            return Err(OutboxError::InvalidMessage(
                "an append needs at least one message".into(),
            ));
        }
        for m in msgs {
            m.validate()?;
        }
        let encoded: Vec<Vec<u8>> = msgs
            .iter()
            .map(|m| record::encode(seq, appended_at_us, m))
            .collect();
        let needed: u64 = encoded
            .iter()
            .map(|e| e.len() as u64 + RECORD_OVERHEAD)
            .sum();
        let max = self.shared.max_bytes;
        if needed > max {
            return Err(OutboxError::InvalidMessage(format!(
                "{needed} bytes is more than the whole outbox (max_bytes = {max})"
            )));
        }
        if self.bytes + needed > max {
            match self.when_full {
                WhenFull::Reject => {
                    d.rejected += 1;
                    tracing::error!(
                        stored_bytes = self.bytes,
                        max_bytes = max,
                        "OUTBOX FULL: scan rejected (when_full = \"reject\"); the broker has not \
                         acknowledged enough events to make room"
                    );
                    return Err(OutboxError::Full {
                        stored_bytes: self.bytes,
                        max_bytes: max,
                        needed,
                    });
                }
                WhenFull::DropOldest => {
                    while self.bytes + needed > max {
                        let Some((k, v)) = events.first()? else { break };
                        let (id, len) = (k.value(), v.value().len() as u64);
                        drop((k, v));
                        events.remove(id)?;
                        self.forget(len);
                        d.dropped += 1;
                    }
                }
            }
        }
        let mut ids = Vec::with_capacity(encoded.len());
        for e in &encoded {
            let id = self.next_id;
            events.insert(id, e.as_slice())?;
            self.next_id += 1;
            self.bytes += e.len() as u64 + RECORD_OVERHEAD;
            self.count += 1;
            ids.push(id);
        }
        self.next_seq += 1;
        d.appended += 1;
        Ok(Receipt { sequence: seq, ids })
    }
}

#[derive(Default)]
struct Delta {
    appended: u64,
    rejected: u64,
    dropped: u64,
    expired: u64,
    dead: u64,
    removed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::{ByteSize, MessageKind};

    fn msg(n: u64) -> Vec<Message> {
        vec![Message::json(
            "s1",
            MessageKind::Scan,
            format!("{{\"n\":{n}}}").into_bytes(),
        )]
    }

    /// State written with an append is committed with it (and survives reopening); a refused
    /// append writes none; `put_state` deletes.
    #[tokio::test]
    async fn state_is_committed_with_its_append_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = OutboxConfig::at(dir.path());
        cfg.max_bytes = ByteSize(400);
        let ob = Outbox::open(&cfg).unwrap();
        let rx = ob
            .submit_with_state(|s| (msg(s), vec![("context".to_owned(), Some(b"A".to_vec()))]))
            .await
            .unwrap();
        rx.await.unwrap().unwrap();
        assert_eq!(
            ob.read_state().unwrap(),
            [("context".to_owned(), b"A".to_vec())]
        );
        // Too big for the outbox: refused, and its state is not written either.
        let rx = ob
            .submit_with_state(|_| {
                (
                    vec![Message::json("s1", MessageKind::Scan, vec![b'x'; 1000])],
                    vec![("context".to_owned(), Some(b"B".to_vec()))],
                )
            })
            .await
            .unwrap();
        assert!(rx.await.unwrap().is_err());
        assert_eq!(ob.read_state().unwrap()[0].1, b"A");
        ob.close();
        let ob = Outbox::open(&cfg).unwrap();
        assert_eq!(ob.read_state().unwrap()[0].1, b"A");
        ob.put_state(vec![("context".to_owned(), None)])
            .await
            .unwrap();
        ob.sync().await.unwrap();
        assert!(ob.read_state().unwrap().is_empty());
    }

    #[tokio::test]
    async fn appends_get_consecutive_sequences_that_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = OutboxConfig::at(dir.path());
        let ob = Outbox::open(&cfg).unwrap();
        let mut tasks = Vec::new();
        for i in 0..200 {
            let ob = ob.clone();
            tasks.push(tokio::spawn(
                async move { ob.append(move |_| msg(i)).await },
            ));
        }
        let mut seqs = Vec::new();
        for t in tasks {
            seqs.push(t.await.unwrap().unwrap().sequence);
        }
        seqs.sort();
        assert_eq!(seqs, (0..200).collect::<Vec<_>>());
        let st = ob.stats();
        assert_eq!(st.depth, 200);
        assert!(st.commits < 200, "group commit shares transactions: {st:?}");
        ob.close();
        let ob = Outbox::open(&cfg).unwrap();
        let r = ob.append(msg).await.unwrap();
        assert_eq!(r.sequence, 200);
        let page = ob.pending(None, 10).unwrap();
        assert_eq!(page.len(), 10);
        let next = ob.pending(Some(page[9].id), 1000).unwrap();
        assert_eq!(next.len(), 191);
        ob.remove(page.iter().map(|r| r.id).collect())
            .await
            .unwrap();
        assert_eq!(ob.stats().depth, 191);
        assert_eq!(ob.pending(None, 1).unwrap()[0].id, next[0].id);
    }

    #[tokio::test]
    async fn full_outbox_rejects_without_using_a_sequence_or_drops_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = OutboxConfig::at(dir.path());
        cfg.max_bytes = ByteSize(1000);
        let ob = Outbox::open(&cfg).unwrap();
        let mut accepted = 0;
        let err = loop {
            match ob.append(msg).await {
                Ok(r) => {
                    assert_eq!(r.sequence, accepted);
                    accepted += 1;
                }
                Err(e) => break e,
            }
        };
        assert!(matches!(err, OutboxError::Full { .. }), "{err}");
        assert!(err.to_string().contains("NOT accepted"));
        assert_eq!(ob.stats().rejected_full, 1);
        assert_eq!(ob.stats().next_sequence, accepted);
        ob.close();

        cfg.when_full = WhenFull::DropOldest;
        let ob = Outbox::open(&cfg).unwrap();
        let r = ob.append(msg).await.unwrap();
        assert_eq!(r.sequence, accepted);
        let st = ob.stats();
        assert_eq!(st.dropped_oldest, 1);
        assert!(st.bytes <= 1000);
        assert_eq!(ob.pending(None, 1).unwrap()[0].sequence, 1);
    }

    #[tokio::test]
    async fn dead_letters_keep_the_record_and_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(&OutboxConfig::at(dir.path())).unwrap();
        let r = ob.append(msg).await.unwrap();
        ob.dead_letter(r.ids[0], "too large".into()).await.unwrap();
        assert_eq!(ob.stats().depth, 0);
        let dl = ob.dead_letters(10).unwrap();
        assert_eq!(dl.len(), 1);
        assert_eq!(dl[0].reason, "too large");
        assert_eq!(dl[0].record.message.payload, b"{\"n\":0}");
    }

    #[tokio::test]
    async fn records_older_than_max_age_expire() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = OutboxConfig::at(dir.path());
        cfg.max_age = Some(Duration::from_millis(1));
        let ob = Outbox::open(&cfg).unwrap();
        ob.append(msg).await.unwrap();
        std::thread::sleep(Duration::from_millis(5)); // let the record age past 1 ms
        ob.sync().await.unwrap();
        let st = ob.stats();
        assert_eq!((st.expired, st.depth), (1, 0));
    }
}
