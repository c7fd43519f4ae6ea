//! The "national consultation" benchmark: one draft with hundreds of thousands of comments, most of
//! them copies from five campaigns, taken through a node the way the agency and the public would.
//!
//! `cargo bench -p server --bench national -- [--comments 500000] [--seconds 5] [--clients 16] [--keep]`
//! (`--keep`: leave the database behind, to look at its queries)
//!
//! Printed side by side, each against a limit measured in the same run on the same server:
//! - the start with every comment's search change still pending and no index (time to the first
//!   answer, and to the index having been built and caught up in the background);
//! - grouping the whole consultation in the background, then 1,000 newcomers against its groups;
//! - submissions through the API from `--clients` citizens' sessions, against one commit per row
//!   on the same database;
//! - moderating everything, then answering everything, one bulk post per article (a decision acts
//!   on at most 100,000 comments), and publishing the report;
//! - page rates of the draft page, published comments, the report (each from its one-second copy
//!   and rendered every time), its CSV, and the agency's review queue, against the home page and a
//!   static file of the CSV's size served by the same server;
//! - the process's peak memory step by step (VmHWM, reset after each step; the server runs in
//!   this process, and the clients drop what they read).
mod common;

use common::{arg_or, Rng};
use server::config::{Config, Limits};
use std::time::{Duration, Instant};

const TOPICS: [&str; 12] = [
    "电动自行车登记",
    "养犬牵绳",
    "占道经营处罚",
    "垃圾分类投放时间",
    "夜间施工噪声",
    "停车收费标准",
    "老旧小区加装电梯",
    "共享单车停放",
    "公共场所禁烟",
    "学校周边交通",
    "河道保护范围",
    "社区养老设施",
];
const VIEWS: [&str; 8] = [
    "规定过于严格，群众难以做到",
    "应当进一步细化，便于执行",
    "建议增加过渡期",
    "罚款幅度偏高，建议降低",
    "应当听取社区居民意见",
    "建议明确监管部门职责",
    "应当考虑老年人的实际困难",
    "建议与周边城市的做法保持一致",
];
const CAMPAIGNS: [&str; 5] = [
    "我们坚决反对第三条关于犬只登记费用的规定。登记费用过高，加重了普通养犬家庭的负担，建议取消登记费用，同时简化手续，允许网上办理。",
    "强烈要求删除草案第十二条中关于限制电动自行车通行的规定，这一规定将严重影响外卖骑手和快递员的生计，请立法机关慎重考虑。",
    "支持草案关于公共场所全面禁烟的规定，建议进一步扩大到室外公交站台和儿童游乐场所，并加大执法力度，保护未成年人健康。",
    "反对在居民区周边设置夜市摊点的条款，夜间噪声和油烟严重影响居民休息，建议在草案中明确夜市与居民楼的最小距离。",
    "建议在第二十条增加老旧小区加装电梯的财政补贴规定，明确补贴标准和申请程序，减轻低楼层居民与高楼层居民之间的分歧。",
];
/// Shares of the campaign copies among the five campaigns (20,000–100,000 each at 500,000).
const SHARES: [f64; 5] = [0.5, 0.2, 0.12, 0.1, 0.08];

/// The draft: 60 articles in 6 chapters.
fn draft() -> String {
    let mut text = String::new();
    for chapter in 0..6 {
        text.push_str(&format!("第{}章　第{}部分\n", chapter + 1, chapter + 1));
        for n in 1..=10 {
            let a = chapter * 10 + n;
            text.push_str(&format!("第{a}条　关于{}的规定，由有关部门依法执行。\n", TOPICS[a % TOPICS.len()]));
        }
    }
    text
}

/// Comment `i` of `n`: the first 40% copies of the campaigns (a name and a district changed), the
/// rest individual comments.
fn body(i: usize, n: usize, rng: &mut Rng) -> String {
    let copies = n * 2 / 5;
    if i < copies {
        let mut at = 0.0;
        let share = i as f64 / copies as f64;
        let campaign = SHARES.iter().position(|s| {
            at += s;
            share < at
        });
        let letter = CAMPAIGNS[campaign.unwrap_or(4)];
        let district = ["东城区", "西城区", "南山区", "北湖区", "江北区"][rng.below(5)];
        return format!("我是{district}居民。{letter}");
    }
    let (t, v) = (TOPICS[rng.below(TOPICS.len())], VIEWS[rng.below(VIEWS.len())]);
    format!("关于{t}，{v}。第{}号意见：{}", i, VIEWS[rng.below(VIEWS.len())])
}

/// Store pending comments `from..to` on consultation `id` of `n` (spread over its articles, a tenth
/// on the whole draft) with their search changes, 1,000 to a transaction. Comments past `n` are
/// composed like the first `n` (two fifths of them copies).
async fn generate(db: &sqlx::AnyPool, id: i64, from: usize, to: usize, n: usize) {
    let articles: Vec<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE consultation_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(db)
        .await
        .unwrap();
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15 ^ from as u64);
    let now = app::clock::now();
    for start in (from..to).step_by(1000) {
        let mut tx = db.begin().await.unwrap();
        for i in start..(start + 1000).min(to) {
            let article = (rng.below(10) > 0).then(|| articles[rng.below(articles.len())]);
            let cid: i64 = sqlx::query_scalar(
                "INSERT INTO comments (receipt, consultation_id, article_id, body, status, created_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
            )
            .bind(format!("YJ-BENCH-{i}"))
            .bind(id)
            .bind(article)
            .bind(body(if i < n { i } else { (i - n) * 997 % n }, n, &mut rng))
            .bind(now - n.saturating_sub(i) as i64 / 100)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            app::changes::record_change(&mut tx, "comment", cid).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}

/// What `rate` measured of one page.
struct Measured {
    per_s: f64,
    size: usize,
    status: u16,
    p50: f64,
    p99: f64,
}

/// Requests per second of GET `path` from `clients` connections for `seconds`, the latencies of
/// the requests, and the size of one answer. `{n}` in the path is another address each time, so
/// the page is rendered, never answered from a copy.
async fn rate(base: &str, path: &str, client: &reqwest::Client, clients: usize, seconds: u64) -> Measured {
    let first = client.get(format!("{base}{}", path.replace("{n}", "first"))).send().await.unwrap();
    let status = first.status().as_u16();
    let size = length(first).await;
    let (c, url) = (client.clone(), format!("{base}{path}"));
    let load = common::load(clients, seconds, move |client, n| {
        let (c, url) = (c.clone(), url.replace("{n}", &format!("{client}-{n}")));
        // A page counts once it has been read whole; read as it comes and dropped, so the
        // clients hold no large bodies (the peak memory is the server's).
        async move {
            let Ok(mut r) = c.get(&url).send().await.and_then(|r| r.error_for_status()) else { return false };
            loop {
                match r.chunk().await {
                    Ok(Some(_)) => {}
                    Ok(None) => return true,
                    Err(_) => return false,
                }
            }
        }
    })
    .await;
    Measured { per_s: load.per_s(), size, status, p50: load.p50(), p99: load.p99() }
}

/// Submissions through the API while the consultation holds its comments: `clients` citizens'
/// sessions posting for `seconds`, each acknowledged only after its commit; and beside it the
/// disk's own limit, one comment row (with its search change) per commit from one connection to
/// the same database. (acknowledged/s, p50, p99, limit rows/s)
async fn submissions(db: &sqlx::AnyPool, base: &str, id: i64, clients: usize, seconds: u64) -> (f64, f64, f64, f64) {
    let sessions = common::citizens(base).await;
    let url = format!("{base}/api/v1/consultations/{id}/comments");
    let load = common::load(clients, seconds, move |client, n| {
        let (c, url) = (sessions[client % 2].clone(), url.clone());
        async move {
            let body = serde_json::json!({"body": format!("提交基准：建议第{client}-{n}条增设充电设施")});
            matches!(c.post(&url).json(&body).send().await, Ok(r) if r.status() == 201)
        }
    })
    .await;
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE body LIKE '提交基准%'").fetch_one(db).await.unwrap();
    assert_eq!(stored as usize, load.ms.len(), "every acknowledged submission is stored");
    let mut conn = db.acquire().await.unwrap();
    let started = Instant::now();
    let mut rows = 0usize;
    while started.elapsed() < Duration::from_secs(seconds) {
        rows += 1;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        let cid: i64 = sqlx::query_scalar(
            "INSERT INTO comments (receipt, consultation_id, body, status, created_at)
             VALUES ($1, $2, '提交基准：一次提交一条的上限', 'pending', $3) RETURNING id",
        )
        .bind(format!("YJ-RAW-{rows}"))
        .bind(id)
        .bind(app::clock::now())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        app::changes::record_change(&mut tx, "comment", cid).await.unwrap();
        tx.commit().await.unwrap();
    }
    (load.per_s(), load.p50(), load.p99(), rows as f64 / started.elapsed().as_secs_f64())
}

/// The length of a body, read as it comes and dropped.
async fn length(mut r: reqwest::Response) -> usize {
    let mut n = 0;
    while let Some(chunk) = r.chunk().await.unwrap() {
        n += chunk.len();
    }
    n
}

/// The peak since the last call (the kernel's high-water mark is reset after reading it), so
/// each step's own peak is seen.
fn step_peak_mb(peaks: &mut Vec<(&'static str, f64)>, step: &'static str) {
    peaks.push((step, peak_mb()));
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

async fn post(c: &reqwest::Client, url: &str, form: &[(&str, String)]) -> (Duration, u16) {
    let t = Instant::now();
    let res = c.post(url).form(form).send().await.unwrap();
    (t.elapsed(), res.status().as_u16())
}

#[tokio::main]
async fn main() {
    let n: usize = arg_or("--comments", 500_000);
    let seconds: u64 = arg_or("--seconds", 5);
    let clients: usize = arg_or("--clients", 16);
    let temp = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", temp.path().join("canyu.db").display());
    let db = server::db::connect(&url).await.expect("database");
    let cases = Config { data_dir: temp.path().to_path_buf(), ..Config::default() }.case_config().expect("case key");
    server::demo::load(&db, &cases).await.expect("demo data");
    // The transport bureau's staff member, with a password of our own.
    let hash = app::accounts::store::hash_password("bench-password".into()).await.unwrap();
    let staff_id: i64 = sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, must_change_password = 0 WHERE login = 'jiaotong@demo.example' RETURNING id",
    )
    .bind(hash)
    .fetch_one(&db)
    .await
    .unwrap();
    let staff = app::accounts::store::user(&db, staff_id).await.unwrap();
    let today = app::clock::format_date(app::clock::now());
    let last = app::clock::format_date(app::clock::now() + 40 * 86_400);
    let input = app::consultations::store::NewConsultation {
        kind: "regulation".into(),
        title: "某市城市管理综合条例（草案）".into(),
        explanation: "全国性征求意见规模的基准测试。".into(),
        full_text: draft(),
        opens_on: today,
        closes_on: last,
        ..Default::default()
    };
    let id = app::consultations::store::create(&db, &staff, &input).await.unwrap();
    eprintln!("generating {n} comments…");
    let t = Instant::now();
    generate(&db, id, 0, n, n).await;
    let generated = t.elapsed();
    let mut peaks = Vec::new();
    step_peak_mb(&mut peaks, "generating the comments");

    // A static file the size of the report's CSV is made once the CSV's size is known; the site
    // root is ours.
    let site = temp.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let cfg = Config {
        data_dir: temp.path().join("node"),
        database_url: url.clone(),
        site_root: site.clone(),
        limits: Limits::uniform(1_000_000),
        ..Config::default()
    };
    std::fs::create_dir_all(&cfg.data_dir).expect("the node's data folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let server = tokio::spawn(server::serve(cfg, db.clone(), listener, async {
        let _ = stopped.await;
    }));
    let anyone = reqwest::Client::new();
    while anyone.get(format!("{base}/healthz")).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let first_answer = started.elapsed();
    loop {
        let h: serde_json::Value = anyone.get(format!("{base}/healthz")).send().await.unwrap().json().await.unwrap();
        if !h["search"]["caught_up_at"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let caught_up = started.elapsed();
    step_peak_mb(&mut peaks, "restart and index");

    let agency =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = agency
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"login": "jiaotong@demo.example", "password": "bench-password"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "staff sign-in: {}", res.status());
    // The agency opens its queue: a consultation this large is grouped in the background.
    let t = Instant::now();
    loop {
        let page = agency.get(format!("{base}/staff/consultations/{id}")).send().await.unwrap().text().await.unwrap();
        if !page.contains("正在后台归入相似意见组") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let grouped = t.elapsed();
    step_peak_mb(&mut peaks, "grouping");
    // A thousand more arrive: grouped against the groups alone, not with the whole consultation.
    generate(&db, id, n, n + 1000, n).await;
    let t = Instant::now();
    loop {
        let page = agency.get(format!("{base}/staff/consultations/{id}")).send().await.unwrap().text().await.unwrap();
        if !page.contains("正在后台归入相似意见组") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let newcomers = t.elapsed();
    let submitted = submissions(&db, &base, id, clients, seconds).await;
    let campaign: i64 = sqlx::query_scalar(
        "SELECT group_key FROM comment_groups WHERE consultation_id = $1 ORDER BY size DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .unwrap();
    // Everything moderated, then everything answered, in bulk decisions of one article each (a
    // decision acts on at most 100,000 comments: `feedback::MAX_SELECTED`), each confirmed by the
    // count the API gives for its filter.
    let mut parts: Vec<String> =
        sqlx::query_scalar("SELECT anchor FROM articles WHERE consultation_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&db)
            .await
            .unwrap();
    parts.push("whole".into());
    let decide = |show: &'static str, path: &'static str, choice: [(&'static str, String); 2]| {
        let (agency, base, parts) = (agency.clone(), base.clone(), parts.clone());
        async move {
            let t = Instant::now();
            let (mut posts, mut longest) = (0, Duration::ZERO);
            for article in parts {
                let url = format!("{base}/api/v1/consultations/{id}/review/selection?show={show}&article={article}");
                let counted: serde_json::Value = agency.get(url).send().await.unwrap().json().await.unwrap();
                let expected = counted[if show == "pending" { "pending" } else { "published" }].as_u64().unwrap();
                if expected == 0 {
                    continue;
                }
                let mut form = vec![
                    ("scope", "selection".to_string()),
                    ("show", show.to_string()),
                    ("article", article.clone()),
                    ("expected", expected.to_string()),
                ];
                form.extend(choice.iter().cloned());
                let (took, status) = post(&agency, &format!("{base}/staff/consultations/{id}/{path}"), &form).await;
                assert_eq!(status, 303, "{path} {article}");
                (posts, longest) = (posts + 1, longest.max(took));
            }
            (t.elapsed(), posts, longest)
        }
    };
    let moderated = decide("pending", "moderate", [("decision", "approve".into()), ("reason", String::new())]).await;
    step_peak_mb(&mut peaks, "moderating all");
    let answered = decide(
        "unanswered",
        "dispose",
        [("disposition", "partly_adopted".into()), ("reason", "已在修改稿中统筹考虑。".into())],
    )
    .await;
    sqlx::query("UPDATE consultations SET closes_at = $1 WHERE id = $2")
        .bind(app::clock::now() - 1)
        .bind(id)
        .execute(&db)
        .await
        .unwrap();
    let (reported, status) = post(
        &agency,
        &format!("{base}/staff/consultations/{id}/report"),
        &[("summary", "共收到意见，已逐条研究。".into()), ("action", "publish".into())],
    )
    .await;
    assert_eq!(status, 303, "publishing the report");
    step_peak_mb(&mut peaks, "answering all and publishing");

    let csv = length(anyone.get(format!("{base}/consultations/{id}/report.csv")).send().await.unwrap()).await;
    std::fs::write(site.join("pkg/same-size.bin"), vec![b'x'; csv]).unwrap();
    let pages = [
        ("home page (limit)", "/".to_string(), &anyone),
        ("draft page", format!("/consultations/{id}"), &anyone),
        ("draft page, rendered every time", format!("/consultations/{id}?r={{n}}"), &anyone),
        ("published comments, an article", format!("/consultations/{id}/comments?article=a3"), &anyone),
        (
            "published comments, rendered every time",
            format!("/consultations/{id}/comments?article=a3&r={{n}}"),
            &anyone,
        ),
        ("report", format!("/consultations/{id}/report"), &anyone),
        ("report, rendered every time", format!("/consultations/{id}/report?r={{n}}"), &anyone),
        ("report CSV", format!("/consultations/{id}/report.csv"), &anyone),
        ("static file of the CSV's size (limit)", "/pkg/same-size.bin".to_string(), &anyone),
        ("review queue (staff)", format!("/staff/consultations/{id}"), &agency),
        ("review queue, page 20", format!("/staff/consultations/{id}?page=20"), &agency),
        ("review queue, still unanswered", format!("/staff/consultations/{id}?show=unanswered"), &agency),
        ("review queue, one article", format!("/staff/consultations/{id}?article=a3"), &agency),
        ("review queue, inside the largest campaign", format!("/staff/consultations/{id}?group={campaign}"), &agency),
        ("review queue, a word search", format!("/staff/consultations/{id}?q=%E5%85%85%E7%94%B5"), &agency),
    ];
    let mut rows = Vec::new();
    for (name, path, client) in pages {
        eprintln!("{name}…");
        rows.push((name, rate(&base, &path, client, clients, seconds).await));
    }
    step_peak_mb(&mut peaks, "pages");
    let _ = stop.send(());
    let _ = server.await;
    if std::env::args().any(|a| a == "--keep") {
        #[allow(deprecated)]
        let kept = temp.into_path();
        eprintln!("database kept: {}", kept.join("canyu.db").display());
    }

    println!(
        "\nnational consultation benchmark: {n} comments (40% copies of 5 campaigns) on one draft, {} cores",
        std::thread::available_parallelism().map(|c| c.get()).unwrap_or(1)
    );
    println!("| step | time |");
    println!("|---|---|");
    println!(
        "| generate the comments straight into the database (the disk's pace) | {:.1} s |",
        generated.as_secs_f64()
    );
    println!("| restart with {n} search changes pending: first answer | {:.2} s |", first_answer.as_secs_f64());
    println!("| … index caught up, in the background | {:.1} s |", caught_up.as_secs_f64());
    println!("| group all {n} in the background (queue open meanwhile) | {:.1} s |", grouped.as_secs_f64());
    println!("| group 1,000 more as they arrive, against the groups | {:.2} s |", newcomers.as_secs_f64());
    let (rate, p50, p99, limit) = submitted;
    println!(
        "| {clients} clients submitting through the API, each acknowledged after its commit | {rate:.0}/s \
         ({:.2}× the one-commit-per-row limit of {limit:.0} rows/s on the same database), p50 {p50:.0} ms, p99 {p99:.0} ms |",
        rate / limit
    );
    for (what, (took, posts, longest)) in [("moderate", moderated), ("answer", answered)] {
        println!(
            "| {what} all {n}, one bulk post per article ({posts} posts, the longest {:.1} s) | {:.1} s |",
            longest.as_secs_f64(),
            took.as_secs_f64()
        );
    }
    println!("| publish the report | {:.1} s |", reported.as_secs_f64());
    println!();
    let home = rows[0].1.per_s;
    println!(
        "| page ({clients} clients, {seconds} s each) | status | bytes | pages/s | against the home page | p50 | p99 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, m) in &rows {
        println!(
            "| {name} | {} | {} | {:.0} | {:.2}× | {:.0} ms | {:.0} ms |",
            m.status,
            m.size,
            m.per_s,
            m.per_s / home,
            m.p50,
            m.p99
        );
    }
    println!("\npeak memory of the process (server and clients), step by step:");
    for (step, mb) in &peaks {
        println!("- {step}: {mb:.0} MB");
    }
}
