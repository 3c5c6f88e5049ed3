// Lists the app's own commands so that each must be granted by name in a capability
// (tauri.conf.json, app.security.capabilities); none is open to every window by default.
fn main() {
    let manifest = tauri_build::AppManifest::new().commands(parallax_commands());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri build step failed");
}

fn parallax_commands() -> &'static [&'static str] {
    &[
        "start",
        "get_workshop",
        "set_viewer",
        "apply_edit",
        "undo",
        "redo",
        "undo_steps",
        "redo_steps",
        "open_workshop",
        "save_workshop",
        "save_workshop_as",
        "set_fullscreen",
        "analyze",
        "reference_changes",
        "gap_map",
        "choose_trend_workshops",
        "trend",
        "export_trend",
        "preview_import",
        "apply_import",
        "recent_files",
        "open_recent",
        "new_workshop",
        "open_sample",
        "export",
        "export_template",
        "choose_export_template",
        "forget_export_template",
        "room_interfaces",
        "open_room",
        "room_status",
        "close_round",
        "close_room",
    ]
}
