//! The app's addresses: the sub-path it is served under and the `href` of each route, for every view
//! that links to another page.

use leptos::prelude::*;

/// The router base, derived from `<base href>` so it cannot disagree with the build's `--public-url`
/// (`/certs/` → `/certs`, `/` → empty).
#[derive(Clone, Debug)]
pub struct RouterBase(pub String);

impl RouterBase {
    pub fn from_document() -> Self {
        let base_uri = document().base_uri().ok().flatten().unwrap_or_default();
        let path = web_sys::Url::new(&base_uri)
            .map(|u| u.pathname())
            .unwrap_or_default();
        Self(path.trim_end_matches('/').to_owned())
    }
}

/// The `href` of an app route such as `"/jobs"`, under the sub-path the portal is served from.
/// (`<A>` takes absolute hrefs literally, so the base must be added here.)
pub fn href(route: &str) -> String {
    format!("{}{route}", expect_context::<RouterBase>().0)
}
