use thiserror::Error;

/// One problem in one row of an input file, reported together with all the others.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct RowError {
    /// Line in the file, header = 1.
    pub line: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "第{}行：{}", self.line, self.message)
        } else {
            write!(f, "第{}行，{}：{}", self.line, self.column, self.message)
        }
    }
}

/// How long a writer waits for another process (the desktop app, the CLI) to finish writing; the
/// busy message says it.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A code in the ledger that is not on its list: an outside edit, or a newer program's value that
/// this one cannot read. Reading stops with this message instead of guessing.
#[derive(Debug, thiserror::Error)]
#[error("台账中的{kind}“{code}”无法识别（台账文件可能被其他程序改动过）")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("数据库错误：{0}")]
    Db(rusqlite::Error),
    #[error("台账正被另一个程序（桌面应用或命令行）写入，等待{seconds}秒仍未完成；本次操作没有做任何修改，请稍后再试")]
    Busy { seconds: u64 },
    #[error("台账文件由更新版本的程序创建（数据版本 {found}，本程序支持到 {supported}），为避免损坏未做任何修改，请升级程序后再打开")]
    NewerSchema { found: i64, supported: i64 },
    #[error("无法打开台账文件 {path}：{reason}")]
    Open { path: String, reason: String },
    #[error("读取文件 {path} 失败：{reason}")]
    Io { path: String, reason: String },
    #[error("无法写入文件 {path}：{reason}")]
    Write { path: String, reason: String },
    #[error("{file}有{n}处错误，未导入任何数据：\n{list}", n = .errors.len(), list = .errors.iter().map(|e| format!("{}：{e}", .file)).collect::<Vec<_>>().join("\n"))]
    Rows { file: String, errors: Vec<RowError> },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}不存在")]
    NotFound(String),
    #[error("已取消，台账没有任何改动")]
    Cancelled,
    /// An encrypted ledger whose key this machine does not have: the window asks for the
    /// recovery code.
    #[error("{0}")]
    Locked(String),
    /// A file that is not the ledger the key store expects at its place, or whose structure is
    /// not the program's own.
    #[error("{0}")]
    Refused(String),
}

impl From<rusqlite::Error> for Error {
    /// A lock held past the busy timeout becomes a message an officer can act on. SQLITE_PROTOCOL
    /// is the same wait run out for a reader of a WAL ledger whose index another program is
    /// rebuilding (it retries about ten seconds, then gives up with that code: seen under Wine).
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(
                rusqlite::ErrorCode::DatabaseBusy
                | rusqlite::ErrorCode::DatabaseLocked
                | rusqlite::ErrorCode::FileLockingProtocolFailed,
            ) => Error::Busy {
                seconds: BUSY_TIMEOUT.as_secs(),
            },
            _ => match &e {
                rusqlite::Error::FromSqlConversionFailure(_, _, inner)
                    if inner.is::<UnknownCode>() =>
                {
                    Error::Invalid(inner.to_string())
                }
                _ => Error::Db(e),
            },
        }
    }
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// What kind of error this is, for a program to branch on (the window offers 重试 on `busy`
    /// and lists `rows` as a table); the message is for the officer.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Db(_) => "db",
            Error::Busy { .. } => "busy",
            Error::NewerSchema { .. } | Error::Open { .. } => "open",
            Error::Io { .. } | Error::Write { .. } => "io",
            Error::Rows { .. } => "rows",
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Cancelled => "cancelled",
            Error::Locked(_) => "locked",
            Error::Refused(_) => "refused",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
