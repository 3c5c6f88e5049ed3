// Layout of every view the fake backend can reach, at each supported window size, in both themes,
// in and out of presentation mode: no text runs out of its box (unless an ellipsis is meant for
// it), nothing is cut off by an ancestor or the window, no interactive element lies on another,
// nothing lies on a matrix cell it does not belong to (src/lib/layout-check.js judges, and its
// unit test proves it can fail). Presenting never makes the matrix smaller. axe-core, with the
// color-contrast rule on, checks every view in both themes at 1280×720.
// One browser; one page per size and theme, reused for every view. A view is one line in VIEWS.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { start, cell } from "./harness.mjs";
import { layoutProblems } from "../../src/lib/layout-check.js";

const require = createRequire(import.meta.url);
const SIZES = [
  [1280, 720],
  [1280, 800],
  [1366, 768],
  [1024, 768],
  [1920, 1080],
];
const THEMES = ["light", "dark"];

/** The sample workshop with what a real one holds: long and right-to-left titles, a crowded
 * cell for both perspectives, rationales, a consensus, a residual and mitigations; revealed. */
function workshop() {
  const w = JSON.parse(
    readFileSync(new URL("../../src/lib/backend/sample-workshop.json", import.meta.url), "utf8"),
  );
  const long =
    "Move the payments ledger from the self-hosted PostgreSQL cluster to the managed service, " +
    "including replication cut-over";
  const extra = [
    ["c9", long.slice(0, 120)],
    ["c10", "שדרוג מסד הנתונים הראשי של מערכת ההזמנות לגרסה חדשה"],
    ["c11", "ترحيل خدمة الدفع إلى مجموعة الخوادم الجديدة في المنطقة الثانية"],
  ];
  for (const [id, title] of extra) {
    w.changes.push({
      id,
      title,
      description: `${title}. `.repeat(3).slice(0, 110),
      change_type: "normal",
      ticket: `PAY-${id.slice(1)}00`,
      tags: ["payments"],
      placements: {},
      mitigations: [],
    });
  }
  const at = (likelihood, impact, rationale = "") => ({
    likelihood,
    impact,
    rationale,
    placed_at_ms: 1764000000000,
  });
  const dev = {
    c1: [3, 4],
    c2: [3, 4],
    c3: [3, 4],
    c4: [3, 4],
    c5: [3, 4],
    c6: [2, 2],
    c9: [4, 5],
  };
  const ops = {
    c1: [3, 4],
    c2: [3, 4],
    c3: [4, 2],
    c5: [3, 4],
    c9: [3, 4],
    c10: [5, 5],
    c11: [1, 1],
  };
  for (const c of w.changes) {
    if (dev[c.id]) c.placements.dev = at(...dev[c.id], c.id === "c1" ? "no rollback tested" : "");
    if (ops[c.id]) c.placements.ops = at(...ops[c.id], c.id === "c1" ? "read-only 20 min" : "");
  }
  const c1 = w.changes[0];
  c1.consensus = { likelihood: 3, impact: 4 };
  c1.residual = { likelihood: 2, impact: 2 };
  c1.mitigations = [
    {
      id: "m1",
      text: "Rehearse pg_upgrade on a restored snapshot of last night",
      owner: "DBA team",
      lowers: "likelihood",
    },
    {
      id: "m2",
      text: "Keep the old primary as a hot standby for a fast rollback",
      owner: "",
      lowers: "impact",
    },
  ];
  w.phase = "revealed";
  return w;
}

const step = (page, name) =>
  page.getByRole("navigation", { name: "Workshop steps" }).getByRole("button", { name }).click();

/** Every view: a name, how to get there from any other, and how to leave (if it floats). */
const VIEWS = [
  {
    name: "start screen",
    show: (p) => p.getByRole("button", { name: /^⌂ Start/ }).click(),
    hide: (p) => p.getByRole("button", { name: /^← Back to/ }).click(),
  },
  { name: "place", show: (p) => step(p, "Place") },
  {
    name: "place, crowded cell listed",
    show: async (p) => {
      await step(p, "Place");
      const more = cell(p, 3, 4).locator(".more");
      // A big screen shows every card of the cell: nothing to list.
      if ((await more.count()) === 0) return "every card in sight";
      await more.click();
      await p.locator("#cell-list").waitFor();
    },
    hide: (p) => p.getByRole("button", { name: "Close the list" }).click(),
  },
  {
    name: "compare overlay",
    show: async (p) => {
      await step(p, "Compare");
      await p.getByRole("button", { name: "Overlay" }).click();
      await p.getByTestId("overlay").locator("svg .marker").first().waitFor();
    },
  },
  {
    name: "compare side by side",
    show: async (p) => {
      await step(p, "Compare");
      await p.getByRole("button", { name: "Side by side" }).click();
      await p.getByTestId("side-by-side").waitFor();
    },
  },
  {
    name: "compare gap map",
    show: async (p) => {
      await step(p, "Compare");
      await p.getByRole("button", { name: "Gap map" }).click();
      await p.getByTestId("gap-map").getByRole("img").waitFor();
    },
  },
  { name: "converge", show: (p) => step(p, "Converge") },
  {
    name: "history open",
    show: async (p) => {
      await step(p, "Place");
      await p.getByRole("button", { name: "History" }).click();
      await p.locator("#history-panel").waitFor();
    },
    hide: (p) => p.getByRole("button", { name: "History" }).click(),
  },
  {
    name: "prepare with long and right-to-left text",
    show: (p) => step(p, "Prepare"),
  },
  {
    name: "trends with a file left out",
    show: async (p) => {
      await p.getByRole("button", { name: /^⌂ Start/ }).click();
      await p.getByRole("button", { name: /Trends across workshops/ }).click();
      await p.getByRole("button", { name: "Choose workshops…" }).click();
      await p.getByRole("button", { name: /^Show the trend/ }).click();
      await p.getByTestId("trend-table").waitFor();
    },
    hide: async (p) => {
      await p.getByRole("button", { name: "← Back to the start screen" }).click();
      await p.getByRole("button", { name: /^← Back to/ }).click();
    },
  },
  {
    name: "export dialog",
    show: async (p) => {
      await p.keyboard.press("Control+e");
      await p.getByRole("dialog", { name: "Export" }).waitFor();
    },
    hide: (p) =>
      p.getByRole("dialog", { name: "Export" }).getByRole("button", { name: "Close" }).click(),
  },
];

/** Measures every rendered element that holds text or can be used, as layout-check expects. */
function measure() {
  const FLOATING = "dialog[open], #history-panel, #cell-list, [role=tooltip]";
  const INTERACTIVE =
    "button, input, select, textarea, a[href], [role=button], [role=tab], [role=checkbox]";
  const modal = document.querySelector("dialog[open]");
  const pathOf = (el) => {
    const parts = [];
    for (let e = el; e && e.parentElement; e = e.parentElement) {
      parts.unshift([...e.parentElement.children].indexOf(e));
    }
    return parts.join("/");
  };
  const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const cellKey = (c) => {
    const grids = [...document.querySelectorAll("[role=grid]")];
    const g = grids.indexOf(c.closest("[role=grid]"));
    return `${g}:${c.dataset.likelihood}:${c.dataset.impact}`;
  };
  const shown = (el) => {
    if (el.closest(".visually-hidden, svg, [hidden]")) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === "hidden" || s.opacity === "0" || s.display === "none") return false;
    }
    return true;
  };
  // The boxes that hold text: the nearest non-inline ancestor of each text node.
  const textBoxes = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    let e = n.parentElement;
    while (e && ["inline", "contents"].includes(getComputedStyle(e).display)) e = e.parentElement;
    if (e && !["SCRIPT", "STYLE", "OPTION"].includes(e.tagName)) textBoxes.add(e);
  }
  const els = new Set([...textBoxes, ...document.querySelectorAll(INTERACTIVE)]);
  const cells = [...document.querySelectorAll("[role=gridcell]")];
  const out = [];
  for (const el of [...els, ...cells]) {
    if (modal && !modal.contains(el)) continue;
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    let clip = null;
    let scrolls = false;
    /** What scrolling ancestors leave in sight: elements scrolled away are not on screen. */
    let view = box(el.getBoundingClientRect());
    for (let a = el; a.parentElement; a = a.parentElement) {
      if (getComputedStyle(a).position === "fixed") break;
      const p = a.parentElement;
      const ps = getComputedStyle(p);
      const o = `${ps.overflowX} ${ps.overflowY}`;
      if (/auto|scroll/.test(o)) {
        scrolls = true;
        const r = p.getBoundingClientRect();
        view = {
          left: Math.max(view.left, r.left),
          top: Math.max(view.top, r.top),
          right: Math.min(view.right, r.right),
          bottom: Math.min(view.bottom, r.bottom),
        };
      } else if (/hidden|clip/.test(o)) {
        const r = box(p.getBoundingClientRect());
        clip = clip
          ? {
              left: Math.max(clip.left, r.left),
              top: Math.max(clip.top, r.top),
              right: Math.min(clip.right, r.right),
              bottom: Math.min(clip.bottom, r.bottom),
            }
          : r;
      }
    }
    if (view.right - view.left < 1 || view.bottom - view.top < 1) continue;
    const floating = el.closest(FLOATING);
    const gridcell = el.closest("[role=gridcell]");
    const label = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40);
    out.push({
      name: `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""} "${label}"`,
      path: pathOf(el),
      box: view,
      text: textBoxes.has(el) && el.getAttribute("role") !== "gridcell",
      interactive: el.matches(INTERACTIVE),
      cell: gridcell && gridcell !== el ? cellKey(gridcell) : null,
      isCell: el.getAttribute("role") === "gridcell" ? cellKey(el) : null,
      layer: floating ? pathOf(floating) : "",
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      scrollHeight: el.scrollHeight,
      clientHeight: el.clientHeight,
      hidesOverflow: /hidden|clip/.test(`${s.overflowX} ${s.overflowY}`),
      ellipsis: s.textOverflow === "ellipsis",
      clamped: (s.webkitLineClamp ?? "none") !== "none" && s.webkitLineClamp !== "",
      clip,
      scrolls,
    });
  }
  return out;
}

/** The matrix's size on screen (the largest grid), for "presenting never makes it smaller". */
const gridArea = (page) =>
  page.evaluate(() =>
    Math.max(
      0,
      ...[...document.querySelectorAll("[role=grid]")].map((g) => {
        const r = g.getBoundingClientRect();
        return r.width * r.height;
      }),
    ),
  );

async function axeContrast(page) {
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  }
  const result = await page.evaluate(() =>
    // @ts-ignore: injected above
    window.axe.run(document, {
      resultTypes: ["violations"],
      rules: { "color-contrast": { enabled: true } },
    }),
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.close();
});

for (const [width, height] of SIZES) {
  for (const theme of THEMES) {
    test(`layout at ${width}×${height}, ${theme}`, async (t) => {
      const context = await h.browser.newContext({
        viewport: { width, height },
        colorScheme: theme,
      });
      await context.addInitScript((w) => {
        // @ts-ignore: read by the fake backend (see lib/backend/fake.ts)
        window.__PARALLAX_FAKE_WORKSHOP__ = w;
      }, workshop());
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      await page.goto(h.url);
      await page.getByRole("grid").waitFor();
      // Steps to undo and one to redo, for the history.
      for (const name of ["Hide", "Reveal", "Hide"]) {
        await page.getByRole("button", { name, exact: true }).click();
      }
      await page.keyboard.press("Control+z");
      await page.getByRole("button", { name: "Redo: Hide" }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      const areas = {};
      for (const presenting of [false, true]) {
        if (presenting) {
          await page.getByRole("button", { name: "Present" }).click();
          await page.waitForFunction(() => document.documentElement.classList.contains("present"));
        }
        for (const view of VIEWS) {
          const name = `${presenting ? "presenting" : "not presenting"}: ${view.name}`;
          await t.test(name, async (st) => {
            const skip = await view.show(page);
            if (skip) {
              st.skip(skip);
              return;
            }
            // Let resize observers settle (the board lays cards out from measured sizes).
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
            await page.waitForTimeout(50);
            areas[`${view.name}:${presenting}`] = await gridArea(page);
            const problems = layoutProblems(await page.evaluate(measure), { width, height });
            if (process.env.SHOT_DIR && problems.length > 0) {
              const file = `layout-${width}x${height}-${theme}-${presenting ? "present-" : ""}${view.name.replace(/\W+/g, "-")}`;
              await page.screenshot({ path: `${process.env.SHOT_DIR}/${file}.png` });
            }
            const contrast = width === 1280 && height === 720 ? await axeContrast(page) : [];
            await view.hide?.(page);
            assert.deepEqual([...problems, ...contrast], []);
          });
        }
      }
      await t.test("presenting never makes the matrix smaller", () => {
        for (const view of ["place", "compare overlay", "converge"]) {
          const plain = areas[`${view}:false`];
          const presented = areas[`${view}:true`];
          assert.ok(
            presented >= plain,
            `${view}: ${Math.round(presented)} px² presenting, ${Math.round(plain)} px² not`,
          );
        }
      });
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}
