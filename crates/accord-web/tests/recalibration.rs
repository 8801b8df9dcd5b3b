//! Recalibration over HTTP: the health report of the period (kept rates,
//! responses fired, well-being, signals, the review), early when a signal
//! says so; a partner starts the next version from the one in force, with
//! today's date and the next recalibration date; both sign it; the
//! comparison is one link away. The coach reads and never starts it; a
//! stale or unconfirmed start changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use checkin_pages_support::*;
use common::*;

/// The agreement with a draft date and a recalibration date eight weeks on.
fn agreement() -> String {
    AGREEMENT.replace(
        "timezone = \"Europe/Berlin\"\n",
        "timezone = \"Europe/Berlin\"\ndrafted = 2026-03-02\n",
    ) + "\n[recalibration]\ndate = 2026-04-27\ncalendared = true\n"
}

fn stressed(stress: &str) -> Vec<(String, String)> {
    let form = complete(&["missed"], &["kept", "kept"]);
    with(form, "reports[0].wellbeing.stress", stress)
}

async fn draft_revision(app: &TestApp, id: &str) -> String {
    let p = app.store.partnership(&pid(id)).await.unwrap().unwrap();
    p.draft_revision.to_string()
}

async fn a_recalibration_from_report_to_signed_version(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = full_partnership(app).await;
    let page_path = format!("/p/{id}/recalibration");
    let page = maya.get(&page_path).await;
    assert!(page.body.contains("id=\"not-in-force\""), "{}", page.body);

    sign(app, &id, &agreement()).await;
    for n in 0..2 {
        during(app, n);
        record(&mut maya, &id, n, &stressed("5")).await;
    }
    // The report, early: Maya's stress and misses.
    let page = jonas.get(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = page.body.replace("&#39;", "'");
    assert!(
        body.contains("Agreed for Monday 27 April 2026, in 48 days."),
        "{body}"
    );
    assert!(body.contains("id=\"early\""), "{body}");
    assert!(
        body.contains("Health report: version 1, 3 March 2026 to 10 March 2026"),
        "{body}"
    );
    assert!(
        body.contains("<th scope=\"row\">Maya Chen</th><td>0%</td><td>0 kept, 0 partly kept, 2 missed</td><td>2</td><td>stress 5/5, energy 4/5</td>"),
        "{body}"
    );
    assert!(
        body.contains("<th scope=\"row\">Jonas Berg</th><td>100%</td>"),
        "{body}"
    );
    assert!(body.contains("class=\"cards signals\""), "{body}");
    assert!(body.contains("The review of version 1"));
    assert!(
        body.contains("with the next recalibration on Tuesday 21 April 2026"),
        "{body}"
    );
    // The coach reads it and cannot start the next version.
    let page = coach.get(&page_path).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Start the next version</button>"));
    let rev = draft_revision(app, &id).await;
    let refused = coach.post(&page_path, &[("revision", &rev)]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // An unreadable revision is refused beside its field; nothing changes.
    let bad = maya.post(&page_path, &[("revision", "x")]).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(draft_revision(app, &id).await, rev);
    // A stale revision changes nothing.
    let stale = maya.post(&page_path, &[("revision", "1")]).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(draft_revision(app, &id).await, rev);

    // Maya starts it: the draft is version 1, dated today, recalibrating
    // on 21 April: at risk, so in six weeks rather than the eight agreed.
    let started = maya.post(&page_path, &[("revision", &rev)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let page = maya.get(started.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains("The next version is drafted"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"draft-changed\""));
    let p = app.store.partnership(&pid(&id)).await.unwrap().unwrap();
    let draft = accord_core::parse_toml(&p.draft).unwrap();
    let recal = draft.recalibration.as_ref().unwrap();
    assert_eq!(recal.date.unwrap().to_string(), "2026-04-21");
    assert_eq!(draft.drafted.unwrap().to_string(), "2026-03-10");
    assert_eq!(
        draft.goals,
        accord_core::parse_toml(&agreement()).unwrap().goals
    );

    // A second start would replace unsigned changes: it asks first.
    let rev = draft_revision(app, &id).await;
    let unconfirmed = jonas.post(&page_path, &[("revision", &rev)]).await;
    assert_eq!(unconfirmed.status, 409, "{}", unconfirmed.body);
    assert!(
        unconfirmed.body.contains("Tick the box"),
        "{}",
        unconfirmed.body
    );
    assert_eq!(draft_revision(app, &id).await, rev);

    // Both sign; version 2 is in force and the comparison is linked.
    for c in [&mut maya, &mut jonas] {
        c.get(&format!("/p/{id}")).await;
        let signed = c
            .post(&format!("/p/{id}/sign"), &[("revision", &rev)])
            .await;
        assert_eq!(signed.status, 303, "{}", signed.body);
    }
    let versions = app.store.versions(&pid(&id)).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[1].signed_at.is_some());
    let page = maya.get(&page_path).await;
    assert!(
        page.body.contains("Agreed for Tuesday 21 April 2026"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"compare-signed\""), "{}", page.body);
    let compare = maya.get(&format!("/p/{id}/compare?from=1&to=2")).await;
    assert_eq!(compare.status, 200);
    assert!(compare.body.contains("2026-04-21"), "{}", compare.body);

    // The dashboard starts the new period; the one just closed keeps its
    // report, as it stood when version 2 was signed.
    assert!(
        page.body.contains("id=\"previous-period\""),
        "{}",
        page.body
    );
    let now = jonas.get(&format!("/p/{id}/dashboard")).await;
    assert!(
        now.body
            .contains("Version 2, in force since 10 March 2026: 0 check-ins held"),
        "{}",
        now.body
    );
    assert!(
        now.body.contains(
            "href=\"/p/{id}/dashboard?version=1\""
                .replace("{id}", &id)
                .as_str()
        ),
        "{}",
        now.body
    );
    let closed = jonas.get(&format!("/p/{id}/dashboard?version=1")).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(
        closed.body.contains("id=\"closed-period\""),
        "{}",
        closed.body
    );
    assert!(
        closed.body.contains("to 10 March 2026, when the next version was signed. This is how that period stood when it closed: 2 check-ins held, 0 missed, 0 paused."),
        "{}",
        closed.body
    );
    assert!(closed.body.contains("data-signal=\"wellbeing-falling\""));
    assert!(closed.body.contains("As they stood when the period closed"));
    assert!(!closed.body.contains("id=\"upcoming\""));
    assert!(!closed.body.contains("Prepare an early recalibration"));
    // A version that is not there, or not a number, is said so.
    assert_eq!(
        jonas
            .get(&format!("/p/{id}/dashboard?version=3"))
            .await
            .status,
        404
    );
    let bad = jonas.get(&format!("/p/{id}/dashboard?version=two")).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("is not a version number"), "{}", bad.body);
}

on_both_databases!(a_recalibration_from_report_to_signed_version: recalibration_sqlite, recalibration_postgres);

#[tokio::test]
async fn strangers_and_visitors_get_nothing() {
    let app = spawn_app().await;
    let (_, _, _, id) = signed(&app).await;
    let mut olga = signup(&app, "Olga Ilves", "olga@example.org").await;
    let path = format!("/p/{id}/recalibration");
    assert_eq!(olga.get(&path).await.status, 404);
    assert_eq!(olga.post(&path, &[("revision", "2")]).await.status, 404);
    let mut visitor = Client::new(&app);
    assert_eq!(visitor.get(&path).await.status, 303);
}

/// A check-in nobody recorded under version 1 keeps its page once version
/// 2 is signed (the closed period's log links to it), shown by the
/// schedule it belonged to; one before any version was signed is not found.
async fn a_missed_checkin_of_a_closed_period_keeps_its_page(app: &TestApp) {
    let (mut maya, mut jonas, _, id) = full_partnership(app).await;
    sign(app, &id, &agreement()).await;
    // Check-in 0 is missed; check-in 1 is recorded.
    during(app, 1);
    record(&mut maya, &id, 1, &stressed("2")).await;
    let before = jonas.get(&path(&id, 0)).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(before.body.contains("status missed"), "{}", before.body);
    // Version 2 is signed a day later.
    app.clock.set(
        start(1)
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap(),
    );
    sign(
        app,
        &id,
        &agreement().replace("minutes = 25", "minutes = 30"),
    )
    .await;
    let after = jonas.get(&path(&id, 0)).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert!(after.body.contains("status missed"), "{}", after.body);
    assert_eq!(jonas.get(&path(&id, 1)).await.status, 200);
    // Before version 1 was signed there was no check-in.
    assert_eq!(jonas.get(&path(&id, -1)).await.status, 404);
}

on_both_databases!(a_missed_checkin_of_a_closed_period_keeps_its_page: missed_page_sqlite, missed_page_postgres);
