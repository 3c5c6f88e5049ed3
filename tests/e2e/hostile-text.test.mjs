// User text is text: titles, rationales, level labels and perspective names full of markup and
// script appear literally in the real window and run nothing, in every step of the workshop.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver } from "./driver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-xss-"));

const PAYLOADS = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `"><svg onload="window.__pwned='svg'">`,
  `javascript:window.__pwned='href'`,
  `{@html '<b>x</b>'} &amp; &lt;b&gt;`,
];

function hostileWorkshop() {
  const sample = JSON.parse(
    readFileSync(path.join(here, "../../ui/src/lib/backend/sample-workshop.json"), "utf8"),
  );
  const w = { format: "parallax-workshop", schema_version: 3, ...sample };
  w.title = PAYLOADS[0];
  w.perspectives[1].name = PAYLOADS[2];
  w.matrix.likelihood[3].label = PAYLOADS[1];
  w.matrix.impact[1].label = PAYLOADS[4];
  w.changes[0].title = PAYLOADS[0];
  w.changes[1].title = PAYLOADS[1];
  w.changes[2].title = PAYLOADS[3];
  for (const [i, c] of w.changes.slice(0, 3).entries()) {
    c.placements = {
      dev: { likelihood: 2, impact: 2, rationale: PAYLOADS[(i + 1) % PAYLOADS.length], placed_at_ms: 1 },
      ops: { likelihood: 4, impact: 2, rationale: PAYLOADS[(i + 2) % PAYLOADS.length], placed_at_ms: 2 },
    };
  }
  w.phase = "revealed";
  const file = path.join(dir, "hostile.parallax");
  writeFileSync(file, JSON.stringify(w, null, 2));
  return file;
}

let driver;
before(async () => {
  driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir });
});
after(() => driver?.stop());

test("markup in workshop text is shown literally and never runs", async () => {
  const file = hostileWorkshop();
  const browser = await driver.session([file]);
  try {
    await (await browser.$('[role="grid"]')).waitForExist({ timeout: 10000 });
    for (const step of ["Place", "Compare", "Converge", "Prepare"]) {
      await (await browser.$(`//nav//button[contains(., '${step}')]`)).click();
      await browser.pause(300);
      const text = await browser.execute(() => document.body.innerText);
      for (const p of [PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]]) {
        assert.ok(text.includes(p), `${step}: ${p} is shown as text`);
      }
      const injected = await browser.execute(() => ({
        pwned: window.__pwned ?? null,
        imgs: document.querySelectorAll('img[src="x"]').length,
        scripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
        svgOnload: document.querySelectorAll("svg[onload]").length,
      }));
      assert.deepEqual(injected, { pwned: null, imgs: 0, scripts: 0, svgOnload: 0 }, step);
    }
    // Rationales and perspective names too (Compare shows both).
    await (await browser.$(`//nav//button[contains(., 'Compare')]`)).click();
    const text = await browser.execute(() => document.body.innerText);
    assert.ok(text.includes(PAYLOADS[2]), "the perspective name is shown as text");
    assert.ok(text.includes(PAYLOADS[4]) || text.includes("{@html"), "the level label is text");
  } finally {
    await browser.deleteSession();
  }
});
