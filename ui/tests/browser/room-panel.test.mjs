// The facilitator's room panel on the fake backend: the Room button opens it; Network lists the
// addresses (127.0.0.1 "this computer only" among them); the round's settings reach openRoom;
// the QR code, the http:// URL and the join code show; who joined and progress per perspective
// follow the room's events; Close the round asks first when people have not finished and says
// who; Close the room goes back to the settings. axe-core clean.

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

const room = (page, call) =>
  page.evaluate(([name, args]) => window.__PARALLAX_FAKE_ROOM__[name](...args), call);

test("open the room, watch people join and place, close the round after a warning, close the room", async () => {
  const { page, errors } = await h.page();
  await page.getByRole("button", { name: "Room" }).click();
  const panel = page.getByRole("complementary", { name: "Room" });
  const network = panel.getByLabel("Network");
  await network.waitFor();
  const options = await network.locator("option").allInnerTexts();
  assert.ok(
    options.some((o) => o.startsWith("127.0.0.1") && o.includes("this computer only")),
    options.join(" | "),
  );
  await network.selectOption({ label: "127.0.0.1 (this computer only)" });
  await panel.getByLabel("A selection").check();
  await panel.getByLabel("Rotate TLS certificates").check();
  await panel.getByLabel("Switch CDN provider").check();
  await panel.getByLabel("Perspective").selectOption({ label: "Everyone places as Ops" });
  assert.deepEqual(await axe(page), []);
  await panel.getByRole("button", { name: "Open the room" }).click();

  const url = await panel.getByTestId("room-url").innerText();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?t=/);
  assert.match(await panel.getByTestId("room-code").innerText(), /^[A-Z0-9]{6}$/);
  const qr = panel.getByRole("img", { name: "QR code of the room's address" });
  assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml/);
  assert.ok((await qr.boundingBox()).width >= 300, "the QR code is large");

  // People join and answer: the panel shows who and how far, never where.
  await room(page, ["join", ["Ana", "ops"]]);
  await room(page, ["join", ["Bo", "ops"]]);
  await room(page, ["answer", ["Ana", 2]]);
  await panel.getByText("Ops: 1 of 2 people done, 1 still placing").waitFor();
  await panel.getByText("Ana", { exact: true }).waitFor();
  assert.match(await panel.getByRole("listitem").filter({ hasText: "Bo" }).innerText(), /0 of 2/);
  assert.deepEqual(await axe(page), []);

  // Close the round: Bo has not finished, so the panel asks first and says who.
  await panel.getByRole("button", { name: "Close the round" }).click();
  const ask = panel.getByRole("alertdialog");
  await ask.waitFor();
  assert.match(await ask.innerText(), /1 person has not finished/);
  assert.match(await ask.innerText(), /Still placing: Bo \(Ops\)/);
  await ask.getByRole("button", { name: "Keep it open" }).click();
  assert.equal(await panel.getByRole("alertdialog").count(), 0);
  await panel.getByRole("button", { name: "Close the round" }).click();
  await panel.getByRole("button", { name: "Close the round anyway" }).click();
  await panel.getByText(/The round is closed/).waitFor();
  assert.equal(await panel.getByRole("button", { name: "Close the round" }).count(), 0);

  // Reveal keeps its name and its place in the header.
  await page.getByRole("button", { name: "Reveal" }).waitFor();

  await panel.getByRole("button", { name: "Close the room" }).click();
  await panel.getByRole("button", { name: "Open the room" }).waitFor();
  assert.deepEqual(errors, []);
});

test("when everyone has finished, Close the round closes at once", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: "Room" }).click();
  const panel = page.getByRole("complementary", { name: "Room" });
  await panel.getByRole("button", { name: "Open the room" }).click();
  await room(page, ["join", ["anonymous", "dev"]]);
  await room(page, ["answer", ["anonymous", 8]]);
  await panel.getByText("Dev: 1 of 1 person done").waitFor();
  await panel.getByRole("button", { name: "Close the round" }).click();
  await panel.getByText(/The round is closed/).waitFor();
  assert.equal(await panel.getByRole("alertdialog").count(), 0);
});

test("a selection without any change is refused in words, nothing opens", async () => {
  const { page } = await h.page();
  await page.getByRole("button", { name: "Room" }).click();
  const panel = page.getByRole("complementary", { name: "Room" });
  await panel.getByLabel("A selection").check();
  await panel.getByRole("button", { name: "Open the room" }).click();
  await panel
    .getByRole("alert")
    .getByText(/at least one change/)
    .waitFor();
  assert.equal(await panel.getByTestId("room-url").count(), 0);
});
