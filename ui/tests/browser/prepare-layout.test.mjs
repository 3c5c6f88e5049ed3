// Prepare holds its shape: with long descriptions (one of 121 characters, or every one about 100)
// and right-to-left text, the settings column (perspectives, matrix, bands) stays whole inside the
// window and the band names stay wide enough to read and type in. Measured with
// getBoundingClientRect in headless Chromium, fake backend.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start } from "./harness.mjs";

const sample = JSON.parse(
  readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
);

const LONG =
  "Moves the session store from the single Redis primary to the three-node cluster behind Envoy, rolling one zone at a time.";
const ABOUT_100 =
  "Rotate the TLS certificates of every public ingress with the new intermediate; staged by region.";

function workshopWith(describe) {
  return {
    ...sample,
    changes: sample.changes.map((c, i) => ({ ...c, description: describe(i) })),
  };
}

const CASES = [
  ["one 121-character description", (i) => (i === 2 ? LONG : sample.changes[i].description)],
  ["descriptions of about 100 characters", () => ABOUT_100],
  [
    "right-to-left descriptions",
    (i) =>
      i % 2
        ? "פריסה הדרגתית של שירות התשלומים החדש לכל האזורים, עם אפשרות חזרה מהירה."
        : "ترقية قاعدة البيانات الرئيسية إلى الإصدار الجديد مع نافذة صيانة قصيرة في الليل.",
  ],
];

let h;
before(async () => {
  h = await start();
  assert.equal(LONG.length, 121);
  assert.ok(ABOUT_100.length >= 95 && ABOUT_100.length <= 105);
});
after(async () => {
  await h?.close();
});

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
]) {
  for (const [what, describe] of CASES) {
    test(`Prepare at ${viewport.width}×${viewport.height} with ${what}`, async () => {
      const context = await h.browser.newContext({ viewport });
      const page = await context.newPage();
      await page.addInitScript((w) => {
        window.__PARALLAX_FAKE_WORKSHOP__ = w;
      }, workshopWith(describe));
      await page.goto(h.url);
      await page.getByRole("grid").waitFor();
      await page.getByRole("button", { name: /Prepare/ }).click();
      const setup = page.getByRole("complementary", { name: "Perspectives and matrix" });
      await setup.waitFor();

      const measured = await page.evaluate(() => {
        const box = (el) => el.getBoundingClientRect();
        const setup = document.querySelector("aside.setup");
        const bands = [...document.querySelectorAll("input.band-name")].map((e) => box(e).width);
        const names = [...setup.querySelectorAll("input.name")].map((e) => box(e).width);
        const descriptions = [...document.querySelectorAll("span.description")].map((e) => ({
          dir: e.getAttribute("dir"),
          right: box(e).right,
        }));
        const page = document.documentElement;
        return {
          setup: box(setup).toJSON(),
          bands,
          names,
          descriptions,
          width: window.innerWidth,
          scrollWidth: page.scrollWidth,
        };
      });
      const { setup: s } = measured;
      assert.ok(s.left >= 0 && s.right <= measured.width, `settings outside: ${JSON.stringify(s)}`);
      assert.ok(s.width >= 280, `settings column ${s.width}px wide`);
      assert.ok(measured.scrollWidth <= measured.width, "nothing runs off to the right");
      assert.ok(measured.bands.length >= 3);
      for (const w of measured.bands) assert.ok(w >= 120, `a band name is ${w}px wide`);
      for (const w of measured.names) assert.ok(w >= 120, `a perspective name is ${w}px wide`);
      for (const d of measured.descriptions) {
        assert.equal(d.dir, "auto");
        assert.ok(d.right <= s.left, "a description runs under the settings column");
      }
      await context.close();
    });
  }
}
