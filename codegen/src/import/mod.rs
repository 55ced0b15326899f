//! Doc-page importer (see issue #6).
