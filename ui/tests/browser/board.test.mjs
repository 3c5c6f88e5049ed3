// Flows on the board in headless Chromium with the fake backend: drag, keyboard, undo, blind
// mode, reveal, save, user text shown as text, and an accessibility check.

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

test("dragging a card from the tray into likelihood 4 × impact 2 for Ops places it there", async () => {
  const { page, errors } = await h.page();
  await page.getByRole("tab", { name: "Ops" }).click();
  const card = page.getByRole("button", { name: /^Rotate TLS certificates — not placed by Ops/ });
  const target = page.getByRole("gridcell", { name: "Likelihood 4 (Likely), impact 2 (Minor)" });
  await drag(page, card, target);
  const placed = target.getByRole("button", {
    name: /^Rotate TLS certificates — Ops: likelihood 4, impact 2, score 8 \(medium\)/,
  });
  await placed.waitFor();
  assert.match(await page.locator(".progress").innerText(), /Ops placed 1 of 8/);
  assert.match(await page.getByTestId("file-status").innerText(), /unsaved/);
  assert.equal(
    await page
      .getByRole("button", { name: /^Rotate TLS certificates — not placed by Ops/ })
      .count(),
    0,
  );

  // Moving it again, then back to the tray.
  await drag(page, placed, cell(page, 1, 5));
  await cell(page, 1, 5)
    .getByRole("button", { name: /^Rotate TLS certificates/ })
    .waitFor();
  await drag(
    page,
    cell(page, 1, 5).getByRole("button", { name: /^Rotate TLS certificates/ }),
    page.locator("aside.tray"),
  );
  await page
    .getByRole("button", { name: /^Rotate TLS certificates — not placed by Ops/ })
    .waitFor();
  assert.deepEqual(errors, []);
});

test("a click without movement does not place anything", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: /^Switch CDN provider/ }).click();
  assert.match(await page.locator(".progress").innerText(), /Dev placed 0 of 8/);
});

test("the keyboard places a card: Enter, arrows, Enter; Escape cancels", async () => {
  const { page } = await h.page();
  const card = page.getByRole("button", { name: /^Emergency OpenSSL patch — not placed by Dev/ });
  await card.focus();
  await page.keyboard.press("Enter");
  // Starts in the centre (3, 3): up once, left twice → likelihood 4, impact 1.
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.match(
    await page.getByTestId("announcer").innerText(),
    /Likelihood 4 \(Likely\), impact 1 \(Negligible\)/,
  );
  await page.keyboard.press("Enter");
  const placed = cell(page, 4, 1).getByRole("button", { name: /^Emergency OpenSSL patch — Dev/ });
  await placed.waitFor();
  assert.match(await page.getByTestId("announcer").innerText(), /Placed Emergency OpenSSL patch/);
  // Focus follows the card into its cell, so the facilitator can keep going.
  assert.equal(await placed.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Escape");
  await placed.waitFor();
  assert.match(await page.getByTestId("announcer").innerText(), /Cancelled/);
});

test("undo and redo follow Ctrl+Z and Ctrl+Shift+Z and show the step", async () => {
  const { page } = await h.page();
  await drag(page, page.getByRole("button", { name: /^Switch CDN provider/ }), cell(page, 2, 3));
  await cell(page, 2, 3)
    .getByRole("button", { name: /^Switch CDN provider/ })
    .waitFor();
  await page
    .getByRole("button", { name: "Undo: Place 'Switch CDN provider' to L2 × I3 (Dev)" })
    .waitFor();
  await page.keyboard.press("Control+z");
  await page.getByRole("button", { name: /^Switch CDN provider — not placed by Dev/ }).waitFor();
  await page.keyboard.press("Control+Shift+z");
  await cell(page, 2, 3)
    .getByRole("button", { name: /^Switch CDN provider/ })
    .waitFor();
});

test("blind mode hides the other perspective until Reveal", async () => {
  const { page } = await h.page();
  await drag(page, page.getByRole("button", { name: /^Upgrade PostgreSQL/ }), cell(page, 3, 4));
  await cell(page, 3, 4)
    .getByRole("button", { name: /^Upgrade PostgreSQL 14 → 16 — Dev/ })
    .waitFor();
  await page.getByRole("tab", { name: "Ops" }).click();
  assert.equal(
    await page.getByRole("button", { name: /— Dev:/ }).count(),
    0,
    "Dev's card is hidden from Ops",
  );
  await page.getByRole("button", { name: "Reveal" }).click();
  await cell(page, 3, 4)
    .getByRole("button", { name: /^Upgrade PostgreSQL 14 → 16 — Dev/ })
    .waitFor();
  await page.getByRole("button", { name: "Hide" }).waitFor();
});

test("saving clears the unsaved marker and keeps the placement", async () => {
  const { page } = await h.page();
  await drag(page, page.getByRole("button", { name: /^Raise API gateway/ }), cell(page, 1, 2));
  await cell(page, 1, 2)
    .getByRole("button", { name: /^Raise API gateway/ })
    .waitFor();
  await page.keyboard.press("Control+s");
  await page.getByTestId("file-status").filter({ hasNotText: "unsaved" }).waitFor();
  assert.match(await page.getByTestId("file-status").innerText(), /\.parallax/);
});

test("the board has no serious or critical accessibility violations", async () => {
  const { page } = await h.page();
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Reveal" }).click();
  assert.deepEqual(await axe(page), []);
});

test("cards on the matrix: a cell is named by its place, then what it shows; axe stays clean", async () => {
  const { page } = await h.page();
  const titles = [
    "Upgrade PostgreSQL",
    "Rotate TLS certificates",
    "Switch CDN provider",
    "Emergency OpenSSL patch",
    "Add an index to the orders table",
  ];
  // More cards than one cell shows, so that "+N more" is there too.
  for (const title of titles) {
    await drag(page, page.getByRole("button", { name: new RegExp(`^${title}`) }), cell(page, 3, 4));
    await page
      .locator("aside.tray")
      .getByRole("button", { name: new RegExp(`^${title}`) })
      .waitFor({ state: "detached" });
  }
  await drag(page, page.getByRole("button", { name: /^Raise API gateway/ }), cell(page, 1, 2));
  const full = cell(page, 3, 4);
  assert.equal(await full.getAttribute("aria-label"), "Likelihood 3 (Possible), impact 4 (Major)");
  assert.match(await full.locator(".more").innerText(), /^\+\d+ more$/);
  const name = await page.evaluate(
    (el) =>
      el
        .getAttribute("aria-labelledby")
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" "),
    await full.elementHandle(),
  );
  // A shared cell shows short titles, and is named by what it shows (how many cards fit depends
  // on the room the level words and their anchors leave); each card keeps its whole title as
  // its own name.
  assert.match(name, /^Likelihood 3 \(Possible\), impact 4 \(Major\) Upgrade /);
  await full.getByRole("button", { name: /^Upgrade PostgreSQL 14 → 16 — Dev/ }).waitFor();
  assert.match(name, /\+\d+ more$/);
  await page
    .getByRole("gridcell", { name: /^Likelihood 1 \(Rare\), impact 2 \(Minor\) Raise API gateway/ })
    .waitFor();
  // An empty cell keeps exactly its place as its name.
  await page
    .getByRole("gridcell", {
      name: "Likelihood 5 (Almost certain), impact 5 (Severe)",
      exact: true,
    })
    .waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Reveal" }).click();
  assert.deepEqual(await axe(page), []);
});

test("the board fits 1280×720 without cut-off controls", async () => {
  const { page } = await h.page({ width: 1280, height: 720 });
  const grid = await page.getByRole("grid").boundingBox();
  assert.ok(
    grid && grid.y + grid.height <= 720 && grid.x + grid.width <= 1280,
    "the matrix is on screen",
  );
  for (const name of ["Reveal", "Save"]) {
    const box = await page.getByRole("button", { name, exact: true }).boundingBox();
    assert.ok(
      box && box.x + box.width <= 1280 && box.y + box.height <= 720,
      `${name} is on screen`,
    );
  }
  if (process.env.SHOT_DIR) {
    await page.screenshot({ path: `${process.env.SHOT_DIR}/board-1280x720.png` });
  }
});

test("a one-line rationale can be given to the card just placed", async () => {
  const { page } = await h.page();
  await drag(
    page,
    page.getByRole("button", { name: /^Add an index to the orders table/ }),
    cell(page, 2, 3),
  );
  await cell(page, 2, 3)
    .getByRole("button", { name: /^Add an index/ })
    .waitFor();
  await page.getByPlaceholder(/One line/).fill("CONCURRENTLY, so no table lock");
  await page.getByRole("button", { name: "Save rationale" }).click();
  await page.getByTestId("announcer").filter({ hasText: "Rationale saved" }).waitFor();
  const title = await cell(page, 2, 3).locator("[data-card]").first().getAttribute("title");
  assert.match(title ?? "", /CONCURRENTLY, so no table lock/);
});
