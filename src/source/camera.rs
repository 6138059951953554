//! Camera source: V4L2 frames decoded on a blocking worker into [`RawScan`]s.
//!
//! Shape (Vector's blocking-input pattern): a capture thread reads frames from a
//! [`FrameSource`] into a one-frame slot; a decode thread takes the newest frame from the slot.
//! A slow decode therefore drops stale frames instead of queueing them (latest frame wins), and
//! neither thread ever runs on the async runtime. Scans leave through a bounded
//! `tokio::sync::mpsc` channel with `blocking_send` (backpressure, never loss).
//!
//! Two-tier decoding keeps latency low: the fast pass runs on every frame; the thorough pass
//! (stretch, inversion, rotations, pyramid) runs at most once per `thorough_interval` and at
//! most a fifth of the decode thread's time (the pause after it is at least four times its own
//! cost), and only when the fast pass found nothing new. A frame that shows an EAN/UPC number
//! not yet reported is checked against three further EAN/UPC views of itself
//! ([`Decoder::drop_conflicting_ean_upc`](crate::decode::Decoder::drop_conflicting_ean_upc)), as
//! still images are. [`Confirmer`] applies two-frame confirmation to linear symbols and the
//! dedupe hold-off.
//!
//! A lost camera is a state, not a crash: the capture thread reopens it with capped exponential
//! back-off, like the serial source.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::GrayImage;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{RawScan, SourceKind};
use crate::decode::confirm::Confirmer;
use crate::decode::preprocess::{self, Roi};
use crate::decode::{DecodeError, Decoder, DecoderKind, Format, FormatSet, Symbol};

/// Pixel format requested from the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelFormat {
    /// Motion JPEG: what most USB webcams deliver at 720p and 15–30 fps.
    #[default]
    Mjpeg,
    /// YUYV 4:2:2 (the luma plane is used directly).
    Yuyv,
    /// 8-bit greyscale (industrial cameras).
    Grey,
}

impl PixelFormat {
    fn fourcc(self) -> [u8; 4] {
        match self {
            PixelFormat::Mjpeg => *b"MJPG",
            PixelFormat::Yuyv => *b"YUYV",
            PixelFormat::Grey => *b"GREY",
        }
    }
}

/// Parses `"2s"`, `"500ms"`.
pub(crate) fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(serde::de::Error::custom)
}

fn default_path() -> PathBuf {
    PathBuf::from("/dev/video0")
}
const fn default_width() -> u32 {
    1280
}
const fn default_height() -> u32 {
    720
}
const fn default_fps() -> u32 {
    15
}
const fn default_hold_off() -> Duration {
    crate::decode::confirm::DEFAULT_HOLD_OFF
}
const fn default_confirm_window() -> Duration {
    crate::decode::confirm::DEFAULT_CONFIRM_WINDOW
}
const fn default_thorough_interval() -> Duration {
    Duration::from_millis(500)
}
const fn default_reconnect_max() -> Duration {
    Duration::from_secs(30)
}

/// `[[source]] kind = "camera"`: a V4L2 camera decoded by the gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraSourceConfig {
    /// Source id in scan events; defaults to the device file name (`video0`).
    pub id: Option<String>,
    /// Device: `/dev/video0`, or better a stable `/dev/v4l/by-id/…` link.
    pub path: PathBuf,
    /// Requested frame width in pixels.
    pub width: u32,
    /// Requested frame height in pixels.
    pub height: u32,
    /// Requested pixel format: `mjpeg`, `yuyv` or `grey`.
    pub pixel_format: PixelFormat,
    /// Requested frame rate.
    pub fps: u32,
    /// Only this part of the frame is decoded (faster, fewer false reads).
    pub roi: Option<Roi>,
    /// Decoder backend: `rxing` (default) or `zxing-cpp`.
    pub decoder: DecoderKind,
    /// Formats to look for; empty means all. Restrict to what the site uses.
    pub formats: Vec<Format>,
    /// The same data from this camera is one scan until it was out of view this long.
    #[serde(deserialize_with = "de_duration", serialize_with = "ser_duration")]
    pub hold_off: Duration,
    /// A linear symbol must be read again within this window to count.
    #[serde(deserialize_with = "de_duration", serialize_with = "ser_duration")]
    pub confirm_window: Duration,
    /// At most one thorough pass per this interval (bounds CPU use).
    #[serde(deserialize_with = "de_duration", serialize_with = "ser_duration")]
    pub thorough_interval: Duration,
    /// Longest wait between attempts to reopen a lost camera.
    #[serde(deserialize_with = "de_duration", serialize_with = "ser_duration")]
    pub reconnect_max: Duration,
}

pub(crate) fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&humantime::format_duration(*d).to_string())
}

impl Default for CameraSourceConfig {
    fn default() -> Self {
        CameraSourceConfig {
            id: None,
            path: default_path(),
            width: default_width(),
            height: default_height(),
            pixel_format: PixelFormat::default(),
            fps: default_fps(),
            roi: None,
            decoder: DecoderKind::default(),
            formats: Vec::new(),
            hold_off: default_hold_off(),
            confirm_window: default_confirm_window(),
            thorough_interval: default_thorough_interval(),
            reconnect_max: default_reconnect_max(),
        }
    }
}

impl CameraSourceConfig {
    /// The source id used in scans.
    pub fn source_id(&self) -> String {
        self.id.clone().unwrap_or_else(|| {
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.path.display().to_string())
        })
    }

    /// Checks what serde cannot: sizes and rates, and that the decoder is built in.
    pub fn validate(&self) -> Result<(), CameraError> {
        let bad = |m: &str| Err(CameraError::Config(m.to_owned()));
        if self.width == 0 || self.height == 0 {
            return bad("width and height must be greater than 0");
        }
        if self.fps == 0 || self.fps > 240 {
            return bad("fps must be between 1 and 240");
        }
        if let Some(r) = self.roi {
            if r.width == 0 || r.height == 0 {
                return bad("roi width and height must be greater than 0");
            }
        }
        if !self.decoder.is_available() {
            return Err(CameraError::Decode(DecodeError::BackendUnavailable(
                self.decoder,
            )));
        }
        Ok(())
    }

    /// The pipeline settings this configuration implies.
    pub fn settings(&self) -> PipelineSettings {
        PipelineSettings {
            source_id: self.source_id(),
            kind: SourceKind::Camera,
            roi: self.roi,
            hold_off: self.hold_off,
            confirm_window: self.confirm_window,
            thorough_interval: self.thorough_interval,
            reconnect_min: Duration::from_millis(250),
            reconnect_max: self.reconnect_max,
        }
    }
}

/// Why the camera source cannot run or lost its camera.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    /// A configuration value is invalid.
    #[error("camera configuration: {0}")]
    Config(String),
    /// Opening or configuring the device failed.
    #[error("cannot open camera {path}: {source}")]
    Open {
        /// The device.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The device does not support what was asked.
    #[error("camera {path} does not support {what}")]
    Unsupported {
        /// The device.
        path: PathBuf,
        /// What was asked.
        what: String,
    },
    /// The device went away or failed while streaming.
    #[error("camera stream failed: {0}")]
    Stream(std::io::Error),
    /// No frame arrived in time (the stream continues).
    #[error("no frame within the timeout")]
    Timeout,
    /// A finite source (a recorded sequence) has no more frames.
    #[error("frame source ended")]
    Ended,
    /// A frame could not be turned into an image.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// A source of greyscale frames. Created on the capture thread; need not be `Send`.
pub trait FrameSource {
    /// Blocks for the next frame. [`CameraError::Timeout`] means "try again";
    /// [`CameraError::Ended`] ends the pipeline; other errors make the pipeline reopen.
    fn next_frame(&mut self) -> Result<GrayImage, CameraError>;
}

/// Opens (and reopens) a [`FrameSource`].
pub trait FrameOpener: Send {
    /// Opens the source.
    fn open(&mut self) -> Result<Box<dyn FrameSource>, CameraError>;
}

/// Converts one captured buffer to greyscale. A frame whose length does not match is an error
/// (a truncated USB transfer), never a panic.
pub fn frame_to_grey(
    buf: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
) -> Result<GrayImage, DecodeError> {
    let bad = || DecodeError::BadFrame {
        len: buf.len(),
        width,
        height,
        format: format!("{format:?}"),
    };
    if width == 0 || height == 0 {
        return Err(DecodeError::EmptyImage { width, height });
    }
    let pixels = width as usize * height as usize;
    match format {
        PixelFormat::Grey => {
            let data = buf.get(..pixels).ok_or_else(bad)?.to_vec();
            GrayImage::from_raw(width, height, data).ok_or_else(bad)
        }
        PixelFormat::Yuyv => {
            let bytes = buf.get(..pixels * 2).ok_or_else(bad)?;
            let data = bytes.iter().step_by(2).copied().collect();
            GrayImage::from_raw(width, height, data).ok_or_else(bad)
        }
        PixelFormat::Mjpeg => {
            let img = image::load_from_memory_with_format(buf, image::ImageFormat::Jpeg)
                .map_err(|_| bad())?
                .to_luma8();
            if img.width() == 0 || img.height() == 0 {
                return Err(bad());
            }
            Ok(img)
        }
    }
}

/// Opens a V4L2 device with the configured format.
#[derive(Debug, Clone)]
pub struct V4l2Opener {
    config: CameraSourceConfig,
}

impl V4l2Opener {
    /// An opener for the configured device.
    pub fn new(config: CameraSourceConfig) -> Self {
        V4l2Opener { config }
    }
}

#[cfg(target_os = "linux")]
mod v4l2 {
    use std::os::fd::{AsRawFd, RawFd};

    use linuxvideo::format::{PixFormat, PixelFormat as FourCc};
    use linuxvideo::stream::ReadStream;
    use linuxvideo::{Device, Fract};

    use super::*;

    /// Longest wait for one frame: lets the capture thread notice cancellation while the camera
    /// is silent.
    const FRAME_WAIT_MS: libc::c_int = 1000;

    pub(super) struct V4l2Source {
        // The stream owns the device's handle and its mmap buffers.
        stream: ReadStream,
        width: u32,
        height: u32,
        format: PixelFormat,
    }

    impl FrameSource for V4l2Source {
        fn next_frame(&mut self) -> Result<GrayImage, CameraError> {
            // linuxvideo's dequeue blocks; waiting here first keeps the 1 s timeout.
            wait_readable(self.stream.as_raw_fd(), FRAME_WAIT_MS)?;
            let (width, height, format) = (self.width, self.height, self.format);
            let grey = self
                .stream
                .dequeue(|view| {
                    // A driver that leaves bytesused at 0 filled the whole buffer.
                    let data: &[u8] = if view.is_empty() {
                        view.raw_buffer()
                    } else {
                        &view
                    };
                    Ok(frame_to_grey(data, width, height, format))
                })
                .map_err(CameraError::Stream)?;
            Ok(grey?)
        }
    }

    /// Waits until a filled buffer can be dequeued: `Timeout` when none came in `timeout_ms`
    /// (or a signal interrupted the wait), `Stream` when the device reports an error or hang-up
    /// (unplugged), so the pipeline reopens it instead of blocking in `VIDIOC_DQBUF`.
    pub(super) fn wait_readable(fd: RawFd, timeout_ms: libc::c_int) -> Result<(), CameraError> {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is one valid, initialised pollfd and the count passed is 1.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            return if e.kind() == std::io::ErrorKind::Interrupted {
                Err(CameraError::Timeout)
            } else {
                Err(CameraError::Stream(e))
            };
        }
        // An unregistered (unplugged) V4L2 node reports ERR | HUP; a queue error reports ERR.
        if pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
            return Err(CameraError::Stream(std::io::Error::other(format!(
                "device reported poll events {:#x}",
                pfd.revents
            ))));
        }
        if n == 0 || pfd.revents & libc::POLLIN == 0 {
            return Err(CameraError::Timeout);
        }
        Ok(())
    }

    pub(super) fn open(c: &CameraSourceConfig) -> Result<Box<dyn FrameSource>, CameraError> {
        let open_err = |source| CameraError::Open {
            path: c.path.clone(),
            source,
        };
        let dev = Device::open(&c.path).map_err(open_err)?;
        let fourcc = FourCc::from_fourcc(c.pixel_format.fourcc());
        let capture = dev
            .video_capture(PixFormat::new(c.width, c.height, fourcc))
            .map_err(open_err)?;
        let got = capture.format();
        let (width, height) = (got.width(), got.height());
        if got.pixel_format() != fourcc {
            return Err(CameraError::Unsupported {
                path: c.path.clone(),
                what: format!("pixel format {:?}", c.pixel_format),
            });
        }
        if width != c.width || height != c.height {
            tracing::warn!(
                camera = %c.path.display(),
                asked = %format!("{}x{}", c.width, c.height),
                got = %format!("{width}x{height}"),
                "camera chose a different resolution"
            );
        }
        // validate() rejects fps = 0; checked again because Fract::new panics on it.
        if c.fps > 0 {
            if let Err(e) = capture.set_frame_interval(Fract::new(1, c.fps)) {
                tracing::warn!(camera = %c.path.display(), error = %e, "cannot set frame rate");
            }
        }
        let stream = capture.into_stream().map_err(open_err)?;
        Ok(Box::new(V4l2Source {
            stream,
            width,
            height,
            format: c.pixel_format,
        }))
    }
}

impl FrameOpener for V4l2Opener {
    fn open(&mut self) -> Result<Box<dyn FrameSource>, CameraError> {
        #[cfg(target_os = "linux")]
        {
            v4l2::open(&self.config)
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err(CameraError::Unsupported {
                path: self.config.path.clone(),
                what: "V4L2 (Linux only)".into(),
            })
        }
    }
}

/// How a pipeline runs, independent of where frames come from.
#[derive(Debug, Clone)]
pub struct PipelineSettings {
    /// Source id in scans.
    pub source_id: String,
    /// Source kind in scans.
    pub kind: SourceKind,
    /// Region of interest.
    pub roi: Option<Roi>,
    /// Dedupe hold-off.
    pub hold_off: Duration,
    /// Linear confirmation window.
    pub confirm_window: Duration,
    /// Minimum time between thorough passes.
    pub thorough_interval: Duration,
    /// First reconnect delay.
    pub reconnect_min: Duration,
    /// Longest reconnect delay.
    pub reconnect_max: Duration,
}

/// Counters for `status` and tests.
#[derive(Debug, Default)]
pub struct PipelineStats {
    /// Frames captured.
    pub frames: AtomicU64,
    /// Frames replaced in the slot before the decoder took them.
    pub dropped: AtomicU64,
    /// Frames decoded.
    pub decoded: AtomicU64,
    /// Thorough passes run.
    pub thorough: AtomicU64,
    /// Symbols rejected by the GS1 engine or a check digit.
    pub rejected: AtomicU64,
    /// Scans sent.
    pub scans: AtomicU64,
    /// Times the source was lost.
    pub disconnects: AtomicU64,
    /// Failed open attempts.
    pub open_failures: AtomicU64,
    /// Frames that could not be converted or decoded.
    pub bad_frames: AtomicU64,
}

impl PipelineStats {
    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// The one-frame slot between capture and decode.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    ready: Condvar,
}

#[derive(Default)]
struct SlotState {
    frame: Option<GrayImage>,
    closed: bool,
}

impl Slot {
    /// Puts a frame, replacing an untaken one. Returns true when a frame was replaced.
    fn put(&self, frame: GrayImage) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let replaced = s.frame.replace(frame).is_some();
        self.ready.notify_one();
        replaced
    }

    fn close(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.closed = true;
        self.ready.notify_all();
    }

    /// Waits for a frame; `None` once closed and empty, or cancelled.
    fn take(&self, cancel: &CancellationToken) -> Option<GrayImage> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if cancel.is_cancelled() {
                return None;
            }
            if let Some(f) = s.frame.take() {
                return Some(f);
            }
            if s.closed {
                return None;
            }
            s = self
                .ready
                .wait_timeout(s, Duration::from_millis(100))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// A running pipeline: two threads. Stops when cancelled, when a finite source ends, or when
/// the scan receiver is dropped.
pub struct Pipeline {
    capture: JoinHandle<()>,
    worker: JoinHandle<()>,
    /// Live counters.
    pub stats: Arc<PipelineStats>,
}

impl Pipeline {
    /// Waits for both threads to finish.
    pub fn join(self) {
        let _ = self.capture.join();
        let _ = self.worker.join();
    }

    /// True when both threads have finished.
    pub fn is_finished(&self) -> bool {
        self.capture.is_finished() && self.worker.is_finished()
    }
}

/// Starts the capture and decode threads.
pub fn spawn_pipeline(
    mut opener: Box<dyn FrameOpener>,
    mut decoder: Decoder,
    settings: PipelineSettings,
    tx: mpsc::Sender<RawScan>,
    cancel: CancellationToken,
) -> std::io::Result<Pipeline> {
    let slot = Arc::new(Slot::default());
    let stats = Arc::new(PipelineStats::default());
    let capture = {
        let (slot, stats, cancel, settings) = (
            slot.clone(),
            stats.clone(),
            cancel.clone(),
            settings.clone(),
        );
        std::thread::Builder::new()
            .name(format!("capture-{}", settings.source_id))
            .spawn(move || {
                capture_loop(opener.as_mut(), &slot, &stats, &settings, &cancel);
                slot.close();
            })?
    };
    let worker = {
        let (stats, cancel) = (stats.clone(), cancel.clone());
        std::thread::Builder::new()
            .name(format!("decode-{}", settings.source_id))
            .spawn(move || {
                decode_loop(&mut decoder, &slot, &stats, &settings, &tx, &cancel);
                // Let the capture side stop too when nobody takes scans any more.
                cancel.cancel();
            })?
    };
    Ok(Pipeline {
        capture,
        worker,
        stats,
    })
}

/// Sleeps up to `d`, returning early (true) when cancelled.
fn sleep_cancellable(d: Duration, cancel: &CancellationToken) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if cancel.is_cancelled() {
            return true;
        }
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(50)));
    }
    cancel.is_cancelled()
}

fn capture_loop(
    opener: &mut dyn FrameOpener,
    slot: &Slot,
    stats: &PipelineStats,
    settings: &PipelineSettings,
    cancel: &CancellationToken,
) {
    let mut backoff = settings.reconnect_min;
    while !cancel.is_cancelled() {
        match opener.open() {
            Ok(mut source) => {
                tracing::info!(source = %settings.source_id, "camera opened");
                backoff = settings.reconnect_min;
                loop {
                    if cancel.is_cancelled() {
                        return;
                    }
                    match source.next_frame() {
                        Ok(frame) => {
                            bump(&stats.frames);
                            if slot.put(frame) {
                                bump(&stats.dropped);
                            }
                        }
                        Err(CameraError::Timeout) => continue,
                        Err(CameraError::Ended) => return,
                        Err(CameraError::Decode(e)) => {
                            bump(&stats.bad_frames);
                            tracing::debug!(source = %settings.source_id, error = %e, "bad frame");
                        }
                        Err(e) => {
                            bump(&stats.disconnects);
                            tracing::warn!(source = %settings.source_id, error = %e, "camera lost; reopening");
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                bump(&stats.open_failures);
                tracing::warn!(
                    source = %settings.source_id,
                    error = %e,
                    retry_in = ?backoff,
                    "cannot open camera"
                );
            }
        }
        if sleep_cancellable(backoff, cancel) {
            return;
        }
        backoff = (backoff * 2).min(settings.reconnect_max);
    }
}

fn decode_loop(
    decoder: &mut Decoder,
    slot: &Slot,
    stats: &PipelineStats,
    settings: &PipelineSettings,
    tx: &mpsc::Sender<RawScan>,
    cancel: &CancellationToken,
) {
    let mut confirmer = Confirmer::new(settings.hold_off, settings.confirm_window);
    // The first thorough pass waits one interval: a camera's first frames are often dark.
    let mut next_thorough = Instant::now() + settings.thorough_interval;
    while let Some(frame) = slot.take(cancel) {
        let frame = match settings.roi {
            Some(roi) => match preprocess::crop(&frame, roi) {
                Some(f) => f,
                None => {
                    bump(&stats.bad_frames);
                    continue;
                }
            },
            None => frame,
        };
        let mut outcome = match decoder.fast(&frame) {
            Ok(o) => o,
            Err(e) => {
                bump(&stats.bad_frames);
                tracing::debug!(source = %settings.source_id, error = %e, "frame not decoded");
                continue;
            }
        };
        let nothing_new = outcome.symbols.iter().all(|s| confirmer.is_reported(s));
        if nothing_new && Instant::now() >= next_thorough {
            bump(&stats.thorough);
            let started = Instant::now();
            let more = decoder.thorough(&frame);
            let cost = started.elapsed();
            next_thorough = Instant::now() + thorough_pause(settings.thorough_interval, cost);
            if let Ok(more) = more {
                for s in more.symbols {
                    if !outcome
                        .symbols
                        .iter()
                        .any(|o| o.symbology == s.symbology && o.data == s.data)
                    {
                        outcome.symbols.push(s);
                    }
                }
                outcome.rejected.extend(more.rejected);
            }
        }
        if outcome
            .symbols
            .iter()
            .any(|s| s.format.is_ean_upc() && !confirmer.is_reported(s))
        {
            // A new EAN/UPC number: checked against further views of this frame before it can
            // be confirmed, since a frame held still repeats a misread as faithfully as a read.
            // Costs three EAN/UPC-only reads, only while such a number is in view unreported.
            if let Err(e) = decoder.drop_conflicting_ean_upc(&frame, &mut outcome) {
                tracing::debug!(source = %settings.source_id, error = %e, "EAN/UPC check failed");
                outcome
                    .symbols
                    .retain(|s| !s.format.is_ean_upc() || confirmer.is_reported(s));
            }
        }
        bump(&stats.decoded);
        stats
            .rejected
            .fetch_add(outcome.rejected.len() as u64, Ordering::Relaxed);
        for symbol in confirmer.observe(Instant::now(), outcome.symbols) {
            bump(&stats.scans);
            if tx.blocking_send(to_raw_scan(settings, symbol)).is_err() {
                return;
            }
        }
    }
}

/// The thorough pass may use at most this share of the decode thread, measured from its own
/// cost. A release-build thorough pass on an empty 1280×720 frame costs 0.7–1.1 s with rxing
/// (benches/decode.rs): at the configured 500 ms interval it would run back to back, and while
/// it runs the fast pass sees no frame (the newest one wins, the others are dropped).
const THOROUGH_SHARE: u32 = 5;

/// How long to wait after a thorough pass before the next one: the configured interval, or
/// four times the pass's own cost when that is longer, so that thorough passes take at most a
/// fifth of the decode thread and the fast pass runs on every frame at least four-fifths of the
/// time, whatever the backend, frame size and machine.
fn thorough_pause(interval: Duration, cost: Duration) -> Duration {
    interval.max(cost * (THOROUGH_SHARE - 1))
}

/// A confirmed symbol as the scan a handheld scanner would have produced.
pub fn to_raw_scan(settings: &PipelineSettings, symbol: Symbol) -> RawScan {
    RawScan {
        source_id: settings.source_id.clone(),
        kind: settings.kind,
        received_at: OffsetDateTime::now_utc(),
        data: symbol.data,
        symbology: Some(symbol.symbology),
    }
}

/// Builds the decoder a camera configuration asks for.
pub fn decoder_for(config: &CameraSourceConfig) -> Result<Decoder, DecodeError> {
    Decoder::new(
        config.decoder,
        FormatSet::new(config.formats.iter().copied()),
    )
}

/// Starts a V4L2 camera source.
pub fn spawn(
    config: &CameraSourceConfig,
    tx: mpsc::Sender<RawScan>,
    cancel: CancellationToken,
) -> Result<Pipeline, CameraError> {
    config.validate()?;
    let decoder = decoder_for(config)?;
    spawn_pipeline(
        Box::new(V4l2Opener::new(config.clone())),
        decoder,
        config.settings(),
        tx,
        cancel,
    )
    .map_err(|e| CameraError::Open {
        path: config.path.clone(),
        source: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_and_strictness() {
        let c: CameraSourceConfig = toml::from_str("").unwrap();
        assert_eq!(c, CameraSourceConfig::default());
        assert_eq!(c.hold_off, Duration::from_secs(2));
        assert_eq!(c.source_id(), "video0");
        let c: CameraSourceConfig = toml::from_str(
            r#"path = "/dev/v4l/by-id/usb-cam-video-index0"
               width = 640
               height = 480
               pixel_format = "yuyv"
               fps = 30
               roi = { x = 10, y = 20, width = 300, height = 200 }
               decoder = "rxing"
               formats = ["DataMatrix", "gs1-128"]
               hold_off = "3s"
               thorough_interval = "250ms""#,
        )
        .unwrap();
        assert_eq!(c.pixel_format, PixelFormat::Yuyv);
        assert_eq!(c.formats, vec![Format::DataMatrix, Format::Code128]);
        assert_eq!(c.hold_off, Duration::from_secs(3));
        assert_eq!(c.roi.unwrap().width, 300);
        assert!(c.validate().is_ok());
        assert!(toml::from_str::<CameraSourceConfig>("colour = true").is_err());
        assert!(toml::from_str::<CameraSourceConfig>("decoder = \"zbar\"").is_err());
        assert!(toml::from_str::<CameraSourceConfig>("formats = [\"pdf417\"]").is_err());
        assert!(toml::from_str::<CameraSourceConfig>("hold_off = \"soon\"").is_err());
        assert!(toml::from_str::<CameraSourceConfig>(
            "roi = { x = 1, y = 1, width = 2, height = 2, z = 3 }"
        )
        .is_err());
        let c: CameraSourceConfig = toml::from_str("fps = 0").unwrap();
        assert!(c.validate().is_err());
    }

    #[test]
    fn thorough_pass_share_is_bounded_by_its_cost() {
        let ms = Duration::from_millis;
        // Cheap passes keep the configured interval.
        assert_eq!(thorough_pause(ms(500), ms(40)), ms(500));
        // A 1.1 s pass (rxing, 720p, release) waits 4.4 s: at most a fifth of the thread.
        let pause = thorough_pause(ms(500), ms(1100));
        assert_eq!(pause, ms(4400));
        let share = 1100.0 / (1100.0 + pause.as_millis() as f64);
        assert!(share <= 0.2 + 1e-9, "{share}");
    }

    #[test]
    fn frames_convert_or_fail_cleanly() {
        let grey = frame_to_grey(&[7u8; 12], 4, 3, PixelFormat::Grey).unwrap();
        assert_eq!(grey.dimensions(), (4, 3));
        let yuyv: Vec<u8> = (0..24).collect();
        let g = frame_to_grey(&yuyv, 4, 3, PixelFormat::Yuyv).unwrap();
        assert_eq!(g.as_raw()[..3], [0, 2, 4]);
        assert!(matches!(
            frame_to_grey(&[0u8; 5], 4, 3, PixelFormat::Grey),
            Err(DecodeError::BadFrame { .. })
        ));
        assert!(matches!(
            frame_to_grey(&[], 0, 0, PixelFormat::Grey),
            Err(DecodeError::EmptyImage { .. })
        ));
        assert!(frame_to_grey(b"\xff\xd8\xff garbage", 4, 3, PixelFormat::Mjpeg).is_err());
    }

    #[test]
    fn missing_device_is_an_open_error() {
        for path in ["/nonexistent/video9", "/dev/video9"] {
            let mut o = V4l2Opener::new(CameraSourceConfig {
                path: path.into(),
                ..Default::default()
            });
            let e = o.open().err().expect("no camera here");
            assert!(
                matches!(&e, CameraError::Open { path: p, source }
                    if p.as_os_str() == path && source.kind() == std::io::ErrorKind::NotFound),
                "{e:?}"
            );
        }
    }

    /// A file that is not a V4L2 node fails VIDIOC_QUERYCAP: an open error, not a panic.
    #[cfg(target_os = "linux")]
    #[test]
    fn non_v4l2_node_is_an_open_error() {
        let mut o = V4l2Opener::new(CameraSourceConfig {
            path: "/dev/null".into(),
            ..Default::default()
        });
        let e = o.open().err().expect("/dev/null is no camera");
        assert!(matches!(e, CameraError::Open { .. }), "{e:?}");
    }

    /// The frame wait on a real socket: silence is a timeout, data is ready, a hang-up (the device
    /// went away) is a stream error so the pipeline reopens.
    #[cfg(target_os = "linux")]
    #[test]
    fn frame_wait_times_out_reads_and_sees_hang_up() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        use std::os::unix::net::UnixStream;

        let (reader, mut writer) = UnixStream::pair().unwrap();
        let started = Instant::now();
        assert!(matches!(
            v4l2::wait_readable(reader.as_raw_fd(), 50),
            Err(CameraError::Timeout)
        ));
        assert!(started.elapsed() >= Duration::from_millis(40));
        writer.write_all(b"x").unwrap();
        assert!(v4l2::wait_readable(reader.as_raw_fd(), 50).is_ok());
        let (reader, writer) = UnixStream::pair().unwrap();
        drop(writer);
        assert!(matches!(
            v4l2::wait_readable(reader.as_raw_fd(), 50),
            Err(CameraError::Stream(_))
        ));
    }
}
