/**
 * The search index: passage vectors, their precomputed IEM first-layer projections, ids and texts,
 * written as checksummed binary shards under a manifest, published to an object store with the
 * manifest last and read back only after every shard's checksum matches.
 */
package dev.d2llm.index;
