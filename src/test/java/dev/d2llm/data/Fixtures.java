package dev.d2llm.data;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed data fixtures under src/test/resources/data. */
final class Fixtures {

  private Fixtures() {}

  static Path data(String relative) {
    URL url = Fixtures.class.getResource("/data/" + relative);
    if (url == null) {
      throw new IllegalStateException("missing test fixture data/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
