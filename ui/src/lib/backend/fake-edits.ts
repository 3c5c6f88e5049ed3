// The fake backend's edits: a port of the engine's `edit::apply` (crates/engine/src/edit.rs) for
// browser tests, with the same checks in the same order, the same messages and the same undo
// labels. It is held to the engine by a contract test: crates/engine/tests/contract.rs records
// what the engine does with ui/tests/contract/sequences.json, and contract.test.ts replays the
// sequences here and compares. It must never accept an edit the engine refuses, nor let a
// refused edit change anything (every check runs before the first change).

import type {
  Axis,
  Band,
  Cell,
  Change,
  ChangeDetails,
  CommandError,
  Edit,
  Level,
  Matrix,
  Mitigation,
  Perspective,
  Placement,
  Template,
  Workshop,
} from "../types";
import templates from "./templates.json";

const MAX_PERSPECTIVES = 8;
const MIN_PERSPECTIVES = 2;
const MAX_CHANGES = 10_000;
const MAX_SHORT_TEXT = 500;
const MAX_LONG_TEXT = 20_000;
const MAX_TAGS = 50;
const MAX_BANDS = 12;
const MIN_LEVELS = 3;
const MAX_LEVELS = 7;
const MAX_ID_CHARS = 40;
/** The engine's `perspective::PALETTE`. */
const PALETTE = [
  "#2f6fdf",
  "#d9480f",
  "#2b8a3e",
  "#862e9c",
  "#c2255c",
  "#0b7285",
  "#5c940d",
  "#495057",
];

/** A refusal, as the shell sends it: `invalid_edit` with the engine's message. */
function refuse(message: string): CommandError {
  return { code: "invalid_edit", message };
}
/** Rust's `{:?}` of a plain string. */
const q = (s: string) => JSON.stringify(s);
const invalid = (path: string, problem: string) => refuse(`${path}: ${problem}`);
const s = (n: number) => (n === 1 ? "" : "s");

function textProblem(text: string, required: boolean, max: number): string | null {
  if (required && text.trim() === "") return "must not be empty";
  const n = [...text].length;
  if (n > max) return `is ${n} characters long; at most ${max} are allowed`;
  for (const c of text) {
    const code = c.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    if (control && c !== "\t" && c !== "\n" && c !== "\r") {
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      return `contains the control character U+${hex}, which is not allowed in text`;
    }
  }
  return null;
}

function checkShort(path: string, text: string, required: boolean) {
  const p = textProblem(text, required, MAX_SHORT_TEXT);
  if (p) throw invalid(path, p);
}

function checkLong(path: string, text: string) {
  const p = textProblem(text, false, MAX_LONG_TEXT);
  if (p) throw invalid(path, p);
}

function checkColor(path: string, color: string) {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) {
    throw invalid(path, `${q(color)} is not a colour of the form #rrggbb`);
  }
}

function checkLevel(path: string, matrix: Matrix, axis: Axis, value: number) {
  const max = matrix[axis].length;
  if (!(value >= 1 && value <= max)) throw invalid(path, `${value} is outside 1..=${max}`);
}

function checkCell(w: Workshop, path: string, cell: Cell) {
  checkLevel(`${path}.likelihood`, w.matrix, "likelihood", cell.likelihood);
  checkLevel(`${path}.impact`, w.matrix, "impact", cell.impact);
}

function checkAnchor(path: string, anchor: string) {
  checkShort(path, anchor, false);
  if (/[\n\r]/.test(anchor)) throw invalid(path, "must be one line: it is shown beside the label");
}

function checkLevelText(path: string, level: Level) {
  checkShort(`${path}.label`, level.label, true);
  checkLong(`${path}.definition`, level.definition);
  checkLong(`${path}.example`, level.example);
  checkAnchor(`${path}.anchor`, level.anchor ?? "");
}

function checkMatrix(matrix: Matrix) {
  for (const axis of ["likelihood", "impact"] as const) {
    const levels = matrix[axis];
    const path = `matrix.${axis}`;
    if (levels.length < MIN_LEVELS || levels.length > MAX_LEVELS) {
      throw invalid(
        path,
        `has ${levels.length} levels; an axis has ${MIN_LEVELS} to ${MAX_LEVELS}`,
      );
    }
    levels.forEach((level, i) => checkLevelText(`${path}[${i}]`, level));
  }
  if (matrix.bands.length === 0) throw invalid("matrix.bands", "needs at least one band");
  if (matrix.bands.length > MAX_BANDS) {
    throw invalid(
      "matrix.bands",
      `has ${matrix.bands.length} bands; at most ${MAX_BANDS} are allowed`,
    );
  }
  let previous = 0;
  matrix.bands.forEach((band, i) => {
    const path = `matrix.bands[${i}]`;
    checkShort(`${path}.name`, band.name, true);
    checkColor(`${path}.color`, band.color);
    if (i === 0 && band.min_score !== 1) {
      throw invalid(
        `${path}.min_score`,
        `${band.min_score} must be 1: the first band covers the lowest scores`,
      );
    }
    if (i > 0 && band.min_score <= previous) {
      throw invalid(
        `${path}.min_score`,
        `${band.min_score} must be above the previous band's ${previous}`,
      );
    }
    previous = band.min_score;
  });
}

function checkDetails(path: string, d: ChangeDetails) {
  checkShort(`${path}.title`, d.title, true);
  checkLong(`${path}.description`, d.description);
  checkShort(`${path}.ticket`, d.ticket, false);
  if (d.tags.length > MAX_TAGS) {
    throw invalid(`${path}.tags`, `has ${d.tags.length} tags; at most ${MAX_TAGS} are allowed`);
  }
  d.tags.forEach((tag, i) => checkShort(`${path}.tags[${i}]`, tag, true));
}

function checkMitigation(w: Workshop, path: string, m: Mitigation) {
  checkShort(`${path}.text`, m.text, true);
  checkShort(`${path}.owner`, m.owner, false);
  const by = m.proposed_by;
  if (by != null && !w.perspectives.some((p) => p.id === by)) {
    throw invalid(`${path}.proposed_by`, `${q(by)} is not a perspective of this workshop`);
  }
}

/** A mitigation as the engine writes it: no `proposed_by` when nobody is recorded. */
function mitigation(
  id: string,
  text: string,
  owner: string,
  lowers: Axis,
  proposedBy: string | null | undefined,
): Mitigation {
  const m: Mitigation = { id, text, owner, lowers };
  if (proposedBy != null) m.proposed_by = proposedBy;
  return m;
}

const cellLabel = (c: Cell) => `L${c.likelihood} × I${c.impact}`;
const sizeOf = (m: Matrix) => `${m.likelihood.length}×${m.impact.length}`;
const lowersLabel = (axis: Axis) => (axis === "likelihood" ? "lowers likelihood" : "lowers impact");

function changeIndex(w: Workshop, id: string): number {
  const i = w.changes.findIndex((c) => c.id === id);
  if (i < 0) throw refuse(`there is no change with id ${q(id)}`);
  return i;
}

function perspectiveIndex(w: Workshop, id: string): number {
  const i = w.perspectives.findIndex((p) => p.id === id);
  if (i < 0) throw refuse(`there is no perspective with id ${q(id)}`);
  return i;
}

const perspectiveName = (w: Workshop, id: string) => w.perspectives[perspectiveIndex(w, id)]!.name;

function outOfRange(index: number, max: number): CommandError {
  return refuse(`position ${index} is outside 0..=${max}`);
}

/** The engine's `Change::cells`: placements by perspective id, then consensus and residual. */
function cellsOf(change: Change): [string, Cell][] {
  const out: [string, Cell][] = Object.keys(change.placements)
    .sort()
    .map((p) => [p, change.placements[p]!]);
  if (change.consensus) out.push(["consensus", change.consensus]);
  if (change.residual) out.push(["residual", change.residual]);
  return out;
}

/** How many occupied cells match, and the first, described as the engine does. */
function cellsWhere(w: Workshop, matches: (c: Cell) => boolean) {
  let count = 0;
  let first: string | null = null;
  for (const change of w.changes) {
    for (const [who, cell] of cellsOf(change)) {
      if (!matches(cell)) continue;
      count += 1;
      const name = w.perspectives.find((p) => p.id === who)?.name ?? who;
      first ??= `'${change.title}' at ${cellLabel(cell)} (${name})`;
    }
  }
  return { count, first };
}

function setMatrix(w: Workshop, matrix: Matrix) {
  checkMatrix(matrix);
  const contains = (c: Cell) =>
    c.likelihood >= 1 &&
    c.likelihood <= matrix.likelihood.length &&
    c.impact >= 1 &&
    c.impact <= matrix.impact.length;
  const outside = cellsWhere(w, (c) => !contains(c));
  if (outside.first !== null) {
    const n = outside.count;
    throw refuse(
      `${n} placement${s(n)} would fall outside the ${sizeOf(matrix)} matrix (first: ${outside.first}); move ${n === 1 ? "it" : "them"} first`,
    );
  }
  w.matrix = matrix;
}

/** The engine's `PerspectiveId::from_name`. */
function idFromName(name: string, existing: Perspective[]): string {
  let slug = "";
  for (const ch of name.trim().toLowerCase()) {
    if (/[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u.test(ch)) slug += ch;
    else if (slug !== "" && !slug.endsWith("-")) slug += "-";
  }
  let base = [...slug.replace(/-+$/, "")].slice(0, MAX_ID_CHARS).join("");
  base = base.replace(/-+$/, "");
  if (base === "") base = "perspective";
  const taken = (id: string) => existing.some((p) => p.id === id);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

function checkNameFree(w: Workshop, name: string, except: number | null) {
  const wanted = name.trim().toLowerCase();
  if (w.perspectives.some((p, i) => i !== except && p.name.trim().toLowerCase() === wanted)) {
    throw refuse(`another perspective is already called ${q(name.trim())}`);
  }
}

function checkNewPerspective(w: Workshop, index: number, p: Perspective) {
  if (w.perspectives.length >= MAX_PERSPECTIVES) {
    throw refuse(`a workshop has at most ${MAX_PERSPECTIVES} perspectives`);
  }
  if (index > w.perspectives.length) throw outOfRange(index, w.perspectives.length);
  const path = `perspectives[${index}]`;
  checkShort(`${path}.id`, p.id, true);
  if (w.perspectives.some((x) => x.id === p.id)) {
    throw refuse(`a perspective with id ${q(p.id)} already exists`);
  }
  checkShort(`${path}.name`, p.name, true);
  checkNameFree(w, p.name, null);
  checkColor(`${path}.color`, p.color);
}

/** A whole change put back (`insert_change`): the checks the engine's validation makes of one
 * change against this workshop's matrix and perspectives. */
function checkWholeChange(w: Workshop, c: Change) {
  const path = "changes[0]";
  checkShort(`${path}.id`, c.id, true);
  checkDetails(path, c);
  for (const [p, placement] of Object.entries(c.placements)) {
    if (!w.perspectives.some((x) => x.id === p)) {
      throw invalid(`${path}.placements.${p}`, "is not a perspective of this workshop");
    }
    checkCell(w, `${path}.placements.${p}`, placement);
    checkShort(`${path}.placements.${p}.rationale`, placement.rationale, false);
  }
  if (c.consensus) checkCell(w, `${path}.consensus`, c.consensus);
  if (c.residual) checkCell(w, `${path}.residual`, c.residual);
  c.mitigations.forEach((m, i) => checkMitigation(w, `${path}.mitigations[${i}]`, m));
}

function highest(ids: string[], prefix: string): number {
  return Math.max(
    0,
    ...ids
      .map((id) => (id.startsWith(prefix) ? Number(id.slice(1)) : NaN))
      .filter(Number.isInteger),
  );
}

const placementOf = (cell: Cell, rationale: string, now: number): Placement => ({
  likelihood: cell.likelihood,
  impact: cell.impact,
  rationale,
  placed_at_ms: now,
});

/**
 * Applies `edit` to `w` at time `now` and returns the undo label, or throws the engine's
 * refusal and leaves `w` as it was.
 */
export function applyEdit(w: Workshop, edit: Edit, now: number): string {
  switch (edit.kind) {
    case "set_title":
      checkShort("title", edit.title, false);
      w.title = edit.title;
      return "Rename the workshop";
    case "add_change": {
      checkDetails("change", edit.details);
      if (w.changes.length >= MAX_CHANGES) {
        throw refuse(`a workshop holds at most ${MAX_CHANGES} changes`);
      }
      const index = edit.index ?? w.changes.length;
      if (index > w.changes.length) throw outOfRange(index, w.changes.length);
      const d = edit.details;
      w.changes.splice(index, 0, {
        id: `c${
          highest(
            w.changes.map((c) => c.id),
            "c",
          ) + 1
        }`,
        title: d.title,
        description: d.description,
        change_type: d.change_type,
        ticket: d.ticket,
        tags: d.tags,
        placements: {},
        mitigations: [],
      });
      return `Add '${d.title}'`;
    }
    case "insert_change": {
      if (w.changes.length >= MAX_CHANGES) {
        throw refuse(`a workshop holds at most ${MAX_CHANGES} changes`);
      }
      if (edit.index > w.changes.length) throw outOfRange(edit.index, w.changes.length);
      if (w.changes.some((c) => c.id === edit.change.id)) {
        throw refuse(`a change with id ${q(edit.change.id)} already exists`);
      }
      checkWholeChange(w, edit.change);
      w.changes.splice(edit.index, 0, edit.change);
      return `Add '${edit.change.title}'`;
    }
    case "set_calibration": {
      const c = w.changes[changeIndex(w, edit.change)]!;
      if (edit.calibration) c.calibration = true;
      else delete c.calibration;
      return edit.calibration
        ? `Use '${c.title}' for calibration`
        : `Count '${c.title}' as a real change`;
    }
    case "remove_change": {
      const [removed] = w.changes.splice(changeIndex(w, edit.change), 1);
      return `Delete '${removed!.title}'`;
    }
    case "update_change": {
      const index = changeIndex(w, edit.change);
      checkDetails(`changes[${index}]`, edit.details);
      const c = w.changes[index]!;
      const label = `Edit '${c.title}'`;
      Object.assign(c, edit.details);
      return label;
    }
    case "move_change": {
      const from = changeIndex(w, edit.change);
      const max = w.changes.length - 1;
      if (edit.to_index < 0 || edit.to_index > max) throw outOfRange(edit.to_index, max);
      const [moved] = w.changes.splice(from, 1);
      w.changes.splice(edit.to_index, 0, moved!);
      return `Reorder '${moved!.title}'`;
    }
    case "place": {
      const index = changeIndex(w, edit.change);
      const who = perspectiveName(w, edit.perspective);
      const path = `changes[${index}].placements.${edit.perspective}`;
      checkCell(w, path, edit.cell);
      if (edit.rationale != null) checkShort(`${path}.rationale`, edit.rationale, false);
      const c = w.changes[index]!;
      const old = c.placements[edit.perspective];
      // As the engine: a rationale given where the card already sits is its own step.
      const stays =
        old !== undefined &&
        old.likelihood === edit.cell.likelihood &&
        old.impact === edit.cell.impact;
      const label =
        stays && edit.rationale != null
          ? edit.rationale === ""
            ? `Clear why '${c.title}' is there (${who})`
            : `Why: '${edit.rationale}' for '${c.title}' (${who})`
          : `${old ? "Move" : "Place"} '${c.title}' to ${cellLabel(edit.cell)} (${who})`;
      c.placements[edit.perspective] = placementOf(
        edit.cell,
        edit.rationale ?? old?.rationale ?? "",
        now,
      );
      return label;
    }
    case "unplace": {
      const index = changeIndex(w, edit.change);
      const who = perspectiveName(w, edit.perspective);
      const c = w.changes[index]!;
      delete c.placements[edit.perspective];
      return `Take '${c.title}' back to the tray (${who})`;
    }
    case "restore_placement": {
      const index = changeIndex(w, edit.change);
      const who = perspectiveName(w, edit.perspective);
      const path = `changes[${index}].placements.${edit.perspective}`;
      const p = edit.placement ?? null;
      if (p) {
        checkCell(w, path, p);
        checkShort(`${path}.rationale`, p.rationale, false);
      }
      const c = w.changes[index]!;
      if (p) c.placements[edit.perspective] = p;
      else delete c.placements[edit.perspective];
      return p
        ? `Place '${c.title}' at ${cellLabel(p)} (${who})`
        : `Take '${c.title}' back to the tray (${who})`;
    }
    case "set_consensus":
    case "set_residual": {
      const index = changeIndex(w, edit.change);
      const field = edit.kind === "set_consensus" ? "consensus" : "residual";
      const cell = edit.cell ?? null;
      if (cell) checkCell(w, `changes[${index}].${field}`, cell);
      const c = w.changes[index]!;
      if (cell) c[field] = { likelihood: cell.likelihood, impact: cell.impact };
      else delete c[field];
      if (field === "consensus") {
        return cell
          ? `Agree '${c.title}' at ${cellLabel(cell)}`
          : `Clear the consensus on '${c.title}'`;
      }
      return cell
        ? `Residual risk of '${c.title}' at ${cellLabel(cell)}`
        : `Clear the residual risk of '${c.title}'`;
    }
    case "set_phase":
      w.phase = edit.phase;
      return edit.phase === "revealed" ? "Reveal" : "Hide placements again";
    case "set_blind":
      w.blind = edit.blind;
      return edit.blind ? "Turn blind mode on" : "Turn blind mode off";
    case "set_matrix": {
      const label = `Use a ${sizeOf(edit.matrix)} matrix`;
      setMatrix(w, edit.matrix);
      return label;
    }
    case "apply_template": {
      const matrix = structuredClone((templates as Record<Template, Matrix>)[edit.template]);
      const label = `Use the ${sizeOf(matrix)} template`;
      setMatrix(w, matrix);
      return label;
    }
    case "update_level": {
      const path = `matrix.${edit.axis}`;
      checkLevel(`${path}.level`, w.matrix, edit.axis, edit.level);
      const i = edit.level - 1;
      checkLevelText(`${path}[${i}]`, edit.details);
      const details = { ...edit.details };
      // The engine does not write an empty anchor.
      if (details.anchor === "") delete details.anchor;
      w.matrix[edit.axis][i] = details;
      return `Edit ${edit.axis} level ${edit.level} '${edit.details.label}'`;
    }
    case "set_level_anchor": {
      const path = `matrix.${edit.axis}`;
      checkLevel(`${path}.level`, w.matrix, edit.axis, edit.level);
      const i = edit.level - 1;
      checkAnchor(`${path}[${i}].anchor`, edit.anchor);
      const level = w.matrix[edit.axis][i]!;
      if (edit.anchor === "") delete level.anchor;
      else level.anchor = edit.anchor;
      return `Anchor ${edit.axis} level ${edit.level} '${level.label}'`;
    }
    case "add_level": {
      const n = w.matrix[edit.axis].length;
      if (n >= MAX_LEVELS) {
        throw refuse(
          `the ${edit.axis} axis already has ${MAX_LEVELS} levels, the most an axis may have`,
        );
      }
      checkLevelText(`matrix.${edit.axis}[${n}]`, edit.details);
      w.matrix[edit.axis].push(edit.details);
      return `Add ${edit.axis} level ${n + 1} '${edit.details.label}'`;
    }
    case "remove_level": {
      const axis = edit.axis;
      const n = w.matrix[axis].length;
      if (n <= MIN_LEVELS) {
        throw refuse(`the ${axis} axis has ${MIN_LEVELS} levels, the fewest an axis may have`);
      }
      const onTop = cellsWhere(w, (c) => c[axis] === n);
      if (onTop.first !== null) {
        const k = onTop.count;
        throw refuse(
          `${axis} level ${n} is used by ${k} placement${s(k)} (first: ${onTop.first}); move ${k === 1 ? "it" : "them"} first`,
        );
      }
      const removed = w.matrix[axis].pop()!;
      return `Remove ${axis} level ${n} '${removed.label}'`;
    }
    case "set_bands": {
      checkMatrix({ ...w.matrix, bands: edit.bands as Band[] });
      w.matrix.bands = edit.bands;
      return "Change the bands";
    }
    case "add_perspective": {
      const p: Perspective = {
        id: idFromName(edit.name, w.perspectives),
        name: edit.name,
        color:
          edit.color ??
          PALETTE.find(
            (c) => !w.perspectives.some((x) => x.color.toLowerCase() === c.toLowerCase()),
          ) ??
          PALETTE[0]!,
      };
      checkNewPerspective(w, w.perspectives.length, p);
      w.perspectives.push(p);
      return `Add the perspective '${p.name}'`;
    }
    case "insert_perspective": {
      const p = edit.perspective;
      checkNewPerspective(w, edit.index, p);
      const entries = Object.entries(edit.placements ?? {}).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      const targets = entries.map(([change, placement]) => {
        const i = w.changes.findIndex((c) => c.id === change);
        if (i < 0) throw refuse(`there is no change with id ${q(change)}`);
        const path = `changes[${i}].placements.${p.id}`;
        checkCell(w, path, placement!);
        checkShort(`${path}.rationale`, placement!.rationale, false);
        return [i, placement!] as const;
      });
      const proposed = Object.entries(edit.proposed ?? {}).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      const proposerOf: Mitigation[] = [];
      for (const [change, ids] of proposed) {
        const i = w.changes.findIndex((c) => c.id === change);
        if (i < 0) throw refuse(`there is no change with id ${q(change)}`);
        for (const id of ids ?? []) {
          const c = w.changes[i]!;
          const m = c.mitigations.findIndex((x) => x.id === id);
          if (m < 0) throw refuse(`change ${q(change)} has no mitigation with id ${q(id)}`);
          const other = c.mitigations[m]!.proposed_by;
          if (other != null) {
            throw invalid(
              `changes[${i}].mitigations[${m}].proposed_by`,
              `already names ${q(other)} as its proposer`,
            );
          }
          proposerOf.push(c.mitigations[m]!);
        }
      }
      for (const [i, placement] of targets) w.changes[i]!.placements[p.id] = placement;
      for (const m of proposerOf) m.proposed_by = p.id;
      w.perspectives.splice(edit.index, 0, p);
      return `Add the perspective '${p.name}'`;
    }
    case "rename_perspective": {
      const index = perspectiveIndex(w, edit.perspective);
      checkShort(`perspectives[${index}].name`, edit.name, true);
      checkNameFree(w, edit.name, index);
      const p = w.perspectives[index]!;
      const old = p.name;
      p.name = edit.name;
      return `Rename the perspective '${old}' to '${edit.name}'`;
    }
    case "recolor_perspective": {
      const index = perspectiveIndex(w, edit.perspective);
      checkColor(`perspectives[${index}].color`, edit.color);
      const p = w.perspectives[index]!;
      p.color = edit.color;
      return `Recolour the perspective '${p.name}'`;
    }
    case "move_perspective": {
      const from = perspectiveIndex(w, edit.perspective);
      const max = w.perspectives.length - 1;
      if (edit.to_index < 0 || edit.to_index > max) throw outOfRange(edit.to_index, max);
      const [moved] = w.perspectives.splice(from, 1);
      w.perspectives.splice(edit.to_index, 0, moved!);
      return `Reorder the perspective '${moved!.name}'`;
    }
    case "remove_perspective": {
      const index = perspectiveIndex(w, edit.perspective);
      if (w.perspectives.length <= MIN_PERSPECTIVES) {
        throw refuse(`a workshop needs at least ${MIN_PERSPECTIVES} perspectives`);
      }
      const count = w.changes.filter((c) => c.placements[edit.perspective]).length;
      const name = w.perspectives[index]!.name;
      if (count > 0 && !edit.confirm) {
        throw refuse(
          `removing ${q(name)} would delete its ${count} placement${s(count)}; confirm to remove it anyway`,
        );
      }
      for (const c of w.changes) {
        delete c.placements[edit.perspective];
        for (const m of c.mitigations) {
          if (m.proposed_by === edit.perspective) delete m.proposed_by;
        }
      }
      w.perspectives.splice(index, 1);
      return `Remove the perspective '${name}'`;
    }
    case "add_mitigation": {
      const index = changeIndex(w, edit.change);
      const c = w.changes[index]!;
      const m = mitigation(
        `m${
          highest(
            c.mitigations.map((m) => m.id),
            "m",
          ) + 1
        }`,
        edit.text,
        edit.owner ?? "",
        edit.lowers,
        edit.proposed_by,
      );
      checkMitigation(w, `changes[${index}].mitigations[${c.mitigations.length}]`, m);
      c.mitigations.push(m);
      return `Mitigate '${c.title}': ${m.text} (${lowersLabel(m.lowers)})`;
    }
    case "insert_mitigation": {
      const ci = changeIndex(w, edit.change);
      const c = w.changes[ci]!;
      if (edit.index > c.mitigations.length) throw outOfRange(edit.index, c.mitigations.length);
      const path = `changes[${ci}].mitigations[${edit.index}]`;
      const m = edit.mitigation;
      checkShort(`${path}.id`, m.id, true);
      if (c.mitigations.some((x) => x.id === m.id)) {
        throw invalid(`${path}.id`, `${q(m.id)} is used by another mitigation`);
      }
      checkMitigation(w, path, m);
      c.mitigations.splice(edit.index, 0, m);
      return `Mitigate '${c.title}': ${m.text} (${lowersLabel(m.lowers)})`;
    }
    case "update_mitigation": {
      const ci = changeIndex(w, edit.change);
      const c = w.changes[ci]!;
      const mi = c.mitigations.findIndex((m) => m.id === edit.mitigation);
      if (mi < 0) {
        throw refuse(`change ${q(edit.change)} has no mitigation with id ${q(edit.mitigation)}`);
      }
      const updated = mitigation(
        edit.mitigation,
        edit.text,
        edit.owner ?? "",
        edit.lowers,
        edit.proposed_by,
      );
      checkMitigation(w, `changes[${ci}].mitigations[${mi}]`, updated);
      c.mitigations[mi] = updated;
      return `Edit a mitigation of '${c.title}'`;
    }
    case "remove_mitigation": {
      const ci = changeIndex(w, edit.change);
      const c = w.changes[ci]!;
      const mi = c.mitigations.findIndex((m) => m.id === edit.mitigation);
      if (mi < 0) {
        throw refuse(`change ${q(edit.change)} has no mitigation with id ${q(edit.mitigation)}`);
      }
      const [removed] = c.mitigations.splice(mi, 1);
      return `Remove the mitigation '${removed!.text}' of '${c.title}'`;
    }
    // The room's edits come from participants' devices through the app's server; a browser
    // without the app has no room.
    case "join":
    case "leave":
    case "restore_participant":
    case "answer":
    case "restore_answer":
      throw refuse("the room runs in the app only");
  }
}

/** The engine's `Edit::only_change`: the edits that touch one change and nothing else. */
export function onlyChange(edit: Edit): string | null {
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
    case "set_calibration":
    case "answer":
    case "restore_answer":
      return edit.change;
    default:
      return null;
  }
}
