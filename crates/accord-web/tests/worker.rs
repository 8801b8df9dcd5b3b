//! The worker against a real database, driven step by step with the app's
//! clock: reminders planned from the signed agreement go out by e-mail and
//! webhook at their times, once; a check-in not recorded within its grace
//! window fires the agreed missed-check-in protocol once; failures retry
//! with backoff and stop after the limit; reminders inside an agreed pause
//! or for a check-in already recorded are not sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use accord_store::{NotificationSettings, PartnershipId, UserId};
use accord_testkit::WebhookReceiver;
use accord_web::worker::{MAX_ATTEMPTS, Worker};
use common::*;
use jiff::{SignedDuration, Timestamp};

/// A weekly Tuesday 08:00 Berlin agreement with a boundary reminder for
/// Jonas, a recalibration date and a missed-check-in response.
const AGREEMENT: &str = r#"
format = 1
title = "Maya and Jonas"
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"
email = "maya@example.org"

[[party]]
id = "jonas"
name = "Jonas Berg"
email = "jonas@example.org"

[[goal]]
party = "maya"
outcome = "Publish the plan"
actions = ["Block three mornings"]

[[goal]]
party = "jonas"
outcome = "Run twice a week"
actions = ["Run Tuesday and Friday"]

[[boundary]]
party = "jonas"
rule = "No work e-mail after 19:00"
phrase = "I'll answer tomorrow."
remind = "weekdays 18:45"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
minutes = 30
facilitation = "rotating"
missed_checkin = "We reschedule within 48 hours."

[agenda]
items = ["Commitments since last time", "What got in the way", "Next commitments"]

[[consequence]]
after_misses = 1
response = "Ask what got in the way."

[recalibration]
date = 2026-12-15
calendared = true
"#;

struct Setup {
    id: PartnershipId,
    maya: UserId,
    jonas: UserId,
}

/// Signs [`AGREEMENT`] on Monday 2026-11-23 00:00 UTC.
async fn signed(app: &TestApp) -> Setup {
    app.clock.set("2026-11-23T00:00:00Z".parse().unwrap());
    let (_maya, _jonas, _coach, id) = full_partnership(app).await;
    let id = PartnershipId::parse(&id).unwrap();
    let user =
        |e: &'static str| async move { app.store.user_by_email(e).await.unwrap().unwrap().id };
    let (maya, jonas) = (
        user("maya@example.org").await,
        user("jonas@example.org").await,
    );
    let p = app.store.partnership(&id).await.unwrap().unwrap();
    let now = app.clock_now();
    let rev = app
        .store
        .save_draft(&id, p.draft_revision, AGREEMENT, now)
        .await
        .unwrap();
    app.store.sign_draft(&id, rev, &maya, now).await.unwrap();
    app.store.sign_draft(&id, rev, &jonas, now).await.unwrap();
    Setup { id, maya, jonas }
}

trait Now {
    fn clock_now(&self) -> Timestamp;
}
impl Now for TestApp {
    fn clock_now(&self) -> Timestamp {
        use accord_web::Clock;
        self.clock.now()
    }
}

async fn step_at(app: &TestApp, worker: &Worker, at: &str) {
    app.clock.set(at.parse().unwrap());
    // Step until a round finds nothing more to do.
    for _ in 0..20 {
        let r = worker.step().await.unwrap();
        if r.claimed == 0 && r.planned == 0 {
            return;
        }
    }
    panic!("the worker kept finding work");
}

/// Both partners get their reminders by webhook only, at `hook`.
async fn webhooks_only(app: &TestApp, s: &Setup, hook: &WebhookReceiver) {
    for user in [&s.maya, &s.jonas] {
        app.store
            .set_notification_settings(
                user,
                &NotificationSettings {
                    email: false,
                    webhook_url: Some(hook.url("/hook")),
                    webhook_secret: Some("another-secret-value".into()),
                },
                app.clock_now(),
            )
            .await
            .unwrap();
    }
}

fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox
        .sent()
        .into_iter()
        .filter(|m| m.to == to)
        .map(|m| m.subject)
        .collect()
}

async fn reminders_go_out_once_by_email_and_webhook(app: &TestApp) {
    let hook = WebhookReceiver::start().await;
    let s = signed(app).await;
    app.store
        .set_notification_settings(
            &s.jonas,
            &NotificationSettings {
                email: true,
                webhook_url: Some(hook.url("/accord-jonas")),
                webhook_secret: Some("s3cret-s3cret-s3cret".into()),
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    let worker = Worker::new(app.state.clone(), 50).unwrap();

    // Sunday night: nothing due yet.
    step_at(app, &worker, "2026-11-23T06:59:00Z").await;
    assert!(app.outbox.sent().is_empty());
    // Monday 08:00 Berlin: preparation for Tuesday's check-in, to both.
    step_at(app, &worker, "2026-11-23T07:00:00Z").await;
    assert_eq!(
        subjects(app, "maya@example.org"),
        ["Prepare for your check-in: Maya and Jonas"]
    );
    assert_eq!(
        subjects(app, "jonas@example.org"),
        ["Prepare for your check-in: Maya and Jonas"]
    );
    let prep = &app.outbox.sent()[0];
    assert!(
        prep.body
            .contains("Tuesday 24 November 2026, 08:00 (Europe/Berlin)"),
        "{}",
        prep.body
    );
    assert!(
        prep.body.contains(&format!("{}/c/", app.base)),
        "a check-in link: {}",
        prep.body
    );
    let hooks = hook.wait_for(1, std::time::Duration::from_secs(5)).await;
    assert_eq!(hooks.len(), 1);
    let body = hooks[0].json().unwrap();
    assert_eq!(body["accord"]["kind"], "preparation");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("Prepare for your check-in")
    );
    assert_eq!(body["topic"], "accord-jonas");
    let signature = hooks[0].header("x-accord-signature").unwrap().to_owned();
    assert!(accord_web::webhook::verify(
        "s3cret-s3cret-s3cret",
        &signature,
        &hooks[0].body,
        app.clock_now().as_second(),
        300
    ));

    // Monday 18:45 Berlin: Jonas's boundary, to Jonas only.
    step_at(app, &worker, "2026-11-23T17:45:00Z").await;
    assert_eq!(
        subjects(app, "jonas@example.org").last().unwrap(),
        "Boundary: No work e-mail after 19:00"
    );
    assert_eq!(subjects(app, "maya@example.org").len(), 1);
    // Tuesday 07:00 Berlin: the check-in in an hour, with the agenda.
    step_at(app, &worker, "2026-11-24T06:00:00Z").await;
    let last = app
        .outbox
        .sent()
        .into_iter()
        .rev()
        .find(|m| m.to == "maya@example.org")
        .unwrap();
    assert_eq!(last.subject, "Check-in in an hour: Maya and Jonas");
    assert!(
        last.body.contains("1. Commitments since last time"),
        "{}",
        last.body
    );
    assert!(
        last.body.contains("You facilitate this one."),
        "{}",
        last.body
    );

    // Nobody records it. Thursday 08:00 Berlin the grace window closes:
    // the missed-check-in protocol fires once, to both.
    step_at(app, &worker, "2026-11-26T06:59:00Z").await;
    assert!(app.store.consequence_log(&s.id).await.unwrap().is_empty());
    step_at(app, &worker, "2026-11-26T07:00:00Z").await;
    let log = app.store.consequence_log(&s.id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].response, "We reschedule within 48 hours.");
    let missed: Vec<_> = app
        .outbox
        .sent()
        .into_iter()
        .filter(|m| m.subject == "Missed check-in: Maya and Jonas")
        .collect();
    assert_eq!(missed.len(), 2);
    assert!(
        missed[0]
            .body
            .contains("What you agreed for this case: We reschedule within 48 hours.")
    );

    // More steps, later: nothing is sent twice.
    let before = app.outbox.sent().len();
    step_at(app, &worker, "2026-11-26T07:30:00Z").await;
    assert_eq!(app.outbox.sent().len(), before);
    let mut seen = std::collections::HashSet::new();
    for m in app.outbox.sent() {
        assert!(
            seen.insert((m.to.clone(), m.subject.clone(), m.body.clone())),
            "sent twice: {}",
            m.subject
        );
    }
    let counts = app.store.outbox_counts().await.unwrap();
    assert_eq!(counts.failed, 0);
    let _ = s.maya;
}
on_both_databases!(reminders_go_out_once_by_email_and_webhook: reminders_on_sqlite, reminders_on_postgres);

async fn failures_retry_with_backoff_then_stop(app: &TestApp) {
    let hook = WebhookReceiver::start().await;
    let s = signed(app).await;
    webhooks_only(app, &s, &hook).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    hook.fail_next(1_000);
    step_at(app, &worker, "2026-11-23T07:00:00Z").await;
    // One attempt each so far; they come back after 1, 2, 4 … minutes.
    assert_eq!(
        hook.requests().len(),
        2,
        "{:?}",
        hook.requests()
            .iter()
            .map(|r| r.body_text().to_string())
            .collect::<Vec<_>>()
    );
    let mut at: Timestamp = "2026-11-23T07:00:00Z".parse().unwrap();
    for attempt in 1..MAX_ATTEMPTS {
        let wait = accord_web::worker::backoff(attempt);
        at = at.checked_add(wait - SignedDuration::from_secs(1)).unwrap();
        step_at(app, &worker, &at.to_string()).await;
        assert_eq!(
            hook.requests().len(),
            2 * attempt as usize,
            "not before the backoff"
        );
        at = at.checked_add(SignedDuration::from_secs(1)).unwrap();
        step_at(app, &worker, &at.to_string()).await;
        assert_eq!(hook.requests().len(), 2 * (attempt as usize + 1));
    }
    // Given up after the limit: two rows failed for good.
    at = at.checked_add(SignedDuration::from_hours(2)).unwrap();
    step_at(app, &worker, &at.to_string()).await;
    assert_eq!(hook.requests().len(), 2 * MAX_ATTEMPTS as usize);
    assert_eq!(app.store.outbox_counts().await.unwrap().failed, 2);

    // A receiver that recovers gets the next reminders on time: Jonas's
    // boundary on Monday evening, then both check-in reminders.
    hook.fail_next(0);
    step_at(app, &worker, "2026-11-24T06:00:00Z").await;
    let kinds: Vec<String> = hook
        .accepted()
        .iter()
        .map(|r| {
            r.json().unwrap()["accord"]["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["boundary", "checkin", "checkin"]);
}
on_both_databases!(failures_retry_with_backoff_then_stop: retries_on_sqlite, retries_on_postgres);

/// A webhook address inside the network, on an instance that does not
/// allow them: nothing is posted and the reminders fail for good at once,
/// instead of being retried eight times.
async fn private_webhooks_are_refused_for_good(app: &TestApp) {
    let hook = WebhookReceiver::start().await;
    let s = signed(app).await;
    webhooks_only(app, &s, &hook).await;
    // The same app, as an operator runs it by default.
    let strict = accord_web::AppState::new(
        app.store.clone(),
        app.clock.clone(),
        None,
        accord_web::Settings::new(&app.base),
    );
    let worker = Worker::new(strict, 50).unwrap();
    step_at(app, &worker, "2026-11-23T07:00:00Z").await;
    let counts = app.store.outbox_counts().await.unwrap();
    assert_eq!((counts.failed, counts.sent), (2, 0), "{counts:?}");
    // Hours later nothing was tried again.
    step_at(app, &worker, "2026-11-23T12:00:00Z").await;
    assert!(hook.requests().is_empty(), "nothing reached the receiver");
    assert_eq!(app.store.outbox_counts().await.unwrap().failed, 2);
}

on_both_databases!(private_webhooks_are_refused_for_good: private_on_sqlite, private_on_postgres);

/// A week before the agreed recalibration date, both partners are told,
/// with a link to the recalibration page and its health report.
async fn the_recalibration_reminder_leads_to_its_page(app: &TestApp) {
    let s = signed(app).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    // Every morning from the signing to 8 December, 09:30 Berlin.
    let mut at: Timestamp = "2026-11-23T08:30:00Z".parse().unwrap();
    let last: Timestamp = "2026-12-08T08:30:00Z".parse().unwrap();
    while at <= last {
        step_at(app, &worker, &at.to_string()).await;
        at = at.checked_add(SignedDuration::from_hours(24)).unwrap();
    }
    for to in ["maya@example.org", "jonas@example.org"] {
        let mails: Vec<_> = app
            .outbox
            .sent()
            .into_iter()
            .filter(|m| m.to == to && m.subject == "Recalibration in a week: Maya and Jonas")
            .collect();
        assert_eq!(mails.len(), 1, "{to}: {:?}", subjects(app, to));
        let body = &mails[0].body;
        assert!(
            body.contains(
                "On Tuesday 15 December 2026 you agreed to look at the agreement together"
            ),
            "{body}"
        );
        assert!(body.contains("The health report of the period"), "{body}");
        assert!(
            body.contains(&format!("/p/{}/recalibration", s.id)),
            "{body}"
        );
    }
}

on_both_databases!(the_recalibration_reminder_leads_to_its_page: recalibration_reminder_on_sqlite, recalibration_reminder_on_postgres);

/// Signs `agreement` as the new version in force of `id`, by both.
async fn sign_version(app: &TestApp, id: &PartnershipId, s: &Setup, agreement: &str) {
    let p = app.store.partnership(id).await.unwrap().unwrap();
    let now = app.clock_now();
    let rev = app
        .store
        .save_draft(id, p.draft_revision, agreement, now)
        .await
        .unwrap();
    app.store.sign_draft(id, rev, &s.maya, now).await.unwrap();
    app.store.sign_draft(id, rev, &s.jonas, now).await.unwrap();
}

/// [`AGREEMENT`] with 45-minute check-ins: another version to sign.
fn amended() -> String {
    AGREEMENT.replace("minutes = 30", "minutes = 45")
}

/// Records Tuesday 24 November's check-in (08:00 Berlin) at 08:10 through
/// the app's own path, which enqueues the recap to both partners.
async fn record_tuesday(app: &TestApp, s: &Setup) {
    app.clock.set("2026-11-24T07:10:00Z".parse().unwrap());
    let history = app.store.history(&s.id).await.unwrap().unwrap();
    let inforce = accord_web::running::InForce::build(&s.id, history, None)
        .unwrap()
        .unwrap();
    let report = |party: &str, commitment: &str| {
        serde_json::json!({
            "party": party,
            "reviewed": [{"commitment": commitment, "outcome": "kept"}],
            "win": "Kept the week",
            "next_commitments": [commitment],
            "next_step": "Put it in the calendar today",
        })
    };
    let record: accord_core::checkin::CheckinRecord =
        serde_json::from_value(serde_json::json!({"reports": [
            report("maya", "Block three mornings"),
            report("jonas", "Run Tuesday and Friday"),
        ]}))
        .unwrap();
    accord_web::running::record(
        &app.state,
        &inforce,
        &s.maya,
        "2026-11-24T07:00:00Z".parse().unwrap(),
        record,
        None,
        None,
        None,
    )
    .await
    .unwrap();
}

/// A recap reports a check-in that happened: a version signed after it
/// was recorded and before the worker got to it does not stop it (only
/// reminders planned from the old version are dropped).
async fn a_recap_goes_out_after_a_new_version(app: &TestApp) {
    let s = signed(app).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    step_at(app, &worker, "2026-11-24T06:00:00Z").await;
    record_tuesday(app, &s).await;
    sign_version(app, &s.id, &s, &amended()).await;
    assert_eq!(app.store.versions(&s.id).await.unwrap().len(), 2);
    step_at(app, &worker, "2026-11-24T07:11:00Z").await;
    for to in ["maya@example.org", "jonas@example.org"] {
        let recaps: Vec<_> = subjects(app, to)
            .into_iter()
            .filter(|s| s == "Check-in recap: Maya and Jonas")
            .collect();
        assert_eq!(recaps.len(), 1, "{to}: {:?}", subjects(app, to));
    }
    assert_eq!(app.store.outbox_counts().await.unwrap().failed, 0);
}
on_both_databases!(a_recap_goes_out_after_a_new_version: recap_after_new_version_on_sqlite, recap_after_new_version_on_postgres);

/// The missed-check-in notice reports something that happened too: it
/// goes out though a new version is signed between the protocol firing
/// and the notice's delivery.
async fn a_missed_checkin_notice_goes_out_after_a_new_version(app: &TestApp) {
    let s = signed(app).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    step_at(app, &worker, "2026-11-23T07:00:00Z").await;
    step_at(app, &worker, "2026-11-24T06:00:00Z").await;
    step_at(app, &worker, "2026-11-26T06:59:00Z").await;
    // Thursday 08:00 Berlin: a step of one row fires the protocol, which
    // enqueues the notices (a step of a larger batch would go on to send
    // them); a new version is signed before the next step.
    app.clock.set("2026-11-26T07:00:00Z".parse().unwrap());
    let one_row = Worker::new(app.state.clone(), 1).unwrap();
    let report = one_row.step().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1), "{report:?}");
    assert_eq!(app.store.consequence_log(&s.id).await.unwrap().len(), 1);
    let missed = |app: &TestApp| {
        app.outbox
            .sent()
            .into_iter()
            .filter(|m| m.subject == "Missed check-in: Maya and Jonas")
            .map(|m| m.to)
            .collect::<Vec<_>>()
    };
    assert!(missed(app).is_empty());
    sign_version(app, &s.id, &s, &amended()).await;
    step_at(app, &worker, "2026-11-26T07:00:00Z").await;
    let mut to = missed(app);
    to.sort();
    assert_eq!(to, ["jonas@example.org", "maya@example.org"]);
}
on_both_databases!(a_missed_checkin_notice_goes_out_after_a_new_version: missed_notice_after_new_version_on_sqlite, missed_notice_after_new_version_on_postgres);

/// One partnership whose stored history does not parse (a check-in
/// record that is not JSON) fails its own rows and is skipped when
/// planning; everyone else's reminders still go out.
async fn one_broken_partnership_does_not_stop_the_others(app: &TestApp) {
    let s = signed(app).await;
    // A second partnership of the same two, signed at the same time.
    let mut maya = Client::new(app);
    maya.log_in("maya@example.org").await;
    let second = start_partnership(&mut maya, "Second pact").await;
    let link = invite(&mut maya, &second, "partner").await;
    let mut jonas = Client::new(app);
    jonas.log_in("jonas@example.org").await;
    jonas.get(&link).await;
    assert_eq!(jonas.post(&link, &[]).await.status, 303);
    let second = PartnershipId::parse(&second).unwrap();
    let text = AGREEMENT.replace("title = \"Maya and Jonas\"", "title = \"Second pact\"");
    sign_version(app, &second, &s, &text).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    step_at(app, &worker, "2026-11-23T00:00:00Z").await;

    // Its stored check-in of the week before goes bad.
    app.store
        .record_checkin(&accord_store::NewCheckin {
            partnership: &second,
            occurrence: "2026-11-17T07:00:00Z".parse().unwrap(),
            version: 1,
            record: "{ this is not JSON",
            recorded_by: &s.maya,
            note: None,
            consequences: &[],
            notifications: &[],
            link: None,
            now: app.clock_now(),
        })
        .await
        .unwrap();

    // Monday 08:00 Berlin: the preparation reminders planned for both are
    // due. The broken partnership's fail (to be retried); the others go.
    app.clock.set("2026-11-23T07:00:00Z".parse().unwrap());
    let report = worker.step().await.unwrap();
    assert_eq!(
        (report.claimed, report.sent, report.failed),
        (4, 2, 2),
        "{report:?}"
    );
    step_at(app, &worker, "2026-11-23T07:00:00Z").await;
    for to in ["maya@example.org", "jonas@example.org"] {
        assert_eq!(
            subjects(app, to),
            ["Prepare for your check-in: Maya and Jonas"],
            "{to}"
        );
    }

    // A week on, both plans need extending: the broken one is skipped, the
    // other planned, and its next preparation reminder goes out on time.
    step_at(app, &worker, "2026-11-30T07:00:00Z").await;
    for to in ["maya@example.org", "jonas@example.org"] {
        let all = subjects(app, to);
        let prep = all
            .iter()
            .filter(|s| *s == "Prepare for your check-in: Maya and Jonas")
            .count();
        assert_eq!(prep, 2, "{to}: {all:?}");
        assert!(
            all.iter().all(|s| !s.contains("Second pact")),
            "{to}: {all:?}"
        );
    }
}
on_both_databases!(one_broken_partnership_does_not_stop_the_others: broken_partnership_on_sqlite, broken_partnership_on_postgres);
