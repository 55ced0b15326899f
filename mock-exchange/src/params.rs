//! The parameters of one request, parsed from the query string and a form body, and the
//! signed payload split off exactly as it was sent.

/// A request's parameters and the raw text they came from.
#[derive(Debug, Clone)]
pub(crate) struct RequestParams {
    /// Decoded `(name, value)` pairs, query first, then body.
    pairs: Vec<(String, String)>,
    /// `totalParams`: the raw query immediately followed by the raw body, as Binance signs it.
    total: String,
}

/// The signed part of a request: the bytes before `signature` and the signature as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedPayload<'a> {
    /// Everything before `&signature=` (or empty when `signature` is the only parameter).
    pub(crate) payload: &'a str,
    /// The signature value, still percent-encoded.
    pub(crate) signature: &'a str,
}

impl RequestParams {
    /// Parses the raw query (without `?`) and a `application/x-www-form-urlencoded` body.
    pub(crate) fn parse(query: &str, body: &str) -> RequestParams {
        let pairs = form_urlencoded::parse(query.as_bytes())
            .chain(form_urlencoded::parse(body.as_bytes()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        RequestParams { pairs, total: format!("{query}{body}") }
    }

    /// Every `(name, value)` pair, decoded, in the order sent.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The first value sent for `name`, if it was sent non-empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// The signed payload, when `signature` is present and is the last parameter.
    ///
    /// `Err(())` means a signature was sent but not last, which Binance treats as invalid.
    pub(crate) fn signed_payload(&self) -> Option<Result<SignedPayload<'_>, ()>> {
        let (payload, signature) = match self.total.rfind("signature=") {
            Some(0) => ("", &self.total["signature=".len()..]),
            Some(at) if self.total[..at].ends_with('&') => {
                (&self.total[..at - 1], &self.total[at + "signature=".len()..])
            }
            // `xsignature=` or `signature` only inside a value: look for a real one.
            _ => return self.pairs.iter().any(|(k, _)| k == "signature").then_some(Err(())),
        };
        if signature.is_empty() || signature.contains('&') {
            return Some(Err(()));
        }
        Some(Ok(SignedPayload { payload, signature }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_last_in_the_query_splits_the_exact_bytes() {
        let params = RequestParams::parse("b=%20x&timestamp=1&signature=ab%2Bc", "");
        assert_eq!(params.get("b"), Some(" x"));
        assert_eq!(
            params.signed_payload(),
            Some(Ok(SignedPayload { payload: "b=%20x&timestamp=1", signature: "ab%2Bc" }))
        );
    }

    #[test]
    fn body_follows_the_query_without_separator() {
        let params = RequestParams::parse("symbol=BTCUSDT", "timestamp=1&signature=ff");
        assert_eq!(
            params.signed_payload(),
            Some(Ok(SignedPayload { payload: "symbol=BTCUSDTtimestamp=1", signature: "ff" }))
        );
    }

    #[test]
    fn signature_not_last_or_missing() {
        assert_eq!(RequestParams::parse("signature=ff&timestamp=1", "").signed_payload(), Some(Err(())));
        assert_eq!(RequestParams::parse("timestamp=1", "").signed_payload(), None);
        assert_eq!(RequestParams::parse("x=1&signature=", "").get("signature"), None);
    }
}
