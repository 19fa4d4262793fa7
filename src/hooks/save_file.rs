//! Hands a file made in memory to the browser's downloads: the object URL lives only for the click, and the
//! copy made for it is zeroed once the Blob holds its own (a PFX must not linger in the JS heap).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::error::ApiError;

pub fn save_file(bytes: &[u8], name: &str, media_type: &str) -> Result<(), ApiError> {
    let failed = |_| ApiError::Network {
        detail: "the browser refused to save the file".into(),
    };
    let array = js_sys::Uint8Array::from(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
        &js_sys::Array::of1(&array),
        &options,
    );
    array.fill(0, 0, array.length());
    let url = web_sys::Url::create_object_url_with_blob(&blob.map_err(failed)?).map_err(failed)?;
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(failed)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(failed)
}
