// Benchmark (not a test): drop → engine → screen in the real app window with a workshop of N
// changes (default 1,000), read from the UI's "parallax:drop-to-screen" User Timing measures.
// Besides drop → screen (the next frame after the page was updated), it prints drop → reply
// (the engine's reply taken in), drop → dom (the page updated), the IPC round trip alone, the
// window's frame floor (how soon any change at all reaches the next frame), and with
// BENCH_FRAMES=1 the frame intervals while cards are dragged. A drop is timed from its pointerup.
// Usage (after `make app`): xvfb-run -a node tests/e2e/bench-drop.mjs [N] [DROPS]
// PARALLAX_BIN=… measures another build (e.g. release); BENCH_SETTLE=ms waits before the first
// drop; BENCH_RAW=1 prints every measure.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bigWorkshop } from "../../ui/tests/perf/big-workshop.mjs";
import { startDriver, drag, cellSelector } from "./driver.mjs";

const n = Number(process.argv[2] ?? 1000);
const drops = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(path.join(os.tmpdir(), "parallax-bench-"));
const file = path.join(dir, "big.parallax");
writeFileSync(
  file,
  JSON.stringify({
    format: "parallax-workshop",
    schema_version: 3,
    ...bigWorkshop(n),
  }),
);

const driver = await startDriver({ PARALLAX_TEST_DIALOG_DIR: dir });
const browser = await driver.session([file]);
try {
  await (await browser.$('[role="grid"]')).waitForExist({ timeout: 30000 });
  if (process.env.BENCH_SETTLE)
    await browser.pause(Number(process.env.BENCH_SETTLE));
  // The window's own floor: a one-element change made at a random moment → the next frame.
  // No drop can reach the screen sooner than this; it is the web view's frame clock (and, without
  // a GPU, its painting), not Parallax.
  const floor = await browser.executeAsync((done) => {
    const out = [];
    const el = document.createElement("div");
    el.style.cssText =
      "position:fixed;left:0;bottom:0;width:8px;height:8px;background:#888";
    document.body.append(el);
    const once = () => {
      const start = performance.now();
      el.style.left = `${(out.length % 40) * 8}px`;
      requestAnimationFrame(() => {
        out.push(performance.now() - start);
        if (out.length < 60) setTimeout(once, 50 + Math.random() * 100);
        else {
          el.remove();
          done(out);
        }
      });
    };
    setTimeout(once, 100);
  });
  // BENCH_FRAMES=1: frame intervals while cards are dragged, from requestAnimationFrame
  // timestamps recorded only while a drag is on (pointerdown to the frame after pointerup). Off
  // by default: the recording loop itself keeps WebKit rendering and moves the drop figures.
  await browser.execute((record) => {
    window.__frames = [];
    if (!record) return;
    let dragging = false;
    const loop = (t) => {
      window.__frames.push(t);
      if (dragging) requestAnimationFrame(loop);
    };
    addEventListener(
      "pointerdown",
      () => {
        dragging = true;
        window.__frames.push(null);
        requestAnimationFrame(loop);
      },
      true,
    );
    addEventListener(
      "pointerup",
      () => requestAnimationFrame(() => (dragging = false)),
      true,
    );
  }, Boolean(process.env.BENCH_FRAMES));
  for (let i = 0; i < drops; i++) {
    const card = await browser.$("aside.tray [data-card]");
    const scrolls = await browser.execute((c) => {
      const r = [
        document.scrollingElement.scrollTop,
        document.querySelector("aside.tray ul").scrollTop,
      ];
      c.scrollIntoView({ block: "nearest" });
      return r;
    }, card);
    if (scrolls[0] || scrolls[1])
      console.log(
        `drop ${i}: page scrolled ${scrolls[0]}, tray scrolled ${scrolls[1]}`,
      );
    const target = await browser.$(
      cellSelector((i % 5) + 1, ((i * 3) % 5) + 1),
    );
    try {
      await drag(browser, card, target);
    } catch (e) {
      const boxes = await browser.execute(
        (a, b) => [
          JSON.stringify(a.getBoundingClientRect()),
          JSON.stringify(b.getBoundingClientRect()),
        ],
        card,
        target,
      );
      throw new Error(`drop ${i} failed (${boxes.join(" → ")}): ${e.message}`);
    }
    await browser.pause(150);
  }
  const measures = await browser.execute(() =>
    Object.fromEntries(
      ["edit-invoke", "drop-reply", "drop-dom", "drop-to-screen"].map(
        (name) => [
          name,
          performance
            .getEntriesByName(`parallax:${name}`)
            .map((e) => e.duration),
        ],
      ),
    ),
  );
  const stamps = await browser.execute(() => window.__frames);
  const intervals = [];
  for (let i = 1; i < stamps.length; i++)
    if (stamps[i] !== null && stamps[i - 1] !== null)
      intervals.push(stamps[i] - stamps[i - 1]);
  if (intervals.length) measures["frame-interval-while-dragging"] = intervals;
  measures["frame-floor"] = floor;
  const pct = (sorted, p) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  console.log(
    `${n} changes, real window (WebKitGTK), ${measures["drop-to-screen"].length} drops:`,
  );
  const labels = {
    "edit-invoke": "IPC round trip (apply_edit)",
    "drop-reply": "drop → engine's reply taken in",
    "drop-dom": "drop → page updated",
    "drop-to-screen": "drop → next frame",
    "frame-interval-while-dragging": "frame interval while dragging",
    "frame-floor": "frame floor (a one-element change → next frame)",
  };
  for (const [name, times] of Object.entries(measures)) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `  ${labels[name] ?? name}: p50 ${pct(sorted, 50).toFixed(1)} ms, p95 ${pct(sorted, 95).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
    );
  }
  if (process.env.BENCH_RAW) console.log(JSON.stringify(measures));
} finally {
  await browser.deleteSession();
  driver.stop();
}
