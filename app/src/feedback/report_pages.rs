//! The adoption report's pages: the editor where staff write and publish it, and the public report
//! with its tallies, chart, article table and revisions.
use super::diff::Change;
use super::{adoption_report, Disposition, Report, Tally};
use crate::clock::{format_datetime, format_long_date};
use crate::consultations::pages::route_id;
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

/// Staff write, preview and publish the adoption report.
#[component]
pub fn ReportEditorPage() -> impl IntoView {
    let id = route_id();
    let echo = use_echo();
    let data =
        Resource::new(id, |id| async move { adoption_report(id.ok_or(AppError::NotFound)?, 1, true, false).await });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(r) => view! { <ReportEditor r echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ReportEditor(r: Report, echo: FormEcho) -> impl IntoView {
    let cid = r.consultation_id;
    let typed = |name: &str, saved: Option<String>| {
        if echo.values.is_empty() {
            saved.unwrap_or_default()
        } else {
            echo.value(name)
        }
    };
    let summary = typed("summary", Some(r.summary.clone()));
    let unanswered_reason = typed("unanswered_reason", r.unanswered_reason.clone());
    let revised = typed("revised_text", r.revised_text.clone());
    let open = r.overall.unanswered;
    view! {
        <Title text=format!("意见采纳情况说明：{}", r.title) />
        <p class="crumbs"><a href=format!("/staff/consultations/{cid}")>"← 意见审核与答复"</a></p>
        <h1>"意见采纳情况说明"</h1>
        <FormMessage echo=echo.clone() />
        {match r.published_at {
            Some(at) => view! {
                <div class="alert alert-ok" role="status">
                    {format!("已于{}发布。", format_datetime(at))} " "
                    <a href=format!("/consultations/{cid}/report")>"查看公开页面"</a>
                </div>
            }.into_any(),
            None => view! {
                <form method="post" action=format!("/staff/consultations/{cid}/report") class="report-form">
                    <label for="summary">"总体说明（公众可见）"</label>
                    <TextArea id="summary" name="summary" rows=8 describedby="summary-error" value=summary />
                    <FieldMessage echo=echo.clone() name="summary" />
                    <label for="unanswered_reason">
                        {format!("未答复意见的说明（当前尚有{open}条已公开意见未答复；全部答复后可不填）")}
                    </label>
                    <TextArea id="unanswered_reason" name="unanswered_reason" rows=3 value=unanswered_reason />
                    <FieldMessage echo=echo.clone() name="unanswered_reason" />
                    <label for="revised_text">"修改后的草案全文（选填；填写后将逐条显示修改之处及据以修改的意见）"</label>
                    <TextArea id="revised_text" name="revised_text" rows=10 value=revised />
                    <FieldMessage echo=echo.clone() name="revised_text" />
                    <button type="submit" name="action" value="save" class="secondary">"保存并预览"</button>
                    <button type="submit" name="action" value="publish">"发布"</button>
                    <p class="hint">"发布后，所有答复不能再修改，提交意见的注册用户将收到通知。"</p>
                </form>
            }.into_any(),
        }}
        <h2>{if r.published_at.is_some() { "已发布的说明" } else { "预览" }}</h2>
        <div class="preview"><ReportView r print=false /></div>
    }
}

/// The public adoption report (`?print=1`: the printable version, in parts of
/// [`super::PRINT_PAGE`] comments; `page` picks the page or part).
#[component]
pub fn ReportPage() -> impl IntoView {
    let id = route_id();
    let page = query("page");
    let print = query("print");
    let data = Resource::new(
        move || (id(), page(), print().is_some()),
        |(id, page, print)| async move {
            let page = crate::paging::from_query(page.as_deref()).unwrap_or(1);
            adoption_report(id.ok_or(AppError::NotFound)?, page, false, print).await
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! {
                        <Title text=format!("意见采纳情况说明：{}", r.title) />
                        <ReportView r print=print().is_some() />
                    }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        "0%".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / of as f64)
    }
}

/// The report itself: figures, chart, summary, per-article table, revisions, every comment.
#[component]
fn ReportView(r: Report, print: bool) -> impl IntoView {
    let cid = r.consultation_id;
    let t = r.overall.clone();
    let published = r
        .published_at
        .map(|at| format!("{} · {}发布", r.agency, format_long_date(at)))
        .unwrap_or_else(|| format!("{} · 尚未发布", r.agency));
    let paragraphs =
        r.summary.lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <p>{l.to_string()}</p> }).collect_view();
    let revisions: Vec<_> = r.revisions.iter().filter(|v| v.revision.change != Change::Unchanged).cloned().collect();
    view! {
        <article class=if print { "report printable" } else { "report" } aria-labelledby="report-title">
            <p class="crumbs no-print"><a href=format!("/consultations/{cid}")>{format!("← {}", r.title)}</a></p>
            <h1 id="report-title">{format!("《{}》意见采纳情况说明", r.title)}</h1>
            <p class="meta">{published}</p>
            {r.published_at.is_some().then(|| view! {
                <p class="no-print report-actions">
                    <a href=format!("/consultations/{cid}/report.csv") download="">"下载CSV"</a>
                    {(!print).then(|| view! { <a href=format!("/consultations/{cid}/report?print=1")>"打印版"</a> })}
                </p>
            })}
            {(print && r.pages > 1).then(|| view! {
                <p class="print-parts" role="note">
                    {format!(
                        "本打印版共{}部分，每部分最多{}条意见，此为第{}部分（第{}至{}条）。全部意见及答复请下载CSV。",
                        r.pages, super::PRINT_PAGE, r.page,
                        (r.page as usize - 1) * super::PRINT_PAGE + 1,
                        ((r.page as usize - 1) * super::PRINT_PAGE + r.comments.len()),
                    )}
                </p>
            })}
            <section aria-labelledby="figures">
                <h2 id="figures">"意见征集情况"</h2>
                <p class="figures">
                    {format!("共有{}人提出意见{}条，公开{}条；", r.participants, r.received, t.comments)}
                    {format!("采纳（含部分采纳）{}条，占{}。", t.adopted(), percent(t.adopted(), t.comments))}
                </p>
                <Chart t=t.clone() />
            </section>
            {(!r.summary.trim().is_empty()).then(|| view! {
                <section aria-labelledby="summary-title">
                    <h2 id="summary-title">"总体说明"</h2>
                    <div class="summary">{paragraphs}</div>
                </section>
            })}
            {r.unanswered_reason.clone().filter(|_| t.unanswered > 0).map(|why| view! {
                <section aria-labelledby="unanswered-title">
                    <h2 id="unanswered-title">{format!("未答复的{}条意见", t.unanswered)}</h2>
                    <p>{why}</p>
                </section>
            })}
            <ArticleTable r=r.clone() />
            {(!revisions.is_empty()).then(|| view! { <Revisions revisions /> })}
            <section aria-labelledby="comments-title">
                <h2 id="comments-title">"意见及答复"</h2>
                <ol class="report-comments">
                    {r.comments.into_iter().map(|c| view! {
                        <li id=format!("c{}", c.id)>
                            <p class="meta">{format!("第{}号 · {} · {}", c.id, c.article_label.unwrap_or_else(|| "全文".into()), format_long_date(c.created_at))}</p>
                            <p class="body">{c.body}</p>
                            <p class="answer">
                                {match c.disposition {
                                    Some(d) => view! { <strong class=format!("disposition {}", d.as_str())>{d.label()}</strong> }.into_any(),
                                    None => view! { <strong class="disposition none">"未答复"</strong> }.into_any(),
                                }}
                                {c.reason.map(|why| view! { "：" {why} })}
                            </p>
                        </li>
                    }).collect_view()}
                </ol>
                {(r.pages > 1 && !print).then(|| {
                    let href = move |p: u32| format!("/consultations/{cid}/report?page={p}#comments-title");
                    crate::ui::pager(
                        (r.page > 1).then(|| href(r.page - 1)),
                        Some(format!("第{}页，共{}页", r.page, r.pages)),
                        (r.page < r.pages).then(|| href(r.page + 1)),
                        " no-print",
                    )
                })}
                {(r.pages > 1 && print).then(|| view! { <PrintParts cid page=r.page pages=r.pages /> })}
            </section>
        </article>
    }
    .into_any()
}

/// Links to the other parts of a printable report too long for one printable page.
#[component]
fn PrintParts(cid: i64, page: u32, pages: u32) -> impl IntoView {
    let href = move |p: u32| format!("/consultations/{cid}/report?print=1&page={p}");
    view! {
        <nav class="pager no-print" aria-label="打印版分部分">
            {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"上一部分"</a> })}
            <span>{format!("第{page}部分，共{pages}部分")}</span>
            {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">"下一部分"</a> })}
        </nav>
    }
}

/// A bar per disposition, drawn on the server as SVG (readable without JavaScript), with the
/// numbers written beside the bars.
#[component]
fn Chart(t: Tally) -> impl IntoView {
    let mut rows: Vec<(&'static str, &'static str, u64)> =
        Disposition::ALL.iter().map(|d| (d.label(), d.as_str(), t.count(*d))).collect();
    if t.unanswered > 0 {
        rows.push(("未答复", "none", t.unanswered));
    }
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let height = rows.len() * 34 + 8;
    let described = rows.iter().map(|r| format!("{}{}条", r.0, r.2)).collect::<Vec<_>>().join("，");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 400 {height}") role="img" aria-label=format!("采纳情况：{described}") width="100%">
                {rows.into_iter().enumerate().map(|(i, (label, class, n))| {
                    let y = i * 34 + 8;
                    let w = (n as f64 / max as f64 * 170.0).round().max(if n > 0 { 2.0 } else { 0.0 });
                    view! {
                        <text x="0" y=y + 18 class="chart-label">{label}</text>
                        <rect x="112" y=y width=w height="24" class=format!("bar {class}") />
                        <text x=118.0 + w y=y + 18 class="chart-value">{format!("{n}条（{}）", percent(n, t.comments))}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{format!("公开意见{}条的采纳情况", t.comments)}</figcaption>
        </figure>
    }
}

#[component]
fn ArticleTable(r: Report) -> impl IntoView {
    let cid = r.consultation_id;
    view! {
        <section aria-labelledby="by-article">
            <h2 id="by-article">"逐条采纳情况"</h2>
            <div class="table-scroll">
                <table class="tally">
                    <thead>
                        <tr>
                            <th scope="col">"条文"</th>
                            <th scope="col">"意见"</th>
                            <th scope="col">"提出人数"</th>
                            {Disposition::ALL.into_iter().map(|d| view! { <th scope="col">{d.label()}</th> }).collect_view()}
                            <th scope="col">"未答复"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.articles.into_iter().map(|a| {
                            let href = format!("/consultations/{cid}#{}", a.anchor.clone().unwrap_or_default());
                            view! {
                                <tr>
                                    <th scope="row"><a href=href>{a.label}</a></th>
                                    <td>{a.tally.comments}</td>
                                    <td>{a.tally.participants}</td>
                                    {Disposition::ALL.into_iter().map(|d| view! { <td>{a.tally.count(d)}</td> }).collect_view()}
                                    <td>{a.tally.unanswered}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"合计"</th>
                            <td>{r.overall.comments}</td>
                            <td>{r.overall.participants}</td>
                            {Disposition::ALL.into_iter().map(|d| view! { <td>{r.overall.count(d)}</td> }).collect_view()}
                            <td>{r.overall.unanswered}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

/// The revised draft's changes, article by article, each linked to the comments adopted for it.
#[component]
fn Revisions(revisions: Vec<super::RevisedArticle>) -> impl IntoView {
    view! {
        <section aria-labelledby="revisions-title">
            <h2 id="revisions-title">"草案修改情况"</h2>
            <p class="hint">"删除的文字以删除线标示，新增的文字以下划线标示。"</p>
            {revisions.into_iter().map(|v| {
                let r = v.revision;
                view! {
                    <div class="revision">
                        <h3>{r.heading()}</h3>
                        {crate::ui::diff_pieces(r.pieces)}
                        {(!v.adopted.is_empty()).then(|| view! {
                            <p class="meta">"据以修改的意见："
                                {(v.adopted.len() >= super::MAX_LINKED).then_some("（以下仅列前若干条，条数见逐条采纳情况）")}
                                {v.adopted.into_iter().map(|id| view! { <a href=format!("#c{id}")>{format!("第{id}号")}</a> " " }).collect_view()}
                            </p>
                        })}
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
