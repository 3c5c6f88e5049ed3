// The undo history in headless Chromium with the fake backend: the History control lists the
// steps with their labels, picking an older step undoes (or redoes) everything down to it in one
// go, it works from the keyboard, passes axe, and fits the header at 1280×720 (also presenting).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, drag, axe, cell } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

const STEPS = [
  ["Switch CDN provider", 2, 3],
  ["Upgrade PostgreSQL 14 → 16", 3, 4],
  ["Raise API gateway rate limits", 1, 2],
];

/** Places three of Dev's cards, one after the other. */
async function placeThree(page) {
  for (const [title, l, i] of STEPS) {
    await drag(page, page.getByRole("button", { name: new RegExp(`^${title}`) }), cell(page, l, i));
    await cell(page, l, i)
      .getByRole("button", { name: new RegExp(`^${title} — Dev`) })
      .waitFor();
  }
}

const inTray = (page, title) =>
  page.getByRole("button", { name: new RegExp(`^${title} — not placed by Dev`) });
const onCell = (page, [title, l, i]) =>
  cell(page, l, i).getByRole("button", { name: new RegExp(`^${title} — Dev`) });

test("picking an older step in History undoes every step down to it, then redoes them", async () => {
  const { page, errors } = await h.page();
  const history = page.getByRole("button", { name: "History" });
  assert.equal(await history.isDisabled(), true, "nothing to list before the first step");
  await placeThree(page);

  await history.click();
  assert.equal(await history.getAttribute("aria-expanded"), "true");
  const undoList = page.getByRole("list", { name: "Undo back to before" });
  const labels = (list) =>
    list.locator("button .label").evaluateAll((ls) => ls.map((l) => l.textContent));
  assert.deepEqual(await labels(undoList), [
    "Place 'Raise API gateway rate limits' to L1 × I2 (Dev)",
    "Place 'Upgrade PostgreSQL 14 → 16' to L3 × I4 (Dev)",
    "Place 'Switch CDN provider' to L2 × I3 (Dev)",
  ]);
  for (const name of [
    "Undo 1 step: Place 'Raise API gateway rate limits' to L1 × I2 (Dev)",
    "Undo 2 steps: Place 'Upgrade PostgreSQL 14 → 16' to L3 × I4 (Dev)",
    "Undo 3 steps: Place 'Switch CDN provider' to L2 × I3 (Dev)",
  ]) {
    assert.equal(await undoList.getByRole("button", { name, exact: true }).count(), 1, name);
  }
  // The newest step has the focus, so the keyboard starts where a facilitator usually wants.
  assert.equal(
    await undoList
      .getByRole("button")
      .first()
      .evaluate((b) => b === document.activeElement),
    true,
  );

  await page.getByRole("button", { name: /^Undo 2 steps: Place 'Upgrade PostgreSQL/ }).click();
  await inTray(page, STEPS[1][0]).waitFor();
  await inTray(page, STEPS[2][0]).waitFor();
  await onCell(page, STEPS[0]).waitFor();
  assert.match(await page.locator(".progress").innerText(), /Dev placed 1 of 8/);
  await page
    .getByRole("button", { name: "Undo: Place 'Switch CDN provider' to L2 × I3 (Dev)" })
    .waitFor();
  await page
    .getByRole("button", { name: "Redo: Place 'Upgrade PostgreSQL 14 → 16' to L3 × I4 (Dev)" })
    .waitFor();
  assert.equal(await history.getAttribute("aria-expanded"), "false", "a choice closes the list");
  assert.equal(await history.evaluate((b) => b === document.activeElement), true);

  // From the keyboard: open, End to the furthest redo, Enter.
  await page.keyboard.press("Enter");
  const redoList = page.getByRole("list", { name: "Redo up to" });
  assert.deepEqual(await labels(redoList), [
    "Place 'Upgrade PostgreSQL 14 → 16' to L3 × I4 (Dev)",
    "Place 'Raise API gateway rate limits' to L1 × I2 (Dev)",
  ]);
  await page.keyboard.press("End");
  assert.equal(
    await redoList
      .getByRole("button")
      .last()
      .evaluate((b) => b === document.activeElement),
    true,
  );
  await page.keyboard.press("Enter");
  for (const step of STEPS) await onCell(page, step).waitFor();
  assert.match(await page.locator(".progress").innerText(), /Dev placed 3 of 8/);
  assert.equal(await page.getByRole("button", { name: /^Redo/ }).first().isDisabled(), true);
  assert.deepEqual(errors, []);
});

test("Escape closes the history without leaving presentation mode; tabbing out closes it", async () => {
  const { page } = await h.page();
  await placeThree(page);
  await page.getByRole("button", { name: "Present" }).click();
  const history = page.getByRole("button", { name: "History" });
  await history.click();
  await page.getByRole("list", { name: "Undo back to before" }).waitFor();
  await page.keyboard.press("Escape");
  assert.equal(await history.getAttribute("aria-expanded"), "false");
  assert.equal(await history.evaluate((b) => b === document.activeElement), true);
  assert.equal(
    await page.evaluate(() => document.documentElement.classList.contains("present")),
    true,
  );
  await history.click();
  // A click on the list's heading is no choice: the list stays open.
  await page.getByRole("heading", { name: "Undo back to before" }).click();
  assert.equal(await history.getAttribute("aria-expanded"), "true");
  await page.getByRole("button", { name: /^Undo 1 step/ }).focus();
  await page.keyboard.press("End");
  await page.keyboard.press("Tab");
  assert.equal(await history.getAttribute("aria-expanded"), "false");
  // Nothing was undone by opening and closing.
  for (const step of STEPS) await onCell(page, step).waitFor();
});

test("Ctrl+H opens the history on the newest step; Enter undoes it", async () => {
  const { page } = await h.page();
  await placeThree(page);
  await page.keyboard.press("Control+h");
  const newest = page.getByRole("button", { name: /^Undo 1 step/ });
  await newest.waitFor();
  assert.equal(await newest.evaluate((b) => b === document.activeElement), true);
  await page.keyboard.press("Enter");
  await inTray(page, STEPS[2][0]).waitFor();
  for (const step of STEPS.slice(0, 2)) await onCell(page, step).waitFor();
});

test("the open history has no serious or critical accessibility violations", async () => {
  const { page } = await h.page();
  // Steps that put no card on the matrix: axe then checks the history, not the cards in cells.
  await page.getByRole("button", { name: "Reveal" }).click();
  await page.getByRole("button", { name: "Hide" }).click();
  await page.getByRole("button", { name: "Reveal" }).click();
  await page.keyboard.press("Control+z");
  await page.getByRole("button", { name: "Redo: Reveal" }).waitFor();
  await page.getByRole("button", { name: "History" }).click();
  await page.getByRole("button", { name: "Undo 2 steps: Reveal", exact: true }).waitFor();
  await page.getByRole("button", { name: "Redo 1 step: Reveal", exact: true }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.keyboard.press("Escape");
  assert.deepEqual(await axe(page), [], "closed, pointing at a list that is not there");
  await page.getByRole("button", { name: "Dark theme" }).click();
  await page.getByRole("button", { name: "History" }).click();
  assert.deepEqual(await axe(page), []);
  if (process.env.SHOT_DIR) {
    await page.screenshot({ path: `${process.env.SHOT_DIR}/history-dark-1280x720.png` });
  }
});

/** Every header control is on screen and none overlaps another. */
async function headerFits(page) {
  const boxes = await page.locator("header button, header input, header h1").evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      // A control inside another listed element (the title's button in its heading) is part of
      // it, not over it.
      const inside = els.some((o) => o !== e && o.contains(e));
      return { name: e.getAttribute("aria-label") ?? e.textContent?.trim(), r: r.toJSON(), inside };
    }),
  );
  for (const { name, r } of boxes) {
    assert.ok(r.left >= 0 && r.right <= 1280 && r.top >= 0 && r.bottom <= 720, `${name} on screen`);
  }
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      if (boxes[a].inside || boxes[b].inside) continue;
      const [x, y] = [boxes[a].r, boxes[b].r];
      const overlap =
        x.left < y.right - 1 &&
        y.left < x.right - 1 &&
        x.top < y.bottom - 1 &&
        y.top < x.bottom - 1;
      assert.ok(!overlap, `${boxes[a].name} and ${boxes[b].name} overlap`);
    }
  }
}

test("History and its list fit 1280×720, also in presentation mode", async () => {
  const { page } = await h.page({ width: 1280, height: 720 });
  await placeThree(page);
  for (const presenting of [false, true]) {
    if (presenting) await page.getByRole("button", { name: "Present" }).click();
    await headerFits(page);
    await page.getByRole("button", { name: "History" }).click();
    const panel = await page.locator("#history-panel").boundingBox();
    assert.ok(
      panel && panel.x >= 0 && panel.x + panel.width <= 1280 && panel.y + panel.height <= 720,
      `the list is on screen (presenting: ${presenting})`,
    );
    const grid = await page.getByRole("grid").boundingBox();
    assert.ok(grid && grid.y + grid.height <= 720, "the matrix still fits");
    if (process.env.SHOT_DIR) {
      const name = presenting ? "history-present" : "history";
      await page.screenshot({ path: `${process.env.SHOT_DIR}/${name}-1280x720.png` });
    }
    await page.keyboard.press("Escape");
  }
});
