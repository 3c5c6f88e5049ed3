// Every edit reaches the backend in order, or is refused where the facilitator can see it: edits
// fired faster than the backend answers all arrive (none is dropped while another is in flight),
// and a refused edit says why instead of announcing success. Headless Chromium, fake backend.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, drag, cell } from "./harness.mjs";

const sample = JSON.parse(
  readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
);

/** The sample with 24 unplaced changes, so that 20 placements fit in the tray. */
function workshopOf(n) {
  const changes = Array.from({ length: n }, (_, i) => {
    const base = sample.changes[i % sample.changes.length];
    return { ...base, id: `c${i + 1}`, title: `${base.title} #${i + 1}`, placements: {} };
  });
  return { ...sample, changes };
}

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

test("20 keyboard placements fired without waiting all reach the backend", async () => {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.addInitScript((w) => {
    window.__PARALLAX_FAKE_WORKSHOP__ = w;
  }, workshopOf(24));
  await page.goto(h.url);
  await page.getByRole("grid").waitFor();
  await page.locator("aside.tray [data-card]").nth(19).waitFor();

  // One task, no waiting in between: each card is picked up, moved and dropped before the
  // backend has answered the one before it.
  const fired = await page.evaluate(() => {
    const key = (el, k) =>
      el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
    const cards = [...document.querySelectorAll("aside.tray [data-card]")].slice(0, 20);
    cards.forEach((card, i) => {
      key(card, "Enter");
      for (let k = 0; k < i % 3; k++) key(card, "ArrowUp");
      key(card, "Enter");
    });
    return cards.map((c) => c.getAttribute("data-card"));
  });
  assert.equal(fired.length, 20);

  // Ask the backend itself, not the screen.
  const placedIn = () =>
    page.evaluate(async () => {
      const view = await window.__PARALLAX_FAKE__.getWorkshop();
      return view.workshop.changes.filter((c) => c.placements.dev).map((c) => `${c.id}:dev`);
    });
  await page
    .waitForFunction(
      async () => {
        const view = await window.__PARALLAX_FAKE__.getWorkshop();
        return view.workshop.changes.filter((c) => c.placements.dev).length >= 20;
      },
      null,
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.deepEqual((await placedIn()).sort(), [...fired].sort());
  assert.match(await page.locator(".progress").innerText(), /Dev placed 20 of 24/);
  await context.close();
});

test("a refused edit shows its message and keeps the rationale typed", async () => {
  const { page, errors } = await h.page();
  await drag(
    page,
    page.getByRole("button", { name: /^Add an index to the orders table/ }),
    cell(page, 2, 3),
  );
  await page.getByTestId("announcer").filter({ hasText: "Placed Add an index" }).waitFor();
  await page.getByPlaceholder(/One line/).fill("CONCURRENTLY, so no table lock");
  // The change goes away behind the board's back (as a second window or a hand-over would),
  // so the engine refuses the rationale.
  await page.evaluate(() =>
    window.__PARALLAX_FAKE__.applyEdit({ kind: "remove_change", change: "c7" }),
  );
  await page.getByRole("button", { name: "Save rationale" }).click();
  const announcer = page.getByTestId("announcer");
  await announcer.filter({ hasText: /no change with id "c7"/ }).waitFor();
  assert.doesNotMatch(await announcer.innerText(), /Rationale saved/);
  assert.match(await page.getByRole("alert").innerText(), /no change with id "c7"/);
  assert.equal(
    await page.getByPlaceholder(/One line/).inputValue(),
    "CONCURRENTLY, so no table lock",
  );
  assert.deepEqual(errors, []);
});
