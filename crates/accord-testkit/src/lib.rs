//! Test support for Accord: servers that stand in for the outside world
//! and record what Accord sends them.
//!
//! - [`SmtpReceiver`]: a small SMTP server (no TLS, no AUTH) that keeps every
//!   accepted message, with its subject and decoded plain-text body.
//! - [`WebhookReceiver`]: an HTTP server that keeps every `POST` (path,
//!   headers, body) and answers `200`, or `500` when told to fail.
//!
//! Both listen on `127.0.0.1` with a port chosen by the system, and both can
//! refuse the next *n* deliveries (`fail_next`) so tests can watch retries.
//!
//! Each server runs on its own thread with its own small Tokio runtime, so
//! it keeps answering whatever the test does meanwhile: a current-thread
//! `#[tokio::test]`, a blocking wait on a child process, or thousands of
//! deliveries arriving at once from several `accord` processes. Every
//! connection is served by its own task; recording takes a short lock.
//! Dropping the last clone of a receiver stops its server.
//!
//! ```
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! use std::time::Duration;
//! use accord_testkit::WebhookReceiver;
//!
//! let hooks = WebhookReceiver::start().await;
//! let url = hooks.url("/hooks/maya");
//! // … configure Accord to post to `url`, let it deliver …
//! let got = hooks.wait_for(0, Duration::from_secs(1)).await;
//! assert!(got.is_empty());
//! # });
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod smtp;
pub mod webhook;

pub use smtp::{ReceivedMail, SmtpReceiver};
pub use webhook::{ReceivedRequest, WebhookReceiver};

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Notify, oneshot};

/// How many pending connections the kernel may queue for a receiver; bursts
/// of thousands of deliveries should wait, not be refused.
const BACKLOG: u32 = 4096;

/// What a receiver has seen so far, with a way to wait for more.
#[derive(Debug)]
pub(crate) struct Recorder<T> {
    items: Mutex<Vec<T>>,
    changed: Notify,
}

impl<T: Clone> Recorder<T> {
    pub(crate) fn new() -> Self {
        Self {
            items: Mutex::new(Vec::new()),
            changed: Notify::new(),
        }
    }

    /// Keeps `item` and wakes every waiter.
    pub(crate) fn push(&self, item: T) {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(item);
        self.changed.notify_waiters();
    }

    /// Everything kept so far, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<T> {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn len(&self) -> usize {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Waits until at least `n` items are kept or `timeout` passes, then
    /// returns everything kept (possibly fewer than `n`).
    pub(crate) async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            // Register before looking, so a push in between is not missed.
            notified.as_mut().enable();
            if self.len() >= n {
                return self.snapshot();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.snapshot();
            }
        }
    }
}

/// A count of deliveries still to refuse.
#[derive(Debug, Default)]
pub(crate) struct FailCounter(AtomicUsize);

impl FailCounter {
    /// Refuses `n` more deliveries (replacing any count left).
    pub(crate) fn set(&self, n: usize) {
        self.0.store(n, Ordering::SeqCst);
    }

    /// True when this delivery should be refused; uses up one refusal.
    pub(crate) fn take_one(&self) -> bool {
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// How long a receiver waits, after recording a delivery, before it
/// answers: a sender killed in that window has delivered without knowing
/// it, which is what crash tests need to happen often.
#[derive(Debug, Default)]
pub(crate) struct AnswerDelay(std::sync::atomic::AtomicU64);

impl AnswerDelay {
    pub(crate) fn set(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.0.store(ms, Ordering::SeqCst);
    }

    /// Waits the delay set, if any.
    pub(crate) async fn wait(&self) {
        let ms = self.0.load(Ordering::SeqCst);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}

/// Stops a server's thread when the last handle goes.
#[derive(Debug)]
pub(crate) struct ServerGuard {
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let stop = self
            .stop
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(stop) = stop {
            // The thread may be gone already; nothing to do then.
            let _ = stop.send(());
        }
    }
}

/// Binds `127.0.0.1:0` on a new thread with its own runtime and runs
/// `serve(listener)` there until the returned guard is dropped.
pub(crate) async fn spawn_server<F, Fut>(
    name: &str,
    serve: F,
) -> std::io::Result<(SocketAddr, ServerGuard)>
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let (ready_tx, ready_rx) = oneshot::channel::<std::io::Result<SocketAddr>>();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(format!("{name}-worker"))
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match bind() {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let addr = listener.local_addr();
                let failed = addr.is_err();
                let _ = ready_tx.send(addr);
                if failed {
                    return;
                }
                tokio::select! {
                    () = serve(listener) => {}
                    _ = stop_rx => {}
                }
            });
            // Dropping the runtime here ends every connection task.
        })?;
    let addr = ready_rx
        .await
        .map_err(|_| std::io::Error::other("the receiver's thread ended before listening"))??;
    Ok((
        addr,
        ServerGuard {
            stop: Mutex::new(Some(stop_tx)),
        },
    ))
}

fn bind() -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    socket.listen(BACKLOG)
}
