//! Downloads of a partnership's data: the JSON export shows each member
//! what they may see (Maya her private note, Jonas his, the coach none, and
//! no one the other's preparation before the check-in opens); the CSV
//! tables name what was recorded, quote what needs quoting and keep
//! formulas inert; only members download. The agreement of
//! `checkin_pages_support` (weekly, Tuesday 08:00 Europe/Berlin) is signed
//! on Monday 2 March 2026 and its first check-in recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use accord_store::PartnershipId;
use accord_store::export::{Export, Scope};
use accord_web::Clock;
use checkin_pages_support::*;
use common::*;

/// Maya's win: a comma, quotes and a line break.
const WIN: &str = "Held \"all\" five, at last\nTwo lines";

/// The partnership with its first check-in recorded by Maya (with a
/// private note, her win [`WIN`], Jonas's next step a formula), a shared
/// and a private note by Jonas, and both preparing for the second
/// check-in, which has not opened.
async fn recorded(app: &TestApp) -> (Client, Client, Client, String) {
    let (mut maya, mut jonas, coach, id) = signed(app).await;
    during(app, 0);
    let mut form = complete(&["kept"], &["kept", "missed"]);
    for (k, v) in &mut form {
        match k.as_str() {
            "reports[0].win" => *v = WIN.to_owned(),
            "reports[1].next_step" => *v = "=1+1".to_owned(),
            _ => {}
        }
    }
    form.push(("note".into(), "I was tired today".into()));
    form.push(("note_private".into(), "on".into()));
    record(&mut maya, &id, 0, &form).await;
    let notes = format!("{}/notes", path(&id, 0));
    for fields in [
        &[("body", "Thanks for the push")][..],
        &[("body", "Ask her about March"), ("private", "on")][..],
    ] {
        let saved = jonas.post(&notes, fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
    }
    for (c, want) in [
        (&mut maya, "Maya wants time"),
        (&mut jonas, "Jonas wants time"),
    ] {
        c.get(&path(&id, 1)).await;
        let saved = c
            .post(
                &format!("{}/prepare", path(&id, 1)),
                &[
                    ("committed", "the list"),
                    ("happened", "some"),
                    ("want", want),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
    }
    (maya, jonas, coach, id)
}

/// A download: status, content type, disposition and body.
async fn download(c: &Client, path: &str) -> (u16, String, String, String) {
    let r = c
        .http
        .get(format!("{}{path}", c.base))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    (
        r.status().as_u16(),
        kind,
        disposition,
        r.text().await.unwrap(),
    )
}

async fn the_export_shows_each_member_what_they_may_see(app: &TestApp) {
    let (maya_client, jonas_client, coach_client, id) = recorded(app).await;
    let url = format!("/p/{id}/export.json");
    // Named by the partnership and the day, so downloads never collide.
    let day = app.clock.now().strftime("%Y-%m-%d").to_string();
    let mut seen = Vec::new();
    for c in [&maya_client, &jonas_client, &coach_client] {
        let (status, kind, disposition, body) = download(c, &url).await;
        assert_eq!(status, 200, "{body}");
        assert!(kind.starts_with("application/json"), "{kind}");
        assert_eq!(
            disposition,
            format!("attachment; filename=\"maya-and-jonas-{day}.json\"")
        );
        assert!(!body.contains("$argon2"), "a password hash is exported");
        seen.push(Export::from_json(&body).unwrap());
    }
    let notes = |e: &Export| e.notes.iter().map(|n| n.body.clone()).collect::<Vec<_>>();
    let wants = |e: &Export| {
        e.preparations
            .iter()
            .map(|p| p.want.clone())
            .collect::<Vec<_>>()
    };
    let [maya, jonas, coach] = [&seen[0], &seen[1], &seen[2]];
    assert_eq!(maya.scope, Scope::For("maya@example.org".into()));
    assert_eq!(coach.scope.as_text(), "for ruth@example.org");
    assert_eq!(notes(maya), ["I was tired today", "Thanks for the push"]);
    assert_eq!(notes(jonas), ["Thanks for the push", "Ask her about March"]);
    assert_eq!(notes(coach), ["Thanks for the push"]);
    assert!(maya.notes.iter().any(|n| n.private));
    assert!(coach.notes.iter().all(|n| !n.private));
    // The second check-in has not opened: each sees their own answers only.
    assert_eq!(wants(maya), ["Maya wants time"]);
    assert_eq!(wants(jonas), ["Jonas wants time"]);
    assert!(coach.preparations.is_empty());
    // Everything else is the same for all three.
    for e in [maya, jonas, coach] {
        assert_eq!(e.checkins.len(), 1);
        assert_eq!(e.versions.len(), 1);
        assert_eq!(e.members.len(), 3);
        assert_eq!(e.partnership.id, id);
        assert_eq!(e.exported_at, app.clock.now());
    }
    // Once it opens, Maya's export has Jonas's answers too.
    during(app, 1);
    let (_, _, _, body) = download(&maya_client, &url).await;
    let later = Export::from_json(&body).unwrap();
    assert_eq!(wants(&later), ["Jonas wants time", "Maya wants time"]);
}

on_both_databases!(the_export_shows_each_member_what_they_may_see: export_sqlite, export_postgres);

/// A CSV table, read back: its header and rows.
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

async fn the_tables_name_what_was_recorded_and_quote_it(app: &TestApp) {
    let (_, jonas, coach, id) = recorded(app).await;
    let day = app.clock.now().strftime("%Y-%m-%d").to_string();
    let table = |c: &Client, file: &'static str| {
        let day = day.clone();
        let url = format!("/p/{id}/export/{file}");
        let c = c.http.clone();
        let base = jonas.base.clone();
        async move {
            let r = c.get(format!("{base}{url}")).send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            assert_eq!(
                r.headers()["content-disposition"],
                format!("attachment; filename=\"maya-and-jonas-{day}-{file}\"").as_str()
            );
            r.text().await.unwrap()
        }
    };

    let text = table(&jonas, "checkins.csv").await;
    // RFC 4180: CRLF between records, quotes doubled inside quoted fields,
    // the line break of the win kept inside its field.
    assert!(
        text.starts_with("date,time,time_zone,utc,party,kept,partly_kept,missed,win,next_step\r\n")
    );
    assert!(
        text.contains("\"Held \"\"all\"\" five, at last\nTwo lines\""),
        "{text}"
    );
    let (_, rows) = read_csv(&text);
    let day = [
        "2026-03-03",
        "08:00",
        "Europe/Berlin",
        "2026-03-03T07:00:00Z",
    ];
    let maya_row = [
        &day[..],
        &["Maya Chen", "1", "0", "0", WIN, "Block Monday 09:00"],
    ]
    .concat();
    // A formula stays text.
    let jonas_row = [
        &day[..],
        &[
            "Jonas Berg",
            "1",
            "0",
            "1",
            "The deputy wrote the report",
            "'=1+1",
        ],
    ]
    .concat();
    assert_eq!(rows, [maya_row, jonas_row]);

    let (header, rows) = read_csv(&table(&coach, "indicators.csv").await);
    assert_eq!(
        header,
        ["date", "party", "goal", "indicator", "value", "unit"]
    );
    assert_eq!(
        rows,
        [[
            "2026-03-03",
            "Maya Chen",
            "Hold a one-to-one with each report every fortnight",
            "one-to-ones held",
            "5",
            "meetings"
        ]]
    );

    let (header, rows) = read_csv(&table(&jonas, "wellbeing.csv").await);
    assert_eq!(header, ["date", "party", "indicator", "score"]);
    let scores: Vec<(String, String, String)> = rows
        .into_iter()
        .map(|r| (r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("Maya Chen", "stress", "3"),
        ("Maya Chen", "energy", "4"),
        ("Jonas Berg", "stress", "3"),
        ("Jonas Berg", "energy", "4"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).into(), (*b).into(), (*c).into()))
    .collect();
    assert_eq!(scores, expected);

    // No note, private or shared, is in any table.
    for file in ["checkins.csv", "indicators.csv", "wellbeing.csv"] {
        for c in [&jonas, &coach] {
            let text = table(c, file).await;
            for note in [
                "I was tired today",
                "Thanks for the push",
                "Ask her about March",
            ] {
                assert!(!text.contains(note), "{file}: {text}");
            }
        }
    }
    let (status, ..) = download(&jonas, &format!("/p/{id}/export/notes.csv")).await;
    assert_eq!(status, 404);
}

on_both_databases!(the_tables_name_what_was_recorded_and_quote_it: tables_sqlite, tables_postgres);

async fn only_members_download(app: &TestApp) {
    let (_, _, coach, id) = full_partnership(app).await;
    let stranger = signup(app, "Sam Stranger", "sam@example.org").await;
    let anonymous = Client::new(app);
    let paths = [
        format!("/p/{id}/export.json"),
        format!("/p/{id}/export/checkins.csv"),
        format!("/p/{id}/export/indicators.csv"),
        format!("/p/{id}/export/wellbeing.csv"),
    ];
    for path in &paths {
        // Before any agreement is signed the files are there, nearly empty.
        let (status, _, _, body) = download(&coach, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let (status, _, _, body) = download(&stranger, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("Maya"), "{path}: {body}");
        let r = anonymous
            .http
            .get(format!("{}{path}", anonymous.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{path}");
        let to = r.headers()["location"].to_str().unwrap();
        assert_eq!(to, format!("/login?next={path}"));
    }
    let (status, ..) = download(&coach, "/p/not-an-id/export.json").await;
    assert_eq!(status, 404);
    let other = PartnershipId::random();
    let (status, ..) = download(&coach, &format!("/p/{other}/export.json")).await;
    assert_eq!(status, 404);
}

on_both_databases!(only_members_download: members_sqlite, members_postgres);
