//! A chart as native, editable PowerPoint shapes (DrawingML inside a slide's shape tree), from
//! the same [`Scene`] the PNG painter draws, so that the picture and the shapes agree.
//!
//! Each [`Part`] of the scene becomes one shape a person can click: a cell is a rectangle in its
//! band colour carrying its score; a marker is a preset shape (circle, square, triangle…) with
//! the change's number as its text; a card is a rectangle with the number and title; an arrow is
//! a straight connector with an arrowhead, glued to the two markers it joins. Shapes that belong
//! together are grouped (the grid, a change's markers and arrow, each legend), and every shape
//! and group has a name a person recognises in the selection pane ("Dev: Upgrade PostgreSQL").
//! Every text run uses the theme's minor font (`+mn-lt`), so a template's typeface applies.
//!
//! The bar chart (axis gaps) is drawn the same way, as rectangles and text boxes, not as a
//! native chart part with an embedded workbook: its bars diverge from zero with a label on the
//! side each bar points to and rows ordered by the discussion queue, which a native bar chart
//! would need an embedded .xlsx writer and a second layout to reproduce; as shapes it looks like
//! the picture, renders the same in LibreOffice, and a bar is edited by dragging its edge.
//!
//! Groups are written with an identity transform (child offsets are slide offsets), so a reader
//! can take a shape's position inside a group as its position on the slide. It must never write
//! user text unescaped (names and texts go through [`esc`]), nor a non-finite coordinate.

use std::collections::HashMap;

use super::error::ExportError;
use super::pptx::{esc, Frame};
use super::scene::{text_width, Align, Marker, MarkerKind, Part, Rgb, Scene, Shape, HEIGHT};
use super::text::{one_line, truncate_chars};

/// A chart with more markers (or cards) than this is written as a picture, with a speaker note
/// saying why: past it a slide holds more shapes than anyone edits by hand, and opening and
/// redrawing it slows down noticeably in the office suites.
pub const MAX_NATIVE_MARKERS: usize = 150;

/// How the visible part of a canvas `width` wide (from `crop_top` down) maps into a frame:
/// scaled by the same factor both ways (never stretched) and centred. A scene laid out for the
/// frame's proportions (`chart::canvas_width`) fills it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    /// EMU per canvas pixel.
    pub k: f64,
    pub x0: f64,
    pub y0: f64,
    pub crop_top: f64,
    width: f64,
}

impl Mapping {
    pub fn fit(frame: Frame, width: f64, crop_top: f64) -> Mapping {
        let crop_top = crop_top.clamp(0.0, HEIGHT - 1.0);
        let visible = HEIGHT - crop_top;
        let k = (frame.cx as f64 / width).min(frame.cy as f64 / visible);
        Mapping {
            k,
            x0: frame.x as f64 + (frame.cx as f64 - width * k) / 2.0,
            y0: frame.y as f64 + (frame.cy as f64 - visible * k) / 2.0,
            crop_top,
            width,
        }
    }

    pub fn x(&self, px: f64) -> i64 {
        (self.x0 + px * self.k).round() as i64
    }

    pub fn y(&self, py: f64) -> i64 {
        (self.y0 + (py - self.crop_top) * self.k).round() as i64
    }

    pub fn len(&self, l: f64) -> i64 {
        (l * self.k).round() as i64
    }

    /// A font size in canvas pixels as hundredths of a point (1 pt = 12 700 EMU). A chart's
    /// size is the height of the embedded font's ascent + descent (ab_glyph's scale), more than
    /// its em, which is what a point size names.
    pub fn font(&self, px: f64) -> i64 {
        (px * em_per_px() * self.k / 127.0).round().max(100.0) as i64
    }

    /// Where the visible canvas lands on the slide (the picture of the same chart goes there).
    pub fn visible(&self) -> Frame {
        Frame {
            x: self.x(0.0),
            y: self.y(self.crop_top),
            cx: self.len(self.width),
            cy: self.len(HEIGHT - self.crop_top),
        }
    }
}

/// The em of the embedded font per pixel of chart text size (about 0.86 for DejaVu Sans).
fn em_per_px() -> f64 {
    use ab_glyph::Font;
    static RATIO: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *RATIO.get_or_init(|| {
        ab_glyph::FontRef::try_from_slice(super::fonts::bytes(false))
            .ok()
            .and_then(|f| {
                let em = f64::from(f.units_per_em()?);
                Some(em / f64::from(f.height_unscaled()))
            })
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(1.0)
    })
}

/// The markers and cards of changes on a chart (legend samples do not count).
pub fn marker_count(scene: &Scene) -> usize {
    scene
        .parts
        .iter()
        .filter(|p| {
            matches!(
                p,
                Part::Marker {
                    number: Some(_),
                    ..
                }
            )
        })
        .count()
}

/// A bounding box in EMU: x0, y0, x1, y1.
type Bbox = (i64, i64, i64, i64);

fn union(a: Option<Bbox>, b: Bbox) -> Bbox {
    match a {
        None => b,
        Some(a) => (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
    }
}

fn hex(c: Rgb) -> String {
    format!("{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn fill_xml(fill: Option<Rgb>) -> String {
    match fill {
        Some(c) => format!("<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>", hex(c)),
        None => "<a:noFill/>".to_owned(),
    }
}

fn line_xml(m: &Mapping, stroke: Option<(Rgb, f64)>) -> String {
    match stroke {
        Some((c, w)) => format!(
            "<a:ln w=\"{}\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:ln>",
            m.len(w).max(3175),
            hex(c)
        ),
        None => "<a:ln><a:noFill/></a:ln>".to_owned(),
    }
}

fn name_attr(name: &str) -> String {
    esc(&truncate_chars(&one_line(name), 120))
}

/// A run in the theme's minor font.
fn run(text: &str, size: i64, bold: bool, color: Rgb) -> String {
    format!(
        "<a:r><a:rPr lang=\"en-US\" sz=\"{size}\" b=\"{}\" dirty=\"0\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/><a:cs typeface=\"+mn-cs\"/></a:rPr><a:t>{}</a:t></a:r>",
        u8::from(bold),
        hex(color),
        esc(text)
    )
}

/// A paragraph's properties: its alignment, and `rtl="1"` when `text` reads right to left (its
/// first strong character is Hebrew, Arabic…), so the office program orders and shapes it from
/// the right as the chart does.
fn ppr(algn: &str, text: &str) -> String {
    format!("<a:pPr algn=\"{algn}\"{}/>", super::shaping::rtl_attr(text))
}

fn algn(a: Align) -> &'static str {
    match a {
        Align::Start => "l",
        Align::Middle => "ctr",
        Align::End => "r",
    }
}

#[derive(Default)]
struct Body {
    wrap: bool,
    anchor: &'static str,
    insets: (i64, i64, i64, i64),
}

fn text_body(body: &Body, paragraphs: &[String]) -> String {
    let (l, t, r, b) = body.insets;
    let mut s = format!(
        "<p:txBody><a:bodyPr wrap=\"{}\" lIns=\"{l}\" tIns=\"{t}\" rIns=\"{r}\" bIns=\"{b}\" anchor=\"{}\" rtlCol=\"0\"><a:noAutofit/></a:bodyPr><a:lstStyle/>",
        if body.wrap { "square" } else { "none" },
        body.anchor
    );
    if paragraphs.is_empty() {
        s.push_str("<a:p><a:endParaRPr lang=\"en-US\" dirty=\"0\"/></a:p>");
    }
    for p in paragraphs {
        s.push_str(p);
    }
    s.push_str("</p:txBody>");
    s
}

fn xfrm(b: Bbox, flip_h: bool, flip_v: bool) -> String {
    format!(
        "<a:xfrm{}{}><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm>",
        if flip_h { " flipH=\"1\"" } else { "" },
        if flip_v { " flipV=\"1\"" } else { "" },
        b.0,
        b.1,
        (b.2 - b.0).max(0),
        (b.3 - b.1).max(0)
    )
}

#[allow(clippy::too_many_arguments)]
fn sp(
    id: u32,
    name: &str,
    text_box: bool,
    b: Bbox,
    flip_v: bool,
    geometry: &str,
    fill: &str,
    line: &str,
    body: Option<String>,
) -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{}\"/><p:cNvSpPr{}/><p:nvPr/></p:nvSpPr><p:spPr>{}{geometry}{fill}{line}</p:spPr>{}</p:sp>",
        name_attr(name),
        if text_box { " txBox=\"1\"" } else { "" },
        xfrm(b, false, flip_v),
        body.unwrap_or_default()
    )
}

fn preset(name: &str, adj: Option<(&str, i64)>) -> String {
    match adj {
        Some((g, v)) => format!(
            "<a:prstGeom prst=\"{name}\"><a:avLst><a:gd name=\"{g}\" fmla=\"val {v}\"/></a:avLst></a:prstGeom>"
        ),
        None => format!("<a:prstGeom prst=\"{name}\"><a:avLst/></a:prstGeom>"),
    }
}

/// A freeform through `points` (canvas pixels), closed when `close`.
fn freeform(m: &Mapping, points: &[(f64, f64)], close: bool) -> (Bbox, String) {
    let pts: Vec<(i64, i64)> = points.iter().map(|p| (m.x(p.0), m.y(p.1))).collect();
    let b = pts.iter().fold(None, |acc: Option<Bbox>, p| {
        Some(union(acc, (p.0, p.1, p.0, p.1)))
    });
    let b = b.unwrap_or((0, 0, 0, 0));
    let (w, h) = ((b.2 - b.0).max(1), (b.3 - b.1).max(1));
    let mut path = String::new();
    for (i, p) in pts.iter().enumerate() {
        let tag = if i == 0 { "moveTo" } else { "lnTo" };
        path.push_str(&format!(
            "<a:{tag}><a:pt x=\"{}\" y=\"{}\"/></a:{tag}>",
            p.0 - b.0,
            p.1 - b.1
        ));
    }
    if close {
        path.push_str("<a:close/>");
    }
    (
        (b.0, b.1, b.0 + w, b.1 + h),
        format!(
            "<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l=\"0\" t=\"0\" r=\"r\" b=\"b\"/><a:pathLst><a:path w=\"{w}\" h=\"{h}\"{}>{path}</a:path></a:pathLst></a:custGeom>",
            if close { "" } else { " fill=\"none\"" }
        ),
    )
}

/// The box a one-line text takes, in canvas pixels: measured with the embedded font (wider
/// than the theme's usual sans fonts), with room to spare.
fn text_rect(x: f64, y: f64, text: &str, size: f64, bold: bool, align: Align) -> [f64; 4] {
    let w = text_width(text, size, bold) * 1.08 + size * 0.3;
    let x0 = match align {
        Align::Start => x,
        Align::Middle => x - w / 2.0,
        Align::End => x - w,
    };
    let h = size * 1.35;
    [x0, y - h / 2.0, x0 + w, y + h / 2.0]
}

fn bbox_of(m: &Mapping, r: [f64; 4]) -> Bbox {
    (m.x(r[0]), m.y(r[1]), m.x(r[2]), m.y(r[3]))
}

/// The preset geometry of a marker and whether it is flipped upside down.
fn marker_geometry(marker: Marker) -> (String, bool) {
    match marker {
        Marker::Circle => (preset("ellipse", None), false),
        Marker::Square => (preset("rect", None), false),
        Marker::TriangleUp => (preset("triangle", None), false),
        Marker::TriangleDown => (preset("triangle", None), true),
        Marker::Diamond => (preset("diamond", None), false),
        Marker::Hexagon => (preset("hexagon", None), false),
        // The arms of the chart's cross are 0.9 r wide out of 2.3 r.
        Marker::Cross => (preset("plus", Some(("adj", 30435))), false),
        Marker::Star => (preset("star5", None), false),
    }
}

/// The connection site of a preset marker nearest to a point seen from its centre (the sites
/// PowerPoint reroutes a glued connector to when the marker moves).
fn site(kind: &MarkerKind, centre: (i64, i64), towards: (i64, i64)) -> u32 {
    let (dx, dy) = ((towards.0 - centre.0) as f64, (towards.1 - centre.1) as f64);
    let angle = (-dy).atan2(dx).to_degrees();
    let step = |n: i64, per: f64| ((((angle - 90.0) / per).round() as i64).rem_euclid(n)) as u32;
    match kind {
        MarkerKind::Shape(Marker::Circle) => step(8, 45.0),
        MarkerKind::Shape(Marker::Square | Marker::Diamond) | MarkerKind::Card => step(4, 90.0),
        _ => 0,
    }
}

struct Writer<'a> {
    scene: &'a Scene,
    m: &'a Mapping,
    first_id: u32,
    /// The part each shape belongs to.
    part_of: HashMap<usize, usize>,
    done: Vec<bool>,
    /// Marker outline index → (shape id, centre, kind).
    markers: HashMap<usize, (u32, (i64, i64), MarkerKind)>,
}

impl Writer<'_> {
    fn id(&self, shape: usize) -> u32 {
        self.first_id + shape as u32
    }

    /// One shape, or the part it belongs to, as XML with its box; `None` when already written.
    fn unit(&mut self, i: usize) -> Result<Option<(String, Bbox)>, ExportError> {
        if self.done.get(i).copied().unwrap_or(true) {
            return Ok(None);
        }
        if let Some(&p) = self.part_of.get(&i) {
            let out = self.part(p)?;
            return Ok(Some(out));
        }
        self.done[i] = true;
        Ok(Some(self.plain(i)))
    }

    fn texts(&self, labels: &[usize]) -> Vec<(String, f64, bool, Rgb, Align)> {
        labels
            .iter()
            .filter_map(|&j| match self.scene.shapes.get(j) {
                Some(Shape::Text {
                    text,
                    size,
                    bold,
                    color,
                    align,
                    ..
                }) => Some((text.clone(), *size, *bold, *color, *align)),
                _ => None,
            })
            .collect()
    }

    fn part(&mut self, p: usize) -> Result<(String, Bbox), ExportError> {
        let m = self.m;
        let part = &self.scene.parts[p];
        let shapes = &self.scene.shapes;
        match part {
            Part::Cell { rect, label, name } => {
                self.done[*rect] = true;
                let Some(Shape::Rect {
                    x0,
                    y0,
                    x1,
                    y1,
                    fill,
                    stroke,
                }) = shapes.get(*rect)
                else {
                    return Err(ExportError::Layout(format!("{name} is not a rectangle")));
                };
                let b = bbox_of(m, [*x0, *y0, *x1, *y1]);
                let mut paragraphs = Vec::new();
                let mut insets = (0, 0, 0, 0);
                if let Some(l) = label {
                    self.done[*l] = true;
                    if let Some(Shape::Text {
                        x,
                        y,
                        text,
                        size,
                        bold,
                        color,
                        ..
                    }) = shapes.get(*l)
                    {
                        insets = (
                            m.len(8.0),
                            0,
                            m.len((x1 - x).max(0.0)),
                            m.len((y1 - y - size * 0.6).max(0.0)),
                        );
                        paragraphs.push(format!(
                            "<a:p>{}{}</a:p>",
                            ppr("r", text),
                            run(text, m.font(*size), *bold, *color)
                        ));
                    }
                }
                let body = text_body(
                    &Body {
                        wrap: true,
                        anchor: "b",
                        insets,
                    },
                    &paragraphs,
                );
                Ok((
                    sp(
                        self.id(*rect),
                        name,
                        false,
                        b,
                        false,
                        &preset("rect", None),
                        &fill_xml(*fill),
                        &line_xml(m, *stroke),
                        Some(body),
                    ),
                    b,
                ))
            }
            Part::Marker {
                shape,
                labels,
                kind,
                name,
                ..
            } => {
                self.done[*shape] = true;
                for &l in labels {
                    self.done[l] = true;
                }
                let texts = self.texts(labels);
                let (b, geometry, flip, fill, stroke, body) = match (kind, shapes.get(*shape)) {
                    (
                        MarkerKind::Shape(marker),
                        Some(Shape::Polygon {
                            points,
                            fill,
                            stroke,
                        }),
                    ) => {
                        let (x0, y0, x1, y1) = points
                            .iter()
                            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |a, p| {
                                (a.0.min(p.0), a.1.min(p.1), a.2.max(p.0), a.3.max(p.1))
                            });
                        let b = bbox_of(m, [x0, y0, x1, y1]);
                        let (geometry, flip) = marker_geometry(*marker);
                        let paragraphs: Vec<String> = texts
                            .iter()
                            .map(|(t, size, bold, color, _)| {
                                format!(
                                    "<a:p>{}{}</a:p>",
                                    ppr("ctr", t),
                                    run(t, m.font(*size), *bold, *color)
                                )
                            })
                            .collect();
                        let body = text_body(
                            &Body {
                                wrap: false,
                                anchor: "ctr",
                                insets: (0, 0, 0, 0),
                            },
                            &paragraphs,
                        );
                        (b, geometry, flip, *fill, *stroke, body)
                    }
                    (
                        MarkerKind::Card,
                        Some(Shape::Rect {
                            x0,
                            y0,
                            x1,
                            y1,
                            fill,
                            stroke,
                        }),
                    ) => {
                        let b = bbox_of(m, [*x0, *y0, *x1, *y1]);
                        // The chart's line breaks, kept and never added to: office suites
                        // lay text out a few per cent wider than the embedded font measures,
                        // and a wrapped third line would spill out of the card.
                        let runs: Vec<String> = texts
                            .iter()
                            .map(|(t, size, bold, color, _)| run(t, m.font(*size), *bold, *color))
                            .collect();
                        let paragraphs = if runs.is_empty() {
                            Vec::new()
                        } else {
                            vec![format!(
                                "<a:p>{}{}</a:p>",
                                ppr("l", texts.first().map_or("", |t| t.0.as_str())),
                                runs.join("<a:br/>")
                            )]
                        };
                        let body = text_body(
                            &Body {
                                wrap: false,
                                anchor: "ctr",
                                insets: (m.len(7.0), 0, 0, 0),
                            },
                            &paragraphs,
                        );
                        (b, preset("rect", None), false, *fill, *stroke, body)
                    }
                    _ => {
                        return Err(ExportError::Layout(format!(
                            "the marker {name:?} has no outline"
                        )))
                    }
                };
                let id = self.id(*shape);
                self.markers
                    .insert(*shape, (id, ((b.0 + b.2) / 2, (b.1 + b.3) / 2), *kind));
                Ok((
                    sp(
                        id,
                        name,
                        false,
                        b,
                        flip,
                        &geometry,
                        &fill_xml(fill),
                        &line_xml(m, stroke),
                        Some(body),
                    ),
                    b,
                ))
            }
            Part::Arrow {
                line,
                head,
                from,
                to,
                name,
            } => {
                self.done[*line] = true;
                self.done[*head] = true;
                let (
                    Some(Shape::Line {
                        points,
                        color,
                        width,
                    }),
                    Some(Shape::Polygon { points: tip, .. }),
                ) = (shapes.get(*line), shapes.get(*head))
                else {
                    return Err(ExportError::Layout(format!("{name} is not an arrow")));
                };
                let (Some(start), Some(end)) = (points.first(), tip.first()) else {
                    return Err(ExportError::Layout(format!("{name} has no end")));
                };
                let (a, b) = ((m.x(start.0), m.y(start.1)), (m.x(end.0), m.y(end.1)));
                // Markers come after their arrows in the scene; write them first if needed so
                // their ids and centres are known (ids are fixed by scene index anyway).
                let glue = |w: &Self, marker: &Option<usize>, at: (i64, i64), tag: &str| {
                    marker
                        .and_then(|mk| w.marker_site(mk, at))
                        .map(|(id, idx)| format!("<a:{tag} id=\"{id}\" idx=\"{idx}\"/>"))
                        .unwrap_or_default()
                };
                let st = glue(self, from, a, "stCxn");
                let en = glue(self, to, b, "endCxn");
                let bb = (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1));
                let xml = format!(
                    "<p:cxnSp><p:nvCxnSpPr><p:cNvPr id=\"{}\" name=\"{}\"/><p:cNvCxnSpPr>{st}{en}</p:cNvCxnSpPr><p:nvPr/></p:nvCxnSpPr><p:spPr>{}{}<a:ln w=\"{}\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill><a:tailEnd type=\"triangle\" w=\"med\" len=\"med\"/></a:ln></p:spPr></p:cxnSp>",
                    self.id(*line),
                    name_attr(name),
                    xfrm(bb, b.0 < a.0, b.1 < a.1),
                    preset("straightConnector1", None),
                    m.len(*width).max(3175),
                    hex(*color)
                );
                Ok((xml, bb))
            }
            Part::Group { .. } => Err(ExportError::Layout(
                "a group is not a single shape".to_owned(),
            )),
        }
    }

    /// The id of a marker's shape and its connection site nearest to `at`.
    fn marker_site(&self, outline: usize, at: (i64, i64)) -> Option<(u32, u32)> {
        if let Some((id, centre, kind)) = self.markers.get(&outline) {
            return Some((*id, site(kind, *centre, at)));
        }
        // Not written yet: its centre from the scene.
        let Some(Part::Marker { kind, .. }) =
            self.part_of.get(&outline).map(|&p| &self.scene.parts[p])
        else {
            return None;
        };
        let Some(Shape::Polygon { points, .. }) = self.scene.shapes.get(outline) else {
            return None;
        };
        let n = points.len().max(1) as f64;
        let (sx, sy) = points
            .iter()
            .fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
        let centre = (self.m.x(sx / n), self.m.y(sy / n));
        Some((self.id(outline), site(kind, centre, at)))
    }

    fn plain(&self, i: usize) -> (String, Bbox) {
        let m = self.m;
        let id = self.id(i);
        match &self.scene.shapes[i] {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
                stroke,
            } => {
                let b = bbox_of(m, [*x0, *y0, *x1, *y1]);
                (
                    sp(
                        id,
                        &format!("Rectangle {id}"),
                        false,
                        b,
                        false,
                        &preset("rect", None),
                        &fill_xml(*fill),
                        &line_xml(m, *stroke),
                        None,
                    ),
                    b,
                )
            }
            Shape::Circle {
                cx,
                cy,
                r,
                fill,
                stroke,
            } => {
                let b = bbox_of(m, [cx - r, cy - r, cx + r, cy + r]);
                (
                    sp(
                        id,
                        &format!("Circle {id}"),
                        false,
                        b,
                        false,
                        &preset("ellipse", None),
                        &fill_xml(*fill),
                        &line_xml(m, *stroke),
                        None,
                    ),
                    b,
                )
            }
            Shape::Polygon {
                points,
                fill,
                stroke,
            } => {
                let (b, geometry) = freeform(m, points, true);
                (
                    sp(
                        id,
                        &format!("Shape {id}"),
                        false,
                        b,
                        false,
                        &geometry,
                        &fill_xml(*fill),
                        &line_xml(m, *stroke),
                        None,
                    ),
                    b,
                )
            }
            Shape::Line {
                points,
                color,
                width,
            } => {
                let (b, geometry) = freeform(m, points, false);
                (
                    sp(
                        id,
                        &format!("Line {id}"),
                        false,
                        b,
                        false,
                        &geometry,
                        "<a:noFill/>",
                        &line_xml(m, Some((*color, *width))),
                        None,
                    ),
                    b,
                )
            }
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                color,
                align,
            } => {
                let b = bbox_of(m, text_rect(*x, *y, text, *size, *bold, *align));
                let body = text_body(
                    &Body {
                        wrap: false,
                        anchor: "ctr",
                        insets: (0, 0, 0, 0),
                    },
                    &[format!(
                        "<a:p>{}{}</a:p>",
                        ppr(algn(*align), text),
                        run(text, m.font(*size), *bold, *color)
                    )],
                );
                (
                    sp(
                        id,
                        &format!("Text: {}", truncate_chars(text, 40)),
                        true,
                        b,
                        false,
                        &preset("rect", None),
                        "<a:noFill/>",
                        "",
                        Some(body),
                    ),
                    b,
                )
            }
        }
    }
}

/// The shapes of `scene` as a fragment of a slide's shape tree, mapped by `m`, with shape ids
/// from `first_id` up (ids below it are the caller's). Returns the fragment and the first id
/// the caller may use after it.
pub fn scene_xml(scene: &Scene, m: &Mapping, first_id: u32) -> Result<(String, u32), ExportError> {
    scene.check_finite()?;
    if !(m.k.is_finite() && m.x0.is_finite() && m.y0.is_finite()) || m.k <= 0.0 {
        return Err(ExportError::Layout(
            "the chart's frame on the slide is empty".to_owned(),
        ));
    }
    let n = scene.shapes.len();
    let mut part_of = HashMap::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (p, part) in scene.parts.iter().enumerate() {
        let members: Vec<usize> = match part {
            Part::Cell { rect, label, .. } => std::iter::once(*rect).chain(*label).collect(),
            Part::Marker { shape, labels, .. } => std::iter::once(*shape)
                .chain(labels.iter().copied())
                .collect(),
            Part::Arrow { line, head, .. } => vec![*line, *head],
            Part::Group { shapes, .. } => {
                for &s in shapes {
                    group_of.entry(s).or_insert(p);
                }
                continue;
            }
        };
        for s in members {
            if s < n {
                part_of.entry(s).or_insert(p);
            }
        }
    }
    let mut w = Writer {
        scene,
        m,
        first_id,
        part_of,
        done: vec![false; n],
        markers: HashMap::new(),
    };
    let mut groups_done = vec![false; scene.parts.len()];
    let mut next_group_id = first_id + n as u32;
    let mut out = String::new();
    for i in 0..n {
        if w.done[i] {
            continue;
        }
        match group_of.get(&i) {
            Some(&g) if !groups_done[g] => {
                groups_done[g] = true;
                let Part::Group { name, shapes } = &scene.parts[g] else {
                    continue;
                };
                let mut inner = String::new();
                let mut bbox = None;
                let mut count = 0;
                for &s in shapes {
                    if let Some((xml, b)) = w.unit(s)? {
                        inner.push_str(&xml);
                        bbox = Some(union(bbox, b));
                        count += 1;
                    }
                }
                let Some(b) = bbox else { continue };
                if count < 2 {
                    out.push_str(&inner);
                    continue;
                }
                let (cx, cy) = (b.2 - b.0, b.3 - b.1);
                out.push_str(&format!(
                    "<p:grpSp><p:nvGrpSpPr><p:cNvPr id=\"{next_group_id}\" name=\"{}\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/><a:chOff x=\"{}\" y=\"{}\"/><a:chExt cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm></p:grpSpPr>{inner}</p:grpSp>",
                    name_attr(name),
                    b.0,
                    b.1,
                    b.0,
                    b.1
                ));
                next_group_id += 1;
            }
            _ => {
                if let Some((xml, _)) = w.unit(i)? {
                    out.push_str(&xml);
                }
            }
        }
    }
    Ok((out, next_group_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::chart::{canvas_width, Chart};
    use crate::export::scene::WIDTH;
    use crate::PerspectiveId;

    fn full() -> Mapping {
        Mapping::fit(
            Frame {
                x: 0,
                y: 0,
                cx: 12_192_000,
                cy: 6_858_000,
            },
            WIDTH,
            0.0,
        )
    }

    fn well_formed(fragment: &str) -> Vec<String> {
        let xml = format!("<root xmlns:a=\"a\" xmlns:p=\"p\" xmlns:r=\"r\">{fragment}</root>");
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut ids = Vec::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e))
                    if e.name().as_ref() == "p:cNvPr" =>
                {
                    let id = e
                        .try_get_attribute("id")
                        .unwrap()
                        .map(|a| a.value.to_string())
                        .unwrap();
                    ids.push(id);
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}"),
            }
        }
        ids
    }

    #[test]
    fn right_to_left_paragraphs_say_so() {
        let mut w = crate::export::chart::tests::placed(2, 2);
        w.changes[0].title = "שדרוג שרת מסד הנתונים".into();
        let scene = Chart::Matrix {
            perspective: PerspectiveId::new("dev"),
        }
        .scene_for_slide(&w, WIDTH)
        .unwrap();
        let (xml, _) = scene_xml(&scene, &full(), 10).unwrap();
        let rtl: Vec<&str> = xml
            .split("<a:p>")
            .filter(|p| p.contains("rtl=\"1\""))
            .collect();
        assert_eq!(rtl.len(), 1, "{rtl:?}");
        assert!(rtl[0].contains("שדרוג"));
        assert!(xml.contains("Change number 2") && xml.matches("rtl=").count() == 1);
    }

    #[test]
    fn hostile_text_is_escaped_and_ids_are_unique() {
        let mut w = crate::export::chart::tests::placed(6, 2);
        w.changes[0].title = "<script>&\"x\"\u{1}\u{202E}".into();
        w.perspectives[0].name = "<Dev & \"Co\">\u{0}".into();
        for chart in Chart::all(&w) {
            let scene = chart.scene_for_slide(&w, WIDTH).unwrap();
            let (xml, next) = scene_xml(&scene, &full(), 10).unwrap();
            assert!(
                !xml.contains("<script>") && !xml.contains("<Dev"),
                "{chart:?}"
            );
            assert!(!xml.contains('\u{1}') && !xml.contains('\u{0}') && !xml.contains('\u{202E}'));
            let ids = well_formed(&xml);
            let unique: std::collections::BTreeSet<_> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "{chart:?}: duplicate shape ids");
            assert!(ids.iter().all(|i| i.parse::<u32>().unwrap() < next));
        }
        let overlay = Chart::Overlay {
            from: PerspectiveId::new("dev"),
            to: PerspectiveId::new("ops"),
        }
        .scene_for_slide(&w, WIDTH)
        .unwrap();
        let (xml, _) = scene_xml(&overlay, &full(), 10).unwrap();
        assert!(xml.contains(
            "name=\"&lt;Dev &amp; &quot;Co&quot;&gt;: &lt;script&gt;&amp;&quot;x&quot;\""
        ));
        assert!(xml.contains("<a:tailEnd type=\"triangle\""));
        assert!(xml.contains("<a:stCxn id=") && xml.contains("<a:endCxn id="));
        assert!(xml.contains("typeface=\"+mn-lt\""));
    }

    #[test]
    fn a_chart_keeps_its_proportions_in_any_frame() {
        for (cx, cy) in [
            (9_144_000, 6_858_000),
            (12_192_000, 6_858_000),
            (6_000_000, 6_000_000),
        ] {
            let m = Mapping::fit(
                Frame {
                    x: 100,
                    y: 200,
                    cx,
                    cy,
                },
                WIDTH,
                80.0,
            );
            let v = m.visible();
            let ratio = v.cx as f64 / v.cy as f64;
            assert!((ratio - WIDTH / (HEIGHT - 80.0)).abs() < 0.01, "{ratio}");
            assert!(
                v.x >= 100
                    && v.y >= 200
                    && v.x + v.cx <= 100 + cx + 1
                    && v.y + v.cy <= 200 + cy + 1
            );
        }
    }

    /// The width ÷ height of every cell rectangle in a chart's shapes.
    fn cell_ratios(xml: &str) -> Vec<f64> {
        xml.split("<p:sp>")
            .filter(|sp| sp.contains("name=\"Cell "))
            .map(|sp| {
                let ext = sp.split("<a:ext ").nth(1).expect("a cell has an extent");
                let num = |key: &str| -> f64 {
                    ext.split(key)
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap()
                };
                num("cx=\"") / num("cy=\"")
            })
            .collect()
    }

    #[test]
    fn a_chart_is_laid_out_for_the_slide_and_fills_its_content_area_unstretched() {
        // The content areas of a chart slide on 16:9, 16:10 and 4:3 slides (a title-only
        // layout's, below a title band).
        let w = crate::export::chart::tests::placed(6, 2);
        let overlay = Chart::Overlay {
            from: PerspectiveId::new("dev"),
            to: PerspectiveId::new("ops"),
        };
        let mut filled = Vec::new();
        for (cx, cy) in [
            (11_277_600, 5_029_200),
            (10_058_400, 5_029_200),
            (8_229_600, 5_029_200),
        ] {
            let frame = Frame {
                x: 457_200,
                y: 1_600_200,
                cx,
                cy,
            };
            let width = canvas_width(cx as f64, cy as f64, 80.0);
            let scene = overlay.scene_for_slide(&w, width).unwrap();
            let m = Mapping::fit(frame, width, 80.0);
            let v = m.visible();
            // It fills the area both ways (whole EMU rounding aside)...
            assert!(
                (v.cx - cx).abs() <= 2 && (v.cy - cy).abs() <= 2,
                "{cx}×{cy}: the chart covers {}×{}",
                v.cx,
                v.cy
            );
            // ...and a cell keeps on the slide the proportions it has on the canvas.
            let (xml, _) = scene_xml(&scene, &m, 10).unwrap();
            let ratios = cell_ratios(&xml);
            assert_eq!(ratios.len(), 25, "a 5 × 5 grid");
            let cell = scene
                .parts
                .iter()
                .find_map(|p| match p {
                    Part::Cell { rect, .. } => match &scene.shapes[*rect] {
                        Shape::Rect { x0, y0, x1, y1, .. } => Some((x1 - x0) / (y1 - y0)),
                        _ => None,
                    },
                    _ => None,
                })
                .unwrap();
            for r in &ratios {
                assert!((r / cell - 1.0).abs() < 0.005, "{cx}×{cy}: {r} for {cell}");
            }
            filled.push((width, cell));
        }
        // The narrower the slide, the narrower the canvas and its cells.
        assert!(
            filled
                .windows(2)
                .all(|p| p[1].0 < p[0].0 && p[1].1 < p[0].1),
            "{filled:?}"
        );
    }

    #[test]
    fn markers_are_counted_without_the_legend() {
        let w = crate::export::chart::tests::placed(5, 2);
        let overlay = Chart::Overlay {
            from: PerspectiveId::new("dev"),
            to: PerspectiveId::new("ops"),
        }
        .scene(&w)
        .unwrap();
        assert_eq!(marker_count(&overlay), 10);
    }
}
