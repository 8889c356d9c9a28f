package dev.d2llm.function;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/** What {@code embed} takes: the texts to turn into student vectors. */
public record EmbedRequest(
    @NotEmpty(message = "must hold at least one text") @WithinLimit(WithinLimit.Limit.TEXTS)
        List<
                @NotBlank(message = "must not be empty") @WithinLimit(WithinLimit.Limit.TEXT_CHARS)
                String>
            texts) {}
