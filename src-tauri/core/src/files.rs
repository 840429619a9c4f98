//! Files the program writes appear whole or not at all: each is written to a hidden file beside
//! its target and renamed over it only when complete, so a crash or a full disk never leaves
//! half an export, a truncated PDF or a backup that is not one.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A file being written beside `target`; dropped unpublished, it disappears.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl Staged {
    pub fn beside(target: &Path) -> Result<Staged> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        crate::platform::create_private_dir(dir).map_err(|e| io_error(dir, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".ce-ledger-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| io_error(target, e))?;
        Ok(Staged {
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// Where the writer puts the content.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Flushes the content to disk and moves it onto the target in one rename.
    pub fn publish(self) -> Result<()> {
        // Through the staged file's own read-write handle: Windows refuses to flush a handle
        // opened for reading only (「Access denied. (os error 5)」, and no anchor was ever
        // written there), and a flush reaches the file whichever handle wrote it.
        let synced = self.tmp.as_file().sync_all();
        synced.map_err(|e| io_error(&self.target, e))?;
        self.tmp
            .persist(&self.target)
            .map_err(|e| io_error(&self.target, e.error))?;
        Ok(())
    }
}

/// A whole file read from disk, refused past `max_bytes` (a key file, an anchor, an export).
pub fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let label = display_name(&path.to_string_lossy());
    let io = |e: std::io::Error| Error::Io {
        path: label.clone(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // Sized by what the file says it holds (within the cap): a doubling buffer would hold twice a
    // 100 MB workbook at its last growth.
    let said = file.metadata().map_err(io)?.len().min(max_bytes + 1);
    let mut bytes = Vec::with_capacity(said as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Error::invalid(format!("{label} 太大，不是预期的文件")));
    }
    Ok(bytes)
}

/// Writes `target` through `write`, which receives the path to fill.
pub fn write_with(target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let staged = Staged::beside(target)?;
    write(staged.path())?;
    staged.publish()
}

pub fn write_bytes(target: &Path, bytes: &[u8]) -> Result<()> {
    write_with(target, |p| {
        std::fs::write(p, bytes).map_err(|e| io_error(target, e))
    })
}

/// Files handed to another program, such as the print preview opened in the PDF viewer: in a
/// folder of our own under the system's temporary folder (0700, random name), each file under a
/// random name (0600). Dropping it removes the folder and everything in it.
pub struct PrivateTempDir(tempfile::TempDir);

impl PrivateTempDir {
    pub fn new() -> Result<PrivateTempDir> {
        let dir = tempfile::Builder::new()
            .prefix("ce-ledger-")
            .tempdir()
            .map_err(|e| io_error(&std::env::temp_dir(), e))?;
        // Narrowed while still empty.
        crate::platform::restrict_to_owner(dir.path(), false)
            .map_err(|e| io_error(dir.path(), e))?;
        Ok(PrivateTempDir(dir))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes `bytes` to a new file named `<random><suffix>` and returns its path.
    pub fn write(&self, suffix: &str, bytes: &[u8]) -> Result<PathBuf> {
        let file = tempfile::Builder::new()
            .suffix(suffix)
            .tempfile_in(self.path())
            .map_err(|e| io_error(self.path(), e))?;
        std::fs::write(file.path(), bytes).map_err(|e| io_error(file.path(), e))?;
        let (_, path) = file.keep().map_err(|e| io_error(self.path(), e.error))?;
        Ok(path)
    }
}

/// The last component of a path as people see it: without folders or control characters, at
/// most 120 characters; empty when nothing printable is left (or it is `.`/`..`).
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(120)
        .collect();
    if name == "." || name == ".." {
        String::new()
    } else {
        name
    }
}

/// A path the window hands over for writing (from a save dialog, or from anyone who got hold of
/// the IPC): it must be absolute and end in one of `extensions`.
pub fn chosen_for_writing(path: &Path, extensions: &[&str]) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !path.is_absolute() || path.file_name().is_none() {
        return Err(Error::invalid("请在保存对话框中选择保存位置"));
    }
    if !extensions.contains(&ext.as_str()) {
        let wanted: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
        return Err(Error::invalid(format!(
            "文件须保存为 {}",
            wanted.join(" 或 ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_target_nor_scraps() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let failed = write_with(&target, |p| {
            std::fs::write(p, "half").unwrap();
            Err(Error::invalid("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_bytes(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(display_name("../../x"), "x");
        assert_eq!(display_name("C:\\扫描\\证书\u{7}\n.pdf"), "证书.pdf");
        assert_eq!(display_name(".."), "");
        assert_eq!(display_name("evil\u{1b}[31m.csv"), "evil[31m.csv");
    }

    #[test]
    fn paths_from_the_window_must_be_absolute_with_the_right_extension() {
        assert!(chosen_for_writing(Path::new("/home/a/导出.xlsx"), &["csv", "xlsx"]).is_ok());
        assert!(chosen_for_writing(Path::new("/home/a/导出.XLSX"), &["csv", "xlsx"]).is_ok());
        let relative = chosen_for_writing(Path::new("导出.xlsx"), &["xlsx"]).unwrap_err();
        assert!(relative.to_string().contains("保存位置"));
        let bashrc = chosen_for_writing(Path::new("/root/.bashrc"), &["csv", "xlsx"]).unwrap_err();
        assert!(bashrc.to_string().contains(".csv 或 .xlsx"), "{bashrc}");
        assert!(chosen_for_writing(Path::new("/home/a/ledger.sqlite3"), &["pdf"]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn private_temp_files_are_the_owners_and_go_with_their_folder() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let temp = PrivateTempDir::new().unwrap();
        let a = temp.write(".pdf", b"%PDF-1.7").unwrap();
        let b = temp.write(".pdf", b"%PDF-1.7").unwrap();
        assert_ne!(a, b, "random names");
        assert_eq!((mode(temp.path()), mode(&a)), (0o700, 0o600));
        let folder = temp.path().to_path_buf();
        drop(temp);
        assert!(!folder.exists() && !a.exists());
    }
}
