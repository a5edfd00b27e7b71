/**
 * The learning plane (ARCHITECTURE.md §2): the archive (Kafka to Parquet on the object store), the Offline Feature
 * Shadow (features recomputed point-in-time, with parity against what was decided online), the Model Factory
 * (leakage-free dataset, XGBoost training, out-of-time evaluation, bundle build) and the Model and Policy Registry.
 * Like every plane it depends on platform-core, the decision model and the Parquet codec only; the wiring hands it its
 * adapters.
 */
package dev.fraudplatform.learning;
