//! The whole app in real headless Chromium, clicked and typed like a user
//! would (never through the store): Maya signs up and starts a partnership,
//! invites Jonas, who signs up from the invitation in his own browser and
//! joins; Maya drafts while the review's findings appear and disappear, as
//! she types (app.js) and when she saves; both sign version 1; Jonas edits,
//! both sign version 2; Maya compares the two. Then the pages on a phone-
//! sized window, and logging out.
//!
//! Needs `chromedriver` and `/usr/bin/chromium` (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them). Without them the test is
//! skipped, except under CI.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;

use std::time::Instant;

use browser_support::{Browser, Driver, TIME_ZONE};

const PASSWORD: &str = "correct horse battery";

/// The agenda Maya writes, and Jonas's change to it for version 2.
const AGENDA: &str =
    "Did I do what I committed to last week?\nProgress on each goal\nWhat I commit to next week";
const CHANGED_LINE: &str = "Progress on each goal, with the numbers";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_draft_sign_twice_and_compare_in_chromium() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let started = Instant::now();
    let app = common::spawn_app().await;
    let maya = driver.browser(&app.base, 1280, 900).await;
    let jonas = driver.browser(&app.base, 1280, 900).await;

    sign_up(&maya, "Maya Chen", "maya@example.org").await;
    let overview = start_partnership(&maya, "Maya and Jonas").await;
    let high_before = high_count(&maya).await;
    let link = make_invitation(&maya).await;
    join_by_invitation(&jonas, &link, &overview).await;
    maya.open(&overview).await;
    maya.text_with("#members", "Jonas Berg").await;

    context_page(&maya, &overview).await;
    draft_agenda_live(&maya, &overview).await;
    draft_support_live(&maya, &overview).await;
    number_field_error_saves_nothing(&maya, &overview).await;
    draft_cadence_consequences_recalibration(&maya, &overview).await;
    maya.open(&overview).await;
    let high_after = high_count(&maya).await;
    assert!(
        high_after < high_before,
        "high findings went from {high_before} to {high_after}"
    );

    // Version 1: Maya signs, then Jonas.
    sign(&maya, "You signed this draft (version 1)").await;
    jonas.open(&overview).await;
    jonas
        .text_with("#sign-status", "Maya Chen signed this draft (version 1)")
        .await;
    sign(&jonas, "it is version 1, the agreement in force").await;
    assert_eq!(
        version_statuses(&jonas).await,
        vec![("Version 1".to_owned(), "in force".to_owned())]
    );

    // Version 2: Jonas edits, then both sign.
    edit_agenda_again(&jonas, &overview).await;
    sign(&jonas, "You signed this draft (version 2)").await;
    maya.open(&overview).await;
    maya.text_with("#sign-status", "Jonas Berg signed this draft (version 2)")
        .await;
    sign(&maya, "it is version 2, the agreement in force").await;
    assert_eq!(
        version_statuses(&maya).await,
        vec![
            ("Version 2".to_owned(), "in force".to_owned()),
            ("Version 1".to_owned(), "replaced".to_owned())
        ]
    );

    compare_versions(&maya, &overview).await;
    phone_sized_window(&jonas, &overview).await;
    log_out(&maya, &overview).await;

    maya.close().await;
    jonas.close().await;
    eprintln!("the browser flow took {:.1?}", started.elapsed());
}

/// Fills in the sign-up form (already open or opened here) and submits it.
async fn fill_sign_up(b: &Browser, name: &str, email: &str) {
    b.type_into("form[action='/signup'] input[name=name]", name)
        .await;
    b.type_into("form[action='/signup'] input[name=email]", email)
        .await;
    b.type_into("form[action='/signup'] input[name=password]", PASSWORD)
        .await;
    b.click_and_load("form[action='/signup'] button[type=submit]")
        .await;
}

/// Maya signs up from the front page and lands on her (empty) home page.
async fn sign_up(b: &Browser, name: &str, email: &str) {
    b.open("/").await;
    b.follow("Create an account").await;
    assert_eq!(b.path().await, "/signup");
    fill_sign_up(b, name, email).await;
    assert_eq!(b.path().await, "/");
    b.text_with("main h1", "Your partnerships").await;
    b.text_with("header.top nav", name).await;
}

/// Starts a partnership from the home page; returns its overview's path.
async fn start_partnership(b: &Browser, title: &str) -> String {
    b.type_into("form[action='/partnerships'] input[name=title]", title)
        .await;
    b.choose(
        "form[action='/partnerships'] select[name=scenario]",
        "general",
    )
    .await;
    let zone = b
        .value("form[action='/partnerships'] input[name=timezone]")
        .await;
    assert_eq!(zone, TIME_ZONE, "app.js fills in the browser's time zone");
    b.click_and_load("form[action='/partnerships'] button[type=submit]")
        .await;
    let path = b.path().await;
    assert!(path.starts_with("/p/") && path.len() > 3, "{path}");
    b.text_with("main h1", title).await;
    b.text_with("#sign-status", "Invite your partner").await;
    path
}

/// The number of high findings the overview's review reports.
async fn high_count(b: &Browser) -> u32 {
    let text = b.text("#review").await;
    if text.contains("No findings") {
        return 0;
    }
    let badge = b.text("#review .badge.high").await;
    badge
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"))
}

/// Maya makes an invitation link for her partner in the Members section.
async fn make_invitation(b: &Browser) -> String {
    b.choose("#members select[name=role]", "partner").await;
    b.click_and_load("#members form[action$='/invitations'] button[type=submit]")
        .await;
    let link = b.value("#invite-link").await;
    assert!(link.contains("/invite/"), "{link}");
    b.text_with("#members", "Open invitations").await;
    link
}

/// Jonas opens the link in his own browser, signs up from it, comes back
/// to it, accepts, and lands on the overview.
async fn join_by_invitation(b: &Browser, link: &str, overview: &str) {
    b.open_url(link).await;
    let invite_path = b.path().await;
    b.text_with("main", "Maya Chen invites you to be the partner")
        .await;
    assert!(
        !b.has("form[action^='/invite/'] button").await,
        "not logged in: no accept button yet"
    );
    let href = b
        .find("main a[href^='/signup?next=']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        href.contains("/invite/") || href.contains("%2Finvite%2F"),
        "{href}"
    );
    b.click_and_load("main a[href^='/signup?next=']").await;
    assert_eq!(b.path().await.split('?').next(), Some("/signup"));
    let next = b.value("form[action='/signup'] input[name=next]").await;
    assert_eq!(next, invite_path);
    fill_sign_up(b, "Jonas Berg", "jonas@example.org").await;
    assert_eq!(
        b.path().await,
        invite_path,
        "signing up leads back to the invitation"
    );
    b.click_and_load("form[action^='/invite/'] button[type=submit]")
        .await;
    assert_eq!(b.path().await, overview);
    b.text_with("main", "You are the partner").await;
    let members = b.text_with("#members", "Maya Chen").await;
    assert!(members.contains("Jonas Berg"), "{members}");
}

/// Opens the editor from the overview and goes to a section by its link in
/// the side navigation.
async fn editor_section(b: &Browser, overview: &str, title: &str, slug: &str) {
    if !b.path().await.starts_with(&format!("{overview}/edit")) {
        b.open(overview).await;
        b.follow("Edit the agreement").await;
        assert_eq!(b.path().await, format!("{overview}/edit/context"));
    }
    b.follow(title).await;
    assert_eq!(b.path().await, format!("{overview}/edit/{slug}"));
    b.text_with("main h1", title).await;
}

/// The editor opens on Context, which shows what the partnership was
/// started with and Jonas, who took the partner's place when he joined.
async fn context_page(b: &Browser, overview: &str) {
    b.open(overview).await;
    b.follow("Edit the agreement").await;
    assert_eq!(b.path().await, format!("{overview}/edit/context"));
    assert_eq!(b.value("input[name=title]").await, "Maya and Jonas");
    assert_eq!(b.value("input[name=timezone]").await, TIME_ZONE);
    assert_eq!(b.value("input[name='party.0.name']").await, "Maya Chen");
    assert_eq!(b.value("input[name='party.1.name']").await, "Jonas Berg");
}

/// Saves the section ("Save") and checks that it was saved.
async fn save(b: &Browser) {
    b.click_and_load("#section-form button[value=stay]").await;
    b.text_with("main .notice[role=status]", "Saved").await;
}

/// The Agenda finding goes away as Maya types, before she saves, and stays
/// away after she saves.
async fn draft_agenda_live(b: &Browser, overview: &str) {
    editor_section(b, overview, "Agenda", "agenda").await;
    assert_eq!(b.findings().await, ["agenda-missing"]);
    assert!(
        b.has("nav.sections li.current .count").await,
        "the section's count is shown"
    );
    b.mark_page().await;
    b.type_into("textarea[name='agenda.items']", AGENDA).await;
    let live = b
        .findings_until("agenda-missing to go as Maya types", |f| f.is_empty())
        .await;
    assert!(live.is_empty(), "{live:?}");
    b.text_with("#findings", "Nothing to raise in this section")
        .await;
    assert!(
        b.same_page().await,
        "the review followed the typing without a page load"
    );
    save(b).await;
    assert!(b.findings().await.is_empty());
    assert!(
        !b.has("nav.sections li.current .count").await,
        "no count once it is clean"
    );
    let kept = b.value("textarea[name='agenda.items']").await;
    assert_eq!(kept, AGENDA);
}

/// A vague support wish makes a finding appear as Maya types; a concrete
/// one makes it disappear again.
async fn draft_support_live(b: &Browser, overview: &str) {
    editor_section(b, overview, "Support preferences", "support").await;
    assert_eq!(b.findings().await, ["support-missing", "support-missing"]);
    b.mark_page().await;
    b.type_into("textarea[name='party.0.support']", "Be supportive")
        .await;
    b.findings_until("support-vague to appear", |f| {
        f == ["support-vague", "support-missing"]
    })
    .await;
    b.type_into(
        "textarea[name='party.0.support']",
        "Ask me for the number before anything else",
    )
    .await;
    b.findings_until("support-vague to go", |f| f == ["support-missing"])
        .await;
    assert!(b.same_page().await);
    save(b).await;
    assert_eq!(
        b.findings().await,
        ["support-missing"],
        "Jonas's own wishes are still missing"
    );
}

/// A word in a number field: the field is marked, the typed text kept,
/// and nothing is saved.
async fn number_field_error_saves_nothing(b: &Browser, overview: &str) {
    editor_section(b, overview, "Cadence and format", "cadence").await;
    b.type_into("input[name='cadence.interval_weeks']", "weekly")
        .await;
    b.click_and_load("#section-form button[value=stay]").await;
    let error = b
        .text(".field.invalid:has(input[name='cadence.interval_weeks']) .field-error")
        .await;
    assert!(
        error.contains("whole number"),
        "{error:?}\n{}",
        b.main_text().await
    );
    let kept = b.value("input[name='cadence.interval_weeks']").await;
    assert_eq!(kept, "weekly");
    assert!(!b.has("main .notice[role=status]").await, "not saved");
    b.open(&format!("{overview}/edit/cadence")).await;
    let stored = b.value("input[name='cadence.interval_weeks']").await;
    assert_eq!(stored, "", "nothing was saved");
    assert!(!b.has(".field-error").await);
    assert!(b.findings().await.contains(&"cadence-missing".to_owned()));
}

/// Cadence with what happens after a missed check-in, a consequence, and
/// a calendared recalibration date: each section's findings disappear.
async fn draft_cadence_consequences_recalibration(b: &Browser, overview: &str) {
    assert_eq!(
        b.findings().await,
        ["cadence-missing", "missed-checkin-undefined"]
    );
    b.type_into("input[name='cadence.interval_weeks']", "1")
        .await;
    b.click("input[name='cadence.weekdays'][value=friday]")
        .await;
    b.type_into("input[name='cadence.time']", "08:30").await;
    b.type_into("input[name='cadence.minutes']", "20").await;
    b.choose("select[name='cadence.format']", "video-call")
        .await;
    b.choose("select[name='cadence.facilitation']", "rotating")
        .await;
    let missed = "Whoever misses sends their numbers in writing the same day,\nand we meet the next morning.";
    b.type_into("textarea[name='cadence.missed_checkin']", missed)
        .await;
    b.findings_until("the cadence findings to go as Maya types", |f| f.is_empty())
        .await;
    save(b).await;
    assert!(b.findings().await.is_empty(), "{:?}", b.findings().await);

    editor_section(b, overview, "Consequences", "consequences").await;
    assert_eq!(b.findings().await, ["consequence-missing"]);
    b.type_into("input[name='consequence.0.after_misses']", "2")
        .await;
    b.type_into(
        "input[name='consequence.0.response']",
        "We add a second check-in that week",
    )
    .await;
    save(b).await;
    assert!(b.findings().await.is_empty(), "{:?}", b.findings().await);
    b.text_with("#section-form", "Consequence 1").await;

    editor_section(b, overview, "Recalibration", "recalibration").await;
    assert_eq!(b.findings().await, ["recalibration-missing"]);
    // A date field takes the digits of the browser's locale (en-US).
    b.find("input[name='recalibration.date']")
        .await
        .send_keys("05252026")
        .await
        .unwrap();
    let date = b.value("input[name='recalibration.date']").await;
    assert_eq!(date, "2026-05-25");
    b.findings_until("a date without a calendar entry", |f| {
        f == ["recalibration-not-calendared"]
    })
    .await;
    b.choose("select[name='recalibration.calendared']", "yes")
        .await;
    save(b).await;
    assert!(b.findings().await.is_empty(), "{:?}", b.findings().await);
}

/// Signs the draft on the overview and waits for the status to say `then`.
async fn sign(b: &Browser, then: &str) {
    b.text_with("#signing button[type=submit]", "Sign this draft")
        .await;
    b.click_and_load("#signing button[type=submit]").await;
    b.text_with("#sign-status", then).await;
    assert!(
        !b.has("#signing button[type=submit]").await,
        "no second signature"
    );
}

/// (version, status) of each row of the overview's version table.
async fn version_statuses(b: &Browser) -> Vec<(String, String)> {
    let rows = b
        .js("return Array.from(document.querySelectorAll('#versions tbody tr')).map(r => [r.cells[0].innerText.trim(), r.cells[3].innerText.trim()])")
        .await;
    serde_json::from_value(rows).unwrap()
}

/// Jonas changes a line of the agenda and saves: a new draft to sign.
async fn edit_agenda_again(b: &Browser, overview: &str) {
    editor_section(b, overview, "Agenda", "agenda").await;
    let agenda = b.value("textarea[name='agenda.items']").await;
    assert_eq!(agenda, AGENDA, "Jonas sees what Maya wrote");
    b.type_into(
        "textarea[name='agenda.items']",
        &AGENDA.replace("Progress on each goal", CHANGED_LINE),
    )
    .await;
    save(b).await;
    b.follow("Maya and Jonas").await;
    assert_eq!(b.path().await, overview);
    b.text_with("#sign-status", "Nobody has signed this draft yet")
        .await;
}

/// Compares version 1 with version 2 from the overview's Compare form.
async fn compare_versions(b: &Browser, overview: &str) {
    b.choose("#versions select[name=from]", "1").await;
    b.choose("#versions select[name=to]", "2").await;
    b.click_and_load("#versions form[action$='/compare'] button[type=submit]")
        .await;
    assert_eq!(b.path().await, format!("{overview}/compare?from=1&to=2"));
    b.text_with("main h1", "Version 1").await;
    let count = b.text("#change-count").await;
    assert!(!count.contains("No differences"), "{count}");
    let rows = b
        .js("return Array.from(document.querySelectorAll('table.diff tr.changed, table.diff tr.added')).map(r => r.innerText)")
        .await;
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    assert!(rows.iter().any(|r| r.contains(CHANGED_LINE)), "{rows:?}");
    let removed = b
        .js("return Array.from(document.querySelectorAll('table.diff del')).map(d => d.innerText)")
        .await;
    assert!(
        removed.to_string().contains("Progress on each goal"),
        "{removed}"
    );
}

/// The body of the page shown fits the window's width.
async fn fits_width(b: &Browser) {
    let (body, window) = (
        b.js("return document.body.scrollWidth").await,
        b.js("return window.innerWidth").await,
    );
    let (body, window) = (body.as_u64().unwrap(), window.as_u64().unwrap());
    assert!(window < 500, "the window is phone-sized: {window}");
    assert!(
        body <= window,
        "{} is {body}px wide in a {window}px window",
        b.path().await
    );
}

/// On a phone-sized window the editor still shows its form and the review,
/// and no page scrolls sideways.
async fn phone_sized_window(b: &Browser, overview: &str) {
    b.client.set_window_size(390, 844).await.unwrap();
    for section in ["agenda", "cadence", "goals"] {
        b.open(&format!("{overview}/edit/{section}")).await;
        assert!(b.find("#section-form").await.is_displayed().await.unwrap());
        assert!(b.find("#findings").await.is_displayed().await.unwrap());
        fits_width(b).await;
    }
    b.open(&format!("{overview}/edit/goals")).await;
    assert!(
        b.find("#findings article.finding[data-rule=goal-missing]")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    b.open(overview).await;
    fits_width(b).await;
    b.open(&format!("{overview}/compare?from=1&to=2")).await;
    fits_width(b).await;
}

/// Logging out from the header ends the session.
async fn log_out(b: &Browser, overview: &str) {
    b.click_and_load("header.top form[action='/logout'] button[type=submit]")
        .await;
    assert_eq!(b.path().await, "/login");
    b.text_with("header.top nav", "Log in").await;
    b.open(overview).await;
    assert!(b.path().await.starts_with("/login"), "{}", b.path().await);
}
