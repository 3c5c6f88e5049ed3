// Starts the Parallax window. Everything else lives in the library so tests can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    parallax_app::run();
}
