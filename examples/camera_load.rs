//! What a 1280×720 camera at 15 fps costs: the real camera pipeline (capture thread with MJPEG →
//! grey conversion, one-frame slot, decode thread with fast pass, rate-limited thorough pass,
//! confirmation and dedupe) fed with 720p MJPEG fixture frames at 15 fps instead of V4L2, for
//! a while; then frames captured / dropped / decoded, thorough passes, scans, and the CPU time
//! the process used per second of wall time (1.0 = one core busy).
//!
//! ```text
//! cargo run --release --example camera_load [-- --seconds 30] [--decoder rxing|zxing-cpp] [--list]
//! ```
//!
//! A measurement, not a test: the figures depend on the machine and its load.

use std::path::Path;
use std::time::{Duration, Instant};

use gs1_gateway::decode::{Decoder, DecoderKind, FormatSet};
use gs1_gateway::source::camera::{
    self, CameraError, FrameOpener, FrameSource, PipelineSettings, PipelineStats, PixelFormat,
};
use gs1_gateway::source::SourceKind;
use image::GrayImage;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const FPS: u32 = 15;

/// Plays JPEG frames in a loop at `FPS`, converting each one as the V4L2 MJPEG path does.
struct Clip {
    jpegs: Vec<Vec<u8>>,
    next: usize,
    due: Instant,
    until: Instant,
}

impl FrameSource for Clip {
    fn next_frame(&mut self) -> Result<GrayImage, CameraError> {
        let now = Instant::now();
        if now >= self.until {
            return Err(CameraError::Ended);
        }
        if self.due > now {
            std::thread::sleep(self.due - now);
        }
        self.due += Duration::from_secs(1) / FPS;
        let jpeg = &self.jpegs[self.next % self.jpegs.len()];
        self.next += 1;
        Ok(camera::frame_to_grey(jpeg, 1280, 720, PixelFormat::Mjpeg)?)
    }
}

struct Opener(Option<Clip>);

impl FrameOpener for Opener {
    fn open(&mut self) -> Result<Box<dyn FrameSource>, CameraError> {
        match self.0.take() {
            Some(c) => Ok(Box::new(c)),
            None => Err(CameraError::Ended),
        }
    }
}

/// CPU time (user + system) of the whole process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct we pass; RUSAGE_SELF is always valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: u64 = arg_value(&args, "--seconds")
        .map(|s| s.parse().expect("--seconds N"))
        .unwrap_or(30);
    let kind: DecoderKind = arg_value(&args, "--decoder")
        .unwrap_or_else(|| "rxing".into())
        .parse()
        .expect("--decoder rxing|zxing-cpp");

    // Every 720p JPEG fixture: empty noisy frames, small labels in a frame; a label is in view
    // for a few frames at a time, as when a user shows items to the camera.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("hardware-fixtures/camera");
    let mut files: Vec<_> = ["empty", "degraded"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join(d)).expect("fixtures").flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    let mut jpegs = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("fixture");
        if camera::frame_to_grey(&bytes, 1280, 720, PixelFormat::Mjpeg).is_ok() {
            // Hold each frame for 5 captures (1/3 s).
            jpegs.extend(std::iter::repeat_n(bytes, 5));
        }
    }
    assert!(!jpegs.is_empty(), "no 720p JPEG fixtures");
    println!(
        "{} 720p MJPEG frames from {} fixture files, {FPS} fps for {seconds} s, decoder {kind}",
        jpegs.len(),
        files.len()
    );

    let settings = PipelineSettings {
        source_id: "camera-load".into(),
        kind: SourceKind::Camera,
        roi: None,
        hold_off: Duration::from_secs(2),
        confirm_window: Duration::from_secs(1),
        thorough_interval: Duration::from_millis(500),
        reconnect_min: Duration::from_millis(100),
        reconnect_max: Duration::from_secs(1),
    };
    let decoder = Decoder::new(kind, FormatSet::default()).expect("decoder");
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let start = Instant::now();
    let clip = Clip {
        jpegs,
        next: 0,
        due: start,
        until: start + Duration::from_secs(seconds),
    };
    let cpu_before = cpu_time();
    let pipeline = camera::spawn_pipeline(
        Box::new(Opener(Some(clip))),
        decoder,
        settings,
        tx,
        cancel.clone(),
    )
    .expect("threads");
    let stats = pipeline.stats.clone();
    let list = args.iter().any(|a| a == "--list");
    let mut scans = 0u64;
    let mut count = |scan: gs1_gateway::source::RawScan| {
        scans += 1;
        if list {
            println!(
                "scan {} {}",
                scan.symbology.as_deref().unwrap_or("-"),
                String::from_utf8_lossy(&scan.data).escape_debug()
            );
        }
    };
    while !pipeline.is_finished() {
        while let Ok(scan) = rx.try_recv() {
            count(scan);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    pipeline.join();
    while let Ok(scan) = rx.try_recv() {
        count(scan);
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu_before).as_secs_f64();
    let g = |c: &std::sync::atomic::AtomicU64| PipelineStats::get(c);
    println!(
        "wall {wall:.1} s: frames {} ({:.1}/s), dropped {}, decoded {}, thorough passes {}, scans {scans}",
        g(&stats.frames),
        g(&stats.frames) as f64 / wall,
        g(&stats.dropped),
        g(&stats.decoded),
        g(&stats.thorough),
    );
    println!(
        "CPU {cpu:.1} s = {:.2} cores on average (capture + decode threads, process total)",
        cpu / wall
    );
}
