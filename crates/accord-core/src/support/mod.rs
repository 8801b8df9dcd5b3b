//! Tells a vague support preference ("be direct but kind") from an actionable
//! one ("if I miss a commitment, ask me what got in the way").
//!
//! The test, from the spec: does the statement ask for a behaviour the partner
//! can observably do or not do? The classifier looks for a behaviour verb
//! (ask, remind, text, point out…) in a position where it is *requested of the
//! partner*: an imperative, "you ask", "I'd like you to send", "please call",
//! a gerund ("asking me first helps") or a passive request ("to be asked").
//! It discards the same words where they are nouns ("a call", "our texts"),
//! somebody else's act ("when I text you", "ask me to send"), idioms ("let me
//! off the hook") or carry only an attitude ("show some empathy", "give me
//! grace"). A statement with no requested behaviour is vague, whatever
//! situation clause stands in front of it.
//!
//! Accuracy is measured against `data/support-statements.tsv` (the tuning
//! set) and `data/support-statements-holdout.tsv` (never tuned on); see the
//! tests at the bottom and the README.

mod lexicon;
mod rewrite;

use lexicon::{
    ARTICLES, ATTITUDE_IDIOMS, ATTITUDE_PHRASES, ATTITUDE_VERBS, ATTITUDE_WORDS, BEHAVIOUR_NOUNS,
    BEHAVIOUR_VERBS, BETWEEN_SUBJECT_AND_VERB, IRREGULAR, NEEDS_PARTICLE, NOUN_MARKERS,
    OBJECT_FILLERS, OTHER_SUBJECTS, SITUATION_WORDS,
};

pub use rewrite::{rewrite, sharpen};

/// What the classifier found in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// True when the statement asks for an observable behaviour.
    pub actionable: bool,
    /// The behaviours requested, as base verbs ("ask", "text").
    pub behaviours: Vec<String>,
    /// Attitude words found ("direct", "kind"), for explaining a vague one.
    pub attitudes: Vec<String>,
    /// The situation clause the statement opens with, if any ("When things
    /// get hard").
    pub situation: Option<String>,
    /// True when a situation (if, when, after, each Friday…) appears anywhere.
    pub has_situation: bool,
}

/// Classifies one support statement.
pub fn classify(statement: &str) -> Classification {
    let tokens = tokenize(statement);
    let mut behaviours = Vec::new();
    for i in 0..tokens.len() {
        if let Some(verb) = requested_behaviour(&tokens, i)
            && !behaviours.iter().any(|b| b == verb)
        {
            behaviours.push(verb.to_owned());
        }
    }
    // Idioms first and whole, then single attitude words outside them.
    let joined = format!(" {} ", tokens.join(" "));
    let mut attitudes: Vec<String> = ATTITUDE_PHRASES
        .iter()
        .filter(|p| joined.contains(&format!(" {p} ")))
        .map(|p| (*p).to_owned())
        .collect();
    for t in &tokens {
        let word = t.as_str();
        let in_phrase = attitudes.iter().any(|a| a.split(' ').any(|w| w == word));
        if (ATTITUDE_WORDS.contains(&word) || ATTITUDE_VERBS.contains(&word))
            && !in_phrase
            && !attitudes.iter().any(|a| a == word)
        {
            attitudes.push(word.to_owned());
        }
    }
    let situation = opening_situation(statement);
    let has_situation = situation.is_some()
        || tokens.iter().any(|t| {
            matches!(
                t.as_str(),
                "if" | "when" | "whenever" | "after" | "before" | "each" | "every" | "until"
            )
        });
    Classification {
        actionable: !behaviours.is_empty(),
        behaviours,
        attitudes,
        situation,
        has_situation,
    }
}

/// How a word relates to a behaviour verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// The base form: imperative or infinitive.
    Base,
    /// -ing: a gerund or participle.
    Ing,
    /// Past participle: counts only in a passive request.
    Past,
}

/// The behaviour verb behind a word and its form. Third-person forms ("calls",
/// "texts") are left out: an imperative never takes them, so they are nouns
/// or someone else's act.
fn behaviour_form(word: &str) -> Option<(&'static str, Form)> {
    let known = |w: &str| BEHAVIOUR_VERBS.iter().find(|v| **v == w).copied();
    if let Some(v) = known(word) {
        return Some((v, Form::Base));
    }
    if let Some((_, v)) = IRREGULAR.iter().find(|(form, _)| *form == word) {
        return known(v).map(|v| (v, Form::Past));
    }
    for (suffix, form) in [("ing", Form::Ing), ("ed", Form::Past)] {
        let Some(stem) = word.strip_suffix(suffix) else {
            continue;
        };
        if stem.len() < 2 {
            continue;
        }
        let mut candidates = vec![stem.to_owned(), format!("{stem}e")];
        // Doubled final consonant: stopping, stopped.
        let b = stem.as_bytes();
        if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
            candidates.push(stem[..stem.len() - 1].to_owned());
        }
        // replied -> reply
        if form == Form::Past
            && let Some(s) = stem.strip_suffix('i')
        {
            candidates.push(format!("{s}y"));
        }
        if let Some(v) = candidates.iter().find_map(|c| known(c)) {
            return Some((v, form));
        }
    }
    None
}

/// The behaviour requested of the partner at token `i`, if there is one.
fn requested_behaviour(tokens: &[String], i: usize) -> Option<&'static str> {
    let word = tokens[i].as_str();
    if let Some((_, verb)) = BEHAVIOUR_NOUNS.iter().find(|(noun, _)| *noun == word) {
        // "my questions" are mine; "questions, not advice" are asked of the partner.
        let owned = i > 0 && matches!(tokens[i - 1].as_str(), "my" | "our");
        return (!owned && !after_other_subject(tokens, i)).then_some(*verb);
    }
    let (verb, form) = behaviour_form(word)?;
    let prev = i.checked_sub(1).map(|p| tokens[p].as_str());
    match form {
        // "to be asked", "being reminded": a request in the passive;
        // "it would help if you asked": a request in the conditional.
        Form::Past => {
            if !matches!(prev, Some("be" | "being" | "get" | "getting" | "you")) {
                return None;
            }
        }
        Form::Base | Form::Ing => {
            if prev.is_some_and(|p| NOUN_MARKERS.contains(&p))
                || in_noun_phrase(tokens, i)
                || after_other_subject(tokens, i)
            {
                return None;
            }
        }
    }
    let next = tokens.get(i + 1).map(String::as_str);
    if let Some((_, particles)) = NEEDS_PARTICLE.iter().find(|(v, _)| *v == verb)
        && !next.is_some_and(|n| particles.contains(&n))
    {
        return None;
    }
    let rest: Vec<&str> = tokens[i..].iter().map(String::as_str).collect();
    let idiom = ATTITUDE_IDIOMS.iter().any(|idiom| {
        idiom.len() <= rest.len()
            && behaviour_form(rest[0]).map(|(v, _)| v) == Some(idiom[0])
            && idiom[1..] == rest[1..idiom.len()]
    });
    if idiom {
        return None;
    }
    // The object: "show some empathy" asks for an attitude, not an act.
    let object = tokens[i + 1..]
        .iter()
        .take(4)
        .map(String::as_str)
        .find(|t| !OBJECT_FILLERS.contains(t));
    if object.is_some_and(|o| ATTITUDE_WORDS.contains(&o)) {
        return None;
    }
    Some(verb)
}

/// True when the word at `i` ends a noun phrase opened two words earlier by an
/// article or possessive ("my residency schedule"), the middle word being an
/// ordinary word rather than a pronoun or verb.
fn in_noun_phrase(tokens: &[String], i: usize) -> bool {
    if i < 2 {
        return false;
    }
    let middle = tokens[i - 1].as_str();
    ARTICLES.contains(&tokens[i - 2].as_str())
        && middle.chars().all(|c| c.is_alphanumeric() || c == '-')
        && behaviour_form(middle).is_none()
        && !OTHER_SUBJECTS.contains(&middle)
        && !BETWEEN_SUBJECT_AND_VERB.contains(&middle)
}

/// True when the word at `i` belongs to a subject other than the partner:
/// "I text", "she didn't call", "ask me to send".
fn after_other_subject(tokens: &[String], i: usize) -> bool {
    let mut j = i;
    let mut steps = 0;
    while j > 0 && steps < 4 {
        j -= 1;
        let t = tokens[j].as_str();
        if OTHER_SUBJECTS.contains(&t) {
            return true;
        }
        if !BETWEEN_SUBJECT_AND_VERB.contains(&t) {
            return false;
        }
        steps += 1;
    }
    false
}

/// The situation clause a statement opens with, up to its comma.
fn opening_situation(statement: &str) -> Option<String> {
    let trimmed = statement.trim();
    let first = trimmed
        .split(|c: char| !c.is_alphanumeric())
        .next()?
        .to_lowercase();
    if !SITUATION_WORDS.contains(&first.as_str()) {
        return None;
    }
    let (clause, rest) = trimmed.split_once(',')?;
    (!rest.trim().is_empty()).then(|| clause.trim().to_owned())
}

/// Lower-case words and punctuation marks, with quoted speech replaced by one
/// placeholder token: what someone says is not what they ask for.
fn tokenize(statement: &str) -> Vec<String> {
    let text = statement
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'");
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    // An unbalanced quote mark is punctuation, not the start of speech.
    let is_quote = |c: char| matches!(c, '"' | '\u{201c}' | '\u{201d}');
    let quotes_balanced = text.chars().filter(|c| is_quote(*c)).count() % 2 == 0;
    let flush = |word: &mut String, tokens: &mut Vec<String>| {
        let w = word.trim_matches(|c| c == '\'' || c == '-');
        if !w.is_empty() {
            tokens.push(w.to_owned());
        }
        word.clear();
    };
    for c in text.chars() {
        if quotes_balanced && is_quote(c) {
            flush(&mut word, &mut tokens);
            if quoted {
                tokens.push("\u{201c}quote\u{201d}".into());
            }
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        if c.is_alphanumeric() || c == '\'' || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut tokens);
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

#[cfg(test)]
mod tests;
