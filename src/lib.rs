//! Self-service certificate renewal portal for Keyfactor Command.
//!
//! Data flows one way: input → [`domain`] parse → typed request ([`domain::models`]) → the one client
//! (`api::client`) → typed result → view. `domain`, `config` and the API types are plain Rust and tested
//! natively; the views, hooks and HTTP client exist only in the browser build.

pub mod api;
pub mod config;
pub mod domain;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod routes;
