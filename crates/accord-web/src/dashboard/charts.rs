//! The dashboard's charts, drawn on the server as SVG with plotters (no
//! JavaScript, nothing to download), each with a text alternative: the SVG
//! carries a `<title>` and `<desc>` for screen readers, and the page shows
//! the same sentence and a table of the numbers beside it.
//!
//! Dates on the axes are days in the agreement's time zone, so a check-in
//! at 08:00 Berlin sits on its Tuesday whatever the offset that week.

use accord_core::metrics::{GoalSeries, WellbeingSeries};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use plotters::prelude::*;

/// A chart, ready for the page.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The element id (for the SVG's labels).
    pub id: String,
    /// What it shows, as a heading.
    pub title: String,
    /// The text alternative: what a reader should take from it.
    pub summary: String,
    /// The SVG element.
    pub svg: String,
    /// The numbers: column headings, then rows.
    pub head: Vec<String>,
    /// One row per date.
    pub rows: Vec<Vec<String>>,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;
/// Colour-blind-safe colours (Okabe–Ito), one per line.
const COLOURS: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];
const GREY: RGBColor = RGBColor(110, 110, 110);

/// One line to draw.
struct Line {
    name: String,
    points: Vec<(f64, f64)>,
}

/// What a chart draws besides its lines.
struct Plan<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    lines: Vec<Line>,
    /// Expected values by a date (diamonds, dashed between them).
    milestones: Vec<(f64, f64)>,
    /// A horizontal target line.
    target: Option<f64>,
    /// The y range, when fixed (well-being is always 1 to 5).
    y: Option<(f64, f64)>,
}

fn ms(at: Timestamp) -> f64 {
    at.as_millisecond() as f64
}

fn day_label(x: f64, zone: &TimeZone) -> String {
    Timestamp::from_millisecond(x as i64)
        .map(|t| t.to_zoned(zone.clone()).strftime("%-d %b").to_string())
        .unwrap_or_default()
}

fn day_long(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%-d %B %Y").to_string()
}

fn noon(date: jiff::civil::Date, zone: &TimeZone) -> Option<Timestamp> {
    date.at(12, 0, 0, 0)
        .to_zoned(zone.clone())
        .ok()
        .map(|z| z.timestamp())
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

/// XML text escaping for the title and description.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws `plan` and labels the SVG for assistive technology.
fn draw(plan: &Plan<'_>, zone: &TimeZone) -> Result<String, String> {
    let xs = plan
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .chain(plan.milestones.iter().map(|m| m.0));
    let (mut x0, mut x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if x0 > x1 {
        return Err("nothing to draw".into());
    }
    // A single date gets a week either side so that it is not on the edge.
    let day = 86_400_000.0;
    if x1 - x0 < day {
        x0 -= 7.0 * day;
        x1 += 7.0 * day;
    }
    let pad = (x1 - x0) * 0.03;
    let (x0, x1) = (x0 - pad, x1 + pad);
    let (y0, y1) = plan.y.unwrap_or_else(|| {
        let ys = plan
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .chain(plan.milestones.iter().map(|m| m.1))
            .chain(plan.target);
        let (lo, hi) = ys.fold((0.0f64, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let hi = if hi <= lo { lo + 1.0 } else { hi };
        (lo, hi + (hi - lo) * 0.1)
    });

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| e.to_string())?;
        let label = |x: &f64| day_label(*x, zone);
        let value = |y: &f64| number(*y);
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(if plan.y.is_some() { 5 } else { 6 })
            .x_label_formatter(&label)
            .y_label_formatter(&value)
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(215, 215, 215))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        if let Some(t) = plan.target {
            chart
                .draw_series(DashedLineSeries::new(
                    [(x0, t), (x1, t)],
                    6,
                    4,
                    GREY.stroke_width(1),
                ))
                .map_err(|e| e.to_string())?
                .label(format!("target {}", number(t)))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], GREY));
        }
        if !plan.milestones.is_empty() {
            chart
                .draw_series(plan.milestones.iter().map(|&(x, y)| {
                    EmptyElement::at((x, y))
                        + Polygon::new([(0, -6), (6, 0), (0, 6), (-6, 0)], GREY.mix(0.9).filled())
                }))
                .map_err(|e| e.to_string())?
                .label("milestones")
                .legend(|(x, y)| {
                    Polygon::new(
                        [(x + 8, y - 5), (x + 13, y), (x + 8, y + 5), (x + 3, y)],
                        GREY.filled(),
                    )
                });
        }
        for (i, line) in plan.lines.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?
                .label(line.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            chart
                .draw_series(
                    line.points
                        .iter()
                        .map(|&p| Circle::new(p, 3, colour.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(labelled(&svg, plan))
}

/// Adds `role="img"`, a `<title>` and a `<desc>` to the SVG's root.
fn labelled(svg: &str, plan: &Plan<'_>) -> String {
    let Some(open_end) = svg.find('>') else {
        return svg.to_owned();
    };
    let (open, rest) = svg.split_at(open_end);
    let id = plan.id;
    format!(
        "{open} role=\"img\" class=\"chart\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        escape(plan.title),
        escape(plan.summary),
        &rest[1..]
    )
}

/// A goal's indicator over time, against its milestones and target.
/// `None` when the goal has no indicator or nothing to draw yet.
pub fn goal(series: &GoalSeries, id: &str, zone: &TimeZone) -> Option<Chart> {
    let indicator = series.indicator.clone()?;
    let unit = series.unit.clone().unwrap_or_default();
    let with_unit = |v: f64| {
        if unit.is_empty() {
            number(v)
        } else {
            format!("{} {unit}", number(v))
        }
    };
    let points: Vec<(f64, f64)> = series
        .points
        .iter()
        .map(|p| (ms(p.at), p.value.get()))
        .collect();
    let milestones: Vec<(f64, f64)> = series
        .milestones
        .iter()
        .filter_map(|m| Some((ms(noon(m.date.get(), zone)?), m.value.get())))
        .collect();
    if points.is_empty() && milestones.is_empty() {
        return None;
    }
    let target = series.target.map(|t| t.get());
    let title = format!("{}: {indicator}", series.outcome);
    let mut summary = match (series.points.first(), series.points.last()) {
        (Some(first), Some(last)) => format!(
            "{} {} recorded from {} to {}; the latest is {}.",
            series.points.len(),
            if series.points.len() == 1 {
                "value"
            } else {
                "values"
            },
            day_long(first.at, zone),
            day_long(last.at, zone),
            with_unit(last.value.get()),
        ),
        _ => "No value recorded yet.".to_owned(),
    };
    if let Some(t) = target {
        summary.push_str(&format!(" The target is {}", with_unit(t)));
        match series.due {
            Some(d) => summary.push_str(&format!(" by {}.", d.get().strftime("%-d %B %Y"))),
            None => summary.push('.'),
        }
    }
    if let Some(m) = series.milestones.first() {
        summary.push_str(&format!(
            " {} {} planned, the first {} by {}.",
            series.milestones.len(),
            if series.milestones.len() == 1 {
                "milestone is"
            } else {
                "milestones are"
            },
            with_unit(m.value.get()),
            m.date.get().strftime("%-d %B %Y")
        ));
    }
    let plan = Plan {
        id,
        title: &title,
        summary: &summary,
        lines: vec![Line {
            name: indicator.clone(),
            points,
        }],
        milestones,
        target,
        y: None,
    };
    let svg = draw(&plan, zone).ok()?;
    let rows = series
        .points
        .iter()
        .map(|p| vec![day_long(p.at, zone), with_unit(p.value.get())])
        .collect();
    Some(Chart {
        id: id.to_owned(),
        title,
        summary,
        svg,
        head: vec!["Check-in".into(), indicator],
        rows,
    })
}

/// A partner's well-being scores over time, one line per tracked score.
/// `None` before any score was recorded.
pub fn wellbeing(
    name: &str,
    series: &[WellbeingSeries],
    id: &str,
    zone: &TimeZone,
) -> Option<Chart> {
    let drawn: Vec<&WellbeingSeries> = series.iter().filter(|s| !s.points.is_empty()).collect();
    if drawn.is_empty() {
        return None;
    }
    let word = |s: &WellbeingSeries| s.indicator.as_str().to_owned();
    let lines = drawn
        .iter()
        .map(|s| Line {
            name: format!(
                "{} ({} is better)",
                word(s),
                if s.high_is_bad { "lower" } else { "higher" }
            ),
            points: s
                .points
                .iter()
                .map(|p| (ms(p.at), f64::from(p.value)))
                .collect(),
        })
        .collect();
    let title = format!("{name}'s well-being");
    let latest: Vec<String> = drawn
        .iter()
        .filter_map(|s| {
            let last = s.points.last()?;
            let trend = match s.points.len().checked_sub(2).and_then(|i| s.points.get(i)) {
                Some(prev) if prev.value < last.value => ", up",
                Some(prev) if prev.value > last.value => ", down",
                Some(_) => ", unchanged",
                None => "",
            };
            Some(format!("{} {}/5{trend}", word(s), last.value))
        })
        .collect();
    let summary = format!(
        "Scores from 1 to 5 at each check-in. Latest: {}.",
        latest.join("; ")
    );
    let plan = Plan {
        id,
        title: &title,
        summary: &summary,
        lines,
        milestones: Vec::new(),
        target: None,
        y: Some((0.5, 5.5)),
    };
    let svg = draw(&plan, zone).ok()?;
    // The table: one row per check-in that has any score.
    let mut dates: Vec<Timestamp> = drawn
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.at))
        .collect();
    dates.sort();
    dates.dedup();
    let rows = dates
        .iter()
        .map(|at| {
            let mut row = vec![day_long(*at, zone)];
            for s in &drawn {
                row.push(
                    s.points
                        .iter()
                        .find(|p| p.at == *at)
                        .map_or_else(|| "–".to_owned(), |p| p.value.to_string()),
                );
            }
            row
        })
        .collect();
    let mut head = vec!["Check-in".to_owned()];
    head.extend(drawn.iter().map(|s| word(s)));
    Some(Chart {
        id: id.to_owned(),
        title,
        summary,
        svg,
        head,
        rows,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use accord_core::metrics::Point;
    use accord_core::model::{Milestone, Number, WellbeingIndicator};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn series() -> GoalSeries {
        let n = |v: f64| Number::parse(v).unwrap();
        GoalSeries {
            goal: 0,
            outcome: "Hold one-to-ones".into(),
            indicator: Some("one-to-ones held".into()),
            unit: Some("meetings".into()),
            baseline: None,
            target: Some(n(8.0)),
            due: None,
            milestones: vec![Milestone {
                date: accord_core::model::Date::parse("2026-04-15").unwrap(),
                value: n(4.0),
            }],
            points: vec![
                Point {
                    at: at("2026-03-03T07:00:00Z"),
                    value: n(2.0),
                },
                Point {
                    at: at("2026-03-31T06:00:00Z"),
                    value: n(5.0),
                },
            ],
        }
    }

    #[test]
    fn a_goal_chart_is_labelled_svg_with_its_numbers() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let chart = goal(&series(), "goal-0", &zone).unwrap();
        assert!(chart.svg.starts_with("<svg"), "{}", chart.svg);
        assert!(chart.svg.contains("role=\"img\""));
        assert!(
            chart
                .svg
                .contains("<title id=\"goal-0-title\">Hold one-to-ones: one-to-ones held</title>")
        );
        assert!(chart.svg.contains("<desc id=\"goal-0-desc\">2 values recorded from 3 March 2026 to 31 March 2026; the latest is 5 meetings. The target is 8 meetings."));
        assert!(chart.svg.contains("<polyline") || chart.svg.contains("<path"));
        assert!(chart.svg.contains("3 Mar"), "a day on the axis");
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[1], ["31 March 2026", "5 meetings"]);
        assert!(chart.svg.len() < 20_000, "{} bytes", chart.svg.len());
    }

    #[test]
    fn well_being_says_which_way_is_better_and_the_trend() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let s = vec![WellbeingSeries {
            indicator: WellbeingIndicator::Stress,
            high_is_bad: true,
            points: vec![
                Point {
                    at: at("2026-03-03T07:00:00Z"),
                    value: 2,
                },
                Point {
                    at: at("2026-03-10T07:00:00Z"),
                    value: 4,
                },
            ],
        }];
        let chart = wellbeing("Maya", &s, "wb-maya", &zone).unwrap();
        assert!(chart.svg.contains("stress (lower is better)"));
        assert_eq!(
            chart.summary,
            "Scores from 1 to 5 at each check-in. Latest: stress 4/5, up."
        );
        assert!(wellbeing("Maya", &[], "x", &zone).is_none());
    }

    #[test]
    fn text_is_escaped() {
        let zone = TimeZone::get("UTC").unwrap();
        let mut s = series();
        s.outcome = "<script>&".into();
        let chart = goal(&s, "g", &zone).unwrap();
        assert!(chart.svg.contains("&lt;script&gt;&amp;"));
        assert!(!chart.svg.contains("<script>"));
    }
}
