//! Everything that knows Keyfactor's HTTP contract. Views never build URLs, headers or JSON themselves.

pub mod error;

#[cfg(target_arch = "wasm32")]
pub mod agents;
#[cfg(target_arch = "wasm32")]
pub mod authorities;
#[cfg(target_arch = "wasm32")]
pub mod certificates;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod enrollment;
#[cfg(target_arch = "wasm32")]
pub mod jobs;
#[cfg(target_arch = "wasm32")]
pub mod stores;
