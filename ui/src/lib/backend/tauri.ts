// The Backend over Tauri IPC. Each method is one command of src-tauri/commands.rs.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  Analysis,
  ChosenWorkshop,
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
import type { Backend } from "./index";

export class TauriBackend implements Backend {
  start(): Promise<WorkshopView> {
    return invoke<WorkshopView>("start");
  }
  getWorkshop(): Promise<WorkshopView> {
    return invoke<WorkshopView>("get_workshop");
  }
  setViewer(active: string | null): Promise<WorkshopView> {
    return invoke<WorkshopView>("set_viewer", { active });
  }
  applyEdit(edit: Edit): Promise<EditReply> {
    return invoke<EditReply>("apply_edit", { edit });
  }
  undo(): Promise<EditReply> {
    return invoke<EditReply>("undo");
  }
  redo(): Promise<EditReply> {
    return invoke<EditReply>("redo");
  }
  undoSteps(count: number): Promise<EditReply> {
    return invoke<EditReply>("undo_steps", { count });
  }
  redoSteps(count: number): Promise<EditReply> {
    return invoke<EditReply>("redo_steps", { count });
  }
  open(): Promise<WorkshopView> {
    return invoke<WorkshopView>("open_workshop");
  }
  save(): Promise<WorkshopView> {
    return invoke<WorkshopView>("save_workshop");
  }
  saveAs(): Promise<WorkshopView> {
    return invoke<WorkshopView>("save_workshop_as");
  }
  previewImport(settings?: ImportSettings): Promise<ImportPreview | null> {
    return invoke<ImportPreview | null>("preview_import", { settings: settings ?? null });
  }
  applyImport(settings: ImportSettings): Promise<WorkshopView> {
    return invoke<WorkshopView>("apply_import", { settings });
  }
  recentFiles(): Promise<RecentFile[]> {
    return invoke<RecentFile[]>("recent_files");
  }
  openRecent(index: number): Promise<WorkshopView> {
    return invoke<WorkshopView>("open_recent", { index });
  }
  newWorkshop(template: Template): Promise<WorkshopView | null> {
    return invoke<WorkshopView | null>("new_workshop", { template });
  }
  openSample(): Promise<WorkshopView | null> {
    return invoke<WorkshopView | null>("open_sample");
  }
  analyze(from: string | null, to: string | null): Promise<Analysis> {
    return invoke<Analysis>("analyze", { from, to });
  }
  referenceChanges(): Promise<ReferenceChange[]> {
    return invoke<ReferenceChange[]>("reference_changes");
  }
  gapMap(from: string | null, to: string | null): Promise<string | null> {
    return invoke<string | null>("gap_map", { from, to });
  }
  chooseTrendWorkshops(): Promise<ChosenWorkshop[]> {
    return invoke<ChosenWorkshop[]>("choose_trend_workshops");
  }
  trend(workshops: TrendSource[], from: string | null, to: string | null): Promise<TrendReport> {
    return invoke<TrendReport>("trend", { workshops, from, to });
  }
  exportTrend(
    workshops: TrendSource[],
    from: string | null,
    to: string | null,
    kind: TrendExportKind,
  ): Promise<TrendExported | null> {
    return invoke<TrendExported | null>("export_trend", { workshops, from, to, kind });
  }
  export(choice: ExportChoice, onProgress: (p: ExportProgress) => void): Promise<ExportOutcome> {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return invoke<ExportOutcome>("export", { choice, onProgress: channel });
  }
  exportTemplate(): Promise<TemplateChoice | null> {
    return invoke<TemplateChoice | null>("export_template");
  }
  chooseExportTemplate(): Promise<TemplateChoice | null> {
    return invoke<TemplateChoice | null>("choose_export_template");
  }
  forgetExportTemplate(): Promise<void> {
    return invoke<void>("forget_export_template");
  }
  onReplaced(handler: () => void): Promise<() => void> {
    return listen("workshop-replaced", () => handler());
  }
  setFullscreen(on: boolean): Promise<void> {
    return invoke<void>("set_fullscreen", { on });
  }
  // The room: src-tauri/room/commands.rs.
  roomInterfaces(): Promise<NetworkChoice[]> {
    return invoke<NetworkChoice[]>("room_interfaces");
  }
  openRoom(address: string, port: number | null, round: Round): Promise<RoomStatus> {
    return invoke<RoomStatus>("open_room", { address, port, round });
  }
  roomStatus(): Promise<RoomStatus> {
    return invoke<RoomStatus>("room_status");
  }
  closeRound(): Promise<RoomStatus> {
    return invoke<RoomStatus>("close_round");
  }
  closeRoom(): Promise<RoomStatus> {
    return invoke<RoomStatus>("close_room");
  }
  onRoomChanged(handler: (status: RoomStatus) => void): Promise<() => void> {
    return listen<RoomStatus>("room-changed", (e) => handler(e.payload));
  }
}
