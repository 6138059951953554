//! Parses the `gs1_parse` bench's ward mix N times, for counting instructions per scan under
//! callgrind, which is repeatable where wall-clock timings on a shared machine are not:
//!
//! ```text
//! cargo build --release --example gs1_parse_count
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/gs1_parse_count 20000 parse
//! ```
//!
//! Instructions per scan = (Ir at N - Ir at 0) / (N × scans in the mix). Modes: `parse` (a new
//! message per scan), `into` (`parse_into`, one reused message), `render` (parse, HRI and
//! Digital Link, as the bench's `parse_and_render_mix`).

use std::hint::black_box;

use gs1_gateway::gs1::{self, Gs1Message, ParseOptions, DEFAULT_STEM};

#[path = "../benches/common/gs1_mix.rs"]
mod gs1_mix;
use gs1_mix::MIX;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let mode = args.next().unwrap_or_else(|| "parse".to_owned());
    let options = ParseOptions::default();
    let mut msg = Gs1Message::default();
    // One untimed pass first, so that N = 0 also pays for the one-time set-up (lazy tables) and
    // the difference between two runs is the parsing alone.
    for scan in MIX {
        let _ = black_box(gs1::parse(scan, &options));
    }
    let mut ok = 0usize;
    for _ in 0..n {
        for scan in MIX {
            match mode.as_str() {
                "into" => {
                    ok += usize::from(gs1::parse_into(black_box(scan), &options, &mut msg).is_ok())
                }
                "render" => {
                    if let Ok(m) = gs1::parse(black_box(scan), &options) {
                        black_box(m.hri());
                        let _ = black_box(m.digital_link(DEFAULT_STEM));
                        ok += 1;
                    }
                }
                _ => ok += usize::from(black_box(gs1::parse(black_box(scan), &options)).is_ok()),
            }
        }
    }
    println!("{ok} of {} scans valid ({mode})", n * MIX.len());
}
