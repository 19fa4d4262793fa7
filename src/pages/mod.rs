//! One component per route, named after its URL segment.

pub mod activity;
pub mod expiring;
pub mod jobs;
pub mod not_found;
pub mod not_loaded;
pub mod reenroll;
pub mod renew;
pub mod requests;
