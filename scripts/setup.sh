#!/usr/bin/env bash
# Installs what building and testing Parallax needs, and only what is missing:
# Debian packages, the npm packages of the UI and of the end-to-end tests, and tauri-driver.
# Safe to run again: each step checks first. Needs Rust (cargo), Node.js with npm, and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Building the Tauri app (WebKitGTK 4.1 and friends).
  libwebkit2gtk-4.1-dev build-essential pkg-config libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # Running the real window headless and driving it: Xvfb, xauth for xvfb-run, WebKitWebDriver;
  # a D-Bus session bus for the single-instance hand-over test.
  xvfb xauth webkit2gtk-driver dbus
  # Browser tests of the UI.
  chromium
  # Checking exported decks: LibreOffice converts them; python-pptx (in a venv) opens them.
  libreoffice-impress poppler-utils python3 python3-venv
)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

need_tool() {
  command -v "$1" >/dev/null 2>&1 || { echo "Parallax needs $1 ($2); please install it first." >&2; exit 1; }
}
need_tool cargo "the Rust toolchain, e.g. from rustup"
need_tool npm "Node.js 20 or newer with npm"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: install when node_modules is missing or older than the lock file.
# --ignore-scripts: no package may download a binary of its own (there is no network but the registries).
for dir in ui tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
done

# python-pptx, a stricter reader of .pptx files than LibreOffice, in a venv of the project's own.
if [ ! -x .venv-check/bin/python ] || [ scripts/requirements-pptx-check.txt -nt .venv-check/.installed ]; then
  say "installing python-pptx into .venv-check"
  python3 -m venv .venv-check
  .venv-check/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-pptx-check.txt
  touch .venv-check/.installed
fi

# tauri-driver bridges WebDriver to WebKitWebDriver for the end-to-end tests.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
