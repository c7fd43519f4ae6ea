//! The demo dataset: agencies, staff, open and closed consultations and comments, written by us.
use app::accounts::{store as accounts, CurrentUser, Role};
use app::clock;
use app::consultations::store::{self as consultations, NewConsultation};
use app::error::AppResult;
use sqlx::AnyPool;

const EBIKE: &str = include_str!("demo/ebike.txt");
const WASTE: &str = include_str!("demo/waste.txt");
const PARKING: &str = include_str!("demo/parking.txt");

/// Load the demo data once (a second call changes nothing).
pub async fn load(db: &AnyPool, cases: &app::cases::config::CaseConfig) -> AppResult<()> {
    let done: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM agencies WHERE name = '市司法局'").fetch_optional(db).await?;
    if done.is_some() {
        println!("演示数据已存在，未重复加载。");
        return Ok(());
    }
    let justice = agency(db, "市司法局").await?;
    let transport = agency(db, "市交通运输局").await?;
    let housing = agency(db, "市城市管理局").await?;
    let mut logins = Vec::new();
    let petitions = agency(db, "市信访局").await?;
    let t = staff(db, "jiaotong@demo.example", "交通局 王工", transport, "staff", &mut logins).await?;
    let h = staff(db, "chengguan@demo.example", "城管局 李工", housing, "staff", &mut logins).await?;
    let legal_affairs = staff(db, "sifa@demo.example", "司法局 赵工", justice, "staff", &mut logins).await?;
    let officer = staff(db, "xinfang@demo.example", "信访局 周工", petitions, "petition_officer", &mut logins).await?;
    // As the operator: the legal channel at once; revealing identities is proposed, for an
    // administrator to approve on the administration page (it takes two people).
    app::admin::record::start(db, &cases.key).await?;
    for power in ["legal_channel", "reveal_identity"] {
        let by = app::admin::powers::Actor::Operator;
        app::admin::powers::request(db, &cases.key, by, "xinfang@demo.example", power).await?;
    }
    // The justice bureau is the government's legal-affairs office: it reviews filed documents.
    let by = app::admin::powers::Actor::Operator;
    app::admin::powers::request(db, &cases.key, by, "sifa@demo.example", "legal_affairs").await?;
    let today = clock::today();
    let date = |days: i64| clock::format_date(clock::start_of_day(today) + days * 86_400);
    let ebike =
        create(db, &t, "regulation", "某市电动自行车管理条例（草案征求意见稿）", EBIKE, &date(-5), &date(30), "")
            .await?;
    let waste = create(
        db,
        &h,
        "rule",
        "某市生活垃圾分类管理办法（草案）",
        WASTE,
        &date(-2),
        &date(17),
        "国家生活垃圾分类工作考核将于年底进行，为按期出台配套规章，征求意见期缩短为20日。",
    )
    .await?;
    let parking =
        create(db, &t, "decision", "关于调整中心城区公共停车收费标准的决策草案", PARKING, &date(0), &date(40), "")
            .await?;
    // The parking decision's window is already over: move it into the past.
    let (o, c) = (clock::start_of_day(today) - 70 * 86_400, clock::start_of_day(today) - 30 * 86_400);
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE consultations SET opens_at = $1, closes_at = $2, published_at = $1 WHERE id = $3")
        .bind(o)
        .bind(c)
        .bind(parking)
        .execute(&mut *tx)
        .await?;
    app::changes::record_change(&mut tx, "consultation", parking).await?;
    tx.commit().await?;
    let citizens = [citizen(db, "13800000001", "热心市民小陈").await?, citizen(db, "13800000002", "骑手老刘").await?];
    let samples: [(i64, &str, &str, bool); 8] = [
        (
            ebike,
            "a8",
            "建议明确充电桩的建设标准和维护责任，老旧小区增设集中充电设施时，物业和业委会各自承担什么责任应写清楚。",
            true,
        ),
        (ebike, "a8", "楼道内充电的禁止性规定很有必要，但应同时给出替代方案，否则难以执行。", true),
        (ebike, "a10-1", "外卖骑手超速问题突出，建议平台企业承担更多管理责任，不能只罚骑手。", true),
        (ebike, "a15", "罚款数额建议区分情节，首次违法以教育为主。", true),
        (ebike, "", "总体支持出台本条例，希望实施前给群众留足过渡期。", true),
        (ebike, "a3", "建议增加对电池以旧换新的补贴。", false),
        (waste, "a6", "厨余垃圾投放时间建议延长到晚上九点，方便上班族。", true),
        (parking, "", "中心城区停车费上调幅度过大，建议分步实施，并增加夜间优惠。", true),
    ];
    for (i, (consultation, anchor, body, approve)) in samples.iter().enumerate() {
        let who = &citizens[i % 2];
        insert_comment(db, who, *consultation, anchor, body, *approve).await?;
    }
    answer_parking(db, &t, parking, &citizens, c - 5 * 86_400).await?;
    let tracked = demo_cases(db, cases, &officer, &t, &h, &citizens).await?;
    let clock = app::cases::store::filing_clock(db, cases).await?;
    crate::demo_registry::load(db, &clock, (transport, &t), (housing, &h), &legal_affairs, parking, &cases.attachments)
        .await?;
    crate::demo_registry::objection(db, cases, &officer, &h, &citizens[0]).await?;
    crate::demo_legislation::load(db, &legal_affairs, (transport, &t), ebike, &citizens).await?;
    println!("已加载演示数据。演示工作人员账号（一次性密码，首次登录须修改）：");
    for (login, pw) in logins {
        println!("  {login}  {pw}");
    }
    println!("演示公众账号：13800000001 / 13800000002，密码均为 demo-password");
    println!(
        "演示信访件（凭编号和查询码在“信访投诉 → 查询办理进度”查看）：{} 查询码 {}",
        tracked.number, tracked.query_code
    );
    Ok(())
}

async fn agency(db: &AnyPool, name: &str) -> AppResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO agencies (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(clock::now())
        .fetch_one(db)
        .await?)
}

async fn staff(
    db: &AnyPool,
    login: &str,
    name: &str,
    agency: i64,
    role: &str,
    logins: &mut Vec<(String, String)>,
) -> AppResult<CurrentUser> {
    let pw = accounts::one_time_password();
    let hash = accounts::hash_password(pw.clone()).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (login, password_hash, display_name, role, agency_id, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(login)
    .bind(hash)
    .bind(name)
    .bind(role)
    .bind(agency)
    .bind(clock::now())
    .fetch_one(db)
    .await?;
    logins.push((login.to_string(), pw));
    // The loader publishes on the staff member's behalf; they still change their password at first sign-in.
    Ok(CurrentUser { must_change_password: false, ..accounts::user(db, id).await? })
}

async fn citizen(db: &AnyPool, login: &str, name: &str) -> AppResult<CurrentUser> {
    let id = accounts::register(
        db,
        accounts::Registration {
            login: login.into(),
            password: "demo-password".into(),
            display_name: name.into(),
            real_name: String::new(),
            // Made-up people of the demonstration data, registered as if through the page.
            consent: true,
        },
    )
    .await?;
    let u = accounts::user(db, id).await?;
    debug_assert_eq!(u.role, Role::Citizen);
    Ok(u)
}

#[expect(clippy::too_many_arguments, reason = "one demo consultation per call")]
async fn create(
    db: &AnyPool,
    staff: &CurrentUser,
    kind: &str,
    title: &str,
    text: &str,
    opens: &str,
    closes: &str,
    reason: &str,
) -> AppResult<i64> {
    let (explanation, full_text) = text.split_once("\n===\n").unwrap_or(("", text));
    // Published on the morning the window opens (the demo's drafts opened days ago).
    let published_at = clock::parse_date(opens).map_or_else(clock::now, |d| clock::start_of_day(d) + 9 * 3600);
    consultations::create_published_at(
        db,
        staff,
        &NewConsultation {
            kind: kind.into(),
            title: title.into(),
            explanation: explanation.trim().into(),
            full_text: full_text.into(),
            opens_on: opens.into(),
            closes_on: closes.into(),
            short_window_reason: reason.into(),
            allow_anonymous: None,
            draft: None,
        },
        published_at.min(clock::now()),
    )
    .await
}

async fn insert_comment(
    db: &AnyPool,
    who: &CurrentUser,
    consultation: i64,
    anchor: &str,
    body: &str,
    approve: bool,
) -> AppResult<()> {
    let article: Option<(i64,)> = sqlx::query_as("SELECT id FROM articles WHERE consultation_id = $1 AND anchor = $2")
        .bind(consultation)
        .bind(anchor)
        .fetch_optional(db)
        .await?;
    let now = clock::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO comments (receipt, consultation_id, article_id, author_id, body, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(app::comments::writer::new_receipt(now))
    .bind(consultation)
    .bind(article.map(|a| a.0))
    .bind(who.id)
    .bind(body)
    .bind(if approve { "approved" } else { "pending" })
    .bind(now)
    .fetch_one(db)
    .await?;
    let mut conn = db.acquire().await?;
    app::changes::record_change(&mut conn, "comment", id).await?;
    Ok(())
}

/// The closed parking decision: more comments, every one answered, and the adoption report with
/// the revised draft published.
async fn answer_parking(
    db: &AnyPool,
    staff: &CurrentUser,
    parking: i64,
    citizens: &[CurrentUser],
    sent: i64,
) -> AppResult<()> {
    use app::feedback::{report, store::dispose, Disposition::*};
    let more = [
        "建议新能源汽车的优惠延长到首两小时免费。",
        "医院、学校周边的道路停车泊位应设置十五分钟内免费的短时停车。",
        "希望公开这次调价所依据的成本调查情况。",
        "建议同步整治占用人行道停车的问题。",
    ];
    for (i, body) in more.iter().enumerate() {
        insert_comment(db, &citizens[i % 2], parking, "", body, true).await?;
    }
    sqlx::query("UPDATE comments SET created_at = $1 WHERE consultation_id = $2")
        .bind(sent)
        .bind(parking)
        .execute(db)
        .await?;
    let answers = [
        (
            "中心城区停车费上调幅度过大",
            PartlyAdopted,
            "采纳分步实施的建议：道路停车泊位首小时调整为五元；夜间收费维持不变，不再另设夜间优惠。",
        ),
        ("新能源汽车的优惠", NotAdopted, "新能源汽车首小时免费已体现鼓励政策，延长至两小时将明显增加泊位周转压力。"),
        ("十五分钟内免费", Adopted, ""),
        ("成本调查情况", AlreadyProvided, "成本调查结论已在决策草案说明中公布，报告全文可依申请公开。"),
        ("占用人行道停车", OutOfScope, "占道停车整治属于城市管理执法事项，已转市城市管理局研究。"),
    ];
    for (text, disposition, reason) in answers {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM comments WHERE consultation_id = $1 AND body LIKE $2")
            .bind(parking)
            .bind(format!("%{text}%"))
            .fetch_all(db)
            .await?;
        dispose(db, staff, None, &ids, disposition, reason).await?;
    }
    let text = report::ReportText {
        summary: "征求意见期间共收到公众意见5条。经逐条研究，采纳1条、部分采纳1条，其余意见均作了说明。\n\
                  根据公众意见，道路停车泊位首小时收费由拟定的六元调整为五元，并增设医院、学校周边短时免费停车。"
            .into(),
        unanswered_reason: String::new(),
        revised_text: PARKING
            .split_once("\n===\n")
            .map(|(_, t)| t)
            .unwrap_or(PARKING)
            .replace("由四元调整为六元", "由四元调整为五元")
            .replace("（三）夜间", "（三）医院、学校周边道路停车泊位十五分钟内免费；\n（四）夜间"),
    };
    // The demo sends no e-mail (its citizens sign in with mobile numbers anyway).
    report::publish(db, staff, parking, &text, false, "").await
}

/// A few cases: one answered (its number and query code are printed), one being handled, one
/// anonymous report waiting for the petition office.
async fn demo_cases(
    db: &AnyPool,
    cfg: &app::cases::config::CaseConfig,
    officer: &CurrentUser,
    transport: &CurrentUser,
    city: &CurrentUser,
    citizens: &[CurrentUser],
) -> AppResult<app::cases::Filed> {
    use app::cases::store::{file, triage, unit_act, Triage, UnitAction};
    use app::cases::Filing;
    let answered = file(
        db,
        cfg,
        Some(&citizens[0]),
        &Filing {
            kind: "petition".into(),
            petition_kind: Some("claim".into()),
            matter: "小区门口公交站台被占用，乘车不便".into(),
            facts: "东湖小区门口的公交站台长期被出租车和网约车占用，公交车无法进站，老人上下车很危险。".into(),
            request: "请清理站台，设置禁停标志。".into(),
            concerned_agency_id: Some(transport.agency_id.unwrap_or_default()),
            name: "陈小明".into(),
            phone: "13800000001".into(),
            ..Default::default()
        },
        &[],
    )
    .await?;
    let id = |number: &str| {
        let number = number.to_string();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM cases WHERE number = $1").bind(number).fetch_one(db).await
        }
    };
    let first = id(&answered.number).await?;
    let unit = transport.agency_id.unwrap_or_default();
    triage(db, cfg, officer, first, Triage::Route { unit, assign: false, due_on: None, note: String::new() }).await?;
    unit_act(db, cfg, transport, first, UnitAction::Accept).await?;
    let decision = UnitAction::Decide {
        decision: "support".into(),
        text: "经现场核查，情况属实。已在站台前设置禁停标线和标志，并安排交警加强巡查。".into(),
        basis: "《中华人民共和国道路交通安全法》第五十六条".into(),
        report: String::new(),
        public_answer: String::new(),
    };
    unit_act(db, cfg, transport, first, decision).await?;

    let handled = file(
        db,
        cfg,
        Some(&citizens[1]),
        &Filing {
            kind: "petition".into(),
            petition_kind: Some("suggestion".into()),
            matter: "建议在老城区增设公共厕所".into(),
            facts: "老城区游客多，公共厕所少，距离远。".into(),
            request: "建议结合老旧小区改造增设公共厕所。".into(),
            name: "刘师傅".into(),
            phone: "13800000002".into(),
            ..Default::default()
        },
        &[],
    )
    .await?;
    let second = id(&handled.number).await?;
    let unit = city.agency_id.unwrap_or_default();
    triage(db, cfg, officer, second, Triage::Route { unit, assign: false, due_on: None, note: String::new() }).await?;
    unit_act(db, cfg, city, second, UnitAction::Accept).await?;

    file(
        db,
        cfg,
        None,
        &Filing {
            kind: "complaint".into(),
            matter: "执法人员对摊贩态度粗暴".into(),
            facts: "某日下午在步行街，两名执法人员没收摊贩物品时推搡老人。".into(),
            concerned_agency_id: Some(city.agency_id.unwrap_or_default()),
            anonymous: true,
            ..Default::default()
        },
        &[],
    )
    .await?;
    Ok(answered)
}
