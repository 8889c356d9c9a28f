/**
 * The serverless search function: Funqy HTTP endpoints ({@code search}, {@code embed}, {@code score},
 * {@code info}) as thin shells over the core's {@link dev.d2llm.search.Searcher}, with typed
 * configuration, request validation answered as 4xx JSON, optional API-key auth and a readiness
 * check that stays DOWN unless a verified index is loaded.
 */
package dev.d2llm.function;
