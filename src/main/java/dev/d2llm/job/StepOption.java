package dev.d2llm.job;

import java.util.List;
import java.util.Objects;

/**
 * One option a step accepts under {@code with:}: its name (the command-line option without the
 * dashes, or a positional parameter's label), what kind of value it takes and what the job does
 * with that value.
 *
 * @param name the key under {@code with:}
 * @param role whether the value is a plain value, a location read or written, or a model reference
 * @param type the value's type, checked before the job starts
 * @param required whether a step must give it
 * @param repeatable whether it takes a list
 * @param positional the positional index on the command line, or -1 for an option {@code --name}
 * @param choices the allowed values for {@link Type#CHOICE}, empty otherwise
 */
public record StepOption(
    String name,
    Role role,
    Type type,
    boolean required,
    boolean repeatable,
    int positional,
    List<String> choices) {

  /** What the job does with an option's value. */
  public enum Role {
    /** A plain value passed as it is. */
    VALUE,
    /**
     * A file or directory the step reads: must exist or be written by an earlier step; downloaded
     * when remote.
     */
    INPUT,
    /** A file the step writes: uploaded when remote. */
    OUTPUT_FILE,
    /** A directory the step writes: uploaded when remote. */
    OUTPUT_DIR,
    /**
     * A file the step reads when it exists and writes back (a cache): downloaded and uploaded when
     * remote.
     */
    CACHE,
    /**
     * An object-store location the step writes itself ({@code file://}, a path or {@code s3://}):
     * passed as it is.
     */
    STORE,
    /**
     * A model reference: a name such as {@code default}, or a location (then read like {@link
     * #INPUT}).
     */
    MODEL
  }

  /** The type of an option's value. */
  public enum Type {
    TEXT,
    INTEGER,
    NUMBER,
    FLAG,
    CHOICE,
    LOCATION
  }

  public StepOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(type, "type");
    choices = List.copyOf(choices);
    if (name.isBlank() || name.startsWith("-")) {
      throw new IllegalArgumentException(
          "step option name must be a bare word, found '" + name + "'");
    }
    if ((type == Type.CHOICE) == choices.isEmpty()) {
      throw new IllegalArgumentException(
          "option '" + name + "': choices go with type CHOICE and only with it");
    }
    if (role != Role.VALUE && type != Type.LOCATION) {
      throw new IllegalArgumentException(
          "option '" + name + "' with role " + role + " must have type LOCATION");
    }
  }

  /**
   * Whether the job reads this option's value as a place (for {@link Role#MODEL}: when it looks
   * like one).
   */
  public boolean isLocation() {
    return role != Role.VALUE;
  }

  /** Whether the step writes to this option's location. */
  public boolean isOutput() {
    return role == Role.OUTPUT_FILE
        || role == Role.OUTPUT_DIR
        || role == Role.CACHE
        || role == Role.STORE;
  }
}
