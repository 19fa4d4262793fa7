//! What every component test needs: a fresh mount point that goes away with the test, and a way to wait for
//! Leptos' DOM updates.

use std::ops::Deref;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// A `<div>` appended to the page for one test and removed when dropped, also when the test panics, so a
/// failing test never leaves its DOM for the next one to find.
pub struct Host(web_sys::HtmlElement);

impl Deref for Host {
    type Target = web_sys::HtmlElement;

    fn deref(&self) -> &web_sys::HtmlElement {
        &self.0
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.0.remove();
        back_to_the_root();
    }
}

/// Tests share one page: a test whose app navigated (to `/renew`, say) would otherwise leave the next app
/// starting there, with its links resolved against that path.
fn back_to_the_root() {
    let history = js_sys::Reflect::get(&window(), &"history".into()).unwrap();
    let replace_state: js_sys::Function = js_sys::Reflect::get(&history, &"replaceState".into())
        .unwrap()
        .unchecked_into();
    replace_state
        .call3(&history, &JsValue::NULL, &"".into(), &"/".into())
        .unwrap();
}

pub fn host() -> Host {
    back_to_the_root();
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    Host(host.unchecked_into())
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
