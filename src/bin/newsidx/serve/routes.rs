//! The routes, their handlers, and the layers every request passes through
//! (access log, security headers, size limits).
//!
//! The API routes are listed once, in [`api_routes`], which both the router
//! and the test that holds `schema/openapi.json` to them use.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};

use super::error::ApiError;
use super::{JSON, Server, params};

/// Longest request target (path and query), in bytes.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;

/// The Content-Security-Policy of every answer: the page's own script and
/// style files only, no inline script, no other origin.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const OPENAPI: &str = include_str!("../../../../schema/openapi.json");
const RESULTS_SCHEMA: &str = include_str!("../../../../schema/search-results.schema.json");
const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");
const ICON_SVG: &str = include_str!("assets/icon.svg");

type Shared = Arc<Server>;

/// The routes of the JSON API, as `schema/openapi.json` lists them.
pub(crate) fn api_routes() -> Vec<(&'static str, MethodRouter<Shared>)> {
    vec![
        ("/api/search", get(search)),
        ("/api/articles/{id}", get(article)),
        ("/api/stats", get(stats)),
        ("/api/openapi.json", get(|| text(JSON, OPENAPI))),
        (
            "/api/search-results.schema.json",
            get(|| text("application/schema+json", RESULTS_SCHEMA)),
        ),
    ]
}

/// The whole application: the page, its assets, the API, and the layers.
pub(crate) fn router(server: Shared) -> Router {
    let mut router = Router::new()
        .route("/", get(|| text(HTML, INDEX_HTML)))
        .route("/articles/{id}", get(|| text(HTML, INDEX_HTML)))
        .route(
            "/assets/app.js",
            get(|| text("text/javascript; charset=utf-8", APP_JS)),
        )
        .route(
            "/assets/app.css",
            get(|| text("text/css; charset=utf-8", APP_CSS)),
        )
        .route("/assets/icon.svg", get(|| text("image/svg+xml", ICON_SVG)));
    for (path, route) in api_routes() {
        router = router.route(path, route);
    }
    let quiet = server.quiet;
    router
        .fallback(|request: Request| async move {
            ApiError::not_found(format!(
                "no such page or endpoint: {}",
                request.uri().path()
            ))
        })
        .method_not_allowed_fallback(|method: Method| async move {
            ApiError::method_not_allowed(method.as_str())
        })
        .with_state(server)
        .layer(middleware::from_fn(limits))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(move |request, next| {
            access_log(quiet, request, next)
        }))
}

async fn text(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn json(result: Result<Vec<u8>, ApiError>) -> Response {
    match result {
        Ok(body) => ([(header::CONTENT_TYPE, JSON)], body).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn search(State(server): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let args = match params::search_args(query.as_deref()) {
        Ok(args) => args,
        Err(err) => return err.into_response(),
    };
    json(server.run(move |api| api.search(&args)).await)
}

async fn article(
    State(server): State<Shared>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(Path(id)) = id else {
        return ApiError::bad_parameter("id", "the article id is not UTF-8 text once decoded")
            .into_response();
    };
    let args = match params::show_args(id, query.as_deref()) {
        Ok(args) => args,
        Err(err) => return err.into_response(),
    };
    json(server.run(move |api| api.article(&args)).await)
}

async fn stats(State(server): State<Shared>, RawQuery(query): RawQuery) -> Response {
    if let Err(err) = params::no_params(query.as_deref()) {
        return err.into_response();
    }
    json(server.run(|api| api.stats()).await)
}

/// Refuses over-long request targets (414) and requests with a body (413)
/// before anything else looks at them.
async fn limits(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if length > MAX_URI_BYTES {
        return ApiError::uri_too_long(length, MAX_URI_BYTES).into_response();
    }
    let headers = request.headers();
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    if has_body {
        return ApiError::body_not_allowed().into_response();
    }
    next.run(request).await
}

/// The headers of every answer: no inline script, no sniffing, no referrer,
/// no framing; nothing cached. No CORS headers: other origins cannot read
/// the API from a browser.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::CACHE_CONTROL, "no-store");
    response
}

/// One line per request on standard error: method, path and query, status,
/// milliseconds.
async fn access_log(quiet: bool, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().to_string(), |pq| pq.as_str().to_string());
    let response = next.run(request).await;
    if !quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let status: StatusCode = response.status();
        // Not eprintln!, which panics when standard error is gone.
        let _ = writeln!(
            std::io::stderr().lock(),
            "{method} {} {} {ms:.1} ms",
            crate::term::escape_controls(&target),
            status.as_u16()
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn openapi() -> Value {
        serde_json::from_str(OPENAPI).expect("schema/openapi.json is JSON")
    }

    /// The query parameters the document lists for `path`.
    fn documented(doc: &Value, path: &str) -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .map(|params| {
                params
                    .iter()
                    .filter(|p| p["in"] == "query")
                    .map(|p| p["name"].as_str().expect("a name").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn the_openapi_document_lists_every_route_and_no_other() {
        let doc = openapi();
        let mut listed: Vec<&str> = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(String::as_str)
            .collect();
        let mut served: Vec<&str> = api_routes().into_iter().map(|(path, _)| path).collect();
        listed.sort_unstable();
        served.sort_unstable();
        assert_eq!(listed, served);
        for (_, operation) in doc["paths"].as_object().expect("paths") {
            let methods: Vec<&String> = operation.as_object().expect("operations").keys().collect();
            assert_eq!(methods, ["get"], "the API is read-only");
        }
    }

    #[test]
    fn the_openapi_document_lists_every_parameter_and_no_other() {
        let doc = openapi();
        let mut search = documented(&doc, "/api/search");
        let mut taken: Vec<String> = params::SEARCH_PARAMS
            .iter()
            .map(|s| s.to_string())
            .collect();
        search.sort();
        taken.sort();
        assert_eq!(search, taken);
        assert_eq!(
            documented(&doc, "/api/articles/{id}"),
            params::ARTICLE_PARAMS
        );
        for path in [
            "/api/stats",
            "/api/openapi.json",
            "/api/search-results.schema.json",
        ] {
            assert!(documented(&doc, path).is_empty(), "{path}");
        }
        let caps = &doc["paths"]["/api/search"]["get"]["parameters"];
        let schema = |name: &str| {
            caps.as_array()
                .and_then(|a| a.iter().find(|p| p["name"] == name))
                .map(|p| p["schema"].clone())
                .expect("documented")
        };
        assert_eq!(schema("q")["maxLength"], params::MAX_QUERY_CHARS);
        assert_eq!(schema("limit")["maximum"], params::MAX_LIMIT);
        assert_eq!(schema("offset")["maximum"], params::MAX_OFFSET);
        assert_eq!(schema("source")["maxItems"], params::MAX_SOURCES);
    }

    #[test]
    fn the_page_never_parses_data_as_html() {
        // The page inserts archive text as text only; these are the doors
        // through which a string becomes markup or code.
        for door in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "DOMParser",
            "createContextualFragment",
            "srcdoc",
        ] {
            assert!(!APP_JS.contains(door), "app.js uses {door}");
        }
        assert!(
            !INDEX_HTML.contains("<script>"),
            "inline script in index.html"
        );
        let handler = INDEX_HTML.split(" on").skip(1).any(|rest| {
            let name = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            name.len() < rest.len() && name.starts_with('=')
        });
        assert!(!handler, "an inline event handler in index.html");
        assert!(
            !INDEX_HTML.contains("style="),
            "an inline style in index.html"
        );
    }
}
