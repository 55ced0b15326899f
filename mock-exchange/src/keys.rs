//! Configured API keys and signature verification for each key type Binance accepts.

use base64::Engine as _;
use ed25519_dalek::pkcs8::DecodePublicKey as _;
use hmac::{Hmac, Mac};
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::signature::Verifier as _;
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

/// The material that verifies one API key's signatures.
pub(crate) enum KeyMaterial {
    /// HMAC-SHA256 secret; the signature is lower- or upper-case hex.
    Hmac(Zeroizing<Vec<u8>>),
    /// Ed25519 public key; the signature is base64, percent-encoded in the query.
    Ed25519(Box<ed25519_dalek::VerifyingKey>),
    /// RSA public key (PKCS#1 v1.5, SHA-256); the signature is base64, percent-encoded.
    Rsa(Box<rsa::pkcs1v15::VerifyingKey<Sha256>>),
}

// Never print key material: only which kind of key it is.
impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

impl KeyMaterial {
    /// An HMAC key from its secret.
    pub(crate) fn hmac(secret: &[u8]) -> KeyMaterial {
        KeyMaterial::Hmac(Zeroizing::new(secret.to_vec()))
    }

    /// An Ed25519 key from a SPKI PEM text, SPKI DER bytes or the raw 32 public-key bytes.
    pub(crate) fn ed25519(public_key: &[u8]) -> Result<KeyMaterial, String> {
        let key = if let Some(pem) = pem_text(public_key) {
            ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
                .map_err(|e| format!("not an Ed25519 public key PEM (\"BEGIN PUBLIC KEY\"): {e}"))?
        } else if let Ok(raw) = <[u8; 32]>::try_from(public_key) {
            ed25519_dalek::VerifyingKey::from_bytes(&raw)
                .map_err(|e| format!("the 32 bytes are not an Ed25519 public key: {e}"))?
        } else {
            ed25519_dalek::VerifyingKey::from_public_key_der(public_key).map_err(|e| {
                format!(
                    "expected an Ed25519 public key as PEM, DER or 32 raw bytes ({} bytes given): {e}",
                    public_key.len()
                )
            })?
        };
        Ok(KeyMaterial::Ed25519(Box::new(key)))
    }

    /// An RSA key from a public key PEM: SPKI ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY").
    pub(crate) fn rsa(public_key_pem: &str) -> Result<KeyMaterial, String> {
        let key = rsa::RsaPublicKey::from_public_key_pem(public_key_pem)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(public_key_pem))
            .map_err(|e| {
                format!("not an RSA public key PEM (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\"): {e}")
            })?;
        Ok(KeyMaterial::Rsa(Box::new(rsa::pkcs1v15::VerifyingKey::new(key))))
    }

    /// The key type's name as Binance's docs call it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            KeyMaterial::Hmac(_) => "HMAC",
            KeyMaterial::Ed25519(_) => "Ed25519",
            KeyMaterial::Rsa(_) => "RSA",
        }
    }

    /// Whether `signature` (exactly as it appeared in the request, still percent-encoded) signs
    /// `payload` (the exact bytes that preceded it).
    pub(crate) fn verify(&self, payload: &[u8], signature: &str) -> bool {
        match self {
            KeyMaterial::Hmac(secret) => {
                let (Ok(given), Ok(mut mac)) = (hex::decode(signature), Hmac::<Sha256>::new_from_slice(secret)) else {
                    return false;
                };
                mac.update(payload);
                // Constant-time comparison.
                mac.verify_slice(&given).is_ok()
            }
            KeyMaterial::Ed25519(key) => match base64_signature(signature) {
                Some(bytes) => {
                    ed25519_dalek::Signature::from_slice(&bytes).is_ok_and(|sig| key.verify(payload, &sig).is_ok())
                }
                None => false,
            },
            KeyMaterial::Rsa(key) => match base64_signature(signature) {
                Some(bytes) => rsa::pkcs1v15::Signature::try_from(bytes.as_slice())
                    .is_ok_and(|sig| key.verify(payload, &sig).is_ok()),
                None => false,
            },
        }
    }
}

/// The text of a PEM document, when the bytes are one.
fn pem_text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok().filter(|text| text.trim_start().starts_with("-----BEGIN"))
}

/// Percent-decodes then base64-decodes a signature, as Binance does for Ed25519 and RSA.
fn base64_signature(signature: &str) -> Option<Vec<u8>> {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(signature).collect();
    base64::engine::general_purpose::STANDARD.decode(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_accepts_the_fapi_docs_example_and_rejects_a_changed_payload() {
        let key = KeyMaterial::hmac(b"2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        let signature = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";
        assert!(key.verify(payload.as_bytes(), signature));
        assert!(!key.verify(payload.replace("9000", "9001").as_bytes(), signature));
        assert!(!key.verify(payload.as_bytes(), "not-hex"));
    }

    #[test]
    fn debug_shows_the_kind_only() {
        let key = KeyMaterial::hmac(b"very-secret-value");
        assert_eq!(format!("{key:?}"), "HMAC");
    }

    #[test]
    fn malformed_public_keys_are_errors() {
        assert!(KeyMaterial::ed25519(b"short").is_err());
        assert!(KeyMaterial::rsa("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").is_err());
    }
}
