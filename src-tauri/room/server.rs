//! The room's HTTP + WebSocket server (axum, on the tokio runtime Tauri runs): `GET /` serves the
//! participant page (and exchanges a typed join code for the join token), `GET /assets/…` the
//! page's files from the app's embedded assets, `GET /ws` the round's protocol. Nothing else:
//! no files from disk, no workshop data but each participant's own view, no facilitator action.
//! Every request must name the room's own address in `Host` (and `Origin`, when sent), so that a
//! web page elsewhere cannot reach the room through a browser in the room (DNS rebinding).
//! A slow client is dropped alone; it must never hold up the app or another participant.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tauri::Runtime;
use tokio::sync::{mpsc, watch};

use super::limits::{self, Rate};
use super::protocol::{self, ClientMessage, CloseReason, RoomErrorCode, ServerMessage};
use super::token::CodeRefusal;
use super::{Seat, Shared, Stage};

/// Serves the room until it is closed; returns once the port is free.
pub async fn serve<R: Runtime>(listener: tokio::net::TcpListener, shared: Arc<Shared<R>>) {
    let mut stage = shared.stage();
    let app = router(shared);
    let stopped = async move {
        let _ = stage.wait_for(|s| *s == Stage::Closed).await;
    };
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopped)
    .await;
    if let Err(e) = served {
        tracing::warn!("the room's server stopped: {e}");
    }
}

pub fn router<R: Runtime>(shared: Arc<Shared<R>>) -> Router {
    Router::new()
        .route("/", get(page::<R>))
        .route("/assets/{file}", get(asset::<R>))
        .route("/ws", get(upgrade::<R>))
        .fallback(|| async { (StatusCode::NOT_FOUND, "Not part of the room.") })
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            same_origin::<R>,
        ))
        .with_state(shared)
}

/// Refuses a request whose `Host` is not the room's own address and port, or whose `Origin` is
/// another site's.
async fn same_origin<R: Runtime>(
    State(shared): State<Arc<Shared<R>>>,
    request: Request,
    next: Next,
) -> Response {
    let own = shared.addr.to_string();
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| h.eq_ignore_ascii_case(&own)) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            format!("This room answers at http://{own}/ only."),
        )
            .into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let expected = format!("http://{own}");
        if !origin
            .to_str()
            .is_ok_and(|o| o.eq_ignore_ascii_case(&expected))
        {
            return (StatusCode::FORBIDDEN, "Another site may not use this room.").into_response();
        }
    }
    next.run(request).await
}

/// Headers every answer of the room carries: the page may load only its own files and talk
/// only to its own WebSocket, and the join token in its URL never leaves in a Referer.
fn guard_headers(headers: &mut HeaderMap, own: &str) {
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self' ws://{own}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let pairs = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::REFERRER_POLICY, "no-referrer".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::X_FRAME_OPTIONS, "DENY".to_owned()),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    code: Option<String>,
}

/// The participant page; with `?code=…`, a typed join code exchanged for the join token (a
/// redirect to the URL the QR code holds).
async fn page<R: Runtime>(
    State(shared): State<Arc<Shared<R>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<PageQuery>,
) -> Response {
    let own = shared.addr.to_string();
    let mut response = match query.code {
        Some(typed) if typed.len() <= protocol::MAX_ID_BYTES => {
            match shared.exchange_code(peer.ip(), &typed) {
                Ok(token) => Redirect::to(&format!("/?t={token}")).into_response(),
                Err(CodeRefusal::Wrong) => (
                    StatusCode::FORBIDDEN,
                    "That is not the room's code. Check the code on the screen and try again.",
                )
                    .into_response(),
                Err(CodeRefusal::TooManyGuesses) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many wrong codes: scan the QR code or type the full address on the screen.",
                )
                    .into_response(),
            }
        }
        Some(_) => (StatusCode::BAD_REQUEST, "That is not a join code.").into_response(),
        None => match shared.asset("/participant.html") {
            Some(page) => ([(header::CONTENT_TYPE, page.mime_type)], page.bytes).into_response(),
            None => (
                StatusCode::NOT_FOUND,
                "The participant page is not in this build of Parallax (ui/dist/participant.html is missing).",
            )
                .into_response(),
        },
    };
    guard_headers(response.headers_mut(), &own);
    response
}

/// A file of the participant page: scripts, styles, fonts and images from the app's embedded
/// assets, never a page and never anything from disk.
async fn asset<R: Runtime>(
    State(shared): State<Arc<Shared<R>>>,
    Path(file): Path<String>,
) -> Response {
    let safe = !file.is_empty()
        && file.len() <= 200
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !file.starts_with('.')
        && !file.ends_with(".html");
    let found = safe
        .then(|| shared.asset(&format!("/assets/{file}")))
        .flatten();
    let mut response = match found {
        Some(a) => ([(header::CONTENT_TYPE, a.mime_type)], Body::from(a.bytes)).into_response(),
        None => (StatusCode::NOT_FOUND, "Not part of the room.").into_response(),
    };
    guard_headers(response.headers_mut(), &shared.addr.to_string());
    response
}

/// The round's protocol, while the room has a connection to spare.
async fn upgrade<R: Runtime>(
    State(shared): State<Arc<Shared<R>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(permit) = shared.connections.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The room is full: ask the facilitator.",
        )
            .into_response();
    };
    ws.max_message_size(limits::MAX_WIRE_BYTES)
        .max_frame_size(limits::MAX_WIRE_BYTES)
        .on_upgrade(move |socket| async move {
            connection(socket, shared, peer.ip()).await;
            drop(permit);
        })
}

fn encode(message: &ServerMessage) -> Option<Message> {
    match serde_json::to_string(message) {
        Ok(text) => Some(Message::Text(Utf8Bytes::from(text))),
        Err(e) => {
            tracing::error!("cannot encode a room message: {e}");
            None
        }
    }
}

/// Queues `message` for the client; false when the client cannot keep up (its queue stayed full
/// for `WRITE_TIMEOUT`): it is then dropped. Waiting here holds up this connection alone, which
/// also slows down a client that sends faster than it reads.
async fn queue(outbox: &mpsc::Sender<Message>, message: &ServerMessage) -> bool {
    let Some(m) = encode(message) else {
        return true;
    };
    matches!(
        tokio::time::timeout(limits::WRITE_TIMEOUT, outbox.send(m)).await,
        Ok(Ok(()))
    )
}

/// What one connection does, in order: hello (token, and secret to come back), join, answers.
async fn connection<R: Runtime>(socket: WebSocket, shared: Arc<Shared<R>>, peer: IpAddr) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut pending) = mpsc::channel::<Message>(limits::OUTBOX);
    // Writes happen on their own task: a client that stops reading fills its queue and is
    // dropped, and nobody else waits for it.
    let writer = tokio::spawn(async move {
        while let Some(message) = pending.recv().await {
            let closing = matches!(message, Message::Close(_));
            match tokio::time::timeout(limits::WRITE_TIMEOUT, sink.send(message)).await {
                Ok(Ok(())) if !closing => {}
                _ => break,
            }
        }
        let _ = sink.close().await;
    });
    let mut stage = shared.stage();
    let mut rate = Rate::new(Instant::now());
    let mut seat: Option<Seat> = None;
    let mut hello = false;
    let mut told_round_closed = false;
    let hello_deadline = tokio::time::sleep(limits::HELLO_TIMEOUT);
    tokio::pin!(hello_deadline);
    loop {
        let round_closed = *stage.borrow() == Stage::RoundClosed;
        if round_closed && seat.is_some() && !told_round_closed {
            told_round_closed = true;
            if !queue(
                &outbox,
                &ServerMessage::Closed {
                    reason: CloseReason::RoundClosed,
                },
            )
            .await
            {
                break;
            }
        }
        tokio::select! {
            _ = &mut hello_deadline, if !hello => {
                let _ = queue(&outbox, &ServerMessage::error(RoomErrorCode::OutOfOrder, "say hello first")).await;
                break;
            }
            changed = stage.changed() => {
                if changed.is_err() || *stage.borrow() == Stage::Closed {
                    // Without waiting: the room is closing, a stalled client is not waited for.
                    if let Some(m) = encode(&ServerMessage::Closed { reason: CloseReason::RoomClosed }) {
                        let _ = outbox.try_send(m);
                    }
                    break;
                }
            }
            changed = async { seat.as_mut().map(|s| s.view.changed()).expect("guarded").await }, if seat.is_some() => {
                if changed.is_err() {
                    break;
                }
                let view = seat.as_mut().map(|s| (*s.view.borrow_and_update()).as_ref().clone());
                if let Some(view) = view {
                    if !queue(&outbox, &ServerMessage::View { view }).await {
                        tracing::info!("a participant's connection could not keep up; dropped");
                        break;
                    }
                }
            }
            incoming = stream.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        if !queue(&outbox, &ServerMessage::error(RoomErrorCode::Malformed, "messages are JSON text")).await {
                            break;
                        }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                if !rate.take(Instant::now()) {
                    if !queue(&outbox, &ServerMessage::error(RoomErrorCode::TooFast, "too many messages: this one was ignored")).await {
                        break;
                    }
                    continue;
                }
                let reply = match protocol::parse(text.as_str()) {
                    Err((code, message)) => Some(ServerMessage::error(code, message)),
                    Ok(message) => match handle(&shared, &mut seat, &mut hello, message) {
                        Step::Reply(reply) => reply,
                        Step::Refuse(reply) => {
                            let _ = queue(&outbox, &reply).await;
                            break;
                        }
                    },
                };
                if let Some(reply) = reply {
                    if !queue(&outbox, &reply).await {
                        break;
                    }
                }
            }
        }
    }
    let _ = outbox.try_send(Message::Close(None));
    drop(outbox);
    // The writer ends on its own once the queue is drained or the client is gone.
    let _ = tokio::time::timeout(limits::WRITE_TIMEOUT, writer).await;
    tracing::debug!("a room connection from {peer} ended");
}

enum Step {
    /// Answer (or not) and carry on.
    Reply(Option<ServerMessage>),
    /// Answer and end the connection.
    Refuse(ServerMessage),
}

fn handle<R: Runtime>(
    shared: &Shared<R>,
    seat: &mut Option<Seat>,
    hello: &mut bool,
    message: ClientMessage,
) -> Step {
    let refuse = |code, m: &str| Step::Refuse(ServerMessage::error(code, m));
    let reply = |code, m: String| Step::Reply(Some(ServerMessage::error(code, m)));
    match message {
        ClientMessage::Hello { token, secret } => {
            if *hello {
                return reply(RoomErrorCode::OutOfOrder, "hello was already said".into());
            }
            if !shared.token_matches(&token) {
                return refuse(
                    RoomErrorCode::BadToken,
                    "this is not the room's current link: scan the QR code again",
                );
            }
            *hello = true;
            let Some(secret) = secret else {
                return Step::Reply(shared.lobby());
            };
            match shared.resume(&secret) {
                Some(found) => {
                    let welcome = welcome(&found);
                    *seat = Some(found);
                    Step::Reply(Some(welcome))
                }
                None => refuse(
                    RoomErrorCode::BadSecret,
                    "you are not in this round: join it again",
                ),
            }
        }
        _ if !*hello => refuse(RoomErrorCode::OutOfOrder, "say hello first"),
        ClientMessage::Join { name, perspective } => {
            if seat.is_some() {
                return reply(RoomErrorCode::OutOfOrder, "you have already joined".into());
            }
            match shared.join(name, perspective) {
                Ok(found) => {
                    let welcome = welcome(&found);
                    *seat = Some(found);
                    Step::Reply(Some(welcome))
                }
                Err((code, m)) => reply(code, m),
            }
        }
        ClientMessage::Answer { change, answer } => {
            let Some(me) = seat.as_ref() else {
                return reply(RoomErrorCode::OutOfOrder, "join the round first".into());
            };
            match shared.answer(&me.id, change, answer) {
                // The new view arrives through the participant's watch.
                Ok(()) => Step::Reply(None),
                Err((code, m)) => reply(code, m),
            }
        }
    }
}

fn welcome(seat: &Seat) -> ServerMessage {
    let view: watch::Ref<'_, _> = seat.view.borrow();
    ServerMessage::Welcome {
        secret: seat.secret.clone(),
        view: (**view).clone(),
    }
}
