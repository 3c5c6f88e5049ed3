//! The Parallax desktop shell: builds the Tauri app, registers plugins and commands, and decides
//! which workshop the window opens with (a file named on the command line, else the untouched sample behind the start screen).
//! It must never hold workshop logic: that is the engine's.

pub mod charts;
pub mod clock;
pub mod commands;
pub mod dialogs;
pub mod error;
pub mod export;
pub mod files;
pub mod importing;
pub mod keeper;
pub mod recent;
pub mod rendering;
pub mod room;
pub mod screen;
pub mod state;
pub mod trends;
pub mod window;

use std::path::PathBuf;

use parallax_engine::sample;
use std::sync::atomic::Ordering;

use tauri::{Manager, Runtime, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

use crate::state::{AppState, Session};

/// The first session: the file given on the command line, or the sample workshop, untouched
/// (nothing unsaved), behind the start screen. On a bad file the sample is there and the problem
/// is returned to be shown.
pub fn initial_session(file: Option<PathBuf>) -> (Session, Option<String>) {
    let sample = || files::untouched_session(sample::workshop());
    match file {
        None => (sample(), None),
        Some(path) => match files::open_session(path) {
            Ok(session) => (session, None),
            Err(e) => (sample(), Some(e.message)),
        },
    }
}

/// The first command-line argument that is not a flag, as a file to open.
fn file_from_args() -> Option<PathBuf> {
    std::env::args_os()
        .skip(1)
        .map(PathBuf::from)
        .find(|a| !a.to_string_lossy().starts_with('-'))
}

fn start_logging<R: Runtime>(app: &tauri::App<R>) {
    let Ok(dir) = app.path().app_log_dir() else {
        return;
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("parallax.log"))
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init();
}

/// The commands the UI may call; each is also granted by name in tauri.conf.json.
pub fn handlers<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::start,
        commands::get_workshop,
        commands::set_viewer,
        commands::apply_edit,
        commands::undo,
        commands::redo,
        commands::undo_steps,
        commands::redo_steps,
        commands::open_workshop,
        commands::save_workshop,
        commands::save_workshop_as,
        commands::set_fullscreen,
        commands::analyze,
        commands::reference_changes,
        charts::gap_map,
        trends::choose_trend_workshops,
        trends::trend,
        trends::export_trend,
        importing::preview_import,
        importing::apply_import,
        commands::recent_files,
        commands::open_recent,
        commands::new_workshop,
        commands::open_sample,
        export::export,
        export::export_template,
        export::choose_export_template,
        export::forget_export_template,
        room::commands::room_interfaces,
        room::commands::open_room,
        room::commands::room_status,
        room::commands::close_round,
        room::commands::close_room,
    ]
}

/// Everything the app registers, on any runtime (the real one, or the mock one in tests).
pub fn with_parallax<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(importing::PendingImport(Default::default()))
        .manage(trends::ChosenWorkshops::default())
        .manage(room::RoomState::<R>::default())
        .invoke_handler(handlers())
        .on_window_event(guard_close)
}

/// Closing the window with unsaved changes asks first (save, don't save, cancel); a closed
/// window lets go of its document's lock.
fn guard_close<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if let WindowEvent::Destroyed = event {
        // Nobody may place into a workshop whose window is gone.
        room::close_now(window.app_handle());
        // The window is gone: let another Parallax edit the document straight away.
        if let Ok(mut session) = window.state::<AppState>().lock() {
            session.lock = None;
        }
        return;
    }
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let state = window.state::<AppState>();
    if state.closing.load(Ordering::SeqCst) {
        return;
    }
    let dirty = state.lock().map(|s| s.doc.is_dirty()).unwrap_or(false);
    if !dirty {
        return;
    }
    api.prevent_close();
    // Keep the work now, before asking: if the machine goes down with the question open,
    // the next start still offers it.
    keeper::write_now(&state);
    let app = window.app_handle().clone();
    let window = window.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match files::settle_unsaved(&app, &state).await {
            Ok(true) => {
                state.closing.store(true, Ordering::SeqCst);
                // Release the document's lock before the process goes.
                if let Ok(mut session) = state.lock() {
                    session.lock = None;
                }
                if let Err(e) = window.destroy() {
                    tracing::error!("cannot close the window: {e}");
                }
            }
            Ok(false) => {}
            Err(e) => {
                tracing::error!("{}", e.message);
                app.dialog()
                    .message(format!("{}\n\nThe window stays open.", e.message))
                    .title("Cannot save the workshop")
                    .kind(MessageDialogKind::Error)
                    .show(|_| {});
            }
        }
    });
}

/// A second `parallax FILE` while Parallax runs: the running window comes forward and opens the
/// file (asking about unsaved changes first), and the second process ends.
fn open_from_second_instance<R: Runtime>(
    app: &tauri::AppHandle<R>,
    args: Vec<String>,
    cwd: String,
) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
    let Some(file) = args
        .into_iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(|a| std::path::Path::new(&cwd).join(a))
    else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match files::open_in_place(&app, &state, file).await {
            Ok(()) => {}
            Err(e) => {
                app.dialog()
                    .message(e.message)
                    .title("Cannot open the workshop")
                    .kind(MessageDialogKind::Error)
                    .show(|_| {});
            }
        }
    });
}

pub fn run() {
    // First: it changes the environment, which is only sound before any thread starts.
    let painting = rendering::configure();
    let dialog_override = dialogs::DialogOverride::from_env();
    // The file named on the command line is opened in `setup`, once the single-instance check
    // has run: a second launch must not lock the file it is about to hand over.
    let (session, _) = initial_session(None);
    let state = AppState::new(session, dialog_override);
    // First, so that a second launch hands its file over before anything else starts.
    let builder = tauri::Builder::default().plugin(tauri_plugin_single_instance::init(
        open_from_second_instance,
    ));
    with_parallax(builder, state)
        .setup(move |app| {
            start_logging(app);
            if let Some(window) = app.get_webview_window("main") {
                screen::fit(&window);
            }
            match app.path().app_data_dir() {
                Ok(dir) => {
                    let state = app.state::<AppState>();
                    let _ = state.recovery_dir.set(dir.join("recovery"));
                    let _ = state.data_dir.set(dir);
                }
                Err(e) => {
                    tracing::warn!("no data folder, so no recovery copies or recent files: {e}")
                }
            }
            tracing::info!(
                "Parallax {} started; web view painting: {painting:?}",
                env!("CARGO_PKG_VERSION")
            );
            let (session, problem) = initial_session(file_from_args());
            if let Ok(mut current) = app.state::<AppState>().lock() {
                *current = session;
            }
            app.state::<AppState>().remember_current();
            if let Some(problem) = problem {
                tracing::warn!("{problem}");
                app.dialog()
                    .message(format!(
                        "{problem}\n\nChoose another workshop on the start screen."
                    ))
                    .title("Cannot open the workshop")
                    .kind(MessageDialogKind::Error)
                    .show(|_| {});
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Parallax could not start: {e}");
            std::process::exit(1);
        });
}
