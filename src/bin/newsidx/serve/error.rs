//! The API's errors: one JSON shape for every failure,
//! `{"error": {"status", "kind", "message", "column"?, "parameter"?}}`,
//! with the HTTP status that says whose fault it is (4xx: the request's,
//! 503: come back later, 500: ours).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An answer other than success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable name for the kind of failure (see the OpenAPI document).
    pub kind: &'static str,
    /// What is wrong and what to do, for people.
    pub message: String,
    /// For a malformed query: the 1-based column (in characters) of the
    /// problem, as the command line reports it.
    pub column: Option<usize>,
    /// The query parameter at fault, when one is.
    pub parameter: Option<String>,
    /// Seconds after which to try again (503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
            column: None,
            parameter: None,
            retry_after: None,
        }
    }

    /// 400: a malformed query, with the column of the problem.
    pub fn bad_query(message: impl Into<String>, column: Option<usize>) -> ApiError {
        ApiError {
            column,
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_query", message)
        }
    }

    /// 400: a parameter that is unknown, repeated, or has a bad value.
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            parameter: Some(parameter.to_string()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_parameter", message)
        }
    }

    /// 400: a value the request gave that the index refuses (a source that
    /// names no source, an id prefix that several ids share).
    pub fn bad_value(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_value", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405.
    pub fn method_not_allowed(method: &str) -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed here: the API is read-only, use GET"),
        )
    }

    /// 413: a request with a body.
    pub fn body_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "no endpoint takes a request body: send the options as query parameters",
        )
    }

    /// 414.
    pub fn uri_too_long(length: usize, most: usize) -> ApiError {
        ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!(
                "the request's path and query are {length} bytes long; at most {most} are accepted"
            ),
        )
    }

    /// 503: every search slot and queue place is taken.
    pub fn busy() -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the server is answering as many searches as it can: try again in a moment",
            )
        }
    }

    /// 503: the request took longer than the time limit.
    pub fn timeout(secs: f64) -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "the request took longer than the server's limit of {secs} s: try again, or narrow the search"
                ),
            )
        }
    }

    /// 503: the index has nothing to answer with yet.
    pub fn indexing(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(5),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "indexing", message)
        }
    }

    /// 500: the server's own failure (I/O, a damaged index).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

/// The JSON body.
#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    status: u16,
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                status: self.status.as_u16(),
                kind: self.kind,
                message: &self.message,
                column: self.column,
                parameter: self.parameter.as_deref(),
            },
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(super::JSON))],
            json,
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_json_with_their_status() {
        let response = ApiError::bad_query("unclosed quote", Some(3)).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let busy = ApiError::busy().into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        assert_eq!(busy.headers()[header::CONTENT_TYPE], super::super::JSON);
    }
}
