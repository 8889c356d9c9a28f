package dev.d2llm.function;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes no HTTP client would (a request without Host, say) to the function and reads the
 * answer.
 */
final class RawHttp {

  private RawHttp() {}

  /**
   * Writes {@code request} as-is on a fresh connection and returns everything read until the server
   * closes it.
   */
  static String exchange(String request) throws IOException {
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
