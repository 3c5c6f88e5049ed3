//! The room: participants place the round's changes from their own phones and laptops, served by
//! this app over the room's network (no internet). This module owns the room's state while it is
//! open: the round, its credentials, who joined (with their secrets) and each participant's view,
//! pushed through a `watch` channel per participant; the facilitator's window hears of progress
//! through the `room-changed` event. Nothing polls.
//!
//! It must never take a facilitator's action from the network (opening, closing, revealing or
//! any edit but a participant's own answer come through IPC only), never send a participant
//! anything not built for them (the engine's `Workshop::participant_view`), and never stay open past the
//! workshop it was opened on, or the app. Lock order: the session, then the room's seats.

pub mod commands;
pub mod interfaces;
pub mod limits;
pub mod protocol;
pub mod qr;
pub mod server;
pub mod token;
pub mod workshop;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, EventId, Listener, Manager, Runtime};
use tokio::sync::{watch, Semaphore};
use ts_rs::TS;

use crate::error::{CommandError, ErrorCode};
use crate::state::{AppState, Session};
use protocol::RoomErrorCode as WireCode;
use token::{Guesses, JoinCode, Secret};
use workshop::{ParticipantId, ParticipantView, Refusal, RoomHeadcount, Round};

/// The event the facilitator's window hears after every change in the room (its payload is a
/// `RoomStatus` without the QR code).
pub const ROOM_CHANGED: &str = "room-changed";

/// How long closing the room waits for its server to let go of the port.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

/// Where the room is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Participants join and answer.
    Open,
    /// Answers are no longer taken; connections stay for what the facilitator reveals.
    RoundClosed,
    /// Connections end and the server stops.
    Closed,
}

/// The room as the facilitator's window shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct RoomStatus {
    pub open: bool,
    /// The participant URL with the join token (`http://ADDR:PORT/?t=TOKEN`).
    #[ts(optional = nullable)]
    pub url: Option<String>,
    /// The short join code people type at `http://ADDR:PORT/`.
    #[ts(optional = nullable)]
    pub code: Option<String>,
    /// The URL as a QR code, SVG text (show it as an image from a `data:` URL); only in the
    /// replies to `open_room` and `room_status`, not in `room-changed` events.
    #[ts(optional = nullable)]
    pub qr_svg: Option<String>,
    #[ts(optional = nullable)]
    pub address: Option<String>,
    #[ts(optional = nullable)]
    pub port: Option<u16>,
    #[ts(optional = nullable)]
    pub round: Option<Round>,
    /// True while answers are taken.
    pub round_open: bool,
    pub progress: RoomHeadcount,
}

/// A participant in the room: their secret, and the channel their connections read their view from.
struct Member {
    secret: Secret,
    view: watch::Sender<Arc<ParticipantView>>,
}

/// Who is connected to the room: the participants who joined through it (the workshop keeps
/// who they are and what they said; the room keeps only their secrets and channels).
#[derive(Default)]
struct Seats {
    members: HashMap<ParticipantId, Member>,
}

/// An open room, shared by its server's tasks.
pub struct Shared<R: Runtime> {
    app: AppHandle<R>,
    pub addr: SocketAddr,
    token: Secret,
    code: JoinCode,
    round: Round,
    /// The session the room was opened on: another workshop in its place closes the room.
    session_id: String,
    url: String,
    qr_svg: String,
    guesses: Mutex<Guesses>,
    seats: Mutex<Seats>,
    pub connections: Arc<Semaphore>,
    stage: watch::Sender<Stage>,
}

/// The open room, if any: managed state of the app.
pub struct RoomState<R: Runtime>(Mutex<Option<OpenRoom<R>>>);

impl<R: Runtime> Default for RoomState<R> {
    fn default() -> Self {
        RoomState(Mutex::new(None))
    }
}

struct OpenRoom<R: Runtime> {
    shared: Arc<Shared<R>>,
    server: tauri::async_runtime::JoinHandle<()>,
    /// Hears a workshop opened from a second launch (files::open_in_place).
    replaced: EventId,
}

fn internal(what: &str) -> CommandError {
    CommandError::new(
        ErrorCode::Internal,
        format!("{what} failed part-way; close the room and open it again"),
    )
}

impl<R: Runtime> RoomState<R> {
    fn lock(&self) -> Result<MutexGuard<'_, Option<OpenRoom<R>>>, CommandError> {
        self.0.lock().map_err(|_| internal("the room"))
    }

    fn shared(&self) -> Option<Arc<Shared<R>>> {
        self.lock().ok()?.as_ref().map(|o| o.shared.clone())
    }
}

/// Opens the room on `address`:`port` (0: any free port) for `round`, closing an open one first.
pub async fn open<R: Runtime>(
    app: &AppHandle<R>,
    address: IpAddr,
    port: u16,
    round: Round,
) -> Result<RoomStatus, CommandError> {
    if address.is_unspecified() {
        return Err(CommandError::new(
            ErrorCode::BadRequest,
            "choose one network: listening on all of them would open the room on networks you did not pick",
        ));
    }
    close(app).await;
    let round = Round {
        opened_at_ms: Some(crate::clock::now()),
        ..round
    };
    let session_id = {
        let state = app.state::<AppState>();
        let session = state.lock()?;
        check_round(session.doc.workshop(), &round)?;
        session.untitled_id.clone()
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(address, port))
        .await
        .map_err(|e| {
            CommandError::new(
                ErrorCode::BadRequest,
                format!("cannot open the room on {address} port {port}: {e}"),
            )
        })?;
    let addr = listener.local_addr().map_err(|e| {
        CommandError::new(ErrorCode::Internal, format!("no port for the room: {e}"))
    })?;
    let random = |e: getrandom::Error| {
        CommandError::new(
            ErrorCode::Internal,
            format!("this system gave no random numbers for the room's codes: {e}"),
        )
    };
    let token = Secret::random().map_err(random)?;
    let code = JoinCode::random().map_err(random)?;
    let url = format!("http://{addr}/?t={}", token.as_str());
    let qr_svg = qr::svg(&url).map_err(|e| CommandError::new(ErrorCode::Internal, e))?;
    let (stage, _) = watch::channel(Stage::Open);
    let shared = Arc::new(Shared {
        app: app.clone(),
        addr,
        token,
        code,
        round,
        session_id,
        url,
        qr_svg,
        guesses: Mutex::new(Guesses::default()),
        seats: Mutex::new(Seats::default()),
        connections: Arc::new(Semaphore::new(limits::MAX_CONNECTIONS)),
        stage,
    });
    let server = tauri::async_runtime::spawn(server::serve(listener, shared.clone()));
    let handle = app.clone();
    let replaced = app.listen_any("workshop-replaced", move |_| {
        let app = handle.clone();
        tauri::async_runtime::spawn(async move { close(&app).await });
    });
    *app.state::<RoomState<R>>().lock()? = Some(OpenRoom {
        shared: shared.clone(),
        server,
        replaced,
    });
    tracing::info!("the room is open on {addr}");
    Ok(shared.status(true))
}

/// A round must ask about at least one change of the workshop, and assign a perspective it has.
fn check_round(w: &parallax_engine::Workshop, round: &Round) -> Result<(), CommandError> {
    let bad = |m: String| CommandError::new(ErrorCode::BadRequest, m);
    if let Some(p) = &round.assign {
        if w.perspective(p).is_none() {
            return Err(bad(format!("the workshop has no perspective {:?}", p.0)));
        }
    }
    if let Some(missing) = round.changes.iter().find(|c| w.change(c).is_none()) {
        return Err(bad(format!("the workshop has no change {:?}", missing.0)));
    }
    if w.changes.is_empty() {
        return Err(bad("the workshop has no changes to place yet".into()));
    }
    if round.changes.len() > parallax_engine::validate::MAX_CHANGES {
        return Err(bad("too many changes in the round".into()));
    }
    Ok(())
}

/// Stops the room, if open: every connection is told why and ends, and the port is free when
/// this returns (or after `STOP_TIMEOUT` at worst).
pub async fn close<R: Runtime>(app: &AppHandle<R>) {
    let Some(open) = app
        .try_state::<RoomState<R>>()
        .and_then(|s| s.lock().ok().and_then(|mut o| o.take()))
    else {
        return;
    };
    app.unlisten(open.replaced);
    open.shared.stage.send_replace(Stage::Closed);
    if tokio::time::timeout(STOP_TIMEOUT, open.server)
        .await
        .is_err()
    {
        tracing::warn!("the room's server took too long to stop");
    }
    tracing::info!("the room on {} is closed", open.shared.addr);
    emit(app, RoomStatus::default());
}

/// Stops the room without waiting (the window is going away).
pub fn close_now<R: Runtime>(app: &AppHandle<R>) {
    if let Some(open) = app
        .try_state::<RoomState<R>>()
        .and_then(|s| s.lock().ok().and_then(|mut o| o.take()))
    {
        app.unlisten(open.replaced);
        open.shared.stage.send_replace(Stage::Closed);
    }
}

/// No more answers in this round; people stay connected for the reveal.
pub fn close_round<R: Runtime>(app: &AppHandle<R>) -> Result<RoomStatus, CommandError> {
    let shared = app
        .state::<RoomState<R>>()
        .shared()
        .ok_or_else(|| CommandError::new(ErrorCode::BadRequest, "the room is not open"))?;
    shared.stage.send_if_modified(|s| {
        let was_open = *s == Stage::Open;
        if was_open {
            *s = Stage::RoundClosed;
        }
        was_open
    });
    let status = shared.status(true);
    emit(
        app,
        RoomStatus {
            qr_svg: None,
            ..status.clone()
        },
    );
    Ok(status)
}

/// The room as it is now (closed: `open` is false and nothing else is set).
pub fn status<R: Runtime>(app: &AppHandle<R>) -> RoomStatus {
    app.try_state::<RoomState<R>>()
        .and_then(|s| s.shared())
        .map(|shared| shared.status(true))
        .unwrap_or_default()
}

/// Call after the facilitator changed the workshop (an edit, an undo, another workshop opened),
/// with the session still locked: participants see what they now may (a Reveal), the window
/// hears of progress, and a room opened on another workshop closes.
pub fn workshop_changed<R: Runtime>(app: &AppHandle<R>, session: &Session) {
    let Some(shared) = app.try_state::<RoomState<R>>().and_then(|s| s.shared()) else {
        return;
    };
    if session.untitled_id != shared.session_id {
        let app = app.clone();
        tauri::async_runtime::spawn(async move { close(&app).await });
        return;
    }
    let status = match shared.seats.lock() {
        Ok(mut seats) => {
            // A participant whose join the facilitator undid has no view any more: dropping
            // their channel ends their connections, and their page asks them to join again.
            seats
                .members
                .retain(|id, member| refresh(session, &shared.round, id, member));
            shared.status_of(session, false)
        }
        Err(_) => return,
    };
    emit(app, status);
}

fn emit<R: Runtime>(app: &AppHandle<R>, status: RoomStatus) {
    if let Err(e) = app.emit(ROOM_CHANGED, status) {
        tracing::warn!("cannot tell the window about the room: {e}");
    }
}

/// Sends `member` their view when it changed; false when they are no longer in the workshop.
fn refresh(session: &Session, round: &Round, id: &ParticipantId, member: &Member) -> bool {
    let Some(view) = session.doc.workshop().participant_view(id, round) else {
        return false;
    };
    member.view.send_if_modified(|current| {
        let changed = **current != view;
        if changed {
            *current = Arc::new(view);
        }
        changed
    });
    true
}

/// What a connection of a participant reads: who they are, their secret, and their view.
pub struct Seat {
    pub id: ParticipantId,
    pub secret: String,
    pub view: watch::Receiver<Arc<ParticipantView>>,
}

/// Why a participant's message changed nothing, as sent to them.
pub type Refused = (WireCode, String);

impl<R: Runtime> Shared<R> {
    pub fn stage(&self) -> watch::Receiver<Stage> {
        self.stage.subscribe()
    }

    pub fn token_matches(&self, given: &str) -> bool {
        self.token.matches(given)
    }

    /// The join token for a typed join code, when it is this round's and guessing is allowed.
    pub fn exchange_code(&self, client: IpAddr, typed: &str) -> Result<String, token::CodeRefusal> {
        let mut guesses = self
            .guesses
            .lock()
            .map_err(|_| token::CodeRefusal::TooManyGuesses)?;
        guesses.exchange(&self.code, client, typed)?;
        Ok(self.token.as_str().to_owned())
    }

    pub fn asset(&self, path: &str) -> Option<tauri::Asset> {
        let resolver = self.app.asset_resolver();
        // Only files that are really there: the resolver would otherwise answer with the
        // facilitator's page for any unknown path.
        let exists = resolver.iter().any(|(p, _)| p == path);
        exists.then(|| resolver.get(path.to_owned())).flatten()
    }

    fn status(&self, with_qr: bool) -> RoomStatus {
        let state = self.app.state::<AppState>();
        let Ok(session) = state.lock() else {
            return RoomStatus::default();
        };
        self.status_of(&session, with_qr)
    }

    fn status_of(&self, session: &Session, with_qr: bool) -> RoomStatus {
        RoomStatus {
            open: true,
            url: Some(self.url.clone()),
            code: Some(self.code.as_str().to_owned()),
            qr_svg: with_qr.then(|| self.qr_svg.clone()),
            address: Some(self.addr.ip().to_string()),
            port: Some(self.addr.port()),
            round: Some(self.round.clone()),
            round_open: *self.stage.borrow() == Stage::Open,
            progress: workshop::progress(session.doc.workshop(), &self.round),
        }
    }

    /// What someone about to join needs to know (`ServerMessage::Lobby`).
    pub fn lobby(&self) -> Option<protocol::ServerMessage> {
        let state = self.app.state::<AppState>();
        let session = state.lock().ok()?;
        let w = session.doc.workshop();
        let perspectives: Vec<workshop::PerspectiveName> =
            w.perspectives.iter().map(Into::into).collect();
        let assign = self
            .round
            .assign
            .as_ref()
            .and_then(|a| perspectives.iter().find(|p| &p.id == a).cloned());
        Some(protocol::ServerMessage::Lobby {
            title: w.title.clone(),
            names: self.round.names,
            assign,
            perspectives,
        })
    }

    /// A participant who joined before comes back with their secret.
    pub fn resume(&self, secret: &str) -> Option<Seat> {
        let seats = self.seats.lock().ok()?;
        // Every secret is compared (in constant time), so the time taken tells nothing.
        let mut found = None;
        for (id, member) in &seats.members {
            if member.secret.matches(secret) {
                found = Some((id, member));
            }
        }
        let (id, member) = found?;
        Some(Seat {
            id: id.clone(),
            secret: member.secret.as_str().to_owned(),
            view: member.view.subscribe(),
        })
    }

    /// A new participant joins the round.
    pub fn join(
        &self,
        name: Option<String>,
        perspective: Option<parallax_engine::PerspectiveId>,
    ) -> Result<Seat, Refused> {
        if *self.stage.borrow() != Stage::Open {
            return Err((WireCode::RoundClosed, "the round is closed".into()));
        }
        let secret = Secret::random().map_err(|_| {
            (
                WireCode::Refused,
                "the room cannot make you a secret; try again".to_owned(),
            )
        })?;
        let state = self.app.state::<AppState>();
        let status;
        let seat;
        {
            let mut session = state.lock().map_err(|e| (WireCode::Refused, e.message))?;
            if session.untitled_id != self.session_id {
                return Err((WireCode::RoundClosed, "the workshop was closed".into()));
            }
            let mut seats = self.seats.lock().map_err(|_| {
                (
                    WireCode::Refused,
                    "the room failed; ask the facilitator".to_owned(),
                )
            })?;
            let id = workshop::join(&self.app, &mut session, &self.round, name, perspective)
                .map_err(wire)?;
            let view = session
                .doc
                .workshop()
                .participant_view(&id, &self.round)
                .ok_or_else(|| (WireCode::Refused, "you are not in the room".to_owned()))?;
            let (tx, rx) = watch::channel(Arc::new(view));
            seat = Seat {
                id: id.clone(),
                secret: secret.as_str().to_owned(),
                view: rx,
            };
            seats.members.insert(id, Member { secret, view: tx });
            status = self.status_of(&session, false);
        }
        emit(&self.app, status);
        Ok(seat)
    }

    /// Participant `who` answers for `change` (their own answer, nobody else's).
    pub fn answer(
        &self,
        who: &ParticipantId,
        change: parallax_engine::ChangeId,
        answer: Option<workshop::Answer>,
    ) -> Result<(), Refused> {
        if *self.stage.borrow() != Stage::Open {
            return Err((WireCode::RoundClosed, "the round is closed".into()));
        }
        let state = self.app.state::<AppState>();
        let status;
        {
            let mut session = state.lock().map_err(|e| (WireCode::Refused, e.message))?;
            if session.untitled_id != self.session_id {
                return Err((WireCode::RoundClosed, "the workshop was closed".into()));
            }
            let seats = self.seats.lock().map_err(|_| {
                (
                    WireCode::Refused,
                    "the room failed; ask the facilitator".to_owned(),
                )
            })?;
            workshop::answer(&self.app, &mut session, &self.round, who, change, answer)
                .map_err(wire)?;
            // Before Reveal an answer changes only its author's view; after, everyone's.
            let everyone = session.doc.workshop().phase == parallax_engine::Phase::Revealed;
            for (id, member) in &seats.members {
                if everyone || id == who {
                    refresh(&session, &self.round, id, member);
                }
            }
            status = self.status_of(&session, false);
        }
        emit(&self.app, status);
        Ok(())
    }
}

fn wire(r: Refusal) -> Refused {
    let code = match r {
        Refusal::Full => WireCode::RoomFull,
        Refusal::Gone => WireCode::BadSecret,
        _ => WireCode::Refused,
    };
    (code, r.to_string())
}
