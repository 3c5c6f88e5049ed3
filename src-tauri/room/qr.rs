//! The join URL as a QR code, drawn locally as SVG text (the UI shows it as an image from a
//! `data:` URL). It must never reach the network: no QR service, no image library.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `url` as an SVG document, dark on light, with its quiet zone.
pub fn svg(url: &str) -> Result<String, String> {
    // Medium error correction: still readable from the back of a room on a projector with glare.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot draw the join URL as a QR code: {e}"))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(320, 320)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_join_url_becomes_an_svg_document() {
        let url = "http://192.168.1.20:49152/?t=0123456789abcdef0123456789abcdef";
        let svg = super::svg(url).unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
        assert!(svg.contains("</svg>"));
        assert!(!svg.contains(url), "the URL is drawn, not written");
    }
}
