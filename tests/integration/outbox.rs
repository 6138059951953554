//! Durability of the outbox across `kill -9`: a child process appends in a loop and logs every
//! acknowledged append; the parent kills it at random points, reopens the outbox and checks that
//! every acknowledged append is there and that no sequence was reused or skipped.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use gs1_gateway::outbox::{Message, MessageKind, Outbox, OutboxConfig};

use crate::util::test_binary;

const CHILD_ENV: &str = "GS1GW_OUTBOX_CHILD_DIR";

/// Not a test on its own: the body of the child process the crash test starts (ignored so a
/// normal run skips it; the parent runs it with `--ignored`).
#[test]
#[ignore = "child process of outbox_survives_kill_9_at_random_points"]
fn outbox_kill_9_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let outbox = Outbox::open(&OutboxConfig::at(dir.join("db"))).expect("child opens outbox");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("acked.log"))
        .expect("log");
    let log = std::sync::Arc::new(std::sync::Mutex::new(log));
    // Four appender threads so that appends share group commits, as under load.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let outbox = outbox.clone();
            let log = log.clone();
            std::thread::spawn(move || loop {
                let id = uuid::Uuid::now_v7();
                let r = outbox
                    .append_blocking(move |seq| {
                        vec![Message::json(
                            format!("t{t}"),
                            MessageKind::Scan,
                            format!("{{\"event_id\":\"{id}\",\"sequence\":{seq}}}").into_bytes(),
                        )]
                    })
                    .expect("append");
                // Logged only after the append was acknowledged (committed).
                let mut f = log.lock().unwrap();
                // One write(2) per line: a SIGKILL cannot tear it (writeln! may issue several).
                let line = format!("{} {id}\n", r.sequence);
                let _ = f.write_all(line.as_bytes());
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
}

#[test]
fn outbox_survives_kill_9_at_random_points() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(0x5ca4_5afe);
    let mut kills = 0;
    for round in 0..6 {
        let mut child = Command::new(test_binary())
            .args([
                "--exact",
                "outbox::outbox_kill_9_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        // Let it get going: wait until this round's first acknowledged append is logged, then
        // kill it at a random later moment (a crash has no event to wait for).
        let log_path = dir.path().join("acked.log");
        let before = std::fs::read_to_string(&log_path)
            .map(|s| s.len())
            .unwrap_or(0);
        let until = std::time::Instant::now() + Duration::from_secs(30);
        while std::fs::read_to_string(&log_path)
            .map(|s| s.len())
            .unwrap_or(0)
            <= before
        {
            assert!(
                std::time::Instant::now() < until,
                "child made no progress in round {round}"
            );
            assert!(child.try_wait().unwrap().is_none(), "child exited early");
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(1..300)));
        child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;

        // Every acknowledged append must be in the reopened outbox, with its sequence.
        let acked = parse_log(&std::fs::read_to_string(&log_path).unwrap());
        let outbox =
            Outbox::open(&OutboxConfig::at(dir.path().join("db"))).expect("reopen after kill -9");
        let mut stored = BTreeMap::new();
        let mut after = None;
        loop {
            let page = outbox.pending(after, 1000).unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for r in page {
                let v: serde_json::Value = serde_json::from_slice(&r.message.payload).unwrap();
                assert_eq!(v["sequence"].as_u64(), Some(r.sequence));
                let prev = stored.insert(r.sequence, v["event_id"].as_str().unwrap().to_owned());
                assert!(
                    prev.is_none(),
                    "sequence {} stored twice (reused)",
                    r.sequence
                );
            }
        }
        for (seq, id) in &acked {
            assert_eq!(
                stored.get(seq),
                Some(id),
                "acknowledged append {seq} lost after kill -9 (round {round})"
            );
        }
        // Sequences are contiguous from 0: none skipped, none reused.
        let n = stored.len() as u64;
        assert_eq!(
            stored.keys().copied().collect::<Vec<_>>(),
            (0..n).collect::<Vec<_>>()
        );
        assert_eq!(outbox.stats().next_sequence, n);
        assert_eq!(outbox.stats().depth, n);
        assert!(acked.len() as u64 <= n);
        eprintln!(
            "round {round}: {n} appends stored, {} acknowledged before the kill",
            acked.len()
        );
        outbox.close();
    }
    assert_eq!(kills, 6);
}

fn parse_log(text: &str) -> BTreeMap<u64, String> {
    // The last line may be cut short by the kill.
    text.lines()
        .filter_map(|l| {
            let (s, id) = l.split_once(' ')?;
            (id.len() == 36).then(|| Some((s.parse().ok()?, id.to_owned())))?
        })
        .collect()
}
