//! The room's benchmark client: 50 participants on 127.0.0.1 join a room served by
//! `room_server` (another process, so that its memory and CPU are its own), sit idle, then each
//! places 30 changes with a person's pauses. Prints the round trip of a placement (answer sent →
//! own view back), the server's memory per participant and its CPU while idle. Never a test: it
//! fails on nothing but a broken room. Run it through scripts/bench-room.sh.
//!
//! `cargo run --release --example bench_room -- URL PID [PARTICIPANTS] [PLACEMENTS]`

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

/// Seconds the idle CPU is measured over.
const IDLE_SECONDS: u64 = 10;

fn proc_field(pid: u32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The server's resident memory, KiB.
fn rss_kib(pid: u32) -> u64 {
    proc_field(pid, "status", "VmRSS:").unwrap_or(0)
}

/// The server's CPU time (user + system), in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| f.get(n).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    field(11) + field(12)
}

/// A small deterministic random source for the pauses (no need for a crate here).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).expect("JSON"),
            Some(Ok(_)) => continue,
            other => panic!("the room ended a participant's connection: {other:?}"),
        }
    }
}

async fn join(ws_url: &str, token: &str, n: usize) -> (Ws, Vec<String>) {
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("the room accepts a participant");
    let perspective = if n.is_multiple_of(2) { "dev" } else { "ops" };
    ws.send(Message::Text(
        json!({ "type": "hello", "token": token })
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    // The room answers a hello without a secret with what joining asks.
    let lobby = next_json(&mut ws).await;
    assert_eq!(lobby["type"], "lobby", "{lobby}");
    ws.send(Message::Text(
        json!({ "type": "join", "name": format!("Person {n}"), "perspective": perspective })
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    let welcome = next_json(&mut ws).await;
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    let changes = welcome["view"]["changes"]
        .as_array()
        .expect("the round's changes")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    (ws, changes)
}

/// One participant placing `count` changes, pausing like a person; the round trip of each.
async fn place(mut ws: Ws, changes: Vec<String>, count: usize, seed: u64) -> (Ws, Vec<Duration>) {
    let mut random = XorShift(seed.max(1));
    let mut times = Vec::with_capacity(count);
    for k in 0..count {
        // Reading a card and choosing a cell: 0.3 to 1.5 s.
        let pause = 300 + random.next() % 1200;
        tokio::time::sleep(Duration::from_millis(pause)).await;
        let change = &changes[k % changes.len()];
        let message = json!({ "type": "answer", "change": change, "answer": {
            "kind": "placed", "likelihood": random.next() % 5 + 1, "impact": random.next() % 5 + 1,
            "rationale": format!("because {k}") } });
        let sent = Instant::now();
        ws.send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
        let reply = next_json(&mut ws).await;
        times.push(sent.elapsed());
        assert_eq!(reply["type"], "view", "{reply}");
    }
    (ws, times)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(pid)) = (
        args.first(),
        args.get(1).and_then(|p| p.parse::<u32>().ok()),
    ) else {
        eprintln!("usage: bench_room URL PID [PARTICIPANTS] [PLACEMENTS]");
        std::process::exit(2);
    };
    let people: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(50);
    let count: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(30);
    let rest = url.strip_prefix("http://").expect("an http:// room URL");
    let (host, token) = rest.split_once("/?t=").expect("a room URL with its token");
    assert!(
        host.starts_with("127.0.0.1:"),
        "the benchmark talks to 127.0.0.1 only"
    );
    let ws_url = format!("ws://{host}/ws");
    let ticks_per_second = 100.0; // USER_HZ on Linux

    let rss_empty = rss_kib(pid);
    let mut joined = Vec::new();
    for n in 0..people {
        joined.push(join(&ws_url, token, n).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_joined = rss_kib(pid);

    let idle_start = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(IDLE_SECONDS)).await;
    let idle_ticks = cpu_ticks(pid) - idle_start;
    let idle_cpu = idle_ticks as f64 / ticks_per_second / IDLE_SECONDS as f64 * 100.0;

    let busy_start = cpu_ticks(pid);
    let started = Instant::now();
    let tasks: Vec<_> = joined
        .into_iter()
        .enumerate()
        .map(|(n, (ws, changes))| {
            tokio::spawn(place(ws, changes, count, 0x9e37_79b9 + n as u64 * 7919))
        })
        .collect();
    let mut times = Vec::new();
    let mut sockets = Vec::new();
    for t in tasks {
        let (ws, mine) = t.await.expect("a participant finished");
        times.extend(mine);
        sockets.push(ws);
    }
    let busy = started.elapsed();
    let busy_ticks = cpu_ticks(pid) - busy_start;
    let rss_after = rss_kib(pid);
    times.sort();

    println!(
        "participants            {people}, {count} placements each ({} in all)",
        times.len()
    );
    println!(
        "placement round trip    p50 {}  p95 {}  max {}",
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0)),
        ms(*times.last().unwrap())
    );
    println!("server memory           {rss_empty} KiB open, {rss_joined} KiB with {people} joined, {rss_after} KiB after placing");
    println!(
        "memory per participant  {:.1} KiB joined, {:.1} KiB after placing",
        (rss_joined as f64 - rss_empty as f64) / people as f64,
        (rss_after as f64 - rss_empty as f64) / people as f64
    );
    println!("server CPU idle         {idle_cpu:.2} % of one core over {IDLE_SECONDS} s with {people} connected ({idle_ticks} ticks)");
    println!(
        "server CPU placing      {:.1} % of one core over {:.1} s",
        busy_ticks as f64 / ticks_per_second / busy.as_secs_f64() * 100.0,
        busy.as_secs_f64()
    );
    drop(sockets);
}
