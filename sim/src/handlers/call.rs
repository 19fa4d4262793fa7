//! A handler's usual inputs in one argument: the simulator, the authenticated caller and the query
//! string (and, for a POST, the headers and raw body, which each handler parses where its checks put
//! it). Extracted in the order the handlers listed them one by one: `State`, `Extension<Caller>`,
//! `Query<Vec<(String, String)>>`, `HeaderMap`, `Bytes`, with the same rejections.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::ApiResult;
use crate::listing::QueryParams;
use crate::state::Sim;

/// A GET's inputs (see the module comment).
pub struct Reading {
    pub sim: Arc<Sim>,
    pub caller: Caller,
    pub params: QueryParams,
}

impl FromRequestParts<Arc<Sim>> for Reading {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let Extension(caller) = Extension::<Caller>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(params) = Query::<Vec<(String, String)>>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Reading {
            sim: sim.clone(),
            caller,
            params: QueryParams(params),
        })
    }
}

/// A POST's inputs (see the module comment).
pub struct Posting {
    pub sim: Arc<Sim>,
    pub caller: Caller,
    pub params: QueryParams,
    pub headers: HeaderMap,
    pub bytes: Bytes,
}

impl Posting {
    /// The body as JSON (`JsonBody::parse`).
    pub fn json(&self) -> ApiResult<JsonBody> {
        JsonBody::parse(&self.headers, &self.bytes)
    }
}

impl FromRequest<Arc<Sim>> for Posting {
    type Rejection = Response;

    async fn from_request(request: Request, sim: &Arc<Sim>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Reading {
            sim,
            caller,
            params,
        } = Reading::from_request_parts(&mut parts, sim).await?;
        let headers = parts.headers.clone();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), &sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Posting {
            sim,
            caller,
            params,
            headers,
            bytes,
        })
    }
}
