//! One component per route, named after its URL segment.

pub mod activity;
pub mod expiring;
pub mod jobs;
pub mod not_found;
// What a page loaded when first opened shows when its code cannot be fetched: only built with the pages split.
#[cfg(feature = "split-routes")]
pub mod not_loaded;
pub mod reenroll;
pub mod renew;
pub mod requests;
