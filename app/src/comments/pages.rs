//! Comment pages: write a comment, see the receipt and the answer, read published comments.
use super::{lookup_receipt, my_comments, public_comments, OwnComment, PublicPage, MAX_CHARS};
use crate::accounts::user::Role;
use crate::clock::format_datetime;
use crate::comments::status::AnswerStatus;
use crate::consultations::{get_consultation, pages::route_id, Detail, Status};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage};
use crate::paging::Cursor;
use crate::ui::{query, viewer_resource, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// Published comments of a consultation, or of one article, 100 a page in the order received. The
/// pager's links carry cursors (`after=`/`before=` a comment's id), so reading on costs the same
/// however far one has read; `page=N` still works.
#[component]
pub fn PublicCommentsPage() -> impl IntoView {
    let id = route_id();
    let article = query("article");
    let (page, after, before) = (query("page"), query("after"), query("before"));
    let data = Resource::new(
        move || (id(), article(), page(), after(), before()),
        |(id, article, page, after, before)| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let at = crate::paging::cursor(
                crate::paging::from_query(page.as_deref()),
                crate::paging::id_from_query(after.as_deref()),
                crate::paging::id_from_query(before.as_deref()),
            )?;
            let detail = get_consultation(id).await?;
            let comments = public_comments(id, Some(article.clone().unwrap_or_default()), at).await?;
            Ok::<_, AppError>((detail, article, at, comments))
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((d, article, at, list)) => {
                        let label = article_label(&d, article.as_deref());
                        let anchor = article.unwrap_or_default();
                        let back = format!("/consultations/{}#{}", d.summary.id, anchor);
                        let total = d.articles.iter().find(|a| a.anchor == anchor).map(|a| a.approved);
                        let pager = view! { <Pager consultation=d.summary.id anchor at list=list.clone() /> };
                        view! {
                            <Title text=format!("{} 已公开意见", d.summary.title) />
                            <p class="crumbs"><a href=back>"← " {d.summary.title.clone()}</a></p>
                            <h1>{label} "：已公开意见" {total.map(|n| format!("（{n}条）"))}</h1>
                            {list.comments.is_empty().then(|| view! { <p>"暂无已公开的意见。"</p> })}
                            <ol class="comments">
                                {list.comments.into_iter().map(|c| view! {
                                    <li class="comment" id=format!("c{}", c.id)><p class="meta">{format_datetime(c.created_at)}</p><p class="body">{c.body}</p></li>
                                }).collect_view()}
                            </ol>
                            {pager}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Links to the comments before and after the ones shown, each only where there are some.
#[component]
fn Pager(consultation: i64, anchor: String, at: Cursor, list: PublicPage) -> impl IntoView {
    let base = format!("/consultations/{consultation}/comments?article={}", crate::ui::encode_query(&anchor));
    let (first, last) = (list.comments.first().map(|c| c.id), list.comments.last().map(|c| c.id));
    let prev = match first {
        Some(f) => list.earlier.then(|| format!("{base}&before={f}")),
        None => list.earlier.then(|| base.clone()),
    };
    let next = match last {
        Some(l) => list.later.then(|| format!("{base}&after={l}")),
        None => list.later.then(|| base.clone()),
    };
    let label = match at {
        Cursor::Page(p) => Some(format!("第{p}页")),
        _ => None,
    };
    (prev.is_some() || next.is_some() || label.is_some()).then(|| crate::ui::pager(prev, label, next, ""))
}

fn article_label(d: &Detail, anchor: Option<&str>) -> String {
    anchor
        .and_then(|a| d.articles.iter().find(|x| x.anchor == a))
        .map(|a| a.label.clone())
        .unwrap_or_else(|| "全文".to_string())
}

/// The comment form for the whole draft or one article (`?article=a12`).
#[component]
pub fn CommentFormPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let article = query("article");
    let detail = Resource::new(id, |id| async move { get_consultation(id.ok_or(AppError::NotFound)?).await });
    let user = viewer_resource();
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let d = match detail.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorView err=e /> }.into_any(),
                    };
                    let u = user.await.ok().flatten();
                    let selected = if echo.values.is_empty() { article().unwrap_or_default() } else { echo.value("article") };
                    let gate = match (&u, d.summary.status) {
                        (_, Status::Upcoming) => Some(AppError::NotOpenYet),
                        (_, Status::Closed) => Some(AppError::Closed),
                        (_, Status::Draft) => Some(AppError::NotFound),
                        (_, Status::Withdrawn) => Some(AppError::Conflict("该征求意见已由起草单位撤回，不再接收意见".into())),
                        (None, _) if !d.allow_anonymous => Some(AppError::Unauthorized),
                        (Some(u), _) if u.role != Role::Citizen => Some(AppError::Forbidden),
                        _ => None,
                    };
                    // After a rejected post the form comes back with what was typed, whatever the reason.
                    match gate.filter(|_| echo.values.is_empty()) {
                        Some(e) => view! { <CommentGate d e selected /> }.into_any(),
                        None => {
                            // Only where the consultation takes anonymous comments is a signed-out
                            // visitor told so (a session that ran out is not an invitation).
                            let anonymous = u.is_none() && d.allow_anonymous;
                            view! { <CommentForm d selected echo anonymous /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CommentGate(d: Detail, e: AppError, selected: String) -> impl IntoView {
    let back = format!("/consultations/{}", d.summary.id);
    let login = matches!(e, AppError::Unauthorized);
    // Back to this form, on the same article, after signing in or registering.
    let here = match selected.as_str() {
        "" => format!("/consultations/{}/comment", d.summary.id),
        a => format!("/consultations/{}/comment?article={}", d.summary.id, crate::ui::encode_query(a)),
    };
    let next = crate::ui::encode_query(&here);
    view! {
        <Title text="提出意见" />
        <h1>"提出意见：" {d.summary.title}</h1>
        <div class="alert alert-error" role="alert">{e.to_string()}</div>
        {login.then(|| view! {
            <p>
                <a class="button" href=format!("/login?next={next}")>"登录"</a>" 或 "
                <a href=format!("/register?next={next}")>"注册"</a>" 后即可提出意见。"
            </p>
        })}
        <p><a href=back>"返回草案"</a></p>
    }
}

#[component]
fn CommentForm(d: Detail, selected: String, echo: FormEcho, anonymous: bool) -> impl IntoView {
    let id = d.summary.id;
    let typed = echo.value("body");
    let options =
        d.articles.iter().filter(|a| a.is_article).map(|a| (a.anchor.clone(), a.label.clone())).collect::<Vec<_>>();
    let label = article_label(&d, Some(selected.as_str()).filter(|s| !s.is_empty()));
    view! {
        <Title text="提出意见" />
        <p class="crumbs"><a href=format!("/consultations/{id}")>"← " {d.summary.title.clone()}</a></p>
        <h1>"对" {label} "提出意见"</h1>
        {d.articles.iter().find(|a| a.anchor == selected).map(|a| view! {
            <blockquote class="quoted-article">
                <strong>{a.label.clone()}</strong>
                {a.body.split('\n').map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}
            </blockquote>
        })}
        <FormMessage echo=echo.clone() />
        {(echo.error("form") == Some(AppError::Unauthorized.to_string())).then(|| view! {
            <p class="hint">
                <a href="/login" target="_blank">"登录"</a>" 或 "<a href="/register" target="_blank">"注册"</a>
                "（在新窗口打开，本页填写的内容保留）后，再次提交即可。"
            </p>
        })}
        {anonymous.then(|| view! { <p class="hint">"本项目允许匿名提交。未登录提交的意见只能凭回执编号查询，请妥善保存。"</p> })}
        <form method="post" action=format!("/consultations/{id}/comment") class="stacked" id="comment-form">
            <label for="article">"针对"</label>
            <select id="article" name="article">
                <option value="" selected=selected.is_empty()>"草案全文"</option>
                {options.into_iter().map(|(anchor, label)| {
                    let sel = anchor == selected;
                    view! { <option value=anchor selected=sel>{label}</option> }
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="article" />
            <label for="body">"意见内容"</label>
            <TextArea id="body" name="body" rows=10 describedby="body-count body-error" value={typed.clone()} />
            <CharCounter initial=typed.chars().count() />
            <FieldMessage echo=echo.clone() name="body" />
            <p class="hint">"意见经起草单位审核后公开，您的姓名、联系方式等个人信息不会公开。"</p>
            <button type="submit">"提交意见"</button>
        </form>
    }
}

/// A live character count for the comment text area. The text area itself is plain server HTML
/// (so it works without JavaScript); this island listens for its `input` events.
#[island]
fn CharCounter(initial: usize) -> impl IntoView {
    let count = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::input, move |ev| {
            let target = event_target::<leptos::web_sys::Element>(&ev);
            if target.id() == "body" {
                count.set(event_target_value(&ev).chars().count());
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <p class="hint" id="body-count">
            <span class=move || { if count.get() > MAX_CHARS { "over" } else { "" } }>{move || count.get()}</span>
            " / " {MAX_CHARS} " 字"
        </p>
    }
}

/// Receipt lookup, also the page shown right after submitting. The number never travels in a URL:
/// the lookup form posts it (and is rendered back with it), and a comment just made hands it over
/// in a short-lived cookie (`?new=1`).
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let fresh = query("new");
    let echo = crate::forms::use_echo();
    let typed = echo.value("no");
    #[cfg(feature = "ssr")]
    let flashed = || use_context::<axum::http::request::Parts>().and_then(|p| crate::state::fresh_receipt(&p.headers));
    #[cfg(not(feature = "ssr"))]
    let flashed = || None::<String>;
    // A lookup refused (too many tries) keeps the number typed and looks nothing up.
    let no = if !echo.errors.is_empty() {
        None
    } else if !typed.trim().is_empty() {
        Some(typed.clone())
    } else if fresh().is_some() {
        flashed()
    } else {
        None
    };
    let found = Resource::new(
        move || no.clone(),
        |no| async move {
            match no {
                Some(no) => lookup_receipt(no).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="回执查询" />
        <Suspense fallback=Loading>
            {move || {
                let typed = typed.clone();
                let echo = echo.clone();
                Suspend::new(async move {
                let result = found.await;
                view! {
                    {match result {
                        Ok(Some(c)) => view! { <ReceiptView c fresh=fresh().is_some() && typed.is_empty() /> }.into_any(),
                        Ok(None) if fresh().is_some() && typed.is_empty() => view! {
                            <div class="alert alert-warn" role="status">"回执页已过期或已在其他窗口打开，请输入回执编号查询，或在“我的意见”中查看。"</div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => {
                            let msg = match e {
                                // A legislative proposal's receipt (JY-…, not YJ-…) is kept with its call.
                                AppError::NotFound if typed.trim().to_uppercase().starts_with("JY") => {
                                    "这是立法项目建议的回执编号：请登录提交时使用的账号，在“立法建议”中对应征集页面的“我提出的建议”里查看。".to_string()
                                }
                                AppError::NotFound => "未找到该回执编号对应的意见，请核对编号。".to_string(),
                                AppError::Unauthorized => "该意见由注册用户提交，请先登录提交时使用的账号再查询。".to_string(),
                                other => other.to_string(),
                            };
                            view! { <div class="alert alert-error" role="alert">{msg}</div> }.into_any()
                        }
                    }}
                    <h2>"回执查询"</h2>
                    <crate::forms::FormMessage echo=echo.clone() />
                    <form method="post" action="/receipts" class="inline-form">
                        <label for="no">"回执编号"</label>
                        <input id="no" name="no" placeholder="YJ-2026-XXXX-XXXX-XXXX" value=typed maxlength="64" />
                        <button type="submit">"查询"</button>
                    </form>
                }
            })
            }}
        </Suspense>
    }
}

#[component]
fn ReceiptView(c: OwnComment, fresh: bool) -> impl IntoView {
    let answer = c.clone();
    let target = c.article_label.clone().unwrap_or_else(|| "全文".into());
    let href = format!("/consultations/{}#{}", c.consultation_id, c.article_anchor.clone().unwrap_or_default());
    view! {
        <section class="receipt" aria-labelledby="receipt-title">
            <h1 id="receipt-title">{if fresh { "意见已提交" } else { "意见回执" }}</h1>
            <p class="receipt-no">"回执编号：" <strong id="receipt-no">{c.receipt.clone()}</strong></p>
            {fresh.then(|| view! { <p class="hint">"请保存回执编号，可随时凭编号查询意见处理情况。"</p> })}
            <dl>
                <dt>"征求意见项目"</dt><dd><a href=href>{c.consultation_title}</a></dd>
                <dt>"针对"</dt><dd>{target}</dd>
                <dt>"提交时间"</dt><dd>{format_datetime(c.created_at)}</dd>
                <dt>"状态"</dt><dd class="status">{c.status.label()}</dd>
                {c.moderation_reason.map(|r| view! { <dt>"说明"</dt><dd>{r}</dd> })}
                <dt>"意见内容"</dt><dd class="body">{c.body}</dd>
                <Answer c=answer />
            </dl>
        </section>
    }
}

/// The agency's answer to a comment, once its adoption report is published: the disposition and
/// its reason, or, for a comment the report leaves unanswered, that truth and the agency's
/// published reason; either way with the link to the report.
#[component]
fn Answer(c: OwnComment) -> impl IntoView {
    let report = c.report.clone().unwrap_or_else(|| format!("/consultations/{}/report", c.consultation_id));
    let link = move || {
        view! {
            <dt>"采纳情况说明"</dt>
            <dd><a class="report-link" href=report.clone()>"查看起草单位的意见采纳情况说明"</a></dd>
        }
    };
    match (c.answer, c.disposition) {
        (Some(AnswerStatus::Answered), Some(d)) => view! {
            <dt>"采纳情况"</dt>
            <dd class="answer"><strong class=format!("disposition {}", d.as_str())>{d.label()}</strong></dd>
            {c.disposition_reason.map(|r| view! { <dt>"理由"</dt><dd class="answer-reason">{r}</dd> })}
            {link()}
        }
        .into_any(),
        (Some(AnswerStatus::Unanswered), _) => view! {
            <dt>"答复情况"</dt>
            <dd class="unanswered"><strong>{AnswerStatus::Unanswered.label()}</strong></dd>
            {c.unanswered_reason.map(|r| view! { <dt>"未逐条答复的原因"</dt><dd class="unanswered-reason">{r}</dd> })}
            {link()}
        }
        .into_any(),
        _ => ().into_any(),
    }
}

/// A citizen's own comments with their receipts and answers.
#[component]
pub fn MyCommentsPage() -> impl IntoView {
    let page = query("page");
    let list = Resource::new(page, |page| async move {
        let page = crate::paging::check(crate::paging::from_query(page.as_deref()))?;
        my_comments(Some(page)).await.map(|items| (page, items))
    });
    view! {
        <Title text="我的意见" />
        <h1>"我的意见"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok((1, items)) if items.is_empty() => view! { <p>"您还没有提交过意见。"</p> }.into_any(),
                    Ok((page, items)) => {
                        let more = items.len() as i64 == super::OWN_PAGE;
                        let pager = (page > 1 || more).then(|| crate::ui::pager(
                            (page > 1).then(|| format!("/me?page={}", page - 1)),
                            Some(format!("第{page}页")),
                            more.then(|| format!("/me?page={}", page + 1)),
                            "",
                        ));
                        view! {
                        <ul class="cards">
                            {items.into_iter().map(|c| {
                                let answer = c.clone();
                                view! {
                                <li class="card">
                                    <p class="meta">
                                        <form method="post" action="/receipts" class="inline">
                                            <input type="hidden" name="no" value=c.receipt.clone() />
                                            <button type="submit" class="link">{c.receipt.clone()}</button>
                                        </form>
                                        " · " {c.status.label()} " · " {format_datetime(c.created_at)}
                                    </p>
                                    <p>{c.consultation_title} " · " {c.article_label.unwrap_or_else(|| "全文".into())}</p>
                                    <p class="body">{c.body}</p>
                                    <dl>
                                        <Answer c=answer />
                                    </dl>
                                </li>
                            }}).collect_view()}
                        </ul>
                        {pager}
                    }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
