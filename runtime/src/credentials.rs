//! API key and signing key. Secrets never appear in `Debug`, `Display`, logs or errors.
//!
//! Three key types, as Binance accepts them:
//! * HMAC-SHA256 ([`Credentials::hmac`]): signature in lower-case hex.
//! * Ed25519 ([`Credentials::ed25519_pem`]): PKCS#8 PEM private key, signature in standard base64.
//! * RSA (`Credentials::rsa_pem`, with the `rsa` feature): PKCS#8 PEM private key,
//!   RSASSA-PKCS1-v1_5 with SHA-256, signature in standard base64. RSA support is a cargo feature
//!   because it brings about a dozen crates (big-integer arithmetic, a second `rand` line) that
//!   HMAC and Ed25519 users do not need; Binance recommends Ed25519.
//!
//! The REST query writer percent-encodes base64 signatures (`+`, `/`, `=`), so the same string
//! goes into a query or a WebSocket API `params` object.
//!
//! # What is zeroized
//! * HMAC: the secret bytes live in a [`Zeroizing`] buffer, wiped on drop. The HMAC state built
//!   for each signature (derived inner/outer pads) lives on the stack for the duration of one
//!   `sign` call and is not explicitly wiped (the `hmac` crate offers no zeroizing state).
//! * Ed25519: `ed25519_dalek::SigningKey` wipes its secret on drop (its `zeroize` feature).
//! * RSA: `rsa::RsaPrivateKey` wipes its private exponent and primes on drop.
//! * The PEM text passed in is borrowed and stays the caller's to wipe; the DER decoded from it is
//!   held in a zeroizing document by the `pkcs8` crate while parsing.
//! * The API key is not a secret in the cryptographic sense (it travels in a header) but is still
//!   redacted from `Debug` and `Display`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// API key plus the key that signs requests. Cheap to clone (the key is shared).
#[derive(Clone)]
pub struct Credentials {
    api_key: String,
    signer: Arc<Signer>,
}

enum Signer {
    /// The HMAC secret, wiped on drop.
    Hmac(Zeroizing<Vec<u8>>),
    /// Wipes itself on drop.
    Ed25519(ed25519_dalek::SigningKey),
    /// The private key inside wipes itself on drop.
    #[cfg(feature = "rsa")]
    Rsa(rsa::pkcs1v15::SigningKey<Sha256>),
}

/// The kind of signing key, for logs and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// HMAC-SHA256 with a shared secret; hex signatures.
    Hmac,
    /// Ed25519; base64 signatures. The only type the WebSocket API `session.logon` accepts.
    Ed25519,
    /// RSA, RSASSA-PKCS1-v1_5 with SHA-256; base64 signatures.
    Rsa,
}

impl KeyType {
    /// Human name, e.g. `HMAC-SHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Hmac => "HMAC-SHA256",
            KeyType::Ed25519 => "Ed25519",
            KeyType::Rsa => "RSA",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Credentials {
    /// HMAC-SHA256 credentials: API key and secret key as shown by Binance.
    pub fn hmac(api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> crate::Result<Self> {
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(crate::Error::Config("the HMAC secret key is empty; paste the secret Binance showed".into()));
        }
        Ok(Credentials { api_key, signer: Arc::new(Signer::Hmac(Zeroizing::new(secret.to_vec()))) })
    }

    /// Ed25519 credentials: API key and the private key as PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`), as produced when registering an Ed25519 key with Binance.
    pub fn ed25519_pem(api_key: impl Into<String>, pkcs8_pem: &str) -> crate::Result<Self> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        // The parser's error names only the structural problem, never key bytes.
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pkcs8_pem.trim()).map_err(|e| {
            crate::Error::Config(format!(
                "the Ed25519 private key is not a PKCS#8 PEM Ed25519 key ({e}); expected the text \
                 between `-----BEGIN PRIVATE KEY-----` and `-----END PRIVATE KEY-----`"
            ))
        })?;
        Ok(Credentials { api_key, signer: Arc::new(Signer::Ed25519(key)) })
    }

    /// RSA credentials: API key and the private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    /// Signatures are RSASSA-PKCS1-v1_5 over SHA-256. Needs the `rsa` feature.
    #[cfg(feature = "rsa")]
    pub fn rsa_pem(api_key: impl Into<String>, pkcs8_pem: &str) -> crate::Result<Self> {
        use rsa::pkcs8::DecodePrivateKey;
        let api_key = api_key.into();
        check_api_key(&api_key)?;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pkcs8_pem.trim()).map_err(|e| {
            crate::Error::Config(format!(
                "the RSA private key is not a PKCS#8 PEM RSA key ({e}); expected the text between \
                 `-----BEGIN PRIVATE KEY-----` and `-----END PRIVATE KEY-----` (convert a PKCS#1 \
                 `BEGIN RSA PRIVATE KEY` file to PKCS#8 first)"
            ))
        })?;
        Ok(Credentials { api_key, signer: Arc::new(Signer::Rsa(rsa::pkcs1v15::SigningKey::<Sha256>::new(key))) })
    }

    /// The API key, sent in `X-MBX-APIKEY`.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Signs `payload` (the exact bytes sent): lower-case hex for HMAC, standard base64 for
    /// Ed25519 and RSA.
    pub fn sign(&self, payload: &[u8]) -> String {
        let b64 = &base64::engine::general_purpose::STANDARD;
        match &*self.signer {
            Signer::Hmac(secret) => {
                // HMAC takes keys of any length, so the error arm is unreachable; should it ever
                // happen, an empty signature is rejected by Binance (-1022) rather than panicking.
                match Hmac::<Sha256>::new_from_slice(secret) {
                    Ok(mut mac) => {
                        mac.update(payload);
                        hex::encode(mac.finalize().into_bytes())
                    }
                    Err(_) => String::new(),
                }
            }
            Signer::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                b64.encode(key.sign(payload).to_bytes())
            }
            #[cfg(feature = "rsa")]
            Signer::Rsa(key) => {
                use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};
                // Blinded with OS randomness, as a side-channel mitigation. PKCS#1 v1.5 signatures
                // are deterministic, so the result is the same as an unblinded signature.
                b64.encode(key.sign_with_rng(&mut rand_core::OsRng, payload).to_bytes())
            }
        }
    }

    /// The kind of key.
    pub fn key_kind(&self) -> KeyType {
        match &*self.signer {
            Signer::Hmac(_) => KeyType::Hmac,
            Signer::Ed25519(_) => KeyType::Ed25519,
            #[cfg(feature = "rsa")]
            Signer::Rsa(_) => KeyType::Rsa,
        }
    }

    /// The key type's name, for logs (`HMAC-SHA256`, `Ed25519`, `RSA`).
    pub fn key_type(&self) -> &'static str {
        self.key_kind().as_str()
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

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} credentials (API key and secret redacted)", self.key_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePrivateKey as _;

    /// A 2048-bit RSA key made once for these tests with the `rsa` crate; it signs nothing real.
    pub(crate) const TEST_RSA_PEM: &str = include_str!("../tests/fixtures/rsa_test_key.pem");

    fn ed25519_pem() -> Zeroizing<String> {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let pem = key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).unwrap();
        Zeroizing::new(pem.as_str().to_string())
    }

    #[test]
    fn hmac_matches_the_fapi_worked_example() {
        let c = Credentials::hmac("key", "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9").unwrap();
        let payload = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
        assert_eq!(c.sign(payload.as_bytes()), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    }

    #[test]
    fn ed25519_signature_verifies_with_the_public_key() {
        use ed25519_dalek::Verifier as _;
        let c = Credentials::ed25519_pem("key", &ed25519_pem()).unwrap();
        assert_eq!(c.key_kind(), KeyType::Ed25519);
        let payload = b"symbol=BTCUSDT&timestamp=1591702613943";
        let sig = base64::engine::general_purpose::STANDARD.decode(c.sign(payload)).unwrap();
        let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        let public = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        public.verify(payload, &sig).unwrap();
        assert!(public.verify(b"symbol=ETHUSDT&timestamp=1591702613943", &sig).is_err());
    }

    #[cfg(feature = "rsa")]
    #[test]
    fn rsa_signature_verifies_with_the_public_key() {
        use rsa::pkcs8::DecodePrivateKey as _;
        use rsa::signature::Verifier as _;
        let c = Credentials::rsa_pem("key", TEST_RSA_PEM).unwrap();
        assert_eq!(c.key_kind(), KeyType::Rsa);
        let payload = b"symbol=BTCUSDT&timestamp=1591702613943";
        let sig = base64::engine::general_purpose::STANDARD.decode(c.sign(payload)).unwrap();
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
        let public = rsa::RsaPrivateKey::from_pkcs8_pem(TEST_RSA_PEM).unwrap().to_public_key();
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public);
        verifier.verify(payload, &sig).unwrap();
        assert!(verifier.verify(b"tampered", &sig).is_err());
    }

    #[test]
    fn debug_and_display_never_show_secrets() {
        let ed_pem = ed25519_pem();
        let cases = [
            (Credentials::hmac("my-api-key-123", "my-secret-456").unwrap(), "my-secret-456".to_string()),
            (Credentials::ed25519_pem("my-api-key-123", &ed_pem).unwrap(), ed_pem.to_string()),
            #[cfg(feature = "rsa")]
            (Credentials::rsa_pem("my-api-key-123", TEST_RSA_PEM).unwrap(), TEST_RSA_PEM.to_string()),
        ];
        for (c, secret) in cases {
            // Every line of the PEM body (or the HMAC secret) must be absent.
            let secret_parts: Vec<&str> =
                secret.lines().filter(|l| !l.starts_with("-----") && !l.trim().is_empty()).collect();
            for shown in [format!("{c:?}"), format!("{c:#?}"), c.to_string()] {
                assert!(!shown.contains("my-api-key-123"), "{shown}");
                for part in &secret_parts {
                    assert!(!shown.contains(part), "{shown}");
                }
                assert!(shown.contains(c.key_type()), "{shown}");
            }
        }
    }

    #[test]
    fn every_stored_secret_is_wiped_on_drop() {
        // Compile-time proof that each secret holder zeroizes itself when dropped.
        fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wipes_on_drop::<Zeroizing<Vec<u8>>>();
        wipes_on_drop::<ed25519_dalek::SigningKey>();
        #[cfg(feature = "rsa")]
        wipes_on_drop::<rsa::RsaPrivateKey>();
    }

    #[test]
    fn bad_api_key_is_a_config_error() {
        assert!(matches!(Credentials::hmac("", "s"), Err(crate::Error::Config(_))));
        assert!(matches!(Credentials::hmac("a\nb", "s"), Err(crate::Error::Config(_))));
        assert!(matches!(Credentials::hmac("key", ""), Err(crate::Error::Config(_))));
    }

    #[test]
    fn malformed_pem_is_a_config_error_not_a_panic() {
        let truncated_rsa = &TEST_RSA_PEM[..TEST_RSA_PEM.len() / 2];
        for bad in ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", truncated_rsa] {
            let results = [
                Credentials::ed25519_pem("key", bad),
                #[cfg(feature = "rsa")]
                Credentials::rsa_pem("key", bad),
            ];
            for result in results {
                match result {
                    Err(crate::Error::Config(msg)) => assert!(msg.contains("PKCS#8"), "{msg}"),
                    other => panic!("expected a Config error, got {other:?}"),
                }
            }
        }
        // A valid key of the other type is rejected too.
        assert!(matches!(Credentials::ed25519_pem("key", TEST_RSA_PEM), Err(crate::Error::Config(_))));
        #[cfg(feature = "rsa")]
        assert!(matches!(Credentials::rsa_pem("key", &ed25519_pem()), Err(crate::Error::Config(_))));
        // The message never echoes the key material.
        if let Err(e) = Credentials::ed25519_pem("key", TEST_RSA_PEM) {
            let body_line = TEST_RSA_PEM.lines().nth(1).unwrap();
            assert!(!e.to_string().contains(body_line));
        }
    }
}
