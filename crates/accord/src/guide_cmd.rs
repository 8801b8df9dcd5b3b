//! `accord guide`: the coach's plan for the conversation.

use std::process::ExitCode;

use accord_core::guide::Guide;
use accord_core::{Review, guide, review};

use crate::cli::{FileArgs, Format, today_or};
use crate::input::read_agreement;
use crate::output::{self, DIM, FLAG, HEADING, HIGH, paint, wrap};

pub fn run(args: FileArgs) -> anyhow::Result<ExitCode> {
    let agreement = read_agreement(&args.file)?;
    let review = review(&agreement, today_or(args.today));
    let guide = guide(&agreement, &review.findings);
    let text = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&guide)?),
        Format::Human => human(&guide, &review),
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn human(g: &Guide, review: &Review) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        out.push_str(&paint(HEADING, text));
        out.push('\n');
    };
    heading(
        &mut out,
        &format!("Coach's guide \u{b7} scenario: {}", g.scenario),
    );
    out.push('\n');
    heading(&mut out, "How to frame it");
    for line in &g.framing {
        out.push_str(&wrap("  \u{2022} ", 4, line));
        out.push('\n');
    }
    out.push('\n');
    heading(&mut out, "Watch most closely");
    for rule in &g.watch {
        let found = review.findings.iter().filter(|f| f.rule == *rule).count();
        let note = match found {
            0 => paint(DIM, "not in this draft"),
            1 => paint(HIGH, "found in this draft"),
            n => paint(HIGH, &format!("found {n} times in this draft")),
        };
        out.push_str(&format!("  {:<31} {note}\n", rule.id()));
    }
    out.push('\n');
    heading(&mut out, "Debrief, in this order");
    for (i, step) in g.debrief.iter().enumerate() {
        let findings = if step.findings.is_empty() {
            paint(DIM, "no findings")
        } else {
            let ids: Vec<&str> = step.findings.iter().map(|r| r.id()).collect();
            paint(HIGH, &ids.join(", "))
        };
        out.push_str(&format!(
            "  {}. {} \u{b7} {findings}\n",
            i + 1,
            step.topic.as_str()
        ));
        out.push_str(&wrap("     ", 5, &step.prompt));
        out.push('\n');
    }
    out.push('\n');
    heading(&mut out, "Red flags");
    if g.red_flags.is_empty() {
        out.push_str(&paint(DIM, "  None in this draft.\n"));
    }
    for flag in &g.red_flags {
        out.push_str(&format!("  {}\n", paint(FLAG, flag.rule.id())));
        out.push_str(&wrap("     ", 5, &flag.prompt));
        out.push('\n');
    }
    out
}
