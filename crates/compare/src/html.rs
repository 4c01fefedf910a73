//! The tumor-board page of one patient: one self-contained HTML5 document drawn from a
//! [`CaseSummary`], meant to be projected or printed.
//!
//! The page has no script and fetches nothing: the CSS is inline, the SUVmax chart is inline
//! SVG, and a `Content-Security-Policy` meta tag (`default-src 'none'`) makes any browser
//! refuse a network request should one ever slip in. It holds
//!
//! - a header: patient, diagnosis, histology, response framework, baseline stage and the
//!   current status sentence with its citations (`[P3]`, `[G:lugano2014-response-cmr]`);
//! - the chart: SUVmax over time, x proportional to days between exams (ticks labelled with
//!   the study labels), one `<g class="series" data-lesion="…">` per trajectory in order, one
//!   `<circle class="point" data-study="P2" data-suv="13.3">` per point with a SUVmax and a
//!   cross (`class="resolved"`) where the lesion has none (resolved or not described);
//! - `<table class="studies">`: one `<tr class="study" data-report="…">` per study;
//! - `<table class="similar">`: one `<tr class="similar">` per similar patient, with what
//!   their next study showed.
//!
//! Numbers are printed as `format!("{}", f32)` prints them (`13.3`, `2`, `4.5`), so they read
//! back equal to the `priors case --json` values; a SUVmax change as `+12.0%` / `-66.2%`.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::case::{CaseStudy, CaseSummary, CitedSentence, SimilarPatient, Trajectory};
use crate::model::{Framework, LesionChange};

/// Series colours, in order (Okabe–Ito first, then darker extras; no yellow on white). A
/// series past the palette reuses a colour with a dash pattern.
const PALETTE: [&str; 10] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#8c564b",
    "#3f3f3f", "#b8860b",
];
/// Dash patterns for the 1st, 2nd, 3rd… pass over the palette.
const DASHES: [&str; 3] = ["", "7 4", "2 3"];

/// Shown where a value is absent.
const NONE: &str = "\u{2014}";

/// Chart geometry (SVG user units; the SVG scales to the page width).
const W: f64 = 960.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 20.0;
/// The x axis (the plot is `TOP..AXIS_Y`); below it, one row of tick labels per crowding
/// level, each [`ROW_H`] high.
const AXIS_Y: f64 = 320.0;
const ROW_H: f64 = 34.0;
/// At most this many rows of tick labels; past them labels may overlap.
const MAX_ROWS: usize = 6;
/// Gap between the plot edges and the first/last exam.
const XPAD: f64 = 28.0;

const CSS: &str = r#"
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d7dce2; --band: #f4f6f8; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 40px; color: var(--ink); background: #fff;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .35rem; }
h1 .pid { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; color: var(--accent); border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: .4rem 1.5rem; margin: .6rem 0 0; }
.facts div { min-width: 0; }
.facts dt { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.status { margin-top: 1rem; padding: .75rem 1rem; border-left: 5px solid var(--accent); background: var(--band); }
.status h2 { margin: 0 0 .25rem; border: 0; padding: 0; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; }
.status p { margin: 0; font-size: 1.15rem; }
.cite { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8em; color: var(--accent); white-space: nowrap; text-decoration: none; }
.muted, .note { color: var(--muted); }
.note { font-size: .85rem; margin: .3rem 0; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; max-height: 70vh; }
svg.chart text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.chart .axis { stroke: #8a939e; stroke-width: 1.2; }
svg.chart .exam { stroke: #c9cfd6; stroke-width: 1; stroke-dasharray: 3 4; }
svg.chart .tick-label { fill: var(--muted); }
svg.chart .study-label { font-weight: 700; }
svg.chart .axes text { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
svg.chart .axis-title { fill: var(--muted); font-size: 12px; }
svg.chart .to-resolved { stroke-dasharray: 3 4; }
.legend { list-style: none; padding: 0; margin: .4rem 0 0; display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; }
.legend li { display: flex; align-items: center; gap: .45rem; }
.legend .swatch { display: inline-block; width: 26px; height: 0; border-top: 3px solid; }
.legend .vals { color: var(--muted); font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-bottom: 2px solid var(--line); }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.label { font-weight: 700; white-space: nowrap; }
td.date { white-space: nowrap; }
ul.changes { margin: 0; padding-left: 1.1rem; }
.resp { display: inline-block; min-width: 3.2em; text-align: center; padding: 0 .35em; border-radius: 4px; border: 1px solid; font-weight: 700; }
.resp-cmr { color: #0a6b3d; background: #e3f4ea; }
.resp-pmr { color: #0b4f8a; background: #e3eef8; }
.resp-nmr, .resp-smd { color: #5b4a00; background: #fbf3d6; }
.resp-pmd { color: #9b1c1c; background: #fbe4e4; }
.st-new, .st-increased { color: #9b1c1c; }
.st-resolved, .st-decreased { color: #0a6b3d; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  figure, tr, .status { break-inside: avoid; }
  a.cite { color: inherit; }
  svg.chart { max-height: none; }
}
"#;

/// The tumor-board page of `case`: one self-contained HTML5 document (inline CSS and SVG, no
/// script, no external resource).
pub fn render(case: &CaseSummary) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let pid = esc(&case.patient_id);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"priors\">\n\
         <title>Tumor board \u{2014} {pid}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    );
    header(&mut out, case);
    out.push_str("<main>\n<section class=\"trajectories\">\n<h2>SUVmax per lesion</h2>\n");
    chart(&mut out, case);
    out.push_str("</section>\n");
    studies_table(&mut out, case);
    similar_table(&mut out, case);
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>{} Lesion status against the previous study: SUVmax up or down by 30 % or more \
         is increased / decreased, otherwise stable. Generated by priors from the stored reports.</footer>",
        esc(measure_note(case.framework))
    );
    out.push_str("</body>\n</html>\n");
    out
}

// ---- text helpers ------------------------------------------------------------------------

/// `s` with `& < > " '` escaped, for text and attribute values alike.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A number as `format!("{}", f32)` prints it.
fn num(v: f32) -> String {
    format!("{v}")
}

/// A value or the dash.
fn opt_num(v: Option<f32>) -> String {
    v.map_or_else(|| NONE.to_string(), num)
}

/// A percent change with one decimal and a sign: `+12.0%`, `-66.2%`.
fn pct(v: f32) -> String {
    format!("{v:+.1}%")
}

/// `end_of_treatment` → `end of treatment`.
fn words(s: &str) -> String {
    s.replace('_', " ")
}

fn opt_words(s: Option<&str>) -> String {
    s.map_or_else(|| NONE.to_string(), |s| esc(&words(s)))
}

fn framework_name(f: Framework) -> &'static str {
    match f {
        Framework::Lugano => "Lugano 2014 (Deauville five-point scale)",
        Framework::Percist => "PERCIST-style, on SUVmax",
    }
}

fn measure_note(f: Framework) -> &'static str {
    match f {
        Framework::Lugano => "Lugano 2014: Deauville score of the hottest lesion against the same study's liver and mediastinal blood pool.",
        Framework::Percist => "PERCIST 1.0 is defined on SULpeak; reports give SUVmax, so the 30 % rule is applied to SUVmax as reported.",
    }
}

/// What a response abbreviation stands for.
fn response_title(r: &str) -> Option<&'static str> {
    Some(match r {
        "CMR" => "complete metabolic response",
        "PMR" => "partial metabolic response",
        "NMR" => "no metabolic response",
        "SMD" => "stable metabolic disease",
        "PMD" => "progressive metabolic disease",
        _ => return None,
    })
}

fn response_badge(r: Option<&str>) -> String {
    let Some(r) = r else {
        return NONE.to_string();
    };
    let class: String = r
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match response_title(r) {
        Some(t) => format!(
            "<span class=\"resp resp-{class}\" title=\"{t}\">{}</span>",
            esc(r)
        ),
        None => format!("<span class=\"resp\">{}</span>", esc(r)),
    }
}

/// The study with label `label`, if any.
fn study_by_label<'a>(case: &'a CaseSummary, label: &str) -> Option<&'a CaseStudy> {
    case.studies.iter().find(|s| s.label == label)
}

/// `[P3]` (a link to the study row when there is one) or `[G:id]`.
fn citation(case: &CaseSummary, label: &str) -> String {
    let l = esc(label);
    if study_by_label(case, label).is_some() {
        format!("<a class=\"cite\" href=\"#study-{l}\">[{l}]</a>")
    } else {
        format!("<span class=\"cite\">[{l}]</span>")
    }
}

fn cited(case: &CaseSummary, s: &CitedSentence) -> String {
    let mut o = esc(&s.text);
    for c in &s.citations {
        o.push(' ');
        o.push_str(&citation(case, c));
    }
    o
}

// ---- header ------------------------------------------------------------------------------

fn fact(out: &mut String, term: &str, value_html: &str) {
    let _ = writeln!(out, "<div><dt>{term}</dt><dd>{value_html}</dd></div>");
}

fn header(out: &mut String, case: &CaseSummary) {
    let _ = writeln!(
        out,
        "<header>\n<h1>Patient <span class=\"pid\">{}</span></h1>\n<dl class=\"facts\">",
        esc(&case.patient_id)
    );
    let or_none = |v: &Option<String>| v.as_deref().map_or_else(|| NONE.to_string(), esc);
    fact(out, "Diagnosis", &or_none(&case.diagnosis));
    fact(out, "Histology", &or_none(&case.histology));
    if let Some(t) = &case.cancer_type {
        fact(out, "Cancer type", &esc(&words(t)));
    }
    fact(out, "Response framework", framework_name(case.framework));
    fact(out, "Baseline staging", &baseline(case));
    out.push_str("</dl>\n");
    let _ = writeln!(
        out,
        "<section class=\"status\"><h2>Current status</h2><p>{}</p></section>\n</header>",
        cited(case, &case.current_status)
    );
}

fn baseline(case: &CaseSummary) -> String {
    let Some(b) = &case.baseline else {
        return "<span class=\"muted\">no baseline study</span>".to_string();
    };
    let mut o = String::new();
    match (&b.system, &b.stage) {
        (Some(sys), Some(stage)) => {
            let _ = write!(o, "{} stage {}", esc(sys), esc(stage));
        }
        (Some(sys), None) => {
            let _ = write!(o, "{}: stage not decided", esc(sys));
        }
        (None, Some(stage)) => {
            let _ = write!(o, "stage {}", esc(stage));
        }
        (None, None) => o.push_str("no staging rules for this cancer"),
    }
    if let Some(tnm) = &b.tnm {
        let _ = write!(o, " \u{00b7} {}", esc(tnm));
    }
    let label = case
        .studies
        .iter()
        .find(|s| s.report_id == b.report_id)
        .map(|s| format!("{}, ", esc(&s.label)))
        .unwrap_or_default();
    let _ = write!(o, " <span class=\"muted\">({label}{})</span>", b.exam_date);
    for g in &b.guidelines {
        o.push(' ');
        o.push_str(&citation(case, &format!("G:{g}")));
    }
    if !b.missing.is_empty() {
        let _ = write!(
            o,
            "<div class=\"note\">Not decided: {}</div>",
            esc(&b.missing.join("; "))
        );
    }
    o
}

// ---- chart -------------------------------------------------------------------------------

/// Maps exam dates and SUVmax values to chart coordinates.
struct Scale {
    first: NaiveDate,
    days: i64,
    y_lo: f64,
    y_hi: f64,
}

impl Scale {
    fn x(&self, d: NaiveDate) -> f64 {
        let (x0, x1) = (LEFT + XPAD, W - RIGHT - XPAD);
        if self.days <= 0 {
            return (x0 + x1) / 2.0;
        }
        x0 + (d - self.first).num_days() as f64 / self.days as f64 * (x1 - x0)
    }

    fn y(&self, v: f64) -> f64 {
        let (top, bottom) = (TOP, AXIS_Y);
        bottom - (v - self.y_lo) / (self.y_hi - self.y_lo) * (bottom - top)
    }
}

/// A round tick step giving about `n` intervals over `span` (> 0).
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = span / n;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Finite SUVmax of a point, if any.
fn suv(v: Option<f32>) -> Option<f32> {
    v.filter(|v| v.is_finite())
}

fn chart(out: &mut String, case: &CaseSummary) {
    if case.trajectories.is_empty() {
        out.push_str(
            "<p class=\"no-chart muted\">No lesion trajectory to chart: trajectories start at the \
             first comparison of two studies, and none links a lesion across studies.</p>\n",
        );
        return;
    }
    // x: every exam date, of studies and of points.
    let dates: Vec<NaiveDate> = case
        .studies
        .iter()
        .map(|s| s.exam_date)
        .chain(
            case.trajectories
                .iter()
                .flat_map(|t| t.points.iter().map(|p| p.exam_date)),
        )
        .collect();
    let first = dates.iter().min().copied().unwrap_or_default();
    let last = dates.iter().max().copied().unwrap_or_default();
    // y: 0 (or below, for a negative value) up to a round value at or above the highest.
    let values: Vec<f64> = case
        .trajectories
        .iter()
        .flat_map(|t| t.points.iter().filter_map(|p| suv(p.suv_max)))
        .map(f64::from)
        .collect();
    let hi = values.iter().copied().fold(0.0f64, f64::max);
    let lo = values.iter().copied().fold(0.0f64, f64::min);
    let hi = if hi - lo > 0.0 { hi } else { lo + 1.0 };
    let step = nice_step(hi - lo, 5.0);
    let scale = Scale {
        first,
        days: (last - first).num_days(),
        y_lo: (lo / step).floor() * step,
        y_hi: ((hi / step).ceil() * step).max(lo + step),
    };

    let n_points: usize = values.len();
    let ticks = x_ticks(case, &scale);
    let rows = ticks.iter().map(|t| t.row + 1).max().unwrap_or(1);
    let h = AXIS_Y + 10.0 + rows as f64 * ROW_H;
    let _ = writeln!(
        out,
        "<figure>\n<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" \
         width=\"{W}\" height=\"{h}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n\
         <title id=\"chart-title\">SUVmax per lesion over time</title>\n\
         <desc id=\"chart-desc\">{} lesion trajectories, {} measured points, {} studies from {} to {}</desc>",
        case.trajectories.len(),
        n_points,
        case.studies.len(),
        first,
        last
    );
    axes(out, &ticks, &scale, step);
    for (i, t) in case.trajectories.iter().enumerate() {
        series(out, t, i, &scale);
    }
    out.push_str("</svg>\n");
    legend(out, case);
    let _ = writeln!(
        out,
        "<figcaption class=\"note\">x: exam date, to scale; y: SUVmax as reported. \
         \u{00d7} marks a lesion without SUVmax on that study (resolved or not described).</figcaption>\n</figure>"
    );
}

/// One x tick: an exam date and the studies on it, with its label row.
struct XTick {
    x: f64,
    date: NaiveDate,
    labels: String,
    row: usize,
}

/// One tick per exam date (studies of one date share a tick). A label too close to the
/// previous one in its row goes to the next row, up to [`MAX_ROWS`].
fn x_ticks(case: &CaseSummary, s: &Scale) -> Vec<XTick> {
    let mut dates: Vec<(NaiveDate, Vec<&str>)> = Vec::new();
    for st in &case.studies {
        match dates.iter_mut().find(|(d, _)| *d == st.exam_date) {
            Some((_, labels)) => labels.push(&st.label),
            None => dates.push((st.exam_date, vec![&st.label])),
        }
    }
    dates.sort_by_key(|(d, _)| *d);
    // Right edge of the last label in each row.
    let mut right: Vec<f64> = Vec::new();
    let mut out = Vec::new();
    for (date, labels) in dates {
        let x = s.x(date);
        let labels = labels.join(", ");
        // A date is ~76 units wide at 13px; a bold label ~9 per character.
        let half = (9.0 * labels.chars().count() as f64).max(76.0) / 2.0;
        let row = match right.iter().position(|r| x - half >= r + 6.0) {
            Some(row) => row,
            None if right.len() < MAX_ROWS => {
                right.push(f64::NEG_INFINITY);
                right.len() - 1
            }
            None => (0..right.len())
                .min_by(|a, b| right[*a].total_cmp(&right[*b]))
                .unwrap_or(0),
        };
        right[row] = x + half;
        out.push(XTick {
            x,
            date,
            labels,
            row,
        });
    }
    out
}

fn axes(out: &mut String, ticks: &[XTick], s: &Scale, step: f64) {
    let (x0, x1, y_top, y_bot) = (LEFT, W - RIGHT, TOP, AXIS_Y);
    out.push_str("<g class=\"axes\">\n");
    // y ticks and grid.
    let n = ((s.y_hi - s.y_lo) / step).round() as i64;
    for i in 0..=n {
        let v = s.y_lo + i as f64 * step;
        let y = s.y(v);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 8.0,
            y + 4.5,
            num(v as f32)
        );
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y_top}\" x2=\"{x0}\" y2=\"{y_bot}\"/>\
         <line class=\"axis\" x1=\"{x0}\" y1=\"{y_bot}\" x2=\"{x1}\" y2=\"{y_bot}\"/>\
         <text class=\"axis-title\" transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">SUVmax</text>",
        (y_top + y_bot) / 2.0
    );
    // Lines first, then the labels over them (with a white halo, see the CSS).
    for t in ticks {
        let x = t.x;
        let _ = writeln!(
            out,
            "<line class=\"exam\" x1=\"{x:.1}\" y1=\"{y_top}\" x2=\"{x:.1}\" y2=\"{y_bot}\"/>\
             <line class=\"axis\" x1=\"{x:.1}\" y1=\"{y_bot}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>",
            y_bot + 5.0 + t.row as f64 * ROW_H,
        );
    }
    for t in ticks {
        let (x, d) = (t.x, t.date);
        let ly = y_bot + 20.0 + t.row as f64 * ROW_H;
        let _ = writeln!(
            out,
            "<text class=\"study-label\" x=\"{x:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{}</text>\
             <text class=\"tick-label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{d}</text>",
            esc(&t.labels),
            ly + 15.0
        );
    }
    out.push_str("</g>\n");
}

fn colour(i: usize) -> (&'static str, &'static str) {
    (
        PALETTE[i % PALETTE.len()],
        DASHES[(i / PALETTE.len()) % DASHES.len()],
    )
}

fn series(out: &mut String, t: &Trajectory, i: usize, s: &Scale) {
    let (c, dash) = colour(i);
    let dash_attr = if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    };
    let lesion = esc(&t.lesion);
    let _ = writeln!(
        out,
        "<g class=\"series\" data-lesion=\"{lesion}\" data-site=\"{}\" data-index=\"{i}\">\n<title>{lesion}</title>",
        esc(&t.site_key)
    );
    let measured: Vec<(f64, f64)> = t
        .points
        .iter()
        .filter_map(|p| suv(p.suv_max).map(|v| (s.x(p.exam_date), s.y(f64::from(v)))))
        .collect();
    if !measured.is_empty() {
        let pts: Vec<String> = measured
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            out,
            "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2.5\" \
             stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash_attr}/>",
            pts.join(" ")
        );
    }
    let mut prev: Option<(f64, f64)> = None;
    for p in &t.points {
        let x = s.x(p.exam_date);
        let status = p.status.map(|st| st.as_str()).unwrap_or("first");
        let study = esc(&p.study);
        match suv(p.suv_max) {
            Some(v) => {
                let y = s.y(f64::from(v));
                let _ = writeln!(
                    out,
                    "<circle class=\"point\" data-study=\"{study}\" data-suv=\"{}\" data-status=\"{status}\" \
                     cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{c}\" stroke=\"#fff\" stroke-width=\"1.5\">\
                     <title>{lesion} \u{2014} {study} ({}): SUVmax {}{}</title></circle>",
                    num(v),
                    p.exam_date,
                    num(v),
                    if status == "first" { String::new() } else { format!(", {}", words(status)) }
                );
                prev = Some((x, y));
            }
            None => {
                let y = s.y(0.0f64.clamp(s.y_lo, s.y_hi));
                if let Some((px, py)) = prev.take() {
                    let _ = writeln!(
                        out,
                        "<line class=\"to-resolved\" x1=\"{px:.1}\" y1=\"{py:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\" \
                         stroke=\"{c}\" stroke-width=\"1.5\"/>"
                    );
                }
                let what = match p.status {
                    Some(st) => words(st.as_str()),
                    None => "no SUVmax given".to_string(),
                };
                let _ = writeln!(
                    out,
                    "<path class=\"resolved\" data-study=\"{study}\" data-status=\"{status}\" \
                     d=\"M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}\" stroke=\"{c}\" stroke-width=\"2.5\" \
                     stroke-linecap=\"round\"><title>{lesion} \u{2014} {study} ({}): {} (no SUVmax)</title></path>",
                    x - 5.0,
                    y - 5.0,
                    x + 5.0,
                    y + 5.0,
                    x - 5.0,
                    y + 5.0,
                    x + 5.0,
                    y - 5.0,
                    p.exam_date,
                    esc(&what)
                );
            }
        }
    }
    out.push_str("</g>\n");
}

fn legend(out: &mut String, case: &CaseSummary) {
    out.push_str("<ul class=\"legend\">\n");
    for (i, t) in case.trajectories.iter().enumerate() {
        let (c, dash) = colour(i);
        let style = if dash.is_empty() { "solid" } else { "dashed" };
        let vals: Vec<String> = t
            .points
            .iter()
            .map(|p| suv(p.suv_max).map_or_else(|| "\u{00d7}".to_string(), num))
            .collect();
        let _ = writeln!(
            out,
            "<li data-lesion=\"{}\"><span class=\"swatch\" style=\"border-top-color: {c}; border-top-style: {style}\"></span>\
             <span class=\"name\">{}</span> <span class=\"vals\">{}</span></li>",
            esc(&t.lesion),
            esc(&t.lesion),
            esc(&vals.join(" \u{2192} "))
        );
    }
    out.push_str("</ul>\n");
}

// ---- tables ------------------------------------------------------------------------------

fn change_item(l: &LesionChange) -> String {
    let status = l.status.as_str();
    let mut o = format!(
        "<li class=\"change st-{status}\" data-status=\"{status}\"><span class=\"site\">{}</span>: {} {} \u{2192} {} SUVmax",
        esc(&l.site),
        words(status),
        opt_num(l.prior_suv_max),
        opt_num(l.current_suv_max)
    );
    if let Some(p) = l.change_pct.filter(|p| p.is_finite()) {
        let _ = write!(o, ", <span class=\"pct\">{}</span>", pct(p));
    }
    if !l.counted {
        o.push_str(" <span class=\"muted\">(not counted)</span>");
    }
    o.push_str("</li>");
    o
}

fn studies_table(out: &mut String, case: &CaseSummary) {
    out.push_str(
        "<section>\n<h2>Studies</h2>\n<table class=\"studies\">\n<thead><tr><th>Study</th><th>Date</th>\
         <th>Time point</th><th>Deauville</th><th>Response</th><th>Hottest SUVmax</th>\
         <th>Changed lesions</th></tr></thead>\n<tbody>\n",
    );
    if case.studies.is_empty() {
        out.push_str(
            "<tr class=\"empty\"><td colspan=\"7\" class=\"muted\">No studies.</td></tr>\n",
        );
    }
    for (k, s) in case.studies.iter().enumerate() {
        let changes = if !s.changed.is_empty() {
            let items: Vec<String> = s.changed.iter().map(change_item).collect();
            format!("<ul class=\"changes\">{}</ul>", items.join(""))
        } else if k == 0 && s.comparison.is_none() {
            "<span class=\"muted\">baseline</span>".to_string()
        } else {
            "<span class=\"muted\">none</span>".to_string()
        };
        let label = esc(&s.label);
        let _ = writeln!(
            out,
            "<tr class=\"study\" id=\"study-{label}\" data-report=\"{}\"><td class=\"label\">{label}</td>\
             <td class=\"date\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td>{changes}</td></tr>",
            esc(&s.report_id),
            s.exam_date,
            opt_words(s.timepoint.as_deref()),
            s.deauville.map_or_else(|| NONE.to_string(), |d| d.to_string()),
            response_badge(s.response.as_deref()),
            opt_num(suv(s.hottest_suv_max)),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn similar_row(out: &mut String, p: &SimilarPatient) {
    let _ = write!(
        out,
        "<tr class=\"similar\" data-patient=\"{}\" data-report=\"{}\"><td class=\"label\">{}</td>\
         <td>{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>",
        esc(&p.patient_id),
        esc(&p.report_id),
        esc(&p.patient_id),
        esc(&p.report_id),
        p.exam_date,
        opt_words(p.timepoint.as_deref()),
        opt_words(p.cancer_type.as_deref()),
        num(p.score),
    );
    match &p.next {
        Some(n) => {
            let tp = n
                .timepoint
                .as_deref()
                .map(|t| format!(", {}", esc(&words(t))))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<td class=\"next\">{} <span class=\"muted\">({}{tp})</span></td><td>{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&n.report_id),
                n.exam_date,
                response_badge(n.response.as_deref()),
                n.deauville
                    .map_or_else(|| NONE.to_string(), |d| d.to_string()),
                n.new_lesions
            );
        }
        None => {
            out.push_str("<td class=\"next muted\" colspan=\"4\">no later study</td></tr>\n");
        }
    }
}

fn similar_table(out: &mut String, case: &CaseSummary) {
    out.push_str(
        "<section>\n<h2>Similar patients</h2>\n<p class=\"note\">The most similar study of other \
         patients at the same time point, and what their next study showed.</p>\n\
         <table class=\"similar\">\n<thead><tr><th>Patient</th><th>Matched study</th><th>Date</th>\
         <th>Time point</th><th>Cancer type</th><th>Score</th><th>Next study</th><th>Response</th>\
         <th>Deauville</th><th>New lesions</th></tr></thead>\n<tbody>\n",
    );
    if case.similar_patients.is_empty() {
        out.push_str(
            "<tr class=\"empty\"><td colspan=\"10\" class=\"muted\">No similar patient found.</td></tr>\n",
        );
    }
    for p in &case.similar_patients {
        similar_row(out, p);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{BaselineStaging, NextStudy, TrajectoryPoint};
    use crate::model::Status;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn point(study: &str, d: &str, v: Option<f32>, st: Option<Status>) -> TrajectoryPoint {
        TrajectoryPoint {
            study: study.into(),
            exam_date: date(d),
            suv_max: v,
            status: st,
        }
    }

    fn study(label: &str, d: &str) -> CaseStudy {
        CaseStudy {
            label: label.into(),
            report_id: format!("R-{label}"),
            exam_date: date(d),
            timepoint: None,
            deauville: None,
            response: None,
            hottest_suv_max: None,
            changed: vec![],
            comparison: None,
        }
    }

    fn case(studies: Vec<CaseStudy>, trajectories: Vec<Trajectory>) -> CaseSummary {
        CaseSummary {
            patient_id: "P-1".into(),
            cancer_type: Some("dlbcl".into()),
            diagnosis: Some("Diffuse large B-cell lymphoma".into()),
            histology: None,
            framework: Framework::Lugano,
            baseline: None,
            studies,
            trajectories,
            current_status: CitedSentence {
                text: "Complete metabolic response.".into(),
                citations: vec!["P2".into(), "G:lugano2014-response-cmr".into()],
            },
            similar_patients: vec![],
        }
    }

    fn traj(lesion: &str, points: Vec<TrajectoryPoint>) -> Trajectory {
        Trajectory {
            lesion: lesion.into(),
            site_key: "site".into(),
            points,
        }
    }

    /// Every `<tag ...>` opened is closed (self-closing aside), in order: a cheap
    /// well-formedness check of the page's own markup (void elements listed).
    fn balanced(html: &str) -> bool {
        const VOID: [&str; 4] = ["meta", "br", "hr", "img"];
        let body = html.trim_start_matches("<!DOCTYPE html>");
        let mut stack: Vec<String> = Vec::new();
        let mut rest = body;
        // Skip the CSS (it holds `>` selectors but no tags).
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').unwrap();
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(close) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(close) {
                    return false;
                }
                if close == "style" {
                    continue;
                }
            } else if !tag.ends_with('/') {
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !VOID.contains(&name.as_str()) {
                    if name == "style" {
                        let end = rest.find("</style>").unwrap();
                        rest = &rest[end..];
                    }
                    stack.push(name);
                }
            }
        }
        stack.is_empty()
    }

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc(r#"a & b < c > d " e ' f"#),
            "a &amp; b &lt; c &gt; d &quot; e &#39; f"
        );
        let mut c = case(
            vec![study("P1", "2024-01-01"), study("P2", "2024-02-01")],
            vec![traj(
                "<script>alert('x')</script> & \"co\"",
                vec![point("P1", "2024-01-01", Some(3.0), None)],
            )],
        );
        c.patient_id = "<b>P&1</b>".into();
        c.current_status.text = "Mass <5 cm & \"stable\"".into();
        c.current_status.citations.push("<G:x>".into());
        let html = render(&c);
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
        );
        assert!(html.contains("&lt;b&gt;P&amp;1&lt;/b&gt;"));
        assert!(html.contains("Mass &lt;5 cm &amp; &quot;stable&quot;"));
        assert!(html.contains("[&lt;G:x&gt;]"));
        assert!(balanced(&html), "{html}");
    }

    #[test]
    fn numbers_print_like_rust_f32() {
        assert_eq!(num(13.3), "13.3");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(4.5), "4.5");
        assert_eq!(num(0.1 + 0.2), format!("{}", 0.1f32 + 0.2f32));
        assert_eq!(pct(-66.2), "-66.2%");
        assert_eq!(pct(12.0), "+12.0%");
        assert_eq!(pct(0.0), "+0.0%");
        assert_eq!(opt_num(None), NONE);
        let mut s = study("P2", "2024-02-01");
        s.hottest_suv_max = Some(2.0);
        s.changed.push(LesionChange {
            site: "right cervical nodes".into(),
            site_key: "cervical".into(),
            status: Status::Decreased,
            prior_suv_max: Some(13.3),
            current_suv_max: Some(4.5),
            change_pct: Some(-66.2),
            prior_size_mm: None,
            current_size_mm: None,
            prior_span: None,
            current_span: None,
            matched_by: None,
            counted: true,
        });
        let c = case(
            vec![study("P1", "2024-01-01"), s],
            vec![traj(
                "right cervical nodes",
                vec![
                    point("P1", "2024-01-01", Some(13.3), None),
                    point("P2", "2024-02-01", Some(4.5), Some(Status::Decreased)),
                ],
            )],
        );
        let html = render(&c);
        assert!(html.contains("data-suv=\"13.3\""));
        assert!(html.contains("data-suv=\"4.5\""));
        assert!(html.contains("right cervical nodes</span>: decreased 13.3 \u{2192} 4.5 SUVmax, <span class=\"pct\">-66.2%</span>"));
        assert!(html.contains("<td class=\"num\">2</td>"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(13.3, 5.0), 5.0);
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(40.0, 5.0), 10.0);
        assert_eq!(nice_step(12.0, 5.0), 2.5);
    }

    #[test]
    fn one_series_per_trajectory_in_order() {
        let ts: Vec<Trajectory> = (0..13)
            .map(|i| {
                traj(
                    &format!("lesion {i}"),
                    vec![
                        point("P1", "2024-01-01", Some(i as f32 + 0.5), None),
                        point("P2", "2024-03-01", None, Some(Status::Resolved)),
                    ],
                )
            })
            .collect();
        let html = render(&case(
            vec![study("P1", "2024-01-01"), study("P2", "2024-03-01")],
            ts,
        ));
        assert_eq!(html.matches("<g class=\"series\"").count(), 13);
        assert_eq!(html.matches("<circle class=\"point\"").count(), 13);
        assert_eq!(html.matches("<path class=\"resolved\"").count(), 13);
        assert_eq!(html.matches("<li data-lesion=").count(), 13);
        let order: Vec<usize> = (0..13)
            .map(|i| {
                html.find(&format!("data-lesion=\"lesion {i}\" data-site"))
                    .unwrap()
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        // Past the palette: dashed.
        assert!(html.contains("stroke-dasharray=\"7 4\""));
        assert!(balanced(&html));
    }

    #[test]
    fn zero_trajectories_is_a_sentence_not_a_chart() {
        let html = render(&case(vec![study("P1", "2024-01-01")], vec![]));
        assert!(!html.contains("<svg"));
        assert!(html.contains("class=\"no-chart"));
        assert_eq!(html.matches("<tr class=\"study\"").count(), 1);
        assert!(html.contains("No similar patient found."));
        assert!(balanced(&html));
    }

    #[test]
    fn empty_case_is_a_page() {
        let mut c = case(vec![], vec![]);
        c.diagnosis = None;
        c.current_status = CitedSentence {
            text: String::new(),
            citations: vec![],
        };
        let html = render(&c);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("No studies."));
        assert!(balanced(&html));
    }

    #[test]
    fn degenerate_series() {
        // One study, a single point, an all-null series, equal dates: finite coordinates.
        let c = case(
            vec![study("P1", "2024-01-01"), study("P2", "2024-01-01")],
            vec![
                traj("single", vec![point("P1", "2024-01-01", Some(7.0), None)]),
                traj(
                    "all null",
                    vec![
                        point("P1", "2024-01-01", None, None),
                        point("P2", "2024-01-01", None, Some(Status::NotDescribed)),
                    ],
                ),
                traj("empty", vec![]),
                traj("nan", vec![point("P2", "2024-01-01", Some(f32::NAN), None)]),
            ],
        );
        let html = render(&c);
        assert_eq!(html.matches("<g class=\"series\"").count(), 4);
        assert_eq!(html.matches("<circle class=\"point\"").count(), 1);
        assert!(!html.contains("NaN"));
        assert!(!html.contains("=\"inf") && !html.contains("=\"-inf"));
        // P1 and P2 share a date, hence a tick.
        assert!(html.contains(">P1, P2</text>"));
        assert!(balanced(&html));

        let c = case(
            vec![study("P1", "2024-01-01")],
            vec![traj(
                "all null",
                vec![point("P1", "2024-01-01", None, None)],
            )],
        );
        let html = render(&c);
        assert!(!html.contains("NaN"));
        assert_eq!(html.matches("<path class=\"resolved\"").count(), 1);
        assert!(balanced(&html));
    }

    #[test]
    fn crowded_ticks_take_more_rows() {
        let c = case(
            [
                "2024-01-01",
                "2024-01-05",
                "2024-01-09",
                "2024-06-01",
                "2024-12-01",
            ]
            .iter()
            .enumerate()
            .map(|(i, d)| study(&format!("P{}", i + 1), d))
            .collect(),
            vec![traj("x", vec![point("P1", "2024-01-01", Some(1.0), None)])],
        );
        let s = Scale {
            first: date("2024-01-01"),
            days: 335,
            y_lo: 0.0,
            y_hi: 1.0,
        };
        let rows: Vec<usize> = x_ticks(&c, &s).iter().map(|t| t.row).collect();
        assert_eq!(rows, [0, 1, 2, 0, 0]);
        let html = render(&c);
        // Three label rows: the chart is taller than with one.
        assert!(html.contains(&format!(
            "viewBox=\"0 0 {W} {}\"",
            AXIS_Y + 10.0 + 3.0 * ROW_H
        )));
    }

    #[test]
    fn header_and_similar() {
        let mut c = case(
            vec![study("P1", "2024-01-01"), study("P2", "2024-04-01")],
            vec![],
        );
        c.baseline = Some(BaselineStaging {
            report_id: "R-P1".into(),
            exam_date: date("2024-01-01"),
            system: Some("Lugano 2014".into()),
            stage: Some("IV".into()),
            tnm: None,
            guidelines: vec!["lugano2014-staging".into()],
            missing: vec![],
        });
        c.similar_patients = vec![
            SimilarPatient {
                patient_id: "Q-1".into(),
                report_id: "RQ-2".into(),
                exam_date: date("2023-05-01"),
                timepoint: Some("end_of_treatment".into()),
                cancer_type: Some("dlbcl".into()),
                score: 0.8125,
                next: Some(NextStudy {
                    report_id: "RQ-3".into(),
                    exam_date: date("2023-09-01"),
                    timepoint: Some("surveillance".into()),
                    response: Some("PMD".into()),
                    deauville: Some(5),
                    new_lesions: 2,
                }),
            },
            SimilarPatient {
                patient_id: "Q-2".into(),
                report_id: "RQ-9".into(),
                exam_date: date("2023-06-01"),
                timepoint: None,
                cancer_type: None,
                score: 0.5,
                next: None,
            },
        ];
        let html = render(&c);
        assert!(html.contains("Lugano 2014 stage IV"));
        assert!(html.contains("(P1, 2024-01-01)"));
        assert!(html.contains("[G:lugano2014-staging]"));
        assert!(html.contains("<a class=\"cite\" href=\"#study-P2\">[P2]</a>"));
        assert!(html.contains("<span class=\"cite\">[G:lugano2014-response-cmr]</span>"));
        assert!(html.contains("Lugano 2014 (Deauville five-point scale)"));
        assert_eq!(html.matches("<tr class=\"similar\"").count(), 2);
        assert!(html.contains(">0.8125<"));
        assert!(html.contains("title=\"progressive metabolic disease\">PMD</span>"));
        assert!(html.contains(">no later study<"));
        assert!(balanced(&html));
    }
}
