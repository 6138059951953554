//! `gs1-gateway status`: reads the running gateway's `/status` endpoint and prints sources,
//! broker, outbox depth and the last scan per scanner, for a technician on the box.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use gs1_gateway::app::health::Status;

use super::StatusArgs;

pub fn run(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let body = http_get(&args.endpoint, "/status").with_context(|| {
        format!(
            "cannot read {}/status — is the gateway running with `[http] enabled = true`?",
            args.endpoint
        )
    })?;
    let status: Status =
        serde_json::from_str(&body).context("the endpoint did not return a gateway status")?;
    print!("{}", render(&status));
    Ok(if status.healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A plain HTTP/1.1 GET for a loopback endpoint. The status command talks only to the gateway's
/// own endpoint, so a full HTTP client would be dead weight on the edge box.
fn http_get(endpoint: &str, path: &str) -> anyhow::Result<String> {
    let Some(hostport) = endpoint.strip_prefix("http://") else {
        bail!("only http:// endpoints are supported (the endpoint listens on loopback)");
    };
    let hostport = hostport.trim_end_matches('/');
    let addr = hostport
        .to_socket_addrs()?
        .next()
        .context("endpoint address does not resolve")?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\nAccept: application/json\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8(response).context("response is not UTF-8")?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .context("malformed HTTP response")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("{}", head.lines().next().unwrap_or("bad response"));
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Ok(dechunk(body));
    }
    Ok(body.to_string())
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn render(s: &Status) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "gateway {} (version {}) — {}\n",
        s.gateway_id,
        s.version,
        if s.healthy { "healthy" } else { "UNHEALTHY" }
    ));
    for p in &s.problems {
        out.push_str(&format!("  ! {p}\n"));
    }
    for w in &s.warnings {
        out.push_str(&format!("  ~ {w}\n"));
    }
    out.push_str(&format!(
        "broker   {} {}\n",
        s.broker.url,
        if s.broker.connected {
            "connected"
        } else {
            "disconnected"
        }
    ));
    out.push_str(&format!(
        "outbox   {} waiting, oldest {:.1} s{}\n",
        s.outbox.depth,
        s.outbox.oldest_age_seconds,
        if s.outbox.full { ", FULL" } else { "" }
    ));
    if let Some(r) = &s.recalls {
        out.push_str(&format!(
            "recalls  {} in force{}\n",
            r.entries,
            if r.unavailable {
                ", UNAVAILABLE (the recall list file could not be loaded)"
            } else {
                ""
            }
        ));
        for (what, src) in [("file", &r.file), ("mqtt", &r.mqtt)] {
            if let Some(src) = src {
                out.push_str(&format!(
                    "  {what:<6} {} {} entries{}{}\n",
                    src.source,
                    src.entries,
                    match src.rejected.len() {
                        0 => String::new(),
                        n => format!(", {n} row{} REJECTED", if n == 1 { "" } else { "s" }),
                    },
                    if src.error.is_some() {
                        ", last read FAILED"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    out.push_str("sources\n");
    for (id, src) in &s.sources {
        let state = if src.ended {
            "ended"
        } else if src.connected {
            "connected"
        } else {
            "disconnected"
        };
        let last = src
            .last_scan
            .as_ref()
            .map(|l| {
                format!(
                    "last {} {} at {}",
                    l.kind,
                    if l.valid { "ok" } else { "INVALID" },
                    l.at
                )
            })
            .unwrap_or_else(|| "no scans yet".into());
        out.push_str(&format!(
            "  {id:<16} {:<8} {state:<12} {} scans, {last}\n",
            src.kind, src.scans
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks() {
        assert_eq!(
            dechunk("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            "hello world"
        );
    }
}
