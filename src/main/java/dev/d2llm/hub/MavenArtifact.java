package dev.d2llm.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** A jar on a Maven repository, located by group, artifact and version as Maven lays it out. */
public record MavenArtifact(String groupId, String artifactId, String version) {

  /** Where Maven Central serves artifacts. */
  public static final URI MAVEN_CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");

  public MavenArtifact {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(artifactId, "artifactId");
    Objects.requireNonNull(version, "version");
  }

  /**
   * {@code group/path/artifact/version/artifact-version.jar}, the same under a local or a remote
   * repository.
   */
  public String relativePath() {
    return groupId.replace('.', '/')
        + "/"
        + artifactId
        + "/"
        + version
        + "/"
        + artifactId
        + "-"
        + version
        + ".jar";
  }

  /** The jar's path inside a local repository such as {@code ~/.m2/repository}. */
  public Path localPath(Path localRepository) {
    return localRepository.resolve(relativePath());
  }

  /** The jar's address under a remote repository base such as {@link #MAVEN_CENTRAL}. */
  public URI remoteUri(URI repositoryBase) {
    String base = repositoryBase.toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + relativePath());
  }

  /** {@code groupId:artifactId:version}. */
  public String coordinates() {
    return groupId + ":" + artifactId + ":" + version;
  }

  /**
   * The local repository of this JVM's environment; see {@link #localRepository(UnaryOperator,
   * UnaryOperator)}.
   */
  public static Path defaultLocalRepository() {
    return localRepository(System::getProperty, System::getenv);
  }

  /**
   * The local repository as Maven would pick it without reading settings.xml: system property
   * {@code maven.repo.local}, then environment {@code MAVEN_REPO_LOCAL}, then {@code
   * -Dmaven.repo.local=} inside {@code MAVEN_OPTS}, then {@code ~/.m2/repository}.
   */
  public static Path localRepository(
      UnaryOperator<String> systemProperty, UnaryOperator<String> environment) {
    String explicit = blankToNull(systemProperty.apply("maven.repo.local"));
    if (explicit == null) {
      explicit = blankToNull(environment.apply("MAVEN_REPO_LOCAL"));
    }
    if (explicit == null) {
      String opts = environment.apply("MAVEN_OPTS");
      if (opts != null) {
        for (String opt : opts.trim().split("\\s+")) {
          if (opt.startsWith("-Dmaven.repo.local=")) {
            explicit = blankToNull(opt.substring("-Dmaven.repo.local=".length()));
          }
        }
      }
    }
    if (explicit != null) {
      return Path.of(explicit);
    }
    return Path.of(systemProperty.apply("user.home"), ".m2", "repository");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
