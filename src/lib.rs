//! Self-service certificate renewal portal for Keyfactor Command.
//!
//! Data flows one way: input → [`domain`] parse → typed request ([`domain::models`]) → a [`flows`] sequence
//! over the endpoints ([`api`]) → typed result → view. `domain`, `config`, `flows` and the endpoints are plain
//! Rust and tested natively (over a scripted transport); the views, hooks and the fetch client exist only in
//! the browser build.

pub mod api;
pub mod config;
pub mod domain;
pub mod flows;

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
