//! Tests of the SMTP receiver: lettre as a real client, and raw sessions for
//! the protocol corners lettre does not reach.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use super::SmtpReceiver;

const WAIT: Duration = Duration::from_secs(10);

fn transport(receiver: &SmtpReceiver) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(receiver.port())
        .build()
}

fn message(subject: &str) -> lettre::message::MessageBuilder {
    Message::builder()
        .from("Accord <accord@example.org>".parse().expect("sender"))
        .to("Maya <maya@example.org>".parse().expect("recipient"))
        .subject(subject)
}

#[tokio::test]
async fn records_a_quoted_printable_message_from_lettre() {
    let receiver = SmtpReceiver::start().await;
    let body = "Bonjour Maya,\n\nvotre point de suivi est prévu lundi à 9 h.\n.a line that starts with a dot\n";
    let mail = message("Réunion de suivi")
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body.to_owned()),
        )
        .expect("message");
    transport(&receiver).send(mail).await.expect("sent");

    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail.from, "accord@example.org");
    assert_eq!(mail.to, vec!["maya@example.org".to_owned()]);
    assert_eq!(mail.subject.as_deref(), Some("Réunion de suivi"));
    assert_eq!(
        mail.text.as_deref().map(str::trim_end),
        Some(body.trim_end())
    );
    assert!(mail.data_text().contains("quoted-printable"));
    assert_eq!(
        mail.header("to").as_deref(),
        Some("Maya <maya@example.org>")
    );
}

#[tokio::test]
async fn records_a_base64_message_and_the_plain_part_of_a_multipart_one() {
    let receiver = SmtpReceiver::start().await;
    let transport = transport(&receiver);
    let body = "Κάθε Δευτέρα στις 9:00.\nΚαλή συνέχεια!";
    let mail = message("Base64")
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(body.to_owned()),
        )
        .expect("message");
    transport.send(mail).await.expect("sent");
    let mail = message("Alternative")
        .multipart(MultiPart::alternative_plain_html(
            "plain words".to_owned(),
            "<p>html words</p>".to_owned(),
        ))
        .expect("message");
    transport.send(mail).await.expect("sent");

    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got.len(), 2);
    assert!(got[0].data_text().contains("base64"));
    assert_eq!(got[0].text.as_deref(), Some(body));
    assert_eq!(got[1].subject.as_deref(), Some("Alternative"));
    assert_eq!(got[1].text.as_deref(), Some("plain words"));
}

#[tokio::test]
async fn fail_next_refuses_with_451_then_accepts() {
    let receiver = SmtpReceiver::start().await;
    let transport = transport(&receiver);
    receiver.fail_next(2);
    for _ in 0..2 {
        let err = transport
            .send(message("retry").body("x".to_owned()).expect("message"))
            .await
            .expect_err("refused");
        assert!(err.is_transient(), "{err}");
    }
    transport
        .send(message("retry").body("x".to_owned()).expect("message"))
        .await
        .expect("accepted");
    assert_eq!(receiver.refused(), 2);
    assert_eq!(receiver.messages().len(), 1);
}

/// A raw client: writes a line, reads a (possibly multi-line) reply.
struct Raw {
    read: BufReader<OwnedReadHalf>,
    write: OwnedWriteHalf,
}

impl Raw {
    async fn connect(receiver: &SmtpReceiver) -> Self {
        let stream = TcpStream::connect(receiver.addr()).await.expect("connect");
        let (read, write) = stream.into_split();
        let mut raw = Self {
            read: BufReader::new(read),
            write,
        };
        assert!(raw.reply().await.starts_with("220 "));
        raw
    }

    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = self.read.read_line(&mut line).await.expect("read");
            assert!(n > 0, "connection closed after {all:?}");
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn send(&mut self, text: &str) -> String {
        self.write.write_all(text.as_bytes()).await.expect("write");
        self.reply().await
    }
}

#[tokio::test]
async fn raw_session_unstuffs_dots_and_follows_the_command_order() {
    let receiver = SmtpReceiver::start().await;
    let mut c = Raw::connect(&receiver).await;
    let ehlo = c.send("EHLO client.example\r\n").await;
    assert!(ehlo.contains("8BITMIME"));
    assert!(!ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"));
    assert!(
        c.send("RCPT TO:<a@example.org>\r\n")
            .await
            .starts_with("503")
    );
    assert!(c.send("DATA\r\n").await.starts_with("503"));
    assert!(
        c.send("MAIL FROM:<x@example.org>\r\n")
            .await
            .starts_with("250")
    );
    assert!(c.send("RSET\r\n").await.starts_with("250"));
    assert!(
        c.send("RCPT TO:<a@example.org>\r\n")
            .await
            .starts_with("503")
    );
    assert!(c.send("NOOP\r\n").await.starts_with("250"));
    assert!(c.send("STARTTLS\r\n").await.starts_with("502"));
    assert!(
        c.send("mail from:<s@example.org> BODY=8BITMIME\r\n")
            .await
            .starts_with("250")
    );
    assert!(
        c.send("RCPT TO:<a@example.org>\r\n")
            .await
            .starts_with("250")
    );
    assert!(
        c.send("RCPT TO: <b@example.org>\r\n")
            .await
            .starts_with("250")
    );
    assert!(c.send("DATA\r\n").await.starts_with("354"));
    let reply = c.send("Subject: dots\r\n\r\n..leading dot\r\n.\r\n").await;
    assert!(reply.starts_with("250"), "{reply}");
    // A second message on the same connection, after HELO.
    assert!(c.send("HELO client.example\r\n").await.starts_with("250"));
    assert!(c.send("MAIL FROM:<>\r\n").await.starts_with("250"));
    assert!(
        c.send("RCPT TO:<c@example.org>\r\n")
            .await
            .starts_with("250")
    );
    assert!(c.send("DATA\r\n").await.starts_with("354"));
    assert!(
        c.send("Subject: two\r\n\r\nhi\r\n.\r\n")
            .await
            .starts_with("250")
    );
    assert!(c.send("QUIT\r\n").await.starts_with("221"));

    let got = receiver.messages();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].from, "s@example.org");
    assert_eq!(got[0].to, vec!["a@example.org", "b@example.org"]);
    assert_eq!(got[0].data, b"Subject: dots\r\n\r\n.leading dot\r\n");
    assert_eq!(got[0].text.as_deref(), Some(".leading dot\n"));
    assert_eq!(got[1].from, "");
    assert_eq!(got[1].subject.as_deref(), Some("two"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients_are_all_recorded() {
    const CLIENTS: usize = 300;
    let receiver = SmtpReceiver::start().await;
    let transport = transport(&receiver);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..CLIENTS {
        let transport = transport.clone();
        tasks.spawn(async move {
            let mail = message(&format!("message {i}"))
                .body(format!("body {i}"))
                .expect("message");
            transport.send(mail).await.expect("sent");
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    let got = receiver.wait_for(CLIENTS, WAIT).await;
    assert_eq!(got.len(), CLIENTS);
    let mut subjects: Vec<String> = got.into_iter().filter_map(|m| m.subject).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), CLIENTS);
}

#[tokio::test]
async fn clones_share_the_server_and_dropping_all_stops_it() {
    let receiver = SmtpReceiver::start().await;
    let addr = receiver.addr();
    let clone = receiver.clone();
    drop(receiver);
    let mut c = Raw::connect(&clone).await;
    assert!(c.send("NOOP\r\n").await.starts_with("250"));
    drop(c);
    drop(clone);
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        refused,
        "the server still listens after the last handle went"
    );
}
