//! The public's case pages: choosing what to file and the filing forms, the filer's progress page
//! (number + query code) with rating and review requests, a citizen's own cases, and the public
//! statistics.
use super::calls::*;
use crate::cases::{CaseKind, PetitionKind, Progress};
use crate::clock::{format_datetime, format_long_date};
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
                    Ok(crate::cases::StatPage { rows, page, pages }) => view! {
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
    let page = crate::ui::query("page");
    let data = Resource::new(
        move || (chosen.clone(), page()),
        |(number, page)| async move {
            let page = crate::paging::check(crate::paging::from_query(page.as_deref()))?;
            match number {
                Some(n) => my_case(n).await.map(|p| (vec![], Some(p), page)),
                None => my_cases(Some(page)).await.map(|l| (l, None, page)),
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
                        Ok((_, Some(p), _)) => view! {
                            <p class="crumbs"><a href="/me/cases">"← 全部"</a></p>
                            <FormMessage echo=echo.clone() />
                            <ProgressView p code=String::new() echo own=true />
                        }.into_any(),
                        Ok((list, None, 1)) if list.is_empty() => view! { <p>"您还没有以本账号提出过信访投诉。"</p> }.into_any(),
                        Ok((list, None, page)) => {
                            let more = list.len() as i64 == crate::cases::MINE_PAGE;
                            let pager = (page > 1 || more).then(|| crate::ui::pager(
                                (page > 1).then(|| format!("/me/cases?page={}", page - 1)),
                                Some(format!("第{page}页")),
                                more.then(|| format!("/me/cases?page={}", page + 1)),
                                "",
                            ));
                            view! {
                            <ul class="cards">
                                {list.into_iter().map(|(number, kind, matter, status, at)| view! {
                                    <li class="card">
                                        <form method="post" action="/me/cases" class="meta">
                                            <input type="hidden" name="number" value=number.clone() />
                                            <button type="submit" class="link">{number.clone()}</button>
                                            " · " {kind.label()} " · " {format_long_date(at)}
                                        </form>
                                        <p>{matter} " · " <span class="status">{status.label()}</span></p>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {pager}
                        }.into_any()
                        }
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
    // Reached from a document's page: its number, until the filer types another.
    let query = leptos_router::hooks::use_query_map();
    let named = move || query.read().get("document_number").unwrap_or_default().chars().take(100).collect::<String>();
    let units = Resource::new(|| (), |_| case_units());
    let viewer = crate::ui::viewer_resource();
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let Some(kind) = kind() else { return view! { <ErrorView err=AppError::NotFound /> }.into_any() };
                    let units = units.await.unwrap_or_default();
                    let signed_in = matches!(viewer.await, Ok(Some(_)));
                    if let Some(number) = echo.values.iter().find(|(k, _)| k == "filed_number").map(|(_, v)| v.clone()) {
                        return view! { <Filed number code=echo.value("filed_code") repeats=echo.value("filed_repeats") /> }.into_any();
                    }
                    let mut echo = echo;
                    if echo.value("document_number").is_empty() && !named().is_empty() {
                        echo.values.push(("document_number".into(), named()));
                    }
                    view! { <FileForm kind units echo signed_in /> }.into_any()
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
fn FileForm(kind: CaseKind, units: Vec<(i64, String)>, echo: FormEcho, signed_in: bool) -> impl IntoView {
    let v = |k: &str| echo.value(k);
    let report_possible = kind != CaseKind::Objection;
    let chosen_unit = v("concerned_agency_id");
    let register = format!("/register?next={}", crate::ui::encode_query(&format!("/cases/new/{}", kind.as_str())));
    // Signed out: said before anything is typed, not after the first submission.
    let account_note = match kind {
        _ if signed_in => None,
        CaseKind::Petition => Some("建议意见、申诉求决须以本人账号提出：请在表单末尾填写账号和密码，登录和提交一步完成，填写的内容和附件不会丢失。检举控告可以匿名提出，无须登录。"),
        CaseKind::Objection => Some("异议审查申请须以本人账号提出：请在表单末尾填写账号和密码，登录和提交一步完成，填写的内容和附件不会丢失。"),
        CaseKind::Complaint => None,
    };
    view! {
        <Title text=kind.label() />
        <h1>{kind.label()}</h1>
        {account_note.map(|note| view! {
            <div class="alert alert-info account-needed" role="note">
                {note} " " <a href=register.clone() target="_blank" rel="noopener">"没有账号？注册（新窗口）"</a>
            </div>
        })}
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
                <label for="document_number">"规范性文件的文号（如：长政发〔2026〕12号）"</label>
                <input id="document_number" name="document_number" maxlength="100" value=v("document_number")
                    aria-describedby="document_number-hint" />
                <p class="hint" id="document_number-hint">
                    "只能对文件库中登记、仍然有效的文件提出；申请由文件的制定机关办理，自收到之日起30日内答复，答复将在文件页面公开（不公开申请人的任何信息）。"
                    <a href="/documents" target="_blank" rel="noopener">"在文件库中查找文号（新窗口）"</a>
                </p>
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
            {(kind != CaseKind::Objection).then(|| view! {
                <label for="concerned_agency_id">"涉及的单位"</label>
                <select id="concerned_agency_id" name="concerned_agency_id">
                    <option value="">"（不在列表中，或不清楚）"</option>
                    {units.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=chosen_unit == id.to_string()>{name}</option>
                    }).collect_view()}
                </select>
                <label for="concerned_unit">"或填写单位名称"</label>
                <input id="concerned_unit" name="concerned_unit" value=v("concerned_unit") />
            })}
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
                <label for="email">"电子邮箱（留下的，受理、延期、处理意见等进度也发邮件告知）"</label>
                <input id="email" name="email" type="email" autocomplete="email" value=v("email") />
                <label for="address">"通讯地址"</label>
                <input id="address" name="address" autocomplete="street-address" value=v("address") />
                <p class="hint">"身份和联系方式加密保存，只有经授权的工作人员在必要时可以查看，每次查看都有记录。"</p>
            </fieldset>
            {(!signed_in).then(|| view! {
                <fieldset class="account">
                    <legend>{if kind == CaseKind::Complaint { "登录后提交（选填）" } else { "登录并提交" }}</legend>
                    <p class="hint">
                        {if kind == CaseKind::Complaint {
                            "登录后提交的，可在“我的信访”中查看办理进度；匿名的，不要填写。"
                        } else {
                            "已有账号的，填写账号和密码，提交时一并登录；检举控告选择匿名的，不要填写。"
                        }}
                        " " <a href=register target="_blank" rel="noopener">"没有账号？注册（新窗口，注册后回到本页提交即可）"</a>
                    </p>
                    <label for="account_login">"账号（手机号码或电子邮箱）"</label>
                    <input id="account_login" name="account_login" autocomplete="username" value=v("account_login") />
                    <FieldMessage echo=echo.clone() name="account_login" />
                    <label for="account_password">"密码"</label>
                    <input id="account_password" name="account_password" type="password" autocomplete="current-password" />
                    <FieldMessage echo=echo.clone() name="account_password" />
                </fieldset>
            })}
            <fieldset>
                <legend>"附件（选填）"</legend>
                <label for="attachments">"PDF、图片（JPG、PNG、GIF、WebP）或Office文档，最多5个，每个不超过10MB"</label>
                <input id="attachments" name="attachments" type="file" multiple
                    accept=crate::cases::ACCEPTED_FILES />
                <p class="hint" id="attachments-privacy">
                    "照片中的拍摄位置、时间、设备等信息会在保存前去除（无法确认去除的图片不予接收）。"
                    "PDF和Office文档中的“作者”“单位”“最后修改人”等属性不会被改动，可能暴露您的身份；"
                    "匿名举报的，请先在文档属性中删除这些信息，或把内容打印成PDF、截图后再上传。"
                </p>
                <FieldMessage echo=echo.clone() name="attachments" />
                {echo.error("attachments").filter(|_| !echo.values.is_empty()).map(|_| view! { <p class="hint">"其余内容已保留，请重新选择附件后再提交。"</p> })}
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
    // A refused request (rate limited, unreadable, a wrong code) keeps what was typed in the form
    // but looks nothing up: the refusal must not answer the question it refused.
    let refused = echo.error("form").is_some();
    let data = Resource::new(
        move || (number.clone(), code.clone()),
        move |(number, code)| async move {
            if refused || number.is_empty() || code.is_empty() {
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
                        // The number and code are the page's subject, shown again after rating or
                        // review too; the lookup's own errors stay with it.
                        <PostForm name="track" action="/cases/track" echo=echo.clone() class="stacked narrow" clone:echo let:mine>
                            <input type="hidden" name="look" value="1" />
                            <label for="number">"编号"</label>
                            <input id="number" name="number" placeholder="XF-2026-000001" value=echo.value("number") />
                            <FieldMessage echo=mine.clone() name="number" />
                            <label for="code">"查询码"</label>
                            <input id="code" name="code" autocomplete="off" value=echo.value("code") />
                            <FieldMessage echo=mine.clone() name="code" />
                            <button type="submit">"查询"</button>
                        </PostForm>
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProgressView(
    p: Progress,
    code: String,
    echo: FormEcho,
    /// Shown to the signed-in filer it was filed under: no code needed.
    #[prop(optional)]
    own: bool,
) -> impl IntoView {
    let number = p.number.clone();
    let has_code = !code.is_empty() || own;
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
                <dt>"状态"</dt><dd class="status" id="case-status">{p.status.label_at(p.stage)}</dd>
                {p.unit.clone().map(|u| view! { <dt>"办理单位"</dt><dd>{u}</dd> })}
                {p.due_on.clone().filter(|_| p.status.in_progress()).map(|d| view! { <dt>"本环节期限"</dt><dd>{crate::clock::long_iso(&d)}</dd> })}
                {p.review_until.clone().map(|d| {
                    let next = if p.stage == crate::cases::Stage::First { "复查" } else { "复核" };
                    view! { <dt>{format!("申请{next}期限")}</dt><dd>{format!("{}前（不服处理意见的）", crate::clock::long_iso(&d))}</dd> }
                })}
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
                <PostForm name="rating" action="/cases/rating" echo=echo.clone() class="stacked narrow" let:echo>
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
                    <FieldMessage echo=echo.clone() name="comment" />
                    <button type="submit">"提交评价"</button>
                </PostForm>
            })}
            {((p.may_request_review || p.may_request_rereview) && has_code).then(|| {
                let which = if p.may_request_review { "复查" } else { "复核" };
                view! {
                    <PostForm name="review" action="/cases/review" echo=echo.clone() class="stacked narrow" let:echo>
                        {review_fields}
                        <label for="reason">{format!("不服处理意见的，可申请{which}（收到意见之日起30日内）：理由")}</label>
                        <TextArea id="reason" name="reason" rows=3 value=echo.value("reason") />
                        <FieldMessage echo=echo.clone() name="reason" />
                        <button type="submit" class="secondary">{format!("申请{which}")}</button>
                    </PostForm>
                }
            })}
        </section>
    }
}
