//! Exports of a workshop: charts (PNG/SVG through plotters with an embedded font), a native
//! PowerPoint deck, CSV, JSON and a Markdown report. Exports only read a workshop; user text is
//! always escaped for the format it lands in.
