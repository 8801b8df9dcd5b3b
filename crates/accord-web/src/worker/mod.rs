//! The worker: plans reminders, notices missed check-ins, and delivers the
//! outbox by e-mail and webhook. It runs inside `accord serve` or alone as
//! `accord worker`, as many processes as wanted against one database.
//!
//! Written as a step function plus a loop (the zero2prod pattern): [`Worker::step`]
//! does one round of work and says how much it did, so tests drive it with
//! a controlled clock and count what happened; [`Worker::run`] repeats it
//! until shutdown, sleeping only when a round found nothing to do.
//!
//! # Once, as far as SMTP and HTTP allow
//!
//! A row is claimed under a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), one row at a time, just before it is sent, and marked sent
//! as soon as its receiver has accepted it. So however many workers run,
//! only one sends a row at a time, and a live worker never loses its row
//! to another: every send is bounded by its own timeout (SMTP 20 s,
//! webhooks 10 s), well inside the [`LEASE`] of 45 s.
//!
//! No protocol lets a sender learn "accepted" and record it in one step:
//! a worker that dies after its receiver accepted a message and before it
//! marked the row has delivered without knowing. Another worker sends it
//! again once the lease runs out (within 45 s, not after minutes). Such a
//! repeat is the only kind there is, and there is at most one per worker
//! killed (it has one message in flight); every attempt carries the id the
//! message was given in the outbox (`Message-ID` for e-mail, `webhook-id`
//! for webhooks), so a receiver that remembers ids drops the repeat. That
//! is what "each message goes out once" means: at least once, and
//! recognisably the same message when more.
//!
//! Claiming one row at a time costs a write per message (the claim), where
//! claiming a batch would share one; in exchange a dead worker strands one
//! message, not a batch. Why not a batch under a lease renewed while the
//! worker lives? Its unsent rows would still wait the whole lease after a
//! crash, and a worker stalled (not dead) past the renewal would have its
//! batch taken and sent twice while it goes on sending.
//!
//! A failure is retried with backoff (1, 2, 4 … minutes, at most an hour
//! apart) and given up after [`MAX_ATTEMPTS`].

mod deliver;
mod plan;
mod texts;

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::error::AppError;
use crate::state::AppState;
use crate::webhook::WebhookSender;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// Rows claimed per step unless told otherwise: the worker inside
/// `accord serve`, and `accord worker` without `--batch`.
pub const DEFAULT_BATCH: u32 = 50;
/// How far ahead reminders are planned.
pub const HORIZON: SignedDuration = SignedDuration::from_hours(48);
/// How long a claimed row stays with its worker before another may take
/// it (only after a crash does that happen): longer than any one send
/// may take, short enough that a crashed worker's message is not long late.
pub const LEASE: SignedDuration = SignedDuration::from_secs(45);

/// What one step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Partnerships whose plan was extended.
    pub planned: usize,
    /// Rows claimed.
    pub claimed: usize,
    /// Rows sent (or done, for internal jobs and dropped reminders).
    pub sent: usize,
    /// Rows that failed this time.
    pub failed: usize,
}

/// A worker over the app's state.
pub struct Worker {
    state: AppState,
    webhooks: WebhookSender,
    batch: u32,
}

/// The delay before retrying after `attempts` failed attempts.
pub fn backoff(attempts: i64) -> SignedDuration {
    let exp = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    SignedDuration::from_mins(2i64.pow(exp)).min(SignedDuration::from_hours(1))
}

impl Worker {
    /// A worker that claims up to `batch` rows per step.
    pub fn new(state: AppState, batch: u32) -> Result<Self, AppError> {
        let webhooks = WebhookSender::new(state.settings.allow_private_webhooks)
            .map_err(AppError::internal)?;
        Ok(Self {
            state,
            webhooks,
            batch: batch.max(1),
        })
    }

    /// One round: extend plans that are running out, then deliver up to a
    /// batch of due rows, claiming each just before it is sent.
    pub async fn step(&self) -> Result<Report, AppError> {
        let now = self.state.clock.now();
        let mut report = Report {
            planned: plan::plan_due(&self.state, now, self.batch).await?,
            ..Report::default()
        };
        let mut loaded = deliver::Loaded::default();
        while report.claimed < self.batch as usize {
            let now = self.state.clock.now();
            let Some(row) = self.state.store.claim_due(now, LEASE, 1).await?.pop() else {
                break;
            };
            report.claimed += 1;
            if deliver::deliver(&self.state, &self.webhooks, row, now, &mut loaded).await? {
                report.sent += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    /// Steps until `shutdown` resolves, pausing `idle` whenever a step
    /// found nothing to do. A failing step (the database away) is logged
    /// and retried after the pause.
    pub async fn run(self, idle: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let busy = match self.step().await {
                Ok(r) => {
                    if r.claimed > 0 || r.planned > 0 {
                        tracing::info!(
                            planned = r.planned,
                            claimed = r.claimed,
                            sent = r.sent,
                            failed = r.failed,
                            "worker step"
                        );
                    }
                    // More may be waiting: a full batch sent, or plans
                    // made (more partnerships may be due, and the rows
                    // just planned may be due now). Pause only after a
                    // step that found nothing of either.
                    r.claimed as u32 >= self.batch || r.planned > 0
                }
                Err(e) => {
                    tracing::error!(error = %e, "worker step failed");
                    false
                }
            };
            let pause = if busy { Duration::ZERO } else { idle };
            tokio::select! {
                biased;
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
}

/// When a failed row is tried again: `None` once it has had its attempts.
fn retry_at(now: Timestamp, attempts: i64) -> Option<Timestamp> {
    (attempts < MAX_ATTEMPTS).then(|| now.checked_add(backoff(attempts)).unwrap_or(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_and_stops_after_the_limit() {
        let mins: Vec<i64> = (1..=8).map(|a| backoff(a).as_mins()).collect();
        assert_eq!(mins, [1, 2, 4, 8, 16, 32, 60, 60]);
        let now = Timestamp::UNIX_EPOCH;
        assert!(retry_at(now, MAX_ATTEMPTS - 1).is_some());
        assert_eq!(retry_at(now, MAX_ATTEMPTS), None);
    }
}
