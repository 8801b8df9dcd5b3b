//! The generic part of the editor: turns a section's form into changes to
//! the agreement (through its JSON form, so the engine's own validation and
//! field paths apply), and the agreement or a submitted form back into
//! fields to show. A form field's name is the JSON path of its value with
//! indexes as segments (`goal.1.party` for `goal[1].party`), so the
//! engine's diagnostics land beside the field at fault.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::fields::{Field, Group, Kind, Scope, Spec};

/// One field as shown.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// The input's name.
    pub name: String,
    /// The label.
    pub label: &'static str,
    /// The hint.
    pub help: &'static str,
    /// The input: text, long, number, decimal, date, time, select, checks, lines.
    pub input: &'static str,
    /// The value as text.
    pub value: String,
    /// Choices, for select and checks.
    pub options: Vec<Choice>,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// One choice of a select or a check box.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A group of fields under a heading (one party, one goal…).
#[derive(Debug, Clone)]
pub struct Fieldset {
    /// The heading ("" for none).
    pub legend: String,
    /// The fields.
    pub fields: Vec<FieldView>,
}

/// A submitted form, as name → values (check boxes repeat a name).
pub type Submitted = BTreeMap<String, Vec<String>>;

/// Collects a urlencoded form.
pub fn collect(pairs: &[(String, String)]) -> Submitted {
    let mut out = Submitted::new();
    for (k, v) in pairs {
        out.entry(k.clone()).or_default().push(v.clone());
    }
    out
}

/// Party ids and names, for party choices.
fn parties(doc: &Value) -> Vec<(String, String)> {
    doc.get("party")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    Some((
                        p.get("id")?.as_str()?.to_owned(),
                        p.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The (name prefix, JSON object path, legend) of each fieldset of a group.
fn instances(group: &Group, doc: &Value, submitted: Option<&Submitted>) -> Vec<(String, String)> {
    match group.scope {
        Scope::Root => vec![(String::new(), String::new())],
        Scope::Parties => parties(doc)
            .into_iter()
            .enumerate()
            .map(|(i, (_, name))| (format!("party.{i}."), name))
            .collect(),
        Scope::Each(list, noun) => {
            let existing = doc.get(list).and_then(Value::as_array).map_or(0, Vec::len);
            let count = match submitted {
                Some(form) => form
                    .keys()
                    .filter_map(|k| k.strip_prefix(&format!("{list}.")))
                    .filter_map(|rest| rest.split('.').next()?.parse::<usize>().ok())
                    .map(|i| i + 1)
                    .max()
                    .unwrap_or(0),
                None => existing + 1,
            };
            (0..count)
                .map(|i| {
                    let legend = if i < existing {
                        format!("{noun} {}", i + 1)
                    } else {
                        format!("Add a {}", noun.to_lowercase())
                    };
                    (format!("{list}.{i}."), legend)
                })
                .collect()
        }
    }
}

/// The value at a dotted path (numeric segments index arrays).
fn at<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .try_fold(doc, |v, seg| match seg.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(seg),
        })
}

fn as_text(v: Option<&Value>, kind: Kind) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        Some(Value::Array(items)) => {
            let texts: Vec<String> = items.iter().map(|i| as_text(Some(i), Kind::Text)).collect();
            texts.join(if kind == Kind::Words { ", " } else { "\n" })
        }
        Some(other) => other.to_string(),
    }
}

/// The fieldsets of a section, filled from the agreement or, after a
/// failed save, from what was submitted, with `errors` by field name.
pub fn views(
    spec: &Spec,
    doc: &Value,
    submitted: Option<&Submitted>,
    errors: &BTreeMap<String, String>,
) -> Vec<Fieldset> {
    let party_choices = parties(doc);
    let mut sets = Vec::new();
    for group in spec.groups {
        for (prefix, legend) in instances(group, doc, submitted) {
            let fields = group
                .fields
                .iter()
                .map(|field| {
                    let name = format!("{prefix}{}", field.key);
                    let chosen: Vec<String> = match submitted {
                        Some(form) => form.get(&name).cloned().unwrap_or_default(),
                        None => match (field.kind, at(doc, &name)) {
                            (Kind::Checks(_), Some(Value::Array(a))) => {
                                a.iter().map(|v| as_text(Some(v), Kind::Text)).collect()
                            }
                            (kind, v) => vec![as_text(v, kind)],
                        },
                    };
                    view(
                        field,
                        name.clone(),
                        &chosen,
                        &party_choices,
                        errors.get(&name).cloned(),
                    )
                })
                .collect();
            sets.push(Fieldset { legend, fields });
        }
    }
    sets
}

fn view(
    field: &Field,
    name: String,
    chosen: &[String],
    parties: &[(String, String)],
    error: Option<String>,
) -> FieldView {
    let value = chosen.first().cloned().unwrap_or_default();
    let choices = |list: Vec<(String, String)>, blank: bool| {
        let mut out: Vec<Choice> = Vec::new();
        if blank {
            out.push(Choice {
                value: String::new(),
                label: "— not set —".into(),
                selected: value.is_empty(),
            });
        }
        out.extend(list.into_iter().map(|(v, l)| Choice {
            selected: chosen.contains(&v),
            value: v,
            label: l,
        }));
        out
    };
    let fixed = |opts: &[(&str, &str)]| {
        opts.iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect::<Vec<_>>()
    };
    let (input, options) = match field.kind {
        Kind::Text => ("text", vec![]),
        Kind::Long => ("long", vec![]),
        Kind::Int => ("number", vec![]),
        Kind::Float => ("decimal", vec![]),
        Kind::Date => ("date", vec![]),
        Kind::Time => ("time", vec![]),
        Kind::Lines | Kind::Words => (
            if field.kind == Kind::Lines {
                "lines"
            } else {
                "text"
            },
            vec![],
        ),
        Kind::Select(opts) => ("select", choices(fixed(opts), true)),
        Kind::YesNo => (
            "select",
            choices(
                vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
                true,
            ),
        ),
        Kind::Party => ("select", choices(parties.to_vec(), true)),
        Kind::Facilitation => {
            let mut list = vec![("rotating".to_owned(), "We take turns".to_owned())];
            list.extend(
                parties
                    .iter()
                    .map(|(id, n)| (id.clone(), format!("Always {n}"))),
            );
            ("select", choices(list, true))
        }
        Kind::Checks(opts) => ("checks", choices(fixed(opts), false)),
    };
    FieldView {
        name,
        label: field.label,
        help: field.help,
        input,
        value,
        options,
        error,
    }
}

/// Applies a submitted section form to the agreement's JSON form. Values
/// that cannot even be read (a word in a number field) are returned as
/// errors by field name, and nothing is applied; everything else is left to
/// the engine's validation.
pub fn apply(
    spec: &Spec,
    doc: &mut Value,
    form: &Submitted,
) -> Result<(), BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let mut next = doc.clone();
    for group in spec.groups {
        match group.scope {
            Scope::Root => apply_fields(group.fields, &mut next, "", form, &mut errors),
            Scope::Parties => {
                if let Some(ps) = next.get_mut("party").and_then(Value::as_array_mut) {
                    for (i, p) in ps.iter_mut().enumerate() {
                        apply_fields(group.fields, p, &format!("party.{i}."), form, &mut errors);
                    }
                }
            }
            Scope::Each(list, _) => {
                let old = next
                    .get(list)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut items = Vec::new();
                for i in 0..instances(group, &next, Some(form)).len() {
                    let prefix = format!("{list}.{i}.");
                    let blank = group.fields.iter().all(|f| {
                        form.get(&format!("{prefix}{}", f.key))
                            .is_none_or(|vs| vs.iter().all(|v| v.trim().is_empty()))
                    });
                    // Clearing every field of an entry removes it.
                    if blank {
                        continue;
                    }
                    let mut item = old
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| Value::Object(Map::new()));
                    apply_fields(group.fields, &mut item, &prefix, form, &mut errors);
                    items.push(item);
                }
                set(
                    &mut next,
                    list,
                    if items.is_empty() {
                        None
                    } else {
                        Some(Value::Array(items))
                    },
                );
            }
        }
    }
    if errors.is_empty() {
        *doc = next;
        Ok(())
    } else {
        Err(errors)
    }
}

fn apply_fields(
    fields: &[Field],
    target: &mut Value,
    prefix: &str,
    form: &Submitted,
    errors: &mut BTreeMap<String, String>,
) {
    for field in fields {
        let name = format!("{prefix}{}", field.key);
        let values = form.get(&name).cloned().unwrap_or_default();
        match read(field.kind, &values) {
            Ok(v) => set(target, field.key, v),
            Err(message) => {
                errors.insert(name, message);
            }
        }
    }
}

/// A field's text as a JSON value; `None` for "not set".
fn read(kind: Kind, values: &[String]) -> Result<Option<Value>, String> {
    let text = values.first().map_or("", |s| s.trim());
    let list = |items: Vec<&str>| {
        let items: Vec<Value> = items
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_owned()))
            .collect();
        (!items.is_empty()).then_some(Value::Array(items))
    };
    Ok(match kind {
        _ if matches!(kind, Kind::Checks(_)) => {
            let unique: BTreeSet<&str> = values.iter().map(String::as_str).collect();
            let ordered = values
                .iter()
                .map(String::as_str)
                .filter(|v| unique.contains(v))
                .collect::<Vec<_>>();
            list(ordered)
        }
        _ if text.is_empty() => None,
        Kind::Int => Some(Value::from(text.parse::<i64>().map_err(|_| {
            format!("Enter a whole number, such as 3 (not {text:?}).")
        })?)),
        Kind::Float => {
            let n: f64 = text
                .replace(',', ".")
                .parse()
                .map_err(|_| format!("Enter a number, such as 2.5 (not {text:?})."))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| "Enter a finite number.".to_owned())?
                .into()
        }
        Kind::YesNo => match text {
            "yes" => Some(Value::Bool(true)),
            "no" => Some(Value::Bool(false)),
            _ => return Err("Choose yes or no.".into()),
        },
        Kind::Lines => list(text.lines().collect()),
        Kind::Words => list(text.split(',').collect()),
        _ => Some(Value::String(text.to_owned())),
    })
}

/// Sets (or with `None` removes) the value at a dotted key, creating tables
/// on the way and removing tables left empty.
fn set(target: &mut Value, key: &str, value: Option<Value>) {
    let Some(obj) = target.as_object_mut() else {
        return;
    };
    match key.split_once('.') {
        None => match value {
            Some(v) => {
                obj.insert(key.to_owned(), v);
            }
            None => {
                obj.remove(key);
            }
        },
        Some((head, rest)) => {
            if value.is_none() && !obj.contains_key(head) {
                return;
            }
            let child = obj
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            set(child, rest, value);
            if child.as_object().is_some_and(Map::is_empty) {
                obj.remove(head);
            }
        }
    }
}

/// A diagnostic's field path (`goal[1].party`) as a form field name
/// (`goal.1.party`).
pub fn field_name(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

#[cfg(test)]
mod tests;
