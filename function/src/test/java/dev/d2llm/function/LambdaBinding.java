package dev.d2llm.function;

/**
 * Whether the tests run with -Plambda, where requests reach the function through Quarkus' mock
 * Lambda event server: what that server answers itself (a request without Host, the Allow header)
 * is its own.
 */
final class LambdaBinding {

  private LambdaBinding() {}

  static boolean active() {
    try {
      Class.forName(
          "io.quarkus.amazon.lambda.http.LambdaHttpHandler",
          false,
          LambdaBinding.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
