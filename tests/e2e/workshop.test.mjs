// The real app window: drag a change for Ops into likelihood 4 × impact 2, place one for Dev with
// the keyboard, reveal, save with Ctrl+S, check the file, reopen it in a new app and find
// everything where it was.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDriver, drag, cardSelector, cellSelector, openSample } from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-"));
const shots = process.env.SHOT_DIR;
let driver;

before(async () => {
  driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir });
});
after(() => driver?.stop());

async function waitFor(browser, selector, what, timeout = 10000) {
  const el = await browser.$(selector);
  await el.waitForExist({ timeout, timeoutMsg: `${what} did not appear (${selector})` });
  return el;
}

test("prepare → place (drag and keyboard) → reveal → save → reopen", async () => {
  const browser = await driver.session();
  try {
    await openSample(browser);
    assert.match(await browser.getTitle(), /Parallax/);

    // Ops drags "Rotate TLS certificates" from the tray into likelihood 4 × impact 2.
    await (await browser.$("#tab-ops")).click();
    const card = await waitFor(browser, cardSelector("Rotate TLS certificates", "ops"), "the Ops card");
    const target = await browser.$(cellSelector(4, 2));
    assert.equal(await target.getAttribute("aria-label"), "Likelihood 4 (Likely), impact 2 (Minor)");
    await drag(browser, card, target);
    await waitFor(
      browser,
      `${cellSelector(4, 2)} [data-card="c3:ops"]`,
      "the card in likelihood 4 × impact 2",
    );
    // WebKitWebDriver's getText() reads "" from a one-line ellipsis box even when the whole text
    // fits; its text and its width on screen say what the room sees.
    const header = await browser.$(".progress");
    const progress = await browser.execute(
      (el) => ({ text: el.textContent, width: el.getBoundingClientRect().width, fits: el.scrollWidth <= el.clientWidth }),
      header,
    );
    assert.match(progress.text, /Ops placed 1 of 8/);
    assert.ok(progress.width > 100 && progress.fits, `the progress line is on screen whole: ${JSON.stringify(progress)}`);

    // Dev places "Emergency OpenSSL patch" with the keyboard: Enter, up, right, Enter → (4, 4).
    await (await browser.$("#tab-dev")).click();
    const devCard = await waitFor(browser, cardSelector("Emergency OpenSSL patch", "dev"), "the Dev card");
    await browser.execute((el) => el.focus(), devCard);
    await browser.keys(["Enter"]);
    await browser.keys(["ArrowUp"]);
    await browser.keys(["ArrowRight"]);
    await browser.keys(["Enter"]);
    await waitFor(browser, `${cellSelector(4, 4)} [data-card="c6:dev"]`, "the keyboard-placed card");

    // Blind: Dev does not see Ops's card until Reveal.
    assert.equal((await browser.$$('[data-card="c3:ops"]')).length, 0);
    await (await browser.$("//button[normalize-space(.)='Reveal']")).click();
    await waitFor(browser, `${cellSelector(4, 2)} [data-card="c3:ops"]`, "Ops's card after Reveal");
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await browser.saveScreenshot(path.join(shots, "window-revealed.png"));
    }

    // Converge: the room agrees on the TLS change and commits to one mitigation.
    await (await browser.$("//nav//button[contains(., 'Converge')]")).click();
    await (await browser.$("//aside[@aria-label='Changes']//button[contains(., 'Rotate TLS certificates')]")).click();
    const chip = await waitFor(browser, "//div[@role='button'][starts-with(normalize-space(.), 'Consensus:')]", "the consensus chip");
    await drag(browser, chip, await browser.$(`//section[contains(@class,'main')]${"//*[@role='gridcell'][@data-likelihood='3'][@data-impact='2']"}`));
    await waitFor(browser, "//div[@role='button'][normalize-space(.)='Consensus: L3 × I2']", "the consensus");
    await (await browser.$("//label[contains(., 'Mitigation')]/input")).setValue("Automated rollback on failed health checks");
    await (await browser.$("//label[contains(., 'impact (flag')]/input")).click();
    await (await browser.$("//button[normalize-space(.)='Add mitigation']")).click();
    await waitFor(browser, "//*[contains(@class,'mitigations')]//*[contains(., 'Automated rollback on failed health checks')]", "the mitigation");

    // Ctrl+S saves through the Rust-side dialog (answered by the test folder override).
    await browser.keys(["Control", "s"]);
    await browser.waitUntil(() => readdirSync(dir).some((f) => f.endsWith(".parallax")), {
      timeout: 10000,
      timeoutMsg: "no .parallax file was written",
    });
    const fileStatus = await browser.$('[data-testid="file-status"]');
    await browser.waitUntil(async () => !(await fileStatus.getText()).includes("unsaved"), {
      timeout: 10000,
      timeoutMsg: "the unsaved marker stayed after saving",
    });

    // Export the deck from the app: Rust asks where (the test folder), the engine renders it.
    await (await browser.$("//button[normalize-space(.)='Export…']")).click();
    await (await browser.$('//label[contains(., "PowerPoint deck")]//input')).click();
    await (await browser.$("//dialog//button[normalize-space(.)='Export…']")).click();
    // A 4K deck takes seconds in a debug build on a busy machine: wait generously.
    const status = await waitFor(browser, '//dialog//*[@role="status"]', "the export outcome", 120000);
    assert.match(await status.getText(), /Exported .*\.pptx/);
    const deck = readdirSync(dir).find((f) => f.endsWith(".pptx"));
    assert.ok(deck, "a deck was written");
    assert.equal(readFileSync(path.join(dir, deck)).subarray(0, 2).toString(), "PK", "a zip container");
    await (await browser.$("//dialog//button[normalize-space(.)='Close']")).click();
  } finally {
    await browser.deleteSession();
  }

  const file = readdirSync(dir).find((f) => f.endsWith(".parallax"));
  const saved = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  assert.equal(saved.format, "parallax-workshop");
  assert.equal(saved.schema_version, 3);
  const tls = saved.changes.find((c) => c.title === "Rotate TLS certificates");
  assert.deepEqual([tls.placements.ops.likelihood, tls.placements.ops.impact], [4, 2]);
  assert.equal(tls.placements.dev, undefined);
  const openssl = saved.changes.find((c) => c.title === "Emergency OpenSSL patch");
  assert.deepEqual([openssl.placements.dev.likelihood, openssl.placements.dev.impact], [4, 4]);
  assert.equal(saved.phase, "revealed");
  assert.deepEqual(tls.consensus, { likelihood: 3, impact: 2 });
  assert.equal(tls.mitigations[0].text, "Automated rollback on failed health checks");
  assert.equal(tls.mitigations[0].lowers, "impact");

  // The first app lets go of the file's lock as its window closes.
  const deadline = Date.now() + 10000;
  while (readdirSync(dir).some((f) => f.endsWith(".lock")) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // A new app started on the file shows everything where it was, with nothing unsaved.
  const again = await driver.session([path.join(dir, file)]);
  try {
    await waitFor(again, `${cellSelector(4, 2)} [data-card="c3:ops"]`, "the Ops card after reopening");
    await waitFor(again, `${cellSelector(4, 4)} [data-card="c6:dev"]`, "the Dev card after reopening");
    const status = await again.$('[data-testid="file-status"]');
    assert.equal(await status.getText(), file);
    // The consensus and the mitigation came back too.
    await (await again.$("//nav//button[contains(., 'Converge')]")).click();
    await (await again.$("//aside[@aria-label='Changes']//button[contains(., 'Rotate TLS certificates')]")).click();
    await waitFor(again, "//div[@role='button'][normalize-space(.)='Consensus: L3 × I2']", "the consensus after reopening");
    await waitFor(again, "//*[contains(., 'Automated rollback on failed health checks')]", "the mitigation after reopening");
    // The saved workshop is in the recent list (kept in the app's data folder).
    await (await again.$("//nav//button[contains(., 'Prepare')]")).click();
    const recent = await waitFor(again, '//section[@aria-labelledby="recent-title"]', "recent workshops");
    assert.match(await recent.getText(), /Sample: platform changes/);
    assert.match(await again.getTitle(), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} — Parallax$`));
  } finally {
    await again.deleteSession();
  }
});
