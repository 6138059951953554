//! Counters of the publisher, readable by the daemon for metrics and health.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::outbox::OutboxStats;

/// Latency buckets: 50 µs wide up to 200 ms, then one overflow bucket.
const BUCKET_US: u64 = 50;
const BUCKETS: usize = 4000;

/// A lock-free latency histogram (50 µs resolution up to 200 ms).
pub struct LatencyHistogram {
    buckets: Box<[AtomicU64]>,
    max_us: AtomicU64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            buckets: (0..=BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_us: AtomicU64::new(0),
        }
    }
}

impl LatencyHistogram {
    /// Records one sample.
    pub fn record(&self, us: u64) {
        let i = ((us / BUCKET_US) as usize).min(BUCKETS);
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
    }

    /// Number of samples.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The `q` quantile (0..=1), as the upper edge of its bucket; the maximum if it overflowed.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let us = if i == BUCKETS {
                    self.max_us.load(Ordering::Relaxed)
                } else {
                    (i as u64 + 1) * BUCKET_US
                };
                return Some(Duration::from_micros(us));
            }
        }
        None
    }

    /// Forgets all samples.
    pub fn reset(&self) {
        for b in self.buckets.iter() {
            b.store(0, Ordering::Relaxed);
        }
        self.max_us.store(0, Ordering::Relaxed);
    }
}

/// Live counters shared between the publisher tasks and readers.
pub struct PublishStats {
    pub(crate) connected: AtomicBool,
    pub(crate) connects: AtomicU64,
    pub(crate) connection_errors: AtomicU64,
    pub(crate) published: AtomicU64,
    pub(crate) acked: AtomicU64,
    pub(crate) resent: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) dead_lettered: AtomicU64,
    pub(crate) last_error: Mutex<Option<String>>,
    /// Append (request) to broker acknowledgement.
    pub latency: LatencyHistogram,
    /// Bumped on every state change (connect, loss, acknowledgement, removal), so readers can
    /// await progress instead of sleeping.
    pub(crate) progress: tokio::sync::watch::Sender<u64>,
    /// Told of every record the broker acknowledged, with its append-to-acknowledgement time
    /// (the daemon feeds `gs1_gateway_published_total` and `…_publish_latency_seconds`).
    observer: std::sync::OnceLock<AckObserver>,
}

/// Called once per acknowledged record with its append-to-acknowledgement latency.
pub type AckObserver = Box<dyn Fn(Duration) + Send + Sync>;

impl Default for PublishStats {
    fn default() -> Self {
        PublishStats {
            connected: AtomicBool::new(false),
            connects: AtomicU64::new(0),
            connection_errors: AtomicU64::new(0),
            published: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            resent: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            dead_lettered: AtomicU64::new(0),
            last_error: Mutex::new(None),
            latency: LatencyHistogram::default(),
            progress: tokio::sync::watch::channel(0).0,
            observer: std::sync::OnceLock::new(),
        }
    }
}

impl PublishStats {
    /// Sets the observer of acknowledged records (once; later calls are ignored).
    pub fn observe_acks(&self, observer: AckObserver) {
        let _ = self.observer.set(observer);
    }

    /// One record acknowledged after `us` microseconds.
    pub(crate) fn record_ack(&self, us: u64) {
        self.acked.fetch_add(1, Ordering::Relaxed);
        self.latency.record(us);
        if let Some(observe) = self.observer.get() {
            observe(Duration::from_micros(us));
        }
    }

    pub(crate) fn bump(&self) {
        self.progress.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn set_error(&self, e: &str) {
        if let Ok(mut g) = self.last_error.lock() {
            *g = Some(e.to_owned());
        }
    }
}

/// A snapshot of the publisher and outbox counters.
#[derive(Debug, Clone, PartialEq)]
pub struct PublisherSnapshot {
    /// Whether the broker connection is up (CONNACK received, no error since).
    pub connected: bool,
    /// Successful connections since start.
    pub connects: u64,
    /// Connection errors since start (refused, TLS, network).
    pub connection_errors: u64,
    /// The most recent connection error.
    pub last_error: Option<String>,
    /// Event publishes handed to the MQTT client.
    pub published: u64,
    /// Events acknowledged by the broker (and then removed from the outbox).
    pub acked: u64,
    /// Events sent again after a reconnect.
    pub resent: u64,
    /// Publishes refused by an MQTT 5 reason code.
    pub refused: u64,
    /// Events moved to the dead-letter table (too large, permanently refused).
    pub dead_lettered: u64,
    /// Median append→acknowledgement latency.
    pub latency_p50: Option<Duration>,
    /// 99th percentile append→acknowledgement latency.
    pub latency_p99: Option<Duration>,
    /// The outbox.
    pub outbox: OutboxStats,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_are_bucket_upper_edges() {
        let h = LatencyHistogram::default();
        assert_eq!(h.quantile(0.99), None);
        for us in 0..1000 {
            h.record(us * 10); // 0 .. 9.99 ms
        }
        assert_eq!(h.count(), 1000);
        let p50 = h.quantile(0.5).unwrap().as_micros();
        assert!((4950..=5050).contains(&p50), "{p50}");
        let p99 = h.quantile(0.99).unwrap().as_micros();
        assert!((9850..=9950).contains(&p99), "{p99}");
        h.record(5_000_000); // beyond the last bucket: reported as the maximum
        assert_eq!(h.quantile(1.0).unwrap(), Duration::from_secs(5));
        h.reset();
        assert_eq!(h.count(), 0);
    }
}
