//! Conformance cases for exporting and importing a partnership: a complete
//! export has every record in a fixed order and no secret; a member's
//! export shows what that member may see; an import keeps ids and times,
//! matches people by address and creates the missing without a password;
//! it writes everything or nothing, and refuses personal, inconsistent and
//! unreadable documents. Progress is reported part by part as it is read.
//! [`round_trip`] moves a partnership between two databases; the order of
//! text is in `export_order`.

use std::sync::Mutex;

use accord_store::export::{
    Export, ExportProblem, ExportScope, NO_PASSWORD, PARTS, Progress, Scope,
};
use accord_store::{ConsequenceKind, PartnershipId, Role, Store, StoreError, UserId};
use jiff::Timestamp;

use crate::common::{at, unique, user};
use crate::export_fill::{FIRST, MISSED, NEXT, RECORD, SECOND, filled, remapped};

/// When the exports here are made.
pub const NOW: i64 = 5_000_000;

pub async fn run<S: Store + ?Sized>(store: &S) {
    a_complete_export_has_everything_and_no_secret(store).await;
    a_members_export_shows_what_they_may_see(store).await;
    an_import_copies_a_partnership_matching_people_by_address(store).await;
    an_import_writes_everything_or_nothing(store).await;
    documents_that_cannot_be_imported_are_refused(store).await;
    crate::export_order::text_is_ordered_by_bytes(store).await;
}

/// The complete export of `p` at [`NOW`].
pub async fn complete<S: Store + ?Sized>(store: &S, p: &PartnershipId) -> Export {
    store
        .export_partnership(p, &ExportScope::Complete, at(NOW), &|_| {})
        .await
        .unwrap()
        .unwrap()
}

pub fn json(e: &Export) -> String {
    e.to_json().unwrap()
}

fn bodies(e: &Export) -> Vec<&str> {
    e.notes.iter().map(|n| n.body.as_str()).collect()
}

async fn a_complete_export_has_everything_and_no_secret<S: Store + ?Sized>(store: &S) {
    let f = filled(store).await;
    let parts = Mutex::new(Vec::new());
    let report = |p: Progress| parts.lock().unwrap().push((p.part, p.records));
    let e = store
        .export_partnership(&f.p.id, &ExportScope::Complete, at(NOW), &report)
        .await
        .unwrap()
        .unwrap();
    let reported = parts.into_inner().unwrap();
    assert_eq!(reported.iter().map(|(p, _)| *p).collect::<Vec<_>>(), PARTS);
    assert!(reported.contains(&("check-ins", 2)) && reported.contains(&("notes", 4)));
    // Each part once, in PARTS order, with as many records as the document
    // has of it: reported as it is read, the people (named by the other
    // parts) last.
    let records = |part: &str| match part {
        "partnership" => 1,
        "people" => e.people.len(),
        "members" => e.members.len(),
        "versions" => e.versions.len(),
        "check-ins" => e.checkins.len(),
        "notes" => e.notes.len(),
        "preparations" => e.preparations.len(),
        "consequences" => e.consequences.len(),
        "pauses" => e.pauses.len(),
        other => panic!("unknown part {other}"),
    };
    let expected: Vec<(&str, usize)> = PARTS.iter().map(|&p| (p, records(p))).collect();
    assert_eq!(reported, expected);
    assert_eq!(
        reported,
        [
            ("partnership", 1),
            ("members", 3),
            ("versions", 1),
            ("check-ins", 2),
            ("notes", 4),
            ("preparations", 4),
            ("consequences", 2),
            ("pauses", 2),
            ("people", 3),
        ]
    );

    assert_eq!((e.format.as_str(), e.version), ("accord-export", 1));
    assert_eq!((e.exported_at, &e.scope), (at(NOW), &Scope::Complete));
    assert_eq!(e.partnership.id, f.p.id.as_str());
    assert_eq!(e.partnership.draft, f.p.draft);
    let mut emails = vec![&f.maya.email, &f.jonas.email, &f.coach.email];
    emails.sort();
    assert_eq!(
        e.people.iter().map(|p| &p.email).collect::<Vec<_>>(),
        emails
    );
    let roster: Vec<(&str, Role)> = e
        .members
        .iter()
        .map(|m| (m.user.as_str(), m.role))
        .collect();
    assert_eq!(
        roster,
        [
            (f.maya.id.as_str(), Role::Partner),
            (f.jonas.id.as_str(), Role::Partner),
            (f.coach.id.as_str(), Role::Coach),
        ]
    );
    assert_eq!(e.versions.len(), 1);
    assert_eq!(e.versions[0].signatures.len(), 2);
    assert_eq!(e.versions[0].signed_at, Some(at(30)));
    let occurrences: Vec<Timestamp> = e.checkins.iter().map(|c| c.occurrence).collect();
    assert_eq!(occurrences, [at(FIRST), at(SECOND)]);
    let record: serde_json::Value = serde_json::from_str(RECORD).unwrap();
    assert_eq!(e.checkins[0].record, record);
    assert_eq!(e.checkins[0].recorded_by, f.maya.id.as_str());
    assert_eq!(
        bodies(&e),
        [
            "maya's private note",
            "jonas's private note",
            "maya's shared note",
            "jonas's shared note, with \"quotes\""
        ]
    );
    let private: Vec<bool> = e.notes.iter().map(|n| n.private).collect();
    assert_eq!(private, [true, true, false, false]);
    assert_eq!(e.preparations.len(), 4);
    let kinds: Vec<(Timestamp, ConsequenceKind)> = e
        .consequences
        .iter()
        .map(|c| (c.occurrence, c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (at(FIRST), ConsequenceKind::Ladder),
            (at(MISSED), ConsequenceKind::MissedCheckin)
        ]
    );
    let pauses: Vec<(&str, bool, bool)> = e
        .pauses
        .iter()
        .map(|p| {
            (
                p.reason.as_str(),
                p.agreed_by.is_some(),
                p.withdrawn_by.is_some(),
            )
        })
        .collect();
    assert_eq!(pauses, [("a move", false, true), ("holiday", true, false)]);

    let text = json(&e);
    for secret in &f.secrets {
        assert!(!text.contains(secret.as_str()), "{secret} is in the export");
    }
    assert_eq!(Export::from_json(&text).unwrap(), e);
    // The same data gives the same bytes.
    assert_eq!(json(&complete(store, &f.p.id).await), text);
}

async fn a_members_export_shows_what_they_may_see<S: Store + ?Sized>(store: &S) {
    let f = filled(store).await;
    let pid = &f.p.id;
    let export = |who: &UserId| {
        let scope = ExportScope::Member {
            user: who.clone(),
            opened_by: at(MISSED),
        };
        async move {
            store
                .export_partnership(pid, &scope, at(NOW), &|_| {})
                .await
                .unwrap()
        }
    };
    let maya = export(&f.maya.id).await.unwrap();
    assert_eq!(maya.scope, Scope::For(f.maya.email.clone()));
    assert_eq!(maya.scope.as_text(), format!("for {}", f.maya.email));
    assert_eq!(
        bodies(&maya),
        [
            "maya's private note",
            "maya's shared note",
            "jonas's shared note, with \"quotes\""
        ]
    );
    // Her own preparations, and Jonas's for the check-in that has opened.
    let wants: Vec<&str> = maya.preparations.iter().map(|p| p.want.as_str()).collect();
    let mut expected = vec!["jonas before the second", "maya before the second"];
    if f.jonas.email > f.maya.email {
        expected.reverse();
    }
    expected.push("maya before the next");
    assert_eq!(wants, expected);
    assert_eq!(maya.checkins.len(), 2);

    let jonas = export(&f.jonas.id).await.unwrap();
    assert_eq!(
        bodies(&jonas),
        [
            "jonas's private note",
            "maya's shared note",
            "jonas's shared note, with \"quotes\""
        ]
    );

    // The coach: no private note and no preparation, the rest as it is.
    let coach = export(&f.coach.id).await.unwrap();
    assert_eq!(
        bodies(&coach),
        ["maya's shared note", "jonas's shared note, with \"quotes\""]
    );
    assert!(coach.preparations.is_empty());
    // A member's export reports what that member gets.
    let parts = Mutex::new(Vec::new());
    let report = |p: Progress| parts.lock().unwrap().push((p.part, p.records));
    let scope = ExportScope::Member {
        user: f.coach.id.clone(),
        opened_by: at(MISSED),
    };
    store
        .export_partnership(pid, &scope, at(NOW), &report)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        parts.into_inner().unwrap(),
        [
            ("partnership", 1),
            ("members", 3),
            ("versions", 1),
            ("check-ins", 2),
            ("notes", 2),
            ("preparations", 0),
            ("consequences", 2),
            ("pauses", 2),
            ("people", 3),
        ]
    );
    assert_eq!((coach.checkins.len(), coach.pauses.len()), (2, 2));

    // Not a member, or no such partnership: nothing.
    let stranger = user(store, "Stranger").await;
    assert!(export(&stranger.id).await.is_none());
    let nowhere = PartnershipId::random();
    let none = store
        .export_partnership(&nowhere, &ExportScope::Complete, at(NOW), &|_| {})
        .await
        .unwrap();
    assert!(none.is_none());
}

async fn an_import_copies_a_partnership_matching_people_by_address<S: Store + ?Sized>(store: &S) {
    let f = filled(store).await;
    let original = complete(store, &f.p.id).await;

    // Everyone has an account here: they are matched, none is created.
    let copy = remapped(&original);
    let imported = store.import_partnership(&copy, at(NOW + 1)).await.unwrap();
    assert_eq!(imported.partnership.as_str(), copy.partnership.id);
    assert!(imported.created.is_empty());
    assert_eq!(imported.matched.len(), 3);
    let again = complete(store, &imported.partnership).await;
    assert_eq!(json(&again), json(&copy));
    let versions = store.versions(&imported.partnership).await.unwrap();
    assert_eq!(versions, store.versions(&f.p.id).await.unwrap());
    // Privacy holds in the copy as in the original.
    let notes = store
        .notes(&imported.partnership, at(FIRST), &f.jonas.id)
        .await
        .unwrap();
    let visible: Vec<&str> = notes.iter().map(|n| n.body.as_str()).collect();
    assert_eq!(visible, ["jonas's private note", "maya's shared note"]);

    // An address unknown here: its account is created, with no password,
    // under a fresh id since Maya's id is taken.
    let mut moved = remapped(&original);
    let address = format!("{}@example.org", unique("maya-elsewhere"));
    let maya = moved
        .people
        .iter_mut()
        .find(|p| p.id == f.maya.id.as_str())
        .unwrap();
    maya.email = address.clone();
    let imported = store.import_partnership(&moved, at(NOW + 2)).await.unwrap();
    assert_eq!(imported.created, std::slice::from_ref(&address));
    let account = store.user_by_email(&address).await.unwrap().unwrap();
    assert_eq!(account.password_hash, NO_PASSWORD);
    assert_eq!(
        (account.name.as_str(), account.created_at),
        ("Maya Chen", at(NOW + 2))
    );
    assert_ne!(account.id, f.maya.id);
    assert_eq!(
        store
            .role_in(&imported.partnership, &account.id)
            .await
            .unwrap(),
        Some(Role::Partner)
    );
    assert_eq!(
        store
            .role_in(&imported.partnership, &f.maya.id)
            .await
            .unwrap(),
        None
    );
    let mine = store
        .notes(&imported.partnership, at(FIRST), &account.id)
        .await
        .unwrap();
    assert_eq!(mine[0].body, "maya's private note");
}

async fn an_import_writes_everything_or_nothing<S: Store + ?Sized>(store: &S) {
    let f = filled(store).await;
    let original = complete(store, &f.p.id).await;

    // The partnership exists: refused.
    let err = store
        .import_partnership(&original, at(NOW))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("partnership"), "{err}");

    // A new partnership id, a new person, but note ids that exist: the
    // failure comes late, and takes everything before it back.
    let mut late = original.clone();
    late.partnership.id = uuid::Uuid::new_v4().to_string();
    for p in &mut late.pauses {
        p.id = uuid::Uuid::new_v4().to_string();
    }
    let address = format!("{}@example.org", unique("jonas-new"));
    late.people
        .iter_mut()
        .find(|p| p.id == f.jonas.id.as_str())
        .unwrap()
        .email = address.clone();
    let err = store.import_partnership(&late, at(NOW)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let id = PartnershipId::parse(&late.partnership.id).unwrap();
    assert_eq!(store.partnership(&id).await.unwrap(), None);
    assert_eq!(store.user_by_email(&address).await.unwrap(), None);
}

async fn documents_that_cannot_be_imported_are_refused<S: Store + ?Sized>(store: &S) {
    let f = filled(store).await;
    let original = complete(store, &f.p.id).await;
    let refused = |e: &Export| {
        let e = e.clone();
        async move {
            let id = PartnershipId::parse(&e.partnership.id);
            let err = store.import_partnership(&e, at(NOW)).await.unwrap_err();
            if let Some(id) = id {
                assert_eq!(store.partnership(&id).await.unwrap(), None);
            }
            match err {
                StoreError::InvalidExport(problem) => problem,
                other => panic!("{other}"),
            }
        }
    };

    // A member's export lacks others' private notes.
    let scope = ExportScope::Member {
        user: f.maya.id.clone(),
        opened_by: at(NEXT),
    };
    let personal = store
        .export_partnership(&f.p.id, &scope, at(NOW), &|_| {})
        .await
        .unwrap()
        .unwrap();
    let problem = refused(&remapped(&personal)).await;
    assert_eq!(problem, ExportProblem::Personal(f.maya.email.clone()));
    assert!(problem.to_string().contains("private notes"), "{problem}");

    // Someone named who is not in people.
    let mut stray = remapped(&original);
    stray.notes[1].author = uuid::Uuid::new_v4().to_string();
    let problem = refused(&stray).await;
    assert!(problem.to_string().contains("notes[1].author"), "{problem}");

    // Ids the store would write differently.
    let mut upper = remapped(&original);
    upper.partnership.id = upper.partnership.id.to_uppercase();
    let problem = refused(&upper).await;
    assert!(problem.to_string().contains("partnership.id"), "{problem}");

    // A note on a check-in that is not there.
    let mut orphan = remapped(&original);
    orphan.notes[0].occurrence = at(NEXT);
    let problem = refused(&orphan).await;
    assert!(problem.to_string().contains("notes[0]"), "{problem}");

    // A NUL, which PostgreSQL cannot store: refused before anything is
    // written, and when read from text, at its line and column.
    let mut nul = remapped(&original);
    nul.notes[1].body = "before\0after".into();
    let problem = refused(&nul).await;
    assert!(problem.to_string().contains("notes[1].body"), "{problem}");
    assert!(problem.to_string().contains("NUL"), "{problem}");
    match Export::from_json(&json(&nul)).unwrap_err() {
        ExportProblem::Json {
            line,
            column,
            message,
        } => {
            assert!(line > 1 && column > 1, "{line}:{column}");
            assert!(
                message.starts_with("notes[1].body contains a NUL"),
                "{message}"
            );
        }
        other => panic!("{other}"),
    }

    // Reading: other formats and versions say so; broken JSON says where.
    let text = json(&original);
    let newer = text.replacen("\"version\": 1", "\"version\": 2", 1);
    assert_eq!(
        Export::from_json(&newer).unwrap_err(),
        ExportProblem::Version("2".into())
    );
    let other = text.replacen("accord-export", "something-else", 1);
    let problem = Export::from_json(&other).unwrap_err();
    assert!(matches!(problem, ExportProblem::Format(_)), "{problem}");
    let cut = &text[..text.len() / 2];
    match Export::from_json(cut).unwrap_err() {
        ExportProblem::Json { line, column, .. } => assert!(line > 1 && column > 0),
        other => panic!("{other}"),
    }
    let wrong = text.replacen("\"role\": \"coach\"", "\"role\": \"referee\"", 1);
    let problem = Export::from_json(&wrong).unwrap_err();
    assert!(problem.to_string().contains("referee"), "{problem}");
    assert!(problem.to_string().starts_with("line "), "{problem}");
}

/// Moves a filled partnership from `from` into `to`, a database where
/// nobody has an account: everyone is created under their own id, and the
/// export of the copy is byte for byte the original's.
pub async fn round_trip<S: Store + ?Sized, T: Store + ?Sized>(from: &S, to: &T) {
    let f = filled(from).await;
    let original = complete(from, &f.p.id).await;
    let text = json(&original);
    let read = Export::from_json(&text).unwrap();
    let imported = to.import_partnership(&read, at(NOW + 5)).await.unwrap();
    assert_eq!(imported.partnership, f.p.id);
    assert_eq!(imported.created.len(), 3);
    assert!(imported.matched.is_empty());
    assert_eq!(json(&complete(to, &f.p.id).await), text);
    for u in [&f.maya, &f.jonas, &f.coach] {
        let account = to.user_by_email(&u.email).await.unwrap().unwrap();
        assert_eq!(
            (&account.id, account.password_hash.as_str()),
            (&u.id, NO_PASSWORD)
        );
    }
    assert_eq!(
        to.versions(&f.p.id).await.unwrap(),
        from.versions(&f.p.id).await.unwrap()
    );
    assert_eq!(
        to.pauses(&f.p.id).await.unwrap(),
        from.pauses(&f.p.id).await.unwrap()
    );
    // Its version in force is planned by the next worker step.
    assert_eq!(to.planned_until(&f.p.id).await.unwrap(), None);
    assert!(
        to.partnerships_to_plan(at(NOW + 5), 1000)
            .await
            .unwrap()
            .contains(&f.p.id)
    );
    assert_eq!(
        to.consequence_log(&f.p.id).await.unwrap(),
        from.consequence_log(&f.p.id).await.unwrap()
    );
    assert_eq!(
        to.notes(&f.p.id, at(FIRST), &f.maya.id).await.unwrap(),
        from.notes(&f.p.id, at(FIRST), &f.maya.id).await.unwrap()
    );
    assert_eq!(
        to.preparations(&f.p.id, at(NEXT)).await.unwrap(),
        from.preparations(&f.p.id, at(NEXT)).await.unwrap()
    );
    // Nothing secret came along: no sessions, tokens or settings.
    assert_eq!(to.api_tokens(&f.maya.id).await.unwrap(), []);
    assert_eq!(to.calendar_since(&f.jonas.id).await.unwrap(), None);
    assert_eq!(
        to.notification_settings(&f.maya.id).await.unwrap(),
        Default::default()
    );
    assert_eq!(to.planned_until(&f.p.id).await.unwrap(), None);
}
