//! `canyu`: serve the platform, apply migrations, manage the administrator, load demo data.
use server::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "用法 / usage:
  canyu serve [--demo]          start the server (creates the database and the administrator on first start)
  canyu migrate                 create or upgrade the database, then exit
  canyu create-admin <login>    create an administrator or reset its password (one-time password printed)
  canyu load-demo               load the demo dataset, then exit
  canyu reindex                 rebuild the search index into a fresh folder; a running server switches to it
  canyu verify-record [--checkpoint <line>]
                                check the case record: the hash chain, every case against its last
                                entry, and (given one) that it still reaches a kept checkpoint
  canyu record-checkpoint       print a signed checkpoint of the record's head, to keep outside the database
  canyu grant <login> <power>   grant a staff account legal_channel, discipline_channel or reveal_identity
  canyu holiday <YYYY-MM-DD> holiday|workday <name> | remove
                                keep the holiday calendar case deadlines count with
options: --config <file>        TOML configuration file (default ./canyu.toml if present)";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let config_path = take_option(&mut args, "--config").map(PathBuf::from);
    let demo = take_flag(&mut args, "--demo");
    let checkpoint = take_option(&mut args, "--checkpoint");
    let cfg = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&cfg.log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(run(cfg, args, demo, checkpoint));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cfg: Config, args: Vec<String>, demo: bool, checkpoint: Option<String>) -> Result<(), String> {
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if !matches!(
        command,
        "serve"
            | "migrate"
            | "create-admin"
            | "load-demo"
            | "reindex"
            | "verify-record"
            | "record-checkpoint"
            | "grant"
            | "holiday"
    ) {
        return Err(USAGE.to_string());
    }
    server::config::create_private_dir(&cfg.data_dir)
        .map_err(|e| format!("cannot create data folder {}: {e}", cfg.data_dir.display()))?;
    let db = server::db::connect(&cfg.database_url()).await.map_err(|e| format!("database: {e}"))?;
    match command {
        "migrate" => Ok(()),
        "create-admin" => {
            let login = args.get(1).ok_or(USAGE)?;
            let key = cfg.case_key()?;
            let pw = app::admin::staff::reset_admin(&db, &key, login).await.map_err(|e| e.to_string())?;
            println!("管理员账号 {login} 的一次性密码 / one-time password: {pw}");
            Ok(())
        }
        "load-demo" => server::demo::load(&db, &cfg.case_config()?).await.map_err(|e| e.to_string()),
        "reindex" => reindex(&cfg, &db).await,
        "verify-record" => verify_record(&cfg, &db, checkpoint.as_deref()).await,
        "record-checkpoint" => {
            let key = cfg.case_key()?;
            let line = app::admin::record::head_checkpoint(&db, &key).await.map_err(|e| format!("database: {e}"))?;
            println!("{line}");
            Ok(())
        }
        "holiday" => {
            let day = args.get(1).ok_or(USAGE)?;
            let kind = match args.get(2).map(String::as_str) {
                Some("remove") => None,
                Some(kind) => Some((kind, args.get(3).map(String::as_str).unwrap_or(""))),
                None => return Err(USAGE.to_string()),
            };
            app::cases::store::set_calendar_day(&db, day, kind).await.map_err(|e| e.to_string())?;
            println!("节假日日历已更新：{day}");
            Ok(())
        }
        "grant" => {
            let (login, power) = (args.get(1).ok_or(USAGE)?, args.get(2).ok_or(USAGE)?);
            let key = cfg.case_key()?;
            app::admin::record::start(&db, &key).await.map_err(|e| e.to_string())?;
            let by = app::admin::powers::Actor::Operator;
            match app::admin::powers::request(&db, &key, by, login, power).await.map_err(|e| e.to_string())? {
                app::admin::powers::Outcome::Granted => println!("已授予 {login}：{power}"),
                app::admin::powers::Outcome::Proposed => println!(
                    "已提出授权申请 {login}：{power}。此项权限须由一名管理员在“系统管理”页批准后生效（7天内有效）。"
                ),
            }
            Ok(())
        }
        _ => serve(cfg, db, demo).await,
    }
}

/// Check the case record's and the administration record's hash chains from their first entries
/// (and against a checkpoint, if given); fail naming the first broken entry.
async fn verify_record(cfg: &Config, db: &sqlx::AnyPool, checkpoint: Option<&str>) -> Result<(), String> {
    // The check only reads: a record that was never begun (or was emptied) is not begun here.
    let key = cfg.case_key()?;
    let (cases_anchor, admin_anchor) = match checkpoint {
        Some(line) => {
            let (c, a) = app::admin::record::read_checkpoint(&key, line)
                .ok_or("检查点无效（格式不对或并非用本案件密钥签发）/ the checkpoint is not valid for this key")?;
            (Some(c), a)
        }
        None => (None, None),
    };
    let cases = match app::cases::chain::verify(db, &key, cases_anchor).await.map_err(|e| format!("database: {e}"))? {
        Ok(n) => n,
        Err(b) => {
            let case = match b.case_id {
                Some(id) => sqlx::query_scalar::<_, String>("SELECT number FROM cases WHERE id = $1")
                    .bind(id)
                    .fetch_optional(db)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| format!("id {id}")),
                None => "-".into(),
            };
            return Err(format!(
                "案件记录在第{}条处断裂（案件 {case}）：{} / the record breaks at entry {}",
                b.seq, b.why, b.seq
            ));
        }
    };
    let admin = match app::admin::record::verify(db, &key, admin_anchor).await.map_err(|e| format!("database: {e}"))? {
        Ok(n) => n,
        Err(b) => {
            return Err(format!(
                "管理操作记录在第{}条处断裂：{} / the administration record breaks at entry {}",
                b.seq, b.why, b.seq
            ))
        }
    };
    println!(
        "案件记录完整：共{cases}条，哈希链校验通过，各案件与其最后一条记录一致。管理操作记录完整：共{admin}条，现有专项权限与记录一致。"
    );
    Ok(())
}

/// Rebuild the search index with a progress line and the rate in documents per second.
async fn reindex(cfg: &Config, db: &sqlx::AnyPool) -> Result<(), String> {
    use std::io::Write;
    let started = std::time::Instant::now();
    let dir = app::search::indexer::rebuild(db, &cfg.search_dir(), |done, total| {
        let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width) as usize;
        eprint!("\r[{}{}] {done}/{total}  {rate:.0} 条/秒", "#".repeat(filled), " ".repeat(width as usize - filled));
        let _ = std::io::stderr().flush();
    })
    .await
    .map_err(|e| e.to_string())?;
    eprintln!();
    println!(
        "索引已重建：{}（用时 {:.1} 秒）；运行中的服务将自动切换。",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn serve(cfg: Config, db: sqlx::AnyPool, demo: bool) -> Result<(), String> {
    let key = cfg.case_key()?;
    if let Some(pw) = app::admin::staff::ensure_admin(&db, &key, &cfg.admin_login).await.map_err(|e| e.to_string())? {
        // Into a file only the owner reads, never onto the console: under a supervisor the console
        // is the log, and whoever read it first could take the administrator's account.
        let path = cfg.data_dir.join("admin-password.txt");
        let _ = std::fs::remove_file(&path);
        server::config::write_private(&path, &format!("{}\n{pw}\n", cfg.admin_login))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!(
            "已创建管理员账号 {}，一次性密码已写入 {}（仅本人可读；首次登录须修改，登录后请删除该文件）",
            cfg.admin_login,
            path.display()
        );
    }
    if demo {
        server::demo::load(&db, &cfg.case_config()?).await.map_err(|e| e.to_string())?;
    }
    let shutdown = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, "listening");
    println!("公众参与平台已启动：http://{addr}");
    server::serve(cfg, db, listener, shutdown).await.map_err(|e| e.to_string())
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed now, before the address is printed,
/// so a supervisor's SIGTERM always means a graceful stop.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let ctrl_c = tokio::signal::ctrl_c();
    async move {
        #[cfg(unix)]
        let term = async {
            match term.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}

fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colour only on a terminal: a log file or journal gets plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colour);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != name);
    args.len() != before
}

fn take_option(args: &mut Vec<String>, name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    args.remove(i);
    (i < args.len()).then(|| args.remove(i))
}
