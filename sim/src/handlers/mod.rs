//! The `/KeyfactorAPI` handlers, one module per API area (`api.rs` routes to them), and the inputs
//! they share.

/// `GET /CertificateAuthority`, `/Templates` and (v25) `/EnrollmentPatterns`.
pub mod authorities;
/// A handler's usual inputs in one argument, and the steps every list endpoint takes.
pub mod call;
/// `GET /Certificates` and `/Certificates/{id}`.
pub mod certificates;
/// `/Enrollment/…`: AvailableRenewal, Renew, PFX Context, Replace and Deploy.
pub mod enrollment;
/// `GET /OrchestratorJobs/ScheduledJobs` and `/JobHistory`.
pub mod jobs;
/// `POST /Certificates/Download` and `/Certificates/Recover`.
pub mod retrieval;
/// `POST /Certificates/Revoke` and `GET /Certificates/{id}/History`.
pub mod revocation;
/// Certificate stores, store types, orchestrators, and Reenrollment.
pub mod stores;
/// Certificate requests waiting for approval: `/Workflow/Certificates/…`.
pub mod workflow;
