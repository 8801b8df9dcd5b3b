//! A partnership with something of everything, for the export cases: a
//! signed agreement, a coach, two recorded check-ins with shared and
//! private notes (two written in the same millisecond), preparations for a
//! past and a future check-in, a ladder step and a missed check-in, an
//! agreed and a withdrawn pause, and next to them every kind of secret the
//! store keeps, so that a case can check none of it is exported.

use accord_store::export::Export;
use accord_store::{
    Channel, ConsequenceKind, LinkId, NewCheckin, NewCheckinLink, NewConsequence, NewNote,
    NewNotification, NewPause, NewPreparation, NoteBody, NotificationSettings, Partnership, Role,
    Store, User,
};

use crate::common::{HASH, at, invite, session, signed_pair, token, unique, user};

/// The first check-in's start.
pub const FIRST: i64 = 1_000_000;
/// The second's.
pub const SECOND: i64 = 2_000_000;
/// A check-in nobody recorded.
pub const MISSED: i64 = 2_500_000;
/// A check-in still to come.
pub const NEXT: i64 = 3_000_000;

/// A record as the pages write one: quotes, commas and a line break in it.
pub const RECORD: &str = r#"{"reports":[{"party":"maya","reviewed":[{"commitment":"Book the one-to-ones","outcome":"kept"}],"indicators":[{"goal":0,"value":2.5}],"slips":[],"wellbeing":[{"indicator":"stress","score":3}],"win":"Held \"all\" five, finally","next_commitments":["Book them again"],"next_step":"Block Monday\n09:00"}]}"#;

/// The filled partnership, its people, and the secrets kept beside it.
pub struct Filled {
    pub p: Partnership,
    pub maya: User,
    pub jonas: User,
    pub coach: User,
    /// Texts that must appear in no export.
    pub secrets: Vec<String>,
}

/// Fills a fresh partnership in `store`.
pub async fn filled<S: Store + ?Sized>(store: &S) -> Filled {
    let (p, maya, jonas) = signed_pair(store).await;
    let coach = user(store, "Ruth Coach").await;
    let (t, _) = invite(store, &p.id, Role::Coach, &maya.id, 1_000_000).await;
    store
        .accept_invitation(&t, &coach.id, at(25))
        .await
        .unwrap();
    let mut secrets = vec![HASH.to_owned(), t.as_str().to_owned()];

    let ladder = [NewConsequence {
        occurrence: at(FIRST),
        kind: ConsequenceKind::Ladder,
        party: Some("jonas"),
        misses: Some(1),
        response: "Jonas names one change",
    }];
    let recap_marker = unique("recap-payload");
    let recap = NewNotification {
        partnership: Some(p.id.clone()),
        user: Some(maya.id.clone()),
        channel: Channel::Email,
        kind: "recap".to_owned(),
        dedupe: unique("export-recap"),
        // Far beyond every stretch of time the outbox cases claim in.
        due_at: at(9_000_000_000_000),
        payload: format!(r#"{{"marker":"{recap_marker}"}}"#),
    };
    secrets.push(recap_marker);
    let link = LinkId::random();
    store
        .create_checkin_link(&NewCheckinLink {
            id: &link,
            partnership: &p.id,
            occurrence: at(FIRST),
            user: &maya.id,
            expires_at: at(FIRST + 500_000),
            now: at(FIRST - 100_000),
        })
        .await
        .unwrap();
    secrets.push(link.as_str().to_owned());
    store
        .record_checkin(&NewCheckin {
            partnership: &p.id,
            occurrence: at(FIRST),
            version: 1,
            record: RECORD,
            recorded_by: &maya.id,
            note: Some(NoteBody {
                private: true,
                body: "maya's private note",
            }),
            consequences: &ladder,
            notifications: std::slice::from_ref(&recap),
            link: Some(&link),
            now: at(FIRST + 100),
        })
        .await
        .unwrap();
    // Two notes in one millisecond: the order written is kept.
    for (author, private, body) in [
        (&jonas, true, "jonas's private note"),
        (&maya, false, "maya's shared note"),
    ] {
        store
            .add_note(&NewNote {
                partnership: &p.id,
                occurrence: at(FIRST),
                author: &author.id,
                private,
                body,
                now: at(FIRST + 200),
            })
            .await
            .unwrap();
    }
    store
        .record_checkin(&NewCheckin {
            partnership: &p.id,
            occurrence: at(SECOND),
            version: 1,
            record: r#"{"reports":[]}"#,
            recorded_by: &jonas.id,
            note: Some(NoteBody {
                private: false,
                body: "jonas's shared note, with \"quotes\"",
            }),
            consequences: &[],
            notifications: &[],
            link: None,
            now: at(SECOND + 100),
        })
        .await
        .unwrap();
    for (occurrence, who, want) in [
        (SECOND, &jonas, "jonas before the second"),
        (SECOND, &maya, "maya before the second"),
        (NEXT, &jonas, "jonas before the next"),
        (NEXT, &maya, "maya before the next"),
    ] {
        store
            .save_preparation(&NewPreparation {
                partnership: &p.id,
                occurrence: at(occurrence),
                user: &who.id,
                committed: "the commitments",
                happened: "what happened",
                want,
                link: None,
                now: at(occurrence - 1_000),
            })
            .await
            .unwrap();
    }
    let missed = NewConsequence {
        occurrence: at(MISSED),
        kind: ConsequenceKind::MissedCheckin,
        party: None,
        misses: None,
        response: "The one who missed proposes a new slot",
    };
    assert!(
        store
            .record_missed_checkin(&p.id, &missed, &[], at(MISSED + 10_000))
            .await
            .unwrap()
    );
    let agreed = store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: "2026-08-03",
            last_day: "2026-08-16",
            reason: "holiday",
            proposed_by: &maya.id,
            now: at(NEXT + 100),
        })
        .await
        .unwrap();
    store
        .agree_pause(&p.id, &agreed.id, &jonas.id, at(NEXT + 200))
        .await
        .unwrap();
    let withdrawn = store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: "2026-05-01",
            last_day: "2026-05-03",
            reason: "a move",
            proposed_by: &jonas.id,
            now: at(NEXT + 150),
        })
        .await
        .unwrap();
    store
        .withdraw_pause(&p.id, &withdrawn.id, &jonas.id, at(NEXT + 300))
        .await
        .unwrap();

    // Secrets of every kind, next to the partnership.
    secrets.push(
        session(store, &maya.id, 10_000_000)
            .await
            .as_str()
            .to_owned(),
    );
    let api = token();
    store
        .create_api_token(&api, &maya.id, "laptop", at(40))
        .await
        .unwrap();
    let calendar = token();
    store
        .set_calendar_token(&jonas.id, Some(&calendar), at(40))
        .await
        .unwrap();
    let reset = token();
    store
        .create_reset_token(&reset, &jonas.id, at(40), at(10_000_000))
        .await
        .unwrap();
    let (webhook_url, webhook_secret) = (unique("https://hooks.example.org/x"), unique("whsec"));
    store
        .set_notification_settings(
            &maya.id,
            &NotificationSettings {
                email: false,
                webhook_url: Some(webhook_url.clone()),
                webhook_secret: Some(webhook_secret.clone()),
            },
            at(40),
        )
        .await
        .unwrap();
    // An answer stored under an idempotency key (with the write it answers:
    // a partnership of Maya's own, which is not exported either).
    let body = unique("idempotent-body");
    let answer = body.clone();
    let keyed = accord_store::Keyed {
        user: maya.id.clone(),
        key: unique("key"),
        fingerprint: None,
        now: at(40),
        answer: std::sync::Arc::new(move |_: &accord_store::Partnership| {
            Ok(accord_store::Answer {
                status: 201,
                body: answer.clone(),
            })
        }),
    };
    store
        .create_partnership_keyed(
            &accord_store::NewPartnership {
                title: "Maya alone",
                creator: &maya.id,
                draft: "format = 1\n",
                now: at(40),
            },
            Some(&keyed),
        )
        .await
        .unwrap();
    secrets.extend([
        api.as_str().to_owned(),
        calendar.as_str().to_owned(),
        reset.as_str().to_owned(),
        webhook_url,
        webhook_secret,
        body,
    ]);
    Filled {
        p,
        maya,
        jonas,
        coach,
        secrets,
    }
}

/// The same document under new ids for the partnership, its notes and its
/// pauses: what importing a copy into the same store needs.
pub fn remapped(e: &Export) -> Export {
    let mut copy = e.clone();
    copy.partnership.id = uuid::Uuid::new_v4().to_string();
    for n in &mut copy.notes {
        n.id = uuid::Uuid::new_v4().to_string();
    }
    for p in &mut copy.pauses {
        p.id = uuid::Uuid::new_v4().to_string();
    }
    copy
}
