// A matrix that does not mislead, in headless Chromium with the fake backend: a level's anchor
// edited in Prepare shows beside the level on the matrix (and undo takes it back); the band
// checks warn about a crafted matrix and list the placed changes a threshold moved by one would
// switch; the calibration round: the reference changes added as calibration changes, another
// change marked, the tag on the cards in Place, the calibration gaps first in Compare after
// Reveal. axe-core on each screen; screenshots at 1280×720 when SHOT_DIR is set.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, axe, cell, shot, step, reveal, placeFor } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

/** The visible words beside likelihood level `n` on the matrix. */
const likelihoodLevel = (page, n) =>
  page
    .getByRole("region", { name: /Risk matrix/ })
    .locator(".y-labels .level")
    .filter({ has: page.locator(".num", { hasText: String(n) }) });

test("an anchor edited in Prepare shows beside its level on the matrix, and undo takes it back", async () => {
  const { page, errors } = await h.page();
  await step(page, "Prepare");
  const field = page.getByLabel("Likelihood 4 anchor");
  assert.equal(await field.inputValue(), "about 1 in 10 such changes");
  await field.fill("about 1 in 5 such changes");
  await field.press("Tab");
  await step(page, "Place");
  const level = likelihoodLevel(page, 4);
  assert.equal(
    (await level.innerText()).replace(/\s+/g, " ").trim(),
    "4 Likely (about 1 in 5 such changes)",
  );
  await shot(page, "place-anchors-1280x720");
  await page.keyboard.press("Control+z");
  await level.getByText("(about 1 in 10 such changes)").waitFor();
  await step(page, "Prepare");
  assert.equal(
    await page.getByLabel("Likelihood 4 anchor").inputValue(),
    "about 1 in 10 such changes",
  );
  assert.deepEqual(errors, []);
});

test("band checks: a shared colour is a warning, never a refusal; placed changes near a threshold are listed", async () => {
  const { page, errors } = await h.page();
  await step(page, "Prepare");
  const warnings = page.getByTestId("band-warnings");
  assert.equal(await warnings.innerText(), "The colours agree with the scores.");
  // The critical band painted like the high one: the edit goes through, the warning says why
  // it misleads.
  const high = await page.getByLabel("Colour of the high band").inputValue();
  await page.getByLabel("Colour of the critical band").fill(high);
  await warnings.getByText(`Bands 'high' and 'critical' have the same colour ${high}`).waitFor();
  assert.equal(await page.getByLabel("Colour of the critical band").inputValue(), high);

  // "Switch CDN provider" placed at 2 × 5 (score 10, where 'high' starts): moving the threshold
  // up by one would take it down to 'medium'. Placements are blind until Reveal, and so is this.
  await placeFor(page, "Dev", "Switch CDN provider", 2, 5);
  await step(page, "Prepare");
  await warnings.waitFor();
  assert.equal(await page.getByTestId("band-switches").count(), 0);
  await reveal(page);
  await step(page, "Prepare");
  const switches = page.getByTestId("band-switches");
  await switches.waitFor();
  const text = (await switches.innerText()).replace(/\s+/g, " ");
  assert.match(text, /Would switch band if a threshold moved by one/);
  assert.match(
    text,
    /If 'high' started at 11 instead of 10, 1 change would move down from 'high' to 'medium': 'Switch CDN provider'\./,
  );
  assert.match(text, /Switch CDN provider \(Dev: L2 × I5\)/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "prepare-band-checks-1280x720");
  assert.deepEqual(errors, []);
});

test("calibration round: reference changes added and marked, tagged in Place, their gaps first in Compare", async () => {
  const { page, errors } = await h.page();
  await step(page, "Prepare");
  await page.getByRole("button", { name: "Add reference changes…" }).click();
  const offered = page.getByRole("group", { name: "Reference changes for a calibration round" });
  await offered.getByText("Restart one stateless web instance").waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "prepare-reference-changes-1280x720");
  await offered.getByRole("button", { name: "Add all as calibration changes" }).click();
  await offered.waitFor({ state: "detached" });

  const list = page.locator("ol.list");
  for (const title of [
    "Restart one stateless web instance",
    "Raise the database connection-pool limit in the service's config",
    "Drop a column on the orders table in production",
  ]) {
    const box = page.getByLabel(`${title} is a calibration change`);
    assert.equal(await box.isChecked(), true, `${title} is marked`);
  }
  assert.equal(await list.locator(".calibration-tag").count(), 3);
  // Each reference change is two steps of the history: added, then marked.
  await page.getByRole("button", { name: "Add reference changes…" }).click();
  assert.equal(await offered.getByText("already in the workshop").count(), 3);
  await offered.getByRole("button", { name: "Close" }).click();

  // Unmark one reference change, mark a change of the sample.
  await page
    .getByLabel(
      "Raise the database connection-pool limit in the service's config is a calibration change",
    )
    .uncheck();
  await page.getByLabel("Rotate TLS certificates is a calibration change").check();
  await list.locator(".calibration-tag").nth(2).waitFor();
  assert.equal(await list.locator(".calibration-tag").count(), 3);
  // What the backend holds, not the screen's copy.
  const fake = await page.evaluate(async () =>
    (await globalThis.__PARALLAX_FAKE__.getWorkshop()).workshop.changes
      .filter((c) => c.calibration)
      .map((c) => c.title),
  );
  assert.deepEqual(fake, [
    "Rotate TLS certificates",
    "Restart one stateless web instance",
    "Drop a column on the orders table in production",
  ]);
  assert.deepEqual(await axe(page), []);
  await shot(page, "prepare-calibration-1280x720");

  // Place: the card says it is a calibration change.
  await step(page, "Place");
  // Its name says so after the rest (a screen reader hears the title first).
  const card = page.getByRole("button", {
    name: /^Rotate TLS certificates — not placed by Dev.*, calibration change$/,
  });
  await card.waitFor();
  assert.match(await card.innerText(), /calibration/);
  await placeFor(page, "Dev", "Rotate TLS certificates", 1, 1);
  await placeFor(page, "Ops", "Rotate TLS certificates", 2, 3);
  await placeFor(page, "Dev", "Switch CDN provider", 3, 3);
  await placeFor(page, "Ops", "Switch CDN provider", 3, 3);
  await cell(page, 2, 3).getByText("calibration", { exact: true }).waitFor();
  await shot(page, "place-calibration-1280x720");

  // Compare after Reveal: the calibration gaps come first, on their own.
  await reveal(page);
  await step(page, "Compare");
  const block = page.getByTestId("calibration");
  await block.waitFor();
  const words = (await block.innerText()).replace(/\s+/g, " ");
  assert.match(words, /^Calibration first:/);
  assert.match(words, /Rotate TLS certificates: likelihood \+1, impact \+2/);
  assert.match(words, /Restart one stateless web instance: not placed by both yet/);
  assert.match(words, /Drop a column on the orders table in production: not placed by both yet/);
  assert.doesNotMatch(words, /Switch CDN provider/);
  // Above the summary, and the summary counts only the changes that are not calibration.
  const summary = page.getByTestId("summary");
  const [b, s] = [await block.boundingBox(), await summary.boundingBox()];
  assert.ok(b && s && b.y < s.y, "the calibration block comes first");
  assert.match(await summary.innerText(), /both placed 1 of 8 changes/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "compare-calibration-1280x720");
  assert.deepEqual(errors, []);
});
