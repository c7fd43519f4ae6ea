//! Filing for review (备案审查) on the pages (its types and server functions are in `registry`'s
//! `mod.rs`, like the rest of the registry's): its state on a document's page with the issuing
//! body's form to file it and the reviewing office's form to record the outcome, and the office's
//! list (`/staff/filings`) of filed documents awaiting review and documents not yet filed.
use super::{list_filings, DocFiling, FilingOutcome, FilingQueue};
use crate::error::AppError;
use crate::forms::{FieldMessage, FormEcho, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// A document's filing on its page: the state, and the form its viewer may use.
#[component]
pub fn FilingSection(id: i64, f: DocFiling, own: bool, reviewer: bool, binding: bool, echo: FormEcho) -> impl IntoView {
    let late = |yes: bool| yes.then(|| view! { " " <span class="badge badge-warn">"逾期"</span> });
    let may_file = own && binding && (f.filed_on.is_none() || f.outcome == Some(FilingOutcome::Correction));
    let may_review = reviewer && f.filed_on.is_some() && f.outcome.is_none();
    view! {
        <section aria-labelledby="filing-title">
            <h2 id="filing-title">"备案审查"</h2>
            <dl class="facts">
                <dt>"报送备案"</dt>
                <dd>
                    {match &f.filed_on {
                        Some(on) => format!("{on}报送（应于{}前）", f.file_by),
                        None => format!("尚未报送，应于{}前报送", f.file_by),
                    }}
                    {late(f.filed_late)}
                </dd>
                {f.report.clone().map(|r| view! { <dt>"备案报告"</dt><dd>{r}</dd> })}
                {f.review_by.clone().map(|by| view! {
                    <dt>"审查结论"</dt>
                    <dd>
                        {match (f.outcome, &f.reviewed_on) {
                            (Some(o), Some(on)) => format!("{}（{on}）", o.label()),
                            _ => format!("审查中，应于{by}前作出"),
                        }}
                        {late(f.reviewed_late)}
                    </dd>
                })}
                {f.reasons.clone().map(|r| view! { <dt>"理由"</dt><dd>{r}</dd> })}
                {(!f.earlier.is_empty()).then(|| view! {
                    <dt>"此前"</dt>
                    <dd>
                        <ul>
                            {f.earlier.iter().map(|r| view! {
                                <li>{format!("{}报送，{}责令纠正：{}", r.filed_on, r.reviewed_on, r.reasons)}</li>
                            }).collect_view()}
                        </ul>
                    </dd>
                })}
            </dl>
            {may_file.then(|| view! {
                <PostForm name="filing" action=format!("/staff/documents/{id}/filing") echo=echo.clone() class="stacked narrow" let:echo>
                    <label for="report">"备案报告（制定情况说明，公开）"</label>
                    <TextArea id="report" name="report" rows=4 required=true value=echo.value("report") />
                    <FieldMessage echo=echo.clone() name="report" />
                    <button type="submit">"报送备案"</button>
                </PostForm>
            })}
            {may_review.then(|| view! {
                <PostForm name="filing_review" action=format!("/staff/documents/{id}/filing/review") echo=echo.clone() class="stacked narrow" let:echo>
                    <fieldset>
                        <legend>"审查结论"</legend>
                        {[FilingOutcome::Filed, FilingOutcome::Correction].into_iter().map(|o| view! {
                            <label class="check">
                                <input type="radio" name="outcome" value=o.as_str() checked=echo.value("outcome") == o.as_str() />
                                {o.label()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage echo=echo.clone() name="outcome" />
                    <label for="reasons">"理由（公开；责令纠正的须写明须纠正的问题）"</label>
                    <TextArea id="reasons" name="reasons" rows=4 value=echo.value("reasons") />
                    <FieldMessage echo=echo.clone() name="reasons" />
                    <button type="submit">"作出审查结论"</button>
                </PostForm>
            })}
        </section>
    }
}

/// `/staff/filings`: the reviewing office's list, filed documents awaiting review (`?list=unfiled`:
/// documents not yet filed), the earliest due first.
#[component]
pub fn FilingQueuePage() -> impl IntoView {
    let (list, page) = (query("list"), query("page"));
    let found = Resource::new(
        move || (list().as_deref() == Some("unfiled"), crate::paging::from_query(page().as_deref())),
        |(unfiled, page)| list_filings(unfiled, page),
    );
    view! {
        <Title text="备案审查" />
        <h1>"备案审查"</h1>
        <p>
            <a href="/staff/filings">"待审查"</a>" · "<a href="/staff/filings?list=unfiled">"尚未报送备案"</a>
        </p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(q) => view! { <FilingList q /> }.into_any(),
                    // The workbench links here for every agency: say whose list it is.
                    Err(AppError::Forbidden) => view! {
                        <ErrorView err=AppError::Forbidden />
                        <p class="alert alert-info" role="note">
                            "备案审查由法制机构办理（持有“法制机构工作”权限的工作人员）。本单位制定的文件，请在文件页面“备案审查”处报送备案。"
                        </p>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FilingList(q: FilingQueue) -> impl IntoView {
    let (what, due) =
        if q.unfiled { ("尚未报送备案", "应报送日期") } else { ("待审查", "应审查完毕日期") };
    let base = if q.unfiled { "/staff/filings?list=unfiled&" } else { "/staff/filings?" };
    let pager = (q.pages > 1).then(|| {
        crate::ui::pager(
            (q.page > 1).then(|| format!("{base}page={}", q.page - 1)),
            Some(format!("第{}页，共{}页", q.page, q.pages)),
            (q.page < q.pages).then(|| format!("{base}page={}", q.page + 1)),
            "",
        )
    });
    view! {
        <h2>{format!("{what}：{}件", q.total)}</h2>
        {if q.entries.is_empty() {
            view! { <p>"没有文件。"</p> }.into_any()
        } else {
            view! {
                <table>
                    <thead><tr><th scope="col">"文件"</th><th scope="col">"制定机关"</th><th scope="col">{due}</th></tr></thead>
                    <tbody>
                        {q.entries.into_iter().map(|e| view! {
                            <tr>
                                <td><a href=format!("/documents/{}", e.id)>{format!("{}《{}》", e.number, e.title)}</a></td>
                                <td>{e.agency_name}</td>
                                <td>{e.due}{e.late.then(|| view! { " " <span class="badge badge-warn">"逾期"</span> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
        {pager}
    }
}
