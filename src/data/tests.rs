//! Tests for the data loader.
