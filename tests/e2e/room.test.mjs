// The room end to end: the real app window under Xvfb opens the room on 127.0.0.1 through its
// Room panel; two participants in headless Chromium (phone-sized, touch) join through the URL the
// panel shows and place; the facilitator closes the round (the panel asks first and names who is
// still placing) and reveals in the real window; the participants see the reveal; the saved file
// holds what the room put in the workshop. Every connection goes to 127.0.0.1 only.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver } from "./driver.mjs";

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);
// The participants' browser: playwright-core and Debian's Chromium, as the UI's browser tests.
const { chromium } = createRequire(path.join(root, "ui/package.json"))(
  "playwright-core",
);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-e2e-room-"));
const shots = process.env.SHOT_DIR;
let driver;
let phones;

before(async () => {
  driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir });
  phones = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
    ],
  });
});
after(async () => {
  await phones?.close();
  driver?.stop();
});

async function waitFor(browser, selector, what, timeout = 10000) {
  const el = await browser.$(selector);
  await el.waitForExist({
    timeout,
    timeoutMsg: `${what} did not appear (${selector})`,
  });
  return el;
}

/** The window shows the sample's matrix (choosing the sample on a start screen, if there is one). */
async function sampleOpen(browser) {
  await browser.waitUntil(
    async () =>
      (await browser.$('[role="grid"]').isExisting()) ||
      (await browser
        .$("//button[contains(., 'Sample workshop')]")
        .isExisting()),
    {
      timeout: 20000,
      timeoutMsg: "neither the matrix nor the start screen appeared",
    },
  );
  const sample = await browser.$("//button[contains(., 'Sample workshop')]");
  if (await sample.isExisting()) await sample.click();
  await waitFor(browser, '[role="grid"]', "the matrix");
}

async function participant(url, name, perspective) {
  const context = await phones.newContext({
    viewport: { width: 360, height: 640 },
    hasTouch: true,
    isMobile: true,
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("radio", { name: perspective }).check();
  await page.getByRole("button", { name: "Join" }).click();
  await page
    .getByRole("button", { name: /^Rotate TLS certificates/ })
    .waitFor();
  return page;
}

async function tapPlace(page, title, likelihood, impact) {
  const card = page.getByRole("button", { name: new RegExp(`^${title}`) });
  await card.scrollIntoViewIfNeeded();
  await card.tap();
  await page
    .locator(
      `[role="gridcell"][data-likelihood="${likelihood}"][data-impact="${impact}"]`,
    )
    .tap();
  await page
    .getByRole("button", {
      name: new RegExp(
        `^${title}, Likelihood ${likelihood} .*impact ${impact} `,
      ),
    })
    .waitFor();
}

test("the facilitator opens the room on 127.0.0.1, two people place from their browsers, the round closes, Reveal shows it", async () => {
  const browser = await driver.session();
  try {
    await sampleOpen(browser);
    await (
      await browser.$("//header//button[normalize-space(.)='Room']")
    ).click();
    const network = await waitFor(
      browser,
      "//label[contains(., 'Network')]//select",
      "the Network select",
    );
    const options = await browser.execute(
      (s) => [...s.options].map((o) => o.text),
      network,
    );
    assert.ok(
      options.some((o) => o.startsWith("127.0.0.1")),
      options.join(" | "),
    );
    await network.selectByVisibleText("127.0.0.1 (this computer only)");
    // Each participant chooses a perspective on joining (the default).
    const perspective = await browser.$(
      "//label[contains(., 'Perspective')]//select",
    );
    await perspective.selectByVisibleText("Each participant chooses");
    await (
      await browser.$("//button[normalize-space(.)='Open the room']")
    ).click();
    const urlEl = await waitFor(
      browser,
      '[data-testid="room-url"]',
      "the room's URL",
    );
    const url = await urlEl.getText();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]+$/);
    const qr = await browser.$('//img[@alt="QR code of the room\'s address"]');
    assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml/);
    assert.ok(
      (await qr.getSize("width")) >= 300,
      "the QR code is large enough for a room",
    );

    const ana = await participant(url, "Ana", "Ops");
    const bo = await participant(url, "Bo", "Ops");
    const cy = await participant(url, "Cy", "Dev");
    await tapPlace(ana, "Rotate TLS certificates", 4, 2);
    await tapPlace(bo, "Rotate TLS certificates", 2, 2);
    // A measure, printed and never asserted: from Cy's tap on a cell to the window's Room panel
    // changing (both clocks are this machine's).
    await browser.execute(() => {
      window.__roomChangedAt = [];
      new MutationObserver(() =>
        window.__roomChangedAt.push(Date.now()),
      ).observe(document.querySelector("aside[aria-labelledby='room-title']"), {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    const tapped = await cy.evaluate(() => Date.now());
    await tapPlace(cy, "Rotate TLS certificates", 1, 2);
    await browser.waitUntil(
      async () =>
        (await browser.execute(() => window.__roomChangedAt)).some(
          (t) => t >= tapped,
        ),
      {
        timeout: 10000,
        timeoutMsg: "the Room panel did not hear of Cy's answer",
      },
    );
    const changed = (await browser.execute(() => window.__roomChangedAt)).find(
      (t) => t >= tapped,
    );
    console.log(
      `room: participant's tap → the facilitator's panel updated in ${changed - tapped} ms`,
    );
    await bo.getByRole("button", { name: /^Switch CDN provider/ }).tap();
    await bo.getByRole("button", { name: "Not sure" }).tap();
    await bo
      .getByRole("button", { name: "Switch CDN provider, not sure" })
      .waitFor();

    // The window hears progress, never a placement.
    const progress = await waitFor(
      browser,
      '[data-testid="room-progress"]',
      "the progress",
    );
    await browser.waitUntil(
      async () =>
        /Ops: 0 of 2 people done, 2 still placing/.test(
          await progress.getText(),
        ) &&
        /Dev: 0 of 1 person done, 1 still placing/.test(
          await progress.getText(),
        ),
      {
        timeout: 10000,
        timeoutMsg: "the progress did not show both people",
      },
    );
    const panelText = await (
      await browser.$("aside[aria-labelledby='room-title']")
    ).getText();
    assert.doesNotMatch(panelText, /Likelihood|impact \d/i);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await browser.saveScreenshot(path.join(shots, "room-panel.png"));
    }

    // Close the round: both are still placing, so the window asks first and names them.
    await (
      await browser.$("//button[normalize-space(.)='Close the round']")
    ).click();
    const ask = await waitFor(
      browser,
      "[role='alertdialog']",
      "the confirmation",
    );
    assert.match(
      await ask.getText(),
      /Still placing: Ana \(Ops\), Bo \(Ops\), Cy \(Dev\)/,
    );
    await (
      await browser.$("//button[normalize-space(.)='Close the round anyway']")
    ).click();
    await ana.getByText(/The round is closed/).waitFor();
    await bo.getByText(/The round is closed/).waitFor();

    // Reveal in the real window: the participants see the perspective's placement.
    await (
      await browser.$("//header//button[normalize-space(.)='Reveal']")
    ).click();
    await ana.getByText(/^Revealed/).waitFor();
    await ana.locator(".revealed").first().waitFor();
    if (shots)
      await ana.screenshot({
        path: path.join(shots, "participant-revealed.png"),
      });

    // Save, and read what the room put in the workshop.
    await browser.keys(["Control", "s"]);
    await browser.waitUntil(
      () => readdirSync(dir).some((f) => f.endsWith(".parallax")),
      {
        timeout: 10000,
        timeoutMsg: "nothing was saved",
      },
    );
    const file = readdirSync(dir).find((f) => f.endsWith(".parallax"));
    const saved = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    assert.equal(saved.phase, "revealed");
    const tls = saved.changes.find(
      (c) => c.title === "Rotate TLS certificates",
    );
    const ops = tls.placements.ops;
    assert.ok(
      ops,
      "Ops has a placement for the TLS change, made from the room",
    );
    // The file holds every person and their answers; Ops's placement is the median of (4, 2)
    // and (2, 2) with the lower middle (likelihood 2, impact 2), with its spread beside it.
    assert.deepEqual(saved.participants.map((p) => p.name).sort(), [
      "Ana",
      "Bo",
      "Cy",
    ]);
    const byName = Object.fromEntries(
      saved.participants.map((p) => [p.name, p.id]),
    );
    assert.deepEqual(
      [tls.answers[byName.Ana].likelihood, tls.answers[byName.Ana].impact],
      [4, 2],
    );
    assert.equal(
      saved.changes.find((c) => c.title === "Switch CDN provider").answers[
        byName.Bo
      ].kind,
      "not_sure",
    );
    assert.deepEqual([ops.likelihood, ops.impact], [2, 2]);
    assert.deepEqual(
      [ops.spread.likelihood_min, ops.spread.likelihood_max, ops.spread.people],
      [2, 4, 2],
    );
    assert.deepEqual(
      [tls.placements.dev.likelihood, tls.placements.dev.impact],
      [1, 2],
    );

    // Compare in the real window (the Room panel folded away): everyone's own placements, on demand.
    const roomButton = await browser.$(
      "//header//button[normalize-space(.)='Room']",
    );
    await roomButton.click();
    await (await browser.$("//nav//button[contains(., 'Compare')]")).click();
    await (
      await waitFor(
        browser,
        '//label[contains(., "Everyone\'s placements")]//input',
        "the Everyone's placements switch",
      )
    ).click();
    await browser.waitUntil(
      async () =>
        (await browser.$$('[data-testid="overlay"] g.person')).length === 3,
      {
        timeout: 10000,
        timeoutMsg: "Compare does not show three people's dots",
      },
    );
    // Beside the gap between the perspectives: how far people inside each one agree.
    const within = await waitFor(
      browser,
      '[data-testid="within"]',
      "the sentence about agreement inside each perspective",
    );
    assert.match(await within.getProperty("textContent"), /\w/);
    if (shots)
      await browser.saveScreenshot(path.join(shots, "reveal-everyone.png"));

    await roomButton.click();
    await (
      await browser.$("//button[normalize-space(.)='Close the room']")
    ).click();
    await waitFor(
      browser,
      "//button[normalize-space(.)='Open the room']",
      "the closed room",
    );
    await ana.getByText("The facilitator closed the room.").waitFor();
  } finally {
    await browser.deleteSession();
  }
});
