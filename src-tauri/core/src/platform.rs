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

/// Room the window's frame takes beyond its inner size: the title bar and borders a desktop
/// draws (Windows 10/11, UOS and Kylin draw about 32–40 px of title bar).
const WINDOW_FRAME: (f64, f64) = (16.0, 48.0);

/// The window's inner size on a screen whose work area (without the taskbar) is `area`, in
/// logical pixels: the designed size, shrunk until the whole window, footer included, is in view.
/// 1366×768 and 1280×720 are the common office laptops.
pub fn window_size_for(designed: (f64, f64), area: (f64, f64)) -> (f64, f64) {
    let fit = |want: f64, room: f64, frame: f64| want.min(room - frame).max(0.0);
    (
        fit(designed.0, area.0, WINDOW_FRAME.0),
        fit(designed.1, area.1, WINDOW_FRAME.1),
    )
}

/// A command-line tool piped into `head` or `less` should stop quietly when the pipe closes,
/// as other Unix tools do, instead of panicking on a failed write. Windows has no SIGPIPE: there
/// the panic hook ends such a write quietly (`is_closed_pipe_failure`).
pub fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A Chinese Windows console (code page 936) would show the CLI's UTF-8 as mojibake: its output
/// code page is set to UTF-8 at start, which cmd.exe and PowerShell both honour. Elsewhere the
/// terminal already speaks UTF-8.
pub fn console_speaks_utf8() {
    #[cfg(windows)]
    // SAFETY: sets the calling process's console output code page; no pointers involved.
    unsafe {
        windows_sys::Win32::System::Console::SetConsoleOutputCP(65001);
    }
}

/// Why the desktop program cannot show its window here, in words an officer can act on: on
/// Windows, when the Microsoft Edge WebView2 runtime is not installed (Windows 10 before 21H2, a
/// stripped image). Tauri would show its own English dialog; this is checked first. `None`
/// elsewhere, and where the runtime is present.
pub fn missing_webview_runtime() -> Option<String> {
    #[cfg(windows)]
    {
        if !webview2_installed() {
            return Some(
                "无法打开学时台账：这台电脑缺少“Microsoft Edge WebView2 运行时”（Windows 11 和 Windows 10 21H2 以后的版本已自带）。\n\n\
                 请安装 Microsoft Edge WebView2 Runtime：可向单位信息中心索取离线安装包（“Evergreen Standalone Installer”），\
                 或在能上网的电脑上从 https://developer.microsoft.com/microsoft-edge/webview2/ 下载。安装后再打开学时台账。\n\n\
                 台账数据没有任何改动；命令行工具 ce-ledger 不需要它，仍可使用。"
                    .to_string(),
            );
        }
    }
    None
}

/// A string as the NUL-terminated UTF-16 the Windows API takes.
#[cfg(windows)]
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

/// Whether the WebView2 runtime is registered, as Microsoft documents the check: a version
/// (`pv`) other than empty or 0.0.0.0 under EdgeUpdate's client key, per machine or per user.
#[cfg(windows)]
fn webview2_installed() -> bool {
    use windows_sys::Win32::System::Registry::{
        RegGetValueW, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, RRF_RT_REG_SZ,
    };
    const CLIENT: &str = "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}";
    let places = [
        (
            HKEY_LOCAL_MACHINE,
            format!("SOFTWARE\\WOW6432Node\\Microsoft\\EdgeUpdate\\Clients\\{CLIENT}"),
        ),
        (
            HKEY_LOCAL_MACHINE,
            format!("SOFTWARE\\Microsoft\\EdgeUpdate\\Clients\\{CLIENT}"),
        ),
        (
            HKEY_CURRENT_USER,
            format!("Software\\Microsoft\\EdgeUpdate\\Clients\\{CLIENT}"),
        ),
    ];
    places.iter().any(|(root, key)| {
        let (key, value) = (wide(key), wide("pv"));
        let mut buffer = [0u16; 64];
        let mut size = (buffer.len() * 2) as u32;
        // SAFETY: the key and value names are NUL-terminated UTF-16; the buffer and its size in
        // bytes are ours and outlive the call.
        let status = unsafe {
            RegGetValueW(
                *root,
                key.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_SZ,
                std::ptr::null_mut(),
                buffer.as_mut_ptr().cast(),
                &mut size,
            )
        };
        let version = String::from_utf16_lossy(&buffer[..(size as usize / 2).saturating_sub(1)]);
        status == 0 && !version.is_empty() && version != "0.0.0.0"
    })
}

/// A message the program cannot go on without, shown before any window exists: a dialog box on
/// Windows (the desktop program has no console there), standard error elsewhere.
pub fn show_fatal_message(title: &str, message: &str) {
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};
        let (title, message) = (wide(title), wide(message));
        // SAFETY: both strings are NUL-terminated UTF-16 and outlive the call; no owner window.
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                message.as_ptr(),
                title.as_ptr(),
                MB_OK | MB_ICONERROR,
            );
        }
    }
    #[cfg(not(windows))]
    eprintln!("{title}：{message}");
}

/// Lets the calling thread run only when a core is otherwise idle (Linux `SCHED_IDLE`): the
/// start-up copy of a 200 MB ledger made the window's first page switch twice as slow on two
/// cores. Elsewhere it changes nothing. Returns whether the thread was lowered.
pub fn run_only_when_idle() -> bool {
    #[cfg(target_os = "linux")]
    // SAFETY: changes the scheduling policy of the calling thread only (pid 0); `param` lives
    // across the call.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) == 0
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Creates `dir` and any missing parents readable by the owner alone (0700 on Unix): the ledger,
/// its backups and its evidence hold every staff member's ID number.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    // A folder that already exists (the officer's 文档, an export's destination) is left as is.
    #[cfg(windows)]
    let existed = dir.is_dir();
    builder.create(dir)?;
    #[cfg(windows)]
    if !existed {
        owner_only_acl(dir)?;
    }
    Ok(())
}

/// Windows' 0700: the folder's ACL becomes one entry, full control for the current user,
/// inherited by everything made in it, and nothing inherited from its parent (a folder picked
/// under `C:\` or a shared drive would otherwise let every user of the PC read the ledger or key).
#[cfg(windows)]
fn owner_only_acl(dir: &Path) -> std::io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
    use windows_sys::Win32::Security::Authorization::{
        SetEntriesInAclW, SetNamedSecurityInfoW, EXPLICIT_ACCESS_W, NO_MULTIPLE_TRUSTEE,
        SET_ACCESS, SE_FILE_OBJECT, TRUSTEE_IS_SID, TRUSTEE_IS_USER, TRUSTEE_W,
    };
    use windows_sys::Win32::Security::{
        GetTokenInformation, TokenUser, ACL, DACL_SECURITY_INFORMATION,
        PROTECTED_DACL_SECURITY_INFORMATION, SUB_CONTAINERS_AND_OBJECTS_INHERIT, TOKEN_QUERY,
        TOKEN_USER,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};
    let failed = |code: u32| std::io::Error::from_raw_os_error(code as i32);
    // SAFETY: every pointer passed is ours and outlives its call: the token handle (closed
    // below), the TOKEN_USER buffer (u64-aligned, its size given), the entry whose SID points
    // into that buffer, the NUL-terminated wide path; the ACL the system allocates is freed.
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut buffer = [0u64; 64];
        let mut needed = 0u32;
        let got = GetTokenInformation(
            token,
            TokenUser,
            buffer.as_mut_ptr().cast(),
            std::mem::size_of_val(&buffer) as u32,
            &mut needed,
        );
        CloseHandle(token);
        if got == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let user = &*(buffer.as_ptr() as *const TOKEN_USER);
        let entry = EXPLICIT_ACCESS_W {
            grfAccessPermissions: FILE_ALL_ACCESS,
            grfAccessMode: SET_ACCESS,
            grfInheritance: SUB_CONTAINERS_AND_OBJECTS_INHERIT,
            Trustee: TRUSTEE_W {
                pMultipleTrustee: std::ptr::null_mut(),
                MultipleTrusteeOperation: NO_MULTIPLE_TRUSTEE,
                TrusteeForm: TRUSTEE_IS_SID,
                TrusteeType: TRUSTEE_IS_USER,
                ptstrName: user.User.Sid.cast(),
            },
        };
        let mut acl: *mut ACL = std::ptr::null_mut();
        let status = SetEntriesInAclW(1, &entry, std::ptr::null(), &mut acl);
        if status != 0 {
            return Err(failed(status));
        }
        let path: Vec<u16> = dir.as_os_str().encode_wide().chain(Some(0)).collect();
        let status = SetNamedSecurityInfoW(
            path.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            acl,
            std::ptr::null(),
        );
        LocalFree(acl.cast());
        if status != 0 {
            return Err(failed(status));
        }
    }
    Ok(())
}

/// Narrows an existing file to its owner (0600; 0400 when `read_only`), or a folder to 0700.
/// A missing path is left alone. On Windows a folder gets an owner-only ACL; a file inherits its
/// folder's.
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
    #[cfg(windows)]
    if path.is_dir() {
        return owner_only_acl(path);
    }
    // Both ways: a stored certificate is read-only, and Windows refuses to rename a sealed copy
    // over it (encrypting a ledger from before) until the flag is cleared.
    #[cfg(not(unix))]
    match std::fs::metadata(path) {
        Ok(meta) if meta.permissions().readonly() != read_only => {
            let mut perms = meta.permissions();
            perms.set_readonly(read_only);
            std::fs::set_permissions(path, perms)?;
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
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
        if cfg!(windows) && is_closed_pipe_failure(&payload) {
            std::process::exit(0);
        }
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

/// Windows has no SIGPIPE: when the reader of a pipe goes away early (`| findstr`, `| more`),
/// `println!` panics with one of these errors. Such a panic ends the program quietly, as SIGPIPE
/// does on Unix.
fn is_closed_pipe_failure(payload: &str) -> bool {
    const CLOSED_PIPE: [&str; 3] = ["(os error 109)", "(os error 232)", "(os error 233)"];
    payload.starts_with("failed printing to std") && CLOSED_PIPE.iter().any(|e| payload.contains(e))
}

/// Names a folder for audit keys instead of the keyring and the config folder (a portable setup,
/// or tests that must not touch the user's keyring).
pub const KEY_DIR_ENV: &str = "CE_LEDGER_KEY_DIR";

/// The keyring service the audit keys are filed under, one entry per ledger id.
const KEYRING_SERVICE: &str = "cn.celedger.desktop";

/// Where a secret was found or put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretPlace {
    /// The desktop's keyring: Secret Service (GNOME Keyring, KWallet) on Linux, Credential
    /// Manager on Windows.
    Keyring,
    /// A file the owner alone can read (0600 in a 0700 folder).
    File(PathBuf),
}

impl std::fmt::Display for SecretPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Named as each desktop's officers know it.
            SecretPlace::Keyring if cfg!(windows) => {
                write!(f, "Windows 凭据管理器（{KEYRING_SERVICE}）")
            }
            SecretPlace::Keyring => write!(f, "系统密钥环（{KEYRING_SERVICE}）"),
            SecretPlace::File(p) => write!(f, "密钥文件 {}", p.display()),
        }
    }
}

fn explicit_key_dir() -> Option<PathBuf> {
    std::env::var_os(KEY_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// The folder of key files: `CE_LEDGER_KEY_DIR`, else the per-user config folder
/// (`~/.config/cn.celedger.desktop/keys` on Linux, `%APPDATA%` on Windows), never the data folder
/// the ledger lives in, so a copy of that folder carries no key.
pub fn key_dir() -> PathBuf {
    explicit_key_dir().unwrap_or_else(|| {
        dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(KEYRING_SERVICE)
            .join("keys")
    })
}

/// The keyring entry for `name`, unless keys are sent to a folder; `None` also when no keyring
/// answers (a desktop without one, a headless session).
fn keyring_entry(name: &str) -> Option<keyring::Entry> {
    if explicit_key_dir().is_some() {
        return None;
    }
    keyring::Entry::new(KEYRING_SERVICE, name).ok()
}

/// A ledger id as this program makes them: exactly 32 lowercase hex characters. Every name a key
/// file or keyring entry is found by passes this first, so no path is built from a file's text.
pub fn is_ledger_id(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn checked_name(name: &str) -> std::io::Result<&str> {
    if is_ledger_id(name) {
        Ok(name)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "台账编号格式无效（应为32位小写十六进制）",
        ))
    }
}

/// Reads the secret `name` (ASCII text) from the keyring, else from its key file.
pub fn read_secret(name: &str) -> std::io::Result<Option<(String, SecretPlace)>> {
    let name = checked_name(name)?;
    if let Some(entry) = keyring_entry(name) {
        if let Ok(secret) = entry.get_password() {
            return Ok(Some((secret, SecretPlace::Keyring)));
        }
    }
    let file = key_dir().join(format!("{name}.key"));
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok(Some((text.trim().to_string(), SecretPlace::File(file)))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Keeps the secret `name` in the keyring where one takes it, else in a new key file of the
/// owner's alone. An existing key file is never overwritten.
pub fn store_secret(name: &str, secret: &str) -> std::io::Result<SecretPlace> {
    let name = checked_name(name)?;
    if let Some(entry) = keyring_entry(name) {
        if entry.set_password(secret).is_ok()
            && entry.get_password().ok().as_deref() == Some(secret)
        {
            return Ok(SecretPlace::Keyring);
        }
    }
    let dir = key_dir();
    create_private_dir(&dir)?;
    let file = dir.join(format!("{name}.key"));
    let mut out = create_private_file(&file)?;
    std::io::Write::write_all(&mut out, format!("{secret}\n").as_bytes())?;
    out.sync_all()?;
    Ok(SecretPlace::File(file))
}

/// What the key store keeps of a ledger besides its key (where it was last opened, its latest
/// head): `<id>.ledger` in the key folder, replaced whole on each write.
fn note_file(name: &str) -> std::io::Result<PathBuf> {
    Ok(key_dir().join(format!("{}.ledger", checked_name(name)?)))
}

pub fn read_note(name: &str) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(note_file(name)?) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn write_note(name: &str, text: &str) -> std::io::Result<()> {
    let file = note_file(name)?;
    create_private_dir(&key_dir())?;
    let staged = file.with_extension(format!("ledger.{}.part", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    let mut out = create_private_file(&staged)?;
    std::io::Write::write_all(&mut out, text.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&staged, &file)
}

/// Every ledger id the key store has a note of.
pub fn noted_ids() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(key_dir()) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".ledger").map(str::to_string))
        .filter(|n| is_ledger_id(n))
        .collect();
    ids.sort();
    ids
}

/// The place a ledger file is remembered by: its absolute path with links resolved, so
/// `./ledger.sqlite3` and `/home/…/ledger.sqlite3` are one place.
pub fn place_of(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let resolved = match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(absolute.clone()),
        _ => absolute,
    };
    resolved.to_string_lossy().into_owned()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_background_thread_is_lowered_to_idle_and_the_caller_is_not() {
        let lowered = std::thread::spawn(|| {
            let done = super::run_only_when_idle();
            // SAFETY: reads the calling thread's policy.
            (done, unsafe { libc::sched_getscheduler(0) })
        })
        .join()
        .unwrap();
        assert_eq!(lowered, (true, libc::SCHED_IDLE));
        // SAFETY: as above, on the test's own thread.
        assert_ne!(unsafe { libc::sched_getscheduler(0) }, libc::SCHED_IDLE);
    }
}

#[cfg(test)]
mod id_tests {
    /// A key is never looked up by a name that could be a path.
    #[test]
    fn only_a_closed_pipe_ends_quietly() {
        assert!(super::is_closed_pipe_failure(
            "failed printing to stdout: Pipe not connected. (os error 233)"
        ));
        assert!(super::is_closed_pipe_failure(
            "failed printing to stdout: The pipe is being closed. (os error 232)"
        ));
        assert!(!super::is_closed_pipe_failure(
            "failed printing to stdout: Access is denied. (os error 5)"
        ));
        assert!(!super::is_closed_pipe_failure(
            "index out of bounds (os error 233)"
        ));
    }

    #[test]
    fn only_a_ledger_id_names_a_key() {
        assert!(super::is_ledger_id("0123456789abcdef0123456789abcdef"));
        for bad in [
            "",
            "../../../../tmp/evil",
            "/tmp/evil",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef/123456789abcdef",
        ] {
            assert!(!super::is_ledger_id(bad), "{bad}");
            assert!(super::read_secret(bad).is_err(), "{bad}");
            assert!(super::read_note(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod window_tests {
    use super::window_size_for;

    /// On the office laptops (taskbar 40 px) the whole window is in view; a large screen keeps the
    /// designed size.
    #[test]
    fn the_window_fits_the_common_office_screens() {
        let designed = (1240.0, 800.0);
        for (screen, taskbar) in [((1366.0, 768.0), 40.0), ((1280.0, 720.0), 40.0)] {
            let area = (screen.0, screen.1 - taskbar);
            let (w, h) = window_size_for(designed, area);
            assert!(
                w + 16.0 <= area.0 && h + 48.0 <= area.1,
                "{screen:?}: {w}×{h}"
            );
            assert!(h >= 600.0, "still a usable height on {screen:?}: {h}");
        }
        assert_eq!(window_size_for(designed, (1920.0, 1040.0)), designed);
    }
}
