// After a room's round is revealed, in headless Chromium with the fake backend: Compare shows
// each perspective's placement (the members' median) with its spread in words, and, on demand,
// every person's own placement as a small dot in its cell, named only when names were given.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, axe } from "./harness.mjs";

/** The sample after a round of three Ops people (Ana, Bo, and one anonymous) and one Dev. */
function revealedRound() {
  const w = JSON.parse(
    readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
  );
  const joined = (id, name, perspective) => ({ id, name, perspective, joined_at_ms: 1 });
  w.participants = [
    joined("p1", "Ana", "ops"),
    joined("p2", "Bo", "ops"),
    joined("p3", null, "ops"),
    joined("p4", "Dee", "dev"),
  ];
  const placed = (likelihood, impact) => ({
    kind: "placed",
    likelihood,
    impact,
    rationale: "",
    at_ms: 2,
  });
  const c = w.changes[0];
  c.answers = { p1: placed(1, 2), p2: placed(4, 3), p3: placed(5, 5), p4: placed(2, 2) };
  c.placements.ops = {
    likelihood: 4,
    impact: 3,
    rationale: "",
    placed_at_ms: 2,
    spread: {
      likelihood_min: 1,
      likelihood_max: 5,
      impact_min: 2,
      impact_max: 5,
      people: 3,
      not_sure: 0,
    },
  };
  c.placements.dev = {
    likelihood: 2,
    impact: 2,
    rationale: "",
    placed_at_ms: 2,
    spread: {
      likelihood_min: 2,
      likelihood_max: 2,
      impact_min: 2,
      impact_max: 2,
      people: 1,
      not_sure: 1,
    },
  };
  w.phase = "revealed";
  return { w, title: c.title };
}

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

test("Compare shows each perspective's spread, and everyone's placements as dots on demand", async () => {
  const { w, title } = revealedRound();
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript((workshop) => {
    // @ts-ignore: read by the fake backend (see lib/backend/fake.ts)
    window.__PARALLAX_FAKE_WORKSHOP__ = workshop;
  }, w);
  const page = await context.newPage();
  await page.goto(h.url);
  await page.getByRole("grid").waitFor();
  await page
    .getByRole("navigation", { name: "Workshop steps" })
    .getByRole("button", { name: "Compare" })
    .click();
  const queue = page.getByRole("list", { name: /Discussion queue/ });
  const item = queue.locator("li", { hasText: title });
  assert.match(
    await item.innerText(),
    /Ops: 3 people: likelihood 1–5, impact 2–5/,
    "the spread inside Ops is said in words",
  );
  assert.match(await item.innerText(), /Dev: 1 person: likelihood 2, impact 2, 1 not sure/);

  const overlay = page.getByTestId("overlay");
  assert.equal(await overlay.locator("g.person").count(), 0, "no dots until asked");
  await page.getByRole("checkbox", { name: "Everyone's placements" }).check();
  const dots = overlay.locator("g.person");
  assert.equal(await dots.count(), 4, "one dot per person who placed");
  const names = await dots.locator("title").allTextContents();
  assert.deepEqual(names.map((n) => n.split(" (")[0]).sort(), ["Ana", "Bo", "Dee", "anonymous"]);
  // Each dot sits in its own person's cell: Ana's (likelihood 1, impact 2) lies below and left
  // of the anonymous person's (likelihood 5, impact 5).
  const at = async (who) => {
    const box = await overlay.locator(`g.person[data-who="${who}"]`).boundingBox();
    assert.ok(box, `${who}'s dot is on screen`);
    return box;
  };
  const ana = await at("Ana");
  const anon = await at("anonymous");
  assert.ok(ana.x < anon.x && ana.y > anon.y, "Ana's dot is left of and below the anonymous one");
  assert.deepEqual(await axe(page), []);
  if (process.env.SHOT_DIR) {
    await page.screenshot({ path: `${process.env.SHOT_DIR}/compare-everyone-1280x720.png` });
  }
  await context.close();
});
