// The board during a workshop, in headless Chromium with the fake backend: every card of a
// crowded cell stays reachable by mouse and keyboard, shared cells show short titles (the whole
// title on hover and in the name) and marker shapes, any placed card can be given its rationale,
// and Compare's queue highlights a change on the matrix and explains κ and α.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, drag, cell } from "./harness.mjs";

/** The sample, revealed, with five of Dev's cards and three of Ops's in likelihood 3 × impact 4. */
function crowded() {
  const w = JSON.parse(
    readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
  );
  const at = (likelihood, impact) => ({ likelihood, impact, rationale: "", placed_at_ms: 1 });
  for (const c of w.changes.slice(0, 5)) c.placements.dev = at(3, 4);
  for (const c of w.changes.slice(0, 3)) c.placements.ops = at(3, 4);
  w.changes[5].placements.dev = at(1, 2);
  w.changes[5].placements.ops = at(4, 2);
  w.phase = "revealed";
  return w;
}

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

async function open(workshop = crowded(), viewport = { width: 1280, height: 720 }) {
  const context = await h.browser.newContext({ viewport });
  await context.addInitScript((w) => {
    // @ts-ignore: read by the fake backend (see lib/backend/fake.ts)
    window.__PARALLAX_FAKE_WORKSHOP__ = w;
  }, workshop);
  const page = await context.newPage();
  await page.goto(h.url);
  await page.getByRole("grid").waitFor();
  return page;
}

/** Dev's cards that the crowded cell does not show. */
async function hiddenDevTitles(page) {
  const shown = await cell(page, 3, 4)
    .locator('.cards [data-card$=":dev"]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-card")?.split(":")[0]));
  const all = crowded().changes.filter((c) => c.placements.dev?.impact === 4);
  return all.filter((c) => !shown.includes(c.id)).map((c) => c.title);
}

test("a card hidden under '+N more' is listed with its handles and dragged out by mouse", async () => {
  const page = await open();
  const hidden = await hiddenDevTitles(page);
  assert.ok(hidden.length > 0, "the cell is crowded enough to hide some of Dev's cards");
  const more = cell(page, 3, 4).getByRole("button", { name: /^\+\d+ more/ });
  await more.click();
  const list = page.getByRole("region", { name: /^All cards at Likelihood 3/ });
  await list.waitFor();
  assert.equal(await more.getAttribute("aria-expanded"), "true");
  // Every card of the cell is in the list, Dev's movable, Ops's not (it is Ops's to move).
  assert.equal(await list.locator("[data-card]").count(), 8);
  const title = hidden[hidden.length - 1];
  const card = list.getByRole("button", { name: new RegExp(`^${title} — Dev`) });
  assert.equal(await card.getAttribute("tabindex"), "0");
  assert.equal(
    await list.locator('[data-card$=":ops"]').first().getAttribute("aria-disabled"),
    "true",
  );
  await drag(page, card, cell(page, 1, 1));
  await cell(page, 1, 1)
    .getByRole("button", { name: new RegExp(`^${title} — Dev: likelihood 1, impact 1`) })
    .waitFor();
  await list.waitFor({ state: "detached" });
});

test("the keyboard reaches a hidden card: Enter on '+N more', Tab to it, Enter, arrows, Enter", async () => {
  const page = await open();
  const hidden = await hiddenDevTitles(page);
  const title = hidden[0];
  await cell(page, 3, 4)
    .getByRole("button", { name: /^\+\d+ more/ })
    .focus();
  await page.keyboard.press("Enter");
  const list = page.locator("#cell-list");
  await list.waitFor();
  const card = list.getByRole("button", { name: new RegExp(`^${title} — Dev`) });
  for (let k = 0; k < 10 && !(await card.evaluate((c) => c === document.activeElement)); k++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await card.evaluate((c) => c === document.activeElement), true, "Tab reaches it");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const placed = cell(page, 1, 4).getByRole("button", { name: new RegExp(`^${title} — Dev`) });
  await placed.waitFor();
  assert.equal(await placed.evaluate((c) => c === document.activeElement), true);
  // Escape closes the list and gives the focus back to its button.
  await cell(page, 3, 4)
    .getByRole("button", { name: /^\+\d+ more/ })
    .click();
  await list.waitFor();
  await page.keyboard.press("Escape");
  await list.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("more")), true);
});

test("shared cells show short titles with marker shapes; the whole title on hover and in the name", async () => {
  const page = await open();
  const shared = cell(page, 3, 4);
  const card = shared.getByRole("button", { name: /^Upgrade PostgreSQL 14 → 16 — Dev/ });
  assert.equal(await card.getAttribute("title"), "Upgrade PostgreSQL 14 → 16");
  // The ellipsis is drawn by CSS (it stays out of the name); the shape leads the title.
  assert.equal(await card.locator(".title .marker").innerText(), "●\u00a0");
  assert.equal(await card.locator(".cut").innerText(), "Upgrade");
  // Ops's cards carry Ops's shape, so a greyscale projector still tells them apart.
  await shared.locator(".more").click();
  const ops = page.locator('#cell-list [data-card$=":ops"]').first();
  assert.match(await ops.locator(".meta .marker").innerText(), /■/);
});

test("clicking or focusing any placed card makes it the one 'Why there?' edits, saved as a Why step", async () => {
  const page = await open();
  await page.getByRole("tab", { name: "Dev" }).waitFor();
  // Not the card placed last: one placed before this session.
  const target = cell(page, 1, 2).getByRole("button", { name: /^Emergency OpenSSL patch — Dev/ });
  await target.click();
  const form = page.locator("form.rationale");
  await form.waitFor();
  assert.match(await form.innerText(), /Why there\?\s+Emergency OpenSSL patch \(Dev\)/);
  await page.getByPlaceholder(/One line/).fill("a patch, but a forced restart of every node");
  await page.getByRole("button", { name: "Save rationale" }).click();
  await page.getByTestId("announcer").filter({ hasText: "Rationale saved" }).waitFor();
  assert.match(
    (await target.getAttribute("title")) ?? "",
    /a patch, but a forced restart of every node/,
  );
  // Its own step in the history, not another move.
  await page
    .getByRole("button", {
      name: "Undo: Why: 'a patch, but a forced restart of every node' for 'Emergency OpenSSL patch' (Dev)",
    })
    .waitFor();
  // Focus alone chooses too (keyboard users).
  const other = cell(page, 3, 4).locator('[data-card="c1:dev"]');
  await other.focus();
  assert.match(await form.innerText(), /Why there\?\s+Upgrade PostgreSQL 14 → 16 \(Dev\)/);
  assert.equal(await page.getByPlaceholder(/One line/).inputValue(), "");
});

test("compare: the queue says what its boxes do, highlights a change, explains κ and α", async () => {
  const page = await open();
  await page
    .getByRole("navigation", { name: "Workshop steps" })
    .getByRole("button", { name: "Compare" })
    .click();
  const overlay = page.getByTestId("overlay");
  await overlay.locator("svg .marker").first().waitFor();
  const box = page.getByRole("checkbox", { name: /^show on the matrix Rotate TLS certificates$/ });
  assert.equal(await box.isChecked(), true);
  assert.equal(await page.getByText("show on the matrix").first().isVisible(), true);

  // Choosing a change in the queue highlights its markers and arrow and fades the rest.
  const pick = page.getByRole("button", { name: /Emergency OpenSSL patch/ });
  await pick.click();
  assert.equal(await pick.getAttribute("aria-pressed"), "true");
  assert.equal(await overlay.locator("svg .marker.focused").count(), 2);
  assert.ok((await overlay.locator("svg .marker.faded").count()) >= 6);
  assert.equal(await overlay.locator("svg line.focused").count(), 1);
  await pick.click();
  assert.equal(await overlay.locator("svg .marker.faded").count(), 0);

  // κ and α explain themselves in one plain line, on focus as on hover.
  const kappa = page.getByRole("button", { name: "κ (weighted)" });
  await kappa.focus();
  const tip = page.locator("#explain-kappa");
  assert.equal(await tip.isVisible(), true);
  assert.match(
    await tip.innerText(),
    /agreement beyond chance: 1 = perfect, 0 = no better than chance/,
  );
  await page.getByRole("button", { name: "α (Krippendorff)" }).hover();
  assert.equal(await page.locator("#explain-alpha").isVisible(), true);
});

test("a level's definition opens beside the matrix, never over its cells, presenting or not", async () => {
  for (const [width, height] of [
    [1280, 720],
    [1024, 768],
  ]) {
    const page = await open(crowded(), { width, height });
    for (const presenting of [false, true]) {
      if (presenting) await page.getByRole("button", { name: "Present" }).click();
      const grid = await page.getByRole("grid").boundingBox();
      for (const id of ["board-l1", "board-l5", "board-i1", "board-i5"]) {
        await page.locator(`[aria-describedby="${id}"]`).hover();
        const tip = page.locator(`#${id}`);
        await tip.waitFor();
        const b = await tip.boundingBox();
        const over =
          b.x < grid.x + grid.width &&
          b.x + b.width > grid.x &&
          b.y < grid.y + grid.height &&
          b.y + b.height > grid.y;
        assert.ok(
          !over,
          `${id} covers the matrix at ${width}×${height} (presenting: ${presenting})`,
        );
        assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= width && b.y + b.height <= height);
      }
    }
    await page.context().close();
  }
});
