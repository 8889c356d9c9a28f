/**
 * Object storage for the search index: one {@link dev.d2llm.store.ObjectStore} interface over a
 * local directory or an S3 bucket, with whole-object writes that readers never see half done.
 */
package dev.d2llm.store;
