//! The authorization matrix of the HTML side: every page route (GET and
//! POST, as the routers declare them) against five actors — a partner
//! (maya), the other partner (jonas), the coach, a member of another
//! partnership (olga, with a partnership of her own) and an anonymous
//! visitor — each with an asserted status, and the partnership's state
//! compared before and after every request that must not change it.
//!
//! Non-members get 404 for anything naming the partnership, whatever id
//! is in the URL (this one, a random one, a malformed one, their own
//! combined with this partnership's invitation ids), and never see its
//! title. Anonymous visitors are sent to log in. The agreement is in force
//! (signed, with a weekly schedule), its first check-in recorded and the
//! second upcoming, so the check-in, note, preparation and pause routes
//! reach their real checks; the coach reads them and writes none. Besides: every
//! state-changing form refuses a missing or wrong CSRF token and
//! cross-site requests, and no GET changes anything. Every response
//! carries an `x-request-id`.
#![allow(clippy::unwrap_used)]

mod authz_support;
mod checkin_pages_support;
mod common;
mod pages_support;

use authz_support::*;
use checkin_pages_support::start;

const MEMBERS: [E; 5] = [Ok, Ok, Ok, NotFound, Login];
const ALL: [E; 5] = [Ok; 5];
const USERS: [E; 5] = [Ok, Ok, Ok, Ok, Login];

/// Changes only the partners may make.
const fn partners(to: &'static str) -> [E; 5] {
    [Go(to), Go(to), Forbidden, NotFound, Login]
}

/// Every page route.
#[rustfmt::skip]
fn routes() -> Vec<Row> {
    let r = |method, path: &str, form, expect| Row {
        method,
        path: path.replace("{ms0}", &start(0).as_millisecond().to_string())
            .replace("{ms1}", &start(1).as_millisecond().to_string()),
        form,
        expect,
    };
    let mut rows = vec![
        r("GET", "/", "", ALL),
        r("POST", "/partnerships", "title=Another&scenario=general&timezone=UTC", [Go("/p/"), Go("/p/"), Go("/p/"), Go("/p/"), Login]),
        r("GET", "/p/{p}", "", MEMBERS),
        r("GET", "/p/{p}/edit", "", [Go("/p/{p}/edit/context"), Go("/p/{p}/edit/context"), Go("/p/{p}/edit/context"), NotFound, Login]),
    ];
    for section in ["context", "history", "goals", "boundaries", "cadence", "agenda", "support",
                    "consequences", "recalibration", "commitment", "ground-rules", "wellbeing"] {
        rows.push(r("GET", &format!("/p/{{p}}/edit/{section}"), "", MEMBERS));
    }
    rows.extend([
        r("POST", "/p/{p}/edit/agenda", "revision={rev}&agenda.items=Commitments+kept&then=stay", partners("/p/{p}/edit/agenda?saved=agenda")),
        r("POST", "/p/{p}/edit/agenda/preview", "agenda.items=Venting", MEMBERS),
        r("POST", "/p/{p}/sign", "revision={rev}", partners("/p/{p}")),
        r("GET", "/p/{p}/draft.toml", "", MEMBERS),
        r("GET", "/p/{p}/versions/1", "", MEMBERS),
        r("GET", "/p/{p}/versions/1/agreement.toml", "", MEMBERS),
        r("GET", "/p/{p}/compare?from=1&to=draft", "", MEMBERS),
        r("GET", "/p/{p}/compare?from=x&to=draft", "", [S(422), S(422), S(422), NotFound, Login]),
        r("GET", "/p/{p}/guide", "", MEMBERS),
        r("UPLOAD", "/p/{p}/upload", "revision={rev}", partners("/p/{p}")),
        // Every place is taken: partners get past the checks to a 422.
        r("POST", "/p/{p}/invitations", "role=coach&email=", [S(422), S(422), Forbidden, NotFound, Login]),
        r("POST", "/p/{p}/invitations/{inv}/withdraw", "", partners("/p/{p}")),
        // Partners are never removed (the coach's removal changes the
        // membership, so it is in coach.rs).
        r("POST", "/p/{p}/members/{maya}/remove", "", [Forbidden, Forbidden, Forbidden, NotFound, Login]),
        // An invitation link is a secret of its own; a used one says so
        // (and nothing else), an unknown one is not there.
        r("GET", "/invite/{used}", "", [S(410); 5]),
        r("POST", "/invite/{used}", "", [S(409), S(409), S(409), S(409), Login]),
        r("GET", "/invite/no-such-token", "", [NotFound; 5]),
        r("POST", "/invite/no-such-token", "", [S(409), S(409), S(409), S(409), Login]),
        r("GET", "/signup", "", ALL),
        r("POST", "/signup", "name=Again&email=maya@example.org&password=long+enough+1", [S(409); 5]),
        r("GET", "/login", "", ALL),
        r("POST", "/login", "email=nobody@example.org&password=wrong+password", [S(401); 5]),
        r("GET", "/account", "", USERS),
        r("POST", "/account/password", "current=whatever&new=short", [S(422), S(422), S(422), S(422), Login]),
        r("POST", "/account/tokens", "label=matrix", USERS),
        r("POST", "/account/tokens/{tok}/revoke", "", [Go("/account"), NotFound, NotFound, NotFound, Login]),
        r("GET", "/forgot", "", ALL),
        r("POST", "/forgot", "email=nobody@example.org", ALL),
        r("GET", "/reset/no-such-token", "", ALL),
        r("POST", "/reset/no-such-token", "password=long+enough+1", [S(409); 5]),
        // Running the agreement. The first check-in is recorded (a second
        // record is refused past the access checks); the second is
        // upcoming, so it can be prepared.
        r("GET", "/p/{p}/checkins", "", MEMBERS),
        r("GET", "/p/{p}/checkins/{ms0}", "", MEMBERS),
        r("GET", "/p/{p}/checkins/{ms1}", "", MEMBERS),
        r("POST", "/p/{p}/checkins/{ms0}", "", [S(409), S(409), Forbidden, NotFound, Login]),
        r("POST", "/p/{p}/checkins/{ms1}", "", [S(409), S(409), Forbidden, NotFound, Login]),
        r("POST", "/p/{p}/checkins/{ms1}/prepare", "committed=Calls&happened=Two+of+three&want=Ask+me", partners("/p/{p}/checkins/")),
        r("POST", "/p/{p}/checkins/{ms0}/notes", "body=Seen&private=on", partners("/p/{p}/checkins/")),
        r("GET", "/p/{p}/checkins/1", "", [NotFound, NotFound, NotFound, NotFound, Login]),
        r("GET", "/p/{p}/pauses", "", MEMBERS),
        r("POST", "/p/{p}/pauses", "first_day=2026-05-10&last_day=2026-05-01&reason=Away", [S(422), S(422), Forbidden, NotFound, Login]),
        // Maya proposed every pause: she cannot agree to her own.
        r("POST", "/p/{p}/pauses/{pause}/agree", "", [S(409), Go("/p/{p}/pauses"), Forbidden, NotFound, Login]),
        r("POST", "/p/{p}/pauses/{pause}/withdraw", "", partners("/p/{p}/pauses")),
        r("GET", "/p/{p}/dashboard", "", MEMBERS),
        r("GET", "/p/{p}/recalibration", "", MEMBERS),
        r("POST", "/p/{p}/recalibration", "revision={rev}&replace=yes", partners("/p/{p}/recalibration")),
        r("GET", "/coach", "", USERS),
        r("GET", "/p/{p}/export.json", "", MEMBERS),
        r("GET", "/p/{p}/export/checkins.csv", "", MEMBERS),
        r("GET", "/p/{p}/export/indicators.csv", "", MEMBERS),
        r("GET", "/p/{p}/export/wellbeing.csv", "", MEMBERS),
        r("GET", "/settings/reminders", "", USERS),
        r("POST", "/settings/reminders", "email=on&webhook_url=", USERS),
        r("POST", "/settings/reminders/webhook-secret", "", USERS),
        r("POST", "/settings/calendar", "", USERS),
        r("POST", "/settings/calendar/stop", "", USERS),
        // Secret links: an unknown one is not there, for anyone.
        r("GET", "/calendar/no-such-token.ics", "", [NotFound; 5]),
        r("GET", "/c/no-such-token", "", [NotFound; 5]),
        r("POST", "/c/no-such-token", "", [NotFound; 5]),
        r("POST", "/c/no-such-token/prepare", "", [NotFound; 5]),
        r("GET", "/healthz", "", ALL),
        r("GET", "/static/app.css", "", ALL),
        r("GET", "/static/app.js", "", ALL),
        // Last: it ends the sessions.
        r("POST", "/logout", "", [Go("/login"); 5]),
    ]);
    rows
}
#[tokio::test]
async fn every_route_for_every_actor() {
    let mut w = world().await;
    let (id, own) = (w.id.clone(), w.own.clone());
    let random = uuid::Uuid::new_v4().to_string();
    let padded = format!("%0A{id}");
    let mut failures = Vec::new();
    for row in routes() {
        // This partnership for everyone; for rows naming one, other ids
        // too: random and malformed ones (404 for everyone, the visitor
        // is sent to log in), this one after a line break (the member's
        // answer, never a broken redirect), and for the outsider their
        // own partnership with this one's invitation ids.
        let mut cases: Vec<(usize, &str, E)> =
            (0..5).map(|a| (a, &id[..], row.expect[a])).collect();
        if row.path.contains("{p}") {
            for bad in [&random[..], "not-a-partnership", "1%20OR%201=1"] {
                cases.push((MAYA, bad, NotFound));
                cases.push((OUTSIDER, bad, NotFound));
                cases.push((VISITOR, bad, row.expect[VISITOR]));
            }
            cases.push((MAYA, &padded, row.expect[MAYA]));
            cases.push((OUTSIDER, &padded, NotFound));
            if row.path.contains("{inv}") {
                cases.push((OUTSIDER, &own, NotFound));
            }
        }
        for (actor, p, expect) in cases {
            let before = state(&w).await;
            let got = send(&mut w, actor, &row, p, Csrf::Token).await;
            let what = format!("{} {} as {} with {p}", row.method, row.path, ACTORS[actor]);
            if !matches(expect, &got, &id) {
                let (status, location) = (got.status, &got.location);
                failures.push(format!(
                    "{what}: expected {expect:?}, got {status} {location:?}"
                ));
            }
            if !got.request_id {
                failures.push(format!("{what}: no x-request-id"));
            }
            if actor == OUTSIDER && got.body.contains(TITLE) {
                failures.push(format!("{what}: the outsider saw the title"));
            }
            let may_change = row.method != "GET" && matches!(expect, Go(_)) && p.ends_with(&id);
            if !may_change && state(&w).await != before {
                failures.push(format!("{what}: the partnership changed"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The members' own changes went through, and nobody else's did.
    let (((revision, _), members, invitations, versions), running) = state(&w).await;
    assert!(revision > 2 && members.len() == 3 && versions.len() == 2);
    // The partners' notes and preparation went through, the coach's not.
    let (checkins, preparations, notes, _, pauses) = running;
    assert_eq!(checkins.len(), 1);
    assert_eq!(preparations.len(), 2);
    assert_eq!(notes[2].len(), 0, "private notes, and the coach wrote none");
    let agreed = pauses.iter().filter(|p| p.agreed_at.is_some()).count();
    let withdrawn = pauses.iter().filter(|p| p.withdrawn_at.is_some()).count();
    assert_eq!(
        (agreed, withdrawn),
        (1, 3),
        "jonas agreed; the partners withdrew"
    );
    let open = invitations
        .iter()
        .filter(|i| i.accepted_at.is_none())
        .count();
    assert_eq!(open, 17, "three withdrawn by the partners");
}

#[tokio::test]
async fn state_changing_forms_refuse_forgery() {
    let mut w = world().await;
    let id = w.id.clone();
    let store = w.app.store.clone();
    let maya = store
        .user_by_email("maya@example.org")
        .await
        .unwrap()
        .unwrap();
    let tokens = store.api_tokens(&maya.id).await.unwrap().len();
    let memberships = store.memberships(&maya.id).await.unwrap().len();
    let outbox = w.app.outbox.sent().len();
    let anonymous_forms = ["/signup", "/login", "/forgot", "/reset/no-such-token"];
    let mut rows: Vec<Row> = routes().into_iter().filter(|r| r.method != "GET").collect();
    // Forms that would succeed with the right token.
    for r in &mut rows {
        match r.path.as_str() {
            "/signup" => r.form = "name=Eve&email=eve@example.org&password=long+enough+1",
            "/login" => r.form = "email=maya@example.org&password=correct+horse+battery",
            _ => {}
        }
    }
    let mut failures = Vec::new();
    for row in &rows {
        let actor = if anonymous_forms.contains(&row.path.as_str()) {
            VISITOR
        } else {
            MAYA
        };
        for csrf in [
            Csrf::Missing,
            Csrf::Wrong,
            Csrf::Header("sec-fetch-site", "cross-site"),
            Csrf::Header("sec-fetch-site", "same-site"),
            Csrf::Header("origin", "http://evil.example"),
            Csrf::Header("origin", "null"),
        ] {
            let before = state(&w).await;
            let got = send(&mut w, actor, row, &id, csrf).await;
            let what = format!("{} {}", row.method, row.path);
            if got.status != 403 {
                failures.push(format!("{what}: got {} {:?}", got.status, got.location));
            }
            if state(&w).await != before {
                failures.push(format!("{what}: the partnership changed"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        store
            .user_by_email("eve@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.api_tokens(&maya.id).await.unwrap().len(), tokens);
    assert_eq!(
        store.memberships(&maya.id).await.unwrap().len(),
        memberships
    );
    assert_eq!(w.app.outbox.sent().len(), outbox);
    assert_eq!(
        w.clients[MAYA].get("/account").await.status,
        200,
        "logged out"
    );
    assert_eq!(
        w.clients[VISITOR].get("/account").await.status,
        303,
        "logged in"
    );

    // The same requests from this site go through.
    let same_origin = w.app.base.clone();
    let sign = rows.iter().find(|r| r.path == "/p/{p}/sign").unwrap();
    let got = send(
        &mut w,
        MAYA,
        sign,
        &id,
        Csrf::Header("origin", &same_origin),
    )
    .await;
    assert_eq!(got.status, 303);
    let same_origin = Csrf::Header("sec-fetch-site", "same-origin");
    assert_eq!(send(&mut w, MAYA, sign, &id, same_origin).await.status, 303);
    let login = rows.iter().find(|r| r.path == "/login").unwrap();
    assert_eq!(
        send(&mut w, VISITOR, login, &id, Csrf::Token).await.status,
        303
    );
}

#[tokio::test]
async fn no_get_changes_anything() {
    let mut w = world().await;
    let id = w.id.clone();
    let rows = routes();
    // The routes that take POST only (and the upload).
    let has_get = |path: &str| rows.iter().any(|g| g.method == "GET" && g.path == path);
    let mut failures = Vec::new();
    for row in rows
        .iter()
        .filter(|r| r.method != "GET" && !has_get(&r.path))
    {
        let get = Row {
            method: "GET",
            path: row.path.clone(),
            form: "",
            expect: row.expect,
        };
        for (actor, name) in ACTORS.iter().enumerate() {
            let before = state(&w).await;
            let got = send(&mut w, actor, &get, &id, Csrf::Token).await;
            if got.status != 405 || !got.request_id {
                failures.push(format!("GET {} as {name}: got {}", row.path, got.status));
            }
            if state(&w).await != before {
                failures.push(format!(
                    "GET {} as {name}: the partnership changed",
                    row.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let store = &w.app.store;
    let maya = store
        .user_by_email("maya@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.api_tokens(&maya.id).await.unwrap().len(),
        1,
        "revoked"
    );
    assert_eq!(store.memberships(&maya.id).await.unwrap().len(), 1);
    for c in &mut w.clients[..4] {
        assert_eq!(
            c.get("/account").await.status,
            200,
            "GET /logout logged out"
        );
    }
}
