//! Everything the portal knows and decides, in plain Rust (no browser APIs, no HTTP), tested natively:
//! Keyfactor's resources as Command sends them (`models`) and its query language (`query`); validators and
//! parsers that turn raw user input into a validated type or an error whose `Display` is the message shown
//! next to the field; and the flows' plans and state machines. `crate::api` sends what this module builds.

/// What the user did in this tab, exportable without secrets.
pub mod action_log;
/// Certificate alias inside a certificate store.
pub mod alias;
/// Bulk renewal: the plan and the run's state machine.
pub mod bulk;
/// Expiry dates as an iCalendar file.
pub mod calendar;
/// `host\logical-name` certificate authority references.
pub mod certificate_authority;
/// Keyfactor certificate ids (int32, at least 1).
pub mod certificate_id;
/// The certificate collection requests are made in.
pub mod collection;
/// Which Command version's wire rules apply.
pub mod command_version;
/// `DOMAIN\\user` + password for the `basic` auth mode.
pub mod credentials;
/// How certificates, dates and times are written wherever they are shown.
pub mod display;
/// X.500 distinguished names for `SubjectName` (RFC 4514 / RFC 1779).
pub mod distinguished_name;
/// What the CA and template / enrollment-pattern pickers offer.
pub mod enrollment_choices;
/// The "Expiring soon" list: window, filters, ordering, weekly counts.
pub mod expiring;
/// GUIDs for certificate stores and orchestrators.
pub mod guid;
/// What an orchestrator job does, whatever its store type calls it.
pub mod job_category;
/// Following one job: the poller's state machine.
pub mod job_follow;
/// Store-type entry parameters (`JobProperties`) and their values.
pub mod job_property;
/// Recognising and following an orchestrator job submitted without a job id.
pub mod job_tracking;
/// Keyfactor Command's resources and requests as they travel on the wire (v10 → v25).
pub mod models;
/// The poll backoff schedule.
pub mod polling;
/// Keyfactor's query language for list endpoints (`pq.queryString`), paging and sorting.
pub mod query;
/// The store reenrollment form: eligible stores, `JobProperties`, the request.
pub mod reenrollment;
/// The renewal flow: plan, requests, locations, deep link, redacted API-call text.
pub mod renewal;
/// Certificate files: download formats, file names, the PFX and its password.
pub mod retrieval;
/// Retiring the certificate a renewal superseded: when it is offered, what is revoked, why not.
pub mod revocation;
/// A redacting, zero-on-drop string for passwords.
pub mod secret;
/// A request that changes something, sent once even when its answer is lost.
pub mod submission;
/// AD certificate template short names.
pub mod template;
/// Shared helpers: trimming pasted input, naming characters safely in messages.
mod text;
/// SHA-1 certificate thumbprints.
pub mod thumbprint;
/// The UTC request `Timestamp`.
pub mod timestamp;
/// Certificate requests waiting for approval: states, decisions, what Command answered.
pub mod workflow;

pub use alias::{Alias, AliasError};
pub use certificate_authority::{CertificateAuthority, CertificateAuthorityError};
pub use certificate_id::{CertificateId, CertificateIdError};
pub use distinguished_name::{Attribute, DistinguishedName, DistinguishedNameError, Rdn};
pub use guid::{Guid, GuidError};
pub use job_property::{
    parse_job_property, EntryParameterSpec, JobPropertyError, JobPropertyValue, ParameterKind,
};
pub use secret::SecretString;
pub use template::{TemplateShortName, TemplateShortNameError};
pub use thumbprint::{Thumbprint, ThumbprintError};
pub use timestamp::{RequestTimestamp, RequestTimestampError};
