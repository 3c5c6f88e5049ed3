//! The window fits the screen it opens on. A laptop mirrored to a 1280×720 projector has less room
//! than the window's default 1280×800: without this, the bottom of the matrix (the impact axis)
//! would open below the edge of the screen, out of the room's sight.
//! It never grows a window, and never touches one that already fits.

use tauri::{PhysicalPosition, PhysicalSize, Runtime, WebviewWindow};

/// A rectangle on the screen in physical pixels: a monitor's work area, or a window's frame.
/// Tauri's `PhysicalRect` would do but cannot be compared, which the tests need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// Where the window goes and its new inner size, when its frame (`outer`, decorations included)
/// does not fit in `work`; `None` when it fits. The frame keeps its decorations (`outer` minus
/// `inner`), shrinks to the work area and is centred in it.
pub fn fitted(work: Rect, outer: Rect, inner: PhysicalSize<u32>) -> Option<Rect> {
    // Before the window is mapped, X11 reports a frame of 0×0: the inner size is what is known.
    let outer = Rect {
        width: outer.width.max(inner.width),
        height: outer.height.max(inner.height),
        ..outer
    };
    let fits = |start: i32, len: u32, area_start: i32, area_len: u32| {
        i64::from(start) >= i64::from(area_start)
            && i64::from(start) + i64::from(len) <= i64::from(area_start) + i64::from(area_len)
    };
    if fits(outer.x, outer.width, work.x, work.width)
        && fits(outer.y, outer.height, work.y, work.height)
    {
        return None;
    }
    let frame_w = outer.width.saturating_sub(inner.width);
    let frame_h = outer.height.saturating_sub(inner.height);
    if work.width <= frame_w || work.height <= frame_h {
        // Not even the decorations fit: there is no size to give, leave it to the platform.
        return None;
    }
    let width = inner.width.min(work.width - frame_w);
    let height = inner.height.min(work.height - frame_h);
    let centred = |area_start: i32, area_len: u32, len: u32| {
        let offset = (i64::from(area_len) - i64::from(len)) / 2;
        i32::try_from(i64::from(area_start) + offset).unwrap_or(area_start)
    };
    Some(Rect {
        x: centred(work.x, work.width, width + frame_w),
        y: centred(work.y, work.height, height + frame_h),
        width,
        height,
    })
}

/// Fits `window` into the work area of the monitor it is on (or the primary one). Does nothing
/// when the platform cannot say where the window or the monitor is.
pub fn fit<R: Runtime>(window: &WebviewWindow<R>) {
    let monitor = match window.current_monitor() {
        Ok(Some(m)) => Some(m),
        _ => window.primary_monitor().ok().flatten(),
    };
    let (Some(monitor), Ok(position), Ok(outer), Ok(inner)) = (
        monitor,
        window.outer_position(),
        window.outer_size(),
        window.inner_size(),
    ) else {
        return;
    };
    let area = monitor.work_area();
    let work = Rect {
        x: area.position.x,
        y: area.position.y,
        width: area.size.width,
        height: area.size.height,
    };
    let frame = Rect {
        x: position.x,
        y: position.y,
        width: outer.width,
        height: outer.height,
    };
    let Some(to) = fitted(work, frame, inner) else {
        return;
    };
    tracing::info!(
        "the window ({}×{}) does not fit the screen's {}×{}: now {}×{}",
        outer.width,
        outer.height,
        work.width,
        work.height,
        to.width,
        to.height
    );
    if let Err(e) = window.set_size(PhysicalSize::new(to.width, to.height)) {
        tracing::warn!("cannot fit the window to the screen: {e}");
        return;
    }
    if let Err(e) = window.set_position(PhysicalPosition::new(to.x, to.y)) {
        tracing::warn!("cannot move the window onto the screen: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HD: Rect = Rect {
        x: 0,
        y: 0,
        width: 1280,
        height: 720,
    };

    fn at(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn a_window_that_fits_is_left_alone() {
        let inner = PhysicalSize::new(1000, 600);
        assert_eq!(fitted(HD, at(100, 50, 1000, 600), inner), None);
        assert_eq!(
            fitted(HD, at(0, 0, 1280, 720), PhysicalSize::new(1280, 720)),
            None
        );
    }

    #[test]
    fn a_window_taller_than_a_720_screen_shrinks_to_it() {
        let to = fitted(HD, at(0, 0, 1280, 800), PhysicalSize::new(1280, 800)).unwrap();
        assert_eq!(to, at(0, 0, 1280, 720));
    }

    #[test]
    fn a_window_not_yet_on_screen_counts_by_its_inner_size() {
        let to = fitted(HD, at(0, 0, 0, 0), PhysicalSize::new(1280, 800)).unwrap();
        assert_eq!(to, at(0, 0, 1280, 720));
        assert_eq!(
            fitted(HD, at(0, 0, 0, 0), PhysicalSize::new(1000, 600)),
            None
        );
    }

    #[test]
    fn decorations_and_panels_are_kept_out() {
        // A 32-px panel at the top; title bar 30 px, borders 2 px each side.
        let work = at(0, 32, 1280, 688);
        let to = fitted(work, at(0, 0, 1284, 832), PhysicalSize::new(1280, 800)).unwrap();
        assert_eq!((to.width + 4, to.height + 32), (1280, 688));
        assert_eq!((to.x, to.y), (0, 32));
    }

    #[test]
    fn a_window_off_the_edge_is_brought_back_and_centred() {
        let to = fitted(HD, at(900, 400, 1000, 600), PhysicalSize::new(1000, 600)).unwrap();
        assert_eq!(to, at(140, 60, 1000, 600));
    }

    #[test]
    fn a_second_monitor_to_the_left_has_negative_coordinates() {
        let left = at(-1920, 0, 1920, 1080);
        assert_eq!(
            fitted(
                left,
                at(-1600, 100, 1280, 800),
                PhysicalSize::new(1280, 800)
            ),
            None
        );
        let to = fitted(left, at(-100, 100, 1280, 800), PhysicalSize::new(1280, 800)).unwrap();
        assert_eq!(to, at(-1600, 140, 1280, 800));
    }

    #[test]
    fn it_never_grows_a_window() {
        let to = fitted(HD, at(-50, 0, 800, 600), PhysicalSize::new(800, 600)).unwrap();
        assert_eq!((to.width, to.height), (800, 600));
    }

    #[test]
    fn a_screen_that_cannot_hold_the_decorations_is_left_to_the_platform() {
        let tiny = at(0, 0, 10, 10);
        assert_eq!(
            fitted(tiny, at(0, 0, 100, 100), PhysicalSize::new(90, 80)),
            None
        );
        let to = fitted(tiny, at(5, 5, 100, 100), PhysicalSize::new(100, 100)).unwrap();
        assert_eq!(to, at(0, 0, 10, 10));
    }
}
