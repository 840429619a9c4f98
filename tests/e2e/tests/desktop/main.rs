//! The end-to-end tests: the real desktop app in WebKitGTK under Xvfb, driven through
//! tauri-driver. One test binary, so the WebDriver client and the helpers are compiled and linked
//! once; run one test at a time (they share tauri-driver's port). `installed` is ignored unless
//! `make package-test` runs it against the installed package.

mod support;

mod first_day;
mod hours;
mod import;
mod installed;
mod plans;
mod recovery;
mod reminders;
mod review;
mod review_mode;
mod roster;
mod scale;
mod single_instance;
