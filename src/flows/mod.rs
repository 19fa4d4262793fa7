//! The sequences of requests behind each step of a flow, each written once: look up, decide, call, interpret.
//! They are generic over [`crate::api::transport::Transport`], so the browser runs them over fetch and the
//! native tests here run them over a scripted transport (`api::scripted`) that records what was sent. Views
//! call these and keep only the result; the decisions are `crate::domain`'s.

/// Reading what a bulk renewal's plan needs that the list has not read yet.
pub mod bulk;
/// Following an orchestrator job: one look at history, the queue and the orchestrator.
pub mod jobs;
/// Scheduling a reenrollment once, even after a lost answer.
pub mod reenrollment;
/// Reading what a renewal needs, and renewing once, even after a lost answer.
pub mod renewal;
/// Retiring the superseded certificate: read it again, refuse while a store holds it, revoke once.
pub mod revocation;
/// Requests waiting for approval: the lists, one request, one decision sent once.
pub mod workflow;
