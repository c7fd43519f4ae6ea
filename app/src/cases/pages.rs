//! Case pages: filing forms, the filer's progress page (number + query code), staff queues and the
//! case page with the actions the viewer may take. Plain forms; the server handles the posts.
use super::{CaseKind, CaseStatus, CaseSummary, Decision, PetitionKind, Progress, StaffCase};
use crate::clock::{format_date, format_datetime};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage};
use crate::ui::{ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The agencies a filer may name, and staff may route to: (id, name).
#[server(endpoint = "case_units")]
pub async fn case_units() -> Result<Vec<(i64, String)>, AppError> {
    let st = crate::state::state()?;
    Ok(sqlx::query_as("SELECT id, name FROM agencies ORDER BY name").fetch_all(&st.db).await?)
}

/// Progress of the case named in the echoed form (number and query code). Deliberately not a server
/// function: the page is rendered on the server after the rate-limited form post, and there is no
/// endpoint to try codes against.
async fn case_progress(number: String, code: String) -> Result<Progress, AppError> {
    #[cfg(feature = "ssr")]
    {
        let st = crate::state::state()?;
        super::store::progress(&st.db, &st.cases, &number, &code).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (number, code);
        Err(AppError::NotFound)
    }
}

/// A staff queue.
#[server(endpoint = "case_queue")]
pub async fn case_queue(queue: String, q: Option<String>) -> Result<Vec<CaseSummary>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    let which = super::store::Queue::named(&queue)?;
    super::store::queue(&st.db, &user, which, q.as_deref()).await
}

/// One case for staff.
#[server(endpoint = "staff_case")]
pub async fn load_staff_case(id: i64) -> Result<StaffCase, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    super::store::staff_view(&st.db, &user, id).await
}

/// The petition office's dashboard: load per unit and the cases overdue or due within 3 days.
#[server(endpoint = "case_dashboard")]
pub async fn case_dashboard() -> Result<(Vec<super::UnitLoad>, Vec<CaseSummary>), AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    super::store::dashboard(&st.db, &user).await
}

/// Public statistics (aggregates only), a page of months at a time.
#[server(endpoint = "case_statistics")]
pub async fn case_statistics(page: u32) -> Result<super::StatPage, AppError> {
    let st = crate::state::state()?;
    super::stats::page(&st.db, page).await
}

/// A signed-in citizen's own cases.
#[server(endpoint = "my_cases")]
pub async fn my_cases() -> Result<Vec<(String, CaseKind, String, CaseStatus, i64)>, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    super::store::mine(&st.db, &st.cases, &user).await
}

/// One of the signed-in citizen's own cases.
#[server(endpoint = "my_case")]
pub async fn my_case(number: String) -> Result<Progress, AppError> {
    let user = crate::state::require_viewer().await?;
    let st = crate::state::state()?;
    super::store::progress_for_filer(&st.db, &st.cases, &user, &number).await
}

/// The petition office's page: the dashboard, then the ordinary queue.
#[component]
pub fn PetitionOfficePage() -> impl IntoView {
    let board = Resource::new(|| (), |_| case_dashboard());
    view! {
        <Title text="信访工作台" />
        <h1>"信访工作台"</h1>
        <p class="meta"><a href="/petition/legal">"涉法涉诉件"</a> " · " <a href="/petition/discipline">"纪检监察件"</a>
            " · " <a href="/cases/stats">"公开统计"</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match board.await {
                    Ok((loads, urgent)) => view! {
                        <h2>"各单位办理情况"</h2>
                        {loads.is_empty().then(|| view! { <p>"暂无在办件。"</p> })}
                        {(!loads.is_empty()).then(|| view! {
                            <div class="table-scroll">
                                <table class="tally">
                                    <thead><tr><th scope="col">"单位"</th><th scope="col">"在办"</th><th scope="col">"超期"</th>
                                        <th scope="col">"3日内到期"</th><th scope="col">"督办中"</th><th scope="col">"不满意"</th></tr></thead>
                                    <tbody>
                                        {loads.into_iter().map(|l| {
                                            let class = if l.overdue > 0 { "overdue" } else { "" };
                                            view! {
                                            <tr class=class>
                                                <th scope="row">{l.unit}</th><td>{l.open}</td><td>{l.overdue}</td>
                                                <td>{l.due_soon}</td><td>{l.supervised}</td><td>{l.low_ratings}</td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        {(!urgent.is_empty()).then(|| view! {
                            <h2>"超期和即将到期的件"</h2>
                            <CaseTable items=urgent />
                        })}
                    }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
        <h2>"来件"</h2>
        <CaseQueuePage queue="ordinary" title="" />
    }
}

/// Public statistics of cases per unit and month.
#[component]
pub fn StatsPage() -> impl IntoView {
    let page = crate::ui::query("page");
    let data = Resource::new(page, |page| case_statistics(crate::paging::from_query(page.as_deref()).unwrap_or(1)));
    view! {
        <Title text="信访投诉办理统计" />
        <h1>"信访投诉办理统计"</h1>
        <p class="hint">"按收到的月份和办理单位统计，只公开汇总数字；每页12个月，最近的月份在前。"</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if p.rows.is_empty() => view! { <p>"暂无数据。"</p> }.into_any(),
                    Ok(super::StatPage { rows, page, pages }) => view! {
                        <div class="table-scroll">
                            <table class="tally">
                                <thead><tr>
                                    <th scope="col">"月份"</th><th scope="col">"单位"</th><th scope="col">"收到"</th>
                                    <th scope="col">"受理"</th><th scope="col">"按期办结"</th><th scope="col">"超期办结"</th>
                                    <th scope="col">"超期未结"</th><th scope="col">"满意度"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.month}</td><th scope="row">{r.unit}</th><td>{r.received}</td><td>{r.accepted}</td>
                                            <td>{r.decided_on_time}</td><td>{r.decided_late}</td><td>{r.overdue}</td>
                                            <td>{r.satisfaction.map(|s| format!("{s:.1}（{}人评价）", r.rated)).unwrap_or_else(|| "—".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <StatsPager page pages />
                    }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Links to earlier and later months of the statistics.
#[component]
fn StatsPager(page: u32, pages: u32) -> impl IntoView {
    let href = |p: u32| format!("/cases/stats?page={p}");
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="分页">
                {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"较近的月份"</a> })}
                <span>{format!("第{page}页，共{pages}页")}</span>
                {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">"更早的月份"</a> })}
            </nav>
        }
    })
}

/// A signed-in citizen's own cases, and one of them in detail (chosen by a form post, so a case
/// number never lands in a URL, the browser's history or a proxy's log).
#[component]
pub fn MyCasesPage() -> impl IntoView {
    let echo = use_echo();
    let chosen = Some(echo.value("number")).filter(|n| !n.trim().is_empty());
    let data = Resource::new(
        move || chosen.clone(),
        |number| async move {
            match number {
                Some(n) => my_case(n).await.map(|p| (vec![], Some(p))),
                None => my_cases().await.map(|l| (l, None)),
            }
        },
    );
    view! {
        <Title text="我的信访投诉" />
        <h1>"我的信访投诉"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((_, Some(p))) => view! {
                            <p class="crumbs"><a href="/me/cases">"← 全部"</a></p>
                            <ProgressView p code=String::new() echo />
                            <p class="hint">"评价或申请复查（复核）请凭编号和查询码在“办理进度查询”中办理。"</p>
                        }.into_any(),
                        Ok((list, None)) if list.is_empty() => view! { <p>"您还没有以本账号提出过信访投诉。"</p> }.into_any(),
                        Ok((list, None)) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|(number, kind, matter, status, at)| view! {
                                    <li class="card">
                                        <form method="post" action="/me/cases" class="meta">
                                            <input type="hidden" name="number" value=number.clone() />
                                            <button type="submit" class="link">{number.clone()}</button>
                                            " · " {kind.label()} " · " {format_date(at)}
                                        </form>
                                        <p>{matter} " · " <span class="status">{status.label()}</span></p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Choose what to file.
#[component]
pub fn NewCasePage() -> impl IntoView {
    view! {
        <Title text="来信来访" />
        <h1>"网上信访与投诉举报"</h1>
        <ul class="cards">
            <li class="card">
                <h2><a href="/cases/new/petition">"提出信访事项"</a></h2>
                <p>"建议意见、检举控告、申诉求决。须登录后以本人名义提出；检举控告可以匿名。"</p>
            </li>
            <li class="card">
                <h2><a href="/cases/new/complaint">"投诉举报违法行政行为"</a></h2>
                <p>"可以匿名。举报人的身份和材料严格保密，不会交给被举报的单位或个人。"</p>
            </li>
            <li class="card">
                <h2><a href="/cases/new/objection">"规范性文件异议审查申请"</a></h2>
                <p>"认为规范性文件违法的，可申请审查；制定机关自收到之日起30日内答复。"</p>
            </li>
        </ul>
        <p><a href="/cases/track">"凭编号和查询码查询办理进度"</a></p>
    }
}

/// The filing form of one kind (`/cases/new/:kind`); it works without JavaScript.
#[component]
pub fn FileCasePage() -> impl IntoView {
    let params = use_params_map();
    let kind = move || params.read().get("kind").and_then(|k| CaseKind::parse(&k));
    let echo = use_echo();
    let units = Resource::new(|| (), |_| case_units());
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let Some(kind) = kind() else { return view! { <ErrorView err=AppError::NotFound /> }.into_any() };
                    let units = units.await.unwrap_or_default();
                    if let Some(number) = echo.values.iter().find(|(k, _)| k == "filed_number").map(|(_, v)| v.clone()) {
                        return view! { <Filed number code=echo.value("filed_code") repeats=echo.value("filed_repeats") /> }.into_any();
                    }
                    view! { <FileForm kind units echo /> }.into_any()
                })
            }}
        </Suspense>
    }
}

/// What a filer sees once the case is stored: the number and the query code, shown this once.
#[component]
fn Filed(number: String, code: String, repeats: String) -> impl IntoView {
    view! {
        <Title text="已提交" />
        <section class="receipt" aria-labelledby="filed-title">
            <h1 id="filed-title">"已提交"</h1>
            <p class="receipt-no">"编号：" <strong id="case-number">{number}</strong></p>
            <p class="receipt-no">"查询码：" <strong id="query-code">{code}</strong></p>
            <p class="alert alert-info">"请记下编号和查询码。凭这两项可随时查询办理进度、评价和申请复查，无需登录；查询码只显示这一次。"</p>
            {(!repeats.is_empty()).then(|| view! {
                <p class="hint">{format!("您此前就同一事项提出的{repeats}仍在办理中，本次提交将一并告知工作人员。")}</p>
            })}
            <p><a href="/cases/track">"查询办理进度"</a></p>
        </section>
    }
}

#[component]
fn FileForm(kind: CaseKind, units: Vec<(i64, String)>, echo: FormEcho) -> impl IntoView {
    let v = |k: &str| echo.value(k);
    let report_possible = kind != CaseKind::Objection;
    let chosen_unit = v("concerned_agency_id");
    view! {
        <Title text=kind.label() />
        <h1>{kind.label()}</h1>
        <FormMessage echo=echo.clone() />
        <form method="post" action=format!("/cases/new/{}", kind.as_str()) enctype="multipart/form-data" class="stacked">
            {(kind == CaseKind::Petition).then(|| {
                let chosen = v("petition_kind");
                view! {
                    <fieldset>
                        <legend>"类别"</legend>
                        {PetitionKind::ALL.into_iter().map(|p| view! {
                            <label class="check">
                                <input type="radio" name="petition_kind" value=p.as_str() checked=chosen == p.as_str() />
                                {p.label()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage echo=echo.clone() name="petition_kind" />
                }
            })}
            {(kind == CaseKind::Objection).then(|| view! {
                <label for="document_title">"规范性文件名称"</label>
                <input id="document_title" name="document_title" value=v("document_title") />
                <FieldMessage echo=echo.clone() name="document_title" />
                <label for="document_number">"文号（如：某府规〔2025〕3号）"</label>
                <input id="document_number" name="document_number" value=v("document_number") />
                <FieldMessage echo=echo.clone() name="document_number" />
            })}
            <label for="matter">"事项（标题，100字以内）"</label>
            <input id="matter" name="matter" maxlength="100" value=v("matter") />
            <FieldMessage echo=echo.clone() name="matter" />
            <label for="facts">"事实和理由"</label>
            <TextArea id="facts" name="facts" rows=8 value=v("facts") />
            <FieldMessage echo=echo.clone() name="facts" />
            <label for="request">{if kind == CaseKind::Complaint { "请求（选填）" } else { "请求" }}</label>
            <TextArea id="request" name="request" rows=3 value=v("request") />
            <FieldMessage echo=echo.clone() name="request" />
            <label for="concerned_agency_id">{if kind == CaseKind::Objection { "制定机关" } else { "涉及的单位" }}</label>
            <select id="concerned_agency_id" name="concerned_agency_id">
                <option value="">"（不在列表中，或不清楚）"</option>
                {units.into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=chosen_unit == id.to_string()>{name}</option>
                }).collect_view()}
            </select>
            <label for="concerned_unit">"或填写单位名称"</label>
            <input id="concerned_unit" name="concerned_unit" value=v("concerned_unit") />
            <fieldset>
                <legend>"附件（选填）"</legend>
                <label for="attachments">"PDF、图片（JPG、PNG、GIF、WebP）或Office文档，最多5个，每个不超过10MB"</label>
                <input id="attachments" name="attachments" type="file" multiple
                    accept=".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods" />
                <p class="hint" id="attachments-privacy">
                    "照片中的拍摄位置、时间、设备等信息会在保存前去除（无法确认去除的图片不予接收）。"
                    "PDF和Office文档中的“作者”“单位”“最后修改人”等属性不会被改动，可能暴露您的身份；"
                    "匿名举报的，请先在文档属性中删除这些信息，或把内容打印成PDF、截图后再上传。"
                </p>
                <FieldMessage echo=echo.clone() name="attachments" />
                {echo.error("attachments").map(|_| view! { <p class="hint">"其余内容已保留，请重新选择附件后再提交。"</p> })}
            </fieldset>
            <fieldset>
                <legend>"提出人"</legend>
                {report_possible.then(|| view! {
                    <label class="check">
                        <input type="checkbox" name="anonymous" value="1" checked=echo.checked("anonymous") />
                        "匿名提出（仅限投诉举报、检举控告；匿名的，凭编号和查询码查询结果）"
                    </label>
                    <FieldMessage echo=echo.clone() name="anonymous" />
                })}
                <label for="name">"姓名"</label>
                <input id="name" name="name" autocomplete="name" value=v("name") />
                <FieldMessage echo=echo.clone() name="name" />
                <label for="phone">"联系电话"</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" value=v("phone") />
                <FieldMessage echo=echo.clone() name="phone" />
                <label for="email">"电子邮箱"</label>
                <input id="email" name="email" type="email" autocomplete="email" value=v("email") />
                <label for="address">"通讯地址"</label>
                <input id="address" name="address" autocomplete="street-address" value=v("address") />
                <p class="hint">"身份和联系方式加密保存，只有经授权的工作人员在必要时可以查看，每次查看都有记录。"</p>
            </fieldset>
            <button type="submit">"提交"</button>
        </form>
    }
}

/// The filer's page: number + query code show the progress; rating and review requests from here.
#[component]
pub fn TrackPage() -> impl IntoView {
    let echo = use_echo();
    let number = echo.value("number");
    let code = echo.value("code");
    let data = Resource::new(
        move || (number.clone(), code.clone()),
        |(number, code)| async move {
            if number.is_empty() || code.is_empty() {
                Ok(None)
            } else {
                case_progress(number, code).await.map(Some)
            }
        },
    );
    view! {
        <Title text="办理进度查询" />
        <h1>"办理进度查询"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let result = data.await;
                    view! {
                        <FormMessage echo=echo.clone() />
                        {match result {
                            Ok(Some(p)) => view! { <ProgressView p code=echo.value("code") echo=echo.clone() /> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(AppError::NotFound) => view! {
                                <div class="alert alert-error" role="alert">"编号或查询码不正确，请核对后再试。"</div>
                            }.into_any(),
                            Err(e) => view! { <ErrorView err=e /> }.into_any(),
                        }}
                        <form method="post" action="/cases/track" class="stacked narrow">
                            <input type="hidden" name="look" value="1" />
                            <label for="number">"编号"</label>
                            <input id="number" name="number" placeholder="XF-2026-000001" value=echo.value("number") />
                            <label for="code">"查询码"</label>
                            <input id="code" name="code" autocomplete="off" value=echo.value("code") />
                            <button type="submit">"查询"</button>
                        </form>
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProgressView(p: Progress, code: String, echo: FormEcho) -> impl IntoView {
    let number = p.number.clone();
    let has_code = !code.is_empty();
    let hidden = move || {
        view! {
            <input type="hidden" name="number" value=number.clone() />
            <input type="hidden" name="code" value=code.clone() />
        }
    };
    let (rate_fields, review_fields) = (hidden.clone()(), hidden());
    view! {
        <section class="progress" aria-labelledby="progress-title">
            <h2 id="progress-title">{format!("{} · {}", p.number, p.matter)}</h2>
            <dl>
                <dt>"类型"</dt><dd>{p.kind.label()} {p.petition_kind.map(|k| format!("（{}）", k.label()))}</dd>
                <dt>"状态"</dt><dd class="status" id="case-status">{p.status.label()}</dd>
                {p.unit.clone().map(|u| view! { <dt>"办理单位"</dt><dd>{u}</dd> })}
                {p.due_on.clone().filter(|_| p.status.in_progress()).map(|d| view! { <dt>"本环节期限"</dt><dd>{d}</dd> })}
                {p.decision.map(|d| view! { <dt>"处理意见"</dt><dd class="decision"><strong>{d.label()}</strong></dd> })}
                {p.satisfaction.map(|s| view! { <dt>"满意度评价"</dt><dd>{format!("{s}分")}</dd> })}
                <dt>"提交时间"</dt><dd>{format_datetime(p.received_at)}</dd>
            </dl>
            <h3>"办理过程"</h3>
            <ol class="steps">
                {p.steps.into_iter().map(|s| view! {
                    <li><span class="meta">{format_datetime(s.at)}</span> " " <span class="step-text">{s.text}</span></li>
                }).collect_view()}
            </ol>
            {(p.may_rate && has_code).then(|| view! {
                <form method="post" action="/cases/rating" class="stacked narrow">
                    {rate_fields}
                    <fieldset>
                        <legend>"对办理结果的满意度"</legend>
                        {(1..=5).rev().map(|n| view! {
                            <label class="check"><input type="radio" name="score" value=n.to_string() />
                                {["", "1分 很不满意", "2分 不满意", "3分 基本满意", "4分 满意", "5分 非常满意"][n]}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage echo=echo.clone() name="score" />
                    <label for="comment">"评价意见（选填）"</label>
                    <TextArea id="comment" name="comment" rows=2 value=echo.value("comment") />
                    <button type="submit">"提交评价"</button>
                </form>
            })}
            {((p.may_request_review || p.may_request_rereview) && has_code).then(|| {
                let which = if p.may_request_review { "复查" } else { "复核" };
                view! {
                    <form method="post" action="/cases/review" class="stacked narrow">
                        {review_fields}
                        <label for="reason">{format!("不服处理意见的，可申请{which}（收到意见之日起30日内）：理由")}</label>
                        <TextArea id="reason" name="reason" rows=3 value=echo.value("reason") />
                        <FieldMessage echo=echo.clone() name="reason" />
                        <button type="submit" class="secondary">{format!("申请{which}")}</button>
                    </form>
                }
            })}
        </section>
    }
}

/// A staff queue page: `/petition` (ordinary), `/petition/legal`, `/petition/discipline`, `/staff/cases` (unit).
#[component]
pub fn CaseQueuePage(queue: &'static str, title: &'static str) -> impl IntoView {
    let q = crate::ui::query("q");
    let list = Resource::new(q, move |q| case_queue(queue.to_string(), q));
    view! {
        {(!title.is_empty()).then(|| view! { <Title text=title /> <h1>{title}</h1> })}
        <form method="get" class="inline-form" role="search">
            <label for="case-q">"搜索编号、事项或内容"</label>
            <input id="case-q" name="q" type="search" value=q().unwrap_or_default() />
            <button type="submit">"搜索"</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p>"暂无来件。"</p> }.into_any(),
                    Ok(items) => view! { <CaseTable items /> }.into_any(),
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn clock_text(c: &CaseSummary) -> (String, &'static str) {
    match c.days_left {
        Some(d) if d < 0 => (format!("已超期{}日", -d), "overdue"),
        Some(d) if d <= 3 => (format!("剩{d}日"), "soon"),
        Some(d) => (format!("剩{d}日"), ""),
        None => (String::new(), ""),
    }
}

#[component]
fn CaseTable(items: Vec<CaseSummary>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="cases">
                <thead><tr><th>"编号"</th><th>"事项"</th><th>"状态"</th><th>"办理单位"</th><th>"期限"</th><th>"提示"</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|c| {
                        let (left, class) = clock_text(&c);
                        let mut flags = Vec::new();
                        if c.supervised { flags.push("督办".to_string()); }
                        if let Some(n) = &c.repeats { flags.push(format!("重复件（{n}）")); }
                        if c.satisfaction.is_some_and(|s| s <= 2) { flags.push(format!("不满意（{}分）", c.satisfaction.unwrap_or(0))); }
                        view! {
                            <tr class=class>
                                <td><a href=format!("/staff/cases/{}", c.id)>{c.number.clone()}</a></td>
                                <td>{c.matter.clone()}</td>
                                <td>{c.status.label()}</td>
                                <td>{c.unit.clone().unwrap_or_default()}</td>
                                <td>{c.due_on.clone().unwrap_or_default()} " " {left}</td>
                                <td>{flags.join("、")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One case for staff, with the forms for what the viewer may do.
#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let echo = use_echo();
    let data = Resource::new(id, |id| async move {
        let id = id.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>((load_staff_case(id).await?, case_units().await?))
    });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((c, units)) => view! { <StaffCaseView c units echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn StaffCaseView(c: StaffCase, units: Vec<(i64, String)>, echo: FormEcho) -> impl IntoView {
    let s = c.summary.clone();
    let action = format!("/staff/cases/{}/actions", s.id);
    let (left, _) = clock_text(&s);
    let unit_options = move || {
        units.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()
    };
    let f = |name: &'static str| view! { <FieldMessage echo=echo.clone() name /> };
    view! {
        <Title text=format!("{} {}", s.number, s.matter) />
        <h1>{format!("{} · {}", s.number, s.matter)}</h1>
        <FormMessage echo=echo.clone() />
        <dl class="case-facts">
            <dt>"类型"</dt><dd>{s.kind.label()} {s.petition_kind.map(|k| format!("（{}）", k.label()))}</dd>
            <dt>"状态"</dt><dd id="case-status">{s.status.label()} {(s.stage != super::Stage::First).then(|| format!("（{}）", s.stage.label()))}</dd>
            <dt>"期限"</dt><dd>{s.due_on.clone().unwrap_or_default()} " " {left}</dd>
            {s.unit.clone().map(|u| view! { <dt>"办理单位"</dt><dd>{u}</dd> })}
            {c.concerned.clone().map(|u| view! { <dt>"涉及单位"</dt><dd>{u}</dd> })}
            {c.document.clone().map(|d| view! { <dt>"规范性文件"</dt><dd>{d}</dd> })}
            {s.repeats.clone().map(|n| view! { <dt>"重复件"</dt><dd class="warn">{format!("同一人同一事项的{n}仍在办理中")}</dd> })}
            <dt>"提出人"</dt><dd>{if c.anonymous { "匿名" } else { "实名（身份信息加密保存）" }}</dd>
            <dt>"事实和理由"</dt><dd class="body">{c.facts.clone()}</dd>
            {(!c.request.is_empty()).then(|| view! { <dt>"请求"</dt><dd class="body">{c.request.clone()}</dd> })}
        </dl>
        {(!c.attachments.is_empty()).then(|| view! {
            <h2>"附件"</h2>
            <ul>
                {c.attachments.iter().map(|a| view! {
                    <li><a href=format!("/staff/cases/{}/files/{}", s.id, a.id) download="">{a.name.clone()}</a>
                        {format!("（{}KB）", (a.size + 1023) / 1024)}</li>
                }).collect_view()}
            </ul>
        })}
        {(c.may_triage && s.is_report()).then(|| view! {
            <h2>"被举报单位"</h2>
            <p class="hint">"举报件须确定被举报单位后才能转送或交办；不会转交被举报单位及其上下级单位，相关人员也看不到本件。"</p>
            <form method="post" action=action.clone() class="stacked">
                <label for="concerned-unit">"被举报单位"</label>
                <select id="concerned-unit" name="unit">{unit_options()}</select>
                {f("concerned_agency_id")}
                <button type="submit" name="action" value="concerns" class="secondary">"确定被举报单位"</button>
            </form>
        })}
        {c.may_triage.then(|| view! {
            <h2>"登记分流"</h2>
            <form method="post" action=action.clone() class="stacked">
                <label for="unit">"责任单位"</label>
                <select id="unit" name="unit">{unit_options()}</select>
                {f("unit")}
                <label for="due_on">"交办的办结期限（交办时填写）"</label>
                <input id="due_on" name="due_on" type="date" value=echo.value("due_on") />
                {f("due_on")}
                <label for="note">"转办意见"</label>
                <input id="note" name="note" value=echo.value("note") />
                <button type="submit" name="action" value="transfer">"转送"</button>
                <button type="submit" name="action" value="assign" class="secondary">"交办"</button>
            </form>
            <form method="post" action=action.clone() class="stacked">
                <label for="reason">"不予受理的理由"</label>
                <TextArea id="reason" name="reason" rows=2 value=echo.value("reason") />
                {f("reason")}
                <label for="channel">"告知应当通过的途径"</label>
                <input id="channel" name="channel" value=echo.value("channel") />
                {f("channel")}
                <button type="submit" name="action" value="not_accept" class="secondary">"不予受理"</button>
            </form>
            <form method="post" action=action.clone() class="stacked">
                <label for="body">"涉法涉诉：导入法律程序（受理机关）"</label>
                <select id="body" name="body">
                    {super::LEGAL_BODIES.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                </select>
                <button type="submit" name="action" value="legal" class="secondary">"导入法律程序"</button>
                <button type="submit" name="action" value="discipline" class="secondary">"转纪检监察机关"</button>
            </form>
        })}
        {c.may_handle.then(|| {
            let routed = s.status == CaseStatus::Routed;
            let assigned = c.routing.as_deref() == Some("assign");
            view! {
                <h2>"办理"</h2>
                {routed.then(|| view! {
                    <form method="post" action=action.clone() class="stacked">
                        <button type="submit" name="action" value="accept">"受理"</button>
                        <label for="object-reason">"不属于本单位职责的，5个工作日内提出异议：理由"</label>
                        <TextArea id="object-reason" name="reason" rows=2 value={String::new()} />
                        <button type="submit" name="action" value="object" class="secondary">"提出异议"</button>
                    </form>
                })}
                {(!routed).then(|| view! {
                    <form method="post" action=action.clone() class="stacked">
                        <label for="days">"延长办理期限（天，最多30日，只能延长一次）"</label>
                        <input id="days" name="days" type="number" min="1" max="30" value=echo.value("days") />
                        {f("days")}
                        <label for="extend-reason">"延期理由（将告知提出人）"</label>
                        <input id="extend-reason" name="reason" value=echo.value("reason") />
                        <button type="submit" name="action" value="extend" class="secondary">"延期"</button>
                    </form>
                    <DecisionForm action=action.clone() value="decide" echo=echo.clone() report=assigned />
                })}
            }
        })}
        {c.may_decide_review.then(|| view! {
            <h2>{format!("{}决定", s.stage.label())}</h2>
            <DecisionForm action=action.clone() value="decide_review" echo=echo.clone() report=false />
        })}
        {c.may_terminate.then(|| view! {
            <form method="post" action=action.clone() class="stacked">
                <label for="terminate-reason">"依法终结的理由（法律程序已经穷尽）"</label>
                <TextArea id="terminate-reason" name="reason" rows=2 value={String::new()} />
                <button type="submit" name="action" value="terminate">"依法终结"</button>
            </form>
        })}
        {c.may_supervise.then(|| view! {
            <form method="post" action=action.clone() class="stacked">
                <label for="supervise-note">"督办意见"</label>
                <input id="supervise-note" name="note" />
                <button type="submit" name="action" value="supervise" class="secondary">"督办"</button>
            </form>
        })}
        {(c.summary.supervised && c.may_handle).then(|| view! {
            <form method="post" action=action.clone() class="stacked">
                <label for="answer-note">"回复督办"</label>
                <input id="answer-note" name="note" />
                <button type="submit" name="action" value="answer_supervision">"回复"</button>
            </form>
        })}
        {c.may_reveal.then(|| view! {
            <details>
                <summary>"查看提出人身份（将被记录）"</summary>
                <form method="post" action=action.clone() class="stacked">
                    <label for="reveal-reason">"查看理由"</label>
                    <input id="reveal-reason" name="reason" />
                    <button type="submit" name="action" value="reveal" class="secondary">"查看"</button>
                </form>
            </details>
        })}
        <h2>"全过程记录"</h2>
        <ol class="steps">
            {c.steps.into_iter().map(|st| view! {
                <li>
                    <span class="meta">{format!("#{} {} {}", st.seq, format_datetime(st.at), st.actor.unwrap_or_else(|| "提出人".into()))}</span>
                    " " {st.text} {(!st.public).then_some("（内部）")}
                </li>
            }).collect_view()}
        </ol>
        <p class="meta">{format!("收到于{}", format_date(s.received_at))}</p>
    }
    .into_any()
}

#[component]
fn DecisionForm(action: String, value: &'static str, echo: FormEcho, report: bool) -> impl IntoView {
    view! {
        <form method="post" action=action class="stacked">
            <label for="decision">"处理意见"</label>
            <select id="decision" name="decision">
                {Decision::ALL.into_iter().map(|d| view! { <option value=d.as_str()>{d.label()}</option> }).collect_view()}
            </select>
            <label for="text">"处理意见书正文"</label>
            <TextArea id="text" name="text" rows=5 value=echo.value("text") />
            <FieldMessage echo=echo.clone() name="text" />
            <label for="basis">"法律、政策依据"</label>
            <input id="basis" name="basis" value=echo.value("basis") />
            <FieldMessage echo=echo.clone() name="basis" />
            {report.then(|| view! {
                <label for="report">"办结报告（交办件须向信访部门报送）"</label>
                <TextArea id="report" name="report" rows=4 value=echo.value("report") />
                <FieldMessage echo=echo.clone() name="report" />
            })}
            <button type="submit" name="action" value=value>"出具处理意见"</button>
        </form>
    }
}
