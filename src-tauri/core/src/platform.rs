//! Every assumption about the operating system, in one place behind `cfg`, so a port (the
//! Windows checklist in the README) changes this file and nothing else.

use std::path::PathBuf;

/// The folder beside which an installed package keeps what its programs share:
/// `/usr/bin/ce-ledger` → `/usr/share/ce-ledger`. On Windows, the program's own folder.
pub fn shared_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?;
    if cfg!(windows) {
        Some(bin.to_path_buf())
    } else {
        Some(bin.parent()?.join("share").join("ce-ledger"))
    }
}

/// The per-user data folder the ledger lives in: `~/.local/share` on Linux (XDG), `%APPDATA%`
/// on Windows.
pub fn user_data_dir() -> Option<PathBuf> {
    dirs::data_dir()
}

/// A command-line tool piped into `head` or `less` should stop quietly when the pipe closes,
/// as other Unix tools do, instead of panicking on a failed write. Windows has no SIGPIPE.
pub fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
