// Converge's "who lowers what" in headless Chromium with the fake backend: a mitigation recorded
// with the perspective that proposed it shows in the list and in the per-perspective table, and
// a residual that did not move is flagged in words beside it and marked in the list of changes,
// without blocking anything. axe-core clean; a screenshot at 1280×720 when SHOT_DIR is set.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, drag, axe, shot, step } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

/** The "Who lowers what" table as rows of cell texts, header first. */
async function mixTable(page) {
  const table = page.getByRole("table", { name: "Who lowers what" });
  return await table
    .locator("tr")
    .evaluateAll((rows) =>
      rows.map((r) =>
        [...r.querySelectorAll("th, td")].map((c) => c.textContent.replace(/\s+/g, " ").trim()),
      ),
    );
}

test("a mitigation's proposer shows in the list and the mix; a residual that did not move is flagged", async () => {
  const { page, errors } = await h.page();
  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await page.getByRole("button", { name: "Hide", exact: true }).waitFor();
  await step(page, "Converge");
  const changeButton = page.getByRole("button", { name: /^Upgrade PostgreSQL/ });
  await changeButton.click();

  // Nothing yet: every row of the table at zero, "not recorded" last.
  assert.deepEqual(await mixTable(page), [
    ["Proposed by", "Lowers likelihood", "Lowers impact"],
    ["● Dev", "0", "0"],
    ["■ Ops", "0", "0"],
    ["Not recorded", "0", "0"],
  ]);

  const grid = page.getByRole("grid");
  await drag(
    page,
    page.getByRole("button", { name: /^Consensus:/ }),
    grid.locator('[data-likelihood="3"][data-impact="4"]'),
  );
  await page.getByRole("button", { name: "Consensus: L3 × I4" }).waitFor();

  await page.getByLabel("Mitigation", { exact: true }).fill("Rehearse <pg_upgrade> on a snapshot");
  await page.getByLabel("Owner").fill("DBA team");
  await page.getByLabel("Proposed by").selectOption({ label: "Ops" });
  await page.getByLabel(/likelihood \(tests/).check();
  await page.getByRole("button", { name: "Add mitigation" }).click();
  const item = page.locator(".mitigations li", { hasText: "Rehearse <pg_upgrade> on a snapshot" });
  await item.waitFor();
  assert.match(
    (await item.innerText()).replace(/\s+/g, " "),
    /Ops · lowers likelihood · owner DBA team/i,
  );
  // The proposer stays chosen for the next mitigation; "not recorded" is one choice away.
  assert.equal(await page.getByLabel("Proposed by").inputValue(), "ops");
  await page.getByLabel("Mitigation", { exact: true }).fill("Feature flag off by default");
  await page.getByLabel("Proposed by").selectOption({ label: "not recorded" });
  await page.getByLabel(/impact \(flag/).check();
  await page.getByRole("button", { name: "Add mitigation" }).click();
  await page.getByText("proposer not recorded").waitFor();

  await page.waitForFunction(() =>
    [...document.querySelectorAll(".mix tbody tr")].some((r) =>
      /Ops\s*1\s*0/.test(r.textContent ?? ""),
    ),
  );
  assert.deepEqual((await mixTable(page)).slice(1), [
    ["● Dev", "0", "0"],
    ["■ Ops", "1", "0"],
    ["Not recorded", "0", "1"],
  ]);

  // No residual yet: nothing to check.
  assert.equal(await page.getByRole("note", { name: "Residual check" }).count(), 0);
  // A residual where the consensus is: the mitigations did not move it.
  await drag(
    page,
    page.getByRole("button", { name: /^Residual:/ }),
    grid.locator('[data-likelihood="3"][data-impact="4"]'),
  );
  await page.getByRole("button", { name: "Residual: L3 × I4" }).waitFor();
  const note = page.getByRole("note", { name: "Residual check" });
  await note.waitFor();
  const said = (await note.innerText()).replace(/\s+/g, " ");
  assert.match(said, /The residual did not move\./);
  assert.match(
    said,
    /The residual L3 × I4 is where the consensus is, although 2 mitigations \(1 likelihood, 1 impact\) are meant to lower it/,
  );
  assert.match(await changeButton.innerText(), /check the residual/);
  // The warning blocks nothing: the form still adds, the chips still move.
  assert.equal(await page.getByRole("button", { name: "Add mitigation" }).isEnabled(), true);
  assert.deepEqual(await axe(page), []);
  await shot(page, "converge-mix-1280x720");

  // Lowering likelihood, which a mitigation claims, clears the flag and the marker.
  await drag(
    page,
    page.getByRole("button", { name: /^Residual:/ }),
    grid.locator('[data-likelihood="2"][data-impact="4"]'),
  );
  await page.getByRole("button", { name: "Residual: L2 × I4" }).waitFor();
  await page.waitForFunction(() => !document.querySelector(".residual-check"));
  assert.doesNotMatch(await changeButton.innerText(), /check the residual/);

  // The panel folds away when the room needs the space.
  await page.locator(".mix summary").click();
  assert.equal(await page.getByRole("table", { name: "Who lowers what" }).isVisible(), false);
  assert.deepEqual(errors, []);
});

test("dark theme: the residual check and the mix stay readable", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: "Dark theme" }).click();
  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await step(page, "Converge");
  const grid = page.getByRole("grid");
  for (const which of ["Consensus", "Residual"]) {
    await drag(
      page,
      page.getByRole("button", { name: new RegExp(`^${which}:`) }),
      grid.locator('[data-likelihood="2"][data-impact="2"]'),
    );
    await page.getByRole("button", { name: `${which}: L2 × I2` }).waitFor();
  }
  await page.getByLabel("Mitigation", { exact: true }).fill("Canary to 5% first");
  await page.getByLabel("Proposed by").selectOption({ label: "Dev" });
  await page.getByRole("button", { name: "Add mitigation" }).click();
  await page.getByRole("note", { name: "Residual check" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, "converge-mix-dark-1280x720");
});
