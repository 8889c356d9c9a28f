package dev.d2llm.nn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Loads a class written on the incubating Java Vector API only when this JVM can run it: started
 * with {@code --add-modules jdk.incubator.vector}, and the class links. Callers name the class, so
 * nothing else refers to it and a JVM without the module never tries to load it.
 */
public final class VectorApi {

  private VectorApi() {}

  /**
   * A new instance of {@code className}, found and built through {@code caller} (its package's own
   * lookup, so the class and its no-argument constructor may stay package-private), or empty with
   * the reason logged (as "{@code what}: {@code fallback}, because ...") when the module is missing
   * or the class fails to load.
   */
  public static <T> Optional<T> load(
      MethodHandles.Lookup caller,
      String className,
      Class<T> type,
      String what,
      String fallback,
      Logger log) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      log.info(
          "{}: {}, because jdk.incubator.vector is not enabled (start the JVM with --add-modules"
              + " jdk.incubator.vector)",
          what,
          fallback);
      return Optional.empty();
    }
    try {
      MethodHandle constructor =
          caller.findConstructor(caller.findClass(className), MethodType.methodType(void.class));
      return Optional.of(type.cast(constructor.invoke()));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      log.warn(
          "{}: {}, because the Vector API kernel failed to load: {}", what, fallback, e.toString());
      return Optional.empty();
    } catch (Throwable e) {
      throw new IllegalStateException("building " + className + " failed", e);
    }
  }
}
