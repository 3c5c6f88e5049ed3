// Pointer-event dragging shared by every view: pointer capture so the drag survives leaving the
// element, a small threshold so clicks stay clicks, and callbacks with viewport coordinates.
// Deliberately not HTML5 drag-and-drop: that does not fire drops under WebKitWebDriver and does
// not work with touch. It only reports positions; callers decide what a drop means.

export interface DragCallbacks {
  /** The pointer moved (after the threshold); viewport coordinates. */
  move?: (x: number, y: number) => void;
  /** The pointer was released after a real drag; `at` is the release's event time stamp, for
   * measures that start when the user let go. */
  drop: (x: number, y: number, at: number) => void;
  /** The drag ended without a drop (cancelled, or it was only a click). */
  end?: () => void;
}

/** Pixels a pointer must travel before a press becomes a drag (the one threshold of the app). */
export const DRAG_THRESHOLD = 4;

/** Starts following a pointer from a pointerdown event on `e.currentTarget`. */
export function startDrag(e: PointerEvent, callbacks: DragCallbacks): void {
  if (e.button !== 0) return;
  // No text selection and no autoscroll of a list while something is carried.
  e.preventDefault();
  const el = e.currentTarget as HTMLElement;
  const id = e.pointerId;
  const startX = e.clientX;
  const startY = e.clientY;
  let moving = false;
  el.setPointerCapture(id);

  const cleanup = () => {
    el.removeEventListener("pointermove", onMove);
    el.removeEventListener("pointerup", onUp);
    el.removeEventListener("pointercancel", onCancel);
    if (el.hasPointerCapture(id)) el.releasePointerCapture(id);
  };
  const onMove = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    if (!moving && Math.hypot(ev.clientX - startX, ev.clientY - startY) >= DRAG_THRESHOLD) {
      moving = true;
    }
    if (moving) callbacks.move?.(ev.clientX, ev.clientY);
  };
  const onUp = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    onMove(ev);
    cleanup();
    if (moving) callbacks.drop(ev.clientX, ev.clientY, ev.timeStamp);
    else callbacks.end?.();
  };
  const onCancel = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    cleanup();
    callbacks.end?.();
  };
  el.addEventListener("pointermove", onMove);
  el.addEventListener("pointerup", onUp);
  el.addEventListener("pointercancel", onCancel);
}
