//! The search change records: every store that changes something searchable notes it here, in the
//! same transaction, and the indexer (`search::indexer`) picks the notes up. A module of its own so
//! that stores need not import the search engine.

/// Record that an entity changed; call inside the same transaction as the change.
pub async fn record_change(conn: &mut sqlx::AnyConnection, entity: &str, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO search_changes (entity, entity_id, created_at) VALUES ($1, $2, $3)")
        .bind(entity)
        .bind(id)
        .bind(crate::clock::now())
        .execute(conn)
        .await?;
    Ok(())
}
