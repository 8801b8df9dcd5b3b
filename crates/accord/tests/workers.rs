//! Three `accord worker` processes on one PostgreSQL database, with
//! thousands of reminders due at once, half by e-mail (to a local SMTP
//! receiver) and half by webhook (to a local HTTP receiver): every one
//! arrives exactly once. Needs `ACCORD_TEST_POSTGRES_URL` (CI sets it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use accord_store::{Channel, Db, NewNotification, NewUser, NotificationSettings};
use accord_testkit::{SmtpReceiver, WebhookReceiver};
use support::{PgDb, local_config, postgres};

/// Reminders of each channel.
const PER_CHANNEL: usize = 1500;

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_workers_send_every_reminder_exactly_once() {
    let Some(admin) = postgres() else { return };
    let db = PgDb::create(&admin).await;
    let url = db.url.clone();

    let smtp = SmtpReceiver::start().await;
    let hook = WebhookReceiver::start().await;
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
    // Every reminder is due already: the workers race for all of them.
    let due = now - jiff::SignedDuration::from_mins(1);
    let mut rows = Vec::new();
    for n in 0..PER_CHANNEL * 2 {
        let channel = if n % 2 == 0 {
            Channel::Email
        } else {
            Channel::Webhook
        };
        let payload = serde_json::json!({
            "subject": format!("Reminder {n}"),
            "text": format!("Reminder number {n}."),
            "event": { "kind": "checkin", "n": n },
        });
        rows.push(NewNotification {
            partnership: None,
            user: Some(users[n % users.len()].id.clone()),
            channel,
            kind: "checkin".into(),
            dedupe: format!("load-test:{n}"),
            due_at: due,
            payload: payload.to_string(),
        });
    }
    for chunk in rows.chunks(500) {
        store.enqueue(chunk).await.unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let config = local_config(dir.path(), smtp.port());
    let started = Instant::now();
    let workers: Vec<Worker> = (0..3)
        .map(|_| {
            Worker(
                Command::new(env!("CARGO_BIN_EXE_accord"))
                    .args(["worker", "--idle-ms", "50", "--batch", "25"])
                    .arg("--database-url")
                    .arg(&url)
                    .arg("--config")
                    .arg(&config)
                    .env("ACCORD_LOG", "info")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();

    let deadline = Duration::from_secs(240);
    let mails = smtp.wait_for(PER_CHANNEL, deadline).await;
    let hooks = hook.wait_for(PER_CHANNEL, deadline).await;
    let elapsed = started.elapsed();
    // Give any duplicate a chance to arrive before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails = smtp.messages().len().max(mails.len());
    let hooks_all = hook.requests();
    let _ = hooks;

    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in smtp.messages() {
        *seen
            .entry(m.header("Subject").unwrap_or_default())
            .or_default() += 1;
    }
    for r in &hooks_all {
        let body = r.json().unwrap();
        *seen
            .entry(format!("Reminder {}", body["accord"]["n"]))
            .or_default() += 1;
    }
    let duplicates: usize = seen.values().map(|c| c - 1).sum();
    let lost = PER_CHANNEL * 2 - seen.len();
    let counts = store.outbox_counts().await.unwrap();

    let mut claimed_by = Vec::new();
    for mut w in workers {
        let _ = w.0.kill();
        let _ = w.0.wait();
        let mut log = String::new();
        if let Some(mut err) = w.0.stderr.take() {
            let _ = err.read_to_string(&mut log);
        }
        let claimed: u64 = log
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|l| l["fields"]["claimed"].as_u64())
            .sum();
        claimed_by.push(claimed);
    }
    println!(
        "{} reminders ({mails} e-mails, {} webhooks) by 3 workers in {elapsed:?}; claimed per worker {claimed_by:?}; duplicates {duplicates}, lost {lost}",
        PER_CHANNEL * 2,
        hooks_all.len()
    );
    assert_eq!(duplicates, 0, "duplicates");
    assert_eq!(lost, 0, "lost");
    assert_eq!(mails, PER_CHANNEL);
    assert_eq!(hooks_all.len(), PER_CHANNEL);
    assert_eq!(
        (counts.pending, counts.sent, counts.failed),
        (0, (PER_CHANNEL * 2) as u64, 0)
    );
    assert_eq!(claimed_by.iter().sum::<u64>(), (PER_CHANNEL * 2) as u64);
    assert!(
        claimed_by.iter().filter(|c| **c > 0).count() >= 2,
        "the work was shared: {claimed_by:?}"
    );

    drop(store);
    drop(db);
}
