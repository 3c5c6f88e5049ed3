// Compare's gap map and the Trends view in headless Chromium on the fake backend (its drawings
// and trend are the fake's own, lib/backend/fake-charts.ts; tests/commands.rs holds the shell's
// commands): what shows before and after Reveal, the counts in words beside the chart, choosing
// workshops through the (fake) dialog, the table in date order, the file left out with its
// error, the followed changes; axe-core on each screen, and screenshots at 1280×720 when
// SHOT_DIR is set.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, axe } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

async function shot(page, name) {
  if (process.env.SHOT_DIR) await page.screenshot({ path: `${process.env.SHOT_DIR}/${name}.png` });
}

/** The sample, blind and placing, with Ops rating c1–c3 more likely than Dev, c4 more severe
 * and c5 the same; a hostile title on c1. */
function workshop() {
  const w = JSON.parse(
    readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
  );
  const at = (likelihood, impact) => ({ likelihood, impact, rationale: "", placed_at_ms: 1 });
  const cells = {
    c1: [
      [1, 3],
      [4, 3],
    ],
    c2: [
      [2, 2],
      [4, 2],
    ],
    c3: [
      [2, 3],
      [3, 3],
    ],
    c4: [
      [2, 1],
      [2, 4],
    ],
    c5: [
      [3, 3],
      [3, 3],
    ],
  };
  for (const c of w.changes) {
    const both = cells[c.id];
    if (both) c.placements = { dev: at(...both[0]), ops: at(...both[1]) };
  }
  w.changes[0].title = `<img src=x onerror="window.__owned=1"> ${w.changes[0].title}`;
  w.blind = true;
  w.phase = "placing";
  return w;
}

async function pageOn(w, viewport = { width: 1280, height: 720 }) {
  const context = await h.browser.newContext({ viewport });
  await context.addInitScript((w) => {
    // @ts-ignore: read by the fake backend (see lib/backend/fake.ts)
    window.__PARALLAX_FAKE_WORKSHOP__ = w;
  }, w);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(h.url);
  await page.getByRole("grid").waitFor();
  return { page, errors, context };
}

const step = (page, name) =>
  page.getByRole("navigation", { name: "Workshop steps" }).getByRole("button", { name }).click();

test("the gap map shows the engine's chart as an image after Reveal, with its counts in words", async () => {
  const { page, errors, context } = await pageOn(workshop());
  await step(page, "Compare");
  // Blind and placing: Compare shows progress only, and no gap map.
  await page
    .getByText(/hidden until Reveal/i)
    .first()
    .waitFor();
  assert.equal(await page.getByRole("button", { name: "Gap map" }).count(), 0);
  assert.equal(await page.getByTestId("gap-map").count(), 0);

  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await page.getByRole("button", { name: "Gap map" }).click();
  const figure = page.getByTestId("gap-map");
  const img = figure.getByRole("img");
  await img.waitFor();
  const src = await img.getAttribute("src");
  assert.ok(src?.startsWith("data:image/svg+xml"), src?.slice(0, 40));
  // The title is text inside the image's markup, never markup of the page.
  assert.ok(!decodeURIComponent(src).includes("<img src=x"));
  assert.match((await img.getAttribute("alt")) ?? "", /Gap map of Dev to Ops/);
  const counts = figure.getByTestId("gap-map-counts");
  assert.equal(
    (await counts.innerText()).replace(/\s+/g, " ").trim(),
    "Dev → Ops, 5 changes placed by both: 3 mostly about likelihood · 1 mostly about impact · 0 equally about both · 1 in the same cell.",
  );
  // The image fits the window beside the queue, and so does the caption.
  for (const box of [await img.boundingBox(), await counts.boundingBox()]) {
    assert.ok(box && box.y + box.height <= 720 && box.x + box.width <= 1280, JSON.stringify(box));
  }
  assert.ok((await img.boundingBox()).height >= 300, "the chart is big enough to read");
  assert.deepEqual(await axe(page), []);
  await shot(page, "compare-gap-map");

  // The other way round: the counts follow the pair.
  await page.getByLabel("Arrow from").selectOption({ label: "Ops" });
  await counts.getByText(/^Ops → Dev/).waitFor();

  await page.getByRole("button", { name: "Present" }).click();
  await page.waitForFunction(() => document.documentElement.classList.contains("present"));
  const presented = await img.boundingBox();
  assert.ok(presented && presented.y + presented.height <= 720 && presented.height >= 300);
  assert.deepEqual(await axe(page), []);
  await shot(page, "compare-gap-map-present");
  assert.equal(await page.evaluate(() => "__owned" in window), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Trends: chosen workshops in date order, the broken one left out with its error", async () => {
  const { page, errors } = await h.page(undefined, { onStart: true });
  await page.getByRole("button", { name: /Trends across workshops/ }).click();
  await page.getByRole("heading", { name: "Trends across workshops" }).waitFor();
  const show = page.getByRole("button", { name: /^Show the trend/ });
  assert.equal(await show.isDisabled(), true, "nothing chosen yet");

  await page.getByRole("button", { name: "Choose workshops…" }).click();
  const chosen = page.getByRole("list", { name: "Chosen workshops" }).getByRole("checkbox");
  assert.equal(await chosen.count(), 3);
  for (const box of await chosen.all()) assert.equal(await box.isChecked(), true);
  await page.getByLabel("From").fill("Dev");
  await page.getByLabel("to", { exact: true }).fill("Ops");
  await show.click();

  const table = page.getByTestId("trend-table");
  await table.waitFor();
  const rows = table.locator("tbody tr");
  assert.equal(await rows.count(), 2);
  const first = (await rows.nth(0).innerText()).replace(/\s+/g, " ");
  const second = (await rows.nth(1).innerText()).replace(/\s+/g, " ");
  assert.match(first, /^2026-01-14 latest placement Platform changes, January/);
  assert.match(second, /^2026-03-11 latest placement Platform changes, March/);
  await page.getByRole("heading", { name: "Dev → Ops, in date order" }).waitFor();
  const failed = page.getByTestId("trend-failed");
  assert.match(await failed.innerText(), /broken\.parallax: changes\[2\]\.placements\.ops\.impact/);
  assert.match(await page.getByTestId("trend-series").innerText(), /OPS-100/);
  const chart = page.getByRole("img", { name: /Trend chart/ });
  assert.ok((await chart.getAttribute("src"))?.startsWith("data:image/svg+xml"));
  assert.deepEqual(await axe(page), []);
  await shot(page, "trends");
  await page.getByRole("region", { name: /Changes followed/ }).scrollIntoViewIfNeeded();
  await shot(page, "trends-scrolled");

  // Unticking the broken file leaves it out of the next trend.
  await chosen.nth(2).uncheck();
  await page.getByRole("button", { name: "Show the trend (2)" }).click();
  await failed.waitFor({ state: "detached" });

  // Escape goes back where the view was opened from.
  await page.keyboard.press("Escape");
  await page.getByRole("heading", { name: "New workshop" }).waitFor();
  assert.deepEqual(errors, []);
});
