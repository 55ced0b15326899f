//! Stream and event pages into the product's spec: their payload models join `models:` through
//! the same resolution as response models (an equal model is shared, enums are merged by name),
//! so a payload's `side` is the REST models' `OrderSide`.

use super::{Builder, Names};
use crate::ast::{Endpoint, Streams};
use crate::import::streams::{Defined, ImportedStream};
use crate::import::ImportedEndpoint;

impl Builder<'_> {
    /// Adds every stream and event in page order; a second page of a stream name or an event
    /// type is reported and not used.
    pub(super) fn add_streams(&mut self, pages: &[(String, ImportedStream)]) {
        for (page, imported) in pages {
            // The model resolution works on an imported endpoint's models and enums.
            let carrier = ImportedEndpoint {
                page: page.into(),
                name: String::new(),
                endpoint: empty_endpoint(),
                models: imported.models.clone(),
                enums: imported.enums.clone(),
                request_example: None,
                warnings: Vec::new(),
            };
            let mut names = Names::default();
            match &imported.defined {
                Defined::Market(name, stream) => {
                    if let Some(first) = self.spec.streams.market.iter().find(|(n, _)| n == name) {
                        let docs = first.1.docs.clone();
                        self.warn("duplicate-route", format!("{page}: stream {name} is already defined by {docs}"));
                        continue;
                    }
                    let mut stream = stream.clone();
                    stream.payload = self.resolve_model(&carrier, &stream.payload, "", "", &mut names);
                    self.spec.streams.market.push((name.clone(), stream));
                }
                Defined::Event(event_type, event) => {
                    if let Some(first) = self.spec.streams.events.iter().find(|(n, _)| n == event_type) {
                        let docs = first.1.docs.clone();
                        self.warn(
                            "duplicate-route",
                            format!("{page}: event {event_type} is already defined by {docs}"),
                        );
                        continue;
                    }
                    let mut event = event.clone();
                    event.payload = self.resolve_model(&carrier, &event.payload, "", "", &mut names);
                    self.spec.streams.events.push((event_type.clone(), event));
                }
            }
        }
    }
}

/// Points stream payloads at a renamed model.
pub(super) fn rename_payloads(streams: &mut Streams, swap: impl Fn(&mut String)) {
    for (_, s) in &mut streams.market {
        swap(&mut s.payload);
    }
    for (_, e) in &mut streams.events {
        swap(&mut e.payload);
    }
}

fn empty_endpoint() -> Endpoint {
    Endpoint {
        title: String::new(),
        description: None,
        docs: String::new(),
        notes: Vec::new(),
        http: None,
        ws: None,
        security: String::new(),
        weight: None,
        params: Vec::new(),
        response: String::new(),
        response_list: false,
        response_object_too: false,
        examples: Vec::new(),
    }
}
