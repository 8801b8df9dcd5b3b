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

pub mod guide;
pub mod model;
pub mod parse;
pub mod review;
pub mod support;
pub mod template;

pub use guide::{Guide, guide};
pub use model::Agreement;
pub use parse::{
    Diagnostic, Location, ParseError, from_json, parse_toml, parse_toml_bytes, to_json, to_toml,
};
pub use review::{Finding, Review, Rule, Severity, review};
