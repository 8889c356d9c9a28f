package dev.d2llm.function;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a function's request record strictly, from a JSON body or from query parameters: numbers
 * must be JSON integers, strings JSON strings, no field may repeat or be unknown, nothing may
 * follow the object. Anything else is a {@link RejectedRequest#malformed} (a body) or {@link
 * RejectedRequest#malformedQuery} (query parameters) naming the field.
 */
final class RequestReader {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,9}");

  /** Also writes the answers: records to JSON with Jackson's defaults. */
  static final ObjectMapper JSON = strictMapper();

  private RequestReader() {}

  private static ObjectMapper strictMapper() {
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // A number for a string field, a string or a fraction for an integer field: refused, not
    // converted.
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** The request in a JSON body; null when the body is empty or the JSON literal {@code null}. */
  static <T> T fromJson(byte[] body, Class<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      throw RejectedRequest.malformed(
          "the body is not valid JSON for this function's request: " + reason(e));
    }
  }

  /** Each request type's fields by name, looked up once per type rather than per request. */
  private static final ClassValue<Map<String, RecordComponent>> FIELDS =
      new ClassValue<>() {
        @Override
        protected Map<String, RecordComponent> computeValue(Class<?> type) {
          return Arrays.stream(type.getRecordComponents())
              .collect(Collectors.toUnmodifiableMap(RecordComponent::getName, Function.identity()));
        }
      };

  private static final Pattern COERCION_ADVICE =
      Pattern.compile(" \\(but might if coercion using `CoercionConfig` was enabled\\)");
  private static final Pattern REQUEST_TYPE =
      Pattern.compile("`dev\\.d2llm\\.function\\.[A-Za-z]+`");
  private static final Pattern BOUND_AS = Pattern.compile(" \\(bound as the request\\)");

  /**
   * The request in query parameters: one parameter per field, an integer field's value a decimal
   * integer, a list field's elements as repeated parameters ({@code texts=a&texts=b}).
   */
  static <T extends Record> T fromQuery(MultiMap params, Class<T> type) {
    Map<String, RecordComponent> fields = FIELDS.get(type);
    ObjectNode node = JSON.createObjectNode();
    for (String name : params.names()) {
      RecordComponent field = fields.get(name);
      if (field == null) {
        throw RejectedRequest.malformedQuery(
            "unknown parameter '"
                + clip(name)
                + "'; this function takes "
                + String.join(", ", fields.keySet().stream().sorted().toList()));
      }
      List<String> values = params.getAll(name);
      if (List.class.isAssignableFrom(field.getType())) {
        ArrayNode list = node.putArray(name);
        values.forEach(list::add);
      } else if (values.size() > 1) {
        throw RejectedRequest.malformedQuery(
            "parameter '" + name + "' is given " + values.size() + " times");
      } else if (field.getType() == Integer.class) {
        String v = values.get(0);
        if (!INTEGER.matcher(v).matches()) {
          throw RejectedRequest.malformedQuery(
              "parameter '" + name + "' must be an integer, found '" + clip(v) + "'");
        }
        node.put(name, Integer.parseInt(v));
      } else {
        node.put(name, values.get(0));
      }
    }
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw RejectedRequest.malformedQuery(
          "the query parameters do not make this function's request: " + reason(e));
    }
  }

  /**
   * Jackson's reason without the echo of the input it appends, its advice on enabling coercion, or
   * Java type names; the field path first when there is one.
   */
  private static String reason(IOException e) {
    if (e instanceof JsonProcessingException j) {
      String message =
          j.getOriginalMessage() == null
              ? ""
              : BOUND_AS
                  .matcher(
                      REQUEST_TYPE
                          .matcher(
                              COERCION_ADVICE
                                  .matcher(j.getOriginalMessage())
                                  .replaceAll("")
                                  .replace("`java.lang.Integer`", "an integer")
                                  .replace("`java.lang.String`", "a string"))
                          .replaceAll("the request"))
                  .replaceAll("");
      if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
        String field =
            m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return "field '" + clip(field) + "': " + clip(message);
      }
      return clip(message);
    }
    return "unreadable body";
  }

  /** At most 120 characters of something the caller sent, so an error never echoes a whole body. */
  private static String clip(String s) {
    return s == null ? "" : s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
