//! Small pieces of English for the signals: counts as words, dates as
//! people say them ("17 and 24 March"), percentages.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A count as a word up to twelve ("two"), in digits beyond.
pub(crate) fn count(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// The number a word or digits stand for, for reading triggers.
pub(crate) fn number(word: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    if !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    WORDS
        .iter()
        .position(|w| *w == word)
        .and_then(|n| u32::try_from(n).ok())
}

/// A fraction as a whole percentage ("38%"), rounded half away from zero
/// (0.625 is "63%"): every page and sentence shows rates through this.
pub fn percent(rate: f64) -> String {
    format!("{:.0}%", (rate * 100.0).round())
}

/// Joins items as a list: "a", "a and b", "a, b and c".
pub(crate) fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Check-in dates as people say them, in the agreement's zone: "17 and 24
/// March", "24 February, 3 and 10 March". More than four dates become
/// "since 3 February".
pub(crate) fn dates(tz: &TimeZone, ats: &[Timestamp]) -> String {
    let days: Vec<jiff::civil::Date> = ats.iter().map(|t| t.to_zoned(tz.clone()).date()).collect();
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return String::new();
    };
    let years = first.year() != last.year();
    let month = |d: &jiff::civil::Date| {
        if years {
            d.strftime("%B %Y").to_string()
        } else {
            d.strftime("%B").to_string()
        }
    };
    if days.len() > 4 {
        return format!("since {} {}", first.day(), month(first));
    }
    let parts: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let same_month_next = days
                .get(i + 1)
                .is_some_and(|n| (n.year(), n.month()) == (d.year(), d.month()));
            if same_month_next {
                d.day().to_string()
            } else {
                format!("{} {}", d.day(), month(d))
            }
        })
        .collect();
    list(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn dates_group_by_month_and_year() {
        let tz = TimeZone::get("Europe/Berlin").expect("zone");
        let d = |list: &[&str]| dates(&tz, &list.iter().map(|s| at(s)).collect::<Vec<_>>());
        assert_eq!(
            d(&["2027-03-17T07:00:00Z", "2027-03-24T07:00:00Z"]),
            "17 and 24 March"
        );
        assert_eq!(
            d(&[
                "2027-02-24T07:00:00Z",
                "2027-03-03T07:00:00Z",
                "2027-03-10T07:00:00Z"
            ]),
            "24 February, 3 and 10 March"
        );
        assert_eq!(
            d(&["2026-12-29T07:00:00Z", "2027-01-05T07:00:00Z"]),
            "29 December 2026 and 5 January 2027"
        );
        // 23:30 UTC is already the next day in Berlin.
        assert_eq!(d(&["2027-03-16T23:30:00Z"]), "17 March");
        let five: Vec<String> = (1..=5).map(|i| format!("2027-03-0{i}T07:00:00Z")).collect();
        let five: Vec<&str> = five.iter().map(String::as_str).collect();
        assert_eq!(d(&five), "since 1 March");
    }

    #[test]
    fn counts_and_numbers() {
        assert_eq!(count(2), "two");
        assert_eq!(count(13), "13");
        assert_eq!(number("two"), Some(2));
        assert_eq!(number("4"), Some(4));
        assert_eq!(number("4444"), None);
        assert_eq!(number("x"), None);
        assert_eq!(percent(0.375), "38%");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
