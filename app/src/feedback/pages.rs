//! The agency's review queue: each comment with its answer form, bulk answers, groups of alike
//! comments. The report's pages are in `report_pages`.
use super::bulk_pages::{
    DispositionFields, GroupForm, GroupModerationForm, ModerationSelectionForm, ModerationTickedForm, SelectionForm,
    TickedForm,
};
use super::{load_review_queue, Disposition, QueueEntry, QueueFilter, QueuedComment, ReviewQueue};
use crate::clock::format_datetime;
use crate::comments::status::CommentStatus;
use crate::consultations::pages::route_id;
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage};
use crate::ui::{encode_query, query, ErrorView, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A link to the review queue with `filter` (and `page`).
pub fn queue_href(cid: i64, filter: &QueueFilter, page: Option<u32>) -> String {
    let mut pairs: Vec<String> = filter.pairs().into_iter().map(|(k, v)| format!("{k}={}", encode_query(&v))).collect();
    if let Some(p) = page.filter(|p| *p > 1) {
        pairs.push(format!("page={p}"));
    }
    if pairs.is_empty() {
        format!("/staff/consultations/{cid}")
    } else {
        format!("/staff/consultations/{cid}?{}", pairs.join("&"))
    }
}

/// The drafting agency's workspace for one consultation: moderation and answers, grouped by
/// article and near-duplicate group, filtered by state, article, words or group.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let done = query("done");
    let q = use_query_map();
    let filter = move || QueueFilter::from_fields(|k| q.read().get(k));
    let data = Resource::new(
        move || (id(), filter()),
        |(id, filter)| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let queue = load_review_queue(id, filter).await?;
            let report = crate::consultations::parse_report(id).await?;
            Ok::<_, AppError>((queue, report))
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                let filter = filter();
                Suspend::new(async move {
                    match data.await {
                        Ok((queue, report)) => view! {
                            <QueueView queue filter echo done=done() report />
                        }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn QueueView(
    queue: ReviewQueue,
    filter: QueueFilter,
    echo: FormEcho,
    done: Option<String>,
    report: Vec<(i64, String)>,
) -> impl IntoView {
    let cid = queue.consultation_id;
    let c = &queue.counts;
    let states = [
        (None, "全部", c.total),
        (Some("pending"), "待审核", c.pending),
        (Some("unanswered"), "待答复", c.unanswered),
        (Some("answered"), "已答复", c.answered),
        (Some("rejected"), "未予公开", c.rejected),
    ];
    let state_links = states
        .into_iter()
        .map(|(key, label, n)| {
            let f = QueueFilter { show: key.map(str::to_string), page: None, ..filter.clone() };
            let current = (filter.show.as_deref() == key).then_some("page");
            view! { <a href=queue_href(cid, &f, None) aria-current=current>{format!("{label} {n} 条")}</a> }
        })
        .collect_view();
    let article_links = queue
        .articles
        .iter()
        .map(|a| {
            let key = a.anchor.clone().unwrap_or_else(|| "whole".into());
            let f = QueueFilter { article: Some(key.clone()), page: None, ..filter.clone() };
            let current = (filter.article.as_deref() == Some(key.as_str())).then_some("page");
            let text = if a.unanswered > 0 {
                format!("{} {}条（待答复{}）", a.label, a.total, a.unanswered)
            } else {
                format!("{} {}条", a.label, a.total)
            };
            view! { <li><a href=queue_href(cid, &f, None) aria-current=current>{text}</a></li> }
        })
        .collect_view();
    let all_articles = QueueFilter { article: None, page: None, ..filter.clone() };
    let locked = queue.report_published;
    let in_group = filter.group.is_some();
    let pager = Pager(cid, filter.clone(), queue.page, queue.pages);
    let mut last_article: Option<Option<String>> = None;
    let entries = queue
        .entries
        .into_iter()
        .map(|e| {
            let heading = (last_article.as_ref() != Some(&e.comment.article_label)).then(|| {
                last_article = Some(e.comment.article_label.clone());
                view! { <h3 class="article-heading">{e.comment.article_label.clone().unwrap_or_else(|| "全文".into())}</h3> }
            });
            view! { {heading} <EntryView e cid echo=echo.clone() locked in_group /> }
        })
        .collect_view();
    let searched = filter.q.clone().unwrap_or_default();
    let too_many = |n: u64| n > super::MAX_SELECTED as u64;
    view! {
        <Title text=format!("意见处理：{}", queue.title) />
        <p class="crumbs"><a href="/staff">"← 工作台"</a></p>
        <h1>{queue.title.clone()}</h1>
        <p class="meta">
            <a href=format!("/consultations/{cid}")>"查看公开页面"</a> " · "
            <a href=format!("/staff/consultations/{cid}/report")>"意见采纳情况说明"</a> " · "
            <a href=format!("/staff/consultations/{cid}/window")>"延长征求意见期或撤回"</a> " · "
            <a href=format!("/staff/consultations/{cid}/files")>"附件"</a>
        </p>
        {locked.then(|| view! {
            <div class="alert alert-ok" role="status">"意见采纳情况说明已发布，答复不能再修改。"</div>
        })}
        {done.map(|n| view! {
            <div class="alert alert-ok" role="status">
                {match n.parse::<u64>() { Ok(n) if n > 1 => format!("已处理{n}条意见。"), _ => "已处理。".to_string() }}
            </div>
        })}
        <FormMessage echo=echo.clone() />
        <crate::consultations::pages::ParseReport lines=report />
        <nav class="filters" aria-label="按状态筛选">{state_links}</nav>
        <form method="get" action=format!("/staff/consultations/{cid}") class="inline-form queue-search" role="search">
            {filter.show.clone().map(|s| view! { <input type="hidden" name="show" value=s /> })}
            {filter.article.clone().map(|a| view! { <input type="hidden" name="article" value=a /> })}
            <label for="queue-q">"在本项目的意见中搜索"</label>
            <input id="queue-q" name="q" type="search" value=searched />
            <button type="submit">"搜索"</button>
        </form>
        <details class="article-filter" open=filter.article.is_some()>
            <summary>"按条文筛选"</summary>
            <ul>
                <li><a href=queue_href(cid, &all_articles, None) aria-current=filter.article.is_none().then_some("page")>"全部条文"</a></li>
                {article_links}
            </ul>
        </details>
        {in_group.then(|| {
            let out = QueueFilter { group: None, page: None, ..filter.clone() };
            view! {
                <p class="alert alert-info">"正在查看一组相似意见。可将不属于该组的意见拆分出来单独处理。"
                    " " <a href=queue_href(cid, &out, None)>"返回全部意见"</a></p>
            }
        })}
        {(queue.ungrouped > 0).then(|| view! {
            <p class="alert alert-info" role="status">
                {format!("另有{}条新收到的意见正在后台归入相似意见组，归组前单独列出；稍后刷新即可看到归组结果。", queue.ungrouped)}
            </p>
        })}
        <h2>{format!("意见审核与答复（筛选出{}条，其中已公开{}条）", queue.selected, queue.answerable)}</h2>
        {(too_many(queue.moderatable) || !locked && too_many(queue.answerable)).then(|| view! {
            <p class="alert alert-info">
                {format!("筛选出的意见超过{}条：统一审核或答复请按条文、状态或相似意见组缩小筛选，分批处理。", super::MAX_SELECTED)}
            </p>
        })}
        {(queue.moderatable > 0).then(|| view! {
            {(!too_many(queue.moderatable)).then(|| view! {
                <ModerationSelectionForm cid filter=filter.clone() pending=queue.moderatable echo=echo.clone() />
            })}
            <ModerationTickedForm cid filter=filter.clone() echo=echo.clone() />
        })}
        {(!locked && queue.answerable > 0).then(|| view! {
            {(!too_many(queue.answerable)).then(|| view! {
                <SelectionForm cid filter=filter.clone() answerable=queue.answerable echo=echo.clone() />
            })}
            <TickedForm cid filter=filter.clone() echo=echo.clone() />
        })}
        {(queue.selected == 0).then(|| view! { <p>"没有符合条件的意见。"</p> })}
        <div class="queue">{entries}</div>
        {pager}
    }
    .into_any()
}

/// Links to the other pages of a long queue.
#[allow(non_snake_case)]
fn Pager(cid: i64, filter: QueueFilter, page: u32, pages: u32) -> impl IntoView {
    (pages > 1).then(|| {
        crate::ui::pager(
            (page > 1).then(|| queue_href(cid, &filter, Some(page - 1))),
            Some(format!("第{page}页，共{pages}页")),
            (page < pages).then(|| queue_href(cid, &filter, Some(page + 1))),
            "",
        )
    })
}

#[component]
fn EntryView(e: QueueEntry, cid: i64, echo: FormEcho, locked: bool, in_group: bool) -> impl IntoView {
    let c = e.comment.clone();
    let group_view = QueueFilter { group: Some(e.group), ..Default::default() };
    let group_info = (e.size > 1 && !in_group).then(|| {
        let text = if e.selected < e.size {
            format!("相似意见共{}条（本筛选中{}条，待答复{}条）", e.size, e.selected, e.unanswered)
        } else {
            format!("相似意见共{}条（待答复{}条）", e.size, e.unanswered)
        };
        view! {
            <p class="group-info">
                <a href=queue_href(cid, &group_view, None)>{text}</a>
                {e.burst.then(|| view! { <span class="badge badge-warn">"疑似机器批量提交"</span> })}
            </p>
        }
    });
    let group_form = (e.size > 1 && !in_group && !locked && e.published > 0).then(|| {
        view! { <GroupForm cid group=e.group published=e.published echo=echo.clone() /> }
    });
    let group_moderation = (e.size > 1 && !in_group && e.pending > 0).then(|| {
        view! { <GroupModerationForm cid group=e.group pending=e.pending echo=echo.clone() /> }
    });
    view! {
        <article class="comment" id=format!("c{}", c.id)>
            {group_info}
            <CommentView c=c.clone() cid echo=echo.clone() locked />
            {group_moderation}
            {group_form}
            {(in_group && e.size > 1).then(|| view! {
                <form method="post" action=format!("/staff/comments/{}/split", c.id) class="inline">
                    <button type="submit" class="secondary">"拆分出来单独处理"</button>
                </form>
            })}
        </article>
    }
}

/// One comment with its moderation or answer form.
#[component]
fn CommentView(c: QueuedComment, cid: i64, echo: FormEcho, locked: bool) -> impl IntoView {
    let mine = echo.value("comment_id") == c.id.to_string();
    let reason_id = format!("reason-{}", c.id);
    let ticked = echo.value("ids").split(',').any(|i| i == c.id.to_string());
    view! {
        {(c.status == CommentStatus::Approved && !locked).then(|| view! {
            <label class="select">
                <input type="checkbox" name="ids" value=c.id.to_string() form="bulk" checked=ticked />
                "选择"
            </label>
        })}
        {(c.status == CommentStatus::Pending).then(|| view! {
            <label class="select">
                <input type="checkbox" name="ids" value=c.id.to_string() form="bulk-moderate" checked=ticked />
                "选择"
            </label>
        })}
        <p class="meta">
            {c.article_label.clone().unwrap_or_else(|| "全文".into())} " · " {format_datetime(c.created_at)} " · "
            <span class="status">{c.status.label()}</span>
        </p>
        <p class="body">{c.body.clone()}</p>
        {c.moderation_reason.clone().map(|r| view! { <p class="meta">"理由：" {r}</p> })}
        {(c.status == CommentStatus::Pending).then(|| view! {
            <form method="post" action=format!("/staff/comments/{}/moderate", c.id) class="moderate">
                <input type="hidden" name="comment_id" value=c.id.to_string() />
                <input type="hidden" name="consultation_id" value=cid.to_string() />
                <button type="submit" name="decision" value="approve">"通过并公开"</button>
                <label for=reason_id.clone()>"不予公开的理由"</label>
                <input id=reason_id name="reason" value=if mine { echo.value("reason") } else { String::new() } />
                {mine.then(|| view! { <FieldMessage echo=echo.clone() name="reason" /> })}
                <button type="submit" name="decision" value="reject" class="secondary">"不予公开"</button>
            </form>
        })}
        {(!c.history.is_empty()).then(|| view! { <History changes=c.history.clone() /> })}
        {(c.status == CommentStatus::Approved).then(|| {
            if locked {
                view! {
                    <p class="meta">{format!("答复：{}", c.disposition.map(|d| d.label()).unwrap_or("未答复"))}</p>
                    {c.disposition_reason.clone().map(|r| view! { <p class="meta">"理由：" {r}</p> })}
                }.into_any()
            } else {
                view! { <DispositionForm c=c.clone() cid echo=echo.clone() /> }.into_any()
            }
        })}
    }
}

/// Who changed a comment's answer, when, from what to what.
#[component]
fn History(changes: Vec<super::DispositionChange>) -> impl IntoView {
    view! {
        <details class="history">
            <summary>{format!("答复记录（{}次）", changes.len())}</summary>
            <ol>
                {changes.into_iter().map(|h| view! {
                    <li>
                        {format!(
                            "{} {}：{} → {}{}",
                            format_datetime(h.changed_at),
                            h.changed_by,
                            h.old.map(|d| d.label()).unwrap_or("未答复"),
                            h.new.label(),
                            h.new_reason.map(|r| format!("（{r}）")).unwrap_or_default(),
                        )}
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}

/// The agency's answer to one published comment: a disposition and, except for adoption, a reason.
#[component]
fn DispositionForm(c: QueuedComment, cid: i64, echo: FormEcho) -> impl IntoView {
    let id = c.id;
    let mine = echo.value("dispose_id") == id.to_string();
    let chosen = if mine { Disposition::parse(&echo.value("disposition")) } else { c.disposition };
    let reason = if mine { echo.value("reason") } else { c.disposition_reason.unwrap_or_default() };
    let (select_id, reason_id) = (format!("disposition-{id}"), format!("disposition-reason-{id}"));
    view! {
        <form method="post" action=format!("/staff/comments/{id}/dispose") class="dispose">
            <input type="hidden" name="consultation_id" value=cid.to_string() />
            <p class="meta">{format!("答复：{}", c.disposition.map(|d| d.label()).unwrap_or("尚未答复"))}</p>
            <DispositionFields select_id reason_id chosen reason />
            {mine.then(|| view! { <FieldMessage echo=echo.clone() name="reason" /> })}
            <button type="submit">"保存答复"</button>
        </form>
    }
}
