//! Whether an agenda item looks back at commitments: the difference between
//! an accountability check-in and a support chat.

/// Word stems that mark an item reviewing commitments, progress, or what was
/// kept or missed.
const STEMS: &[&str] = &[
    "commit",
    "progress",
    "kept",
    "miss",
    "did ",
    "done",
    "goal",
    "indicator",
    "action",
    "promise",
    "deliver",
    "accomplish",
    "achiev",
    "target",
    "milestone",
    "follow-through",
    "follow through",
    "got in the way",
    "number",
    "metric",
    "result",
    "plan vs",
    "streak",
    "to-do",
    "todo",
    "task",
    "said i would",
    "said we would",
    "accountab",
];

/// True when an agenda item reviews commitments, progress, or what was kept
/// or missed.
pub fn reviews_accountability(item: &str) -> bool {
    let item = format!("{} ", item.to_lowercase());
    STEMS.iter().any(|s| item.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accountability_items() {
        for yes in [
            "Commitments since last time: kept, partly kept, missed",
            "What I committed to and whether I did it",
            "Progress on each goal",
            "What got in the way",
            "What did you do?",
        ] {
            assert!(reviews_accountability(yes), "{yes:?}");
        }
        for no in [
            "How are we feeling",
            "Wins and frustrations",
            "Catch up",
            "Venting",
        ] {
            assert!(!reviews_accountability(no), "{no:?}");
        }
    }
}
