//! `accord export` and `accord import` as an operator runs them: a
//! partnership with a signed agreement, check-ins, shared and private
//! notes, preparations, consequences and pauses is exported, imported into
//! a fresh database and exported again, and the two files are identical
//! (SQLite to SQLite, PostgreSQL to PostgreSQL, SQLite to PostgreSQL). Bad
//! files are refused with exit status 2 and the place at fault, before
//! anything is written; a partnership that exists already with status 1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use accord_store::{
    ConsequenceKind, Db, NewCheckin, NewConsequence, NewInvitation, NewNote, NewPartnership,
    NewPause, NewPreparation, NewUser, NoteBody, PartnershipId, Role, TokenHash,
};
use jiff::Timestamp;
use support::{PgDb, accord, postgres, runtime};

const AT: &str = "2026-03-02T09:00:00Z";

/// The agreement both partners sign: short, but one the app reads.
const DRAFT: &str = r#"format = 1
title = "Maya and Jonas"
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"

[[party]]
id = "jonas"
name = "Jonas Berg"
"#;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `accord`, expecting exit status `code`; returns (stdout, stderr).
fn run(args: &[&str], code: i32) -> (String, String) {
    let out = accord(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

fn token(seed: char) -> TokenHash {
    TokenHash::from_hex(&seed.to_string().repeat(64)).unwrap()
}

/// Fills a partnership in the database at `url` and returns its id.
async fn filled(url: &str) -> PartnershipId {
    let db = Db::connect(url).await.unwrap();
    let store = db.store();
    let mut people = Vec::new();
    for (email, name) in [
        ("maya@example.org", "Maya Chen"),
        ("jonas@example.org", "Jonas Berg"),
        ("ruth@example.org", "Ruth Coach"),
    ] {
        let new = NewUser {
            email,
            name,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            now: at("2026-02-01T10:00:00Z"),
        };
        people.push(store.create_user(&new).await.unwrap().id);
    }
    let [maya, jonas, coach] = [&people[0], &people[1], &people[2]];
    let p = store
        .create_partnership(&NewPartnership {
            title: "Maya and Jonas",
            creator: maya,
            draft: DRAFT,
            now: at("2026-02-02T10:00:00Z"),
        })
        .await
        .unwrap();
    for (seed, role, who) in [('a', Role::Partner, jonas), ('b', Role::Coach, coach)] {
        let t = token(seed);
        store
            .create_invitation(&NewInvitation {
                token: &t,
                partnership: &p.id,
                role,
                email: None,
                invited_by: maya,
                now: at("2026-02-02T10:01:00Z"),
                expires_at: at("2026-02-09T10:00:00Z"),
            })
            .await
            .unwrap();
        store
            .accept_invitation(&t, who, at("2026-02-02T11:00:00Z"))
            .await
            .unwrap();
    }
    for who in [maya, jonas] {
        store
            .sign_draft(&p.id, 1, who, at("2026-02-03T09:00:00Z"))
            .await
            .unwrap();
    }
    let ladder = [NewConsequence {
        occurrence: at("2026-02-10T08:00:00Z"),
        kind: ConsequenceKind::Ladder,
        party: Some("jonas"),
        misses: Some(1),
        response: "Jonas names one change",
    }];
    for (when, by, note, consequences) in [
        (
            "2026-02-10T08:00:00Z",
            maya,
            "Maya's private thought",
            &ladder[..],
        ),
        (
            "2026-02-17T08:00:00Z",
            jonas,
            "Jonas's shared, \"quoted\" note",
            &[],
        ),
    ] {
        store
            .record_checkin(&NewCheckin {
                partnership: &p.id,
                occurrence: at(when),
                version: 1,
                record: r#"{"reports":[{"party":"maya","win":"Five, \"all\"","next_commitments":["x"],"next_step":"y\nz"}]}"#,
                recorded_by: by,
                note: Some(NoteBody {
                    private: by == maya,
                    body: note,
                }),
                consequences,
                notifications: &[],
                link: None,
                now: at(when) + jiff::SignedDuration::from_mins(30),
            })
            .await
            .unwrap();
    }
    store
        .add_note(&NewNote {
            partnership: &p.id,
            occurrence: at("2026-02-10T08:00:00Z"),
            author: jonas,
            private: true,
            body: "Jonas's private thought",
            now: at("2026-02-10T09:00:00Z"),
        })
        .await
        .unwrap();
    store
        .save_preparation(&NewPreparation {
            partnership: &p.id,
            occurrence: at("2026-02-24T08:00:00Z"),
            user: maya,
            committed: "the list",
            happened: "half of it",
            want: "a question",
            link: None,
            now: at("2026-02-23T08:00:00Z"),
        })
        .await
        .unwrap();
    let missed = NewConsequence {
        occurrence: at("2026-02-24T08:00:00Z"),
        kind: ConsequenceKind::MissedCheckin,
        party: None,
        misses: None,
        response: "Propose a new slot",
    };
    store
        .record_missed_checkin(&p.id, &missed, &[], at("2026-02-26T08:00:00Z"))
        .await
        .unwrap();
    let pause = store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: "2026-08-03",
            last_day: "2026-08-16",
            reason: "holiday",
            proposed_by: maya,
            now: at("2026-02-25T08:00:00Z"),
        })
        .await
        .unwrap();
    store
        .agree_pause(&p.id, &pause.id, jonas, at("2026-02-25T09:00:00Z"))
        .await
        .unwrap();
    p.id
}

/// Exports, imports into `to`, exports again: the same bytes.
async fn round_trip(dir: &Path, from: &str, to: &str) {
    let id = filled(from).await;
    let (one, two) = (dir.join("one.json"), dir.join("two.json"));
    let export = |url: &str, file: &Path| {
        run(
            &[
                "export",
                "--partnership",
                id.as_str(),
                "--database-url",
                url,
                "--exported-at",
                AT,
                "--output",
                file.to_str().unwrap(),
            ],
            0,
        )
    };
    let (_, said) = export(from, &one);
    assert!(said.contains("Exported \"Maya and Jonas\""), "{said}");
    assert!(said.contains("2 check-in(s), 3 note(s)"), "{said}");
    let first = std::fs::read_to_string(&one).unwrap();
    // It holds private notes: only its owner may read the file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&one).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // Complete: private notes are there, marked.
    assert!(first.contains("\"scope\": \"complete\""));
    assert!(first.contains("Maya's private thought") && first.contains("Jonas's private thought"));
    assert!(first.contains("\"private\": true"));
    assert!(!first.contains("$argon2id"), "a password hash is exported");
    // Standard output gets the same document.
    let (stdout, _) = run(
        &[
            "export",
            "--partnership",
            id.as_str(),
            "--database-url",
            from,
            "--exported-at",
            AT,
        ],
        0,
    );
    assert_eq!(stdout, first);

    let (said, _) = run(&["import", one.to_str().unwrap(), "--database-url", to], 0);
    assert!(said.contains("Imported \"Maya and Jonas\""), "{said}");
    assert!(
        said.contains("Accounts created without a password: jonas@example.org, maya@example.org, ruth@example.org"),
        "{said}"
    );
    export(to, &two);
    assert_eq!(std::fs::read_to_string(&two).unwrap(), first);

    // Importing it again is refused: it is there already.
    let (_, said) = run(&["import", one.to_str().unwrap(), "--database-url", to], 1);
    assert!(
        said.contains("a partnership with this id already exists"),
        "{said}"
    );
}

#[test]
fn a_partnership_moves_between_sqlite_databases_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("from.db").display());
    let to = format!("sqlite://{}", dir.path().join("to.db").display());
    runtime().block_on(round_trip(dir.path(), &from, &to));
}

#[test]
fn a_partnership_moves_between_postgres_databases_unchanged() {
    let Some(admin) = postgres() else { return };
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (from, to) = (PgDb::create(&admin).await, PgDb::create(&admin).await);
        round_trip(dir.path(), &from.url, &to.url).await;
    });
}

#[test]
fn a_partnership_moves_from_sqlite_to_postgres_unchanged() {
    let Some(admin) = postgres() else { return };
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("from.db").display());
    runtime().block_on(async {
        let to = PgDb::create(&admin).await;
        round_trip(dir.path(), &from, &to.url).await;
    });
}

#[test]
fn bad_files_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("from.db").display());
    let to_path = dir.path().join("to.db");
    let to = format!("sqlite://{}", to_path.display());
    let id = runtime().block_on(filled(&from));
    let good = dir.path().join("good.json");
    let good_name = good.to_str().unwrap();
    let export = [
        "export",
        "--partnership",
        id.as_str(),
        "--database-url",
        &from,
    ];
    run(&[&export[..], &["--output", good_name]].concat(), 0);
    let original = std::fs::read_to_string(&good).unwrap();

    // Each bad file: status 2, and what is wrong.
    let refused = |name: &str, content: &str, expected: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let (_, said) = run(
            &["import", path.to_str().unwrap(), "--database-url", &to],
            2,
        );
        assert!(said.contains(expected), "{name}: {said}");
        assert!(said.contains(name), "{name}: {said}");
    };
    // Broken JSON: its line and column.
    let line = original
        .lines()
        .position(|l| l.contains("\"title\""))
        .unwrap();
    let title = original.lines().nth(line).unwrap();
    let broken = original.replacen(title, &format!("{title},"), 1);
    let at = format!("line {}, column {}", line + 1, title.chars().count() + 1);
    refused("broken.json", &broken, &at);
    let newer = original.replacen("\"version\": 1,", "\"version\": 2,", 1);
    refused("newer.json", &newer, "version 2");
    refused("other.json", "{\"hello\": 1}", "not an Accord export");
    let personal = original.replacen(
        "\"scope\": \"complete\"",
        "\"scope\": \"for maya@example.org\"",
        1,
    );
    refused("personal.json", &personal, "made for maya@example.org");
    refused("personal.json", &personal, "private notes");
    let three = original.replacen("\"role\": \"coach\"", "\"role\": \"partner\"", 1);
    refused("three.json", &three, "at most 2 partner(s)");
    let record = original.replacen("\"win\":", "\"victory\":", 1);
    refused(
        "record.json",
        &record,
        "checkins[0].record is not a check-in record",
    );
    let (_, said) = run(&["import", "missing.json", "--database-url", &to], 2);
    assert!(said.contains("could not read missing.json"), "{said}");
    // Nothing was written: the database was not even opened.
    assert!(!to_path.exists());

    // Export arguments: an unknown or malformed id, an existing file.
    let unknown = PartnershipId::random();
    let (_, said) = run(
        &[
            "export",
            "--partnership",
            unknown.as_str(),
            "--database-url",
            &from,
        ],
        2,
    );
    assert!(said.contains("no partnership has the id"), "{said}");
    let (_, said) = run(
        &["export", "--partnership", "nope", "--database-url", &from],
        2,
    );
    assert!(said.contains("is not a partnership id"), "{said}");
    let (_, said) = run(&[&export[..], &["--output", good_name]].concat(), 2);
    assert!(said.contains("already exists"), "{said}");
    run(
        &[&export[..], &["--output", good_name, "--force"]].concat(),
        0,
    );
}
