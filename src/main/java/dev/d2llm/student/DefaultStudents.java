package dev.d2llm.student;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The students shipped inside the jar ({@code default} is the English one on bge-small-en-v1.5):
 * descriptor, PMA and IEM weights, with the base referenced as {@code bundled:NAME} and pulled on
 * first use. A reference that is not a shipped name is a directory path.
 */
public final class DefaultStudents {

  private static final String RESOURCES = "dev/d2llm/students/";
  private static final List<String> FILES =
      List.of(StudentFiles.DESCRIPTOR, "pma.safetensors", "iem.safetensors");

  /** Files only some students have: a residual student's PMA gate and domain gates. */
  private static final List<String> OPTIONAL_FILES =
      List.of(StudentFiles.GATE_FILE, StudentFiles.DOMAIN_GATE_FILE);

  private DefaultStudents() {}

  /**
   * The directory of a student reference: a shipped name ({@code default}, {@code default-en}) or a
   * path.
   */
  public static Path resolve(String reference) {
    String name =
        switch (reference) {
          case "default", "default-en" -> "default-en";
          default -> null;
        };
    if (name == null) {
      return Path.of(reference);
    }
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "d2llm", "students", name);
    ClassLoader loader = DefaultStudents.class.getClassLoader();
    try {
      Files.createDirectories(dir);
      for (String file : FILES) {
        try (InputStream in = loader.getResourceAsStream(RESOURCES + name + "/" + file)) {
          if (in == null) {
            throw new IllegalStateException(
                "the shipped student '"
                    + name
                    + "' is not in this build (missing "
                    + RESOURCES
                    + name
                    + "/"
                    + file
                    + ")");
          }
          Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      for (String file : OPTIONAL_FILES) {
        try (InputStream in = loader.getResourceAsStream(RESOURCES + name + "/" + file)) {
          if (in == null) {
            Files.deleteIfExists(dir.resolve(file));
          } else {
            Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot unpack the shipped student '" + name + "' into " + dir, e);
    }
    return dir;
  }
}
