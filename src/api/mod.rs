//! Everything that knows Keyfactor's HTTP contract. Views never build URLs, headers or JSON themselves.

pub mod error;
pub mod transport;

/// A transport for native tests: scripted answers, every request recorded.
#[cfg(test)]
pub mod scripted;

pub mod agents;
pub mod authorities;
pub mod certificates;
pub mod enrollment;
pub mod jobs;
pub mod stores;
pub mod workflow;

#[cfg(target_arch = "wasm32")]
pub mod client;
