//! Responses as a framework delivered them, compared with the corpus and the
//! framework table.

use cors_runtime::ResponseHeader;

use crate::{Case, Observed};

/// The header a test service sets on every response it produces, so a
/// response the CORS layer answered itself can be told apart.
pub const SERVED_BY: &str = "x-served-by";

/// The response headers a decision may add and a test service does not set
/// itself (every one but `Content-Type`), in the runtime's order.
pub fn cors_header_names() -> impl Iterator<Item = &'static str> {
    ResponseHeader::ALL
        .into_iter()
        .filter(|h| *h != ResponseHeader::ContentType)
        .map(ResponseHeader::as_str)
}

/// A response as the client received it from a framework.
#[derive(Clone, Debug)]
pub struct Delivered {
    /// Status code.
    pub status: u16,
    /// Every header line, lowercase name and value, in any order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Delivered {
    /// Every line of `name`, in order.
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// True when the test service produced the response (rather than the
    /// CORS layer answering alone).
    pub fn served_by_service(&self) -> bool {
        !self.header(SERVED_BY).is_empty()
    }

    /// The CORS headers, in the runtime's order.
    pub fn cors_headers(&self) -> Vec<[String; 2]> {
        cors_header_names()
            .flat_map(|name| {
                self.header(name)
                    .into_iter()
                    .map(move |v| [name.to_string(), v.to_string()])
            })
            .collect()
    }
}

impl Delivered {
    /// The response in the corpus's terms, for a request of `kind` (not
    /// visible over HTTP). The test service answers 200 and sets
    /// [`SERVED_BY`]; anything else is the layer's own answer, whose
    /// status, `content-type` and error body count too.
    pub fn observed(&self, kind: &str) -> Observed {
        let by_service = self.served_by_service();
        // The runtime's order, `content-type` in its place.
        let headers = ResponseHeader::ALL
            .into_iter()
            .filter(|h| !(by_service && *h == ResponseHeader::ContentType))
            .flat_map(|h| {
                self.header(h.as_str())
                    .into_iter()
                    .map(move |v| [h.as_str().to_string(), v.to_string()])
            })
            .collect();
        let body_code = (!by_service && !self.body.is_empty()).then(|| {
            serde_json::from_str::<serde_json::Value>(&self.body)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_string))
                .unwrap_or_else(|| format!("<not an error body: {}>", self.body))
        });
        Observed {
            kind: kind.to_string(),
            status: (!by_service).then_some(self.status),
            headers,
            body_code,
        }
    }
}

impl Case {
    /// Compares a framework's response with the corpus expectation: the
    /// status of an answer the layer gave itself, every CORS header
    /// (`content-type` included for such answers) and the error body. The
    /// decision's kind is not visible over HTTP, so it is not compared.
    pub fn check_delivered(&self, delivered: &Delivered) -> Result<(), String> {
        self.check(&delivered.observed(&self.expect.kind))
    }
}
