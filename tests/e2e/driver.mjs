// Starts tauri-driver (which drives WebKitWebDriver, which starts the real Parallax binary) and
// opens WebDriver sessions on it. Needs a display: run under xvfb-run (`make test` does).
// The app is started with PARALLAX_TEST_DIALOG_DIR, the documented test-only override that
// answers Save and Open inside a temporary folder instead of showing a native dialog.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);
export const APP =
  process.env.PARALLAX_BIN ?? path.join(root, "target/debug/parallax");
const DRIVER =
  process.env.TAURI_DRIVER ??
  [
    path.join(os.homedir(), ".cargo/bin/tauri-driver"),
    "/usr/local/bin/tauri-driver",
  ].find((p) => existsSync(p)) ??
  "tauri-driver";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port, child, ms = 20000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () => {
        sock.end();
        resolve(true);
      });
      sock.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on port ${port}`);
}

/** Starts tauri-driver with the app's environment; returns a function that opens sessions. */
export async function startDriver(env) {
  if (!existsSync(APP))
    throw new Error(`no app binary at ${APP}: build it first (make test does)`);
  const port = await freePort();
  const nativePort = await freePort();
  // A data folder of its own, so recovery copies and logs of other runs never meet the test.
  const home = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-data-"));
  const child = spawn(
    DRIVER,
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      env: {
        ...process.env,
        XDG_DATA_HOME: path.join(home, "data"),
        XDG_CONFIG_HOME: path.join(home, "config"),
        XDG_CACHE_HOME: path.join(home, "cache"),
        ...env,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  await waitForPort(port, child);
  return {
    async session(args = []) {
      return remote({
        hostname: "127.0.0.1",
        port,
        logLevel: "error",
        connectionRetryCount: 0,
        capabilities: {
          "wdio:enforceWebDriverClassic": true,
          "tauri:options": { application: APP, args },
        },
      });
    },
    stop() {
      child.kill();
    },
  };
}

/** Presses with real pointer moves from the centre of one element to the centre of another. */
export async function drag(browser, from, to) {
  const centre = async (el) => {
    const r = await browser.execute((e) => {
      const b = e.getBoundingClientRect();
      return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
    }, el);
    return { x: Math.round(r.x), y: Math.round(r.y) };
  };
  const a = await centre(from);
  const b = await centre(to);
  await browser.performActions([
    {
      type: "pointer",
      id: "mouse",
      parameters: { pointerType: "mouse" },
      actions: [
        {
          type: "pointerMove",
          origin: "viewport",
          x: a.x,
          y: a.y,
          duration: 0,
        },
        { type: "pointerDown", button: 0 },
        {
          type: "pointerMove",
          origin: "viewport",
          x: a.x + 20,
          y: a.y + 5,
          duration: 100,
        },
        {
          type: "pointerMove",
          origin: "viewport",
          x: Math.round((a.x + b.x) / 2),
          y: Math.round((a.y + b.y) / 2),
          duration: 150,
        },
        {
          type: "pointerMove",
          origin: "viewport",
          x: b.x,
          y: b.y,
          duration: 150,
        },
        { type: "pointerUp", button: 0 },
      ],
    },
  ]);
  await browser.releaseActions();
}

/** A card whose accessible text starts with `title`, for one perspective (by id). */
export function cardSelector(changeTitle, perspectiveId) {
  const t = changeTitle.replace(/"/g, '\\"');
  return `//div[@role="button"][@data-card and substring-after(@data-card, ":")="${perspectiveId}"][starts-with(normalize-space(.), "${t}")]`;
}

export function cellSelector(likelihood, impact) {
  return `[role="gridcell"][data-likelihood="${likelihood}"][data-impact="${impact}"]`;
}

/** The window opens on the start screen: chooses the sample there and waits for its matrix. */
export async function openSample(browser, timeout = 20000) {
  const sample = await browser.$("//button[contains(., 'Sample workshop')]");
  await sample.waitForExist({
    timeout,
    timeoutMsg: "the start screen did not appear",
  });
  await sample.click();
  await (await browser.$('[role="grid"]')).waitForExist({ timeout });
}

/** Starts `Xvfb -displayfd 3` on a 1280×720 screen; resolves with its display, e.g. ":5". */
export function startScreen() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "Xvfb",
      ["-displayfd", "3", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
      { stdio: ["ignore", "ignore", "ignore", "pipe"] },
    );
    let out = "";
    child.on("error", reject);
    child.stdio[3].on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve({ child, display: `:${out.trim()}` });
    });
    child.on("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
}

/** Saves what X shows on `display` (ImageMagick's `import`, when it is installed), else what
 * WebDriver shows. WebKitWebDriver's own screenshot can lag behind the screen after a modal
 * <dialog> closed; the X server's picture is what a person sees. For SHOT_DIR pictures only. */
export async function screenshot(browser, display, file) {
  try {
    execFileSync("import", ["-display", display, "-window", "root", file], {
      stdio: "ignore",
    });
  } catch {
    await browser.saveScreenshot(file);
  }
}
