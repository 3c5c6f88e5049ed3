//! Text on PNG charts, drawn straight into the RGB buffer from a cache of rasterised glyphs.
//! plotters rasterises every glyph of every label anew and blends it pixel by pixel through its
//! backend; a chart repeats the same few dozen glyphs hundreds of times, so caching them is most
//! of the cost of a crowded chart. The glyphs, their visual order and their advances come from
//! `shaping` (bidi and HarfBuzz shaping), the same run `scene::text_width` measures, so layouts
//! that fit there fit here. SVG text is written by `scene` for the viewer to shape. It must never
//! write outside the buffer, and never reorder or substitute glyphs itself.

use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScale};

use super::error::ExportError;
use super::shaping;
use super::style::{Align, Rgb};

struct Glyph {
    /// Offset of the bitmap's top-left corner from the pen position on the baseline.
    dx: i32,
    dy: i32,
    w: usize,
    h: usize,
    coverage: Vec<u8>,
}

/// Draws text into one RGB buffer, caching glyphs by face, size and glyph id.
pub struct GlyphPainter<'b> {
    rgb: &'b mut [u8],
    width: usize,
    height: usize,
    faces: [FontRef<'static>; 2],
    cache: HashMap<(bool, u32, GlyphId), Option<Glyph>>,
}

impl<'b> GlyphPainter<'b> {
    pub fn new(rgb: &'b mut [u8], width: u32, height: u32) -> Result<Self, ExportError> {
        let face = |bold| {
            shaping::outline_face(bold)
                .cloned()
                .ok_or_else(|| ExportError::Render("the embedded font could not be read".into()))
        };
        let (width, height) = (width as usize, height as usize);
        if rgb.len() < width * height * 3 {
            return Err(ExportError::Render("pixel buffer too small".into()));
        }
        Ok(GlyphPainter {
            rgb,
            width,
            height,
            faces: [face(false)?, face(true)?],
            cache: HashMap::new(),
        })
    }

    /// One line of text whose vertical middle is at `y`, aligned at `x` (pixels).
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        text: &str,
        x: f64,
        y: f64,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) {
        let font = self.faces[usize::from(bold)].clone();
        let Some(line) = shaping::shape_line(text, size, bold) else {
            return;
        };
        let start = match align {
            Align::Start => x,
            Align::Middle => x - f64::from(line.width) / 2.0,
            Align::End => x - f64::from(line.width),
        };
        // The line box (ascent to descent) centred on y.
        let baseline = y + shaping::metrics(size, bold).baseline_from_middle;
        let key_size = (size * 64.0).round() as u32;
        for placed in line.glyphs {
            let id = placed.id;
            let key = (bold, key_size, id);
            if let std::collections::hash_map::Entry::Vacant(slot) = self.cache.entry(key) {
                let glyph = id.with_scale(PxScale::from(size as f32));
                let raster = font.outline_glyph(glyph).map(|outlined| {
                    let b = outlined.px_bounds();
                    let (w, h) = (b.width().max(0.0) as usize, b.height().max(0.0) as usize);
                    let mut coverage = vec![0u8; w * h];
                    outlined.draw(|gx, gy, c| {
                        let (gx, gy) = (gx as usize, gy as usize);
                        if gx < w && gy < h {
                            coverage[gy * w + gx] = (c.clamp(0.0, 1.0) * 255.0).round() as u8;
                        }
                    });
                    Glyph {
                        dx: b.min.x as i32,
                        dy: b.min.y as i32,
                        w,
                        h,
                        coverage,
                    }
                });
                slot.insert(raster);
            }
            let ox = (start + f64::from(placed.x + placed.dx)).round() as i32;
            let oy = (baseline + f64::from(placed.dy)).round() as i32;
            if let Some(Some(g)) = self.cache.get(&key) {
                blit(self.rgb, self.width, self.height, g, ox, oy, color);
            }
        }
    }
}

fn blit(rgb: &mut [u8], width: usize, height: usize, g: &Glyph, ox: i32, oy: i32, color: Rgb) {
    let src = [color.0, color.1, color.2];
    for row in 0..g.h {
        let py = oy + g.dy + row as i32;
        if py < 0 || py as usize >= height {
            continue;
        }
        for col in 0..g.w {
            let a = u32::from(g.coverage[row * g.w + col]);
            if a == 0 {
                continue;
            }
            let px = ox + g.dx + col as i32;
            if px < 0 || px as usize >= width {
                continue;
            }
            let i = (py as usize * width + px as usize) * 3;
            for k in 0..3 {
                let d = u32::from(rgb[i + k]);
                let s = u32::from(src[k]);
                rgb[i + k] = ((s * a + d * (255 - a) + 127) / 255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which pixels `text` inks when drawn from x = 10 on a white 200×40 buffer.
    fn ink(text: &str) -> Vec<bool> {
        let (w, h) = (200u32, 40u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        let mut p = GlyphPainter::new(&mut rgb, w, h).unwrap();
        p.draw(text, 10.0, 20.0, 24.0, false, Rgb::BLACK, Align::Start);
        rgb.chunks(3).map(|px| px[0] < 128).collect()
    }

    #[test]
    fn a_hebrew_word_is_drawn_from_its_last_letter_on_the_left() {
        // Read right to left, "אבג" has ג on the left: drawn alone from the same point, ג inks
        // only pixels that the whole word inks. Drawn in logical order (mirrored), א would be on
        // the left instead.
        let word = ink("אבג");
        for (letter, on_the_left) in [("ג", true), ("א", false)] {
            let alone = ink(letter);
            let inside = alone.iter().zip(&word).all(|(a, w)| !a || *w);
            assert_eq!(inside, on_the_left, "{letter}");
            assert!(alone.iter().any(|a| *a), "{letter} is drawn");
        }
    }
}
