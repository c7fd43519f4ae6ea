//! Form posts of legislative project proposals: a citizen proposes; the legal-affairs office opens
//! calls, moderates, decides, draws up the plan, publishes, and links consultations to plan items.
use super::common::{see_other, Page};
use crate::budgets::Kind;
use crate::extract::{FormPost, Limits, Refusal, Viewer, Working};
use app::error::AppError;
use app::legislation::store::{self, NewCall, NewItem, NewProposal};
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

/// The office's page of the call a form was sent from (its hidden `call` field), to show an error
/// on; the list of calls when it names none.
fn call_page(fields: &std::collections::HashMap<String, String>) -> String {
    match fields.get("call").and_then(|c| c.parse::<i64>().ok()) {
        Some(call) => format!("/staff/legislation/{call}"),
        None => "/staff/legislation".into(),
    }
}

/// The public page of the call a form was sent from (its hidden `call` field), where plan items
/// are linked to their consultations.
fn public_call_page(fields: &std::collections::HashMap<String, String>) -> String {
    match fields.get("call").and_then(|c| c.parse::<i64>().ok()) {
        Some(call) => format!("/legislation/{call}"),
        None => "/legislation".into(),
    }
}

/// A number typed into a field: blank is none, anything else not a number is refused for `field`.
fn number(raw: &str, field: &str, message: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        t => t.parse::<i64>().map(Some).map_err(|_| AppError::field(field, message)),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CallForm {
    title: String,
    plan_year: String,
    description: String,
    opens_on: String,
    closes_on: String,
}

/// POST /staff/legislation
pub async fn open_call(page: Page, user: Result<Working, Refusal>, mut form: FormPost<CallForm>) -> Response {
    let back = "/staff/legislation";
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let input = NewCall {
            title: f.title,
            plan_year: f.plan_year,
            description: f.description,
            opens_on: f.opens_on,
            closes_on: f.closes_on,
        };
        let id = store::create_call(&page.st.db, &user, &input).await?;
        Ok(see_other(&format!("/staff/legislation/{id}")))
    }
    .await;
    page.settle(result, back, form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProposalForm {
    subject: String,
    problem: String,
    approach: String,
}

/// POST /legislation/{id}/proposals: the page again, saying the receipt.
pub async fn propose(
    page: Page,
    user: Result<Viewer, Refusal>,
    limits: Limits,
    Path(id): Path<i64>,
    mut form: FormPost<ProposalForm>,
) -> Response {
    let back = format!("/legislation/{id}");
    let result = async {
        let Viewer(user) = user?;
        limits.spend(Kind::Comment, user.as_ref())?;
        let f = form.input()?;
        let input = NewProposal { subject: f.subject, problem: f.problem, approach: f.approach };
        store::submit(&page.st.db, user.as_ref(), id, &input).await
    }
    .await;
    // The page lists the citizen's own proposals with their receipts (post, then redirect: a
    // reload does not send it twice).
    let result = result.map(|_| see_other(&format!("{back}?sent=1#own-title")));
    page.settle(result, &back, form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ModerateForm {
    decision: String,
    reason: String,
}

/// POST /staff/legislation/proposals/{id}/moderate
pub async fn moderate(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<ModerateForm>,
) -> Response {
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let approve = match f.decision.as_str() {
            "approve" => true,
            "reject" => false,
            _ => return Err(AppError::field("decision", "请选择公开或不予公开")),
        };
        let call = store::moderate(&page.st.db, &user, id, approve, &f.reason).await?;
        Ok(see_other(&format!("/staff/legislation/{call}")))
    }
    .await;
    page.settle(result, &call_page(&form.fields), form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct DispositionForm {
    disposition: String,
    reason: String,
    plan_item: String,
}

/// POST /staff/legislation/proposals/{id}/disposition
pub async fn dispose(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<DispositionForm>,
) -> Response {
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let item = number(&f.plan_item, "plan_item", "请选择列入的计划项目")?;
        let call = store::dispose(&page.st.db, &user, id, &f.disposition, &f.reason, item).await?;
        Ok(see_other(&format!("/staff/legislation/{call}")))
    }
    .await;
    page.settle(result, &call_page(&form.fields), form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    title: String,
    kind: String,
    agency: String,
    note: String,
}

/// POST /staff/legislation/{id}/items
pub async fn add_item(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<ItemForm>,
) -> Response {
    let back = format!("/staff/legislation/{id}");
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let agency = number(&f.agency, "agency", "请选择起草单位")?;
        let input = NewItem { title: f.title, kind: f.kind, agency, note: f.note };
        store::add_item(&page.st.db, &user, id, &input).await?;
        Ok(see_other(&back))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

/// POST /staff/legislation/items/{id}/remove
pub async fn remove_item(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    form: FormPost<PublishForm>,
) -> Response {
    let result = async {
        let Working(user) = user?;
        let call = store::remove_item(&page.st.db, &user, id).await?;
        Ok(see_other(&format!("/staff/legislation/{call}")))
    }
    .await;
    page.settle(result, &call_page(&form.fields), form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    item: String,
    consultation: String,
}

/// POST /staff/legislation/link: back to the call's public page, which shows the plan.
pub async fn link(page: Page, user: Result<Working, Refusal>, mut form: FormPost<LinkForm>) -> Response {
    let result = async {
        let Working(user) = user?;
        let (item, consultation) = link_of(form.input()?)?;
        let call = store::link(&page.st.db, &user, item, consultation).await?;
        Ok(see_other(&format!("/legislation/{call}")))
    }
    .await;
    page.settle(result, &public_call_page(&form.fields), form.fields).await
}

/// POST /staff/legislation/unlink
pub async fn unlink(page: Page, user: Result<Working, Refusal>, mut form: FormPost<LinkForm>) -> Response {
    let result = async {
        let Working(user) = user?;
        let (item, consultation) = link_of(form.input()?)?;
        let call = store::unlink(&page.st.db, &user, item, consultation).await?;
        Ok(see_other(&format!("/legislation/{call}")))
    }
    .await;
    page.settle(result, &public_call_page(&form.fields), form.fields).await
}

/// The plan item and the consultation a link form names.
fn link_of(f: LinkForm) -> Result<(i64, i64), AppError> {
    let item = number(&f.item, "item", "请选择计划项目")?.ok_or_else(|| AppError::field("item", "请选择计划项目"))?;
    let consultation = number(&f.consultation, "consultation", "请填写征求意见编号（数字）")?
        .ok_or_else(|| AppError::field("consultation", "请填写征求意见编号（数字）"))?;
    Ok((item, consultation))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    outcome: String,
}

/// POST /staff/legislation/{id}/publish
pub async fn publish(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<PublishForm>,
) -> Response {
    let back = format!("/staff/legislation/{id}");
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        store::publish(&page.st.db, &user, id, &f.outcome).await?;
        Ok(see_other(&format!("/legislation/{id}")))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CallChangeForm {
    title: String,
    description: String,
    opens_on: String,
    closes_on: String,
    reason: String,
}

/// POST /staff/legislation/{id}/edit: correct the call before its outcome is published.
pub async fn change_call(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<CallChangeForm>,
) -> Response {
    let back = format!("/staff/legislation/{id}");
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let input = app::legislation::edit::CallChange {
            title: f.title,
            description: f.description,
            opens_on: f.opens_on,
            closes_on: f.closes_on,
            reason: f.reason,
        };
        app::legislation::edit::change_call(&page.st.db, &user, id, &input).await?;
        Ok(see_other(&format!("{back}?changed=1")))
    }
    .await;
    page.settle(result, &back, form.fields).await
}

/// POST /staff/legislation/{id}/withdraw: withdraw a call that has not opened yet.
pub async fn withdraw_call(page: Page, user: Result<Working, Refusal>, Path(id): Path<i64>) -> Response {
    let result = async {
        let Working(user) = user?;
        app::legislation::edit::withdraw_call(&page.st.db, &user, id).await?;
        Ok(see_other("/staff/legislation"))
    }
    .await;
    page.settle(result, &format!("/staff/legislation/{id}"), Default::default()).await
}

/// POST /staff/legislation/items/{id}/edit: correct a plan item before the plan is published.
pub async fn change_item(
    page: Page,
    user: Result<Working, Refusal>,
    Path(id): Path<i64>,
    mut form: FormPost<ItemForm>,
) -> Response {
    let back = call_page(&form.fields);
    let result = async {
        let Working(user) = user?;
        let f = form.input()?;
        let agency = number(&f.agency, "agency", "请选择起草单位")?;
        let input = NewItem { title: f.title, kind: f.kind, agency, note: f.note };
        let call = app::legislation::edit::change_item(&page.st.db, &user, id, &input).await?;
        Ok(see_other(&format!("/staff/legislation/{call}")))
    }
    .await;
    page.settle(result, &back, form.fields).await
}
