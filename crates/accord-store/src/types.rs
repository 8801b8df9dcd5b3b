//! The records the store reads and writes, in the domain's terms. Ids are
//! 128 random bits written as UUIDs; secrets (session ids, invitation and
//! reset tokens, API tokens) are never stored, only their SHA-256 digests
//! ([`TokenHash`]), so a copy of the database gives no way in.

use jiff::Timestamp;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) String);

        impl $name {
            /// A new random id.
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// Reads an id from text (a URL segment, an API body); `None`
            /// when it is not a UUID, so no lookup is made with it.
            pub fn parse(text: &str) -> Option<Self> {
                uuid::Uuid::parse_str(text.trim())
                    .ok()
                    .map(|u| Self(u.to_string()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use uuid_id;

uuid_id!(
    /// A user id.
    UserId
);
uuid_id!(
    /// A partnership id.
    PartnershipId
);
uuid_id!(
    /// An invitation id (not its secret token).
    InvitationId
);
uuid_id!(
    /// An API token id (not the token itself).
    ApiTokenId
);

/// The SHA-256 digest of a secret token, as 64 lower-case hex digits. The
/// web layer makes tokens and hashes them; the store only sees digests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// Wraps a digest given as 64 hex digits (any case); `None` otherwise.
    pub fn from_hex(hex: &str) -> Option<Self> {
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(hex.to_ascii_lowercase()))
    }

    /// The digest as hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The e-mail address, lower-cased.
    pub email: String,
    /// The name shown to partners.
    pub name: String,
    /// The argon2id hash (PHC string) of the password.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: Timestamp,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// The e-mail address; stored lower-cased, unique regardless of case.
    pub email: &'a str,
    /// The name shown to partners.
    pub name: &'a str,
    /// The argon2id hash of the password.
    pub password_hash: &'a str,
    /// Now.
    pub now: Timestamp,
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user: User,
    /// The CSRF token every form of this session must carry.
    pub csrf_token: String,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

/// A new session: the digest of its id, never the id.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// SHA-256 of the session id in the cookie.
    pub id: &'a TokenHash,
    /// Whose session.
    pub user: &'a UserId,
    /// The CSRF token for its forms.
    pub csrf_token: &'a str,
    /// Now.
    pub now: Timestamp,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// An API token as listed to its owner (the secret itself is shown once,
/// at creation, and never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id, for revoking it.
    pub id: ApiTokenId,
    /// What the owner called it.
    pub label: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was last used, to the minute; `None` if never.
    pub last_used_at: Option<Timestamp>,
}

/// A partner or the coach of a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// One of the two partners: edits the draft and signs versions.
    Partner,
    /// The coach: sees the agreement, its review and the guide.
    Coach,
}

impl Role {
    /// How many members may hold the role.
    pub const fn capacity(self) -> usize {
        match self {
            Self::Partner => 2,
            Self::Coach => 1,
        }
    }

    /// The role's word in URLs, the API and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::Coach => "coach",
        }
    }

    /// Reads the role's word.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "partner" => Some(Self::Partner),
            "coach" => Some(Self::Coach),
            _ => None,
        }
    }
}

/// A partnership and its current draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    /// Its id.
    pub id: PartnershipId,
    /// Its name, e.g. "Maya and Jonas".
    pub title: String,
    /// When it was started.
    pub created_at: Timestamp,
    /// The draft agreement as TOML text, exactly as last saved.
    pub draft: String,
    /// Starts at 1 and goes up by one with every save.
    pub draft_revision: i64,
    /// When the draft was last saved.
    pub draft_updated_at: Timestamp,
    /// How many changes its history has seen: its versions and their
    /// signatures, its members (their names and addresses too), its pauses
    /// and its check-ins. Two reads with the same count read the same
    /// history, so a copy of what was read from it (the agreement in force,
    /// parsed) stays good while the count stays. Kept by the database
    /// itself (triggers), on both databases; the draft does not count.
    pub changes: i64,
}

/// A partnership as listed to one of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The partnership.
    pub partnership: Partnership,
    /// The member's role in it.
    pub role: Role,
}

/// What becomes of the draft when a partner joins (see
/// [`crate::Store::accept_invitation_keyed`]): the stored draft in, the
/// draft to save out, or `None` to leave it as it is.
pub type Redraft<'a> = &'a (dyn Fn(&str) -> Option<String> + Send + Sync);

/// A member of a partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The account.
    pub user_id: UserId,
    /// Its name.
    pub name: String,
    /// Its e-mail address.
    pub email: String,
    /// Partner or coach.
    pub role: Role,
    /// When they joined.
    pub joined_at: Timestamp,
}

/// What is needed to start a partnership. The creator becomes its first
/// partner.
#[derive(Debug, Clone)]
pub struct NewPartnership<'a> {
    /// Its name.
    pub title: &'a str,
    /// Who starts it.
    pub creator: &'a UserId,
    /// The first draft, as TOML.
    pub draft: &'a str,
    /// Now.
    pub now: Timestamp,
}

/// An invitation as its partnership lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id (not the token).
    pub id: InvitationId,
    /// The partnership it joins.
    pub partnership_id: PartnershipId,
    /// The partnership's title.
    pub partnership_title: String,
    /// The role it grants.
    pub role: Role,
    /// The address it was sent to, when one was given.
    pub email: Option<String>,
    /// Who made it.
    pub invited_by: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was used; an invitation works once.
    pub accepted_at: Option<Timestamp>,
}

/// What is needed to make an invitation.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    /// SHA-256 of the secret token in the link.
    pub token: &'a TokenHash,
    /// The partnership to join.
    pub partnership: &'a PartnershipId,
    /// The role it grants.
    pub role: Role,
    /// The address it is sent to, if any.
    pub email: Option<&'a str>,
    /// Who makes it.
    pub invited_by: &'a UserId,
    /// Now.
    pub now: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// Why an invitation could not be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationProblem {
    /// No invitation has this token (or it was withdrawn).
    #[error("this invitation link is not valid")]
    Unknown,
    /// It was already used.
    #[error("this invitation has already been used")]
    Used,
    /// It expired.
    #[error("this invitation has expired")]
    Expired,
    /// The user is already a member of the partnership.
    #[error("you are already a member of this partnership")]
    AlreadyMember,
    /// The role it grants is already taken (two partners, one coach).
    #[error("this partnership already has its {0}")]
    RoleTaken(&'static str),
}

/// A version of the agreement put up for signing: a snapshot of the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// 1, 2, 3… within the partnership.
    pub number: i64,
    /// The draft revision it was taken from.
    pub draft_revision: i64,
    /// The agreement as TOML text.
    pub toml: String,
    /// When it was taken.
    pub created_at: Timestamp,
    /// Who signed it, in order.
    pub signatures: Vec<Signature>,
    /// When the second partner signed and it became binding, if they have.
    pub signed_at: Option<Timestamp>,
}

/// One partner's signature on a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The partner.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// When they signed.
    pub signed_at: Timestamp,
}

/// The result of signing the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The version signed.
    pub number: i64,
    /// Whether this signature completed it (both partners have signed).
    pub complete: bool,
}
