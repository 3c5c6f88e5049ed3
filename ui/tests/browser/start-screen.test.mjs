// The first minutes: the window opens on the start screen; a new workshop from a template, the
// sample, a recent workshop and Import CSV… are each one choice away; the untouched sample never
// asks to be saved; the workshop is renamed in the header and in Prepare. Headless Chromium, fake
// backend (which counts the questions about unsaved changes the shell would ask).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

const fake = (page, what) => page.evaluate((w) => window.__PARALLAX_FAKE__[w], what);

test("the window opens on the start screen, and a new 3×3 workshop opens in Prepare", async () => {
  const { page, errors } = await h.page(undefined, { onStart: true });
  assert.equal(await page.getByRole("grid").count(), 0, "no matrix behind the start screen");
  // The keyboard starts on the first choice.
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ""), /5 × 5/);
  await page.getByRole("button", { name: /3 × 3/ }).click();
  await page.getByRole("heading", { name: /Matrix 3×3/ }).waitFor();
  assert.match(
    await page
      .getByRole("button", { name: /Workshop title: New workshop/ })
      .first()
      .innerText(),
    /New workshop/,
  );
  assert.doesNotMatch(await page.getByTestId("file-status").innerText(), /unsaved/);
  assert.equal(await fake(page, "questions"), 0);
  assert.deepEqual(errors, []);
});

test("the sample opens in Place, untouched; opening another workshop from it asks nothing", async () => {
  const { page, errors } = await h.page(undefined, { onStart: true });
  // A saved workshop to open later: a new one, saved (Ctrl+S).
  await page.getByRole("button", { name: /4 × 4/ }).click();
  await page.getByRole("heading", { name: /Matrix 4×4/ }).waitFor();
  await page.keyboard.press("Control+s");
  await page.getByTestId("file-status").filter({ hasText: "New workshop.parallax" }).waitFor();

  await page.getByRole("button", { name: "⌂ Start" }).click();
  await page.getByRole("button", { name: /Sample workshop/ }).click();
  await page.getByRole("grid").waitFor();
  await page.getByRole("tab", { name: /Dev/ }).waitFor();
  assert.doesNotMatch(await page.getByTestId("file-status").innerText(), /unsaved/);
  assert.doesNotMatch(await page.title(), /•/);

  await page.keyboard.press("Control+o");
  await page.getByTestId("file-status").filter({ hasText: "New workshop.parallax" }).waitFor();
  assert.equal(await fake(page, "questions"), 0, "the untouched sample never asks to be saved");
  assert.deepEqual(errors, []);
});

test("a recent workshop opens from the start screen, and Back returns to the open one", async () => {
  const { page, errors } = await h.page();
  await page.keyboard.press("Control+s");
  await page.getByTestId("file-status").filter({ hasText: ".parallax" }).waitFor();
  await page.getByRole("button", { name: "⌂ Start" }).click();
  await page.getByRole("button", { name: /← Back to Sample/ }).click();
  await page.getByRole("grid").waitFor();

  await page.getByRole("button", { name: "⌂ Start" }).click();
  await page.getByRole("button", { name: /5 × 5/ }).click();
  await page.getByRole("heading", { name: /Matrix 5×5/ }).waitFor();
  await page.getByRole("button", { name: "⌂ Start" }).click();
  const recent = page.getByRole("region", { name: "Recent workshops" }).getByRole("button");
  await recent.first().waitFor();
  assert.match(await recent.first().innerText(), /Sample: platform changes/);
  await recent.first().click();
  await page.getByRole("grid").waitFor();
  assert.match(await page.getByTestId("file-status").innerText(), /Sample- platform/);
  assert.equal(await fake(page, "questions"), 0);
  assert.deepEqual(errors, []);
});

test("Import CSV… on the start screen opens the import preview, and applying it leaves", async () => {
  const { page, errors } = await h.page(undefined, { onStart: true });
  await page.getByRole("button", { name: /Import CSV…/ }).click();
  const dialog = page.getByRole("dialog", { name: /Import changes\.csv/ });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: /Open as a new workshop/ }).click();
  await page.getByRole("grid").waitFor();
  assert.match(
    await page.getByRole("button", { name: /Workshop title: changes/ }).innerText(),
    /changes/,
  );
  assert.equal(await fake(page, "questions"), 0);
  assert.deepEqual(errors, []);
});

test("the workshop is renamed in the header: Enter saves, Escape cancels", async () => {
  const { page, errors } = await h.page();
  const title = page.locator("header").getByRole("button", { name: /Workshop title:/ });
  await title.focus();
  await page.keyboard.press("Enter");
  const field = page.locator("header").getByRole("textbox", { name: "Workshop title" });
  await field.fill("Quarterly platform review");
  await page.keyboard.press("Enter");
  await title.filter({ hasText: "Quarterly platform review" }).waitFor();
  const held = await page.evaluate(() => window.__PARALLAX_FAKE__.snapshot().title);
  assert.equal(held, "Quarterly platform review");
  assert.match(await page.getByTestId("file-status").innerText(), /unsaved/);

  await title.click();
  await field.fill("Not this");
  await page.keyboard.press("Escape");
  await title.filter({ hasText: "Quarterly platform review" }).waitFor();
  assert.equal(
    await page.evaluate(() => window.__PARALLAX_FAKE__.snapshot().title),
    "Quarterly platform review",
  );
  assert.deepEqual(errors, []);
});

test("the workshop is renamed in Prepare; a refusal shows why and keeps the text", async () => {
  const { page, errors } = await h.page();
  await page.getByRole("button", { name: /Prepare/ }).click();
  const prepare = page.locator("main");
  await prepare.getByRole("button", { name: /Workshop title:/ }).click();
  const field = prepare.getByRole("textbox", { name: "Workshop title" });
  const tooLong = "x".repeat(600);
  await field.fill(tooLong);
  await page.keyboard.press("Enter");
  await page.getByRole("alert").waitFor();
  assert.equal(await field.inputValue(), tooLong, "the typed title is kept");

  await field.fill("שינויים ברבעון — Q3");
  await page.keyboard.press("Enter");
  await prepare.getByRole("button", { name: /Workshop title: שינויים/ }).waitFor();
  assert.equal(
    await page.evaluate(() => window.__PARALLAX_FAKE__.snapshot().title),
    "שינויים ברבעון — Q3",
  );
  assert.equal(
    await prepare.getByRole("button", { name: /Workshop title:/ }).getAttribute("dir"),
    "auto",
  );
  // The header shows the new title too.
  await page
    .locator("header")
    .getByRole("button", { name: /Workshop title: שינויים/ })
    .waitFor();
  assert.deepEqual(errors, []);
});
