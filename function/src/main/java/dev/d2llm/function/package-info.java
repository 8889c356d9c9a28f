/**
 * The serverless search function: Funqy functions ({@code search}, {@code embed}, {@code score},
 * {@code info}) as thin shells over the core's {@link dev.d2llm.search.Searcher}, fronted over HTTP
 * by {@link dev.d2llm.function.FunctionRoutes} (strict GET and POST reading, bounded model work),
 * with typed configuration, every refusal answered as JSON, optional API-key auth, bounded metric
 * labels, and a readiness check that stays DOWN unless a verified index is loaded.
 */
package dev.d2llm.function;
