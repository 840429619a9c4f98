//! Every assumption about the operating system, in one place behind `cfg`, so a port (the
//! Windows checklist in the README) changes this file and nothing else.

use std::path::{Path, PathBuf};

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

/// Creates `dir` and any missing parents readable by the owner alone (0700 on Unix): the ledger,
/// its backups and its evidence hold every staff member's ID number.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Narrows an existing file to its owner (0600; 0400 when `read_only`), or a folder to 0700.
/// A missing path is left alone. On Windows the per-user folders already carry owner-only ACLs.
pub fn restrict_to_owner(path: &Path, read_only: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = match (meta.is_dir(), read_only) {
            (true, _) => 0o700,
            (false, true) => 0o400,
            (false, false) => 0o600,
        };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    if read_only {
        let mut perms = std::fs::metadata(path)?.permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(path, perms)?;
    }
    Ok(())
}

/// Creates a new file for the owner alone (0600), failing if it exists.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A panic prints where it happened and its message with any ID number masked, never the raw
/// payload: a message may quote a cell of a file. The caller (CLI, desktop) keeps running or exits
/// as before; only the printing changes.
pub fn install_panic_hook(program: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "{program}：内部错误（{at}）：{}",
            crate::domain::idcard::mask_all(&payload)
        );
    }));
}
