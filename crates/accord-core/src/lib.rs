//! Accord's domain: the agreement model, its file format, the coach's review
//! and the guide for the conversation that follows.
//!
//! This crate does no I/O and never reads the clock: callers pass text in,
//! get values out, and give "today" as an argument. The web server, the
//! command line and the tests all call the same functions:
//!
//! - [`parse_toml`] / [`parse_toml_bytes`] / [`from_json`]: text to a valid
//!   [`Agreement`], or positioned [`ParseError`] diagnostics;
//! - [`to_toml`] / [`to_json`]: back to text, without loss;
//! - [`review()`]: the findings an experienced coach would raise;
//! - [`guide()`]: framing, watch list, debrief order and red flags.
//!
//! ```
//! use accord_core::model::Date;
//!
//! let text = r#"
//! format = 1
//! scenario = "solo-worker"
//!
//! [[party]]
//! id = "ana"
//! name = "Ana Ruiz"
//! support = ["Be supportive."]
//!
//! [[party]]
//! id = "leo"
//! name = "Leo Park"
//! "#;
//! let agreement = accord_core::parse_toml(text)?;
//! let today = Date::parse("2026-11-21")?;
//! let review = accord_core::review(&agreement, today);
//! assert!(review.has_high()); // no agenda, no cadence, no goals yet
//! assert!(review.findings.iter().any(|f| f.rule.id() == "support-vague"));
//!
//! let guide = accord_core::guide(&agreement, &review.findings);
//! assert_eq!(guide.debrief[0].topic.as_str(), "goals");
//!
//! // Positioned errors: the line and column of what is wrong.
//! let err = accord_core::parse_toml("format = 1\ntitel = \"x\"\n").unwrap_err();
//! let at = err.diagnostics[0].location.as_ref().map(|l| (l.line, l.column));
//! assert_eq!(at, Some((2, 1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod checkin;
pub mod guide;
pub mod health;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod review;
pub mod schedule;
pub mod signals;
pub mod support;
pub mod template;
pub mod text;

pub use guide::{Guide, guide};
pub use health::{HealthReport, Verdict, health, propose_next};
pub use metrics::{Metrics, Past, metrics};
pub use model::Agreement;
pub use parse::{
    Diagnostic, Location, ParseError, from_json, parse_toml, parse_toml_bytes, to_json, to_toml,
};
pub use review::{Finding, Review, Rule, Severity, review};
pub use signals::{Signal, SignalKind, Signals, signals};
