//! Boundary reminder times such as `"weekdays 18:45"`.
//!
//! Written as an optional day part and a time: `"18:45"` (every day),
//! `"daily 18:45"`, `"weekdays 18:45"`, `"weekends 09:00"`, or a
//! comma-separated list of days such as `"monday,thursday 07:30"`.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::{TimeOfDay, Weekday};

/// On which days a reminder fires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReminderDays {
    /// Every day.
    Daily,
    /// Monday to Friday.
    Weekdays,
    /// Saturday and Sunday.
    Weekends,
    /// The listed days, in week order, without repeats.
    Days(Vec<Weekday>),
}

/// A reminder time: which days, and at what local time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReminderTime {
    /// The days.
    pub days: ReminderDays,
    /// The local time in the agreement's zone.
    pub time: TimeOfDay,
}

impl ReminderTime {
    /// Parses `"[days ]HH:MM"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let trimmed = s.trim();
        let (day_part, time_part) = match trimmed.rsplit_once(char::is_whitespace) {
            Some((days, time)) => (Some(days.trim()), time),
            None => (None, trimmed),
        };
        let time = TimeOfDay::parse(time_part).map_err(|_| {
            format!(
                "expected a reminder such as \"weekdays 18:45\", \"daily 21:00\" or \"monday,thursday 07:30\", found {s:?}"
            )
        })?;
        let days = match day_part {
            None | Some("daily") => ReminderDays::Daily,
            Some("weekdays") => ReminderDays::Weekdays,
            Some("weekends") => ReminderDays::Weekends,
            Some(list) => {
                let mut days = Vec::new();
                for word in list.split(',').map(str::trim) {
                    let day = Weekday::from_word(word).ok_or_else(|| {
                        format!(
                            "{word:?} in reminder {s:?} is not a day; use daily, weekdays, weekends or day names such as monday,thursday"
                        )
                    })?;
                    if days.contains(&day) {
                        return Err(format!("{word} is named twice in reminder {s:?}"));
                    }
                    days.push(day);
                }
                days.sort();
                ReminderDays::Days(days)
            }
        };
        Ok(Self { days, time })
    }
}

impl fmt::Display for ReminderTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.days {
            ReminderDays::Daily => write!(f, "daily {}", self.time),
            ReminderDays::Weekdays => write!(f, "weekdays {}", self.time),
            ReminderDays::Weekends => write!(f, "weekends {}", self.time),
            ReminderDays::Days(days) => {
                let words: Vec<&str> = days.iter().map(|d| d.as_str()).collect();
                write!(f, "{} {}", words.join(","), self.time)
            }
        }
    }
}

impl Serialize for ReminderTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReminderTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_forms() {
        let r = ReminderTime::parse("weekdays 18:45").expect("valid");
        assert_eq!(r.days, ReminderDays::Weekdays);
        assert_eq!(r.to_string(), "weekdays 18:45");
        assert_eq!(
            ReminderTime::parse("18:45").map(|r| r.to_string()),
            Ok("daily 18:45".into())
        );
        assert_eq!(
            ReminderTime::parse("thursday,monday 07:30").map(|r| r.to_string()),
            Ok("monday,thursday 07:30".into())
        );
        for bad in [
            "",
            "weekdays",
            "someday 10:00",
            "monday,monday 10:00",
            "daily 25:00",
        ] {
            assert!(
                ReminderTime::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
