//! Property tests of the file formats.
//!
//! - No input panics: arbitrary text and bytes, and mutations of the example
//!   files, give `Ok` or an `Err` with positioned diagnostics that point into
//!   the input.
//! - Round trip without loss: arbitrary valid agreements survive
//!   `to_toml` → `parse_toml` and `to_json` → `from_json` unchanged, and
//!   writing TOML is stable.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use accord_core::model::{
    Agenda, Agreement, Attempt, Boundary, Cadence, CheckinFormat, Coach, CommitmentLevel,
    Consequence, Date, Facilitation, Goal, GroundRules, HistoryCause, Hours, IntervalWeeks,
    Milestone, Minutes, MissCount, Number, Observable, Party, PartyId, Rating, Recalibration,
    Relationship, RelationshipKind, ReminderTime, Scenario, TimeOfDay, TimeZoneName, WeekCount,
    Weekday, Wellbeing, WellbeingIndicator,
};
use accord_core::{ParseError, from_json, parse_toml, parse_toml_bytes, to_json, to_toml};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const EXAMPLES: [&str; 3] = [
    "draft-tried-before.toml",
    "solid-parallel-transitions.toml",
    "solo-worker.toml",
];

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 1-based line and column, in characters, of a byte offset of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// What every error must satisfy: at least one diagnostic, and every
/// location 1-based with a span inside an input of `len` bytes.
fn check_error(err: &ParseError, len: usize) -> Result<(), TestCaseError> {
    prop_assert!(!err.diagnostics.is_empty(), "an error without diagnostics");
    for d in &err.diagnostics {
        prop_assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
        if let Some(loc) = &d.location {
            prop_assert!(loc.line >= 1 && loc.column >= 1, "{d:?}");
            prop_assert!(loc.span.start <= loc.span.end, "{d:?}");
            prop_assert!(loc.span.end <= len, "span beyond {len} bytes: {d:?}");
        }
    }
    Ok(())
}

/// For TOML text (without a byte-order mark) the span is a slice of the input
/// and the line and column are where that slice starts.
fn check_toml(text: &str, result: &Result<Agreement, ParseError>) -> Result<(), TestCaseError> {
    let Err(err) = result else { return Ok(()) };
    check_error(err, text.len())?;
    for d in &err.diagnostics {
        let loc = d
            .location
            .as_ref()
            .expect("TOML diagnostics have a location");
        prop_assert!(
            text.get(loc.span.clone()).is_some(),
            "span not on char boundaries: {d:?}"
        );
        prop_assert_eq!(
            line_column(text, loc.span.start),
            (loc.line, loc.column),
            "{:?}",
            d
        );
    }
    let starts: Vec<usize> = err
        .diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.span.start))
        .collect();
    prop_assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "not sorted: {err:?}"
    );
    Ok(())
}

fn check_json(text: &str) -> Result<(), TestCaseError> {
    if let Err(err) = from_json(text) {
        check_error(&err, text.len())?;
    }
    Ok(())
}

/// `cases` cases, and no regression files written next to the tests.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

// ---------------------------------------------------------------- no panics

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_toml(&text, &parse_toml(&text))?;
        check_json(&text)?;
    }

    #[test]
    fn toml_like_text_never_panics(
        text in "[a-z_ =\\[\\]{}\"'#.,0-9\n\té-]{0,200}",
        prefix in select(vec!["", "format = 1\n", "format = 1\n[[party]]\n"]),
    ) {
        let text = format!("{prefix}{text}");
        check_toml(&text, &parse_toml(&text))?;
    }

    #[test]
    fn json_like_text_never_panics(text in "[{}\\[\\]\":,0-9a-z é\n-]{0,200}") {
        check_json(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Err(err) = parse_toml_bytes(&bytes) {
            check_error(&err, bytes.len())?;
        }
    }
}

/// A change to an example file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Delete the bytes between two fractions of the length.
    Delete(f64, f64),
    /// Insert text at a fraction of the length.
    Insert(f64, String),
    /// Repeat one line (by fraction of the line count).
    DuplicateLine(f64),
    /// Swap two lines.
    SwapLines(f64, f64),
    /// Replace what follows the n-th ` = ` up to the end of its line.
    ReplaceValue(f64, String),
}

/// Values to put where another was: wrong types, out of range, bad words.
const VALUE_TOKENS: &str = r#""x"|""|"  "|0|-1|11|6|1.5|-0.0|nan|inf|true|[]|{}|[""]|[1, 2]|2027-02-30|2027-01-15T08:00:00Z|"2027-13-01"|"rotating"|"Mars/Olympus"|"25:00"|"8am"|"someday 10:00"|"Maya"|"ana"|"zed"|99999999999999999999|{ a = 1 }|'''x'''"#;

fn value_token() -> impl Strategy<Value = String> {
    prop_oneof![
        select(VALUE_TOKENS.split('|').collect::<Vec<_>>()).prop_map(str::to_owned),
        "[ -~é日😀]{0,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let frac = || 0.0..1.0f64;
    prop_oneof![
        (frac(), frac()).prop_map(|(a, b)| Mutation::Delete(a.min(b), a.max(b))),
        (frac(), "[ -~\n\té日😀\u{0}\u{feff}]{1,8}").prop_map(|(a, s)| Mutation::Insert(a, s)),
        frac().prop_map(Mutation::DuplicateLine),
        (frac(), frac()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (frac(), value_token()).prop_map(|(a, s)| Mutation::ReplaceValue(a, s)),
    ]
}

/// The char boundary at or before a fraction of `text`.
fn boundary_at(text: &str, frac: f64) -> usize {
    let mut i = (text.len() as f64 * frac) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn pick(len: usize, frac: f64) -> usize {
    ((len as f64 * frac) as usize).min(len.saturating_sub(1))
}

fn apply(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Delete(a, b) => {
            let (a, b) = (boundary_at(text, *a), boundary_at(text, *b));
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Insert(a, s) => {
            let a = boundary_at(text, *a);
            format!("{}{s}{}", &text[..a], &text[a..])
        }
        Mutation::DuplicateLine(a) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let i = pick(lines.len(), *a);
            if let Some(line) = lines.get(i).copied() {
                lines.insert(i, line);
            }
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let (i, j) = (pick(lines.len(), *a), pick(lines.len(), *b));
            lines.swap(i, j);
            lines.join("\n")
        }
        Mutation::ReplaceValue(a, s) => {
            let starts: Vec<usize> = text.match_indices(" = ").map(|(i, _)| i + 3).collect();
            let Some(&start) = starts.get(pick(starts.len(), *a)) else {
                return text.to_owned();
            };
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            format!("{}{s}{}", &text[..start], &text[end..])
        }
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn mutated_examples_never_panic(
        name in select(EXAMPLES.to_vec()),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut text = example(name);
        for m in &mutations {
            text = apply(&text, m);
        }
        // A byte-order mark is only allowed at the very start.
        let text = text.trim_start_matches('\u{feff}');
        check_toml(text, &parse_toml(text))?;
        check_json(text)?;
    }
}

// --------------------------------------------------------------- round trip

/// `build!(T { field: strategy, … })`: a strategy of `T`, one strategy per
/// field (at most twelve; a second `{ … }` group takes the rest).
macro_rules! build {
    ($ty:ident { $($f:ident: $s:expr),* $(,)? }) => {
        ($($s,)*).prop_map(|($($f,)*)| $ty { $($f),* }).boxed()
    };
    ($ty:ident { $($f:ident: $s:expr),* $(,)? } { $($g:ident: $t:expr),* $(,)? }) => {
        (($($s,)*), ($($t,)*))
            .prop_map(|(($($f,)*), ($($g,)*))| $ty { $($f,)* $($g),* })
            .boxed()
    };
}

/// A bounded integer type's whole range, through its `parse`.
macro_rules! bounded {
    ($ty:ident) => {
        ($ty::MIN..=$ty::MAX).prop_map(|n| $ty::parse(n.into()).unwrap())
    };
}

/// Text that is never blank, with quotes, backslashes, line breaks, TOML
/// syntax, control characters and non-ASCII text in it.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z0-9 .,!?'\"\\\\#=\\[\\]{}\n\t\r$%-]{0,30}",
        2 => "[a-zé日本語😀ß\u{301}\u{200b}\"'\\\\ \n]{0,20}",
        1 => any::<String>(),
        1 => select(vec!["\"\"\"", "'''", "a\\", "\\u0041", "\r\n", "x\"", "'", "\"", "#"])
            .prop_map(str::to_owned),
    ]
    .prop_map(|s| format!("{s}z"))
    .boxed()
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn texts() -> BoxedStrategy<Vec<String>> {
    proptest::collection::vec(text(), 0..3).boxed()
}

fn party_id() -> BoxedStrategy<PartyId> {
    "[a-z0-9-]{1,10}"
        .prop_filter_map("rotating", |s| PartyId::parse(&s).ok())
        .boxed()
}

const SPECIAL_NUMBERS: [f64; 7] = [
    -0.0,
    0.1,
    -2.5,
    1e300,
    -1e-300,
    5e-324,
    9.007_199_254_740_993e15,
];

/// Any finite number: whole, fractions, negatives, extremes.
fn number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i32>().prop_map(f64::from),
        (any::<i32>(), 1..=1000i32).prop_map(|(n, d)| f64::from(n) / f64::from(d)),
        -1.0e6..1.0e6f64,
        any::<f64>(),
        select(SPECIAL_NUMBERS.to_vec()),
    ]
    .prop_filter_map("finite", |f| Number::parse(f).ok())
    .boxed()
}

fn date() -> BoxedStrategy<Date> {
    let year = prop_oneof![0..=9999u32, 1990..=2100u32];
    (year, 1..=12u32, 1..=31u32)
        .prop_filter_map("real date", |(y, m, d)| {
            Date::parse(&format!("{y:04}-{m:02}-{d:02}")).ok()
        })
        .boxed()
}

fn time() -> BoxedStrategy<TimeOfDay> {
    (0..24u32, 0..60u32, any::<bool>())
        .prop_map(|(h, m, pad)| {
            let s = if pad {
                format!("{h:02}:{m:02}")
            } else {
                format!("{h}:{m:02}")
            };
            TimeOfDay::parse(&s).unwrap()
        })
        .boxed()
}

fn reminder() -> BoxedStrategy<ReminderTime> {
    let list = subsequence(Weekday::ALL.to_vec(), 1..=7).prop_shuffle();
    let days = prop_oneof![
        select(vec!["", "daily ", "weekdays ", "weekends "]).prop_map(str::to_owned),
        list.prop_map(|d| {
            let words: Vec<&str> = d.iter().map(|w| w.as_str()).collect();
            format!("{} ", words.join(","))
        }),
    ];
    (days, time())
        .prop_map(|(d, t)| ReminderTime::parse(&format!("{d}{t}")).unwrap())
        .boxed()
}

const ZONES: [&str; 6] = [
    "Europe/Berlin",
    "America/New_York",
    "UTC",
    "Asia/Kolkata",
    "Etc/GMT+5",
    "Australia/Lord_Howe",
];

fn party(id: PartyId) -> BoxedStrategy<Party> {
    let hours = prop_oneof![0.0..=168.0f64, select(vec![0.0, 1.5, 168.0])];
    build!(Party {
        id: Just(id),
        name: text(),
        email: opt("[a-z0-9._+-]{1,8}@[a-z0-9-]{1,8}\\.[a-z]{2,4}"),
        organization: opt(text()),
        commitment_level: opt(bounded!(CommitmentLevel)),
        hours_per_week: opt(hours.prop_map(|h| Hours::parse(h).unwrap())),
        relies_on_others_for: texts(),
        keeps_self_on_track_in: texts(),
        support: texts(),
    })
}

fn goal(ids: Vec<PartyId>) -> BoxedStrategy<Goal> {
    let numbers = number;
    let milestone = build!(Milestone {
        date: date(),
        value: numbers()
    });
    build!(Goal {
        party: select(ids),
        outcome: text(),
        indicator: opt(text()),
        unit: opt(text()),
        baseline: opt(numbers()),
        target: opt(numbers()),
        due: opt(date()),
        observable: opt(select(Observable::ALL)),
        stretch: opt(bounded!(Rating)),
        exposure: opt(bounded!(Rating)),
        actions: texts(),
        milestones: proptest::collection::vec(milestone, 0..3),
    })
}

fn boundary(ids: Vec<PartyId>) -> BoxedStrategy<Boundary> {
    build!(Boundary {
        party: select(ids),
        rule: text(),
        phrase: opt(text()),
        measure: opt(text()),
        remind: opt(reminder()),
    })
}

fn cadence(ids: Vec<PartyId>) -> BoxedStrategy<Cadence> {
    let fixed = select(ids).prop_map(Facilitation::Fixed);
    build!(Cadence {
        interval_weeks: opt(bounded!(IntervalWeeks)),
        weekdays: subsequence(Weekday::ALL.to_vec(), 0..=7).prop_shuffle(),
        time: opt(time()),
        minutes: opt(bounded!(Minutes)),
        format: opt(select(CheckinFormat::ALL)),
        facilitation: opt(prop_oneof![Just(Facilitation::Rotating), fixed]),
        missed_checkin: opt(text()),
    })
}

/// A consequence ladder: distinct numbers of misses, in any order.
fn ladder() -> BoxedStrategy<Vec<Consequence>> {
    proptest::collection::btree_set(bounded!(MissCount), 0..4)
        .prop_flat_map(|steps| {
            let n = steps.len();
            let steps: Vec<MissCount> = steps.into_iter().collect();
            (
                Just(steps).prop_shuffle(),
                proptest::collection::vec(text(), n),
            )
        })
        .prop_map(|(steps, responses)| {
            let steps = steps.into_iter().zip(responses);
            steps
                .map(|(after_misses, response)| Consequence {
                    after_misses,
                    response,
                })
                .collect()
        })
        .boxed()
}

/// Valid agreements: every field, every word, any finite number.
fn agreement() -> BoxedStrategy<Agreement> {
    let attempt = build!(Attempt {
        description: opt(text()),
        lasted_weeks: opt(bounded!(WeekCount)),
        causes: proptest::collection::vec(select(HistoryCause::ALL), 0..4),
    });
    let relationship = build!(Relationship {
        kind: opt(select(RelationshipKind::ALL)),
        organizations_compete: opt(any::<bool>()),
        information_boundaries: opt(text()),
    });
    let recalibration = build!(Recalibration {
        date: opt(date()),
        calendared: opt(any::<bool>()),
        triggers: texts(),
        if_one_struggles: opt(text()),
    });
    let rules = build!(GroundRules {
        confidentiality: opt(text()),
        feedback_style: opt(text())
    });
    let zone = select(ZONES.to_vec()).prop_map(|z| TimeZoneName::parse(z).unwrap());
    let track = subsequence(WellbeingIndicator::ALL.to_vec(), 0..=4).prop_shuffle();
    (party_id(), party_id())
        .prop_filter("distinct ids", |(a, b)| a != b)
        .prop_flat_map(move |(a, b)| {
            let ids = vec![a.clone(), b.clone()];
            let parties = (party(a), party(b)).prop_map(|(a, b)| vec![a, b]);
            build!(Agreement {
                format: Just(1),
                title: opt(text()),
                scenario: opt(select(Scenario::ALL)),
                timezone: opt(zone.clone()),
                drafted: opt(date()),
                parties: parties,
                coach: opt(text().prop_map(|name| Coach { name })),
                relationship: opt(relationship.clone()),
                history: proptest::collection::vec(attempt.clone(), 0..3),
                goals: proptest::collection::vec(goal(ids.clone()), 0..4),
                boundaries: proptest::collection::vec(boundary(ids.clone()), 0..3),
                cadence: opt(cadence(ids)),
            } {
                agenda: opt(texts().prop_map(|items| Agenda { items })),
                consequences: ladder(),
                recalibration: opt(recalibration.clone()),
                ground_rules: opt(rules.clone()),
                wellbeing: opt(track.clone().prop_map(|track| Wellbeing { track })),
            })
        })
        .boxed()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn toml_round_trip_is_lossless_and_stable(a in agreement()) {
        let text = to_toml(&a).unwrap();
        let back = parse_toml(&text);
        prop_assert_eq!(back.as_ref(), Ok(&a), "TOML was:\n{}", text);
        let again = to_toml(&back.unwrap()).unwrap();
        prop_assert_eq!(again, text);
    }

    /// Any finite number too: serde_json's default float parsing can be one
    /// unit in the last place off, hence its `float_roundtrip` feature.
    #[test]
    fn json_round_trip_is_lossless(a in agreement()) {
        let text = to_json(&a).unwrap();
        prop_assert_eq!(from_json(&text), Ok(a), "JSON was:\n{}", text);
    }
}

/// The smallest case of the bug above: one goal baseline.
#[test]
fn json_keeps_every_bit_of_a_number() {
    let mut a = parse_toml(&example("solo-worker.toml")).unwrap();
    a.goals[0].baseline = Some(Number::parse(1_902_490.313_765_182_2).unwrap());
    let back = from_json(&to_json(&a).unwrap()).unwrap();
    assert_eq!(back.goals[0].baseline, a.goals[0].baseline);
}

#[test]
fn examples_round_trip() {
    for name in EXAMPLES {
        let a = parse_toml(&example(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let toml = to_toml(&a).unwrap();
        assert_eq!(parse_toml(&toml), Ok(a.clone()), "{name} via TOML:\n{toml}");
        assert_eq!(
            to_toml(&parse_toml(&toml).unwrap()).unwrap(),
            toml,
            "{name}: TOML not stable"
        );
        let json = to_json(&a).unwrap();
        assert_eq!(from_json(&json), Ok(a), "{name} via JSON:\n{json}");
    }
}
