//! Tests of the webhook body, signature and address checks. The expected
//! signatures were computed independently:
//! `printf '%s' '1767225600.{"a":1}' | openssl dgst -sha256 -hmac whsec_test`
//! and Python's `hmac.new(key, msg, hashlib.sha256).hexdigest()`.

use serde_json::{Value, json};

use super::*;

fn message(link: Option<&str>) -> WebhookMessage {
    WebhookMessage {
        title: "Check-in tomorrow at 09:00".to_owned(),
        text: "Maya & Sam <weekly>".to_owned(),
        link: link.map(str::to_owned),
        event: json!({"kind": "reminder", "partnership": 7}),
    }
}

fn parsed(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("the body is JSON")
}

#[test]
fn sign_matches_independently_computed_hmacs() {
    assert_eq!(
        sign("whsec_test", 1_767_225_600, br#"{"a":1}"#),
        "t=1767225600,v1=6d204545ff126a339c00513d93603299c984074ce1331c3537c3f6c976b49019"
    );
    // A key longer than the hash's block is hashed first; a negative time.
    assert_eq!(
        sign(&"k".repeat(100), -5, b""),
        "t=-5,v1=08da09817b82bc258cdac8551780f02feef65956afc87ef0932646fac7ad0dc6"
    );
    assert_eq!(
        sign("", 0, b"body"),
        "t=0,v1=36c63a3b795608589ed686649eb86de37b47a84c95a4b9da8e371c3e7ad3bf7b"
    );
}

/// The example of the Standard Webhooks specification, and a secret
/// from before Accord made `whsec_` ones (keyed with its text, checked
/// with Python's `hmac`).
#[test]
fn standard_signatures_match_the_specification() {
    let (id, body) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", br#"{"test": 2432232314}"#);
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let signed = sign_standard(secret, id, 1_614_265_330, body);
    assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assert!(verify_standard(
        secret,
        id,
        "1614265330",
        &signed,
        body,
        1_614_265_330,
        300
    ));
    // Several signatures, space-separated: any one that matches will do.
    let several = format!("v1,bm90IGl0 {signed}");
    assert!(verify_standard(
        secret,
        id,
        "1614265330",
        &several,
        body,
        1_614_265_400,
        300
    ));
    // Another id, time, body or secret, or a time too far off: refused.
    assert!(!verify_standard(
        secret,
        "msg_other",
        "1614265330",
        &signed,
        body,
        1_614_265_330,
        300
    ));
    assert!(!verify_standard(
        secret,
        id,
        "1614265331",
        &signed,
        body,
        1_614_265_330,
        300
    ));
    assert!(!verify_standard(
        secret,
        id,
        "1614265330",
        &signed,
        b"{}",
        1_614_265_330,
        300
    ));
    assert!(!verify_standard(
        "whsec_b3RoZXI=",
        id,
        "1614265330",
        &signed,
        body,
        1_614_265_330,
        300
    ));
    assert!(!verify_standard(
        secret,
        id,
        "1614265330",
        &signed,
        body,
        1_614_266_000,
        300
    ));
    assert!(!verify_standard(
        secret,
        id,
        "soon",
        &signed,
        body,
        1_614_265_330,
        300
    ));
    let older = sign_standard("secret-of-partner-1", "m1", 10, b"x");
    assert_eq!(older, "v1,sjGOLK3jOeRebxGWSXKcdqi3A+UxUYKVP5QccPB1QzU=");
}

#[test]
fn verify_accepts_its_own_signature_within_the_tolerance_only() {
    let body = br#"{"a":1}"#;
    let header = sign("s3cret", 1_000, body);
    assert!(verify("s3cret", &header, body, 1_000, 300));
    assert!(verify("s3cret", &header, body, 1_300, 300));
    assert!(verify("s3cret", &header, body, 700, 300));
    assert!(!verify("s3cret", &header, body, 1_301, 300));
    assert!(!verify("s3cret", &header, body, 699, 300));
    assert!(!verify("s3cret", &header, body, 1_000, -1));
    assert!(!verify("other", &header, body, 1_000, 300));
    assert!(!verify("s3cret", &header, br#"{"a":2}"#, 1_000, 300));
    // The time is signed: changing it breaks the signature.
    let moved = header.replacen("t=1000", "t=1001", 1);
    assert!(!verify("s3cret", &moved, body, 1_000, 300));
}

#[test]
fn verify_reads_the_header_leniently_but_rejects_garbage() {
    let body = b"x";
    let good = sign("k", 50, body);
    let v1 = good.split_once(",v1=").expect("v1").1;
    // Spaces, order, an unknown scheme and a second (rotated) signature.
    let header = format!("v0=abc, v1={}, t=50 ,v1={v1}", "00".repeat(32));
    assert!(verify("k", &header, body, 50, 10));
    assert!(!verify("k", &format!("v1={v1}"), body, 50, 10));
    assert!(!verify("k", "t=50", body, 50, 10));
    assert!(!verify("k", "t=50,v1=zz", body, 50, 10));
    assert!(!verify(
        "k",
        &format!("t=50,v1={}", &v1[..63]),
        body,
        50,
        10
    ));
    assert!(!verify("k", &format!("t=abc,v1={v1}"), body, 50, 10));
    assert!(!verify("k", "", body, 50, 10));
    assert!(!verify("k", &good, body, i64::MIN, i64::MAX));
}

#[test]
fn body_speaks_slack_ntfy_and_accord() {
    let msg = message(Some("https://accord.example.org/p/7?a=1&b=2"));
    let body = parsed(&body(&msg, "https://ntfy.sh/maya-reminders"));
    assert_eq!(
        body["text"],
        "*Check-in tomorrow at 09:00*\nMaya &amp; Sam &lt;weekly&gt;\n\
         <https://accord.example.org/p/7?a=1&amp;b=2|Open in Accord>"
    );
    assert_eq!(body["topic"], "maya-reminders");
    assert_eq!(body["title"], "Check-in tomorrow at 09:00");
    assert_eq!(body["message"], "Maya & Sam <weekly>");
    assert_eq!(body["click"], "https://accord.example.org/p/7?a=1&b=2");
    assert_eq!(body["tags"], json!(["accord"]));
    assert_eq!(
        body["accord"],
        json!({"kind": "reminder", "partnership": 7})
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(7));
}

#[test]
fn body_without_link_has_no_click() {
    let body = parsed(&body(&message(None), "https://hooks.example.org/x"));
    assert!(body.get("click").is_none());
    assert_eq!(
        body["text"],
        "*Check-in tomorrow at 09:00*\nMaya &amp; Sam &lt;weekly&gt;"
    );
}

#[test]
fn topic_is_the_last_non_empty_path_segment_or_accord() {
    for (url, expected) in [
        ("https://ntfy.sh/maya", "maya"),
        ("https://ntfy.sh/a/b/", "b"),
        ("https://ntfy.sh/maya?tpl=1&m={{.message}}", "maya"),
        ("https://ntfy.sh/", "accord"),
        ("https://ntfy.sh", "accord"),
        ("not a url", "accord"),
    ] {
        assert_eq!(topic(url), expected, "{url}");
    }
}

#[test]
fn event_name_comes_from_the_kind() {
    assert_eq!(event_name(&message(None)), "reminder");
    let mut msg = message(None);
    msg.event = json!({"type": "x"});
    assert_eq!(event_name(&msg), "notification");
    msg.event = json!({"kind": 3});
    assert_eq!(event_name(&msg), "notification");
}

#[test]
fn check_url_accepts_plain_http_and_https_addresses() {
    for url in [
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "  http://127.0.0.1:8080/hook  ",
        "https://ntfy.sh/maya?tpl=1&t={{.title}}&m={{.message}}",
        "https://[::1]:9000/",
    ] {
        let parsed = check_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(parsed.host_str().is_some());
    }
}

#[test]
fn check_url_explains_what_is_wrong() {
    for (url, says) in [
        ("", "Enter the webhook's address"),
        ("   ", "Enter the webhook's address"),
        ("hooks.example.org/x", "not a web address"),
        ("/relative/path", "not a web address"),
        ("ftp://example.org/x", "not ftp:"),
        ("mailto:maya@example.org", "not mailto:"),
        ("file:///etc/passwd", "not file:"),
        ("https://user:pass@example.org/x", "user name and password"),
        ("https://user@example.org/x", "user name and password"),
        ("https://:pass@example.org/x", "user name and password"),
        ("http://", "not a web address"),
    ] {
        let err = check_url(url).expect_err(url);
        assert!(err.contains(says), "{url:?}: {err}");
    }
    let long = format!("https://example.org/{}", "a".repeat(2000));
    assert!(check_url(&long).expect_err("long").contains("too long"));
}

#[test]
fn errors_say_what_happened_without_secrets() {
    assert_eq!(
        WebhookError::Status(503).to_string(),
        "the webhook answered with HTTP status 503"
    );
    assert_eq!(
        WebhookError::Timeout.to_string(),
        "the webhook did not answer within 10 seconds"
    );
    assert!(WebhookError::Redirect(301).to_string().contains("301"));
}
