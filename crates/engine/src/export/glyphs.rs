//! Text on PNG charts, drawn straight into the RGB buffer from a cache of rasterised glyphs.
//! plotters rasterises every glyph of every label anew and blends it pixel by pixel through its
//! backend; a chart repeats the same few dozen glyphs hundreds of times, so caching them is most
//! of the cost of a crowded chart. Glyph advances and kerning are the ones plotters measures with
//! (`scene::text_width`), so layouts that fit there fit here. SVG text still goes through
//! plotters (the viewer draws it). It must never write outside the buffer.

use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};

use super::error::ExportError;
use super::fonts;
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
            FontRef::try_from_slice(fonts::bytes(bold))
                .map_err(|e| ExportError::Render(format!("embedded font: {e}")))
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
        let scaled = font.as_scaled(PxScale::from(size as f32));
        // Advances as plotters measures them (see scene::text_width).
        let mut pens = Vec::with_capacity(text.len());
        let mut pen = 0f32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            pens.push((id, pen));
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        let start = match align {
            Align::Start => x,
            Align::Middle => x - f64::from(pen) / 2.0,
            Align::End => x - f64::from(pen),
        };
        // The line box (ascent to descent) centred on y.
        let baseline = y + f64::from(scaled.ascent() + scaled.descent()) / 2.0;
        let key_size = (size * 64.0).round() as u32;
        for (id, offset) in pens {
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
            let ox = (start + f64::from(offset)).round() as i32;
            let oy = baseline.round() as i32;
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
