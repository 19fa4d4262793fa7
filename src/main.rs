//! The browser entry point; the app itself lives in the library so tests can mount it.

#[cfg(target_arch = "wasm32")]
fn main() {
    certportal::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("certportal is a browser app: build it with `cargo xtask bundle` or `trunk serve` (see README.md)");
}
