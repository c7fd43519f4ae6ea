//! The demo's registry: a few normative documents of two agencies, one in every status (in force,
//! amended with its two versions, to be cleaned up, repealed, expired by the clock), a published
//! clean-up, a decision registered from the consultation on its draft, and an annex attached.
use app::accounts::CurrentUser;
use app::attachments::store::NewAttachment;
use app::clock;
use app::error::AppResult;
use app::registry::filing::{self, FilingClock};
use app::registry::store::{self, NewDocument, StatusRequest};
use sqlx::AnyPool;

const PARKING: &str = "第一条　为了规范道路停车秩序，制定本办法。\n第二条　本办法适用于本市中心城区道路停车泊位的设置和管理。\n第三条　道路停车泊位实行计时收费，收费标准由价格主管部门确定。\n第四条　违反本办法规定停放车辆的，由公安机关交通管理部门责令改正，处五十元罚款。\n";
const BIKES: &str = "第一条　为了规范共享单车停放，制定本办法。\n第二条　运营企业应当对车辆停放进行管理。\n第三条　违规停放的车辆，由城市管理部门责令运营企业限期清理。\n";
const ADS: &str = "第一条　为了规范户外广告设置，制定本规定。\n第二条　设置户外广告应当符合本市户外广告设置规划。\n";
const DIGGING: &str = "第一条　为了加强城市道路挖掘管理，制定本办法。\n第二条　挖掘城市道路应当经市政主管部门批准。\n";
const SIGNS: &str = "第一条　为了规范门头招牌设置，制定本规定。\n第二条　门头招牌应当一店一招。\n";
const STALLS: &str = "第一条　为了规范临时摊点经营，制定本办法。\n第二条　临时摊点应当在划定区域内经营。\n";
const FEES: &str = "一、中心城区道路停车泊位白天首小时收费由2元调整为3元。\n二、夜间（20时至次日8时）停车收费标准不变。\n三、本决定自公布之日起施行。\n";
const WINTER: &str =
    "第一条　为了做好冬季道路除雪工作，制定本办法。\n第二条　各区人民政府负责本辖区道路除雪的组织实施。\n";

/// A small PDF standing for a document's annex.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

fn date(days: i64) -> String {
    clock::format_date(clock::start_of_day(clock::today()) + days * 86_400)
}

async fn register(
    db: &AnyPool,
    filing: &FilingClock,
    staff: &CurrentUser,
    title: &str,
    text: &str,
    ago: i64,
    until: &str,
) -> AppResult<(i64, String)> {
    let input = NewDocument {
        title: title.into(),
        full_text: text.into(),
        adopted_on: date(-ago - 7),
        published_on: date(-ago),
        effective_on: date(-ago),
        valid_until: until.into(),
        consultation: String::new(),
        same_title_confirmed: false,
    };
    store::register(db, staff, &input, filing).await
}

/// A clean-up the city-management bureau published: one document kept, one repealed.
async fn cleanup(db: &AnyPool, filing: &FilingClock, city: &CurrentUser) -> AppResult<()> {
    use app::registry::cleanup_store::{publish, Typed};
    let (signs, _) = register(db, filing, city, "某市门头招牌设置管理规定", SIGNS, 1000, "").await?;
    let (stalls, _) = register(db, filing, city, "某市临时摊点经营管理办法", STALLS, 1100, "").await?;
    for doc in [signs, stalls] {
        change(db, city, doc, "to_clean_up", "列入本年度规范性文件清理", "", "").await?;
    }
    let decisions = [
        Typed { document: signs, decision: "keep".into(), reason: "符合上位法规定，继续执行".into() },
        Typed {
            document: stalls,
            decision: "repeal".into(),
            reason: "已被《某市市容和环境卫生管理条例》相关规定取代".into(),
        },
    ];
    publish(db, city, "市城市管理局关于规范性文件清理结果的公告", &decisions).await.map(|_| ())
}

/// The parking-fee decision, registered from the consultation on its draft (whose adoption report
/// is published), so the draft's page leads to the document and back.
async fn from_consultation(db: &AnyPool, filing: &FilingClock, transport: &CurrentUser, draft: i64) -> AppResult<()> {
    let input = NewDocument {
        title: "关于调整中心城区公共停车收费标准的决定".into(),
        full_text: FEES.into(),
        adopted_on: date(-12),
        published_on: date(-10),
        effective_on: date(-10),
        valid_until: String::new(),
        consultation: draft.to_string(),
        same_title_confirmed: false,
    };
    store::register(db, transport, &input, filing).await.map(|_| ())
}

async fn change(
    db: &AnyPool,
    staff: &CurrentUser,
    id: i64,
    to: &str,
    reason: &str,
    by: &str,
    text: &str,
) -> AppResult<()> {
    let req = StatusRequest {
        to: to.into(),
        on_date: date(-3),
        reason: reason.into(),
        by_number: by.into(),
        amended_text: text.into(),
        objection: None,
    };
    store::change_status(db, staff, id, &req).await.map(|_| ())
}

/// Codes for the transport and city-management agencies, and their documents.
/// `reviewer`: the legal-affairs office's staff member who reviews filings.
pub async fn load(
    db: &AnyPool,
    clock: &FilingClock,
    transport: (i64, &CurrentUser),
    city: (i64, &CurrentUser),
    reviewer: &CurrentUser,
    parking_draft: i64,
    files: &std::path::Path,
) -> AppResult<()> {
    for (agency, code) in [(transport.0, "长交规"), (city.0, "长城管规")] {
        sqlx::query("UPDATE agencies SET document_code = $1 WHERE id = $2").bind(code).bind(agency).execute(db).await?;
    }
    let (t, c) = (transport.1, city.1);
    let (parking, _) = register(db, clock, t, "某市道路停车管理办法", PARKING, 400, "").await?;
    let (decision_id, decision) = register(
        db,
        clock,
        t,
        "关于修改《某市道路停车管理办法》的决定",
        "一、将第四条中的“五十元”修改为“一百元”。\n",
        5,
        "",
    )
    .await?;
    let amended = PARKING.replace("五十元", "一百元");
    change(db, t, parking, "amended", "根据本市停车收费改革调整罚款数额", &decision, &amended).await?;
    let (bikes, _) = register(db, clock, c, "某市共享单车停放管理办法", BIKES, 200, "").await?;
    let annex = NewAttachment { kind: "annex".into(), title: "附件：共享单车禁停区域目录".into() };
    let file = ("禁停区域目录.pdf".to_string(), DEMO_PDF.to_vec());
    app::registry::FILES.attach(db, files, c, bikes, &annex, Some(&file)).await?;
    let (ads, _) = register(db, clock, c, "某市户外广告设置管理暂行规定", ADS, 600, "").await?;
    change(db, c, ads, "to_clean_up", "上位法已修改，列入本年度规范性文件清理", "", "").await?;
    let (digging, _) = register(db, clock, c, "某市城市道路挖掘管理办法", DIGGING, 900, "").await?;
    change(db, c, digging, "repealed", "已被《某市城市道路管理条例》取代", "", "").await?;
    register(db, clock, c, "某市冬季道路除雪工作办法", WINTER, 800, &date(-30)).await?;
    app::registry::expiry::expire_due(db, clock::today()).await?;
    cleanup(db, clock, c).await?;
    from_consultation(db, clock, t, parking_draft).await?;
    // Filing for review: one filed and accepted, one filed and waiting, the rest not yet filed.
    let report = "经合法性审核和集体讨论决定，按规定公布施行，现报送备案。";
    filing::file(db, c, bikes, report, clock).await?;
    filing::review(db, reviewer, bikes, "filed", "").await?;
    filing::file(db, t, decision_id, report, clock).await?;
    Ok(())
}

/// An objection review of the shared-bikes rules, answered by the city-management bureau: its
/// public answer is on the document's page.
pub async fn objection(
    db: &AnyPool,
    cases: &app::cases::config::CaseConfig,
    officer: &CurrentUser,
    city: &CurrentUser,
    citizen: &CurrentUser,
) -> AppResult<()> {
    use app::cases::store::{file, triage, unit_act, Triage, UnitAction};
    let bikes: i64 = sqlx::query_scalar("SELECT id FROM normative_documents WHERE title = '某市共享单车停放管理办法'")
        .fetch_one(db)
        .await?;
    let filing = app::cases::Filing {
        kind: "objection".into(),
        matter: "第三条由城市管理部门责令运营企业限期清理缺少依据".into(),
        facts: "第三条规定违规停放的车辆由城市管理部门责令运营企业限期清理，但未规定期限和程序。".into(),
        request: "请审查第三条，明确清理的期限和程序。".into(),
        document_id: Some(bikes),
        name: "陈小明".into(),
        phone: "13800000001".into(),
        ..Default::default()
    };
    let filed = file(db, cases, Some(citizen), &filing, &[]).await?;
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM cases WHERE number = $1").bind(&filed.number).fetch_one(db).await?;
    let unit = city.agency_id.unwrap_or_default();
    triage(db, cases, officer, id, Triage::Route { unit, assign: false, due_on: None, note: String::new() }).await?;
    unit_act(db, cases, city, id, UnitAction::Accept).await?;
    let decision = UnitAction::Decide {
        decision: "explain".into(),
        text: "经审查，第三条的清理期限由《某市城市管理条例》第二十条规定，本办法未重复规定。".into(),
        basis: "《某市城市管理条例》第二十条".into(),
        report: String::new(),
        public_answer: "经审查，第三条合法。清理的期限和程序由《某市城市管理条例》第二十条规定（24小时内清理），本办法不再重复；下次修改时将在条文中注明。".into(),
    };
    unit_act(db, cases, city, id, decision).await
}
