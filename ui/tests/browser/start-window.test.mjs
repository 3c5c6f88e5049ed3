// The window stays still for the room: global shortcuts rest while a dialog is open (Ctrl+O
// behind the export dialog opens nothing), and a problem message, the unsaved marker and the
// placing texts that change as cards are placed never move the matrix. Headless Chromium, fake
// backend.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, drag, cell } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

test("Ctrl+O, Ctrl+S and Ctrl+H do nothing while a dialog is open", async () => {
  const { page, errors } = await h.page();
  await page.keyboard.press("Control+e");
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await page.keyboard.press("Control+o");
  await page.keyboard.press("Control+s");
  await page.keyboard.press("Control+h");
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__PARALLAX_FAKE__.opens), 0, "nothing opened");
  assert.equal(await page.evaluate(() => window.__PARALLAX_FAKE__.savedCopy()), null);
  assert.ok(await dialog.isVisible(), "the dialog is still there");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await page.keyboard.press("Control+o");
  await page.waitForFunction(() => window.__PARALLAX_FAKE__.opens === 1);
  assert.deepEqual(errors, []);
});

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
]) {
  test(`at ${viewport.width}×${viewport.height} the matrix stays put`, async () => {
    const { page, errors } = await h.page(viewport);
    const grid = page.getByRole("grid");
    const where = async () => JSON.stringify(await grid.boundingBox());
    const first = await where();

    // The first edit: the unsaved marker appears in the header, the counts change.
    await drag(page, page.locator("aside.tray [data-card]").first(), cell(page, 2, 2));
    await page.getByTestId("file-status").filter({ hasText: "unsaved" }).waitFor();
    assert.equal(await where(), first, "the unsaved marker moved the matrix");

    // A refused edit: its message shows.
    await page.evaluate(() => {
      const fake = window.__PARALLAX_FAKE__;
      fake.realApplyEdit = fake.applyEdit;
      fake.applyEdit = async () => {
        throw { code: "invalid_edit", message: "refused ".repeat(30) };
      };
    });
    await drag(page, page.locator("aside.tray [data-card]").first(), cell(page, 3, 3));
    await page.getByRole("alert").waitFor();
    assert.equal(await where(), first, "the problem message moved the matrix");

    // Reveal changes the text above the matrix.
    await page.evaluate(() => {
      const fake = window.__PARALLAX_FAKE__;
      fake.applyEdit = fake.realApplyEdit;
    });
    await page.getByRole("button", { name: "Reveal" }).click();
    await page.getByRole("button", { name: "Hide" }).waitFor();
    assert.equal(await where(), first, "the placing texts moved the matrix");
    assert.deepEqual(errors, []);
  });
}
