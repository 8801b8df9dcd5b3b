//! Delivery to real (local) servers: webhooks through `WebhookSender` to the
//! testkit's `WebhookReceiver`, and e-mail through `SmtpMailer` to its
//! `SmtpReceiver`.

use std::time::Duration;

use accord_testkit::{SmtpReceiver, WebhookReceiver};
use accord_web::mail::{Mail, Mailer, SmtpMailer, SmtpSettings, SmtpTls};
use accord_web::webhook::{self, WebhookError, WebhookMessage, WebhookSender};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(10);
const SECRET: &str = "whsec_delivery_test";

fn now() -> jiff::Timestamp {
    "2026-03-02T09:00:00Z".parse().expect("timestamp")
}

fn message() -> WebhookMessage {
    WebhookMessage {
        title: "Check-in in one hour".to_owned(),
        text: "Maya and Sam meet at 10:00.".to_owned(),
        link: Some("https://accord.example.org/partnerships/7/checkins".to_owned()),
        event: json!({"kind": "reminder", "partnership": 7, "at": "2026-03-02T10:00:00Z"}),
    }
}

/// A sender that may reach this machine, where the receivers listen.
fn sender() -> WebhookSender {
    WebhookSender::new(true).expect("client")
}

#[tokio::test]
async fn a_webhook_is_signed_and_readable_by_slack_and_ntfy() {
    let hooks = WebhookReceiver::start().await;
    let url = hooks.url("/ntfy/maya-reminders");
    sender()
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect("delivered");

    let got = hooks.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let request = &got[0];
    assert_eq!(request.path, "/ntfy/maya-reminders");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-accord-event"), Some("reminder"));
    let agent = request.header("user-agent").expect("user agent");
    assert_eq!(agent, concat!("accord/", env!("CARGO_PKG_VERSION")));
    let signature = request.header("x-accord-signature").expect("signature");
    assert!(signature.starts_with(&format!("t={},v1=", now().as_second())));
    let now_secs = now().as_second();
    assert!(webhook::verify(
        SECRET,
        signature,
        &request.body,
        now_secs + 60,
        300
    ));
    assert!(!webhook::verify(
        "wrong",
        signature,
        &request.body,
        now_secs,
        300
    ));
    assert!(!webhook::verify(SECRET, signature, b"{}", now_secs, 300));
    // And the Standard Webhooks headers: the message's id, the time, and
    // a signature over both and the body.
    assert_eq!(request.header("webhook-id"), Some("msg-1"));
    let timestamp = request.header("webhook-timestamp").expect("timestamp");
    assert_eq!(timestamp, now_secs.to_string());
    let standard = request.header("webhook-signature").expect("signature");
    assert!(webhook::verify_standard(
        SECRET,
        "msg-1",
        timestamp,
        standard,
        &request.body,
        now_secs,
        300
    ));
    assert!(!webhook::verify_standard(
        SECRET,
        "msg-2",
        timestamp,
        standard,
        &request.body,
        now_secs,
        300
    ));

    let body = request.json().expect("JSON body");
    let text = body["text"].as_str().expect("Slack text");
    assert!(text.contains("*Check-in in one hour*"), "{text}");
    assert!(text.contains("Maya and Sam meet at 10:00."), "{text}");
    assert!(text.contains("<https://accord.example.org/partnerships/7/checkins|"));
    assert_eq!(body["topic"], "maya-reminders");
    assert_eq!(body["title"], "Check-in in one hour");
    assert_eq!(body["message"], "Maya and Sam meet at 10:00.");
    assert_eq!(
        body["click"],
        "https://accord.example.org/partnerships/7/checkins"
    );
    assert_eq!(body["accord"]["partnership"], 7);
    assert_eq!(request.body, webhook::body(&message(), &url));
}

#[tokio::test]
async fn an_error_status_is_an_error_that_keeps_secrets() {
    let hooks = WebhookReceiver::start().await;
    let url = hooks.url("/services/T000/B000/very-secret-path");
    hooks.fail_next(1);
    let err = sender()
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect_err("a 500 is a failure");
    assert!(matches!(err, WebhookError::Status(500)), "{err:?}");
    let said = err.to_string();
    assert!(said.contains("500"), "{said}");
    assert!(
        !said.contains(SECRET) && !said.contains("very-secret-path"),
        "{said}"
    );
    // The retry goes through.
    sender()
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect("delivered on retry");
    let statuses: Vec<u16> = hooks.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 200]);
}

#[tokio::test]
async fn an_unreachable_port_is_an_error() {
    // A port that was just free: nothing listens there any more.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/secret-hook");
    let err = sender()
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, WebhookError::Connect(_)), "{err:?}");
    let said = err.to_string();
    assert!(said.contains("could not connect"), "{said}");
    assert!(
        !said.contains("secret-hook") && !said.contains(SECRET),
        "{said}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/slow", listener.local_addr().expect("address"));
    let sender = WebhookSender::with_timeout(Duration::from_millis(300), true).expect("client");
    // The connection is accepted by the kernel; no one ever answers.
    let err = sender
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect_err("timed out");
    assert!(matches!(err, WebhookError::Timeout), "{err:?}");
    drop(listener);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/moved", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut buf = vec![0; 64 * 1024];
        let _ = stream.read(&mut buf).await;
        stream
            .write_all(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await
            .expect("answer");
    });
    let err = sender()
        .send(&url, SECRET, "msg-1", &message(), now())
        .await
        .expect_err("a redirect is a failure");
    assert!(matches!(err, WebhookError::Redirect(302)), "{err:?}");
    server.await.expect("server");
}

#[tokio::test]
async fn a_bad_address_is_refused_before_sending() {
    let err = sender()
        .send(
            "https://user:pw@example.org/x",
            SECRET,
            "msg-1",
            &message(),
            now(),
        )
        .await
        .expect_err("credentials in the URL");
    assert!(matches!(err, WebhookError::BadUrl(_)), "{err:?}");
    assert!(!err.to_string().contains("pw@"), "{err}");
}

#[tokio::test]
async fn by_default_webhooks_never_reach_inside() {
    let hooks = WebhookReceiver::start().await;
    let public_only = WebhookSender::new(false).expect("client");
    // The receiver by its IP, and by a name that resolves to this machine.
    let by_ip = hooks.url("/hook");
    let port = url::Url::parse(&by_ip)
        .expect("a URL")
        .port()
        .expect("a port");
    let by_name = format!("http://localhost:{port}/hook");
    for url in [
        by_ip.clone(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let err = public_only
            .send(&url, SECRET, "msg-1", &message(), now())
            .await
            .expect_err("a private address");
        assert!(matches!(err, WebhookError::Private(_)), "{url}: {err:?}");
    }
    // A name is resolved and every private answer dropped: nothing is
    // left to connect to.
    let err = public_only
        .send(&by_name, SECRET, "msg-1", &message(), now())
        .await
        .expect_err("resolves inside");
    assert!(matches!(err, WebhookError::Connect(_)), "{err:?}");
    assert!(err.to_string().contains("only to private"), "{err}");
    assert!(
        hooks
            .wait_for(1, Duration::from_millis(300))
            .await
            .is_empty()
    );
    // Allowed, the same receiver gets it.
    sender()
        .send(&by_ip, SECRET, "msg-1", &message(), now())
        .await
        .expect("allowed");
    assert_eq!(hooks.wait_for(1, WAIT).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_webhooks_all_arrive_signed() {
    const SENDS: usize = 200;
    let hooks = WebhookReceiver::start().await;
    let sender = sender();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..SENDS {
        let (sender, url) = (sender.clone(), hooks.url(&format!("/h/{i}")));
        tasks.spawn(async move {
            let mut msg = message();
            msg.event = json!({"kind": "reminder", "n": i});
            sender.send(&url, SECRET, "msg-1", &msg, now()).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("delivered");
    }
    let got = hooks.wait_for(SENDS, WAIT).await;
    assert_eq!(got.len(), SENDS);
    for request in &got {
        let signature = request.header("x-accord-signature").expect("signature");
        assert!(webhook::verify(
            SECRET,
            signature,
            &request.body,
            now().as_second(),
            0
        ));
    }
}

#[tokio::test]
async fn an_email_reaches_a_plain_local_smtp_server() {
    let smtp = SmtpReceiver::start().await;
    let mailer = SmtpMailer::new(&SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port: Some(smtp.port()),
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "Accord <accord@example.org>".to_owned(),
    })
    .expect("mailer");
    let body = "Bonjour Maya,\n\nyour check-in with Sam is tomorrow at 09:00 — see you there.\n\n\
                https://accord.example.org/partnerships/7/checkins\n";
    mailer
        .send(Mail {
            to: "maya@example.org".to_owned(),
            subject: "Check-in tomorrow — Maya & Sam".to_owned(),
            body: body.to_owned(),
            message_id: Some("0b7e-row".to_owned()),
        })
        .await
        .expect("sent");

    let got = smtp.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail.from, "accord@example.org");
    // The id the message was given, on the sender's domain.
    assert_eq!(
        mail.header("Message-ID").as_deref(),
        Some("<0b7e-row@example.org>")
    );
    assert_eq!(mail.to, ["maya@example.org"]);
    assert_eq!(
        mail.subject.as_deref(),
        Some("Check-in tomorrow — Maya & Sam")
    );
    assert_eq!(
        mail.text.as_deref().map(str::trim_end),
        Some(body.trim_end())
    );
    // Declared as UTF-8, so mail clients show the dash as a dash.
    let content_type = mail.header("content-type").unwrap_or_default();
    assert!(
        content_type.to_ascii_lowercase().contains("charset=utf-8"),
        "{content_type}"
    );
}
