//! The facilitator's room commands (IPC only, each granted by name in tauri.conf.json): list the
//! networks, open the room for a round, read its status, close the round, close the room. Thin:
//! they parse and call the room; the network can reach none of them.

use std::net::IpAddr;

use tauri::{AppHandle, Runtime};

use super::interfaces::{self, NetworkChoice};
use super::workshop::Round;
use super::RoomStatus;
use crate::error::{CommandError, ErrorCode};

/// This machine's addresses the room can listen on, the default first.
#[tauri::command]
pub fn room_interfaces() -> Vec<NetworkChoice> {
    interfaces::list()
}

/// Opens the room on `address` (one of `room_interfaces`) and `port` (none or 0: any free port)
/// for `round`; an open room is closed first.
#[tauri::command]
pub async fn open_room<R: Runtime>(
    app: AppHandle<R>,
    address: String,
    port: Option<u16>,
    round: Round,
) -> Result<RoomStatus, CommandError> {
    let ip: IpAddr = address.trim().parse().map_err(|_| {
        CommandError::new(
            ErrorCode::BadRequest,
            format!("{address:?} is not a network address of this computer"),
        )
    })?;
    super::open(&app, ip, port.unwrap_or(0), round).await
}

#[tauri::command]
pub fn room_status<R: Runtime>(app: AppHandle<R>) -> RoomStatus {
    super::status(&app)
}

/// No more answers; participants stay connected for the reveal.
#[tauri::command]
pub fn close_round<R: Runtime>(app: AppHandle<R>) -> Result<RoomStatus, CommandError> {
    super::close_round(&app)
}

/// Stops the room's server and frees its port.
#[tauri::command]
pub async fn close_room<R: Runtime>(app: AppHandle<R>) -> Result<RoomStatus, CommandError> {
    super::close(&app).await;
    Ok(RoomStatus::default())
}
