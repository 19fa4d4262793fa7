//! The seam between Keyfactor's endpoints and the network. Every endpoint (`api/certificates.rs`, …) and every
//! multi-request sequence (`crate::flows`) is written once against [`Transport`]; the browser's fetch client
//! (`api/client.rs`) implements it, and native tests script it (`crate::api::scripted`).

use std::future::Future;
use std::ops::Deref;

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use super::error::{decode_value, ApiError};
use crate::domain::collection::{refusal_hint, CollectionId};
use crate::domain::command_version::CommandVersion;
use crate::domain::query::{ListEndpoint, ListQuery};

/// How a request goes out: a read, or a POST with a JSON body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One request to Command, relative to the API base.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// Beyond the headers every request carries, e.g. `x-certificateformat`.
    pub headers: &'a [(&'static str, &'a str)],
    /// The JSON body of a POST.
    pub body: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub fn get(path: &'a str, query: &'a [(String, String)]) -> Self {
        Self {
            method: Method::Get,
            path,
            query,
            headers: &[],
            body: None,
        }
    }
}

/// What a successful answer carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Json,
    /// 204, as `POST /CertificateStores/Reenrollment` answers.
    NoContent,
}

/// The network under every endpoint: one request, its answer interpreted. Headers, credentials, time-outs
/// and what an HTTP status means are the implementation's business; callers see the answer's JSON (`null`
/// for no content) or one [`ApiError`].
// The browser runs one thread, so no caller needs these futures to be `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn exchange(&self, request: Request<'_>, expect: Expect) -> Result<Value, ApiError>;

    /// The server's version: configured, or learned from the first answer's header.
    async fn command_version(&self) -> Result<CommandVersion, ApiError>;

    /// The certificate collection certificate requests are made in, if any.
    fn collection_id(&self) -> Option<CollectionId>;
}

/// Keyfactor Command's endpoints over a transport: `Keyfactor<HttpClient>` in the browser
/// (`api::client::KeyfactorClient`), a scripted one in native tests. The endpoints are its methods, one file
/// per area; the transport's own methods (session state, sign-in) are reached through `Deref`.
#[derive(Clone)]
pub struct Keyfactor<T>(pub T);

impl<T> Deref for Keyfactor<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Transport> Keyfactor<T> {
    pub async fn get_json<R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<R, ApiError> {
        decode_value(
            self.0
                .exchange(Request::get(path, query), Expect::Json)
                .await?,
        )
    }

    /// A POST with `body` as JSON; `Expect::NoContent` (with `R = ()`) for Command's 204 answers.
    pub async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        body: &B,
        expect: Expect,
    ) -> Result<R, ApiError> {
        self.post_with_headers(path, query, &[], body, expect).await
    }

    /// The same, with headers of its own.
    pub async fn post_with_headers<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        headers: &[(&'static str, &str)],
        body: &B,
        expect: Expect,
    ) -> Result<R, ApiError> {
        let body = encode(body)?;
        let request = Request {
            method: Method::Post,
            path,
            query,
            headers,
            body: Some(&body),
        };
        decode_value(self.0.exchange(request, expect).await?)
    }

    /// One page of a list endpoint, its paging parameters spelled for the server's version.
    pub async fn get_page<R: DeserializeOwned>(
        &self,
        endpoint: ListEndpoint,
        query: &ListQuery,
        extra: &[(String, String)],
    ) -> Result<Vec<R>, ApiError> {
        self.get_page_at(endpoint, endpoint.path(), query, extra)
            .await
    }

    /// The same, at `path` (for an endpoint whose path names an item, like a certificate's history).
    pub(super) async fn get_page_at<R: DeserializeOwned>(
        &self,
        endpoint: ListEndpoint,
        path: &str,
        query: &ListQuery,
        extra: &[(String, String)],
    ) -> Result<Vec<R>, ApiError> {
        let version = self.0.command_version().await?;
        let mut params = query.to_params(endpoint, version);
        params.extend_from_slice(extra);
        self.get_json(path, &params).await
    }

    /// `collectionId=N` for the operations whose spec takes it, when a collection is in use.
    pub(super) fn collection_query(&self) -> Vec<(String, String)> {
        self.0
            .collection_id()
            .map(|id| ("collectionId".to_owned(), id.to_string()))
            .into_iter()
            .collect()
    }

    /// A 403 on a collection-scoped operation says whether a collection was used and how to name one.
    pub(super) fn explain_collection_refusal<R>(
        &self,
        result: Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        result.map_err(|error| error.refused_with(&refusal_hint(self.0.collection_id())))
    }
}

fn encode<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Malformed {
        detail: e.to_string(),
    })
}

/// A whole list: `read` is given `query` at page 1, 2, … (`page_size` rows each) until a short page comes
/// back; at most `max_pages`, so a server that ignored `PageReturned` is not read forever.
pub(super) async fn read_all_pages<R, Fut>(
    query: &ListQuery,
    page_size: u32,
    max_pages: u32,
    mut read: impl FnMut(ListQuery) -> Fut,
) -> Result<Vec<R>, ApiError>
where
    Fut: Future<Output = Result<Vec<R>, ApiError>>,
{
    let mut all = Vec::new();
    for page in 1..=max_pages {
        let rows = read(ListQuery {
            page,
            limit: page_size,
            ..query.clone()
        })
        .await?;
        let last = rows.len() < page_size as usize;
        all.extend(rows);
        if last {
            break;
        }
    }
    Ok(all)
}
