package dev.d2llm.function;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * What {@code search} takes: the query, how many hits, the IEM branch, and optionally the mode and
 * candidates.
 */
public record SearchRequest(
    @NotBlank(message = "must not be empty") @WithinLimit(WithinLimit.Limit.QUERY_CHARS)
        String query,
    @Positive(message = "must be at least 1") @WithinLimit(WithinLimit.Limit.TOP_K) Integer topK,
    @Pattern(regexp = Requests.TASK, message = "must be sym or asym") String task,
    @Pattern(regexp = "exact|two-stage", message = "must be exact or two-stage") String mode,
    @Positive(message = "must be at least 1") @WithinLimit(WithinLimit.Limit.CANDIDATES)
        Integer candidates) {}
