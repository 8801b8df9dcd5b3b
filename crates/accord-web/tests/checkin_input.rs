//! Check-in pages against hostile input: instants at the end of the time
//! range end the search for a check-in instead of looping, and a form
//! naming review rows far beyond the due commitments is refused without
//! reading them. Nothing is recorded either way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use checkin_pages_support::*;
use common::*;

#[tokio::test]
async fn the_last_checkins_there_are_end_the_search() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    // The last Tuesday jiff can represent has a page; nothing after it
    // does, and asking does not search forever.
    let last: jiff::Zoned = "9999-12-28T08:00[Europe/Berlin]".parse().unwrap();
    let last = last.timestamp().as_millisecond();
    assert_eq!(
        maya.get(&format!("/p/{id}/checkins/{last}")).await.status,
        200
    );
    let max = jiff::Timestamp::MAX.as_millisecond();
    for ms in [
        max,
        max - 1,
        max - 86_400_000,
        last + 1,
        // 9999-12-31T23:00Z: past the last instant, so unreadable.
        253_402_297_200_000,
    ] {
        assert_eq!(
            maya.get(&format!("/p/{id}/checkins/{ms}")).await.status,
            404,
            "{ms}"
        );
    }
}

#[tokio::test]
async fn review_rows_beyond_the_due_commitments_are_refused_not_read() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    during(&app, 0);
    maya.get(&path(&id, 0)).await;
    let mut form = complete(&["kept"], &["kept", "kept"]);
    form.push((
        "reports[0].reviewed[4000000000].outcome".into(),
        "kept".into(),
    ));
    let page = post(&mut maya, &path(&id, 0), &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("reports[0].reviewed[4000000000]"),
        "{}",
        page.body
    );
    assert!(
        app.store
            .checkin(&pid(&id), start(0))
            .await
            .unwrap()
            .is_none()
    );
    // Without the stray row, the same form is recorded.
    form.pop();
    let saved = post(&mut maya, &path(&id, 0), &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// A stored record naming a goal or boundary the agreement does not have
/// (a hand-edited import, say) is shown with a stand-in label, even at the
/// largest index, instead of failing the page.
#[tokio::test]
async fn records_naming_what_is_not_there_still_show() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    during(&app, 0);
    let mut form = complete(&["kept"], &["kept", "kept"]);
    form.push(("reports[0].indicators.0".into(), "3".into()));
    record(&mut maya, &id, 0, &form).await;
    let stored = app
        .store
        .checkin(&pid(&id), start(0))
        .await
        .unwrap()
        .unwrap();
    let mut record: serde_json::Value = serde_json::from_str(&stored.record).unwrap();
    record["reports"][0]["indicators"][0]["goal"] = serde_json::json!(u64::MAX);
    record["reports"][0]["slips"] = serde_json::json!([{ "boundary": u64::MAX }]);
    let maya_id = user(&app, "maya@example.org").await;
    during(&app, 1);
    app.store
        .record_checkin(&accord_store::NewCheckin {
            partnership: &pid(&id),
            occurrence: start(1),
            version: stored.version,
            record: &record.to_string(),
            recorded_by: &maya_id,
            note: None,
            consequences: &[],
            notifications: &[],
            link: None,
            now: start(1),
        })
        .await
        .unwrap();
    let page = maya.get(&path(&id, 1)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&format!("Goal {}", u64::MAX)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("Boundary {}", u64::MAX)),
        "{}",
        page.body
    );
}
