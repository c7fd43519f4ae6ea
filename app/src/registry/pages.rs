//! The registry's pages: the public list (narrowed by status, year, agency and words), a
//! document's page at a stable address with its versions, what each amendment changed and its
//! status history, and the agency's forms to register a document and change its status.
use super::text_view::DocumentText;
use super::{
    document_agencies, get_document, list_documents, registration_context, DocDetail, DocFilter, DocStatus, DocSummary,
    ObjectionReview,
};
use crate::attachments::pages::AttachmentList;
use crate::clock::format_long_date;
use crate::error::AppError;
use crate::forms::{use_echo, FieldMessage, FormEcho, FormMessage, PostForm};
use crate::ui::{query, ErrorView, Loading, TextArea};
use leptos::prelude::*;
use leptos_meta::Title;

fn badge(status: DocStatus) -> impl IntoView {
    let class = if status.binding() { "badge badge-open" } else { "badge badge-closed" };
    view! { <span class=class>{status.label()}</span> }
}

/// `/documents`: every registered document, newest first.
#[component]
pub fn RegistryPage() -> impl IntoView {
    let (q, status, year, agency, page) = (query("q"), query("status"), query("year"), query("agency"), query("page"));
    let filter = move || DocFilter {
        q: q(),
        status: status(),
        year: crate::paging::id_from_query(year().as_deref()),
        agency: crate::paging::id_from_query(agency().as_deref()),
        page: crate::paging::from_query(page().as_deref()),
    };
    let found = Resource::new(filter, list_documents);
    let agencies = Resource::new(|| (), |_| document_agencies());
    view! {
        <Title text="规范性文件库" />
        <h1>"规范性文件库"</h1>
        <p>"本市规范性文件统一登记、统一编号、统一公布。未经公布的规范性文件，不得作为行政管理的依据。"</p>
        <p><a href="/cleanups">"规范性文件清理结果"</a></p>
        <form method="get" action="/documents" class="stacked narrow" role="search">
            <label for="q">"标题、文号或正文字词"</label>
            <input id="q" name="q" maxlength="100" value=q().unwrap_or_default() />
            <div class="row">
                <div>
                    <label for="status">"状态"</label>
                    <select id="status" name="status">
                        <option value="">"全部"</option>
                        <option value="binding" selected=status().as_deref() == Some("binding")>"有效（含已修改、拟清理）"</option>
                        {DocStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=status().as_deref() == Some(s.as_str())>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="year">"年份"</label>
                    <input id="year" name="year" inputmode="numeric" maxlength="4" value=year().unwrap_or_default() />
                </div>
            </div>
            <div>
                <label for="agency">"制定机关"</label>
                <Suspense fallback=|| view! { <select id="agency" name="agency"><option value="">"全部"</option></select> }>
                    {move || Suspend::new(async move {
                        let chosen = agency();
                        let listed = agencies.await.unwrap_or_default();
                        view! {
                            <select id="agency" name="agency">
                                <option value="">"全部"</option>
                                {listed.into_iter().map(|(id, name)| {
                                    let selected = chosen.as_deref() == Some(id.to_string().as_str());
                                    view! { <option value=id.to_string() selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
            </div>
            <button type="submit">"检索"</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(p) if p.documents.is_empty() => view! { <p>"没有符合条件的文件。"</p> }.into_any(),
                    Ok(p) => {
                        let base = filter();
                        let href = move |page: u32| {
                            let mut parts = vec![format!("page={page}")];
                            for (k, v) in [("q", base.q.clone()), ("status", base.status.clone()),
                                           ("year", base.year.map(|y| y.to_string())), ("agency", base.agency.map(|a| a.to_string()))] {
                                if let Some(v) = v {
                                    parts.push(format!("{k}={}", crate::ui::encode_query(&v)));
                                }
                            }
                            format!("/documents?{}", parts.join("&"))
                        };
                        let pager = (p.pages > 1).then(|| crate::ui::pager(
                            (p.page > 1).then(|| href(p.page - 1)),
                            Some(format!("第{}页，共{}页", p.page, p.pages)),
                            (p.page < p.pages).then(|| href(p.page + 1)),
                            "",
                        ));
                        view! {
                            <p class="meta">{format!("共{}件", p.total)}</p>
                            <DocumentList items=p.documents />
                            {pager}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorView err=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DocumentList(items: Vec<DocSummary>) -> impl IntoView {
    view! {
        <ul class="cards">
            {items.into_iter().map(|d| view! {
                <li class="card">
                    {badge(d.status)}
                    <h2><a href=format!("/documents/{}", d.id)>{d.title}</a></h2>
                    <p class="meta">
                        {d.number}" · "<a href=format!("/documents?agency={}", d.agency_id)>{d.agency_name}</a>
                        " · "{format_long_date(d.published_on)}"公布 · 有效期至"{format_long_date(d.valid_until)}
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// `/documents/:id`: one document, citable at this address.
#[component]
pub fn DocumentPage() -> impl IntoView {
    let id = crate::consultations::pages::route_id();
    let echo = use_echo();
    let user = crate::ui::viewer_resource();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_document(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let reviewer = Resource::new(id, |id| async move {
        match id {
            Some(id) => super::may_review_filing(id).await.unwrap_or(false),
            None => false,
        }
    });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let own = matches!(user.await, Ok(Some(u)) if u.staff_agency().ok() == Some(detail.await.as_ref().map(|d| d.summary.agency_id).unwrap_or(-1)));
                    let reviewer = reviewer.await;
                    match detail.await {
                        Ok(d) => view! { <DocumentView d own reviewer echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn link_to(l: &super::DocLink) -> impl IntoView {
    view! { <a href=format!("/documents/{}", l.id)>{format!("{}《{}》", l.number, l.title)}</a> }
}

#[component]
fn DocumentView(d: DocDetail, own: bool, reviewer: bool, echo: FormEcho) -> impl IntoView {
    let s = d.summary.clone();
    let current = d.versions.last().cloned();
    let earlier: Vec<_> = d.versions.iter().rev().skip(1).cloned().collect();
    view! {
        <Title text=format!("{} {}", s.title, s.number) />
        <p class="crumbs"><a href="/documents">"← 规范性文件库"</a></p>
        <h1>{s.title.clone()}</h1>
        <FormMessage echo=echo.clone() />
        <dl class="facts">
            <dt>"文号"</dt><dd>{s.number.clone()}</dd>
            <dt>"引用地址"</dt>
            <dd><a href=format!("/documents/number/{}", crate::ui::encode_query(&s.number))>{format!("/documents/number/{}", s.number)}</a></dd>
            <dt>"制定机关"</dt><dd><a href=format!("/documents?agency={}", s.agency_id)>{s.agency_name.clone()}</a></dd>
            <dt>"状态"</dt><dd>{badge(s.status)}</dd>
            <dt>"通过日期"</dt><dd>{format_long_date(d.adopted_on)}</dd>
            <dt>"公布日期"</dt><dd>{format_long_date(s.published_on)}</dd>
            <dt>"施行日期"</dt><dd>{format_long_date(s.effective_on)}</dd>
            <dt>"有效期至"</dt><dd>{format_long_date(s.valid_until)}{d.provisional.then_some("（暂行、试行文件）")}</dd>
            {d.consultation.clone().map(|c| view! {
                <dt>"征求意见"</dt>
                <dd>
                    <a href=format!("/consultations/{}", c.id)>{c.title}</a>
                    {c.report_published.then(|| view! { " · " <a href=format!("/consultations/{}/report", c.id)>"意见采纳情况说明"</a> })}
                </dd>
            })}
        </dl>
        {(!d.acted_on.is_empty()).then(|| view! {
            <section aria-labelledby="acted-title">
                <h2 id="acted-title">"本文件修改或废止的文件"</h2>
                <ul>{d.acted_on.iter().map(|l| view! { <li>{link_to(l)}</li> }).collect_view()}</ul>
            </section>
        })}
        {current.map(|v| view! {
            <section aria-labelledby="text-title">
                <h2 id="text-title">{if v.version > 1 { format!("现行文本（第{}版）", v.version) } else { "全文".to_string() }}</h2>
                <DocumentText text=v.full_text.clone() anchored=true />
            </section>
        })}
        <AttachmentList attachments=d.attachments.clone() />
        {own.then(|| view! {
            <p><a href=super::FILES.staff_page(s.id)>"添加附件（附件、政策解读等）"</a></p>
        })}
        {(!d.amendments.is_empty()).then(|| view! { <Amendments d=d.clone() /> })}
        {(!earlier.is_empty()).then(|| view! {
            <section aria-labelledby="versions-title">
                <h2 id="versions-title">"历次文本"</h2>
                {earlier.into_iter().map(|v| view! {
                    <details id=format!("v{}", v.version)>
                        <summary>{format!("第{}版，{}起施行", v.version, format_long_date(v.effective_on))}</summary>
                        <DocumentText text=v.full_text.clone() anchored=false />
                    </details>
                }).collect_view()}
            </section>
        })}
        <section aria-labelledby="history-title">
            <h2 id="history-title">"状态变更记录"</h2>
            <table>
                <thead><tr><th scope="col">"日期"</th><th scope="col">"状态"</th><th scope="col">"理由"</th><th scope="col">"依据文件"</th></tr></thead>
                <tbody>
                    {d.history.iter().map(|h| view! {
                        <tr>
                            <td>{format_long_date(h.on_date)}</td>
                            <td>{h.status.label()}{h.by_clock.then_some("（自动）")}</td>
                            <td>
                                {h.reason.clone()}
                                {h.objection_received_on.clone().map(|on| view! {
                                    <span class="meta">{format!("（因{on}收到的异议审查申请）")}</span>
                                })}
                            </td>
                            <td>{h.related.as_ref().map(link_to)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {d.filing.clone().map(|f| {
            let binding = s.status.binding();
            view! { <super::filing_pages::FilingSection id=s.id f own reviewer binding echo=echo.clone() /> }
        })}
        <Objections d=d.clone() own echo=echo.clone() />
        {own.then(|| {
            let answered = d.objections.iter().filter(|o| o.answered_on.is_some()).cloned().collect();
            view! { <StatusForm id=s.id status=s.status answered echo /> }
        })}
    }
}

/// The document's objection reviews as the public may know them (never the applicant), and the
/// way to apply for one while it binds.
#[component]
fn Objections(d: DocDetail, own: bool, echo: FormEcho) -> impl IntoView {
    let s = d.summary;
    let document = s.id;
    let apply = format!("/cases/new/objection?document_number={}", crate::ui::encode_query(&s.number));
    view! {
        <section aria-labelledby="objections-title">
            <h2 id="objections-title">"异议审查"</h2>
            {s.status.binding().then(|| view! {
                <p>
                    "认为本文件违法的，可以申请审查，制定机关自收到之日起30日内答复，答复在本页公开（不公开申请人的任何信息）。"
                    <a href=apply>"对本文件提出异议审查申请"</a>
                </p>
            })}
            {(d.objections_waiting > 0).then(|| view! {
                <p class="meta">{format!("另有{}件申请已收到，正在登记转送，制定机关受理后在此公开。", d.objections_waiting)}</p>
            })}
            {if d.objections.is_empty() {
                view! { <p class="meta">"尚无公开的异议审查申请。"</p> }.into_any()
            } else {
                view! {
                    <ol class="objections">
                        {d.objections.into_iter().map(|o| view! {
                            <li id=format!("o{}", o.key)>
                                <p class="meta">
                                    {format!("{}收到，应于{}前答复", o.received_on, o.due_on)}
                                    {match (&o.answered_on, &o.ended) {
                                        (Some(on), _) => format!("，{on}答复"),
                                        (None, Some(why)) => format!("，{why}"),
                                        (None, None) => "，办理中".to_string(),
                                    }}
                                    {o.late.then(|| view! { " " <span class="badge badge-warn">"逾期"</span> })}
                                </p>
                                {o.decision_label.map(|l| view! { <p><strong>{l}</strong></p> })}
                                {o.corrected_on.clone().map(|on| view! {
                                    <p class="meta">{format!("{on}更正答复：{}", o.correction_reason.clone().unwrap_or_default())}</p>
                                })}
                                {o.public_answer.clone().map(|a| view! {
                                    <div class="full-text">{a.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
                                })}
                                {(own && o.public_answer.is_some()).then(|| {
                                    let key = o.key;
                                    let (answer_id, reason_id) = (format!("public_answer_{key}"), format!("correction_reason_{key}"));
                                    let current = o.public_answer.clone().unwrap_or_default();
                                    view! {
                                        <details>
                                            <summary>"更正公开答复"</summary>
                                            <PostForm name=format!("correct_{key}") action=format!("/staff/objections/{key}/answer") echo=echo.clone() class="stacked narrow" let:echo>
                                                <input type="hidden" name="document" value=document.to_string() />
                                                <label for=answer_id.clone()>"更正后的公开答复（不得含申请人的任何信息）"</label>
                                                <TextArea id=answer_id name="public_answer" rows=4 required=true value=if echo.value("public_answer").is_empty() { current } else { echo.value("public_answer") } />
                                                <FieldMessage echo=echo.clone() name="public_answer" />
                                                <label for=reason_id.clone()>"更正理由（公开）"</label>
                                                <input id=reason_id name="reason" required maxlength="500" value=echo.value("reason") />
                                                <FieldMessage echo=echo.clone() name="reason" />
                                                <button type="submit">"更正"</button>
                                            </PostForm>
                                        </details>
                                    }
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Amendments(d: DocDetail) -> impl IntoView {
    view! {
        <section aria-labelledby="amendments-title">
            <h2 id="amendments-title">"修改情况"</h2>
            <p class="hint">"删除的文字以删除线标示，新增的文字以下划线标示。"</p>
            {d.amendments.into_iter().map(|a| {
                let by = d.versions.iter().find(|v| v.version == a.version).and_then(|v| v.amended_by.clone());
                view! {
                    <h3>{format!("第{}版对第{}版的修改", a.version, a.version - 1)}{by.map(|l| view! { "（" {link_to(&l)} "）" })}</h3>
                    {a.changes.into_iter().map(|r| view! {
                        <div class="revision">
                            <h4>{r.heading()}</h4>
                            {crate::ui::diff_pieces(r.pieces)}
                        </div>
                    }).collect_view()}
                }
            }).collect_view()}
        </section>
    }
}

/// The agency's form to change a document's status: only the changes the one table allows.
#[component]
fn StatusForm(id: i64, status: DocStatus, answered: Vec<ObjectionReview>, echo: FormEcho) -> impl IntoView {
    let allowed: Vec<DocStatus> = DocStatus::ALL.into_iter().filter(|to| status.may_become(*to)).collect();
    if allowed.is_empty() {
        return view! { <p class="meta">"本文件已"{status.label()}"，状态不再变更。"</p> }.into_any();
    }
    let today = crate::clock::format_date(crate::clock::now());
    view! {
        <section aria-labelledby="change-title">
            <h2 id="change-title">"变更状态（本单位）"</h2>
            <PostForm name="status" action=format!("/staff/documents/{id}/status") echo class="stacked narrow" let:echo>
                <label for="to">"变更为"</label>
                <select id="to" name="to">
                    {allowed.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=echo.value("to") == s.as_str()>{match s {
                            DocStatus::InForce => "继续有效（清理结论：保留）",
                            other => other.label(),
                        }}</option>
                    }).collect_view()}
                </select>
                <FieldMessage echo=echo.clone() name="to" />
                <label for="on_date">"变更日期"</label>
                <input id="on_date" name="on_date" type="date" required value={
                    let typed = echo.value("on_date");
                    if typed.is_empty() { today } else { typed }
                } />
                <FieldMessage echo=echo.clone() name="on_date" />
                <label for="reason">"理由（公开）"</label>
                <TextArea id="reason" name="reason" rows=3 required=true value=echo.value("reason") />
                <FieldMessage echo=echo.clone() name="reason" />
                <label for="by_number">"依据文件的文号（修改、废止时填写，须已在库中登记）"</label>
                <input id="by_number" name="by_number" maxlength="40" value=echo.value("by_number") />
                <FieldMessage echo=echo.clone() name="by_number" />
                {(!answered.is_empty()).then(|| {
                    let chosen = echo.value("objection");
                    view! {
                        <label for="objection">"因异议审查申请作出（修改、废止时可选）"</label>
                        <select id="objection" name="objection">
                            <option value="">"（否）"</option>
                            {answered.into_iter().map(|o| {
                                let key = o.key.to_string();
                                let label = format!("{}收到的申请（{}答复）", o.received_on, o.answered_on.unwrap_or_default());
                                view! { <option value=key.clone() selected=chosen == key>{label}</option> }
                            }).collect_view()}
                        </select>
                        <FieldMessage echo=echo.clone() name="objection" />
                    }
                })}
                <label for="amended_text">"修改后的全文（仅修改时填写）"</label>
                <TextArea id="amended_text" name="amended_text" rows=10 value=echo.value("amended_text") />
                <FieldMessage echo=echo.clone() name="amended_text" />
                <button type="submit">"变更"</button>
            </PostForm>
        </section>
    }
    .into_any()
}

/// `/staff/documents/new`: the agency registers a published document and gets its number.
#[component]
pub fn RegisterDocumentPage() -> impl IntoView {
    let echo = use_echo();
    let context = Resource::new(|| (), |_| registration_context());
    view! {
        <Title text="登记规范性文件" />
        <h1>"登记规范性文件"</h1>
        <Suspense fallback=Loading>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match context.await {
                        Ok(c) if c.code.is_none() => view! {
                            <p class="alert alert-warn">"本单位尚未设置发文字号代字，无法编号登记。请联系系统管理员在“系统管理”中设置。"</p>
                        }.into_any(),
                        Ok(c) => view! { <RegisterForm code=c.code.unwrap_or_default() consultations=c.consultations validity=c.validity echo /> }.into_any(),
                        Err(e) => view! { <ErrorView err=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn RegisterForm(
    code: String,
    consultations: Vec<(i64, String)>,
    validity: (u32, u32),
    echo: FormEcho,
) -> impl IntoView {
    let today = crate::clock::format_date(crate::clock::now());
    view! {
        <p>"登记后由系统按本单位代字“"{code.clone()}"”和通过年份的顺序编号（例如 "{format!("{code}〔2026〕1号")}"），文号不重复使用。"
            {format!("有效期默认{}年（最长{}年），标题含“暂行”“试行”的默认{}年。", validity.0, validity.0, validity.1)}</p>
        <PostForm name="register" action="/staff/documents/new" echo class="stacked" let:echo>
            <label for="title">"标题"</label>
            <input id="title" name="title" required maxlength="200" value=echo.value("title") />
            <FieldMessage echo=echo.clone() name="title" />
            {echo.error("title").is_some_and(|m| m.contains("同名")).then(|| view! {
                <label class="check">
                    <input type="checkbox" name="same_title_confirmed" value="1" checked=echo.checked("same_title_confirmed") />
                    "确认这是另一件同名文件，再次登记并编号"
                </label>
            })}
            <div class="row">
                <div>
                    <label for="adopted_on">"通过（成文）日期"</label>
                    <input id="adopted_on" name="adopted_on" type="date" required max=today.clone() value=echo.value("adopted_on") />
                    <FieldMessage echo=echo.clone() name="adopted_on" />
                </div>
                <div>
                    <label for="published_on">"公布日期"</label>
                    <input id="published_on" name="published_on" type="date" required max=today.clone() value=echo.value("published_on") />
                    <FieldMessage echo=echo.clone() name="published_on" />
                </div>
                <div>
                    <label for="effective_on">"施行日期"</label>
                    <input id="effective_on" name="effective_on" type="date" required value=echo.value("effective_on") />
                    <FieldMessage echo=echo.clone() name="effective_on" />
                </div>
            </div>
            <label for="valid_until">"有效期至（留空按默认期限）"</label>
            <input id="valid_until" name="valid_until" type="date" value=echo.value("valid_until") />
            <FieldMessage echo=echo.clone() name="valid_until" />
            <label for="consultation">"来源的征求意见项目（可不选）"</label>
            <select id="consultation" name="consultation">
                <option value="">"无"</option>
                {consultations.into_iter().map(|(id, title)| view! {
                    <option value=id.to_string() selected=echo.value("consultation") == id.to_string()>{title}</option>
                }).collect_view()}
            </select>
            <FieldMessage echo=echo.clone() name="consultation" />
            <label for="full_text">"全文（按“第一条”等分条）"</label>
            <TextArea id="full_text" name="full_text" rows=16 required=true value=echo.value("full_text") />
            <FieldMessage echo=echo.clone() name="full_text" />
            <button type="submit">"登记并编号"</button>
        </PostForm>
    }
}
