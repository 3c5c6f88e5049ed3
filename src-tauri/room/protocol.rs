//! The room's protocol: the messages a participant's page and the room exchange over the
//! WebSocket, as JSON objects tagged by "type" (ts-rs exported to ui/src/lib/types like the IPC
//! types). Every field a client sends is bounded here before anything else reads it. There is
//! no message for a facilitator's action: those come through the app's IPC only, never from here.

use parallax_engine::validate::MAX_SHORT_TEXT;
use parallax_engine::{ChangeId, PerspectiveId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::limits::MAX_MESSAGE_BYTES;
use super::workshop::{Answer, ParticipantView, PerspectiveName, MAX_NAME_CHARS};

/// The longest token, secret or id a client may send, in bytes.
pub const MAX_ID_BYTES: usize = 64;

/// From a participant's page to the room.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The first message of every connection: the round's join token (from the QR URL), and the
    /// participant's secret when they joined before (a reload, a lost connection).
    Hello {
        token: String,
        #[serde(default)]
        #[ts(optional = nullable)]
        secret: Option<String>,
    },
    /// Joins the round as a new participant. `name` is kept only when the round asks for names;
    /// `perspective` is ignored when the round assigns one.
    Join {
        #[serde(default)]
        #[ts(optional = nullable)]
        name: Option<String>,
        #[serde(default)]
        #[ts(optional = nullable)]
        perspective: Option<PerspectiveId>,
    },
    /// The participant's own answer for a change of the round; null takes it back.
    Answer {
        change: ChangeId,
        #[ts(optional = nullable)]
        answer: Option<Answer>,
    },
}

/// What went wrong with a message; the connection stays open unless the message says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RoomErrorCode {
    /// Not the round's join token (the connection is closed).
    BadToken,
    /// Not the secret of anyone in this round (the connection is closed): join again.
    BadSecret,
    /// The first message must be `hello`, and `join` comes before answers.
    OutOfOrder,
    /// A message larger than the room accepts.
    TooLarge,
    /// Not a message of this protocol, or a field too long.
    Malformed,
    /// More messages per second than the room accepts; this one was ignored.
    TooFast,
    /// The round has as many people as it can take.
    RoomFull,
    /// The round is closed: answers are no longer taken.
    RoundClosed,
    /// The answer was refused (not a change of this round, a cell outside the matrix…).
    Refused,
}

/// Why the room ends a connection, or stops taking answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The facilitator closed the round: answers are no longer taken; the connection stays for
    /// what the facilitator reveals.
    RoundClosed,
    /// The facilitator closed the room (or opened another workshop, or quit): the connection ends.
    RoomClosed,
}

/// From the room to one participant's page; every view is built for that participant alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// What the round asks before someone joins (after a `hello` without a secret): the
    /// workshop's title, whether names are asked, the perspective everyone joins or those to
    /// choose from. Nothing anyone placed.
    Lobby {
        title: String,
        names: bool,
        #[ts(optional = nullable)]
        assign: Option<PerspectiveName>,
        perspectives: Vec<PerspectiveName>,
    },
    /// The participant is in: keep `secret` (in this browser only) to come back after a reload.
    Welcome {
        secret: String,
        view: ParticipantView,
    },
    /// The participant's view changed (their own answer, or the facilitator revealed).
    View {
        view: ParticipantView,
    },
    Error {
        code: RoomErrorCode,
        message: String,
    },
    Closed {
        reason: CloseReason,
    },
}

impl ServerMessage {
    pub fn error(code: RoomErrorCode, message: impl Into<String>) -> Self {
        ServerMessage::Error {
            code,
            message: message.into(),
        }
    }
}

/// Why a client's text is not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// Reads one message, bounded: at most `MAX_MESSAGE_BYTES`, every field within its limit.
pub fn parse(text: &str) -> Result<ClientMessage, (RoomErrorCode, String)> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err((
            RoomErrorCode::TooLarge,
            format!("a message is at most {MAX_MESSAGE_BYTES} bytes"),
        ));
    }
    let message: ClientMessage = serde_json::from_str(text)
        .map_err(|e| (RoomErrorCode::Malformed, format!("not a room message: {e}")))?;
    message
        .check()
        .map_err(|Malformed(m)| (RoomErrorCode::Malformed, m))?;
    Ok(message)
}

fn bounded(field: &str, text: &str, max_bytes: usize) -> Result<(), Malformed> {
    if text.len() > max_bytes {
        return Err(Malformed(format!(
            "{field} is longer than {max_bytes} bytes"
        )));
    }
    Ok(())
}

impl ClientMessage {
    /// Every field within its limit. The engine validates the rest (levels, text) on apply.
    pub fn check(&self) -> Result<(), Malformed> {
        match self {
            ClientMessage::Hello { token, secret } => {
                bounded("token", token, MAX_ID_BYTES)?;
                if let Some(s) = secret {
                    bounded("secret", s, MAX_ID_BYTES)?;
                }
            }
            ClientMessage::Join { name, perspective } => {
                if let Some(n) = name {
                    // Four bytes per character at most: the exact count is the join's to check.
                    bounded("name", n, MAX_NAME_CHARS * 4)?;
                }
                if let Some(p) = perspective {
                    bounded("perspective", &p.0, MAX_ID_BYTES)?;
                }
            }
            ClientMessage::Answer { change, answer } => {
                bounded("change", &change.0, MAX_ID_BYTES)?;
                if let Some(a) = answer {
                    bounded("rationale", a.rationale(), MAX_SHORT_TEXT * 4)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_the_spec_writes_them() {
        assert_eq!(
            parse(r#"{"type":"hello","token":"abc"}"#).unwrap(),
            ClientMessage::Hello {
                token: "abc".into(),
                secret: None
            }
        );
        let m = parse(
            r#"{"type":"answer","change":"c1","answer":{"kind":"placed","likelihood":2,"impact":3,"rationale":"why"}}"#,
        )
        .unwrap();
        assert!(matches!(
            m,
            ClientMessage::Answer {
                answer: Some(Answer::Placed { .. }),
                ..
            }
        ));
        assert!(matches!(
            parse(r#"{"type":"answer","change":"c1","answer":null}"#).unwrap(),
            ClientMessage::Answer { answer: None, .. }
        ));
    }

    #[test]
    fn unknown_fields_types_and_long_fields_are_refused() {
        for bad in [
            r#"{"type":"reveal"}"#,
            r#"{"type":"set_phase","phase":"revealed"}"#,
            r#"{"type":"hello","token":"a","extra":1}"#,
            r#"{"type":"join","name":"x","perspective":"dev","participant":"p2"}"#,
            r#"{"type":"answer","change":"c1","participant":"p2","answer":null}"#,
            "not json",
        ] {
            assert_eq!(parse(bad).unwrap_err().0, RoomErrorCode::Malformed, "{bad}");
        }
        let long = format!(r#"{{"type":"hello","token":"{}"}}"#, "a".repeat(65));
        assert_eq!(parse(&long).unwrap_err().0, RoomErrorCode::Malformed);
        let huge = format!(r#"{{"type":"hello","token":"{}"}}"#, "a".repeat(5000));
        assert_eq!(parse(&huge).unwrap_err().0, RoomErrorCode::TooLarge);
    }

    #[test]
    fn server_messages_are_tagged_snake_case() {
        let e = ServerMessage::error(RoomErrorCode::TooFast, "slow down");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"type":"error","code":"too_fast","message":"slow down"}"#
        );
        let c = ServerMessage::Closed {
            reason: CloseReason::RoomClosed,
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"type":"closed","reason":"room_closed"}"#
        );
    }
}
