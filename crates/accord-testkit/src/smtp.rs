//! [`SmtpReceiver`]: an in-process SMTP server that records what it accepts.
//!
//! It speaks just enough of RFC 5321 for a mail client such as lettre:
//! `EHLO`/`HELO`, `MAIL FROM`, `RCPT TO`, `DATA` (with dot-unstuffing),
//! `RSET`, `NOOP` and `QUIT`. `EHLO` offers `8BITMIME`, `SMTPUTF8` and
//! `SIZE` but neither `STARTTLS` nor `AUTH`, so clients must be configured
//! for plain, unauthenticated SMTP (Accord's `tls = "none"`). Several
//! messages may be sent over one connection, as pooled clients do.
//!
//! A message is recorded when its `DATA` ends and before the server answers
//! `250`, so a client that has been told "sent" finds it in
//! [`SmtpReceiver::messages`]. [`SmtpReceiver::fail_next`] makes the server
//! answer `451` (a temporary failure) at the end of `DATA` instead; such a
//! message is not recorded, only counted ([`SmtpReceiver::refused`]).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mailparse::{MailHeaderMap, ParsedMail};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::{AnswerDelay, FailCounter, Recorder, ServerGuard, spawn_server};

/// The longest command or data line read in one piece; longer lines are
/// read in pieces (data) or refused (commands).
const MAX_LINE: u64 = 64 * 1024;
/// The largest message accepted, in bytes after dot-unstuffing.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// One message the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without angle brackets; empty for
    /// the null sender `<>`.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), in order, without angle brackets.
    pub to: Vec<String>,
    /// The message as sent after `DATA`: headers and body, dot-unstuffed,
    /// without the final `.` line.
    pub data: Vec<u8>,
    /// The `Subject` header, with encoded words decoded; `None` when absent
    /// or the message could not be parsed.
    pub subject: Option<String>,
    /// The plain-text body (the first `text/plain` part of a multipart
    /// message), with its transfer encoding (quoted-printable, base64) and
    /// charset decoded and line endings turned into `\n`; `None` when there
    /// is no such part or the message could not be parsed.
    pub text: Option<String>,
}

impl ReceivedMail {
    /// The message as text, for searching it in a test; invalid UTF-8
    /// becomes U+FFFD.
    pub fn data_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.data)
    }

    /// The first value of header `name` (any case), decoded; `None` when
    /// absent or the message could not be parsed.
    pub fn header(&self, name: &str) -> Option<String> {
        let (headers, _) = mailparse::parse_headers(&self.data).ok()?;
        headers.get_first_value(name)
    }
}

#[derive(Debug)]
struct Shared {
    mail: Recorder<ReceivedMail>,
    fail: FailCounter,
    delay: AnswerDelay,
    refused: AtomicUsize,
}

/// An SMTP server on `127.0.0.1` that records every message it accepts.
///
/// Clones share the server; it stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct SmtpReceiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _guard: Arc<ServerGuard>,
}

impl SmtpReceiver {
    /// Starts a server on a free port.
    ///
    /// # Panics
    ///
    /// When no port can be bound or no thread started; see
    /// [`try_start`](Self::try_start) to handle that instead.
    pub async fn start() -> Self {
        match Self::try_start().await {
            Ok(receiver) => receiver,
            Err(e) => panic!("could not start the test SMTP server: {e}"),
        }
    }

    /// Starts a server on a free port, or says why it could not.
    pub async fn try_start() -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            mail: Recorder::new(),
            fail: FailCounter::default(),
            delay: AnswerDelay::default(),
            refused: AtomicUsize::new(0),
        });
        let serving = Arc::clone(&shared);
        let (addr, guard) = spawn_server("accord-testkit-smtp", move |listener| {
            accept_loop(listener, serving)
        })
        .await?;
        Ok(Self {
            addr,
            shared,
            _guard: Arc::new(guard),
        })
    }

    /// The port the server listens on (host `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message accepted so far, in the order the server accepted them.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.mail.snapshot()
    }

    /// Waits until at least `n` messages have been accepted or `timeout`
    /// passes, then returns all accepted so far — possibly fewer than `n`,
    /// so check the length.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        self.shared.mail.wait_for(n, timeout).await
    }

    /// Answers `451` instead of `250` at the end of `DATA` for the next `n`
    /// messages (replacing any count left from an earlier call).
    pub fn fail_next(&self, n: usize) {
        self.shared.fail.set(n);
    }

    /// Waits `delay` after accepting each message before answering `250`
    /// (none by default), so that a sender can die between the two.
    pub fn answer_after(&self, delay: Duration) {
        self.shared.delay.set(delay);
    }

    /// How many messages were refused with `451` so far.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    // A client that goes away mid-session is its own business.
                    let _ = session(stream, &shared).await;
                });
            }
            // Out of file descriptors or similar: give the system a moment.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// The envelope being built by `MAIL FROM` and `RCPT TO`.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write
        .write_all(b"220 accord-testkit ESMTP ready\r\n")
        .await?;
    let mut envelope = Envelope::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut read)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            if (n as u64) < MAX_LINE {
                return Ok(()); // The client closed mid-line.
            }
            write.write_all(b"500 5.5.6 Line too long\r\n").await?;
            skip_rest_of_line(&mut read).await?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end_matches(['\r', '\n']);
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let reply: Cow<'static, [u8]> = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                envelope = Envelope::default();
                Cow::Owned(
                    format!(
                        "250-accord-testkit\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_MESSAGE}\r\n"
                    )
                    .into_bytes(),
                )
            }
            "HELO" => {
                envelope = Envelope::default();
                Cow::Borrowed(b"250 accord-testkit\r\n")
            }
            "MAIL" => match path_after(arg, "FROM:") {
                Some(from) => {
                    envelope = Envelope {
                        from: Some(from),
                        to: Vec::new(),
                    };
                    Cow::Borrowed(b"250 2.1.0 OK\r\n")
                }
                None => Cow::Borrowed(b"501 5.5.4 Syntax: MAIL FROM:<address>\r\n"),
            },
            "RCPT" => match (&envelope.from, path_after(arg, "TO:")) {
                (None, _) => Cow::Borrowed(b"503 5.5.1 MAIL first\r\n"),
                (Some(_), Some(to)) if !to.is_empty() => {
                    envelope.to.push(to);
                    Cow::Borrowed(b"250 2.1.5 OK\r\n")
                }
                (Some(_), _) => Cow::Borrowed(b"501 5.5.4 Syntax: RCPT TO:<address>\r\n"),
            },
            "DATA" => {
                if envelope.to.is_empty() {
                    Cow::Borrowed(b"503 5.5.1 RCPT first\r\n")
                } else {
                    write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let data = read_data(&mut read).await?;
                    let envelope = std::mem::take(&mut envelope);
                    let reply = finish_message(shared, envelope, data);
                    shared.delay.wait().await;
                    reply
                }
            }
            "RSET" => {
                envelope = Envelope::default();
                Cow::Borrowed(b"250 2.0.0 OK\r\n")
            }
            "NOOP" => Cow::Borrowed(b"250 2.0.0 OK\r\n"),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => Cow::Borrowed(b"502 5.5.2 Command not implemented\r\n"),
        };
        write.write_all(&reply).await?;
    }
}

/// Decides the answer at the end of `DATA`, recording the message when it
/// is accepted.
fn finish_message(
    shared: &Shared,
    envelope: Envelope,
    data: Option<Vec<u8>>,
) -> Cow<'static, [u8]> {
    let Some(data) = data else {
        return Cow::Borrowed(b"552 5.3.4 Message too big\r\n");
    };
    if shared.fail.take_one() {
        shared.refused.fetch_add(1, Ordering::SeqCst);
        return Cow::Borrowed(b"451 4.3.0 Temporary failure (asked for by the test)\r\n");
    }
    let (subject, text) = parse(&data);
    shared.mail.push(ReceivedMail {
        from: envelope.from.unwrap_or_default(),
        to: envelope.to,
        data,
        subject,
        text,
    });
    Cow::Borrowed(b"250 2.0.0 OK\r\n")
}

/// Reads `DATA` up to the line holding only `.`, undoing dot-stuffing.
/// `None` when the message is larger than [`MAX_MESSAGE`] (it is still read
/// to its end, so the session can go on).
async fn read_data<R: AsyncRead + Unpin>(
    read: &mut BufReader<R>,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut too_big = false;
    let mut line = Vec::new();
    // Whether the next piece starts a line (long lines come in pieces).
    let mut at_line_start = true;
    loop {
        line.clear();
        let n = (&mut *read)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let starts_line = at_line_start;
        at_line_start = line.ends_with(b"\n");
        let mut piece = &line[..];
        if starts_line {
            if piece == b".\r\n" || piece == b".\n" {
                break;
            }
            if piece.first() == Some(&b'.') {
                piece = &piece[1..];
            }
        }
        if data.len() + piece.len() > MAX_MESSAGE {
            too_big = true;
        } else if !too_big {
            data.extend_from_slice(piece);
        }
    }
    Ok((!too_big).then_some(data))
}

async fn skip_rest_of_line<R: AsyncRead + Unpin>(read: &mut BufReader<R>) -> std::io::Result<()> {
    let mut sink = Vec::new();
    loop {
        sink.clear();
        let n = (&mut *read)
            .take(MAX_LINE)
            .read_until(b'\n', &mut sink)
            .await?;
        if n == 0 || sink.ends_with(b"\n") {
            return Ok(());
        }
    }
}

/// The address in `FROM:<a@b> PARAM=…` (after `prefix`, any case), without
/// the angle brackets; `None` when `arg` does not start with `prefix`.
fn path_after(arg: &str, prefix: &str) -> Option<String> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let path = match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>').map(|(path, _)| path)?,
        None => rest.split_whitespace().next().unwrap_or(""),
    };
    Some(path.to_owned())
}

/// The decoded subject and plain-text body of a raw message.
fn parse(data: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(mail) = mailparse::parse_mail(data) else {
        return (None, None);
    };
    let subject = mail.headers.get_first_value("Subject");
    let text = plain_text(&mail).map(|text| text.replace("\r\n", "\n"));
    (subject, text)
}

fn plain_text(part: &ParsedMail<'_>) -> Option<String> {
    if part.subparts.is_empty() {
        let mimetype = part.ctype.mimetype.to_ascii_lowercase();
        return (mimetype == "text/plain")
            .then(|| part.get_body().ok())
            .flatten();
    }
    part.subparts.iter().find_map(plain_text)
}

#[cfg(test)]
mod tests;
