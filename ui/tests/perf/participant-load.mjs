// Benchmark (not a test): the participant page's first load from the real room
// (examples/room_server.rs on 127.0.0.1), in headless Chromium at 360×640 with touch, a fresh
// browser context each time (nothing cached). Prints the bytes transferred (as sent: the room
// does not compress) and what they would be gzipped, and the time from navigation to the join
// form being usable (its "Your name" field visible and enabled). Usage:
//   npm run build && cargo build --example room_server && node tests/perf/participant-load.mjs [RUNS]
import { gzipSync } from "node:zlib";
import { launchChromium } from "../browser/harness.mjs";
import { startRoom } from "../browser/room-server.mjs";

const runs = Number(process.argv[2] ?? 10);
const room = await startRoom();
const browser = await launchChromium();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const times = [];
let sent = 0;
let gzipped = 0;
try {
  for (let k = 0; k < runs; k++) {
    const context = await browser.newContext({
      viewport: { width: 360, height: 640 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    const bodies = [];
    page.on("response", async (r) => {
      if (r.url().startsWith(room.base)) bodies.push(await r.body().catch(() => Buffer.alloc(0)));
    });
    const started = Date.now();
    await page.goto(room.url);
    await page.getByLabel("Your name").waitFor({ state: "visible" });
    times.push(Date.now() - started);
    await page.waitForLoadState("networkidle");
    if (k === 0) {
      sent = bodies.reduce((n, b) => n + b.length, 0);
      gzipped = bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await room.close();
}
console.log(
  `first load: ${(sent / 1024).toFixed(1)} KiB sent, ${(gzipped / 1024).toFixed(1)} KiB gzipped`,
);
console.log(
  `navigation → join form usable, ${runs} cold loads: p50 ${pct(times, 50)} ms, p95 ${pct(times, 95)} ms, max ${Math.max(...times)} ms`,
);
