//! Seeing where they stand, in real headless Chromium: Maya's dashboard
//! after two good weeks (charts drawn, screenshotted, and the screenshot's
//! pixels checked for the chart lines), a signal that appears after two bad
//! weeks, the early recalibration it offers, from health report to the next
//! version signed by both and compared, the closed period's report kept,
//! the partnership's data downloaded from its page (JSON and CSV), the
//! coach's overview, and a partner removing the coach.
//!
//! The check-ins themselves are recorded over HTTP here: the browser flow
//! of recording is `browser_month.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser_support;
mod checkin_pages_support;
mod common;

use browser_support::{Browser, Driver};
use checkin_pages_support::{AGREEMENT, complete, during, record, sign, with};
use common::{TestApp, full_partnership};

/// The first line colour of every chart (Okabe–Ito blue).
const BLUE: [u8; 3] = [0, 114, 178];

fn agreement() -> String {
    AGREEMENT.replace(
        "timezone = \"Europe/Berlin\"\n",
        "timezone = \"Europe/Berlin\"\ndrafted = 2026-03-02\n",
    ) + "\n[recalibration]\ndate = 2026-04-27\ncalendared = true\n"
}

fn week(maya: &str, stress: &str, value: &str) -> Vec<(String, String)> {
    let form = complete(&[maya], &["kept", "kept"]);
    let form = with(form, "reports[0].wellbeing.stress", stress);
    with(form, "reports[0].indicators.0", value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_signal_recalibration_and_coach_in_chromium() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = common::spawn_app().await;
    let (mut maya_http, _, _, id) = full_partnership(&app).await;
    sign(&app, &id, &agreement()).await;
    for (n, (kept, stress, value)) in [("kept", "2", "3"), ("kept", "3", "5")].iter().enumerate() {
        during(&app, n as i64);
        record(&mut maya_http, &id, n as i64, &week(kept, stress, value)).await;
    }
    let maya = driver.browser(&app.base, 1280, 1000).await;
    let jonas = driver.browser(&app.base, 1280, 1000).await;
    let ruth = driver.browser(&app.base, 1280, 1000).await;
    maya.log_in("maya@example.org").await;
    jonas.log_in("jonas@example.org").await;
    ruth.log_in("ruth@example.org").await;

    dashboard_with_charts(&maya, &id).await;
    // Two bad weeks for Maya: missed, stress at 5.
    for n in 2..4 {
        during(&app, n);
        record(&mut maya_http, &id, n, &week("missed", "5", "5")).await;
    }
    a_signal_appears(&maya, &id).await;
    recalibrate(&app, &maya, &jonas, &id).await;
    export_from_the_page(&app, &jonas, &id).await;
    coach_overview(&ruth, &id).await;
    consent_withdrawn(&maya, &ruth, &id).await;

    maya.close().await;
    jonas.close().await;
    ruth.close().await;
}

/// The dashboard from the partnership's page: figures, no signal yet, and
/// charts that are really drawn (a screenshot of each shows its line).
async fn dashboard_with_charts(b: &Browser, id: &str) {
    b.open(&format!("/p/{id}")).await;
    b.follow("Dashboard").await;
    assert_eq!(b.path().await, format!("/p/{id}/dashboard"));
    b.text_with("#signals", "No warning signs").await;
    b.text_with("#party-0 .kept-rate", "100%").await;
    b.text_with("#party-0 .streak", "2").await;
    let charts = b
        .client
        .find_all(fantoccini::Locator::Css("figure.chart svg[role=img]"))
        .await
        .unwrap();
    assert_eq!(
        charts.len(),
        3,
        "Maya's goal, and both partners' well-being"
    );
    let labels = b
        .js("return Array.from(document.querySelectorAll('figure.chart svg')).map(s => [s.querySelector('title').textContent, s.getBoundingClientRect().width, s.getBoundingClientRect().height])")
        .await;
    let labels: Vec<(String, f64, f64)> = serde_json::from_value(labels).unwrap();
    assert_eq!(
        labels[0].0,
        "Hold a one-to-one with each report every fortnight: one-to-ones held"
    );
    for (title, w, h) in &labels {
        assert!(*w > 300.0 && *h > 100.0, "{title} is drawn at {w}×{h}");
    }
    // The whole page, kept for a person to look at …
    let shot = save_screenshot(b, "dashboard.png").await;
    assert!(decode(&shot).0 >= 1000, "a full-width screenshot");
    // … and each chart, checked: mostly light background, and the line's
    // blue really on screen.
    for chart in charts {
        let png = chart.screenshot().await.unwrap();
        let (w, h, pixels) = decode(&png);
        assert!(w > 300 && h > 100, "{w}×{h}");
        let blue = pixels.chunks(4).filter(|p| near(&p[..3], &BLUE)).count();
        let light = pixels
            .chunks(4)
            .filter(|p| p[..3].iter().all(|c| *c >= 200))
            .count();
        let all = (w * h) as usize;
        assert!(blue > 100, "the line shows: {blue} blue pixels of {all}");
        assert!(light > all / 2, "a light background: {light} of {all}");
    }
    // The numbers are there without the picture.
    b.click("figure.chart details summary").await;
    b.text_with("figure.chart details table", "10 March 2026")
        .await;
}

/// Saves what the browser shows under `target/tmp/screenshots/`, for a
/// person to look at, and returns the PNG.
async fn save_screenshot(b: &Browser, name: &str) -> Vec<u8> {
    let shot = b.client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), &shot).unwrap();
    shot
}

/// Width, height and RGBA pixels of a PNG.
fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let pixels = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (info.width, info.height, pixels)
}

fn near(p: &[u8], c: &[u8; 3]) -> bool {
    p.iter().zip(c).all(|(a, b)| a.abs_diff(*b) <= 12)
}

/// After two bad weeks the signal is on the dashboard, with what to do.
async fn a_signal_appears(b: &Browser, id: &str) {
    b.open(&format!("/p/{id}/dashboard")).await;
    let said = b
        .text_with(
            "li.signal.wellbeing-falling",
            "Maya's stress was 4 or higher",
        )
        .await;
    assert!(said.contains("Talk about"), "{said}");
    b.text_with("#verdict", "At risk").await;
    b.text_with("#consequences", "Maya, 2 misses in a row")
        .await;
}

/// From the signal to the health report, the next version started, signed
/// by both, and the comparison.
async fn recalibrate(app: &TestApp, maya: &Browser, jonas: &Browser, id: &str) {
    maya.follow("Prepare an early recalibration").await;
    assert_eq!(maya.path().await, format!("/p/{id}/recalibration"));
    maya.find("#early").await;
    maya.text_with("#report", "Health report: version 1").await;
    maya.text_with("#report table", "2 kept, 0 partly kept, 2 missed")
        .await;
    maya.text_with("#report", "The review of version 1").await;
    save_screenshot(maya, "recalibration.png").await;
    maya.click_and_load("#next-version button[type=submit]")
        .await;
    maya.text_with("[role=status]", "The next version is drafted")
        .await;
    maya.find("#draft-changed").await;
    let p = app
        .store
        .partnership(&checkin_pages_support::pid(id))
        .await
        .unwrap()
        .unwrap();
    assert!(p.draft.contains("2026-05-05"), "{}", p.draft);

    // Both sign it on the partnership's page.
    for (b, then) in [
        (maya, "You signed this draft (version 2)"),
        (jonas, "it is version 2, the agreement in force"),
    ] {
        b.open(&format!("/p/{id}")).await;
        b.click_and_load("#signing button[type=submit]").await;
        b.text_with("#sign-status", then).await;
    }
    maya.open(&format!("/p/{id}/recalibration")).await;
    maya.text_with("#due", "Agreed for Tuesday 5 May 2026")
        .await;
    maya.click_and_load("#compare-signed").await;
    assert_eq!(maya.path().await, format!("/p/{id}/compare?from=1&to=2"));
    let changed = maya
        .js("return Array.from(document.querySelectorAll('table.diff tr.changed, table.diff tr.added')).map(r => r.innerText).join('\\n')")
        .await;
    assert!(changed.to_string().contains("2026-05-05"), "{changed}");

    // The period that closed keeps its report, reached from the
    // recalibration page and from the new period's dashboard.
    jonas.open(&format!("/p/{id}/recalibration")).await;
    jonas.click_and_load("#previous-period").await;
    assert_eq!(jonas.path().await, format!("/p/{id}/dashboard?version=1"));
    jonas
        .text_with(
            "#closed-period",
            "This is how that period stood when it closed: 4 check-ins held",
        )
        .await;
    jonas.text_with("#verdict", "At risk when it closed").await;
    assert!(
        !jonas.has("#upcoming").await,
        "a closed period has nothing ahead"
    );
    save_screenshot(jonas, "dashboard-closed-period.png").await;
    jonas
        .click_and_load("#periods a[href$='dashboard?version=2']")
        .await;
    jonas.text_with("main", "Version 2, in force since").await;
}

/// Jonas downloads the partnership's data from its page: the JSON export
/// of what he may see, and the check-ins as a table, saved by Chromium.
async fn export_from_the_page(app: &TestApp, b: &Browser, id: &str) {
    use accord_web::Clock;
    let day = app.clock.now().strftime("%Y-%m-%d").to_string();
    b.open(&format!("/p/{id}")).await;
    b.click("a[href$='/export.json']").await;
    let json = b.downloaded(&format!("maya-and-jonas-{day}.json")).await;
    let export = accord_store::export::Export::from_json(std::str::from_utf8(&json).unwrap())
        .expect("the download is a readable export");
    assert_eq!(export.checkins.len(), 4, "the four check-ins of version 1");
    assert_eq!(export.versions.len(), 2);
    b.click("a[href$='/export/checkins.csv']").await;
    let csv = b
        .downloaded(&format!("maya-and-jonas-{day}-checkins.csv"))
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(&reader.headers().unwrap()[0], "date");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4 * 2, "a row per check-in and partner");
    assert_eq!(&rows[0][0], "2026-03-03");
}

/// The coach's overview lists the partnership with its health.
async fn coach_overview(b: &Browser, id: &str) {
    b.open("/").await;
    b.follow("Coaching").await;
    assert_eq!(b.path().await, "/coach");
    b.text_with("ul.coached", "Maya and Jonas").await;
    // Version 2 has no check-in yet: how version 1 ended is said instead.
    b.text_with(
        "ul.coached .previous",
        "Version 1 ended at risk on 24 March 2026: Two warning signs",
    )
    .await;
    assert!(
        b.has(&format!("ul.coached a[href='/p/{id}/dashboard?version=1']"))
            .await
    );
    save_screenshot(b, "coach.png").await;
    b.click_and_load(&format!("ul.coached a[href='/p/{id}/dashboard']"))
        .await;
    b.text_with("main h1", "Where you stand").await;
    assert!(
        !b.has("a[href$='/recalibration'].button").await,
        "a coach does not start a recalibration"
    );
}

/// Maya removes the coach on the partnership's page; Ruth's overview no
/// longer lists it and its pages are closed to her.
async fn consent_withdrawn(maya: &Browser, ruth: &Browser, id: &str) {
    maya.open(&format!("/p/{id}")).await;
    maya.text_with("#members", "Ruth").await;
    maya.click_and_load("#members form[action$='/remove'] button[type=submit]")
        .await;
    assert_eq!(maya.path().await, format!("/p/{id}"));
    let members = maya.text("#members ul").await;
    assert!(!members.contains("Ruth"), "{members}");
    ruth.open("/coach").await;
    assert!(
        !ruth.main_text().await.contains("Maya and Jonas"),
        "no longer coached"
    );
    ruth.open(&format!("/p/{id}/dashboard")).await;
    ruth.text_with("main", "There is nothing here, or it is not yours to see.")
        .await;
}
