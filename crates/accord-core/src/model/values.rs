//! Value types of the agreement, each valid by construction.
//!
//! Every type here checks its own range or shape while it is deserialised, so
//! that a bad value is reported by the deserialiser at the exact place it was
//! written (the TOML parser attaches the span of the value to our message).
//! Checks that need more than one field (party ids that must exist, two
//! parties) live in `crate::parse::validate`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Declares a `u32` newtype whose value must lie in a range, with the
/// message a person reads when it does not.
macro_rules! bounded_integer {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The smallest value allowed.
            pub const MIN: u32 = $min;
            /// The largest value allowed.
            pub const MAX: u32 = $max;

            /// Checks that `value` lies in the allowed range.
            pub fn parse(value: i64) -> Result<Self, String> {
                if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
                    // The range check above makes the conversion exact.
                    Ok(Self(value as u32))
                } else {
                    Err(format!("expected {}, found {value}", $what))
                }
            }

            /// The value itself.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = i64::deserialize(d)?;
                Self::parse(value).map_err(de::Error::custom)
            }
        }
    };
}

bounded_integer!(
    /// A self-rated commitment level, 1 to 10.
    CommitmentLevel, 1, 10, "a whole number from 1 to 10"
);
bounded_integer!(
    /// A 1 to 5 rating of a goal's stretch or exposure.
    Rating, 1, 5, "a whole number from 1 (low) to 5 (high)"
);
bounded_integer!(
    /// Weeks between active check-in weeks: 1 weekly, 2 fortnightly.
    IntervalWeeks, 1, 52, "a whole number of weeks from 1 to 52"
);
bounded_integer!(
    /// Length of a check-in in minutes.
    Minutes, 1, 1440, "a whole number of minutes from 1 to 1440"
);
bounded_integer!(
    /// Consecutive misses after which a consequence step applies.
    MissCount, 1, 1000, "a whole number of misses from 1 to 1000"
);
bounded_integer!(
    /// How many weeks an earlier attempt lasted.
    WeekCount, 0, 5200, "a whole number of weeks from 0 to 5200"
);

/// The identifier of a party: lower-case letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PartyId(String);

impl PartyId {
    /// Checks the shape of a party id.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("expected a party id such as \"maya\", found an empty string".into());
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "a party id may use only lower-case letters, digits and hyphens; {bad:?} is not allowed in {s:?}"
            ));
        }
        if s == Facilitation::ROTATING {
            return Err(
                "\"rotating\" cannot be a party id: it is the word for rotating facilitation"
                    .into(),
            );
        }
        Ok(Self(s.to_owned()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

/// A finite number (indicator values, hours). Whole numbers are written back
/// as integers so that a file keeps reading the way its author wrote it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Number(f64);

impl Number {
    /// Accepts any finite number.
    pub fn parse(value: f64) -> Result<Self, String> {
        if value.is_finite() {
            Ok(Self(value))
        } else {
            Err(format!("expected a finite number, found {value}"))
        }
    }

    /// The value itself.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whole numbers up to this size are exact in an `f64` and written as integers.
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < EXACT_INTEGER {
            // Exact: the value is whole and within f64's integer range.
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Number::parse(v as f64).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Number::parse(v as f64).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Number::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Hours per week: a finite number of zero or more.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Hours(Number);

impl Hours {
    /// Accepts 0 to 168 hours a week.
    pub fn parse(value: f64) -> Result<Self, String> {
        if value.is_finite() && (0.0..=168.0).contains(&value) {
            Ok(Self(Number(value)))
        } else {
            Err(format!(
                "expected hours per week from 0 to 168, found {value}"
            ))
        }
    }

    /// The value itself.
    pub fn get(self) -> f64 {
        self.0.get()
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = Number::deserialize(d)?;
        Self::parse(n.get()).map_err(de::Error::custom)
    }
}

/// A time of day, `HH:MM` on a 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
}

impl TimeOfDay {
    /// Parses `HH:MM` (the hour may have one digit).
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("expected a time of day such as \"08:00\" or \"18:45\", found {s:?}");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || h.len() > 2 || m.len() != 2 || !digits(m) {
            return Err(bad());
        }
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 {
            return Err(format!(
                "{s:?} is not a time of day: hours run from 00 to 23 and minutes from 00 to 59"
            ));
        }
        Ok(Self { hour, minute })
    }

    /// Hour, 0 to 23.
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// Minute, 0 to 59.
    pub fn minute(self) -> u8 {
        self.minute
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// An IANA time-zone name known to the bundled time-zone database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    /// Checks the name against the time-zone database.
    pub fn parse(s: &str) -> Result<Self, String> {
        match jiff::tz::db().get(s) {
            Ok(_) => Ok(Self(s.to_owned())),
            Err(_) => Err(format!(
                "{s:?} is not a time zone name that accord knows; use an IANA name such as \"Europe/Berlin\" or \"America/New_York\""
            )),
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Implements `Deserialize` from a string through `FromStr`-like `parse`.
macro_rules! deserialize_via_parse {
    ($($name:ident),*) => {$(
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(de::Error::custom)
            }
        }
    )*};
}
deserialize_via_parse!(TimeZoneName);

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TimeOfDay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time of day in double quotes, such as \"08:00\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TimeOfDay, E> {
                TimeOfDay::parse(s).map_err(E::custom)
            }
            // A bare TOML time (08:00:00) arrives as toml's date-time map.
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<TimeOfDay, A::Error> {
                Err(de::Error::custom(
                    "write the time of day in double quotes as hours and minutes, such as \"08:00\"",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A calendar date. In TOML it is written as a bare date (`2027-01-15`); a
/// quoted `"2027-01-15"` is accepted too. In JSON it is a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// Wraps a civil date.
    pub fn new(date: jiff::civil::Date) -> Self {
        Self(date)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad =
            || format!("expected a date written as YYYY-MM-DD, such as 2027-01-15, found {s:?}");
        if s.len() != 10 || s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-')
        {
            return Err(bad());
        }
        jiff::civil::Date::from_str(s)
            .map(Self)
            .map_err(|e| format!("{s:?} is not a valid date: {e}"))
    }

    /// The civil date.
    pub fn get(self) -> jiff::civil::Date {
        self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written as YYYY-MM-DD, such as 2027-01-15")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
            // TOML hands its date-time values over as a one-entry map that
            // toml's own `Datetime` knows how to read.
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time, dt.offset) {
                    (Some(date), None, None) => {
                        Date::parse(&date.to_string()).map_err(de::Error::custom)
                    }
                    _ => Err(de::Error::custom(format!(
                        "expected a date without a time, such as 2027-01-15, found {dt}"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Facilitation of check-ins: rotating, or fixed to one party.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Facilitation {
    /// The parties take turns.
    Rotating,
    /// One party always facilitates.
    Fixed(PartyId),
}

impl Facilitation {
    /// The word that means rotating facilitation.
    pub const ROTATING: &'static str = "rotating";

    /// `"rotating"` or a party id.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == Self::ROTATING {
            return Ok(Self::Rotating);
        }
        PartyId::parse(s).map(Self::Fixed).map_err(|_| {
            format!(
                "expected \"rotating\" or the id of the party who always facilitates, found {s:?}"
            )
        })
    }
}

impl Serialize for Facilitation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Rotating => s.serialize_str(Self::ROTATING),
            Self::Fixed(id) => s.serialize_str(id.as_str()),
        }
    }
}
deserialize_via_parse!(Facilitation);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_integers_accept_their_range_only() {
        assert!(CommitmentLevel::parse(0).is_err());
        assert_eq!(CommitmentLevel::parse(1).map(|c| c.get()), Ok(1));
        assert_eq!(CommitmentLevel::parse(10).map(|c| c.get()), Ok(10));
        assert!(CommitmentLevel::parse(11).is_err());
        assert!(Rating::parse(6).is_err());
        assert!(IntervalWeeks::parse(0).is_err());
        assert!(Minutes::parse(0).is_err());
        assert!(Minutes::parse(-5).is_err());
    }

    #[test]
    fn party_ids_are_lower_case_words() {
        assert!(PartyId::parse("maya").is_ok());
        assert!(PartyId::parse("anne-2").is_ok());
        for bad in ["", "Maya", "an ne", "é", "rotating", "a_b"] {
            assert!(PartyId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn times_of_day_are_checked() {
        assert_eq!(
            TimeOfDay::parse("08:00").map(|t| t.to_string()),
            Ok("08:00".into())
        );
        assert_eq!(
            TimeOfDay::parse("7:05").map(|t| t.to_string()),
            Ok("07:05".into())
        );
        for bad in [
            "24:00", "12:60", "1200", "12:5", "ab:cd", "", "12:00:00", "+1:00",
        ] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn dates_and_zones_are_checked() {
        assert!(Date::parse("2027-02-28").is_ok());
        assert!(Date::parse("2027-02-29").is_err());
        assert!(Date::parse("2027-2-28").is_err());
        assert!(TimeZoneName::parse("Europe/Berlin").is_ok());
        assert!(TimeZoneName::parse("Europe/Berlinn").is_err());
    }

    #[test]
    fn numbers_must_be_finite_and_hours_in_a_week() {
        assert!(Number::parse(f64::NAN).is_err());
        assert!(Number::parse(f64::INFINITY).is_err());
        assert!(Hours::parse(-0.5).is_err());
        assert!(Hours::parse(169.0).is_err());
        assert!(Hours::parse(1.5).is_ok());
    }
}
