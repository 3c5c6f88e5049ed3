//! The font every chart is drawn with: DejaVu Sans (regular and bold), embedded in the binary so an
//! export looks the same on every machine and never looks up a system font or the network. Its
//! scripts: Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic among others (see
//! docs/export.md); characters it lacks are drawn as its empty box. `shaping` shapes with it,
//! `glyphs` draws its outlines. This module must never load a font from disk.

/// The family SVG charts ask the viewer for: the embedded font by name where the viewer has it
/// (widths then match the layout), else the viewer's sans-serif.
pub const SVG_FAMILY: &str = "DejaVu Sans, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The embedded font file of the regular or the bold face.
pub fn bytes(bold: bool) -> &'static [u8] {
    if bold {
        BOLD
    } else {
        REGULAR
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_fonts_load() {
        for bold in [false, true] {
            assert!(super::super::shaping::outline_face(bold).is_some());
            assert!(super::super::shaping::shape_line("Ag", 20.0, bold).is_some());
        }
    }
}
