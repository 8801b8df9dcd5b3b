//! The coach's overview: every partnership the coach was invited to, most
//! in need first, with its health, signals and recalibration date, and
//! nothing private; partners' own partnerships are not on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use accord_web::Clock;
use checkin_pages_support::*;
use common::*;

async fn the_coach_sees_health_never_private_notes(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = full_partnership(app).await;
    let page = coach.get("/coach").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Not in force yet"), "{}", page.body);

    sign(app, &id, AGREEMENT).await;
    // A bad fortnight: Maya misses twice with stress at 5, and writes a
    // private note each time.
    for n in 0..2 {
        during(app, n);
        let form = complete(&["missed"], &["kept", "kept"]);
        let mut form = with(form, "reports[0].wellbeing.stress", "5");
        form.push(("note".into(), "Private: I am close to burning out".into()));
        form.push(("note_private".into(), "on".into()));
        record(&mut maya, &id, n, &form).await;
    }
    // A second partnership Ruth coaches, not started; one where she is a
    // partner herself is not on the page.
    let mut olga = signup(app, "Olga Ilves", "olga@example.org").await;
    let other = start_partnership(&mut olga, "Olga and Piet").await;
    let link = invite(&mut olga, &other, "coach").await;
    coach.get(&link).await;
    assert_eq!(coach.post(&link, &[]).await.status, 303);
    let own = start_partnership(&mut coach, "Ruth's own pact").await;

    let page = coach.get("/coach").await;
    assert_eq!(page.status, 200);
    let body = page.body.replace("&#39;", "'");
    let at_risk = body.find("data-state=\"at-risk\"").expect("at risk first");
    let not_started = body.find("data-state=\"not-started\"").unwrap();
    assert!(at_risk < not_started, "most in need first");
    assert!(body.contains("Maya and Jonas"));
    assert!(body.contains("Olga and Piet"));
    assert!(!body.contains(&own) && !body.contains("Ruth's own pact"));
    assert!(body.contains("Maya's stress was 4 or higher"), "{body}");
    assert!(
        body.contains("Kept rates: Maya Chen 0% · Jonas Berg 100%"),
        "{body}"
    );
    assert!(body.contains(&format!("href=\"/p/{id}/dashboard\"")));
    assert!(!body.contains("burning out"), "no private note");
    // The partners are not coaches of anything.
    let page = jonas.get("/coach").await;
    assert!(page.body.contains("id=\"no-coaching\""));
}

on_both_databases!(the_coach_sees_health_never_private_notes: coach_sqlite, coach_postgres);

#[tokio::test]
async fn visitors_log_in_first() {
    let app = spawn_app().await;
    let mut visitor = Client::new(&app);
    let page = visitor.get("/coach").await;
    assert_eq!(page.status, 303);
    assert!(page.location.unwrap().starts_with("/login"));
}

/// Consent can be withdrawn: a partner removes the coach, who then sees
/// nothing of the partnership; a coach can leave; partners are never
/// removed, and nobody else removes anyone.
async fn partners_can_remove_the_coach(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    let ruth = user(app, "ruth@example.org").await;
    let maya_id = user(app, "maya@example.org").await;
    let remove = |who: &accord_store::UserId| format!("/p/{id}/members/{who}/remove");

    // The partners see the button; the coach sees "Leave".
    let page = maya.get(&format!("/p/{id}")).await;
    assert!(page.body.contains("Remove the coach"), "{}", page.body);
    let page = coach.get(&format!("/p/{id}")).await;
    assert!(
        page.body.contains("Leave this partnership"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Remove the coach"));

    // Nobody removes a partner; the coach removes nobody else; a stranger
    // is told nothing.
    let refused = coach.post(&remove(&maya_id), &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let refused = jonas.post(&remove(&maya_id), &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("A partner cannot be removed"));
    let mut olga = signup(app, "Olga Ilves", "olga@example.org").await;
    assert_eq!(olga.post(&remove(&ruth), &[]).await.status, 404);
    assert_eq!(
        jonas
            .post(&format!("/p/{id}/members/not-a-user/remove"), &[])
            .await
            .status,
        404
    );
    assert_eq!(app.store.members(&pid(&id)).await.unwrap().len(), 3);

    // Jonas removes Ruth: she sees nothing of it any more.
    let removed = jonas.post(&remove(&ruth), &[]).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(
        removed.location.as_deref(),
        Some(format!("/p/{id}").as_str())
    );
    for path in [
        format!("/p/{id}"),
        format!("/p/{id}/dashboard"),
        format!("/p/{id}/checkins"),
    ] {
        assert_eq!(coach.get(&path).await.status, 404, "{path}");
    }
    let page = coach.get("/coach").await;
    assert!(!page.body.contains("Maya and Jonas"), "{}", page.body);
    assert_eq!(
        jonas.post(&remove(&ruth), &[]).await.status,
        404,
        "gone already"
    );
    let page = maya.get(&format!("/p/{id}")).await;
    assert!(
        page.body.contains("a coach"),
        "the coach's place is open again"
    );

    // Invited again, she can leave by herself and lands on her home page.
    let link = invite(&mut maya, &id, "coach").await;
    coach.get(&link).await;
    assert_eq!(coach.post(&link, &[]).await.status, 303);
    coach.get(&format!("/p/{id}")).await;
    let left = coach.post(&remove(&ruth), &[]).await;
    assert_eq!(left.status, 303, "{}", left.body);
    assert_eq!(left.location.as_deref(), Some("/"));
    assert_eq!(coach.get(&format!("/p/{id}")).await.status, 404);
}

on_both_databases!(partners_can_remove_the_coach: remove_coach_sqlite, remove_coach_postgres);

/// After a recalibration the coach reads how the last signed period ended,
/// even when a version in between was signed by one partner only (and so
/// never in force); the recalibration page compares and links the same.
async fn the_last_signed_period_is_the_previous_one(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    for n in 0..2 {
        during(app, n);
        let form = with(
            complete(&["missed"], &["kept", "kept"]),
            "reports[0].wellbeing.stress",
            "5",
        );
        record(&mut maya, &id, n, &form).await;
    }
    // Version 2: Maya signs a changed draft, which then changes again.
    let store = app.store.as_ref();
    let now = app.clock.now();
    let p = store.partnership(&pid(&id)).await.unwrap().unwrap();
    let changed = AGREEMENT.replace("minutes = 25", "minutes = 30");
    let rev = store
        .save_draft(&pid(&id), p.draft_revision, &changed, now)
        .await
        .unwrap();
    let maya_id = user(app, "maya@example.org").await;
    store
        .sign_draft(&pid(&id), rev, &maya_id, now)
        .await
        .unwrap();
    // Version 3: both sign.
    sign(app, &id, &AGREEMENT.replace("minutes = 25", "minutes = 35")).await;
    let versions = store.versions(&pid(&id)).await.unwrap();
    let numbers: Vec<(i64, bool)> = versions
        .iter()
        .map(|v| (v.number, v.signed_at.is_some()))
        .collect();
    assert_eq!(numbers, [(1, true), (2, false), (3, true)]);

    let page = coach.get("/coach").await;
    let body = page.body.replace("&#39;", "'");
    assert!(
        body.contains("Version 1 ended at risk on 10 March 2026"),
        "{body}"
    );
    assert!(
        body.contains(&format!("href=\"/p/{id}/dashboard?version=1\"")),
        "{body}"
    );
    let page = jonas.get(&format!("/p/{id}/recalibration")).await;
    assert!(
        page.body.contains("compare?from=1&amp;to=3"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"/p/{id}/dashboard?version=1\""))
    );
    assert_eq!(
        jonas
            .get(&format!("/p/{id}/dashboard?version=1"))
            .await
            .status,
        200
    );
    assert_eq!(
        jonas
            .get(&format!("/p/{id}/dashboard?version=2"))
            .await
            .status,
        404
    );
}

on_both_databases!(the_last_signed_period_is_the_previous_one: previous_sqlite, previous_postgres);
