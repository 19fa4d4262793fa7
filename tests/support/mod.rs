//! What every component test file needs: a fresh mount point and a way to wait for Leptos' DOM updates.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub fn host() -> web_sys::HtmlElement {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

/// Leptos applies DOM updates asynchronously: let the current macrotask finish before asserting.
pub async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}
