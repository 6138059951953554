//! Stage 4: the durable outbox.
//!
//! # Invariants
//!
//! 1. **A scan counts as accepted only once it is on disk.** [`Outbox::append`] returns after the
//!    write transaction holding the record was committed with `Durability::Immediate` (redb's
//!    checksummed commit, one `fsync` of the file). The scanner's good-read feedback and any
//!    acknowledgement to a source come after that.
//! 2. **Group commit.** One writer thread owns the database. It takes every request waiting in its
//!    queue (appends, removals, dead-letterings; at most [`OutboxConfig::max_batch`]) into one
//!    transaction and one fsync, then answers each appender through a oneshot. Under load many
//!    scans share an fsync; an idle gateway still commits each scan on its own, at once.
//! 3. **The sequence is durable and never reused.** Each append takes the next per-gateway
//!    `sequence`; the counter is stored in the same transaction as the records, so after a crash
//!    (`kill -9`, power loss) it continues after the last committed scan. A rejected append does
//!    not consume a sequence, so accepted scans have no gaps. All messages of one append (a scan
//!    and its alert, EPCIS and FHIR renderings) share its sequence.
//! 4. **Records leave only on acknowledgement.** The publisher removes a record after the broker
//!    acknowledged it (PUBACK/PUBCOMP); removals are batched into the writer's transactions. A
//!    record that can never be delivered (larger than the broker accepts, refused by an MQTT 5
//!    reason code) moves to the dead-letter table with its reason: counted, kept, never retried
//!    forever and never silently lost.
//! 5. **Bounded on disk, bounded in memory.** The logical size of stored records (payload plus
//!    metadata) never exceeds [`OutboxConfig::max_bytes`]; when an append would exceed it the
//!    explicit [`WhenFull`] policy applies (reject by default, loudly; or drop the oldest), and
//!    both are counted. Records older than [`OutboxConfig::max_age`] are expired, counted and
//!    logged at error level. Reading is paginated ([`Outbox::pending`]); nothing holds the whole
//!    backlog in memory, and redb's page cache is capped.
//! 6. **Records are opaque.** The outbox stores serialized payloads with the metadata the publisher
//!    needs (scanner, kind, content type, schema, expiry); it knows nothing of how events are built.
//!
//! # Why redb
//!
//! Chosen by measurement (ad-hoc program, 400-byte records, durable commits, each commit also
//! deleting an earlier batch as PUBACK-driven removal does; this 2-core VM, virtual disk; three
//! runs, noisy because other builds shared the disk):
//!
//! | records per commit | redb events/s     | SQLite WAL (`synchronous=FULL`) events/s |
//! |-------------------:|------------------:|-----------------------------------------:|
//! | 1                  | 1,800 – 5,500     | 3,300 – 5,900                            |
//! | 16                 | 13,700 – 45,000   | 32,600 – 59,800                          |
//! | 128                | 217,000 – 255,000 | 87,000 – 262,000                         |
//! | 512                | 186,000 – 198,000 | 128,000 – 455,000                        |
//!
//! Both are bound by the fsync, and with group commit both exceed the 25,000 events/s target by
//! an order of magnitude; neither wins clearly. redb is pure Rust (no bundled C library to build
//! and audit), already a dependency, has no WAL to checkpoint, and its single-writer MVCC fits the
//! one-writer-thread design; so redb.
//!
//! # On-disk layout
//!
//! `{path}/outbox.redb` with three tables: `events` (record id → encoded record), `dead_letters`
//! (record id → reason + encoded record) and `meta` (counters: next record id, next sequence,
//! stored bytes, record count). Record ids are internal and increase with every stored message.

mod config;
mod record;
mod store;

pub use config::{ByteSize, OutboxConfig, WhenFull};
pub use record::{ContentType, DeadLetter, Message, MessageKind, StoredMessage};
pub use store::{Outbox, OutboxStats, Receipt, StateEntry};

/// Errors of the outbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// The outbox reached `max_bytes` and the policy is to reject new scans.
    #[error(
        "outbox full: {stored_bytes} of {max_bytes} bytes in use, a {needed}-byte record does not fit \
         (policy when_full = \"reject\"); the scan was NOT accepted"
    )]
    Full {
        /// Bytes stored.
        stored_bytes: u64,
        /// The configured limit.
        max_bytes: u64,
        /// Size of the rejected record(s).
        needed: u64,
    },
    /// A message can never be stored (for example larger than the whole outbox).
    #[error("invalid outbox message: {0}")]
    InvalidMessage(String),
    /// The database could not be opened or created.
    #[error("cannot open the outbox at {path}: {source}")]
    Open {
        /// The database file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: Box<redb::DatabaseError>,
    },
    /// A storage operation failed (I/O error, full disk, corruption).
    #[error("outbox storage error: {0}")]
    Storage(String),
    /// A stored record could not be decoded.
    #[error("corrupt outbox record {id}: {reason}")]
    Corrupt {
        /// The record id.
        id: u64,
        /// What is wrong.
        reason: String,
    },
    /// The writer thread has stopped (the outbox was closed or the writer died).
    #[error("the outbox writer has stopped")]
    Closed,
    /// Creating the directory or the writer thread failed.
    #[error("outbox I/O error: {0}")]
    Io(#[from] std::io::Error),
}

macro_rules! storage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for OutboxError {
            fn from(e: $t) -> Self {
                OutboxError::Storage(e.to_string())
            }
        }
    )*};
}
storage_from!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);
