//! The parts of the OpenAPI document that are not a handler: its title and
//! description, the bearer security scheme, the error answers every
//! operation refers to, and the schemas of the engine's JSON (agreement,
//! review, guide), which `accord-core` defines with serde alone.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};

use crate::error::{ErrorBody, Problem};

/// The document's fixed parts; [`super::router`] adds every operation from
/// the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Accord API",
        description = "The JSON API of Accord, for scripts. Everything the pages do with a \
partnership is here: partnerships, invitations, the draft agreement with its review and guide, \
signing, versions, comparing them, and TOML download and upload.\n\n\
**Authentication.** Send `Authorization: Bearer TOKEN`. Get a token with `POST /api/v1/tokens` \
(your e-mail address and password; throttled like logging in) or on the account page. Making an \
account stays a page (`/signup`), as do changing and resetting passwords.\n\n\
**Errors** always have one shape, `ErrorBody`: a stable `error` code, a `message` for people, \
and `field` when one field is at fault. An invalid agreement (`invalid_agreement`) lists every \
problem under `problems`, with line and column when it was sent as TOML text. Ids that are not \
yours and ids that do not exist are both `404 not_found`, so an id reveals nothing.\n\n\
**Optimistic concurrency.** Every change to the draft names the `revision` it was based on. If \
someone saved since, the answer is `409 stale_revision` and nothing is written: fetch the draft \
again and reapply your change.\n\n\
**Idempotency.** The creating POSTs accept an `Idempotency-Key` header. A retry with the same key \
(same user, same endpoint) changes nothing and gets the first successful answer again, marked \
`Idempotent-Replayed: true`. Secrets shown once (an invitation's link) are not kept for replays. \
A retry that arrives while the first request is still running, on any server of the service, gets \
`409 conflict`: retry a moment later. A request that failed can be retried with its key at once.\n\n\
The agreement's fields, the review and the guide are specified in `shared/spec/agreement-format.md`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerScheme),
    components(
        schemas(ErrorBody, Problem, Agreement, Review, Guide),
        responses(Unauthenticated, Forbidden, NotFound, Invalid, InvalidAgreement, Conflict, Stale, TooLarge, RateLimited),
    ),
    tags(
        (name = "accounts", description = "Who you are, and your API tokens."),
        (name = "partnerships", description = "Partnerships you belong to, and their members."),
        (name = "invitations", description = "Inviting the other partner or a coach, and joining."),
        (name = "agreement", description = "The draft agreement, its review and the coach's guide."),
        (name = "versions", description = "Signing, the signed versions, and comparing them."),
        (name = "checkins", description = "The check-ins of the agreement in force: the schedule, preparing, recording, notes and the consequence log."),
        (name = "pauses", description = "Pauses both partners agree to: check-ins inside one are neither due nor missed."),
        (name = "standing", description = "Where the partnership stands: a version's health report (the dashboard's figures) and your export of everything you may see."),
        (name = "meta", description = "This document."),
    ),
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme that the operations name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description =
            Some("An API token from `POST /api/v1/tokens` or the account page.".into());
        components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    }
}

/// The security scheme's name.
pub const BEARER: &str = "bearer";

/// An agreement as JSON: the fields of `shared/spec/agreement-format.md`
/// ("Fields"), dates as `YYYY-MM-DD`. `format` (1) and exactly two `party`
/// entries, each with `id` and `name`, are required; everything else is
/// optional, and fields that are not in the format are refused.
#[derive(ToSchema)]
#[schema(value_type = Object, example = json!({"format": 1, "title": "Maya and Jonas", "party": [{"id": "maya", "name": "Maya Chen"}, {"id": "jonas", "name": "Jonas Berg"}]}))]
pub struct Agreement(pub serde_json::Value);

/// The review of an agreement, exactly as `accord review --format json`
/// prints it: `{findings: [{rule, severity, kind, section, party?, message,
/// suggestion}], summary: {high, medium, low}}`; see "Review output" in
/// `shared/spec/agreement-format.md`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
pub struct Review(pub serde_json::Value);

/// The coach's guide, exactly as `accord guide --format json` prints it:
/// `{scenario, framing, watch, debrief: [{topic, prompt, findings}],
/// red_flags: [{rule, prompt}]}`; see "Guide output" in
/// `shared/spec/agreement-format.md`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
pub struct Guide(pub serde_json::Value);

/// No bearer token, or one that is not valid (`unauthenticated`). The
/// answer carries `WWW-Authenticate: Bearer`.
#[derive(ToResponse)]
#[response(example = json!({"error": "unauthenticated", "message": "Log in to continue."}))]
pub struct Unauthenticated(pub ErrorBody);

/// A coach asked for something only the partners may do (`forbidden`).
#[derive(ToResponse)]
#[response(example = json!({"error": "forbidden", "message": "Only the two partners can change or sign the agreement and invite people; a coach reads it, with its review and the guide."}))]
pub struct Forbidden(pub ErrorBody);

/// Nothing with this id, or nothing the caller may see (`not_found`).
#[derive(ToResponse)]
#[response(example = json!({"error": "not_found", "message": "There is nothing here, or it is not yours to see."}))]
pub struct NotFound(pub ErrorBody);

/// The request is not valid (`invalid`); `field` names what is at fault.
#[derive(ToResponse)]
#[response(example = json!({"error": "invalid", "message": "Give the partnership a name of 1 to 120 characters, e.g. \"Maya and Jonas\".", "field": "title"}))]
pub struct Invalid(pub ErrorBody);

/// The request is not valid (`invalid`), or the agreement in it is not
/// (`invalid_agreement`, every problem under `problems`).
#[derive(ToResponse)]
#[response(example = json!({"error": "invalid_agreement", "message": "The agreement is not valid: line 5, column 1: …", "field": "party[0]", "problems": [{"message": "…", "field": "party[0]", "line": 5, "column": 1}]}))]
pub struct InvalidAgreement(pub ErrorBody);

/// The request conflicts with the current state (`conflict`).
#[derive(ToResponse)]
#[response(example = json!({"error": "conflict", "message": "This invitation has already been used."}))]
pub struct Conflict(pub ErrorBody);

/// The draft changed since the revision the request was based on
/// (`stale_revision`): nothing was written.
#[derive(ToResponse)]
#[response(example = json!({"error": "stale_revision", "message": "Someone saved the draft while you were editing (it is now at revision 4). Nothing of yours was saved: reload, then make your change again.", "field": "revision"}))]
pub struct Stale(pub ErrorBody);

/// Too many failed attempts (`rate_limited`); `Retry-After` says when to
/// try again.
#[derive(ToResponse)]
#[response(example = json!({"error": "rate_limited", "message": "Too many failed attempts. Try again in 15 minutes."}))]
pub struct RateLimited(pub ErrorBody);

/// The body is larger than the 1 MiB the API accepts (`invalid`).
#[derive(ToResponse)]
#[response(example = json!({"error": "invalid", "message": "The body is larger than the 1 MiB this API accepts."}))]
pub struct TooLarge(pub ErrorBody);
