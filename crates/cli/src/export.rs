//! `parallax-cli export FILE --format png|svg|pptx|csv|json|md --out PATH`, with `--chart`,
//! `--perspective` and `--size` where they apply: the same exports as the app's Export dialog,
//! through the engine's `export` module. It only reads FILE, never writes over it, and every
//! file it writes goes through the engine's atomic write. Bad input is a message and exit 1; a
//! template that cannot be used is refused before anything is written.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use parallax_engine::export::template::Template;
use parallax_engine::export::{
    export_to_path, ChartKind, ChartRequest, ChartSize, ChartStyle, DeckOptions, ExportRequest,
    ImageFormat,
};
use parallax_engine::Workshop;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Png,
    Svg,
    Pptx,
    Csv,
    Json,
    Md,
}

/// `--chart`: the engine's chart kinds, by the names the engine gives them.
fn chart_kind() -> impl clap::builder::TypedValueParser<Value = ChartKind> {
    PossibleValuesParser::new(ChartKind::ALL.map(ChartKind::name))
        .try_map(|s| s.parse::<ChartKind>())
}

#[derive(clap::Args)]
pub struct Args {
    /// The .parallax file to export (only read).
    pub file: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Where to write it. The Markdown report puts its chart images beside it.
    #[arg(long)]
    pub out: PathBuf,
    /// Which chart, for png and svg (default: overlay).
    #[arg(long, value_parser = chart_kind())]
    pub chart: Option<ChartKind>,
    /// A perspective by name or id: once for the matrix (default: the first perspective); for
    /// overlay and gaps from, then to (default: the first two; from alone is compared with the
    /// first other perspective).
    #[arg(long = "perspective", value_name = "NAME")]
    pub perspectives: Vec<String>,
    /// Image size for png, svg, pptx and md: 1920x1080 or 3840x2160 (default: 1920x1080 for
    /// images and the report, 3840x2160 for the deck's pictures).
    #[arg(long)]
    pub size: Option<String>,
    /// The date on the deck's title slide (default: the day of the latest placement).
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub deck: DeckArgs,
}

/// The deck's own choices (pptx only), kept apart from the chart flags above.
#[derive(clap::Args)]
pub struct DeckArgs {
    /// How the deck's charts are written: `shapes` (native, editable; the default) or
    /// `pictures`. A chart with more markers than the engine's limit is a picture either way.
    #[arg(long, value_name = "pictures|shapes")]
    pub charts: Option<String>,
    /// A pair of perspectives to compare (overlay, gaps, contested table), by name or id:
    /// `--pair Dev:Ops`, repeatable (default: every pair once).
    #[arg(long = "pair", value_name = "FROM:TO")]
    pub pairs: Vec<String>,
    /// A company template (.pptx or .potx, at most 64 MB) to build the deck on: its masters,
    /// layouts and theme, without its example slides. The layouts used are printed.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// `--charts` and `--template` into a deck's options (the workshop deck's and the trend's); a
/// template that cannot be used is refused here, before anything is written.
pub fn charts_and_template(
    options: &mut DeckOptions,
    charts: Option<&str>,
    template: Option<&std::path::Path>,
) -> Result<(), String> {
    if let Some(c) = charts {
        options.charts = ChartStyle::parse(c)
            .ok_or_else(|| format!("--charts {c:?}: use pictures or shapes"))?;
    }
    if let Some(path) = template {
        options.template = Some(Template::open(path).map_err(|e| e.to_string())?);
    }
    Ok(())
}

impl DeckArgs {
    fn any(&self) -> bool {
        self.charts.is_some() || !self.pairs.is_empty() || self.template.is_some()
    }

    /// Puts the deck flags into a deck request.
    fn apply(&self, request: &mut ExportRequest) -> Result<(), String> {
        let ExportRequest::Deck(options) = request else {
            if self.any() {
                return Err("--charts, --pair and --template apply to pptx only".into());
            }
            return Ok(());
        };
        charts_and_template(options, self.charts.as_deref(), self.template.as_deref())?;
        for pair in &self.pairs {
            let (from, to) = pair
                .split_once(':')
                .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
                .ok_or_else(|| format!("--pair {pair:?}: write two perspectives as FROM:TO"))?;
            options
                .pairs
                .push((from.trim().to_owned(), to.trim().to_owned()));
        }
        Ok(())
    }
}

fn request(args: &Args, w: &Workshop) -> Result<ExportRequest, String> {
    let size = match &args.size {
        None => None,
        Some(s) => Some(ChartSize::parse(s).ok_or_else(|| {
            format!("--size {s:?} is not a supported size: use 1920x1080 or 3840x2160")
        })?),
    };
    let images = matches!(args.format, Format::Png | Format::Svg);
    if !images && args.chart.is_some() {
        return Err(
            "--chart applies to png and svg only (the deck and the report hold every chart)".into(),
        );
    }
    if !images && !args.perspectives.is_empty() {
        return Err("--perspective applies to png and svg only".into());
    }
    if matches!(args.format, Format::Csv | Format::Json) && size.is_some() {
        return Err("--size applies to png, svg, pptx and md only".into());
    }
    if args.format != Format::Pptx && args.date.is_some() {
        return Err("--date applies to pptx only".into());
    }
    Ok(match args.format {
        Format::Png | Format::Svg => ExportRequest::Chart {
            chart: ChartRequest {
                kind: args.chart.unwrap_or_default(),
                perspectives: args.perspectives.clone(),
            }
            .resolve(w)
            .map_err(|e| e.to_string())?,
            format: if args.format == Format::Png {
                ImageFormat::Png
            } else {
                ImageFormat::Svg
            },
            size: size.unwrap_or(ChartSize::HD),
        },
        Format::Pptx => ExportRequest::Deck(DeckOptions {
            date: args.date.clone(),
            size: size.unwrap_or(ChartSize::UHD),
            ..DeckOptions::default()
        }),
        Format::Csv => ExportRequest::Csv,
        Format::Json => ExportRequest::Json,
        Format::Md => ExportRequest::Markdown {
            size: size.unwrap_or(ChartSize::HD),
        },
    })
}

pub fn run(args: &Args) -> Result<String, String> {
    let path = &args.file;
    let loaded = parallax_engine::store::load_path(path)
        .map_err(|e| parallax_engine::store::explain_failure(path, &e))?;
    let w = &loaded.workshop;
    let mut request = request(args, w)?;
    args.deck.apply(&mut request)?;
    // Never write over the workshop being exported (a slip of --out would lose it).
    if let (Ok(a), Ok(b)) = (
        std::fs::canonicalize(path),
        std::fs::canonicalize(&args.out),
    ) {
        if a == b {
            return Err(format!(
                "{}: refusing to write the export over the workshop file itself",
                args.out.display()
            ));
        }
    }
    let written = export_to_path(w, &request, &args.out, &mut |_| {})
        .map_err(|e| format!("cannot export: {e}"))?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    let mut out = format!("wrote {}", names.join(", "));
    if let ExportRequest::Deck(DeckOptions {
        template: Some(t), ..
    }) = &request
    {
        for used in t.plan() {
            out.push_str(&format!(
                "\nlayout for {}: \"{}\" ({})",
                used.used_for, used.name, used.part
            ));
        }
    }
    Ok(out)
}
