//! What every page shares: the header's user name and the CSRF token for
//! its forms, plus small formatting helpers.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::{CurrentUser, Visitor};

/// The page frame's data.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The logged-in user's name, if any.
    pub user_name: Option<String>,
    /// The CSRF token for every form on the page.
    pub csrf: String,
}

impl From<&Visitor> for Chrome {
    fn from(v: &Visitor) -> Self {
        Self {
            user_name: v.user.as_ref().map(|u| u.name.clone()),
            csrf: v.csrf.clone(),
        }
    }
}

impl From<&CurrentUser> for Chrome {
    fn from(c: &CurrentUser) -> Self {
        Self {
            user_name: Some(c.user.name.clone()),
            csrf: c.csrf.clone(),
        }
    }
}

/// A timestamp for people: UTC date and minute (pages do not know the
/// reader's zone).
pub fn when(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}
