//! The store's interface, one trait per feature; [`crate::Store`] is all of them.

mod accounts;
mod drafts;
mod idempotency;
mod outbox;
mod partnerships;
mod pauses;
mod running;
mod sessions;
mod settings;
mod transfer;

pub use accounts::Accounts;
pub use drafts::Drafts;
pub use idempotency::Idempotency;
pub use outbox::Outbox;
pub use partnerships::Partnerships;
pub use pauses::Pauses;
pub use running::Running;
pub use sessions::Sessions;
pub use settings::Settings;
pub use transfer::Transfer;
