//! Consultation pages: the public list, a draft with its articles, and the staff's own list and form.
use super::structure::{is_title_block, BlockKind};
use super::{agency_consultations, get_consultation, list_consultations, Article, Detail, Kind, Summary};
use crate::attachments::pages::AttachmentList;
use crate::clock::format_long_date;
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading, StatusBadge, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The id in the current route's `:id`.
pub fn route_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse().ok())
}

/// Front page: every consultation, open ones first.
#[component]
pub fn HomePage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_consultations());
    view! {
        <Title text="" />
        <section class="intro">
            <h1>"公开征求意见"</h1>
            <p>"地方性法规、政府规章、规范性文件草案和重大行政决策在此公开征求意见。您可以对全文或某一条提出意见，提交后获得回执编号，可随时查询处理情况。"</p>
        </section>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p>"暂无征求意见项目。"</p> }.into_any(),
                    Ok(items) => view! { <ConsultationList items /> }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsultationList(items: Vec<Summary>, #[prop(optional)] staff: bool) -> impl IntoView {
    view! {
        <ul class="cards">
            {items.into_iter().map(|s| {
                let href = if staff { format!("/staff/consultations/{}", s.id) } else { format!("/consultations/{}", s.id) };
                view! {
                    <li class="card">
                        <StatusBadge status=s.status />
                        <span class="kind">{s.kind.label()}</span>
                        <h2><a href=href>{s.title}</a></h2>
                        <p class="meta">
                            {s.agency_name}" · 征求意见期 "{format_long_date(s.opens_at)}"至"{format_long_date(s.closes_at - 1)}
                            " · 已公开意见 "{s.approved_comments}" 条"
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A draft: explanation, window, and every article with its comment counts and a comment link.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_consultation(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok(d) if d.summary.status == super::Status::Draft => view! {
                            <Preview d=d.clone() echo />
                            <DraftView d />
                        }.into_any(),
                        Ok(d) => view! { <DraftView d /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Above a draft's preview (its agency's staff only): what it is, and the form to publish it with
/// the window confirmed now.
#[component]
fn Preview(d: Detail, echo: crate::forms::FormEcho) -> impl IntoView {
    let id = d.summary.id;
    let today = crate::clock::format_date(crate::clock::now());
    let opens = crate::clock::format_date(d.summary.opens_at.max(crate::clock::start_of_day(crate::clock::today())));
    let closes = crate::clock::format_date(d.summary.closes_at - 1);
    view! {
        <section class="alert alert-warn preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"草稿预览：公众尚看不到本页"</h2>
            <p>"请核对下面的标题、起草说明和逐条识别的条文。确认无误后发布；征求意见期自发布之日起计算，开始日期不能早于发布之日。"</p>
            <p><a href=format!("/staff/consultations/{id}/correct")>"修改草稿"</a></p>
            <p><a href=format!("/staff/consultations/{id}/files")>"添加或删除附件（起草说明、对照表等）"</a></p>
            <PostForm name="publish" action=format!("/staff/consultations/{id}/publish") echo class="stacked narrow" let:echo>
                <div class="row">
                    <div>
                        <label for="opens_on">"开始日期（不早于发布之日）"</label>
                        <input id="opens_on" name="opens_on" type="date" required min=today value={
                            let typed = echo.value("opens_on");
                            if typed.is_empty() { opens } else { typed }
                        } />
                        <FieldMessage echo=echo.clone() name="opens_on" />
                    </div>
                    <div>
                        <label for="closes_on">"截止日期（含当日）"</label>
                        <input id="closes_on" name="closes_on" type="date" required value={
                            let typed = echo.value("closes_on");
                            if typed.is_empty() { closes } else { typed }
                        } />
                        <FieldMessage echo=echo.clone() name="closes_on" />
                    </div>
                </div>
                <label for="short_window_reason">"征求意见期少于30日的理由（如有，将公开）"</label>
                <TextArea id="short_window_reason" name="short_window_reason" rows=2 value={
                    let typed = echo.value("short_window_reason");
                    if typed.is_empty() { d.short_window_reason.clone().unwrap_or_default() } else { typed }
                } />
                <FieldMessage echo=echo.clone() name="short_window_reason" />
                <button type="submit">"发布"</button>
            </PostForm>
        </section>
    }
    // Erased: the page's type would otherwise nest past the compiler's depth limit.
    .into_any()
}

#[component]
fn DraftView(d: Detail) -> impl IntoView {
    let s = d.summary.clone();
    let open = s.status == super::Status::Open;
    let id = s.id;
    let days = d.window_days();
    view! {
        <Title text=s.title.clone() />
        <article class="draft">
            <header>
                <StatusBadge status=s.status />
                <span class="kind">{s.kind.label()}</span>
                <h1>{s.title.clone()}</h1>
                <p class="meta">"起草单位："{s.agency_name.clone()}</p>
                <p class="meta">{format!("发布日期：{}", format_long_date(d.published_at))}</p>
                <p class="meta window">
                    {format!("征求意见期：{}至{}（共{days}日，截止日24时止）", format_long_date(s.opens_at), format_long_date(s.closes_at - 1))}
                </p>
                <super::change_notes::ChangeNotes id changes=d.changes.clone() />
                {d.short_window_reason.clone().map(|r| view! {
                    <p class="short-window"><strong>"征求意见期少于30日的理由："</strong>{r}</p>
                })}
                <p class="meta">
                    "对全文的意见：已公开 " {d.whole_approved} " 条 / 共收到 " {d.whole_received} " 条 · "
                    <a href=format!("/consultations/{id}/comments")>"查看已公开意见"</a>
                </p>
                {open.then(|| view! {
                    <p><a class="button" href=format!("/consultations/{id}/comment")>"对全文提出意见"</a></p>
                })}
                {d.report_published_at.map(|at| view! {
                    <p class="report-link">
                        <a class="button" href=format!("/consultations/{id}/report")>"意见采纳情况说明"</a>
                        " " {format!("{}发布", format_long_date(at))}
                    </p>
                })}
                {d.plan_item.clone().map(|p| view! {
                    <p class="plan-item">
                        {format!("列入{}年度立法计划：", p.plan_year)}
                        <a href=format!("/legislation/items/{}", p.item_id)>{p.title}</a>
                    </p>
                })}
                {(!d.documents.is_empty()).then(|| view! {
                    <p class="resulting-documents">
                        "据此草案制定的规范性文件："
                        {d.documents.iter().map(|doc| view! {
                            <a href=format!("/documents/{}", doc.id)>{format!("{}《{}》", doc.number, doc.title)}</a>
                            {(!doc.binding).then_some("（已废止或失效）")}" "
                        }).collect_view()}
                    </p>
                })}
            </header>
            {(!d.explanation.is_empty()).then(|| view! {
                <section class="explanation">
                    <h2>"起草说明"</h2>
                    {d.explanation.split('\n').map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}
                </section>
            })}
            <AttachmentList attachments=d.attachments.clone() />
            <section class="articles">
                <h2>"草案全文"</h2>
                <Contents chapters=chapters(&d.articles) />
                {articles_with_headings(d.articles, id, open)}
            </section>
        </article>
    }
    .into_any()
}

/// The chapters (with their part) in order, each with the anchor its heading gets on the page.
fn chapters(articles: &[Article]) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    let mut last: Option<&String> = None;
    for a in articles {
        if let Some(ch) = &a.chapter {
            if last != Some(ch) {
                let title = match &a.part {
                    Some(p) => format!("{p} · {ch}"),
                    None => ch.clone(),
                };
                out.push((format!("ch{}", out.len() + 1), title, 0));
            }
            if a.is_article {
                if let Some(c) = out.last_mut() {
                    c.2 += 1;
                }
            }
        }
        last = a.chapter.as_ref();
    }
    out
}

/// A table of contents by chapter, for a draft of more than one chapter.
#[component]
fn Contents(chapters: Vec<(String, String, usize)>) -> impl IntoView {
    (chapters.len() > 1).then(|| {
        view! {
            <nav class="toc" aria-label="目录">
                <details open>
                    <summary>"目录"</summary>
                    <ol>
                        {chapters.into_iter().map(|(anchor, title, n)| view! {
                            <li><a href=format!("#{anchor}")>{title}</a> <span class="count">{format!("（{n}条）")}</span></li>
                        }).collect_view()}
                    </ol>
                </details>
            </nav>
        }
    })
}

fn articles_with_headings(articles: Vec<Article>, id: i64, open: bool) -> impl IntoView {
    let mut last: (Option<String>, Option<String>, Option<String>) = (None, None, None);
    let mut chapter_no = 0;
    articles
        .into_iter()
        .enumerate()
        .map(|(position, a)| {
            let part = (a.part != last.0).then(|| a.part.clone()).flatten();
            let chapter = (a.chapter != last.1).then(|| a.chapter.clone()).flatten();
            let section = (a.section != last.2).then(|| a.section.clone()).flatten();
            last = (a.part.clone(), a.chapter.clone(), a.section.clone());
            let chapter = chapter.map(|h| {
                chapter_no += 1;
                (format!("ch{chapter_no}"), h)
            });
            let headed = a.part.is_some() || a.chapter.is_some() || a.section.is_some();
            let kind = if a.is_article { BlockKind::Article } else { BlockKind::Text };
            let title = is_title_block(position, kind, headed, &a.body);
            view! {
                {part.map(|h| view! { <h3 class="part">{h}</h3> })}
                {chapter.map(|(anchor, h)| view! { <h3 class="chapter" id=anchor>{h}</h3> })}
                {section.map(|h| view! { <h4 class="section">{h}</h4> })}
                {if title {
                    // The draft's own title line (drafts published before it was taken out).
                    view! { <p class="draft-title">{a.body.replace('\n', " ")}</p> }.into_any()
                } else {
                    view! { <ArticleView a id open /> }.into_any()
                }}
            }
        })
        .collect_view()
}

#[component]
fn ArticleView(a: Article, id: i64, open: bool) -> impl IntoView {
    let anchor = a.anchor.clone();
    let class = if a.is_article { "article" } else { "article text-block" };
    view! {
        <div class=class id=anchor.clone()>
            <div class="article-body">
                {a.is_article.then(|| view! { <strong class="label">{a.label.clone()}</strong> })}
                {a.body.split('\n').map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}
            </div>
            <p class="article-actions">
                <a href=format!("/consultations/{id}/comments?article={anchor}")>
                    "已公开意见 " <span class="count">{a.approved}</span> " 条"
                </a>
                <span class="received">" · 共收到 " {a.received} " 条"</span>
                {open.then(|| view! {
                    " · " <a class="comment-link" href=format!("/consultations/{id}/comment?article={anchor}")>"对本条提出意见"</a>
                })}
            </p>
        </div>
    }
}

/// Staff home: the agency's own consultations.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let list = Resource::new(|| (), |_| agency_consultations());
    view! {
        <Title text="工作台" />
        <h1>"工作台"</h1>
        <p><a class="button" href="/staff/consultations/new">"发布征求意见"</a> " " <a class="button" href="/staff/documents/new">"登记规范性文件"</a> " " <a class="button" href="/staff/documents/cleanup">"发布清理结果"</a> " " <a class="button secondary" href="/staff/filings">"备案审查"</a> " " <a class="button secondary" href="/staff/legislation">"立法项目建议征集"</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p>"本单位尚未发布征求意见。"</p> }.into_any(),
                    Ok(items) => view! { <ConsultationList items staff=true /> }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The form a staff member fills in to publish a draft for comment.
#[component]
pub fn NewConsultationPage() -> impl IntoView {
    let user = crate::ui::viewer_resource();
    let echo = use_echo();
    view! {
        <Title text="发布征求意见" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) => match u.staff_agency() {
                            Ok(_) => view! { <NewConsultationForm echo /> }.into_any(),
                            Err(e) => view! { <ErrorView err=e /> }.into_any(),
                        },
                        _ => view! { <ErrorView err=AppError::Unauthorized /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn NewConsultationForm(echo: crate::forms::FormEcho) -> impl IntoView {
    let kind = echo.value("kind");
    let today = crate::clock::format_date(crate::clock::now());
    let opens = Some(echo.value("opens_on")).filter(|v| !v.is_empty()).unwrap_or_else(|| today.clone());
    view! {
        <h1>"发布征求意见"</h1>
        <FormMessage echo=echo.clone() />
        <form method="post" action="/staff/consultations/new" class="stacked">
            <label for="kind">"类型"</label>
            <select id="kind" name="kind">
                {Kind::ALL.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option>
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="kind" />
            <label for="title">"标题"</label>
            <input id="title" name="title" required maxlength="200" value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            <label for="explanation">"起草说明"</label>
            <TextArea id="explanation" name="explanation" rows=6 value=echo.value("explanation") />
            <FieldMessage echo=echo.clone() name="explanation" />
            <label for="full_text">"草案全文（按“第一章”“第一条”等分章分条，系统自动识别）"</label>
            <TextArea id="full_text" name="full_text" rows=16 required=true value=echo.value("full_text") />
            <FieldMessage echo=echo.clone() name="full_text" />
            <div class="row">
                <div>
                    <label for="opens_on">"开始日期（不早于发布之日）"</label>
                    <input id="opens_on" name="opens_on" type="date" required min=today.clone() value=opens />
                    <FieldMessage echo=echo.clone() name="opens_on" />
                </div>
                <div>
                    <label for="closes_on">"截止日期（含当日）"</label>
                    <input id="closes_on" name="closes_on" type="date" required value=echo.value("closes_on") />
                    <FieldMessage echo=echo.clone() name="closes_on" />
                </div>
            </div>
            <label for="short_window_reason">"征求意见期少于30日的理由（法规、规章草案和重大行政决策须填写，将向社会公开）"</label>
            <TextArea id="short_window_reason" name="short_window_reason" rows=2 value=echo.value("short_window_reason") />
            <FieldMessage echo=echo.clone() name="short_window_reason" />
            <label class="check">
                <input type="checkbox" name="allow_anonymous" value="1" checked=echo.checked("allow_anonymous") />
                "允许未登录的公众匿名提交意见"
            </label>
            <label class="check">
                <input type="checkbox" name="draft" value="1" checked=echo.checked("draft") />
                "先保存为草稿：预览无误后再发布（发布前公众看不到）"
            </label>
            <button type="submit">"发布（或保存草稿）"</button>
        </form>
    }
}

/// Lines of the draft the parser did not recognise, shown to the agency after publishing.
#[component]
pub fn ParseReport(lines: Vec<(i64, String)>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <section class="alert alert-warn">
                <h2>"以下各行未识别为章、节、条结构，已作为“其他内容”原样保留："</h2>
                <ul>{lines.into_iter().map(|(n, t)| view! { <li>{format!("第{n}行：{t}")}</li> }).collect_view()}</ul>
            </section>
        }
    })
}

/// `/staff/consultations/:id/window`: the agency corrects the draft, extends the window or withdraws
/// the consultation, each with a public reason.
#[component]
pub fn WindowPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let data = Resource::new(id, |id| async move { get_consultation(id.ok_or(AppError::NotFound)?).await });
    view! {
        <Title text="征求意见期与撤回" />
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorView err=e /> }.into_any(),
                    };
                    let cid = d.summary.id;
                    let live = matches!(d.summary.status, super::Status::Open | super::Status::Upcoming);
                    view! {
                        <p class="crumbs"><a href=format!("/staff/consultations/{cid}")>"← 意见处理"</a></p>
                        <h1>{d.summary.title.clone()}</h1>
                        <FormMessage echo=echo.clone() />
                        <p class="meta">{format!(
                            "征求意见期：{}至{}（{}）",
                            format_long_date(d.summary.opens_at),
                            format_long_date(d.summary.closes_at - 1),
                            d.summary.status.label()
                        )}</p>
                        {(!live).then(|| view! { <p>"征求意见期已经结束或已撤回，不能再延长或撤回。"</p> })}
                        {live.then(|| view! {
                            <h2>"更正草案"</h2>
                            <p>
                                "发现错字、漏字或表述错误，可以更正草案文字，更正说明和改动之处将公开。 "
                                <a href=format!("/staff/consultations/{cid}/correct")>"更正草案"</a>
                            </p>
                            <h2>"延长征求意见期"</h2>
                            <PostForm name="extend" action=format!("/staff/consultations/{cid}/extend") echo=echo.clone() class="stacked narrow" let:echo>
                                <label for="closes_on">"新的截止日期（含当日）"</label>
                                <input id="closes_on" name="closes_on" type="date" required value=echo.value("closes_on") />
                                <FieldMessage echo=echo.clone() name="closes_on" />
                                <label for="extend-reason">"延长理由（公开）"</label>
                                <input id="extend-reason" name="reason" maxlength="500" value=echo.value("reason") />
                                <FieldMessage echo=echo.clone() name="reason" />
                                <button type="submit">"延长"</button>
                            </PostForm>
                            <h2>"撤回本次征求意见"</h2>
                            <p class="hint">"撤回后不再接收意见；草案页面保留并注明撤回及理由。已收到的意见不会删除。"</p>
                            <PostForm name="withdraw" action=format!("/staff/consultations/{cid}/withdraw") echo=echo.clone() class="stacked narrow" let:echo>
                                <label for="withdraw-reason">"撤回理由（公开）"</label>
                                <input id="withdraw-reason" name="reason" maxlength="500" value=echo.value("reason") />
                                <FieldMessage echo=echo.clone() name="reason" />
                                <button type="submit" class="secondary">"撤回"</button>
                            </PostForm>
                        })}
                    }.into_any()
                })
            }}
        </Suspense>
    }
}
