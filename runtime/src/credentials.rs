//! API key and signing secret. Secrets never appear in `Debug`, `Display`, logs or errors.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// API key plus the key that signs requests.
#[derive(Clone)]
pub struct Credentials {
    api_key: String,
    signer: Signer,
}

#[derive(Clone)]
enum Signer {
    /// HMAC-SHA256 keyed with the secret; the prepared MAC state avoids rehashing the key.
    Hmac(Hmac<Sha256>),
}

impl Credentials {
    /// HMAC-SHA256 credentials: API key and secret key as shown by Binance.
    pub fn hmac(api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> crate::Result<Self> {
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        let mac = Hmac::<Sha256>::new_from_slice(secret.as_ref())
            .map_err(|_| crate::Error::Config("the HMAC secret key cannot be used as a key".into()))?;
        Ok(Credentials { api_key, signer: Signer::Hmac(mac) })
    }

    /// The API key, sent in `X-MBX-APIKEY`.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Signs `payload` (the exact query bytes sent): lower-case hex for HMAC.
    pub fn sign(&self, payload: &[u8]) -> String {
        match &self.signer {
            Signer::Hmac(mac) => {
                let mut mac = mac.clone();
                mac.update(payload);
                hex::encode(mac.finalize().into_bytes())
            }
        }
    }

    /// The key type, for logs.
    pub fn key_type(&self) -> &'static str {
        match self.signer {
            Signer::Hmac(_) => "HMAC-SHA256",
        }
    }
}

fn check_api_key(key: &str) -> crate::Result<()> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(crate::Error::Config(
            "the API key is empty or has characters that cannot go in an HTTP header".into(),
        ));
    }
    Ok(())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &"<redacted>")
            .field("key_type", &self.key_type())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_fapi_worked_example() {
        let c = Credentials::hmac("key", "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9").unwrap();
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        assert_eq!(c.sign(payload.as_bytes()), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::hmac("my-api-key-123", "my-secret-456").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("my-api-key-123") && !shown.contains("my-secret-456"), "{shown}");
    }

    #[test]
    fn bad_api_key_is_a_config_error() {
        assert!(matches!(Credentials::hmac("", "s"), Err(crate::Error::Config(_))));
        assert!(matches!(Credentials::hmac("a\nb", "s"), Err(crate::Error::Config(_))));
    }
}
