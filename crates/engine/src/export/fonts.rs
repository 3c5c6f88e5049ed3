//! The font every chart is drawn with: DejaVu Sans (regular and bold), embedded in the binary so an
//! export looks the same on every machine and never looks up a system font or the network.
//! plotters (with its `ab_glyph` feature) only knows fonts registered here: register each family
//! and style the charts use, once, before drawing. This module must never load a font from disk.

use std::sync::OnceLock;

use plotters::style::FontStyle;

/// The family name every chart asks plotters for.
pub const FAMILY: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

static REGISTERED: OnceLock<bool> = OnceLock::new();

/// The embedded font file of the regular or the bold face.
pub fn bytes(bold: bool) -> &'static [u8] {
    if bold {
        BOLD
    } else {
        REGULAR
    }
}

/// Registers the embedded fonts with plotters (once per process). Returns false only if the
/// embedded bytes were not a font, which a test rules out.
pub fn ensure_registered() -> bool {
    *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_fonts_register() {
        assert!(super::ensure_registered());
    }
}
