//! The world and the machinery of the authorization matrix (`authz.rs`):
//! the partnership every route is tried against (in force, its first
//! check-in recorded, spare invitations and pauses), the actors, how one
//! row is sent as one actor with its placeholders filled in, and the
//! state compared before and after.
#![allow(dead_code, clippy::unwrap_used)]

use accord_store::{Checkin, ConsequenceEntry, NewPause, Note, Pause, Preparation};

use crate::checkin_pages_support::{self, AGREEMENT, complete, record, sign, start, user};
use crate::common::*;
use crate::pages_support::{self, Snapshot, multipart, pid, snapshot};

/// Distinctive, so that a leak is found by searching for it.
pub const TITLE: &str = "Maya and Jonas in confidence";

pub const ACTORS: [&str; 5] = ["maya", "jonas", "coach", "outsider", "anonymous"];
pub const MAYA: usize = 0;
pub const OUTSIDER: usize = 3;
pub const VISITOR: usize = 4;

/// What a request must get.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum E {
    /// 200.
    Ok,
    /// 303 to a location starting with this (`{p}` filled in).
    Go(&'static str),
    /// 303 to the login page.
    Login,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// Another status (a refusal that shows the actor got past access
    /// checks, or one that is the same for everyone).
    S(u16),
}
pub use E::*;

/// One route with its expectation per actor, in `ACTORS` order. The path
/// and the form (a query string; `UPLOAD` sends the draft as a file) may
/// hold `{p}` (the partnership), `{inv}` (a pending invitation of it),
/// `{pause}` (a fresh pause proposed by maya), `{ms0}` and `{ms1}` (the
/// recorded first check-in and the upcoming second),
/// `{used}` (a used invitation token), `{tok}` (maya's API token id),
/// `{maya}` (maya's account id) and `{rev}` (the draft's revision when
/// sent).
pub struct Row {
    pub method: &'static str,
    pub path: String,
    pub form: &'static str,
    pub expect: [E; 5],
}

pub struct World {
    pub app: TestApp,
    pub clients: Vec<Client>,
    pub id: String,
    pub own: String,
    pub pending: Vec<String>,
    pub pauses: Vec<String>,
    pub used: String,
    pub token_id: String,
    pub maya_id: String,
}

/// This partnership, fully joined and signed once, with spare pending
/// invitations; olga with a partnership of her own; a visitor.
pub async fn world() -> World {
    let app = spawn_app().await;
    let mut maya = signup(&app, "Maya Chen", "maya@example.org").await;
    let id = start_partnership(&mut maya, TITLE).await;
    for _ in 0..20 {
        invite(&mut maya, &id, "coach").await;
    }
    let invitations = app.store.invitations(&pid(&id)).await.unwrap();
    let pending = invitations.iter().map(|i| i.id.to_string()).collect();
    let used = invite(&mut maya, &id, "partner").await;
    let mut jonas = signup(&app, "Jonas Berg", "jonas@example.org").await;
    jonas.get(&used).await;
    assert_eq!(jonas.post(&used, &[]).await.status, 303);
    let link = invite(&mut maya, &id, "coach").await;
    let mut coach = signup(&app, "Ruth Coach", "ruth@example.org").await;
    coach.get(&link).await;
    assert_eq!(coach.post(&link, &[]).await.status, 303);
    // In force: a weekly agreement (with this title, so that a leak of it
    // is found too), its first check-in recorded, many pauses proposed.
    sign(
        &app,
        &id,
        &AGREEMENT.replace("\"Maya and Jonas\"", &format!("{TITLE:?}")),
    )
    .await;
    checkin_pages_support::during(&app, 0);
    record(&mut maya, &id, 0, &complete(&["kept"], &["kept", "kept"])).await;
    let by = user(&app, "maya@example.org").await;
    let mut pauses = Vec::new();
    for k in 0..60 {
        let day = jiff::civil::date(2026, 4, 1)
            .checked_add(jiff::Span::new().days(k))
            .unwrap();
        let day = day.to_string();
        let new = NewPause {
            partnership: &pid(&id),
            first_day: &day,
            last_day: &day,
            reason: "A day off",
            proposed_by: &by,
            now: accord_web::Clock::now(app.clock.as_ref()),
        };
        pauses.push(app.store.propose_pause(&new).await.unwrap().id.to_string());
    }
    let mut olga = signup(&app, "Olga Ilves", "olga@example.org").await;
    let own = start_partnership(&mut olga, "Olga and Piet").await;
    invite(&mut olga, &own, "partner").await;
    let page = maya.post("/account/tokens", &[("label", "script")]).await;
    let at = page.body.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let token_id = page.body[at..at + page.body[at..].find('/').unwrap()].to_owned();
    let mut visitor = Client::new(&app);
    visitor.get("/login").await;
    let mut clients = vec![maya, jonas, coach, olga, visitor];
    for c in &mut clients[..4] {
        c.get("/account").await;
    }
    let used = used.trim_start_matches("/invite/").to_owned();
    let maya_id = app
        .store
        .user_by_email("maya@example.org")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    World {
        app,
        clients,
        id,
        own,
        pending,
        pauses,
        used,
        token_id,
        maya_id,
    }
}

/// What running the agreement has written: check-ins, the second
/// check-in's preparation, notes as each partner sees them, the
/// consequence log and the pauses.
pub type Running = (
    Vec<Checkin>,
    Vec<Preparation>,
    Vec<Vec<Note>>,
    Vec<ConsequenceEntry>,
    Vec<Pause>,
);

pub async fn state(w: &World) -> (Snapshot, Running) {
    let (p, s) = (pid(&w.id), &w.app.store);
    let mut notes = Vec::new();
    for email in ["maya@example.org", "jonas@example.org", "ruth@example.org"] {
        let viewer = user(&w.app, email).await;
        notes.push(s.notes(&p, start(0), &viewer).await.unwrap());
    }
    let running = (
        s.checkins(&p).await.unwrap(),
        s.preparations(&p, start(1)).await.unwrap(),
        notes,
        s.consequence_log(&p).await.unwrap(),
        s.pauses(&p).await.unwrap(),
    );
    (snapshot(&w.app, &w.id).await, running)
}

pub struct Sent {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub request_id: bool,
}

/// How the CSRF side of a request is made.
#[derive(Clone, Copy, PartialEq)]
pub enum Csrf<'a> {
    Token,
    Missing,
    Wrong,
    /// The right token, and this header.
    Header(&'a str, &'a str),
}

/// Sends `row` as `actor` with `{p}` = `p`, filling in the other
/// placeholders.
pub async fn send(w: &mut World, actor: usize, row: &Row, p: &str, csrf: Csrf<'_>) -> Sent {
    let (revision, draft) = state(w).await.0.0;
    let mut fill = |s: &str| {
        let s = s.replace("{p}", p).replace("{used}", &w.used);
        let s = s
            .replace("{tok}", &w.token_id)
            .replace("{maya}", &w.maya_id);
        let s = s.replace("{rev}", &revision.to_string());
        let s = match s.contains("{pause}") {
            true => s.replace("{pause}", &w.pauses.pop().expect("a spare pause")),
            false => s,
        };
        match s.contains("{inv}") {
            true => s.replace("{inv}", &w.pending.pop().expect("a spare invitation")),
            false => s,
        }
    };
    let path = fill(&row.path);
    let mut form = pages_support::form(&fill(row.form));
    let c = &w.clients[actor];
    match csrf {
        Csrf::Token | Csrf::Header(..) => form.insert(0, ("csrf".into(), c.csrf.clone())),
        Csrf::Wrong => form.insert(0, ("csrf".into(), "forged".into())),
        Csrf::Missing => {}
    }
    let url = format!("{}{path}", c.base);
    let (content_type, body) = match row.method {
        "GET" => ("text/plain".to_owned(), Vec::new()),
        "POST" => {
            let body = serde_urlencoded::to_string(&form).unwrap();
            (
                "application/x-www-form-urlencoded".to_owned(),
                body.into_bytes(),
            )
        }
        _ => {
            let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&k[..], &v[..])).collect();
            multipart(&fields, draft.as_bytes())
        }
    };
    let mut request = match row.method {
        "GET" => c.http.get(url),
        _ => c
            .http
            .post(url)
            .header("content-type", content_type)
            .body(body),
    };
    if let Csrf::Header(name, value) = csrf {
        request = request.header(name, value);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let location = pages_support::location(&r);
    let request_id = r.headers().contains_key("x-request-id");
    let body = r.text().await.unwrap();
    Sent {
        status,
        location,
        body,
        request_id,
    }
}

pub fn matches(expect: E, got: &Sent, p: &str) -> bool {
    let to = |prefix: &str| {
        let prefix = prefix.replace("{p}", p);
        let location = got.location.as_deref().unwrap_or_default();
        got.status == 303 && location.starts_with(&prefix)
    };
    match expect {
        Ok => got.status == 200,
        Go(prefix) => to(prefix),
        Login => to("/login"),
        Forbidden => got.status == 403,
        NotFound => got.status == 404,
        S(s) => got.status == s,
    }
}
