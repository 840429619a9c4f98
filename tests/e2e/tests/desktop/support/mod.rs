//! Drives the real ce-ledger-desktop through tauri-driver and WebKitWebDriver.
#![allow(dead_code)]

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);
const DRIVER_PORT: u16 = 4444;

/// The built desktop binary, as an absolute path (a relative one makes WebKitWebDriver fail).
pub fn app_binary() -> PathBuf {
    let p = std::env::var_os("CE_LEDGER_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/ce-ledger-desktop")
        });
    let p = p.canonicalize().unwrap_or_else(|_| {
        panic!(
            "desktop binary not found at {} — run `make test`, which builds it",
            p.display()
        )
    });
    p
}

pub fn artifacts_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One running app: tauri-driver (which starts WebKitWebDriver, which starts the app) and a session.
pub struct App {
    driver: DriverGuard,
    pub client: Client,
    /// Everything tauri-driver, WebKitWebDriver and the app printed.
    log: PathBuf,
}

/// One log per test (the harness names each test's thread), appended to by each start.
fn log_path() -> PathBuf {
    let test = std::thread::current()
        .name()
        .unwrap_or("e2e")
        .replace("::", "-");
    artifacts_dir().join(format!("{test}.log"))
}

/// Stops tauri-driver with SIGTERM (never SIGKILL first: that leaves WebKitWebDriver on its port),
/// also when a test panics.
struct DriverGuard(Child);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.0.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
        // The next session needs the port free.
        while TcpStream::connect(("127.0.0.1", DRIVER_PORT)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Running copies of the app binary. One that is still shutting down holds the single-instance
/// name on D-Bus, and the next launch would hand over to it and exit (seen on CI).
fn running_apps() -> Vec<u32> {
    let binary = app_binary();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .collect()
}

/// How long the WebDriver session's close may take before the app is asked to end with SIGTERM.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// Waits for every earlier app to end, asking with SIGTERM once `grace` has passed.
fn wait_until_no_app_runs(grace: Duration) {
    let term_at = Instant::now() + grace;
    let deadline = term_at + WAIT / 2;
    let mut asked = false;
    loop {
        let left = running_apps();
        if left.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            panic!("the desktop app (pid {left:?}) did not end after its session closed");
        }
        if !asked && Instant::now() >= term_at {
            eprintln!(
                "desktop app {left:?} still running {grace:?} after its session closed: SIGTERM"
            );
            for pid in &left {
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
            asked = true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl App {
    pub async fn start(ledger: &Path) -> App {
        Self::start_with_keys(ledger, None).await
    }

    /// As on a computer whose key store is `keys` (None: the test run's own).
    pub async fn start_with_keys(ledger: &Path, keys: Option<&Path>) -> App {
        wait_until_no_app_runs(WAIT / 2);
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "DISPLAY is not set: run the end-to-end tests under Xvfb (`make test` does, via xvfb-run)"
        );
        let log = log_path();
        thread_local!(static LOG_STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
        let fresh = !LOG_STARTED.replace(true); // the first start of a test begins a new log
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(!fresh)
            .truncate(fresh)
            .open(&log)
            .unwrap();
        let mut command = Command::new("tauri-driver");
        if let Some(keys) = keys {
            command.env("CE_LEDGER_KEY_DIR", keys);
        }
        let driver = DriverGuard(
            command
                .args(["--port", &DRIVER_PORT.to_string()])
                .env("CE_LEDGER_DB", ledger)
                .env("RUST_BACKTRACE", "1")
                .stdout(log_file.try_clone().unwrap())
                .stderr(log_file)
                .spawn()
                .expect(
                    "tauri-driver is not installed — `make test` installs it with cargo install",
                ),
        );
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", DRIVER_PORT)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {DRIVER_PORT}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app_binary() }
        });
        // tauri-driver answers before the WebKitWebDriver it starts is listening; on a loaded
        // machine the first session request can find nobody there, so it is asked again.
        let mut attempts = 0;
        let client = loop {
            attempts += 1;
            let started = tokio::time::timeout(
                WAIT,
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.as_object().unwrap().clone())
                    .connect(&format!("http://127.0.0.1:{DRIVER_PORT}")),
            )
            .await
            .expect("WebDriver session did not start in time");
            match started {
                Ok(client) => break client,
                Err(e) if attempts < 3 => {
                    eprintln!("WebDriver session, attempt {attempts}: {e:?}; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => panic!("WebDriver session: {e:?}"),
            }
        };
        let app = App {
            driver,
            client,
            log,
        };
        app.wait_until_ready().await;
        app
    }

    /// Guards against the blank MiniBrowser trap: the page must be ours, with Tauri's IPC.
    async fn wait_until_ready(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let has_tauri = self
                .client
                .execute("return typeof window.__TAURI__ === 'object'", vec![])
                .await;
            let title = self.client.title().await.unwrap_or_default();
            if matches!(has_tauri, Ok(serde_json::Value::Bool(true))) && title.contains("学时台账")
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the app did not load: title {title:?}, __TAURI__ {has_tauri:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => {
                self.screenshot("failure.png").await;
                panic!("no element {css}: {e} (screen saved as artifacts/failure.png)")
            }
        }
    }

    /// Clicks `button` until `expected` is on the page: a click that lands while a drawer is
    /// still sliding in can miss, as it can for a person, who then clicks again.
    pub async fn open(&self, button: &str, expected: &str) {
        // A closed dialog stays in the DOM, hidden: wait for it to be rendered, not merely present.
        // A second click lands on the overlay of a dialog still animating in, which closes it (and
        // the drawer under it): click again only after a long wait, when the first surely missed.
        let deadline = Instant::now() + WAIT;
        loop {
            self.click(button).await;
            if self.visible_within(expected, Duration::from_secs(10)).await {
                return;
            }
            if Instant::now() > deadline {
                self.screenshot("failure.png").await;
                panic!("clicking {button} never showed {expected}");
            }
        }
    }

    /// Whether an element matching `css` is rendered within `limit`.
    async fn visible_within(&self, css: &str, limit: Duration) -> bool {
        let script = "return Array.from(document.querySelectorAll(arguments[0])).some(e => e.offsetParent !== null)";
        let deadline = Instant::now() + limit;
        loop {
            let shown = self.client.execute(script, vec![css.into()]).await;
            if matches!(shown, Ok(serde_json::Value::Bool(true))) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element stops moving: a click aimed at a button of a drawer still sliding
    /// in lands beside it, on the overlay, and closes the drawer.
    async fn settle(&self, css: &str) {
        // Scrolled fully into its scrolling pane first, as a person would: a pager half under the
        // window's footer is "not interactable" to WebDriver.
        let script = "const e = document.querySelector(arguments[0]);
            if (!e) return null;
            e.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            const r = e.getBoundingClientRect();
            return [r.x, r.y, r.width, r.height];";
        let mut last = None;
        for _ in 0..30 {
            let now = self.client.execute(script, vec![css.into()]).await.ok();
            if now.is_some() && now == last {
                return;
            }
            last = now;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks like a person; retries while the element is still animating in or covered.
    pub async fn click(&self, css: &str) {
        self.settle(css).await;
        let deadline = Instant::now() + WAIT;
        loop {
            match self.find(css).await.click().await {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => {
                    self.screenshot("failure.png").await;
                    panic!("click {css}: {e:?}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Types into the <input> inside an Element Plus field marked with data-testid.
    pub async fn type_into(&self, testid: &str, text: &str) {
        let input = self
            .find(&format!(
                "input[data-testid={testid}], [data-testid={testid}] input"
            ))
            .await;
        let current = input.prop("value").await.unwrap().unwrap_or_default();
        let backspaces: String = "\u{E003}".repeat(current.chars().count());
        input
            .send_keys(&format!("{backspaces}{text}"))
            .await
            .unwrap();
    }

    /// The rendered text of every element matching `css` (WebKitWebDriver's element-text call
    /// proved unreliable on table rows, so this reads innerText in the page).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        self.strings(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)",
            css,
        )
        .await
    }

    /// A key pressed and released as a person does, to whatever has the focus (the page).
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(keys)
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// The values of the inputs inside the elements matching `css` (innerText leaves them out).
    pub async fn input_values(&self, css: &str) -> Vec<String> {
        self.strings(
            "return Array.from(document.querySelectorAll(arguments[0] + ' input')).map(i => i.value)",
            css,
        )
        .await
    }

    /// The strings a script returns for `css`; none when it fails.
    async fn strings(&self, script: &str, css: &str) -> Vec<String> {
        let v = self
            .client
            .execute(script, vec![css.into()])
            .await
            .unwrap_or_default();
        serde_json::from_value(v).unwrap_or_default()
    }

    /// Waits until some element matching `css` shows `needle`, and returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let texts = self.texts(css).await;
            if let Some(t) = texts.iter().find(|t| t.contains(needle)) {
                return t.clone();
            }
            if Instant::now() > deadline {
                self.screenshot("failure.png").await;
                panic!("no {css} showed {needle:?}; the page has {texts:?} (screen saved as artifacts/failure.png)");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Clicks the visible element matching `css` whose text is exactly `text` (e.g. a teleported
    /// dropdown option), retrying until it appears.
    pub async fn click_text(&self, css: &str, text: &str) {
        if !self.click_text_within(css, text, WAIT).await {
            self.screenshot("failure.png").await;
            panic!("no visible {css} with text {text:?}");
        }
    }

    /// Tries `click_text` for up to `limit`; whether it clicked.
    async fn click_text_within(&self, css: &str, text: &str, limit: Duration) -> bool {
        let script = "const [css, text] = arguments;
            const el = Array.from(document.querySelectorAll(css))
              .find(e => e.innerText.trim() === text && e.offsetParent !== null);
            if (!el) return false;
            el.click();
            return true;";
        let deadline = Instant::now() + limit;
        loop {
            let clicked = self
                .client
                .execute(script, vec![css.into(), text.into()])
                .await;
            if matches!(clicked, Ok(serde_json::Value::Bool(true))) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Clicks the element with `text` among `css` until `expected` shows (e.g. a row opening a drawer).
    pub async fn open_text(&self, css: &str, text: &str, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.click_containing(css, text).await;
            if self.visible_within(expected, Duration::from_secs(10)).await {
                return;
            }
            if Instant::now() > deadline {
                self.screenshot("failure.png").await;
                panic!("clicking {css} {text:?} never showed {expected}");
            }
        }
    }

    /// Clicks the first visible element among `css` whose text contains `text`.
    pub async fn click_containing(&self, css: &str, text: &str) {
        let script = "const [css, text] = arguments;
            const el = Array.from(document.querySelectorAll(css))
              .find(e => e.innerText.includes(text) && e.offsetParent !== null);
            if (!el) return false;
            el.click();
            return true;";
        let clicked = self
            .client
            .execute(script, vec![css.into(), text.into()])
            .await;
        assert!(
            matches!(clicked, Ok(serde_json::Value::Bool(true))),
            "no visible {css} containing {text:?}"
        );
    }

    /// Types into an input found by CSS (for inputs without a test id, such as a message box).
    pub async fn type_into_css(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Waits until exactly `n` visible elements match `css`.
    pub async fn wait_until_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        loop {
            let texts = self.texts(css).await;
            if texts.len() == n {
                return;
            }
            if Instant::now() > deadline {
                self.screenshot("failure.png").await;
                panic!("expected {n} of {css}, found {}: {texts:?}", texts.len());
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Chooses an option of an Element Plus select marked with data-testid.
    /// 通过全部 on the review page, with every evidence item of `category` ticked in its checklist.
    pub async fn approve_all_ticking(&self, category: &str) {
        let checklist = format!("[data-testid=checklist-{category}]");
        self.open("[data-testid=rv-approve-all]", &checklist).await;
        // A click while the dialog still zooms in can be lost: tick until the category shows 已核对.
        self.open(
            &format!("{checklist} .head .el-button"),
            &format!("{checklist} .head .el-tag"),
        )
        .await;
        self.click("[data-testid=checklist-confirm]").await;
    }

    /// A click that lands while its dialog is still opening can leave the list shut (seen on CI),
    /// so the select is clicked again until the option shows.
    pub async fn choose(&self, testid: &str, option: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.click(&format!("[data-testid={testid}]")).await;
            let item = ".el-select-dropdown__item";
            if self
                .click_text_within(item, option, Duration::from_secs(3))
                .await
            {
                return;
            }
            if Instant::now() > deadline {
                self.screenshot("failure.png").await;
                panic!("select {testid} never offered {option:?}");
            }
        }
    }

    /// Opens the plan page, previews the appendix 2 form of the plan named `project` (drawn in
    /// the window by pdf.js), sees the draft become 已打印, and saves a screenshot.
    pub async fn preview_plan_form(&self, project: &str, shot: &str) {
        self.click("[data-testid=nav-plan]").await;
        self.wait_for_text(".plan-table .el-table__body tr", project)
            .await;
        self.click_text(".plan-table .el-button", "申报表").await;
        self.find("[data-testid=pdf-pages] canvas").await;
        self.wait_for_text(".plan-table .el-table__body tr", "已打印")
            .await;
        self.screenshot(shot).await;
    }

    pub async fn screenshot(&self, name: &str) {
        // Let the last change reach the frame.
        tokio::time::sleep(Duration::from_millis(400)).await;
        // The X screen as a user sees it (ImageMagick's `import`): WebDriver's own screenshot never
        // answers without accelerated compositing, the app's default.
        let shot = artifacts_dir().join(name);
        let taken = tokio::process::Command::new("import")
            .args(["-window", "root"])
            .arg(&shot)
            .status()
            .await
            .expect("ImageMagick's import (`make deps-test` installs it)");
        assert!(
            taken.success(),
            "import could not capture {}",
            shot.display()
        );
    }

    /// Ends the session, which closes the app, stops tauri-driver, and checks that nothing the
    /// programs printed carries an ID number.
    pub async fn stop(self) {
        let closed = tokio::time::timeout(CLOSE_WAIT, self.client.clone().close()).await;
        // Stopping tauri-driver before the app has ended orphans the app.
        wait_until_no_app_runs(match closed {
            Ok(_) => WAIT / 2,
            Err(_) => Duration::ZERO,
        });
        drop(self.driver);
        let printed = std::fs::read(&self.log).unwrap_or_default();
        let printed = String::from_utf8_lossy(&printed);
        assert!(
            printed.contains("CE Ledger "),
            "the app's own output did not reach {}: the ID check would prove nothing",
            self.log.display()
        );
        let leaks = ce_ledger_core::domain::idcard::find_id_like(&printed);
        assert!(
            leaks.is_empty(),
            "{} carries {} ID-number-shaped run(s), first at byte {}",
            self.log.display(),
            leaks.len(),
            leaks[0]
        );
    }
}

/// A valid GB 11643 number for the given birth date and sequence.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("370402{birth}{seq:03}");
    format!(
        "{body}{}",
        ce_ledger_core::domain::idcard::check_char(&body).unwrap()
    )
}
