// A Backend that keeps the workshop in memory, for browser tests and for looking at the UI in a
// plain browser. Its edits (fake-edits.ts) are held to the engine's by a contract test
// (contract.test.ts against crates/engine/tests/contract.rs); the rest (analysis, exports) is a
// stand-in, and the Rust tests are the truth.
// "Saving" keeps a copy in memory; `savedCopy()` lets tests see what would have been written.
// Like the shell, it starts on the untouched sample (nothing unsaved, so the UI shows the start
// screen), and counts the questions about unsaved changes the shell would have asked.

import type {
  Analysis,
  AxisAgreement,
  Cell,
  Change,
  ChangeGap,
  CommandError,
  Dominant,
  Edit,
  EditReply,
  ExportChoice,
  ExportOutcome,
  ExportProgress,
  ChangeType,
  ImportPreview,
  ImportSettings,
  MixRow,
  ResidualFlag,
  PreviewColumn,
  Progress,
  QueueEntry,
  RecentFile,
  ReferenceChange,
  Template,
  TemplateChoice,
  TrendExported,
  TrendExportKind,
  TrendReport,
  TrendSource,
  Workshop,
  WorkshopView,
  ChosenWorkshop,
} from "../types";
import type { Backend } from "./index";
import type { NetworkChoice, Round, RoomStatus } from "../room";
import { FakeRoom } from "./fake-room";
import sample from "./sample-workshop.json";
import templates from "./templates.json";
import { applyEdit, onlyChange } from "./fake-edits";
import { fakeBandCheck } from "./fake-bands";
import references from "./reference-changes.json";
import {
  FAKE_BROKEN_MESSAGE,
  FAKE_CHOSEN,
  fakeAxis,
  fakeGapMap,
  fakeTrend,
  fakeTrendTitle,
  fakeWorkshop,
  type FakeAlpha,
} from "./fake-charts";

/** The columns of the fake import's file, as the engine recognises a Jira export. */
const FAKE_IMPORT_COLUMNS: PreviewColumn[] = [
  { header: "Summary", samples: ["Upgrade Kafka", "Rotate keys"], role: { role: "title" } },
  { header: "Issue key", samples: ["OPS-1", "SEC-2"], role: { role: "ticket" } },
  { header: "Issue Type", samples: ["Story", "Change"], role: { role: "type" } },
  { header: "Labels", samples: ["kafka"], role: { role: "tags" } },
  { header: "Labels", samples: ["security"], role: { role: "tags" } },
  { header: "Description", samples: ["Broker by broker"], role: { role: "description" } },
  { header: "Priority", samples: ["High", "Low"], role: { role: "ignored" } },
];

function refuse(message: string): CommandError {
  return { code: "invalid_edit", message };
}

/** The made-up α (and interval) of the fake's January and March workshops: the gap closes, and
 * with eight changes compared both rest on too few to read much into. */
const JANUARY_ALPHA: FakeAlpha = { likelihood: [0.21, -0.34, 0.62], impact: [0.58, 0.12, 0.86] };
const MARCH_ALPHA: FakeAlpha = { likelihood: [0.47, 0.05, 0.79], impact: [0.61, 0.24, 0.83] };

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Undoes and redoes by whole snapshots; `change` is the one change the step touched, if it
 * touched only one (as the engine's `Edit::only_change` says), so replies can carry it alone. */
type Step = { label: string; before: Workshop; change: string | null };

/** How many labels the status lists, as the engine's `LISTED_STEPS`. */
const LISTED_STEPS = 15;

export class FakeBackend implements Backend {
  private workshop: Workshop;
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private revision = 0;
  /** The revision last saved; 0 at first: the workshop the fake starts with is untouched. */
  private savedRevision: number | null = 0;
  private fileName: string | null = null;
  private saved: Workshop | null = null;
  /** The name the saved copy was written under, as the recent list gives it. */
  private savedName: string | null = null;
  /** How many times the shell would have asked whether to save unsaved changes, for tests. */
  questions = 0;
  /** The answer to that question: "discard" lets the workshop go, "cancel" keeps it. */
  unsavedAnswer: "discard" | "cancel" = "discard";
  /** How many times the UI asked to open a workshop, for tests. */
  opens = 0;
  /** The perspective looking, as the shell's viewer: null is the facilitator alone. */
  private viewer: string | null = null;
  /** The time stamped on placements; the contract test fixes it, as the engine's tests do. */
  private readonly now: () => number;

  /**
   * Starts from `workshop`; a browser benchmark may hand it a big workshop through
   * `window.__PARALLAX_FAKE_WORKSHOP__` before the page loads (the app never uses the fake). That
   * one stands for a file named on the command line: it has a name, so the UI opens it directly.
   */
  constructor(workshop?: Workshop, now: () => number = Date.now) {
    const given = (globalThis as { __PARALLAX_FAKE_WORKSHOP__?: Workshop })
      .__PARALLAX_FAKE_WORKSHOP__;
    this.workshop = clone(workshop ?? given ?? (sample as Workshop));
    if (!workshop && given) this.fileName = "workshop.parallax";
    this.now = now;
  }

  /** The shell's `settle_unsaved`: true when the open workshop may go. */
  private settle(): boolean {
    if (this.savedRevision === this.revision) return true;
    this.questions += 1;
    return this.unsavedAnswer !== "cancel";
  }

  /** Puts `workshop` in place with a fresh history; `untouched` when nothing in it is unsaved. */
  private replace(workshop: Workshop, fileName: string | null, untouched: boolean) {
    this.workshop = clone(workshop);
    this.undoStack = [];
    this.redoStack = [];
    this.revision += 1;
    this.savedRevision = untouched ? this.revision : null;
    this.fileName = fileName;
  }

  /** What the last save wrote, for tests. */
  savedCopy(): Workshop | null {
    return this.saved === null ? null : clone(this.saved);
  }

  /** The whole workshop, unfiltered, for tests (the UI only ever gets it as the viewer sees it). */
  snapshot(): Workshop {
    return clone(this.workshop);
  }

  /** The engine's `is_hidden`: blind mode, not revealed yet. */
  private hidden(): boolean {
    return this.workshop.blind && this.workshop.phase === "placing";
  }

  /** The engine's `seen_by`: while hidden, only the viewer's own placements and no consensus
   * or residual (they would anchor the room just as much). */
  private seen(change: Change): Change {
    const c = clone(change);
    if (!this.hidden()) return c;
    c.placements = Object.fromEntries(
      Object.entries(c.placements).filter(([p]) => p === this.viewer),
    );
    c.consensus = null;
    c.residual = null;
    return c;
  }

  private seenWorkshop(): Workshop {
    return { ...clone(this.workshop), changes: this.workshop.changes.map((c) => this.seen(c)) };
  }

  /** How far each perspective has got: safe to show while hidden. */
  private progress(): Progress[] {
    const total = this.workshop.changes.length;
    return this.workshop.perspectives.map((p) => ({
      perspective: p.id,
      placed: this.workshop.changes.filter((c) => c.placements[p.id]).length,
      total,
    }));
  }

  private view(): WorkshopView {
    return {
      workshop: this.seenWorkshop(),
      status: this.status(),
      file_name: this.fileName,
      read_only: null,
      hidden: this.hidden(),
      progress: this.progress(),
    };
  }

  async setViewer(active: string | null): Promise<WorkshopView> {
    if (active !== null && !this.workshop.perspectives.some((p) => p.id === active)) {
      throw { code: "bad_request", message: `there is no perspective with id "${active}"` };
    }
    this.viewer = active;
    return this.view();
  }

  private status(): WorkshopView["status"] {
    const newest = (stack: Step[]) =>
      stack
        .slice(-LISTED_STEPS)
        .reverse()
        .map((s) => s.label);
    return {
      dirty: this.savedRevision !== this.revision,
      undo_label: this.undoStack.at(-1)?.label ?? null,
      redo_label: this.redoStack.at(-1)?.label ?? null,
      undo_labels: newest(this.undoStack),
      redo_labels: newest(this.redoStack),
      undo_count: this.undoStack.length,
      redo_count: this.redoStack.length,
      revision: this.revision,
    };
  }

  /** Like the shell's reply: the one change touched (with its place), the whole workshop, or
   * neither when nothing changed. */
  private reply(touched: "nothing" | "everything" | string): EditReply {
    const base = {
      status: this.status(),
      file_name: this.fileName,
      read_only: null,
      hidden: this.hidden(),
      progress: this.progress(),
    };
    if (touched === "nothing") return { ...base, change: null, workshop: null };
    const index = this.workshop.changes.findIndex((c) => c.id === touched);
    if (touched === "everything" || index < 0) {
      return { ...base, change: null, workshop: this.seenWorkshop() };
    }
    return {
      ...base,
      change: { index, change: this.seen(this.workshop.changes[index]!) },
      workshop: null,
    };
  }

  async start(): Promise<WorkshopView> {
    return this.view();
  }

  async getWorkshop(): Promise<WorkshopView> {
    return this.view();
  }

  /** Replies with the one change the edit touched, or the whole workshop, as the app does. */
  async applyEdit(sent: Edit): Promise<EditReply> {
    // Edits cross IPC as JSON in the app; doing the same here keeps the fake honest about it.
    const edit = JSON.parse(JSON.stringify(sent)) as Edit;
    const before = this.workshop;
    // The edit works on a copy, so a refusal (thrown) leaves the workshop as it was.
    const after = clone(before);
    const label = applyEdit(after, edit, this.now());
    this.workshop = after;
    const change = onlyChange(edit);
    this.undoStack.push({ label, before, change });
    this.redoStack = [];
    this.revision += 1;
    return this.reply(change ?? "everything");
  }

  async undo(): Promise<EditReply> {
    return this.cross(this.undoStack, this.redoStack, Math.min(1, this.undoStack.length));
  }

  async redo(): Promise<EditReply> {
    return this.cross(this.redoStack, this.undoStack, Math.min(1, this.redoStack.length));
  }

  async undoSteps(count: number): Promise<EditReply> {
    return this.cross(this.undoStack, this.redoStack, count);
  }

  async redoSteps(count: number): Promise<EditReply> {
    return this.cross(this.redoStack, this.undoStack, count);
  }

  /** Moves `count` steps from one stack to the other, all or nothing, like the engine. */
  private cross(from: Step[], to: Step[], count: number): EditReply {
    if (!Number.isInteger(count) || count < 0 || count > from.length) {
      const verb = from === this.undoStack ? "undone" : "redone";
      const steps = from.length === 1 ? "1 step" : `${from.length} steps`;
      throw { code: "bad_request", message: `only ${steps} can be ${verb}, not ${count}` };
    }
    if (count === 0) return this.reply("nothing");
    let touched: string | null | undefined;
    for (let k = 0; k < count; k++) {
      const step = from.pop()!;
      to.push({ label: step.label, before: clone(this.workshop), change: step.change });
      this.workshop = step.before;
      this.revision += 1;
      touched = touched === undefined || touched === step.change ? step.change : null;
    }
    return this.reply(touched ?? "everything");
  }

  /** Opens the saved copy, if there is one (as if the user had picked its file). */
  async open(): Promise<WorkshopView> {
    this.opens += 1;
    if (this.saved && this.settle()) this.replace(this.saved, this.savedName, true);
    return this.view();
  }

  async save(): Promise<WorkshopView> {
    this.saved = clone(this.workshop);
    this.savedRevision = this.revision;
    this.fileName ??= `${this.workshop.title.replace(/[/\\:*?"<>|]/g, "-")}.parallax`;
    this.savedName = this.fileName;
    return this.view();
  }

  async saveAs(): Promise<WorkshopView> {
    return this.save();
  }

  /** The settings the last import was applied with, for tests. */
  lastImportSettings: ImportSettings | null = null;

  /** A fixed Jira-shaped CSV with a quote left open on line 4, as if the user had picked it
   * (the engine reads real files; its tests are the truth). Settings change the roles, the
   * delimiter, the encoding and the type mapping as the engine would show them. */
  async previewImport(settings?: ImportSettings): Promise<ImportPreview | null> {
    const columns: PreviewColumn[] = FAKE_IMPORT_COLUMNS.map((c, i) => ({
      ...c,
      role: settings?.columns?.[i] ?? c.role,
    }));
    const mapped = (value: string): ChangeType =>
      settings?.types.find((t) => t.value.toLowerCase() === value.toLowerCase())?.change_type ??
      "normal";
    const titleAt = columns.findIndex((c) => c.role.role === "title");
    const typeAt = columns.findIndex((c) => c.role.role === "type");
    const ticketAt = columns.findIndex((c) => c.role.role === "ticket");
    const first: Change[] =
      titleAt < 0
        ? []
        : columns[titleAt].samples.map((title, i) => ({
            ...clone(sample.changes[i] as Change),
            id: `c${i + 1}`,
            title,
            ticket: ticketAt < 0 ? "" : (columns[ticketAt].samples[i] ?? ""),
            tags: [],
            description: "",
            placements: {},
            change_type: typeAt < 0 ? "normal" : mapped(columns[typeAt].samples[i] ?? ""),
          }));
    return {
      title: "jira-export",
      source: "jira",
      delimiter: settings?.delimiter ?? "comma",
      encoding: settings?.encoding ?? "utf-8",
      header_key: "fake-jira-header",
      columns,
      types:
        typeAt < 0
          ? []
          : ["Story", "Change"].map((value) => ({
              value,
              change_type: mapped(value),
              known: false,
              rows: 1,
            })),
      warnings: [
        {
          line: 4,
          message:
            "a quote opens here and is never closed: the rest of the file (2 lines) is read " +
            "as one field; close the quote or remove it",
        },
      ],
      changes: first.length,
      perspectives:
        titleAt < 0
          ? []
          : [
              { name: "Dev", placements: 0 },
              { name: "Ops", placements: 0 },
            ],
      first,
      problem:
        titleAt < 0
          ? "line 1: no column is mapped to title; it is the one field every change needs"
          : null,
    };
  }

  async applyImport(settings: ImportSettings): Promise<WorkshopView> {
    const preview = await this.previewImport(settings);
    if (!preview || preview.problem) {
      throw { code: "cannot_open", message: preview?.problem ?? "no import" } as CommandError;
    }
    if (!this.settle()) return this.view();
    // As IPC does: the settings travel as JSON (a Svelte state proxy cannot be structured-cloned).
    this.lastImportSettings = JSON.parse(JSON.stringify(settings)) as ImportSettings;
    const w = clone(sample as Workshop);
    w.title = preview.title;
    w.changes = preview.first;
    this.replace(w, null, false);
    return this.view();
  }

  async newWorkshop(template: Template): Promise<WorkshopView | null> {
    if (!this.settle()) return null;
    const matrix = (templates as Record<Template, Workshop["matrix"]>)[template];
    if (!matrix) throw { code: "bad_request", message: `unknown template '${template}'` };
    const perspectives = (sample as Workshop).perspectives.slice(0, 2);
    const w: Workshop = {
      ...clone(sample as Workshop),
      title: "New workshop",
      changes: [],
      phase: "placing",
      blind: true,
    };
    this.replace({ ...w, matrix: clone(matrix), perspectives }, null, true);
    return this.view();
  }

  async openSample(): Promise<WorkshopView | null> {
    if (!this.settle()) return null;
    this.replace(sample as Workshop, null, true);
    return this.view();
  }

  /** The file saved in this page, if any: the fake keeps one. */
  async recentFiles(): Promise<RecentFile[]> {
    return this.saved && this.savedName
      ? [
          {
            index: 0,
            name: this.savedName,
            folder: "(this browser page)",
            title: this.saved.title,
          },
        ]
      : [];
  }

  async openRecent(index: number): Promise<WorkshopView> {
    if (index !== 0 || !this.saved) throw refuse("that workshop is no longer in the recent list");
    return this.open();
  }

  /**
   * A reduced analysis for browser tests: gaps per change and the discussion queue, with every
   * statistic left undefined (the engine computes them in the app; Rust tests check them).
   */
  async analyze(from: string | null, to: string | null): Promise<Analysis> {
    // As the engine: calibration changes count in no figure; their gaps come back on their own.
    const whole = this.workshop;
    const w = { ...whole, changes: whole.changes.filter((c) => !c.calibration) };
    const a = w.perspectives.find((p) => p.id === from) ?? w.perspectives[0];
    const b =
      w.perspectives.find((p) => p.id === to && p.id !== a?.id) ??
      w.perspectives.find((p) => p.id !== a?.id);
    if (!a || !b) throw { code: "bad_request", message: "comparing needs two perspectives" };
    const band = (c: Cell | undefined) => {
      if (!c) return null;
      let name: string | null = null;
      for (const x of w.matrix.bands) if (x.min_score <= c.likelihood * c.impact) name = x.name;
      return name;
    };
    const gapOf = (c: Change): ChangeGap => {
      const f = c.placements[a.id];
      const t = c.placements[b.id];
      const both = !!f && !!t;
      const lg = both ? t.likelihood - f.likelihood : null;
      const ig = both ? t.impact - f.impact : null;
      return {
        change: c.id,
        title: c.title,
        placed: both ? "both" : f ? "from_only" : t ? "to_only" : "neither",
        from: f ? { likelihood: f.likelihood, impact: f.impact } : null,
        to: t ? { likelihood: t.likelihood, impact: t.impact } : null,
        likelihood_gap: lg,
        impact_gap: ig,
        score_gap: both ? t.likelihood * t.impact - f.likelihood * f.impact : null,
        from_band: band(f),
        to_band: band(t),
        band_differs: both ? band(f) !== band(t) : null,
        dominant:
          lg === null || ig === null
            ? null
            : lg === 0 && ig === 0
              ? "agree"
              : Math.abs(lg) > Math.abs(ig)
                ? "likelihood"
                : Math.abs(ig) > Math.abs(lg)
                  ? "impact"
                  : "both",
      };
    };
    const changes = w.changes.map(gapOf);
    const spread = (c: Change, axis: "likelihood" | "impact") => {
      const v = Object.values(c.placements).map((p) => p[axis]);
      return v.length < 2 ? 0 : Math.max(...v) - Math.min(...v);
    };
    const about = (l: number, i: number) => {
      const dominant: Dominant = l > i ? "likelihood" : i > l ? "impact" : l ? "both" : "agree";
      return { dominant, about: dominant === "agree" ? "agree" : `about ${dominant}` };
    };
    const queue: QueueEntry[] = w.changes
      .map((c, position) => ({ c, position, placed: Object.keys(c.placements).length }))
      .filter((x) => x.placed >= 2)
      .map(({ c, position, placed }) => ({
        rank: 0,
        change: c.id,
        title: c.title,
        position,
        placed_by: placed,
        likelihood_spread: spread(c, "likelihood"),
        impact_spread: spread(c, "impact"),
        level_spread: spread(c, "likelihood") + spread(c, "impact"),
        band_spread: 0,
        score_spread: 0,
        ...about(spread(c, "likelihood"), spread(c, "impact")),
        tied_with: [],
      }))
      // As the engine's queue: a change everybody placed in the same cell is not discussed.
      .filter((e) => e.level_spread > 0)
      .sort((x, y) => y.level_spread - x.level_spread || x.position - y.position)
      .map((e, i) => ({ ...e, rank: i + 1 }));
    const compared = changes.filter((c) => c.placed === "both").length;
    const axis = (name: "likelihood" | "impact"): AxisAgreement =>
      fakeAxis(
        name,
        w.matrix[name].length,
        changes
          .map((c) => (name === "likelihood" ? c.likelihood_gap : c.impact_gap))
          .filter((g): g is number => g !== null),
        queue.length,
      );
    const differs = changes.filter((c) => c.band_differs).length;
    return {
      hidden: false,
      perspectives: w.perspectives.map((p) => ({
        id: p.id,
        name: p.name,
        placed: w.changes.filter((c) => c.placements[p.id]).length,
      })),
      pair: { from: a.name, to: b.name, from_id: a.id, to_id: b.id },
      total_changes: w.changes.length,
      compared,
      likelihood: axis("likelihood"),
      impact: axis("impact"),
      band_differs: differs,
      band_differs_share: compared ? differs / compared : null,
      changes,
      queue,
      inherent_residual: [],
      candidate_rule: { max_band: 0, max_spread: 1, require_all_perspectives: false },
      candidates: [],
      summary: `${a.name} and ${b.name} both placed ${compared} of ${w.changes.length} changes.`,
      dominant_counts: {
        likelihood: changes.filter((c) => c.dominant === "likelihood").length,
        impact: changes.filter((c) => c.dominant === "impact").length,
        both: changes.filter((c) => c.dominant === "both").length,
        agree: changes.filter((c) => c.dominant === "agree").length,
      },
      // The sentence is the engine's (analysis/shape.rs); the fake leaves it out.
      disagreement_summary: "",
      reliability: {
        stability: compared >= 10 ? "readable" : "too_few_changes",
        compared,
        threshold: 10,
        note: `Only ${compared} ${compared === 1 ? "change is" : "changes are"} placed by both ${a.name} and ${b.name}; with fewer than 10 the agreement figures are too unstable to read much into.`,
      },
      calibration: whole.changes.filter((c) => c.calibration).map(gapOf),
      mitigation_mix: this.mitigationMix(w),
      residual_flags: w.changes.filter((c) => !c.calibration).flatMap(residualFlagsOf),
      band_check: fakeBandCheck(w, this.hidden()),
    };
  }

  /** The engine's `Matrix::reference_changes`: the nearest template's by the shorter axis. */
  async referenceChanges(): Promise<ReferenceChange[]> {
    const m = this.workshop.matrix;
    const n = Math.min(m.likelihood.length, m.impact.length);
    const template: Template = n <= 3 ? "3x3" : n === 4 ? "4x4" : "5x5";
    return structuredClone((references as Record<Template, ReferenceChange[]>)[template]);
  }

  /** The engine's `mitigation_mix`: per perspective, then the mitigations nobody proposed. */
  private mitigationMix(w: Workshop): MixRow[] {
    const all = w.changes.filter((c) => !c.calibration).flatMap((c) => c.mitigations);
    const count = (by: string | null, lowers: "likelihood" | "impact") =>
      all.filter(
        (m) =>
          m.lowers === lowers &&
          (by === null
            ? !w.perspectives.some((p) => p.id === m.proposed_by)
            : m.proposed_by === by),
      ).length;
    return [
      ...w.perspectives.map((p) => ({
        perspective: p.id,
        name: p.name,
        likelihood: count(p.id, "likelihood"),
        impact: count(p.id, "impact"),
      })),
      {
        perspective: null,
        name: "not recorded",
        likelihood: count(null, "likelihood"),
        impact: count(null, "impact"),
      },
    ];
  }

  /** The fake's own drawing of the gap map (fake-charts.ts), null while hidden as the shell's. */
  async gapMap(from: string | null, to: string | null): Promise<string | null> {
    if (this.hidden()) return null;
    const a = await this.analyze(from, to);
    return fakeGapMap(a.pair.from, a.pair.to, a.changes);
  }

  /** How many workshops the fake's dialog has offered (all three of FAKE_CHOSEN after one). */
  private chosen = 0;

  /** The fake's dialog "chooses" its three made-up files (fake-charts.ts). */
  async chooseTrendWorkshops(): Promise<ChosenWorkshop[]> {
    this.chosen = FAKE_CHOSEN.length;
    return clone(FAKE_CHOSEN.slice(0, this.chosen));
  }

  /** The fake's trend (fake-charts.ts): January and March made from the sample, a broken file,
   * and the recent workshop saved in this page. Nothing the fake holds changes. */
  async trend(
    workshops: TrendSource[],
    from: string | null,
    to: string | null,
  ): Promise<TrendReport> {
    if (workshops.length > 50) {
      throw { code: "bad_request", message: "a trend follows at most 50 workshops" };
    }
    const inputs: { file: string; workshop: Workshop; alpha?: FakeAlpha }[] = [];
    const failed: TrendReport["failed"] = [];
    const base = sample as Workshop;
    for (const source of workshops) {
      const known = source.kind === "chosen" ? source.index < this.chosen : source.index === 0;
      if (!known || (source.kind === "recent" && !this.saved)) {
        throw {
          code: "bad_request",
          message: "a workshop chosen for the trend is no longer in its list: choose it again",
        };
      }
      if (source.kind === "recent" && this.saved) {
        inputs.push({ file: `(this browser page)/${this.savedName}`, workshop: this.saved });
      } else if (source.index === 2) {
        failed.push({
          file: "/workshops (fake)/broken.parallax",
          name: "broken.parallax",
          message: FAKE_BROKEN_MESSAGE,
        });
      } else {
        const [title, at, spread, alpha] =
          source.index === 0
            ? (["Platform changes, January", Date.UTC(2026, 0, 14), 2, JANUARY_ALPHA] as const)
            : (["Platform changes, March", Date.UTC(2026, 2, 11), 1, MARCH_ALPHA] as const);
        const name = FAKE_CHOSEN[source.index]?.name ?? "";
        inputs.push({
          file: `/workshops (fake)/${name}`,
          workshop: fakeWorkshop(base, title, at, spread),
          alpha,
        });
      }
    }
    return fakeTrend(inputs, failed, from, to);
  }

  /** Where the next save of a trend goes, for tests: undefined answers as the shell's test
   * dialog does (the folder of the latest workshop, the chart's title as the name), null
   * cancels, a path is that file. */
  nextTrendSave: string | null | undefined = undefined;
  /** What the fake "wrote" for the Trends view, for tests. */
  readonly trendExports: { kind: TrendExportKind; file: string; workshops: string[] }[] = [];

  /** As the shell's `export_trend`: the trend computed again from the "files", a refusal when
   * none loads, the "dialog", a refusal over a followed workshop, the remembered template for
   * slides. Nothing is written anywhere: it records what it would have written. */
  async exportTrend(
    workshops: TrendSource[],
    from: string | null,
    to: string | null,
    kind: TrendExportKind,
  ): Promise<TrendExported | null> {
    const template = kind === "deck" ? this.template : null;
    if (template && this.templateUnreadable) {
      throw {
        code: "cannot_open",
        message: `${template.folder}/${template.name}: the template cannot be read (it was moved or deleted)`,
      };
    }
    const t = await this.trend(workshops, from, to);
    const latest = t.points.at(-1);
    if (!latest) {
      throw {
        code: "bad_request",
        message: "no workshop could be read, so there is no trend to save; nothing was written",
      };
    }
    const extension = kind === "deck" ? "pptx" : kind;
    const folder = latest.file.slice(0, latest.file.lastIndexOf("/"));
    const file =
      this.nextTrendSave === undefined
        ? `${folder}/${fakeTrendTitle(t.points)}.${extension}`
        : this.nextTrendSave;
    if (file === null) return null;
    const followed = [...t.points.map((p) => p.file), ...t.failed.map((f) => f.file)];
    if (followed.includes(file)) {
      throw {
        code: "cannot_save",
        message: `${file}: that is one of the workshops the trend follows; nothing was written`,
      };
    }
    this.trendExports.push({ kind, file, workshops: t.points.map((p) => p.file) });
    return {
      file,
      name: file.split("/").at(-1) ?? file,
      template: template?.name ?? null,
      workshops: t.points.length,
      left_out: t.failed.length,
    };
  }

  /** Remembers what was asked for and reports progress; the engine renders exports in the app. */
  async export(
    choice: ExportChoice,
    onProgress: (p: ExportProgress) => void,
  ): Promise<ExportOutcome> {
    this.exports.push(choice);
    const total = choice.kind === "deck" ? 3 : 1;
    for (let done = 0; done <= total; done++) {
      onProgress({ done, total, step: done < total ? `step ${done + 1}` : "done" });
      await new Promise((r) => setTimeout(r, 20));
    }
    const ext = { deck: "pptx", markdown: "md" }[choice.kind as string] ?? choice.kind;
    return { files: [`/tmp/${this.workshop.title}.${ext}`], cancelled: false };
  }

  /** What exports were asked for, for tests. */
  readonly exports: ExportChoice[] = [];

  /** The template remembered "on this machine" (this page). */
  private template: TemplateChoice | null = null;
  /** What the next "Use a template…" picks, for tests: a file name, null for Cancel; a name
   * starting with "broken" is refused as the engine refuses a file that is not a template. */
  nextTemplate: string | null = "house-style.potx";
  /** For tests: the remembered template can no longer be read (moved or deleted). */
  templateUnreadable = false;

  async exportTemplate(): Promise<TemplateChoice | null> {
    return this.template;
  }

  async chooseExportTemplate(): Promise<TemplateChoice | null> {
    const name = this.nextTemplate;
    if (name === null) return null;
    if (name.startsWith("broken")) {
      throw refuse(
        `the template ${name} is not a presentation (not a zip file); nothing was written`,
      );
    }
    this.template = { name, folder: "(this browser page)" };
    return this.template;
  }

  async forgetExportTemplate(): Promise<void> {
    this.template = null;
  }

  /** Nothing outside the page replaces the fake's workshop. */
  async onReplaced(): Promise<() => void> {
    return () => {};
  }

  async setFullscreen(on: boolean): Promise<void> {
    if (on && !document.fullscreenElement) await document.documentElement.requestFullscreen?.();
    if (!on && document.fullscreenElement) await document.exitFullscreen();
  }

  private readonly room = new FakeRoom(() => this.workshop);
  async roomInterfaces(): Promise<NetworkChoice[]> {
    return this.room.interfaces();
  }
  async openRoom(address: string, port: number | null, round: Round): Promise<RoomStatus> {
    return this.room.open(address, port, round);
  }
  async roomStatus(): Promise<RoomStatus> {
    return this.room.get();
  }
  async closeRound(): Promise<RoomStatus> {
    return this.room.closeRound();
  }
  async closeRoom(): Promise<RoomStatus> {
    return this.room.close();
  }
  async onRoomChanged(handler: (status: RoomStatus) => void): Promise<() => void> {
    return this.room.listen(handler);
  }
}

/**
 * The fake's port of the engine's residual check (analysis/residual_check.rs), the same rules
 * and the same words, so that Converge's warnings can be tried in a plain browser: a residual
 * that did not move although the change has mitigations, one lowered only on axes no
 * mitigation claims, one worse than the consensus. The Rust tests are the truth.
 */
export function residualFlagsOf(change: Change): ResidualFlag[] {
  const consensus = change.consensus;
  const residual = change.residual;
  if (!consensus || !residual) return [];
  type Ax = "likelihood" | "impact";
  const axes: Ax[] = ["likelihood", "impact"];
  const claims = (a: Ax) => change.mitigations.filter((m) => m.lowers === a).length;
  const l = claims("likelihood");
  const i = claims("impact");
  const lowered = axes.filter((a) => residual[a] < consensus[a]);
  const raised = axes.filter((a) => residual[a] > consensus[a]);
  const at = (c: Cell) => `L${c.likelihood} × I${c.impact}`;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const flag = (issue: ResidualFlag["issue"], on: Ax[], message: string): ResidualFlag => ({
    change: change.id,
    title: change.title,
    issue,
    axes: on,
    consensus,
    residual,
    likelihood_mitigations: l,
    impact_mitigations: i,
    message,
  });
  const flags: ResidualFlag[] = [];
  const total = change.mitigations.length;
  if (lowered.length === 0 && raised.length === 0 && total > 0) {
    flags.push(
      flag(
        "not_moved",
        axes,
        `The residual ${at(residual)} is where the consensus is, although ${plural(total, "mitigation", "mitigations")} (${l} likelihood, ${i} impact) ${total === 1 ? "is" : "are"} meant to lower it: either they do not work as claimed or the residual was not updated.`,
      ),
    );
  }
  if (lowered.length > 0 && lowered.every((a) => claims(a) === 0)) {
    const claimed = axes.filter((a) => claims(a) > 0);
    const why =
      claimed.length === 0
        ? "but no mitigation is recorded"
        : `but no mitigation claims to lower it; the mitigations claim ${claimed.join(" and ")}, which did not go down`;
    const moves = lowered.map((a) => `${a} from ${consensus[a]} to ${residual[a]}`);
    flags.push(
      flag("unclaimed_axis", lowered, `The residual lowers ${moves.join(" and ")} ${why}.`),
    );
  }
  if (raised.length > 0) {
    const moves = raised.map((a) => `${a} ${residual[a]} (consensus ${consensus[a]})`);
    flags.push(
      flag(
        "worse",
        raised,
        `The residual rates ${moves.join(" and ")} higher than the consensus: mitigations should not make a change riskier.`,
      ),
    );
  }
  return flags;
}
