//! The agreements in force, parsed, kept between requests.
//!
//! Nearly every request about a running partnership needs its agreement in
//! force: the version's TOML parsed, its schedule, its pauses, every
//! recorded check-in decoded, its members. Building that took five reads
//! and a parse per request. Versions never change once made, and the rest
//! changes rarely next to how often it is read, so the built
//! [`InForce`] is kept here, at most [`Kept::CAPACITY`] of them, least
//! recently used first out.
//!
//! A kept copy is used only while the partnership's change count
//! ([`accord_store::Partnership::changes`], kept by the database's own
//! triggers) is the one it was built at. The count comes with the
//! partnership row every request reads anyway to check access, so a hit
//! costs no read at all, and a write by this process or by another one
//! sharing the database is seen by the next request.

use std::sync::{Arc, Mutex, PoisonError};

use accord_store::PartnershipId;
use hashlink::LruCache;

use super::InForce;

/// Which agreement of a partnership: the one in force (`None`) or signed
/// version `n`.
type Key = (PartnershipId, Option<i64>);

/// The kept agreements, each with the change count it was built at.
pub struct Kept(Mutex<LruCache<Key, (i64, Arc<InForce>)>>);

impl Default for Kept {
    fn default() -> Self {
        Self::with_capacity(Self::CAPACITY)
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("Kept").field("kept", &kept).finish()
    }
}

impl Kept {
    /// How many are kept. An agreement with two years of weekly check-ins
    /// takes about 100 kB; 256 of them stay well within the memory one
    /// process is meant to use, and cover the partnerships active at once
    /// in a practice of thousands.
    pub const CAPACITY: usize = 256;

    /// A cache holding at most `capacity` agreements.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Mutex::new(LruCache::new(capacity.max(1))))
    }

    /// The kept agreement `number` of `id`, if it was built at `changes`.
    pub fn get(
        &self,
        id: &PartnershipId,
        number: Option<i64>,
        changes: i64,
    ) -> Option<Arc<InForce>> {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match kept.get(&(id.clone(), number)) {
            Some((at, inforce)) if *at == changes => Some(Arc::clone(inforce)),
            _ => None,
        }
    }

    /// Keeps `inforce`, built at `changes`, unless a copy built at a later
    /// count is kept already (two requests may build one at once).
    pub fn put(&self, number: Option<i64>, changes: i64, inforce: &Arc<InForce>) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (inforce.id.clone(), number);
        if kept.peek(&key).is_some_and(|(at, _)| *at > changes) {
            return;
        }
        kept.insert(key, (changes, Arc::clone(inforce)));
    }

    /// How many are kept now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inforce(id: &PartnershipId) -> Arc<InForce> {
        let toml = "format = 1\n[[party]]\nid = \"maya\"\nname = \"Maya\"\n\
                    [[party]]\nid = \"jonas\"\nname = \"Jonas\"\n";
        let version = accord_store::Version {
            number: 1,
            draft_revision: 1,
            toml: toml.into(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
            signed_at: Some(jiff::Timestamp::UNIX_EPOCH),
            signatures: Vec::new(),
        };
        let history = accord_store::History {
            changes: 0,
            versions: vec![version],
            members: Vec::new(),
            pauses: Vec::new(),
            checkins: Vec::new(),
        };
        Arc::new(
            InForce::build(id, history, None)
                .expect("builds")
                .expect("signed"),
        )
    }

    #[test]
    fn a_copy_serves_only_the_count_it_was_built_at() {
        let kept = Kept::default();
        let id = PartnershipId::random();
        let copy = inforce(&id);
        kept.put(None, 3, &copy);
        assert!(
            kept.get(&id, None, 3)
                .is_some_and(|k| Arc::ptr_eq(&k, &copy))
        );
        assert!(
            kept.get(&id, None, 4).is_none(),
            "a later count is a change"
        );
        assert!(
            kept.get(&id, Some(1), 3).is_none(),
            "another version is another key"
        );
        assert!(kept.get(&PartnershipId::random(), None, 3).is_none());
    }

    #[test]
    fn an_older_build_does_not_replace_a_newer_one() {
        let kept = Kept::default();
        let id = PartnershipId::random();
        let (newer, older) = (inforce(&id), inforce(&id));
        kept.put(None, 5, &newer);
        kept.put(None, 4, &older);
        assert!(
            kept.get(&id, None, 5)
                .is_some_and(|k| Arc::ptr_eq(&k, &newer))
        );
        let newest = inforce(&id);
        kept.put(None, 6, &newest);
        assert!(
            kept.get(&id, None, 6)
                .is_some_and(|k| Arc::ptr_eq(&k, &newest))
        );
    }

    #[test]
    fn the_least_recently_used_goes_first_when_full() {
        let kept = Kept::with_capacity(2);
        let ids: Vec<PartnershipId> = (0..3).map(|_| PartnershipId::random()).collect();
        kept.put(None, 1, &inforce(&ids[0]));
        kept.put(None, 1, &inforce(&ids[1]));
        // Reading the first makes the second the least recently used.
        assert!(kept.get(&ids[0], None, 1).is_some());
        kept.put(None, 1, &inforce(&ids[2]));
        assert_eq!(kept.len(), 2);
        assert!(kept.get(&ids[0], None, 1).is_some());
        assert!(kept.get(&ids[1], None, 1).is_none());
        assert!(kept.get(&ids[2], None, 1).is_some());
    }
}
