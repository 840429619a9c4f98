# The entry points: `make run`, `make test`, `make package` (the .deb), `make bench`, `make fuzz`.
# Each installs what a fresh Debian/Ubuntu machine is missing before it builds.
SHELL := /bin/bash
.DEFAULT_GOAL := run

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_RUN := build-essential pkg-config file curl xauth libwebkit2gtk-4.1-dev libxdo-dev fonts-noto-cjk \
           libssl-dev librsvg2-dev libayatana-appindicator3-dev
APT_TEST := xvfb webkit2gtk-driver poppler-utils imagemagick dbus-daemon gnome-keyring
TAURI_DRIVER_VERSION := 2.1.0
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test lint lint-tools bindings bench fuzz fuzz-short deps-run deps-test deps-fuzz ui ui-deps desktop e2e package package-test package-test-deb package-windows package-test-windows

# Installs only the packages dpkg does not already have.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps-run:
	$(call apt_install,$(APT_RUN))
	@command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	@command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs"; exit 1; }

# tauri-driver only relays WebDriver calls: a debug build is quick to compile and fast enough.
deps-test: deps-run
	$(call apt_install,$(APT_TEST))
	@tauri-driver --help >/dev/null 2>&1 || cargo install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked --debug

ui-deps:
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  cd ui && npm ci --no-fund --no-audit; fi

# Rebuilt only when a source changed: a new ui/dist makes the desktop crate compile again.
UI_SOURCES := $(shell find ui/src ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts ui/tsconfig.json -type f 2>/dev/null)
ui: ui-deps ui/dist/index.html
ui/dist/index.html: $(UI_SOURCES)
	cd ui && npm run build

desktop: ui
	cargo build -p ce-ledger-desktop --bin ce-ledger-desktop

run: deps-run desktop
	cargo run -p ce-ledger-desktop --bin ce-ledger-desktop

# Every Rust test in one cargo selection: the same packages build each shared crate once (another
# selection unifies features differently and compiles tauri, tokio and the rest again), and the
# desktop binary the end-to-end tests drive comes out of it too (src-tauri/tests). Clippy runs as the
# compiler of our own crates in that same build (RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` does), so
# linting costs no second build of the dependencies; CLIPPY_ARGS is how cargo-clippy passes -D warnings.
# All of it runs under Xvfb with a session bus of its own, as a desktop has (the single-instance
# handover uses D-Bus); one test at a time, because the end-to-end tests share tauri-driver's port.
TEST_CRATES := -p ce-ledger-core -p ce-ledger-cli -p ce-ledger-desktop -p ce-ledger-e2e
LINTED := RUSTC_WORKSPACE_WRAPPER="$$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)" \
          CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
# Audit keys of the test ledgers go to a folder of their own, never the developer's keyring.
RUN_TESTS := NO_AT_BRIDGE=1 CE_LEDGER_KEY_DIR=$(CURDIR)/target/test-keys $(LINTED) timeout 1800 \
             dbus-run-session -- $(XVFB) cargo test $(TEST_CRATES)

test: deps-test ui lint-tools
	cargo fmt --all -- --check
	cd ui && npm test
	$(LINTED) cargo test $(TEST_CRATES) --all-targets --no-run
	$(RUN_TESTS) -- --test-threads=1

lint-tools:
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# Format and lints on their own (rustfmt.toml, [workspace.lints]); warnings fail. `make test` does
# the same through its build; this one also covers the fuzz-free rest of the workspace.
lint: ui lint-tools
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# Only the end-to-end tests (same cargo invocation as `make test`, so nothing is rebuilt).
E2E_TESTS := --test desktop
e2e: deps-test ui
	$(LINTED) cargo test $(TEST_CRATES) --all-targets --no-run # the desktop binary the tests drive
	$(RUN_TESTS) $(E2E_TESTS) -- --test-threads=1

# The .deb officers install: release binaries (LTO), the font once under /usr/share/ce-ledger,
# bundled by Tauri's bundler (the npm @tauri-apps/cli, offline), then checked.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
DEB := target/release/bundle/deb/ce-ledger_$(VERSION)_amd64.deb
PACKAGE_FEATURES := ce-ledger-desktop/custom-protocol,ce-ledger-desktop/shared-font,ce-ledger-cli/shared-font

package: deps-run ui
	$(call apt_install,binutils python3 lintian)
	cargo build --release -p ce-ledger-desktop -p ce-ledger-cli --features $(PACKAGE_FEATURES)
	src-tauri/packaging/make-changelog $(VERSION) target/package/changelog.gz
	rm -f $(DEB)
	cd src-tauri && ../ui/node_modules/.bin/tauri bundle --ci --bundles deb --features custom-protocol,shared-font
	# Tauri's bundler compresses with gzip; xz makes the same package a third smaller.
	rm -rf $(DEB).tree && dpkg-deb -R $(DEB) $(DEB).tree
	dpkg-deb --root-owner-group -Zxz -z9 -b $(DEB).tree $(DEB) >/dev/null && rm -rf $(DEB).tree
	tests/package/check-deb $(DEB) $(VERSION)
	@echo "package: $(CURDIR)/$(DEB)"

# Every package installed and used as on an officer's machine: the .deb here with dpkg, the
# Windows installer under Wine, the arm64 .deb under QEMU.
package-test: package-test-deb package-test-windows package-test-arm64

# Installs the package (dpkg), upgrades over an older one, drives the installed app, removes it.
package-test-deb: deps-test package
	$(SUDO) NO_AT_BRIDGE=1 $(LINTED) CARGO_TEST_CRATES="$(TEST_CRATES)" timeout 1800 \
	  dbus-run-session -- $(XVFB) tests/package/install-test $(DEB)

# The Windows installer (per user, no administrator rights), cross-built here with mingw and
# packed with Debian's makensis (src-tauri/packaging/windows): ce-ledger_<version>_x64-setup.exe.
WIN_TARGET := x86_64-pc-windows-gnu
WIN_RELEASE := target/windows/$(WIN_TARGET)/release
WIN_SETUP := target/windows/ce-ledger_$(VERSION)_x64-setup.exe
package-windows: deps-run ui
	$(call apt_install,gcc-mingw-w64-x86-64 nsis)
	rustup target add $(WIN_TARGET)
	CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc CARGO_TARGET_DIR=$(CURDIR)/target/windows \
	  cargo build --release --target $(WIN_TARGET) -p ce-ledger-desktop -p ce-ledger-cli --features $(PACKAGE_FEATURES)
	src-tauri/packaging/windows/make-installer $(VERSION) $(WIN_RELEASE) $(WIN_SETUP)
	@echo "package: $(CURDIR)/$(WIN_SETUP)"

# Installs, upgrades, uses and uninstalls it under Wine (tests/package/windows/install-test).
package-test-windows: package-windows
	$(call apt_install,wine64 xvfb xdotool imagemagick fonts-noto-cjk poppler-utils python3 binutils)
	$(XVFB) tests/package/windows/install-test $(WIN_SETUP) target/windows/stage

# Issue 27: the .deb for ARM64 machines (UOS/Kylin on Kunpeng or Phytium), cross-built on this amd64
# machine. The linker and pkg-config read WebKitGTK and the rest from a Debian arm64 root made with
# debootstrap (tests/package/arm64/make-sysroot: multiarch -dev packages cannot be installed beside the
# host's); OpenSSL and SQLCipher are compiled from source with the cross gcc against the same root.
# Tauri's bundler lays the package out as for amd64 (the CLI's entry in `files` points at the arm64
# build instead), then it is repacked with xz and checked against the root's libraries and packages.
.PHONY: package-arm64 package-test-arm64
ARM64 := aarch64-unknown-linux-gnu
ARM64_ROOT := $(CURDIR)/target/arm64-sysroot
ARM64_BIN := $(CURDIR)/target/arm64/$(ARM64)/release
DEB_ARM64 := target/arm64/$(ARM64)/release/bundle/deb/ce-ledger_$(VERSION)_arm64.deb
ARM64_ENV := CARGO_TARGET_DIR=$(CURDIR)/target/arm64 \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=--sysroot=$(ARM64_ROOT)" \
  CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
  CFLAGS_aarch64_unknown_linux_gnu=--sysroot=$(ARM64_ROOT) \
  PKG_CONFIG_ALLOW_CROSS=1 PKG_CONFIG_SYSROOT_DIR=$(ARM64_ROOT) \
  PKG_CONFIG_LIBDIR=$(ARM64_ROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:$(ARM64_ROOT)/usr/share/pkgconfig

package-arm64: deps-run ui
	$(call apt_install,binutils binutils-aarch64-linux-gnu python3 lintian perl make)
	$(SUDO) tests/package/arm64/make-sysroot $(ARM64_ROOT)
	rustup target add $(ARM64)
	$(ARM64_ENV) cargo build --release --target $(ARM64) -p ce-ledger-desktop -p ce-ledger-cli --features $(PACKAGE_FEATURES)
	src-tauri/packaging/make-changelog $(VERSION) target/package/changelog.gz
	rm -f $(DEB_ARM64)
	cd src-tauri && $(ARM64_ENV) ../ui/node_modules/.bin/tauri bundle --ci --bundles deb --target $(ARM64) \
	  --features custom-protocol,shared-font \
	  --config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/ce-ledger":"$(ARM64_BIN)/ce-ledger"}}}}}'
	rm -rf $(DEB_ARM64).tree && dpkg-deb -R $(DEB_ARM64) $(DEB_ARM64).tree
	dpkg-deb --root-owner-group -Zxz -z9 -b $(DEB_ARM64).tree $(DEB_ARM64) >/dev/null && rm -rf $(DEB_ARM64).tree
	tests/package/check-deb $(DEB_ARM64) $(VERSION) arm64 $(ARM64_ROOT)
	@echo "package-arm64: $(CURDIR)/$(DEB_ARM64)"

# The arm64 package under QEMU user-mode, in a throwaway copy of that root: dpkg installs it, the
# installed CLI goes through the officer's contract (Chinese path with a space, GBK and .xlsx imports,
# review, exports, the form, backup and restore, audit verify), and the installed desktop program
# paints its dashboard on Xvfb (time to first paint; the screenshot is target/arm64-dashboard.png).
package-test-arm64: package-arm64
	$(call apt_install,xvfb xauth imagemagick poppler-utils file python3)
	@python3 -c 'import PIL' 2>/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-pil; }
	$(SUDO) timeout 2400 $(XVFB) tests/package/arm64/qemu-test $(DEB_ARM64)

# The TypeScript of the IPC types (ui/src/bindings.ts) from the Rust types; `make test` fails when the
# committed file is out of date.
bindings: deps-test ui-deps
	@# The desktop crate embeds ui/dist; the UI's type check itself waits for the new bindings.
	@test -f ui/dist/index.html || (cd ui && npx vite build)
	UPDATE_BINDINGS=1 cargo test -p ce-ledger-desktop bindings

bench: deps-test ui
	$(call apt_install,sqlite3 python3)
	CE_LEDGER_KEY_DIR=$(CURDIR)/target/bench-keys cargo bench -p ce-ledger-core
	cargo build --release -p ce-ledger-cli
	python3 src-tauri/core/benches/import_side_by_side.py target/release/ce-ledger
	@# The officer's clock: a first day through the real window (500-person roster, 1,495 department
	@# declarations as clerks write them), counted in actions and trips back to Excel.
	$(LINTED) cargo test $(TEST_CRATES) --all-targets --no-run
	$(RUN_TESTS) --test desktop first_day -- --test-threads=1
	@cat tests/e2e/artifacts/first-day-actions.txt
	@# 审核模式 on the 10,000-staff ledger, in the release build: key to painted certificate.
	cargo build --release -p ce-ledger-desktop --features custom-protocol
	CE_LEDGER_APP=$(CURDIR)/target/release/ce-ledger-desktop $(RUN_TESTS) --test desktop review_mode_on -- --ignored --test-threads=1
	@cat tests/e2e/artifacts/review-mode-timings.txt
	@# Issue 25's day, whole: a year of declarations reviewed in 审核模式, keys per record.
	$(RUN_TESTS) --test desktop a_year_reviewed -- --ignored --test-threads=1
	@cat tests/e2e/artifacts/year-reviewed.txt

# Fuzzing with cargo-fuzz (libFuzzer). RUSTC_BOOTSTRAP lets the one installed toolchain take the
# unstable flags cargo-fuzz passes, so no nightly is needed. Seeds and every crash ever found live in
# tests/corpus/fuzz/<target>/ (replayed by `cargo test`); what a run learns goes to target/fuzz-corpus.
FUZZ_TARGETS := csv_reader xlsx_reader record_validator id_number plan_checks
FUZZ_ENV := RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$(CURDIR)/target/fuzz
FUZZ_BUILD := --dev --sanitizer none

deps-fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked

define fuzz_each
	cd src-tauri/core && $(FUZZ_ENV) cargo fuzz build $(1)
	@set -o pipefail; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(CURDIR)/target/fuzz-corpus/$$t; \
	  echo "== fuzzing $$t for $(2) s"; \
	  (cd src-tauri/core && $(FUZZ_ENV) cargo fuzz run $(1) $$t \
	    $(CURDIR)/target/fuzz-corpus/$$t $(CURDIR)/tests/corpus/fuzz/$$t \
	    -- -max_total_time=$(2) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
	    | grep -aE '^#[0-9]+ +DONE|stat::number_of_executed_units|panicked|ERROR|SUMMARY|Test unit written') \
	  || { echo "fuzz target $$t failed: copy the input from src-tauri/core/fuzz/artifacts/$$t/ into tests/corpus/fuzz/$$t/ and fix"; exit 1; }; \
	done
endef

# Run by .ci/run after the tests: 30 s per target on a quick build.
fuzz-short: deps-fuzz
	$(call fuzz_each,$(FUZZ_BUILD),30)

# The long run, optimised and with AddressSanitizer: FUZZ_SECONDS per target (default 30 min).
FUZZ_SECONDS ?= 1800
fuzz: deps-run deps-fuzz
	$(call fuzz_each,--release --sanitizer address,$(FUZZ_SECONDS))
