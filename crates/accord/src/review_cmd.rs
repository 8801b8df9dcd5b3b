//! `accord review`: the findings, for people or as the JSON contract.

use std::process::ExitCode;

use accord_core::review::{FindingKind, Section};
use accord_core::{Agreement, Finding, Review, Severity, review};

use crate::cli::{FileArgs, Format, today_or};
use crate::input::read_agreement;
use crate::output::{self, DIM, FLAG, GOOD, HEADING, HIGH, LOW, MEDIUM, paint, wrap};

pub fn run(args: FileArgs) -> anyhow::Result<ExitCode> {
    let agreement = read_agreement(&args.file)?;
    let review = review(&agreement, today_or(args.today));
    let text = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&review)?),
        Format::Human => human(&agreement, &review),
    };
    output::print(&text)?;
    Ok(ExitCode::from(if review.has_high() { 1 } else { 0 }))
}

/// The review for reading aloud: sections with the most severe findings
/// first, most severe first within each, and a one-line summary.
pub fn human(a: &Agreement, review: &Review) -> String {
    let mut out = String::new();
    let title = a.title.as_deref().unwrap_or("Untitled agreement");
    let names: Vec<&str> = a.parties.iter().map(|p| p.name.as_str()).collect();
    out.push_str(&paint(
        HEADING,
        &format!("Review of \u{201c}{title}\u{201d}"),
    ));
    out.push('\n');
    out.push_str(&paint(
        DIM,
        &format!("{} \u{b7} scenario: {}", names.join(" and "), a.scenario()),
    ));
    out.push_str("\n\n");

    let mut sections: Vec<(Section, Vec<&Finding>)> = Section::ALL
        .iter()
        .map(|s| {
            (
                *s,
                review
                    .findings
                    .iter()
                    .filter(|f| f.section == *s)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, f)| !f.is_empty())
        .collect();
    // Most severe section first; the editor's order breaks ties.
    sections.sort_by_key(|(s, f)| (std::cmp::Reverse(f.iter().map(|f| f.severity).max()), *s));
    for (section, findings) in sections {
        out.push_str(&paint(HEADING, section.title()));
        out.push('\n');
        for f in findings {
            out.push_str(&finding(a, f));
        }
        out.push('\n');
    }
    out.push_str(&summary(review));
    out.push('\n');
    out
}

fn finding(a: &Agreement, f: &Finding) -> String {
    let (label, style) = match (f.kind, f.severity) {
        (FindingKind::RedFlag, _) => ("RED FLAG", FLAG),
        (_, Severity::High) => ("HIGH", HIGH),
        (_, Severity::Medium) => ("MEDIUM", MEDIUM),
        (_, Severity::Low) => ("LOW", LOW),
    };
    let who = f
        .party
        .as_ref()
        .map_or(String::new(), |p| format!(" \u{b7} {}", a.name_of(p)));
    let head = format!(
        "  {} {}\n",
        paint(style, &format!("{label:<8}")),
        paint(DIM, &format!("{}{who}", f.rule))
    );
    let message = wrap("             ", 13, &f.message);
    let suggestion = wrap(
        &format!("           {} ", paint(GOOD, "\u{2192}")),
        13,
        &f.suggestion,
    );
    format!("{head}{message}\n{suggestion}\n")
}

fn summary(review: &Review) -> String {
    let s = review.summary;
    if review.findings.is_empty() {
        return paint(
            GOOD,
            "No findings: the agreement covers everything the review checks. Ready to sign.",
        );
    }
    let counts = format!("{} high, {} medium, {} low", s.high, s.medium, s.low);
    if s.high > 0 {
        format!(
            "{}: not ready to sign yet; start with the high findings.",
            paint(HIGH, &counts)
        )
    } else {
        format!(
            "{}: no high findings; talk the rest through, then sign.",
            paint(GOOD, &counts)
        )
    }
}
