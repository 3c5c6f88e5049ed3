// The Export dialog's deck choices in headless Chromium on the fake backend: charts as shapes or
// pictures, the pairs compared, the company template remembered (and a way back to none), and a
// dialog whose top edge stays put while its choices change.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, axe } from "./harness.mjs";

const sample = JSON.parse(
  readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
);

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

/** A page on the sample with a third perspective, Security. */
async function threePerspectives() {
  const w = structuredClone(sample);
  w.perspectives.push({ id: "sec", name: "Security", color: "#2b8a3e" });
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.addInitScript((w) => {
    window.__PARALLAX_FAKE_WORKSHOP__ = w;
  }, w);
  await page.goto(h.url);
  await page.getByRole("grid").waitFor();
  return page;
}

async function openExport(page) {
  await page.getByRole("button", { name: "Export…" }).click();
  const dialog = page.getByRole("dialog", { name: "Export" });
  await dialog.waitFor();
  return dialog;
}

const exports = (page) => page.evaluate(() => window.__PARALLAX_FAKE__.exports);

async function exportNow(dialog) {
  await dialog.getByRole("button", { name: "Export…" }).click();
  await dialog.getByRole("status").waitFor();
}

test("the deck: shapes and every pair unless chosen otherwise", async () => {
  const page = await threePerspectives();
  const dialog = await openExport(page);
  assert.equal(await dialog.getByLabel(/PowerPoint deck/).isChecked(), true);
  assert.equal(await dialog.getByLabel("Charts as shapes you can edit").isChecked(), true);
  for (const pair of ["Dev and Ops", "Dev and Security", "Ops and Security"]) {
    assert.equal(await dialog.getByLabel(pair).isChecked(), true, pair);
  }
  assert.deepEqual(await axe(page), []);
  await exportNow(dialog);
  let sent = (await exports(page)).at(-1);
  assert.equal(sent.kind, "deck");
  assert.equal(sent.charts, "shapes");
  assert.deepEqual(sent.pairs, [], "every pair once: the engine's default");

  await dialog.getByLabel("Charts as pictures").check();
  await dialog.getByLabel("Dev and Security").uncheck();
  await exportNow(dialog);
  sent = (await exports(page)).at(-1);
  assert.equal(sent.charts, "pictures");
  assert.deepEqual(sent.pairs, [
    { from: "dev", to: "ops" },
    { from: "ops", to: "sec" },
  ]);

  // No pair at all is not a deck: Export waits for one.
  await dialog.getByLabel("Dev and Ops").uncheck();
  await dialog.getByLabel("Ops and Security").uncheck();
  assert.equal(await dialog.getByRole("button", { name: "Export…" }).isDisabled(), true);
  assert.match(await dialog.innerText(), /Tick at least one pair/);
});

test("a template is chosen, remembered after the dialog closes, refused when broken, and dropped", async () => {
  const { page } = await h.page();
  let dialog = await openExport(page);
  assert.match(await dialog.innerText(), /Template: none/);
  // Two perspectives make one pair: nothing to choose.
  assert.equal(await dialog.getByRole("group", { name: "Compare" }).count(), 0);
  await dialog.getByRole("button", { name: "Use a template…" }).click();
  await dialog.getByText("house-style.potx").waitFor();

  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
  dialog = await openExport(page);
  await dialog.getByText("house-style.potx").waitFor();
  assert.deepEqual(await axe(page), []);

  // A file that is not a template: the reason is shown and the choice stays.
  await page.evaluate(() => (window.__PARALLAX_FAKE__.nextTemplate = "broken.pptx"));
  await dialog.getByRole("button", { name: "Another template…" }).click();
  await dialog.getByRole("alert").waitFor();
  assert.match(await dialog.getByRole("alert").innerText(), /broken\.pptx is not a presentation/);
  assert.match(await dialog.innerText(), /house-style\.potx/);
  // Cancelled: the choice stays too.
  await page.evaluate(() => (window.__PARALLAX_FAKE__.nextTemplate = null));
  await dialog.getByRole("button", { name: "Another template…" }).click();
  assert.match(await dialog.innerText(), /house-style\.potx/);

  await dialog.getByRole("button", { name: "No template" }).click();
  await dialog.getByText(/Template: none/).waitFor();
  assert.equal(await page.evaluate(() => window.__PARALLAX_FAKE__.exportTemplate()), null);
});

test("the dialog keeps its position while its choices change", async () => {
  const { page } = await h.page();
  const dialog = await openExport(page);
  const top = async () => (await dialog.boundingBox()).y;
  const first = await top();
  for (const kind of [/Chart as PNG/, /CSV/, /PowerPoint deck/, /Markdown report/]) {
    await dialog.getByLabel(kind).check();
    assert.equal(await top(), first, `the dialog moved when ${kind} was chosen`);
  }
});
