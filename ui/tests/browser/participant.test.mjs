// The participant page on a phone (360×640, touch) against the REAL room: the app's room server
// (`cargo run --example room_server`) on 127.0.0.1, serving the page it embeds. Join, place by
// a touch drag, by tap-the-card-then-tap-the-cell and with the keyboard, mark "Not sure", give a
// rationale, reload and find everything again, lose the connection and get it back, join with
// the short code; axe-core clean. Talks to 127.0.0.1 only.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { launchChromium } from "./harness.mjs";
import { startRoom } from "./room-server.mjs";

const PHONE = {
  viewport: { width: 360, height: 640 },
  hasTouch: true,
  isMobile: true,
  deviceScaleFactor: 2,
};

let room;
let browser;
before(async () => {
  room = await startRoom(["--assign", "ops"]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await room?.close();
});

async function phone() {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  return { context, page, errors };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations. Injected through the debugger, not a <script>:
 * the room's CSP (script-src 'self') stays on, as a phone gets it. */
async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const cellOf = (page, l, i) =>
  page.locator(`[role="gridcell"][data-likelihood="${l}"][data-impact="${i}"]`);
const card = (page, title) => page.getByRole("button", { name: new RegExp(`^${title}`) });

/** A finger drag from the centre of `from` to the centre of `to`, as touch events (CDP). */
async function touchDrag(page, from, to) {
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error("cannot drag: an element is not on screen");
  const cdp = await page.context().newCDPSession(page);
  const at = (x, y) => [{ x: Math.round(x), y: Math.round(y), id: 1 }];
  const [ax, ay] = [a.x + a.width / 2, a.y + a.height / 2];
  const [bx, by] = [b.x + b.width / 2, b.y + b.height / 2];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at(ax, ay) });
  for (let k = 1; k <= 10; k++) {
    const t = k / 10;
    await cdp.send("Input.dispatchTouchEvent", {
      type: "touchMove",
      touchPoints: at(ax + (bx - ax) * t, ay + (by - ay) * t),
    });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  // A finger lifts, then the next touch comes later than a double tap would.
  await page.waitForTimeout(400);
}

test("a participant joins, places by touch drag, tap and keyboard, is not sure, gives a reason, reloads and finds it all", async () => {
  const { page, errors } = await phone();
  await page.goto(room.url);
  await page.getByLabel("Your name").fill("Ana");
  await page.getByRole("button", { name: "Join" }).click();
  await card(page, "Rotate TLS certificates").waitFor();
  assert.match(await page.getByTestId("line").innerText(), /Ana · Ops/);

  // Every cell is named as in the app, with the workshop's own level labels.
  const target = page.getByRole("gridcell", { name: "Likelihood 4 (Likely), impact 2 (Minor)" });
  await target.waitFor();

  // Tap the card, then tap the cell.
  const cdn = card(page, "Switch CDN provider");
  await cdn.tap();
  await cellOf(page, 1, 5).tap();
  await page.getByRole("button", { name: /^Switch CDN provider, Likelihood 1/ }).waitFor();

  // A touch drag (a finger, not a mouse) from the card's handle into likelihood 4 × impact 2.
  await touchDrag(page, page.locator('[data-handle="c3"]'), target);
  await page
    .getByRole("button", {
      name: "Rotate TLS certificates, Likelihood 4 (Likely), impact 2 (Minor), medium",
    })
    .waitFor();
  assert.match(await cellOf(page, 4, 2).innerText(), /Rotate TLS certificates/);

  // Why there? for the selected card (the CDN change again).
  await page.waitForTimeout(400);
  await card(page, "Switch CDN provider").click();
  const why = page.getByLabel("Why there?");
  await why.fill("the old provider's contract ends");
  await why.press("Enter");

  // Not sure, for another card.
  const patch = card(page, "Emergency OpenSSL patch");
  await patch.scrollIntoViewIfNeeded();
  await patch.tap();
  await page.getByRole("button", { name: "Not sure" }).tap();
  await page.getByRole("button", { name: "Emergency OpenSSL patch, not sure" }).waitFor();

  // The keyboard: Enter, up, Enter (from the centre, 3 × 3, to 4 × 3).
  const kb = card(page, "Add an index to the orders table");
  await kb.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await page
    .getByRole("button", {
      name: /^Add an index to the orders table, Likelihood 4 .*impact 3/,
    })
    .waitFor();

  // The room has every answer (progress counts them; it never shows where).
  await waitForAnswers(room, 4);

  // The matrix has room for the level numbers only: "What the levels mean" gives each level's
  // word with its numeric anchor, as the app's matrix does.
  const levels = page.locator("details.levels");
  await levels.locator("summary").tap();
  const terms = await levels.locator("dt").allInnerTexts();
  assert.equal(terms.length, 10, "five likelihood and five impact levels");
  assert.ok(
    terms.some((t) => /^4 — Likely\s+\(about 1 in 10 such changes\)$/.test(t.trim())),
    terms.join(" | "),
  );
  assert.ok(
    terms.some((t) => /^4 — Major\s+\(checkout down 15–60 min\)$/.test(t.trim())),
    terms.join(" | "),
  );
  // Each level's definition, then its example, as words apart.
  const meanings = await levels.locator("dd").allInnerTexts();
  assert.ok(
    meanings.some((t) => /\S e\.g\. \S/.test(t)),
    meanings.join(" | "),
  );
  assert.ok(!meanings.some((t) => /\Se\.g\./.test(t)), meanings.join(" | "));
  assert.deepEqual(await axe(page), []);

  // A reload brings the participant back as themselves, with their answers.
  await page.reload();
  await page
    .getByRole("button", {
      name: "Rotate TLS certificates, Likelihood 4 (Likely), impact 2 (Minor), medium",
    })
    .waitFor();
  await page.getByRole("button", { name: /^Switch CDN provider, Likelihood 1/ }).waitFor();
  await page.getByRole("button", { name: "Emergency OpenSSL patch, not sure" }).waitFor();
  await card(page, "Switch CDN provider").tap();
  assert.equal(
    await page.getByLabel("Why there?").inputValue(),
    "the old provider's contract ends",
  );
  assert.equal(await page.getByLabel("Your name").count(), 0, "no second join");
  assert.equal((await room.status()).progress.people.length, 1, "one person, not two");
  assert.deepEqual(errors, []);
  await page.context().close();
});

async function waitForAnswers(room, n) {
  const deadline = Date.now() + 5000;
  let answered = -1;
  while (Date.now() < deadline) {
    const people = (await room.status()).progress.people;
    answered = people.reduce((sum, p) => Math.max(sum, p.answered), 0);
    if (answered >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the room took ${answered} answers, not ${n}`);
}

test("a lost connection shows Reconnecting…, keeps what is placed meanwhile and sends it when back", async () => {
  const { page, errors } = await phone();
  // The page's WebSocket goes through the test, which can cut it as a dead Wi-Fi would.
  let cut = null;
  let refuse = false;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (refuse) {
      ws.close({ code: 1006, reason: "no network" });
      return;
    }
    const server = ws.connectToServer();
    cut = () => {
      server.close();
      ws.close({ code: 4000, reason: "cut" });
    };
  });
  await page.goto(room.url);
  await page.getByLabel("Your name").fill("Bo");
  await page.getByRole("button", { name: "Join" }).click();
  await card(page, "Rotate TLS certificates").waitFor();

  refuse = true;
  cut();
  await page.getByText(/Reconnecting…/).waitFor();
  // Placed while the room cannot be reached: shown at once, kept.
  await card(page, "Rotate TLS certificates").tap();
  await cellOf(page, 2, 2).tap();
  await page.getByRole("button", { name: /^Rotate TLS certificates, Likelihood 2/ }).waitFor();

  refuse = false;
  await page.getByText("Bo · Ops").waitFor({ timeout: 20000 });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const bo = (await room.status()).progress.people.find((p) => p.name === "Bo");
    if (bo?.answered === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const bo = (await room.status()).progress.people.find((p) => p.name === "Bo");
  assert.equal(bo?.answered, 1, "the answer made offline reached the room");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the short code on the room's address leads to the join form; a wrong code is said in words", async () => {
  const { page } = await phone();
  await page.goto(`${room.base}/`);
  await page.getByLabel("Join code").fill("ZZZZZZ");
  await page.getByRole("button", { name: "Continue" }).click();
  await page
    .getByRole("alert")
    .getByText(/not the room's code/)
    .waitFor();
  await page.getByLabel("Join code").fill(room.code.toLowerCase());
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Your name").waitFor();
  assert.match(page.url(), /\?t=/);
  assert.deepEqual(await axe(page), []);
  await page.context().close();
});
