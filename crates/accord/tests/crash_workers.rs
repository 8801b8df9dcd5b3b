//! Three `accord worker` processes on one PostgreSQL database, one of them
//! killed with SIGKILL every few hundred milliseconds while thousands of
//! messages go out (half e-mail to a local SMTP receiver, half webhooks to
//! a local HTTP receiver, each answering a few milliseconds after it has
//! recorded the delivery, so kills land mid-delivery): nothing is lost, a
//! message delivered twice carries the same id both times (`Message-ID`,
//! `webhook-id`) so its receiver can drop the repeat, repeats are bounded
//! by the messages in flight when the kills came (at most one per kill),
//! and a killed worker's message goes out again within the lease, not
//! minutes later. Needs `ACCORD_TEST_POSTGRES_URL` (CI sets it).
//! `ACCORD_CRASH_CYCLES` sets the number of kills (25 unless told).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use accord_store::{Channel, Db, NewNotification, NewUser, NotificationSettings};
use accord_testkit::{SmtpReceiver, WebhookReceiver};
use support::crash::random_below;
use support::{PgDb, local_config, postgres};

/// Messages of each channel.
const PER_CHANNEL: usize = 2000;

/// How long, after the last kill, until every message has arrived: a
/// killed worker's message waits out the lease (45 s), and the rest go
/// out at the workers' pace on a loaded machine.
const AFTER_LAST_KILL: Duration = Duration::from_secs(120);

fn cycles() -> usize {
    std::env::var("ACCORD_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25)
}

fn worker(url: &str, config: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["worker", "--idle-ms", "50", "--batch", "25"])
        .arg("--database-url")
        .arg(url)
        .arg("--config")
        .arg(config)
        .env("ACCORD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// One delivery as a receiver saw it: which message (its number), and the
/// id it carried.
fn deliveries(smtp: &SmtpReceiver, hook: &WebhookReceiver) -> Vec<(String, Option<String>)> {
    let mut seen = Vec::new();
    for m in smtp.messages() {
        let n = m.header("Subject").unwrap_or_default();
        seen.push((format!("mail {n}"), m.header("Message-ID")));
    }
    for r in hook.requests() {
        let body = r.json().unwrap();
        let n = format!("hook Reminder {}", body["accord"]["n"]);
        seen.push((n, r.header("webhook-id").map(str::to_owned)));
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_killed_mid_delivery_lose_nothing_and_repeat_under_the_same_id() {
    let Some(admin) = postgres() else {
        println!("skipped: ACCORD_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = PgDb::create(&admin).await;
    let url = db.url.clone();
    let smtp = SmtpReceiver::start().await;
    let hook = WebhookReceiver::start().await;
    smtp.answer_after(Duration::from_millis(5));
    hook.answer_after(Duration::from_millis(5));

    let store = Db::connect(&url).await.unwrap().into_shared();
    let now = jiff::Timestamp::now();
    let mut users = Vec::new();
    for i in 0..10 {
        let user = store
            .create_user(&NewUser {
                email: &format!("partner{i}@example.org"),
                name: &format!("Partner {i}"),
                password_hash: "$argon2id$unused",
                now,
            })
            .await
            .unwrap();
        store
            .set_notification_settings(
                &user.id,
                &NotificationSettings {
                    email: true,
                    webhook_url: Some(hook.url(&format!("/partner{i}"))),
                    webhook_secret: Some(format!("secret-of-partner-{i}")),
                },
                now,
            )
            .await
            .unwrap();
        users.push(user);
    }
    let due = now - jiff::SignedDuration::from_mins(1);
    let rows: Vec<NewNotification> = (0..PER_CHANNEL * 2)
        .map(|n| NewNotification {
            partnership: None,
            user: Some(users[n % users.len()].id.clone()),
            channel: if n % 2 == 0 {
                Channel::Email
            } else {
                Channel::Webhook
            },
            kind: "checkin".into(),
            dedupe: format!("crash-test:{n}"),
            due_at: due,
            payload: serde_json::json!({
                "subject": format!("Reminder {n}"),
                "text": format!("Reminder number {n}."),
                "event": { "kind": "checkin", "n": n },
            })
            .to_string(),
        })
        .collect();
    for chunk in rows.chunks(500) {
        store.enqueue(chunk).await.unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let config = local_config(dir.path(), smtp.port());
    let started = Instant::now();
    let mut workers: Vec<Child> = (0..3).map(|_| worker(&url, &config)).collect();
    let total = PER_CHANNEL * 2;
    let distinct = |smtp: &SmtpReceiver, hook: &WebhookReceiver| {
        deliveries(smtp, hook)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<HashSet<_>>()
            .len()
    };

    // Kill one worker at a time, at random, while messages remain.
    let mut kills_mid_delivery = 0;
    let mut last_kill = Instant::now();
    for _ in 0..cycles() {
        tokio::time::sleep(Duration::from_millis(150 + random_below(450))).await;
        if distinct(&smtp, &hook) >= total {
            break;
        }
        let i = usize::try_from(random_below(3)).unwrap();
        workers[i].kill().unwrap();
        workers[i].wait().unwrap();
        workers[i] = worker(&url, &config);
        kills_mid_delivery += 1;
        last_kill = Instant::now();
    }
    let killing = started.elapsed();

    // Done when everything arrived and every row is marked: a row whose
    // message a killed worker delivered without marking it goes out again
    // once its lease is over, so the repeats are in only then.
    while last_kill.elapsed() < AFTER_LAST_KILL {
        if distinct(&smtp, &hook) >= total && store.outbox_counts().await.unwrap().pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let delivered_in = started.elapsed();
    // Give a late repeat the chance to arrive before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for mut w in workers {
        let _ = w.kill();
        let _ = w.wait();
    }

    let seen = deliveries(&smtp, &hook);
    let mut ids: HashMap<String, Vec<Option<String>>> = HashMap::new();
    for (n, id) in seen {
        ids.entry(n).or_default().push(id);
    }
    let lost = total - ids.len();
    let repeats: usize = ids.values().map(|v| v.len() - 1).sum();
    let without_id = ids.values().flatten().filter(|id| id.is_none()).count();
    let changed_id: Vec<_> = ids
        .iter()
        .filter(|(_, v)| v.iter().collect::<HashSet<_>>().len() > 1)
        .map(|(n, v)| format!("{n}: {v:?}"))
        .collect();
    let distinct_ids: HashSet<_> = ids.values().filter_map(|v| v[0].clone()).collect();
    let counts = store.outbox_counts().await.unwrap();
    println!(
        "{total} messages by 3 workers, {kills_mid_delivery} kills in the first {killing:.1?}, \
         all delivered after {delivered_in:.1?}: lost {lost}, repeats {repeats} (each under its first id: {}), \
         without an id {without_id}; outbox pending {} sent {} failed {}",
        changed_id.is_empty(),
        counts.pending,
        counts.sent,
        counts.failed,
    );
    assert!(
        kills_mid_delivery >= cycles().min(20),
        "only {kills_mid_delivery} kills came before everything was delivered"
    );
    assert_eq!(lost, 0, "lost within {AFTER_LAST_KILL:?} of the last kill");
    assert_eq!(without_id, 0, "deliveries without an id");
    assert!(
        changed_id.is_empty(),
        "a repeat under another id: {changed_id:?}"
    );
    assert_eq!(
        distinct_ids.len(),
        total,
        "every message has an id of its own"
    );
    assert!(
        repeats <= kills_mid_delivery,
        "{repeats} repeats from {kills_mid_delivery} kills: more than were in flight"
    );
    assert_eq!(
        (counts.pending, counts.sent, counts.failed),
        (0, total as u64, 0)
    );
    drop(store);
    drop(db);
}
