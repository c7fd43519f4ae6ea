//! `canyu`: serve the platform, apply migrations, manage the administrator, load demo data.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
use clap::{Parser, Subcommand};
use server::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;

/// 公众参与平台 / the public participation platform. Without a command: `serve`.
#[derive(Debug, Parser)]
#[command(name = "canyu", version)]
struct Cli {
    /// TOML configuration file (default ./canyu.toml if present, or $CANYU_CONFIG)
    #[arg(long, global = true, value_name = "file")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// start the server (creates the database and the administrator on first start)
    Serve {
        /// load the demo dataset before serving
        #[arg(long)]
        demo: bool,
    },
    /// create or upgrade the database, then exit
    Migrate,
    /// create an administrator or reset its password (one-time password printed)
    CreateAdmin {
        #[arg(value_name = "login")]
        login: String,
    },
    /// load the demo dataset, then exit
    LoadDemo,
    /// rebuild the search index into a fresh folder; a running server switches to it
    Reindex,
    /// check the case record: the hash chain, every case against its last entry, and (given one)
    /// that it still reaches a kept checkpoint
    VerifyRecord {
        /// a checkpoint printed earlier by `record-checkpoint`
        #[arg(long, value_name = "line")]
        checkpoint: Option<String>,
    },
    /// print a signed checkpoint of the record's head, to keep outside the database
    RecordCheckpoint,
    /// grant a staff account legal_channel, discipline_channel or reveal_identity
    Grant {
        #[arg(value_name = "login")]
        login: String,
        #[arg(value_name = "power")]
        power: String,
    },
    /// print the JSON API's OpenAPI document (generated from the code), then exit
    Openapi,
    /// keep the holiday calendar case deadlines count with
    Holiday {
        #[arg(value_name = "YYYY-MM-DD")]
        day: String,
        /// `holiday` or `workday` (then a name), or `remove`
        #[arg(value_name = "holiday|workday|remove")]
        kind: String,
        /// the day's name, e.g. 元旦
        #[arg(value_name = "name")]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    // A wrong flag, a missing value or an unknown command: message and exit code 2, before anything runs.
    let cli = Cli::parse();
    // The document needs no configuration, data folder or database.
    if matches!(cli.command, Some(Command::Openapi)) {
        return match print_openapi() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let cfg = match Config::load(cli.config) {
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
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    match rt.block_on(run(cfg, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The JSON API's OpenAPI document on standard output.
fn print_openapi() -> Result<(), String> {
    let json = server::api::document().to_pretty_json().map_err(|e| format!("OpenAPI document: {e}"))?;
    println!("{json}");
    Ok(())
}

async fn run(cfg: Config, command: Command) -> Result<(), String> {
    // The port first, before anything is created, loaded or printed: a first start on a taken
    // port must not load the demo or make an administrator's password and then stop.
    let listener = match command {
        Command::Serve { .. } => Some(tokio::net::TcpListener::bind(&cfg.listen).await.map_err(|e| {
            format!(
                "无法在 {} 上启动：{e}。该端口可能已被另一个程序（或另一个本平台进程）占用；请先停止它，或在配置文件中改用其他地址（listen，或环境变量 CANYU_LISTEN）。未做任何改动。\ncannot listen on {}: {e}",
                cfg.listen, cfg.listen
            )
        })?),
        _ => None,
    };
    server::config::create_private_dir(&cfg.data_dir)
        .map_err(|e| format!("cannot create data folder {}: {e}", cfg.data_dir.display()))?;
    let db = server::db::connect(&cfg.database_url()).await.map_err(|e| format!("database: {e}"))?;
    match command {
        Command::Migrate => Ok(()),
        Command::Openapi => print_openapi(),
        Command::CreateAdmin { login } => {
            let key = cfg.case_key()?;
            let pw = app::admin::staff::reset_admin(&db, &key, &login).await.map_err(|e| e.to_string())?;
            println!("管理员账号 {login} 的一次性密码 / one-time password: {pw}");
            Ok(())
        }
        Command::LoadDemo => server::demo::load(&db, &cfg.case_config()?).await.map_err(|e| e.to_string()),
        Command::Reindex => reindex(&cfg, &db).await,
        Command::VerifyRecord { checkpoint } => verify_record(&cfg, &db, checkpoint.as_deref()).await,
        Command::RecordCheckpoint => {
            let key = cfg.case_key()?;
            let line = app::admin::record::head_checkpoint(&db, &key).await.map_err(|e| format!("database: {e}"))?;
            println!("{line}");
            Ok(())
        }
        Command::Holiday { day, kind, name } => {
            let kind = (kind != "remove").then(|| (kind.as_str(), name.as_deref().unwrap_or("")));
            let cases = cfg.case_config()?;
            let moved =
                app::cases::store::set_calendar_day(&db, &cases, &day, kind).await.map_err(|e| e.to_string())?;
            println!("节假日日历已更新：{day}；{moved}件办理中案件的期限已按新日历重新计算");
            Ok(())
        }
        Command::Grant { login, power } => grant(&cfg, &db, &login, &power).await,
        Command::Serve { demo } => match listener {
            Some(listener) => serve(cfg, db, demo, listener).await,
            None => Err("no listener".into()),
        },
    }
}

/// Grant a power at once, or propose one that an administrator must approve.
async fn grant(cfg: &Config, db: &sqlx::AnyPool, login: &str, power: &str) -> Result<(), String> {
    let key = cfg.case_key()?;
    app::admin::record::start(db, &key).await.map_err(|e| e.to_string())?;
    let by = app::admin::powers::Actor::Operator;
    match app::admin::powers::request(db, &key, by, login, power).await.map_err(|e| e.to_string())? {
        app::admin::powers::Outcome::Granted => println!("已授予 {login}：{power}"),
        app::admin::powers::Outcome::Proposed => {
            println!("已提出授权申请 {login}：{power}。此项权限须由一名管理员在“系统管理”页批准后生效（7天内有效）。")
        }
    }
    Ok(())
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

async fn serve(cfg: Config, db: sqlx::AnyPool, demo: bool, listener: tokio::net::TcpListener) -> Result<(), String> {
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
