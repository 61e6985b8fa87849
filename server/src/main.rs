//! `server`: runs Linli and administers its data.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use leptos::prelude::get_configuration;
use mimalloc::MiMalloc;

use app::domain::coords::Crs;
use app::server::photos::PhotoStore;
use app::server::store::Backend;
use app::server::{AppState, Catalog, Db};
use server::config::Config;
use server::config::DEFAULT_PHOTO_DIR;
use server::import::{
    import_communities_file, import_facilities_file, import_residences_file, import_sorting_file, ImportError,
};
use server::limits::WriteLimiter;
use server::{http, seed, users};

/// Rendering a page allocates and frees thousands of small strings, and
/// each brotli stream a few large tables: with glibc's allocator that was
/// 30 % of a results page's CPU time (perf, README "Server speed"), and
/// mimalloc served 1.3× (API) to 1.6× (uncompressed page) the requests/s.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// Linli (邻里): neighbourhood services within a 15-minute walk.
///
/// Every option can also be set by the environment variable shown with it;
/// RUST_LOG chooses which log lines are written (default `info`).
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the API (the default).
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Import facilities (or, with --communities, communities; with
    /// --residences, residential compounds and their head counts; with
    /// --sorting, the waste-sorting dictionary) from a CSV, GeoJSON or Excel
    /// .xlsx file. Every row is checked; if any is wrong, all errors are
    /// listed and nothing is imported. Rows are matched on `ref` (`code` for
    /// communities), so importing again updates them.
    Import {
        /// A .csv, .geojson or .xlsx file (see seeds/README.md for the columns).
        file: PathBuf,
        /// The coordinate system of the file: `wgs84` (GPS, OpenStreetMap,
        /// Tianditu), `gcj02` (Amap/高德, Tencent/腾讯) or `bd09` (Baidu/百度).
        /// Points are converted to WGS-84; a file read in the wrong system
        /// lands 300–500 m off.
        #[arg(long, default_value = "wgs84", value_parser = parse_crs, conflicts_with = "sorting")]
        crs: Crs,
        /// The file holds communities, not facilities.
        #[arg(long, conflicts_with = "sorting")]
        communities: bool,
        /// The file holds residential compounds (小区/院落): `ref`, `name_zh`,
        /// `name_en`, `community`, `lat`, `lng`, `residents`, `elderly` (aged
        /// 60+), for coverage planning.
        #[arg(long, conflicts_with_all = ["sorting", "communities"])]
        residences: bool,
        /// The file (CSV) is the waste-sorting dictionary; it replaces the
        /// current one.
        #[arg(long)]
        sorting: bool,
        /// Only check the file; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Create a committee member or an admin. The password is read from
    /// standard input (one line), or prompted for without echo on a
    /// terminal; never from the command line.
    CreateUser {
        #[arg(long)]
        username: String,
        /// `committee` (one community) or `admin` (all communities).
        #[arg(long)]
        role: String,
        /// The member's community code (`server communities` lists them).
        #[arg(long)]
        community: Option<String>,
    },
    /// Set a new password (read like create-user's); ends the account's
    /// sessions.
    SetPassword {
        #[arg(long)]
        username: String,
    },
    /// Disable an account; it cannot sign in and its sessions end at once.
    DisableUser {
        #[arg(long)]
        username: String,
    },
    /// Invite a member: creates the account without a password and prints
    /// a one-time link (72 hours) with which they set their own. The same
    /// as the invitation in the browser's account page.
    Invite {
        #[arg(long)]
        username: String,
        /// `committee` (one community) or `admin` (all communities).
        #[arg(long)]
        role: String,
        #[arg(long)]
        community: Option<String>,
        /// The address residents open, to print a whole link
        /// (e.g. https://linli.example.cn); without it, the path.
        #[arg(long, default_value = "")]
        base_url: String,
    },
    /// A new one-time link for an existing account (forgotten password,
    /// expired link, a disabled account coming back); older links stop
    /// working.
    NewLink {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "")]
        base_url: String,
    },
    /// Keys for city systems that file suggestions through Open311
    /// (`/open311/v2/requests`).
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// Webhooks: city systems told of each new suggestion, status change
    /// and public reply, signed, retried for hours.
    Webhook {
        #[command(subcommand)]
        action: WebhookAction,
    },
    /// List communities, one per line: code, name, centre latitude, centre
    /// longitude, separated by tabs.
    Communities,
    /// Copy a whole database into another, photos included (e.g. a pilot's
    /// SQLite file onto the city's PostgreSQL): facilities, communities,
    /// the dictionary, accounts, templates, suggestions and their audit
    /// trail; sessions are not copied (members sign in again). A target
    /// that holds data is refused unless --replace. Prints the rows of each
    /// table on both sides.
    Copy {
        /// The source database URL.
        #[arg(long)]
        from: String,
        /// The target database URL (migrated first).
        #[arg(long)]
        to: String,
        /// The source's photo folder (default: data/photos for SQLite, the
        /// database for PostgreSQL).
        #[arg(long)]
        from_photos: Option<String>,
        /// The target's photo folder (default as for --from-photos).
        #[arg(long)]
        to_photos: Option<String>,
        /// Empty a non-empty target first.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum ApiKeyAction {
    /// Make a key and print it, once: it is not stored, only its hash.
    Create {
        /// Who uses it, e.g. `city-hotline` (letters, digits, `-`, `_`, `.`).
        #[arg(long)]
        name: String,
        /// The one community it may file into; every community without it.
        #[arg(long)]
        community: Option<String>,
        /// Requests a minute it may make.
        #[arg(long, default_value_t = server::keys::DEFAULT_PER_MINUTE,
              value_parser = clap::value_parser!(u32).range(1..=10_000))]
        per_minute: u32,
    },
    /// List the keys (never the keys themselves), tab-separated.
    List,
    /// Stop a key at once; what it filed keeps its name.
    Revoke { name: String },
}

#[derive(Subcommand)]
enum WebhookAction {
    /// Register a receiver and print its new secret, once (it signs every
    /// delivery; give it to the receiver).
    Add {
        /// e.g. `city-platform` (letters, digits, `-`, `_`, `.`).
        #[arg(long)]
        name: String,
        /// Where events are POSTed (https:// in production).
        #[arg(long)]
        url: String,
        /// Only this community's suggestions; every community without it.
        #[arg(long)]
        community: Option<String>,
        /// Comma list of created, status_changed, replied.
        #[arg(long, default_value = "created,status_changed,replied")]
        events: String,
    },
    /// List webhooks with delivered, pending and dead events (never secrets).
    List,
    /// Stop sending to a webhook.
    Remove { name: String },
    /// Send a webhook's dead events again, with fresh attempts.
    Resend { name: String },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.config.log_format);
    match run(cli.command.unwrap_or(Command::Serve), cli.config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        // Two databases of its own; not DATABASE_URL's.
        Command::Copy {
            from,
            to,
            from_photos,
            to_photos,
            replace,
        } => copy(&from, &to, from_photos.as_deref(), to_photos.as_deref(), replace).await,
        command => with_database(command, config).await,
    }
}

/// How long start-up waits for a database that is not answering yet (one
/// starting alongside the app). A wrong address, password or certificate
/// fails at once.
const STARTUP_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

async fn with_database(command: Command, config: Config) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + STARTUP_WAIT;
    let db = loop {
        match Db::connect_only(&config.database_url, config.db_pool).await {
            Ok(db) => break db,
            Err(e) if e.is_unavailable() && std::time::Instant::now() < deadline => {
                tracing::warn!(error = %e, "the database is not answering yet; waiting");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    db.migrate().await?;
    match command {
        Command::Serve => {
            if config.seed {
                seed::load_demo_if_empty(&db).await?;
            }
            let catalog = Catalog::load(&db).await?;
            tokio::spawn(
                catalog
                    .clone()
                    .watch(db.clone(), Duration::from_millis(config.catalog_poll_ms)),
            );
            let mut leptos_options = get_configuration(None)?.leptos_options;
            // cargo-leptos (`hash-files`) writes the hashed names next to
            // the binary; serve them whenever they are there, so running
            // the binary directly needs no extra variable.
            let hash_file = std::env::current_exe()?
                .parent()
                .map(|dir| dir.join(leptos_options.hash_file.as_ref()));
            if hash_file.is_some_and(|f| f.exists()) {
                leptos_options.hash_files = true;
            }
            leptos_options.site_addr = config.site_addr;
            let addr = leptos_options.site_addr;
            let limits = WriteLimiter::for_backend(config.write_quota(), &db);
            let photos = match (&config.photo_dir, db.backend()) {
                (Some(dir), _) => PhotoStore::new(dir),
                (None, Backend::Postgres) => PhotoStore::in_database(db.clone()),
                (None, Backend::Sqlite) => PhotoStore::new(DEFAULT_PHOTO_DIR),
            };
            tokio::spawn(housekeeping(db.clone(), limits.clone(), photos.clone()));
            tokio::spawn(server::webhooks::run(db.clone(), config.webhooks()));
            let router = http::router_with(
                AppState {
                    db: db.clone(),
                    catalog,
                    photos,
                },
                leptos_options,
                limits,
                config.trusted_proxies.clone(),
                config.request_timeouts(),
                config.compression(),
            );
            http::serve(router, addr, config.connection_limits()).await?;
            db.close().await;
        }
        Command::Migrate => println!(
            "database is up to date: {}",
            app::server::store::redact(&config.database_url)
        ),
        Command::CreateUser {
            username,
            role,
            community,
        } => users::create(&db, &username, &role, community.as_deref()).await?,
        Command::SetPassword { username } => users::set_password(&db, &username).await?,
        Command::DisableUser { username } => users::disable(&db, &username).await?,
        Command::Invite {
            username,
            role,
            community,
            base_url,
        } => users::invite(&db, &username, &role, community.as_deref(), &base_url).await?,
        Command::NewLink { username, base_url } => users::new_link(&db, &username, &base_url).await?,
        Command::Copy { .. } => unreachable!("`run` copies without DATABASE_URL's database"),
        Command::ApiKey { action } => match action {
            ApiKeyAction::Create {
                name,
                community,
                per_minute,
            } => {
                let key = server::keys::create(&db, &name, community.as_deref(), per_minute).await?;
                eprintln!("API key `{name}` (shown once; keep it secret):");
                println!("{key}");
            }
            ApiKeyAction::List => print!("{}", server::keys::list(&db).await?),
            ApiKeyAction::Revoke { name } => {
                server::keys::revoke(&db, &name).await?;
                eprintln!("revoked `{name}`");
            }
        },
        Command::Webhook { action } => match action {
            WebhookAction::Add {
                name,
                url,
                community,
                events,
            } => {
                let events: Vec<&str> = events.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
                let secret = match server::webhooks::add(&db, &name, &url, community.as_deref(), &events).await? {
                    Ok(secret) => secret,
                    Err(problem) => anyhow::bail!("{problem}"),
                };
                eprintln!("webhook `{name}`: its signing secret (shown once; give it to the receiver):");
                println!("{secret}");
            }
            WebhookAction::List => print!("{}", server::webhooks::list(&db).await?),
            WebhookAction::Remove { name } => {
                server::webhooks::remove(&db, &name).await?;
                eprintln!("removed `{name}`");
            }
            WebhookAction::Resend { name } => {
                let n = db.resend_dead(&name).await?;
                eprintln!("{n} dead event(s) of `{name}` will be sent again");
            }
        },
        Command::Communities => {
            for c in db.communities().await? {
                println!("{}\t{}\t{:.6}\t{:.6}", c.code, c.name_zh, c.centre.lat, c.centre.lng);
            }
        }
        Command::Import {
            file,
            crs,
            communities,
            residences,
            sorting,
            dry_run,
        } => {
            let result = if communities {
                import_communities_file(&db, &file, crs, dry_run).await
            } else if residences {
                import_residences_file(&db, &file, crs, dry_run).await
            } else if sorting {
                import_sorting_file(&db, &file, dry_run).await
            } else {
                import_facilities_file(&db, &file, crs, dry_run).await
            };
            match result {
                Ok(report) if report.stored => {
                    println!("imported {} rows from {}", report.rows, file.display())
                }
                Ok(report) => {
                    println!("{} rows are valid; nothing stored (--dry-run)", report.rows)
                }
                Err(ImportError::Rows(errors)) => {
                    for e in &errors {
                        eprintln!("{}: {e}", file.display());
                    }
                    anyhow::bail!("{} row error(s); nothing was imported", errors.len());
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

async fn copy(
    from: &str,
    to: &str,
    from_photos: Option<&str>,
    to_photos: Option<&str>,
    replace: bool,
) -> anyhow::Result<()> {
    let source = Db::connect(from).await?;
    let target = Db::connect(to).await?;
    let copied = server::copy::copy(
        &source,
        &server::copy::photo_store(&source, from_photos),
        &target,
        &server::copy::photo_store(&target, to_photos),
        replace,
    )
    .await?;
    println!("{:<20} {:>10} {:>10}", "table", "source", "target");
    for (table, a, b) in &copied.rows.tables {
        println!("{table:<20} {a:>10} {b:>10}");
    }
    println!("{:<20} {:>10} {:>10}", "photos", copied.photos, copied.photos);
    if !copied.rows.matches() {
        anyhow::bail!("the counts differ");
    }
    println!(
        "copied {} into {}",
        app::server::store::redact(from),
        app::server::store::redact(to)
    );
    Ok(())
}

fn init_tracing(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = format == "json";
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Hourly: forget rate-limit entries of quiet clients, photos staged in
/// forms abandoned more than a day ago, and photo files nothing refers to.
async fn housekeeping(db: Db, limits: WriteLimiter, photos: PhotoStore) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        limits.forget_idle().await;
        let day_ago = chrono::Utc::now().timestamp_millis() - 24 * 3600 * 1000;
        match db.purge_staged_photos(day_ago).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "forgot photos of abandoned forms"),
            Err(e) => tracing::warn!(error = %e, "purging staged photos failed"),
        }
        match photos.sweep(&db, Duration::from_secs(3600)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "deleted unused photos"),
            Err(e) => tracing::warn!(error = %e, "sweeping photos failed"),
        }
        match db.purge_sessions().await {
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging sessions failed"),
        }
    }
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s).ok_or_else(|| format!("`{s}` is not one of wgs84, gcj02, bd09"))
}
