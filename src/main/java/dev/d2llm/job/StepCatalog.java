package dev.d2llm.job;

import java.util.List;
import java.util.Optional;

/** The kinds of step a job may use; the CLI supplies one built from its own commands. */
public interface StepCatalog {

  /** The kind called {@code name}, if there is one. */
  Optional<StepKind> find(String name);

  /** Every kind's name, in the order a user reads them. */
  List<String> names();
}
