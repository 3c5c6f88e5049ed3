// A 1280×720 screen (a laptop mirrored to a projector): the window opens inside it, so the whole
// matrix, down to the impact axis, is in the room's sight. The test starts an X server of its own
// with that screen size (Xvfb picks a free display number and reports it through -displayfd).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDriver, openSample, startScreen } from "./driver.mjs";

let xvfb;
let driver;
let browser;

before(async () => {
  const screen = await startScreen();
  xvfb = screen.child;
  const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-small-"));
  driver = await startDriver({
    PARALLAX_TEST_DIALOG_DIR: dir,
    DISPLAY: screen.display,
  });
  browser = await driver.session();
  await openSample(browser, 30000);
});
after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.stop();
  xvfb?.kill();
});

test("on a 1280×720 screen the window and the whole matrix are on screen", async () => {
  const grid = await browser.$('[role="grid"]');
  await grid.waitForExist({ timeout: 30000 });
  const rect = await browser.getWindowRect();
  assert.ok(rect.x >= 0 && rect.y >= 0, `window at ${rect.x},${rect.y}`);
  assert.ok(
    rect.x + rect.width <= 1280 && rect.y + rect.height <= 720,
    `window ${rect.width}×${rect.height} at ${rect.x},${rect.y} is larger than the screen`,
  );
  // The impact axis (its level buttons and title) is the lowest part of the board.
  const bottoms = await browser.execute(() => {
    const axis = [...document.querySelectorAll(".x-labels button, .x-title")];
    return {
      viewport: window.innerHeight,
      grid: document.querySelector('[role="grid"]').getBoundingClientRect()
        .bottom,
      labels: Math.max(...axis.map((l) => l.getBoundingClientRect().bottom)),
      count: axis.length,
    };
  });
  assert.ok(bottoms.viewport <= 720, `web view ${bottoms.viewport} px high`);
  assert.ok(bottoms.count > 1, "the impact axis is drawn");
  assert.ok(
    bottoms.grid <= bottoms.viewport && bottoms.labels <= bottoms.viewport,
    `matrix ends at ${bottoms.grid} px, its labels at ${bottoms.labels} px, in ${bottoms.viewport} px`,
  );
});
