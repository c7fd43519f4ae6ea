//! Caching and compression: public pages revalidate with 304, private pages are never stored,
//! the site's files carry validators and precompressed copies, fingerprinted files are immutable.
use crate::harness::{relaxed, TestApp};
use reqwest::header::{HeaderMap, ACCEPT_ENCODING, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use reqwest::Response;
use server::config::Config;
use std::io::Read;

const CSS_HASH: &str = "0123456789abcdef";
const JS_HASH: &str = "fedcba9876543210";
const WASM_HASH: &str = "00112233aabbccdd";

/// A server whose site folder holds a fingerprinted bundle (with a gzip and a brotli copy of the
/// script) and a favicon, as `.ci/site.sh` lays it out.
async fn with_built_site() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    std::fs::write(site.join(format!("pkg/canyu.{CSS_HASH}.css")), "body { color: #222; }").unwrap();
    std::fs::write(site.join(format!("pkg/canyu.{WASM_HASH}.wasm")), b"\0asm\x01\0\0\0").unwrap();
    let js = site.join(format!("pkg/canyu.{JS_HASH}.js"));
    std::fs::write(&js, "export default function init() {}\n".repeat(20)).unwrap();
    std::fs::write(js.with_extension("js.gz"), b"gzip bytes").unwrap();
    std::fs::write(js.with_extension("js.br"), b"brotli bytes").unwrap();
    std::fs::write(site.join("hash.txt"), format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n")).unwrap();
    let cfg = Config { limits: relaxed(), search_interval_ms: 50, site_root: site, ..Config::default() };
    TestApp::spawn_in(dir, cfg).await
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
}

async fn get_with(app: &TestApp, path: &str, headers: &[(reqwest::header::HeaderName, &str)]) -> Response {
    let mut req = app.client().get(app.url(path));
    for (name, value) in headers {
        req = req.header(name, *value);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_returning_reader_revalidates_the_home_page_and_gets_304_without_a_body() {
    let app = TestApp::spawn().await;
    let first = get_with(&app, "/", &[]).await;
    assert_eq!(first.status(), 200);
    let tag = header(first.headers(), "etag").to_string();
    assert!(tag.starts_with("W/\""), "a weak tag over the rendered page: {tag:?}");
    assert_eq!(header(first.headers(), "cache-control"), "no-cache", "kept, but asked about each time");
    assert!(header(first.headers(), "content-security-policy").contains("'nonce-"));

    let again = get_with(&app, "/", &[(IF_NONE_MATCH, &tag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(again.headers(), "etag"), tag);
    assert_eq!(header(again.headers(), "vary"), "accept-encoding");
    assert_eq!(header(again.headers(), "x-content-type-options"), "nosniff");
    // The stored page keeps its own policy: a fresh nonce would block its scripts.
    assert!(again.headers().get("content-security-policy").is_none());
    assert!(again.bytes().await.unwrap().is_empty());

    // A new consultation changes the page, so the reader gets it in full.
    let (staff, _) = app.staff("市交通运输局").await;
    app.open_consultation(&staff).await;
    let changed = get_with(&app, "/", &[(IF_NONE_MATCH, &tag)]).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(header(changed.headers(), "etag"), tag);
    assert!(changed.text().await.unwrap().contains("养犬"));
}

#[tokio::test]
async fn a_signed_in_persons_page_is_never_given_a_shareable_tag_or_a_304() {
    let app = TestApp::spawn().await;
    let public_tag = header(get_with(&app, "/", &[]).await.headers(), "etag").to_string();
    let citizen = app.citizen("13800000031").await;
    let own = citizen.get(app.url("/")).header(IF_NONE_MATCH, &public_tag).send().await.unwrap();
    assert_eq!(own.status(), 200, "the person's own page, never the public copy");
    assert!(own.headers().get("etag").is_none());
    assert_eq!(header(own.headers(), "cache-control"), "no-store");
    // A private path is not tagged without a session either.
    let track = get_with(&app, "/cases/track", &[]).await;
    assert!(track.headers().get("etag").is_none());
    assert_eq!(header(track.headers(), "cache-control"), "no-store");
}

#[tokio::test]
async fn static_files_carry_validators_and_answer_304() {
    let app = with_built_site().await;
    let icon = get_with(&app, "/favicon.svg", &[]).await;
    assert_eq!(icon.status(), 200);
    let h = icon.headers().clone();
    assert_eq!(header(&h, "cache-control"), "public, max-age=3600", "not fingerprinted: an hour");
    assert_eq!(header(&h, "vary"), "accept-encoding");
    assert_eq!(header(&h, "x-content-type-options"), "nosniff", "security headers on files too");
    let (tag, modified) = (header(&h, "etag"), header(&h, "last-modified"));
    assert!(tag.starts_with('"') && !modified.is_empty());

    let by_tag = get_with(&app, "/favicon.svg", &[(IF_NONE_MATCH, tag)]).await;
    assert_eq!(by_tag.status(), 304);
    assert_eq!(header(by_tag.headers(), "etag"), tag);
    assert!(by_tag.bytes().await.unwrap().is_empty());
    let by_date = get_with(&app, "/favicon.svg", &[(IF_MODIFIED_SINCE, modified)]).await;
    assert_eq!(by_date.status(), 304);
    // A tag that does not match wins over a date that does.
    let stale = get_with(&app, "/favicon.svg", &[(IF_NONE_MATCH, "\"old\""), (IF_MODIFIED_SINCE, modified)]).await;
    assert_eq!(stale.status(), 200);

    // A missing file is still the app's 404 page, and a folder is not listed.
    for path in ["/pkg/nothing.js", "/pkg", "/pkg/"] {
        let missing = get_with(&app, path, &[]).await;
        assert_eq!(missing.status(), 404, "{path}");
        assert!(header(missing.headers(), "content-type").starts_with("text/html"));
    }
}

#[tokio::test]
async fn a_browser_that_accepts_compression_gets_the_precompressed_file() {
    let app = with_built_site().await;
    let path = format!("/pkg/canyu.{JS_HASH}.js");
    let gzip = get_with(&app, &path, &[(ACCEPT_ENCODING, "gzip, deflate")]).await;
    assert_eq!(header(gzip.headers(), "content-encoding"), "gzip");
    assert_eq!(header(gzip.headers(), "vary"), "accept-encoding");
    assert!(header(gzip.headers(), "content-type").contains("javascript"), "the type of the file, not of .gz");
    let gzip_tag = header(gzip.headers(), "etag").to_string();
    assert_eq!(&gzip.bytes().await.unwrap()[..], b"gzip bytes");

    let br = get_with(&app, &path, &[(ACCEPT_ENCODING, "gzip, deflate, br")]).await;
    assert_eq!(header(br.headers(), "content-encoding"), "br");
    let br_tag = header(br.headers(), "etag").to_string();
    assert_eq!(&br.bytes().await.unwrap()[..], b"brotli bytes");

    let plain = get_with(&app, &path, &[]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_tag = header(plain.headers(), "etag").to_string();
    assert!(plain.text().await.unwrap().starts_with("export default"));
    assert!(gzip_tag != plain_tag && br_tag != plain_tag && gzip_tag != br_tag, "one tag per encoding");
}

#[tokio::test]
async fn fingerprinted_bundle_files_are_immutable_and_the_pages_link_them() {
    let app = with_built_site().await;
    for file in [format!("canyu.{JS_HASH}.js"), format!("canyu.{WASM_HASH}.wasm"), format!("canyu.{CSS_HASH}.css")] {
        let res = get_with(&app, &format!("/pkg/{file}"), &[]).await;
        assert_eq!(res.status(), 200, "{file}");
        assert_eq!(header(res.headers(), "cache-control"), "public, max-age=31536000, immutable", "{file}");
    }
    let page = get_with(&app, "/", &[]).await.text().await.unwrap();
    for linked in
        [format!("/pkg/canyu.{CSS_HASH}.css"), format!("canyu.{JS_HASH}.js"), format!("canyu.{WASM_HASH}.wasm")]
    {
        assert!(page.contains(&linked), "the page links {linked}");
    }
}

#[tokio::test]
async fn without_a_built_site_pages_link_the_plain_names_and_those_are_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/canyu.css"), "body {}").unwrap();
    let cfg = Config { limits: relaxed(), search_interval_ms: 50, site_root: site, ..Config::default() };
    let app = TestApp::spawn_in(dir, cfg).await;
    let page = get_with(&app, "/", &[]).await.text().await.unwrap();
    assert!(page.contains("/pkg/canyu.css") && page.contains("canyu_bg.wasm"));
    let css = get_with(&app, "/pkg/canyu.css", &[]).await;
    assert_eq!(header(css.headers(), "cache-control"), "no-cache", "a new build is never mixed with an old one");
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it_and_still_revalidate() {
    let app = TestApp::spawn().await;
    let res = get_with(&app, "/", &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(header(res.headers(), "content-encoding"), "gzip");
    assert!(header(res.headers(), "vary").contains("accept-encoding"));
    let tag = header(res.headers(), "etag").to_string();
    let mut html = String::new();
    flate2::read::GzDecoder::new(&res.bytes().await.unwrap()[..]).read_to_string(&mut html).unwrap();
    assert!(html.contains("公众参与平台"));
    let again = get_with(&app, "/", &[(ACCEPT_ENCODING, "gzip"), (IF_NONE_MATCH, &tag)]).await;
    assert_eq!(again.status(), 304);
    // Brotli is for the files, made once at build time; a page is gzipped or sent as it is.
    let br = get_with(&app, "/", &[(ACCEPT_ENCODING, "br")]).await;
    assert!(br.headers().get("content-encoding").is_none());
    assert!(br.text().await.unwrap().contains("公众参与平台"));
}
