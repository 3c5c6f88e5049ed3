# Parallax: `make run` starts the app, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := run
export PATH := $(HOME)/.cargo/bin:$(PATH)

# The Tauri CLI must not guess where the UI lives (tests/e2e has a package.json too).
TAURI := TAURI_FRONTEND_PATH=$(CURDIR)/ui TAURI_APP_PATH=$(CURDIR) ui/node_modules/.bin/tauri
XVFB := xvfb-run -a -s "-screen 0 1920x1080x24"
BIN := target/debug/parallax

.PHONY: setup ui app run dev test lint test-rust test-ui test-e2e bindings bundle clean

setup:
	@bash scripts/setup.sh

# The UI must be built before the app crate compiles: the binary embeds ui/dist.
ui: setup
	npm --prefix ui run build

app: ui
	cargo build

run: app
	./$(BIN)

# Hot reload: Vite serves the UI and the app loads it from there.
dev: setup
	$(TAURI) dev --config '{"build":{"devUrl":"http://localhost:5173","beforeDevCommand":"npm run dev"}}'

test: lint test-rust test-ui test-e2e
	@echo "make test: all suites passed"

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	npm --prefix ui run check
	npm --prefix ui run format:check

# PARALLAX_PPTX_CHECK=1: every exported deck is also opened by python-pptx and LibreOffice.
test-rust: ui
	PARALLAX_PPTX_CHECK=1 cargo test --workspace

# The participant page's browser tests talk to the real room (examples/room_server.rs) on 127.0.0.1.
test-ui: ui
	cargo build --example room_server
	npm --prefix ui run test:unit
	npm --prefix ui run test:browser

# The end-to-end tests drive a build whose dialogs answer from PARALLAX_TEST_* variables; no other
# build reads them (the next `make run` builds the app without them again).
test-e2e: ui
	cargo build --features test-overrides
	cd tests/e2e && $(XVFB) npm test

# Writes the TypeScript types generated from the Rust types (commit the result).
bindings: ui
	UPDATE_BINDINGS=1 cargo test --test bindings

# A Debian package with the app, its icon, a desktop entry, the MIME type, and the command line
# with its man pages, in target/release/bundle/deb, compressed with xz (scripts/repack-deb.sh). tauri.conf.json (bundle.linux.deb.files)
# takes parallax-cli and the man pages from target/, so they are built first; the man pages come
# from the CLI's own clap definition (its man_pages test writes them), never at run time.
bundle: setup
	cargo build --release -p parallax-cli
	rm -rf target/man
	PARALLAX_MAN_DIR=$(CURDIR)/target/man cargo test --quiet -p parallax-cli --bin parallax-cli man_pages
	gzip -9n target/man/*.1
	$(TAURI) build --bundles deb
	bash scripts/repack-deb.sh target/release/bundle/deb/*.deb
	@! grep -q PARALLAX_TEST_ target/release/parallax || { echo "the release binary reads test variables" >&2; exit 1; }
	bash scripts/check-deb.sh target/release/bundle/deb/*.deb

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules .venv-check
