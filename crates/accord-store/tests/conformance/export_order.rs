//! Conformance cases for the order of text in exports: people and
//! preparations are listed by the bytes of their addresses on every
//! database, whatever a PostgreSQL database's collation, and
//! [`text_order_survives_a_move`] keeps that order when a partnership moves
//! between two databases.

use accord_store::export::{Export, ExportScope};
use accord_store::{NewPreparation, PartnershipId, Role, Store, User};

use crate::common::{at, invite, new_user, partnership};
use crate::export::{NOW, complete, json};
use crate::export_fill::FIRST;

/// The local parts of three addresses whose order by bytes (`.` < `_` <
/// `b`) is not their order in most collations: ICU's `en-US` puts `a_c`
/// before `a.b`, glibc's `en_US` ignores the punctuation.
const BY_BYTES: [&str; 3] = ["a.b", "a_c", "ab"];

/// A partnership of the people at the first two [`BY_BYTES`] addresses
/// (the third is its coach), both prepared for one check-in, made in
/// `store`; with those people, in byte order of their addresses.
async fn collating<S: Store + ?Sized>(store: &S) -> (PartnershipId, Vec<User>) {
    // Fresh addresses that differ first in the local part.
    let domain = format!("{}.example.org", uuid::Uuid::new_v4().simple());
    let mut people = Vec::new();
    // Made in another order than the bytes', so that no order of
    // insertion hides one of the database.
    for local in ["ab", "a_c", "a.b"] {
        let email = format!("{local}@{domain}");
        let made = store
            .create_user(&new_user(&email, local, at(1)))
            .await
            .unwrap();
        people.push(made);
    }
    people.sort_by(|a, b| a.email.as_bytes().cmp(b.email.as_bytes()));
    let [dot, underscore, plain] = [&people[0], &people[1], &people[2]];
    let p = partnership(store, &underscore.id, 10).await;
    for (who, role) in [(dot, Role::Partner), (plain, Role::Coach)] {
        let (t, _) = invite(store, &p.id, role, &underscore.id, 1_000_000).await;
        store.accept_invitation(&t, &who.id, at(20)).await.unwrap();
    }
    for who in [underscore, dot] {
        store
            .save_preparation(&NewPreparation {
                partnership: &p.id,
                occurrence: at(FIRST),
                user: &who.id,
                committed: "the commitments",
                happened: "what happened",
                want: &who.name,
                link: None,
                now: at(FIRST - 1_000),
            })
            .await
            .unwrap();
    }
    (p.id, people)
}

/// Checks that `e`, made from [`collating`]'s partnership, lists its
/// people and preparations in byte order of their addresses.
fn in_byte_order(e: &Export, people: &[User]) {
    let emails: Vec<&str> = e.people.iter().map(|p| p.email.as_str()).collect();
    let locals: Vec<&str> = emails
        .iter()
        .map(|m| m.split('@').next().unwrap())
        .collect();
    assert_eq!(locals, BY_BYTES, "people: {emails:?}");
    let wants: Vec<&str> = e.preparations.iter().map(|r| r.want.as_str()).collect();
    assert_eq!(wants, ["a.b", "a_c"]);
    let authors: Vec<&str> = e.preparations.iter().map(|r| r.user.as_str()).collect();
    assert_eq!(authors, [people[0].id.as_str(), people[1].id.as_str()]);
}

/// Text is ordered by bytes, as SQLite compares it, whatever collation a
/// PostgreSQL database has: in a complete export and in a member's.
pub async fn text_is_ordered_by_bytes<S: Store + ?Sized>(store: &S) {
    let (p, people) = collating(store).await;
    in_byte_order(&complete(store, &p).await, &people);
    let scope = ExportScope::Member {
        user: people[0].id.clone(),
        opened_by: at(FIRST),
    };
    let mine = store
        .export_partnership(&p, &scope, at(NOW), &|_| {})
        .await
        .unwrap()
        .unwrap();
    in_byte_order(&mine, &people);
}

/// Moves [`collating`]'s partnership from `from` into `to`: the copy's
/// export is byte for byte the original's, whatever either database's
/// collation.
pub async fn text_order_survives_a_move<S: Store + ?Sized, T: Store + ?Sized>(from: &S, to: &T) {
    text_is_ordered_by_bytes(from).await;
    let (p, people) = collating(from).await;
    let original = complete(from, &p).await;
    in_byte_order(&original, &people);
    let text = json(&original);
    let read = Export::from_json(&text).unwrap();
    to.import_partnership(&read, at(NOW + 5)).await.unwrap();
    let copy = complete(to, &p).await;
    in_byte_order(&copy, &people);
    assert_eq!(json(&copy), text);
    text_is_ordered_by_bytes(to).await;
}
