/**
 * The archive (issue 15 §1): the {@link dev.fraudplatform.learning.archive.Archive} role writes the admitted traffic,
 * decisions, actions and label assertions from Kafka to Parquet segments under {@code archive/<run>/<event_class>/day=<yyyy-MM-dd>/},
 * exactly once across crashes; {@link dev.fraudplatform.learning.archive.ArchiveSeal} seals a run with a manifest of
 * SHA-256 digests and Kafka offsets; {@link dev.fraudplatform.learning.archive.ArchiveReader} reads a run back in bus
 * order, byte for byte (what the Offline Feature Shadow replays).
 */
package dev.fraudplatform.learning.archive;
