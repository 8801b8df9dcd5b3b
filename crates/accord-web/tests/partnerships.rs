//! Partnerships over HTTP against a real server and database: starting one,
//! invitations (shown once, e-mailed, single use, expiring after 7 days,
//! full roles, members, withdrawal), the twelve editor sections (render
//! for partners and read-only for the coach, save what they show without
//! change, findings beside the section, field errors, optimistic locking,
//! live preview), signing and versions, comparing, downloading and
//! uploading the draft (lossless round trip, positioned errors), and the
//! coach's read-only access.
//!
//! The invitation, editing and signing scenarios run on SQLite and, when
//! `ACCORD_TEST_POSTGRES_URL` is set, on PostgreSQL too.
#![allow(clippy::unwrap_used)]

mod common;
mod pages_support;

use common::*;
use jiff::SignedDuration;
use pages_support::*;

/// A complete agreement with comments, for uploads.
const FULL: &str = include_str!("fixtures/full-agreement.toml");

// --- Starting ----------------------------------------------------------

#[tokio::test]
async fn starting_a_partnership_checks_its_name() {
    let app = spawn_app().await;
    let mut maya = signup(&app, "Maya Chen", "maya@example.org").await;
    let long = "x".repeat(121);
    for title in ["", "+++", long.as_str()] {
        let query = format!("title={title}&scenario=general&timezone=UTC");
        let page = send(&mut maya, "/partnerships", &query).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body
                .contains("Give the partnership a name of 1 to 120")
        );
    }
    let query = "title=Us&scenario=general&timezone=Mars/Olympus";
    let page = send(&mut maya, "/partnerships", query).await;
    assert_eq!(page.status, 422, "a bad time zone: {}", page.body);
    let me = app.store.user_by_email("maya@example.org").await.unwrap();
    let memberships = app.store.memberships(&me.unwrap().id).await.unwrap();
    assert!(memberships.is_empty());

    let id = start_partnership(&mut maya, "Maya and Jonas").await;
    let page = maya.get(&format!("/p/{id}")).await;
    assert!(page.body.contains("<h1>Maya and Jonas</h1>"));
    assert!(page.body.contains("You are the partner."));
    assert!(page.body.contains("Invite your partner"), "{}", page.body);
    let home = maya.get("/").await;
    assert!(home.body.contains(&format!("href=\"/p/{id}\"")));
    let (revision, toml) = draft(&app, &id).await;
    assert_eq!(revision, 1);
    assert!(
        toml.contains("Maya Chen") && toml.contains("Europe/Berlin"),
        "{toml}"
    );
}

// --- Invitations -------------------------------------------------------

async fn invitations(app: &TestApp) {
    let mut maya = signup(app, "Maya Chen", "maya@example.org").await;
    let id = start_partnership(&mut maya, "Maya and Jonas").await;
    let overview = format!("/p/{id}");
    let invitations = format!("{overview}/invitations");

    // The link is shown once and e-mailed; pending invitations are listed.
    let query = "role=partner&email=jonas@example.org";
    let page = send(&mut maya, &invitations, query).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "id=\"invite-link\" readonly value=\"";
    let at = page.body.find(marker).unwrap() + marker.len();
    let link = &page.body[at..at + page.body[at..].find('"').unwrap()];
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    let mail = app.outbox.sent().pop().unwrap();
    assert_eq!(mail.to, "jonas@example.org");
    assert!(mail.body.contains(link), "{}", mail.body);
    assert!(mail.body.contains("Maya and Jonas"), "{}", mail.body);
    let again = maya.get(&overview).await;
    assert!(!again.body.contains(&path), "the link is shown only once");
    assert!(again.body.contains("jonas@example.org"));
    assert!(again.body.contains("/withdraw"));
    // A second link for the same place; no address, no mail.
    let spare = invite(&mut maya, &id, "partner").await;
    assert_eq!(app.outbox.sent().len(), 1);
    for (query, says) in [
        ("role=boss&email=", "Choose whom to invite"),
        ("role=coach&email=not+an+address", "Enter an e-mail address"),
    ] {
        let page = send(&mut maya, &invitations, query).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains(says), "{}", page.body);
    }

    // Someone without an account is asked to sign up, and comes back.
    let page = Client::new(app).get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/signup?next=/invite/"), "{}", page.body);
    let mut jonas = signup(app, "Jonas Berg", "jonas@example.org").await;
    jonas.get(&path).await;
    let page = jonas.post(&path, &[]).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some(overview.as_str()));
    let page = jonas.get(&overview).await;
    assert!(page.body.contains("You are the partner."));
    let (_, text) = draft(app, &id).await;
    assert!(
        text.contains("Jonas Berg"),
        "the partner takes the placeholder's place"
    );

    // Single use; and the second partner link finds the place taken.
    let mut ana = signup(app, "Ana Lima", "ana@example.org").await;
    let page = ana.get(&path).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("already been used"));
    assert!(
        !page.body.contains("Maya and Jonas"),
        "a used link names nothing"
    );
    assert_eq!(ana.post(&path, &[]).await.status, 409);
    ana.get(&spare).await;
    let page = ana.post(&spare, &[]).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(
        page.body.contains("already has its partner"),
        "{}",
        page.body
    );
    assert_eq!(ana.get(&overview).await.status, 404);
    let page = send(&mut maya, &invitations, "role=partner&email=").await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("already has its partner"));

    // Seven days, then expired.
    maya.get(&overview).await;
    let old = invite(&mut maya, &id, "coach").await;
    let week = SignedDuration::from_hours(24 * 7);
    app.clock.advance(week + SignedDuration::from_mins(1));
    let mut ruth = signup(app, "Ruth Coach", "ruth@example.org").await;
    let page = ruth.get(&old).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("expired"));
    assert_eq!(ruth.post(&old, &[]).await.status, 409);

    // Withdrawn links stop working.
    maya.get(&overview).await;
    let link = invite(&mut maya, &id, "coach").await;
    let newest = app.store.invitations(&pid(&id)).await.unwrap()[0]
        .id
        .clone();
    let withdraw = format!("{overview}/invitations/{newest}/withdraw");
    let page = maya.post(&withdraw, &[]).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some(overview.as_str()));
    let listed = app.store.invitations(&pid(&id)).await.unwrap();
    assert!(listed.iter().all(|i| i.id != newest));
    assert_eq!(maya.post(&withdraw, &[]).await.status, 404);
    assert_eq!(ruth.get(&link).await.status, 404);
    assert_eq!(ruth.post(&link, &[]).await.status, 409);

    // A member cannot join again; the coach can, once.
    maya.get(&overview).await;
    let coach_link = invite(&mut maya, &id, "coach").await;
    jonas.get(&coach_link).await;
    let page = jonas.post(&coach_link, &[]).await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("already a member"), "{}", page.body);
    ruth.get(&coach_link).await;
    assert_eq!(ruth.post(&coach_link, &[]).await.status, 303);
    let page = ruth.get(&overview).await;
    assert!(page.body.contains("You are the coach."), "{}", page.body);
    assert_eq!(app.store.members(&pid(&id)).await.unwrap().len(), 3);
}

on_both_databases!(invitations: invitations_on_sqlite, invitations_on_postgres);

#[tokio::test]
async fn without_smtp_invitations_are_links_only() {
    let app = spawn_app_on(Backend::Sqlite, false).await;
    let mut maya = signup(&app, "Maya Chen", "maya@example.org").await;
    let id = start_partnership(&mut maya, "Maya and Jonas").await;
    let query = "role=partner&email=jonas@example.org";
    let page = send(&mut maya, &format!("/p/{id}/invitations"), query).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"invite-link\""));
    assert!(app.outbox.sent().is_empty());
}

// --- Editor ------------------------------------------------------------

/// Every section, by URL slug, with its heading.
const SECTIONS: [(&str, &str); 12] = [
    ("context", "Context"),
    ("history", "Earlier attempts"),
    ("goals", "Goals"),
    ("boundaries", "Boundaries"),
    ("cadence", "Cadence and format"),
    ("agenda", "Agenda"),
    ("support", "Support preferences"),
    ("consequences", "Consequences"),
    ("recalibration", "Recalibration"),
    ("commitment", "Commitment"),
    ("ground-rules", "Ground rules"),
    ("wellbeing", "Well-being"),
];

/// The draft as the engine's JSON, to compare meaning rather than text.
async fn draft_json(app: &TestApp, id: &str) -> String {
    let (_, text) = draft(app, id).await;
    accord_core::to_json(&accord_core::parse_toml(&text).unwrap()).unwrap()
}

#[tokio::test]
async fn every_section_renders_and_saves_what_it_shows_unchanged() {
    let app = spawn_app().await;
    let (mut maya, _jonas, mut coach, id) = full_partnership(&app).await;
    let page = maya.get(&format!("/p/{id}/edit")).await;
    assert_eq!(page.location, Some(format!("/p/{id}/edit/context")));
    let (revision, _) = draft(&app, &id).await;
    let csrf = maya.csrf.clone();
    let page = upload(&maya, &id, &csrf, revision, FULL.as_bytes()).await;
    assert_eq!(page.status, 303);
    let before = draft_json(&app, &id).await;
    for (slug, heading) in SECTIONS {
        let path = format!("/p/{id}/edit/{slug}");
        let page = coach.get(&path).await;
        assert_eq!(page.status, 200, "{slug}");
        assert!(page.body.contains("You are the coach"), "{slug}");
        assert!(page.body.contains("<fieldset disabled"), "{slug}");
        assert!(
            !page.body.contains("name=\"then\""),
            "{slug}: a save button"
        );
        let page = maya.get(&path).await;
        assert_eq!(page.status, 200, "{slug}");
        assert!(page.body.contains(&format!("<h1>{heading}</h1>")), "{slug}");
        assert!(page.body.contains("aria-current=\"page\""), "{slug}");
        let form = with(form_of(&page.body), "then", "stay");
        assert!(form.len() > 2, "{slug}: {form:?}");
        let saved = post_form(&mut maya, &path, &form).await;
        assert_eq!(saved.status, 303, "{slug}: {}", saved.body);
        assert_eq!(saved.location, Some(format!("{path}?saved={slug}")));
        let after = draft_json(&app, &id).await;
        assert_eq!(
            after, before,
            "{slug}: the form as shown changed the agreement"
        );
        let page = maya.get(saved.location.as_deref().unwrap()).await;
        assert!(page.body.contains(&format!("Saved {heading}.")), "{slug}");
    }
    assert_eq!(draft(&app, &id).await.0, revision + 13);
    let page = maya.get(&format!("/p/{id}/edit/nonsense")).await;
    assert_eq!(page.status, 404);
}

async fn editing(app: &TestApp) {
    let (mut maya, mut jonas, _coach, id) = full_partnership(app).await;
    let agenda = format!("/p/{id}/edit/agenda");
    let preview = format!("{agenda}/preview");

    // Empty agenda: a finding beside the section; the preview sees the
    // change without saving it.
    let page = maya.get(&agenda).await;
    assert_eq!(rules(&page.body), ["agenda-missing"]);
    let (revision, text) = draft(app, &id).await;
    let vague = "agenda.items=How+are+we+feeling%0AWins+and+frustrations";
    let page = send(&mut maya, &preview, vague).await;
    assert_eq!(page.status, 200);
    assert_eq!(rules(&page.body), ["agenda-no-accountability"]);
    assert!(!page.body.contains("<html"), "a fragment, not a page");
    let good = "agenda.items=Commitments+since+last+time:+kept,+missed%0APlans";
    let page = send(&mut maya, &preview, good).await;
    assert!(rules(&page.body).is_empty(), "{}", page.body);
    assert!(page.body.contains("Nothing to raise"));
    assert_eq!(
        draft(app, &id).await,
        (revision, text.clone()),
        "the preview saved"
    );

    // Saving updates the draft and the findings.
    let query = format!("revision={revision}&then=stay&{vague}");
    assert_eq!(send(&mut maya, &agenda, &query).await.status, 303);
    let page = maya.get(&agenda).await;
    assert_eq!(rules(&page.body), ["agenda-no-accountability"]);
    let query = format!("revision={}&then=support&{good}", revision + 1);
    let page = send(&mut maya, &agenda, &query).await;
    let next = format!("/p/{id}/edit/support?saved=agenda");
    assert_eq!(page.location, Some(next));
    assert!(rules(&maya.get(&agenda).await.body).is_empty());
    let (revision, text) = draft(app, &id).await;
    assert!(text.contains("Commitments since last time"), "{text}");

    // Unreadable or invalid input: 422, the message beside the field,
    // the form as typed, nothing saved.
    let history = format!("/p/{id}/edit/history");
    let form = form_of(&maya.get(&history).await.body);
    let form = with(form, "history.0.description", "Calls in 2024");
    let form = with(form, "history.0.lasted_weeks", "three");
    let page = post_form(&mut maya, &history, &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let error = field_error(&page.body, "history.0.lasted_weeks").unwrap();
    assert!(error.contains("Enter a whole number"), "{error}");
    assert!(page.body.contains("value=\"three\""), "the form is kept");
    for (slug, name, value, shown) in [
        ("context", "timezone", "Mars/Olympus", true),
        ("context", "drafted", "2026-02-30", true),
        ("recalibration", "recalibration.date", "next spring", true),
        ("cadence", "cadence.time", "25:99", true),
        ("cadence", "cadence.weekdays", "someday", false),
        ("cadence", "cadence.format", "pigeon", false),
        ("goals", "goal.0.stretch", "2.5", true),
    ] {
        let path = format!("/p/{id}/edit/{slug}");
        let form = form_of(&maya.get(&path).await.body);
        let form = with(form, "goal.0.outcome", "Ship the report");
        let page = post_form(&mut maya, &path, &with(form, name, value)).await;
        assert_eq!(page.status, 422, "{name}: {}", page.body);
        assert!(
            field_error(&page.body, name).is_some(),
            "{name}: {}",
            page.body
        );
        let kept = page.body.contains(&format!("value=\"{value}\""));
        assert!(kept || !shown, "{name}: not kept");
    }
    let query = "history.0.lasted_weeks=three";
    let page = send(&mut maya, &format!("/p/{id}/edit/history/preview"), query).await;
    assert!(page.body.contains("Enter a whole number"), "{}", page.body);
    assert_eq!(
        draft(app, &id).await,
        (revision, text.clone()),
        "refused, yet saved"
    );

    // Two partners from the same revision: the second save is refused
    // with the form kept, and the first is not overwritten.
    let mine = form_of(&maya.get(&agenda).await.body);
    let theirs = form_of(&jonas.get(&agenda).await.body);
    let mine = with(mine, "agenda.items", "Commitments kept\nMaya's item");
    assert_eq!(post_form(&mut maya, &agenda, &mine).await.status, 303);
    let theirs = with(theirs, "agenda.items", "Commitments kept\nJonas's item");
    let page = post_form(&mut jonas, &agenda, &theirs).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(
        page.body
            .contains("Someone saved the draft while you were editing")
    );
    assert!(form_of(&page.body).contains(&(
        "agenda.items".into(),
        "Commitments kept\nJonas's item".into()
    )));
    let (now, text) = draft(app, &id).await;
    assert_eq!(now, revision + 1);
    assert!(
        text.contains("Maya's item") && !text.contains("Jonas's item"),
        "{text}"
    );
}

on_both_databases!(editing: editing_on_sqlite, editing_on_postgres);

// --- Signing, versions, compare -------------------------------------------

async fn signing(app: &TestApp) {
    let (mut maya, mut jonas, _coach, id) = full_partnership(app).await;
    let overview = format!("/p/{id}");
    let sign = format!("/p/{id}/sign");
    let (revision, v1_text) = draft(app, &id).await;
    maya.get(&overview).await;
    let page = send(&mut maya, &sign, &format!("revision={}", revision - 1)).await;
    assert_eq!(page.status, 409, "a stale revision: {}", page.body);
    assert!(app.store.versions(&pid(&id)).await.unwrap().is_empty());

    let query = format!("revision={revision}");
    assert_eq!(send(&mut maya, &sign, &query).await.status, 303);
    let page = maya.get(&overview).await;
    let says = "You signed this draft (version 1). Waiting for Jonas Berg";
    assert!(page.body.contains(says), "{}", page.body);
    let page = jonas.get(&overview).await;
    assert!(
        page.body
            .contains("Maya Chen signed this draft (version 1)")
    );
    assert_eq!(send(&mut jonas, &sign, &query).await.status, 303);
    let page = jonas.get(&overview).await;
    let says = "it is version 1, the agreement in force";
    assert!(page.body.contains(says), "{}", page.body);

    // Edit, sign again: version 2 in force, version 1 replaced.
    let agenda = format!("/p/{id}/edit/agenda");
    let form = form_of(&maya.get(&agenda).await.body);
    let item = "Commitments since last time: kept, partly kept, missed";
    let form = with(form, "agenda.items", item);
    assert_eq!(post_form(&mut maya, &agenda, &form).await.status, 303);
    let (revision, v2_text) = draft(app, &id).await;
    let page = maya.get(&overview).await;
    assert!(page.body.contains("Nobody has signed this draft yet"));
    let query = format!("revision={revision}");
    assert_eq!(send(&mut maya, &sign, &query).await.status, 303);
    jonas.get(&overview).await;
    assert_eq!(send(&mut jonas, &sign, &query).await.status, 303);
    let page = maya.get(&overview).await;
    let says = "it is version 2, the agreement in force";
    assert!(page.body.contains(says), "{}", page.body);
    assert!(page.body.contains("<td>replaced</td>"), "{}", page.body);
    assert!(page.body.contains("<td>in force</td>"));
    let page = maya.get(&format!("/p/{id}/versions/1")).await;
    assert!(
        page.body.contains("<strong>replaced</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Jonas Berg"));
    let page = maya.get(&format!("/p/{id}/versions/2")).await;
    assert!(page.body.contains("<strong>in force</strong>"));
    let page = maya.get(&format!("/p/{id}/versions/3")).await;
    assert_eq!(page.status, 404);
    for (n, text) in [(1, &v1_text), (2, &v2_text)] {
        let file = maya
            .get(&format!("/p/{id}/versions/{n}/agreement.toml"))
            .await;
        assert_eq!(&file.body, text);
    }

    // Compare marks the changed rows.
    let page = maya.get(&format!("/p/{id}/compare?from=1&to=2")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Version 1 and Version 2</h1>"));
    let marked = ["<tr class=\"added\">", "<tr class=\"changed\">"];
    assert!(
        marked.iter().any(|m| page.body.contains(m)),
        "{}",
        page.body
    );
    assert!(page.body.contains("<ins>") && page.body.contains(item));
    assert!(!page.body.contains("No differences."));
    let page = maya.get(&format!("/p/{id}/compare?from=2&to=draft")).await;
    assert!(page.body.contains("No differences."), "{}", page.body);
    let page = maya
        .get(&format!("/p/{id}/compare?from=abc&to=draft"))
        .await;
    assert_eq!(page.status, 422);
}

on_both_databases!(signing: signing_on_sqlite, signing_on_postgres);

// --- Download and upload ----------------------------------------------------

#[tokio::test]
async fn uploads_round_trip_exactly_and_bad_files_are_refused_with_positions() {
    let app = spawn_app().await;
    let (mut maya, _jonas, _coach, id) = full_partnership(&app).await;
    let url = format!("{}/p/{id}/draft.toml", app.base);
    let r = maya.http.get(&url).send().await.unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/toml; charset=utf-8"
    );
    let attachment = "attachment; filename=\"agreement-draft-r2.toml\"";
    assert_eq!(r.headers()["content-disposition"], attachment);
    assert_eq!(r.text().await.unwrap(), draft(&app, &id).await.1);

    maya.get(&format!("/p/{id}")).await;
    let csrf = maya.csrf.clone();
    let page = upload(&maya, &id, "forged", 2, FULL.as_bytes()).await;
    assert_eq!(page.status, 403);
    let page = upload(&maya, &id, &csrf, 2, FULL.as_bytes()).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location, Some(format!("/p/{id}")));
    let r = maya.http.get(&url).send().await.unwrap();
    let back = r.bytes().await.unwrap();
    assert_eq!(&back[..], FULL.as_bytes(), "the file came back changed");
    let page = maya.get(&format!("/p/{id}/edit/agenda")).await;
    assert!(page.body.contains("What got in the way"));
    // An upload based on an older revision is refused.
    let page = upload(&maya, &id, &csrf, 2, FULL.as_bytes()).await;
    assert_eq!(page.status, 409);

    // A bad value: 422 naming the line and column, and nothing changed.
    let line = FULL.lines().position(|l| l == "exposure = 4").unwrap() + 1;
    let bad = FULL.replace("exposure = 4", "exposure = 9");
    let page = upload(&maya, &id, &csrf, 3, bad.as_bytes()).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let head = format!("agreement.toml:{line}:12:");
    assert!(page.body.contains(&head), "{}", page.body);
    let shown = format!("  | exposure = 9\n  | {}^", " ".repeat(11));
    assert!(page.body.contains(&shown), "{}", page.body);
    assert!(page.body.contains("nothing was changed"));
    // A syntax error, likewise.
    let broken = FULL.replace("minutes = 25", "minutes = ");
    let line = FULL.lines().position(|l| l == "minutes = 25").unwrap() + 1;
    let page = upload(&maya, &id, &csrf, 3, broken.as_bytes()).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let head = format!("agreement.toml:{line}:");
    assert!(page.body.contains(&head), "{}", page.body);
    assert_eq!(draft(&app, &id).await, (3, FULL.to_owned()));
}

// --- The coach ---------------------------------------------------------

#[tokio::test]
async fn the_coach_reads_everything_and_changes_nothing() {
    let app = spawn_app().await;
    let (mut maya, mut jonas, mut coach, id) = full_partnership(&app).await;
    let sign = format!("/p/{id}/sign");
    assert_eq!(maya.post(&sign, &[("revision", "2")]).await.status, 303);
    jonas.get(&format!("/p/{id}")).await;
    assert_eq!(jonas.post(&sign, &[("revision", "2")]).await.status, 303);
    let before = snapshot(&app, &id).await;

    let page = coach.get(&format!("/p/{id}")).await;
    assert!(page.body.contains("You are the coach."), "{}", page.body);
    assert!(page.body.contains("Read the agreement"));
    for offered in [
        "/sign\"",
        "/upload\"",
        "/invitations\"",
        "/withdraw\"",
        "type=\"file\"",
    ] {
        assert!(!page.body.contains(offered), "{offered}: {}", page.body);
    }
    for path in [
        "/guide",
        "/draft.toml",
        "/versions/1",
        "/versions/1/agreement.toml",
        "/compare?from=1&to=draft",
        "/edit/goals",
    ] {
        let page = coach.get(&format!("/p/{id}{path}")).await;
        assert_eq!(page.status, 200, "{path}");
    }
    // The preview saves nothing, so the coach may use it.
    let preview = format!("/p/{id}/edit/agenda/preview");
    assert_eq!(
        send(&mut coach, &preview, "agenda.items=x").await.status,
        200
    );

    let agenda = format!("/p/{id}/edit/agenda");
    let form = form_of(&coach.get(&agenda).await.body);
    let form = with(with(form, "agenda.items", "Coach's agenda"), "then", "stay");
    assert_eq!(post_form(&mut coach, &agenda, &form).await.status, 403);
    coach.get(&format!("/p/{id}")).await;
    assert_eq!(send(&mut coach, &sign, "revision=2").await.status, 403);
    let invitations = format!("/p/{id}/invitations");
    let page = send(&mut coach, &invitations, "role=partner&email=").await;
    assert_eq!(page.status, 403, "{}", page.body);
    let pending = format!("/p/{id}/invitations/{}/withdraw", uuid::Uuid::new_v4());
    assert_eq!(coach.post(&pending, &[]).await.status, 403);
    let csrf = coach.csrf.clone();
    let page = upload(&coach, &id, &csrf, 2, FULL.as_bytes()).await;
    assert_eq!(page.status, 403);
    assert_eq!(snapshot(&app, &id).await, before);
}
