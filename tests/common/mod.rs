//! What the shell's command tests share: the app on Tauri's mock runtime with its real
//! configuration, the test-only dialog answers, and a way to call a command as the UI does.
#![allow(dead_code)] // each test binary uses its own part of it

use std::path::Path;

use parallax_app::dialogs::{DialogOverride, Restore, Unsaved};
use parallax_app::state::AppState;
use parallax_app::{initial_session, with_parallax};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

pub struct Harness {
    _app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

impl Harness {
    pub fn new(dir: &Path, file: Option<std::path::PathBuf>) -> Harness {
        Harness::answering(dir, file, Unsaved::Discard)
    }

    pub fn answering(dir: &Path, file: Option<std::path::PathBuf>, unsaved: Unsaved) -> Harness {
        let (session, problem) = initial_session(file);
        assert_eq!(problem, None);
        let over = DialogOverride {
            dir: dir.to_path_buf(),
            unsaved,
            overwrite: false,
            restore: Restore::Saved,
        };
        Harness::with_override(session, over, None)
    }

    pub fn with_override(
        session: parallax_app::state::Session,
        over: DialogOverride,
        recovery: Option<&Path>,
    ) -> Harness {
        let state = AppState::new(session, Some(over));
        if let Some(dir) = recovery {
            state.recovery_dir.set(dir.to_path_buf()).unwrap();
        }
        Harness::with_state(state)
    }

    pub fn with_state(state: AppState) -> Harness {
        let app = with_parallax(mock_builder(), state)
            .build(tauri::generate_context!())
            .expect("the app builds on the mock runtime");
        let window = match app.get_webview_window("main") {
            Some(w) => w,
            None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("a mock window"),
        };
        let h = Harness { _app: app, window };
        // As the window does at start: it places for a perspective (Ops: most tests place for
        // it). While placing is blind, the view holds that perspective's placements only.
        let _ = h.call("set_viewer", json!({ "active": "ops" }));
        h
    }

    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        call_on(&self.window, cmd, args)
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The title the shell sets on the window (the mock window does not keep titles).
    /// Gives this window's app a data folder (the recent list, remembered mappings and
    /// template live there).
    pub fn with_data_dir(&self, dir: &Path) {
        self.window
            .state::<AppState>()
            .data_dir
            .set(dir.to_path_buf())
            .unwrap();
    }

    pub fn title(&self) -> String {
        self.window
            .state::<AppState>()
            .lock()
            .unwrap()
            .window_title()
    }
}

/// Calls a command on `window` (from any thread) as the UI would.
pub fn call_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// A company template to choose in the tests: a Parallax deck of the sample workshop is a
/// presentation with a title-only layout, written at `path`.
pub fn house_template(path: &Path) {
    use parallax_engine::export::{export_to_path, ChartSize, DeckOptions, ExportRequest};
    export_to_path(
        &parallax_engine::sample::workshop(),
        &ExportRequest::Deck(DeckOptions {
            size: ChartSize::HD,
            ..Default::default()
        }),
        path,
        &mut |_| {},
    )
    .unwrap();
}
