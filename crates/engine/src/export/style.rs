//! The two words every layer of a chart shares: a colour ([`Rgb`]) and how a line of text sits
//! on its anchor ([`Align`]). Layout (`scene`, `chart`) and both painters (`scene` through plotters,
//! `glyphs` into the pixel buffer) use them, so they live below all of them: this module depends on
//! nothing of the export and must never reach up into a scene, a chart or a painter.

use plotters::style::RGBColor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    pub const INK: Rgb = Rgb(33, 37, 41);
    pub const MUTED: Rgb = Rgb(85, 90, 96);
    pub const RULE: Rgb = Rgb(120, 125, 130);

    /// `#rrggbb`; anything else (validation rules it out) falls back to a mid grey.
    pub fn parse(hex: &str) -> Rgb {
        let h = hex.strip_prefix('#').unwrap_or(hex);
        let byte = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok());
        match (h.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => Rgb(r, g, b),
            _ => Rgb(128, 128, 128),
        }
    }

    /// This colour mixed with white: `amount` 0 keeps it, 1 gives white.
    pub fn lighten(self, amount: f64) -> Rgb {
        let mix = |c: u8| {
            let v = f64::from(c) + (255.0 - f64::from(c)) * amount.clamp(0.0, 1.0);
            v.round().clamp(0.0, 255.0) as u8
        };
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }

    /// Relative luminance (sRGB approximation), 0 black to 1 white.
    pub fn luminance(self) -> f64 {
        (0.2126 * f64::from(self.0) + 0.7152 * f64::from(self.1) + 0.0722 * f64::from(self.2))
            / 255.0
    }

    /// Black or white, whichever reads better on this colour.
    pub fn text_on(self) -> Rgb {
        if self.luminance() > 0.55 {
            Rgb::INK
        } else {
            Rgb::WHITE
        }
    }

    /// The same colour as plotters spells it.
    pub(super) fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    Middle,
    End,
}
