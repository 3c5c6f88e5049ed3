// The CSV import dialog in headless Chromium with the fake backend (a Jira-shaped file with a
// quote left open on line 4): every column is listed with its role, the warning names its line,
// changing a role, a type value or the delimiter previews again, the mapping shown is the one
// the import uses, and nothing changes until Import.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, axe } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

async function openImport(page) {
  await page
    .getByRole("navigation", { name: "Workshop steps" })
    .getByRole("button", { name: "Prepare" })
    .click();
  await page.getByRole("button", { name: "Import CSV…" }).click();
  const dialog = page.getByRole("dialog", { name: "Import jira-export" });
  await dialog.waitFor();
  return dialog;
}

const role = (dialog, n, header) =>
  dialog.getByRole("combobox", { name: `Role of column ${n}, ${header}`, exact: true });

test("import: every column shows its role and the broken quote is warned with its line", async () => {
  const { page, errors } = await h.page();
  const dialog = await openImport(page);
  const headers = await dialog
    .getByRole("table", { name: "Columns of the file and what each becomes" })
    .locator("tbody th")
    .allInnerTexts();
  assert.deepEqual(headers, [
    "Summary",
    "Issue key",
    "Issue Type",
    "Labels",
    "Labels",
    "Description",
    "Priority",
  ]);
  assert.equal(await role(dialog, 1, "Summary").inputValue(), "title");
  assert.equal(await role(dialog, 4, "Labels").inputValue(), "tags");
  assert.equal(await role(dialog, 5, "Labels").inputValue(), "tags");
  assert.equal(await role(dialog, 7, "Priority").inputValue(), "ignored");
  const warnings = dialog.getByRole("region", { name: "Warnings" });
  assert.match(await warnings.innerText(), /Line 4: a quote opens here and is never closed/);
  assert.equal(await dialog.getByLabel("Delimiter").inputValue(), "comma");
  assert.equal(await dialog.getByLabel("Encoding").inputValue(), "utf-8");
  assert.deepEqual(await axe(page), []);
  // Cancel changes nothing.
  const before = await page.locator("#changes-title").innerText();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.locator("#changes-title").innerText(), before);
  assert.deepEqual(errors, []);
});

test("import: the mapping is changed in the preview and the import follows it", async () => {
  const { page, errors } = await h.page();
  const dialog = await openImport(page);
  // Without a title column the preview says why and Import waits.
  await role(dialog, 1, "Summary").selectOption("ignored");
  await dialog
    .getByRole("alert")
    .getByText(/no column is mapped to title/)
    .waitFor();
  assert.equal(await dialog.getByRole("button", { name: "Import" }).isDisabled(), true);
  // The ticket column becomes the title; a type value is mapped; the delimiter is chosen.
  await role(dialog, 2, "Issue key").selectOption("title");
  await dialog
    .getByRole("list", { name: "First changes" })
    .getByText("OPS-1", { exact: true })
    .waitFor();
  await dialog.getByRole("combobox", { name: "Change type for Story" }).selectOption("emergency");
  await dialog
    .getByRole("list", { name: "First changes" })
    .getByText("emergency", { exact: false })
    .waitFor();
  await dialog.getByLabel("Delimiter").selectOption("semicolon");
  await page.waitForFunction(
    () =>
      /** @type {HTMLSelectElement | null} */ (document.querySelector("dialog select"))?.value ===
      "semicolon",
  );
  // A new delimiter recognises the columns anew; map them again and import.
  await role(dialog, 1, "Summary").selectOption("ignored");
  await role(dialog, 2, "Issue key").selectOption("title");
  await dialog
    .getByRole("list", { name: "First changes" })
    .getByText("SEC-2", { exact: true })
    .waitFor();
  await dialog.getByRole("button", { name: "Import" }).click();
  await page.locator("ol.list").getByText("SEC-2", { exact: true }).first().waitFor();
  assert.match(await page.locator("#changes-title").innerText(), /2/);
  assert.deepEqual(errors, []);
});
