package dev.d2llm.function;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/** What {@code score} takes: a query and passages to score with the IEM, no index involved. */
public record ScoreRequest(
    @NotBlank(message = "must not be empty") @WithinLimit(WithinLimit.Limit.QUERY_CHARS)
        String query,
    @NotEmpty(message = "must hold at least one passage") @WithinLimit(WithinLimit.Limit.TEXTS)
        List<
                @NotBlank(message = "must not be empty") @WithinLimit(WithinLimit.Limit.TEXT_CHARS)
                String>
            passages,
    @Pattern(regexp = Requests.TASK, message = "must be sym or asym") String task) {}
