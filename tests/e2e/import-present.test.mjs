// A facilitator's first minutes on a 1280×720 screen (a laptop mirrored to a projector), in the
// real window: the start screen → Import CSV… (a Jira export, "Labels" twice, no `title` column)
// → the preview maps Summary to the title → Import → place a card with the keyboard → Present.
// In Present the matrix is at least as large as outside it, and the whole of it is on screen.
// The test starts an X server of its own with that screen size.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  startDriver,
  startScreen,
  cellSelector,
  screenshot,
} from "./driver.mjs";

const JIRA = [
  "Summary,Issue key,Issue id,Issue Type,Status,Labels,Labels,Description",
  'Upgrade Kafka brokers to 3.7,OPS-101,10101,Story,To Do,kafka,platform,"Broker by broker, one per night"',
  "Rotate the payment gateway keys,SEC-202,10202,Change,To Do,security,,Yearly rotation",
  'Move session store to Redis cluster,PLAT-303,10303,Task,In Progress,redis,,"Sessions survive a node loss"',
].join("\r\n");

let xvfb;
let display;
let driver;
let browser;
const shots = process.env.SHOT_DIR;

before(async () => {
  const screen = await startScreen();
  xvfb = screen.child;
  display = screen.display;
  const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-import-"));
  writeFileSync(path.join(dir, "jira-export.csv"), JIRA);
  driver = await startDriver({
    PARALLAX_TEST_DIALOG_DIR: dir,
    DISPLAY: screen.display,
  });
  browser = await driver.session();
});
after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.stop();
  xvfb?.kill();
});

/** The matrix's area on screen and whether all of it is inside the window's view. */
async function matrixOnScreen() {
  return browser.execute(() => {
    const r = document.querySelector('[role="grid"]').getBoundingClientRect();
    return {
      area: Math.round(r.width * r.height),
      inside:
        r.top >= 0 &&
        r.left >= 0 &&
        r.bottom <= innerHeight &&
        r.right <= innerWidth,
    };
  });
}

test("start screen → Import CSV (a Jira export) → place → Present at 1280×720", async () => {
  const importButton = await browser.$("//button[contains(., 'Import CSV…')]");
  await importButton.waitForExist({
    timeout: 30000,
    timeoutMsg: "no start screen",
  });
  await importButton.click();

  const preview = await browser.$(
    "//dialog[.//h2[starts-with(normalize-space(.), 'Import')]]",
  );
  await preview.waitForExist({
    timeout: 10000,
    timeoutMsg: "no import preview",
  });
  const summaryRole = await browser.$(
    'select[aria-label="Role of column 1, Summary"]',
  );
  assert.equal(
    await summaryRole.getValue(),
    "title",
    "Summary becomes the title",
  );
  const text = await preview.getText();
  assert.match(text, /Upgrade Kafka brokers to 3\.7/);
  await (await preview.$("//button[normalize-space(.)='Import']")).click();

  const grid = await browser.$('[role="grid"]');
  await grid.waitForExist({
    timeout: 10000,
    timeoutMsg: "the imported workshop did not open",
  });
  const card = await browser.$(
    "//div[@role='button'][@data-card][starts-with(normalize-space(.), 'Rotate the payment gateway keys')]",
  );
  await card.waitForExist({
    timeout: 10000,
    timeoutMsg: "the imported change is not in the tray",
  });
  // Keyboard placement: Enter picks the card up in the middle (3, 3), up, right, Enter.
  await browser.execute((el) => el.focus(), card);
  await browser.keys(["Enter"]);
  await browser.keys(["ArrowUp"]);
  await browser.keys(["ArrowRight"]);
  await browser.keys(["Enter"]);
  const placed = await browser.$(`${cellSelector(4, 4)} [data-card]`);
  await placed.waitForExist({
    timeout: 10000,
    timeoutMsg: "the card did not land in (4, 4)",
  });

  const before = await matrixOnScreen();
  await (
    await browser.$("//header//button[normalize-space(.)='Present']")
  ).click();
  await (
    await browser.$("//button[normalize-space(.)='Exit presentation']")
  ).waitForExist({
    timeout: 10000,
    timeoutMsg: "Present did not start",
  });
  await browser.waitUntil(
    async () => (await matrixOnScreen()).area >= before.area,
    {
      timeout: 5000,
      timeoutMsg: `in Present the matrix is smaller than outside (${before.area} px²)`,
    },
  );
  const presenting = await matrixOnScreen();
  assert.ok(presenting.inside, "in Present the whole matrix is on screen");
  assert.ok(
    await (await browser.$(`${cellSelector(4, 4)} [data-card]`)).isExisting(),
  );
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await screenshot(
      browser,
      display,
      path.join(shots, "present-imported-1280x720.png"),
    );
  }
  console.log(
    `matrix: ${before.area} px² outside Present, ${presenting.area} px² in Present`,
  );

  // The dark theme in Present: the same matrix, wholly on screen.
  await (
    await browser.$("//button[normalize-space(.)='Exit presentation']")
  ).click();
  await (await browser.$("//header//button[@aria-label='Dark theme']")).click();
  await (
    await browser.$("//header//button[normalize-space(.)='Present']")
  ).click();
  await browser.waitUntil(
    async () =>
      (await browser.execute(() =>
        document.documentElement.classList.contains("present"),
      )) && (await matrixOnScreen()).area >= before.area,
    {
      timeout: 5000,
      timeoutMsg: "dark Present did not keep the matrix's size",
    },
  );
  assert.ok((await matrixOnScreen()).inside);
  if (shots) {
    await screenshot(
      browser,
      display,
      path.join(shots, "present-imported-dark-1280x720.png"),
    );
  }
});
