//! The room, end to end on loopback: the app on Tauri's mock runtime with its real commands and
//! capability opens the room on 127.0.0.1, and tokio WebSocket clients play the participants.
//! Every connection of these tests goes to 127.0.0.1 only, never to this machine's other
//! addresses (they belong to a shared network).

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use parallax_app::dialogs::{DialogOverride, Restore, Unsaved};
use parallax_app::state::AppState;
use parallax_app::{initial_session, with_parallax};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

mod common;

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let (session, _) = initial_session(None);
        let over = DialogOverride {
            dir: dir.path().to_path_buf(),
            unsaved: Unsaved::Discard,
            overwrite: false,
            restore: Restore::Saved,
        };
        let state = AppState::new(session, Some(over));
        let app = with_parallax(mock_builder(), state)
            .build(tauri::generate_context!())
            .expect("the app builds on the mock runtime");
        let window = match app.get_webview_window("main") {
            Some(w) => w,
            None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("a mock window"),
        };
        App {
            _app: app,
            window,
            _dir: dir,
        }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        common::call_on(&self.window, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// Opens the room on loopback for `round`; returns its status.
    fn open(&self, round: Value) -> Room {
        let status = self.ok(
            "open_room",
            json!({ "address": "127.0.0.1", "port": 0, "round": round }),
        );
        let url = status["url"].as_str().unwrap().to_owned();
        let token = url.split("?t=").nth(1).unwrap().to_owned();
        let addr: SocketAddr = format!("127.0.0.1:{}", status["port"]).parse().unwrap();
        Room {
            addr,
            token,
            code: status["code"].as_str().unwrap().to_owned(),
            status,
        }
    }

    /// The facilitator's window placing for Ops (the perspective these rounds answer for): while
    /// placing is blind it sees Ops's placements and nothing of anyone else's.
    fn workshop(&self) -> Value {
        self.ok("set_viewer", json!({ "active": "ops" }))
    }
}

struct Room {
    addr: SocketAddr,
    token: String,
    code: String,
    status: Value,
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A participant's device: every text frame it ever received is kept.
struct Device {
    ws: Ws,
    frames: Vec<String>,
}

const WAIT: Duration = Duration::from_secs(5);

impl Device {
    async fn connect(room: &Room) -> Device {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", room.addr))
            .await
            .expect("the room accepts a WebSocket");
        Device {
            ws,
            frames: Vec::new(),
        }
    }

    async fn send(&mut self, message: Value) {
        self.send_text(message.to_string()).await;
    }

    async fn send_text(&mut self, text: String) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("the message goes out");
    }

    /// The next text frame, or None when the room closed the connection.
    async fn next(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the room answers in time");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    self.frames.push(text.to_string());
                    return Some(serde_json::from_str(&text).expect("the room sends JSON"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    async fn expect(&mut self, kind: &str) -> Value {
        let m = self
            .next()
            .await
            .expect("a message before the connection ends");
        assert_eq!(m["type"], kind, "expected {kind}, got {m}");
        m
    }

    async fn expect_error(&mut self, code: &str) -> Value {
        let m = self.expect("error").await;
        assert_eq!(m["code"], code, "{m}");
        m
    }

    /// True when the room ends the connection (after any frames still on the way).
    async fn ends(&mut self) -> bool {
        while self.next().await.is_some() {}
        true
    }

    /// Says hello and joins; returns the welcome.
    async fn join(room: &Room, name: &str, perspective: &str) -> (Device, Value) {
        let mut d = Device::connect(room).await;
        d.send(json!({ "type": "hello", "token": room.token }))
            .await;
        let lobby = d.expect("lobby").await;
        assert!(
            lobby["perspectives"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["id"] == perspective)),
            "{lobby}"
        );
        d.send(json!({ "type": "join", "name": name, "perspective": perspective }))
            .await;
        let welcome = d.expect("welcome").await;
        (d, welcome)
    }

    async fn place(&mut self, change: &str, l: u8, i: u8, why: &str) -> Value {
        self.send(json!({ "type": "answer", "change": change,
            "answer": { "kind": "placed", "likelihood": l, "impact": i, "rationale": why } }))
            .await;
        self.expect("view").await
    }
}

/// A raw HTTP GET with the headers given, answered as (status, whole response).
async fn http_get(addr: SocketAddr, path: &str, host: &str, extra: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.expect("the room listens");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut response))
        .await
        .expect("the room answers in time")
        .unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn round_all() -> Value {
    json!({ "changes": [], "names": true })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_joins_with_the_token_and_places_through_the_apps_edit_path() {
    let app = App::new();
    let room = app.open(json!({ "changes": ["c1", "c3"], "names": true }));
    assert!(room.status["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("http://{}/?t=", room.addr)));
    assert_eq!(room.token.len(), 32);
    assert!(room.status["qr_svg"].as_str().unwrap().contains("<svg"));
    let before = app.workshop();

    let (mut ana, welcome) = Device::join(&room, "Ana", "ops").await;
    let view = &welcome["view"];
    assert_eq!(welcome["secret"].as_str().unwrap().len(), 32);
    assert_eq!(view["you"]["name"], "Ana");
    assert_eq!(view["you"]["perspective"], "ops");
    let titles: Vec<&str> = view["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Upgrade PostgreSQL 14 → 16", "Rotate TLS certificates"]
    );
    assert_eq!(view["matrix"], before["workshop"]["matrix"]);
    assert_eq!(view["revealed"], json!([]));

    let view = ana.place("c3", 4, 2, "no rollback").await;
    assert_eq!(view["view"]["answers"]["c3"]["kind"], "placed");
    assert_eq!(view["view"]["answers"]["c3"]["likelihood"], 4);
    let after = app.workshop();
    assert_eq!(
        after["workshop"]["changes"][2]["placements"]["ops"],
        Value::Null,
        "before Reveal the facilitator's window does not see where anyone placed"
    );
    assert_eq!(after["status"]["dirty"], true);
    assert_eq!(
        after["status"]["undo_label"], "Ana: 'Rotate TLS certificates' to L4 × I2",
        "an answer is an undoable edit of the workshop"
    );
    let status = app.ok("room_status", json!({}));
    assert_eq!(status["progress"]["people"][0]["name"], "Ana");
    assert_eq!(status["progress"]["people"][0]["answered"], 1);
    let ops = status["progress"]["perspectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["perspective"] == "ops")
        .unwrap();
    assert_eq!(ops["people"], 1);
    assert_eq!(ops["done"], 0);
    assert_eq!(ops["placing"], json!(["Ana"]));

    // A change outside the round is refused, and nothing changes.
    ana.send(json!({ "type": "answer", "change": "c2",
        "answer": { "kind": "placed", "likelihood": 1, "impact": 1 } }))
        .await;
    ana.expect_error("refused").await;
    assert_eq!(app.workshop()["workshop"], after["workshop"]);

    // After Reveal: Ana's answer is in the workshop, and Ops' placement is derived from it.
    app.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    let revealed = app.workshop();
    let c3 = &revealed["workshop"]["changes"][2];
    assert_eq!(c3["answers"]["p1"]["rationale"], "no rollback");
    assert_eq!(c3["placements"]["ops"]["likelihood"], 4);
    assert_eq!(c3["placements"]["ops"]["spread"]["people"], 1);
    assert_eq!(revealed["workshop"]["participants"][0]["name"], "Ana");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_short_code_exchanges_for_the_token_a_few_guesses_at_most() {
    let app = App::new();
    let room = app.open(round_all());
    let host = room.addr.to_string();
    assert_eq!(room.code.len(), 6);
    let typed = format!("{}-{}", &room.code[..3], room.code[3..].to_lowercase());
    let (status, response) = http_get(room.addr, &format!("/?code={typed}"), &host, "").await;
    assert_eq!(status, 303, "{response}");
    assert!(
        response.contains(&format!("location: /?t={}", room.token))
            || response.contains(&format!("Location: /?t={}", room.token)),
        "{response}"
    );
    // The token the code gave joins.
    let (_d, welcome) = Device::join(&room, "Bo", "dev").await;
    assert_eq!(welcome["view"]["you"]["name"], "Bo");

    let wrong = if room.code == "AAAAAA" {
        "CCCCCC"
    } else {
        "AAAAAA"
    };
    for _ in 0..5 {
        let (status, _) = http_get(room.addr, &format!("/?code={wrong}"), &host, "").await;
        assert_eq!(status, 403);
    }
    let (status, response) = http_get(room.addr, &format!("/?code={}", room.code), &host, "").await;
    assert_eq!(
        status, 429,
        "after five wrong codes even the right one is refused: {response}"
    );
    assert!(!response.contains(&room.token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_missing_token_is_refused() {
    let app = App::new();
    let room = app.open(round_all());
    let before = app.workshop();

    let mut d = Device::connect(&room).await;
    let mut wrong = room.token.clone();
    wrong.replace_range(0..1, if wrong.starts_with('a') { "b" } else { "a" });
    d.send(json!({ "type": "hello", "token": wrong })).await;
    d.expect_error("bad_token").await;
    assert!(d.ends().await);

    let mut d = Device::connect(&room).await;
    d.send(json!({ "type": "join", "name": "Eve", "perspective": "dev" }))
        .await;
    d.expect_error("out_of_order").await;
    assert!(d.ends().await);

    let mut d = Device::connect(&room).await;
    d.send(json!({ "type": "hello" })).await;
    d.expect_error("malformed").await;
    d.send(json!({ "type": "answer", "change": "c1",
        "answer": { "kind": "placed", "likelihood": 1, "impact": 1 } }))
        .await;
    d.expect_error("out_of_order").await;

    // The code is not the token.
    let mut d = Device::connect(&room).await;
    d.send(json!({ "type": "hello", "token": room.code })).await;
    d.expect_error("bad_token").await;

    assert_eq!(app.workshop(), before);
    assert_eq!(
        app.ok("room_status", json!({}))["progress"]["people"],
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_act_as_another_participant() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut ana, a) = Device::join(&room, "Ana", "ops").await;
    let (mut bo, b) = Device::join(&room, "Bo", "ops").await;
    let ana_secret = a["secret"].as_str().unwrap().to_owned();
    assert_ne!(ana_secret, b["secret"].as_str().unwrap());
    ana.place("c1", 2, 2, "ana's reason").await;

    // A message naming another participant is not a message of the protocol.
    bo.send(
        json!({ "type": "answer", "change": "c1", "participant": "p1",
        "answer": { "kind": "placed", "likelihood": 5, "impact": 5 } }),
    )
    .await;
    bo.expect_error("malformed").await;
    // A secret that is almost Ana's is nobody's.
    let mut near = ana_secret.clone();
    near.replace_range(31..32, if near.ends_with('0') { "1" } else { "0" });
    let mut eve = Device::connect(&room).await;
    eve.send(json!({ "type": "hello", "token": room.token, "secret": near }))
        .await;
    eve.expect_error("bad_secret").await;
    assert!(eve.ends().await);

    // Bo's own answer stays Bo's: Ana's view is unchanged.
    bo.place("c1", 5, 5, "bo's reason").await;
    let mut again = Device::connect(&room).await;
    again
        .send(json!({ "type": "hello", "token": room.token, "secret": ana_secret }))
        .await;
    let w = again.expect("welcome").await;
    assert_eq!(w["view"]["you"]["id"], "p1");
    assert_eq!(w["view"]["answers"]["c1"]["likelihood"], 2);
    assert_eq!(w["view"]["answers"]["c1"]["rationale"], "ana's reason");
    assert!(!again.frames.concat().contains("bo's reason"));
    let _ = ana.ws.close(None).await;
}

/// Everything that identifies a participant or what they said.
struct Trace {
    id: String,
    name: String,
    secret: String,
    reasons: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_whole_round_no_frame_carries_another_participants_data_before_reveal() {
    let app = App::new();
    let room = app.open(json!({ "changes": ["c1", "c2", "c3", "c4"], "names": true }));
    let people = [
        ("Ana-zq81", "ops"),
        ("Bo-xk27", "ops"),
        ("Cy-wm44", "dev"),
        ("Di-vn93", "dev"),
    ];
    let mut devices = Vec::new();
    let mut traces = Vec::new();
    for (name, perspective) in people {
        let (d, w) = Device::join(&room, name, perspective).await;
        traces.push(Trace {
            id: w["view"]["you"]["id"].as_str().unwrap().to_owned(),
            name: name.to_owned(),
            secret: w["secret"].as_str().unwrap().to_owned(),
            reasons: Vec::new(),
        });
        devices.push(d);
    }
    // Everyone answers every change, interleaved, with words of their own; one is not sure.
    for (n, change) in ["c1", "c2", "c3", "c4"].iter().enumerate() {
        for (k, d) in devices.iter_mut().enumerate() {
            let why = format!("reason-{k}-{change}-{}", traces[k].name);
            traces[k].reasons.push(why.clone());
            if k == 3 && n == 1 {
                d.send(json!({ "type": "answer", "change": change,
                    "answer": { "kind": "not_sure", "rationale": why } }))
                    .await;
                d.expect("view").await;
            } else {
                let view = d
                    .place(change, (k % 5 + 1) as u8, (n % 5 + 1) as u8, &why)
                    .await;
                assert_eq!(view["view"]["answers"][change]["rationale"], why);
            }
        }
    }
    // One moves an answer, one takes one back.
    devices[0].place("c1", 5, 5, "reason-0-moved").await;
    traces[0].reasons.push("reason-0-moved".into());
    devices[1]
        .send(json!({ "type": "answer", "change": "c2", "answer": null }))
        .await;
    devices[1].expect("view").await;
    let progress = app.ok("room_status", json!({}))["progress"].clone();
    assert_eq!(progress["people"].as_array().unwrap().len(), 4);

    // Close the round: everyone hears it, and nothing else.
    app.ok("close_round", json!({}));
    for d in &mut devices {
        assert_eq!(d.expect("closed").await["reason"], "round_closed");
    }

    for (k, d) in devices.iter().enumerate() {
        assert!(!d.frames.is_empty());
        for frame in &d.frames {
            let m: Value = serde_json::from_str(frame).unwrap();
            if let Some(view) = m.get("view") {
                assert_eq!(view["you"]["id"], traces[k].id.as_str());
                assert_eq!(view["revealed"], json!([]), "nothing revealed yet: {frame}");
            }
            for (j, other) in traces.iter().enumerate() {
                if j == k {
                    continue;
                }
                let leaks = [
                    format!("\"{}\"", other.id),
                    other.name.clone(),
                    other.secret.clone(),
                ]
                .into_iter()
                .chain(other.reasons.iter().cloned())
                .filter(|s| frame.contains(s.as_str()))
                .collect::<Vec<_>>();
                assert!(
                    leaks.is_empty(),
                    "{} received {leaks:?} of {}: {frame}",
                    traces[k].name,
                    other.name
                );
            }
        }
    }

    // Reveal (the facilitator's own edit): each perspective's placement, never a person's words.
    let seen_before: Vec<usize> = devices.iter().map(|d| d.frames.len()).collect();
    app.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    for d in &mut devices {
        let v = d.expect("view").await;
        assert_eq!(v["view"]["phase"], "revealed");
        assert!(!v["view"]["revealed"].as_array().unwrap().is_empty());
    }
    for (k, d) in devices.iter().enumerate() {
        for frame in &d.frames[seen_before[k]..] {
            for (j, other) in traces.iter().enumerate() {
                if j != k {
                    assert!(!frame.contains(&other.name), "{frame}");
                    assert!(!frame.contains(&other.secret), "{frame}");
                    for why in &other.reasons {
                        assert!(!frame.contains(why.as_str()), "{frame}");
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitator_actions_are_refused_from_the_network() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut d, _) = Device::join(&room, "Mal", "dev").await;
    let before = app.workshop();
    for action in [
        json!({ "type": "set_phase", "phase": "revealed" }),
        json!({ "type": "reveal" }),
        json!({ "type": "close_round" }),
        json!({ "type": "close_room" }),
        json!({ "type": "open_room", "address": "127.0.0.1" }),
        json!({ "type": "apply_edit", "edit": { "kind": "set_phase", "phase": "revealed" } }),
        json!({ "type": "undo" }),
        json!({ "type": "save_workshop" }),
        json!({ "type": "answer", "change": "c1", "answer": null, "edit": { "kind": "set_title", "title": "pwned" } }),
        json!({ "kind": "set_phase", "phase": "revealed" }),
        json!({ "type": "join", "name": "Mal", "perspective": "dev", "assign": "ops" }),
    ] {
        d.send(action.clone()).await;
        let m = d
            .next()
            .await
            .unwrap_or_else(|| panic!("still connected after {action}"));
        assert_eq!(m["type"], "error", "{action} → {m}");
    }
    assert_eq!(app.workshop(), before, "nothing changed");
    let status = app.ok("room_status", json!({}));
    assert_eq!(status["open"], true);
    assert_eq!(status["round_open"], true);
    // The page's paths are all there is.
    for path in [
        "/index.html",
        "/assets/../index.html",
        "/ws/../index.html",
        "/participant.html",
        "/workshop",
        "/api",
    ] {
        let (status, response) = http_get(room.addr, path, &room.addr.to_string(), "").await;
        assert_eq!(status, 404, "{path}: {response}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_malformed_and_too_frequent_messages_are_refused_and_change_nothing() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut d, _) = Device::join(&room, "Flo", "ops").await;
    let before = app.workshop();

    let huge = json!({ "type": "answer", "change": "c1",
        "answer": { "kind": "placed", "likelihood": 3, "impact": 3, "rationale": "x".repeat(5000) } });
    d.send(huge).await;
    d.expect_error("too_large").await;
    for bad in [
        "{".to_owned(),
        "[]".to_owned(),
        r#"{"type":"answer","change":"c1","answer":{"kind":"placed","likelihood":"high","impact":1}}"#
            .to_owned(),
        r#"{"type":"answer","change":"c1","answer":{"kind":"placed","likelihood":9,"impact":1}}"#
            .to_owned(),
        format!(r#"{{"type":"answer","change":"{}","answer":null}}"#, "c".repeat(100)),
    ] {
        d.send_text(bad.clone()).await;
        let m = d.expect("error").await;
        assert!(
            m["code"] == "malformed" || m["code"] == "refused",
            "{bad} → {m}"
        );
    }
    d.ws.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    d.expect_error("malformed").await;
    assert_eq!(app.workshop()["workshop"], before["workshop"]);

    // Let the bucket fill up again, then a burst of 60 answers in one write.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let started = std::time::Instant::now();
    for n in 0..60u8 {
        let answer = json!({ "type": "answer", "change": "c2",
            "answer": { "kind": "placed", "likelihood": n % 5 + 1, "impact": 1, "rationale": format!("burst {n}") } });
        d.ws.feed(Message::Text(answer.to_string().into()))
            .await
            .unwrap();
    }
    d.ws.flush().await.unwrap();
    // Every reply to the burst, until the room has been quiet for a while.
    let mut too_fast = 0;
    let mut last_reply = started;
    let mut told = Vec::new();
    while let Ok(Some(Ok(frame))) =
        tokio::time::timeout(Duration::from_millis(700), d.ws.next()).await
    {
        let Message::Text(text) = frame else { continue };
        last_reply = std::time::Instant::now();
        let m: Value = serde_json::from_str(&text).unwrap();
        match (m["type"].as_str(), m["code"].as_str()) {
            (Some("error"), Some("too_fast")) => too_fast += 1,
            (Some("view"), _) => told.push(m["view"]["answers"]["c2"]["rationale"].clone()),
            _ => panic!("{m}"),
        }
    }
    // The bucket holds 20 and refills at 20 a second while the room reads the burst: however
    // slow this machine is, no more got through.
    let window = last_reply.duration_since(started).as_secs_f64();
    let passed = 60 - too_fast;
    assert!(
        f64::from(passed) <= 21.0 + 20.0 * window,
        "{passed} of a burst of 60 got through in {window:.3} s"
    );
    assert!(too_fast > 0, "a burst of 60 is too fast");
    assert!(told.len() <= passed as usize);
    // What landed is what the participant was last told: refused answers changed nothing.
    app.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    let answer = app.workshop()["workshop"]["changes"][1]["answers"]["p1"].clone();
    assert_eq!(Some(&answer["rationale"]), told.last());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_comes_back_with_its_secret_to_its_own_answers() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut d, w) = Device::join(&room, "Gus", "dev").await;
    let secret = w["secret"].as_str().unwrap().to_owned();
    d.place("c1", 1, 2, "first").await;
    d.send(json!({ "type": "answer", "change": "c2",
        "answer": { "kind": "not_sure", "rationale": "need the runbook" } }))
        .await;
    d.expect("view").await;
    drop(d); // Wi-Fi gone, no goodbye.

    let mut back = Device::connect(&room).await;
    back.send(json!({ "type": "hello", "token": room.token, "secret": secret }))
        .await;
    let w = back.expect("welcome").await;
    assert_eq!(w["secret"], secret.as_str());
    assert_eq!(w["view"]["you"]["name"], "Gus");
    assert_eq!(w["view"]["answers"]["c1"]["likelihood"], 1);
    assert_eq!(w["view"]["answers"]["c1"]["rationale"], "first");
    assert_eq!(w["view"]["answers"]["c2"]["kind"], "not_sure");
    // And carries on from there, as the same participant.
    back.place("c1", 3, 3, "moved").await;
    let status = app.ok("room_status", json!({}));
    assert_eq!(status["progress"]["people"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_room_ends_every_connection_and_frees_the_port() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut d, _) = Device::join(&room, "Hal", "dev").await;
    let status = app.ok("close_room", json!({}));
    assert_eq!(status["open"], false);
    let m = d.expect("closed").await;
    assert_eq!(m["reason"], "room_closed");
    assert!(d.ends().await);
    let refused = TcpStream::connect(room.addr).await;
    assert!(
        refused.is_err(),
        "nothing listens on {} any more",
        room.addr
    );
    assert_eq!(app.ok("room_status", json!({}))["open"], false);

    // A new room is a new round: the old token opens nothing.
    let again = app.open(round_all());
    assert_ne!(again.token, room.token);
    let mut d = Device::connect(&again).await;
    d.send(json!({ "type": "hello", "token": room.token }))
        .await;
    d.expect_error("bad_token").await;
    app.ok("close_room", json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_workshop_in_place_closes_the_room() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut d, _) = Device::join(&room, "Ivy", "dev").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("other.parallax");
    parallax_engine::store::save(
        &file,
        &parallax_engine::sample::workshop(),
        &parallax_engine::store::Expect::Anything,
    )
    .unwrap();
    // The same path a second launch takes: a workshop arrives from outside.
    let handle = app.window.app_handle().clone();
    parallax_app::files::open_in_place(&handle, &handle.state::<AppState>(), file)
        .await
        .unwrap();
    assert_eq!(d.expect("closed").await["reason"], "room_closed");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(TcpStream::connect(room.addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_another_host_or_from_another_origin_is_refused() {
    let app = App::new();
    let room = app.open(round_all());
    let own = room.addr.to_string();
    let port = room.addr.port();
    let (status, _) = http_get(room.addr, "/", &own, "").await;
    assert!(
        status == 200 || status == 404,
        "the page, or a clear 404 without it: {status}"
    );
    for host in [
        format!("evil.example:{port}"),
        format!("localhost:{port}"),
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        let (status, response) = http_get(room.addr, "/", &host, "").await;
        assert_eq!(status, 421, "Host {host}: {response}");
        let (status, _) = http_get(room.addr, &format!("/?code={}", room.code), &host, "").await;
        assert_eq!(status, 421, "no code exchange for Host {host}");
    }
    let (status, _) = http_get(room.addr, "/", &own, "Origin: http://evil.example\r\n").await;
    assert_eq!(status, 403);
    let (status, _) = http_get(room.addr, "/", &own, &format!("Origin: http://{own}\r\n")).await;
    assert!(status == 200 || status == 404);

    // The WebSocket from another site's page (the browser sends its Origin) is refused.
    let mut request = format!("ws://{own}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Origin", "http://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    assert!(refused.is_err(), "a cross-site WebSocket is refused");
    let mut request = format!("ws://{own}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Host", format!("rebound.example:{port}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
    // The same from the room's own page is fine.
    let mut request = format!("ws://{own}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Origin", format!("http://{own}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_round_takes_no_more_answers() {
    let app = App::new();
    let room = app.open(json!({ "changes": [], "names": false, "assign": "ops" }));
    let (mut d, w) = Device::join(&room, "Jo", "dev").await;
    assert_eq!(
        w["view"]["you"]["perspective"], "ops",
        "the round assigns Ops"
    );
    assert_eq!(
        w["view"]["you"]["name"],
        Value::Null,
        "no names in this round"
    );
    app.ok("close_round", json!({}));
    assert_eq!(d.expect("closed").await["reason"], "round_closed");
    let before = app.workshop();
    d.send(json!({ "type": "answer", "change": "c1",
        "answer": { "kind": "placed", "likelihood": 1, "impact": 1 } }))
        .await;
    d.expect_error("round_closed").await;
    let mut late = Device::connect(&room).await;
    late.send(json!({ "type": "hello", "token": room.token }))
        .await;
    late.expect("lobby").await;
    late.send(json!({ "type": "join", "perspective": "dev" }))
        .await;
    late.expect_error("round_closed").await;
    assert_eq!(app.workshop(), before);
    let status = app.ok("room_status", json!({}));
    assert_eq!(status["round_open"], false);
    assert_eq!(status["progress"]["people"][0]["name"], "anonymous");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_perspective_places_at_its_members_median_and_the_facilitator_can_undo_any_of_it() {
    let app = App::new();
    let room = app.open(round_all());
    let (mut ana, _) = Device::join(&room, "Ana", "ops").await;
    let (mut bo, _) = Device::join(&room, "Bo", "ops").await;
    ana.place("c1", 1, 2, "").await;
    bo.place("c1", 4, 3, "").await;
    let (mut cy, welcome) = Device::join(&room, "Cy", "ops").await;
    let cy_secret = welcome["secret"].as_str().unwrap().to_owned();
    cy.place("c1", 5, 5, "").await;

    // Cy's answer is undone from the window: his page is told.
    app.ok("undo", json!({}));
    let view = cy.expect("view").await;
    assert_eq!(view["view"]["answers"].get("c1"), None, "{view}");
    app.ok("redo", json!({}));
    assert_eq!(
        cy.expect("view").await["view"]["answers"]["c1"]["likelihood"],
        5
    );

    app.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    let ops = &app.workshop()["workshop"]["changes"][0]["placements"]["ops"];
    assert_eq!(
        (ops["likelihood"].as_u64(), ops["impact"].as_u64()),
        (Some(4), Some(3))
    );
    assert_eq!(ops["spread"]["likelihood_min"], 1);
    assert_eq!(ops["spread"]["likelihood_max"], 5);
    assert_eq!(ops["spread"]["people"], 3);
    // Every page hears of the reveal: the perspective's placement, never who put what where.
    for (d, me) in [(&mut ana, "Ana"), (&mut bo, "Bo"), (&mut cy, "Cy")] {
        let revealed = d.expect("view").await;
        assert_eq!(revealed["view"]["revealed"][0]["perspective"], "ops");
        let text = revealed.to_string();
        for other in ["Ana", "Bo", "Cy"].into_iter().filter(|n| *n != me) {
            assert!(!text.contains(other), "{me} was sent {other}: {text}");
        }
        assert!(!text.contains("spread"), "{text}");
    }

    // Undoing Cy's join (with his answer) ends his connection; his secret opens nothing.
    for _ in 0..3 {
        app.ok("undo", json!({})); // the reveal, Cy's answer, then his join
    }
    assert!(cy.ends().await);
    let mut back = Device::connect(&room).await;
    back.send(json!({ "type": "hello", "token": room.token, "secret": cy_secret }))
        .await;
    back.expect_error("bad_secret").await;
    let status = app.ok("room_status", json!({}));
    let names: Vec<&str> = status["progress"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana", "Bo"]);
    app.ok("close_room", json!({}));
}
