//! Reading a proposed pause, and the dates of pauses in words.
//!
//! A pause runs from its first to its last day, inclusive, in the
//! agreement's zone, written `YYYY-MM-DD`. It may last at most
//! [`MAX_WEEKS`] weeks (a longer break is a reason to recalibrate the
//! agreement, not to pause it), and may not be over already.

use std::collections::BTreeMap;

use accord_core::checkin::MAX_TEXT;
use jiff::ToSpan;
use jiff::civil::Date;

/// The longest pause, in weeks.
pub const MAX_WEEKS: i64 = 26;

/// A pause proposed in the form, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The first day paused.
    pub first: Date,
    /// The last day paused.
    pub last: Date,
    /// Why, trimmed.
    pub reason: String,
}

/// Messages by input name (`first_day`, `last_day`, `reason`).
pub type Errors = BTreeMap<&'static str, String>;

/// Reads a day written `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    accord_core::model::Date::parse(text.trim())
        .ok()
        .map(accord_core::model::Date::get)
}

/// Checks a proposal made on `today` (in the agreement's zone): every
/// problem, each under its input.
pub fn check(first: &str, last: &str, reason: &str, today: Date) -> Result<Proposal, Errors> {
    let mut errors = Errors::new();
    let example = today.checked_add(7.days()).unwrap_or(today);
    let first_day = parse_day(first);
    let last_day = parse_day(last);
    if first_day.is_none() {
        errors.insert(
            "first_day",
            if first.trim().is_empty() {
                format!("Give the first day of the pause, e.g. {example}.")
            } else {
                format!("Write the first day as YYYY-MM-DD, e.g. {example}.")
            },
        );
    }
    if last_day.is_none() {
        errors.insert(
            "last_day",
            if last.trim().is_empty() {
                format!("Give the last day of the pause, e.g. {example}.")
            } else {
                format!("Write the last day as YYYY-MM-DD, e.g. {example}.")
            },
        );
    }
    if let (Some(f), Some(l)) = (first_day, last_day) {
        if l < f {
            errors.insert(
                "last_day",
                format!(
                    "The last day comes before the first day ({f}): swap them, or pick another day."
                ),
            );
        } else if f
            .checked_add((MAX_WEEKS * 7).days())
            .is_ok_and(|limit| l >= limit)
        {
            errors.insert(
                "last_day",
                format!(
                    "A pause can last at most {MAX_WEEKS} weeks. For a longer break, recalibrate the agreement together instead."
                ),
            );
        } else if l < today {
            errors.insert(
                "last_day",
                format!(
                    "This pause would be over already (today is {today}): a pause is for days to come."
                ),
            );
        }
    }
    let reason = reason.trim();
    if reason.is_empty() {
        errors.insert(
            "reason",
            "Say why, in a few words: your partner agrees to it knowing why.".into(),
        );
    } else if reason.chars().count() > MAX_TEXT {
        errors.insert(
            "reason",
            format!("Keep the reason under {MAX_TEXT} characters."),
        );
    }
    match (first_day, last_day) {
        (Some(first), Some(last)) if errors.is_empty() => Ok(Proposal {
            first,
            last,
            reason: reason.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// A day in words: "Wednesday 1 July 2026".
pub fn day(date: Date) -> String {
    date.strftime("%A %-d %B %Y").to_string()
}

/// A pause's days in words ("from Wednesday 1 July 2026 to Friday 3 July
/// 2026", or "on Wednesday 1 July 2026"); stored text that does not read
/// as dates is shown as it is.
pub fn span(first: &str, last: &str) -> String {
    match (parse_day(first), parse_day(last)) {
        (Some(f), Some(l)) if f == l => format!("on {}", day(f)),
        (Some(f), Some(l)) => format!("from {} to {}", day(f), day(l)),
        _ => format!("from {first} to {last}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn today() -> Date {
        "2026-03-02".parse().unwrap()
    }

    #[test]
    fn a_good_proposal_is_read() {
        let p = check(" 2026-03-10", "2026-03-20 ", " Holiday ", today()).unwrap();
        assert_eq!(p.first.to_string(), "2026-03-10");
        assert_eq!(p.last.to_string(), "2026-03-20");
        assert_eq!(p.reason, "Holiday");
        // Started already but not over: fine.
        assert!(check("2026-02-20", "2026-03-02", "Ill", today()).is_ok());
        // Exactly 26 weeks.
        assert!(check("2026-03-02", "2026-08-30", "Leave", today()).is_ok());
    }

    #[test]
    fn every_problem_is_under_its_input() {
        let e = check("tomorrow", "", "", today()).unwrap_err();
        assert!(e["first_day"].contains("YYYY-MM-DD"), "{e:?}");
        assert!(e["last_day"].contains("last day"), "{e:?}");
        assert!(e["reason"].contains("why"), "{e:?}");
        let e = check("2026-02-30", "2026-03-05", "x", today()).unwrap_err();
        assert!(e.contains_key("first_day"), "{e:?}");
    }

    #[test]
    fn order_length_and_the_past_are_checked() {
        let e = check("2026-03-10", "2026-03-09", "x", today()).unwrap_err();
        assert!(e["last_day"].contains("before the first day"), "{e:?}");
        let e = check("2026-03-02", "2026-08-31", "x", today()).unwrap_err();
        assert!(e["last_day"].contains("26 weeks"), "{e:?}");
        let e = check("2026-02-01", "2026-03-01", "x", today()).unwrap_err();
        assert!(e["last_day"].contains("over already"), "{e:?}");
    }

    #[test]
    fn spans_read_well() {
        assert_eq!(
            span("2026-07-01", "2026-07-03"),
            "from Wednesday 1 July 2026 to Friday 3 July 2026"
        );
        assert_eq!(span("2026-07-01", "2026-07-01"), "on Wednesday 1 July 2026");
    }
}
