//! Shared test helpers: key material, signing as a client would, and a plain HTTP client.
#![allow(dead_code)] // each test file uses a different part

use base64::Engine as _;
use binance_mock::{MockExchange, MockExchangeBuilder, RunningMock};
use ed25519_dalek::pkcs8::EncodePublicKey as _;
use hmac::{Hmac, Mac};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Sha256;

pub const HMAC_KEY: &str = "hmac-api-key";
pub const HMAC_SECRET: &str = "hmac-secret";
pub const ED25519_KEY: &str = "ed25519-api-key";
pub const RSA_KEY: &str = "rsa-api-key";
pub const RSA_PRIVATE_PEM: &str = include_str!("../keys/rsa_test_private.pem");
pub const RSA_PUBLIC_PEM: &str = include_str!("../keys/rsa_test_public.pem");

/// How a test signs: the key type and its private material.
#[derive(Clone)]
pub enum Signer {
    Hmac(&'static str),
    /// The 32-byte seed of the signing key.
    Ed25519([u8; 32]),
    Rsa(&'static str),
}

impl Signer {
    /// The signature as it goes into the query (hex, or base64 percent-encoded).
    pub fn sign(&self, payload: &str) -> String {
        match self {
            Signer::Hmac(secret) => {
                let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                mac.update(payload.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            Signer::Ed25519(seed) => {
                let key = ed25519_dalek::SigningKey::from_bytes(seed);
                encode(&key.sign(payload.as_bytes()).to_bytes())
            }
            Signer::Rsa(pem) => {
                let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key);
                encode(&signer.sign(payload.as_bytes()).to_vec())
            }
        }
    }
}

fn encode(signature: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(signature);
    percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub const ED25519_SEED: [u8; 32] = [7u8; 32];

pub fn ed25519_signing_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED)
}

pub fn ed25519_public_pem() -> String {
    ed25519_signing_key().verifying_key().to_public_key_pem(Default::default()).unwrap()
}

/// A builder that accepts the three test keys, its clock at the start of a minute.
pub fn builder_with_keys() -> MockExchangeBuilder {
    MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .clock_at_window_start()
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .ed25519_key(ED25519_KEY, ed25519_public_pem())
        .rsa_key(RSA_KEY, RSA_PUBLIC_PEM)
}

/// The mock's clock now, so tests do not depend on the machine's clock agreeing with it.
pub fn timestamp(mock: &RunningMock) -> i64 {
    mock.server_time_ms()
}

/// `query` with `&signature=` appended, signed by `signer`.
pub fn signed_query(query: &str, signer: &Signer) -> String {
    format!("{query}&signature={}", signer.sign(query))
}

/// A GET with optional API key; returns (status, headers, JSON body).
pub async fn get(
    mock: &RunningMock,
    path_and_query: &str,
    api_key: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}{path_and_query}", mock.base_url()));
    if let Some(key) = api_key {
        request = request.header("X-MBX-APIKEY", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {body}"));
    (status, headers, json)
}

/// The Binance error code of a body.
pub fn code(body: &serde_json::Value) -> i64 {
    body["code"].as_i64().unwrap_or_else(|| panic!("no error code in {body}"))
}
