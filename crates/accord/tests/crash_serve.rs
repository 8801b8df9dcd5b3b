//! `accord serve` killed with SIGKILL again and again while eight clients
//! write with `Idempotency-Key`s, as an operator's crash would: every
//! write a client saw acknowledged is stored, none is stored twice, a
//! request cut off by the crash is answered (once) when retried with its
//! key after the restart instead of staying "still being processed", a
//! later retry gets the first answer again, and SQLite's integrity check
//! is clean.
//!
//! Half the clients start partnerships (`POST /api/v1/partnerships`, the
//! title is the key), half add notes to a recorded check-in (the text is
//! the key), so duplicates are counted straight from the tables. Runs on
//! SQLite always and on PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set
//! (CI sets it). `ACCORD_CRASH_CYCLES` sets the number of kills (25 unless
//! told; the manual run used 100).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::crash::{Client, Outcome, Target, json_of, random_below};
use support::{PgDb, postgres, runtime, serve};

/// How long one key may go unanswered, retried all the while, before the
/// test calls it stuck: long enough for any restart, far shorter than the
/// old two-minute claim that kept a crashed request's key locked.
fn key_deadline() -> Duration {
    let secs = std::env::var("ACCORD_CRASH_KEY_DEADLINE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

fn cycles() -> usize {
    std::env::var("ACCORD_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25)
}

#[test]
fn serve_killed_under_load_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    let report = killed_under_load(&url);
    let integrity: String = runtime().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(integrity, "ok");
    println!("SQLite: {report}");
}

#[test]
fn serve_killed_under_load_postgres() {
    let Some(admin) = postgres() else {
        println!("skipped: ACCORD_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = runtime().block_on(PgDb::create(&admin));
    let report = killed_under_load(&db.url);
    println!("PostgreSQL: {report}");
}

/// What one client saw of one key.
#[derive(Debug, Clone)]
struct Acked {
    /// The id in the first answer.
    id: String,
    /// Attempts it took (more than one: a crash cut one off).
    attempts: u32,
}

/// Everything the clients saw.
#[derive(Default)]
struct Seen {
    acked: HashMap<String, Acked>,
    stuck: Vec<String>,
    unexpected: Vec<String>,
    in_flight_409: usize,
}

fn killed_under_load(url: &str) -> String {
    let started = Instant::now();
    let server = serve(
        &[
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            url,
            "--no-worker",
        ],
        &[],
    );
    let target = Target::new(&server.addr);
    let world = support::crash::world(&target);
    let server = Arc::new(Mutex::new(Some(server)));

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (stop, seen, world, target) =
                (stop.clone(), seen.clone(), world.clone(), target.clone());
            std::thread::spawn(move || {
                let client = Client::new(target);
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let kind = if i % 2 == 0 { 'p' } else { 'n' };
                    let key = format!("crash-{kind}-{i}-{n}");
                    let (path, body, auth) = world.request(&key);
                    let begun = Instant::now();
                    let mut attempts = 0;
                    let outcome = loop {
                        attempts += 1;
                        match client.post(&path, auth, &key, &body) {
                            Outcome::Answered(201, body) => break Ok(json_of(&body)),
                            Outcome::Answered(409, body)
                                if body.contains("still being processed") =>
                            {
                                seen.lock().unwrap().in_flight_409 += 1;
                            }
                            Outcome::Answered(status, body) => {
                                break Err(format!("{key}: {status} {body}"));
                            }
                            Outcome::Cut => {}
                        }
                        if begun.elapsed() > key_deadline() {
                            break Err(String::new());
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    };
                    let mut seen = seen.lock().unwrap();
                    match outcome {
                        Ok(answer) => {
                            let id = answer["id"].as_str().unwrap().to_owned();
                            seen.acked.insert(key, Acked { id, attempts });
                        }
                        Err(why) if why.is_empty() => seen.stuck.push(key),
                        Err(why) => seen.unexpected.push(why),
                    }
                }
            })
        })
        .collect();

    let kills = cycles();
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(100 + random_below(400)));
        let mut slot = server.lock().unwrap();
        if let Some(mut s) = slot.take() {
            s.child.kill().unwrap();
            s.child.wait().unwrap();
        }
        *slot = Some(target.restart(url));
    }
    // Load for a moment on the last server, then let every client finish
    // the key in hand.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }

    let seen = Arc::try_unwrap(seen).ok().unwrap().into_inner().unwrap();
    assert!(seen.unexpected.is_empty(), "{:?}", seen.unexpected);
    assert!(
        seen.stuck.is_empty(),
        "{} keys were never answered within {:?} after a crash: {:?}",
        seen.stuck.len(),
        key_deadline(),
        &seen.stuck[..seen.stuck.len().min(10)]
    );

    // What is stored: each acknowledged key once, nothing else.
    let stored = runtime().block_on(support::crash::stored_keys(url));
    let mut duplicates = Vec::new();
    let mut stored_keys = HashSet::new();
    for (key, count) in &stored {
        if *count > 1 {
            duplicates.push(format!("{key} ×{count}"));
        }
        stored_keys.insert(key.clone());
    }
    let acked_keys: HashSet<String> = seen.acked.keys().cloned().collect();
    let lost: Vec<_> = acked_keys.difference(&stored_keys).collect();
    let unacked: Vec<_> = stored_keys.difference(&acked_keys).collect();
    assert!(duplicates.is_empty(), "stored twice: {duplicates:?}");
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert!(
        unacked.is_empty(),
        "stored but never acknowledged: {unacked:?}"
    );
    let claims = runtime().block_on(support::crash::open_claims(url));
    assert_eq!(claims, 0, "idempotency claims left behind");

    // A later retry of any key gets its first answer, from the store.
    let client = Client::new(target.clone());
    let mut replayed = 0;
    for (key, acked) in &seen.acked {
        let (path, body, auth) = world.request(key);
        match client.post(&path, auth, key, &body) {
            Outcome::Answered(201, answer) => {
                assert_eq!(json_of(&answer)["id"], acked.id.as_str(), "{key}");
                replayed += 1;
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    let cut = seen.acked.values().filter(|a| a.attempts > 1).count();
    drop(server);
    format!(
        "{kills} kills in {:.1?}: {} writes acknowledged ({cut} retried after a cut), \
         {} answered 409 while in flight, 0 lost, 0 duplicated, {replayed} replays identical",
        started.elapsed(),
        seen.acked.len(),
        seen.in_flight_409,
    )
}
