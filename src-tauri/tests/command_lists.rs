//! The command list is written in three places that Tauri reads separately: `build.rs` (the
//! app manifest), `generate_handler!` in `main.rs` and the capability file. A command missing
//! from one of them fails only at run time, so this test reads all three and compares.
//! (Its being an integration test also makes `cargo test` build the desktop binary that the
//! end-to-end tests drive, in the same cargo invocation as everything else.)

use std::collections::BTreeSet;
use std::path::Path;

fn source(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"))
        + start.len();
    let to = text[from..].find(end).unwrap() + from;
    &text[from..to]
}

fn manifest_commands() -> BTreeSet<String> {
    between(&source("build.rs"), "const COMMANDS: &[&str] = &[", "];")
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn handler_commands() -> BTreeSet<String> {
    between(&source("src/main.rs"), "generate_handler![", "]")
        .split(',')
        .map(|s| s.trim().trim_start_matches("commands::").to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn capability_commands() -> BTreeSet<String> {
    let cap: serde_json::Value =
        serde_json::from_str(&source("capabilities/default.json")).unwrap();
    cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

#[test]
fn manifest_handler_and_capability_name_the_same_commands() {
    let manifest = manifest_commands();
    assert!(manifest.len() > 40, "{manifest:?}");
    assert_eq!(
        handler_commands(),
        manifest,
        "generate_handler! vs build.rs"
    );
    assert_eq!(capability_commands(), manifest, "capability vs build.rs");
}

#[test]
fn every_listed_command_is_a_command_in_commands_rs() {
    let commands = source("src/commands.rs");
    for name in manifest_commands() {
        let defined = [format!("pub fn {name}("), format!("pub async fn {name}(")]
            .iter()
            .any(|d| commands.contains(d.as_str()));
        assert!(defined, "{name} is listed but not defined in commands.rs");
    }
}

/// The window calls commands by name in `ui/src/api.ts`: every name it calls is one the shell
/// grants, and every granted command is called (none left behind after a rename).
#[test]
fn the_window_calls_exactly_the_listed_commands() {
    let api = source("../ui/src/api.ts");
    let called: BTreeSet<String> = api
        .split("invoke")
        .skip(1)
        // `invoke<T>('name'` or `invoke('name'`; other mentions of the word are skipped.
        .filter(|rest| rest.starts_with('<') || rest.starts_with("('"))
        .filter_map(|rest| {
            let rest = rest.split_once("('")?.1;
            Some(rest.split_once('\'')?.0.to_string())
        })
        .collect();
    assert_eq!(called, manifest_commands(), "ui/src/api.ts vs build.rs");
}
