//! Writes made under an idempotency key ([`Keyed`]): the store checks the
//! key and stores the answer inside the write's own transaction, so the
//! effect and its answer commit together or not at all.
//!
//! This is what makes a retry safe across a crash. Were the answer stored
//! after the write committed, as a second write, a process dying between
//! the two would leave an effect without an answer, and the retry would
//! run the request again. With both in one transaction a request killed at
//! any point either took effect once, with its answer stored for the
//! retry to be given, or had no effect and nothing to wait for: no claim
//! row outlives a dead process, because there is none. Two requests with
//! one key in flight at once are kept apart by the database (SQLite's one
//! writer; a transaction-scoped advisory lock on PostgreSQL, released by
//! the server when the process holding it dies) and by the web layer
//! within one process.

use std::sync::Arc;

use jiff::Timestamp;

use crate::UserId;

/// The answer stored under a key, as the caller made it from the write's
/// result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, exactly as it is to be sent again.
    pub body: String,
}

/// Makes the answer to store from what the write returned; an error (the
/// answer could not be written) rolls the write back.
pub type AnswerFn<T> = Arc<dyn Fn(&T) -> Result<Answer, String> + Send + Sync>;

/// A write made under an idempotency key.
///
/// The store runs the write only if no answer is stored under the key
/// ([`crate::StoreError::Replay`] with the stored one otherwise) and no
/// other transaction holds it ([`crate::StoreError::KeyInFlight`]); then it
/// stores `answer(result)` under the key before committing.
pub struct Keyed<T> {
    /// Whose key it is: keys are per account.
    pub user: UserId,
    /// The key as the caller scopes it (its method and path, then the key
    /// the client sent).
    pub key: String,
    /// A digest of the request body, stored with the answer, so that a
    /// reuse of the key with another body can be told from a retry.
    pub fingerprint: Option<String>,
    /// When the answer is stored (housekeeping deletes it after a while).
    pub now: Timestamp,
    /// The answer to store, made from the write's result.
    pub answer: AnswerFn<T>,
}

impl<T> Clone for Keyed<T> {
    fn clone(&self) -> Self {
        Self {
            user: self.user.clone(),
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            now: self.now,
            answer: Arc::clone(&self.answer),
        }
    }
}

impl<T: 'static> Keyed<T> {
    /// The same key for a write whose result is a `U`, from which `to`
    /// makes the `T` this key's answer is made from: a caller that adds
    /// to what the store returns (a recap, the steps that fired) answers
    /// with the whole.
    pub fn map<U>(&self, to: impl Fn(&U) -> T + Send + Sync + 'static) -> Keyed<U> {
        let answer = Arc::clone(&self.answer);
        Keyed {
            user: self.user.clone(),
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            now: self.now,
            answer: Arc::new(move |u: &U| answer(&to(u))),
        }
    }
}

impl<T> std::fmt::Debug for Keyed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyed")
            .field("user", &self.user)
            .field("key", &self.key)
            .field("fingerprint", &self.fingerprint)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_key_answers_through_the_original() {
        let keyed: Keyed<String> = Keyed {
            user: UserId("u".into()),
            key: "POST /x\nk".into(),
            fingerprint: Some("f".into()),
            now: Timestamp::UNIX_EPOCH,
            answer: Arc::new(|s: &String| {
                Ok(Answer {
                    status: 201,
                    body: s.clone(),
                })
            }),
        };
        let mapped = keyed.map(|n: &u32| format!("n={n}"));
        assert_eq!(mapped.key, keyed.key);
        assert_eq!(mapped.fingerprint.as_deref(), Some("f"));
        assert_eq!(
            (mapped.answer)(&7),
            Ok(Answer {
                status: 201,
                body: "n=7".into()
            })
        );
    }
}
