//! A room around the sample workshop on 127.0.0.1, without a window: the participant page's
//! browser tests and the room benchmark talk to it. It is the app's own room (the real shell on
//! Tauri's mock runtime), so what it serves is what the app serves. Never shipped.
//!
//! `cargo run --example room_server -- [--port N] [--changes N] [--assign PERSPECTIVE] [--no-names]`
//!
//! Prints one JSON line `{"url", "code", "port", "pid"}` once the room is open. Then reads the
//! facilitator's actions from standard input, one a line: `close_round`, `reveal`, `status`,
//! `close_room`; the end of input closes the room and exits. Listens on loopback only.

use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr};

use parallax_app::room::{self, workshop::Round};
use parallax_app::state::AppState;
use parallax_app::{initial_session, with_parallax};
use parallax_engine::edit::ChangeDetails;
use parallax_engine::{Edit, PerspectiveId, Phase};
use tauri::Manager;

struct Options {
    port: u16,
    changes: usize,
    assign: Option<String>,
    names: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 0,
        changes: 0,
        assign: None,
        names: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                o.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--changes" => {
                o.changes = value("--changes")?
                    .parse()
                    .map_err(|e| format!("--changes: {e}"))?
            }
            "--assign" => o.assign = Some(value("--assign")?),
            "--no-names" => o.names = false,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("room_server: {e}");
            std::process::exit(2);
        }
    };
    let (mut session, _) = initial_session(None);
    // Up to `--changes` changes: the sample's, then numbered ones.
    let mut n = session.doc.workshop().changes.len();
    while n < o.changes {
        n += 1;
        let edit = Edit::AddChange {
            details: ChangeDetails::titled(&format!("Change number {n}")),
            index: None,
        };
        if let Err(e) = session.doc.apply(edit, 0) {
            eprintln!("room_server: cannot add a change: {e}");
            std::process::exit(1);
        }
    }
    let app = with_parallax(tauri::test::mock_builder(), AppState::new(session, None))
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("room_server: the app does not build: {e}");
            std::process::exit(1);
        });
    let handle = app.handle().clone();
    let round = Round {
        changes: Vec::new(),
        assign: o.assign.map(PerspectiveId),
        names: o.names,
        opened_at_ms: None,
    };
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let status = tauri::async_runtime::block_on(room::open(&handle, loopback, o.port, round))
        .unwrap_or_else(|e| {
            eprintln!("room_server: {}", e.message);
            std::process::exit(1);
        });
    println!(
        "{}",
        serde_json::json!({
            "url": status.url,
            "code": status.code,
            "port": status.port,
            "pid": std::process::id(),
        })
    );
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        match line.trim() {
            "close_round" => {
                if let Err(e) = room::close_round(&handle) {
                    eprintln!("room_server: {}", e.message);
                }
            }
            "reveal" => {
                let state = handle.state::<AppState>();
                let Ok(mut session) = state.lock() else { break };
                let edit = Edit::SetPhase {
                    phase: Phase::Revealed,
                };
                match room::workshop::apply_edit(&handle, &mut session, edit, 0) {
                    Ok(_) => room::workshop_changed(&handle, &session),
                    Err(e) => eprintln!("room_server: {}", e.message),
                }
            }
            "status" => {
                let mut status = room::status(&handle);
                status.qr_svg = None;
                match serde_json::to_string(&status) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("room_server: {e}"),
                }
            }
            "close_room" => break,
            "" => {}
            other => eprintln!("room_server: unknown action {other:?}"),
        }
    }
    tauri::async_runtime::block_on(room::close(&handle));
}
