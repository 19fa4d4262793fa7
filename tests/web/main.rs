//! Component tests in headless Chromium (wasm-bindgen-test), one binary so wasm-bindgen and the browser start
//! once: each module mounts components into its own host element and removes it afterwards, pass or fail.
#![cfg(target_arch = "wasm32")]

mod components;
mod reenroll;
mod renew;
mod shell;
mod support;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
