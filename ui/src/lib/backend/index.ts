// The one door from the UI to the Rust side. Components talk to the `Backend` interface only;
// this folder is the only place that imports @tauri-apps/*, so browser tests can run the same UI
// on the fake backend. Paths for writing never travel through here: Rust opens the dialogs.

import type {
  Analysis,
  ChosenWorkshop,
  CommandError,
  Edit,
  EditReply,
  ExportChoice,
  ExportOutcome,
  ExportProgress,
  ImportPreview,
  ImportSettings,
  RecentFile,
  ReferenceChange,
  Template,
  TemplateChoice,
  TrendExported,
  TrendExportKind,
  TrendReport,
  TrendSource,
  WorkshopView,
} from "../types";
import type { NetworkChoice, Round, RoomStatus } from "../room";

export interface Backend {
  /** The UI's first call: Rust first offers unsaved work kept from an earlier run, if any. */
  start(): Promise<WorkshopView>;
  /** The open workshop as it is now, as the current viewer may see it. */
  getWorkshop(): Promise<WorkshopView>;
  /** Who is looking: the perspective placing now, or null for the facilitator alone. Every view
   * and reply after this is filtered for that viewer by the engine: while `hidden`, it holds no
   * other perspective's placements (only their `progress`). */
  setViewer(active: string | null): Promise<WorkshopView>;
  /** Applies one edit; rejects with a CommandError and changes nothing if it is refused. The
   * reply carries the one change the edit touched, or the whole workshop. */
  applyEdit(edit: Edit): Promise<EditReply>;
  /** Undoes the newest step, if any; replies like an edit (neither a change nor a workshop
   * when there was nothing to undo). */
  undo(): Promise<EditReply>;
  redo(): Promise<EditReply>;
  /** Undoes the `count` newest steps in one go: back to before `status.undo_labels[count - 1]`.
   * All or nothing; rejects with `bad_request` when there are fewer steps than that. */
  undoSteps(count: number): Promise<EditReply>;
  /** Redoes the `count` next steps in one go, up to `status.redo_labels[count - 1]`. */
  redoSteps(count: number): Promise<EditReply>;
  /** Asks (in Rust) which file to open and opens it; unchanged view if the user cancels. */
  open(): Promise<WorkshopView>;
  /** Saves to the document's file, asking where the first time. */
  save(): Promise<WorkshopView>;
  saveAs(): Promise<WorkshopView>;
  /** Without settings: asks (in Rust) for a CSV and the engine previews it (with the mapping
   * remembered for its header); null when the user cancels. With settings: previews the chosen
   * file again under a changed delimiter, encoding or mapping. */
  previewImport(settings?: ImportSettings): Promise<ImportPreview | null>;
  /** Builds the workshop under the facilitator's final settings and opens it (after Rust
   * settles unsaved changes); rejects with the engine's message if the mapping cannot import. */
  applyImport(settings: ImportSettings): Promise<WorkshopView>;
  /** Recently opened workshops, newest first. */
  recentFiles(): Promise<RecentFile[]>;
  /** Opens the recent workshop at `index` (after Rust settles unsaved changes). */
  openRecent(index: number): Promise<WorkshopView>;
  /** A new, empty workshop on the matrix of `template`, with nothing unsaved (after Rust settles
   * the open workshop's unsaved changes); null when the user cancelled that. */
  newWorkshop(template: Template): Promise<WorkshopView | null>;
  /** The sample workshop, untouched: nothing unsaved, so replacing it later asks nothing; null
   * when the user cancelled settling the open workshop's unsaved changes. */
  openSample(): Promise<WorkshopView | null>;
  /** The engine's analysis for a pair of perspectives (ids; the first two when null). */
  analyze(from: string | null, to: string | null): Promise<Analysis>;
  /** The reference changes the engine suggests for the open workshop's calibration round (its
   * matrix's nearest built-in template's); adding them is up to the facilitator, by edits. */
  referenceChanges(): Promise<ReferenceChange[]>;
  /** The engine's gap map of a pair (ids or names; the first two when null) as SVG text,
   * 1920×1080, drawn from the workshop as the viewer may see it; null while placements are
   * hidden. */
  gapMap(from: string | null, to: string | null): Promise<string | null>;
  /** Asks (in Rust) for workshops to follow across time, several at once, and adds them to the
   * list Rust holds; replies with that whole list (a cancelled dialog adds nothing). */
  chooseTrendWorkshops(): Promise<ChosenWorkshop[]>;
  /** The trend of chosen and recent workshops (named by index, never by path) for a pair (names
   * or ids; the first two when null): only read, nothing locked or written; files that fail
   * come back in `failed` with their error. At most 50 workshops. */
  trend(workshops: TrendSource[], from: string | null, to: string | null): Promise<TrendReport>;
  /** Saves the trend of the same workshops and pair as the engine's chart (PNG or SVG) or as
   * slides: Rust computes it again from the files, asks where (never over one of the workshops)
   * and writes one file; slides go on the template remembered for Export, if any (one that can
   * no longer be read refuses them). Null when the user cancelled. */
  exportTrend(
    workshops: TrendSource[],
    from: string | null,
    to: string | null,
    kind: TrendExportKind,
  ): Promise<TrendExported | null>;
  /** Asks (in Rust) where to write, then exports; progress arrives while it runs. A deck is
   * built on the company template remembered on this machine, if there is one. */
  export(choice: ExportChoice, onProgress: (p: ExportProgress) => void): Promise<ExportOutcome>;
  /** The deck's company template remembered on this machine, or null: Parallax's own layout. */
  exportTemplate(): Promise<TemplateChoice | null>;
  /** Asks (in Rust) for a .pptx or .potx, checks it and remembers it on this machine; null when
   * the user cancelled (the previous choice stays); rejects with the reason a file is refused. */
  chooseExportTemplate(): Promise<TemplateChoice | null>;
  /** Back to Parallax's own layout. */
  forgetExportTemplate(): Promise<void>;
  /** Calls `handler` when Rust replaced the open workshop by itself (a file handed over by a
   * second launch); returns a function that stops listening. */
  onReplaced(handler: () => void): Promise<() => void>;
  /** Presentation mode: the window fills the screen (the UI enlarges type itself). */
  setFullscreen(on: boolean): Promise<void>;
  /** This computer's addresses the room can listen on, the default first (127.0.0.1 always). */
  roomInterfaces(): Promise<NetworkChoice[]>;
  /** Opens the room on `address` (`port` null: any free one) for `round`; the reply has the QR. */
  openRoom(address: string, port: number | null, round: Round): Promise<RoomStatus>;
  /** The room as it is now, with its QR code; `open` is false when there is none. */
  roomStatus(): Promise<RoomStatus>;
  /** No more answers; participants stay connected for the reveal. */
  closeRound(): Promise<RoomStatus>;
  /** Stops the room's server and frees its port. */
  closeRoom(): Promise<RoomStatus>;
  /** Calls `handler` after every change in the room (people, progress; never a placement). */
  onRoomChanged(handler: (status: RoomStatus) => void): Promise<() => void>;
}

/** Turns anything a backend threw into the `{ code, message }` shape. */
export function asCommandError(e: unknown): CommandError {
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    return e as CommandError;
  }
  return { code: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** The view after an edit, undo or redo: the reply's change patched in, its whole workshop, or
 * the same workshop when the reply carries neither (nothing changed). */
export function patchView(view: WorkshopView, reply: EditReply): WorkshopView {
  const base = {
    status: reply.status,
    file_name: reply.file_name ?? null,
    read_only: reply.read_only ?? null,
    hidden: reply.hidden,
    progress: reply.progress,
  };
  if (reply.workshop) return { ...base, workshop: reply.workshop };
  if (reply.change && reply.change.index < view.workshop.changes.length) {
    // Only the touched change is new: every other change keeps its identity, so only its card
    // is redrawn.
    const changes = view.workshop.changes.slice();
    changes[reply.change.index] = reply.change.change;
    return { ...base, workshop: { ...view.workshop, changes } };
  }
  return { ...base, workshop: view.workshop };
}

/** The Tauri backend inside the app window; the fake one in a plain browser. */
export async function connect(): Promise<Backend> {
  if (typeof window !== "undefined" && "__TAURI_INTERNALS__" in window) {
    const { TauriBackend } = await import("./tauri");
    return new TauriBackend();
  }
  const { FakeBackend } = await import("./fake");
  const fake = new FakeBackend();
  // Browser tests ask the fake what it holds (never the UI's copy): a lost edit shows there.
  (globalThis as { __PARALLAX_FAKE__?: unknown }).__PARALLAX_FAKE__ = fake;
  return fake;
}
