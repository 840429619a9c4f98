# The only entry points: `make run`, `make test`, `make bench`.
# Each installs what a fresh Debian/Ubuntu machine is missing before it builds.
SHELL := /bin/bash
.DEFAULT_GOAL := run

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_RUN := build-essential pkg-config file curl xauth libwebkit2gtk-4.1-dev libxdo-dev \
           libssl-dev librsvg2-dev libayatana-appindicator3-dev
APT_TEST := xvfb webkit2gtk-driver poppler-utils imagemagick
TAURI_DRIVER_VERSION := 2.1.0
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test bench deps-run deps-test ui ui-deps desktop e2e

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

deps-test: deps-run
	$(call apt_install,$(APT_TEST))
	@tauri-driver --help >/dev/null 2>&1 || cargo install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked

ui-deps:
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  cd ui && npm ci --no-fund --no-audit; fi

ui: ui-deps
	cd ui && npm run build

desktop: ui
	cargo build -p ce-ledger-desktop --bin ce-ledger-desktop

run: deps-run desktop
	cargo run -p ce-ledger-desktop --bin ce-ledger-desktop

test: deps-test ui
	cargo test -p ce-ledger-core -p ce-ledger-cli
	cd ui && npm test
	$(MAKE) --no-print-directory e2e

e2e: desktop
	timeout 900 $(XVFB) cargo test -p ce-ledger-e2e -- --test-threads=1

bench: deps-run
	cargo bench -p ce-ledger-core
