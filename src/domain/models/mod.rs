//! The Keyfactor Command REST contract (v10 → v25) as Rust types. Names, types and enums come from
//! Keyfactor's OpenAPI specs (`contract/specs/`), corrected by what real servers were recorded sending
//! (`docs/observed/README.md`), which wins where the two disagree.
//!
//! Decoding rules, everywhere: unknown fields are ignored, nullable fields are `Option` (a missing field
//! and `null` both give `None`; collections give empty), every enum decodes from its number or its name
//! and an unknown one is kept rather than rejected, and date-times with or without a zone, with 0 to 7
//! fraction digits, are accepted (zone-less ones are UTC). Requests omit absent fields instead of
//! sending `null`. This layer mirrors the wire; validating user input is `crate::domain`'s job.

mod authority;
mod certificate;
mod common;
mod enrollment;
mod job;
mod store;
mod workflow;

pub use authority::{
    CertificateAuthority, EnrollmentPattern, EnrollmentPatternTemplate, EnrollmentTypes, Template,
};
pub use certificate::{
    CertState, Certificate, CertificateLocation, CertificateOperation, DownloadRequest,
    DownloadResponse, LocationCount, RecoveryRequest, RecoveryResponse, RevocationRequest,
    RevocationResponse, SubjectAltName, SuspendedRevocation,
};
pub(crate) use common::wire_time;
pub use common::{FailedOperation, KeyfactorErrorBody, UnknownValue};
pub use enrollment::{
    AvailableRenewal, CertificateRef, ContextCa, ContextTemplate, Disposition, EnrollmentContext,
    EnrollmentManagementRequest, EnrollmentManagementResponse, EnrollmentProfile,
    ExistingEnrollmentManagementRequest, ManagementStore, NewCertificateRef, RenewalOptions,
    RenewalRequest, RenewalResponse,
};
pub use job::{JobHistoryEntry, JobResult, JobStatus, ScheduledJob};
pub use store::{
    Agent, AgentJobType, AgentStatus, CertificateStore, CertificateStoreType, EntryParameter,
    EntryParameterType, EntryParameterValidation, InventoryCertificate, ReenrollmentRequest,
    RequiredWhen, StoreInventoryEntry, StoreRule, SupportedOperations, ValidationRule,
};
pub use workflow::{
    ApproveDenyResult, CertificateRequest, DenialRequest, ProcessedCertificateRequest,
    RequestCertStore,
};
