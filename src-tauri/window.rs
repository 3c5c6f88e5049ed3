//! Keeps the main window in step with the open session: its title (file name, unsaved marker,
//! read-only) and the view the UI draws. It decides nothing about a workshop and never reaches
//! up into the commands.

use tauri::{AppHandle, Manager, Runtime};

use crate::state::{AppState, Session, WorkshopView};

/// Keeps the window title in step with the document (name and unsaved marker).
pub fn retitle<R: Runtime>(app: &AppHandle<R>, session: &Session) {
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(&session.window_title()) {
            tracing::warn!("cannot set the window title: {e}");
        }
    }
}

/// The window title brought up to date, and the whole view for the UI, as the window's viewer
/// may see it.
pub fn show<R: Runtime>(app: &AppHandle<R>, session: &Session) -> WorkshopView {
    retitle(app, session);
    session.view(&app.state::<AppState>().viewer())
}
