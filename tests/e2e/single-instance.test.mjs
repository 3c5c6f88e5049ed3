// Single instance: with Parallax running, `parallax FILE` hands the file to the running window
// and ends, instead of opening a second window on it. The hand-over goes over the D-Bus session
// bus (tauri-plugin-single-instance), so the test starts a bus of its own: CI has none.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { APP, startDriver, openSample } from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-single-"));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let bus;
let busAddress;
let driver;

/** A private session bus: `dbus-daemon --session` prints its address on the first line. */
function startBus() {
  return new Promise((resolve, reject) => {
    const child = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
      // Its complaints about fd limits and accessibility services are not the test's business.
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, address: line.trim() });
    });
    child.on("exit", (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
}

before(async () => {
  ({ child: bus, address: busAddress } = await startBus());
  driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir, DBUS_SESSION_BUS_ADDRESS: busAddress });
});
after(() => {
  driver?.stop();
  bus?.kill();
});

/** Runs a second `parallax FILE`; resolves with its exit code, or null if it is still running. */
function secondLaunch(file, ms) {
  return new Promise((resolve) => {
    const child = spawn(APP, [file], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress },
      stdio: "ignore",
    });
    const timer = setTimeout(() => {
      child.kill();
      resolve(null);
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test("a second launch with a file hands it to the running window and ends", async () => {
  const sample = JSON.parse(readFileSync(path.join(root, "ui/src/lib/backend/sample-workshop.json"), "utf8"));
  const file = path.join(dir, "handed-over.parallax");
  writeFileSync(
    file,
    JSON.stringify({
      format: "parallax-workshop",
      schema_version: 3,
      ...sample,
      title: "Handed over by a second launch",
    }),
  );

  const browser = await driver.session();
  try {
    await openSample(browser);
    assert.doesNotMatch(await browser.getTitle(), /handed-over/);

    // Without the hand-over the second process would open a window of its own and keep running.
    const code = await secondLaunch(file, 15000);
    assert.equal(code, 0, "the second launch ends (exit 0) once it has handed the file over");

    await browser.waitUntil(async () => /handed-over\.parallax/.test(await browser.getTitle()), {
      timeout: 10000,
      timeoutMsg: "the running window did not open the handed-over file",
    });
    const heading = await browser.execute(() => document.querySelector("h1")?.textContent ?? "");
    assert.match(heading, /Handed over by a second launch/);
  } finally {
    await browser.deleteSession();
  }
});
