//! Orchestrator (agent) endpoints.

use super::error::ApiError;
use super::transport::{Keyfactor, Transport};
use crate::domain::models::Agent;
use crate::domain::query::{ListEndpoint, ListQuery, QueryExpr, TextOp};
use crate::domain::Guid;

/// Enough for one page of every orchestrator a deployment has in practice.
const ALL_AGENTS: u32 = 200;

impl<T: Transport> Keyfactor<T> {
    /// `GET /Agents`: the orchestrators, with when each was last seen.
    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        let query = ListQuery {
            limit: ALL_AGENTS,
            ..ListQuery::default()
        };
        self.get_page(ListEndpoint::Agents, &query, &[]).await
    }

    /// `GET /Agents` filtered to one orchestrator: `None` when Keyfactor no longer lists it.
    pub async fn agent(&self, id: &Guid) -> Result<Option<Agent>, ApiError> {
        let query = ListQuery {
            limit: 1,
            ..ListQuery::matching(&[QueryExpr::text("AgentId", TextOp::Equals, id.as_str())])
        };
        let agents: Vec<Agent> = self.get_page(ListEndpoint::Agents, &query, &[]).await?;
        Ok(agents.into_iter().next())
    }
}
