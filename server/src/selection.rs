//! What a bulk action over comments acts on, checked alike for the review queue's forms and the
//! JSON API: the ticked ids (at least one, at most [`MAX_TICKED`]), or everything a queue filter
//! selects, if it is still as many as the person saw — all or none.
use app::error::AppError;

/// The most comments one ticked selection names (a page shows 50 groups; a filter or a group
/// selects any number on the server side instead).
pub const MAX_TICKED: usize = 5_000;

/// The ticked ids, sorted and deduplicated; refused when there are none (`none_ticked` says what
/// to tick) or more than [`MAX_TICKED`].
pub fn ticked(mut ids: Vec<i64>, none_ticked: &str) -> Result<Vec<i64>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::field("ids", none_ticked));
    }
    if ids.len() > MAX_TICKED {
        return Err(AppError::field("ids", &format!("一次最多勾选{MAX_TICKED}条；更多的请用筛选或相似意见组统一处理")));
    }
    Ok(ids)
}

/// A moderation decision as posted (`approve` or `reject`) with its reason checked: whether it
/// approves. Checked before the selection is counted (a cheap refusal first).
pub fn decision(value: &str, reason: &str) -> Result<bool, AppError> {
    let approve = match value {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::field("decision", "请选择通过（approve）或不予公开（reject）")),
    };
    app::comments::bulk::decision_reason(approve, reason)?;
    Ok(approve)
}

/// What a filter selects now, if it is the `expected` number the person confirmed.
pub fn confirmed(selection: Vec<i64>, expected: Option<usize>) -> Result<Vec<i64>, AppError> {
    let most = app::feedback::MAX_SELECTED;
    if selection.len() > most {
        return Err(app::feedback::too_many_selected(selection.len() as u64));
    }
    if expected != Some(selection.len()) {
        return Err(AppError::field("expected", &format!("筛选出的意见已变为{}条，请核对后再提交", selection.len())));
    }
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agency_deciding_more_than_one_decision_holds_is_told_to_narrow_it_and_nothing_is_decided() {
        let most = app::feedback::MAX_SELECTED;
        let all: Vec<i64> = (1..=most as i64 + 1).collect();
        let refused = confirmed(all, Some(most + 1)).unwrap_err().to_string();
        assert!(refused.contains("分批处理") && refused.contains(&most.to_string()), "{refused}");
        let at_most: Vec<i64> = (1..=most as i64).collect();
        assert_eq!(confirmed(at_most, Some(most)).unwrap().len(), most, "the limit itself is decided");
    }
}
