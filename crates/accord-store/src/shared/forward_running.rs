//! The part of [`super::store_impl!`] that forwards the methods of a
//! running agreement (running, pauses, outbox and planning, settings) to
//! the query functions generated in the dialect module; kept apart so that
//! neither file grows too long.

/// Expands, inside `impl Store for …`, to the methods of a running
/// agreement, forwarding each to the query functions in module `$q`.
macro_rules! running_methods {
    ($q:ident) => {
        fn save_preparation<'a>(
            &'a self,
            new: &'a $crate::NewPreparation<'a>,
        ) -> $crate::Fut<'a, ()> {
            Box::pin($q::running::save_preparation(&self.pool, new))
        }
        fn preparations<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            occurrence: jiff::Timestamp,
        ) -> $crate::Fut<'a, Vec<$crate::Preparation>> {
            Box::pin($q::running::preparations(
                &self.pool,
                partnership,
                occurrence,
            ))
        }
        fn prepared<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
        ) -> $crate::Fut<'a, Vec<$crate::Prepared>> {
            Box::pin($q::prepared::prepared(&self.pool, partnership))
        }
        fn record_checkin_keyed<'a>(
            &'a self,
            new: &'a $crate::NewCheckin<'a>,
            keyed: Option<&'a $crate::Keyed<$crate::Checkin>>,
        ) -> $crate::Fut<'a, $crate::Checkin> {
            Box::pin($q::running::record_checkin(&self.pool, new, keyed))
        }
        fn checkin<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            occurrence: jiff::Timestamp,
        ) -> $crate::Fut<'a, Option<$crate::Checkin>> {
            Box::pin($q::running::checkin(&self.pool, partnership, occurrence))
        }
        fn checkins<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
        ) -> $crate::Fut<'a, Vec<$crate::Checkin>> {
            Box::pin($q::running::checkins(&self.pool, partnership))
        }
        fn add_note_keyed<'a>(
            &'a self,
            new: &'a $crate::NewNote<'a>,
            keyed: Option<&'a $crate::Keyed<$crate::Note>>,
        ) -> $crate::Fut<'a, $crate::Note> {
            Box::pin($q::running::add_note(&self.pool, new, keyed))
        }
        fn notes<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            occurrence: jiff::Timestamp,
            viewer: &'a $crate::UserId,
        ) -> $crate::Fut<'a, Vec<$crate::Note>> {
            Box::pin($q::running::notes(
                &self.pool,
                partnership,
                occurrence,
                viewer,
            ))
        }
        fn consequence_log<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
        ) -> $crate::Fut<'a, Vec<$crate::ConsequenceEntry>> {
            Box::pin($q::running::consequence_log(&self.pool, partnership))
        }
        fn record_missed_checkin<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            consequence: &'a $crate::NewConsequence<'a>,
            notifications: &'a [$crate::NewNotification],
            now: jiff::Timestamp,
        ) -> $crate::Fut<'a, bool> {
            Box::pin($q::running::record_missed_checkin(
                &self.pool,
                partnership,
                consequence,
                notifications,
                now,
            ))
        }
        fn propose_pause_keyed<'a>(
            &'a self,
            new: &'a $crate::NewPause<'a>,
            keyed: Option<&'a $crate::Keyed<$crate::Pause>>,
        ) -> $crate::Fut<'a, $crate::Pause> {
            Box::pin($q::pauses::propose_pause(&self.pool, new, keyed))
        }
        fn agree_pause_keyed<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            id: &'a $crate::PauseId,
            user: &'a $crate::UserId,
            now: jiff::Timestamp,
            keyed: Option<&'a $crate::Keyed<$crate::Pause>>,
        ) -> $crate::Fut<'a, $crate::Pause> {
            Box::pin($q::pauses::agree_pause(
                &self.pool,
                partnership,
                id,
                user,
                now,
                keyed,
            ))
        }
        fn withdraw_pause_keyed<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
            id: &'a $crate::PauseId,
            user: &'a $crate::UserId,
            now: jiff::Timestamp,
            keyed: Option<&'a $crate::Keyed<$crate::Pause>>,
        ) -> $crate::Fut<'a, $crate::Pause> {
            Box::pin($q::pauses::withdraw_pause(
                &self.pool,
                partnership,
                id,
                user,
                now,
                keyed,
            ))
        }
        fn pauses<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
        ) -> $crate::Fut<'a, Vec<$crate::Pause>> {
            Box::pin($q::pauses::pauses(&self.pool, partnership))
        }
        fn enqueue<'a>(&'a self, rows: &'a [$crate::NewNotification]) -> $crate::Fut<'a, u64> {
            Box::pin($q::outbox::enqueue(&self.pool, rows))
        }
        fn claim_due<'a>(
            &'a self,
            now: jiff::Timestamp,
            lease: jiff::SignedDuration,
            limit: u32,
        ) -> $crate::Fut<'a, Vec<$crate::Outgoing>> {
            Box::pin($q::outbox::claim_due(&self.pool, now, lease, limit))
        }
        fn mark_sent<'a>(
            &'a self,
            id: &'a $crate::OutboxId,
            lease_token: &'a str,
            now: jiff::Timestamp,
        ) -> $crate::Fut<'a, bool> {
            Box::pin($q::outbox::mark_sent(&self.pool, id, lease_token, now))
        }
        fn mark_failed<'a>(
            &'a self,
            id: &'a $crate::OutboxId,
            lease_token: &'a str,
            error: &'a str,
            retry_at: Option<jiff::Timestamp>,
        ) -> $crate::Fut<'a, bool> {
            Box::pin($q::outbox::mark_failed(
                &self.pool,
                id,
                lease_token,
                error,
                retry_at,
            ))
        }
        fn outbox_counts<'a>(&'a self) -> $crate::Fut<'a, $crate::OutboxCounts> {
            Box::pin($q::outbox::outbox_counts(&self.pool))
        }
        fn partnerships_to_plan<'a>(
            &'a self,
            before: jiff::Timestamp,
            limit: u32,
        ) -> $crate::Fut<'a, Vec<$crate::PartnershipId>> {
            Box::pin($q::outbox::partnerships_to_plan(&self.pool, before, limit))
        }
        fn planned_until<'a>(
            &'a self,
            partnership: &'a $crate::PartnershipId,
        ) -> $crate::Fut<'a, Option<jiff::Timestamp>> {
            Box::pin($q::outbox::planned_until(&self.pool, partnership))
        }
        fn save_plans<'a>(
            &'a self,
            plans: &'a [$crate::PlanSave<'a>],
        ) -> $crate::Fut<'a, Vec<bool>> {
            Box::pin($q::outbox::save_plans(&self.pool, plans))
        }
        fn notification_settings<'a>(
            &'a self,
            user: &'a $crate::UserId,
        ) -> $crate::Fut<'a, $crate::NotificationSettings> {
            Box::pin($q::settings::notification_settings(&self.pool, user))
        }
        fn set_notification_settings<'a>(
            &'a self,
            user: &'a $crate::UserId,
            settings: &'a $crate::NotificationSettings,
            now: jiff::Timestamp,
        ) -> $crate::Fut<'a, ()> {
            Box::pin($q::settings::set_notification_settings(
                &self.pool, user, settings, now,
            ))
        }
        fn set_calendar_token<'a>(
            &'a self,
            user: &'a $crate::UserId,
            token: Option<&'a $crate::TokenHash>,
            now: jiff::Timestamp,
        ) -> $crate::Fut<'a, ()> {
            Box::pin($q::settings::set_calendar_token(
                &self.pool, user, token, now,
            ))
        }
        fn calendar_user<'a>(
            &'a self,
            token: &'a $crate::TokenHash,
        ) -> $crate::Fut<'a, Option<$crate::User>> {
            Box::pin($q::settings::calendar_user(&self.pool, token))
        }
        fn calendar_since<'a>(
            &'a self,
            user: &'a $crate::UserId,
        ) -> $crate::Fut<'a, Option<jiff::Timestamp>> {
            Box::pin($q::settings::calendar_since(&self.pool, user))
        }
        fn create_checkin_link<'a>(
            &'a self,
            new: &'a $crate::NewCheckinLink<'a>,
        ) -> $crate::Fut<'a, ()> {
            Box::pin($q::running::create_checkin_link(&self.pool, new))
        }
        fn checkin_link<'a>(
            &'a self,
            id: &'a $crate::LinkId,
        ) -> $crate::Fut<'a, Option<$crate::CheckinLink>> {
            Box::pin($q::running::checkin_link(&self.pool, id))
        }
        fn server_secret<'a>(
            &'a self,
            name: &'a str,
            candidate: &'a str,
        ) -> $crate::Fut<'a, String> {
            Box::pin($q::settings::server_secret(&self.pool, name, candidate))
        }
    };
}
pub(crate) use running_methods;
