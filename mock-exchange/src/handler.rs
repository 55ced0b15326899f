//! The REST request handler: count, delay, charge weight, misbehave, check, answer.

use crate::checks::{self, Rejection};
use crate::conn::ResetSwitch;
use crate::endpoints::{EndpointRoute, Served};
use crate::faults::{self, Fault};
use crate::log::{Auth, RequestRecord};
use crate::params::RequestParams;
use crate::reply;
use crate::shared::Shared;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::sync::Arc;

/// The largest request body read (Binance's requests are small forms).
const MAX_BODY_BYTES: usize = 1 << 20;

/// Handles every request (axum's fallback: the endpoint table is the mock's own).
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    {
        let mut stats = shared.stats();
        *stats.requests.entry(path.clone()).or_default() += 1;
        stats.last_query = Some(query.clone());
        stats.last_path = Some(path.clone());
    }
    let mut record = RequestRecord::new(EndpointRoute::Rest { method: method.clone(), path: path.clone() }, Vec::new());

    let mut fault = shared.faults.take(&path);
    if fault.is_some() {
        shared.stats().faults += 1;
    }
    if let Some(Fault::Latency(delay)) = fault {
        tokio::time::sleep(delay).await;
        fault = None;
    }

    let Some(served) = shared.table.rest.get(&(method.clone(), path.clone())) else {
        let rejection = unknown_route(&shared, &method, &path);
        return finish(&shared, record, &rejection, reply::rejection(&rejection));
    };
    // Binance reads a form body on POST and PUT only; GET and DELETE carry their parameters
    // in the query, and anything in their body is neither read nor signed.
    let body = if matches!(method.as_str(), "POST" | "PUT") {
        match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => match String::from_utf8(bytes.to_vec()) {
                Ok(text) => text,
                Err(_) => {
                    let rejection = Rejection::new(400, -1100, "Illegal characters found in a parameter.");
                    return finish(&shared, record, &rejection, reply::rejection(&rejection));
                }
            },
            Err(_) => {
                let msg = format!("The request body is larger than the {MAX_BODY_BYTES} bytes the mock reads.");
                let rejection = Rejection::new(400, -1104, msg);
                return finish(&shared, record, &rejection, reply::rejection(&rejection));
            }
        }
    } else {
        String::new()
    };
    let params = RequestParams::parse(&query, &body);
    record.params = params.pairs().to_vec();
    let api_key = parts.headers.get("x-mbx-apikey").and_then(|v| v.to_str().ok());
    let account = api_key.filter(|k| shared.keys.contains_key(*k));
    record.api_key = account.map(str::to_owned);

    let kind = served.info.weight_kind;
    let weight = served.info.weight_for(|name| params.get(name));
    let header = shared.weights.header_name(&served.family, kind);
    let (used, charged) = shared.charge_weight(&served.family, kind, account, weight);
    if let Err(rejection) = charged {
        let response = reply::with_header(reply::rejection(&rejection), &header, used.into());
        return finish(&shared, record, &rejection, response);
    }
    record.weight = weight;

    let response = match fault {
        Some(Fault::ConnectionReset) => {
            if let Some(ConnectInfo(switch)) = parts.extensions.get::<ConnectInfo<ResetSwitch>>() {
                switch.trip();
            }
            record.status = 0;
            reply::json(StatusCode::OK, String::new())
        }
        Some(fault) => {
            let response = faults::broken_answer(&fault, &shared.rest_answer(&path, served));
            record.status = response.status().as_u16();
            response
        }
        None => match check(&shared, served, &parts.headers, &params, &mut record) {
            Ok(orders) => {
                let now = shared.server_time_ms();
                let body = match shared.streams.rest_answer(&method, &path, served.info.security, &params, account, now)
                {
                    Some(Ok(body)) => body,
                    Some(Err(rejection)) => {
                        let response = reply::with_header(reply::rejection(&rejection), &header, used.into());
                        return finish(&shared, record, &rejection, response);
                    }
                    None => shared.rest_answer(&path, served),
                };
                let mut response = reply::json(StatusCode::OK, body);
                for (window, count) in &orders {
                    response = reply::with_header(response, &format!("X-MBX-ORDER-COUNT-{window}"), (*count).into());
                }
                record.orders = served.info.orders.iter().map(|o| (o.window.clone(), o.value)).collect();
                response
            }
            Err(rejection) => {
                let response = reply::rejection(&rejection);
                let response = reply::with_header(response, &header, used.into());
                return finish(&shared, record, &rejection, response);
            }
        },
    };
    shared.record(record);
    reply::with_header(response, &header, used.into())
}

/// Binance's checks, in its order; the ORDERS counts booked when they pass.
fn check(
    shared: &Shared,
    served: &Served,
    headers: &HeaderMap,
    params: &RequestParams,
    record: &mut RequestRecord,
) -> Result<Vec<(String, u32)>, Rejection> {
    if let Some(name) = checks::duplicate(params.pairs().iter().map(|(k, _)| k.as_str())) {
        return Err(Rejection::duplicate_parameter(name));
    }
    let security = served.info.security;
    let api_key = headers.get("x-mbx-apikey").and_then(|v| v.to_str().ok());
    if security.needs_api_key() {
        let key = checks::key(&shared.keys, api_key)?;
        record.auth = Auth::ApiKey;
        if security.is_signed() {
            // recvWindow's bounds are checked before the signature, as Binance does.
            checks::time_params(params.get("timestamp"), params.get("recvWindow"))?;
            let signed = match params.signed_payload() {
                None => return Err(Rejection::missing_parameter("signature")),
                Some(Err(())) => return Err(Rejection::invalid_signature()),
                Some(Ok(signed)) => signed,
            };
            if !key.verify(signed.payload.as_bytes(), signed.signature) {
                return Err(Rejection::invalid_signature());
            }
            record.auth = Auth::Signature;
            checks::timestamp(params.get("timestamp"), params.get("recvWindow"), shared.server_time_ms())?;
        }
    }
    checks::parameters(served, |name| params.get(name))?;
    shared.charge_orders(served, api_key.unwrap_or("-"))
}

/// 404 for a path the mock does not serve, 405 for a served path asked with another method.
fn unknown_route(shared: &Shared, method: &str, path: &str) -> Rejection {
    let mut methods: Vec<&str> = shared.table.rest.keys().filter(|(_, p)| p == path).map(|(m, _)| m.as_str()).collect();
    methods.sort_unstable();
    if methods.is_empty() {
        Rejection::new(404, -1000, format!("The mock exchange has no route {method} {path}."))
    } else {
        Rejection::new(405, -1000, format!("{path} is served for {} only, not {method}.", methods.join(", ")))
    }
}

/// Logs a refused request and returns its response.
fn finish(shared: &Shared, mut record: RequestRecord, rejection: &Rejection, response: Response) -> Response {
    record.status = rejection.status;
    record.code = Some(rejection.code);
    shared.record(record);
    response
}
