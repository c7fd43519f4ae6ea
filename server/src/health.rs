//! Health: whether this node can take submissions, for a load balancer.
use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// 200 when the database answers and takes a write (an I/O fault fails the write) and the data
/// folder has more free space than the floor; 503 otherwise, so a balancer stops sending
/// submissions here until it is fixed. The search
/// index's state is reported beside it: a failing indexer degrades search, not the service.
pub async fn healthz(State(st): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query("UPDATE health_probe SET checked_at = $1 WHERE id = 1").bind(app::clock::now());
    let database = match probe.execute(&st.db).await {
        Ok(_) => "ok",
        Err(e) => {
            tracing::error!(error = %e, "health check failed: the database does not take writes");
            "unavailable"
        }
    };
    let disk = if st.disk_low() { "low" } else { "ok" };
    let search = st.search.health();
    let healthy = database == "ok" && disk == "ok";
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = serde_json::json!({
        "status": if !healthy { "unavailable" } else if search.failing.is_some() { "degraded" } else { "ok" },
        "database": database,
        "disk": disk,
        "search": search,
    });
    (status, axum::Json(body))
}
