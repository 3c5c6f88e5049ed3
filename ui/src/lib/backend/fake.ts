// A Backend that keeps the workshop in memory, for browser tests and for looking at the UI in a
// plain browser. It follows the engine's rules for the edits the UI sends (levels in range,
// known ids, rationale kept on a move) but it is not the engine: the Rust tests are the truth.
// "Saving" keeps a copy in memory; `savedCopy()` lets tests see what would have been written.

import type {
  Analysis,
  AxisAgreement,
  Cell,
  Change,
  ChangeGap,
  CommandError,
  Edit,
  EditReply,
  ExportChoice,
  ExportOutcome,
  ExportProgress,
  ImportPreview,
  QueueEntry,
  RecentFile,
  Workshop,
  WorkshopView,
} from "../types";
import type { Backend } from "./index";
import type { NetworkChoice, Round, RoomStatus } from "../room";
import { FakeRoom } from "./fake-room";
import sample from "./sample-workshop.json";

function refuse(message: string): CommandError {
  return { code: "invalid_edit", message };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Undoes and redoes by whole snapshots; `change` is the one change the step touched, if it
 * touched only one (as the engine's `Edit::only_change` says), so replies can carry it alone. */
type Step = { label: string; before: Workshop; change: string | null };

/** The engine's `Edit::only_change`: the edits that touch one change and nothing else. */
function onlyChange(edit: Edit): string | null {
  switch (edit.kind) {
    case "update_change":
    case "place":
    case "unplace":
    case "restore_placement":
    case "set_consensus":
    case "set_residual":
    case "add_mitigation":
    case "insert_mitigation":
    case "update_mitigation":
    case "remove_mitigation":
      return edit.change;
    default:
      return null;
  }
}

/** How many labels the status lists, as the engine's `LISTED_STEPS`. */
const LISTED_STEPS = 15;

export class FakeBackend implements Backend {
  private workshop: Workshop;
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private revision = 0;
  private savedRevision: number | null = null;
  private fileName: string | null = null;
  private saved: Workshop | null = null;

  /**
   * Starts from `workshop`; a browser benchmark may hand it a big workshop through
   * `window.__PARALLAX_FAKE_WORKSHOP__` before the page loads (the app never uses the fake).
   */
  constructor(workshop?: Workshop) {
    const given = (globalThis as { __PARALLAX_FAKE_WORKSHOP__?: Workshop })
      .__PARALLAX_FAKE_WORKSHOP__;
    this.workshop = clone(workshop ?? given ?? (sample as Workshop));
  }

  /** What the last save wrote, for tests. */
  savedCopy(): Workshop | null {
    return this.saved === null ? null : clone(this.saved);
  }

  private view(): WorkshopView {
    return {
      workshop: clone(this.workshop),
      status: this.status(),
      file_name: this.fileName,
      read_only: null,
    };
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
    const base = { status: this.status(), file_name: this.fileName, read_only: null };
    if (touched === "nothing") return { ...base, change: null, workshop: null };
    const index = this.workshop.changes.findIndex((c) => c.id === touched);
    if (touched === "everything" || index < 0) {
      return { ...base, change: null, workshop: clone(this.workshop) };
    }
    return {
      ...base,
      change: { index, change: clone(this.workshop.changes[index]!) },
      workshop: null,
    };
  }

  private change(id: string): Change {
    const c = this.workshop.changes.find((c) => c.id === id);
    if (!c) throw refuse(`there is no change with id "${id}"`);
    return c;
  }

  private checkCell(cell: Cell, path: string) {
    const maxL = this.workshop.matrix.likelihood.length;
    const maxI = this.workshop.matrix.impact.length;
    if (!Number.isInteger(cell.likelihood) || cell.likelihood < 1 || cell.likelihood > maxL) {
      throw refuse(`${path}.likelihood: ${cell.likelihood} is outside 1..=${maxL}`);
    }
    if (!Number.isInteger(cell.impact) || cell.impact < 1 || cell.impact > maxI) {
      throw refuse(`${path}.impact: ${cell.impact} is outside 1..=${maxI}`);
    }
  }

  private perspectiveName(id: string): string {
    const p = this.workshop.perspectives.find((p) => p.id === id);
    if (!p) throw refuse(`there is no perspective with id "${id}"`);
    return p.name;
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
    const before = clone(this.workshop);
    let label: string;
    switch (edit.kind) {
      case "place": {
        const c = this.change(edit.change);
        const who = this.perspectiveName(edit.perspective);
        const index = this.workshop.changes.indexOf(c);
        this.checkCell(edit.cell, `changes[${index}].placements.${edit.perspective}`);
        const old = c.placements[edit.perspective];
        label = `${old ? "Move" : "Place"} '${c.title}' to L${edit.cell.likelihood} × I${edit.cell.impact} (${who})`;
        c.placements[edit.perspective] = {
          likelihood: edit.cell.likelihood,
          impact: edit.cell.impact,
          rationale: edit.rationale ?? old?.rationale ?? "",
          placed_at_ms: Date.now(),
        };
        break;
      }
      case "unplace": {
        const c = this.change(edit.change);
        const who = this.perspectiveName(edit.perspective);
        delete c.placements[edit.perspective];
        label = `Take '${c.title}' back to the tray (${who})`;
        break;
      }
      case "set_phase":
        this.workshop.phase = edit.phase;
        label = edit.phase === "revealed" ? "Reveal" : "Hide placements again";
        break;
      case "set_blind":
        this.workshop.blind = edit.blind;
        label = edit.blind ? "Turn blind mode on" : "Turn blind mode off";
        break;
      case "add_change": {
        const title = edit.details.title.trim();
        if (!title) throw refuse("change.title: must not be empty");
        const highest = Math.max(
          0,
          ...this.workshop.changes.map((c) => Number(c.id.replace(/^c/, "")) || 0),
        );
        const change: Change = {
          id: `c${highest + 1}`,
          ...edit.details,
          title,
          placements: {},
          consensus: null,
          mitigations: [],
          residual: null,
        };
        const index = edit.index ?? this.workshop.changes.length;
        this.workshop.changes.splice(index, 0, change);
        label = `Add '${title}'`;
        break;
      }
      case "update_change": {
        const c = this.change(edit.change);
        if (!edit.details.title.trim()) throw refuse("change.title: must not be empty");
        label = `Edit '${c.title}'`;
        Object.assign(c, edit.details);
        break;
      }
      case "remove_change": {
        const c = this.change(edit.change);
        this.workshop.changes.splice(this.workshop.changes.indexOf(c), 1);
        label = `Delete '${c.title}'`;
        break;
      }
      case "move_change": {
        const c = this.change(edit.change);
        const max = this.workshop.changes.length - 1;
        if (edit.to_index < 0 || edit.to_index > max) {
          throw refuse(`position ${edit.to_index} is outside 0..=${max}`);
        }
        this.workshop.changes.splice(this.workshop.changes.indexOf(c), 1);
        this.workshop.changes.splice(edit.to_index, 0, c);
        label = `Reorder '${c.title}'`;
        break;
      }
      case "set_consensus":
      case "set_residual": {
        const c = this.change(edit.change);
        const index = this.workshop.changes.indexOf(c);
        const field = edit.kind === "set_consensus" ? "consensus" : "residual";
        if (edit.cell) this.checkCell(edit.cell, `changes[${index}].${field}`);
        c[field] = edit.cell ?? null;
        label = `${field === "consensus" ? "Agree" : "Residual risk of"} '${c.title}'`;
        break;
      }
      case "add_mitigation": {
        const c = this.change(edit.change);
        if (!edit.text.trim()) throw refuse("mitigation.text: must not be empty");
        const highest = Math.max(
          0,
          ...c.mitigations.map((m) => Number(m.id.replace(/^m/, "")) || 0),
        );
        c.mitigations.push({
          id: `m${highest + 1}`,
          text: edit.text,
          owner: edit.owner ?? "",
          lowers: edit.lowers,
        });
        label = `Add a mitigation to '${c.title}'`;
        break;
      }
      case "remove_mitigation": {
        const c = this.change(edit.change);
        c.mitigations = c.mitigations.filter((m) => m.id !== edit.mitigation);
        label = `Remove a mitigation from '${c.title}'`;
        break;
      }
      case "add_perspective": {
        const name = edit.name.trim();
        if (!name) throw refuse("perspective.name: must not be empty");
        if (this.workshop.perspectives.length >= 8)
          throw refuse("a workshop has at most 8 perspectives");
        let id = name.toLowerCase().replace(/[^a-z0-9]+/g, "-") || "p";
        while (this.workshop.perspectives.some((p) => p.id === id)) id += "-2";
        this.workshop.perspectives.push({ id, name, color: edit.color ?? "#6a4c93" });
        label = `Add the perspective '${name}'`;
        break;
      }
      case "move_perspective": {
        const list = this.workshop.perspectives;
        const from = list.findIndex((p) => p.id === edit.perspective);
        if (from < 0) throw refuse(`there is no perspective with id "${edit.perspective}"`);
        if (edit.to_index < 0 || edit.to_index >= list.length) {
          throw refuse(`position ${edit.to_index} is outside 0..=${list.length - 1}`);
        }
        const [moved] = list.splice(from, 1);
        list.splice(edit.to_index, 0, moved!);
        label = `Reorder '${moved!.name}'`;
        break;
      }
      case "rename_perspective": {
        const p = this.workshop.perspectives.find((p) => p.id === edit.perspective);
        if (!p) throw refuse(`there is no perspective with id "${edit.perspective}"`);
        label = `Rename '${p.name}' to '${edit.name}'`;
        p.name = edit.name;
        break;
      }
      case "recolor_perspective": {
        const p = this.workshop.perspectives.find((p) => p.id === edit.perspective);
        if (!p) throw refuse(`there is no perspective with id "${edit.perspective}"`);
        p.color = edit.color;
        label = `Recolour '${p.name}'`;
        break;
      }
      case "remove_perspective": {
        const name = this.perspectiveName(edit.perspective);
        const placed = this.workshop.changes.filter((c) => c.placements[edit.perspective]).length;
        if (placed > 0 && !edit.confirm) {
          throw refuse(`removing ${name} would lose ${placed} placements; confirm to remove it`);
        }
        if (this.workshop.perspectives.length <= 2)
          throw refuse("a workshop needs two perspectives");
        this.workshop.perspectives = this.workshop.perspectives.filter(
          (p) => p.id !== edit.perspective,
        );
        for (const c of this.workshop.changes) delete c.placements[edit.perspective];
        label = `Remove the perspective '${name}'`;
        break;
      }
      case "update_level": {
        const levels = this.workshop.matrix[edit.axis];
        const level = levels[edit.level - 1];
        if (!level) throw refuse(`${edit.axis} has no level ${edit.level}`);
        if (!edit.details.label.trim())
          throw refuse(`matrix.${edit.axis}[${edit.level - 1}].label: must not be empty`);
        levels[edit.level - 1] = edit.details;
        label = `Edit ${edit.axis} level ${edit.level}`;
        break;
      }
      case "set_bands": {
        const b = edit.bands;
        if (b[0]?.min_score !== 1) throw refuse("matrix.bands[0].min_score: must be 1");
        for (let i = 1; i < b.length; i++) {
          if (b[i]!.min_score <= b[i - 1]!.min_score) {
            throw refuse(
              `matrix.bands[${i}].min_score: ${b[i]!.min_score} must be above the previous band's ${b[i - 1]!.min_score}`,
            );
          }
        }
        this.workshop.matrix.bands = b;
        label = "Change the bands";
        break;
      }
      case "set_title":
        this.workshop.title = edit.title;
        label = "Rename the workshop";
        break;
      default:
        throw refuse(`the fake backend does not handle "${edit.kind}" edits`);
    }
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

  async open(): Promise<WorkshopView> {
    if (this.saved) {
      this.workshop = clone(this.saved);
      this.undoStack = [];
      this.redoStack = [];
      this.savedRevision = this.revision;
    }
    return this.view();
  }

  async save(): Promise<WorkshopView> {
    this.saved = clone(this.workshop);
    this.savedRevision = this.revision;
    this.fileName ??= `${this.workshop.title.replace(/[/\\:*?"<>|]/g, "-")}.parallax`;
    return this.view();
  }

  async saveAs(): Promise<WorkshopView> {
    return this.save();
  }

  /** A fixed two-change CSV, as if the user had picked one (the engine reads real files). */
  async previewImport(): Promise<ImportPreview | null> {
    return {
      file_name: "changes.csv",
      changes: 2,
      fields: ["title", "ticket"],
      perspectives: [
        { name: "Dev", placements: 2 },
        { name: "Ops", placements: 1 },
      ],
      ignored_columns: ["Assignee"],
      first: [
        { title: "Upgrade Kafka", change_type: "normal", ticket: "OPS-1", tags: [] },
        { title: "Rotate keys", change_type: "standard", ticket: "SEC-2", tags: [] },
      ],
    };
  }

  async applyImport(): Promise<WorkshopView> {
    const w = clone(sample as Workshop);
    w.title = "changes";
    w.changes = w.changes.slice(0, 2).map((c, i) => ({
      ...c,
      title: ["Upgrade Kafka", "Rotate keys"][i] ?? c.title,
    }));
    this.workshop = w;
    this.undoStack = [];
    this.redoStack = [];
    this.revision += 1;
    this.fileName = null;
    return this.view();
  }

  /** The file saved in this page, if any: the fake keeps one. */
  async recentFiles(): Promise<RecentFile[]> {
    return this.fileName
      ? [
          {
            index: 0,
            name: this.fileName,
            folder: "(this browser page)",
            title: this.workshop.title,
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
    const w = this.workshop;
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
    const changes: ChangeGap[] = w.changes.map((c) => {
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
    });
    const spread = (c: Change, axis: "likelihood" | "impact") => {
      const v = Object.values(c.placements).map((p) => p[axis]);
      return v.length < 2 ? 0 : Math.max(...v) - Math.min(...v);
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
      }))
      .sort((x, y) => y.level_spread - x.level_spread || x.position - y.position)
      .map((e, i) => ({ ...e, rank: i + 1 }));
    const compared = changes.filter((c) => c.placed === "both").length;
    const axis = (name: "likelihood" | "impact"): AxisAgreement => {
      const gaps = changes
        .map((c) => (name === "likelihood" ? c.likelihood_gap : c.impact_gap))
        .filter((g): g is number => g !== null);
      const undefinedHere = {
        code: "no_comparable_changes" as const,
        reason: "computed by the engine in the app",
      };
      return {
        axis: name,
        levels: w.matrix[name].length,
        compared,
        to_higher: gaps.filter((g) => g > 0).length,
        to_lower: gaps.filter((g) => g < 0).length,
        same: gaps.filter((g) => g === 0).length,
        mean_signed_gap: gaps.length ? gaps.reduce((s, g) => s + g, 0) / gaps.length : null,
        mean_abs_gap: gaps.length ? gaps.reduce((s, g) => s + Math.abs(g), 0) / gaps.length : null,
        weighted_kappa: null,
        weighted_kappa_undefined: undefinedHere,
        alpha_changes: queue.length,
        krippendorff_alpha: null,
        krippendorff_alpha_undefined: undefinedHere,
      };
    };
    const differs = changes.filter((c) => c.band_differs).length;
    return {
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
