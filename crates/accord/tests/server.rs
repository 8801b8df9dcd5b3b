//! `accord serve`, `accord backup` and `accord user reset-link` as an
//! operator meets them: the real binary, a real SQLite file, plain HTTP
//! over a socket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use support::{accord, get, local_config, serve, sign_up};

#[test]
fn serve_starts_with_no_setup_and_backup_copies_the_live_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let server = serve(&["--listen", "127.0.0.1:0", "--data-dir", data_arg], &[]);
    assert!(
        data.join("accord.db").exists(),
        "the data directory and database are created"
    );

    let (status, head, body) = get(&server.addr, "/healthz");
    assert_eq!(status, 200);
    assert!(body.contains("\"ok\""), "{body}");
    assert!(head.contains("x-request-id"), "{head}");
    sign_up(&server.addr, "maya%40example.org");

    // The backup is taken while the server is running, and holds the account.
    let copy = dir.path().join("copy.db");
    let out = accord(&[
        "backup",
        "--output",
        copy.to_str().unwrap(),
        "--data-dir",
        data_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = format!("sqlite://{}", copy.display());
    let out = accord(&[
        "user",
        "reset-link",
        "maya@example.org",
        "--database-url",
        &url,
        "--base-url",
        "https://accord.example.org",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8(out.stdout).unwrap();
    assert!(
        link.starts_with("https://accord.example.org/reset/"),
        "{link}"
    );
    assert!(
        link.trim().len() > "https://accord.example.org/reset/".len() + 40,
        "a 256-bit token: {link}"
    );

    // A second backup to the same file is refused and the file is kept.
    let before = std::fs::read(&copy).unwrap();
    let out = accord(&[
        "backup",
        "--output",
        copy.to_str().unwrap(),
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    drop(server);
}

#[test]
fn requests_are_logged_as_json_lines_with_their_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    let (_, head, _) = get(&server.addr, "/healthz");
    let id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap()
        .trim()
        .to_owned();
    // The support drains stderr into `server.log`; the line is written as
    // the response goes out, so give the reader thread a moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.log.lock().unwrap().contains(&id) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = server.child.kill();
    let logs = server.log.lock().unwrap().clone();
    let line = logs
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("no log line with {id}: {logs}"));
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(json["span"]["path"], "/healthz", "{line}");
}

#[test]
fn flags_win_over_environment_which_wins_over_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("accord.toml");
    let from_file = dir.path().join("from-file");
    let from_env = dir.path().join("from-env");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:1\"\ndata_dir = \"{}\"\n",
            from_file.display()
        ),
    )
    .unwrap();
    let config_arg = config.to_str().unwrap();
    // The file's data directory is used when nothing else names one.
    let server = serve(&["--config", config_arg, "--listen", "127.0.0.1:0"], &[]);
    assert!(from_file.join("accord.db").exists());
    drop(server);
    // The environment wins over the file; the flag wins over the file's port.
    let server = serve(
        &["--config", config_arg, "--listen", "127.0.0.1:0"],
        &[("ACCORD_DATA_DIR", from_env.to_str().unwrap())],
    );
    assert!(from_env.join("accord.db").exists());
    assert_eq!(get(&server.addr, "/healthz").0, 200);
}

#[test]
fn bad_settings_are_refused_with_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let out = accord(&[
        "serve",
        "--listen",
        "localhost-8080",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"localhost-8080\" is not an address"));

    let config = dir.path().join("accord.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\ndatabase = \"x\"\n").unwrap();
    let out = accord(&["serve", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("accord.toml:2:1") && err.contains("database"),
        "{err}"
    );

    let out = accord(&[
        "serve",
        "--database-url",
        "mysql://x",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite://PATH or postgres://"));

    let out = accord(&[
        "user",
        "reset-link",
        "nobody@example.org",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account uses"));
    assert!(!Path::new("accord-data").join("x").exists());
}

/// One reminder row for `user`, due a minute ago.
fn due(
    user: &accord_store::UserId,
    channel: accord_store::Channel,
    n: u32,
) -> accord_store::NewNotification {
    let payload = serde_json::json!({
        "subject": format!("Reminder {n}"),
        "text": format!("Reminder number {n}."),
        "event": { "kind": "checkin", "n": n },
    });
    accord_store::NewNotification {
        partnership: None,
        user: Some(user.clone()),
        channel,
        kind: "checkin".into(),
        dedupe: format!("serve-test:{n}:{channel:?}"),
        due_at: jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1),
        payload: payload.to_string(),
    }
}

/// `accord serve` runs the reminder worker in the same process: what is
/// due goes out by e-mail (SMTP from the config file) and by webhook
/// (allowed onto this machine by the config file); with `--no-worker`
/// nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_reminders_unless_told_not_to() {
    use accord_store::{Channel, Db, NewUser, NotificationSettings};
    use accord_testkit::{SmtpReceiver, WebhookReceiver};

    let smtp = SmtpReceiver::start().await;
    let hook = WebhookReceiver::start().await;
    for with_worker in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let config = local_config(dir.path(), smtp.port());
        let data = dir.path().join("data");
        let mut args = vec![
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ];
        if !with_worker {
            args.push("--no-worker");
        }
        let server = serve(&args, &[]);
        // The server made the database; put a due reminder of each kind in it.
        let url = format!("sqlite://{}", data.join("accord.db").display());
        let store = Db::connect(&url).await.unwrap().into_shared();
        let now = jiff::Timestamp::now();
        let email = if with_worker {
            "maya@example.org"
        } else {
            "jonas@example.org"
        };
        let user = store
            .create_user(&NewUser {
                email,
                name: "Partner",
                password_hash: "$argon2id$unused",
                now,
            })
            .await
            .unwrap();
        let path = format!("/{}", email.split('@').next().unwrap());
        store
            .set_notification_settings(
                &user.id,
                &NotificationSettings {
                    email: true,
                    webhook_url: Some(hook.url(&path)),
                    webhook_secret: Some("a secret".to_owned()),
                },
                now,
            )
            .await
            .unwrap();
        let n = u32::from(with_worker);
        store
            .enqueue(&[
                due(&user.id, Channel::Email, n),
                due(&user.id, Channel::Webhook, n),
            ])
            .await
            .unwrap();

        // The worker wakes every few seconds when idle.
        let patience = Duration::from_secs(if with_worker { 30 } else { 12 });
        // Counted across both rounds: the first sends one of each.
        let wanted = if with_worker { 1 } else { 2 };
        let mails = smtp.wait_for(wanted, patience).await;
        let hooks = hook.wait_for(wanted, Duration::from_secs(2)).await;
        // The worker marks a row sent once its receiver has answered.
        let mut counts = store.outbox_counts().await.unwrap();
        for _ in 0..50 {
            if !with_worker || counts.pending == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            counts = store.outbox_counts().await.unwrap();
        }
        if with_worker {
            assert_eq!(mails.len(), 1, "the e-mail was sent");
            assert_eq!(mails[0].header("Subject").as_deref(), Some("Reminder 1"));
            assert_eq!(hooks.len(), 1, "the webhook was posted: {counts:?}");
            assert_eq!(hooks[0].path, "/maya");
            assert_eq!((counts.pending, counts.sent, counts.failed), (0, 2, 0));
        } else {
            assert_eq!(mails.len(), 1, "nothing more was sent");
            assert_eq!(hooks.len(), 1, "nothing more was posted");
            assert_eq!((counts.pending, counts.sent), (2, 0));
        }
        drop(server);
    }
}
