// Compare's gap map and the Trends view in headless Chromium on the fake backend (its drawings
// and trend are the fake's own, lib/backend/fake-charts.ts; tests/commands.rs holds the shell's
// commands): what shows before and after Reveal, the counts in words beside the chart, choosing
// workshops through the (fake) dialog, the table in date order with α and its interval and
// "(few)" where too few changes are compared, the file left out with its error, the followed
// changes, saving the trend shown as a chart or slides (the fake records what the shell would
// write); axe-core on each screen, and screenshots at 1280×720 when SHOT_DIR is set.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, axe, shot } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

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
  // α per axis with its interval; with 8 changes compared (fewer than the engine's 10), one
  // decimal and "(few)", with the note under the table saying what that means.
  const cells = async (row) =>
    (await row.locator("td").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
  const march = await cells(rows.nth(1));
  assert.equal(march[1], "8 of 8 (few)");
  assert.deepEqual(march.slice(4, 6), ["0.5 [0.1, 0.8]", "0.6 [0.2, 0.8]"]);
  assert.match(
    (await rows.nth(0).locator("td").nth(4).innerText()).replace(/\s+/g, " "),
    /^0\.2 \[-0\.3, 0\.6\]$/,
  );
  assert.match(
    await page.getByTestId("trend-few").innerText(),
    /\(few\): fewer than 10 changes placed by both.*too unstable to read much into/,
  );
  assert.match(
    (await rows.nth(1).locator(".few").getAttribute("title")) ?? "",
    /too unstable to read much into/,
  );
  // The table fits the width of a 1280×720 window.
  const wrap = await page.locator(".table-wrap").evaluate((e) => [e.scrollWidth, e.clientWidth]);
  assert.ok(wrap[0] <= wrap[1], `the table scrolls sideways: ${wrap}`);
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

  // Saving: the chart as PNG and SVG, then slides, each announced with what was written.
  const fake = () => page.evaluate(() => window.__PARALLAX_FAKE__.trendExports);
  const saved = page.getByTestId("trend-saved");
  assert.equal(
    await page.getByTestId("trend-deck-template").innerText(),
    "Slides in Parallax's own layout",
  );
  await page.getByRole("button", { name: "Save chart as PNG…" }).click();
  await saved.getByText(/^Saved Dev and Ops across workshops\.png/).waitFor();
  assert.equal(
    await saved.innerText(),
    "Saved Dev and Ops across workshops.png in /workshops (fake): 2 workshops, 1 file left out as above.",
  );
  await page.getByRole("button", { name: "Save chart as SVG…" }).click();
  await saved.getByText(/^Saved Dev and Ops across workshops\.svg/).waitFor();
  await page.getByRole("button", { name: "Save as slides…" }).click();
  await saved.getByText(/^Saved Dev and Ops across workshops\.pptx in /).waitFor();
  const wrote = await fake();
  assert.deepEqual(
    wrote.map((w) => [w.kind, w.file.split("/").at(-1), w.workshops.length]),
    [
      ["png", "Dev and Ops across workshops.png", 2],
      ["svg", "Dev and Ops across workshops.svg", 2],
      ["deck", "Dev and Ops across workshops.pptx", 2],
    ],
  );
  assert.deepEqual(await axe(page), []);
  await shot(page, "trends-saved");

  // A cancelled dialog writes and announces nothing; a file that is one of the workshops is
  // refused with the shell's words.
  await page.evaluate(() => (window.__PARALLAX_FAKE__.nextTrendSave = null));
  await page.getByRole("button", { name: "Save chart as PNG…" }).click();
  await page.waitForFunction(
    () =>
      !document.querySelector("[data-testid=trend-saved]")?.textContent &&
      [...document.querySelectorAll("button")].every(
        (b) => !b.textContent?.startsWith("Save") || !b.disabled,
      ),
  );
  assert.equal((await fake()).length, 3);
  await page.evaluate(
    () => (window.__PARALLAX_FAKE__.nextTrendSave = "/workshops (fake)/2026-03 platform.parallax"),
  );
  await page.getByRole("button", { name: "Save as slides…" }).click();
  await page
    .getByRole("alert")
    .getByText(/one of the workshops the trend follows/)
    .waitFor();
  assert.equal((await fake()).length, 3);
  assert.equal(await saved.innerText(), "");
  await page.evaluate(() => (window.__PARALLAX_FAKE__.nextTrendSave = undefined));

  // Unticking the broken file leaves it out of the next trend.
  await chosen.nth(2).uncheck();
  await page.getByRole("button", { name: "Show the trend (2)" }).click();
  await failed.waitFor({ state: "detached" });

  // Escape goes back where the view was opened from.
  await page.keyboard.press("Escape");
  await page.getByRole("heading", { name: "New workshop" }).waitFor();
  assert.deepEqual(errors, []);
});

test("Trends: slides go on the template remembered for Export, and say so; one gone refuses", async () => {
  const { page, errors } = await h.page(undefined, { onStart: true });
  await page.evaluate(() => window.__PARALLAX_FAKE__.chooseExportTemplate());
  await page.getByRole("button", { name: /Trends across workshops/ }).click();
  await page.getByRole("button", { name: "Choose workshops…" }).click();
  await page.getByRole("list", { name: "Chosen workshops" }).getByRole("checkbox").nth(2).uncheck();
  await page.getByRole("button", { name: "Show the trend (2)" }).click();
  await page.getByTestId("trend-table").waitFor();
  assert.equal(
    await page.getByTestId("trend-deck-template").innerText(),
    "Slides on the template house-style.potx",
  );
  await page.getByRole("button", { name: "Save as slides…" }).click();
  const saved = page.getByTestId("trend-saved");
  await saved
    .getByText(
      /^Saved Dev and Ops across workshops\.pptx on the template house-style\.potx in \/workshops \(fake\): 2 workshops\.$/,
    )
    .waitFor();
  // A chart is not built on a template.
  await page.getByRole("button", { name: "Save chart as SVG…" }).click();
  await saved
    .getByText(/^Saved Dev and Ops across workshops\.svg in \/workshops \(fake\): 2 workshops\.$/)
    .waitFor();

  // The template moved away: the slides are refused with the reason, and nothing is written.
  await page.evaluate(() => (window.__PARALLAX_FAKE__.templateUnreadable = true));
  await page.getByRole("button", { name: "Save as slides…" }).click();
  await page
    .getByRole("alert")
    .getByText(/house-style\.potx: the template cannot be read/)
    .waitFor();
  assert.equal(await saved.innerText(), "");
  assert.deepEqual(
    (await page.evaluate(() => window.__PARALLAX_FAKE__.trendExports)).map((w) => w.kind),
    ["deck", "svg"],
  );
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
});
