//! Legislative project proposals in the demo: last year's call with its outcome and plan (one item
//! linked to the draft it became), and this year's call open for proposals.
use app::accounts::CurrentUser;
use app::clock;
use app::error::AppResult;
use app::legislation::store::{self, NewCall, NewItem, NewProposal};
use sqlx::AnyPool;

fn call(title: &str, year: i64, from: i64, to: i64) -> NewCall {
    let date = |days: i64| clock::format_date(clock::start_of_day(clock::today()) + days * 86_400);
    NewCall {
        title: title.into(),
        plan_year: year.to_string(),
        description: "为提高立法的科学性、民主性，编制年度立法计划前，向社会公开征集立法项目建议。\
                      建议应当写明项目名称、立法的必要性和要解决的主要问题，可以提出主要制度设想。"
            .into(),
        opens_on: date(from),
        closes_on: date(to),
    }
}

fn proposal(subject: &str, problem: &str, approach: &str) -> NewProposal {
    NewProposal { subject: subject.into(), problem: problem.into(), approach: approach.into() }
}

/// `office`: the legal-affairs office; `drafter`: the transport bureau (its id and staff), whose
/// e-bike consultation drafts the plan's first item.
pub async fn load(
    db: &AnyPool,
    office: &CurrentUser,
    drafter: (i64, &CurrentUser),
    draft: i64,
    citizens: &[CurrentUser; 2],
) -> AppResult<()> {
    let year = clock::today().year;
    let last = store::create_call(db, office, &call(&format!("{year}年度立法项目建议征集"), year, 0, 29)).await?;
    let wanted = [
        proposal(
            "关于制定电动自行车管理条例的建议",
            "电动自行车保有量快速增长，违规充电引发火灾、骑行不戴头盔、外卖骑手超速等问题突出，现有规定分散在多个文件中。",
            "明确登记上牌、集中充电设施建设、平台企业管理责任。",
        ),
        proposal(
            "关于制定既有住宅加装电梯办法的建议",
            "老旧小区加装电梯需要业主协商一致，低层住户反对时缺少协调机制，审批流程不清。",
            "",
        ),
        proposal("关于制定宠物医院管理条例的建议", "宠物诊疗收费不透明。", ""),
        proposal("广告", "推广某商品。", ""),
    ];
    let mut ids = Vec::new();
    for (i, p) in wanted.iter().enumerate() {
        store::submit(db, Some(&citizens[i % 2]), last, p).await?;
        let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM legislative_proposals").fetch_one(db).await?;
        ids.push(id);
    }
    for id in &ids[..3] {
        store::moderate(db, office, *id, true, "").await?;
    }
    store::moderate(db, office, ids[3], false, "与立法项目建议无关").await?;
    let item = NewItem {
        title: "某市电动自行车管理条例".into(),
        kind: "project".into(),
        agency: Some(drafter.0),
        note: "年内提请市人大常委会审议".into(),
    };
    let item = store::add_item(db, office, last, &item).await?;
    store::dispose(db, office, ids[0], "included", "", Some(item)).await?;
    store::dispose(db, office, ids[1], "study", "涉及不动产权利，先行开展立法调研", None).await?;
    store::dispose(db, office, ids[2], "not_included", "属于国家事权，已有《动物诊疗机构管理办法》规范", None).await?;
    // This year's plan was called for in the autumn of last year.
    let closed = clock::start_of_day(clock::today()) - 390 * 86_400;
    sqlx::query("UPDATE proposal_calls SET opens_at = $1, closes_at = $2 WHERE id = $3")
        .bind(closed - 30 * 86_400)
        .bind(closed)
        .bind(last)
        .execute(db)
        .await?;
    sqlx::query("UPDATE legislative_proposals SET created_at = $1 WHERE call_id = $2")
        .bind(closed - 10 * 86_400)
        .bind(last)
        .execute(db)
        .await?;
    let outcome = "本次征集共收到建议4件，经审核公开3件：列入立法计划1件，列为调研论证1件，不予列入1件。";
    store::publish(db, office, last, outcome).await?;
    sqlx::query("UPDATE proposal_calls SET published_at = $1 WHERE id = $2")
        .bind(closed + 40 * 86_400)
        .bind(last)
        .execute(db)
        .await?;
    store::link(db, drafter.1, item, draft).await?;
    // Next year's call is open.
    let next =
        store::create_call(db, office, &call(&format!("{}年度立法项目建议征集", year + 1), year + 1, 0, 27)).await?;
    sqlx::query("UPDATE proposal_calls SET opens_at = opens_at - 3 * 86400 WHERE id = $1")
        .bind(next)
        .execute(db)
        .await?;
    let p = proposal(
        "关于修改城市市容和环境卫生管理条例的建议",
        "户外广告、夜市摊点管理规定已不适应城市管理需要。",
        "增加包容审慎监管条款。",
    );
    store::submit(db, Some(&citizens[0]), next, &p).await?;
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM legislative_proposals").fetch_one(db).await?;
    store::moderate(db, office, id, true, "").await?;
    store::submit(db, Some(&citizens[1]), next, &proposal("关于制定夜间经济促进条例的建议", "夜间经济缺乏规范。", ""))
        .await?;
    Ok(())
}
