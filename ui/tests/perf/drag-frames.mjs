// Benchmark (not a test): frame times while a card is dragged across the matrix of a workshop
// with 1,000 changes, in headless Chromium on the fake backend. Frame intervals come from
// requestAnimationFrame timestamps; drop → screen from the UI's "parallax:drop-to-screen"
// measures. Prints p50/p95/max. Usage: npm run build && node tests/perf/drag-frames.mjs [N]
import { start, cell } from "../browser/harness.mjs";
import { bigWorkshop } from "./big-workshop.mjs";

const n = Number(process.argv[2] ?? 1000);
const h = await start();
const context = await h.browser.newContext({ viewport: { width: 1280, height: 720 } });
const page = await context.newPage();
const workshop = bigWorkshop(n);
await page.addInitScript((w) => {
  window.__PARALLAX_FAKE_WORKSHOP__ = w;
}, workshop);
await page.goto(h.url);
await page.getByRole("grid").waitFor();

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const frames = [];
for (let round = 0; round < 10; round++) {
  const card = page.locator("aside.tray [data-card]").first();
  const a = await card.boundingBox();
  const target = await cell(page, (round % 5) + 1, ((round * 3) % 5) + 1).boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    const loop = (t) => {
      window.__frames.push(t);
      if (window.__recording) requestAnimationFrame(loop);
    };
    window.__recording = true;
    requestAnimationFrame(loop);
  });
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 60 });
  await page.mouse.up();
  await page.waitForTimeout(200);
  const ts = await page.evaluate(() => {
    window.__recording = false;
    return window.__frames;
  });
  for (let i = 1; i < ts.length; i++) frames.push(ts[i] - ts[i - 1]);
}
const measures = await page.evaluate(() =>
  Object.fromEntries(
    ["edit-invoke", "drop-reply", "drop-to-screen"].map((name) => [
      name,
      performance.getEntriesByName(`parallax:${name}`).map((e) => e.duration),
    ]),
  ),
);
console.log(`${n} changes, headless Chromium, fake backend`);
console.log(
  `frame interval during drag: p50 ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms (${frames.length} frames)`,
);
for (const [name, xs] of Object.entries(measures)) {
  console.log(
    `${name}: p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms (${xs.length} drops)`,
  );
}
await h.close();
