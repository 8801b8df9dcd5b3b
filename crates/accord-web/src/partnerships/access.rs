//! Object-level authorization, checked on every request that names a
//! partnership: the caller must be a member, and some actions need a
//! partner. Non-members get "not found", never "forbidden", so an id in a
//! URL reveals nothing about partnerships the caller does not belong to.

use accord_core::Agreement;
use accord_store::{Partnership, PartnershipId, Role, User};

use crate::error::AppError;
use crate::state::AppState;

/// A member's view of one partnership.
#[derive(Debug, Clone)]
pub struct Access {
    /// The partnership, with its draft.
    pub partnership: Partnership,
    /// The caller's role in it.
    pub role: Role,
}

/// Loads a partnership for a user who must be a member of it.
pub async fn member(state: &AppState, user: &User, id: &str) -> Result<Access, AppError> {
    let id = PartnershipId::parse(id).ok_or(AppError::NotFound)?;
    let membership = state
        .store
        .membership(&id, &user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Access {
        partnership: membership.partnership,
        role: membership.role,
    })
}

impl Access {
    /// Refuses a coach: only partners change the agreement or invite.
    pub fn require_partner(&self) -> Result<(), AppError> {
        match self.role {
            Role::Partner => Ok(()),
            Role::Coach => Err(AppError::Forbidden(
                "Only the two partners can change or sign the agreement and invite people; \
                 a coach reads it, with its review and the guide."
                    .into(),
            )),
        }
    }

    /// Whether the caller is a partner.
    pub fn is_partner(&self) -> bool {
        self.role == Role::Partner
    }

    /// The draft, parsed. Drafts are only ever stored after validation, so
    /// a failure here is a bug or a damaged database.
    pub fn draft(&self) -> Result<Agreement, AppError> {
        parse_stored(&self.partnership.draft)
    }
}

/// Parses an agreement the app stored itself.
pub fn parse_stored(toml: &str) -> Result<Agreement, AppError> {
    accord_core::parse_toml(toml)
        .map_err(|e| AppError::internal(format!("a stored agreement does not parse: {e:?}")))
}
