//! A whole partnership exported as one document, and imported.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// A whole partnership exported as one document, and imported.
pub trait Transfer: Send + Sync {
    // --- Export and import -------------------------------------------------

    /// Everything of one partnership that `scope` may see, read in one
    /// snapshot, as the document of [`export`] made at `now`; `progress`
    /// hears of each part ([`export::PARTS`], in that order) as soon as it
    /// is read, while the others are still being read. `None` when
    /// no partnership has this id, or the scope's member is not one of it.
    fn export_partnership<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        scope: &'a export::ExportScope,
        now: Timestamp,
        progress: &'a (dyn Fn(export::Progress) + Send + Sync),
    ) -> Fut<'a, Option<export::Export>>;
    /// Writes a complete export in one transaction, all or nothing, keeping
    /// its ids and times. People are matched by e-mail address: an
    /// existing account is used as it is; a missing one is created (at
    /// `now`, under its exported id unless another account has that id)
    /// with no password ([`export::NO_PASSWORD`]). Refuses, writing
    /// nothing: a document that is not importable
    /// ([`StoreError::InvalidExport`]), and a partnership, note or pause id
    /// that exists already ([`StoreError::Conflict`]).
    fn import_partnership<'a>(
        &'a self,
        export: &'a export::Export,
        now: Timestamp,
    ) -> Fut<'a, export::Imported>;
}

impl Transfer for SqlStore {
    fn export_partnership<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        scope: &'a crate::export::ExportScope,
        now: jiff::Timestamp,
        progress: &'a (dyn Fn(crate::export::Progress) + Send + Sync),
    ) -> crate::Fut<'a, Option<crate::export::Export>> {
        Box::pin(crate::shared::export::export_partnership(
            &self.pool,
            partnership,
            scope,
            now,
            progress,
        ))
    }
    fn import_partnership<'a>(
        &'a self,
        export: &'a crate::export::Export,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, crate::export::Imported> {
        Box::pin(crate::shared::export::import_partnership(
            &self.pool, export, now,
        ))
    }
}
