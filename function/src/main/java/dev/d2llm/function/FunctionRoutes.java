package dev.d2llm.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.Validator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The HTTP front of the functions that {@link SearchFunctions} declares: GET with query parameters
 * or POST with a JSON body, read strictly ({@link RequestReader}), validated, and run through
 * {@link ModelWork}. It answers these paths before Funqy's own binding, which reads bodies
 * leniently, cannot read query parameters into records, logs each refusal as an error with its
 * stack trace and runs every request on the unbounded worker pool.
 */
@ApplicationScoped
public class FunctionRoutes {

  /**
   * After the body handler and the API-key check ({@code Integer.MIN_VALUE + 1}), before Funqy's
   * route, which takes the first order Vert.x hands out (0).
   */
  static final int ORDER = -100;

  private final SearchFunctions functions;
  private final ModelWork work;
  private final Validator validator;

  FunctionRoutes(SearchFunctions functions, ModelWork work, Validator validator) {
    this.functions = functions;
    this.work = work;
    this.validator = validator;
  }

  void install(@Observes Router router) {
    route(router, "search", SearchRequest.class, functions::search, r -> 0);
    route(router, "embed", EmbedRequest.class, functions::embed, r -> chars(r.texts()));
    route(
        router,
        "score",
        ScoreRequest.class,
        functions::score,
        r -> chars(r.passages()) + r.query().length());
    router
        .route("/info")
        .order(ORDER)
        .handler(
            ctx -> {
              checkMethod(ctx);
              respond(ctx, CompletableFuture.completedFuture(functions.info()));
            });
  }

  /**
   * A function whose request costs {@code textChars} of the model's text budget ({@link
   * ModelWork}).
   */
  private <T extends Record> void route(
      Router router,
      String name,
      Class<T> type,
      Function<T, ?> function,
      ToIntFunction<T> textChars) {
    router
        .route("/" + name)
        .order(ORDER)
        .handler(
            ctx -> {
              checkMethod(ctx);
              T request = Requests.valid(validator, read(ctx, type), name);
              respond(
                  ctx, work.submit(() -> function.apply(request), textChars.applyAsInt(request)));
            });
  }

  private static int chars(List<String> texts) {
    return texts.stream().mapToInt(String::length).sum();
  }

  private static void checkMethod(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.POST) {
      ctx.response().putHeader("Allow", "GET, POST");
      throw RejectedRequest.methodNotAllowed(method.name());
    }
  }

  /** The request from the query (GET) or the JSON body (POST); null when a POST has no body. */
  private static <T extends Record> T read(RoutingContext ctx, Class<T> type) {
    if (ctx.request().method() == HttpMethod.GET) {
      MultiMap params;
      try {
        params = ctx.queryParams();
      } catch (IllegalArgumentException e) {
        throw RejectedRequest.malformedQuery("the query string is not valid URL encoding");
      }
      return RequestReader.fromQuery(params, type);
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (!isJson(contentType)) {
      throw RejectedRequest.unsupportedMediaType(contentType);
    }
    return RequestReader.fromJson(body.getBytes(), type);
  }

  /** {@code application/json}, with or without parameters such as {@code charset=utf-8}. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return mediaType.equalsIgnoreCase("application/json");
  }

  /** Answers on the request's own Vert.x context, whichever thread completes {@code answer}. */
  private static void respond(RoutingContext ctx, CompletableFuture<?> answer) {
    Context context = Vertx.currentContext();
    answer.whenComplete((value, failure) -> context.runOnContext(v -> answer(ctx, value, failure)));
  }

  private static void answer(RoutingContext ctx, Object value, Throwable failure) {
    if (failure != null) {
      ctx.fail(
          failure instanceof CompletionException c && c.getCause() != null
              ? c.getCause()
              : failure);
      return;
    }
    String json;
    try {
      json = RequestReader.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      ctx.fail(e);
      return;
    }
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(json);
  }
}
