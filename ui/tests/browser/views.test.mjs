// Prepare, Compare and Converge in headless Chromium with the fake backend: whole flows, user text
// shown as text, an axe-core check of each screen, and screenshots at 1280×720 when SHOT_DIR is set.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, drag, axe, cell, shot, step, reveal, placeFor } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

test("prepare: add, edit, reorder and delete changes; every step can be undone", async () => {
  const { page, errors } = await h.page();
  await step(page, "Prepare");
  await page.locator("#new-change-title").fill("Enable HTTP/3 on the edge");
  await page.getByLabel("Ticket").first().fill("PLAT-300");
  await page.getByRole("button", { name: "Add change" }).click();
  const list = page.locator("ol.list");
  await list.getByText("Enable HTTP/3 on the edge").waitFor();
  assert.match(await page.locator("#changes-title").innerText(), /9/);

  await page.getByRole("button", { name: "Edit Enable HTTP/3 on the edge" }).click();
  await page.locator("#edit-c9-title").fill("Enable HTTP/3 on the CDN edge");
  await page.getByRole("button", { name: "Save change" }).click();
  await list.getByText("Enable HTTP/3 on the CDN edge").waitFor();

  await page.getByRole("button", { name: "Move Enable HTTP/3 on the CDN edge up" }).click();
  const titles = await list.locator(".title").allInnerTexts();
  assert.equal(titles[7], "Enable HTTP/3 on the CDN edge");

  await page.getByRole("button", { name: "Delete Enable HTTP/3 on the CDN edge" }).click();
  await list.getByText("Enable HTTP/3 on the CDN edge").waitFor({ state: "detached" });
  await page.keyboard.press("Control+z");
  await list.getByText("Enable HTTP/3 on the CDN edge").waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "prepare-1280x720");
  assert.deepEqual(errors, []);
});

test("prepare: add a Security perspective, rename and remove it", async () => {
  const { page } = await h.page();
  await step(page, "Prepare");
  await page.getByLabel("New perspective").fill("Security");
  await page.getByRole("button", { name: "Add perspective" }).click();
  await page.getByLabel("Name of perspective Security").waitFor();
  await step(page, "Place");
  await page.getByRole("tab", { name: "Security" }).click();
  assert.match(await page.locator(".progress").innerText(), /Security placed 0 of 8/);
  await drag(
    page,
    page.getByRole("button", { name: /^Rotate TLS certificates — not placed/ }),
    cell(page, 2, 2),
  );
  await cell(page, 2, 2)
    .getByRole("button", { name: /^Rotate TLS certificates — Security/ })
    .waitFor();
  await step(page, "Prepare");
  await page.getByLabel("Name of perspective Security").fill("SecOps");
  await page.getByLabel("Name of perspective Security").press("Enter");
  await page.getByLabel("Name of perspective SecOps").waitFor();
  await page.getByRole("button", { name: "Move perspective SecOps up" }).click();
  await step(page, "Place");
  assert.deepEqual(
    (await page.getByRole("tab").allInnerTexts()).map((t) => t.replace(/[^A-Za-z]/g, "")),
    ["Dev", "SecOps", "Ops"],
  );
  await step(page, "Prepare");
  await page.getByRole("button", { name: "Remove perspective SecOps" }).click();
  await page.getByRole("button", { name: "Remove, losing 1 placement" }).click();
  await page.getByLabel("Name of perspective SecOps").waitFor({ state: "detached" });
  assert.equal(
    await page.getByRole("button", { name: "Remove perspective Dev" }).isDisabled(),
    true,
  );
});

test("an empty title is refused with a message and nothing is added", async () => {
  const { page } = await h.page();
  await step(page, "Prepare");
  await page.locator("#new-change-title").fill("   ");
  await page.getByRole("button", { name: "Add change" }).click();
  await page.getByRole("alert").waitFor();
  assert.match(await page.getByRole("alert").innerText(), /title: must not be empty/);
  assert.match(await page.locator("#changes-title").innerText(), /8/);
});

test("compare: overlay draws a marker per perspective and an arrow; side by side one matrix each", async () => {
  const { page } = await h.page();
  await placeFor(page, "Dev", "Rotate TLS certificates", 1, 2);
  await placeFor(page, "Ops", "Rotate TLS certificates", 4, 2);
  await placeFor(page, "Dev", "Switch CDN provider", 2, 4);
  await placeFor(page, "Ops", "Switch CDN provider", 3, 4);
  await reveal(page);
  await step(page, "Compare");
  const overlay = page.getByTestId("overlay");
  await overlay.locator("svg .marker").first().waitFor();
  assert.equal(await overlay.locator("svg .marker").count(), 4);
  assert.equal(await overlay.locator("svg line").count(), 2, "one arrow per change placed by both");
  // The discussion queue puts the bigger disagreement first: TLS (3 levels) before CDN (1 level).
  const queue = page.getByRole("list", { name: /Discussion queue/ });
  const first = await queue.locator("li").first().innerText();
  assert.match(first, /Rotate TLS certificates/);
  assert.match(first, /likelihood \+3/);
  assert.match(await page.getByTestId("summary").innerText(), /Dev and Ops/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "compare-overlay-1280x720");

  // Hiding a change removes its markers and arrow.
  await page.getByRole("checkbox", { name: /Switch CDN provider/ }).uncheck();
  assert.equal(await overlay.locator("svg .marker").count(), 2);

  await page.getByRole("button", { name: "Side by side" }).click();
  const side = page.getByTestId("side-by-side");
  assert.equal(await side.getByRole("grid").count(), 2);
  await shot(page, "compare-side-by-side-1280x720");
});

test("compare and converge show nothing of the placements until Reveal", async () => {
  const { page } = await h.page();
  await placeFor(page, "Dev", "Rotate TLS certificates", 1, 2);
  await placeFor(page, "Ops", "Rotate TLS certificates", 4, 2);
  for (const name of ["Compare", "Converge"]) {
    await step(page, name);
    const notice = page.getByRole("region", { name: "The placements are hidden until Reveal" });
    await notice.waitFor();
    assert.match(await notice.innerText(), /Dev placed 1 of 8\s+■ Ops placed 1 of 8/);
    assert.equal(await page.locator("svg .marker").count(), 0, `${name} draws no marker`);
    assert.equal(await page.getByRole("grid").count(), 0, `${name} draws no matrix`);
    assert.deepEqual(await axe(page), []);
  }
  await shot(page, "hidden-until-reveal-1280x720");
  await reveal(page);
  await step(page, "Compare");
  await page.getByTestId("overlay").locator("svg .marker").first().waitFor();
  assert.equal(await page.getByTestId("overlay").locator("svg .marker").count(), 2);
});

test("converge: consensus and residual by drag, a mitigation by form", async () => {
  const { page } = await h.page();
  await reveal(page);
  await step(page, "Converge");
  await page.getByRole("button", { name: /^Upgrade PostgreSQL/ }).click();
  const grid = page.getByRole("grid");
  await drag(
    page,
    page.getByRole("button", { name: /^Consensus:/ }),
    grid.locator('[data-likelihood="3"][data-impact="4"]'),
  );
  await page.getByRole("button", { name: "Consensus: L3 × I4" }).waitFor();
  await drag(
    page,
    page.getByRole("button", { name: /^Residual:/ }),
    grid.locator('[data-likelihood="2"][data-impact="2"]'),
  );
  await page.getByRole("button", { name: "Residual: L2 × I2" }).waitFor();

  await page
    .getByLabel("Mitigation", { exact: true })
    .fill("Rehearse pg_upgrade on a restored snapshot");
  await page.getByLabel("Owner").fill("DBA team");
  await page.getByLabel(/likelihood \(tests/).check();
  await page.getByRole("button", { name: "Add mitigation" }).click();
  await page.getByText("Rehearse pg_upgrade on a restored snapshot").waitFor();
  assert.match(await page.locator(".mitigations").innerText(), /lowers likelihood/i);
  assert.match(
    await page.getByRole("button", { name: /^Upgrade PostgreSQL/ }).innerText(),
    /agreed L3×I4\s*→ residual L2×I2\s*· 1 mitigation/,
  );
  assert.deepEqual(await axe(page), []);
  await shot(page, "converge-1280x720");
});

test("the keyboard sets the consensus: Enter, arrows, Enter", async () => {
  const { page } = await h.page();
  await reveal(page);
  await step(page, "Converge");
  await page.getByRole("button", { name: /^Consensus:/ }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Consensus: L1 × I3" }).waitFor();
});

test("presentation mode and the dark theme change the look, not the workshop", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: "Dark theme" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.deepEqual(await axe(page), []);
  await shot(page, "place-dark-1280x720");
  await page.getByRole("button", { name: "Present" }).click();
  assert.equal(
    await page.evaluate(() => document.documentElement.classList.contains("present")),
    true,
  );
  // Larger type, grown with the screen.
  const size = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  assert.ok(parseFloat(size) >= 17, `type of ${size} when presenting`);
});

test("export: the dialog asks the backend for the chosen chart and shows the outcome", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: "Export…" }).click();
  const dialog = page.getByRole("dialog", { name: "Export" });
  await dialog.getByLabel(/Chart as PNG/).check();
  await dialog.getByLabel("Which chart").selectOption("gaps");
  assert.deepEqual(await axe(page), []);
  await shot(page, "export-dialog-1280x720");
  await dialog.getByRole("button", { name: "Export…" }).click();
  await dialog.getByRole("status").waitFor();
  assert.match(await dialog.getByRole("status").innerText(), /Exported .*\.png/);
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
});

test("prepare: level words and bands are edited in place and shown on the matrix", async () => {
  const { page } = await h.page();
  await step(page, "Prepare");
  await page.getByLabel("Impact 4 label").fill("Checkout down");
  await page.getByLabel("Impact 4 label").press("Tab");
  await page.getByLabel("Name of band 3").fill("serious");
  await page.getByLabel("Name of band 3").press("Tab");
  await page.getByLabel("Lowest score of the serious band").fill("3");
  await page.getByLabel("Lowest score of the serious band").press("Tab");
  await page.getByRole("alert").waitFor();
  assert.match(await page.getByRole("alert").innerText(), /must be above the previous band/);
  await step(page, "Place");
  await page
    .getByRole("gridcell", { name: "Likelihood 1 (Rare), impact 4 (Checkout down)" })
    .waitFor();
  assert.equal(await cell(page, 4, 3).getAttribute("data-band"), "serious");
});
