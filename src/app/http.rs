//! The optional HTTP endpoint: Prometheus `/metrics`, `/healthz` (200 only when sources and
//! broker are healthy, with a JSON body saying what is not) and `/status` (for
//! `gs1-gateway status`). Off by default and bound to loopback unless configured otherwise.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use prometheus_client::registry::Registry;
use tokio_util::sync::CancellationToken;

use super::health::Health;

/// What the endpoint serves.
pub struct Endpoint {
    /// Metrics registry.
    pub registry: Registry,
    /// Health state.
    pub health: Arc<Health>,
    /// Called before each scrape to refresh gauges that are read from other components.
    pub refresh: Box<dyn Fn() + Send + Sync>,
}

/// Binds `addr` and serves until `cancel` fires. Returns the bound address.
pub async fn serve(
    addr: SocketAddr,
    endpoint: Endpoint,
    cancel: CancellationToken,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/status", get(status))
        .with_state(Arc::new(endpoint));
    let handle = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async move { cancel.cancelled().await })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "HTTP endpoint stopped");
        }
    });
    Ok((bound, handle))
}

async fn metrics(State(ep): State<Arc<Endpoint>>) -> impl IntoResponse {
    (ep.refresh)();
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, &ep.registry) {
        Ok(()) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            body,
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            e.to_string(),
        ),
    }
}

async fn healthz(State(ep): State<Arc<Endpoint>>) -> impl IntoResponse {
    (ep.refresh)();
    let status = ep.health.status();
    let code = if status.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(serde_json::json!({
            "healthy": status.healthy,
            "problems": status.problems,
            "warnings": status.warnings,
        })),
    )
}

async fn status(State(ep): State<Arc<Endpoint>>) -> impl IntoResponse {
    (ep.refresh)();
    Json(ep.health.status())
}
