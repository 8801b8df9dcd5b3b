//! Dashboard throughput and latency over HTTP (issue 5, point 7).
//!
//! For SQLite, and for PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set,
//! this starts the real app on port 0 (the test harness's `spawn_app_on`),
//! creates a partnership, signs the weekly agreement and fills two years
//! (104 weeks) of check-ins through the check-in pages, with varied
//! indicator values, stress and energy scores, kept, partly kept and missed
//! commitments, boundary slips, check-ins nobody recorded, and two agreed
//! pauses. It then sets the clock just after the last check-in and
//! requests `GET /p/{id}/dashboard` as a logged-in partner, at concurrency
//! 1 and 8 (tokio tasks sharing one client), and reports requests per
//! second, p50/p90/p99/max latency, failures (anything but a 200 with
//! `<svg` in it) and the response size. The same is measured on a
//! partnership with 10 check-ins, and the server-side steps are timed in
//! process (loading the agreement in force with its check-ins, the health
//! report, drawing the charts) beside `GET /healthz` (one round trip and
//! one query) to show where the time goes. Client and server share one
//! tokio runtime (a worker thread per core), so the client's work competes
//! with the server's for the same cores.
//!
//! ```text
//! ACCORD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo bench -p accord-web --bench dashboard
//! ```
//!
//! `ACCORD_BENCH_REQUESTS` (default 2000) sets the requests per run. The
//! results are printed as a markdown table and written to
//! `target/dashboard-bench.md`; `docs/PERFORMANCE.md` quotes them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/checkin_pages_support/mod.rs"]
mod checkin_pages_support;
#[path = "../tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use accord_web::Clock;
use accord_web::dashboard::charts;
use accord_web::running::{InForce, standing};
use checkin_pages_support::{AGREEMENT, complete, during, pid, post, sign, start};
use common::{Backend, Client, TestApp, full_partnership, spawn_app_on};
use jiff::SignedDuration;

/// Two years of weekly check-ins.
const WEEKS: i64 = 104;
/// The small partnership it is compared with.
const SMALL_WEEKS: i64 = 10;
/// Check-ins nobody recorded (23 and 24 in a row, for the second step of
/// the ladder).
const UNRECORDED: [i64; 6] = [9, 23, 24, 47, 71, 88];
/// Agreed pauses: (proposed during check-in, first check-in, last check-in).
const PAUSES: [(i64, i64, i64); 2] = [(30, 33, 34), (70, 75, 75)];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let requests: usize = std::env::var("ACCORD_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("ACCORD_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        backends.push(Backend::Postgres);
    } else {
        eprintln!("ACCORD_TEST_POSTGRES_URL is not set: measuring SQLite only.");
    }
    let mut rows = Vec::new();
    let mut steps = Vec::new();
    for backend in backends {
        for weeks in [WEEKS, SMALL_WEEKS] {
            let name = match backend {
                Backend::Sqlite => "SQLite",
                Backend::Postgres => "PostgreSQL",
            };
            let app = spawn_app_on(backend, true).await;
            let filled = Instant::now();
            let (mut maya, id, held) = fill(&app, weeks).await;
            eprintln!(
                "{name}: {held} check-ins recorded over {weeks} weeks in {:.1} s",
                filled.elapsed().as_secs_f64()
            );
            app.clock.set(
                start(weeks - 1)
                    .checked_add(SignedDuration::from_hours(2))
                    .unwrap(),
            );
            maya.log_in("maya@example.org").await;
            let url = format!("{}/p/{id}/dashboard", app.base);
            // The page, once, for its size and a sanity check.
            let page = maya.get(&format!("/p/{id}/dashboard")).await;
            assert_eq!(page.status, 200, "{}", page.body);
            if let Some(at) = page.body.find(" check-ins held") {
                let from = page.body[..at].rfind('>').map_or(0, |i| i + 1);
                let to = page.body[at..].find('<').map_or(at, |i| at + i);
                eprintln!("{name}: the dashboard says \"{}\"", &page.body[from..to]);
            }
            let svgs = page.body.matches("<svg").count();
            assert!(svgs >= 4, "two goal and two well-being charts: {svgs}");
            let http = maya.http.clone();
            // Warm up: connections, caches, the allocator.
            measure(&http, &url, "<svg", 4, 40).await;
            let mut step = in_process(&app, &id, name).await;
            step.svg_bytes = page
                .body
                .split("<svg")
                .skip(1)
                .map(|s| s.find("</svg>").map_or(0, |e| e + "<svg</svg>".len()))
                .sum();
            step.page_bytes = page.body.len();
            // The floor: one HTTP round trip and one database query.
            let healthz = format!("{}/healthz", app.base);
            step.healthz = measure(&http, &healthz, "ok", 1, requests).await.p50;
            steps.push(step);
            for concurrency in [1, 8] {
                let stats = measure(&http, &url, "<svg", concurrency, requests).await;
                let row = Row {
                    backend: name,
                    checkins: held,
                    concurrency,
                    bytes: page.body.len(),
                    stats,
                };
                eprintln!("{}", row.line());
                rows.push(row);
            }
        }
    }
    let report = markdown(&rows, &steps, requests);
    println!("{report}");
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target").to_owned());
    let out = std::path::Path::new(&target).join("dashboard-bench.md");
    std::fs::write(&out, report).unwrap();
    let out = out.canonicalize().unwrap_or(out);
    eprintln!("Written to {}", out.display());
}

/// Records check-in `n` as `c` through its page.
async fn record(c: &mut Client, id: &str, n: i64, form: &[(String, String)]) {
    let path = format!("/p/{id}/checkins/{}", start(n).as_millisecond());
    let page = c.get(&path).await;
    assert_eq!(
        page.status, 200,
        "check-in {n}: {:?} {}",
        page.location, page.body
    );
    let saved = post(c, &path, form).await;
    assert_eq!(saved.status, 303, "check-in {n}: {}", saved.body);
}

/// A small deterministic generator (xorshift), so every run has the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// -1, 0 or 1.
    fn jitter(&mut self) -> i64 {
        (self.next() % 3) as i64 - 1
    }
}

/// Sets a field of the form, adding it if it is not there.
fn set(form: &mut Vec<(String, String)>, key: &str, value: String) {
    match form.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => form.push((key.to_owned(), value)),
    }
}

/// The form of week `n`: commitments mostly kept, some partly kept or
/// missed; Maya's one-to-ones climbing from 2 to about 8 a week with
/// noise, the deputy's reports stepping up; stress in slow waves with
/// energy mostly opposite; the e-mail boundary slipping now and then.
fn week_form(n: i64, rng: &mut Rng) -> Vec<(String, String)> {
    let maya = match n % 7 {
        2 => "missed",
        5 => "partly-kept",
        _ => "kept",
    };
    let jonas = match n % 9 {
        3 => ["kept", "missed"],
        6 => ["partly-kept", "kept"],
        _ => ["kept", "kept"],
    };
    let mut f = complete(&[maya], &jonas);
    let meetings = (2 + 6 * n / WEEKS + rng.jitter()).max(0);
    set(&mut f, "reports[0].indicators.0", meetings.to_string());
    let reports = ((n / 20) + rng.jitter()).clamp(0, 5);
    set(&mut f, "reports[1].indicators.1", reports.to_string());
    for (i, phase) in [(0, 0.0), (1, 2.0)] {
        let wave = ((n as f64 / 8.0) + phase).sin() * 1.6;
        let stress = (3 + wave.round() as i64 + rng.jitter()).clamp(1, 5);
        let energy = (6 - stress + rng.jitter()).clamp(1, 5);
        set(
            &mut f,
            &format!("reports[{i}].wellbeing.stress"),
            stress.to_string(),
        );
        set(
            &mut f,
            &format!("reports[{i}].wellbeing.energy"),
            energy.to_string(),
        );
    }
    if n % 6 != 0 {
        f.retain(|(k, _)| !k.starts_with("reports[0].slips."));
    }
    f
}

/// The Monday before check-in `n` and the Sunday after it.
fn week_of(n: i64) -> (String, String) {
    let day = start(n)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date();
    let monday = day.yesterday().unwrap();
    let sunday = day.checked_add(jiff::Span::new().days(5)).unwrap();
    (monday.to_string(), sunday.to_string())
}

/// Maya proposes a pause over check-ins `first..=last`; Jonas agrees.
async fn pause(
    app: &TestApp,
    maya: &mut Client,
    jonas: &mut Client,
    id: &str,
    first: i64,
    last: i64,
) {
    let pauses = format!("/p/{id}/pauses");
    let (from, _) = week_of(first);
    let (_, to) = week_of(last);
    maya.get(&pauses).await;
    let page = maya
        .post(
            &pauses,
            &[
                ("first_day", from.as_str()),
                ("last_day", to.as_str()),
                ("reason", "Away"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let proposed = app.store.pauses(&pid(id)).await.unwrap();
    let p = proposed.iter().find(|p| p.agreed_at.is_none()).unwrap();
    jonas.get(&pauses).await;
    let page = jonas.post(&format!("{pauses}/{}/agree", p.id), &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
}

/// A signed partnership with `weeks` weekly check-ins recorded through the
/// pages (Maya and Jonas taking turns): Maya's client, the id and how many
/// were recorded.
async fn fill(app: &TestApp, weeks: i64) -> (Client, String, usize) {
    let (mut maya, mut jonas, _, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut held = 0;
    for n in 0..weeks {
        during(app, n);
        if n % 4 == 0 {
            maya.log_in("maya@example.org").await;
            jonas.log_in("jonas@example.org").await;
        }
        for (at, first, last) in PAUSES {
            if at == n && last < weeks {
                pause(app, &mut maya, &mut jonas, &id, first, last).await;
            }
        }
        let form = week_form(n, &mut rng);
        let paused = PAUSES.iter().any(|(_, a, b)| (*a..=*b).contains(&n));
        if paused || UNRECORDED.contains(&n) {
            continue;
        }
        let who = if n % 2 == 0 { &mut maya } else { &mut jonas };
        record(who, &id, n, &form).await;
        held += 1;
    }
    (maya, id, held)
}

#[derive(Debug)]
struct Stats {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

/// `total` requests for `url`, `concurrency` at a time.
async fn measure(
    http: &reqwest::Client,
    url: &str,
    needle: &'static str,
    concurrency: usize,
    total: usize,
) -> Stats {
    let next = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (http, url, next) = (http.clone(), url.to_owned(), next.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                let mut failures = 0;
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let sent = Instant::now();
                    let ok = match http.get(&url).send().await {
                        Ok(r) if r.status() == 200 => {
                            r.text().await.is_ok_and(|b| b.contains(needle))
                        }
                        _ => false,
                    };
                    times.push(sent.elapsed());
                    failures += usize::from(!ok);
                }
                (times, failures)
            })
        })
        .collect();
    let mut times = Vec::with_capacity(total);
    let mut failures = 0;
    for t in tasks {
        let (mut t, f) = t.await.unwrap();
        times.append(&mut t);
        failures += f;
    }
    let elapsed = began.elapsed();
    times.sort();
    let at = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    Stats {
        requests: times.len(),
        failures,
        elapsed,
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: *times.last().unwrap(),
    }
}

struct Row {
    backend: &'static str,
    checkins: usize,
    concurrency: usize,
    bytes: usize,
    stats: Stats,
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

impl Row {
    fn line(&self) -> String {
        let s = &self.stats;
        format!(
            "| {} | {} | {} | {:.0} | {} | {} | {} | {} | {} | {:.0} |",
            self.backend,
            self.checkins,
            self.concurrency,
            s.requests as f64 / s.elapsed.as_secs_f64(),
            ms(s.p50),
            ms(s.p90),
            ms(s.p99),
            ms(s.max),
            s.failures,
            self.bytes as f64 / 1024.0,
        )
    }
}

/// Median time of the server-side steps, measured in process.
struct Steps {
    backend: &'static str,
    checkins: usize,
    load: Duration,
    standing: Duration,
    charts: Duration,
    /// `GET /healthz`, p50 at concurrency 1.
    healthz: Duration,
    /// The page's size and the part of it that is SVG.
    page_bytes: usize,
    svg_bytes: usize,
}

async fn median<F, Fut>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    times[runs / 2]
}

/// The agreement in force of `id`, built from the store, as a request does
/// when its copy is not kept (`accord_web::running::cache`).
async fn build(store: &dyn accord_store::Store, id: &accord_store::PartnershipId) -> InForce {
    let history = store.history(id).await.unwrap().unwrap();
    InForce::build(id, history, None).unwrap().unwrap()
}

/// Times loading the agreement in force with every check-in, the health
/// report (which reads the consequence log) and drawing the charts.
async fn in_process(app: &TestApp, id: &str, backend: &'static str) -> Steps {
    let store = app.store.as_ref();
    let id = pid(id);
    let now = app.clock.now();
    let inforce = build(store, &id).await;
    let (id, inforce) = (&id, &inforce);
    let load = median(30, || async move {
        build(store, id).await;
    })
    .await;
    let standing_time = median(30, || async move {
        standing(store, inforce, now).await.unwrap().unwrap();
    })
    .await;
    let (report, _) = standing(store, inforce, now).await.unwrap().unwrap();
    let zone = inforce.schedule.as_ref().unwrap().time_zone().clone();
    let (report, zone) = (&report, &zone);
    let charts_time = median(30, || async move {
        for (i, p) in report.metrics.parties.iter().enumerate() {
            for g in &p.goals {
                charts::goal(g, &format!("goal-{i}-{}", g.goal), zone);
            }
            charts::wellbeing(&p.name, &p.wellbeing, &format!("wellbeing-{i}"), zone).unwrap();
        }
    })
    .await;
    Steps {
        backend,
        checkins: inforce.entries.len(),
        load,
        standing: standing_time,
        charts: charts_time,
        healthz: Duration::ZERO,
        page_bytes: 0,
        svg_bytes: 0,
    }
}

fn markdown(rows: &[Row], steps: &[Steps], requests: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dashboard over HTTP, {requests} requests per row (`GET /p/{{id}}/dashboard`, logged in).\n"
    );
    let _ = writeln!(
        out,
        "| Database | Check-ins | Concurrency | Requests/s | p50 ms | p90 ms | p99 ms | max ms | Failures | Page KiB |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let _ = writeln!(out, "{}", r.line());
    }
    let _ = writeln!(
        out,
        "\nServer-side steps, measured in process (median of 30):\n"
    );
    let _ = writeln!(
        out,
        "| Database | Check-ins | Load agreement and check-ins ms | Health report ms | Draw charts ms | `/healthz` p50 ms | SVG KiB of page KiB |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for s in steps {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.0} of {:.0} |",
            s.backend,
            s.checkins,
            ms(s.load),
            ms(s.standing),
            ms(s.charts),
            ms(s.healthz),
            s.svg_bytes as f64 / 1024.0,
            s.page_bytes as f64 / 1024.0,
        );
    }
    out
}
