//! The dashboard over HTTP: charts drawn on the server as labelled SVG with
//! their numbers beside them, kept rates and streaks, boundaries held, the
//! balance, the dates ahead, the consequence log, and a signal with its
//! explanation once well-being falls, or once one partner carries the
//! check-ins alone. Every member sees it; nobody else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use checkin_pages_support::*;
use common::*;

async fn the_dashboard_tells_the_story(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = full_partnership(app).await;
    let dashboard = format!("/p/{id}/dashboard");
    let page = maya.get(&dashboard).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"not-in-force\""), "{}", page.body);

    sign(app, &id, AGREEMENT).await;
    let page = jonas.get(&dashboard).await;
    assert!(page.body.contains("0 check-ins held"), "{}", page.body);
    assert!(page.body.contains("No warning signs"), "{}", page.body);

    // Four weeks: Maya keeps, misses, keeps, keeps; Jonas's stress climbs.
    let weeks = [
        (["kept"], "2"),
        (["missed"], "3"),
        (["kept"], "4"),
        (["kept"], "5"),
    ];
    for (n, (maya_did, stress)) in weeks.iter().enumerate() {
        during(app, n as i64);
        let form = with(
            complete(maya_did, &["kept", "kept"]),
            "reports[1].wellbeing.stress",
            stress,
        );
        record(&mut maya, &id, n as i64, &form).await;
    }
    let page = jonas.get(&dashboard).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = page.body.replace("&#39;", "'").replace("&quot;", "\"");
    assert!(
        body.contains("4 check-ins held, 0 missed, 0 paused"),
        "{body}"
    );
    // Kept rates and streaks: Maya 3 of 4 and a streak of 2, Jonas 8 of 8.
    assert!(body.contains("<dd class=\"kept-rate\">75%</dd>"), "{body}");
    assert!(body.contains("<dd class=\"kept-rate\">100%</dd>"));
    assert!(body.contains("<dd class=\"streak\">2</dd>"));
    assert!(body.contains("<dd class=\"streak\">4</dd>"));
    assert!(
        body.contains("No work e-mail after 19:00: held at 0 of 4 check-ins"),
        "{body}"
    );
    // Charts: an SVG per measured goal and per partner's well-being, each
    // labelled, with its numbers in a table.
    let svgs = body.matches("<svg ").count();
    assert_eq!(svgs, 3, "Maya's goal and two well-being charts: {body}");
    assert_eq!(body.matches("role=\"img\"").count(), 3);
    assert!(
        body.contains("Delegate the weekly report: no value recorded yet."),
        "{body}"
    );
    assert!(body.contains("<title id=\"goal-0-0-title\">"), "{body}");
    assert!(
        body.contains(
            "4 values recorded from 3 March 2026 to 24 March 2026; the latest is 5 meetings."
        ),
        "{body}"
    );
    assert!(body.contains("<td>24 March 2026</td><td>5 meetings</td>"));
    assert!(body.contains("Jonas's well-being"), "{body}");
    assert!(
        body.contains("Latest: stress 5/5, up; energy 4/5, unchanged."),
        "{body}"
    );
    // The signal: two check-ins in a row at 4 or 5, with what to do.
    assert!(body.contains("data-signal=\"wellbeing-falling\""), "{body}");
    assert!(body.contains("Prepare an early recalibration"));
    assert!(
        body.contains("id=\"verdict\" class=\"verdict at-risk\""),
        "{body}"
    );
    // Balance, dates ahead, consequence log.
    assert!(
        body.contains("<th scope=\"row\">Maya Chen</th><td>2 (50%)</td><td>4 (100%)</td>"),
        "{body}"
    );
    assert!(
        body.contains("Tuesday 31 March 2026, 08:00 (Europe/Berlin)"),
        "{body}"
    );
    assert!(body.contains("Maya, a miss. As agreed: The partner asks what got in the way"));

    // The coach sees the same figures, without the partners' button.
    let page = coach.get(&dashboard).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-signal=\"wellbeing-falling\""));
    assert!(!page.body.contains("Prepare an early recalibration"));
    // Nothing private is on it: obstacles and wins are not dashboard data.
    assert!(!page.body.contains("A week of late deliveries"));
}

on_both_databases!(the_dashboard_tells_the_story: dashboard_sqlite, dashboard_postgres);

/// Prepares for check-in `n` as `who`.
async fn prepare(who: &mut Client, id: &str, n: i64) {
    let saved = who
        .post(
            &format!("{}/prepare", path(id, n)),
            &[
                ("committed", "What I said last week"),
                ("happened", "Most of it"),
                ("want", "A nudge"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

async fn one_partner_carrying_is_noticed(app: &TestApp) {
    let (mut maya, mut jonas, _, id) = signed(app).await;
    let dashboard = format!("/p/{id}/dashboard");
    // Six weeks in which Maya prepares and records and Jonas does neither.
    for n in 0..6 {
        if n == 4 {
            // Sessions last 30 days; theirs began on 2 March.
            maya.log_in("maya@example.org").await;
            jonas.log_in("jonas@example.org").await;
        }
        during(app, n);
        prepare(&mut maya, &id, n).await;
        record(&mut maya, &id, n, &complete(&["kept"], &["kept", "kept"])).await;
    }
    let page = jonas.get(&dashboard).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = page.body.replace("&#39;", "'");
    assert!(
        body.contains("data-signal=\"one-partner-carries\""),
        "{body}"
    );
    assert!(
        body.contains("wrote all of the preparation for them; Jonas prepared for none."),
        "{body}"
    );
    assert!(body.contains("Ask Jonas to prepare for and record the next two check-ins."));

    // Once Jonas prepares, the check-ins no longer rest on Maya alone.
    during(app, 6);
    prepare(&mut jonas, &id, 6).await;
    record(&mut maya, &id, 6, &complete(&["kept"], &["kept", "kept"])).await;
    let page = maya.get(&dashboard).await;
    assert!(
        !page.body.contains("data-signal=\"one-partner-carries\""),
        "{}",
        page.body
    );
}

on_both_databases!(one_partner_carrying_is_noticed: carrying_sqlite, carrying_postgres);

#[tokio::test]
async fn only_members_see_the_dashboard() {
    let app = spawn_app().await;
    let (_, _, _, id) = signed(&app).await;
    let mut olga = signup(&app, "Olga Ilves", "olga@example.org").await;
    assert_eq!(olga.get(&format!("/p/{id}/dashboard")).await.status, 404);
    let mut visitor = Client::new(&app);
    let page = visitor.get(&format!("/p/{id}/dashboard")).await;
    assert_eq!(page.status, 303);
    assert!(page.location.unwrap().starts_with("/login"));
}

#[tokio::test]
async fn an_agreement_without_a_schedule_says_so() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = full_partnership(&app).await;
    let start = AGREEMENT.find("[cadence]").unwrap();
    let end = AGREEMENT.find("[agenda]").unwrap();
    let without = format!("{}{}", &AGREEMENT[..start], &AGREEMENT[end..]);
    sign(&app, &id, &without).await;
    let page = maya.get(&format!("/p/{id}/dashboard")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"unscheduled\""), "{}", page.body);
}
