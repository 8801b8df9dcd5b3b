//! What the tests of the real `accord` binary share: `accord serve` on a
//! port it picks (killed when dropped), other commands, plain HTTP/1.1
//! over a socket (including signing up through the real form), a config
//! file for a local SMTP receiver, and PostgreSQL databases of their own.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub mod crash;

/// A running `accord serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// Its standard error so far (the last 256 KiB), read all along so a
    /// busy server never blocks on a full pipe.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn clean(cmd: &mut Command) -> &mut Command {
    for var in [
        "ACCORD_LISTEN",
        "ACCORD_DATA_DIR",
        "ACCORD_DATABASE_URL",
        "ACCORD_BASE_URL",
        "ACCORD_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn serve(args: &[&str], env: &[(&str, &str)]) -> Server {
    try_serve(args, env).unwrap_or_else(|why| panic!("accord serve did not start: {why}"))
}

/// Starts `accord serve`; `Err` with what it said when it exits instead of
/// printing its address (a port still held, say).
pub fn try_serve(args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
    clean(&mut cmd)
        .arg("serve")
        .args(args)
        .envs(env.iter().copied());
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let Some(addr) = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
    else {
        let _ = child.kill();
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let _ = child.wait();
        return Err(format!("no address in {first:?}; {err}"));
    };
    let addr = addr.to_owned();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    if let Some(stderr) = child.stderr.take() {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = log.lock().unwrap();
                if log.len() > 256 * 1024 {
                    let cut = log.len() - 128 * 1024;
                    let cut = (cut..log.len())
                        .find(|&i| log.is_char_boundary(i))
                        .unwrap_or(0);
                    log.drain(..cut);
                }
                log.push_str(&line);
                log.push('\n');
            }
        });
    }
    Ok(Server { child, addr, log })
}

pub fn accord(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
    clean(&mut cmd).args(args).output().unwrap()
}

/// One HTTP/1.1 exchange; returns (status, headers, body).
pub fn http(addr: &str, request: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

pub fn get(addr: &str, path: &str) -> (u16, String, String) {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Signs up through the real form: CSRF cookie and token first.
pub fn sign_up(addr: &str, email: &str) {
    sign_up_as(addr, "Maya+Chen", email);
}

/// [`sign_up`] under another name (form-encoded, like `email`).
pub fn sign_up_as(addr: &str, name: &str, email: &str) {
    let (_, head, body) = get(addr, "/signup");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: accord_csrf="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = &body[at..at + body[at..].find('"').unwrap()];
    assert_eq!(token, cookie);
    let form =
        format!("csrf={token}&name={name}&email={email}&password=correct+horse+battery&next=%2F");
    let (status, _, _) = http(
        addr,
        &format!(
            "POST /signup HTTP/1.1\r\nHost: {addr}\r\nCookie: accord_csrf={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    );
    assert_eq!(status, 303);
}

/// A config file in `dir` that sends e-mail to the local SMTP receiver on
/// `smtp_port` and lets webhooks reach this machine (where the tests'
/// receivers listen).
pub fn local_config(dir: &std::path::Path, smtp_port: u16) -> std::path::PathBuf {
    let config = dir.join("accord.toml");
    std::fs::write(
        &config,
        format!(
            "allow_private_webhooks = true\n\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"none\"\nfrom = \"Accord <accord@example.org>\"\n"
        ),
    )
    .unwrap();
    config
}

/// A runtime for the synchronous tests and for dropping databases.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// The server in ACCORD_TEST_POSTGRES_URL; under CI its absence fails.
pub fn postgres() -> Option<String> {
    let url = std::env::var("ACCORD_TEST_POSTGRES_URL").ok();
    assert!(
        url.is_some() || std::env::var_os("CI").is_none(),
        "CI must set ACCORD_TEST_POSTGRES_URL"
    );
    url
}

/// A database of its own on the test PostgreSQL server, dropped with it.
pub struct PgDb {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl PgDb {
    /// Creates it on the server at `admin`.
    pub async fn create(admin: &str) -> Self {
        use sqlx::Connection;
        let name = format!("accord_bin_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        Self {
            admin: admin.to_owned(),
            name,
            url,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Dropped inside a test's runtime: a thread with its own can block.
        let _ = std::thread::spawn(move || {
            use sqlx::Connection;
            runtime().block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}
