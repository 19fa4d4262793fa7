//! The Keyfactor Command REST contract (v10 → v25) as Rust types. Names, types and enums come from
//! Keyfactor's OpenAPI specs (see `../shared/keyfactor-notes.md`).
//!
//! Decoding rules, everywhere: unknown fields are ignored, nullable fields are `Option` (a missing field
//! and `null` both give `None`; collections give empty), unknown enum numbers are kept rather than
//! rejected, and date-times with or without a zone are accepted. Requests omit absent fields instead of
//! sending `null`. This layer mirrors the wire; validating user input is `crate::domain`'s job.

mod authority;
mod certificate;
mod common;
mod enrollment;
mod job;
mod store;

pub use authority::{
    CertificateAuthority, EnrollmentPattern, EnrollmentPatternTemplate, EnrollmentTypes, Template,
};
pub use certificate::{Certificate, CertificateLocation, LocationCount, SubjectAltName};
pub use common::{FailedOperation, KeyfactorErrorBody};
pub use enrollment::{
    AvailableRenewal, CertificateRef, ContextCa, ContextTemplate, Disposition, EnrollmentContext,
    EnrollmentManagementRequest, EnrollmentManagementResponse, EnrollmentProfile,
    ExistingEnrollmentManagementRequest, ManagementStore, NewCertificateRef, RenewalOptions,
    RenewalRequest, RenewalResponse,
};
pub use job::{JobHistoryEntry, JobResult, JobStatus, ScheduledJob};
pub use store::{
    Agent, CertificateStore, CertificateStoreType, EntryParameter, EntryParameterType,
    EntryParameterValidation, InventoryCertificate, ReenrollmentRequest, RequiredWhen,
    StoreInventoryEntry, SupportedOperations, ValidationRule,
};
