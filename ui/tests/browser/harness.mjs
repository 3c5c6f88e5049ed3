// Browser-test harness: serves the built UI (ui/dist) with Vite's preview server and drives it in
// Debian's headless Chromium through playwright-core. In a plain browser the UI runs on the fake
// backend, so these tests cover the UI's own flows; the Rust side is covered by cargo tests and
// the end-to-end tests of the real window. Never downloads a browser.

import { preview } from "vite";
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, quiet: nothing it starts talks to the network by itself. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function start() {
  const server = await preview({
    root: path.resolve(here, "../.."),
    logLevel: "error",
    preview: { port: 0, host: "127.0.0.1", strictPort: false },
  });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error("the preview server did not report its address");
  const browser = await launchChromium();
  return {
    url,
    browser,
    /** A page on the sample workshop (chosen on the start screen), or on the start screen. */
    async page(viewport = { width: 1280, height: 720 }, { onStart = false } = {}) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      page.on("console", (m) => m.type() === "error" && errors.push(new Error(m.text())));
      await page.goto(url);
      if (onStart) {
        await page.getByRole("heading", { name: "New workshop" }).waitFor();
        return { page, errors };
      }
      await page.getByRole("button", { name: /Sample workshop/ }).click();
      await page.getByRole("grid").waitFor();
      return { page, errors };
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    },
  };
}

/** Drags `from` (a locator) to the centre of `to` with real pointer moves. */
export async function drag(page, from, to) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error("cannot drag: an element is not on screen");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 20, a.y + a.height / 2 + 5, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axe(page) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = await page.evaluate(async () => {
    // @ts-ignore: injected above
    return await window.axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export function cell(page, likelihood, impact) {
  return page.locator(
    `[role="gridcell"][data-likelihood="${likelihood}"][data-impact="${impact}"]`,
  );
}

/** A screenshot of the page into `$SHOT_DIR/<name>.png` when SHOT_DIR is set. */
export async function shot(page, name) {
  if (process.env.SHOT_DIR) await page.screenshot({ path: `${process.env.SHOT_DIR}/${name}.png` });
}

/** Goes to a step of the workshop (Prepare, Place, Compare, Converge) by its tab. */
export async function step(page, name) {
  await page
    .getByRole("navigation", { name: "Workshop steps" })
    .getByRole("button", { name })
    .click();
}

/** Presses Reveal and waits until it took (Hide is offered instead). */
export async function reveal(page) {
  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await page.getByRole("button", { name: "Hide", exact: true }).waitFor();
}

/** Places `title` for `perspective` in the cell likelihood `l`, impact `i`, by dragging its card
 * in Place. */
export async function placeFor(page, perspective, title, l, i) {
  await step(page, "Place");
  await page.getByRole("tab", { name: perspective }).click();
  await drag(
    page,
    page.getByRole("button", { name: new RegExp(`^${title} — not placed`) }),
    cell(page, l, i),
  );
  await cell(page, l, i)
    .getByRole("button", { name: new RegExp(`^${title}`) })
    .first()
    .waitFor();
}
