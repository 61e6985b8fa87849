//! The account commands of the real binary, on a temporary database (SQLite,
//! or PostgreSQL with `LINLI_TEST_POSTGRES`).

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn server(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::database_url(dir.path()));
    let communities = dir.path().join("c.csv");
    std::fs::write(
        &communities,
        "code,name_zh,name_en,district_zh,district_en,lat,lng\nwuhou-yulin,玉林街道,Yulin,武侯区,Wuhou,30.629,104.059\n",
    )
    .unwrap();
    let out = server(&db, &["import", "--communities", communities.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = server(&db, &["communities"], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "wuhou-yulin\t玉林街道\t30.629000\t104.059000\n"
    );
    // The same centre as Baidu gives it, read as BD-09, lands on the same
    // point (to the printed micro-degree); a system the option does not
    // know stops the import before anything is read.
    let bd = app::domain::coords::Crs::Bd09.from_wgs84(app::domain::coords::LatLng::new(30.629, 104.059));
    std::fs::write(
        &communities,
        format!(
            "code,name_zh,name_en,district_zh,district_en,lat,lng\nwuhou-yulin,玉林街道,Yulin,武侯区,Wuhou,{},{}\n",
            bd.lat, bd.lng
        ),
    )
    .unwrap();
    let path = communities.to_str().unwrap();
    let out = server(&db, &["import", "--communities", "--crs", "utm", path], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wgs84, gcj02, bd09"));
    let out = server(&db, &["import", "--communities", "--crs", "bd09", path], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = server(&db, &["communities"], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "wuhou-yulin\t玉林街道\t30.629000\t104.059000\n"
    );

    let create = |name: &str, extra: &[&str], password: &str| {
        let mut args = vec!["create-user", "--username", name];
        args.extend(extra);
        server(&db, &args, password)
    };
    let ok = create(
        "wang.li",
        &["--role", "committee", "--community", "wuhou-yulin"],
        "a good long password\n",
    );
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let taken = create(
        "wang.li",
        &["--role", "committee", "--community", "wuhou-yulin"],
        "a good long password\n",
    );
    assert!(!taken.status.success());
    for (args, password, why) in [
        (
            vec!["--role", "committee"],
            "a good long password\n",
            "needs a community",
        ),
        (
            vec!["--role", "committee", "--community", "nowhere"],
            "a good long password\n",
            "unknown community",
        ),
        (vec!["--role", "boss"], "a good long password\n", "unknown role"),
        (vec!["--role", "admin"], "short\n", "short password"),
    ] {
        let out = create("someone", &args, password);
        assert!(!out.status.success(), "{why}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty(), "{why}: says why");
    }
    assert!(create("chief", &["--role", "admin"], "another long password\n")
        .status
        .success());
    assert!(server(
        &db,
        &["set-password", "--username", "wang.li"],
        "a brand new password\n"
    )
    .status
    .success());
    assert!(
        !server(&db, &["set-password", "--username", "nobody"], "a brand new password\n")
            .status
            .success()
    );
    assert!(server(&db, &["disable-user", "--username", "wang.li"], "")
        .status
        .success());

    // Invitations: the browser's rules and links.
    let invite = |name: &str, extra: &[&str]| {
        let mut args = vec!["invite", "--username", name, "--base-url", "https://linli.example/"];
        args.extend(extra);
        server(&db, &args, "")
    };
    let out = invite("chen.xia", &["--role", "committee", "--community", "wuhou-yulin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let token = link
        .strip_prefix("https://linli.example/review/welcome?token=")
        .unwrap_or_else(|| panic!("{link}"))
        .to_string();
    assert!(app::security::is_hex_token(&token, 64), "{token}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("valid until"));
    for (name, extra, why) in [
        (
            "chen.xia",
            vec!["--role", "committee", "--community", "wuhou-yulin"],
            "taken",
        ),
        ("zhou", vec!["--role", "committee"], "needs a community"),
        ("Zhou", vec!["--role", "admin"], "bad username"),
    ] {
        let out = invite(name, &extra);
        assert!(!out.status.success(), "{why}");
        assert!(out.stdout.is_empty(), "{why}: no link");
    }
    let renewed = server(&db, &["new-link", "--username", "wang.li"], "");
    assert!(renewed.status.success(), "{}", String::from_utf8_lossy(&renewed.stderr));
    let path = String::from_utf8_lossy(&renewed.stdout).trim().to_string();
    assert!(path.starts_with("/review/welcome?token="), "{path}");
    assert!(!server(&db, &["new-link", "--username", "nobody"], "").status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = app::server::Db::connect(&db).await.unwrap();
        let hash = app::server::auth::token_hash(&token);
        let info = db.invitation(&hash).await.unwrap().expect("the link is stored, hashed");
        assert_eq!(info.member.username, "chen.xia");
        assert!(!info.used);
        let id = db.account("wang.li").await.unwrap().unwrap().member.id;
        let kinds: Vec<String> = db.account_history(id).await.unwrap().into_iter().map(|e| e.0).collect();
        assert_eq!(kinds, ["created", "password", "disabled", "linked"]);
    });
}

#[test]
fn every_setting_is_listed_and_a_bad_value_stops_start_up() {
    let help = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for var in [
        "DATABASE_URL",
        "LINLI_DB_POOL",
        "LEPTOS_SITE_ADDR",
        "LINLI_SEED",
        "LINLI_CATALOG_POLL_MS",
        "LINLI_PHOTO_DIR",
        "LINLI_WRITE_BURST",
        "LINLI_WRITE_PERIOD_MS",
        "LINLI_LOG_FORMAT",
        "LINLI_TRUSTED_PROXIES",
        "LINLI_HEADER_TIMEOUT_MS",
        "LINLI_MAX_CONNECTIONS",
        "LINLI_WEBHOOK_RETRY_MS",
        "LINLI_WEBHOOK_ATTEMPTS",
        "LINLI_WEBHOOK_POLL_MS",
    ] {
        assert!(help.contains(&format!("[env: {var}")), "{var} is in --help:\n{help}");
    }
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bad.db").display());
    for (var, value) in [
        ("LINLI_WRITE_BURST", "lots"),
        ("LINLI_SEED", "maybe"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("LINLI_CATALOG_POLL_MS", "0"),
        ("LINLI_MAX_CONNECTIONS", "0"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("migrate")
            .env("DATABASE_URL", &db)
            .env(var, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{var}={value} is refused");
        assert!(stderr.contains(value), "the message names the value: {stderr}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("migrate")
        .env("DATABASE_URL", "mysql://root:hunter2@db/linli")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("unsupported database URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "no password in messages: {stderr}");
}

#[test]
fn api_keys_are_shown_once_stored_hashed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(common::database_url(dir.path()));
    let communities = dir.path().join("c.csv");
    std::fs::write(
        &communities,
        "code,name_zh,name_en,district_zh,district_en,lat,lng\nwuhou-yulin,玉林街道,Yulin,武侯区,Wuhou,30.629,104.059\n",
    )
    .unwrap();
    assert!(
        server(&db, &["import", "--communities", communities.to_str().unwrap()], "")
            .status
            .success()
    );
    let out = server(&db, &["api-key", "create", "--name", "city-hotline"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(key.starts_with("linli_") && key.len() == 6 + 64, "{key}");
    let out = server(
        &db,
        &[
            "api-key",
            "create",
            "--name",
            "yulin-app",
            "--community",
            "wuhou-yulin",
            "--per-minute",
            "5",
        ],
        "",
    );
    let other = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_ne!(key, other);
    // Refusals say why and make nothing.
    for (args, why) in [
        (vec!["api-key", "create", "--name", "city-hotline"], "already a key"),
        (
            vec!["api-key", "create", "--name", "x", "--community", "nowhere"],
            "no such community",
        ),
        (vec!["api-key", "create", "--name", "has space"], "letters, digits"),
        (
            vec!["api-key", "create", "--name", "y", "--per-minute", "0"],
            "per-minute",
        ),
        (vec!["api-key", "revoke", "nobody"], "no key `nobody`"),
    ] {
        let out = server(&db, &args, "");
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = String::from_utf8_lossy(&server(&db, &["api-key", "list"], "").stdout).to_string();
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(
        lines[1].starts_with("city-hotline\t*\t60\t") && lines[1].ends_with("\t-\t-"),
        "{list}"
    );
    assert!(lines[2].starts_with("yulin-app\twuhou-yulin\t5\t"), "{list}");
    // The key itself is nowhere in the database: only its SHA-256.
    let stored = rt.block_on(async {
        let db = app::server::Db::connect(&db).await.unwrap();
        db.use_api_key(&server::keys::key_hash(&key)).await.unwrap()
    });
    assert_eq!(stored.map(|k| k.name), Some("city-hotline".to_string()));
    if let Some(file) = db.strip_prefix("sqlite://") {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()));
    }
    assert!(server(&db, &["api-key", "revoke", "city-hotline"], "").status.success());
    let list = String::from_utf8_lossy(&server(&db, &["api-key", "list"], "").stdout).to_string();
    assert!(!list.lines().nth(1).unwrap().ends_with("\t-"), "{list}");
    let gone = rt.block_on(async {
        let db = app::server::Db::connect(&db).await.unwrap();
        db.use_api_key(&server::keys::key_hash(&key)).await.unwrap()
    });
    assert_eq!(gone, None);
    // Revoking twice is refused: it was not in use.
    assert!(!server(&db, &["api-key", "revoke", "city-hotline"], "").status.success());
}
