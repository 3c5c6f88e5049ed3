// The real window opens on the start screen (no file was given); choosing the sample shows Place
// with nothing unsaved: no • in the window title, no "unsaved changes" in the header.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDriver, openSample } from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-start-"));
let driver;

before(async () => {
  driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir });
});
after(() => driver?.stop());

test("the window opens on the start screen; the sample opens in Place, untouched", async () => {
  const browser = await driver.session();
  try {
    const heading = await browser.$("//h2[normalize-space(.)='New workshop']");
    await heading.waitForExist({ timeout: 20000, timeoutMsg: "no start screen" });
    assert.equal((await browser.$$('[role="grid"]')).length, 0, "no matrix behind it");
    for (const choice of ["5 × 5", "4 × 4", "3 × 3", "Open…", "Import CSV…"]) {
      const button = await browser.$(`//button[contains(., '${choice}')]`);
      assert.ok(await button.isExisting(), `the start screen offers ${choice}`);
    }

    await openSample(browser);
    const place = await browser.$("//nav//button[@aria-current='step']");
    assert.match(await place.getText(), /Place/);
    const status = await browser.$('[data-testid="file-status"]');
    assert.doesNotMatch(await status.getText(), /unsaved/);
    assert.match(await browser.getTitle(), /Sample: platform changes/);
    assert.doesNotMatch(await browser.getTitle(), /•/, "the untouched sample is not unsaved");
  } finally {
    await browser.deleteSession();
  }
});
