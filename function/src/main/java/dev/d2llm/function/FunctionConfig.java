package dev.d2llm.function;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the function reads from configuration ({@code d2llm.*}), with its defaults declared
 * once here.
 */
@ConfigMapping(prefix = "d2llm")
public interface FunctionConfig {

  /** The student and the index it serves. */
  Model model();

  /** Where the index lives and is cached. */
  Index index();

  /** Request limits; a request beyond one gets a 400 naming the limit. */
  Limits limits();

  /** Optional API-key authentication. */
  Auth auth();

  /** How much model work runs at once, how much may wait, and for how long. */
  Work work();

  /** Search defaults. */
  Search search();

  /**
   * How to reach S3 when the index is in {@code s3://}; credentials come from the AWS SDK's default
   * chain.
   */
  S3 s3();

  /** The student. */
  interface Model {
    /** A student directory, or {@code default} for the shipped English student. */
    @WithDefault("default")
    String reference();
  }

  /** The index. */
  interface Index {
    /**
     * {@code s3://bucket/prefix/}, {@code file:///dir/} or a local path. Without one, the function
     * indexes its bundled demo corpus into a local {@code file://} store under the cache at first
     * start.
     */
    Optional<String> uri();

    /** Where remote shards are cached (and memory-mapped from). */
    @WithDefault("${user.home}/.cache/d2llm/function")
    String cacheDir();

    /** How long opening a connection to the store may take (S3). */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long one read from the store may stall (S3). */
    @WithDefault("30s")
    Duration readTimeout();

    /** The wait before the second attempt to load the index; it doubles after each failure. */
    @WithDefault("1s")
    Duration retryInitialDelay();

    /** The longest wait between two attempts: the function keeps trying until an index loads. */
    @WithDefault("60s")
    Duration retryMaxDelay();
  }

  /** Admission control for model work ({@link ModelWork}). */
  interface Work {
    /** Threads that run model work at once; 0 means one per core. */
    @WithDefault("0")
    int threads();

    /**
     * Requests that may wait for a model thread, and apart from them requests that may wait for the
     * text budget; beyond either, 503 with Retry-After.
     */
    @WithDefault("64")
    int queue();

    /** How long a request may take, waiting included, before it is answered 503. */
    @WithDefault("30s")
    Duration timeout();

    /**
     * Characters of text (embed's texts, score's passages) encoded at once, across threads; a
     * request over the rest waits for it in line, holding no model thread. The default is one
     * request at the limits (64 texts of 2,000).
     */
    @WithDefault("128000")
    int maxCharsInFlight();

    /** The Retry-After a 503 carries, in seconds. */
    @WithDefault("2")
    int retryAfterSeconds();
  }

  /** Request limits. */
  interface Limits {
    @WithDefault("1000")
    int maxQueryChars();

    @WithDefault("100")
    int maxTopK();

    @WithDefault("64")
    int maxTexts();

    @WithDefault("2000")
    int maxTextChars();

    @WithDefault("2000")
    int maxCandidates();

    /**
     * The longest request line (method, target and version) answered with a function: beyond, 414
     * {@code uri_too_long}. {@code quarkus.http.limits.max-initial-line-length}, set above it, is
     * the codec's hard ceiling, answered by Vert.x without a body.
     */
    @WithDefault("4096")
    int maxRequestLine();

    /**
     * The most bytes of header lines a request may carry: beyond, 431 {@code headers_too_large}.
     * {@code quarkus.http.limits.max-header-size}, set above it, is the codec's hard ceiling.
     */
    @WithDefault("16384")
    int maxHeaderBytes();
  }

  /** API-key authentication: when enabled, every endpoint but {@code /q/*} wants the key. */
  interface Auth {
    @WithDefault("false")
    boolean enabled();

    /** The key; required when enabled. */
    Optional<String> apiKey();

    /** The header that carries it. */
    @WithDefault("X-API-Key")
    String header();
  }

  /** S3 access. */
  interface S3 {
    /**
     * An S3-compatible endpoint (MinIO, S3Mock); without one, the environment's ({@code
     * D2LLM_S3_ENDPOINT}, {@code AWS_ENDPOINT_URL}) or AWS.
     */
    Optional<String> endpoint();

    /** The signing region; without one, {@code AWS_REGION} or us-east-1. */
    Optional<String> region();
  }

  /** Search defaults. */
  interface Search {
    /** Scan threads; 0 means one per core. */
    @WithDefault("0")
    int threads();

    /**
     * The IEM branch when a request names none: {@code asym} (query-passage search) or {@code sym}.
     * The shipped student is residual: each branch ranks at least as its backbone's cosine.
     */
    @WithDefault("asym")
    String task();

    /** {@code two-stage} or {@code exact}. */
    @WithDefault("two-stage")
    String mode();

    /**
     * Cosine candidates the IEM re-ranks in two-stage mode (default: the core's {@code
     * SearchQuery.DEFAULT_CANDIDATES}).
     */
    OptionalInt candidates();
  }
}
